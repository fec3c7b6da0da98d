// The silent web chat (issue 13, item 4): a woman writes from the public site, anonymously, over a
// WebSocket; her contact waits in the ONE operator queue (channels/intake.h) and the operator who
// holds it answers from the console. Nothing is stored on her device; on the server her words are
// kept only as the operator's record, encrypted, and purged after the retention period.
//
// Files: protocol.cc (her side of the WebSocket: start, resume, say, typing, leave), service.cc
// (workflow, audit, delivery), repository.cc (every chat_* statement), access.cc (who may read or
// write a conversation), routes.cc (HTTP), migrations.cc, contract.cc.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "audit/log.h"
#include "channels/intake.h"
#include "core/crypto.h"
#include "core/error.h"
#include "core/purge.h"
#include "http/live.h"
#include "http/message.h"
#include "http/rate_limit.h"
#include "http/router.h"
#include "store/database.h"
#include "store/encrypted_fields.h"
#include "store/migrations.h"

namespace eq::chat {

struct Options {
  int retention_days = 90;      // transcripts of conversations ended longer ago are purged
  size_t max_text = 2000;       // characters of one message
  double starts_burst = 3;      // new conversations from one address at once…
  double starts_per_minute = 1; // …refilled at this rate (a flood never touches a conversation already open)
  double resume_failures_burst = 5;  // wrong resume secrets from one address before it must wait
  // Legal holds (data protection): the purge asks it for the kind "transcripts" and keeps a
  // conversation it names (record id: the session ref the operator sees). Empty: none applies.
  PurgeHolds holds;
};

// The municipal unit serving a comuna, as the composition root finds it (accounts' institutions,
// monitoring's pilot comunas). Empty when her comuna has none: then only 133 applies.
struct MunicipalUnit {
  int64_t institution_id = 0;
  std::string name;
};
// A municipal escalation opens a real dispatch in the monitoring module (its unit sees it on its
// dispatch screen and live stream, accepts it and reports); the chat keeps the dispatch's id and
// shows its state in the operator's pane. Only her comuna, the urgency and the operator's note go.
struct DispatchRequest {
  std::string ref;  // the conversation
  std::string comuna_code;
  bool urgent = false;
  int64_t institution_id = 0;
  std::string note;
};
struct DispatchState {
  int64_t id = 0;
  std::string state, state_label;  // enviado | aceptado | en_camino | en_sitio | cerrado | anulado
  std::string unit_name;
  std::optional<int64_t> accepted_at;
};
struct Dispatch {
  std::function<std::optional<MunicipalUnit>(const std::string& comuna_code)> municipal_unit;
  // Opens the incident and its dispatch, for the operator `by` (who already holds the conversation).
  std::function<Result<DispatchState>(const http::Request& by, const DispatchRequest& request)> open;
  // Where that dispatch stands now.
  std::function<Result<DispatchState>(int64_t dispatch_id)> state;
};

// One message of a conversation as both sides see it.
struct Message {
  int64_t seq = 0;
  std::string from;  // "her" | "operator" | "system"
  std::string text;
  int64_t at = 0;
  std::string client_id;  // her message's own id (de-duplication on re-send)
};

struct SessionRow {
  int64_t id = 0;
  std::string ref;
  std::string secret_hash;
  std::string contact_id;
  bool urgent = false;
  std::string comuna_code;
  std::string state;  // "open" | "ended"
  int64_t created_at = 0;
  std::optional<int64_t> ended_at;
};

struct Escalation {
  int64_t id = 0;
  std::string kind;  // "133" | "municipal"
  std::string unit_name;
  int64_t at = 0;
  std::vector<std::string> protocol;  // steps shown to the operator
  std::optional<DispatchState> dispatch;  // municipal: the monitoring module's dispatch
};

struct Transcript {
  SessionRow session;
  std::vector<Message> messages;
  std::vector<Escalation> escalations;
  std::string holder_user_id;
  std::string holder_state;
};

// What the WebSocket answers her with (protocol.cc); a JSON text each.
struct Started {
  std::string ref, secret;
};

class Service {
 public:
  Service(store::Database& db, const crypto::Keys& keys, audit::Log& audit, channels::Intake& intake, Dispatch dispatch, Options options);

  const Options& options() const { return options_; }

  // Her side (protocol.cc calls these). Every write is committed before it is acknowledged.
  Result<Started> start(bool urgent, const std::string& comuna_code, const std::string& opening_text, const std::string& client_ip);
  Result<SessionRow> resume(const std::string& ref, const std::string& secret, const std::string& client_ip);
  // Her message: the stored one when this client_id was already accepted (a re-send after a drop).
  Result<Message> say(const SessionRow& s, const std::string& client_id, const std::string& text);
  void her_typing(const SessionRow& s);
  void leave(const SessionRow& s, const std::string& why);
  std::vector<Message> since(const SessionRow& s, int64_t after_seq);
  // Whether a new conversation from this address may start now (takes a token).
  bool may_start(const std::string& client_ip);
  bool may_try_resume(const std::string& client_ip);
  void resume_failed(const std::string& client_ip);
  // The connection that reaches her now (the latest one wins: a reconnect replaces the old).
  void attach(const std::string& ref, std::weak_ptr<http::Peer> peer);
  void detach(const std::string& ref, const std::shared_ptr<http::Peer>& peer);

  Result<SessionRow> find(const std::string& ref);

  // The operator's side: the object rule (access.h) is checked and audited in each.
  Result<Transcript> transcript(const http::Request& req, const std::string& ref);
  Result<Message> reply(const http::Request& req, const std::string& ref, const std::string& text);
  Result<void> operator_typing(const http::Request& req, const std::string& ref);
  Result<Escalation> escalate(const http::Request& req, const std::string& ref, const std::string& kind, const std::string& note);
  Result<std::shared_ptr<void>> watch(const http::Request& req, const std::string& ref);  // live pane opened (guard audits its end)
  std::shared_ptr<http::Hub> hub() { return hub_; }

  // Canned answers (configurable by a supervisor).
  Result<std::vector<std::string>> canned();
  Result<std::vector<std::string>> set_canned(const http::Request& req, const std::vector<std::string>& answers);

  // The queue changed a contact (channels::Intake::on_change).
  void queue_changed(const std::string& channel, const std::string& ref, const channels::Holder& holder);
  // The unit moved the dispatch of a municipal escalation (monitoring, through the composition
  // root): the operators' panes watching that conversation are told.
  void dispatch_changed(const std::string& ref, const DispatchState& state);

  // Several instances on one PostgreSQL (app/cluster.h): her WebSocket is held by one instance,
  // the operator's pane may be on another. Every event of a conversation is also handed to
  // `relay` (set by the composition root; empty on one instance) as a small JSON that never holds
  // the text of a message — a message travels as its sequence number and each instance reads
  // and decrypts it from the database — and what another instance relayed arrives in relayed().
  using Relay = std::function<void(const std::string& topic, const std::string& message)>;
  void set_relay(Relay relay);
  void relayed(const std::string& topic, const std::string& message);

  // A demo conversation waiting in the queue (idempotent; its text says it is a demo).
  Result<void> load_demo();

  // Transcripts of conversations ended (or silent) longer ago than the retention: deleted.
  Result<int64_t> purge(int64_t now_ms);  // with the holds of Options::holds
  // The same, keeping what `held` names; dry_run: counts only (nothing deleted, not audited).
  Result<PurgeTally> purge(int64_t now_ms, const PurgeHeld& held, bool dry_run);

 private:
  // Local delivery, then the relay to the other instances (`event`: a JSON without message text).
  void to_her(const std::string& ref, const std::string& json);
  void to_operators(const std::string& ref, const std::string& json);
  // `to`: "her" or "ops" (the operators' panes watching the conversation).
  void tell(const std::string& ref, const std::string& to, const http::Json& event);
  // A stored message to the operators and, when `her`, to her; here and (by its number only) on
  // the others. `name`: the operator's public name a system message carries.
  void tell_message(const std::string& ref, const Message& m, bool her, const std::optional<std::string>& name);
  void show_message(const std::string& ref, const Message& m, bool her, const std::optional<std::string>& name);
  void relay(const std::string& ref, const http::Json& event);
  bool reaches_her(const std::string& ref);
  std::string caller_hash(const std::string& client_ip) const;

  store::Database& db_;
  const crypto::Keys& keys_;
  audit::Log& audit_;
  channels::Intake& intake_;
  Dispatch dispatch_;
  Options options_;
  std::shared_ptr<http::Hub> hub_ = std::make_shared<http::Hub>();
  http::RateLimiter starts_;
  http::RateLimiter resume_failures_;
  std::mutex peers_mu_;
  std::unordered_map<std::string, std::weak_ptr<http::Peer>> peers_;
  std::mutex relay_mu_;
  Relay relay_;
};

// The JSON of a message, to her and to the operator's pane (the same shape).
http::Json message_json(const Message& m);
// Where a municipal escalation's dispatch stands, to the operator's pane (transcript and live).
http::Json dispatch_state_json(const DispatchState& d);

std::vector<store::Migration> migrations();
store::EncryptedFields encrypted_fields();
void register_routes(http::Router& router, std::shared_ptr<Service> service);
// The WebSocket route's Upgrade for one connection of hers (protocol.cc).
std::shared_ptr<http::Upgrade> her_connection(std::shared_ptr<Service> service, const std::string& client_ip);

}  // namespace eq::chat
