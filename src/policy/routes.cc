// HTTP routes of policy tracking: each handler parses the request (path, query, body checked
// against its schema) and answers from the service (service.h), which holds the workflow. Public
// routes show validated progress only; every change needs its permission.
#include <algorithm>

#include "core/crypto.h"
#include "core/text.h"
#include "http/fields.h"
#include "policy/exports.h"
#include "policy/import.h"
#include "policy/module.h"
#include "policy/service.h"

namespace eq::policy {

namespace {

using http::Request;
using http::Response;
using T = http::Field::Type;

const std::string kRead = "policy.read";
const std::string kReport = "policy.report";
const std::string kValidate = "policy.validate";

// An optional numeric query parameter; the error names it.
Result<std::optional<int64_t>> query_id(const Request& req, const char* key) {
  std::string v = req.query_param(key);
  if (v.empty()) return std::optional<int64_t>();
  if (v.size() > 18 || !std::all_of(v.begin(), v.end(), [](char ch) { return ch >= '0' && ch <= '9'; }))
    return fail(Error::bad_request("invalid_parameter", std::string("«") + key + "» debe ser un número.", key));
  return std::optional<int64_t>(std::stoll(v));
}

// The report list's filters (state, item_id, period_id, instrument_id, institution_id). The
// caller's institution scope is applied by the service (access.h list_scope).
Result<ReportFilter> report_filter(const Request& req) {
  ReportFilter f;
  std::optional<Error> error;
  f.state = req.query_param("state");
  if (!f.state.empty() && f.state != "enviado" && f.state != "devuelto" && f.state != "validado")
    error = Error::bad_request("invalid_parameter", "«state» debe ser enviado, devuelto o validado.", "state");
  for (auto [key, field] : {std::pair{"item_id", &f.item_id}, std::pair{"period_id", &f.period_id},
                            std::pair{"instrument_id", &f.instrument_id}, std::pair{"institution_id", &f.institution_id}}) {
    auto v = query_id(req, key);
    if (!v) {
      error = v.error();
      continue;
    }
    if (*v) *field = **v;
  }
  if (error) return fail(*error);
  f.limit = 5000;
  return f;
}

Result<Response> json_answer(const Result<Json>& r, int status = 200) {
  if (!r) return fail(r.error());
  return Response::json(*r, status);
}

Result<Response> file_answer(const Result<ExportTable>& t, bool xlsx) {
  if (!t) return fail(t.error());
  return table_response(*t, xlsx);
}

enum class Format { json, csv, xlsx };

Result<Response> rollup_response(Service& svc, Request& req, Format format) {
  std::string by = req.query_param("by", "instrument");
  if (by != "instrument" && by != "institution" && by != "region")
    return fail(Error::bad_request("invalid_parameter", "«by» debe ser instrument, institution o region.", "by"));
  auto rows = svc.rollup(by);
  if (!rows) return fail(rows.error());
  if (format != Format::json) return table_response(rollup_table(by, *rows), format == Format::xlsx);
  Json items = Json::array();
  for (const auto& g : *rows) {
    Json j = {{"key", g.key}, {"name", g.name}};
    j.update(figure_json(g.figure.progress, g.figure.leaves, g.figure.reported));
    items.push_back(j);
  }
  return Response::json({{"by", by}, {"items", items}, {"method", kMethod}});
}

}  // namespace

void register_routes(http::Router& router, store::Database& db, std::shared_ptr<audit::Log> audit,
                     std::shared_ptr<auth::Service> auth) {
  auto extra = std::make_shared<ImportContext>(ImportContext{db, audit, auth});
  auto svc = std::make_shared<Service>(db, std::move(audit), std::move(auth));
  const std::string tag = "policy";
  register_import_routes(router, extra);
  register_link_routes(router, extra);

  // ------------------------------------------------------------ public (validated data only)
  router.add({"GET", "/api/v1/policy/public/instruments", http::kPublic,
              "Instrumentos de política con su avance validado y las cifras de su fuente", tag,
              [svc](Request&) { return json_answer(svc->public_instruments()); }});
  router.add({"GET", "/api/v1/policy/public/instruments/{id}", http::kPublic,
              "Un instrumento: árbol de ítems con pesos publicados y avance validado, períodos", tag,
              [svc](Request& req) -> Result<Response> {
                auto id = http::path_id(req);
                if (!id) return fail(Error::not_found("No existe un instrumento con ese identificador."));
                return json_answer(svc->instrument(*id));
              }});
  router.add({"GET", "/api/v1/policy/public/items/{id}", http::kPublic,
              "Detalle de una cifra: subítems y reportes validados que la sustentan", tag, [svc](Request& req) -> Result<Response> {
                auto id = http::path_id(req);
                if (!id) return fail(Error::not_found("No existe un ítem con ese identificador."));
                return json_answer(svc->item(*id, nullptr));
              }});
  router.add({"GET", "/api/v1/policy/public/rollup", http::kPublic,
              "Avance validado por instrumento, institución o región (by=instrument|institution|region)", tag,
              [svc](Request& req) { return rollup_response(*svc, req, Format::json); }});
  router.add({"GET", "/api/v1/policy/public/history", http::kPublic,
              "Avance validado de cada instrumento al cierre de cada período de reporte ya abierto (instrument=id opcional)", tag,
              [svc](Request& req) -> Result<Response> {
                auto only = query_id(req, "instrument");
                if (!only) return fail(only.error());
                return json_answer(svc->history(*only));
              }});
  router.add({"GET", "/api/v1/policy/public/rollup.csv", http::kPublic, "Avance validado en CSV (RFC 4180, UTF-8 con BOM)", tag,
              [svc](Request& req) { return rollup_response(*svc, req, Format::csv); }});
  router.add({"GET", "/api/v1/policy/public/rollup.xlsx", http::kPublic, "Avance validado en XLSX (una hoja)", tag,
              [svc](Request& req) { return rollup_response(*svc, req, Format::xlsx); }});
  for (bool xlsx : {false, true}) {
    const std::string ext = xlsx ? ".xlsx" : ".csv";
    const std::string as = xlsx ? " en XLSX (una hoja)" : " en CSV (RFC 4180, UTF-8 con BOM)";
    router.add({"GET", "/api/v1/policy/public/instruments/{id}/items" + ext, http::kPublic,
                "Ítems de un instrumento con pesos, indicador y avance validado" + as + " (under=id: solo el subárbol de ese ítem)", tag,
                [svc, xlsx](Request& req) -> Result<Response> {
                  auto id = http::path_id(req);
                  if (!id) return fail(Error::not_found("No existe un instrumento con ese identificador."));
                  auto under = query_id(req, "under");
                  if (!under) return fail(under.error());
                  return file_answer(svc->items_export(*id, *under), xlsx);
                }});
    router.add({"GET", "/api/v1/policy/public/instruments/{id}/periods" + ext, http::kPublic,
                "Períodos de reporte de un instrumento" + as, tag, [xlsx, svc](Request& req) -> Result<Response> {
                  auto id = http::path_id(req);
                  if (!id) return fail(Error::not_found("No existe un instrumento con ese identificador."));
                  return file_answer(svc->periods_export(*id), xlsx);
                }});
  }

  // ------------------------------------------------------------ reading with a session
  router.add({"GET", "/api/v1/policy/items/{id}", kRead,
              "Detalle de un ítem con todos sus reportes visibles para quien consulta, versiones y evidencias", tag,
              [svc](Request& req) -> Result<Response> {
                auto id = http::path_id(req);
                if (!id) return fail(Error::not_found("No existe un ítem con ese identificador."));
                return json_answer(svc->item(*id, &req.who()));
              }});
  // What the item form offers as responsible institutions.
  router.add({"GET", "/api/v1/policy/institutions", kValidate, "Instituciones que pueden ser responsables de un ítem", tag,
              [svc](Request&) { return json_answer(svc->responsible_institutions()); }});
  router.add({"GET", "/api/v1/policy/my", kReport,
              "Mis ítems por reportar: compromisos de mi institución con sus períodos abiertos y el estado de cada reporte", tag,
              [svc](Request& req) { return json_answer(svc->my_items(req.who())); }});
  router.add({"GET", "/api/v1/policy/reports", kRead,
              "Reportes (filtros state, item_id, period_id, instrument_id, institution_id); sin «policy.validate», solo los de su institución",
              tag, [svc](Request& req) -> Result<Response> {
                auto f = report_filter(req);
                if (!f) return fail(f.error());
                return json_answer(svc->reports(req.who(), *f));
              }});
  for (bool xlsx : {false, true})
    router.add({"GET", xlsx ? "/api/v1/policy/reports.xlsx" : "/api/v1/policy/reports.csv", kRead,
                xlsx ? "Reportes en XLSX (una hoja), mismos filtros" : "Reportes en CSV (RFC 4180, UTF-8 con BOM), mismos filtros", tag,
                [svc, xlsx](Request& req) -> Result<Response> {
                  auto f = report_filter(req);
                  if (!f) return fail(f.error());
                  return file_answer(svc->reports_export(req.who(), *f), xlsx);
                }});
  router.add({"GET", "/api/v1/policy/reports/{id}", kRead, "Un reporte con sus versiones y evidencias", tag,
              [svc](Request& req) -> Result<Response> {
                auto id = http::path_id(req);
                if (!id) return fail(Error::not_found("No existe un reporte con ese identificador."));
                return json_answer(svc->report(req.who(), *id));
              }});
  router.add({"GET", "/api/v1/policy/evidence/{id}", kRead, "Descargar un archivo de evidencia", tag,
              [svc](Request& req) -> Result<Response> {
                auto id = http::path_id(req);
                if (!id) return fail(Error::not_found("No existe ese archivo."));
                auto file = svc->evidence_file(req.who(), *id);
                if (!file) return fail(file.error());
                Response res;
                res.content_type = file->content_type;
                res.body = std::move(file->bytes);
                res.compressible = false;
                std::string safe;
                for (char ch : file->filename) safe += (ch == '"' || ch == '\\') ? '_' : ch;
                res.headers.push_back({"Content-Disposition", "attachment; filename=\"" + safe + "\""});
                res.headers.push_back({"X-Content-SHA256", file->sha256});
                return res;
              }});

  // ------------------------------------------------------------ reporting
  http::Schema submit = {{"item_id", T::integer, true}, {"period_id", T::integer, true}, {"status", T::string, true, 20},
                         {"progress", T::integer, true}, {"narrative", T::string, true, 5000},
                         {"evidence", T::array, false, kMaxFilesPerVersion + 1}};
  router.add({"POST", "/api/v1/policy/reports", kReport,
              "Enviar el reporte de un ítem para un período (o una nueva versión si fue devuelto)", tag,
              [svc, submit](Request& req) -> Result<Response> {
                auto body = http::parse_body(req, submit);
                if (!body) return fail(body.error());
                Service::SubmitReport cmd;
                auto item_id = body_id(*body, "item_id");
                if (!item_id) return fail(item_id.error());
                auto period_id = body_id(*body, "period_id");
                if (!period_id) return fail(period_id.error());
                cmd.item_id = *item_id;
                cmd.period_id = *period_id;
                cmd.status = http::body_text(*body, "status");
                if (auto it = body->find("progress"); it != body->end() && !it->is_null()) cmd.progress = it->get<int64_t>();
                cmd.narrative = http::body_text(*body, "narrative");
                // Files sent with the report: {filename, content_type, data (base64)}; the service
                // checks every one before it writes anything.
                if (auto ev = body->find("evidence"); ev != body->end() && ev->is_array()) {
                  for (size_t k = 0; k < ev->size(); ++k) {
                    const auto& f = (*ev)[k];
                    const std::string field = "evidence[" + std::to_string(k) + "]";
                    if (!f.is_object() || !f.contains("filename") || !f["filename"].is_string() || !f.contains("data") ||
                        !f["data"].is_string())
                      return fail(Error::invalid(field, "Cada archivo lleva «filename» y «data» (base64).", "invalid_file"));
                    auto bytes = crypto::from_base64(f["data"].get<std::string>());
                    if (!bytes) return fail(Error::invalid(field, "El contenido del archivo no es base64 válido. No se guardó el reporte.", "invalid_base64"));
                    cmd.files.push_back({trim(f["filename"].get<std::string>()),
                                         f.contains("content_type") && f["content_type"].is_string() ? f["content_type"].get<std::string>() : "",
                                         std::move(*bytes)});
                  }
                }
                auto saved = svc->submit_report(req, cmd);
                if (!saved) return fail(saved.error());
                return Response::json(saved->body, saved->created ? 201 : 200);
              },
              submit});
  router.add({"POST", "/api/v1/policy/reports/{id}/evidence", kReport,
              "Adjuntar un archivo de evidencia (cuerpo: el archivo; ?filename=; PDF, PNG, JPG, DOCX, XLSX, CSV o TXT; máx. 1 MB)", tag,
              [svc](Request& req) -> Result<Response> {
                auto id = http::path_id(req);
                if (!id) return fail(Error::not_found("No existe un reporte con ese identificador."));
                return json_answer(svc->upload_evidence(req, *id, trim(req.query_param("filename"))), 201);
              }});

  // ------------------------------------------------------------ validation and management
  router.add({"GET", "/api/v1/policy/queue", kValidate, "Cola de validación: reportes enviados, los más antiguos primero", tag,
              [svc](Request&) { return json_answer(svc->queue()); }});
  http::Schema review = {{"decision", T::string, true, 20}, {"comments", T::string, false, 2000}, {"version", T::integer, true}};
  router.add({"POST", "/api/v1/policy/reports/{id}/review", kValidate,
              "Validar o devolver con observaciones un reporte (no el propio)", tag,
              [svc, review](Request& req) -> Result<Response> {
                auto id = http::path_id(req);
                if (!id) return fail(Error::not_found("No existe un reporte con ese identificador."));
                auto body = http::parse_body(req, review);
                if (!body) return fail(body.error());
                return json_answer(svc->review_report(
                    req, *id, {http::body_text(*body, "decision"), http::body_text(*body, "comments"), (*body)["version"].get<int64_t>()}));
              },
              review});
  http::Schema new_instrument = {{"code", T::string, true, 60},         {"name", T::string, true, 300},
                                 {"kind", T::string, true, 30},         {"start_year", T::integer},
                                 {"end_year", T::integer},              {"description", T::string, false, 3000},
                                 {"source", T::string, false, 1000}};
  router.add({"POST", "/api/v1/policy/instruments", kValidate, "Registrar un instrumento de política", tag,
              [svc, new_instrument](Request& req) -> Result<Response> {
                auto body = http::parse_body(req, new_instrument);
                if (!body) return fail(body.error());
                Instrument i;
                i.code = http::body_text(*body, "code");
                i.name = http::body_text(*body, "name");
                i.kind = http::body_text(*body, "kind");
                if (body->contains("start_year")) i.start_year = (*body)["start_year"].get<int64_t>();
                if (body->contains("end_year")) i.end_year = (*body)["end_year"].get<int64_t>();
                i.description = http::body_text(*body, "description");
                i.source = http::body_text(*body, "source");
                return json_answer(svc->create_instrument(req, i), 201);
              },
              new_instrument});
  http::Schema item_fields = {{"instrument_id", T::integer}, {"parent_id", T::integer, false, 0, true},
                              {"level", T::string, false, 20}, {"code", T::string, false, 40},
                              {"title", T::string, false, 1000}, {"weight", T::number},
                              {"status", T::string, false, 20}, {"region_id", T::string, false, 2, true},
                              {"start_year", T::integer, false, 0, true}, {"end_year", T::integer, false, 0, true},
                              {"indicator_name", T::string, false, 300, true}, {"indicator_unit", T::string, false, 60, true},
                              {"baseline", T::number, false, 0, true}, {"target", T::number, false, 0, true},
                              {"indicator_value", T::number, false, 0, true}, {"numerator", T::number, false, 0, true},
                              {"denominator", T::number, false, 0, true}, {"source_note", T::string, false, 1000, true},
                              {"institution_ids", T::string_array, false, 50}};
  router.add({"POST", "/api/v1/policy/items", kValidate, "Agregar un ítem (eje, meta, compromiso, acción o medida) a un instrumento", tag,
              [svc, item_fields](Request& req) -> Result<Response> {
                auto body = http::parse_body(req, item_fields);
                if (!body) return fail(body.error());
                return json_answer(svc->create_item(req, *body), 201);
              },
              item_fields});
  auto patch_fields = item_fields;
  patch_fields.erase(std::remove_if(patch_fields.begin(), patch_fields.end(),
                                    [](const http::Field& f) { return f.name == "instrument_id" || f.name == "parent_id" || f.name == "level"; }),
                     patch_fields.end());
  router.add({"PATCH", "/api/v1/policy/items/{id}", kValidate,
              "Modificar un ítem: título, peso (se recalcula el avance), estado, responsables, indicador", tag,
              [svc, patch_fields](Request& req) -> Result<Response> {
                auto id = http::path_id(req);
                if (!id) return fail(Error::not_found("No existe un ítem con ese identificador."));
                auto body = http::parse_body(req, patch_fields);
                if (!body) return fail(body.error());
                return json_answer(svc->update_item(req, *id, *body));
              },
              patch_fields});
  http::Schema new_period = {{"instrument_id", T::integer, true}, {"kind", T::string, true, 20}, {"year", T::integer, true},
                             {"semester", T::integer, false, 0, true}, {"opens_on", T::string, false, 10},
                             {"closes_on", T::string, false, 10}, {"grace_days", T::integer}};
  router.add({"POST", "/api/v1/policy/periods", kValidate,
              "Abrir un período de reporte (semestre o año) con su calendario y plazo de gracia", tag,
              [svc, new_period](Request& req) -> Result<Response> {
                auto body = http::parse_body(req, new_period);
                if (!body) return fail(body.error());
                auto ins = body_id(*body, "instrument_id");
                if (!ins) return fail(ins.error());
                Service::NewPeriod cmd;
                cmd.instrument_id = *ins;
                cmd.kind = http::body_text(*body, "kind");
                cmd.year = static_cast<int>(body->value("year", 0LL));
                cmd.semester = body->contains("semester") && !(*body)["semester"].is_null()
                                   ? static_cast<int>((*body)["semester"].get<int64_t>())
                                   : 0;
                cmd.opens_on = http::body_text(*body, "opens_on");
                cmd.closes_on = http::body_text(*body, "closes_on");
                cmd.grace_days = static_cast<int>(body->value("grace_days", 0LL));
                return json_answer(svc->create_period(req, cmd), 201);
              },
              new_period});
  http::Schema reopen = {{"until", T::string, true, 10}, {"reason", T::string, true, 500}};
  router.add({"POST", "/api/v1/policy/periods/{id}/reopen", kValidate, "Reabrir un período cerrado hasta una fecha, con motivo", tag,
              [svc, reopen](Request& req) -> Result<Response> {
                auto id = http::path_id(req);
                if (!id) return fail(Error::not_found("No existe un período con ese identificador."));
                auto body = http::parse_body(req, reopen);
                if (!body) return fail(body.error());
                return json_answer(svc->reopen_period(req, *id, http::body_text(*body, "until"), http::body_text(*body, "reason")));
              },
              reopen});

  // ------------------------------------------------------------ seed check, PMG, regional view
  router.add({"GET", "/api/v1/policy/public/checks", http::kPublic,
              "Cada cifra de la Cuenta Pública junto a la misma cifra calculada desde los registros, y si coinciden", tag,
              [svc](Request&) { return json_answer(svc->seed_checks()); }});
  router.add({"GET", "/api/v1/policy/public/instruments/{id}/assistance", http::kPublic,
              "Registro de asistencia técnica de un instrumento PMG (reuniones, talleres, jornadas)", tag,
              [svc](Request& req) -> Result<Response> {
                auto id = http::path_id(req);
                if (!id) return fail(Error::not_found("No existe un instrumento con ese identificador."));
                return json_answer(svc->assistance(*id));
              }});
  http::Schema new_assistance = {{"instrument_id", T::integer, true}, {"held_on", T::string, true, 10}, {"kind", T::string, true, 20},
                                 {"topic", T::string, true, 500}, {"participants", T::string, true, 1000}};
  router.add({"POST", "/api/v1/policy/assistance", kValidate, "Registrar una sesión de asistencia técnica del PMG", tag,
              [svc, new_assistance](Request& req) -> Result<Response> {
                auto body = http::parse_body(req, new_assistance);
                if (!body) return fail(body.error());
                auto ins = body_id(*body, "instrument_id");
                if (!ins) return fail(ins.error());
                Service::NewAssistance cmd{*ins, http::body_text(*body, "held_on"), http::body_text(*body, "kind"),
                                           http::body_text(*body, "topic"), http::body_text(*body, "participants")};
                return json_answer(svc->add_assistance(req, cmd), 201);
              },
              new_assistance});
  http::Schema outcome = {{"outcome", T::string, true, 20}, {"reason", T::string, true, 2000}};
  router.add({"POST", "/api/v1/policy/items/{id}/outcome", kValidate,
              "Resultado PMG de un servicio en su año: cumple / no_cumple, con su fundamento", tag,
              [svc, outcome](Request& req) -> Result<Response> {
                auto id = http::path_id(req);
                if (!id) return fail(Error::not_found("No existe un ítem con ese identificador."));
                auto body = http::parse_body(req, outcome);
                if (!body) return fail(body.error());
                return json_answer(svc->decide_outcome(req, *id, http::body_text(*body, "outcome"), http::body_text(*body, "reason")));
              },
              outcome});
  router.add({"GET", "/api/v1/policy/regional", kRead,
              "La agenda regional de la región de quien consulta (region=código para usuarios de alcance nacional)", tag,
              [svc](Request& req) { return json_answer(svc->regional(req.who(), req.query_param("region"))); }});

  // ------------------------------------------------------------ PMG filings and review rounds (pmg_review.cc)
  router.add({"GET", "/api/v1/policy/public/instruments/{id}/pmg-workflow", http::kPublic,
              "Presentaciones PMG por año, etapa (programa, avance, cumplimiento) y estado de la revisión técnica", tag,
              [svc](Request& req) -> Result<Response> {
                auto id = http::path_id(req);
                if (!id) return fail(Error::not_found("No existe un instrumento con ese identificador."));
                return json_answer(svc->pmg_workflow_summary(*id));
              }});
  router.add({"GET", "/api/v1/policy/pmg/mine", kReport,
              "Mi PMG: los servicios de mi institución con su etapa, lo que corresponde enviar y las observaciones por responder", tag,
              [svc](Request& req) { return json_answer(svc->my_pmg(req.who())); }});
  router.add({"GET", "/api/v1/policy/pmg/queue", kValidate,
              "Presentaciones PMG en espera de revisión técnica, con su vuelta y días de espera (la más antigua primero)", tag,
              [svc](Request& req) { return json_answer(svc->pmg_queue(req.who())); }});
  router.add({"GET", "/api/v1/policy/pmg/services/{id}", kRead,
              "El PMG de un servicio en su año: etapas, presentaciones, observaciones y respuestas, resultado", tag,
              [svc](Request& req) -> Result<Response> {
                auto id = http::path_id(req);
                if (!id) return fail(Error::not_found("No existe un servicio PMG con ese identificador."));
                return json_answer(svc->pmg_service(req, *id));
              }});
  http::Schema filing = {{"stage", T::string, true, 20}, {"narrative", T::string, true, 5000}, {"evidence", T::string, false, 2000}};
  router.add({"POST", "/api/v1/policy/pmg/services/{id}/filings", kReport,
              "Enviar el programa de trabajo, el informe de avance o el informe de cumplimiento (en ese orden) de un servicio", tag,
              [svc, filing](Request& req) -> Result<Response> {
                auto id = http::path_id(req);
                if (!id) return fail(Error::not_found("No existe un servicio PMG con ese identificador."));
                auto body = http::parse_body(req, filing);
                if (!body) return fail(body.error());
                Service::NewFiling cmd{http::body_text(*body, "stage"), http::body_text(*body, "narrative"), http::body_text(*body, "evidence")};
                return json_answer(svc->file_pmg(req, *id, cmd), 201);
              },
              filing});
  http::Schema edit = {{"narrative", T::string, true, 5000}, {"evidence", T::string, false, 2000}};
  router.add({"PATCH", "/api/v1/policy/pmg/filings/{id}", kReport,
              "Editar una presentación PMG mientras espera que el Ministerio la tome, o cuando fue observada", tag,
              [svc, edit](Request& req) -> Result<Response> {
                auto id = http::path_id(req);
                if (!id) return fail(Error::not_found("No existe una presentación PMG con ese identificador."));
                auto body = http::parse_body(req, edit);
                if (!body) return fail(body.error());
                return json_answer(svc->edit_filing(req, *id, http::body_text(*body, "narrative"), http::body_text(*body, "evidence")));
              },
              edit});
  router.add({"POST", "/api/v1/policy/pmg/filings/{id}/review", kValidate, "Tomar una presentación PMG para su revisión técnica", tag,
              [svc](Request& req) -> Result<Response> {
                auto id = http::path_id(req);
                if (!id) return fail(Error::not_found("No existe una presentación PMG con ese identificador."));
                return json_answer(svc->start_review(req, *id));
              }});
  http::Schema observe = {{"observations", T::array, true, 50}};
  router.add({"POST", "/api/v1/policy/pmg/filings/{id}/observations", kValidate,
              "Observar una presentación PMG en revisión (primera vuelta): observaciones por compromiso", tag,
              [svc, observe](Request& req) -> Result<Response> {
                auto id = http::path_id(req);
                if (!id) return fail(Error::not_found("No existe una presentación PMG con ese identificador."));
                auto body = http::parse_body(req, observe);
                if (!body) return fail(body.error());
                std::vector<Service::NewObservation> list;
                const auto& arr = (*body)["observations"];
                for (size_t k = 0; k < arr.size(); ++k) {
                  const std::string at = "observations[" + std::to_string(k) + "]";
                  if (!arr[k].is_object()) return fail(http::invalid_type(at, "un objeto"));
                  http::FieldReader in(arr[k], at);
                  auto text = in.text("text", {.required = true, .max_chars = 2000});
                  if (!text) return fail(text.error());
                  auto item = in.integer("item_id", {.min = 1});
                  if (!item) return fail(item.error());
                  if (auto ok = in.no_unknown(); !ok) return fail(ok.error());
                  list.push_back({*item, *text});
                }
                return json_answer(svc->observe_filing(req, *id, list));
              },
              observe});
  http::Schema answer = {{"answer", T::string, true, 2000}};
  router.add({"POST", "/api/v1/policy/pmg/observations/{id}/answer", kReport, "Responder una observación de la revisión técnica PMG", tag,
              [svc, answer](Request& req) -> Result<Response> {
                auto id = http::path_id(req);
                if (!id) return fail(Error::not_found("No existe una observación con ese identificador."));
                auto body = http::parse_body(req, answer);
                if (!body) return fail(body.error());
                return json_answer(svc->answer_observation(req, *id, http::body_text(*body, "answer")));
              },
              answer});
  http::Schema correct = {{"narrative", T::string, false, 5000}, {"evidence", T::string, false, 2000}};
  router.add({"POST", "/api/v1/policy/pmg/filings/{id}/correct", kReport,
              "Reenviar corregida una presentación observada, con cada observación respondida (segunda vuelta)", tag,
              [svc, correct](Request& req) -> Result<Response> {
                auto id = http::path_id(req);
                if (!id) return fail(Error::not_found("No existe una presentación PMG con ese identificador."));
                auto body = http::parse_body(req, correct);
                if (!body) return fail(body.error());
                return json_answer(svc->correct_filing(req, *id, http::body_text(*body, "narrative"), http::body_text(*body, "evidence")));
              },
              correct});
  http::Schema decision = {{"decision", T::string, true, 20}, {"note", T::string, false, 2000}};
  router.add({"POST", "/api/v1/policy/pmg/filings/{id}/decision", kValidate, "Aprobar o rechazar una presentación PMG en revisión", tag,
              [svc, decision](Request& req) -> Result<Response> {
                auto id = http::path_id(req);
                if (!id) return fail(Error::not_found("No existe una presentación PMG con ese identificador."));
                auto body = http::parse_body(req, decision);
                if (!body) return fail(body.error());
                return json_answer(svc->decide_filing(req, *id, http::body_text(*body, "decision"), http::body_text(*body, "note")));
              },
              decision});
}

}  // namespace eq::policy
