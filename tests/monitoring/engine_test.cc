#include "monitoring/engine.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#ifndef BOOST_ALLOW_DEPRECATED_HEADERS
#define BOOST_ALLOW_DEPRECATED_HEADERS
#endif
#include <boost/geometry.hpp>

namespace eq::monitoring {
namespace {

constexpr int64_t T0 = 1'795'500'000'000LL;
constexpr int64_t kSec = 1000, kMin = 60'000;
const LatLon kHome{-33.45, -70.65};

// A point `north` and `east` metres from `o`, through the engine's own scale (exact enough here).
LatLon offset(LatLon o, double north, double east) {
  const double ky = local_distance_m(o, {o.lat + 0.01, o.lon}) / 0.01;
  const double kx = local_distance_m(o, {o.lat, o.lon + 0.01}) / 0.01;
  return {o.lat + north / ky, o.lon + east / kx};
}

struct World {
  Engine e;
  std::vector<Alert> out;
  explicit World(Config c = {}) : e(c) {
    EXPECT_TRUE(e.add_order({1, 200, 500}));
    EXPECT_TRUE(e.add_order({2, 300, 0}));
    Zone z;
    z.id = 10, z.order_id = 1, z.label = "domicilio víctima", z.center = kHome, z.radius_m = 300;
    EXPECT_TRUE(e.add_zone(z));
    Zone p;  // a school block 2 km north, ~200 × 200 m
    p.id = 11, p.order_id = 1, p.label = "colegio", p.shape = Zone::Shape::polygon;
    const LatLon c = offset(kHome, 2000, 0);
    p.polygon = {offset(c, -100, -100), offset(c, -100, 100), offset(c, 100, 100), offset(c, 100, -100)};
    EXPECT_TRUE(e.add_zone(p));
    Zone other;  // order 2's zone, at the same place as order 1's home zone
    other.id = 20, other.order_id = 2, other.center = kHome, other.radius_m = 500;
    EXPECT_TRUE(e.add_zone(other));
    EXPECT_TRUE(e.add_device({"A", DeviceKind::aggressor_tag, 100, 1}));
    EXPECT_TRUE(e.add_device({"B", DeviceKind::victim_bracelet, 200, 1}));
    EXPECT_TRUE(e.add_device({"M", DeviceKind::victim_mobile, 200, 1}));
    EXPECT_TRUE(e.add_device({"A2", DeviceKind::aggressor_tag, 300, 2}));
  }
  Outcome at(const std::string& dev, int64_t t, LatLon p, uint8_t alarms = 0, int battery = -1) {
    Position pos;
    pos.device_id = dev;
    pos.fix.at = t;
    pos.fix.lat = p.lat, pos.fix.lon = p.lon;
    pos.fix.alarms = alarms;
    pos.fix.battery_pct = int16_t(battery);
    return e.ingest(pos, out);
  }
  size_t count(AlertType t, bool include_repeats = true) const {
    return size_t(std::count_if(out.begin(), out.end(), [&](const Alert& a) { return a.type == t && (include_repeats || !a.repeat); }));
  }
};

TEST(MonitoringEngine, PanicFiresOnlyWithTheAlarm) {
  World w;
  w.at("B", T0, offset(kHome, 0, 5000));
  EXPECT_EQ(w.count(AlertType::panic), 0u);
  w.at("B", T0 + 30 * kSec, offset(kHome, 0, 5000), alarm_panic);
  ASSERT_EQ(w.count(AlertType::panic), 1u);
  EXPECT_EQ(w.out.back().severity, Severity::critical);
  EXPECT_EQ(w.out.back().person_id, 200);
  // A bracelet without GPS: the alert carries the victim's last known place (here, her mobile's).
  World g;
  g.at("M", T0, offset(kHome, 0, 5000));
  Position p;
  p.device_id = "B";
  p.fix.at = T0 + kSec;
  p.fix.has_fix = false;
  p.fix.alarms = alarm_panic;
  g.e.ingest(p, g.out);
  ASSERT_EQ(g.count(AlertType::panic), 1u);
  EXPECT_NEAR(g.out.back().lat, offset(kHome, 0, 5000).lat, 1e-9);
}

TEST(MonitoringEngine, ProximityWarningThenBreachAgainstLastKnownVictimPosition) {
  World w;
  const LatLon v = offset(kHome, 0, 5000);
  w.at("M", T0, v);
  w.at("A", T0 + kSec, offset(v, 1000, 0));
  EXPECT_TRUE(w.out.empty());
  w.at("A", T0 + 20 * kSec, offset(v, 400, 0));
  ASSERT_EQ(w.out.size(), 1u);
  EXPECT_EQ(w.out[0].type, AlertType::proximity_warning);
  EXPECT_EQ(w.out[0].victim_person_id, 200);
  EXPECT_NEAR(w.out[0].distance_m, 400, 1);
  w.at("A", T0 + 40 * kSec, offset(v, 150, 0));
  ASSERT_EQ(w.out.size(), 2u);
  EXPECT_EQ(w.out[1].type, AlertType::proximity_breach);
  EXPECT_EQ(w.out[1].severity, Severity::critical);
  EXPECT_EQ(w.out[1].device_id, "A");
  EXPECT_EQ(w.out[1].order_id, 1);
  // The victim moving closer is evaluated too (his last fix is live), without a second alert.
  w.at("M", T0 + 50 * kSec, offset(v, 100, 0));
  EXPECT_EQ(w.out.size(), 2u);
}

TEST(MonitoringEngine, ProximityIgnoresStalePartiesAndOtherOrders) {
  World w;
  const LatLon v = offset(kHome, 0, 5000);
  w.at("M", T0, v);
  w.at("A", T0 + 11 * kMin, offset(v, 50, 0));  // her fix is 11 min old: not live
  EXPECT_EQ(w.count(AlertType::proximity_breach), 0u);
  w.at("A2", T0 + 11 * kMin, offset(v, 10, 0));  // another order's aggressor
  EXPECT_TRUE(w.out.empty());
}

TEST(MonitoringEngine, ProximityHysteresisDoesNotFlap) {
  World w;
  const LatLon v = offset(kHome, 0, 5000);
  w.at("M", T0, v);
  int64_t t = T0;
  // On the 200 m edge, ±10 m, for twenty fixes: one breach.
  for (int i = 0; i < 20; ++i) w.at("A", t += 5 * kSec, offset(v, i % 2 ? 210 : 190, 0));
  EXPECT_EQ(w.count(AlertType::proximity_breach), 1u);
  // One fix past the margin (230 m) is not enough; two are, and the pair steps down to warning.
  w.at("A", t += 5 * kSec, offset(v, 240, 0));
  w.at("A", t += 5 * kSec, offset(v, 195, 0));
  EXPECT_EQ(w.count(AlertType::proximity_breach), 1u);
  w.at("A", t += 5 * kSec, offset(v, 240, 0));
  w.at("A", t += 5 * kSec, offset(v, 240, 0));
  w.at("A", t += 5 * kSec, offset(v, 150, 0));  // back inside: a breach again, folded into the open incident
  EXPECT_EQ(w.count(AlertType::proximity_breach), 2u);
  EXPECT_EQ(w.count(AlertType::proximity_breach, false), 1u);
  EXPECT_TRUE(w.out.back().repeat);
  EXPECT_EQ(w.out.back().count, 2u);
}

TEST(MonitoringEngine, FixedCircleZoneEnterAndExitWithHysteresis) {
  World w;
  int64_t t = T0;
  w.at("A", t, offset(kHome, 0, 1000));
  EXPECT_TRUE(w.out.empty());
  w.at("A", t += 30 * kSec, offset(kHome, 0, 100));
  ASSERT_EQ(w.out.size(), 1u);
  EXPECT_EQ(w.out[0].type, AlertType::zone_enter);
  EXPECT_EQ(w.out[0].zone_id, 10);
  EXPECT_EQ(w.out[0].severity, Severity::high);
  // Wobbling across the 300 m edge (290/310, inside the 30 m margin): no exit, no new entry.
  for (int i = 0; i < 10; ++i) w.at("A", t += 10 * kSec, offset(kHome, 0, i % 2 ? 310 : 290));
  EXPECT_EQ(w.out.size(), 1u);
  w.at("A", t += 10 * kSec, offset(kHome, 0, 360));
  EXPECT_EQ(w.count(AlertType::zone_exit), 0u);
  w.at("A", t += 10 * kSec, offset(kHome, 0, 380));
  ASSERT_EQ(w.count(AlertType::zone_exit), 1u);
  EXPECT_EQ(w.out.back().severity, Severity::info);
  // Order 2's zone covers the same place; A is not bound by it (the R-tree's order axis).
  EXPECT_EQ(std::count_if(w.out.begin(), w.out.end(), [](const Alert& a) { return a.zone_id == 20; }), 0);
}

TEST(MonitoringEngine, PolygonZoneAndOtherOrdersZones) {
  World w;
  const LatLon school = offset(kHome, 2000, 0);
  w.at("A", T0, offset(school, 150, 0));
  EXPECT_TRUE(w.out.empty());
  w.at("A", T0 + 10 * kSec, offset(school, 50, 50));
  ASSERT_EQ(w.out.size(), 1u);
  EXPECT_EQ(w.out[0].zone_id, 11);
  w.at("A2", T0, offset(kHome, 0, 100));
  ASSERT_EQ(w.out.size(), 2u);
  EXPECT_EQ(w.out[1].zone_id, 20);
  EXPECT_EQ(w.out[1].order_id, 2);
}

TEST(MonitoringEngine, TamperStormFoldsIntoOneIncident) {
  World w;
  for (int i = 0; i < 500; ++i) w.at("A", T0 + i * kSec, offset(kHome, 0, 5000), alarm_tamper);
  EXPECT_EQ(w.count(AlertType::tamper), 500u);
  EXPECT_EQ(w.count(AlertType::tamper, false), 1u);
  ASSERT_EQ(w.e.incidents().size(), 1u);
  EXPECT_EQ(w.e.incidents()[0].count, 500u);
  EXPECT_EQ(w.e.incidents()[0].last_at, T0 + 499 * kSec);
  EXPECT_EQ(w.e.incidents()[0].severity, Severity::critical);
  EXPECT_EQ(w.e.stats().repeats, 499u);
  // Closed by an operator: the next one opens a new incident; so does one after the fold window.
  ASSERT_TRUE(w.e.close_incident(1));
  w.at("A", T0 + 600 * kSec, offset(kHome, 0, 5000), alarm_tamper);
  EXPECT_EQ(w.e.incidents().size(), 2u);
  w.at("A", T0 + 600 * kSec + 31 * kMin, offset(kHome, 0, 5000), alarm_tamper);
  EXPECT_EQ(w.e.incidents().size(), 3u);
  EXPECT_FALSE(w.out.back().repeat);
}

TEST(MonitoringEngine, OutOfOrderIsHistoryOnlyAndDuplicatesAreIgnored) {
  World w;
  w.at("A", T0 + 60 * kSec, offset(kHome, 0, 2000));
  EXPECT_EQ(w.at("A", T0 + 60 * kSec, offset(kHome, 0, 2000)).status, Status::duplicate);
  // An older fix inside the zone: stored by the caller, live state untouched, no zone alert.
  EXPECT_EQ(w.at("A", T0 + 30 * kSec, kHome).status, Status::stale);
  EXPECT_TRUE(w.out.empty());
  EXPECT_NEAR(w.e.last_fix(uint32_t(w.e.device_handle("A"))).lon, offset(kHome, 0, 2000).lon, 1e-12);
  // ... but a button pressed in the past is still a button pressed.
  EXPECT_EQ(w.at("B", T0 + 90 * kSec, kHome).status, Status::accepted);
  EXPECT_EQ(w.at("B", T0 + 70 * kSec, kHome, alarm_panic).status, Status::stale);
  EXPECT_EQ(w.count(AlertType::panic), 1u);
  EXPECT_EQ(w.e.stats().stale, 2u);
  EXPECT_EQ(w.e.stats().duplicates, 1u);
}

TEST(MonitoringEngine, BufferedBurstAfterTunnelIsEvaluatedInTimeOrder) {
  World w;
  w.at("A", T0, offset(kHome, 0, 2000));
  // Five fixes buffered in a tunnel arrive together and shuffled: in, in, out, out, out.
  std::vector<Position> burst;
  const double east[] = {100, 50, 600, 700, 800};
  for (int i = 0; i < 5; ++i) {
    Position p;
    p.device_id = "A";
    p.fix.at = T0 + (i + 1) * 30 * kSec;
    const LatLon q = offset(kHome, 0, east[i]);
    p.fix.lat = q.lat, p.fix.lon = q.lon;
    burst.push_back(p);
  }
  std::swap(burst[0], burst[4]);
  std::swap(burst[1], burst[3]);
  const auto outcomes = w.e.ingest_batch(burst, w.out);
  for (const Outcome& o : outcomes) EXPECT_EQ(o.status, Status::accepted);
  ASSERT_EQ(w.out.size(), 2u);
  EXPECT_EQ(w.out[0].type, AlertType::zone_enter);
  EXPECT_EQ(w.out[0].at, T0 + 30 * kSec);
  EXPECT_EQ(w.out[1].type, AlertType::zone_exit);
  EXPECT_EQ(w.out[1].at, T0 + 120 * kSec);
}

TEST(MonitoringEngine, InvalidInputIsRejectedAndCountedByReason) {
  World w;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(w.at("A", T0, {nan, -70.6}).reason, Reject::bad_coordinates);
  EXPECT_EQ(w.at("A", T0, {-95, -70.6}).reason, Reject::bad_coordinates);
  EXPECT_EQ(w.at("A", T0, {0, 0}).reason, Reject::bad_coordinates);
  EXPECT_EQ(w.at("A", T0, {-33, std::numeric_limits<double>::infinity()}).reason, Reject::bad_coordinates);
  EXPECT_EQ(w.at("nadie", T0, kHome).reason, Reject::unknown_device);
  EXPECT_EQ(w.at("A", 631'152'000'000LL, kHome).reason, Reject::bad_timestamp);  // 1990
  Position future;
  future.device_id = "A";
  future.fix.received_at = T0;
  future.fix.at = T0 + 3600 * kSec;
  future.fix.lat = -33, future.fix.lon = -70;
  EXPECT_EQ(w.e.ingest(future, w.out).reason, Reject::bad_timestamp);
  // 50 km in 10 s (18,000 km/h) is refused; after three refusals in a row the new place is trusted.
  EXPECT_EQ(w.at("A", T0 + 10 * kSec, offset(kHome, 0, 3000)).status, Status::accepted);
  EXPECT_EQ(w.at("A", T0 + 20 * kSec, offset(kHome, 50000, 0)).reason, Reject::absurd_speed);
  EXPECT_EQ(w.at("A", T0 + 30 * kSec, offset(kHome, 0, 3100)).status, Status::accepted);  // 100 m in 20 s
  EXPECT_EQ(w.at("A", T0 + 40 * kSec, offset(kHome, 50000, 0)).reason, Reject::absurd_speed);
  EXPECT_EQ(w.at("A", T0 + 50 * kSec, offset(kHome, 50010, 0)).reason, Reject::absurd_speed);
  EXPECT_EQ(w.at("A", T0 + 60 * kSec, offset(kHome, 50020, 0)).status, Status::accepted);
  const Stats& s = w.e.stats();
  EXPECT_EQ(s.rejected[int(Reject::bad_coordinates)], 4u);
  EXPECT_EQ(s.rejected[int(Reject::unknown_device)], 1u);
  EXPECT_EQ(s.rejected[int(Reject::bad_timestamp)], 2u);
  EXPECT_EQ(s.rejected[int(Reject::absurd_speed)], 3u);
  EXPECT_EQ(s.rejected_total(), 10u);
  EXPECT_EQ(s.received, 13u);
  EXPECT_TRUE(w.out.empty());
}

TEST(MonitoringEngine, SilenceFoundByTick) {
  World w;
  w.e.tick(T0, w.out);  // starts every device's clock
  w.at("A", T0 + kMin, offset(kHome, 0, 5000));
  w.e.tick(T0 + 9 * kMin, w.out);
  EXPECT_TRUE(w.out.empty());
  w.e.tick(T0 + 10 * kMin, w.out);  // B, M, A2 never spoke since the clock started
  EXPECT_EQ(w.count(AlertType::silence), 3u);
  w.out.clear();
  w.e.tick(T0 + 11 * kMin, w.out);
  ASSERT_EQ(w.count(AlertType::silence), 1u);
  EXPECT_EQ(w.out[0].device_id, "A");
  EXPECT_EQ(w.out[0].severity, Severity::high);
  EXPECT_NEAR(w.out[0].lat, offset(kHome, 0, 5000).lat, 1e-9);
  w.e.tick(T0 + 15 * kMin, w.out);  // still silent: not raised again
  EXPECT_EQ(w.count(AlertType::silence), 1u);
  w.at("A", T0 + 16 * kMin, offset(kHome, 0, 5000));
  w.e.tick(T0 + 20 * kMin, w.out);
  EXPECT_EQ(w.count(AlertType::silence), 1u);
  w.e.tick(T0 + 26 * kMin, w.out);
  EXPECT_EQ(w.count(AlertType::silence), 2u);
}

// Issue 22: a report without a GPS fix (cell towers, Wi-Fi only) keeps the device alive, carries
// its battery and alarms, and the alert says how old its place is; the live place does not move.
TEST(MonitoringEngine, ANoFixReportKeepsTheDeviceAliveAndAgesItsPlace) {
  World w;
  w.e.tick(T0, w.out);
  const LatLon p = offset(kHome, 0, 5000);
  w.at("A", T0 + kMin, p);
  auto no_fix = [&](int64_t t, uint8_t alarms, int battery) {
    Position r;
    r.device_id = "A";
    r.fix.at = t;
    r.fix.has_fix = false;
    r.fix.alarms = alarms;
    r.fix.battery_pct = int16_t(battery);
    return w.e.ingest(r, w.out);
  };
  // Indoors for 30 minutes, reporting every 5: silence never fires for A.
  for (int m = 6; m <= 31; m += 5) {
    EXPECT_EQ(no_fix(T0 + m * kMin, alarm_none, 60).status, Status::accepted);
    w.e.tick(T0 + (m + 4) * kMin, w.out);
  }
  EXPECT_FALSE(std::any_of(w.out.begin(), w.out.end(), [](const Alert& a) { return a.type == AlertType::silence && a.device_id == "A"; }));
  const Fix last = w.e.last_fix(uint32_t(w.e.device_handle("A")));
  EXPECT_EQ(last.at, T0 + kMin);  // the place is still the fix's, with its time
  EXPECT_NEAR(last.lat, p.lat, 1e-12);
  // Tampering without a fix: alert at the last known place, with the instant it was fixed.
  w.out.clear();
  EXPECT_EQ(no_fix(T0 + 40 * kMin, alarm_tamper, 10).status, Status::accepted);
  ASSERT_EQ(w.count(AlertType::tamper), 1u);
  const Alert& t = *std::find_if(w.out.begin(), w.out.end(), [](const Alert& a) { return a.type == AlertType::tamper; });
  EXPECT_NEAR(t.lat, p.lat, 1e-12);
  EXPECT_EQ(t.place_at, T0 + kMin);
  EXPECT_EQ(t.battery_pct, 10);
  EXPECT_EQ(w.count(AlertType::low_battery), 1u);  // the no-fix report's battery counts
  // A fix's own alarm has a current place: place_at 0.
  w.out.clear();
  w.at("A", T0 + 41 * kMin, p, alarm_tamper);
  ASSERT_FALSE(w.out.empty());
  EXPECT_EQ(w.out.back().place_at, 0);
}

TEST(MonitoringEngine, LowBatteryOncePerDischarge) {
  World w;
  int64_t t = T0;
  w.at("B", t += kMin, kHome, 0, 40);
  w.at("B", t += kMin, kHome, 0, 16);
  EXPECT_EQ(w.count(AlertType::low_battery), 0u);
  w.at("B", t += kMin, kHome, 0, 15);
  w.at("B", t += kMin, kHome, 0, 14);
  w.at("B", t += kMin, kHome, 0, 20);  // not charged enough to re-arm
  w.at("B", t += kMin, kHome, 0, 12);
  ASSERT_EQ(w.count(AlertType::low_battery), 1u);
  EXPECT_EQ(w.out.back().severity, Severity::medium);
  EXPECT_EQ(w.out.back().battery_pct, 15);
  w.at("B", t += kMin, kHome, 0, 80);
  w.at("B", t += kMin, kHome, 0, 10);
  EXPECT_EQ(w.count(AlertType::low_battery), 2u);
  w.at("M", t += kMin, kHome, alarm_low_battery);  // the device's own alarm, without a level
  EXPECT_EQ(w.count(AlertType::low_battery), 3u);
}

TEST(MonitoringEngine, OrderOutsideItsPeriodRaisesNothing) {
  Engine e;
  ASSERT_TRUE(e.add_order({1, 200, 500, T0, T0 + kMin}));
  Zone z;
  z.id = 1, z.order_id = 1, z.center = kHome, z.radius_m = 300;
  ASSERT_TRUE(e.add_zone(z));
  ASSERT_TRUE(e.add_device({"A", DeviceKind::aggressor_tag, 1, 1}));
  std::vector<Alert> out;
  Position p;
  p.device_id = "A";
  p.fix.at = T0 + 2 * kMin;
  p.fix.lat = kHome.lat, p.fix.lon = kHome.lon;
  e.ingest(p, out);
  EXPECT_TRUE(out.empty());
  e.tick(T0 + 3 * kMin, out);
  e.tick(T0 + 30 * kMin, out);
  EXPECT_TRUE(out.empty());
}

TEST(MonitoringEngine, AnEndedOrderStopsItsZonesDistancesAndSilencesButNotAPanic) {
  World w;
  int64_t t = T0;
  w.at("M", t, offset(kHome, 0, 0));
  w.at("A", t += kSec, offset(kHome, 0, 3000));
  EXPECT_TRUE(w.out.empty());
  ASSERT_TRUE(w.e.end_order(1, t + kSec));
  // Inside the home zone and 100 m from the victim: the order no longer applies.
  w.at("A", t += 30 * kSec, offset(kHome, 0, 100));
  w.at("M", t += kSec, offset(kHome, 0, 0));
  w.e.tick(t + 60 * kMin, w.out);
  EXPECT_TRUE(w.out.empty()) << label_es(w.out.front().type);
  // A press of the victim's own button still raises.
  w.at("B", t += kSec, offset(kHome, 0, 0), alarm_panic);
  EXPECT_EQ(w.count(AlertType::panic), 1u);
  // Order 2 is untouched; unknown orders and ends before the start are refused.
  w.at("A2", t += kSec, offset(kHome, 0, 100));
  EXPECT_EQ(w.count(AlertType::zone_enter), 1u);
  EXPECT_EQ(w.e.end_order(99, t).error().status, 404);
  Engine e;
  ASSERT_TRUE(e.add_order({5, 200, 0, T0, 0}));
  EXPECT_EQ(e.end_order(5, T0).error().field, "ends_at");
}

TEST(MonitoringEngine, SetUpErrorsNameTheField) {
  Engine e;
  EXPECT_EQ(e.add_order({1, 0, 0}).error().field, "min_distance_m");
  ASSERT_TRUE(e.add_order({1, 200, 0}));
  Zone z;
  z.id = 1, z.order_id = 9, z.center = kHome, z.radius_m = 100;
  EXPECT_EQ(e.add_zone(z).error().field, "order_id");
  z.order_id = 1, z.radius_m = -3;
  EXPECT_EQ(e.add_zone(z).error().field, "radius_m");
  Zone bow;  // a bow tie crosses itself
  bow.id = 2, bow.order_id = 1, bow.shape = Zone::Shape::polygon;
  bow.polygon = {offset(kHome, 0, 0), offset(kHome, 100, 100), offset(kHome, 0, 100), offset(kHome, 100, 0)};
  EXPECT_EQ(e.add_zone(bow).error().field, "polygon");
  EXPECT_EQ(e.add_device({"", DeviceKind::aggressor_tag, 1, 1}).error().field, "device_id");
  ASSERT_TRUE(e.add_device({"X", DeviceKind::aggressor_tag, 1, 1}));
  EXPECT_FALSE(e.add_device({"X", DeviceKind::victim_mobile, 1, 1}));
}

TEST(MonitoringEngine, LocalDistanceAgainstVincentyAcrossChile) {
  namespace bg = boost::geometry;
  using GeoPoint = bg::model::point<double, 2, bg::cs::geographic<bg::degree>>;
  const bg::strategy::distance::vincenty<bg::srs::spheroid<double>> vincenty;
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> lat(-56, -17), bearing(0, 6.283185307), dist(1, 20000);
  double worst = 0;
  for (int i = 0; i < 20000; ++i) {
    const LatLon a{lat(rng), -70.0};
    const double d = dist(rng), b = bearing(rng);
    const LatLon q = offset(a, d * std::cos(b), d * std::sin(b));
    const double ref = bg::distance(GeoPoint(a.lon, a.lat), GeoPoint(q.lon, q.lat), vincenty);
    worst = std::max(worst, std::abs(local_distance_m(a, q) - ref) / ref);
  }
  RecordProperty("worst_relative_error", std::to_string(worst));
  EXPECT_LT(worst, 1e-4) << worst;
}

TEST(MonitoringEngine, MemoryEstimateGrowsWithDevices) {
  World w;
  const size_t before = w.e.memory_bytes();
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(w.e.add_device({"X" + std::to_string(i), DeviceKind::victim_mobile, 1000 + i, 2}));
  const size_t per = (w.e.memory_bytes() - before) / 1000;
  EXPECT_GT(per, 100u);
  EXPECT_LT(per, 2000u);
}

TEST(MonitoringOrderWarnings, CasesThatCannotWork) {
  Order ok{1, 600, 1000};
  OrderContext ctx;
  Zone home;
  home.id = 1, home.order_id = 1, home.label = "domicilio víctima", home.center = kHome, home.radius_m = 400;
  ctx.zones = {home};
  ctx.aggressor_home = offset(kHome, 3000, 0);
  ctx.victim_home = kHome;
  EXPECT_TRUE(order_warnings(ok, ctx).empty());

  // The aggressor lives 250 m from the victim: inside her home zone, and within the distance.
  ctx.aggressor_home = offset(kHome, 250, 0);
  auto w = order_warnings(ok, ctx);
  ASSERT_EQ(w.size(), 2u);
  EXPECT_NE(w[0].find("a 250 m del domicilio de la víctima"), std::string::npos) << w[0];
  EXPECT_NE(w[1].find("dentro de la zona de exclusión «domicilio víctima»"), std::string::npos) << w[1];

  // 100 m leaves no time to respond; approach not above the minimum; a 40 m zone is GPS noise.
  ctx.aggressor_home = offset(kHome, 5000, 0);
  Zone tiny = home;
  tiny.id = 2, tiny.label = "colegio", tiny.radius_m = 40;
  ctx.zones = {tiny};
  w = order_warnings({1, 100, 100}, ctx);
  ASSERT_EQ(w.size(), 3u);
  EXPECT_NE(w[0].find("no deja tiempo de respuesta"), std::string::npos) << w[0];
  EXPECT_NE(w[0].find("al menos 560 m"), std::string::npos) << w[0];
  EXPECT_NE(w[1].find("no habrá aviso antes del quebrantamiento"), std::string::npos) << w[1];
  EXPECT_NE(w[2].find("«colegio»"), std::string::npos) << w[2];

  // A zone the engine cannot watch is reported, not silently dropped.
  Zone broken = home;
  broken.id = 3, broken.shape = Zone::Shape::polygon, broken.polygon = {kHome, offset(kHome, 10, 0)};
  ctx.zones = {broken};
  w = order_warnings(ok, ctx);
  ASSERT_EQ(w.size(), 1u);
  EXPECT_NE(w[0].find("no se puede vigilar"), std::string::npos) << w[0];
}

}  // namespace
}  // namespace eq::monitoring
