// The queue's workflow: contacts in (Intake, the telephony webhook, by hand), offers to operators,
// take / decline / reassign, the contact record and its close, the registry's record, timeline
// and referral, call-backs and blocks. Each change and its audit entry commit together; listeners
// and the live stream hear of it after the commit.

#include <algorithm>
#include <cmath>

#include "cases/module.h"
#include "channels/access.h"
#include "channels/repository.h"
#include "core/time.h"
#include "http/fields.h"
#include "store/with_session.h"

namespace eq::channels {

using nlohmann::json;

namespace {

const char* kNotFound = "No existe un contacto con ese identificador.";

std::string contact_object(int64_t id) { return "channels_contact:" + std::to_string(id); }

Holder holder_of(const Contact& c, const std::string& public_name) {
  Holder h;
  h.contact_id = std::to_string(c.id);
  h.state = c.state == "abandoned" ? "closed" : c.state;
  h.person_id = c.person_id;
  if (c.state == "active" && c.holder_user_id) {
    h.user_id = std::to_string(*c.holder_user_id);
    h.public_name = public_name;
  } else if (c.state == "offered" && c.offered_to) {
    h.user_id = std::to_string(*c.offered_to);
  }
  return h;
}

}  // namespace

void clear_offer(Contact& c) {
  c.offered_to.reset();
  c.offered_at.reset();
  c.offer_expires_at.reset();
}

namespace {

template <typename T>
Result<T> guarded(store::Database& db, const std::function<Result<T>(soci::session&)>& fn) {
  return db.transaction<T>([&](soci::session& s) -> Result<T> {
    try {
      return fn(s);
    } catch (const nlohmann::json::exception&) {
      return fail(Error::wrong_type());
    }
  });
}

}  // namespace

Service::Service(store::Database& db, const crypto::Keys& keys, audit::Log& audit, std::shared_ptr<cases::Service> registry,
                 std::string telephony_secret, std::string callers_key, Options options)
    : db_(db),
      keys_(keys),
      audit_(audit),
      registry_(std::move(registry)),
      secret_(std::move(telephony_secret)),
      callers_key_(std::move(callers_key)),
      options_(std::move(options)) {}

std::string Service::caller_hash(const std::string& kind, const std::string& value) const {
  std::string canonical;
  if (kind == "number") {
    for (char c : value)
      if (c >= '0' && c <= '9') canonical.push_back(c);
    // The last nine digits: "+56 9 1234 5678", "0912345678" and "912345678" are the same caller.
    if (canonical.size() > 9) canonical = canonical.substr(canonical.size() - 9);
  } else {
    canonical = value;
  }
  if (canonical.empty()) return {};
  const std::string message = "channels.caller:" + kind + ":" + canonical;
  return crypto::hmac_sha256_hex(callers_key_, message);
}

void Service::audit_entry(soci::session& s, const Actor& a, const std::string& action, int64_t contact_id, const std::string& detail) {
  audit::Entry e;
  if (a.user_id) e.actor_user_id = a.user_id;
  if (a.institution_id) e.actor_institution_id = a.institution_id;
  e.action = action;
  e.object = contact_id ? contact_object(contact_id) : "";
  e.client_ip = a.client_ip;
  e.outcome = "ok";
  e.detail = detail;
  audit_.append(s, e);
}

void Service::name(std::vector<Operator>& ops) const {
  if (!directory_.user_names) return;
  std::set<int64_t> ids;
  for (const auto& o : ops) ids.insert(o.user_id);
  auto names = directory_.user_names(ids);
  for (auto& o : ops)
    if (auto it = names.find(o.user_id); it != names.end()) o.name = it->second;
}

// ------------------------------------------------------------------ announcements

void Service::on_change(std::function<void(const std::string&, const std::string&, const Holder&)> listener) {
  std::lock_guard lock(listeners_mu_);
  listeners_.push_back(std::move(listener));
}

void Service::changed(soci::session& s, const std::vector<int64_t>& ids) {
  Repository repo(keys_);
  std::lock_guard lock(pending_mu_);
  for (auto id : ids)
    if (auto c = repo.contact(s, id)) pending_changes_.emplace_back(c->channel, c->external_ref);
}

// Called after a commit: every listener hears each changed contact as it is now, and the consoles
// get the new queue.
void Service::after_commit() {
  std::vector<std::pair<std::string, std::string>> changes;
  {
    std::lock_guard lock(pending_mu_);
    changes.swap(pending_changes_);
  }
  if (!changes.empty()) {
    std::vector<std::function<void(const std::string&, const std::string&, const Holder&)>> listeners;
    {
      std::lock_guard lock(listeners_mu_);
      listeners = listeners_;
    }
    for (const auto& [channel, ref] : changes) {
      auto h = holder(channel, ref);
      if (!h) continue;
      for (const auto& l : listeners) {
        try {
          l(channel, ref, *h);
        } catch (const std::exception&) {
          // A channel's listener failing must not stop the queue nor the other channels.
        }
      }
    }
  }
  publish_queue();
}

json Service::snapshot(soci::session& s) {
  Repository repo(keys_);
  json queue = json::array();
  const int64_t now = now_ms();
  for (const auto& c : repo.queue(s, 200))
    queue.push_back({{"id", c.id},
                     {"channel", c.channel},
                     {"channel_name", channel_names().label(c.channel)},
                     {"state", c.state},
                     {"urgent", c.urgent},
                     {"priority", c.priority},
                     {"waiting_s", (now - c.created_at) / 1000},
                     {"offered_to", c.offered_to ? json(*c.offered_to) : json(nullptr)}});
  json ops = json::array();
  auto all = repo.operators(s);
  name(all);
  for (const auto& o : all) ops.push_back(to_json(o));
  return {{"type", "queue"}, {"now", now}, {"queue", queue}, {"operators", ops}};
}

void Service::publish_queue() {
  if (hub_->size() == 0) return;
  auto snap = store::with_session<json>(db_, [&](soci::session& s) -> Result<json> { return snapshot(s); });
  if (snap) hub_->publish("queue", snap->dump());
}

// ------------------------------------------------------------------ Intake

Result<std::string> Service::open(const NewContact& nc) {
  if (!channel_names().contains(nc.channel))
    return fail(Error::invalid("channel", "Canal desconocido; use " + channel_names().ids_text() + ".", "invalid_channel"));
  if (nc.external_ref.empty() || nc.external_ref.size() > 200)
    return fail(Error::invalid("external_ref", "La referencia del canal es obligatoria (hasta 200 caracteres).", "invalid_ref"));
  if (nc.opening_text.size() > 8000) return fail(Error::invalid("opening_text", "El texto inicial es demasiado largo.", "too_long"));
  const int64_t now = now_ms();
  auto id = guarded<int64_t>(db_, [&](soci::session& s) -> Result<int64_t> {
    Repository repo(keys_);
    if (auto existing = repo.contact_by_ref(s, nc.channel, nc.external_ref)) return existing->id;
    if (!options_.hours.open_at(now)) return fail(Error{503, "closed", options_.hours.message, {}});
    if (!nc.caller_hash.empty())
      if (repo.active_block(s, nc.caller_hash, now))
        return fail(Error{403, "blocked", "Este contacto fue bloqueado temporalmente por la supervisión de la línea.", {}});
    Contact c;
    c.channel = nc.channel;
    c.external_ref = nc.external_ref;
    c.state = "waiting";
    c.urgent = nc.urgent;
    c.comuna_code = nc.comuna_code.substr(0, 10);
    c.opening_text = nc.opening_text;
    c.caller_hash = nc.caller_hash;
    c.created_at = now;
    c.id = repo.insert_contact(s, c);
    // Assessed risk: her own "urgent", else what earlier contacts of the same caller screened.
    int priority = c.urgent ? 2 : 0;
    if (!c.urgent && !c.caller_hash.empty()) {
      auto [n, worst] = repo.caller_history(s, c.caller_hash, c.id);
      if (worst == "vital" || worst == "alto") priority = 1;
      (void)n;
    }
    if (priority != 0) {
      auto stored = repo.contact(s, c.id);
      stored->priority = priority;
      repo.save_contact(s, *stored);
    }
    repo.event(s, c.id, now, "opened", std::nullopt, c.urgent ? "urgente" : "");
    audit_entry(s, {}, "channels.contact_open", c.id, c.channel + (c.urgent ? " urgente" : ""));
    return c.id;
  });
  if (!id) return fail(id.error());
  (void)dispatch(now);
  return std::to_string(*id);
}

void Service::left(const std::string& channel, const std::string& external_ref, const std::string& why) {
  const int64_t now = now_ms();
  (void)guarded<bool>(db_, [&](soci::session& s) -> Result<bool> {
    Repository repo(keys_);
    auto c = repo.contact_by_ref(s, channel, external_ref);
    if (!c || c->left_at || c->state == "closed" || c->state == "abandoned") return false;
    c->left_at = now;
    c->left_why = why.substr(0, 200);
    if (c->state == "waiting" || c->state == "offered") {
      c->state = "abandoned";
      clear_offer(*c);
      c->closed_at = now;
    }
    if (!repo.save_contact(s, *c)) return fail(Error::conflict("changed", "El contacto cambió; intente de nuevo."));
    repo.event(s, c->id, now, c->state == "abandoned" ? "abandoned" : "left", std::nullopt, c->left_why);
    audit_entry(s, {}, "channels.contact_left", c->id, c->left_why);
    changed(s, {c->id});
    return true;
  });
  after_commit();
}

std::optional<Holder> Service::holder(const std::string& channel, const std::string& external_ref) {
  auto c = store::with_session<std::optional<Contact>>(db_, [&](soci::session& s) -> Result<std::optional<Contact>> {
    return Repository(keys_).contact_by_ref(s, channel, external_ref);
  });
  if (!c || !*c) return std::nullopt;
  return holder_of(**c, options_.public_name);
}

// ------------------------------------------------------------------ dispatch

Result<int> Service::dispatch(int64_t now) {
  // One planner at a time (the job and the requests): two would offer the same seat twice. The
  // listeners hear of it after the lock is released, so one may call back into the queue.
  std::unique_lock lock(dispatch_mu_);
  // Most ticks of the 1-second job have nothing to do. Look first without a transaction: on SQLite
  // every transaction takes the write lock, and a writer every second competes with the devices'
  // positions for it (SQLite's busy wait is not fair under load).
  if (auto l = db_.lease()) {
    try {
      Repository repo(keys_);
      bool work = !repo.expired_offers(**l, now).empty();
      if (!work) {
        auto waiting = repo.waiting(**l);
        if (!waiting.empty()) {
          auto seats = repo.seats(**l);
          work = !plan_offers(std::move(waiting), seats).empty();
        }
      }
      if (!work) return 0;
    } catch (const std::exception&) {
      // Fall through: the transaction below reports the database's error.
    }
  }
  auto n = guarded<int>(db_, [&](soci::session& s) -> Result<int> {
    Repository repo(keys_);
    std::vector<int64_t> touched;
    for (auto id : repo.expired_offers(s, now)) {
      auto c = repo.contact(s, id);
      if (!c) continue;
      const auto who = c->offered_to;
      c->state = "waiting";
      clear_offer(*c);
      if (repo.save_contact(s, *c)) {
        repo.event(s, id, now, "offer_expired", who, "");
        touched.push_back(id);
      }
    }
    auto waiting = repo.waiting(s);
    int made = 0;
    if (!waiting.empty()) {
      auto seats = repo.seats(s);
      for (const auto& [cid, uid] : plan_offers(std::move(waiting), seats)) {
        auto c = repo.contact(s, cid);
        if (!c || c->state != "waiting") continue;
        c->state = "offered";
        c->offered_to = uid;
        c->offered_at = now;
        c->offer_expires_at = now + options_.offer_seconds * 1000LL;
        if (!repo.save_contact(s, *c)) continue;
        repo.event(s, cid, now, "offered", uid, "");
        touched.push_back(cid);
        ++made;
      }
    }
    changed(s, touched);
    return made;
  });
  lock.unlock();
  after_commit();
  return n;
}

// ------------------------------------------------------------------ operators

namespace {
Operator new_operator(const Actor& a, int default_max_chats) {
  Operator o;
  o.user_id = a.user_id;
  o.institution_id = a.institution_id;
  o.presence = "desconectada";
  o.max_chats = default_max_chats;
  return o;
}
}  // namespace

Result<Operator> Service::me(const Actor& a) {
  return guarded<Operator>(db_, [&](soci::session& s) -> Result<Operator> {
    Repository repo(keys_);
    if (auto o = repo.operator_of(s, a.user_id)) return *o;
    auto o = new_operator(a, options_.default_max_chats);
    o.updated_at = now_ms();
    repo.save_operator(s, o);
    return *repo.operator_of(s, a.user_id);
  });
}

Result<Operator> Service::set_presence(const Actor& a, const std::string& presence, const std::optional<std::vector<std::string>>& skills,
                                       std::optional<int> max_chats) {
  if (!presences().contains(presence))
    return fail(Error::invalid("presence", "Estado desconocido; use " + presences().ids_text() + ".", "invalid_presence"));
  if (skills)
    for (const auto& sk : *skills)
      if (sk != "phone" && sk != "chat" && sk != "whatsapp")
        return fail(Error::invalid("skills", "Canal desconocido en «skills»: use phone, chat o whatsapp.", "invalid_skill"));
  if (max_chats && (*max_chats < 1 || *max_chats > 6))
    return fail(Error::invalid("max_chats", "Se pueden atender entre 1 y 6 chats a la vez.", "out_of_range"));
  const int64_t now = now_ms();
  auto o = guarded<Operator>(db_, [&](soci::session& s) -> Result<Operator> {
    Repository repo(keys_);
    auto o = repo.operator_of(s, a.user_id).value_or(new_operator(a, options_.default_max_chats));
    o.presence = presence;
    if (skills) o.skills = *skills;
    if (max_chats) o.max_chats = *max_chats;
    o.institution_id = a.institution_id;
    o.updated_at = now;
    repo.save_operator(s, o);
    // Going on a break or offline hands back what was offered and not yet taken.
    std::vector<int64_t> touched;
    if (presence != "disponible")
      for (auto& c : repo.of_user(s, a.user_id))
        if (c.state == "offered") {
          c.state = "waiting";
          clear_offer(c);
          if (repo.save_contact(s, c)) {
            repo.event(s, c.id, now, "declined", a.user_id, "presencia " + presence);
            touched.push_back(c.id);
          }
        }
    audit_entry(s, a, "channels.presence", 0, presence);
    changed(s, touched);
    return *repo.operator_of(s, a.user_id);
  });
  if (o) (void)dispatch(now);
  return o;
}

Result<std::vector<Operator>> Service::operators(const Actor& a) {
  if (!a.supervisor) return fail(Error::forbidden());
  return store::with_session<std::vector<Operator>>(db_, [&](soci::session& s) -> Result<std::vector<Operator>> {
    auto all = Repository(keys_).operators(s);
    std::erase_if(all, [&](const Operator& o) { return o.institution_id != a.institution_id; });
    name(all);
    return all;
  });
}

Result<std::vector<Contact>> Service::queue(const Actor& a) {
  (void)a;
  return store::with_session<std::vector<Contact>>(db_, [&](soci::session& s) -> Result<std::vector<Contact>> {
    return Repository(keys_).queue(s, 500);
  });
}

Result<std::vector<Contact>> Service::mine(const Actor& a) {
  return guarded<std::vector<Contact>>(db_, [&](soci::session& s) -> Result<std::vector<Contact>> {
    auto out = Repository(keys_).of_user(s, a.user_id);
    // What she opens in her console is case data: one entry per contact shown whole.
    for (const auto& c : out) audit_entry(s, a, "channels.contact_read", c.id, "consola");
    return out;
  });
}

// One change to one contact, in one transaction: the contact loaded (404 when it does not exist),
// `fn` checks the rules and writes; listeners and the live queue hear of it after the commit.
Result<Contact> Service::change(int64_t id, const std::function<Result<Contact>(soci::session&, Repository&, std::optional<Contact>&)>& fn) {
  auto c = guarded<Contact>(db_, [&](soci::session& s) -> Result<Contact> {
    Repository repo(keys_);
    auto found = repo.contact(s, id);
    if (!found) return fail(Error::not_found(kNotFound));
    return fn(s, repo, found);
  });
  after_commit();
  return c;
}

// ------------------------------------------------------------------ take, decline, reassign

Result<Contact> Service::take(const Actor& a, int64_t id) {
  const int64_t now = now_ms();
  auto c = change(id, [&](soci::session& s, Repository& repo, std::optional<Contact>& c) -> Result<Contact> {
    // Two operators pressing "Tomar" at once: the second hears that it was taken (nothing more
    // about it), before the visibility rule would hide it from her.
    if (c->state == "active" && (!c->holder_user_id || *c->holder_user_id != a.user_id))
      return fail(Error::conflict("already_taken", "Otra operadora ya tomó este contacto."));
    if (access::view(*c, a) == access::View::none) return fail(Error::not_found(kNotFound));
    if (c->state == "closed" || c->state == "abandoned")
      return fail(Error::conflict("contact_closed", "El contacto ya está cerrado."));
    if (c->state == "active") return *c;
    if (c->state == "offered" && c->offered_to && *c->offered_to != a.user_id)
      return fail(Error::conflict("offered_to_other", "Este contacto está ofrecido a otra operadora; espere a que lo tome o lo libere."));
    auto o = repo.operator_of(s, a.user_id).value_or(new_operator(a, options_.default_max_chats));
    Seat seat{a.user_id, true, o.skills, o.max_chats, 0, 0, 0, 0};
    for (const auto& held : repo.of_user(s, a.user_id))
      if (held.state == "active" && held.id != id) ++(held.channel == "phone" ? seat.calls : seat.chats);
    if (!can_take(seat, c->channel))
      return fail(Error::conflict("no_capacity", c->channel == "phone"
                                                      ? "Para tomar una llamada no puede tener otras llamadas ni chats abiertos."
                                                      : "Ya atiende una llamada o el máximo de chats simultáneos."));
    c->state = "active";
    clear_offer(*c);
    c->holder_user_id = a.user_id;
    c->holder_institution_id = a.institution_id;
    c->taken_at = now;
    if (!repo.save_contact(s, *c)) return fail(Error::conflict("already_taken", "Otra operadora ya tomó este contacto."));
    repo.event(s, id, now, "taken", a.user_id, "");
    audit_entry(s, a, "channels.contact_take", id);
    changed(s, {id});
    return *c;
  });
  return c;
}

Result<Contact> Service::decline(const Actor& a, int64_t id) {
  const int64_t now = now_ms();
  auto c = change(id, [&](soci::session& s, Repository& repo, std::optional<Contact>& c) -> Result<Contact> {
    if (access::view(*c, a) == access::View::none) return fail(Error::not_found(kNotFound));
    if (c->state != "offered" || !c->offered_to || *c->offered_to != a.user_id)
      return fail(Error::conflict("not_offered", "Este contacto no está ofrecido a usted."));
    c->state = "waiting";
    clear_offer(*c);
    if (!repo.save_contact(s, *c)) return fail(Error::conflict("changed", "El contacto cambió; actualice la pantalla."));
    repo.event(s, id, now, "declined", a.user_id, "");
    audit_entry(s, a, "channels.contact_decline", id);
    changed(s, {id});
    return *c;
  });
  if (c) (void)dispatch(now);
  return c;
}

Result<Contact> Service::hand_back(const Actor& a, int64_t id, const std::string& reason) {
  const int64_t now = now_ms();
  auto c = change(id, [&](soci::session& s, Repository& repo, std::optional<Contact>& c) -> Result<Contact> {
    // Only the operator holding it (404 when she may not see it, 409 when closed, 403 otherwise).
    if (auto ok = access::may_edit(*c, a); !ok) return fail(ok.error());
    // Back in the queue as it was: state waiting, no holder; priority, created_at (her waiting
    // time) and everything recorded stay.
    c->state = "waiting";
    clear_offer(*c);
    c->holder_user_id.reset();
    c->holder_institution_id.reset();
    c->taken_at.reset();  // her wait counts again from when she arrived (created_at), as in the queue
    if (!repo.save_contact(s, *c)) return fail(Error::conflict("changed", "El contacto cambió; actualice la pantalla."));
    repo.avoid_offering(s, id, a.user_id);
    repo.event(s, id, now, "handed_back", a.user_id, reason);
    audit_entry(s, a, "channels.contact_hand_back", id, reason);
    changed(s, {id});
    return *c;
  });
  if (c) (void)dispatch(now);
  return c;
}

Result<Contact> Service::reassign(const Actor& a, int64_t id, int64_t to_user) {
  const int64_t now = now_ms();
  auto c = change(id, [&](soci::session& s, Repository& repo, std::optional<Contact>& c) -> Result<Contact> {
    if (auto ok = access::may_supervise(*c, a); !ok) return fail(ok.error());
    if (c->state == "closed" || c->state == "abandoned") return fail(Error::conflict("contact_closed", "El contacto ya está cerrado."));
    auto target = repo.operator_of(s, to_user);
    if (!target || target->institution_id != a.institution_id)
      return fail(Error::invalid("user_id", "La operadora indicada no existe en su institución.", "unknown_operator"));
    const auto from = c->holder_user_id ? c->holder_user_id : c->offered_to;
    // A transfer hands the contact over as it is: active with the new operator, who sees the record.
    c->state = "active";
    clear_offer(*c);
    c->holder_user_id = to_user;
    c->holder_institution_id = target->institution_id;
    if (!c->taken_at) c->taken_at = now;
    if (!repo.save_contact(s, *c)) return fail(Error::conflict("changed", "El contacto cambió; actualice la pantalla."));
    repo.event(s, id, now, "transferred", to_user, from ? "desde " + std::to_string(*from) : "");
    audit_entry(s, a, "channels.contact_reassign", id, "a usuaria " + std::to_string(to_user));
    changed(s, {id});
    return *c;
  });
  return c;
}

Result<Contact> Service::open_by_hand(const Actor& a, const std::string& channel, bool urgent, const std::string& note) {
  if (channel != "phone" && channel != "chat" && channel != "whatsapp")
    return fail(Error::invalid("channel", "Canal desconocido; use phone, chat o whatsapp.", "invalid_channel"));
  const int64_t now = now_ms();
  auto c = guarded<Contact>(db_, [&](soci::session& s) -> Result<Contact> {
    Repository repo(keys_);
    Contact c;
    c.channel = channel;
    c.external_ref = "manual-" + crypto::random_token(12);
    c.state = "waiting";
    c.urgent = urgent;
    c.priority = urgent ? 2 : 0;
    c.opening_text = note;
    c.created_at = now;
    c.id = repo.insert_contact(s, c);
    auto stored = repo.contact(s, c.id);
    stored->state = "active";
    stored->holder_user_id = a.user_id;
    stored->holder_institution_id = a.institution_id;
    stored->taken_at = now;
    stored->priority = c.priority;
    repo.save_contact(s, *stored);
    repo.event(s, c.id, now, "opened_by_hand", a.user_id, "");
    audit_entry(s, a, "channels.contact_open", c.id, channel + " a mano");
    changed(s, {c.id});
    return *stored;
  });
  after_commit();
  return c;
}

// ------------------------------------------------------------------ the contact record

Result<Contact> Service::get(const Actor& a, int64_t id, const std::string& audit_action) {
  return change(id, [&](soci::session& s, Repository& repo, std::optional<Contact>& c) -> Result<Contact> {
    if (!c || access::view(*c, a) != access::View::full) return fail(Error::not_found(kNotFound));
    if (!c->caller_hash.empty()) c->repeat_count = repo.caller_history(s, c->caller_hash, c->id).first;
    audit_entry(s, a, audit_action, id);
    return *c;
  });
}

Result<Contact> Service::update(const Actor& a, int64_t id, const json& body) {
  http::FieldReader in(body);
  auto reason = in.one_of("reason", false, [] {
    std::vector<std::string> v;
    for (const auto& t : reasons().terms()) v.push_back(t.id);
    return v;
  }());
  if (!reason) return fail(reason.error());
  auto violence = in.one_of("violence_type", false, [] {
    std::vector<std::string> v;
    for (const auto& t : violence_types().terms()) v.push_back(t.id);
    return v;
  }());
  if (!violence) return fail(violence.error());
  auto orientation = in.text("orientation", {.max_chars = 2000});
  if (!orientation) return fail(orientation.error());
  auto notes = in.text("notes", {.max_chars = 4000});
  if (!notes) return fail(notes.error());
  auto consent = in.boolean("number_consent");
  if (!consent) return fail(consent.error());
  std::optional<std::vector<std::string>> yes;
  in.skip("risk_screen");
  if (body.contains("risk_screen") && !body["risk_screen"].is_null()) {
    if (!body["risk_screen"].is_array()) return fail(http::invalid_type("risk_screen", "una lista"));
    yes.emplace();
    for (const auto& v : body["risk_screen"]) {
      if (!v.is_string()) return fail(http::invalid_type("risk_screen", "una lista de textos"));
      auto q = v.get<std::string>();
      if (std::none_of(risk_screen().begin(), risk_screen().end(), [&](const ScreenQuestion& x) { return x.id == q; }))
        return fail(Error::invalid("risk_screen", "Pregunta desconocida en la pauta breve: «" + q.substr(0, 40) + "».", "invalid_answer"));
      if (std::find(yes->begin(), yes->end(), q) == yes->end()) yes->push_back(q);
    }
  }
  if (auto ok = in.no_unknown(); !ok) return fail(ok.error());
  const int64_t now = now_ms();
  auto c = change(id, [&](soci::session& s, Repository& repo, std::optional<Contact>& c) -> Result<Contact> {
    if (auto ok = access::may_edit(*c, a); !ok) return fail(ok.error());
    if (body.contains("reason")) c->reason = *reason;
    if (body.contains("violence_type")) c->violence_type = *violence;
    if (body.contains("orientation")) c->orientation = *orientation;
    if (body.contains("notes")) c->notes = *notes;
    if (yes) {
      c->risk_yes = *yes;
      c->risk_level = screen_level(*yes);
    }
    if (*consent) {
      c->number_consent = **consent;
      if (**consent && c->channel == "phone") {
        std::lock_guard lock(numbers_mu_);
        auto it = live_numbers_.find(c->external_ref);
        if (it == live_numbers_.end())
          return fail(Error::conflict("number_unavailable", "El número de esta llamada ya no está disponible (la llamada terminó o el servidor se reinició)."));
        c->caller_number = it->second;
      }
      if (!**consent) c->caller_number.clear();
    }
    if (!repo.save_contact(s, *c)) return fail(Error::conflict("changed", "El contacto cambió mientras lo editaba; actualice la pantalla."));
    repo.event(s, id, now, "recorded", a.user_id, "");
    audit_entry(s, a, "channels.contact_update", id, c->number_consent ? "con consentimiento de número" : "");
    return *c;
  });
  return c;
}

Result<Contact> Service::close(const Actor& a, int64_t id, const std::string& outcome, const std::string& notes) {
  if (!outcomes().contains(outcome))
    return fail(Error::invalid("outcome", "Indique el resultado del contacto: " + outcomes().ids_text() + ".", outcome.empty() ? "required" : "invalid_outcome"));
  const int64_t now = now_ms();
  auto c = change(id, [&](soci::session& s, Repository& repo, std::optional<Contact>& c) -> Result<Contact> {
    if (auto ok = access::may_edit(*c, a); !ok) return fail(ok.error());
    if (data_outcome(outcome) && c->reason.empty())
      return fail(Error::invalid("reason", "Registre el motivo del contacto antes de cerrarlo con este resultado.", "required"));
    if (outcome == "derivacion" && !c->referral_record_id)
      return fail(Error::invalid("outcome", "Para cerrar como derivación, registre primero la derivación.", "referral_missing"));
    c->state = "closed";
    c->outcome = outcome;
    c->closed_at = now;
    if (!notes.empty()) c->notes = c->notes.empty() ? notes : c->notes + "\n" + notes;
    if (!repo.save_contact(s, *c)) return fail(Error::conflict("changed", "El contacto cambió mientras lo editaba; actualice la pantalla."));
    repo.event(s, id, now, "closed", a.user_id, outcome);
    audit_entry(s, a, "channels.contact_close", id, outcome);
    changed(s, {id});
    return *c;
  });
  if (c) {
    std::lock_guard lock(numbers_mu_);
    live_numbers_.erase(c->external_ref);
  }
  if (c) (void)dispatch(now);
  return c;
}

Result<Contact> Service::identify(const http::Request& req, const Actor& a, int64_t id, const json& persons) {
  if (!registry_) return fail(Error::unavailable("El registro único de casos no está disponible."));
  auto current = store::with_session<Contact>(db_, [&](soci::session& s) -> Result<Contact> {
    auto c = Repository(keys_).contact(s, id);
    if (!c) return fail(Error::not_found(kNotFound));
    if (auto ok = access::may_edit(*c, a); !ok) return fail(ok.error());
    if (c->person_id) return fail(Error::conflict("already_identified", "Este contacto ya está vinculado a una persona del registro."));
    return *c;
  });
  if (!current) return current;
  // A record of the registry, submitted as the operator: its checks (identity, linkage,
  // need-to-know), its audit and its alerts apply. Idempotent per contact, so a retry after a
  // failure here never makes a second record.
  json summary = reasons().label(current->reason);
  if (!current->violence_type.empty()) summary = summary.get<std::string>() + " · violencia " + violence_types().label(current->violence_type);
  json body = {{"kind", "contact"},
               {"occurred_at", iso8601_utc(current->created_at)},
               {"consent_statistics", false},
               {"persons", persons},
               {"details", {{"channel", current->channel == "chat" ? "chat_silencioso" : current->channel == "whatsapp" ? "whatsapp" : current->channel == "pharmacy" ? "mascarilla_19" : "linea_1455"},
                            {"summary", current->reason.empty() ? json("") : summary}}}};
  auto submitted = registry_->submit(req, body, "channels-contact-" + std::to_string(id));
  if (!submitted) return fail(submitted.error());
  const auto& rec = submitted->second;
  int64_t record_id = rec.value("id", int64_t{0}), person_id = 0;
  for (const auto& l : rec.value("linkage", json::array()))
    if (l.value("role", "") == "victim") person_id = l.value("person_id", int64_t{0});
  if (!person_id) return fail(Error::invalid("persons", "Indique a la mujer atendida (rol victim).", "invalid_persons"));
  const int64_t now = now_ms();
  return change(id, [&](soci::session& s, Repository& repo, std::optional<Contact>& c) -> Result<Contact> {
    if (auto ok = access::may_edit(*c, a); !ok) return fail(ok.error());
    c->person_id = person_id;
    c->record_id = record_id;
    c->anonymous = false;
    if (!repo.save_contact(s, *c)) return fail(Error::conflict("changed", "El contacto cambió; intente de nuevo."));
    repo.event(s, id, now, "identified", a.user_id, "registro " + std::to_string(record_id));
    audit_entry(s, a, "channels.contact_identify", id, "registro " + std::to_string(record_id));
    return *c;
  });
}

Result<Contact> Service::refer(const http::Request& req, const Actor& a, int64_t id, const json& details) {
  if (!registry_) return fail(Error::unavailable("El registro único de casos no está disponible."));
  auto current = store::with_session<Contact>(db_, [&](soci::session& s) -> Result<Contact> {
    auto c = Repository(keys_).contact(s, id);
    if (!c) return fail(Error::not_found(kNotFound));
    if (auto ok = access::may_edit(*c, a); !ok) return fail(ok.error());
    if (!c->person_id)
      return fail(Error::conflict("not_identified", "Para derivar, identifique primero a la mujer (con su consentimiento) en el registro."));
    if (c->referral_record_id) return fail(Error::conflict("already_referred", "Este contacto ya tiene una derivación."));
    return *c;
  });
  if (!current) return current;
  json body = {{"kind", "referral"},
               {"occurred_at", iso8601_utc(now_ms())},
               {"persons", json::array({{{"role", "victim"}, {"person_id", *current->person_id}}})},
               {"details", details}};
  auto submitted = registry_->submit(req, body, "channels-referral-" + std::to_string(id));
  if (!submitted) return fail(submitted.error());
  const int64_t record_id = submitted->second.value("id", int64_t{0});
  const int64_t now = now_ms();
  return change(id, [&](soci::session& s, Repository& repo, std::optional<Contact>& c) -> Result<Contact> {
    c->referral_record_id = record_id;
    if (!repo.save_contact(s, *c)) return fail(Error::conflict("changed", "El contacto cambió; intente de nuevo."));
    repo.event(s, id, now, "referred", a.user_id, "registro " + std::to_string(record_id));
    audit_entry(s, a, "channels.contact_refer", id, "registro " + std::to_string(record_id));
    return *c;
  });
}

Result<json> Service::timeline(const http::Request& req, const Actor& a, int64_t id) {
  if (!registry_) return fail(Error::unavailable("El registro único de casos no está disponible."));
  auto c = get(a, id, "channels.timeline_read");
  if (!c) return fail(c.error());
  if (!c->person_id) return fail(Error::conflict("not_identified", "El contacto es anónimo: no hay historia que mostrar."));
  // The registry decides what this operator may see of her (need-to-know) and logs the read on
  // her access log and in the audit.
  return registry_->person(req, *c->person_id);
}

// ------------------------------------------------------------------ call-backs and blocks

Result<std::vector<Callback>> Service::callbacks(const Actor& a, bool pending_only) {
  (void)a;
  return store::with_session<std::vector<Callback>>(db_, [&](soci::session& s) -> Result<std::vector<Callback>> {
    return Repository(keys_).callbacks(s, pending_only);
  });
}

Result<Callback> Service::callback_done(const Actor& a, int64_t id, const std::string& result, const std::string& note) {
  if (result != "done" && result != "failed")
    return fail(Error::invalid("result", "Indique «done» (se habló con ella) o «failed» (no contestó).", "invalid_result"));
  const int64_t now = now_ms();
  return guarded<Callback>(db_, [&](soci::session& s) -> Result<Callback> {
    Repository repo(keys_);
    auto cb = repo.callback(s, id);
    if (!cb) return fail(Error::not_found("No existe una devolución de llamada con ese identificador."));
    if (cb->state != "pending") return fail(Error::conflict("callback_done", "Esta devolución de llamada ya fue registrada."));
    cb->state = result;
    cb->done_at = now;
    cb->done_by = a.user_id;
    cb->note = note;
    repo.save_callback(s, *cb);
    repo.event(s, cb->contact_id, now, "callback_" + result, a.user_id, "");
    audit_entry(s, a, "channels.callback", cb->contact_id, result);
    return *cb;
  });
}

Result<Block> Service::block(const Actor& a, int64_t contact_id, int hours, const std::string& reason) {
  if (hours < 1 || hours > 720) return fail(Error::invalid("hours", "Un bloqueo dura entre 1 y 720 horas (30 días).", "out_of_range"));
  if (reason.empty()) return fail(Error::invalid("reason", "Indique el motivo del bloqueo.", "required"));
  const int64_t now = now_ms();
  return guarded<Block>(db_, [&](soci::session& s) -> Result<Block> {
    Repository repo(keys_);
    auto c = repo.contact(s, contact_id);
    if (!c) return fail(Error::not_found(kNotFound));
    if (auto ok = access::may_supervise(*c, a); !ok) return fail(ok.error());
    if (c->caller_hash.empty())
      return fail(Error::invalid("contact_id", "Este contacto no trae un número o dirección que se pueda bloquear.", "no_caller"));
    Block b;
    b.caller_hash = c->caller_hash;
    b.contact_id = contact_id;
    b.reason = reason;
    b.created_at = now;
    b.created_by = a.user_id;
    b.until_at = now + hours * 3'600'000LL;
    b.id = repo.insert_block(s, b);
    repo.event(s, contact_id, now, "blocked", a.user_id, std::to_string(hours) + " h");
    audit_entry(s, a, "channels.block", contact_id, std::to_string(hours) + " h");
    return b;
  });
}

Result<std::vector<Block>> Service::blocks(const Actor& a) {
  if (!a.supervisor) return fail(Error::forbidden());
  return store::with_session<std::vector<Block>>(db_, [&](soci::session& s) -> Result<std::vector<Block>> {
    return Repository(keys_).blocks(s, now_ms());
  });
}

Result<Block> Service::lift_block(const Actor& a, int64_t id) {
  const int64_t now = now_ms();
  return guarded<Block>(db_, [&](soci::session& s) -> Result<Block> {
    Repository repo(keys_);
    auto b = repo.block(s, id);
    if (!b) return fail(Error::not_found("No existe un bloqueo con ese identificador."));
    if (b->lifted_at || b->until_at <= now) return fail(Error::conflict("block_inactive", "Este bloqueo ya no está vigente."));
    repo.lift_block(s, id, now);
    b->lifted_at = now;
    audit_entry(s, a, "channels.block_lift", b->contact_id.value_or(0));
    return *b;
  });
}

// ------------------------------------------------------------------ statistics

Result<json> Service::statistics(const Actor& a, int64_t from, int64_t to) {
  if (!a.supervisor) return fail(Error::forbidden());
  auto rows = store::with_session<std::vector<Contact>>(db_, [&](soci::session& s) -> Result<std::vector<Contact>> {
    return Repository(keys_).created_between(s, from, to);
  });
  if (!rows) return fail(rows.error());
  std::map<std::string, int64_t> by_channel, by_outcome, by_reason;
  std::vector<int64_t> by_hour(24, 0), abandoned_by_hour(24, 0);
  std::vector<double> waits;
  int64_t abandoned = 0, answered = 0, urgent = 0;
  for (const auto& c : *rows) {
    ++by_channel[c.channel];
    if (!c.outcome.empty()) ++by_outcome[c.outcome];
    if (!c.reason.empty()) ++by_reason[c.reason];
    const int h = local_hour(c.created_at);
    ++by_hour[h];
    if (c.urgent) ++urgent;
    if (c.state == "abandoned") {
      ++abandoned;
      ++abandoned_by_hour[h];
    }
    if (c.taken_at) {
      ++answered;
      waits.push_back(static_cast<double>(*c.taken_at - c.created_at) / 1000.0);
    }
  }
  std::sort(waits.begin(), waits.end());
  auto pct = [&](double p) -> json {
    if (waits.empty()) return nullptr;
    return waits[std::min(waits.size() - 1, static_cast<size_t>(std::ceil(p * static_cast<double>(waits.size())) - 1))];
  };
  double sum = 0;
  for (double w : waits) sum += w;
  auto labelled = [](const std::map<std::string, int64_t>& m, const Vocabulary& v) {
    json out = json::array();
    for (const auto& t : v.terms())
      if (auto it = m.find(t.id); it != m.end()) out.push_back({{"id", t.id}, {"name", t.label}, {"count", it->second}});
    return out;
  };
  json hours = json::array();
  for (int h = 0; h < 24; ++h) hours.push_back({{"hour", h}, {"count", by_hour[h]}, {"abandoned", abandoned_by_hour[h]}});
  const auto total = static_cast<int64_t>(rows->size());
  return json{{"from", from},
              {"to", to},
              {"total", total},
              {"answered", answered},
              {"abandoned", abandoned},
              {"urgent", urgent},
              {"abandonment_rate", total ? json(static_cast<double>(abandoned) / static_cast<double>(total)) : json(nullptr)},
              {"wait_s", {{"mean", waits.empty() ? json(nullptr) : json(sum / static_cast<double>(waits.size()))},
                          {"median", pct(0.5)},
                          {"p90", pct(0.9)},
                          {"max", waits.empty() ? json(nullptr) : json(waits.back())}}},
              {"by_channel", labelled(by_channel, channel_names())},
              {"by_outcome", labelled(by_outcome, outcomes())},
              {"by_reason", labelled(by_reason, reasons())},
              {"by_hour", hours}};
}

json Service::hours_json(int64_t now) const {
  return {{"open", options_.hours.open_at(now)}, {"hours", options_.hours.describe()}, {"message", options_.hours.message}};
}

}  // namespace eq::channels
