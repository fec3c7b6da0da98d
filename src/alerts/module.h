// Early alerts of the shared case registry («sistema de alerta temprana»). Rules are data
// (alerts_rules, versioned: every edit is a new version, alerts keep the version that raised them);
// the templates they instantiate are pure C++ (alerts/rules.h). The registry calls on_record()
// inside the transaction that stores a record; a periodic sweep() fires the time-based rules from
// a watch list of deadlines and escalates alerts nobody took in time. The module owns the
// alerts_* tables and reads persons' histories only through HistorySource.
#pragma once
#include <cstdint>
#include <memory>
#include <functional>
#include <map>
#include <set>
#include <optional>
#include <string>
#include <vector>

#include "alerts/rules.h"
#include "core/vocabulary.h"
#include "audit/log.h"
#include "cases/model.h"
#include "http/router.h"
#include "store/migrations.h"

namespace eq::alerts {

class HistorySource {  // the registry fulfils it; unit tests use a fake
 public:
  virtual ~HistorySource() = default;
  virtual cases::History history(soci::session& s, int64_t person_id) = 0;
  virtual std::vector<int64_t> person_ids(soci::session& s) = 0;  // for dry runs
  // Institutions with records about the person.
  virtual std::vector<int64_t> institutions_serving(soci::session& s, int64_t person_id) = 0;
  // Every read of a person's alerts lands on her access log (kept by the registry).
  virtual void log_read(soci::session& s, int64_t person_id, int64_t user_id, int64_t institution_id, const std::string& action) {
    (void)s, (void)person_id, (void)user_id, (void)institution_id, (void)action;
  }
};

std::vector<store::Migration> migrations();

// States: nueva → en_gestion → cerrada.
const std::vector<std::string>& states();
std::string state_name_es(const std::string& state);
// Outcomes a closed alert must give, with their Spanish labels (sent with each alert).
const Vocabulary& outcomes();
// The outcome of an alert a step raised and its doing closed (Service::step_done); never chosen by a person.
inline constexpr const char* kStepDone = "paso_cumplido";
std::string outcome_name_es(const std::string& outcome);

struct Alert {
  int64_t id = 0;
  int64_t rule_id = 0;
  int rule_version = 0;
  std::string rule_name;  // name_es of that version
  std::string template_id;
  std::string severity;
  int64_t person_id = 0;
  std::string explanation;
  std::string dedup_key;
  int64_t institution_id = 0;  // responsible team
  std::string comuna_id;
  std::vector<int64_t> record_ids;
  int64_t trigger_at = 0;  // when the condition became true
  int64_t raised_at = 0;   // when it was stored
  std::string state = "nueva";
  int escalation_level = 0;
  std::optional<int64_t> escalated_at;
  int take_within_minutes = 0;
  int64_t take_due_at = 0;  // next escalation while still 'nueva'
  std::optional<int64_t> taken_by, taken_at, closed_by, closed_at;
  std::string outcome;
};

struct Event {
  int64_t id = 0;
  int64_t alert_id = 0;
  int64_t at = 0;
  std::string kind;  // raised | taken | closed | escalated
  std::optional<int64_t> user_id, institution_id;
  std::string note, outcome;
  int escalation_level = 0;
};

// Who acts, for visibility and the audit log.
struct Actor {
  int64_t user_id = 0;
  int64_t institution_id = 0;
  std::string client_ip;
  bool control_centre = false;  // «alerts.handle»: the 1455 / control centre sees every alert
};

// Which alerts a caller sees: those of its institution (responsible or serving the person), or all
// of them for the national control centre (institution 0).
inline int64_t viewer_of(const Actor& a) { return a.control_centre ? 0 : a.institution_id; }  // see alerts/access.h

struct ListFilter {
  std::string comuna_id, severity, state;
  std::optional<bool> escalated;
  std::optional<int64_t> person_id;
  int page = 1, per_page = 25;
};

struct Page {
  std::vector<Alert> items;
  int64_t total = 0;
};

struct RuleVersion : Rule {
  int64_t created_at = 0;
  std::optional<int64_t> created_by;
};

struct Options {
  // Live evaluation raises only conditions that became true at most this long ago: a legacy import
  // or a new rule must not flood inboxes with years-old conditions (the dry run shows those).
  int64_t lookback_ms = 30LL * 24 * 60 * 60 * 1000;
  int sweep_batch = 500;  // persons with due deadlines per sweep
};

class Service {
 public:
  Service(store::Database& db, audit::Log& audit, HistorySource& source, Options options = {});
  // Names institutions in explanations ("Centro de la Mujer Santiago" instead of "institución 4");
  // the composition root gives it the auth module's directory.
  void set_institution_names(std::function<std::map<int64_t, std::string>(const std::set<int64_t>&)> names) {
    institution_names_ = std::move(names);
  }

  // Called by the registry INSIDE the transaction that stores or updates a record: evaluates every
  // enabled rule for every person of the record at `now`, stores new alerts (deduplicated), keeps
  // a watch list of future deadlines so sweep() finds them without scanning everyone.
  std::vector<Alert> on_record(soci::session& s, const cases::Record& r, int64_t now);
  // Deadlines of steps other modules run (the network of care: a house answering an offer, her
  // entry, her exit), in the caller's transaction. sweep() raises the step's alert once it is due
  // (rules of the placement_* templates); step_done() forgets the step and closes its open alert
  // (outcome kStepDone, event and audit entry) — `how` says what was done. Watching the same key
  // again replaces the deadline. step_done returns how many alerts it closed.
  void watch_step(soci::session& s, const Step& step);
  int step_done(soci::session& s, const std::string& key, const std::string& how, int64_t now);

  // Periodic job: due watches → time-based rules; escalation of alerts still 'nueva' after their
  // rule's take_within_minutes. Returns alerts raised + escalations.
  Result<int> sweep(int64_t now);
  // Open (nueva, en_gestion) alerts of a person that `viewer` may see (alerts/access.h: an
  // institution id, or 0 for the control centre), for the registry's person view. Not audited
  // here: the registry audits the view of the person that includes them.
  std::vector<Alert> open_alerts(soci::session& s, int64_t person_id, int64_t viewer);
  // Every alert raised in [from, to), for the registry's statistics (which filter them by the
  // consent of the records behind each one). Not audited: only counts leave the registry.
  std::vector<Alert> raised_between(soci::session& s, int64_t from, int64_t to);

  // Inbox of `viewer`'s institution: alerts it is responsible for or about persons it serves.
  Page list(soci::session& s, int64_t viewer_institution_id, const ListFilter& f);
  std::optional<Alert> get(soci::session& s, int64_t id, int64_t viewer_institution_id);
  std::vector<Event> events(soci::session& s, int64_t alert_id);
  // Workflow; each change and its audit entry in the caller's transaction. 404 when not visible,
  // 409 for an illegal transition, 422 for a bad outcome or a missing note.
  Result<Alert> take(soci::session& s, int64_t id, const Actor& who, const std::string& note, int64_t now);
  Result<Alert> close(soci::session& s, int64_t id, const Actor& who, const std::string& outcome, const std::string& note,
                      int64_t now);

  // Rules: current versions; every version of one; a new version (validated).
  std::vector<RuleVersion> rules(soci::session& s);
  std::vector<RuleVersion> rule_versions(soci::session& s, int64_t rule_id);
  Result<RuleVersion> update_rule(soci::session& s, int64_t rule_id, const nlohmann::json& changes, const Actor& who,
                                  int64_t now);
  // What `rule` would have raised over every person's history, replayed record by record as if it
  // had existed: {total, persons, by_month: [{month: "2026-03", count}], examples: [≤ 50]}. Read only.
  Result<nlohmann::json> dry_run(const Rule& rule, int64_t now);

  store::Database& db() { return db_; }
  audit::Log& audit() { return audit_; }
  HistorySource& source() { return source_; }

 private:
  std::vector<Alert> refresh(soci::session& s, int64_t person_id, const std::vector<Rule>& rules, int64_t now,
                             int64_t extra_institution);
  std::vector<Rule> enabled_rules(soci::session& s);
  std::optional<int64_t> store_raised(soci::session& s, const Raised& x, const std::vector<Rule>& rules, int64_t now);
  Result<int> sweep_steps(const std::vector<Rule>& rules, int64_t now);

  store::Database& db_;
  audit::Log& audit_;
  HistorySource& source_;
  Options options_;
  std::function<std::map<int64_t, std::string>(const std::set<int64_t>&)> institution_names_;
  std::string named(std::string explanation) const;
};

nlohmann::json to_json(const Alert& a);
nlohmann::json to_json(const Event& e);
nlohmann::json to_json(const RuleVersion& r);

void register_routes(http::Router& router, std::shared_ptr<Service> service);

// Items for the caller's home page (see auth::Service::add_home_source).
Result<std::vector<nlohmann::json>> home_items(Service& service, const http::Request& req);

}  // namespace eq::alerts
