// TEMPORARY: replaced by mon's implementation at merge (the integrator deletes this file).
// Only so the branch h-ord links while the monitoring side of issue 12 item 3 is written elsewhere:
// no monitored order is known to link to a registry person here.
#include "monitoring/module.h"

namespace eq::monitoring {

Result<std::vector<PersonOrder>> Service::orders_of_person(int64_t person_id) {
  (void)person_id;
  return std::vector<PersonOrder>{};
}

}  // namespace eq::monitoring
