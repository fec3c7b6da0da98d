// "One protective order" (issue 12): the case registry holds a court's protective order and its
// persons; the monitoring centre watches it. The two modules do not include each other: this file
// connects them through their directories, converting between their structs.
#pragma once
#include <memory>

#include "cases/module.h"
#include "monitoring/module.h"

namespace eq::app {

// The two services, bound once built: each module's directory is filled before the other module
// exists. Weak, so the services (which hold the directories) do not keep each other alive.
struct ProtectiveOrderServices {
  std::weak_ptr<cases::Service> cases;
  std::weak_ptr<monitoring::Service> monitoring;
};

// monitoring::Directory::court_order ← cases::Service::court_order_for_monitoring (the registry's
// object rule decides); cases::Directory::monitored_orders ← monitoring::Service::orders_of_person.
// Before a service is bound: court_order answers 503, monitored_orders an empty list.
void link_protective_orders(cases::Directory& cases_dir, monitoring::Directory& monitoring_dir,
                            std::shared_ptr<ProtectiveOrderServices> services);

}  // namespace eq::app
