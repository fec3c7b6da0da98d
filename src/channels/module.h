// Help channels: the ONE operator queue every channel feeds (the 1455 phone line, the silent web
// chat; WhatsApp and the pharmacies later), the operators who answer it (presence, capacity per
// channel, skills), the contact record an operator keeps, the telephony webhook, the supervisors'
// live view and the daily statistics. Channels hand contacts in through channels/intake.h; the
// case registry is reached only through cases::Service (records, referrals, a person's timeline).
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "audit/log.h"
#include "channels/intake.h"
#include "channels/queue.h"
#include "core/crypto.h"
#include "core/purge.h"
#include "core/vocabulary.h"
#include "http/live.h"
#include "http/router.h"
#include "store/encrypted_fields.h"
#include "store/migrations.h"

namespace eq::cases {
class Service;
}

namespace eq::channels {

std::vector<store::Migration> migrations();
store::EncryptedFields encrypted_fields();

// Vocabularies (codes → Spanish labels), sent with each contact so screens keep no copy.
const Vocabulary& channel_names();
const Vocabulary& outcomes();        // closing outcomes, the non-data ones included
const Vocabulary& violence_types();
const Vocabulary& reasons();
const Vocabulary& presences();
// Outcomes that record an attention (and so need a reason); the others are non-data outcomes.
bool data_outcome(const std::string& outcome);
// Hour of the day (0–23) in America/Santiago.
int local_hour(int64_t utc_ms);
// The short risk screen: yes/no questions; its level decides the queue priority of a repeat caller.
struct ScreenQuestion {
  std::string id, text;
  int weight;  // 3: alone makes the risk "vital"
};
const std::vector<ScreenQuestion>& risk_screen();
// "vital" | "alto" | "medio" | "bajo" from the answers (ids answered yes). Pure.
std::string screen_level(const std::vector<std::string>& yes);

// Opening hours as configuration: "1-5 08:00-24:00" (ISO weekdays, America/Santiago) or "24/7".
struct Hours {
  int first_day = 1, last_day = 5;  // 1 Monday … 7 Sunday
  int open_minute = 8 * 60, close_minute = 24 * 60;
  bool always = false;
  std::string message;  // said outside the hours
  static Result<Hours> parse(const std::string& spec);
  bool open_at(int64_t utc_ms) const;
  std::string describe() const;  // "lunes a viernes, 08:00 a 24:00"
};

struct Options {
  Hours hours;
  int offer_seconds = 20;          // an offer not taken in this time goes to someone else
  int callback_hours = 2;          // deadline to call back an abandoned call
  int default_max_chats = 3;
  std::string public_name = "Orientadora 1455";
  int64_t event_skew_ms = 5 * 60 * 1000;  // webhook timestamps further from now are refused
};

struct Contact {
  int64_t id = 0;
  std::string channel, external_ref, state;  // waiting | offered | active | closed | abandoned
  bool urgent = false;
  int priority = 0;  // 2 urgent, 1 repeat caller with a high or vital screen, 0 otherwise
  std::string comuna_code, opening_text, caller_hash;
  std::string caller_number;  // only when she agreed (decrypted)
  bool number_consent = false;
  int64_t created_at = 0;
  std::optional<int64_t> offered_to, offered_at, offer_expires_at, holder_user_id, holder_institution_id, taken_at,
      closed_at, left_at;
  std::string left_why, reason, violence_type, risk_level, orientation, outcome, notes;
  std::vector<std::string> risk_yes;
  std::optional<int64_t> person_id, record_id, referral_record_id;
  bool anonymous = true;
  int64_t version = 0;
  int64_t repeat_count = 0;  // earlier contacts of the same caller (hash), for the operator
};

// The contact is no longer offered to anyone (taken, declined, expired, given back).
void clear_offer(Contact& c);

struct Operator {
  int64_t user_id = 0, institution_id = 0;
  std::string name, presence = "desconectada";
  std::vector<std::string> skills{"phone", "chat"};
  int max_chats = 3;
  int64_t updated_at = 0;
  int active_calls = 0, active_chats = 0, offered = 0;
};

struct Callback {
  int64_t id = 0, contact_id = 0, created_at = 0, deadline_at = 0;
  std::string call_ref, state;  // pending | done | failed
  std::optional<int64_t> done_at, done_by;
  std::string note;
  int priority = 0;
};

struct Block {
  int64_t id = 0, created_at = 0, until_at = 0, created_by = 0;
  std::string caller_hash, reason;
  std::optional<int64_t> contact_id, lifted_at;
};

// What the channels need from other modules, written by the composition root (src/app/app.cc).
struct Directory {
  std::function<std::map<int64_t, std::string>(const std::set<int64_t>&)> user_names;
};

// Who acts.
struct Actor {
  int64_t user_id = 0, institution_id = 0;
  bool supervisor = false;
  std::string client_ip;
};

class Service;
class Repository;

// The telephony system's webhook (webhook.cc; documented in src/channels/TELEPHONY.md).
struct CallEvent {
  std::string event_id, call_id, type;  // ringing | answered | transferred | ended | abandoned
  int64_t at = 0;                        // the telephony system's clock, ms
  std::string from;                      // caller number (ringing), never stored in clear
  std::string agent;                     // answered/transferred: the operator's e-mail at the switch, optional
  bool urgent = false;
};
// The secret shared with the telephony system: 32 random bytes, hex, in a 0600 file beside the key
// file ("equidad.key" → "equidad.telephony.key"), created on first start.
std::string telephony_secret_path(const std::string& key_file);
// The callers key's file, beside the installation key (equidad.callers.key).
std::string callers_key_path(const std::string& key_file);
Result<std::string> load_or_create_secret(const std::string& path);
// "t=<unix ms>,v1=<hex HMAC-SHA256(secret, t + "." + raw body)>": the X-Equidad-Signature header.
std::string sign(const std::string& secret, int64_t t, const std::string& body);
Result<int64_t> verify_signature(const std::string& secret, const std::string& header, const std::string& body, int64_t now,
                                 int64_t skew_ms);

class Service : public Intake {
 public:
  Service(store::Database& db, const crypto::Keys& keys, audit::Log& audit, std::shared_ptr<cases::Service> registry,
          std::string telephony_secret, std::string callers_key, Options options);

  // --- Intake (channels/intake.h)
  Result<std::string> open(const NewContact& contact) override;
  void left(const std::string& channel, const std::string& external_ref, const std::string& why) override;
  std::optional<Holder> holder(const std::string& channel, const std::string& external_ref) override;
  void on_change(std::function<void(const std::string&, const std::string&, const Holder&)> listener) override;

  // --- operators
  Result<Operator> me(const Actor& a);
  Result<Operator> set_presence(const Actor& a, const std::string& presence, const std::optional<std::vector<std::string>>& skills,
                                std::optional<int> max_chats);
  Result<std::vector<Operator>> operators(const Actor& a);

  // --- queue
  Result<std::vector<Contact>> queue(const Actor& a);  // waiting and offered, in queue order
  Result<std::vector<Contact>> mine(const Actor& a);   // offered to me or held by me
  Result<Contact> take(const Actor& a, int64_t id);
  Result<Contact> decline(const Actor& a, int64_t id);
  // The operator who holds a contact gives it back to the queue without closing it (end of her
  // shift, it needs another skill…): it waits again with its priority and original waiting time,
  // its record kept; she no longer sees it unless it is offered to her again (another free
  // operator first). `reason`: one of hand_back_reasons().
  Result<Contact> hand_back(const Actor& a, int64_t id, const std::string& reason);
  Result<Contact> reassign(const Actor& a, int64_t id, int64_t to_user);
  Result<Contact> open_by_hand(const Actor& a, const std::string& channel, bool urgent, const std::string& note);
  // Offers waiting contacts to free operators and takes back expired offers; the job runs it every
  // second and every change runs it at once. Returns offers made.
  Result<int> dispatch(int64_t now);

  // --- the contact record
  Result<Contact> get(const Actor& a, int64_t id, const std::string& audit_action = "channels.contact_read");
  Result<Contact> update(const Actor& a, int64_t id, const nlohmann::json& body);
  Result<Contact> close(const Actor& a, int64_t id, const std::string& outcome, const std::string& notes);
  // The woman identified: a "contact" record of the registry (submitted as the operator, so the
  // registry's checks and audit apply); her person id kept on the contact.
  Result<Contact> identify(const http::Request& req, const Actor& a, int64_t id, const nlohmann::json& persons);
  Result<Contact> refer(const http::Request& req, const Actor& a, int64_t id, const nlohmann::json& details);
  Result<nlohmann::json> timeline(const http::Request& req, const Actor& a, int64_t id);

  // --- phone
  // Answers what the switch must do: {"accept": bool, "message"?, "contact_id"?, "applied": bool}.
  Result<nlohmann::json> call_event(const CallEvent& e, int64_t now);
  Result<std::vector<Callback>> callbacks(const Actor& a, bool pending_only);
  Result<Callback> callback_done(const Actor& a, int64_t id, const std::string& result, const std::string& note);

  // --- supervision
  Result<Block> block(const Actor& a, int64_t contact_id, int hours, const std::string& reason);
  Result<std::vector<Block>> blocks(const Actor& a);
  Result<Block> lift_block(const Actor& a, int64_t id);
  Result<nlohmann::json> statistics(const Actor& a, int64_t day_start, int64_t day_end);
  nlohmann::json hours_json(int64_t now) const;

  // Live stream: "queue" (everyone with channels.answer), "user:<id>" (one operator).
  std::shared_ptr<http::Hub> hub() const { return hub_; }
  nlohmann::json snapshot(soci::session& s);

  // For demo data.
  Result<void> load_demo(int64_t operator_user, int64_t institution, int64_t now);

  // Retention (retention.cc): contacts closed longer than `days` ago lose what she said, her
  // number and the notes (the row stays for the statistics), except those `held` names (record
  // id: the contact id; person: the registry person linked). dry_run: counts only, not audited.
  Result<PurgeTally> purge_contacts(int64_t now, int days, const PurgeHeld& held, bool dry_run);

  store::Database& db() { return db_; }
  audit::Log& audit() { return audit_; }
  const Options& options() const { return options_; }
  const std::string& telephony_secret() const { return secret_; }
  std::string caller_hash(const std::string& kind, const std::string& value) const override;
  void set_directory(Directory d) { directory_ = std::move(d); }
  // Names operators (the supervisor's view, the live stream).
  void name(std::vector<Operator>& ops) const;

 private:
  Result<Contact> change(int64_t id, const std::function<Result<Contact>(soci::session&, Repository&, std::optional<Contact>&)>& fn);
  void changed(soci::session& s, const std::vector<int64_t>& contact_ids);
  void after_commit();
  void publish_queue();
  Result<Contact> held_by(soci::session& s, const Actor& a, int64_t id, bool for_edit);
  void audit_entry(soci::session& s, const Actor& a, const std::string& action, int64_t contact_id, const std::string& detail = {});

  store::Database& db_;
  const crypto::Keys& keys_;
  audit::Log& audit_;
  std::shared_ptr<cases::Service> registry_;
  std::string secret_;
  std::string callers_key_;
  Options options_;
  std::shared_ptr<http::Hub> hub_ = std::make_shared<http::Hub>();
  std::mutex listeners_mu_;
  std::vector<std::function<void(const std::string&, const std::string&, const Holder&)>> listeners_;
  // Caller numbers of live calls, in memory only: stored (encrypted) when she agrees, forgotten
  // when the contact closes or the server stops.
  std::mutex numbers_mu_;
  std::map<std::string, std::string> live_numbers_;  // call id → number
  std::mutex pending_mu_;
  std::vector<std::pair<std::string, std::string>> pending_changes_;  // (channel, ref) to announce
  std::mutex dispatch_mu_;
  Directory directory_;
};

nlohmann::json to_json(const Contact& c, bool full);
nlohmann::json to_json(const Operator& o);
nlohmann::json to_json(const Callback& c);
nlohmann::json to_json(const Block& b);

void register_routes(http::Router& router, std::shared_ptr<Service> service);
Result<std::vector<nlohmann::json>> home_items(Service& service, const http::Request& req);

}  // namespace eq::channels
