#include "monitoring/synth.h"

#include <cmath>
#include <random>
#include <string>

namespace eq::monitoring {
namespace {

constexpr double kLat0 = -33.45, kLon0 = -70.65;  // Santiago
constexpr double kMetresPerDegLat = 110'900, kMetresPerDegLon = 93'000;  // near 33.5°S

struct Walker {
  double lat, lon, home_lat, home_lon;
  int target = -1;  // device index walked towards, or -1
  int battery = 100;
};

}  // namespace

SynthData synthesize(const SynthOptions& o) {
  SynthData out;
  std::mt19937_64 rng(o.seed);
  std::uniform_real_distribution<double> u(0, 1);
  std::normal_distribution<double> n(0, 1);
  auto around = [&](double lat, double lon, double metres, double& rlat, double& rlon) {
    rlat = lat + n(rng) * metres / kMetresPerDegLat;
    rlon = lon + n(rng) * metres / kMetresPerDegLon;
  };
  std::vector<Walker> walkers;
  out.orders.reserve(o.orders);
  out.devices.reserve(o.orders * 4);
  out.zones.reserve(o.orders * o.zones_per_order);
  int64_t zone_id = 1;
  for (size_t i = 0; i < o.orders; ++i) {
    const int64_t oid = int64_t(i + 1);
    Order ord;
    ord.id = oid;
    ord.min_distance_m = 200 + 100 * double(rng() % 4);  // 200–500 m
    ord.approach_m = rng() % 2 ? 0 : ord.min_distance_m + 500;
    out.orders.push_back(ord);
    double vlat, vlon, alat, alon;
    around(kLat0, kLon0, 9000, vlat, vlon);
    around(kLat0, kLon0, 9000, alat, alon);
    const int64_t victim = oid * 10 + 1, child = oid * 10 + 2, aggressor = oid * 10 + 3;
    const std::string s = std::to_string(oid);
    const size_t first = walkers.size();
    out.devices.push_back({"A" + s, DeviceKind::aggressor_tag, aggressor, oid});
    walkers.push_back({alat, alon, alat, alon});
    out.devices.push_back({"B" + s, DeviceKind::victim_bracelet, victim, oid});
    walkers.push_back({vlat, vlon, vlat, vlon});
    out.devices.push_back({"M" + s, DeviceKind::victim_mobile, victim, oid});
    walkers.push_back({vlat, vlon, vlat, vlon});
    double clat, clon;
    around(vlat, vlon, 1500, clat, clon);
    out.devices.push_back({"C" + s, DeviceKind::victim_mobile, child, oid});
    walkers.push_back({clat, clon, clat, clon});
    if (u(rng) < o.approaching_share) walkers[first].target = int(first + 2);
    for (size_t z = 0; z < o.zones_per_order; ++z) {
      Zone zone;
      zone.id = zone_id++;
      zone.order_id = oid;
      static const char* labels[] = {"domicilio víctima", "trabajo", "colegio", "domicilio familiar", "centro de salud", "jardín infantil"};
      zone.label = labels[z % 6];
      double zlat, zlon;
      around(z % 3 == 2 ? clat : vlat, z % 3 == 2 ? clon : vlon, z == 0 ? 0 : 2500, zlat, zlon);
      if (z % 3 == 1) {  // a quadrilateral block around the place
        zone.shape = Zone::Shape::polygon;
        const double w = (150 + 250 * u(rng)) / kMetresPerDegLon, h = (150 + 250 * u(rng)) / kMetresPerDegLat;
        zone.polygon = {{zlat - h, zlon - w}, {zlat - h, zlon + w}, {zlat + h * 1.2, zlon + w * 0.8}, {zlat + h, zlon - w}};
      } else {
        zone.shape = Zone::Shape::circle;
        zone.center = {zlat, zlon};
        zone.radius_m = 150 + 350 * u(rng);
      }
      out.zones.push_back(std::move(zone));
    }
  }
  const size_t nd = out.devices.size();
  out.positions.reserve(o.positions);
  const double step_ms = double(o.report_interval_ms) / double(std::max<size_t>(nd, 1));
  for (size_t k = 0; k < o.positions; ++k) {
    const size_t d = k % nd;
    Walker& w = walkers[d];
    Position p;
    p.device_id = out.devices[d].id;
    p.fix.at = o.start_ms + int64_t(double(k) * step_ms);
    p.fix.received_at = 0;
    // 0–2 m/s walking jitter, pulled back towards home so walks stay in the city.
    const double dt = double(o.report_interval_ms) / 1000.0;
    double east = n(rng) * 1.2 * dt, north = n(rng) * 1.2 * dt;
    const double tlat = w.target >= 0 ? walkers[size_t(w.target)].lat : w.home_lat;
    const double tlon = w.target >= 0 ? walkers[size_t(w.target)].lon : w.home_lon;
    const double pull = w.target >= 0 ? 0.05 : 0.01;
    east += (tlon - w.lon) * kMetresPerDegLon * pull;
    north += (tlat - w.lat) * kMetresPerDegLat * pull;
    w.lat += north / kMetresPerDegLat;
    w.lon += east / kMetresPerDegLon;
    p.fix.lat = w.lat, p.fix.lon = w.lon;
    p.fix.speed_kmh = float(std::sqrt(east * east + north * north) / dt * 3.6);
    if (k % nd == d && (k / nd) % 20 == 0 && w.battery > 3) --w.battery;
    p.fix.battery_pct = int16_t(w.battery);
    const double r = u(rng);
    if (r < o.noise) {
      p.fix.lat = std::numeric_limits<double>::quiet_NaN();
    } else if (r < 2 * o.noise) {
      p.fix.lat = 95;
    } else if (r < 2.02 * o.noise && out.devices[d].kind != DeviceKind::aggressor_tag) {
      p.fix.alarms |= alarm_panic;
    } else if (r < 2.04 * o.noise && out.devices[d].kind == DeviceKind::aggressor_tag) {
      p.fix.alarms |= alarm_tamper;
    }
    out.positions.push_back(p);
    const double r2 = u(rng);
    if (r2 < o.noise) {
      out.positions.push_back(p);  // the tracker resent it
    } else if (r2 < 2 * o.noise) {
      Position late = p;  // a fix from a minute ago, arriving after a newer one
      late.fix.at -= 2 * o.report_interval_ms;
      late.fix.alarms = alarm_none;
      out.positions.push_back(std::move(late));
    }
  }
  out.positions.resize(std::min(out.positions.size(), o.positions));
  return out;
}

}  // namespace eq::monitoring
