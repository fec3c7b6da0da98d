// The companies' report: every indicator recomputed from every filing (rules.h build_report),
// stored as JSON by the transaction that changed the filings, and exported as CSV/XLSX.
#include <cmath>

#include "core/time.h"
#include "indicators/service.h"
#include "store/query.h"
#include "store/with_session.h"

namespace eq::indicators {

namespace {

const char* kPublished = "report";

Json value(const std::optional<double>& v) { return v ? Json(std::round(*v * 10.0) / 10.0) : Json(nullptr); }

Json group_values(const GroupFigures& g) {
  Json v = Json::object();
  for (const auto& d : report_indicators()) v[d.id] = value(indicator_value(g, d.id));
  return v;
}

Json by_group(const std::map<std::string, std::map<int, GroupFigures>>& groups) {
  Json out = Json::array();
  for (const auto& [name, years] : groups) {
    Json ys = Json::object();
    for (const auto& [y, g] : years) ys[std::to_string(y)] = {{"companies", g.companies}, {"values", group_values(g)}};
    out.push_back({{"name", name}, {"years", ys}});
  }
  return out;
}

}  // namespace

Json report_json(const Report& r, bool demo) {
  Json indicators = Json::array();
  for (const auto& d : report_indicators()) {
    Json panel = Json::object(), all = Json::object();
    for (int y : r.years) {
      panel[std::to_string(y)] = value(indicator_value(r.panel.at(y), d.id));
      if (r.all_eligible.count(y)) all[std::to_string(y)] = value(indicator_value(r.all_eligible.at(y), d.id));
    }
    indicators.push_back({{"id", d.id}, {"name", d.name}, {"unit", d.unit}, {"higher_is_better", d.higher_is_better},
                          {"panel", panel}, {"all_eligible", all}});
  }
  Json attrition = Json::array();
  for (const auto& a : r.attrition)
    attrition.push_back({{"year", a.year}, {"filed", a.filed}, {"duplicates", a.duplicates}, {"no_sector", a.no_sector},
                         {"small", a.small}, {"eligible", a.eligible}, {"not_every_year", a.not_every_year}, {"panel", a.panel}});
  Json findings = Json::array();
  for (const auto& f : r.findings)
    findings.push_back({{"indicator", f.indicator}, {"from", value(f.from)}, {"to", value(f.to)},
                        {"change", std::round(f.to * 10.0) / 10.0 - std::round(f.from * 10.0) / 10.0}, {"trend", f.trend}, {"text", f.text}});
  Json out = {{"years", r.years},
              {"indicators", indicators},
              {"attrition", attrition},
              {"findings", findings},
              {"summary", r.summary},
              {"by_sector", by_group(r.by_sector)},
              {"by_size", by_group(r.by_size)},
              {"flat_threshold", kFlat},
              {"caps", Json::array({{{"from", 2026}, {"cap", 80}}, {{"from", 2029}, {"cap", 70}}, {{"from", 2032}, {"cap", 60}}})},
              {"method",
               "Panel balanceado: solo empresas que declararon todos los años, con sector y 10 o más personas trabajadoras; una empresa "
               "que declara bajo dos normas de la CMF se cuenta una vez (NCG 461). Proporciones: mujeres sobre el total de personas del "
               "nivel, sumando todas las empresas. Brecha: (sueldo medio de hombres − sueldo medio de mujeres) / sueldo de hombres, "
               "promedio simple de las empresas. Cambios de ±0,5 puntos o menos se leen como «se mantiene»."},
              {"demo", demo}};
  if (demo) {
    out["demo_note"] =
        "Datos de demostración: declaraciones sintéticas de 460 organizaciones (2019 y 2020), generadas para reproducir el "
        "hallazgo cualitativo del reporte real.";
    out["seed"] = {{"source", "Cuenta Pública 2020–2021 del Ministerio de la Mujer y la Equidad de Género, «Reporte de Indicadores de "
                              "Género de las Empresas en Chile» (segunda versión, con Fundación ChileMujeres)"},
                   {"organisations", 460},
                   {"finding", "Las cifras no evidencian avances respecto al reporte de 2019 … la proporción de mujeres en gerencias de "
                               "primera línea es el único indicador que evidencia una leve mejora."}};
  }
  return out;
}

Result<Report> Service::compute_report() {
  return store::with_session<Report>(db_, [&](soci::session& s) -> Result<Report> { return build_report(Repository::filings(s)); });
}

void Service::refresh_report(soci::session& s) {
  const bool demo = store::Query("SELECT COUNT(*) FROM ind_imports WHERE demo = 1").scalar(s).value_or(0) > 0;
  Json j = report_json(build_report(Repository::filings(s)), demo);
  j["computed_at"] = iso8601_utc(now_ms());
  Repository::publish(s, kPublished, j.dump(), now_ms());
}

Result<std::string> Service::public_report() {
  auto stored = store::with_session<std::optional<std::string>>(
      db_, [&](soci::session& s) -> Result<std::optional<std::string>> { return Repository::published(s, kPublished); });
  if (!stored) return fail(stored.error());
  if (*stored) return **stored;
  Json empty = report_json(Report{}, false);
  empty["summary"] = "Aún no se han importado declaraciones de empresas.";
  return empty.dump();
}

Result<ExportTable> Service::report_table() {
  auto text = public_report();
  if (!text) return fail(text.error());
  Json r = Json::parse(*text);
  ExportTable t;
  t.file = "indicadores-genero-empresas";
  t.sheet = "Indicadores";
  t.columns = {{"ambito", "Ámbito"}, {"grupo", "Grupo"},       {"anio", "Año"}, {"indicador", "Código"},
               {"nombre", "Indicador"}, {"valor", "Valor", 1}, {"empresas", "Empresas"}};
  auto add = [&](const std::string& scope, const std::string& group, const std::string& year, const Json& ind, const Json& v,
                 const Json& companies) {
    if (v.is_null()) return;
    t.rows.push_back({scope, group, static_cast<double>(std::stoi(year)), ind["id"].get<std::string>(), ind["name"].get<std::string>(),
                      v.get<double>(), companies.is_null() ? 0.0 : static_cast<double>(companies.get<int64_t>())});
  };
  std::map<std::string, Json> panel_n;
  for (const auto& a : r["attrition"]) panel_n[std::to_string(a["year"].get<int>())] = a["panel"];
  for (const auto& ind : r["indicators"])
    for (auto it = ind["panel"].begin(); it != ind["panel"].end(); ++it) add("panel", "", it.key(), ind, it.value(), panel_n[it.key()]);
  for (const char* kind : {"by_sector", "by_size"})
    for (const auto& g : r[kind])
      for (auto y = g["years"].begin(); y != g["years"].end(); ++y)
        for (const auto& ind : r["indicators"])
          add(kind == std::string("by_sector") ? "sector" : "tamano", g["name"].get<std::string>(), y.key(), ind,
              y.value()["values"][ind["id"].get<std::string>()], y.value()["companies"]);
  return t;
}

}  // namespace eq::indicators
