// The chat's workflow: every accepted message is committed (with its audit entry) before anyone
// is told, so an acknowledgement survives a restart; then it goes to her connection and to the
// operators' panes watching the conversation.
#include <regex>

#include "chat/access.h"
#include "chat/module.h"
#include "chat/repository.h"
#include "core/log.h"
#include "core/time.h"
#include "store/with_session.h"

namespace eq::chat {

namespace {

const char* kJoined = "Una orientadora se unió a la conversación.";
const char* kTransferred = "Otra orientadora continúa la conversación.";
const char* kHandedBack = "Te atenderá otra orientadora en unos momentos. Tu conversación se mantiene.";

// What an operator does once she has recorded the escalation (shown on her screen).
const std::vector<std::string> kProtocol133 = {
    "Pregúntele si puede seguir escribiendo sin riesgo y si la persona agresora está cerca.",
    "Pídale, solo si ella quiere darlo, el lugar donde está o una referencia cercana.",
    "Llame al 133 (Carabineros) desde la central e informe: riesgo vital, lugar, si hay armas o niñas y niños.",
    "Mantenga la conversación abierta hasta que ella confirme que la ayuda llegó o que está a salvo.",
    "Registre el resultado en el contacto antes de cerrarlo.",
};
const std::vector<std::string> kProtocolMunicipal = {
    "La unidad de seguridad municipal recibió el despacho en su pantalla: su comuna, la urgencia y su nota (nada que la identifique).",
    "Confirme con ella el lugar donde está y si puede recibir a la unidad; si ella lo da, llame a la unidad y entrégueselo.",
    "Siga aquí el estado del despacho. Si la unidad no lo acepta a tiempo, el centro de monitoreo lo escala a Carabineros; ante riesgo vital, llame al 133.",
    "Mantenga la conversación abierta y registre el resultado en el contacto.",
};

audit::Entry her_entry(std::string action, const std::string& ref, std::string detail = {}, std::string outcome = "ok") {
  // Her address is never written: the conversation is anonymous, the log included.
  audit::Entry e;
  e.action = std::move(action);
  e.object = "chat:" + ref;
  e.outcome = std::move(outcome);
  e.detail = std::move(detail);
  return e;
}

Error not_found() { return Error::not_found("La conversación no existe o ya fue eliminada."); }

}  // namespace

http::Json message_json(const Message& m) {
  http::Json j = {{"type", "msg"}, {"seq", m.seq}, {"from", m.from}, {"text", m.text}, {"at", m.at}};
  if (!m.client_id.empty()) j["id"] = m.client_id;
  return j;
}

http::Json dispatch_state_json(const DispatchState& d) {
  return {{"id", d.id},
          {"state", d.state},
          {"state_label", d.state_label},
          {"unit", d.unit_name},
          {"accepted_at", d.accepted_at ? http::Json(*d.accepted_at) : http::Json(nullptr)}};
}

Service::Service(store::Database& db, const crypto::Keys& keys, audit::Log& audit, channels::Intake& intake, Dispatch dispatch,
                 Options options)
    : db_(db),
      keys_(keys),
      audit_(audit),
      intake_(intake),
      dispatch_(std::move(dispatch)),
      options_(options),
      starts_(options.starts_burst, options.starts_per_minute),
      resume_failures_(options.resume_failures_burst, options.resume_failures_burst) {}

std::string Service::caller_hash(const std::string& client_ip) const { return intake_.caller_hash("address", client_ip); }

bool Service::may_start(const std::string& client_ip) { return starts_.allow(client_ip); }
bool Service::may_try_resume(const std::string& client_ip) { return resume_failures_.peek(client_ip); }
void Service::resume_failed(const std::string& client_ip) { resume_failures_.allow(client_ip); }

Result<Started> Service::start(bool urgent, const std::string& comuna_code, const std::string& opening_text, const std::string& client_ip) {
  static const std::regex kComuna("[0-9]{4,5}");
  if (!comuna_code.empty() && !std::regex_match(comuna_code, kComuna))
    return fail(Error::invalid("comuna", "La comuna no es válida: elija una de la lista o déjela en blanco."));
  Started out{crypto::random_token(16), crypto::random_token(24)};
  const int64_t now = now_ms();
  auto created = db_.transaction<int64_t>([&](soci::session& s) -> Result<int64_t> {
    const int64_t id = repo::insert_session(s, out.ref, crypto::sha256_hex(out.secret), urgent, comuna_code, now);
    if (!opening_text.empty()) repo::insert_message(s, id, "her", std::nullopt, "opening", keys_.encrypt(opening_text), now);
    audit_.append(s, her_entry("chat.start", out.ref, urgent ? "urgente" : ""));
    return id;
  });
  if (!created) return fail(created.error());
  // The queue is another module's transaction: the conversation exists first, so a retry of
  // open() (same external_ref) answers the same contact.
  auto contact = intake_.open({"chat", out.ref, urgent, comuna_code, opening_text, caller_hash(client_ip)});
  if (!contact) {
    (void)db_.transaction<bool>([&](soci::session& s) -> Result<bool> { return repo::end_session(s, *created, "queue_error", now); });
    return fail(contact.error());
  }
  auto linked = db_.transaction<bool>([&](soci::session& s) -> Result<bool> {
    repo::set_contact(s, *created, *contact);
    return true;
  });
  if (!linked) return fail(linked.error());
  return out;
}

Result<SessionRow> Service::find(const std::string& ref) {
  auto found = db_.transaction<std::optional<SessionRow>>([&](soci::session& s) -> Result<std::optional<SessionRow>> { return repo::find_session(s, ref); });
  if (!found) return fail(found.error());
  if (!*found) return fail(not_found());
  return **found;
}

Result<SessionRow> Service::resume(const std::string& ref, const std::string& secret, const std::string& client_ip) {
  if (!may_try_resume(client_ip))
    return fail(Error{429, "rate_limited", "Demasiados intentos de retomar una conversación. Espere un minuto.", {}});
  auto found = db_.transaction<std::optional<SessionRow>>([&](soci::session& s) -> Result<std::optional<SessionRow>> { return repo::find_session(s, ref); });
  if (!found) return fail(found.error());
  // The same answer for an unknown conversation and a wrong secret: neither says which.
  if (!*found || !crypto::equal_constant_time((*found)->secret_hash, crypto::sha256_hex(secret))) {
    resume_failed(client_ip);
    (void)audit_.append(her_entry("chat.resume_denied", ref.substr(0, 64), "", "denied"));
    return fail(Error{403, "bad_resume", "No se pudo retomar la conversación. Puede iniciar una nueva.", {}});
  }
  if ((*found)->state != "open") return fail(Error::conflict("chat_ended", "Esta conversación ya terminó. Puede iniciar una nueva."));
  return **found;
}

Result<Message> Service::say(const SessionRow& session, const std::string& client_id, const std::string& text) {
  const int64_t now = now_ms();
  auto stored = db_.transaction<std::pair<Message, bool>>([&](soci::session& s) -> Result<std::pair<Message, bool>> {
    auto current = repo::find_session(s, session.ref);
    if (!current || current->state != "open") return fail(Error::conflict("chat_ended", "Esta conversación ya terminó."));
    // A re-send after a dropped connection: the message is already here, acknowledge it again.
    if (auto old = repo::message_by_client_id(s, session.id, client_id)) {
      auto plain = keys_.decrypt(old->body);
      return std::pair{Message{old->seq, old->sender, plain.value_or(""), old->at, old->client_id}, false};
    }
    const int64_t seq = repo::insert_message(s, session.id, "her", std::nullopt, client_id, keys_.encrypt(text), now);
    audit_.append(s, her_entry("chat.message", session.ref, "seq " + std::to_string(seq)));
    return std::pair{Message{seq, "her", text, now, client_id}, true};
  });
  if (!stored) return fail(stored.error());
  if (stored->second) tell_message(session.ref, stored->first, false, std::nullopt);
  return stored->first;
}

void Service::her_typing(const SessionRow& s) { tell(s.ref, "ops", {{"type", "typing"}, {"from", "her"}, {"session", s.ref}}); }

void Service::leave(const SessionRow& session, const std::string& why) {
  auto ended = db_.transaction<bool>([&](soci::session& s) -> Result<bool> {
    const bool changed = repo::end_session(s, session.id, why, now_ms());
    if (changed) audit_.append(s, her_entry("chat.leave", session.ref, why));
    return changed;
  });
  if (!ended || !*ended) return;
  intake_.left("chat", session.ref, why);
  tell(session.ref, "ops", {{"type", "left"}, {"session", session.ref}, {"why", why}});
}

std::vector<Message> Service::since(const SessionRow& session, int64_t after_seq) {
  std::vector<Message> out;
  auto rows = db_.transaction<std::vector<repo::StoredMessage>>(
      [&](soci::session& s) -> Result<std::vector<repo::StoredMessage>> { return repo::messages(s, session.id, after_seq); });
  if (!rows) return out;
  for (const auto& r : *rows) out.push_back({r.seq, r.sender, keys_.decrypt(r.body).value_or(""), r.at, r.client_id});
  return out;
}

void Service::attach(const std::string& ref, std::weak_ptr<http::Peer> peer) {
  std::lock_guard lock(peers_mu_);
  peers_[ref] = std::move(peer);
}

void Service::detach(const std::string& ref, const std::shared_ptr<http::Peer>& peer) {
  std::lock_guard lock(peers_mu_);
  auto it = peers_.find(ref);
  if (it == peers_.end()) return;
  auto current = it->second.lock();
  if (!current || current == peer) peers_.erase(it);
}

void Service::to_her(const std::string& ref, const std::string& json) {
  std::shared_ptr<http::Peer> peer;
  {
    std::lock_guard lock(peers_mu_);
    auto it = peers_.find(ref);
    if (it != peers_.end()) peer = it->second.lock();
  }
  // Not connected right now: she gets it from the transcript when she resumes.
  if (peer) peer->send(json);
}

void Service::to_operators(const std::string& ref, const std::string& json) { hub_->publish("chat:" + ref, json); }

bool Service::reaches_her(const std::string& ref) {
  std::lock_guard lock(peers_mu_);
  auto it = peers_.find(ref);
  return it != peers_.end() && !it->second.expired();
}

void Service::set_relay(Relay relay) {
  std::lock_guard lock(relay_mu_);
  relay_ = std::move(relay);
}

void Service::relay(const std::string& ref, const http::Json& event) {
  Relay r;
  {
    std::lock_guard lock(relay_mu_);
    r = relay_;
  }
  if (r) r("chat:" + ref, event.dump(-1, ' ', false, http::Json::error_handler_t::replace));
}

void Service::tell(const std::string& ref, const std::string& to, const http::Json& event) {
  const std::string text = event.dump(-1, ' ', false, http::Json::error_handler_t::replace);
  if (to == "her") to_her(ref, text);
  else to_operators(ref, text);
  relay(ref, {{"to", to}, {"event", event}});
}

void Service::show_message(const std::string& ref, const Message& m, bool her, const std::optional<std::string>& name) {
  auto j = message_json(m);
  if (name) j["name"] = *name;
  if (her) to_her(ref, j.dump(-1, ' ', false, http::Json::error_handler_t::replace));
  j["session"] = ref;
  to_operators(ref, j.dump(-1, ' ', false, http::Json::error_handler_t::replace));
}

void Service::tell_message(const std::string& ref, const Message& m, bool her, const std::optional<std::string>& name) {
  show_message(ref, m, her, name);
  // Her words (and the operator's) are stored encrypted: only the number crosses PostgreSQL.
  http::Json j = {{"to", her ? "both" : "ops"}, {"seq", m.seq}};
  if (name) j["name"] = *name;
  relay(ref, j);
}

void Service::relayed(const std::string& topic, const std::string& message) {
  if (topic.rfind("chat:", 0) != 0) return;
  const std::string ref = topic.substr(5);
  const http::Json j = http::Json::parse(message, nullptr, false);
  if (!j.is_object() || !j.contains("to") || !j["to"].is_string()) return;
  const std::string to = j["to"];
  if (j.contains("event")) {
    const std::string text = j["event"].dump(-1, ' ', false, http::Json::error_handler_t::replace);
    if (to == "her") to_her(ref, text);
    else if (to == "ops") to_operators(ref, text);
    return;
  }
  if (!j.contains("seq") || !j["seq"].is_number_integer()) return;
  const bool her = to == "both";
  // Read from the database only by an instance with someone to tell: her connection, or a pane.
  if (!(her && reaches_her(ref)) && hub_->size() == 0) return;
  const int64_t seq = j["seq"];
  auto row = db_.transaction<std::optional<repo::StoredMessage>>([&](soci::session& s) -> Result<std::optional<repo::StoredMessage>> {
    auto session = repo::find_session(s, ref);
    if (!session) return std::optional<repo::StoredMessage>{};
    return repo::message_at(s, session->id, seq);
  });
  if (!row || !*row) return;
  const auto& r = **row;
  std::optional<std::string> name;
  if (j.contains("name") && j["name"].is_string()) name = j["name"].get<std::string>();
  show_message(ref, {r.seq, r.sender, keys_.decrypt(r.body).value_or(""), r.at, r.client_id}, her, name);
}

// --- the operator's side -------------------------------------------------------------------

namespace {
audit::Entry op_entry(const http::Request& req, std::string action, const std::string& ref, std::string outcome = "ok") {
  return audit::Log::from(req, std::move(action), "chat:" + ref, std::move(outcome));
}
}  // namespace

Result<Transcript> Service::transcript(const http::Request& req, const std::string& ref) {
  auto session = find(ref);
  if (!session) return fail(session.error());
  auto holder = intake_.holder("chat", ref);
  if (auto ok = may_read(req.who(), holder); !ok) {
    (void)audit_.append(op_entry(req, "chat.denied", ref, "denied"));
    return fail(ok.error());
  }
  Transcript t;
  t.session = *session;
  t.messages = since(*session, 0);
  auto esc = db_.transaction<std::vector<repo::StoredEscalation>>([&](soci::session& s) -> Result<std::vector<repo::StoredEscalation>> {
    audit_.append(s, op_entry(req, "chat.read", ref));
    return repo::escalations(s, session->id);
  });
  if (!esc) return fail(esc.error());
  for (const auto& e : *esc) {
    Escalation x{e.id, e.kind, e.unit_name, e.at, e.kind == "133" ? kProtocol133 : kProtocolMunicipal, std::nullopt};
    // The dispatch as the unit has moved it (its own module keeps it; a failure shows no state).
    if (e.dispatch_id && dispatch_.state)
      if (auto d = dispatch_.state(*e.dispatch_id)) x.dispatch = *d;
    t.escalations.push_back(std::move(x));
  }
  if (holder) {
    t.holder_user_id = holder->user_id;
    t.holder_state = holder->state;
  }
  return t;
}

Result<Message> Service::reply(const http::Request& req, const std::string& ref, const std::string& text) {
  auto session = find(ref);
  if (!session) return fail(session.error());
  if (auto ok = may_write(req.who(), intake_.holder("chat", ref)); !ok) {
    (void)audit_.append(op_entry(req, "chat.denied", ref, "denied"));
    return fail(ok.error());
  }
  if (session->state != "open") return fail(Error::conflict("chat_ended", "Ella ya salió de la conversación: el mensaje no se envió."));
  const int64_t now = now_ms();
  auto seq = db_.transaction<int64_t>([&](soci::session& s) -> Result<int64_t> {
    const int64_t n = repo::insert_message(s, session->id, "operator", req.who().user_id, "", keys_.encrypt(text), now);
    audit_.append(s, op_entry(req, "chat.reply", ref));
    return n;
  });
  if (!seq) return fail(seq.error());
  Message m{*seq, "operator", text, now, ""};
  tell_message(ref, m, true, std::nullopt);
  return m;
}

Result<void> Service::operator_typing(const http::Request& req, const std::string& ref) {
  if (auto ok = may_write(req.who(), intake_.holder("chat", ref)); !ok) {
    (void)audit_.append(op_entry(req, "chat.denied", ref, "denied"));
    return fail(ok.error());
  }
  tell(ref, "her", {{"type", "typing"}, {"from", "operator"}});
  return {};
}

Result<Escalation> Service::escalate(const http::Request& req, const std::string& ref, const std::string& kind, const std::string& note) {
  auto session = find(ref);
  if (!session) return fail(session.error());
  if (auto ok = may_write(req.who(), intake_.holder("chat", ref)); !ok) {
    (void)audit_.append(op_entry(req, "chat.denied", ref, "denied"));
    return fail(ok.error());
  }
  std::optional<MunicipalUnit> unit;
  if (kind == "municipal") {
    if (session->comuna_code.empty())
      return fail(Error::conflict("no_comuna", "Ella no indicó su comuna: la derivación municipal no es posible. Use el 133.", "kind"));
    if (dispatch_.municipal_unit) unit = dispatch_.municipal_unit(session->comuna_code);
    if (!unit)
      return fail(Error::conflict("no_municipal_unit", "Su comuna no tiene una unidad de seguridad municipal en el sistema. Use el 133.", "kind"));
  }
  // The unit's dispatch first (monitoring's own transaction): if the chat's record then failed,
  // the unit would still go, which is the safe side of the two.
  std::optional<DispatchState> dispatched;
  if (unit) {
    if (!dispatch_.open)
      return fail(Error::unavailable("La derivación municipal no está disponible en este servidor. Use el 133."));
    auto d = dispatch_.open(req, {ref, session->comuna_code, session->urgent, unit->institution_id, note});
    if (!d) return fail(d.error());
    dispatched = *d;
  }
  const int64_t now = now_ms();
  auto id = db_.transaction<int64_t>([&](soci::session& s) -> Result<int64_t> {
    const int64_t n = repo::insert_escalation(s, session->id, kind, unit ? std::optional<int64_t>(unit->institution_id) : std::nullopt,
                                              unit ? unit->name : "", req.who().user_id, note.empty() ? "" : keys_.encrypt(note), now,
                                              dispatched ? std::optional<int64_t>(dispatched->id) : std::nullopt);
    auto e = op_entry(req, "chat.escalate", ref);
    e.detail = kind;
    audit_.append(s, e);
    return n;
  });
  if (!id) return fail(id.error());
  Escalation out{*id, kind, unit ? unit->name : "", now, kind == "133" ? kProtocol133 : kProtocolMunicipal, dispatched};
  http::Json told = {{"type", "escalated"}, {"session", ref}, {"kind", kind}, {"dispatch", nullptr}};
  if (dispatched) told["dispatch"] = dispatch_state_json(*dispatched);
  tell(ref, "ops", told);
  return out;
}

void Service::dispatch_changed(const std::string& ref, const DispatchState& state) {
  tell(ref, "ops", {{"type", "dispatch"}, {"session", ref}, {"dispatch", dispatch_state_json(state)}});
}

Result<std::shared_ptr<void>> Service::watch(const http::Request& req, const std::string& ref) {
  auto session = find(ref);
  if (!session) return fail(session.error());
  if (auto ok = may_read(req.who(), intake_.holder("chat", ref)); !ok) {
    (void)audit_.append(op_entry(req, "chat.denied", ref, "denied"));
    return fail(ok.error());
  }
  if (auto ok = audit_.append(op_entry(req, "chat.watch", ref)); !ok) return fail(ok.error());
  return std::shared_ptr<void>();
}

Result<std::vector<std::string>> Service::canned() {
  return db_.transaction<std::vector<std::string>>([](soci::session& s) -> Result<std::vector<std::string>> { return repo::canned(s); });
}

Result<std::vector<std::string>> Service::set_canned(const http::Request& req, const std::vector<std::string>& answers) {
  return db_.transaction<std::vector<std::string>>([&](soci::session& s) -> Result<std::vector<std::string>> {
    repo::replace_canned(s, answers);
    auto e = audit::Log::from(req, "chat.canned_update", "");
    e.detail = std::to_string(answers.size()) + " respuestas";
    audit_.append(s, e);
    return repo::canned(s);
  });
}

void Service::queue_changed(const std::string& channel, const std::string& ref, const channels::Holder& holder) {
  if (channel != "chat") return;
  auto session = find(ref);
  if (!session || session->state != "open") return;
  if (holder.state == "closed") {
    tell(ref, "her", {{"type", "ended"}, {"by", "operator"}});
    return;
  }
  const bool back = holder.state == "waiting" || holder.state == "offered";
  if (!back && (holder.state != "active" || holder.user_id.empty())) return;
  // What she was last told is in the database (told_holder): the take, a transfer and a hand-back
  // may each happen on another instance, and she is told once per change whichever it is.
  const int64_t now = now_ms();
  auto told = db_.transaction<std::optional<Message>>([&](soci::session& s) -> Result<std::optional<Message>> {
    const std::string previous = repo::told_holder(s, session->id);
    std::string text;
    if (back) {
      // Her operator gave the conversation back to the queue (channels: hand-back): she is told,
      // neutrally and once, that another operator will answer; nothing about why.
      if (previous.empty()) return std::optional<Message>{};
      text = kHandedBack;
    } else {
      // Joined or transferred: told to her once per new holder, and kept in the transcript.
      if (previous == holder.user_id) return std::optional<Message>{};
      text = previous.empty() ? kJoined : kTransferred;
    }
    repo::set_told_holder(s, session->id, back ? "" : holder.user_id);
    const int64_t seq = repo::insert_message(s, session->id, "system", std::nullopt, "", keys_.encrypt(text), now);
    return std::optional<Message>(Message{seq, "system", text, now, ""});
  });
  if (!told || !*told) return;
  tell_message(ref, **told, true, holder.public_name);
}

Result<void> Service::load_demo() {
  const std::string ref = "demo-chat-1";
  auto existing = db_.transaction<std::optional<SessionRow>>([&](soci::session& s) -> Result<std::optional<SessionRow>> { return repo::find_session(s, ref); });
  if (!existing) return fail(existing.error());
  if (*existing) return {};
  const std::vector<std::string> lines = {"[Demostración] Hola, ¿hay alguien? No puedo hablar por teléfono.",
                                          "[Demostración] Estoy en mi casa y él llega en una hora."};
  const int64_t now = now_ms();
  auto id = db_.transaction<int64_t>([&](soci::session& s) -> Result<int64_t> {
    const int64_t sid = repo::insert_session(s, ref, crypto::sha256_hex(crypto::random_token(24)), true, "13101", now);
    int n = 0;
    for (const auto& l : lines) repo::insert_message(s, sid, "her", std::nullopt, "demo-" + std::to_string(++n), keys_.encrypt(l), now);
    audit_.append(s, her_entry("chat.start", ref, "demostración"));
    return sid;
  });
  if (!id) return fail(id.error());
  auto contact = intake_.open({"chat", ref, true, "13101", lines.front(), ""});
  if (!contact && contact.error().code == "closed") {
    // Outside the 1455's hours the queue takes no contact; a demo started then still starts,
    // without the waiting conversation (ended as the queue would end a real one).
    (void)db_.transaction<bool>([&](soci::session& s) -> Result<bool> { return repo::end_session(s, *id, "queue_error", now); });
    spdlog::info("chat demo: the queue is closed now (1455 hours); no demo conversation waits");
    return {};
  }
  if (!contact) return fail(contact.error());
  return db_.transaction<bool>([&](soci::session& s) -> Result<bool> {
           repo::set_contact(s, *id, *contact);
           return true;
         })
             ? Result<void>{}
             : fail(Error::internal());
}

Result<int64_t> Service::purge(int64_t now) {
  PurgeHeld held;
  if (options_.holds) {
    auto h = options_.holds("transcripts");
    if (!h) return fail(h.error());  // holds unreadable: nothing is deleted
    held = *h;
  }
  auto t = purge(now, held, false);
  if (!t) return fail(t.error());
  return t->purged;
}

Result<PurgeTally> Service::purge(int64_t now, const PurgeHeld& held, bool dry_run) {
  const int64_t cutoff = now - static_cast<int64_t>(options_.retention_days) * 86'400'000;
  auto due = store::with_session<std::vector<std::pair<int64_t, std::string>>>(
      db_, [&](soci::session& s) -> Result<std::vector<std::pair<int64_t, std::string>>> { return repo::purge_due(s, cutoff); });
  if (!due) return fail(due.error());
  // The holds are asked outside the transaction: the queue reads in a session of its own. A hold
  // names the conversation (its ref) or the registry person the operator identified her as in its
  // queue contact (the only link between a chat and the registry).
  PurgeTally t;
  std::vector<int64_t> go;
  for (const auto& [id, ref] : *due) {
    if (held) {
      std::vector<int64_t> persons;
      if (auto h = intake_.holder("chat", ref); h && h->person_id) persons.push_back(*h->person_id);
      if (held(ref, persons)) {
        ++t.held;
        continue;
      }
    }
    ++t.due;
    go.push_back(id);
  }
  if (dry_run) return t;
  return db_.transaction<PurgeTally>([&](soci::session& s) -> Result<PurgeTally> {
    // Only what is still past its period: she may have written again since the list was read.
    for (int64_t id : go) t.purged += repo::purge_session(s, id, cutoff);
    if (t.purged > 0 || t.held > 0) {
      audit::Entry e;
      e.action = "chat.purge";
      e.detail = std::to_string(t.purged) + " conversaciones" + (t.held ? "; " + std::to_string(t.held) + " retenidas por orden legal" : "");
      audit_.append(s, e);
    }
    return t;
  });
}

}  // namespace eq::chat
