// Policy lists as CSV or XLSX files (see exports.h).
#include "policy/exports.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <functional>
#include <map>
#include <variant>

#include "core/csv.h"
#include "core/format_cl.h"
#include "core/time.h"

namespace eq::policy {

namespace {
XlsxCell opt_cell(const std::optional<double>& v) { return v ? XlsxCell(*v) : XlsxCell(std::string()); }
}  // namespace

// ---------------------------------------------------------------- tables


Result<http::Response> table_response(const ExportTable& t, bool xlsx) {
  http::Response r;
  if (xlsx) {
    std::vector<std::string> header;
    for (const auto& c : t.columns) header.push_back(c.xlsx);
    auto bytes = xlsx_sheet(t.sheet, header, t.rows);
    if (!bytes) return fail(bytes.error());
    r.content_type = kXlsxType;
    r.body = std::move(*bytes);
    r.compressible = false;
  } else {
    r.content_type = "text/csv; charset=utf-8";
    r.body = eq::kCsvBom;
    std::vector<std::string> fields;
    for (const auto& c : t.columns) fields.push_back(c.csv);
    r.body += eq::csv_row(fields, {.spreadsheet = true});
    for (const auto& row : t.rows) {
      fields.clear();
      for (size_t k = 0; k < row.size(); ++k) {
        if (const auto* text = std::get_if<std::string>(&row[k])) {
          fields.push_back(*text);
          continue;
        }
        double v = std::get<double>(row[k]);
        int d = k < t.columns.size() ? t.columns[k].decimals : 0;
        fields.push_back(d ? format_decimal(v, d) : std::to_string(std::llround(v)));
      }
      r.body += eq::csv_row(fields, {.spreadsheet = true});
    }
  }
  r.headers.push_back({"Content-Disposition", "attachment; filename=\"" + t.file + (xlsx ? ".xlsx" : ".csv") + "\""});
  return r;
}


ExportTable rollup_table(const std::string& by, const std::vector<FigureRow>& rows) {
  ExportTable t{"avance-por-" + by, "Avance",
                {{by == "instrument" ? "instrumento" : by == "region" ? "region" : "institucion",
                  by == "instrument" ? "Instrumento" : by == "region" ? "Región" : "Institución"},
                 {"id", "Id"},
                 {"avance_pct", "Avance (%)", 1},
                 {"items_considerados", "Ítems considerados"},
                 {"con_reporte_validado", "Con reporte validado"},
                 {"sin_reporte", "Sin reporte"}},
                {}};
  for (const auto& g : rows)
    t.rows.push_back({g.name, g.key, round1(g.figure.progress), static_cast<double>(g.figure.leaves),
                      static_cast<double>(g.figure.reported), static_cast<double>(g.figure.leaves - g.figure.reported)});
  return t;
}

ExportTable reports_table(const std::vector<ReportRow>& rows, const Names& n) {
  ExportTable t{"reportes", "Reportes",
          {{"reporte", "Reporte"}, {"instrumento", "Instrumento"}, {"item", "Ítem"}, {"codigo", "Código"}, {"periodo", "Período"},
           {"institucion", "Institución"}, {"estado", "Estado"}, {"version", "Versión"}, {"estado_avance", "Estado de avance"},
           {"avance", "Avance (%)"}, {"avance_validado", "Avance validado (%)"}, {"enviado", "Enviado"}, {"narrativa", "Narrativa"}},
          {}};
  for (const auto& x : rows)
    t.rows.push_back({static_cast<double>(x.report.id), x.instrument_name, x.item_title, x.item_code, x.period_label,
                      n.institution(x.report.institution_id), report_state_es(x.report.state), static_cast<double>(x.current.version),
                      report_status_es(x.current.status), static_cast<double>(x.current.progress), opt_cell(x.report.validated_progress),
                      format_datetime_cl(x.current.submitted_at), x.current.narrative});
  return t;
}

// The items of an instrument (or of the subtree under one item) in tree order, with their published
// weights, indicator and validated figures.
ExportTable items_table(const Instrument& ins, const std::vector<Item>& items, const Names& n, std::optional<int64_t> under) {
  std::map<std::optional<int64_t>, std::vector<const Item*>> kids;
  std::map<int64_t, const Item*> by_id;
  for (const auto& i : items) {
    kids[i.parent_id].push_back(&i);
    by_id[i.id] = &i;
  }
  ExportTable t{under ? "items-" + ins.code + "-" + std::to_string(*under) : "items-" + ins.code, "Ítems",
          {{"id", "Id"}, {"instrumento", "Instrumento"}, {"nivel", "Nivel"}, {"codigo", "Código"}, {"titulo", "Título"},
           {"item_superior", "Ítem superior"}, {"peso", "Peso", 2}, {"estado", "Estado"}, {"instituciones", "Instituciones responsables"},
           {"region", "Región (código)"}, {"indicador", "Indicador"}, {"unidad", "Unidad"}, {"linea_base", "Línea base", 2},
           {"meta", "Meta", 2}, {"avance_pct", "Avance validado (%)", 1}, {"items_considerados", "Ítems considerados"},
           {"con_reporte_validado", "Con reporte validado"}, {"sin_reporte", "Sin reporte"}},
          {}};
  std::function<void(std::optional<int64_t>)> walk = [&](std::optional<int64_t> parent) {
    for (const Item* i : kids[parent]) {
      std::string names;
      for (auto id : i->institutions) names += (names.empty() ? "" : "; ") + n.institution(id);
      t.rows.push_back({static_cast<double>(i->id), ins.name, level_es(i->level), i->code, i->title,
                        i->parent_id ? XlsxCell(static_cast<double>(*i->parent_id)) : XlsxCell(std::string()), i->weight, i->status,
                        names, i->region_id, i->indicator_name, i->indicator_unit, opt_cell(i->baseline), opt_cell(i->target),
                        round1(i->rolled_progress), static_cast<double>(i->leaves), static_cast<double>(i->reported),
                        static_cast<double>(i->leaves - i->reported)});
      walk(i->id);
    }
  };
  if (under) {
    if (by_id.count(*under)) walk(*under);
  } else {
    walk(std::nullopt);
  }
  return t;
}

ExportTable periods_table(const Instrument& ins, const std::vector<Period>& periods) {
  ExportTable t{"periodos-" + ins.code, "Períodos",
          {{"periodo", "Período"}, {"tipo", "Tipo"}, {"apertura", "Apertura"}, {"cierre", "Cierre"}, {"dias_gracia", "Días de gracia"},
           {"reabierto_hasta", "Reabierto hasta"}, {"motivo_reapertura", "Motivo de la reapertura"}, {"estado", "Estado"}},
          {}};
  const auto now = now_ms();
  for (const auto& p : periods) {
    Json j = period_json(p, now);
    t.rows.push_back({p.label, p.kind, j["opens_on"].get<std::string>(), j["closes_on"].get<std::string>(),
                      static_cast<double>(p.grace_days), j["reopened_until"].is_null() ? std::string() : j["reopened_until"].get<std::string>(),
                      p.reopen_reason, j["state_name"].get<std::string>()});
  }
  return t;
}

}  // namespace eq::policy
