// HTTP handlers of the data-protection register. Parse, ask dataprotection/access.h about the
// request, work through the service (one transaction with its audit entry), answer.
#include <algorithm>

#include "core/format_cl.h"
#include "core/rut.h"
#include "core/time.h"
#include "core/try.h"
#include "dataprotection/access.h"
#include "dataprotection/holds.h"
#include "dataprotection/module.h"
#include "http/body.h"
#include "http/fields.h"
#include "store/with_session.h"

namespace eq::dataprotection {

namespace {

using http::Json;
using http::Request;
using http::Response;

std::vector<std::string> ids(const Vocabulary& v) {
  std::vector<std::string> out;
  for (const auto& t : v.terms()) out.push_back(t.id);
  return out;
}

// The list shows no identifying field (they stay encrypted there).
Json row_json(const SubjectRequest& r, const std::string& today) {
  const bool late = !is_final(r.state) && overdue(r.deadline_on, today);
  const auto left = civil_days(r.deadline_on).value_or(0) - civil_days(today).value_or(0);
  return {{"id", r.id},
          {"kind", r.kind},
          {"kind_name", kinds().label(r.kind)},
          {"received_on", r.received_on},
          {"received", cl(r.received_on)},
          {"deadline_on", r.deadline_on},
          {"deadline", cl(r.deadline_on)},
          {"days_left", is_final(r.state) ? Json(nullptr) : Json(left)},
          {"extended", !r.extension_reason.empty()},
          {"state", r.state},
          {"state_name", states().label(r.state)},
          {"overdue", late},
          {"overdue_flagged", r.overdue_flagged_at.has_value()}};
}

Json detail_json(const SubjectRequest& r, const std::vector<Event>& events, const std::string& today) {
  Json j = row_json(r, today);
  const auto rut = parse_rut(r.rut);
  j["rut"] = rut ? format_rut(*rut) : r.rut;
  j["requester_name"] = r.requester_name;
  j["detail"] = r.detail;
  j["extension_reason"] = r.extension_reason;
  j["exception"] = r.exception_code;
  j["exception_name"] = r.exception_code.empty() ? "" : exceptions().label(r.exception_code);
  j["response"] = r.response;
  j["may_report"] = r.state != "denegada";
  Json evs = Json::array();
  for (const auto& e : events)
    evs.push_back({{"at", format_datetime_cl(e.at)}, {"from", e.from_state}, {"to", e.to_state}, {"to_name", states().label(e.to_state)},
                   {"note", e.note}});
  j["events"] = evs;
  return j;
}

Result<int64_t> id_of(const Request& req) {
  const auto& v = req.params.at("id");
  if (v.empty() || v.size() > 18 || !std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return fail(Error::not_found("La solicitud no existe."));
  return std::stoll(v);
}

Result<SubjectRequest> read_request(const Request& req, const std::string& today) {
  EQ_TRY(body, http::json_object_body(req));
  http::FieldReader in(*body);
  SubjectRequest r;
  EQ_TRY(kind, in.one_of("kind", true, ids(kinds())));
  r.kind = *kind;
  EQ_TRY(rut_text, in.text("rut", {.required = true, .max_chars = 14}));
  EQ_TRY(rut, parse_rut(*rut_text, "rut"));
  r.rut = rut_canonical(*rut);
  EQ_TRY(name, in.text("requester_name", {.required = true, .max_chars = 120}));
  r.requester_name = *name;
  EQ_TRY(detail, in.text("detail", {.required = true, .max_chars = 2000}));
  r.detail = *detail;
  EQ_TRY(received_text, in.text("received_on", {.required = true, .max_chars = 10}));
  // "2026-12-01", or as people write it in Chile: "01-12-2026".
  const std::string received_iso = iso_from_cl(*received_text);
  const std::string* received = &received_iso;
  if (!civil_days(*received))
    return fail(Error::invalid("received_on", "La fecha de recepción debe ser un día válido (ejemplo: 01-12-2026).",
                               "invalid_date"));
  if (*received > today) return fail(Error::invalid("received_on", "La fecha de recepción no puede ser futura.", "future_date"));
  // Ley 21.719 rige desde el 1 de diciembre de 2026: an earlier request is not under its deadlines.
  if (*received < "2026-12-01")
    return fail(Error::invalid("received_on", "La Ley 21.719 rige desde el 01-12-2026: registre solicitudes recibidas desde esa fecha.",
                               "before_law"));
  r.received_on = *received;
  if (auto ok = in.no_unknown(); !ok) return fail(ok.error());
  return r;
}

Json breach_json(const Breach& b, int64_t now) {
  auto at = [](const std::optional<int64_t>& v) { return v ? Json(format_datetime_cl(*v)) : Json(nullptr); };
  return {{"id", b.id},
          {"detected_at", iso8601_utc(b.detected_at)},
          {"detected", format_datetime_cl(b.detected_at)},
          {"nature", b.nature},
          {"data_categories", b.data_categories},
          {"subjects", b.subjects},
          {"subjects_affected", b.subjects_affected},
          {"consequences", b.consequences},
          {"measures", b.measures},
          {"agency_notified", at(b.agency_notified_at)},
          {"agency_note", b.agency_note},
          {"subjects_notified", at(b.subjects_notified_at)},
          {"subjects_note", b.subjects_note},
          {"agency_overdue", breach_notice_overdue(b, now)},
          {"target_hours", kBreachNoticeTargetMs / 3600000}};
}

Result<Breach> read_breach(const Request& req, int64_t now) {
  EQ_TRY(body, http::json_object_body(req));
  http::FieldReader in(*body);
  Breach b;
  EQ_TRY(detected, in.text("detected_at", {.required = true, .max_chars = 40}));
  EQ_TRY(at, parse_iso8601(*detected, "detected_at"));
  if (*at > now + 5 * 60 * 1000) return fail(Error::invalid("detected_at", "El momento de detección no puede ser futuro.", "future_date"));
  b.detected_at = *at;
  EQ_TRY(nature, in.text("nature", {.required = true, .max_chars = 2000}));
  b.nature = *nature;
  EQ_TRY(cats, in.text("data_categories", {.required = true, .max_chars = 1000}));
  b.data_categories = *cats;
  EQ_TRY(subjects, in.text("subjects", {.required = true, .max_chars = 1000}));
  b.subjects = *subjects;
  EQ_TRY(n, in.integer("subjects_affected", {.required = true, .min = 0, .max = 100'000'000}));
  b.subjects_affected = **n;
  EQ_TRY(cons, in.text("consequences", {.required = true, .max_chars = 2000}));
  b.consequences = *cons;
  EQ_TRY(measures, in.text("measures", {.required = true, .max_chars = 2000}));
  b.measures = *measures;
  if (auto ok = in.no_unknown(); !ok) return fail(ok.error());
  return b;
}

}  // namespace

void register_routes(http::Router& router, std::shared_ptr<Service> svc) {
  router.add({"GET", "/api/v1/dataprotection/vocabularies", "dataprotection.manage",
              "Listas de la Ley 21.719: tipos de solicitud (derechos), estados y causales de denegación", "dataprotection",
              [](Request&) -> Result<Response> {
                return Response::json({{"kinds", http::vocabulary_json(kinds())},
                                       {"states", http::vocabulary_json(states())},
                                       {"exceptions", http::vocabulary_json(exceptions())},
                                       {"deadline_days", kDeadlineDays},
                                       {"extension_days", kExtensionDays}});
              }});
  router.add({"GET", "/api/v1/dataprotection/requests", "dataprotection.manage",
              "Solicitudes de derechos del titular (?state=…, ?overdue=1 solo las vencidas), por plazo", "dataprotection",
              [svc](Request& req) -> Result<Response> {
                const auto state = req.query_param("state");
                if (!state.empty() && !states().contains(state))
                  return fail(Error::bad_request("invalid_parameter", "«" + state + "» no es un estado. Use: " + states().ids_text() + ".", "state"));
                const bool only_overdue = req.query_param("overdue") == "1";
                const auto today = today_cl(now_ms());
                return store::with_session<Response>(svc->db(), [&](soci::session& s) -> Result<Response> {
                  Json items = Json::array();
                  int late = 0;
                  for (const auto& r : svc->repo().list(s, state)) {
                    auto j = row_json(r, today);
                    if (j["overdue"].get<bool>()) ++late;
                    if (!only_overdue || j["overdue"].get<bool>()) items.push_back(j);
                  }
                  return Response::json({{"items", items}, {"overdue", late}, {"today", cl(today)}});
                });
              }});
  router.add({"POST", "/api/v1/dataprotection/requests", "dataprotection.manage",
              "Registrar una solicitud recibida (tipo, RUT y nombre de quien la pide, detalle, fecha de recepción); calcula el plazo legal",
              "dataprotection", [svc](Request& req) -> Result<Response> {
                const auto today = today_cl(now_ms());
                EQ_TRY(r, read_request(req, today));
                EQ_TRY(saved, svc->create(req, *r));
                return Response::json({{"request", detail_json(*saved, {}, today)}}, 201);
              }});
  router.add({"GET", "/api/v1/dataprotection/requests/{id}", "dataprotection.manage",
              "Una solicitud con su historia (la lectura queda auditada)", "dataprotection", [svc](Request& req) -> Result<Response> {
                EQ_TRY(id, id_of(req));
                EQ_TRY(found, svc->read(req, *id));
                return Response::json({{"request", detail_json(found->first, found->second, today_cl(now_ms()))}});
              }});
  router.add({"POST", "/api/v1/dataprotection/requests/{id}/steps", "dataprotection.manage",
              "Avanzar una solicitud: analizar, prorrogar (reason), responder (response) o denegar (exception y response)",
              "dataprotection", [svc](Request& req) -> Result<Response> {
                EQ_TRY(id, id_of(req));
                EQ_TRY(body, http::json_object_body(req));
                http::FieldReader in(*body);
                EQ_TRY(action, in.one_of("action", true, {"analizar", "prorrogar", "responder", "denegar"}));
                EQ_TRY(reason, in.text("reason", {.max_chars = 1000}));
                EQ_TRY(response, in.text("response", {.max_chars = 4000}));
                EQ_TRY(exception, in.text("exception", {.max_chars = 40}));
                if (auto ok = in.no_unknown(); !ok) return fail(ok.error());
                const std::string text = *action == "prorrogar" ? *reason : *response;
                EQ_TRY(saved, svc->step(req, *id, *action, text, *exception));
                return store::with_session<Response>(svc->db(), [&](soci::session& s) -> Result<Response> {
                  return Response::json({{"request", detail_json(*saved, svc->repo().events(s, *id), today_cl(now_ms()))}});
                });
              }});
  router.add({"GET", "/api/v1/dataprotection/requests/{id}/report", "dataprotection.manage",
              "Informe de los datos que cada módulo guarda de quien pide (auditado); ?download=1 lo entrega como archivo JSON "
              "(portabilidad)",
              "dataprotection", [svc](Request& req) -> Result<Response> {
                EQ_TRY(id, id_of(req));
                const bool download = req.query_param("download") == "1";
                EQ_TRY(rep, svc->report(req, *id, download));
                auto res = Response::json(*rep);
                if (download)
                  res.headers.emplace_back("Content-Disposition", "attachment; filename=\"datos-personales-solicitud-" + std::to_string(*id) + ".json\"");
                return res;
              }});
  router.add({"GET", "/api/v1/dataprotection/breaches", "dataprotection.manage",
              "Registro de brechas de seguridad con sus notificaciones (las atrasadas marcadas)", "dataprotection",
              [svc](Request&) -> Result<Response> {
                const int64_t now = now_ms();
                return store::with_session<Response>(svc->db(), [&](soci::session& s) -> Result<Response> {
                  Json items = Json::array();
                  int late = 0;
                  for (const auto& b : svc->repo().breaches(s)) {
                    late += breach_notice_overdue(b, now);
                    items.push_back(breach_json(b, now));
                  }
                  return Response::json({{"items", items}, {"agency_overdue", late}});
                });
              }});
  router.add({"POST", "/api/v1/dataprotection/breaches", "dataprotection.manage",
              "Registrar una brecha: detección, naturaleza, categorías de datos y de titulares, consecuencias y medidas",
              "dataprotection", [svc](Request& req) -> Result<Response> {
                const int64_t now = now_ms();
                EQ_TRY(b, read_breach(req, now));
                EQ_TRY(saved, svc->create_breach(req, *b));
                return Response::json({{"breach", breach_json(*saved, now)}}, 201);
              }});
  router.add({"POST", "/api/v1/dataprotection/breaches/{id}/notifications", "dataprotection.manage",
              "Registrar la notificación de una brecha a la Agencia (to=agencia) o a los titulares (to=titulares), con su nota",
              "dataprotection", [svc](Request& req) -> Result<Response> {
                EQ_TRY(id, id_of(req));
                EQ_TRY(body, http::json_object_body(req));
                http::FieldReader in(*body);
                EQ_TRY(to, in.one_of("to", true, {"agencia", "titulares"}));
                EQ_TRY(note, in.text("note", {.required = true, .max_chars = 1000}));
                if (auto ok = in.no_unknown(); !ok) return fail(ok.error());
                EQ_TRY(saved, svc->notify_breach(req, *id, *to, *note));
                return Response::json({{"breach", breach_json(*saved, now_ms())}});
              }});
  router.add({"GET", "/api/v1/dataprotection/ropa", "dataprotection.manage",
              "Registro de actividades de tratamiento, generado del contrato de cada módulo", "dataprotection",
              [svc](Request&) -> Result<Response> { return Response::json(svc->ropa()); }});
}

}  // namespace eq::dataprotection
