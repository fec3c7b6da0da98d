// Demo institutions and one login per role, so a newcomer can see every home page.
#include "auth/demo.h"

#include <iostream>

namespace eq::auth {

const std::vector<DemoLogin>& demo_logins() {
  static const std::vector<DemoLogin> all = {
      {"admin", "admin@equidad.demo", "Carolina Fuentes Rojas", "Ministerio de la Mujer y la Equidad de Género", true},
      {"institution_admin", "institucion@equidad.demo", "Patricia Soto Vidal", "Centro de la Mujer Santiago", true},
      {"analyst", "analista@equidad.demo", "Javiera Morales Díaz", "Ministerio de la Mujer y la Equidad de Género", false},
      {"focal_point", "enlace@equidad.demo", "Rodrigo Araya Pérez", "Ministerio de Salud", false},
      {"seremi", "seremi@equidad.demo", "Daniela Castro Muñoz", "SEREMI de la Mujer y la Equidad de Género, Región Metropolitana", false},
      {"case_worker", "caso@equidad.demo", "Valentina Reyes Contreras", "Centro de la Mujer Santiago", true},
      // A second institution, so the registry's need-to-know rules can be seen from both sides.
      {"case_worker", "policia@equidad.demo", "Marcela Pino Ibáñez", "Carabineros de Chile", true},
      {"operator", "operador@equidad.demo", "Camila Herrera Silva", "Servicio Nacional de la Mujer y la Equidad de Género (SernamEG)", true},
      {"municipal", "municipal@equidad.demo", "Felipe González Torres", "Municipalidad de Santiago", true},
      // The police unit that takes dispatches outside the municipal pilot, or when a municipal unit does not answer.
      {"responder", "patrulla@equidad.demo", "Sebastián Muñoz Rojas", "Carabineros de Chile", true},
      {"pharmacy", "farmacia@equidad.demo", "Andrea Vergara Lagos", "Farmacia Comunitaria Providencia", false},
      {"company", "empresa@equidad.demo", "Ignacio Bravo Espinoza", "Consultora de Directorios Andes", false},
      // The 1455 line's supervisor and a second operator, so offers, transfers and "already taken" can be seen.
      {"channels_supervisor", "supervision@equidad.demo", "Lorena Salinas Ortiz", "Servicio Nacional de la Mujer y la Equidad de Género (SernamEG)", true},
      {"operator", "operador2@equidad.demo", "Francisca Núñez Parra", "Servicio Nacional de la Mujer y la Equidad de Género (SernamEG)", true},
      // Staff of two shelters (network of care), so a house answering another's referral can be tried.
      {"house_staff", "casa@equidad.demo", "Lorena Vidal Soto", "Casa de Acogida Región de Valparaíso", true},
      {"house_staff", "casa2@equidad.demo", "Francisca Rojas Mella", "Casa de Acogida Región de Los Lagos", true},
      {"steward", "estadisticas@equidad.demo", "Francisca Leiva Ortiz", "Instituto Nacional de Estadísticas (INE)", false},
      // Two women of the Registro de Directoras: one consented to be contactable, the other did not (and is stale).
      {"board_candidate", "directora@equidad.demo", "Soledad Achondo Ibarra", "Mujeres inscritas en el Registro de Directoras", false},
      {"board_candidate", "directora2@equidad.demo", "Rocío Valdivia Cárcamo", "Mujeres inscritas en el Registro de Directoras", false},
      {"dpo", "dpo@equidad.demo", "Macarena Olivares Tapia", "Ministerio de la Mujer y la Equidad de Género", true},
  };
  return all;
}

Result<void> load_demo(Service& svc) {
  struct Inst {
    const char* name;
    const char* type;
    const char* region;
    const char* comuna;
  };
  const Inst institutions[] = {
      {"Ministerio de la Mujer y la Equidad de Género", "ministry", "", ""},
      {"Servicio Nacional de la Mujer y la Equidad de Género (SernamEG)", "public_service", "", ""},
      {"SEREMI de la Mujer y la Equidad de Género, Región Metropolitana", "seremi", "13", ""},
      {"Centro de la Mujer Santiago", "sernameg_centre", "13", "13101"},
      {"Casa de Acogida Región de Valparaíso", "sernameg_centre", "05", "05101"},
      {"Carabineros de Chile", "police", "", ""},
      {"Policía de Investigaciones de Chile (PDI)", "police", "", ""},
      {"Fiscalía Regional Metropolitana Centro Norte", "prosecutor", "13", ""},
      {"Servicio Médico Legal", "forensic", "", ""},
      {"Ministerio de Salud", "ministry", "", ""},
      {"Municipalidad de Santiago", "municipality", "13", "13101"},
      {"Municipalidad de La Pintana", "municipality", "13", "13112"},
      {"Farmacia Comunitaria Providencia", "pharmacy", "13", "13123"},
      {"Consultora de Directorios Andes", "company", "13", "13114"},
      {"Casa de Acogida Región de Los Lagos", "sernameg_centre", "10", "10101"},
      {"Instituto Nacional de Estadísticas (INE)", "public_service", "", ""},
      {"Mujeres inscritas en el Registro de Directoras", "individual", "", ""},
  };
  std::map<std::string, int64_t> ids;
  for (const auto& i : institutions) {
    Institution inst;
    inst.name = i.name;
    inst.type = i.type;
    inst.region_id = i.region;
    inst.comuna_id = i.comuna;
    auto id = svc.ensure_institution(inst);
    if (!id) return fail(id.error());
    ids[i.name] = *id;
  }
  for (const auto& d : demo_logins()) {
    auto existing = svc.find_user(d.email);
    if (!existing) return fail(existing.error());
    if (*existing) {
      // A demo database from before a role required the second factor: give the account the
      // demo secret, so the logins table in the README stays true for it.
      if (d.totp && !(*existing)->totp_enabled)
        if (auto ok = svc.set_totp_console(d.email, kDemoTotpSecret); !ok) return ok;
      continue;
    }
    NewUser u;
    u.name = d.name;
    u.email = d.email;
    u.password = kDemoPassword;
    u.institution_id = ids.at(d.institution);
    u.roles = {d.role};
    if (d.role == "seremi" || d.role == "case_worker" || d.role == "municipal") u.region_id = "13";
    if (d.role == "case_worker" || d.role == "municipal") u.comuna_id = "13101";
    auto id = svc.add_user_console(u, d.totp, kDemoTotpSecret);
    if (!id) return fail(id.error());
  }
  return {};
}

void print_demo_logins(std::ostream& out) {
  out << "Cuentas de demostración (contraseña para todas: " << kDemoPassword << "):\n";
  for (const auto& d : demo_logins()) {
    const Role* r = find_role(d.role);
    out << "  " << d.email << std::string(d.email.size() < 28 ? 28 - d.email.size() : 1, ' ') << (r ? r->name : d.role)
        << (d.totp ? "  [TOTP, secreto " + std::string(kDemoTotpSecret) + "]" : "") << "\n";
  }
}

}  // namespace eq::auth
