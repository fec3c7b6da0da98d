// "One protective order" (issue 12): the case registry holds a court's protective order and its
// persons; the monitoring centre watches it. The two modules do not include each other: this file
// connects them through their directories, converting between their structs.
#pragma once
#include <functional>
#include <memory>

#include "cases/module.h"
#include "monitoring/module.h"

namespace eq::app {

// The two services, looked up when called: each module's directory is filled before either
// module opens (so a lookup may find nothing yet).
struct ProtectiveOrderServices {
  std::function<std::shared_ptr<cases::Service>()> cases;
  std::function<std::shared_ptr<monitoring::Service>()> monitoring;
};

// monitoring::Directory::court_order ← cases::Service::court_order_for_monitoring (the registry's
// object rule decides); cases::Directory::monitored_orders ← monitoring::Service::orders_of_person.
// Before a service is bound: court_order answers 503, monitored_orders an empty list.
void link_protective_orders(cases::Directory& cases_dir, monitoring::Directory& monitoring_dir,
                            ProtectiveOrderServices services);

}  // namespace eq::app
