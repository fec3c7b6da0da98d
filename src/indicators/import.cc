// Import of a year's company filings (CSV or XLSX, layout in rules.h / README "Indicadores de
// género"). Policy: the whole file or nothing. Every row is validated first; when any row has a
// blocking error nothing is written and the answer (422) lists every error and warning by row and
// column; otherwise every row is written in one transaction, the report recomputed in it, and the
// import audited in it. `dry_run` validates without writing.
#include <algorithm>
#include <cmath>
#include <set>

#include "core/csv.h"
#include "core/text.h"
#include "core/time.h"
#include "indicators/service.h"
#include "indicators/xlsx_read.h"
#include "store/with_session.h"

namespace eq::indicators {

namespace {

std::string column_name(const std::string& raw) {
  std::string f = fold_for_search(trim(raw));
  for (auto& c : f)
    if (c == ' ' || c == '-') c = '_';
  if (f == "ano") f = "anio";
  return f;
}

Json issue_json(size_t row, const Issue& i) {
  return {{"row", row}, {"column", i.column}, {"message", i.message}, {"severity", i.blocking ? "bloqueante" : "advertencia"}};
}

}  // namespace

Result<Service::ImportOutcome> Service::import_filings(const http::Request& req, int year, const std::string& bytes, bool xlsx,
                                                       bool dry_run) {
  std::vector<std::vector<std::string>> records;
  if (xlsx) {
    auto rows = xlsx_rows(bytes);
    if (!rows) return fail(rows.error());
    records = std::move(*rows);
  } else {
    CsvReader reader(bytes);
    std::vector<std::string_view> fields;
    while (true) {
      auto more = reader.next(fields);
      if (!more) return fail(Error::bad_request("invalid_csv", more.error().message, "file"));
      if (!*more) break;
      std::vector<std::string> rec(fields.begin(), fields.end());
      records.push_back(std::move(rec));
    }
  }
  std::optional<int64_t> actor, inst;
  if (req.principal) actor = req.who().user_id, inst = req.who().institution_id;
  return import_rows(actor, inst, year, records, xlsx ? "xlsx" : "csv", false, dry_run, req.client_ip);
}

Result<Service::ImportOutcome> Service::import_rows(std::optional<int64_t> actor, std::optional<int64_t> actor_institution, int year,
                                                    const std::vector<std::vector<std::string>>& records, const std::string& kind,
                                                    bool demo, bool dry_run, const std::string& client_ip) {
  auto blank = [](const std::vector<std::string>& r) {
    return std::all_of(r.begin(), r.end(), [](const std::string& c) { return trim(c).empty(); });
  };
  size_t h = 0;
  while (h < records.size() && blank(records[h])) ++h;
  if (h == records.size()) return fail(Error::invalid("file", "El archivo está vacío: falta la fila de encabezado con los nombres de las columnas.", "empty_file"));
  std::vector<std::string> header;
  const auto& known = layout_columns();
  std::vector<std::string> unknown;
  for (const auto& raw : records[h]) {
    header.push_back(column_name(raw));
    if (!header.back().empty() && std::find(known.begin(), known.end(), header.back()) == known.end()) unknown.push_back(raw);
  }
  if (!unknown.empty()) {
    std::string list;
    for (const auto& u : unknown) list += (list.empty() ? "«" : ", «") + u + "»";
    return fail(Error::invalid("file", "Columnas desconocidas: " + list + ". Revise el nombre según el formato documentado.", "unknown_columns"));
  }
  std::vector<std::string> missing;
  for (const auto& c : required_columns())
    if (std::find(header.begin(), header.end(), c) == header.end()) missing.push_back(c);
  if (!missing.empty()) {
    std::string list;
    for (const auto& m : missing) list += (list.empty() ? "«" : ", «") + m + "»";
    return fail(Error::invalid("file", "Faltan columnas obligatorias: " + list + ".", "missing_columns"));
  }

  auto entry = [&](std::string action, std::string object, std::string outcome, std::string detail) {
    audit::Entry e;
    e.actor_user_id = actor;
    e.actor_institution_id = actor_institution;
    e.action = std::move(action);
    e.object = std::move(object);
    e.client_ip = client_ip;
    e.outcome = std::move(outcome);
    e.detail = std::move(detail);
    return e;
  };
  auto out = db_.transaction<ImportOutcome>([&](soci::session& s) -> Result<ImportOutcome> {
    const auto stored = Repository::filed_keys(s, year);
    std::map<std::pair<std::string, std::string>, size_t> seen;  // (rut, rule) → row
    std::vector<Filing> good;
    Json issues = Json::array();
    int64_t rows = 0, blocking_rows = 0, warnings = 0;
    for (size_t i = h + 1; i < records.size(); ++i) {
      if (blank(records[i])) continue;
      const size_t line = i + 1;  // as the spreadsheet numbers it
      ++rows;
      std::map<std::string, std::string> row;
      std::vector<Issue> found;
      if (records[i].size() > header.size())
        found.push_back({"", "La fila tiene más celdas que columnas el encabezado.", true});
      for (size_t c = 0; c < header.size() && c < records[i].size(); ++c)
        if (!header[c].empty()) row[header[c]] = records[i][c];
      Filing f;
      auto more = validate_row(row, year, f);
      found.insert(found.end(), more.begin(), more.end());
      if (!f.rut.empty()) {
        auto key = std::make_pair(f.rut, f.rule);
        if (auto it = seen.find(key); it != seen.end())
          found.push_back({"rut", "La empresa RUT " + f.rut + " ya aparece en la fila " + std::to_string(it->second) + " del archivo con la misma norma (" +
                                      f.rule + "): una empresa declara una vez por año y norma.",
                           true});
        else
          seen.emplace(key, line);
        if (stored.count(key))
          found.push_back({"rut", "La empresa RUT " + f.rut + " ya tiene una declaración " + f.rule + " del año " + std::to_string(year) +
                                      " importada antes: una empresa declara una vez por año y norma.",
                           true});
      }
      bool blocked = false;
      for (const auto& is : found) {
        issues.push_back(issue_json(line, is));
        blocked = blocked || is.blocking;
        warnings += !is.blocking;
      }
      if (blocked)
        ++blocking_rows;
      else
        good.push_back(std::move(f));
    }
    Json report = {{"year", year}, {"rows", rows}, {"blocking_rows", blocking_rows}, {"warnings", warnings}, {"issues", issues},
                   {"dry_run", dry_run}, {"policy", "Se importa el archivo completo o nada: una fila con error bloqueante detiene toda la importación."}};
    if (rows == 0)
      return fail(Error::invalid("file", "El archivo no tiene filas de datos bajo el encabezado.", "empty_file"));
    if (blocking_rows > 0) {
      report["imported"] = 0;
      Json body = {{"error", {{"code", "filing_rejected"},
                              {"message", std::to_string(blocking_rows) + (blocking_rows == 1 ? " fila tiene" : " filas tienen") +
                                              " errores bloqueantes: no se importó ninguna fila. Corrija el archivo y vuelva a enviarlo."},
                              {"field", "file"}}},
                   {"report", report}};
      // The refusal is audited below, outside this transaction, which writes nothing.
      return ImportOutcome{422, body};
    }
    if (dry_run) {
      report["imported"] = 0;
      return ImportOutcome{200, report};
    }
    const int64_t import_id = Repository::insert_import(s, year, kind, rows, static_cast<int64_t>(good.size()), warnings, demo, actor);
    Repository::insert_filings(s, import_id, good);
    refresh_report(s);
    audit_->append(s, entry("indicators.filings_import", "import:" + std::to_string(import_id), "ok",
                            "año " + std::to_string(year) + ", " + std::to_string(good.size()) + " declaraciones, " +
                                std::to_string(warnings) + " advertencias" + (demo ? " (demostración)" : "")));
    report["imported"] = good.size();
    report["import_id"] = import_id;
    return ImportOutcome{200, report};
  });
  if (out && out->status == 422)
    (void)audit_->append(entry("indicators.filings_rejected", "year:" + std::to_string(year), "failed",
                               std::to_string(out->body["report"]["blocking_rows"].get<int64_t>()) + " filas con errores bloqueantes"));
  return out;
}

Result<Json> Service::company_figures(const http::Request& req, int year) {
  return db_.transaction<Json>([&](soci::session& s) -> Result<Json> {
    auto list = Repository::filings(s, year);
    Json out = Json::array();
    auto opt = [](const std::optional<double>& v) { return v ? Json(std::round(*v * 10.0) / 10.0) : Json(nullptr); };
    for (const auto& f : list) {
      auto c = company_indicators(f);
      Json shares = Json::object(), gaps = Json::object();
      for (int l = 0; l < kLevels; ++l) {
        shares[kLevelIds[l]] = opt(c.women_share[l]);
        gaps[kLevelIds[l]] = opt(c.gap[l]);
      }
      out.push_back({{"id", f.id}, {"rut", f.rut}, {"company", f.company}, {"sector", f.sector}, {"size", f.size}, {"rule", f.rule},
                     {"workers", f.women_total + f.men_total}, {"eligible", eligible(f)}, {"women_share_total", opt(c.women_share_total)},
                     {"women_share", shares}, {"board_women_share", opt(c.board_women_share)}, {"gap", gaps}, {"cero", c.cero},
                     {"board_20", c.board_20}, {"board_40", c.board_40}, {"within_cap", c.within_cap}});
    }
    auto e = audit::Log::from(req, "indicators.filings_read", "year:" + std::to_string(year));
    e.detail = std::to_string(list.size()) + " declaraciones";
    audit_->append(s, e);
    return Json{{"year", year}, {"cap", board_cap(year) ? Json(*board_cap(year)) : Json(nullptr)}, {"companies", out}};
  });
}

}  // namespace eq::indicators
