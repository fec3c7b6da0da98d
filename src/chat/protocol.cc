// Her side of the WebSocket (GET /api/v1/chat/ws, public). JSON text messages:
//   she sends  {"type":"start","urgent":bool,"comuna":"13101","text":"…"}
//              {"type":"resume","session":ref,"secret":s,"after":seq}     (after a dropped connection)
//              {"type":"say","id":"<her own id>","text":"…"}              (acknowledged by id once stored)
//              {"type":"typing"} · {"type":"leave","why":"exit"|"closed"}
//   she gets   {"type":"started","session","secret"} · {"type":"resumed","session"} · {"type":"ack","id","seq"}
//              {"type":"msg","seq","from","text","at"[,"name"]} · {"type":"typing","from":"operator"}
//              {"type":"ended"} · {"type":"error","code","message"[,"field","id"]}
// The resume secret lives only in her page's memory; nothing here sets a cookie.
#include "chat/module.h"
#include "http/body.h"
#include "http/fields.h"

namespace eq::chat {

namespace {

using http::Json;

struct Conversation {
  std::shared_ptr<Service> svc;
  std::string client_ip;
  std::weak_ptr<http::Peer> peer;
  std::optional<SessionRow> session;

  void send(const Json& j) {
    if (auto p = peer.lock()) p->send(j.dump(-1, ' ', false, Json::error_handler_t::replace));
  }
  void error(const Error& e, const std::string& id = {}) {
    Json j = {{"type", "error"}, {"code", e.code}, {"message", e.message}};
    if (!e.field.empty()) j["field"] = e.field;
    if (!id.empty()) j["id"] = id;
    send(j);
  }

  void on_text(const std::string& text) {
    auto parsed = http::parse_json(text, {.max_bytes = 64 * 1024, .max_depth = 4});
    if (!parsed || !parsed->is_object() || !parsed->contains("type") || !(*parsed)["type"].is_string())
      return error(Error::bad_request("bad_message", "Mensaje no reconocido."));
    const Json& in = *parsed;
    const std::string type = in["type"];
    http::FieldReader f(in);
    f.skip("type");
    if (type == "start") return start(f);
    if (type == "resume") return resume(f);
    if (!session) return error(Error::conflict("no_session", "Primero inicie la conversación."));
    if (type == "say") return say(f);
    if (type == "typing") return svc->her_typing(*session);
    if (type == "leave") {
      auto why = f.one_of("why", false, {"exit", "closed"});
      svc->leave(*session, why && !why->empty() ? *why : "closed");
      send({{"type", "ended"}});
      if (auto p = peer.lock()) p->close();
      return;
    }
    error(Error::bad_request("bad_message", "Mensaje no reconocido.", "type"));
  }

  void start(http::FieldReader& f) {
    if (session) return error(Error::conflict("already_started", "La conversación ya está iniciada."));
    auto urgent = f.boolean("urgent");
    auto comuna = f.text("comuna", {.max_chars = 5});
    auto opening = f.text("text", {.max_chars = svc->options().max_text});
    if (!urgent) return error(urgent.error());
    if (!comuna) return error(comuna.error());
    if (!opening) return error(opening.error());
    if (auto ok = f.no_unknown(); !ok) return error(ok.error());
    // Checked last: a malformed form costs her nothing; a flood from one address is refused here
    // and never touches a conversation already open (those are resumed, not started).
    if (!svc->may_start(client_ip))
      return error(Error{429, "too_many_chats",
                         "Se abrieron demasiadas conversaciones desde esta conexión. Espere un minuto e intente de nuevo. "
                         "Si está en peligro, llame al 133.",
                         {}});
    auto started = svc->start(urgent->value_or(false), *comuna, *opening, client_ip);
    if (!started) return error(started.error());
    auto row = svc->find(started->ref);
    if (!row) return error(row.error());
    session = *row;
    svc->attach(session->ref, peer);
    send({{"type", "started"}, {"session", started->ref}, {"secret", started->secret}});
    for (const auto& m : svc->since(*session, 0)) send(message_json(m));
  }

  void resume(http::FieldReader& f) {
    auto ref = f.text("session", {.required = true, .max_chars = 64});
    auto secret = f.text("secret", {.required = true, .max_chars = 64});
    auto after = f.integer("after", {.min = 0});
    if (!ref) return error(ref.error());
    if (!secret) return error(secret.error());
    if (!after) return error(after.error());
    auto row = svc->resume(*ref, *secret, client_ip);
    if (!row) {
      error(row.error());
      if (auto p = peer.lock()) p->close();
      return;
    }
    session = *row;
    svc->attach(session->ref, peer);
    send({{"type", "resumed"}, {"session", session->ref}});
    // What she missed while the connection was down.
    for (const auto& m : svc->since(*session, after->value_or(0))) send(message_json(m));
  }

  void say(http::FieldReader& f) {
    auto id = f.text("id", {.required = true, .max_chars = 64});
    if (!id) return error(id.error());
    auto text = f.text("text", {.required = true, .max_chars = svc->options().max_text});
    if (!text) return error(text.error(), *id);
    auto m = svc->say(*session, *id, *text);
    if (!m) return error(m.error(), *id);
    send({{"type", "ack"}, {"id", *id}, {"seq", m->seq}});
  }
};

}  // namespace

std::shared_ptr<http::Upgrade> her_connection(std::shared_ptr<Service> service, const std::string& client_ip) {
  auto conv = std::make_shared<Conversation>();
  conv->svc = std::move(service);
  conv->client_ip = client_ip;
  auto up = std::make_shared<http::Upgrade>();
  auto in = std::make_shared<http::Inbound>();
  // A message is at most max_text characters of up to 4 bytes, plus its JSON.
  in->max_message = conv->svc->options().max_text * 4 + 1024;
  in->burst = 10;
  in->per_second = 2;
  in->throttled = Json({{"type", "error"}, {"code", "slow_down"}, {"message", "Está enviando mensajes muy rápido. Espere unos segundos."}}).dump();
  in->opened = [conv](std::weak_ptr<http::Peer> p) { conv->peer = std::move(p); };
  in->message = [conv](const std::string& text) { conv->on_text(text); };
  in->closed = [conv] {
    // A dropped connection is not her leaving: the conversation waits for her to resume.
    if (conv->session) conv->svc->detach(conv->session->ref, conv->peer.lock());
  };
  up->inbound = std::move(in);
  return up;
}

}  // namespace eq::chat
