// Wiring of "one protective order" (protective_order.h): late-bound calls from each module's
// directory into the other module's service, converting their structs.
#include "app/protective_order.h"

namespace eq::app {

namespace {

// Field for field: the two modules' structs say the same thing in their own words (same order).
monitoring::CourtOrder to_monitoring(const cases::CourtOrder& c) {
  return {c.record_id, c.victim_person_id, c.victim_name, c.aggressor_person_id, c.aggressor_name, c.court,
          c.order_type, c.comuna_id, c.distance_m, c.starts_at, c.ends_at};
}

cases::MonitoredOrder to_cases(const monitoring::PersonOrder& p) {
  cases::MonitoredOrder c{p.order_id, p.record_id, p.role, p.status, p.starts_at, p.ends_at, {}};
  for (const auto& i : p.incidents) c.incidents.push_back({i.id, i.first_at, i.type, i.severity, i.state, i.outcome});
  return c;
}

}  // namespace

void link_protective_orders(cases::Directory& cases_dir, monitoring::Directory& monitoring_dir,
                            ProtectiveOrderServices services) {
  monitoring_dir.court_order = [services](int64_t record_id, const http::Principal& who) -> Result<monitoring::CourtOrder> {
    auto registry = services.cases ? services.cases() : nullptr;
    if (!registry) return fail(Error::unavailable("El registro de casos no está disponible."));
    auto order = registry->court_order_for_monitoring(record_id, who);
    if (!order) return fail(order.error());
    return to_monitoring(*order);
  };
  cases_dir.monitored_orders = [services](int64_t person_id) -> Result<std::vector<cases::MonitoredOrder>> {
    auto centre = services.monitoring ? services.monitoring() : nullptr;
    if (!centre) return std::vector<cases::MonitoredOrder>{};
    auto orders = centre->orders_of_person(person_id);
    if (!orders) return fail(orders.error());
    std::vector<cases::MonitoredOrder> out;
    for (const auto& o : *orders) out.push_back(to_cases(o));
    return out;
  };
}

}  // namespace eq::app
