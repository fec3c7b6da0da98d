// The published figures: every instrument with its progress, the roll-up by instrument,
// institution or region, and each instrument's progress at the close of each period. Every number
// here comes from rollup.cc (stored by refresh_figures, or computed by its functions).
#include <algorithm>

#include "core/format_cl.h"
#include "core/time.h"
#include "policy/rollup.h"
#include "policy/seed_check.h"
#include "policy/service.h"
#include "store/with_session.h"

namespace eq::policy {

namespace {

std::string figure_text(double v, const std::string& unit, int decimals) {
  if (unit == "%") return format_percent(v, decimals);
  std::string n = decimals == 0 ? format_integer(std::llround(v)) : format_decimal(v, decimals);
  return unit.empty() ? n : n + " " + unit;
}

}  // namespace

// Each declared figure of the instrument with the same figure computed from the records
// (seed_check.h): value, text, whether they agree, and the item to drill down to.
Json Service::checked_figures(soci::session& s, const Instrument& ins, const std::vector<Declared>& all) {
  std::vector<CheckItem> items;
  bool loaded = false;
  std::vector<int64_t> days;
  Json out = Json::array();
  for (const auto& d : all) {
    if (d.instrument_id != ins.id) continue;
    Json j = declared_json(d);
    auto stated = stated_value(d.value, d.numerator, d.denominator, d.unit);
    if (d.metric.empty() || !stated) {
      j["check"] = nullptr;
      out.push_back(j);
      continue;
    }
    if (!loaded) {
      for (const auto& it : Repository::items_of(s, ins.id, false))
        items.push_back({it.id, it.parent_id, it.level, it.code, it.status, it.region_id,
                         it.is_leaf ? it.current_progress : std::nullopt, it.indicator_value});
      for (const auto& a : Repository::assistance(s, ins.id)) days.push_back(a.held_on);
      loaded = true;
    }
    auto c = evaluate_metric(d.metric, items, d.item_id, days);
    if (!c.ok) {
      j["check"] = {{"metric", d.metric}, {"error", c.error}, {"agrees", false}};
      out.push_back(j);
      continue;
    }
    const bool ok = agrees(*stated, c.value, d.agreement);
    int decimals = c.numerator ? 1 : stated->decimals;
    std::string text = figure_text(c.value, d.unit, decimals);
    if (c.numerator && d.unit == "%")
      text += " (" + format_integer(std::llround(*c.numerator)) + " de " + format_integer(std::llround(*c.denominator)) + ")";
    j["check"] = {{"metric", d.metric},
                  {"agreement", d.agreement},
                  {"value", c.value},
                  {"numerator", c.numerator ? Json(*c.numerator) : Json(nullptr)},
                  {"denominator", c.denominator ? Json(*c.denominator) : Json(nullptr)},
                  {"text", text},
                  {"stated", stated->value},
                  {"agrees", ok},
                  {"item_id", d.item_id ? Json(*d.item_id) : Json(nullptr)}};
    out.push_back(j);
  }
  return out;
}

Result<Json> Service::public_instruments() {
  return store::with_session<Json>(db_, [&](soci::session& s) -> Result<Json> {
    auto figures = Repository::figures(s, std::nullopt);
    Json items = Json::array();
    for (const auto& i : Repository::instruments(s)) {
      auto j = instrument_summary(i, figures);
      j["declared"] = checked_figures(s, i, figures);
      j["demo_data"] = Repository::has_demo_reports(s, i.id);
      items.push_back(j);
    }
    return Json{{"items", items}, {"method", kMethod}};
  });
}

Result<Json> Service::seed_checks() {
  return store::with_session<Json>(db_, [&](soci::session& s) -> Result<Json> {
    auto figures = Repository::figures(s, std::nullopt);
    Json items = Json::array();
    int64_t agree = 0, disagree = 0;
    for (const auto& i : Repository::instruments(s))
      for (auto& f : checked_figures(s, i, figures)) {
        if (f["check"].is_null()) continue;
        (f["check"]["agrees"].get<bool>() ? agree : disagree) += 1;
        f["instrument_id"] = i.id;
        f["instrument_code"] = i.code;
        f["instrument_name"] = i.name;
        items.push_back(f);
      }
    return Json{{"items", items}, {"agree", agree}, {"disagree", disagree}};
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
