#include "auth/catalogue.h"

namespace eq::auth {

const std::vector<Permission>& permissions() {
  static const std::vector<Permission> all = {
      {"users.manage", "Crear y editar cuentas de usuarias y usuarios de su institución"},
      {"users.manage_all", "Crear y editar cuentas de cualquier institución"},
      {"institutions.manage", "Crear y editar instituciones"},
      {"roles.read", "Consultar roles y permisos"},
      {"audit.read", "Consultar el registro de auditoría"},
      {"cases.read", "Consultar casos de su institución"},
      {"cases.write", "Registrar contactos, casos, evaluaciones de riesgo y derivaciones"},
      {"alerts.handle", "Atender alertas y despachar unidades desde el centro de control"},
      {"alerts.respond", "Atender las alertas tempranas del registro único de casos"},
      {"alerts.configure", "Editar las reglas de alerta temprana y probarlas sobre la historia"},
      {"channels.answer", "Atender la línea 1455, el chat silencioso y WhatsApp"},
      {"dispatch.receive", "Recibir despachos y reportar su resultado"},
      {"channels.pharmacy_report", "Reportar una activación de «Mascarilla 19»"},
      {"policy.read", "Consultar instrumentos de política, metas y compromisos"},
      {"policy.report", "Reportar avances de los compromisos de su institución"},
      {"policy.validate", "Validar reportes y preparar la cuenta pública"},
      {"registries.directoras.search", "Buscar en el Registro de Directoras"},
      {"monitoring.manage", "Registrar medidas con monitoreo telemático, sus zonas de exclusión y dispositivos"},
      {"legislative.manage", "Registrar proyectos de ley, su tramitación y sus urgencias en la agenda legislativa"},
      {"channels.supervise", "Supervisar la línea 1455 y el chat: cola en vivo, reasignación, bloqueos, conversaciones, respuestas predefinidas y estadística"},
      {"care.read", "Consultar la red de atención con sus cupos (sin direcciones de casas de acogida)"},
      {"care.refer", "Buscar cupo y derivar a una mujer a una casa de acogida"},
      {"care.house", "Confirmar los cupos de su casa de acogida y responder sus derivaciones"},
      {"care.board", "Consultar el tablero nacional de cupos y la ocupación de las casas"},
      {"indicators.import", "Importar las declaraciones de género de las empresas y ver sus indicadores por empresa"},
      {"indicators.steward", "Cargar la serie de los indicadores de género que su institución informa"},
      {"registries.directoras.profile", "Inscribirse en el Registro de Directoras y mantener su perfil"},
      {"account.edit", "Redactar y publicar la Cuenta Pública Participativa"},
      {"account.milestones", "Registrar los hitos de su región para la cuenta pública"},
      {"registries.manage", "Registrar organizaciones certificadas (NCh3262, Sello Iguala, IPG) y convenios, con sus estados y alertas"},
      {"channels.statistics", "Consultar la estadística de los canales de ayuda en el tiempo (solo agregados) y descargarla"},
      {"system.metrics", "Leer las métricas reservadas de operación (consolas conectadas), con un token para Prometheus"},
      {"dataprotection.manage", "Tramitar las solicitudes de derechos sobre datos personales (Ley 21.719) y ver el registro de tratamiento"},
      {"indicators.catalogue.edit", "Crear y modificar indicadores del catálogo de género (SEG) de su institución; el Ministerio, los de todas"},
      {"councils.manage", "Administrar el COSOC, el Consejo Asesor y las mesas intersectoriales: integrantes, sesiones, asistencia, actas y acuerdos (una SEREMI, los de su región)"},
      {"outreach.manage", "Registrar cursos, sesiones y participantes, campañas y charlas de su institución; marcar asistencia a charlas"},
      {"participation.manage", "Abrir consultas ciudadanas de la cuenta pública, responder preguntas y moderar comentarios"},
      {"studies.edit", "Registrar, publicar y retirar los estudios y encuestas del Ministerio en el catálogo público, con sus hallazgos y archivos"},
  };
  return all;
}

const std::vector<Role>& roles() {
  static const std::vector<Role> all = {
      {"admin", "Administración del sistema", "Gestiona instituciones, cuentas y auditoría de todo el sistema.", true,
       {"users.manage", "users.manage_all", "institutions.manage", "roles.read", "audit.read", "alerts.configure", "system.metrics", "councils.manage"}},
      {"institution_admin", "Administración de institución", "Gestiona las cuentas de su propia institución.", true,
       {"users.manage", "roles.read"}},
      {"analyst", "Analista del Ministerio", "Valida reportes, consolida indicadores y prepara la cuenta pública.", false,
       {"policy.read", "policy.validate", "legislative.manage", "care.read", "care.board", "indicators.import", "indicators.steward", "account.edit", "account.milestones",
        "registries.manage", "channels.statistics", "indicators.catalogue.edit", "councils.manage", "outreach.manage", "participation.manage", "studies.edit"}},
      {"focal_point", "Enlace ministerial", "Reporta los avances de su ministerio o servicio en metas, compromisos y PMG.", false,
       {"policy.read", "policy.report", "outreach.manage"}},  // outreach.manage: her service's own trainings (e.g. Salud's APS workshops)
      {"seremi", "Equipo SEREMI", "Registra hitos y la agenda regional de su región.", false, {"policy.read", "policy.report", "account.milestones", "councils.manage"}},
      {"case_worker", "Profesional de atención", "Registra casos, evaluaciones de riesgo, derivaciones y medidas de protección.", true,
       {"cases.read", "cases.write", "alerts.respond", "care.read", "care.refer"}},
      {"operator", "Operadora 1455 y centro de control", "Atiende contactos y alertas, y despacha a la unidad más cercana.", true,
       {"cases.read", "channels.answer", "alerts.handle", "alerts.respond", "monitoring.manage", "cases.write"}},
      // Dispatched units receive the victim's name, phone and position: second factor too.
      {"municipal", "Seguridad municipal", "Recibe despachos, confirma su recepción y reporta el resultado.", true, {"dispatch.receive"}},
      {"responder", "Unidad policial de respuesta", "Recibe despachos del centro de control, confirma su recepción y reporta el resultado.",
       true, {"dispatch.receive"}},
      {"pharmacy", "Farmacia", "Reporta activaciones de la palabra clave «Mascarilla 19».", false, {"channels.pharmacy_report"}},
      {"company", "Empresa o headhunter", "Busca candidatas en el Registro de Directoras.", false, {"registries.directoras.search"}},
      {"channels_supervisor", "Supervisión 1455", "Supervisa la cola de la línea 1455 y el chat, reasigna contactos, bloquea y revisa la estadística.",
       true, {"cases.read", "cases.write", "channels.answer", "channels.supervise", "channels.statistics"}},
      // Knows the house's address and the women in it: second factor.
      {"house_staff", "Equipo de casa de acogida", "Confirma los cupos de su casa y responde las derivaciones dentro del plazo.", true,
       {"care.read", "care.house", "alerts.respond"}},  // alerts.respond: the early alerts on its referrals' deadlines
      {"steward", "Institución responsable de indicadores", "Carga las series de los indicadores de género que su institución informa (SEG).",
       false, {"indicators.steward", "indicators.catalogue.edit"}},
      // A woman registered on her own behalf: she holds her own RUT and contact details only.
      {"board_candidate", "Candidata del Registro de Directoras", "Mantiene su perfil en el Registro de Directoras y ve quién lo consultó.",
       false, {"registries.directoras.profile"}},
      // Reads what every module holds about a person when she asks: second factor.
      {"dpo", "Delegada de protección de datos", "Tramita las solicitudes de derechos de la Ley 21.719 y lleva el registro de tratamiento.",
       true, {"dataprotection.manage"}},
  };
  return all;
}

const std::vector<InstitutionType>& institution_types() {
  static const std::vector<InstitutionType> all = {
      {"ministry", "Ministerio"},
      {"public_service", "Servicio público"},
      {"seremi", "Secretaría Regional Ministerial (SEREMI)"},
      {"sernameg_centre", "Centro o casa de acogida SernamEG"},
      {"police", "Policía (Carabineros o PDI)"},
      {"prosecutor", "Fiscalía"},
      {"court", "Tribunal"},
      {"forensic", "Servicio Médico Legal"},
      {"health", "Salud"},
      {"municipality", "Municipalidad"},
      {"pharmacy", "Farmacia"},
      {"company", "Empresa"},
      {"civil_society", "Sociedad civil"},
      {"individual", "Personas inscritas a título individual"},
  };
  return all;
}

const std::vector<Grant>& grants() {
  // Public bodies that report on policy commitments (focal points).
  static const std::vector<std::string> public_bodies = {"ministry", "public_service", "seremi", "police", "prosecutor",
                                                         "court", "forensic", "health", "municipality"};
  static const std::vector<Grant> all = {
      {"admin", Granter::system_admin, {"ministry", "public_service"}},
      {"institution_admin", Granter::institution_admin, {}},  // empty: every kind of institution has its own
      {"analyst", Granter::system_admin, {"ministry", "public_service"}},
      {"focal_point", Granter::institution_admin, public_bodies},
      {"seremi", Granter::institution_admin, {"seremi"}},
      {"case_worker", Granter::institution_admin,
       {"public_service", "sernameg_centre", "police", "prosecutor", "court", "forensic", "health", "municipality", "civil_society"}},
      {"operator", Granter::system_admin, {"public_service"}},
      {"municipal", Granter::institution_admin, {"municipality"}},
      {"responder", Granter::institution_admin, {"police"}},
      {"pharmacy", Granter::institution_admin, {"pharmacy"}},
      {"company", Granter::institution_admin, {"company"}},
      {"channels_supervisor", Granter::system_admin, {"public_service"}},
      {"house_staff", Granter::institution_admin, {"sernameg_centre", "civil_society"}},
      {"steward", Granter::institution_admin, {"ministry", "public_service"}},
      {"board_candidate", Granter::system_admin, {"individual"}},
      {"dpo", Granter::system_admin, {"ministry"}},
  };
  return all;
}

const Grant* find_grant(const std::string& role) {
  for (const auto& g : grants())
    if (g.role == role) return &g;
  return nullptr;
}

bool role_fits_institution_type(const std::string& role, const std::string& institution_type) {
  const Grant* g = find_grant(role);
  if (!g) return false;
  if (role == "institution_admin") return find_institution_type(institution_type) != nullptr;
  for (const auto& t : g->institution_types)
    if (t == institution_type) return true;
  return false;
}

const Role* find_role(const std::string& id) {
  for (const auto& r : roles())
    if (r.id == id) return &r;
  return nullptr;
}

const InstitutionType* find_institution_type(const std::string& id) {
  for (const auto& t : institution_types())
    if (t.id == id) return &t;
  return nullptr;
}

std::set<std::string> permissions_of(const std::vector<std::string>& role_ids) {
  std::set<std::string> out;
  for (const auto& id : role_ids)
    if (const Role* r = find_role(id)) out.insert(r->permissions.begin(), r->permissions.end());
  return out;
}

bool requires_totp(const std::vector<std::string>& role_ids) {
  for (const auto& id : role_ids)
    if (const Role* r = find_role(id); r && r->requires_totp) return true;
  return false;
}

}  // namespace eq::auth
