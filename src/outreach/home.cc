// Home-page items for trainers (outreach.manage): the trainings screen with her institution's
// sessions, and the talks with the registrations whose attendance is still to be marked.
#include "core/time.h"
#include "outreach/access.h"
#include "outreach/module.h"

namespace eq::outreach {

Result<std::vector<nlohmann::json>> home_items(Service& svc, const http::Request& req) {
  std::vector<nlohmann::json> out;
  if (!access::may_manage(req.who())) return out;
  auto lease = svc.db().lease();
  if (!lease) return fail(lease.error());
  try {
    auto& s = **lease;
    int64_t sessions = 0;
    for (const auto& x : svc.repo().sessions(s, std::nullopt)) sessions += access::may_change(req.who(), x.institution_id);
    out.push_back({{"kind", "metric"}, {"title", "Capacitaciones de su institución"},
                   {"detail", "Cursos, sesiones y participantes por institución y sexo, con el avance contra la meta."},
                   {"value", sessions}, {"link", "/capacitaciones/gestion"}, {"severity", "info"}});
    int64_t pending = 0;
    const int64_t now = now_ms();
    for (const auto& t : svc.repo().talks(s))
      if (access::may_change(req.who(), t.institution_id) && t.starts_at > now) pending += t.registered;
    out.push_back({{"kind", "metric"}, {"title", "Charlas: inscripciones y asistencia"},
                   {"detail", "Personas inscritas en las próximas charlas de su institución; marque la asistencia para emitir certificados."},
                   {"value", pending}, {"link", "/charlas/gestion"}, {"severity", "info"}});
  } catch (const std::exception& e) {
    return fail(store::database_error(e));
  }
  return out;
}

}  // namespace eq::outreach
