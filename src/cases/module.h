// Registro Único de casos: one registry of the persons (women, aggressors, children) that the
// institutions serve and of the records each institution adds about them, linked to one person,
// with need-to-know access between institutions. Its main purpose is the early-alert engine
// (src/alerts), which it feeds with every new record through AlertFeed (cases/alert_feed.h) and
// which reads a person's history back through the public methods below; the registry does not
// include the alerts module.
#pragma once
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "audit/log.h"
#include "cases/access.h"
#include "cases/alert_feed.h"
#include "cases/identity.h"
#include "cases/model.h"
#include "cases/protective_order.h"
#include "cases/records.h"
#include "core/crypto.h"
#include "http/router.h"
#include "linkage/linkage.h"
#include "store/migrations.h"
#include "territory/module.h"

namespace eq::risk {
class Instrument;
}

namespace eq::cases {

std::vector<store::Migration> migrations();

struct StoredIdentity {
  int64_t id = 0, person_id = 0, institution_id = 0, created_at = 0;
  PersonIdentity identity;
};

struct Review {
  int64_t id = 0, identity_id = 0, person_id = 0, candidate_person_id = 0, institution_id = 0, created_at = 0;
  double weight = 0;
  std::string state, note;
  std::optional<int64_t> decided_by, decided_at;
};

struct Link {
  int64_t id = 0, from_person_id = 0, to_person_id = 0, created_at = 0;
  std::string kind, reason;
  nlohmann::json moved;  // {"identities":[…], "records":[[record_id, role], …]}
  std::optional<double> weight;
  std::optional<int64_t> actor_user_id, institution_id, undone_by;
};

struct AccessEntry {
  int64_t id = 0, person_id = 0, user_id = 0, institution_id = 0, at = 0;
  std::string action;
  bool full_view = false;
};

struct Notification {
  int64_t id = 0, institution_id = 0, person_id = 0, created_at = 0;
  std::string kind, message;
  std::optional<int64_t> read_at;
  std::optional<int64_t> user_id;  // the user it is about (bulk reading), when not a person
};

// The module's SQL; no other module reads cases_* tables. Encrypts and decrypts with the keys it is given.
class Repository {
 public:
  explicit Repository(const crypto::Keys& keys) : keys_(keys) {}

  int64_t insert_person(soci::session& s, int64_t institution_id, int64_t now) const;
  // The id a person now goes by (following merges); nullopt when unknown.
  std::optional<int64_t> resolve_person(soci::session& s, int64_t id) const;
  int64_t insert_identity(soci::session& s, int64_t person_id, int64_t institution_id, const PersonIdentity& p, int64_t now) const;
  std::vector<StoredIdentity> identities_of(soci::session& s, int64_t person_id) const;
  std::optional<StoredIdentity> identity(soci::session& s, int64_t id) const;
  void each_identity(soci::session& s, const std::function<void(const StoredIdentity&)>& fn) const;
  std::vector<int64_t> persons_by_run(soci::session& s, const std::string& canonical_run) const;

  int64_t insert_record(soci::session& s, const Record& r) const;
  // basis: how the record's institution came to name her (see access.h).
  void insert_record_person(soci::session& s, int64_t record_id, int64_t person_id, const std::string& role,
                            std::optional<int64_t> identity_id, const std::string& basis) const;
  std::optional<Record> record(soci::session& s, int64_t id) const;
  std::vector<Record> records_of_person(soci::session& s, int64_t person_id) const;
  void update_details(soci::session& s, const Record& r) const;  // referral acknowledgement / first contact
  std::vector<Record> referrals(soci::session& s, int64_t institution_id, bool incoming) const;
  // Referrals past their deadline at `now`: not acknowledged after ack_due_at, or acknowledged and
  // without a first contact after first_contact_due_at (the rule of the case workers' home page).
  int64_t count_overdue_referrals(soci::session& s, int64_t now) const;
  // Institutions serving her (see access.h): records on a basis of their own, referrals addressed to them.
  std::vector<int64_t> institutions_serving(soci::session& s, int64_t person_id) const;
  // A record of the institution names her on a basis other than emergency (a referral received does not count).
  bool serves_by_own_record(soci::session& s, int64_t person_id, int64_t institution_id) const;
  // A record of the institution names her (on `basis`, or on any basis when empty).
  bool has_own_record(soci::session& s, int64_t person_id, int64_t institution_id, const std::string& basis = {}) const;
  // A referral of her to the institution that it acknowledged.
  bool referral_accepted(soci::session& s, int64_t person_id, int64_t institution_id) const;
  // This user found her through a search since `since`.
  bool searched_since(soci::session& s, int64_t person_id, int64_t user_id, int64_t since) const;
  // Distinct persons whose data this user read since `since` (any access-log entry).
  std::set<int64_t> persons_read_since(soci::session& s, int64_t user_id, int64_t since) const;
  // A notification of that kind about that user since `since` (bulk reading: notify once a window).
  bool notified_since(soci::session& s, int64_t institution_id, const std::string& kind, int64_t user_id, int64_t since) const;
  std::vector<int64_t> person_ids(soci::session& s) const;

  struct Stored {
    std::string request_hash;
    int status = 0;
    std::string response;
  };
  std::optional<Stored> idempotent(soci::session& s, int64_t institution_id, const std::string& key) const;
  void store_idempotent(soci::session& s, int64_t institution_id, const std::string& key, const Stored& v, int64_t now) const;

  int64_t insert_review(soci::session& s, const Review& r) const;
  std::vector<Review> reviews(soci::session& s, int64_t institution_id, const std::string& state) const;
  std::optional<Review> review(soci::session& s, int64_t id) const;
  void decide_review(soci::session& s, int64_t id, const std::string& state, int64_t user_id, const std::string& note, int64_t now) const;

  int64_t insert_link(soci::session& s, const Link& l) const;
  std::optional<Link> link(soci::session& s, int64_t id) const;
  std::vector<Link> links_of(soci::session& s, int64_t person_id) const;
  void mark_undone(soci::session& s, int64_t link_id, int64_t undo_id) const;
  // Moves identities and record memberships to another person; returns what moved.
  nlohmann::json move_person(soci::session& s, int64_t from, int64_t to) const;
  void move_identity(soci::session& s, int64_t identity_id, int64_t to) const;
  void move_records(soci::session& s, const nlohmann::json& records, int64_t from, int64_t to) const;
  void set_merged_into(soci::session& s, int64_t person_id, std::optional<int64_t> into) const;
  // Sets `basis` on the institution's memberships of a person that serve her (not emergency or
  // linked ones); returns what they were, [[record_id, role, basis]…], so an undo can restore them.
  nlohmann::json rebase_memberships(soci::session& s, int64_t person_id, int64_t institution_id, const std::string& basis) const;
  void set_basis(soci::session& s, int64_t record_id, int64_t person_id, const std::string& role, const std::string& basis) const;

  void insert_emergency(soci::session& s, int64_t person_id, int64_t user_id, int64_t institution_id, const std::string& reason,
                        int64_t now, int64_t expires) const;
  struct EmergencyGrant {
    int64_t user_id = 0, institution_id = 0, granted_at = 0, expires_at = 0;
    std::string reason;
  };
  std::vector<EmergencyGrant> emergency_grants(soci::session& s, int64_t person_id) const;
  std::optional<int64_t> emergency_until(soci::session& s, int64_t person_id, int64_t user_id, int64_t now) const;
  void log_access(soci::session& s, const AccessEntry& e) const;
  std::vector<AccessEntry> access_log(soci::session& s, int64_t person_id, int limit) const;
  void notify(soci::session& s, const Notification& n) const;
  std::vector<Notification> notifications(soci::session& s, int64_t institution_id, int limit) const;

  // Counts over records whose consent allows statistics: {month, comuna_id, kind, risk_level} → n.
  struct StatRow {
    std::string month, comuna_id, kind, risk_level;
    int64_t count = 0;
  };
  std::vector<StatRow> statistics(soci::session& s, int64_t from, int64_t to) const;
  // Which of these records allow statistical use.
  std::set<int64_t> consented(soci::session& s, const std::set<int64_t>& record_ids) const;

  // Re-encrypts every ciphertext and recomputes every blind index under `to` (key rotation).
  int64_t rekey(soci::session& s, const crypto::Keys& to) const;

 private:
  const crypto::Keys& keys_;
};

// Institutions as the registry needs them; fulfilled by the auth module in the composition root.
struct Directory {
  std::function<std::map<int64_t, std::string>(const std::set<int64_t>&)> institution_names;
  std::function<std::map<int64_t, std::string>(const std::set<int64_t>&)> user_names;
  // Active institutions that serve women (for referrals): id, name, type.
  std::function<std::vector<std::tuple<int64_t, std::string, std::string>>()> serving_institutions;
  // The monitored orders naming this person (fulfilled by the monitoring module); unset: none shown.
  std::function<Result<std::vector<MonitoredOrder>>(int64_t person_id)> monitored_orders;
};

struct Options {
  int64_t emergency_minutes = 240;
  access::Limits limits;
  ReferralDeadlines deadlines;
  int max_batch = 500;
};

class Service {
 public:
  Service(store::Database& db, const crypto::Keys& keys, audit::Log& audit, std::shared_ptr<territory::Service> territory,
          Directory directory, std::shared_ptr<const risk::Instrument> instrument, Options options = {});
  void set_alerts(std::shared_ptr<AlertFeed> alerts) { alerts_ = std::move(alerts); }
  // Loads every identity into the in-memory linkage index (decrypting them); run once at start.
  Result<size_t> load_index();

  // --- for the early alerts (alerts::HistorySource is fulfilled by these, in alerts/registry.h)
  // Every record about the person, in the order it happened.
  History history(soci::session& s, int64_t person_id);
  std::vector<int64_t> person_ids(soci::session& s);
  // Institutions with records about the person.
  std::vector<int64_t> institutions_serving(soci::session& s, int64_t person_id);
  // A read of her alerts, on her access log.
  void log_read(soci::session& s, int64_t person_id, int64_t user_id, int64_t institution_id, const std::string& action);

  // --- records
  // One record; idempotent on (institution, key) when a key is given. Answers {status, json}.
  Result<std::pair<int, nlohmann::json>> submit(const http::Request& req, const nlohmann::json& body, const std::string& idem_key);
  Result<nlohmann::json> submit_batch(const http::Request& req, const nlohmann::json& body);
  Result<nlohmann::json> record(const http::Request& req, int64_t id);

  // --- persons
  Result<nlohmann::json> search(const http::Request& req, const nlohmann::json& query);
  Result<nlohmann::json> person(const http::Request& req, int64_t id);
  Result<nlohmann::json> emergency_access(const http::Request& req, int64_t id, const std::string& reason);
  Result<nlohmann::json> access_log(const http::Request& req, int64_t id);

  // --- protective orders watched by the monitoring centre (protective_order.cc)
  // Resolves a registry record into the court order it records, for `who` (access.h:
  // court_order_basis): 404 when it does not exist or `who` may not read it, 422 when it is not a
  // protective order. The read lands on the persons' access log ("monitoring") and in the audit.
  Result<CourtOrder> court_order_for_monitoring(int64_t record_id, const http::Principal& who);

  // --- referrals
  Result<nlohmann::json> referrals(const http::Request& req, bool incoming);
  Result<nlohmann::json> referral_step(const http::Request& req, int64_t record_id, const std::string& step);
  // Nationwide count of referrals past a deadline, for the operations gauge equidad_referrals_overdue
  // (an aggregate: no institution, no person).
  Result<int64_t> overdue_referrals();

  // --- linkage review
  Result<nlohmann::json> reviews(const http::Request& req, const std::string& state);
  Result<nlohmann::json> review(const http::Request& req, int64_t id);
  Result<nlohmann::json> decide(const http::Request& req, int64_t id, const std::string& decision, const std::string& note);
  Result<nlohmann::json> undo_link(const http::Request& req, int64_t link_id, const std::string& reason);

  Result<nlohmann::json> notifications(const http::Request& req);
  // Items for the caller's home page (see auth::Service::add_home_source).
  Result<std::vector<nlohmann::json>> home_items(const http::Request& req);
  Result<nlohmann::json> statistics(const http::Request& req, int64_t from, int64_t to);

  // For demo data and the command line: a record submitted as `user` of `institution`.
  Result<nlohmann::json> submit_as(int64_t user_id, int64_t institution_id, const nlohmann::json& body);

  linkage::Index& index() { return *index_; }
  const risk::Instrument* instrument() const { return instrument_.get(); }
  const Directory& directory() const { return directory_; }
  const Repository& repository() const { return repo_; }
  store::Database& db() { return db_; }

 private:
  struct Actor {
    int64_t user_id = 0, institution_id = 0;
    const http::Request* req = nullptr;
  };
  struct Pending {  // index changes to apply once a transaction commits
    struct Add {
      int64_t person_id, identity_id;
      linkage::Identity identity;
    };
    std::vector<Add> adds;
    std::vector<std::pair<int64_t, int64_t>> moves;  // identity → person
  };
  Result<std::pair<int, nlohmann::json>> submit_in(soci::session& s, const Actor& a, const nlohmann::json& body, Pending& pending);
  Result<std::pair<int, nlohmann::json>> submit_one(const Actor& a, const nlohmann::json& body, const std::string& idem_key);
  void apply(const Pending& p);
  access::Viewer viewer(const Actor& a) const;
  // Grants an emergency access (reason already checked), notifies the serving institutions, logs it.
  int64_t grant_emergency(soci::session& s, const Actor& a, int64_t person_id, const std::string& reason, int64_t now);
  // Notifies every institution in `to` except the actor's.
  void notify_serving(soci::session& s, const Actor& a, int64_t person_id, const std::vector<int64_t>& to, const std::string& kind,
                      const std::string& message, int64_t now);
  // 429 (with the administrators notified once a window) when the user has opened too many persons.
  std::optional<Error> throttle(soci::session& s, const Actor& a, int64_t person_id, int64_t now);
  nlohmann::json record_json(soci::session& s, const Record& r, bool full, const std::map<int64_t, std::string>& names) const;
  PersonIdentity best_identity(soci::session& s, int64_t person_id) const;
  void audit(soci::session& s, const Actor& a, const std::string& action, const std::string& object, const std::string& detail = {});
  std::vector<AlertSummary> raise_alerts(soci::session& s, const Record& r);
  // The person view's "monitoring" part (protective_order.cc); `incidents` when the viewer may see them.
  nlohmann::json monitoring_json(int64_t person_id, bool incidents) const;

  store::Database& db_;
  Repository repo_;
  audit::Log& audit_;
  std::shared_ptr<territory::Service> territory_;
  Directory directory_;
  std::shared_ptr<const risk::Instrument> instrument_;
  Options options_;
  std::shared_ptr<AlertFeed> alerts_;
  std::unique_ptr<linkage::Index> index_;
};

void register_routes(http::Router& router, std::shared_ptr<Service> service);

// A refusal that must be committed with what was written to refuse it (access log, audit,
// notification): the transaction returns it as a value, unwrap_refusal turns it into the error.
nlohmann::json refusal(const Error& e);
Result<nlohmann::json> unwrap_refusal(Result<nlohmann::json> r);

// An alert as the registry shows it beside a person (shared minimum: rule, severity, state).
nlohmann::json alert_summary(const AlertSummary& a);

// Fictional persons and records (built by the synthetic generator; no real person) so every
// screen of the registry has something to show. Idempotent.
Result<void> load_demo(Service& service, int64_t institution_a, int64_t user_a, int64_t institution_b, int64_t user_b);

// `equidad keys rotate`: a new master key; every module's ciphertext re-encrypted in one transaction.
}  // namespace eq::cases
