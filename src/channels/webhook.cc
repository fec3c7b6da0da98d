// The telephony system's webhook (TELEPHONY.md): the signature, and what each call event does to
// the queue. Events are idempotent by their id (a replay is refused with 409 and changes nothing)
// and ordered by the switch's own clock per call: an event older than the newest one applied is
// recorded but changes nothing, except that it still opens the contact of a call never seen.

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sys/stat.h>

#include "channels/repository.h"
#include "core/time.h"

namespace eq::channels {

std::string telephony_secret_path(const std::string& key_file) {
  std::filesystem::path p(key_file);
  if (p.extension() == ".key") return p.replace_extension(".telephony.key").string();
  return key_file + ".telephony.key";
}

std::string callers_key_path(const std::string& key_file) {
  std::filesystem::path p(key_file);
  if (p.extension() == ".key") return p.replace_extension(".callers.key").string();
  return key_file + ".callers.key";
}

Result<std::string> load_or_create_secret(const std::string& path) {
  std::ifstream in(path);
  std::string secret;
  if (in && std::getline(in, secret) && secret.size() >= 32) return secret;
  if (in.is_open()) return fail(Error{500, "channels_secret", "El secreto de " + path + " es demasiado corto.", {}});
  secret = crypto::hex(crypto::random_bytes(32));
  {
    std::ofstream out(path, std::ios::trunc);
    if (!out) return fail(Error{500, "channels_secret", "No se pudo crear el secreto " + path + ".", {}});
    out << secret << "\n";
  }
  ::chmod(path.c_str(), 0600);
  return secret;
}

std::string sign(const std::string& secret, int64_t t, const std::string& body) {
  const std::string message = std::to_string(t) + "." + body;
  return "t=" + std::to_string(t) + ",v1=" + crypto::hmac_sha256_hex(secret, message);
}

Result<int64_t> verify_signature(const std::string& secret, const std::string& header, const std::string& body, int64_t now,
                                 int64_t skew_ms) {
  auto refuse = [](const char* why) { return fail(Error{401, "bad_signature", why, "X-Equidad-Signature"}); };
  if (header.empty()) return refuse("Falta la firma X-Equidad-Signature.");
  const auto comma = header.find(",v1=");
  if (header.rfind("t=", 0) != 0 || comma == std::string::npos) return refuse("La firma debe tener la forma t=<ms>,v1=<hex>.");
  int64_t t = 0;
  try {
    size_t used = 0;
    t = std::stoll(header.substr(2, comma - 2), &used);
    if (used != comma - 2) return refuse("La marca de tiempo de la firma no es un número.");
  } catch (const std::exception&) {
    return refuse("La marca de tiempo de la firma no es un número.");
  }
  if (!crypto::equal_constant_time(sign(secret, t, body), header)) return refuse("La firma no corresponde al cuerpo recibido.");
  // Inside the signature, so a captured request cannot be replayed later with a new time.
  if (t < now - skew_ms || t > now + skew_ms) return refuse("La firma está fuera de la ventana de tiempo permitida.");
  return t;
}

Result<nlohmann::json> Service::call_event(const CallEvent& e, int64_t now) {
  static const std::vector<std::string> types = {"ringing", "answered", "transferred", "ended", "abandoned"};
  if (std::find(types.begin(), types.end(), e.type) == types.end())
    return fail(Error::invalid("type", "Tipo de evento desconocido: ringing, answered, transferred, ended o abandoned.", "invalid_type"));
  if (e.event_id.empty() || e.event_id.size() > 100) return fail(Error::invalid("event_id", "Falta el identificador del evento.", "required"));
  if (e.call_id.empty() || e.call_id.size() > 100) return fail(Error::invalid("call_id", "Falta el identificador de la llamada.", "required"));
  std::vector<int64_t> touched;
  auto out = db_.transaction<nlohmann::json>([&](soci::session& s) -> Result<nlohmann::json> {
    Repository repo(keys_);
    if (repo.call_event_seen(s, e.event_id))
      return fail(Error::conflict("replayed", "La central ya envió este evento (repetido): no se aplica de nuevo.", "event_id"));
    const auto last = repo.last_applied_at(s, e.call_id);
    const bool stale = last && e.at < *last;
    auto c = repo.contact_by_ref(s, "phone", e.call_id);
    nlohmann::json answer = {{"accept", true}, {"applied", !stale}};
    const std::string hash = caller_hash("number", e.from);
    if (!c) {
      // First news of this call (its ringing may still be on its way): it waits in the queue,
      // unless the line is closed or the caller is blocked.
      if (!options_.hours.open_at(now)) {
        repo.insert_call_event(s, e, now, false);
        return nlohmann::json{{"accept", false}, {"applied", false}, {"reason", "closed"}, {"message", options_.hours.message}};
      }
      if (!hash.empty())
        if (auto b = repo.active_block(s, hash, now)) {
          repo.insert_call_event(s, e, now, false);
          audit_entry(s, {}, "channels.blocked_call", 0, "bloqueo " + std::to_string(b->id));
          return nlohmann::json{{"accept", false}, {"applied", false}, {"reason", "blocked"},
                                {"message", "Gracias por llamar al Fono 1455. En este momento no podemos atender esta llamada."}};
        }
      Contact n;
      n.channel = "phone";
      n.external_ref = e.call_id;
      n.state = "waiting";
      n.urgent = e.urgent;
      n.caller_hash = hash;
      n.created_at = now;
      n.id = repo.insert_contact(s, n);
      auto stored = repo.contact(s, n.id);
      int priority = n.urgent ? 2 : 0;
      if (!n.urgent && !hash.empty()) {
        auto [count, worst] = repo.caller_history(s, hash, n.id);
        if (worst == "vital" || worst == "alto") priority = 1;
        answer["repeat_caller"] = count > 0;
      }
      stored->priority = priority;
      repo.save_contact(s, *stored);
      repo.event(s, n.id, now, "opened", std::nullopt, "llamada");
      audit_entry(s, {}, "channels.contact_open", n.id, "phone");
      c = repo.contact(s, n.id);
      touched.push_back(n.id);
    } else if (c->caller_hash.empty() && !hash.empty()) {
      c->caller_hash = hash;  // a late ringing still names the caller
      repo.save_contact(s, *c);
    }
    if (!e.from.empty()) {
      std::lock_guard lock(numbers_mu_);
      live_numbers_[e.call_id] = e.from;
    }
    answer["contact_id"] = c->id;
    if (!stale) {
      if (e.type == "ended" || e.type == "abandoned") {
        if (c->state == "waiting" || c->state == "offered") {
          // She hung up before anyone answered: a call-back with a deadline.
          c->state = "abandoned";
          clear_offer(*c);
          c->left_at = now;
          c->left_why = "colgó antes de ser atendida";
          c->closed_at = now;
          repo.save_contact(s, *c);
          Callback cb;
          cb.contact_id = c->id;
          cb.call_ref = e.call_id;
          cb.created_at = now;
          cb.deadline_at = now + options_.callback_hours * 3'600'000LL;
          answer["callback_id"] = repo.insert_callback(s, cb);
          repo.event(s, c->id, now, "abandoned", std::nullopt, e.type);
          audit_entry(s, {}, "channels.contact_left", c->id, "llamada abandonada");
          touched.push_back(c->id);
        } else if (c->state == "active" && !c->left_at) {
          c->left_at = now;
          c->left_why = "llamada terminada";
          repo.save_contact(s, *c);
          repo.event(s, c->id, now, "call_ended", std::nullopt, "");
          touched.push_back(c->id);
        }
      } else if (e.type != "ringing") {
        repo.event(s, c->id, now, "call_" + e.type, std::nullopt, e.agent.substr(0, 100));
      }
    } else {
      repo.event(s, c->id, now, "stale_event", std::nullopt, e.type);
    }
    repo.insert_call_event(s, e, now, !stale);
    changed(s, touched);
    return answer;
  });
  after_commit();
  if (out) (void)dispatch(now);
  return out;
}

}  // namespace eq::channels
