// HTTP handlers of the early alerts. Case workers and operators (alerts.respond) see and work the
// alerts of their institution or of persons it serves; administrators (alerts.configure) edit rules
// and try them on history. Every read of alerts about a person is written to the audit log.
#include <set>

#include "alerts/module.h"
#include "core/time.h"
#include "http/fields.h"
#include "store/with_session.h"

namespace eq::alerts {

namespace {

using http::Json;
using http::Request;
using http::Response;
using T = http::Field::Type;

const std::string kRespond = "alerts.respond";
const std::string kConfigure = "alerts.configure";

Actor actor_of(const Request& req) {
  return {req.who().user_id, req.who().institution_id, req.client_ip, req.who().can("alerts.handle")};
}

const char* kNotFound = "No existe una alerta con ese identificador entre las de su institución.";

using store::with_session;

// An alert the caller may not see answers as if it did not exist; the attempt goes on the log
// (outside the refused transaction, so it is kept).
Result<Response> logged(Service& svc, const Request& req, const std::string& action, int64_t id, Result<Response> r) {
  if (r || r.error().status != 404) return r;
  auto e = audit::Log::from(req, action, "alert:" + std::to_string(id), "denied");
  (void)svc.audit().append(e);
  return r;
}

Json alert_detail(Service& svc, soci::session& s, const Alert& a) {
  Json j = to_json(a);
  Json ev = Json::array();
  for (const auto& e : svc.events(s, a.id)) ev.push_back(to_json(e));
  j["events"] = ev;
  // The closing outcomes travel with the alert, so screens never keep their own copy of the list.
  j["outcomes"] = http::vocabulary_json(outcomes());
  return j;
}

Result<ListFilter> list_filter(const Request& req) {
  ListFilter f;
  f.comuna_id = req.query_param("comuna");
  if (f.comuna_id.size() > 10)
    return fail(Error::bad_request("invalid_parameter", "El código de comuna no es válido.", "comuna"));
  f.severity = req.query_param("severity");
  if (!f.severity.empty() && severity_rank(f.severity) == 0)
    return fail(Error::bad_request("invalid_parameter", "La severidad debe ser critica, alta o media.", "severity"));
  f.state = req.query_param("state");
  if (!f.state.empty() && std::find(states().begin(), states().end(), f.state) == states().end())
    return fail(Error::bad_request("invalid_parameter", "El estado debe ser nueva, en_gestion o cerrada.", "state"));
  const std::string esc = req.query_param("escalated");
  if (esc == "true") f.escalated = true;
  else if (esc == "false") f.escalated = false;
  else if (!esc.empty())
    return fail(Error::bad_request("invalid_parameter", "«escalated» debe ser true o false.", "escalated"));
  if (!req.query_param("person_id").empty()) {
    auto p = http::query_int(req, "person_id", 0, 1, INT64_MAX);
    if (!p) return fail(p.error());
    f.person_id = *p;
  }
  auto page = http::query_int(req, "page", 1, 1, 100000);
  if (!page) return fail(page.error());
  auto per = http::query_int(req, "per_page", 25, 1, 100);
  if (!per) return fail(per.error());
  f.page = static_cast<int>(*page);
  f.per_page = static_cast<int>(*per);
  return f;
}

}  // namespace

void register_routes(http::Router& router, std::shared_ptr<Service> svc) {
  router.add({"GET", "/api/v1/alerts", kRespond,
              "Bandeja de alertas tempranas de su institución (filtros comuna, severity, state, escalated, person_id; "
              "page, per_page); las más severas y recientes primero",
              "alerts", [svc](Request& req) -> Result<Response> {
                auto f = list_filter(req);
                if (!f) return fail(f.error());
                return svc->db().transaction<Response>([&](soci::session& s) -> Result<Response> {
                  auto page = svc->list(s, viewer_of(actor_of(req)), *f);
                  Json items = Json::array();
                  std::map<int64_t, std::string> seen;  // person → alert ids shown
                  for (const auto& a : page.items) {
                    items.push_back(to_json(a));
                    auto& ids = seen[a.person_id];
                    ids += (ids.empty() ? "alertas " : ",") + std::to_string(a.id);
                  }
                  // One entry per person shown, so each person's access log lists this view.
                  for (const auto& [pid, ids] : seen) {
                    auto e = audit::Log::from(req, "alert.read", "person:" + std::to_string(pid));
                    e.detail = ids;
                    svc->audit().append(s, e);
                    svc->source().log_read(s, pid, req.who().user_id, req.who().institution_id, "alert_list");
                  }
                  return Response::json({{"items", items}, {"total", page.total}, {"page", f->page}, {"per_page", f->per_page}});
                });
              }});

  router.add({"GET", "/api/v1/alerts/rules", kConfigure, "Reglas de alerta temprana vigentes (última versión de cada una)",
              "alerts", [svc](Request&) -> Result<Response> {
                return with_session<Response>(svc->db(), [&](soci::session& s) -> Result<Response> {
                  Json items = Json::array();
                  for (const auto& r : svc->rules(s)) items.push_back(to_json(r));
                  Json templates = Json::array();
                  for (const auto& t : template_ids())
                    templates.push_back({{"id", t}, {"name", template_name_es(t)}, {"time_based", time_based(t)},
                                         {"defaults", validate_params(t, Json::object()).value_or(Json::object())}});
                  return Response::json({{"items", items}, {"templates", templates}, {"severities", severities()}});
                });
              }});

  router.add({"GET", "/api/v1/alerts/rules/{id}", kConfigure, "Una regla de alerta con todas sus versiones", "alerts",
              [svc](Request& req) -> Result<Response> {
                auto id = http::path_id(req);
                if (!id) return fail(Error::not_found("No existe una regla de alerta con ese identificador."));
                return with_session<Response>(svc->db(), [&](soci::session& s) -> Result<Response> {
                  auto versions = svc->rule_versions(s, *id);
                  if (versions.empty()) return fail(Error::not_found("No existe una regla de alerta con ese identificador."));
                  Json j = to_json(versions.front());
                  Json all = Json::array();
                  for (const auto& v : versions) all.push_back(to_json(v));
                  j["versions"] = all;
                  return Response::json(j);
                });
              }});

  // `params` is an object, validated per template by the service; listed here for the API description.
  http::Schema rule_change = {{"name_es", T::string, false, 200}, {"severity", T::string, false, 10},
                              {"enabled", T::boolean, false},     {"take_within_minutes", T::integer, false},
                              {"template", T::string, false, 40}};
  router.add({"PUT", "/api/v1/alerts/rules/{id}", kConfigure,
              "Modificar una regla de alerta (name_es, params, severity, enabled, take_within_minutes): crea una versión nueva",
              "alerts",
              [svc](Request& req) -> Result<Response> {
                auto id = http::path_id(req);
                if (!id) return fail(Error::not_found("No existe una regla de alerta con ese identificador."));
                auto body = http::json_object_body(req);  // params are beyond http::Schema; bounded size and depth
                if (!body) return fail(body.error());
                return svc->db().transaction<Response>([&](soci::session& s) -> Result<Response> {
                  auto r = svc->update_rule(s, *id, *body, actor_of(req), now_ms());
                  if (!r) return fail(r.error());
                  Json j = to_json(*r);
                  Json all = Json::array();
                  for (const auto& v : svc->rule_versions(s, *id)) all.push_back(to_json(v));
                  j["versions"] = all;
                  return Response::json(j);
                });
              },
              rule_change});

  http::Schema dry = {{"template", T::string, true, 40},
                      {"severity", T::string, true, 10},
                      {"name_es", T::string, false, 200},
                      {"take_within_minutes", T::integer, false}};
  router.add({"POST", "/api/v1/alerts/rules/dry-run", kConfigure,
              "Probar una regla (template, params, severity) sobre toda la historia: cuántas alertas habría levantado, por "
              "mes, y hasta 50 ejemplos. No guarda nada.",
              "alerts",
              [svc](Request& req) -> Result<Response> {
                auto body = http::json_object_body(req);  // params are beyond http::Schema; bounded size and depth
                if (!body) return fail(body.error());
                for (auto it = body->begin(); it != body->end(); ++it) {
                  static const std::set<std::string> known = {"template", "params", "severity", "name_es",
                                                              "take_within_minutes"};
                  if (!known.count(it.key()))
                    return fail(Error::invalid(it.key(), "El campo «" + it.key() + "» no es reconocido.", "unknown_field"));
                }
                Rule rule;
                if (!body->contains("template") || !(*body)["template"].is_string())
                  return fail(Error::invalid("template", "Indique la plantilla de la regla.", "required"));
                rule.template_id = (*body)["template"].get<std::string>();
                if (!body->contains("severity") || !(*body)["severity"].is_string())
                  return fail(Error::invalid("severity", "Indique la severidad: critica, alta o media.", "required"));
                rule.severity = (*body)["severity"].get<std::string>();
                rule.params = body->value("params", Json::object());
                if (body->contains("name_es") && !(*body)["name_es"].is_string())
                  return fail(Error::invalid("name_es", "El nombre debe ser un texto.", "invalid_type"));
                rule.name_es = body->value("name_es", template_name_es(rule.template_id) + " (prueba)");
                if (body->contains("take_within_minutes")) {
                  if (!(*body)["take_within_minutes"].is_number_integer())
                    return fail(Error::invalid("take_within_minutes", "Debe ser un número entero de minutos.", "invalid_type"));
                  rule.take_within_minutes = (*body)["take_within_minutes"].get<int>();
                }
                rule.id = 0;
                rule.version = 0;
                auto out = svc->dry_run(rule, now_ms());
                if (!out) return fail(out.error());
                // The examples describe persons' records: who looked is on record.
                auto e = audit::Log::from(req, "alert_rule.dry_run", "", "ok");
                e.detail = rule.template_id + ": " + std::to_string((*out)["total"].get<int64_t>()) + " alertas";
                (void)svc->audit().append(e);
                return Response::json(*out);
              },
              dry});

  router.add({"GET", "/api/v1/alerts/{id}", kRespond, "Una alerta: explicación, registros y eventos", "alerts",
              [svc](Request& req) -> Result<Response> {
                auto id = http::path_id(req);
                if (!id) return fail(Error::not_found(kNotFound));
                return logged(*svc, req, "alert.read", *id, svc->db().transaction<Response>([&](soci::session& s) -> Result<Response> {
                  auto a = svc->get(s, *id, viewer_of(actor_of(req)));
                  if (!a) return fail(Error::not_found(kNotFound));
                  auto e = audit::Log::from(req, "alert.read", "person:" + std::to_string(a->person_id));
                  e.detail = "alerta " + std::to_string(a->id);
                  svc->audit().append(s, e);
                  svc->source().log_read(s, a->person_id, req.who().user_id, req.who().institution_id,
                                         "alert:" + std::to_string(a->id));
                  return Response::json(alert_detail(*svc, s, *a));
                }));
              }});

  http::Schema take = {{"note", T::string, false, 2000}};
  router.add({"POST", "/api/v1/alerts/{id}/take", kRespond, "Tomar una alerta nueva (pasa a «en gestión»)", "alerts",
              [svc, take](Request& req) -> Result<Response> {
                auto id = http::path_id(req);
                if (!id) return fail(Error::not_found(kNotFound));
                Json body = Json::object();
                if (!req.body.empty()) {
                  auto b = http::parse_body(req, take);
                  if (!b) return fail(b.error());
                  body = *b;
                }
                const std::string note = body.contains("note") && body["note"].is_string() ? body["note"].get<std::string>() : "";
                return logged(*svc, req, "alert.take", *id, svc->db().transaction<Response>([&](soci::session& s) -> Result<Response> {
                  auto a = svc->take(s, *id, actor_of(req), note, now_ms());
                  if (!a) return fail(a.error());
                  return Response::json(alert_detail(*svc, s, *a));
                }));
              },
              take});

  http::Schema close = {{"outcome", T::string, true, 40}, {"note", T::string, true, 2000}};
  router.add({"POST", "/api/v1/alerts/{id}/close", kRespond,
              "Cerrar una alerta en gestión con su resultado (outcome de la lista fija) y una nota", "alerts",
              [svc, close](Request& req) -> Result<Response> {
                auto id = http::path_id(req);
                if (!id) return fail(Error::not_found(kNotFound));
                auto body = http::parse_body(req, close);
                if (!body) return fail(body.error());
                return logged(*svc, req, "alert.close", *id, svc->db().transaction<Response>([&](soci::session& s) -> Result<Response> {
                  auto a = svc->close(s, *id, actor_of(req), (*body)["outcome"].get<std::string>(),
                                      (*body)["note"].get<std::string>(), now_ms());
                  if (!a) return fail(a.error());
                  return Response::json(alert_detail(*svc, s, *a));
                }));
              },
              close});
}

}  // namespace eq::alerts
