// "What this person has to do today": figures computed from live data for the caller's roles.
#include "auth/service.h"
#include "core/format_cl.h"
#include "core/time.h"

namespace eq::auth {

namespace {
http::Json item(std::string kind, std::string title, std::string detail, std::optional<int64_t> value, std::string link,
                std::string severity = "info") {
  return {{"kind", kind},
          {"title", title},
          {"detail", detail},
          {"value", value ? http::Json(*value) : http::Json(nullptr)},
          {"link", link.empty() ? http::Json(nullptr) : http::Json(link)},
          {"severity", severity}};
}
}  // namespace

Result<http::Json> Service::home(const http::Request& req) {
  const auto& p = req.who();
  int64_t now = now_ms();
  http::Json items = http::Json::array();
  std::string title;
  for (const auto& r : p.roles)
    if (const Role* role = find_role(r)) title += (title.empty() ? "" : " · ") + role->name;

  int64_t sessions = 0, recovery_left = -1, locked = 0, active_users = 0, institutions = 0;
  {
    auto lease = db_.lease();
    if (!lease) return fail(lease.error());
    try {
      soci::session& s = **lease;
      for (const auto& sess : repo_.sessions_of(s, p.user_id))
        if (sess.expires_at > now && now - sess.last_seen_at <= policy_.idle_timeout_ms) ++sessions;
      if (p.totp_enabled) recovery_left = repo_.recovery_codes_left(s, p.user_id);
      if (p.can("users.manage")) {
        std::optional<int64_t> scope;
        if (!p.can("users.manage_all")) scope = p.institution_id;
        locked = repo_.count(s, "locked", scope, now);
        active_users = repo_.count(s, "active_users", scope, now);
        if (p.can("institutions.manage")) institutions = repo_.count(s, "institutions", std::nullopt, now);
      }
    } catch (const std::exception& e) {
      return fail(store::database_error(e));
    }
  }

  if (p.can("users.manage")) {
    if (locked > 0)
      items.push_back(item("task", "Cuentas bloqueadas por intentos fallidos",
                           "Verifique con cada persona que fue ella quien intentó ingresar antes de ayudarla.", locked,
                           "/admin/usuarios", "warning"));
    items.push_back(item("metric", p.can("users.manage_all") ? "Cuentas activas en el sistema" : "Cuentas activas de su institución",
                         "Personas que hoy pueden ingresar.", active_users, "/admin/usuarios"));
  }
  if (p.can("institutions.manage"))
    items.push_back(item("metric", "Instituciones activas", "Servicios, centros, policías, fiscalías, municipios y otras que usan Equidad.",
                         institutions, "/admin/instituciones"));
  if (p.can("audit.read")) {
    // Walking the whole chain is O(entries): the home page reuses a verification up to 10 minutes old.
    auto v = audit_.recent_verification(std::chrono::minutes(10));
    if (!v) return fail(v.error());
    if (v->ok)
      items.push_back(item("metric", "Registro de auditoría íntegro",
                           "Cadena de " + format_integer(v->count) + " entradas verificada en los últimos 10 minutos.", v->count, "/admin/auditoria"));
    else
      items.push_back(item("task", "El registro de auditoría fue alterado",
                           "La cadena se rompe en la entrada " + std::to_string(*v->first_broken_seq) +
                               ". Informe de inmediato a seguridad de la información.",
                           *v->first_broken_seq, "/admin/auditoria", "critical"));
    audit::Filter f;
    f.outcome = "denied";
    f.from_ms = now - 24LL * 3600 * 1000;
    f.limit = 500;
    auto denied = audit_.list(f);
    if (!denied) return fail(denied.error());
    if (!denied->empty())
      items.push_back(item("task", "Accesos rechazados en las últimas 24 horas",
                           "Solicitudes sin permiso o con sesiones sospechosas: revise si hay un patrón.",
                           static_cast<int64_t>(denied->size()), "/admin/auditoria", "warning"));
  }
  if (recovery_left == 0)
    items.push_back(item("notice", "Sin códigos de recuperación",
                         "Si pierde su teléfono, la administración deberá restablecer su verificación en dos pasos.", std::nullopt, ""));
  else if (recovery_left > 0 && recovery_left < 3)
    items.push_back(item("task", "Quedan pocos códigos de recuperación",
                         "Pida a la administración que restablezca su segundo factor para recibir códigos nuevos.", recovery_left, "",
                         "warning"));
  items.push_back(item("metric", "Sesiones abiertas",
                       sessions > 1 ? "Tiene sesiones en más de un dispositivo: cierre las que no reconozca."
                                    : "Solo esta sesión está abierta.",
                       sessions, "/mis-sesiones", sessions > 1 ? "warning" : "info"));
  for (const auto& source : home_sources_) {
    auto more = source(req);
    if (!more) return fail(more.error());
    for (auto& extra : *more) items.push_back(std::move(extra));
  }
  // Each role's functions, so a person learns what they can do here.
  for (const auto& r : p.roles) {
    const Role* role = find_role(r);
    if (!role || r == "admin" || r == "institution_admin") continue;
    std::string perms;
    for (const auto& perm : role->permissions)
      for (const auto& d : permissions())
        if (d.id == perm) perms += (perms.empty() ? "" : "; ") + d.description;
    items.push_back(item("notice", role->name, role->summary + " Funciones de su rol: " + perms + ".", std::nullopt, ""));
  }
  std::string first = p.name.substr(0, p.name.find(' '));
  return http::Json{{"role_title", title},
                    {"greeting", "Hola, " + first + ". Hoy es " + format_date_cl(now) + "."},
                    {"items", items}};
}

}  // namespace eq::auth
