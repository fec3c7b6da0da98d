// The early alerts plugged into the case registry (alerts depends on cases, never the reverse):
// the registry's person histories as a HistorySource, and this module as the registry's AlertFeed
// (cases/alert_feed.h). Built by the module's contract (alerts/contract.cc).
#pragma once
#include <memory>

#include "alerts/module.h"
#include "cases/alert_feed.h"

namespace eq::cases {
class Service;
}

namespace eq::alerts {

class RegistrySource : public HistorySource {
 public:
  explicit RegistrySource(std::shared_ptr<cases::Service> registry) : registry_(std::move(registry)) {}
  cases::History history(soci::session& s, int64_t person_id) override;
  std::vector<int64_t> person_ids(soci::session& s) override;
  std::vector<int64_t> institutions_serving(soci::session& s, int64_t person_id) override;
  void log_read(soci::session& s, int64_t person_id, int64_t user_id, int64_t institution_id, const std::string& action) override;

 private:
  std::shared_ptr<cases::Service> registry_;
};

class RegistryFeed : public cases::AlertFeed {
 public:
  explicit RegistryFeed(std::shared_ptr<Service> alerts) : alerts_(std::move(alerts)) {}
  std::vector<cases::AlertSummary> on_record(soci::session& s, const cases::Record& r, int64_t now) override;
  std::vector<cases::AlertSummary> open_alerts(soci::session& s, int64_t person_id, int64_t institution_id, bool control_centre) override;
  std::vector<cases::AlertSummary> raised_between(soci::session& s, int64_t from, int64_t to) override;

 private:
  std::shared_ptr<Service> alerts_;
};

cases::AlertSummary summary(const Alert& a);

}  // namespace eq::alerts
