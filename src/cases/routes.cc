// HTTP handlers of the case registry: parse, call the service, answer. Who may see what of a
// person is decided in the service (need-to-know); here only the permission of each route.
#include "cases/module.h"
#include "core/text.h"
#include "core/time.h"

namespace eq::cases {

namespace {

using http::Json;
using http::Request;
using http::Response;
using T = http::Field::Type;

const std::string kRead = "cases.read";
const std::string kWrite = "cases.write";

Result<Response> ok(const Result<Json>& r, int status = 200) {
  if (!r) return fail(r.error());
  return Response::json(*r, status);
}

// "aaaa-mm" → the first instant of that month in Chile, or of the next one with `next`.
Result<int64_t> month_start(const std::string& text, const std::string& field, int64_t fallback, bool next = false) {
  if (text.empty()) return fallback;
  if (text.size() != 7 || text[4] != '-' || text.find_first_not_of("0123456789-") != std::string::npos)
    return fail(Error::bad_request("invalid_parameter", "Indique el mes como AAAA-MM.", field));
  int y = std::stoi(text.substr(0, 4)), m = std::stoi(text.substr(5, 2));
  if (next && ++m == 13) m = 1, ++y;
  char buf[16];
  std::snprintf(buf, sizeof buf, "01-%02d-%04d", m, y);
  return parse_date_cl(buf, field)
      .or_else([&](const Error&) -> Result<int64_t> {
        return fail(Error::bad_request("invalid_parameter", "Indique el mes como AAAA-MM.", field));
      });
}

}  // namespace

void register_routes(http::Router& router, std::shared_ptr<Service> svc) {
  http::Schema record_doc = {{"kind", T::string, true, 30},          {"occurred_at", T::string, true, 40},
                             {"comuna_id", T::string, false, 5},     {"consent_statistics", T::boolean},
                             {"persons", T::string_array, true, 10}, {"details", T::string, false},
                             {"emergency_reason", T::string, false, 1000}};

  router.add({"POST", "/api/v1/cases/records", kWrite,
              "Registrar un contacto, denuncia, evaluación de riesgo, medida, derivación, acogida o cierre (cabecera "
              "Idempotency-Key opcional); vincula a cada persona y evalúa las reglas de alerta",
              "cases",
              [svc](Request& req) -> Result<Response> {
                auto body = http::json_object_body(req);  // records nest beyond a flat Schema; bounded size and depth
                if (!body) return fail(body.error());
                auto r = svc->submit(req, *body, trim(req.header("idempotency-key")));
                if (!r) return fail(r.error());
                return Response::json(r->second, r->first);
              },
              record_doc});

  router.add({"POST", "/api/v1/cases/batches", kWrite,
              "Envío por lotes desde sistemas de otras instituciones (hasta 500 registros, idempotency_key por registro); "
              "los errores vuelven por registro sin rechazar el lote",
              "cases",
              [svc](Request& req) -> Result<Response> {
                auto body = http::json_object_body(req);  // records nest beyond a flat Schema; bounded size and depth
                if (!body) return fail(body.error());
                return ok(svc->submit_batch(req, *body));
              },
              {{"records", T::string_array, true, 500}}});

  router.add({"GET", "/api/v1/cases/records/{id}", kRead,
              "Un registro completo (solo de la propia institución, una derivación recibida o con acceso de emergencia)", "cases",
              [svc](Request& req) -> Result<Response> {
                auto id = http::path_id(req);
                if (!id) return fail(Error::not_found("No existe un registro con ese número."));
                return ok(svc->record(req, *id));
              }});

  router.add({"GET", "/api/v1/cases/persons", kRead,
              "Buscar personas por RUN, nombres, apellidos, fecha de nacimiento o documento (tolerante a errores de tipeo)", "cases",
              [svc](Request& req) -> Result<Response> {
                Json q = Json::object();
                for (const char* k : {"run", "given_names", "surname1", "surname2", "birth_date", "other_document", "comuna_id"}) {
                  std::string v = req.query_param(k);
                  if (v.size() > 100)
                    return fail(Error::bad_request("invalid_parameter", "Cada criterio admite como máximo 100 caracteres.", k));
                  if (!trim(v).empty()) q[k] = v;
                }
                return ok(svc->search(req, q));
              }});

  router.add({"GET", "/api/v1/cases/persons/{id}", kRead,
              "Ficha de una persona: su historia en todas las instituciones, con lo mínimo compartido de las demás", "cases",
              [svc](Request& req) -> Result<Response> {
                auto id = http::path_id(req);
                if (!id) return fail(Error::not_found("No existe una persona con ese número en el registro."));
                return ok(svc->person(req, *id));
              }});

  http::Schema reason = {{"reason", T::string, true, 1000}};
  router.add({"POST", "/api/v1/cases/persons/{id}/emergency-access", kRead,
              "Acceso de emergencia a la ficha completa (motivo obligatorio, 4 horas, auditado y notificado)", "cases",
              [svc, reason](Request& req) -> Result<Response> {
                auto id = http::path_id(req);
                if (!id) return fail(Error::not_found("No existe una persona con ese número en el registro."));
                auto body = http::parse_body(req, reason);
                if (!body) return fail(body.error());
                return ok(svc->emergency_access(req, *id, (*body)["reason"].get<std::string>()), 201);
              },
              reason});

  router.add({"GET", "/api/v1/cases/persons/{id}/access-log", kRead,
              "Quién consultó la ficha de la persona (solo para las instituciones que la atienden)", "cases",
              [svc](Request& req) -> Result<Response> {
                auto id = http::path_id(req);
                if (!id) return fail(Error::not_found("No existe una persona con ese número en el registro."));
                return ok(svc->access_log(req, *id));
              }});

  router.add({"GET", "/api/v1/cases/referrals", kRead, "Derivaciones recibidas (direction=in) o enviadas (direction=out), con plazos",
              "cases", [svc](Request& req) -> Result<Response> {
                std::string dir = req.query_param("direction", "in");
                if (dir != "in" && dir != "out")
                  return fail(Error::bad_request("invalid_parameter", "direction debe ser in u out.", "direction"));
                return ok(svc->referrals(req, dir == "in"));
              }});

  for (const auto& route : {std::pair<std::string, std::string>{"acknowledge", "Acusar recibo de una derivación"},
                            {"first-contact", "Registrar el primer contacto con la mujer derivada"}}) {
    const std::string step = route.first;  // a named copy: clang 14 cannot capture structured bindings
    router.add({"POST", "/api/v1/cases/referrals/{id}/" + step, kWrite, route.second, "cases",
                [svc, step](Request& req) -> Result<Response> {
                  auto id = http::path_id(req);
                  if (!id) return fail(Error::not_found("No existe una derivación con ese número dirigida a su institución."));
                  return ok(svc->referral_step(req, *id, step == "acknowledge" ? "acknowledge" : "first_contact"));
                }});
  }

  router.add({"GET", "/api/v1/cases/reviews", kWrite, "Cola de revisión de vinculaciones dudosas de su institución (state=pendiente…)",
              "cases", [svc](Request& req) -> Result<Response> { return ok(svc->reviews(req, req.query_param("state", "pendiente"))); }});

  router.add({"GET", "/api/v1/cases/reviews/{id}", kWrite, "Una vinculación dudosa: ambos registros lado a lado", "cases",
              [svc](Request& req) -> Result<Response> {
                auto id = http::path_id(req);
                if (!id) return fail(Error::not_found("No existe una revisión con ese número."));
                return ok(svc->review(req, *id));
              }});

  http::Schema decision = {{"decision", T::string, true, 20}, {"note", T::string, false, 1000}};
  router.add({"POST", "/api/v1/cases/reviews/{id}", kWrite, "Resolver una vinculación dudosa: misma_persona o distintas", "cases",
              [svc, decision](Request& req) -> Result<Response> {
                auto id = http::path_id(req);
                if (!id) return fail(Error::not_found("No existe una revisión con ese número."));
                auto body = http::parse_body(req, decision);
                if (!body) return fail(body.error());
                return ok(svc->decide(req, *id, (*body)["decision"].get<std::string>(), trim(body->value("note", std::string()))));
              },
              decision});

  router.add({"POST", "/api/v1/cases/links/{id}/undo", kWrite, "Deshacer una vinculación (automática o por revisión), con motivo",
              "cases",
              [svc, reason](Request& req) -> Result<Response> {
                auto id = http::path_id(req);
                if (!id) return fail(Error::not_found("No existe una vinculación con ese número."));
                auto body = http::parse_body(req, reason);
                if (!body) return fail(body.error());
                return ok(svc->undo_link(req, *id, trim((*body)["reason"].get<std::string>())));
              },
              reason});

  router.add({"GET", "/api/v1/cases/institutions", kRead, "Instituciones a las que se puede derivar (activas, que atienden a mujeres)",
              "cases", [svc](Request&) -> Result<Response> {
                Json items = Json::array();
                if (svc->directory().serving_institutions)
                  for (const auto& [id, name, type] : svc->directory().serving_institutions())
                    items.push_back({{"id", id}, {"name", name}, {"type", type}});
                return Response::json({{"items", items}});
              }});

  router.add({"GET", "/api/v1/cases/notifications", kRead, "Avisos a su institución (accesos de emergencia a personas que atiende)",
              "cases", [svc](Request& req) -> Result<Response> { return ok(svc->notifications(req)); }});

  router.add({"GET", "/api/v1/cases/statistics", kRead,
              "Estadísticas por mes y comuna (solo registros con consentimiento; from/to como AAAA-MM)", "cases",
              [svc](Request& req) -> Result<Response> {
                const int64_t now = now_ms();
                auto to = month_start(req.query_param("to"), "to", now + 1, true);  // through the end of that month
                if (!to) return fail(to.error());
                auto from = month_start(req.query_param("from"), "from", *to - 366LL * 24 * 3600 * 1000);
                if (!from) return fail(from.error());
                if (*from >= *to) return fail(Error::bad_request("invalid_parameter", "«from» debe ser anterior a «to».", "from"));
                return ok(svc->statistics(req, *from, *to));
              }});
}

}  // namespace eq::cases
