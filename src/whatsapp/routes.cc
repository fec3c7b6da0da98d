// The WhatsApp line's HTTP routes: Meta's webhook (public, authenticated by its signature) and the
// operator's conversation pane. Parsing and answers only; the workflow is the service's.
#include "core/time.h"
#include "http/body.h"
#include "http/fields.h"
#include "http/live.h"
#include "whatsapp/module.h"

namespace eq::whatsapp {

namespace {

using http::Json;
using http::Request;
using http::Response;

const std::string kAnswer = "channels.answer";
const std::string kSupervise = "channels.supervise";
const std::string kTag = "whatsapp";

Json message_json(const Message& m) {
  Json j = {{"id", m.id}, {"direction", m.direction}, {"type", m.type}, {"text", m.text}, {"at", m.at}, {"state", m.state}};
  if (!m.error.empty()) j["error"] = m.error;
  if (m.error_code) j["error_code"] = m.error_code;
  if (m.media_id) {
    j["media"] = {{"id", m.media_id}, {"state", m.media_state}, {"mime", m.media_mime}};
    if (!m.media_error.empty()) j["media"]["error"] = m.media_error;
  }
  return j;
}

}  // namespace

void register_routes(http::Router& router, std::shared_ptr<Service> svc) {
  // Meta's subscription check: the challenge echoed as plain text when the token matches.
  router.add({"GET", "/api/v1/whatsapp/webhook", http::kPublic, "Verificación de la suscripción del webhook de WhatsApp (Meta)", kTag,
              [svc](Request& req) -> Result<Response> {
                const std::string token = req.query_param("hub.verify_token");
                if (req.query_param("hub.mode") != "subscribe" || token.empty() ||
                    !crypto::equal_constant_time(token, svc->options().verify_token))
                  return fail(Error{403, "bad_verify_token", "El token de verificación no corresponde.", "hub.verify_token"});
                Response r;
                r.content_type = "text/plain; charset=utf-8";
                r.body = req.query_param("hub.challenge").substr(0, 200);
                return r;
              }});

  router.add({"POST", "/api/v1/whatsapp/webhook", http::kPublic,
              "Mensajes y estados de WhatsApp (firmados con X-Hub-Signature-256; ver src/whatsapp/WHATSAPP.md)", kTag,
              [svc](Request& req) -> Result<Response> {
                // The raw bytes as received: nothing is parsed before the signature holds.
                if (auto ok = verify_signature(svc->options().app_secret, req.header("x-hub-signature-256"), req.body); !ok)
                  return fail(ok.error());
                // Parsed here so a malformed payload is refused (422) before it is accepted.
                auto batch = parse_webhook(req.body);
                if (!batch) return fail(batch.error());
                // Answered once the inbox thread has committed (and processed) it; this worker
                // thread is free meanwhile (service.cc, "The inbox").
                Response r;
                r.upgrade = std::make_shared<http::Upgrade>();
                r.upgrade->later = [svc, raw = std::move(req.body), b = std::move(*batch)](std::function<void(int, std::string)> answer) mutable {
                  svc->accept(std::move(raw), std::move(b), [answer = std::move(answer)](Result<Json> out) {
                    if (out) return answer(200, out->dump(-1, ' ', false, Json::error_handler_t::replace));
                    const Response e = Response::error(out.error());
                    answer(e.status, e.body);
                  });
                };
                return r;
              }});

  // The webhook answers once a delivery is accepted; this says how much is still being processed.
  router.add({"GET", "/api/v1/whatsapp/inbox", kSupervise,
              "Entregas de WhatsApp aceptadas y aún no procesadas (supervisión; solo conteos)", kTag,
              [svc](Request&) -> Result<Response> {
                auto st = svc->inbox_state();
                if (!st) return fail(st.error());
                return Response::json(Json{{"waiting", st->waiting}, {"processing", st->processing}, {"stored", st->stored}});
              }});

  router.add({"GET", "/api/v1/whatsapp/conversations/{ref}", kAnswer,
              "Conversación de WhatsApp con su ventana de 24 horas (la orientadora que la atiende o supervisión)", kTag,
              [svc](Request& req) -> Result<Response> {
                auto c = svc->conversation(req, req.params["ref"]);
                if (!c) return fail(c.error());
                Json msgs = Json::array();
                for (const auto& m : c->messages) msgs.push_back(message_json(m));
                const int64_t now = now_ms();
                return Response::json({{"ref", c->ref},
                                       {"contact_id", c->contact_id},
                                       {"has_phone", c->has_phone},
                                       {"last_inbound_at", c->last_inbound_at},
                                       {"window_ends_at", c->window_ends_at},
                                       {"window_open", now < c->window_ends_at},
                                       {"window_seconds_left", now < c->window_ends_at ? (c->window_ends_at - now) / 1000 : 0},
                                       {"holder", {{"user_id", c->holder_user_id}, {"state", c->holder_state}}},
                                       {"messages", msgs}});
              }});

  router.add({"POST", "/api/v1/whatsapp/conversations/{ref}/messages", kAnswer,
              "Responder por WhatsApp: texto dentro de la ventana de 24 horas, plantilla aprobada fuera de ella", kTag,
              [svc](Request& req) -> Result<Response> {
                auto body = http::json_object_body(req);
                if (!body) return fail(body.error());
                http::FieldReader f(*body);
                auto text = f.text("text", {.max_chars = svc->options().max_text});
                if (!text) return fail(text.error());
                auto tpl = f.text("template", {.max_chars = 100});
                if (!tpl) return fail(tpl.error());
                if (auto ok = f.no_unknown(); !ok) return fail(ok.error());
                if (text->empty() == tpl->empty())
                  return fail(Error::invalid("text", "Escriba un texto o elija una plantilla aprobada (uno de los dos).", "required"));
                auto m = svc->reply(req, req.params["ref"], *text, *tpl, now_ms());
                if (!m) return fail(m.error());
                return Response::json(message_json(*m), 201);
              },
              {{"text", http::Field::Type::string, false, 4096}, {"template", http::Field::Type::string, false, 100}}});

  // The pane, live: "changed" pings for one conversation (no content on the stream), after the read
  // rule held (audited). A plain GET is answered 426 by the server: no stream opens, nothing to check.
  router.add({"GET", "/api/v1/whatsapp/conversations/{ref}/live", kAnswer,
              "La conversación de WhatsApp en vivo para el panel de la orientadora (WebSocket: avisos de cambio, sin contenido)", kTag,
              [svc](Request& req) -> Result<Response> {
                Response r;
                r.status = 101;
                r.upgrade = std::make_shared<http::Upgrade>();
                r.upgrade->hub = svc->hub();
                r.upgrade->hello = R"({"type":"hello"})";
                if (req.header("upgrade").empty()) {
                  r.upgrade->filter = [](const std::string&) { return false; };
                  return r;
                }
                auto topic = svc->watch(req, req.params["ref"]);
                if (!topic) return fail(topic.error());
                r.upgrade->filter = [t = *topic](const std::string& x) { return x == t; };
                return r;
              }});

  // Her image or audio, for the pane's <img>/<audio>: the same reader rule as the conversation.
  router.add({"GET", "/api/v1/whatsapp/conversations/{ref}/media/{id}", kAnswer,
              "Imagen o audio que ella envió por WhatsApp (la orientadora que la atiende o supervisión)", kTag,
              [svc](Request& req) -> Result<Response> {
                const std::string id = req.params["id"];
                if (id.empty() || id.size() > 18 || id.find_first_not_of("0123456789") != std::string::npos)
                  return fail(Error::invalid("id", "El identificador del archivo debe ser un número."));
                auto f = svc->media(req, req.params["ref"], std::stoll(id));
                if (!f) return fail(f.error());
                Response r;
                r.content_type = f->mime;
                r.body = std::move(f->bytes);
                r.compressible = false;
                // Cache-Control: no-store and X-Content-Type-Options: nosniff come with every /api/
                // answer (http/server.cc); a second copy here would duplicate them.
                r.headers.push_back({"Content-Disposition", "inline"});
                return r;
              }});

  router.add({"GET", "/api/v1/whatsapp/templates", kAnswer, "Plantillas de WhatsApp aprobadas para escribir fuera de la ventana de 24 horas", kTag,
              [svc](Request&) -> Result<Response> {
                auto list = svc->templates();
                if (!list) return fail(list.error());
                Json items = Json::array();
                for (const auto& t : *list) items.push_back({{"name", t.name}, {"language", t.language}, {"text", t.text}});
                return Response::json({{"items", items}});
              }});
}

}  // namespace eq::whatsapp
