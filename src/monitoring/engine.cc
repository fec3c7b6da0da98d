#include "monitoring/engine.h"

// GCC 12 reports a false "may be used uninitialized" inside Boost.Geometry's envelope expansion
// when the R-tree is bulk-loaded at -O2 (the box is assigned before use); clang does not.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include <algorithm>
#include <numeric>
#include <unordered_map>

// Boost 1.74's Geometry includes a header it deprecated itself; the notice is noise in every build.
#ifndef BOOST_ALLOW_DEPRECATED_HEADERS
#define BOOST_ALLOW_DEPRECATED_HEADERS
#endif
#include <boost/geometry.hpp>
#include <boost/geometry/geometries/box.hpp>
#include <boost/geometry/geometries/point.hpp>
#include <boost/geometry/geometries/point_xy.hpp>
#include <boost/geometry/geometries/polygon.hpp>
#include <boost/geometry/index/rtree.hpp>
#include <boost/iterator/function_output_iterator.hpp>

#include "core/format_cl.h"

namespace eq::monitoring {
namespace {

namespace bg = boost::geometry;
namespace bgi = boost::geometry::index;

using Pt2 = bg::model::d2::point_xy<double>;  // metres in a zone's local frame (x east, y north)
using Poly2 = bg::model::polygon<Pt2>;
using Pt3 = bg::model::point<double, 3, bg::cs::cartesian>;  // longitude, latitude, order index
using Box3 = bg::model::box<Pt3>;
using TreeValue = std::pair<Box3, uint32_t>;  // zone envelope, zone index
using Tree = bgi::rtree<TreeValue, bgi::rstar<16>>;

constexpr int64_t kNever = std::numeric_limits<int64_t>::min();
constexpr uint32_t kNone = std::numeric_limits<uint32_t>::max();
constexpr int64_t kYear2000Ms = 946'684'800'000LL;
constexpr double kDegToRad = 3.14159265358979323846 / 180.0;

// WGS84 radii of curvature → metres per degree at latitude `lat`.
constexpr double kA = 6378137.0;
constexpr double kF = 1 / 298.257223563;
constexpr double kE2 = kF * (2 - kF);
inline void metres_per_degree(double lat, double& kx, double& ky) {
  const double s = std::sin(lat * kDegToRad);
  const double w = 1 - kE2 * s * s;
  const double n = kA / std::sqrt(w);
  ky = n * (1 - kE2) / w * kDegToRad;  // M = a(1-e²)/w^{3/2} = N(1-e²)/w
  kx = n * std::cos(lat * kDegToRad) * kDegToRad;
}

bool valid_coordinates(double lat, double lon) {
  if (!std::isfinite(lat) || !std::isfinite(lon)) return false;
  if (lat < -90 || lat > 90 || lon < -180 || lon > 180) return false;
  return !(lat == 0 && lon == 0);  // "null island": what trackers send when they have no fix
}

std::string metres(double m) { return format_integer(std::llround(m)) + " m"; }

struct ZoneState {
  int64_t id = 0;
  uint32_t order = 0;
  Zone::Shape shape = Zone::Shape::circle;
  // Local frame: y = (lat - lat0)·ky; x = (lon - lon0)·(kx0 + dkx·(lat - lat0)/2), i.e. the
  // longitude scale at the mean latitude of the zone centre and the point, to first order.
  double lat0 = 0, lon0 = 0, kx0 = 0, dkx = 0, ky = 0;
  double radius = 0;
  uint32_t poly = kNone;
  std::string label;

  Pt2 project(double lat, double lon) const {
    const double dlat = lat - lat0;
    return {(lon - lon0) * (kx0 + dkx * dlat * 0.5), dlat * ky};
  }
};

struct Inside {
  uint32_t zone;
  uint8_t out_streak;
};

enum DeviceFlag : uint8_t { flag_silent = 1, flag_low_battery = 2, flag_clock_started = 4 };

struct DeviceState {
  std::string id;
  int64_t person = 0;
  DeviceKind kind{};
  uint8_t flags = 0;
  uint8_t speed_rejects = 0;
  uint8_t last_alarms = 0;
  int64_t last_at = kNever;    // device time of the last accepted position
  int64_t last_seen = kNever;  // reception time of the last accepted position (silence)
  int64_t fix_at = kNever;     // device time of the last accepted fix
  double lat = std::numeric_limits<double>::quiet_NaN(), lon = std::numeric_limits<double>::quiet_NaN();
  int16_t battery = -1;
  std::vector<uint32_t> orders;
  std::vector<Inside> inside;  // fixed zones the device is in (aggressor tags)
};

struct Victim {
  int64_t person = 0;
  std::vector<uint32_t> devices;
};

struct Pair {
  uint32_t aggressor;  // device handle
  uint32_t victim;     // index into OrderState::victims
  uint8_t level = 0;   // 0 clear, 1 warning, 2 breach
  uint8_t streak = 0;  // consecutive evaluations past the clearing distance
};

struct OrderState {
  int64_t id = 0;
  double min_m = 0, approach_m = 0;
  int64_t starts = 0, ends = 0;
  std::vector<uint32_t> aggressors;
  std::vector<Victim> victims;
  std::vector<Pair> pairs;
  bool active(int64_t at) const { return (starts == 0 || at >= starts) && (ends == 0 || at < ends); }
};

struct IncidentKey {
  uint32_t device;
  uint8_t type;
  int64_t subject;  // zone id, victim person, or 0
  bool operator==(const IncidentKey&) const = default;
};
struct IncidentKeyHash {
  size_t operator()(const IncidentKey& k) const {
    uint64_t h = (uint64_t(k.device) << 8 | k.type) * 0x9E3779B97F4A7C15ULL;
    return size_t(h ^ (uint64_t(k.subject) * 0xC2B2AE3D27D4EB4FULL));
  }
};

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

Severity severity_of(AlertType t, DeviceKind k) {
  switch (t) {
    case AlertType::panic:
    case AlertType::proximity_breach: return Severity::critical;
    case AlertType::tamper: return is_aggressor(k) ? Severity::critical : Severity::high;
    case AlertType::zone_enter:
    case AlertType::proximity_warning: return Severity::high;
    case AlertType::silence: return is_aggressor(k) ? Severity::high : Severity::medium;
    case AlertType::low_battery: return Severity::medium;
    case AlertType::zone_exit: return Severity::info;
  }
  return Severity::info;
}

}  // namespace

struct Engine::Impl {
  Config cfg;
  Stats stats;
  std::vector<DeviceState> devices;
  std::unordered_map<std::string, uint32_t, StringHash, std::equal_to<>> device_by_id;
  std::vector<OrderState> orders;
  std::unordered_map<int64_t, uint32_t> order_by_id;
  std::vector<ZoneState> zones;
  std::vector<Poly2> polygons;
  std::unordered_map<int64_t, uint32_t> zone_by_id;
  Tree tree;
  bool tree_dirty = false;  // zones added since the last bulk load
  std::vector<Incident> incidents;
  std::unordered_map<IncidentKey, uint32_t, IncidentKeyHash> open_incident;
  std::vector<uint32_t> candidates;  // scratch for R-tree answers

  Box3 envelope(const ZoneState& z) const {
    double minx, miny, maxx, maxy;
    if (z.shape == Zone::Shape::circle) {
      // Longitude half-width from the smaller of the scales at the circle's north and south edges.
      const double dlat = z.radius / z.ky;
      const double kx = std::max(1e-6, std::min(z.kx0 - std::abs(z.dkx) * dlat, z.kx0 + std::abs(z.dkx) * dlat) - 1e-9);
      const double dlon = z.radius / std::max(kx, 1e-3);
      minx = z.lon0 - dlon, maxx = z.lon0 + dlon, miny = z.lat0 - dlat, maxy = z.lat0 + dlat;
    } else {
      bg::model::box<Pt2> b;
      bg::envelope(polygons[z.poly], b);
      // Back to degrees; the polygon's own lat/lon extremes, widened by a hair for rounding.
      miny = z.lat0 + b.min_corner().y() / z.ky, maxy = z.lat0 + b.max_corner().y() / z.ky;
      const double kx = std::max(1e-3, std::min(z.kx0 + z.dkx * (miny - z.lat0) * 0.5, z.kx0 + z.dkx * (maxy - z.lat0) * 0.5));
      minx = z.lon0 + b.min_corner().x() / kx, maxx = z.lon0 + b.max_corner().x() / kx;
      const double eps = 1e-7;
      minx -= eps, miny -= eps, maxx += eps, maxy += eps;
    }
    return Box3(Pt3(minx, miny, z.order), Pt3(maxx, maxy, z.order));
  }

  void build_tree() {
    std::vector<TreeValue> values;
    values.reserve(zones.size());
    for (uint32_t i = 0; i < zones.size(); ++i) values.emplace_back(envelope(zones[i]), i);
    tree = Tree(values.begin(), values.end());  // packing (STR): better queries than one-by-one inserts
    tree_dirty = false;
  }

  bool inside(const ZoneState& z, double lat, double lon) const {
    const Pt2 p = z.project(lat, lon);
    if (z.shape == Zone::Shape::circle) return p.x() * p.x() + p.y() * p.y() <= z.radius * z.radius;
    return bg::covered_by(p, polygons[z.poly]);
  }
  // Far enough out to count towards an exit: past the edge by the margin.
  bool beyond_margin(const ZoneState& z, double lat, double lon) const {
    const Pt2 p = z.project(lat, lon);
    const double m = cfg.exit_margin_m;
    if (z.shape == Zone::Shape::circle) {
      const double r = z.radius + m;
      return p.x() * p.x() + p.y() * p.y() > r * r;
    }
    return bg::distance(p, polygons[z.poly]) > m;  // 0 inside
  }

  uint64_t raise(uint32_t dev, AlertType type, int64_t subject, int64_t order_id, int64_t zone_id, int64_t victim_person,
                 int64_t at, double lat, double lon, double distance, std::vector<Alert>& out) {
    const DeviceState& d = devices[dev];
    ++stats.alerts;
    const IncidentKey key{dev, uint8_t(type), subject};
    auto it = open_incident.find(key);
    Alert a;
    if (it != open_incident.end()) {
      Incident& inc = incidents[it->second];
      if (inc.open && std::abs(at - inc.last_at) <= cfg.fold_window_ms) {
        ++inc.count;
        inc.last_at = std::max(inc.last_at, at);
        if (std::isfinite(lat)) inc.lat = lat, inc.lon = lon;
        if (std::isfinite(distance) && !(inc.min_distance_m <= distance)) inc.min_distance_m = distance;
        ++stats.repeats;
        a.repeat = true;
        a.incident = inc.id;
        a.count = inc.count;
      }
    }
    if (!a.repeat) {
      Incident inc;
      inc.id = incidents.size() + 1;
      inc.type = type;
      inc.severity = severity_of(type, d.kind);
      inc.device = dev;
      inc.person_id = d.person;
      inc.order_id = order_id, inc.zone_id = zone_id, inc.victim_person_id = victim_person;
      inc.first_at = inc.last_at = at;
      inc.count = 1;
      inc.lat = lat, inc.lon = lon, inc.min_distance_m = distance;
      incidents.push_back(inc);
      open_incident[key] = uint32_t(incidents.size() - 1);
      ++stats.incidents;
      a.incident = inc.id;
    }
    a.type = type;
    a.severity = severity_of(type, d.kind);
    a.device_id = d.id;
    a.person_id = d.person;
    a.order_id = order_id;
    a.zone_id = zone_id;
    a.victim_person_id = victim_person;
    a.at = at;
    a.lat = lat, a.lon = lon;
    a.distance_m = distance;
    a.battery_pct = d.battery;
    out.push_back(std::move(a));
    return a.incident;
  }

  int64_t first_order_id(const DeviceState& d) const { return d.orders.empty() ? 0 : orders[d.orders.front()].id; }

  // Where to send help for an alarm without a usable fix: the device's last fix, else the freshest
  // fix of another device of the same person.
  // `place_at` is the instant of the fix the place comes from (0 when it is the report's own), so an
  // operator sees how old the place is when the device had no GPS.
  void best_location(const DeviceState& d, const Fix& f, bool fix_ok, double& lat, double& lon, int64_t& place_at) const {
    place_at = 0;
    if (fix_ok) {
      lat = f.lat, lon = f.lon;
      return;
    }
    lat = d.lat, lon = d.lon;
    if (d.fix_at != kNever) {
      place_at = d.fix_at;
      return;
    }
    int64_t best = kNever;
    for (uint32_t oi : d.orders)
      for (const Victim& v : orders[oi].victims)
        if (v.person == d.person)
          for (uint32_t h : v.devices)
            if (devices[h].fix_at > best) best = devices[h].fix_at, lat = devices[h].lat, lon = devices[h].lon;
    if (best != kNever) place_at = best;
  }

  void raise_alarms(uint32_t dev, const Fix& f, bool fix_ok, std::vector<Alert>& out) {
    if (!(f.alarms & (alarm_panic | alarm_tamper))) return;
    const DeviceState& d = devices[dev];
    double lat, lon;
    int64_t place_at;
    best_location(d, f, fix_ok, lat, lon, place_at);
    const double nan = std::numeric_limits<double>::quiet_NaN();
    if (f.alarms & alarm_panic) {
      raise(dev, AlertType::panic, 0, first_order_id(d), 0, 0, f.at, lat, lon, nan, out);
      out.back().place_at = place_at;
    }
    if (f.alarms & alarm_tamper) {
      raise(dev, AlertType::tamper, 0, first_order_id(d), 0, 0, f.at, lat, lon, nan, out);
      out.back().place_at = place_at;
    }
  }

  Outcome reject(Reject r) {
    ++stats.rejected[int(r)];
    return {Status::rejected, r};
  }

  // The victim's freshest fix among her devices.
  const DeviceState* victim_fix(const Victim& v) const {
    const DeviceState* best = nullptr;
    for (uint32_t h : v.devices)
      if (devices[h].fix_at != kNever && (!best || devices[h].fix_at > best->fix_at)) best = &devices[h];
    return best;
  }

  void evaluate_pair(const OrderState& o, Pair& p, int64_t now, std::vector<Alert>& out) {
    const DeviceState& ag = devices[p.aggressor];
    const DeviceState* vi = victim_fix(o.victims[p.victim]);
    if (!vi || ag.fix_at == kNever) return;
    // Only live positions count: a fix older than live_max_age says where someone was, not is.
    if (std::abs(now - ag.fix_at) > cfg.live_max_age_ms || std::abs(now - vi->fix_at) > cfg.live_max_age_ms) return;
    const double d = local_distance_m({ag.lat, ag.lon}, {vi->lat, vi->lon});
    const double approach = std::max(o.approach_m > 0 ? o.approach_m : cfg.approach_m, o.min_m);
    const uint8_t target = d < o.min_m ? 2 : d < approach ? 1 : 0;
    if (target > p.level) {
      p.level = target;
      p.streak = 0;
      raise(p.aggressor, target == 2 ? AlertType::proximity_breach : AlertType::proximity_warning,
            o.victims[p.victim].person, o.id, 0, o.victims[p.victim].person, now, ag.lat, ag.lon, d, out);
    } else if (target < p.level) {
      const double clear_at = (p.level == 2 ? o.min_m : approach) + cfg.exit_margin_m;
      if (d > clear_at) {
        if (++p.streak >= cfg.exit_confirm) {
          // Step down one level at a time through the margins: breach → warning → clear.
          p.level = (p.level == 2 && d < approach + cfg.exit_margin_m) ? 1 : target;
          p.streak = 0;
        }
      } else {
        p.streak = 0;
      }
    } else {
      p.streak = 0;
    }
  }

  void evaluate_zones(uint32_t dev, const Fix& f, std::vector<Alert>& out) {
    DeviceState& d = devices[dev];
    // Exits: only the zones the tag is in, each needing exit_confirm fixes past the margin.
    for (size_t i = 0; i < d.inside.size();) {
      Inside& in = d.inside[i];
      const ZoneState& z = zones[in.zone];
      if (beyond_margin(z, f.lat, f.lon)) {
        if (++in.out_streak >= cfg.exit_confirm) {
          const uint32_t zi = in.zone;
          d.inside.erase(d.inside.begin() + i);
          raise(dev, AlertType::zone_exit, zones[zi].id, orders[zones[zi].order].id, zones[zi].id, 0, f.at, f.lat, f.lon,
                std::numeric_limits<double>::quiet_NaN(), out);
          continue;
        }
      } else {
        in.out_streak = 0;
      }
      ++i;
    }
    // Entries: immediate (an aggressor inside an exclusion zone is never held back).
    if (tree_dirty) build_tree();
    for (uint32_t oi : d.orders) {
      if (!orders[oi].active(f.at)) continue;
      candidates.clear();
      tree.query(bgi::intersects(Pt3(f.lon, f.lat, double(oi))),
                 boost::make_function_output_iterator([this](const TreeValue& v) { candidates.push_back(v.second); }));
      for (uint32_t zi : candidates) {
        if (std::any_of(d.inside.begin(), d.inside.end(), [zi](const Inside& in) { return in.zone == zi; })) continue;
        if (!inside(zones[zi], f.lat, f.lon)) continue;
        d.inside.push_back({zi, 0});
        raise(dev, AlertType::zone_enter, zones[zi].id, orders[oi].id, zones[zi].id, 0, f.at, f.lat, f.lon,
              std::numeric_limits<double>::quiet_NaN(), out);
      }
    }
  }

  Outcome ingest(uint32_t dev, const Fix& f, std::vector<Alert>& out) {
    ++stats.received;
    DeviceState& d = devices[dev];
    if (f.at < kYear2000Ms || (f.received_at > 0 && f.at > f.received_at + cfg.max_future_ms)) return reject(Reject::bad_timestamp);
    if (f.has_fix && !valid_coordinates(f.lat, f.lon)) {
      raise_alarms(dev, f, false, out);  // a button pressed with a broken GPS is still a button pressed
      return reject(Reject::bad_coordinates);
    }
    if (d.last_at != kNever) {
      if (f.at == d.last_at && f.alarms == d.last_alarms &&
          (f.has_fix ? (d.fix_at == f.at && d.lat == f.lat && d.lon == f.lon) : d.fix_at != f.at)) {
        ++stats.duplicates;
        return {Status::duplicate, {}};
      }
      if (f.at < d.last_at) {
        ++stats.stale;
        raise_alarms(dev, f, f.has_fix, out);
        return {Status::stale, {}};
      }
    }
    if (f.has_fix && d.fix_at != kNever) {
      // Implied speed from the last accepted fix; a 1 s floor so two fixes stamped the same second
      // are judged on distance rather than divided by zero.
      const double dt_s = std::max<double>(double(f.at - d.fix_at) / 1000.0, 1.0);
      const double kmh = local_distance_m({d.lat, d.lon}, {f.lat, f.lon}) / dt_s * 3.6;
      if (kmh > cfg.max_speed_kmh) {
        // A tracker that really moved (a restart far away, a bad fix accepted earlier) would be
        // refused for ever; after speed_reanchor refusals in a row the new place is trusted.
        if (++d.speed_rejects < cfg.speed_reanchor) {
          raise_alarms(dev, f, false, out);
          return reject(Reject::absurd_speed);
        }
      }
    }
    d.speed_rejects = 0;
    ++stats.accepted;
    d.last_at = f.at;
    d.last_alarms = f.alarms;
    d.last_seen = std::max(d.last_seen, f.received_at > 0 ? f.received_at : f.at);
    d.flags = uint8_t((d.flags & ~flag_silent) | flag_clock_started);
    if (f.has_fix) d.lat = f.lat, d.lon = f.lon, d.fix_at = f.at;
    if (f.battery_pct >= 0) d.battery = f.battery_pct;

    raise_alarms(dev, f, f.has_fix, out);
    const bool low = (f.battery_pct >= 0 && f.battery_pct <= cfg.low_battery_pct) || (f.alarms & alarm_low_battery);
    if (low && !(d.flags & flag_low_battery)) {
      d.flags |= flag_low_battery;
      double lat, lon;
      int64_t place_at;
      best_location(d, f, f.has_fix, lat, lon, place_at);
      raise(dev, AlertType::low_battery, 0, first_order_id(d), 0, 0, f.at, lat, lon, std::numeric_limits<double>::quiet_NaN(), out);
      out.back().place_at = place_at;
    } else if (f.battery_pct >= cfg.battery_rearm_pct) {
      d.flags &= uint8_t(~flag_low_battery);
    }
    if (!f.has_fix) return {};

    if (is_aggressor(d.kind)) {
      evaluate_zones(dev, f, out);
      for (uint32_t oi : d.orders) {
        OrderState& o = orders[oi];
        if (!o.active(f.at)) continue;
        for (Pair& p : o.pairs)
          if (p.aggressor == dev) evaluate_pair(o, p, f.at, out);
      }
    } else {
      for (uint32_t oi : d.orders) {
        OrderState& o = orders[oi];
        if (!o.active(f.at)) continue;
        for (Pair& p : o.pairs)
          if (o.victims[p.victim].person == d.person) evaluate_pair(o, p, f.at, out);
      }
    }
    return {};
  }

  Outcome validate(uint32_t dev, const Fix& f) const {
    (void)dev;
    if (f.at < kYear2000Ms || (f.received_at > 0 && f.at > f.received_at + cfg.max_future_ms)) return {Status::rejected, Reject::bad_timestamp};
    if (f.has_fix && !valid_coordinates(f.lat, f.lon)) return {Status::rejected, Reject::bad_coordinates};
    return {};
  }
};

Engine::Engine(Config config) : impl_(std::make_unique<Impl>()) { impl_->cfg = config; }
Engine::Engine(Engine&&) noexcept = default;
Engine& Engine::operator=(Engine&&) noexcept = default;
Engine::~Engine() = default;

const Config& Engine::config() const { return impl_->cfg; }

Result<void> Engine::add_order(const Order& o) {
  auto& I = *impl_;
  if (I.order_by_id.count(o.id)) return fail(Error::conflict("duplicate_order", "La medida " + std::to_string(o.id) + " ya está cargada.", "order_id"));
  if (!(o.min_distance_m > 0) || o.min_distance_m > 100'000)
    return fail(Error::invalid("min_distance_m", "La distancia mínima debe ser un número de metros entre 1 y 100.000."));
  if (!(o.approach_m >= 0) || o.approach_m > 100'000)
    return fail(Error::invalid("approach_m", "La distancia de aviso debe ser un número de metros entre 0 y 100.000 (0: la predeterminada)."));
  if (o.ends_at != 0 && o.ends_at <= o.starts_at)
    return fail(Error::invalid("ends_at", "La medida termina antes de empezar."));
  OrderState s;
  s.id = o.id, s.min_m = o.min_distance_m, s.approach_m = o.approach_m, s.starts = o.starts_at, s.ends = o.ends_at;
  I.order_by_id[o.id] = uint32_t(I.orders.size());
  I.orders.push_back(std::move(s));
  return {};
}

Result<void> Engine::end_order(int64_t order_id, int64_t at) {
  auto& I = *impl_;
  auto it = I.order_by_id.find(order_id);
  if (it == I.order_by_id.end()) return fail(Error::not_found("La medida " + std::to_string(order_id) + " no está cargada."));
  OrderState& o = I.orders[it->second];
  if (at <= o.starts) return fail(Error::invalid("ends_at", "La medida termina antes de empezar."));
  if (o.ends == 0 || at < o.ends) o.ends = at;
  return {};
}

Result<void> Engine::add_zone(const Zone& z) {
  auto& I = *impl_;
  auto o = I.order_by_id.find(z.order_id);
  if (o == I.order_by_id.end()) return fail(Error::invalid("order_id", "La zona " + std::to_string(z.id) + " nombra una medida que no existe (" + std::to_string(z.order_id) + ")."));
  if (I.zone_by_id.count(z.id)) return fail(Error::conflict("duplicate_zone", "La zona " + std::to_string(z.id) + " ya está cargada.", "zone_id"));
  ZoneState s;
  s.id = z.id, s.order = o->second, s.shape = z.shape, s.label = z.label;
  if (z.shape == Zone::Shape::circle) {
    if (!valid_coordinates(z.center.lat, z.center.lon)) return fail(Error::invalid("lat", "El centro de la zona no es una coordenada válida."));
    if (!(z.radius_m > 0) || z.radius_m > 50'000) return fail(Error::invalid("radius_m", "El radio de la zona debe estar entre 1 y 50.000 m."));
    s.lat0 = z.center.lat, s.lon0 = z.center.lon, s.radius = z.radius_m;
  } else {
    if (z.polygon.size() < 3) return fail(Error::invalid("polygon", "El polígono de la zona necesita al menos 3 vértices."));
    double lat0 = 0, lon0 = 0;
    for (const LatLon& p : z.polygon) {
      if (!valid_coordinates(p.lat, p.lon)) return fail(Error::invalid("polygon", "Un vértice del polígono no es una coordenada válida."));
      lat0 += p.lat, lon0 += p.lon;
    }
    s.lat0 = lat0 / double(z.polygon.size()), s.lon0 = lon0 / double(z.polygon.size());
  }
  metres_per_degree(s.lat0, s.kx0, s.ky);
  {
    double kx1, kx2, ky_;
    metres_per_degree(s.lat0 + 0.001, kx1, ky_);
    metres_per_degree(s.lat0 - 0.001, kx2, ky_);
    s.dkx = (kx1 - kx2) / 0.002;
  }
  if (z.shape == Zone::Shape::polygon) {
    Poly2 poly;
    for (const LatLon& p : z.polygon) poly.outer().push_back(s.project(p.lat, p.lon));
    bg::correct(poly);  // orientation and closing point, whichever way it was drawn
    std::string why;
    if (!bg::is_valid(poly, why)) return fail(Error::invalid("polygon", "El polígono de la zona no es válido (se corta a sí mismo o no tiene área)."));
    for (const Pt2& p : poly.outer())
      if (std::abs(p.x()) > 50'000 || std::abs(p.y()) > 50'000)
        return fail(Error::invalid("polygon", "El polígono de la zona se extiende más de 50 km desde su centro."));
    s.poly = uint32_t(I.polygons.size());
    I.polygons.push_back(std::move(poly));
  }
  const uint32_t idx = uint32_t(I.zones.size());
  I.zone_by_id[z.id] = idx;
  I.zones.push_back(std::move(s));
  // Before the first position the whole set is packed at once; afterwards zones go in one by one.
  if (I.tree.empty() || I.tree_dirty) I.tree_dirty = true;
  else I.tree.insert(TreeValue(I.envelope(I.zones[idx]), idx));
  return {};
}

Result<void> Engine::add_device(const Device& d) {
  auto& I = *impl_;
  if (d.id.empty() || d.id.size() > 64) return fail(Error::invalid("device_id", "El identificador del dispositivo debe tener entre 1 y 64 caracteres."));
  auto o = I.order_by_id.find(d.order_id);
  if (o == I.order_by_id.end())
    return fail(Error::invalid("order_id", "El dispositivo " + d.id + " nombra una medida que no existe (" + std::to_string(d.order_id) + ")."));
  uint32_t h;
  auto it = I.device_by_id.find(d.id);
  if (it == I.device_by_id.end()) {
    h = uint32_t(I.devices.size());
    DeviceState s;
    s.id = d.id, s.kind = d.kind, s.person = d.person_id;
    I.devices.push_back(std::move(s));
    I.device_by_id.emplace(d.id, h);
  } else {
    h = it->second;
    const DeviceState& s = I.devices[h];
    if (s.kind != d.kind || s.person != d.person_id)
      return fail(Error::invalid("device_id", "El dispositivo " + d.id + " ya está asignado a otra persona o con otro tipo."));
    if (std::find(s.orders.begin(), s.orders.end(), o->second) != s.orders.end())
      return fail(Error::conflict("duplicate_device", "El dispositivo " + d.id + " ya está asignado a la medida " + std::to_string(d.order_id) + ".", "device_id"));
  }
  I.devices[h].orders.push_back(o->second);
  OrderState& os = I.orders[o->second];
  if (is_aggressor(d.kind)) {
    os.aggressors.push_back(h);
    for (uint32_t v = 0; v < os.victims.size(); ++v) os.pairs.push_back({h, v});
  } else {
    auto v = std::find_if(os.victims.begin(), os.victims.end(), [&](const Victim& x) { return x.person == d.person_id; });
    if (v == os.victims.end()) {
      os.victims.push_back({d.person_id, {h}});
      for (uint32_t a : os.aggressors) os.pairs.push_back({a, uint32_t(os.victims.size() - 1)});
    } else {
      v->devices.push_back(h);
    }
  }
  return {};
}

int64_t Engine::device_handle(std::string_view id) const {
  auto it = impl_->device_by_id.find(id);
  return it == impl_->device_by_id.end() ? -1 : int64_t(it->second);
}
size_t Engine::device_count() const { return impl_->devices.size(); }
size_t Engine::zone_count() const { return impl_->zones.size(); }
size_t Engine::order_count() const { return impl_->orders.size(); }

Outcome Engine::ingest(const Position& p, std::vector<Alert>& out) {
  auto it = impl_->device_by_id.find(std::string_view(p.device_id));
  if (it == impl_->device_by_id.end()) {
    ++impl_->stats.received;
    return impl_->reject(Reject::unknown_device);
  }
  return impl_->ingest(it->second, p.fix, out);
}

Outcome Engine::ingest(uint32_t device, const Fix& f, std::vector<Alert>& out) {
  if (device >= impl_->devices.size()) {
    ++impl_->stats.received;
    return impl_->reject(Reject::unknown_device);
  }
  return impl_->ingest(device, f, out);
}

std::vector<Outcome> Engine::ingest_batch(std::span<const Position> batch, std::vector<Alert>& out) {
  std::vector<size_t> order(batch.size());
  std::iota(order.begin(), order.end(), size_t(0));
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return batch[a].fix.at < batch[b].fix.at; });
  std::vector<Outcome> outcomes(batch.size());
  for (size_t i : order) outcomes[i] = ingest(batch[i], out);
  return outcomes;
}

void Engine::tick(int64_t now, std::vector<Alert>& out) {
  auto& I = *impl_;
  for (uint32_t h = 0; h < I.devices.size(); ++h) {
    DeviceState& d = I.devices[h];
    if (d.flags & flag_silent) continue;
    if (!std::any_of(d.orders.begin(), d.orders.end(), [&](uint32_t oi) { return I.orders[oi].active(now); })) continue;
    if (!(d.flags & flag_clock_started)) {
      d.flags |= flag_clock_started;
      d.last_seen = now;
      continue;
    }
    if (now - d.last_seen >= I.cfg.silence_ms) {
      d.flags |= flag_silent;
      I.raise(h, AlertType::silence, 0, I.first_order_id(d), 0, 0, now, d.lat, d.lon, std::numeric_limits<double>::quiet_NaN(), out);
      if (d.fix_at != kNever) out.back().place_at = d.fix_at;
    }
  }
}

Outcome Engine::validate(const Position& p) const {
  auto it = impl_->device_by_id.find(std::string_view(p.device_id));
  if (it == impl_->device_by_id.end()) return {Status::rejected, Reject::unknown_device};
  return impl_->validate(it->second, p.fix);
}

const std::vector<Incident>& Engine::incidents() const { return impl_->incidents; }

Result<void> Engine::close_incident(uint64_t id) {
  if (id == 0 || id > impl_->incidents.size()) return fail(Error::not_found("El incidente no existe."));
  impl_->incidents[id - 1].open = false;
  return {};
}

const std::string& Engine::device_id(uint32_t handle) const { return impl_->devices.at(handle).id; }

Fix Engine::last_fix(uint32_t device) const {
  Fix f;
  const DeviceState& d = impl_->devices.at(device);
  // The place's own instant: after reports without a fix, the last report is later than the place.
  f.has_fix = d.fix_at != kNever;
  f.at = f.has_fix ? d.fix_at : d.last_at;
  f.lat = d.lat, f.lon = d.lon;
  f.battery_pct = d.battery;
  return f;
}

const Stats& Engine::stats() const { return impl_->stats; }

size_t Engine::memory_bytes() const {
  const auto& I = *impl_;
  auto heap_string = [](const std::string& s) { return s.capacity() > 15 ? s.capacity() + 1 : 0; };
  size_t n = sizeof(Impl);
  n += I.devices.capacity() * sizeof(DeviceState);
  for (const auto& d : I.devices)
    n += heap_string(d.id) + d.orders.capacity() * sizeof(uint32_t) + d.inside.capacity() * sizeof(Inside);
  // unordered_map: one node per entry (next pointer, value, cached hash) plus the bucket array.
  n += I.device_by_id.bucket_count() * sizeof(void*) + I.device_by_id.size() * (sizeof(void*) * 2 + sizeof(std::pair<std::string, uint32_t>));
  for (const auto& [k, v] : I.device_by_id) n += heap_string(k);
  n += I.orders.capacity() * sizeof(OrderState);
  for (const auto& o : I.orders) {
    n += o.aggressors.capacity() * 4 + o.victims.capacity() * sizeof(Victim) + o.pairs.capacity() * sizeof(Pair);
    for (const auto& v : o.victims) n += v.devices.capacity() * 4;
  }
  n += I.order_by_id.bucket_count() * sizeof(void*) + I.order_by_id.size() * 32;
  n += I.zones.capacity() * sizeof(ZoneState) + I.zone_by_id.bucket_count() * sizeof(void*) + I.zone_by_id.size() * 32;
  for (const auto& z : I.zones) n += heap_string(z.label);
  n += I.polygons.capacity() * sizeof(Poly2);
  for (const auto& p : I.polygons) n += p.outer().capacity() * sizeof(Pt2);
  // R-tree: leaves hold the values; internal nodes add about 1/(fill) more at 16 per node.
  n += I.tree.size() * sizeof(TreeValue) * 17 / 16 + I.tree.size() / 8 * sizeof(void*) * 2;
  n += I.incidents.capacity() * sizeof(Incident) + I.open_incident.bucket_count() * sizeof(void*) + I.open_incident.size() * 40;
  return n;
}

double local_distance_m(LatLon a, LatLon b) {
  double kx, ky;
  metres_per_degree((a.lat + b.lat) * 0.5, kx, ky);
  const double dx = (b.lon - a.lon) * kx, dy = (b.lat - a.lat) * ky;
  return std::sqrt(dx * dx + dy * dy);
}

std::string_view to_string(DeviceKind k) {
  switch (k) {
    case DeviceKind::victim_bracelet: return "victim_bracelet";
    case DeviceKind::victim_mobile: return "victim_mobile";
    case DeviceKind::aggressor_tag: return "aggressor_tag";
  }
  return "";
}

Result<DeviceKind> parse_device_kind(std::string_view t, std::string_view field) {
  if (t == "victim_bracelet") return DeviceKind::victim_bracelet;
  if (t == "victim_mobile") return DeviceKind::victim_mobile;
  if (t == "aggressor_tag") return DeviceKind::aggressor_tag;
  return fail(Error::invalid(std::string(field), "Tipo de dispositivo desconocido «" + std::string(t) +
                                                     "»: use victim_bracelet, victim_mobile o aggressor_tag."));
}

std::string_view to_string(AlertType t) {
  static constexpr std::string_view names[] = {"panic", "proximity_breach", "proximity_warning", "zone_enter",
                                               "zone_exit", "tamper", "low_battery", "silence"};
  return names[int(t)];
}
std::string_view label_es(AlertType t) {
  static constexpr std::string_view names[] = {"Botón de pánico", "Quebrantamiento de distancia", "Aviso de acercamiento",
                                               "Ingreso a zona de exclusión", "Salida de zona de exclusión",
                                               "Manipulación o corte de correa", "Batería baja", "Sin señal"};
  return names[int(t)];
}
std::string_view to_string(Severity s) {
  static constexpr std::string_view names[] = {"critical", "high", "medium", "low", "info"};
  return names[int(s)];
}
std::string_view to_string(Reject r) {
  static constexpr std::string_view names[] = {"unknown_device", "bad_coordinates", "bad_timestamp", "absurd_speed"};
  return names[int(r)];
}
std::string_view reason_es(Reject r) {
  static constexpr std::string_view names[] = {"dispositivo desconocido", "coordenadas inválidas",
                                               "marca de tiempo inválida", "velocidad implausible"};
  return names[int(r)];
}

std::vector<std::string> order_warnings(const Order& o, const OrderContext& ctx) {
  std::vector<std::string> w;
  if (!(o.min_distance_m > 0)) {
    w.push_back("La medida no fija una distancia mínima: sin ella no hay zona móvil alrededor de la víctima.");
  } else {
    const double reach_m = ctx.aggressor_speed_kmh / 3.6 * ctx.response_s;
    const double needed = reach_m + 2 * ctx.gps_error_m;
    if (o.min_distance_m < needed)
      w.push_back("Una distancia mínima de " + metres(o.min_distance_m) + " no deja tiempo de respuesta: a " +
                  format_integer(std::llround(ctx.aggressor_speed_kmh)) + " km/h el agresor la recorre en " +
                  format_integer(std::llround(o.min_distance_m / (ctx.aggressor_speed_kmh / 3.6))) +
                  " s, y avisar a la víctima toma unos " + format_integer(std::llround(ctx.response_s)) +
                  " s (más el error del GPS). Se recomienda al menos " + metres(std::ceil(needed / 10) * 10) + ".");
    const double approach = o.approach_m > 0 ? o.approach_m : ctx.approach_m;
    if (approach <= o.min_distance_m)
      w.push_back("La distancia de aviso de acercamiento (" + metres(approach) + ") no es mayor que la distancia mínima (" +
                  metres(o.min_distance_m) + "): no habrá aviso antes del quebrantamiento.");
  }
  if (ctx.aggressor_home && ctx.victim_home && o.min_distance_m > 0) {
    const double d = local_distance_m(*ctx.aggressor_home, *ctx.victim_home);
    if (d < o.min_distance_m)
      w.push_back("El domicilio registrado del agresor está a " + metres(d) + " del domicilio de la víctima, menos que la distancia mínima (" +
                  metres(o.min_distance_m) + "): estando en su casa quebrantaría la medida y las alertas serían permanentes.");
  }
  // Zones go through a scratch engine so that "inside" means exactly what the engine will compute.
  Engine scratch;
  Order so = o;
  if (!(so.min_distance_m > 0)) so.min_distance_m = 1;
  so.approach_m = 0, so.starts_at = 0, so.ends_at = 0;
  (void)scratch.add_order(so);
  for (const Zone& z : ctx.zones) {
    const std::string name = "«" + (z.label.empty() ? std::to_string(z.id) : z.label) + "»";
    Zone zz = z;
    zz.order_id = so.id;
    if (auto ok = scratch.add_zone(zz); !ok) {
      w.push_back("La zona " + name + " no se puede vigilar: " + ok.error().message);
      continue;
    }
    if (z.shape == Zone::Shape::circle && z.radius_m < 2 * ctx.gps_error_m)
      w.push_back("La zona " + name + " tiene un radio de " + metres(z.radius_m) + ", menos del doble del error típico del GPS (" +
                  metres(ctx.gps_error_m) + "): producirá ingresos y salidas falsos.");
  }
  if (ctx.aggressor_home && scratch.zone_count() > 0) {
    // The aggressor's home as one position of his tag: every zone the engine enters is a warning.
    (void)scratch.add_device({"domicilio", DeviceKind::aggressor_tag, 0, so.id});
    Fix f;
    f.at = kYear2000Ms + 1;
    f.lat = ctx.aggressor_home->lat, f.lon = ctx.aggressor_home->lon;
    std::vector<Alert> alerts;
    scratch.ingest(0, f, alerts);
    for (const Alert& a : alerts) {
      if (a.type != AlertType::zone_enter) continue;
      auto z = std::find_if(ctx.zones.begin(), ctx.zones.end(), [&](const Zone& x) { return x.id == a.zone_id; });
      const std::string name = "«" + (z == ctx.zones.end() || z->label.empty() ? std::to_string(a.zone_id) : z->label) + "»";
      w.push_back("El domicilio registrado del agresor queda dentro de la zona de exclusión " + name +
                  ": estando en su casa quebrantaría la medida y las alertas serían permanentes.");
    }
  }
  return w;
}

}  // namespace eq::monitoring
