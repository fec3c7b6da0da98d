// Demo data: one monitored order in Santiago centro with two exclusion zones and three devices,
// and half an hour of positions sent through the real ingest path, so the console opens with a
// trail and open incidents (an approach warning and a bracelet's low battery). Idempotent.
#include <algorithm>

#include "core/time.h"
#include "monitoring/service_impl.h"

namespace eq::monitoring {

Result<void> load_demo(Service& service) {
  auto& I = Internals::of(service);
  const std::string label = "RIT F-1234-2026";
  auto existing = I.db.transaction<bool>([&](soci::session& s) -> Result<bool> {
    // The label is sealed at rest; the demo's first device names the demo order instead.
    return I.device_exists(s, "demo-tag-1");
  });
  if (!existing) return fail(existing.error());
  if (*existing) return {};

  OrderRow o;
  o.label = label;
  o.court = "Juzgado de Familia de Santiago";
  o.comuna_id = "13101";
  o.victim_name = "Ana María Rojas Pérez";
  o.victim_phone = "+56 9 8765 4321";
  o.aggressor_name = "Luis Alberto Soto Muñoz";
  o.aggressor_phone = "+56 9 1234 5678";
  o.victim_home = LatLon{-33.4378, -70.6505};     // near the Plaza de Armas
  o.aggressor_home = LatLon{-33.5227, -70.5980};  // La Florida
  o.min_distance_m = 600;
  o.approach_m = 1200;
  o.starts_at = now_ms() - 30LL * 86'400'000;
  o.ends_at = now_ms() + 150LL * 86'400'000;
  o.status = "vigente";
  Zone home;
  home.label = "Domicilio de la víctima";
  home.shape = Zone::Shape::circle;
  home.center = *o.victim_home;
  home.radius_m = 300;
  Zone work;
  work.label = "Lugar de trabajo";
  work.shape = Zone::Shape::polygon;
  work.polygon = {{-33.4420, -70.6540}, {-33.4420, -70.6500}, {-33.4450, -70.6500}, {-33.4450, -70.6540}};

  auto created = I.db.transaction<std::vector<Zone>>([&](soci::session& s) -> Result<std::vector<Zone>> {
    o.id = I.insert_order(s, o, 0);
    home.order_id = work.order_id = o.id;
    home.id = I.insert_zone(s, home);
    work.id = I.insert_zone(s, work);
    audit::Entry e;
    e.action = "monitoring.demo_load";
    e.object = "monitoring_order:" + std::to_string(o.id);
    e.outcome = "ok";
    I.audit.append(s, e);
    return std::vector<Zone>{home, work};
  });
  if (!created) return fail(created.error());
  {
    std::lock_guard lock(I.mu);
    if (auto ok = I.add_to_engine(o, *created); !ok) return ok;
  }
  struct D {
    const char* id;
    DeviceKind kind;
  };
  for (const D& d : {D{"demo-tag-1", DeviceKind::aggressor_tag}, D{"demo-pulsera-1", DeviceKind::victim_bracelet},
                     D{"demo-movil-1", DeviceKind::victim_mobile}}) {
    Device dev;
    dev.id = d.id;
    dev.kind = d.kind;
    dev.order_id = o.id;
    audit::Entry e;
    e.action = "monitoring.device_create";
    e.object = "monitoring_order:" + std::to_string(o.id);
    e.outcome = "ok";
    if (auto ok = I.register_device(dev, "demo-secreto-" + std::string(d.id), e); !ok) return fail(ok.error());
  }

  // Thirty minutes: the victim at home, her bracelet draining, the aggressor coming from the south
  // and stopping about 850 m away (inside the 1,2 km warning, outside the 600 m order).
  const int64_t now = now_ms();
  std::vector<Position> victim, bracelet, aggressor;
  for (int i = 0; i <= 30; ++i) {
    const int64_t at = now - (30 - i) * 60'000LL;
    Position v;
    v.fix.at = v.fix.received_at = at;
    v.fix.lat = -33.4379 + 0.00002 * (i % 3);
    v.fix.lon = -70.6506;
    v.fix.battery_pct = 80;
    victim.push_back(v);
    Position b = v;
    b.fix.battery_pct = static_cast<int16_t>(40 - i);
    if (i % 5 == 0) bracelet.push_back(b);
    Position a;
    a.fix.at = a.fix.received_at = at;
    const double t = std::min(1.0, i / 25.0);
    a.fix.lat = -33.4850 + t * 0.0400;  // ends at -33.4450
    a.fix.lon = -70.6300 - t * 0.0170;  // ends at -70.6470
    a.fix.speed_kmh = i < 25 ? 12 : 0;
    a.fix.battery_pct = 70;
    aggressor.push_back(a);
  }
  for (auto& [id, list] : std::vector<std::pair<std::string, std::vector<Position>*>>{
           {"demo-movil-1", &victim}, {"demo-pulsera-1", &bracelet}, {"demo-tag-1", &aggressor}}) {
    for (auto& p : *list) p.device_id = id;
    auto ok = service.ingest({id, "demo-secreto-" + id}, *list, "demo");
    if (!ok) return fail(ok.error());
  }
  return {};
}

}  // namespace eq::monitoring
