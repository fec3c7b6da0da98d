// Home-page item: the editors who may manage a body are led to the councils page, with the overdue
// agreements of the bodies they manage as the figure to act on.
#include "core/time.h"
#include "councils/access.h"
#include "councils/module.h"

namespace eq::councils {

Result<std::vector<nlohmann::json>> home_items(Service& svc, const http::Request& req) {
  std::vector<nlohmann::json> out;
  if (!req.principal || !req.who().can("councils.manage")) return out;
  auto lease = svc.db().lease();
  if (!lease) return fail(lease.error());
  try {
    auto& s = **lease;
    const std::string today = today_iso(now_ms());
    int64_t bodies = 0, overdue = 0;
    for (const auto& b : repo::bodies(s)) {
      if (!access::may_manage(req.who(), b)) continue;
      ++bodies;
      for (const auto& a : repo::agreements(s, b.id)) overdue += a.overdue(today);
    }
    out.push_back({{"kind", overdue ? "task" : "metric"},
                   {"title", "Consejos y mesas: acuerdos vencidos"},
                   {"detail", "COSOC, Consejo Asesor y mesas que usted administra (" + std::to_string(bodies) +
                                  "): sesiones, asistencia, actas y seguimiento de acuerdos."},
                   {"value", overdue},
                   {"link", "/consejos"},
                   {"severity", overdue ? "warning" : "info"}});
  } catch (const std::exception& e) {
    return fail(store::database_error(e));
  }
  return out;
}

}  // namespace eq::councils
