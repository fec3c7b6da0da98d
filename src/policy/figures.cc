// The published figures: every instrument with its progress, the roll-up by instrument,
// institution or region, and each instrument's progress at the close of each period. Every number
// here comes from rollup.cc (stored by refresh_figures, or computed by its functions).
#include <algorithm>

#include "core/time.h"
#include "policy/rollup.h"
#include "policy/service.h"
#include "store/with_session.h"

namespace eq::policy {

Result<Json> Service::public_instruments() {
  return store::with_session<Json>(db_, [&](soci::session& s) -> Result<Json> {
    auto figures = Repository::figures(s, std::nullopt);
    Json items = Json::array();
    for (const auto& i : Repository::instruments(s)) items.push_back(instrument_summary(i, figures));
    return Json{{"items", items}, {"method", kMethod}};
  });
}

Result<std::vector<FigureRow>> Service::rollup(const std::string& by) {
  return store::with_session<std::vector<FigureRow>>(db_, [&](soci::session& s) -> Result<std::vector<FigureRow>> {
    std::vector<FigureRow> out;
    if (by == "instrument") {
      for (const auto& i : Repository::instruments(s)) {
        Figure f;
        f.progress = i.rolled_progress;
        f.leaves = i.leaves;
        f.reported = i.reported;
        out.push_back({std::to_string(i.id), i.name, f});
      }
      return out;
    }
    auto groups = by == "region" ? Repository::by_region(s) : Repository::by_institution(s);
    std::set<int64_t> ids;
    if (by == "institution")
      for (const auto& g : groups) ids.insert(std::stoll(g.key));
    auto n = names({}, ids);
    for (const auto& g : groups)
      out.push_back({g.key, by == "institution" ? n.institution(std::stoll(g.key)) : g.key,
                     group_figure(g.leaves, g.reported, g.sum_validated)});
    std::sort(out.begin(), out.end(), [](const FigureRow& a, const FigureRow& b) { return a.name < b.name; });
    return out;
  });
}

Result<Json> Service::history(std::optional<int64_t> only) {
  return store::with_session<Json>(db_, [&](soci::session& s) -> Result<Json> {
    Json items = Json::array();
    for (const auto& i : Repository::instruments(s)) {
      if (only && i.id != *only) continue;
      Json periods = Json::array();
      const int64_t now = now_ms();
      auto list = Repository::periods(s, i.id);
      std::vector<PeriodFigure> figures;
      if (!list.empty()) {
        std::vector<ItemShape> shapes;
        for (const auto& it : Repository::items_of(s, i.id, false)) shapes.push_back({it.id, it.parent_id, it.weight});
        figures = history_figures(shapes, Repository::validated_reports(s, i.id), std::move(list));
      }
      for (const auto& h : figures) {
        if (h.period.opens_at > now) continue;  // not yet open: no point in time to show
        Json p = {{"period_id", h.period.id}, {"label", h.period.label}, {"kind", h.period.kind}};
        p.update(figure_json(h.figure.progress, h.figure.leaves, h.figure.reported));
        periods.push_back(p);
      }
      items.push_back({{"id", i.id}, {"code", i.code}, {"name", i.name}, {"periods", periods}});
    }
    return Json{{"items", items}, {"method", kMethod}};
  });
}

}  // namespace eq::policy
