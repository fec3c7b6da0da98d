// The SEG indicator catalogue: indicators with their definition and steward institution, the
// series stewards upload (all values of one upload in one transaction, or none) or that the
// platform computes (the companies' report here; other modules through PlatformSources), and the
// reminder recorded when a period is due and missing.
#include <algorithm>
#include <cmath>
#include <optional>

#include "core/format_cl.h"
#include "core/text.h"
#include "core/time.h"
#include "indicators/access.h"
#include "indicators/service.h"
#include "store/with_session.h"

namespace eq::indicators {

namespace {

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  size_t p = 0;
  while (p <= s.size()) {
    size_t e = s.find(',', p);
    if (e == std::string::npos) e = s.size();
    auto part = trim(s.substr(p, e - p));
    if (!part.empty()) out.push_back(part);
    p = e + 1;
  }
  return out;
}

const std::map<std::string, std::string>& dimension_names() {
  static const std::map<std::string, std::string> all = {{"sexo", "Sexo"}, {"region", "Región"}, {"edad", "Tramo de edad"}};
  return all;
}

// "sexo=mujer", "region=13", "edad=15-29" or "" (total); an error names the item.
Result<std::string> check_disaggregation(const Indicator& ind, const std::string& text, const std::string& field) {
  if (text.empty()) return std::string();
  auto eq = text.find('=');
  const std::string dim = trim(text.substr(0, eq == std::string::npos ? text.size() : eq));
  const std::string val = eq == std::string::npos ? "" : trim(text.substr(eq + 1));
  auto dims = split(ind.disaggregations);
  if (std::find(dims.begin(), dims.end(), dim) == dims.end())
    return fail(Error::invalid(field, "El indicador no se desagrega por «" + dim + "»; admite: " +
                                          (dims.empty() ? std::string("solo el total") : ind.disaggregations) + ".",
                               "invalid_disaggregation"));
  bool ok = false;
  if (dim == "sexo") ok = val == "mujer" || val == "hombre";
  if (dim == "region") ok = val.size() == 2 && std::isdigit(static_cast<unsigned char>(val[0])) &&
                            std::isdigit(static_cast<unsigned char>(val[1])) && std::stoi(val) >= 1 && std::stoi(val) <= 16;
  if (dim == "edad") ok = age_groups().count(val) > 0;
  if (!ok)
    return fail(Error::invalid(field, "Valor de desagregación no válido: «" + text +
                                          "» (sexo=mujer|hombre, region=01…16, edad=15-29|30-44|45-59|60+).",
                               "invalid_disaggregation"));
  return dim + "=" + val;
}

}  // namespace

std::map<int64_t, std::string> Service::names(const std::set<int64_t>& ids) {
  if (sources_ && sources_->institution_names) return sources_->institution_names(ids);
  return {};
}

std::map<int64_t, std::string> Service::steward_names(const std::vector<Indicator>& list) {
  std::set<int64_t> ids;
  for (const auto& i : list) ids.insert(i.steward_institution_id);
  return names(ids);
}

int64_t Service::add_indicator(soci::session& s, const Indicator& i) { return Repository::insert_indicator(s, i, now_ms()); }

Result<std::vector<std::pair<std::string, double>>> Service::computed_series(soci::session& s, const Indicator& i) {
  const std::string key = i.origin.rfind("platform:", 0) == 0 ? i.origin.substr(9) : "";
  // The companies' report, this module's own: women's share of board seats, every eligible
  // company of each year (one per company).
  if (key == "empresas_directorio") {
    auto r = build_report(Repository::filings(s));
    SeriesPoints out;
    for (const auto& [y, g] : r.all_eligible)
      if (auto v = indicator_value(g, "mujeres_directorio")) out.emplace_back(std::to_string(y), *v);
    return out;
  }
  if (sources_) {
    auto it = sources_->series.find(key);
    if (it != sources_->series.end()) return it->second();
  }
  return SeriesPoints{};
}

Json Service::indicator_json(soci::session& s, const Indicator& i, const std::map<int64_t, std::string>& names, int64_t now) {
  auto steward = names.find(i.steward_institution_id);
  Json dims = Json::array();
  for (const auto& d : split(i.disaggregations)) dims.push_back({{"id", d}, {"name", dimension_names().count(d) ? dimension_names().at(d) : d}});
  Json values = Json::array();
  std::set<std::string> have;
  if (i.origin == "upload") {
    for (const auto& v : Repository::values(s, i.id)) {
      if (v.disaggregation.empty()) have.insert(v.period);
      values.push_back({{"period", v.period}, {"disaggregation", v.disaggregation}, {"value", v.value},
                        {"numerator", v.numerator ? Json(*v.numerator) : Json(nullptr)},
                        {"denominator", v.denominator ? Json(*v.denominator) : Json(nullptr)}});
    }
  } else if (auto series = computed_series(s, i)) {
    for (const auto& [p, v] : *series) {
      have.insert(p);
      values.push_back({{"period", p}, {"disaggregation", ""}, {"value", std::round(v * std::pow(10, i.decimals)) / std::pow(10, i.decimals)},
                        {"numerator", nullptr}, {"denominator", nullptr}});
    }
  }
  Json periods = Json::array();
  int64_t overdue = 0;
  for (const auto& p : closed_periods(i.periodicity, i.first_year, now)) {
    const int64_t due = *period_end(i.periodicity, p) + static_cast<int64_t>(i.grace_days) * 86400000;
    const bool reported = have.count(p) > 0;
    // Only a published indicator is due: a draft is not yet asked for, a retired one no longer.
    const bool late = i.origin == "upload" && i.status == "publicado" && !reported && now >= due;
    overdue += late;
    periods.push_back({{"period", p}, {"due_on", format_date_cl(due)}, {"reported", reported}, {"overdue", late}});
  }
  return {{"id", i.id},
          {"code", i.code},
          {"name", i.name},
          {"definition", i.definition},
          {"numerator", i.numerator},
          {"denominator", i.denominator},
          {"unit", i.unit},
          {"factor", i.factor},
          {"decimals", i.decimals},
          {"periodicity", i.periodicity},
          {"source", i.source},
          {"steward", {{"id", i.steward_institution_id}, {"name", steward == names.end() ? "" : steward->second}}},
          {"disaggregations", dims},
          {"origin", i.origin == "upload" ? "upload" : "platform"},
          {"origin_label", i.origin == "upload" ? "Cargado por la institución responsable" : "Calculado por la plataforma"},
          {"first_year", i.first_year},
          {"grace_days", i.grace_days},
          {"demo", i.demo},
          {"values", values},
          {"periods", periods},
          {"overdue", overdue},
          {"status", i.status},
          {"version", i.version},
          {"modified_on", i.modified_at ? Json(format_date_cl(*i.modified_at)) : Json(nullptr)}};
}

Result<Json> Service::catalogue() {
  return store::with_session<Json>(db_, [&](soci::session& s) -> Result<Json> {
    auto list = Repository::indicators(s);
    auto n = steward_names(list);
    Json items = Json::array();
    const int64_t now = now_ms();
    for (const auto& i : list) {
      if (i.status != "publicado") continue;  // drafts and retired indicators are not listed
      Json j = indicator_json(s, i, n, now);
      // The list carries the total series only (the detail page has the disaggregations).
      Json totals = Json::array();
      for (const auto& v : j["values"])
        if (v["disaggregation"] == "") totals.push_back({{"period", v["period"]}, {"value", v["value"]}});
      j["values"] = totals;
      j.erase("periods");
      items.push_back(j);
    }
    return Json{{"items", items}};
  });
}

Result<Json> Service::indicator_detail(int64_t id) {
  return store::with_session<Json>(db_, [&](soci::session& s) -> Result<Json> {
    auto i = Repository::indicator(s, id);
    if (!i || i->status == "borrador") return fail(Error::not_found("El indicador no existe."));
    Json j = indicator_json(s, *i, names({i->steward_institution_id}), now_ms());
    // The earlier published definitions, newest first (what changed and when).
    Json history = Json::array();
    const auto versions = Repository::versions(s, i->id);
    for (auto v = versions.rbegin(); v != versions.rend(); ++v) {
      if (v->version == i->version || v->status != "publicado") continue;
      auto body = Json::parse(v->body, nullptr, false);
      if (!body.is_object()) continue;
      history.push_back({{"version", v->version},
                         {"published_on", format_date_cl(v->changed_at)},
                         {"name", body.value("name", "")},
                         {"definition", body.value("definition", "")},
                         {"numerator", body.value("numerator", "")},
                         {"denominator", body.value("denominator", "")},
                         {"unit", body.value("unit", "")},
                         {"source", body.value("source", "")}});
    }
    j["history"] = history;
    return j;
  });
}

Result<Json> Service::steward_indicators(const http::Request& req) {
  const auto& who = req.who();
  return store::with_session<Json>(db_, [&](soci::session& s) -> Result<Json> {
    std::map<int64_t, std::vector<Reminder>> reminders;
    for (auto& r : Repository::reminders(s)) reminders[r.indicator_id].push_back(r);
    Json items = Json::array();
    auto n = names({who.institution_id});
    const int64_t now = now_ms();
    for (const auto& i : Repository::indicators(s)) {
      if (i.steward_institution_id != who.institution_id) continue;
      Json j = indicator_json(s, i, n, now);
      Json rs = Json::array();
      for (const auto& r : reminders[i.id]) rs.push_back({{"period", r.period}, {"due_on", format_date_cl(r.due_at)}, {"sent_on", format_date_cl(r.sent_at)}});
      j["reminders"] = rs;
      items.push_back(j);
    }
    return Json{{"items", items}};
  });
}

Result<Json> Service::upload_values(const http::Request& req, int64_t id, const Json& body) {
  if (!body.contains("values") || !body["values"].is_array() || body["values"].empty())
    return fail(Error::invalid("values", "Envíe «values»: una lista con al menos un valor {period, disaggregation, value}.", "required"));
  if (body["values"].size() > 2000) return fail(Error::invalid("values", "Como máximo 2.000 valores por carga.", "too_many"));
  std::optional<audit::Entry> denied;  // recorded after this transaction rolls back
  auto out = db_.transaction<Json>([&](soci::session& s) -> Result<Json> {
    auto ind = Repository::indicator(s, id);
    if (!ind) return fail(Error::not_found("El indicador no existe."));
    if (auto ok = check_upload(req.who(), *ind); !ok) {
      denied = audit::Log::from(req, "indicators.values_upload", "indicator:" + std::to_string(id), "denied");
      denied->detail = ok.error().code;
      return fail(ok.error());
    }
    const auto periods = closed_periods(ind->periodicity, ind->first_year, now_ms());
    std::set<std::string> seen;
    std::vector<Value> values;
    size_t k = 0;
    for (const auto& item : body["values"]) {
      const std::string field = "values[" + std::to_string(k++) + "]";
      if (!item.is_object()) return fail(Error::invalid(field, "Cada valor debe ser un objeto {period, disaggregation, value}.", "invalid_type"));
      for (auto it = item.begin(); it != item.end(); ++it)
        if (it.key() != "period" && it.key() != "disaggregation" && it.key() != "value" && it.key() != "numerator" && it.key() != "denominator")
          return fail(Error::invalid(field + "." + it.key(), "Campo desconocido «" + it.key() + "».", "unknown_field"));
      Value v;
      v.period = item.contains("period") && item["period"].is_string() ? trim(item["period"].get<std::string>()) : "";
      if (std::find(periods.begin(), periods.end(), v.period) == periods.end()) {
        std::string range = periods.empty() ? "ninguno todavía" : periods.front() + " a " + periods.back();
        return fail(Error::invalid(field + ".period",
                                   "El período «" + v.period + "» no existe para este indicador (" + ind->periodicity +
                                       ", períodos cerrados: " + range + ").",
                                   "unknown_period"));
      }
      std::string dis = item.contains("disaggregation") && item["disaggregation"].is_string() ? item["disaggregation"].get<std::string>() : "";
      auto d = check_disaggregation(*ind, trim(dis), field + ".disaggregation");
      if (!d) return fail(d.error());
      v.disaggregation = *d;
      if (!item.contains("value") || !item["value"].is_number())
        return fail(Error::invalid(field + ".value", "El valor debe ser un número.", "invalid_number"));
      v.value = item["value"].get<double>();
      if (!std::isfinite(v.value)) return fail(Error::invalid(field + ".value", "El valor debe ser un número finito.", "invalid_number"));
      if (ind->unit == "%" && (v.value < 0 || v.value > 100))
        return fail(Error::invalid(field + ".value", "Un porcentaje va de 0 a 100; se recibió " + format_decimal(v.value, 2) + ".", "out_of_range"));
      for (const char* part : {"numerator", "denominator"})
        if (item.contains(part) && !item[part].is_null()) {
          if (!item[part].is_number())
            return fail(Error::invalid(field + "." + part, "Debe ser un número.", "invalid_number"));
          (std::string(part) == "numerator" ? v.numerator : v.denominator) = item[part].get<double>();
        }
      if (v.numerator && v.denominator) {
        if (*v.denominator <= 0) return fail(Error::invalid(field + ".denominator", "El denominador debe ser mayor que cero.", "out_of_range"));
        const double expected = *v.numerator / *v.denominator * ind->factor;
        if (std::abs(expected - v.value) > 0.5 * std::pow(10.0, -ind->decimals) + 1e-9)
          return fail(Error::invalid(field + ".value", "El valor (" + format_decimal(v.value, ind->decimals) +
                                                           ") no coincide con numerador / denominador × " + format_decimal(ind->factor, 0) +
                                                           " = " + format_decimal(expected, ind->decimals) + ".",
                                     "inconsistent_value"));
      }
      if (!seen.insert(v.period + "|" + v.disaggregation).second)
        return fail(Error::invalid(field, "El período " + v.period + (v.disaggregation.empty() ? "" : " (" + v.disaggregation + ")") +
                                              " viene dos veces en la misma carga.",
                                   "duplicate_value"));
      v.uploaded_by = req.who().user_id;
      v.uploaded_at = now_ms();
      values.push_back(v);
    }
    for (const auto& v : values) Repository::put_value(s, id, v);
    auto e = audit::Log::from(req, "indicators.values_upload", "indicator:" + std::to_string(id));
    e.detail = std::to_string(values.size()) + " valores";
    audit_->append(s, e);
    return Json{{"saved", values.size()}, {"indicator", indicator_json(s, *ind, names({ind->steward_institution_id}), now_ms())}};
  });
  if (denied)
    if (auto ok = audit_->append(*denied); !ok) return fail(ok.error());
  return out;
}

Result<int> Service::remind_due(int64_t now) {
  return db_.transaction<int>([&](soci::session& s) -> Result<int> {
    int n = 0;
    for (const auto& i : Repository::indicators(s)) {
      if (i.origin != "upload" || i.status != "publicado") continue;
      auto periods = closed_periods(i.periodicity, i.first_year, now);
      if (periods.empty()) continue;
      const std::string& last = periods.back();
      const int64_t due = *period_end(i.periodicity, last) + static_cast<int64_t>(i.grace_days) * 86400000;
      if (now < due || Repository::has_reminder(s, i.id, last)) continue;
      bool reported = false;
      for (const auto& v : Repository::values(s, i.id)) reported = reported || (v.period == last && v.disaggregation.empty());
      if (reported) continue;
      Repository::insert_reminder(s, {i.id, last, due, now});
      audit::Entry e;
      e.actor_institution_id = i.steward_institution_id;
      e.action = "indicators.reminder";
      e.object = "indicator:" + std::to_string(i.id);
      e.outcome = "ok";
      e.detail = "período " + last + " vencido el " + format_date_cl(due);
      audit_->append(s, e);
      ++n;
    }
    return n;
  });
}

}  // namespace eq::indicators
