// The registry's side of "one protective order" (issue 12): the monitoring centre watches a court's
// protective order that the registry holds, and a person's page shows the monitored order and its
// incidents. The registry owns these types; src/app/protective_order.cc converts them to and from
// the monitoring module's, so neither module includes the other.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace eq::cases {

// A protective order as the monitoring centre needs it to set up the watch (names in clear: the
// operators call both persons).
struct CourtOrder {
  int64_t record_id = 0;
  int64_t victim_person_id = 0;
  std::string victim_name;
  int64_t aggressor_person_id = 0;
  std::string aggressor_name;
  std::string court, order_type, comuna_id;
  std::optional<int64_t> distance_m;
  int64_t starts_at = 0;
  std::optional<int64_t> ends_at;
};

// A monitored order whose victim or aggressor is one of the registry's persons, as her page shows
// it: no coordinates, at most the 20 latest incidents.
struct MonitoredOrder {
  int64_t order_id = 0;
  int64_t record_id = 0;
  std::string role;    // "victim" | "aggressor"
  std::string status;  // vigente | terminada
  int64_t starts_at = 0;
  std::optional<int64_t> ends_at;
  struct Incident {
    int64_t id = 0, first_at = 0;
    std::string type, severity, state, outcome;
  };
  std::vector<Incident> incidents;  // newest first
};

}  // namespace eq::cases
