// What the registry asks of the early alerts, declared here so the registry does not know the
// alerts module: src/alerts implements AlertFeed (alerts/registry.h) and the alerts module's
// contract plugs it in with Service::set_alerts. Without a feed the registry stores records and
// shows persons without alerts.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "cases/model.h"

namespace soci {
class session;
}

namespace eq::cases {

// An alert as the registry sees it: the shared minimum shown beside a person or a new record, and
// what its statistics count.
struct AlertSummary {
  int64_t id = 0;
  std::string rule_name, severity, state, explanation, comuna_id;
  int64_t raised_at = 0;
  int escalation_level = 0;
  std::vector<int64_t> record_ids;
};

class AlertFeed {
 public:
  virtual ~AlertFeed() = default;
  // Called INSIDE the transaction that stores or updates a record: the alerts it raised.
  virtual std::vector<AlertSummary> on_record(soci::session& s, const Record& r, int64_t now) = 0;
  // Open alerts of a person that this institution (or the control centre, «alerts.handle») may
  // see, by the alerts module's own object rules. Not audited there: the registry audits the view.
  virtual std::vector<AlertSummary> open_alerts(soci::session& s, int64_t person_id, int64_t institution_id, bool control_centre) = 0;
  // Every alert raised in [from, to), for the registry's statistics (which keep only those whose
  // every record allows statistical use).
  virtual std::vector<AlertSummary> raised_between(soci::session& s, int64_t from, int64_t to) = 0;
};

}  // namespace eq::cases
