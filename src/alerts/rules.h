// Early-alert rule templates: pure functions of one person's history at an instant. A rule (data,
// versioned in the database) names a template and gives it parameters; the templates are the only
// code. No IO here, so the registry can evaluate on every record and the dry run can replay years.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cases/model.h"
#include "core/error.h"

namespace eq::alerts {

// Severity ids, most severe first: critica, alta, media.
const std::vector<std::string>& severities();
int severity_rank(const std::string& severity);  // critica 3, alta 2, media 1, unknown 0
std::string severity_name_es(const std::string& severity);

struct Rule {
  int64_t id = 0;
  int version = 1;
  std::string name_es;
  std::string template_id;  // one of template_ids()
  nlohmann::json params = nlohmann::json::object();
  std::string severity = "media";
  bool enabled = true;
  int take_within_minutes = 60;  // not taken by then → escalates
};

// A condition a rule found. `at` is when it became true (the record that completed it, or the
// deadline that passed), so replays can date it.
struct Raised {
  int64_t rule_id = 0;
  int rule_version = 0;
  std::string template_id;
  std::string severity;
  int64_t person_id = 0;
  int64_t at = 0;
  std::string explanation;  // Spanish: the rule and the records
  std::string dedup_key;    // same condition → same key, whatever the rule version
  int64_t institution_id = 0;  // responsible team: institution …
  std::string comuna_id;       // … and comuna
  std::vector<int64_t> record_ids;
  std::vector<int64_t> also_visible_to;  // e.g. the institution a referral was sent to
};

//   risk_raised        {min_level}                 latest assessment ≥ min_level and higher than the one before (or first)
//   contact_burst      {kinds[], window_days, min} ≥ min records of those kinds within window_days
//   order_breach       {}                          an order_breach record
//   aggressor_victims  {min_victims}               the person is aggressor of ≥ min_victims distinct victims
//   referral_unacked   {grace_minutes}             referral not acknowledged by ack_due_at (+ grace)   — time-based
//   no_followup        {level, hours}              no later record within `hours` of an assessment ≥ level — time-based
//   reassess_overdue   {grace_days}                latest assessment's reassess_due_at (+ grace) passed without a newer one — time-based
//   placement_unanswered {grace_minutes}           a house has not answered an offer of a place by its deadline (+ grace) — step
//   placement_no_entry   {grace_minutes}           an accepted placement has no entry record by its deadline (+ grace) — step
//   placement_overstay   {grace_days}              a stay passed its planned exit (+ grace) without an exit record — step
// The placement_* templates watch steps another module runs (the network of care's referrals to a
// place, through Service::watch_step): they read a Step, not the person's history.
const std::vector<std::string>& template_ids();
std::string template_name_es(const std::string& template_id);
bool time_based(const std::string& template_id);

// Checks `params` for the template and fills defaults; errors are 422 with field "params.<name>"
// (or "template").
Result<nlohmann::json> validate_params(const std::string& template_id, const nlohmann::json& params);
// Validates a whole rule definition (template, params, severity, take_within_minutes, name).
Result<Rule> validate_rule(Rule rule);

// A deadline of a step run outside the case registry (a house answering an offer, her entry, her
// exit), about a person of the registry. `key` names the step across modules ("care_placement:12:answer").
struct Step {
  std::string key;
  std::string template_id;     // placement_unanswered | placement_no_entry | placement_overstay
  int64_t person_id = 0;
  int64_t institution_id = 0;  // responsible: the referring case worker's institution
  std::vector<int64_t> also_visible_to;  // e.g. the institution that runs the house
  int64_t due_at = 0;
  std::string what;            // Spanish, the step and its deadline ("la derivación N° 12 a Casa …")
};
bool step_template(const std::string& template_id);
// The alerts the enabled rules of the step's template raise at `now` (none before due_at + grace).
// One condition per step whatever the rule: dedup_key "step:<key>".
std::vector<Raised> evaluate_step(const std::vector<Rule>& rules, const Step& step, int64_t now);

// Every condition that holds in `history` at `now` (each dated ≤ now), for every enabled rule.
// Records with occurred_at > now are ignored, so the same call replays history at any instant.
std::vector<Raised> evaluate(const std::vector<Rule>& rules, const cases::History& history, int64_t now);
// Only conditions with at ≥ since (live evaluation skips old ones; see Service).
std::vector<Raised> evaluate(const std::vector<Rule>& rules, const cases::History& history, int64_t now, int64_t since);

// The earliest instant after `now` at which a time-based rule could fire on this history if nothing
// else happens (a referral's ack deadline, 24 h after a vital assessment, reassess_due_at).
std::optional<int64_t> next_deadline(const std::vector<Rule>& rules, const cases::History& history, int64_t now);

}  // namespace eq::alerts
