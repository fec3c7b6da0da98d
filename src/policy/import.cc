// CSV import of items and of focal points, with a per-row report. Each row is checked and
// written on its own (one transaction per row, audited inside it): good rows are imported, bad
// ones come back as {row, column, message} and leave nothing behind. The file is RFC 4180 UTF-8
// (BOM tolerated), read with the shared reader (core/csv.h); the first record names the columns.
#include <algorithm>
#include <map>

#include "core/crypto.h"
#include "core/text.h"
#include "core/csv.h"
#include "policy/import.h"
#include "policy/import_rows.h"
#include "policy/repository.h"

namespace eq::policy {

namespace {

using http::Json;
using http::Request;
using http::Response;

Result<Table> read_table(const Request& req, const std::vector<std::string>& required, const std::vector<std::string>& known) {
  std::string type = lower(req.header("content-type"));
  if (type.rfind("text/csv", 0) != 0 && type.rfind("text/plain", 0) != 0 && type.rfind("application/octet-stream", 0) != 0)
    return fail(Error::bad_request("unsupported_media_type", "Envíe el archivo como text/csv (UTF-8).", "file"));
  return read_table_text(req.body, required, known);
}

struct RowError {
  size_t row;
  std::string column, message;
};

Json report_json(const std::string& kind, size_t rows, const Json& created, const std::vector<RowError>& errors) {
  Json errs = Json::array();
  for (const auto& e : errors) errs.push_back({{"row", e.row}, {"column", e.column}, {"message", e.message}});
  return {{"kind", kind}, {"rows", rows}, {"imported", created.size()}, {"rejected", errors.size()}, {"created", created}, {"errors", errs}};
}

Result<Response> import_items(ImportContext& c, Request& req) {
  auto table = read_table(req, {"instrumento", "nivel", "titulo"},
                          {"instrumento", "codigo", "codigo_superior", "nivel", "titulo", "peso", "estado", "region", "instituciones",
                           "anio_inicio", "anio_termino"});
  if (!table) return fail(table.error());
  std::set<int64_t> known_institutions;
  {
    auto all = c.auth->list_institutions("", "", "");
    if (!all) return fail(all.error());
    for (const auto& i : *all)
      if (i.active) known_institutions.insert(i.id);
  }
  Json created = Json::array();
  std::vector<RowError> errors;
  for (auto& entry : table->rows) {
    const size_t line = entry.first;  // not a structured binding: captured by the lambda below (clang 14)
    auto& row = entry.second;
    if (row.count("__extra")) {
      errors.push_back({line, "", "La fila tiene más campos que columnas tiene el encabezado."});
      continue;
    }
    std::string column;
    auto parsed = parse_item(row, column);
    if (!parsed) {
      errors.push_back({line, parsed.error().field, parsed.error().message});
      continue;
    }
    Item i = *parsed;
    bool bad = false;
    for (auto id : i.institutions)
      if (!known_institutions.count(id)) {
        errors.push_back({line, "instituciones", "No existe una institución activa con identificador " + std::to_string(id) + "."});
        bad = true;
        break;
      }
    if (bad) continue;
    std::string ins_code = row["instrumento"], parent_code = row["codigo_superior"];
    auto done = c.db.transaction<Json>([&](soci::session& s) -> Result<Json> {
      auto ins_id = Repository::instrument_id_by_code(s, ins_code);
      if (!ins_id) return fail(Error::invalid("instrumento", "No existe un instrumento con código «" + ins_code + "»."));
      auto instrument = Repository::instrument(s, *ins_id);
      i.instrument_id = *ins_id;
      auto items = Repository::items_of(s, *ins_id, false);
      if (!i.code.empty())
        for (const auto& other : items)
          if (other.code == i.code) return fail(Error::invalid("codigo", "El instrumento ya tiene un ítem con código «" + i.code + "»."));
      if (!parent_code.empty()) {
        auto parent = std::find_if(items.begin(), items.end(), [&](const Item& x) { return x.code == parent_code; });
        if (parent == items.end())
          return fail(Error::invalid("codigo_superior", "No hay un ítem con código «" + parent_code + "» en el instrumento."));
        if (Repository::count_reports_of_item(s, parent->id) > 0)
          return fail(Error::invalid("codigo_superior", "El ítem superior ya tiene reportes: no se le pueden agregar subítems."));
        if (auto ok = check_pmg_quota(instrument->kind, i.level, parent->start_year, Repository::count_children(s, parent->id),
                                      "codigo_superior");
            !ok)
          return fail(ok.error());
        i.parent_id = parent->id;
        if (i.region_id.empty()) i.region_id = parent->region_id;
      }
      i.position = i.parent_id ? Repository::count_children(s, *i.parent_id) : 0;
      i.id = Repository::insert_item(s, i);
      refresh_figures(s, i.instrument_id);
      auto entry = audit::Log::from(req, "policy.item_import", "policy_item:" + std::to_string(i.id));
      entry.detail = "fila " + std::to_string(line);
      c.audit->append(s, entry);
      return Json{{"row", line}, {"id", i.id}, {"code", i.code.empty() ? Json(nullptr) : Json(i.code)}, {"title", i.title}};
    });
    if (done) created.push_back(*done);
    else if (done.error().status == 422) errors.push_back({line, done.error().field, done.error().message});
    else return fail(done.error());
  }
  return Response::json(report_json("items", table->rows.size(), created, errors));
}

// Focal points: accounts with the role focal_point for an institution, created through the auth
// module's console operation (the auth module writes its own tables and audits the creation).
// Columns: nombre, correo, run, institucion (id or exact name), region. The account gets a random
// password nobody knows: the institution's administrator sets the first one.
Result<Response> import_focal_points(ImportContext& c, Request& req) {
  auto table = read_table(req, {"nombre", "correo", "institucion"}, {"nombre", "correo", "run", "institucion", "region"});
  if (!table) return fail(table.error());
  std::map<int64_t, std::string> by_id;
  std::map<std::string, int64_t> by_name;
  {
    auto all = c.auth->list_institutions("", "", "");
    if (!all) return fail(all.error());
    for (const auto& i : *all)
      if (i.active) {
        by_id[i.id] = i.name;
        by_name[lower(i.name)] = i.id;
      }
  }
  Json created = Json::array();
  std::vector<RowError> errors;
  static const std::map<std::string, std::string> column_of = {{"name", "nombre"}, {"email", "correo"}, {"run", "run"},
                                                                {"institution", "institucion"}, {"institution_id", "institucion"},
                                                                {"region_id", "region"}, {"comuna_id", "region"}};
  std::set<std::string> seen;
  for (auto& [line, row] : table->rows) {
    if (row.count("__extra")) {
      errors.push_back({line, "", "La fila tiene más campos que columnas tiene el encabezado."});
      continue;
    }
    auth::NewUser u;
    u.name = row["nombre"];
    u.email = row["correo"];
    u.run = row["run"];
    u.region_id = row["region"];
    if (u.region_id.size() == 1 && digits(u.region_id)) u.region_id = "0" + u.region_id;
    u.roles = {"focal_point"};
    if (u.name.empty()) {
      errors.push_back({line, "nombre", "Ingrese el nombre."});
      continue;
    }
    std::string inst = row["institucion"];
    std::optional<int64_t> inst_id;
    if (digits(inst) && by_id.count(std::stoll(inst))) inst_id = std::stoll(inst);
    else if (auto it = by_name.find(lower(inst)); it != by_name.end()) inst_id = it->second;
    if (!inst_id) {
      errors.push_back({line, "institucion",
                        inst.empty() ? "Indique la institución (identificador o nombre exacto)." : "No existe una institución activa «" + inst + "»."});
      continue;
    }
    u.institution_id = *inst_id;
    auto email = auth::normalise_email(u.email);
    if (!email) {
      errors.push_back({line, "correo", email.error().message});
      continue;
    }
    if (!seen.insert(*email).second) {
      errors.push_back({line, "correo", "El correo se repite en el archivo."});
      continue;
    }
    u.password = crypto::random_token(24);
    auto id = c.auth->add_user_console(u);
    if (!id) {
      if (id.error().status >= 500) return fail(id.error());
      auto col = column_of.count(id.error().field) ? column_of.at(id.error().field) : id.error().field;
      errors.push_back({line, col, id.error().message});
      continue;
    }
    auto entry = audit::Log::from(req, "policy.focal_point_import", "user:" + std::to_string(*id));
    entry.detail = "fila " + std::to_string(line) + ", institución " + std::to_string(*inst_id);
    (void)c.audit->append(entry);
    created.push_back({{"row", line}, {"id", *id}, {"email", *email}, {"name", u.name}, {"institution_id", *inst_id},
                       {"institution_name", by_id[*inst_id]}});
  }
  return Response::json(report_json("focal_points", table->rows.size(), created, errors));
}

}  // namespace

void register_import_routes(http::Router& router, std::shared_ptr<ImportContext> ctx) {
  router.add({"POST", "/api/v1/policy/import/items", "policy.validate",
              "Importar ítems desde CSV (instrumento, codigo, codigo_superior, nivel, titulo, peso, estado, region, instituciones, "
              "anio_inicio, anio_termino); informe por fila",
              "policy", [ctx](Request& req) { return import_items(*ctx, req); }});
  router.add({"POST", "/api/v1/policy/import/focal-points", "policy.validate",
              "Importar enlaces (cuentas con rol focal_point) desde CSV (nombre, correo, run, institucion, region); informe por fila",
              "policy", [ctx](Request& req) { return import_focal_points(*ctx, req); }});
}

}  // namespace eq::policy
