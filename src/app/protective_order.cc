#include "app/protective_order.h"

namespace eq::app {

namespace {

monitoring::CourtOrder to_monitoring(const cases::CourtOrder& c) {
  monitoring::CourtOrder m;
  m.record_id = c.record_id;
  m.victim_person_id = c.victim_person_id;
  m.victim_name = c.victim_name;
  m.aggressor_person_id = c.aggressor_person_id;
  m.aggressor_name = c.aggressor_name;
  m.court = c.court;
  m.order_type = c.order_type;
  m.comuna_id = c.comuna_id;
  m.distance_m = c.distance_m;
  m.starts_at = c.starts_at;
  m.ends_at = c.ends_at;
  return m;
}

cases::MonitoredOrder to_cases(const monitoring::PersonOrder& p) {
  cases::MonitoredOrder c;
  c.order_id = p.order_id;
  c.record_id = p.record_id;
  c.role = p.role;
  c.status = p.status;
  c.starts_at = p.starts_at;
  c.ends_at = p.ends_at;
  for (const auto& i : p.incidents) c.incidents.push_back({i.id, i.first_at, i.type, i.severity, i.state, i.outcome});
  return c;
}

}  // namespace

void link_protective_orders(cases::Directory& cases_dir, monitoring::Directory& monitoring_dir,
                            std::shared_ptr<ProtectiveOrderServices> services) {
  monitoring_dir.court_order = [services](int64_t record_id, const http::Principal& who) -> Result<monitoring::CourtOrder> {
    auto registry = services->cases.lock();
    if (!registry) return fail(Error::unavailable("El registro de casos no está disponible."));
    auto order = registry->court_order_for_monitoring(record_id, who);
    if (!order) return fail(order.error());
    return to_monitoring(*order);
  };
  cases_dir.monitored_orders = [services](int64_t person_id) -> Result<std::vector<cases::MonitoredOrder>> {
    auto centre = services->monitoring.lock();
    if (!centre) return std::vector<cases::MonitoredOrder>{};
    auto orders = centre->orders_of_person(person_id);
    if (!orders) return fail(orders.error());
    std::vector<cases::MonitoredOrder> out;
    for (const auto& o : *orders) out.push_back(to_cases(o));
    return out;
  };
}

}  // namespace eq::app
