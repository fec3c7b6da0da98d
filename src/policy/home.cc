// Policy items on the home page: what a focal point or SEREMI team still has to report in the
// periods open now, with the nearest deadline; for analysts, the reports waiting for validation.
#include <algorithm>

#include "core/time.h"
#include "policy/import.h"
#include "policy/access.h"
#include "policy/repository.h"

namespace eq::policy {

Result<std::vector<http::Json>> home_items(store::Database& db, const http::Request& req) {
  const auto& p = req.who();
  std::vector<http::Json> out;
  if (!p.can("policy.report") && !p.can("policy.validate")) return out;
  auto lease = db.lease();
  if (!lease) return fail(lease.error());
  try {
    auto& s = **lease;
    const auto now = now_ms();
    if (p.can("policy.report")) {
      int64_t pending = 0, returned = 0;
      std::optional<int64_t> deadline;  // first instant after the last day that still accepts reports
      std::string deadline_label;
      for (const auto& ins : Repository::instruments(s)) {
        std::vector<Period> open;
        for (const auto& per : Repository::periods(s, ins.id))
          if (accepts_reports(period_state(per, now))) open.push_back(per);
        if (open.empty()) continue;
        std::vector<Item> mine;
        for (auto& i : Repository::items_of(s, ins.id))
          if (i.is_leaf && may_report(p, {{i.institutions.begin(), i.institutions.end()}, i.region_id})) mine.push_back(i);
        if (mine.empty()) continue;
        for (const auto& per : open) {
          ReportFilter f;
          f.instrument_id = ins.id;
          f.period_id = per.id;
          f.limit = 100000;
          std::map<int64_t, std::string> state;
          for (const auto& r : Repository::reports(s, f)) state[r.report.item_id] = r.report.state;
          int64_t here = 0;
          for (const auto& i : mine) {
            auto it = state.find(i.id);
            if (it == state.end()) ++here;
            else if (it->second == "devuelto") {
              ++returned;
              ++here;
            }
          }
          pending += here;
          if (here == 0) continue;
          // The last accepted instant: the reopening, or the close plus the grace days.
          int64_t ends = per.reopened_until && *per.reopened_until > now ? *per.reopened_until
                                                                           : per.closes_at + static_cast<int64_t>(per.grace_days) * 86400000LL;
          if (!deadline || ends < *deadline) {
            deadline = ends;
            deadline_label = ins.name + ", período " + per.label;
          }
        }
      }
      if (pending > 0) {
        std::string detail = "Plazo más próximo: " + format_date_cl(*deadline - 43200000LL) + " (" + deadline_label + ").";
        if (returned > 0) detail += " " + std::to_string(returned) + (returned == 1 ? " fue devuelto" : " fueron devueltos") + " con observaciones.";
        out.push_back({{"kind", "task"}, {"title", "Reportes pendientes en períodos abiertos"}, {"detail", detail}, {"value", pending},
                       {"link", "/politicas/mis-reportes"}, {"severity", *deadline - now < 7 * 86400000LL ? "critical" : "warning"},
                       {"deadline", format_date_cl(*deadline - 43200000LL)}});
      } else {
        out.push_back({{"kind", "metric"}, {"title", "Reportes pendientes en períodos abiertos"},
                       {"detail", "No tiene reportes pendientes."}, {"value", 0}, {"link", "/politicas/mis-reportes"}, {"severity", "info"}});
      }
    }
    if (p.can("policy.validate")) {
      ReportFilter f;
      f.state = "enviado";
      f.limit = 100000;
      auto rows = Repository::reports(s, f);
      std::string detail = "Reportes enviados por las instituciones que esperan su revisión.";
      if (!rows.empty()) {
        int64_t oldest = rows.front().current.submitted_at;
        for (const auto& r : rows) oldest = std::min(oldest, r.current.submitted_at);
        detail += " El más antiguo se envió el " + format_date_cl(oldest) + ".";
      }
      out.push_back({{"kind", rows.empty() ? "metric" : "task"}, {"title", "Reportes por validar"}, {"detail", detail},
                     {"value", static_cast<int64_t>(rows.size())}, {"link", "/politicas/validacion"},
                     {"severity", rows.empty() ? "info" : "warning"}});
    }
  } catch (const std::exception& e) {
    return fail(store::database_error(e));
  }
  return out;
}

}  // namespace eq::policy
