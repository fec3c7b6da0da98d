// Telematic monitoring of protective orders (issue 6): the alert engine. Pure and in memory: no IO,
// no SQL, no clock of its own (every instant comes in with the data), so the live server, the
// offline replay (`equidad monitor replay`) and the tests run exactly the same code.
//
// Model. A protective order protects one or more victims from one aggressor; it sets a minimum
// distance (the mobile zone around each victim), an approach-warning distance, and fixed exclusion
// zones (circles or polygons). Devices belong to a person and to one or more orders: the victim's
// panic bracelet (button, optional GPS), the victim's mobile unit, the aggressor's tag (GPS and a
// strap/tamper sensor). Positions come in, alerts go out.
//
// Threading. An Engine is single-threaded. Everything one position can touch lives inside the
// orders of its device, so a server shards by order group (one engine per core) and serialises the
// positions of each shard; ingest() returns the alerts synchronously so the caller can commit them
// before it acknowledges the device's request.
//
// Geometry. Distances use a local tangent-plane projection on the WGS84 ellipsoid: metres per
// degree of latitude and longitude from the meridional (M) and prime-vertical (N) radii of
// curvature at the zone's centre (zones) or at the pair's mean latitude (aggressor–victim). Against
// Boost.Geometry's Vincenty geodesic the relative error stays below 1e-4 up to 20 km from the origin
// between latitudes 17°S and 56°S (tests/monitoring/engine_test.cc measures it), i.e. under 1 m at
// the distances orders use, well inside GPS error. Fixed zones are found through a Boost.Geometry
// R-tree whose boxes are (longitude, latitude, order): the third axis keeps one order's zones apart
// from the thousands of other orders' zones that overlap them in a city.
#pragma once
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace eq::monitoring {

enum class DeviceKind : uint8_t {
  victim_bracelet,  // panic button, optional GPS
  victim_mobile,    // GPS unit the victim carries
  aggressor_tag,    // GPS ankle tag with strap/tamper sensor
};
std::string_view to_string(DeviceKind k);
Result<DeviceKind> parse_device_kind(std::string_view text, std::string_view field);
inline bool is_aggressor(DeviceKind k) { return k == DeviceKind::aggressor_tag; }

struct LatLon {
  double lat = 0, lon = 0;
};

struct Order {
  int64_t id = 0;
  double min_distance_m = 0;   // ordered distance: closer is a breach
  double approach_m = 0;       // approach warning below this; 0 = the engine's default
  int64_t starts_at = 0;       // ms; 0 = already in force
  int64_t ends_at = 0;         // ms, exclusive; 0 = open-ended
};

struct Zone {
  enum class Shape : uint8_t { circle, polygon };
  int64_t id = 0;
  int64_t order_id = 0;
  std::string label;             // "domicilio víctima", "colegio"… (shown to operators)
  Shape shape = Shape::circle;
  LatLon center;                 // circle centre
  double radius_m = 0;           // circle radius
  std::vector<LatLon> polygon;   // outer ring, either orientation, closed or not; no holes
};

struct Device {
  std::string id;                // what the tracker sends as `id` (IMEI, serial)
  DeviceKind kind = DeviceKind::victim_mobile;
  int64_t person_id = 0;
  int64_t order_id = 0;          // add the same device again with another order to serve several
};

// Alarm flags a position can carry (OsmAnd `alarm`).
enum Alarm : uint8_t {
  alarm_none = 0,
  alarm_panic = 1,        // sos
  alarm_tamper = 2,       // tampering, strap cut, removing
  alarm_low_battery = 4,  // lowBattery, lowPower
};

struct Fix {
  int64_t at = 0;           // device time, ms UTC
  int64_t received_at = 0;  // server time, ms; 0 = same as `at` (the replay has only one clock)
  double lat = std::numeric_limits<double>::quiet_NaN();
  double lon = std::numeric_limits<double>::quiet_NaN();
  bool has_fix = true;      // false: no GPS position (a bracelet's button press, `valid=false`)
  float speed_kmh = std::numeric_limits<float>::quiet_NaN();
  float bearing = std::numeric_limits<float>::quiet_NaN();
  float altitude_m = std::numeric_limits<float>::quiet_NaN();
  float accuracy_m = std::numeric_limits<float>::quiet_NaN();
  int16_t battery_pct = -1; // -1 unknown
  uint8_t alarms = alarm_none;
};

struct Position {
  std::string device_id;
  Fix fix;
  // What the engine does not read but is kept with the position (sealed: it may locate): cell
  // towers, Wi-Fi access points, charging, motion event, the client's extras. A JSON object, or
  // empty.
  std::string report;
};

enum class AlertType : uint8_t {
  panic,              // button pressed
  proximity_breach,   // aggressor closer to a victim than the ordered distance
  proximity_warning,  // aggressor closer than the approach distance
  zone_enter,         // aggressor inside a fixed exclusion zone
  zone_exit,          // ... and out again (past the margin)
  tamper,             // strap cut / case opened
  low_battery,
  silence,            // no position for the silence interval
};
inline constexpr int kAlertTypes = 8;
enum class Severity : uint8_t { critical, high, medium, low, info };
std::string_view to_string(AlertType t);
std::string_view to_string(Severity s);
std::string_view label_es(AlertType t);  // "Botón de pánico", "Quebrantamiento de distancia"…

// One raised alert. Repeats of an open incident (same device, type and subject within the fold
// window) come out with repeat = true and the incident's running count: a console updates its row
// instead of adding one, so a storm never swamps the queue.
struct Alert {
  uint64_t incident = 0;
  bool repeat = false;
  uint32_t count = 1;          // alerts folded into the incident so far
  AlertType type{};
  Severity severity{};
  std::string device_id;
  int64_t person_id = 0;       // the device's person
  int64_t order_id = 0;        // zone and proximity alerts: their order; others: the device's first order
  int64_t zone_id = 0;         // zone_enter/zone_exit
  int64_t victim_person_id = 0;  // proximity_*
  int64_t at = 0;              // ms
  double lat = std::numeric_limits<double>::quiet_NaN(), lon = std::numeric_limits<double>::quiet_NaN();
  double distance_m = std::numeric_limits<double>::quiet_NaN();  // proximity: aggressor–victim
  int battery_pct = -1;
  // A report without a GPS fix: lat/lon are the last known place and this is when it was fixed
  // (0: the place is the report's own).
  int64_t place_at = 0;
};

struct Incident {
  uint64_t id = 0;
  AlertType type{};
  Severity severity{};
  uint32_t device = 0;  // engine's device handle
  int64_t person_id = 0;
  int64_t order_id = 0, zone_id = 0, victim_person_id = 0;
  int64_t first_at = 0, last_at = 0;
  uint32_t count = 0;
  bool open = true;
  double lat = std::numeric_limits<double>::quiet_NaN(), lon = std::numeric_limits<double>::quiet_NaN();
  double min_distance_m = std::numeric_limits<double>::quiet_NaN();  // closest approach seen
};

enum class Reject : uint8_t {
  unknown_device,
  bad_coordinates,  // NaN, infinite, out of range, or (0, 0)
  bad_timestamp,    // before 2000 or more than max_future ahead of reception
  absurd_speed,     // implied speed from the previous accepted fix above max_speed_kmh
};
inline constexpr int kRejectReasons = 4;
std::string_view to_string(Reject r);
std::string_view reason_es(Reject r);

enum class Status : uint8_t {
  accepted,   // moved the live state and was evaluated
  stale,      // older than the device's last accepted position: history only (alarms still raised)
  duplicate,  // same instant and place as the last accepted one: ignored
  rejected,
};
struct Outcome {
  Status status = Status::accepted;
  Reject reason{};  // when rejected
};

struct Config {
  double approach_m = 500;               // default approach-warning distance
  int64_t silence_ms = 10 * 60'000;      // no position for this long → silence
  int64_t live_max_age_ms = 10 * 60'000; // the other party's fix older than this is not "live"
  double exit_margin_m = 30;             // zones and distances clear only this far past the edge…
  int exit_confirm = 2;                  // …for this many consecutive fixes
  int low_battery_pct = 15;
  int battery_rearm_pct = 25;            // low battery fires again only after charging above this
  double max_speed_kmh = 300;
  int speed_reanchor = 3;                // after this many consecutive speed rejections, trust the new place
  int64_t max_future_ms = 10 * 60'000;   // device clock ahead of reception by more → rejected
  int64_t fold_window_ms = 30 * 60'000;  // a repeat within this of the incident's last alert folds into it
};

struct Stats {
  uint64_t received = 0, accepted = 0, stale = 0, duplicates = 0;
  uint64_t rejected[kRejectReasons] = {};
  uint64_t alerts = 0;       // raised, including repeats
  uint64_t repeats = 0;      // folded into an open incident
  uint64_t incidents = 0;    // opened
  uint64_t rejected_total() const {
    uint64_t n = 0;
    for (auto r : rejected) n += r;
    return n;
  }
};

class Engine {
 public:
  explicit Engine(Config config = {});
  Engine(Engine&&) noexcept;
  Engine& operator=(Engine&&) noexcept;
  ~Engine();

  const Config& config() const;

  // Set-up (rebuilt from the database at start, then kept in step). Errors are Spanish,
  // Error::invalid naming the field. Orders first, then their zones and devices.
  Result<void> add_order(const Order& o);
  Result<void> add_zone(const Zone& z);
  Result<void> add_device(const Device& d);
  // The order stops being in force at `at` (ms, after its start): its zones, distances and
  // silences are no longer evaluated. Its devices' own alarms (a panic press) still are.
  Result<void> end_order(int64_t order_id, int64_t at);

  // The engine's handle for a device id, or -1. Handles are dense and stable.
  int64_t device_handle(std::string_view device_id) const;
  size_t device_count() const;
  size_t zone_count() const;
  size_t order_count() const;

  // Evaluates one position; alerts raised are appended to `out`. Out-of-order positions (older
  // than the device's last accepted one) do not move the live state: re-evaluating the past would
  // need the other parties' positions at that instant and would raise alerts about a situation
  // that is over; they are history (the caller stores them) and only their alarms (a button
  // pressed in a tunnel) are raised.
  Outcome ingest(const Position& p, std::vector<Alert>& out);
  Outcome ingest(uint32_t device, const Fix& f, std::vector<Alert>& out);
  // A batch (JSON endpoint, a tracker emptying its buffer after a tunnel): processed in device
  // time order (stable), so buffered fixes are evaluated rather than discarded as stale.
  std::vector<Outcome> ingest_batch(std::span<const Position> batch, std::vector<Alert>& out);

  // Raises silence for devices whose last position (reception time) is older than silence_ms.
  // Call periodically with the server clock; a device never heard of starts its clock at the
  // first tick that sees it.
  void tick(int64_t now, std::vector<Alert>& out);

  // Same checks as ingest() before any state moves (device known, coordinates, timestamp); the
  // same-run baseline of the benchmark.
  Outcome validate(const Position& p) const;

  // Incidents, in opening order (ids are 1-based positions in this list).
  const std::vector<Incident>& incidents() const;
  // An operator closed it: the next alert of that kind opens a new incident.
  Result<void> close_incident(uint64_t id);
  const std::string& device_id(uint32_t handle) const;

  // Last GPS fix of a device, with the instant it was fixed (has_fix false when none: then `at` is
  // the last report's); battery from the last report, fix or not.
  Fix last_fix(uint32_t device) const;

  const Stats& stats() const;
  // Heap and inline bytes held by the engine's structures (devices, orders, zones, R-tree).
  size_t memory_bytes() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Distance in metres between two WGS84 points with the engine's local projection (see above).
double local_distance_m(LatLon a, LatLon b);

// Warnings (Spanish, for the person creating the order) when an order cannot work as written.
// Pure: nothing is refused, the order may still be saved.
struct OrderContext {
  std::vector<Zone> zones;                 // the order's fixed zones
  std::optional<LatLon> aggressor_home;    // registered address, geocoded
  std::optional<LatLon> victim_home;
  double approach_m = 500;                 // engine default when the order sets none
  double aggressor_speed_kmh = 30;         // urban driving
  double response_s = 60;                  // alert → operator → call to the victim
  double gps_error_m = 30;                 // typical error of a worn tracker in a city
};
std::vector<std::string> order_warnings(const Order& o, const OrderContext& ctx);

}  // namespace eq::monitoring
