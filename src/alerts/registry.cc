#include "alerts/registry.h"

#include "alerts/access.h"
#include "cases/module.h"

namespace eq::alerts {

cases::History RegistrySource::history(soci::session& s, int64_t person_id) { return registry_->history(s, person_id); }
std::vector<int64_t> RegistrySource::person_ids(soci::session& s) { return registry_->person_ids(s); }
std::vector<int64_t> RegistrySource::institutions_serving(soci::session& s, int64_t person_id) {
  return registry_->institutions_serving(s, person_id);
}
void RegistrySource::log_read(soci::session& s, int64_t person_id, int64_t user_id, int64_t institution_id, const std::string& action) {
  registry_->log_read(s, person_id, user_id, institution_id, action);
}

cases::AlertSummary summary(const Alert& a) {
  return {.id = a.id,
          .rule_name = a.rule_name,
          .severity = a.severity,
          .state = a.state,
          .explanation = a.explanation,
          .comuna_id = a.comuna_id,
          .raised_at = a.raised_at,
          .escalation_level = a.escalation_level,
          .record_ids = a.record_ids};
}

namespace {
std::vector<cases::AlertSummary> summaries(const std::vector<Alert>& alerts) {
  std::vector<cases::AlertSummary> out;
  out.reserve(alerts.size());
  for (const auto& a : alerts) out.push_back(summary(a));
  return out;
}
}  // namespace

std::vector<cases::AlertSummary> RegistryFeed::on_record(soci::session& s, const cases::Record& r, int64_t now) {
  return summaries(alerts_->on_record(s, r, now));
}
std::vector<cases::AlertSummary> RegistryFeed::open_alerts(soci::session& s, int64_t person_id, int64_t institution_id,
                                                           bool control_centre) {
  return summaries(alerts_->open_alerts(s, person_id, access::viewer(institution_id, control_centre)));
}
std::vector<cases::AlertSummary> RegistryFeed::raised_between(soci::session& s, int64_t from, int64_t to) {
  return summaries(alerts_->raised_between(s, from, to));
}

}  // namespace eq::alerts
