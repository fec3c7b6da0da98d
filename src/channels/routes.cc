// HTTP of the help channels: each handler parses its request (http/fields.h) and answers from the
// service. Operators («channels.answer»), supervisors («channels.supervise»), and the telephony
// system (public route, authenticated by its HMAC signature instead of a session).
#include "channels/history.h"
#include "channels/module.h"
#include "core/time.h"
#include "http/body.h"
#include "http/fields.h"

namespace eq::channels {

namespace {

using http::Json;
using http::Request;
using http::Response;

const std::string kAnswer = "channels.answer";
const std::string kSupervise = "channels.supervise";
const std::string kTag = "channels";
const char* kNoContact = "No existe un contacto con ese identificador.";

Actor actor_of(const Request& req) {
  return {req.who().user_id, req.who().institution_id, req.who().can(kSupervise), req.client_ip};
}

Result<Response> answer(Result<Contact> r, int status = 200) {
  if (!r) return fail(r.error());
  return Response::json(to_json(*r, true), status);
}

Json vocab(const Vocabulary& v) { return http::vocabulary_json(v); }

Result<Json> object_body(const Request& req) { return http::json_object_body(req); }

}  // namespace

void register_routes(http::Router& router, std::shared_ptr<Service> svc) {
  // ---------------------------------------------------------------- public
  router.add({"GET", "/api/v1/channels/hours", http::kPublic, "Horario de atención del Fono 1455 y si está abierto ahora", kTag,
              [svc](Request&) -> Result<Response> { return Response::json(svc->hours_json(now_ms())); }, {}, true});

  router.add({"POST", "/api/v1/channels/telephony/events", http::kPublic,
              "Eventos de llamada de la central telefónica (firmados con HMAC-SHA256; ver src/channels/TELEPHONY.md)", kTag,
              [svc](Request& req) -> Result<Response> {
                const int64_t now = now_ms();
                auto t = verify_signature(svc->telephony_secret(), req.header("x-equidad-signature"), req.body, now,
                                          svc->options().event_skew_ms);
                if (!t) return fail(t.error());
                auto body = object_body(req);
                if (!body) return fail(body.error());
                http::FieldReader in(*body);
                CallEvent e;
                auto id = in.text("event_id", {.required = true, .max_chars = 100});
                if (!id) return fail(id.error());
                auto call = in.text("call_id", {.required = true, .max_chars = 100});
                if (!call) return fail(call.error());
                auto type = in.one_of("type", true, {"ringing", "answered", "transferred", "ended", "abandoned"});
                if (!type) return fail(type.error());
                auto at = in.integer("at", {.required = true, .min = 0});
                if (!at) return fail(at.error());
                auto from = in.text("from", {.max_chars = 32});
                if (!from) return fail(from.error());
                auto agent = in.text("agent", {.max_chars = 100});
                if (!agent) return fail(agent.error());
                auto urgent = in.boolean("urgent");
                if (!urgent) return fail(urgent.error());
                if (auto ok = in.no_unknown(); !ok) return fail(ok.error());
                e.event_id = *id;
                e.call_id = *call;
                e.type = *type;
                e.at = **at;
                e.from = *from;
                e.agent = *agent;
                e.urgent = urgent->value_or(false);
                auto r = svc->call_event(e, now);
                if (!r) return fail(r.error());
                return Response::json(*r);
              }});

  // ---------------------------------------------------------------- operators
  router.add({"GET", "/api/v1/channels/me", kAnswer, "Mi puesto: presencia, canales y capacidad", kTag,
              [svc](Request& req) -> Result<Response> {
                auto o = svc->me(actor_of(req));
                if (!o) return fail(o.error());
                Json j = to_json(*o);
                j["presences"] = vocab(presences());
                j["supervisor"] = req.who().can(kSupervise);
                return Response::json(j);
              }});

  router.add({"POST", "/api/v1/channels/me/presence", kAnswer, "Cambiar mi presencia (disponible, ocupada, pausa, desconectada)", kTag,
              [svc](Request& req) -> Result<Response> {
                auto body = object_body(req);
                if (!body) return fail(body.error());
                http::FieldReader in(*body);
                auto presence = in.one_of("presence", true, {"disponible", "ocupada", "pausa", "desconectada"});
                if (!presence) return fail(presence.error());
                auto max = in.integer("max_chats", {.min = 1, .max = 6});
                if (!max) return fail(max.error());
                in.skip("skills");
                std::optional<std::vector<std::string>> skills;
                if (body->contains("skills") && !(*body)["skills"].is_null()) {
                  if (!(*body)["skills"].is_array()) return fail(http::invalid_type("skills", "una lista"));
                  skills.emplace();
                  for (const auto& s : (*body)["skills"]) {
                    if (!s.is_string()) return fail(http::invalid_type("skills", "una lista de textos"));
                    skills->push_back(s.get<std::string>());
                  }
                }
                if (auto ok = in.no_unknown(); !ok) return fail(ok.error());
                auto o = svc->set_presence(actor_of(req), *presence, skills,
                                           *max ? std::optional<int>(static_cast<int>(**max)) : std::nullopt);
                if (!o) return fail(o.error());
                return Response::json(to_json(*o));
              }});

  router.add({"GET", "/api/v1/channels/queue", kAnswer,
              "La cola única (todos los canales, urgentes primero) y los contactos ofrecidos a mí o que atiendo", kTag,
              [svc](Request& req) -> Result<Response> {
                const auto a = actor_of(req);
                auto q = svc->queue(a);
                if (!q) return fail(q.error());
                auto mine = svc->mine(a);
                if (!mine) return fail(mine.error());
                Json queue = Json::array(), my = Json::array();
                for (const auto& c : *q) queue.push_back(to_json(c, false));
                for (const auto& c : *mine) my.push_back(to_json(c, true));
                return Response::json({{"queue", queue}, {"mine", my}, {"hours", svc->hours_json(now_ms())}});
              }});

  router.add({"GET", "/api/v1/channels/vocabularies", kAnswer, "Listas del registro de contacto (motivos, violencia, resultados, pauta breve)",
              kTag, [](Request&) -> Result<Response> {
                Json screen = Json::array();
                for (const auto& q : risk_screen()) screen.push_back({{"id", q.id}, {"text", q.text}});
                return Response::json({{"channels", vocab(channel_names())},
                                       {"reasons", vocab(reasons())},
                                       {"violence_types", vocab(violence_types())},
                                       {"outcomes", vocab(outcomes())},
                                       {"data_outcomes", Json::array({"orientacion", "derivacion", "emergencia", "informacion"})},
                                       {"presences", vocab(presences())},
                                       {"risk_screen", screen}});
              }});

  router.add({"POST", "/api/v1/channels/contacts", kAnswer, "Abrir un contacto a mano (una llamada saliente, una devolución de llamada)", kTag,
              [svc](Request& req) -> Result<Response> {
                auto body = object_body(req);
                if (!body) return fail(body.error());
                http::FieldReader in(*body);
                auto channel = in.one_of("channel", true, {"phone", "chat", "whatsapp"});
                if (!channel) return fail(channel.error());
                auto urgent = in.boolean("urgent");
                if (!urgent) return fail(urgent.error());
                auto note = in.text("note", {.max_chars = 2000});
                if (!note) return fail(note.error());
                if (auto ok = in.no_unknown(); !ok) return fail(ok.error());
                return answer(svc->open_by_hand(actor_of(req), *channel, urgent->value_or(false), *note), 201);
              }});

  auto id_route = [&router, svc](const char* method, const std::string& path, const std::string& perm, const std::string& summary,
                                 std::function<Result<Response>(Request&, int64_t)> fn) {
    router.add({method, "/api/v1/channels/contacts/{id}" + path, perm, summary, kTag, [fn](Request& req) -> Result<Response> {
                  auto id = http::path_id(req);
                  if (!id) return fail(Error::not_found(kNoContact));
                  return fn(req, *id);
                }});
  };

  id_route("GET", "", kAnswer, "Un contacto con su registro (quien lo atiende, o la supervisión)",
           [svc](Request& req, int64_t id) { return answer(svc->get(actor_of(req), id)); });
  id_route("POST", "/take", kAnswer, "Tomar un contacto (409 si otra operadora ya lo tomó)",
           [svc](Request& req, int64_t id) { return answer(svc->take(actor_of(req), id)); });
  id_route("POST", "/decline", kAnswer, "Liberar un contacto ofrecido a mí: vuelve a la cola",
           [svc](Request& req, int64_t id) { return answer(svc->decline(actor_of(req), id)); });
  id_route("POST", "/hand-back", kAnswer,
           "Devolver a la cola un contacto que atiendo, sin cerrarlo (fin de turno, necesita otra competencia…); conserva su prioridad y su espera",
           [svc](Request& req, int64_t id) -> Result<Response> {
             auto body = object_body(req);
             if (!body) return fail(body.error());
             http::FieldReader in(*body);
             auto reason = in.one_of("reason", true, {"fin_turno", "otra_competencia", "sobrecarga", "otro"});
             if (!reason) return fail(reason.error());
             if (auto ok = in.no_unknown(); !ok) return fail(ok.error());
             return answer(svc->hand_back(actor_of(req), id, *reason));
           });
  id_route("POST", "/record", kAnswer,
           "Registrar motivo, tipo de violencia, pauta breve de riesgo, orientación, notas y consentimiento del número (409 si está cerrado)",
           [svc](Request& req, int64_t id) -> Result<Response> {
             auto body = object_body(req);
             if (!body) return fail(body.error());
             return answer(svc->update(actor_of(req), id, *body));
           });
  id_route("POST", "/close", kAnswer, "Cerrar un contacto con su resultado (409 si ya está cerrado)",
           [svc](Request& req, int64_t id) -> Result<Response> {
             auto body = object_body(req);
             if (!body) return fail(body.error());
             http::FieldReader in(*body);
             auto outcome = in.text("outcome", {.required = true, .max_chars = 40});
             if (!outcome) return fail(outcome.error());
             auto notes = in.text("notes", {.max_chars = 4000});
             if (!notes) return fail(notes.error());
             if (auto ok = in.no_unknown(); !ok) return fail(ok.error());
             return answer(svc->close(actor_of(req), id, *outcome, *notes));
           });
  id_route("POST", "/identify", kAnswer,
           "Identificar a la mujer (con su acuerdo): el contacto pasa a ser un registro del registro único de casos",
           [svc](Request& req, int64_t id) -> Result<Response> {
             if (!req.who().can("cases.write")) return fail(Error::forbidden());
             auto body = object_body(req);
             if (!body) return fail(body.error());
             if (!body->contains("persons") || body->size() != 1)
               return fail(Error::invalid("persons", "Envíe {\"persons\": [{\"role\": \"victim\", \"identity\": {…}} o {\"person_id\": …}]}.", "required"));
             return answer(svc->identify(req, actor_of(req), id, (*body)["persons"]));
           });
  id_route("POST", "/referral", kAnswer, "Derivar a la mujer identificada, por el flujo de derivaciones del registro",
           [svc](Request& req, int64_t id) -> Result<Response> {
             if (!req.who().can("cases.write")) return fail(Error::forbidden());
             auto body = object_body(req);
             if (!body) return fail(body.error());
             return answer(svc->refer(req, actor_of(req), id, *body));
           });
  id_route("GET", "/timeline", kAnswer, "La historia de la mujer identificada en el registro (según necesidad de conocer; auditado)",
           [svc](Request& req, int64_t id) -> Result<Response> {
             auto t = svc->timeline(req, actor_of(req), id);
             if (!t) return fail(t.error());
             return Response::json(*t);
           });
  id_route("POST", "/reassign", kSupervise, "Reasignar o transferir un contacto a otra operadora",
           [svc](Request& req, int64_t id) -> Result<Response> {
             auto body = object_body(req);
             if (!body) return fail(body.error());
             http::FieldReader in(*body);
             auto to = in.integer("user_id", {.required = true, .min = 1});
             if (!to) return fail(to.error());
             if (auto ok = in.no_unknown(); !ok) return fail(ok.error());
             return answer(svc->reassign(actor_of(req), id, **to));
           });
  id_route("POST", "/block", kSupervise, "Bloquear por un tiempo a quien llama o escribe, con motivo (auditado)",
           [svc](Request& req, int64_t id) -> Result<Response> {
             auto body = object_body(req);
             if (!body) return fail(body.error());
             http::FieldReader in(*body);
             auto hours = in.integer("hours", {.required = true, .min = 1, .max = 720});
             if (!hours) return fail(hours.error());
             auto reason = in.text("reason", {.required = true, .max_chars = 500});
             if (!reason) return fail(reason.error());
             if (auto ok = in.no_unknown(); !ok) return fail(ok.error());
             auto b = svc->block(actor_of(req), id, static_cast<int>(**hours), *reason);
             if (!b) return fail(b.error());
             return Response::json(to_json(*b), 201);
           });

  // ---------------------------------------------------------------- call-backs
  router.add({"GET", "/api/v1/channels/callbacks", kAnswer, "Llamadas abandonadas por devolver, con su plazo", kTag,
              [svc](Request& req) -> Result<Response> {
                auto list = svc->callbacks(actor_of(req), req.query_param("all") != "true");
                if (!list) return fail(list.error());
                Json items = Json::array();
                for (const auto& c : *list) items.push_back(to_json(c));
                return Response::json({{"items", items}});
              }});
  router.add({"POST", "/api/v1/channels/callbacks/{id}/done", kAnswer, "Registrar el resultado de una devolución de llamada", kTag,
              [svc](Request& req) -> Result<Response> {
                auto id = http::path_id(req);
                if (!id) return fail(Error::not_found("No existe una devolución de llamada con ese identificador."));
                auto body = object_body(req);
                if (!body) return fail(body.error());
                http::FieldReader in(*body);
                auto result = in.one_of("result", true, {"done", "failed"});
                if (!result) return fail(result.error());
                auto note = in.text("note", {.max_chars = 1000});
                if (!note) return fail(note.error());
                if (auto ok = in.no_unknown(); !ok) return fail(ok.error());
                auto cb = svc->callback_done(actor_of(req), *id, *result, *note);
                if (!cb) return fail(cb.error());
                return Response::json(to_json(*cb));
              }});

  // ---------------------------------------------------------------- supervision
  router.add({"GET", "/api/v1/channels/operators", kSupervise, "Operadoras de su institución: presencia, carga y ofertas", kTag,
              [svc](Request& req) -> Result<Response> {
                auto ops = svc->operators(actor_of(req));
                if (!ops) return fail(ops.error());
                Json items = Json::array();
                for (const auto& o : *ops) items.push_back(to_json(o));
                return Response::json({{"items", items}});
              }});
  router.add({"GET", "/api/v1/channels/blocks", kSupervise, "Bloqueos vigentes", kTag, [svc](Request& req) -> Result<Response> {
                auto list = svc->blocks(actor_of(req));
                if (!list) return fail(list.error());
                Json items = Json::array();
                for (const auto& b : *list) items.push_back(to_json(b));
                return Response::json({{"items", items}});
              }});
  router.add({"POST", "/api/v1/channels/blocks/{id}/lift", kSupervise, "Levantar un bloqueo antes de su término", kTag,
              [svc](Request& req) -> Result<Response> {
                auto id = http::path_id(req);
                if (!id) return fail(Error::not_found("No existe un bloqueo con ese identificador."));
                auto b = svc->lift_block(actor_of(req), *id);
                if (!b) return fail(b.error());
                return Response::json(to_json(*b));
              }});
  router.add({"GET", "/api/v1/channels/statistics", kSupervise,
              "Estadística diaria: contactos por canal, resultado y hora; abandono; tiempos de espera (date=DD-MM-AAAA)", kTag,
              [svc](Request& req) -> Result<Response> {
                std::string date = req.query_param("date");
                if (date.empty()) date = format_date_cl(now_ms());
                auto from = parse_date_cl(date, "date");
                if (!from) return fail(Error::bad_request("invalid_parameter", "La fecha debe escribirse DD-MM-AAAA.", "date"));
                // The next local midnight (a day of 23 or 25 hours when summer time changes).
                auto to = parse_date_cl(format_date_cl(*from + 26 * 3'600'000LL), "date");
                if (!to) return fail(to.error());
                auto stats = svc->statistics(actor_of(req), *from, *to);
                if (!stats) return fail(stats.error());
                (*stats)["date"] = format_date_cl(*from);
                return Response::json(*stats);
              }});

  // The live queue: operators and supervisors get the queue on every change; the snapshot names no
  // woman (channel, urgency, waiting time and who it is offered to).
  router.add({"GET", "/api/v1/channels/live", kAnswer, "Cola en vivo (WebSocket)", kTag, [svc](Request& req) -> Result<Response> {
                Response r;
                r.status = 101;
                r.upgrade = std::make_shared<http::Upgrade>();
                r.upgrade->hub = svc->hub();
                auto snap = svc->db().transaction<Json>([&](soci::session& s) -> Result<Json> { return svc->snapshot(s); });
                if (!snap) return fail(snap.error());
                r.upgrade->hello = snap->dump();
                const std::string mine = "user:" + std::to_string(req.who().user_id);
                r.upgrade->filter = [mine](const std::string& topic) { return topic == "queue" || topic == mine; };
                return r;
              }});
}

// ------------------------------------------------------------------ statistics over time (history.h)

namespace {

struct Years {
  int from = 0, to = 0, year = 0;
};
// ?from=AAAA&to=AAAA (at most six years) and ?year=AAAA (the breakdowns' year, inside them).
Result<Years> years_of(const Request& req, History& history) {
  auto def = history.default_years();
  if (!def) return fail(def.error());
  auto from = http::query_int(req, "from", def->first, 2000, 2100);
  if (!from) return fail(from.error());
  auto to = http::query_int(req, "to", req.query_param("from").empty() ? def->second : *from, 2000, 2100);
  if (!to) return fail(to.error());
  if (*to < *from) return fail(Error::invalid("to", "El año final no puede ser anterior al inicial."));
  if (*to - *from > 5) return fail(Error::invalid("to", "Se pueden consultar a lo más seis años a la vez."));
  const int64_t fallback = *from <= 2020 && 2020 <= *to ? 2020 : *to;
  auto year = http::query_int(req, "year", fallback, 2000, 2100);
  if (!year) return fail(year.error());
  if (*year < *from || *year > *to) return fail(Error::invalid("year", "El año del detalle debe estar entre el inicial y el final."));
  return Years{static_cast<int>(*from), static_cast<int>(*to), static_cast<int>(*year)};
}

}  // namespace

void register_history_routes(http::Router& router, std::shared_ptr<History> history) {
  const std::string kStatistics = "channels.statistics";
  router.add({"GET", "/api/v1/channels/history/statistics", kStatistics,
              "Estadística de los canales de ayuda en el tiempo: contactos por canal, mes, región y resultado; variación anual; "
              "cifras de la Cuenta Pública junto a las calculadas (?from=AAAA&to=AAAA&year=AAAA)",
              kTag, [history](Request& req) -> Result<Response> {
                auto y = years_of(req, *history);
                if (!y) return fail(y.error());
                auto out = history->statistics(req, y->from, y->to, y->year);
                if (!out) return fail(out.error());
                return Response::json(*out);
              }});
  for (bool xlsx : {false, true})
    router.add({"GET", std::string("/api/v1/channels/history/statistics") + (xlsx ? ".xlsx" : ".csv"), kStatistics,
                std::string("Estadística de los canales como tabla ") + (xlsx ? "XLSX" : "CSV (UTF-8 con BOM)") +
                    ": view=meses|regiones|resultados, con los mismos años",
                kTag, [history, xlsx](Request& req) -> Result<Response> {
                  auto y = years_of(req, *history);
                  if (!y) return fail(y.error());
                  return history->table(req, req.query_param("view", "meses"), y->from, y->to, y->year, xlsx);
                }});
}

}  // namespace eq::channels
