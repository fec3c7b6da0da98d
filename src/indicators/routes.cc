// HTTP of the gender indicators: parse, call the service, answer. Public reads are aggregates only.
#include <cctype>

#include "http/body.h"
#include "indicators/module.h"
#include "indicators/service.h"

namespace eq::indicators {

namespace {

using http::Request;
using http::Response;
using T = http::Field::Type;

const std::string kImport = "indicators.import";
const std::string kSteward = "indicators.steward";
const std::string kTag = "indicators";
const std::string kEdit = "indicators.catalogue.edit";

Result<Response> json_answer(const Result<Json>& r) {
  if (!r) return fail(r.error());
  return Response::json(*r);
}

}  // namespace

void register_routes(http::Router& router, std::shared_ptr<Service> svc) {
  // ------------------------------------------------------------ public
  router.add({"GET", "/api/v1/indicators/public/report", http::kPublic,
              "Reporte de indicadores de género en las empresas: panel balanceado, atrición, hallazgos, por sector y tamaño", kTag,
              [svc](Request&) -> Result<Response> {
                auto text = svc->public_report();
                if (!text) return fail(text.error());
                Response r;
                r.body = std::move(*text);
                return r;
              }});
  for (bool xlsx : {false, true})
    router.add({"GET", std::string("/api/v1/indicators/public/report") + (xlsx ? ".xlsx" : ".csv"), http::kPublic,
                std::string("Reporte de indicadores de género en las empresas en ") + (xlsx ? "XLSX (una hoja)" : "CSV (RFC 4180, UTF-8 con BOM)"),
                kTag, [svc, xlsx](Request&) -> Result<Response> {
                  auto t = svc->report_table();
                  if (!t) return fail(t.error());
                  return policy::table_response(*t, xlsx);
                }});
  router.add({"GET", "/api/v1/indicators/public/catalogue", http::kPublic,
              "Catálogo del Sistema de Indicadores de Género: definiciones, institución responsable y serie total", kTag,
              [svc](Request&) { return json_answer(svc->catalogue()); }});
  router.add({"GET", "/api/v1/indicators/public/catalogue/{id}", http::kPublic,
              "Un indicador del catálogo con su serie completa (desagregaciones incluidas) y sus períodos", kTag,
              [svc](Request& req) -> Result<Response> {
                auto id = http::path_id(req);
                if (!id) return fail(Error::not_found("El indicador no existe."));
                return json_answer(svc->indicator_detail(*id));
              }});

  // ------------------------------------------------------------ analysts: company filings
  router.add({"POST", "/api/v1/indicators/filings/import", kImport,
              "Importar las declaraciones de empresas de un año (CSV o XLSX; ?year=AAAA, &dry_run=1 para solo validar). "
              "Se importa el archivo completo o nada; informe por fila con errores bloqueantes y advertencias",
              kTag, [svc](Request& req) -> Result<Response> {
                auto year = http::query_int(req, "year", 0, 1990, 2200);
                if (!year) return fail(year.error());
                if (*year == 0) return fail(Error::bad_request("missing_parameter", "Indique el año que importa (?year=AAAA).", "year"));
                std::string type = req.header("content-type");
                for (auto& c : type) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
                bool xlsx = type.find("spreadsheetml") != std::string::npos;
                if (!xlsx && type.rfind("application/octet-stream", 0) == 0) xlsx = req.body.rfind("PK\x03\x04", 0) == 0;
                if (!xlsx && type.rfind("text/csv", 0) != 0 && type.rfind("text/plain", 0) != 0 && type.rfind("application/octet-stream", 0) != 0)
                  return fail(Error::bad_request("unsupported_media_type", "Envíe el archivo como text/csv (UTF-8) o XLSX.", "file"));
                const std::string dry = req.query_param("dry_run");
                auto out = svc->import_filings(req, static_cast<int>(*year), req.body, xlsx, dry == "1" || dry == "true");
                if (!out) return fail(out.error());
                return Response::json(out->body, out->status);
              }});
  router.add({"GET", "/api/v1/indicators/filings", kImport,
              "Indicadores por empresa de un año (?year=AAAA): no se publican, solo para analistas", kTag,
              [svc](Request& req) -> Result<Response> {
                auto year = http::query_int(req, "year", 0, 1990, 2200);
                if (!year) return fail(year.error());
                if (*year == 0) return fail(Error::bad_request("missing_parameter", "Indique el año (?year=AAAA).", "year"));
                return json_answer(svc->company_figures(req, static_cast<int>(*year)));
              }});

  // ------------------------------------------------------------ stewards: SEG series
  router.add({"GET", "/api/v1/indicators/steward/indicators", kSteward,
              "Indicadores del catálogo que informa mi institución, con períodos pendientes y recordatorios", kTag,
              [svc](Request& req) { return json_answer(svc->steward_indicators(req)); }});
  http::Schema upload = {{"values", T::array, true, 2000}};
  router.add({"POST", "/api/v1/indicators/catalogue/{id}/values", kSteward,
              "Cargar valores de la serie de un indicador de mi institución ({values: [{period, disaggregation, value, numerator, "
              "denominator}]}); todos o ninguno",
              kTag,
              [svc, upload](Request& req) -> Result<Response> {
                auto id = http::path_id(req);
                if (!id) return fail(Error::not_found("El indicador no existe."));
                auto body = http::parse_body(req, upload);
                if (!body) return fail(body.error());
                return json_answer(svc->upload_values(req, *id, *body));
              },
              upload});

  // ------------------------------------------------------------ catalogue editor
  router.add({"GET", "/api/v1/indicators/editor/options", kEdit,
              "Opciones del editor del catálogo: instituciones que puedo designar responsables, fuentes que calcula la plataforma", kTag,
              [svc](Request& req) { return json_answer(svc->editor_options(req)); }});
  router.add({"GET", "/api/v1/indicators/editor/indicators", kEdit,
              "Indicadores del catálogo que puedo editar (borradores, publicados y retirados)", kTag,
              [svc](Request& req) { return json_answer(svc->editor_list(req)); }});
  router.add({"GET", "/api/v1/indicators/editor/indicators/{id}", kEdit,
              "Un indicador que puedo editar, con su serie y todas sus versiones", kTag, [svc](Request& req) -> Result<Response> {
                auto id = http::path_id(req);
                if (!id) return fail(Error::not_found("El indicador no existe."));
                return json_answer(svc->editor_detail(req, *id));
              }});
  // Types and lengths here; what each field means (ranges, known values, uniqueness) in the service.
  http::Schema definition = {{"code", T::string, false, 40},
                             {"name", T::string, false, 200},
                             {"definition", T::string, false, 2000},
                             {"numerator", T::string, false, 500},
                             {"denominator", T::string, false, 500},
                             {"unit", T::string, false, 30},
                             {"factor", T::number},
                             {"decimals", T::integer},
                             {"periodicity", T::string, false, 20},
                             {"source", T::string, false, 300},
                             {"steward_institution_id", T::integer},
                             {"disaggregations", T::string_array, false, 3},
                             {"origin", T::string, false, 100},
                             {"first_year", T::integer},
                             {"grace_days", T::integer},
                             {"status", T::string, false, 20}};
  router.add({"POST", "/api/v1/indicators/editor/indicators", kEdit,
              "Crear un indicador del catálogo (borrador o publicado); la institución responsable es la mía salvo para el Ministerio", kTag,
              [svc, definition](Request& req) -> Result<Response> {
                auto body = http::parse_body(req, definition);
                if (!body) return fail(body.error());
                auto out = svc->save_indicator(req, std::nullopt, *body);
                if (!out) return fail(out.error());
                return Response::json(*out, 201);
              },
              definition});
  router.add({"PUT", "/api/v1/indicators/editor/indicators/{id}", kEdit,
              "Modificar la definición o el estado de un indicador (publicar, retirar); un cambio de un publicado queda en su historial", kTag,
              [svc, definition](Request& req) -> Result<Response> {
                auto id = http::path_id(req);
                if (!id) return fail(Error::not_found("El indicador no existe."));
                auto body = http::parse_body(req, definition);
                if (!body) return fail(body.error());
                return json_answer(svc->save_indicator(req, *id, *body));
              },
              definition});
}

}  // namespace eq::indicators
