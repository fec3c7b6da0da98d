// Data-protection duties of Ley 21.719 (in force from 1 December 2026) for the ministry's
// data-protection officer (role dpo, permission dataprotection.manage):
//
//   requests   the register of data-subject requests (acceso, rectificación, supresión, oposición,
//              portabilidad, bloqueo): the requester's RUT and name encrypted (declared below), the
//              legal deadline of 30 días corridos from receipt, one extension of 30 more with a
//              reason, the states recibida → en_analisis → respondida | denegada (with a causal
//              from exceptions()) and prorrogada, overdue requests flagged by a job; every step audited.
//   report     what every module holds about the requester, compiled through PersonalDataSource
//              (adapters in src/app/app.cc wire()); reading it is audited; the same report as a
//              JSON download answers a portability request.
//   RoPA       the record of processing activities, generated from the module contract's declared
//              encrypted columns (Inventory, filled by the composition root from app/modules.h)
//              and each kind's retention (retention.h).
//   holds      legal holds that stop every purge (holds.h).
//   purge      retention per kind of data, the daily purge, its preview and run records (retention.h).
//
// Object rules live in dataprotection/access.h.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "audit/log.h"
#include "core/crypto.h"
#include "core/vocabulary.h"
#include "dataprotection/retention.h"
#include "http/router.h"
#include "store/database.h"
#include "store/encrypted_fields.h"
#include "store/migrations.h"

namespace eq::dataprotection {

// ---------------------------------------------------------------- vocabularies
const Vocabulary& kinds();       // acceso, rectificacion, supresion, oposicion, portabilidad, bloqueo
const Vocabulary& states();      // recibida, en_analisis, prorrogada, respondida, denegada
// The legal grounds to refuse a request that apply to criminal and protection records.
const Vocabulary& exceptions();

// ---------------------------------------------------------------- the deadline calendar
// Dates are civil days "YYYY-MM-DD" (the day the request was received in Chile).
inline constexpr int kDeadlineDays = 30;   // días corridos (calendar days, weekends and holidays included)
inline constexpr int kExtensionDays = 30;  // one extension, by the same period
// Days since 1970-01-01 of a valid "YYYY-MM-DD"; nullopt for anything else (31-02, 2026-1-5…).
std::optional<int64_t> civil_days(const std::string& iso_date);
std::string civil_date(int64_t days);  // inverse of civil_days
// The last day to answer: received + 30 (+ 30 more when extended).
std::string deadline(const std::string& received_on, bool extended);
// Today in America/Santiago, "YYYY-MM-DD".
std::string today_cl(int64_t now_ms);
// Whether an open request is past its deadline on `today` (the deadline day itself is still in time).
bool overdue(const std::string& deadline_on, const std::string& today);
bool is_final(const std::string& state);

// ---------------------------------------------------------------- the register
struct SubjectRequest {
  int64_t id = 0;
  std::string kind;
  std::string rut;             // canonical "12345678-5"; plain only inside the service
  std::string requester_name;  // plain only inside the service
  std::string detail;          // what is asked (may name data: encrypted)
  std::string received_on, deadline_on;
  std::string state = "recibida";
  std::string extension_reason;
  std::string exception_code;  // when denied
  std::string response;        // the answer or the reasons of a refusal
  int64_t created_at = 0, updated_at = 0;
  int64_t created_by = 0;
  std::optional<int64_t> overdue_flagged_at;
};

struct Event {
  int64_t at = 0;
  int64_t user_id = 0;
  std::string from_state, to_state, note;
};

// ---------------------------------------------------------------- breaches
// The law asks to notify the Agency "sin dilaciones indebidas" and names no hour count; this is the
// ministry's own internal target, after which an unnotified breach is flagged.
inline constexpr int64_t kBreachNoticeTargetMs = 72LL * 3600 * 1000;

struct Breach {
  int64_t id = 0;
  int64_t detected_at = 0;  // UTC ms
  std::string nature, data_categories, subjects, consequences, measures;  // no names of people
  int64_t subjects_affected = 0;                                          // estimated
  std::optional<int64_t> agency_notified_at, subjects_notified_at;
  std::string agency_note, subjects_note;
  int64_t created_by = 0, created_at = 0;
};
// Whether the Agency's notification is late at `now` (not notified and past the internal target).
bool breach_notice_overdue(const Breach& b, int64_t now);

std::vector<store::Migration> migrations();
store::EncryptedFields encrypted_fields();

// ---------------------------------------------------------------- what other modules hold
// One part of a person's data report.
struct Section {
  std::string module;  // "cases"
  std::string title;   // "Registro único de casos"
  std::string summary; // one sentence
  std::vector<nlohmann::json> items;  // the data, as the module describes it (no ciphertext)
};
// A module holding personal data answers what it holds about a RUT (canonical "12345678-5").
struct PersonalDataSource {
  std::string module;
  std::function<Result<std::vector<Section>>(const std::string& rut)> describe;
};
using PersonalDataSources = std::vector<PersonalDataSource>;

// One module's declared encrypted column, for the RoPA.
struct DeclaredField {
  std::string module, table, column, what;
  bool blind_index = false;
};
// Every module's declared columns, in module order (filled by the composition root).
using Inventory = std::function<std::vector<DeclaredField>()>;

class Repository {
 public:
  explicit Repository(const crypto::Keys& keys) : keys_(keys) {}
  int64_t insert(soci::session& s, const SubjectRequest& r) const;
  void update(soci::session& s, const SubjectRequest& r) const;
  std::optional<SubjectRequest> find(soci::session& s, int64_t id) const;
  // Without decrypting: the list shows kind, dates and state only.
  std::vector<SubjectRequest> list(soci::session& s, const std::string& state) const;
  void insert_event(soci::session& s, int64_t request_id, const Event& e) const;
  std::vector<Event> events(soci::session& s, int64_t request_id) const;
  // Open requests whose deadline is before `today` and not flagged yet.
  std::vector<int64_t> overdue_unflagged(soci::session& s, const std::string& today) const;
  void flag_overdue(soci::session& s, int64_t id, int64_t at) const;
  int64_t insert_breach(soci::session& s, const Breach& b) const;
  std::optional<Breach> find_breach(soci::session& s, int64_t id) const;
  std::vector<Breach> breaches(soci::session& s) const;
  // to: "agencia" or "titulares".
  void notify_breach(soci::session& s, int64_t id, const std::string& to, int64_t at, const std::string& note) const;

 private:
  const crypto::Keys& keys_;
};

class Service {
 public:
  Service(store::Database& db, const crypto::Keys& keys, audit::Log& audit, PersonalDataSources sources, Inventory inventory)
      : db_(db), audit_(audit), repo_(keys), sources_(std::move(sources)), inventory_(std::move(inventory)) {}

  store::Database& db() { return db_; }
  audit::Log& audit() { return audit_; }
  const Repository& repo() const { return repo_; }

  Result<SubjectRequest> create(const http::Request& req, SubjectRequest r);
  // A step of the state machine: "analizar", "prorrogar" (reason), "responder" (response),
  // "denegar" (exception code and reasons). 409 when the state does not allow it.
  Result<SubjectRequest> step(const http::Request& req, int64_t id, const std::string& action, const std::string& text,
                       const std::string& exception_code);
  // The person's data report for request `id` (audited as a read).
  Result<nlohmann::json> report(const http::Request& req, int64_t id, bool download);
  // A request with its history, for the officer; the read is audited, a refusal too (404).
  Result<std::pair<SubjectRequest, std::vector<Event>>> read(const http::Request& req, int64_t id);
  // The record of processing activities.
  nlohmann::json ropa() const;
  Result<Breach> create_breach(const http::Request& req, Breach b);
  // Records the notification to the Agency or to the subjects; 409 when already recorded.
  Result<Breach> notify_breach(const http::Request& req, int64_t id, const std::string& to, const std::string& note);
  // Every kind of data with a retention period (retention.h), from the composition root.
  void set_retention(Retentions r) { retentions_ = std::move(r); }
  const Retentions& retentions() const { return retentions_; }
  // Demo: a few generated requests (idempotent: nothing when the register holds any), written as
  // the demo officer `user_id`; each says it is demo data.
  Result<void> load_demo(int64_t user_id, int64_t now);
  // Flags open requests past their deadline (the job); returns how many it flagged.
  Result<int> flag_overdue(int64_t now);

 private:
  store::Database& db_;
  audit::Log& audit_;
  Repository repo_;  // holds the keys: every encrypted column is sealed and opened there
  PersonalDataSources sources_;
  Inventory inventory_;
  Retentions retentions_;
};

void register_routes(http::Router& router, std::shared_ptr<Service> svc);
Result<std::vector<nlohmann::json>> home_items(Service& svc, const http::Request& req);

}  // namespace eq::dataprotection
