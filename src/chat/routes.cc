// The chat's HTTP routes: her WebSocket (public) and the operator's conversation pane. Parsing and
// answers only; the workflow and the object rules are in the service.
#include "chat/module.h"
#include "http/body.h"
#include "http/fields.h"

namespace eq::chat {

namespace {

using http::Json;
using http::Request;
using http::Response;

const std::string kAnswer = "channels.answer";

Json escalation_json(const Escalation& e) {
  Json j = {{"id", e.id}, {"kind", e.kind}, {"unit", e.unit_name}, {"at", e.at}, {"protocol", e.protocol}, {"dispatch", nullptr}};
  if (e.dispatch) j["dispatch"] = dispatch_state_json(*e.dispatch);
  return j;
}

Json transcript_json(const Transcript& t) {
  Json msgs = Json::array();
  for (const auto& m : t.messages) msgs.push_back(message_json(m));
  Json esc = Json::array();
  for (const auto& e : t.escalations) esc.push_back(escalation_json(e));
  return {{"session", t.session.ref},
          {"contact_id", t.session.contact_id},
          {"urgent", t.session.urgent},
          {"comuna", t.session.comuna_code},
          {"state", t.session.state},
          {"started_at", t.session.created_at},
          {"holder", {{"user_id", t.holder_user_id}, {"state", t.holder_state}}},
          {"messages", msgs},
          {"escalations", esc}};
}

}  // namespace

void register_routes(http::Router& router, std::shared_ptr<Service> svc) {
  const std::string tag = "chat";
  router.add({"GET", "/api/v1/chat/ws", http::kPublic, "Chat silencioso: conexión de quien pide ayuda (WebSocket, anónima)", tag,
              [svc](Request& req) -> Result<Response> {
                Response r;
                r.status = 101;
                r.upgrade = her_connection(svc, req.client_ip);
                return r;
              }});

  router.add({"GET", "/api/v1/chat/sessions/{ref}", kAnswer, "Transcripción de una conversación (la orientadora que la atiende o supervisión)",
              tag, [svc](Request& req) -> Result<Response> {
                auto t = svc->transcript(req, req.params["ref"]);
                if (!t) return fail(t.error());
                return Response::json(transcript_json(*t));
              }});

  router.add({"POST", "/api/v1/chat/sessions/{ref}/messages", kAnswer, "Responder en una conversación (solo quien la atiende)", tag,
              [svc](Request& req) -> Result<Response> {
                auto body = http::json_object_body(req);
                if (!body) return fail(body.error());
                http::FieldReader f(*body);
                auto text = f.text("text", {.required = true, .max_chars = svc->options().max_text});
                if (!text) return fail(text.error());
                if (auto ok = f.no_unknown(); !ok) return fail(ok.error());
                auto m = svc->reply(req, req.params["ref"], *text);
                if (!m) return fail(m.error());
                return Response::json(message_json(*m), 201);
              },
              {{"text", http::Field::Type::string, true, 2000}}});

  router.add({"POST", "/api/v1/chat/sessions/{ref}/typing", kAnswer, "Avisarle que la orientadora está escribiendo", tag,
              [svc](Request& req) -> Result<Response> {
                if (auto ok = svc->operator_typing(req, req.params["ref"]); !ok) return fail(ok.error());
                return Response::no_content();
              }});

  router.add({"POST", "/api/v1/chat/sessions/{ref}/escalations", kAnswer,
              "Derivar a emergencias (133) o a la unidad municipal de su comuna; responde el protocolo a seguir", tag,
              [svc](Request& req) -> Result<Response> {
                auto body = http::json_object_body(req);
                if (!body) return fail(body.error());
                http::FieldReader f(*body);
                auto kind = f.one_of("kind", true, {"133", "municipal"});
                auto note = f.text("note", {.max_chars = 500});
                if (!kind) return fail(kind.error());
                if (!note) return fail(note.error());
                if (auto ok = f.no_unknown(); !ok) return fail(ok.error());
                auto e = svc->escalate(req, req.params["ref"], *kind, *note);
                if (!e) return fail(e.error());
                return Response::json(escalation_json(*e), 201);
              },
              {{"kind", http::Field::Type::string, true, 10}, {"note", http::Field::Type::string, false, 500}}});

  router.add({"GET", "/api/v1/chat/sessions/{ref}/live", kAnswer, "La conversación en vivo para el panel de la orientadora (WebSocket)", tag,
              [svc](Request& req) -> Result<Response> {
                const std::string ref = req.params["ref"];
                Response r;
                r.status = 101;
                r.upgrade = std::make_shared<http::Upgrade>();
                r.upgrade->hub = svc->hub();
                r.upgrade->hello = Json({{"type", "hello"}, {"session", ref}}).dump();
                const std::string topic = "chat:" + ref;
                r.upgrade->filter = [topic](const std::string& t) { return t == topic; };
                // A plain GET is answered 426 by the server: no stream opens, nothing to check.
                if (req.header("upgrade").empty()) return r;
                auto guard = svc->watch(req, ref);
                if (!guard) return fail(guard.error());
                return r;
              }});

  router.add({"GET", "/api/v1/chat/canned", kAnswer, "Respuestas predefinidas del chat", tag, [svc](Request&) -> Result<Response> {
                auto list = svc->canned();
                if (!list) return fail(list.error());
                return Response::json({{"items", *list}});
              }});

  router.add({"PUT", "/api/v1/chat/canned", "channels.supervise", "Editar las respuestas predefinidas del chat", tag,
              [svc](Request& req) -> Result<Response> {
                auto body = http::json_object_body(req);
                if (!body) return fail(body.error());
                if (!body->contains("items") || !(*body)["items"].is_array())
                  return fail(Error::invalid("items", "Indique la lista de respuestas («items»)."));
                const auto& items = (*body)["items"];
                if (items.empty() || items.size() > 30) return fail(Error::invalid("items", "La lista debe tener entre 1 y 30 respuestas."));
                std::vector<std::string> answers;
                for (size_t i = 0; i < items.size(); ++i) {
                  Json wrap = {{"text", items[i]}};
                  http::FieldReader f(wrap, "items[" + std::to_string(i) + "]");
                  auto t = f.text("text", {.required = true, .max_chars = 500});
                  if (!t) return fail(t.error());
                  answers.push_back(*t);
                }
                if (body->size() != 1) return fail(Error::invalid("", "Campo desconocido.", "unknown_field"));
                auto list = svc->set_canned(req, answers);
                if (!list) return fail(list.error());
                return Response::json({{"items", *list}});
              }});
}

}  // namespace eq::chat
