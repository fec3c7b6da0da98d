#include "monitoring/osmand.h"

#include <gtest/gtest.h>

#include <cmath>

namespace eq::monitoring {
namespace {

constexpr int64_t kNow = 1'795'500'000'000LL;

TEST(MonitoringOsmand, TraccarClientQueryString) {
  // As Traccar Client for Android sends it (GET, seconds, speed in knots).
  auto p = parse_osmand(
      "/?id=864713037301315&timestamp=1795499990&lat=-33.448890&lon=-70.669265&speed=10.5&bearing=92.3&altitude=521.0"
      "&accuracy=12.5&batt=87.0&charge=false",
      kNow);
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->device_id, "864713037301315");
  EXPECT_EQ(p->fix.at, 1'795'499'990'000LL);
  EXPECT_EQ(p->fix.received_at, kNow);
  EXPECT_DOUBLE_EQ(p->fix.lat, -33.44889);
  EXPECT_DOUBLE_EQ(p->fix.lon, -70.669265);
  EXPECT_NEAR(p->fix.speed_kmh, 19.446, 1e-3);
  EXPECT_FLOAT_EQ(p->fix.bearing, 92.3f);
  EXPECT_FLOAT_EQ(p->fix.altitude_m, 521.0f);
  EXPECT_FLOAT_EQ(p->fix.accuracy_m, 12.5f);
  EXPECT_EQ(p->fix.battery_pct, 87);
  EXPECT_TRUE(p->fix.has_fix);
  EXPECT_EQ(p->fix.alarms, alarm_none);
}

TEST(MonitoringOsmand, FormBodyWithIsoTimeLocationAndAlarm) {
  // POST body of the iOS client: ISO time (URL-encoded), location=lat,lon, an alarm.
  auto p = parse_osmand("deviceid=BR-0042&location=-33.45%2C-70.65&timestamp=2026-11-24T05%3A05%3A00.250Z&alarm=sos&batt=15\r\n", kNow);
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->device_id, "BR-0042");
  EXPECT_EQ(p->fix.at, 1'795'496'700'250LL);
  EXPECT_DOUBLE_EQ(p->fix.lat, -33.45);
  EXPECT_DOUBLE_EQ(p->fix.lon, -70.65);
  EXPECT_EQ(p->fix.alarms, alarm_panic);
  EXPECT_EQ(p->fix.battery_pct, 15);
}

TEST(MonitoringOsmand, TimestampForms) {
  EXPECT_EQ(*parse_device_time("1795499990", "t"), 1'795'499'990'000LL);
  EXPECT_EQ(*parse_device_time("1795499990.5", "t"), 1'795'499'990'500LL);
  EXPECT_EQ(*parse_device_time("1795499990123", "t"), 1'795'499'990'123LL);
  EXPECT_EQ(*parse_device_time("2026-11-24T02:05:00-03:00", "t"), 1'795'496'700'000LL);
  EXPECT_EQ(*parse_device_time("2026-11-24 05:05:00", "t"), 1'795'496'700'000LL);  // no zone: UTC
  // '+' turned into a space by form decoding.
  auto p = parse_osmand("id=1&lat=-33&lon=-70&timestamp=2026-11-24T08:05:00+03:00", kNow);
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->fix.at, 1'795'496'700'000LL);
  auto bad = parse_device_time("ayer", "timestamp");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().field, "timestamp");
  // No timestamp: the reception time.
  EXPECT_EQ(parse_osmand("id=1&lat=-33&lon=-70", kNow)->fix.at, kNow);
}

TEST(MonitoringOsmand, AlarmsAndNoFix) {
  EXPECT_EQ(parse_alarms("tampering"), alarm_tamper);
  EXPECT_EQ(parse_alarms("removing;lowBattery"), alarm_tamper | alarm_low_battery);
  EXPECT_EQ(parse_alarms("sos,vibration"), alarm_panic);  // unknown names are ignored
  // A bracelet without GPS pressing its button: no coordinates, still a position.
  auto p = parse_osmand("id=BR-1&alarm=sos&timestamp=1795499990", kNow);
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_FALSE(p->fix.has_fix);
  EXPECT_EQ(p->fix.alarms, alarm_panic);
  // valid=false: the tracker says its fix is not good.
  auto q = parse_osmand("id=1&lat=-33.4&lon=-70.6&valid=false", kNow);
  ASSERT_TRUE(q);
  EXPECT_FALSE(q->fix.has_fix);
}

// Issue 22: reports without a fix (cell towers, Wi-Fi) as Traccar's OsmAnd decoder reads them.
TEST(MonitoringOsmand, CellAndWifiWithoutAFix) {
  auto p = parse_osmand("/?id=123456&timestamp=1377177267&cell=257,02,16,2224&cell=257,02,16,2223,-90"
                        "&wifi=00-14-22-01-23-45,-80&wifi=00-1C-B3-09-85-15,-70&batt=55&charge=true&key=s3cret&ignition=true",
                        kNow);
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_FALSE(p->fix.has_fix);
  EXPECT_EQ(p->fix.battery_pct, 55);
  auto j = nlohmann::json::parse(p->report);
  ASSERT_EQ(j["cell"].size(), 2u);
  EXPECT_EQ(j["cell"][0], (nlohmann::json{{"mcc", 257}, {"mnc", 2}, {"lac", 16}, {"cid", 2224}}));
  EXPECT_EQ(j["cell"][1]["rssi"], -90);
  EXPECT_EQ(j["wifi"][1], (nlohmann::json{{"mac", "00:1c:b3:09:85:15"}, {"rssi", -70}}));
  EXPECT_EQ(j["charging"], true);
  EXPECT_EQ(j["extras"], (nlohmann::json{{"ignition", "true"}}));
  EXPECT_EQ(p->report.find("s3cret"), std::string::npos);  // the key is never kept
  // Nothing besides the fix: no report to keep.
  EXPECT_EQ(parse_osmand("id=1&lat=-33&lon=-70&key=k", kNow)->report, "");
  // Neither coordinates, nor radio data, nor an alarm: nothing to keep.
  auto none = parse_osmand("id=1&batt=50", kNow);
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().field, "lat");
  for (const char* bad : {"257,02,16", "257,02,16,x", "1000,02,16,2224", "257,02,70000,2224", "257,02,16,2224,5", "257,02,16,2224,-90,1", ""}) {
    auto c = parse_cell(bad);
    ASSERT_FALSE(c) << bad;
    EXPECT_EQ(c.error().field, "cell");
    EXPECT_NE(c.error().message.find("mcc,mnc,lac,cid"), std::string::npos);
  }
  for (const char* bad : {"00-14-22-01-23,-80", "00-14-22-01-23-4g,-80", "00-14-22-01-23-45", "00-14-22-01-23-45,x"}) EXPECT_FALSE(parse_wifi(bad)) << bad;
  auto refused = parse_osmand("id=1&cell=257;02;16;2224", kNow);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().field, "cell");
}

TEST(MonitoringOsmand, TraccarClientJson) {
  auto body = nlohmann::json::parse(R"({"location":{"event":"motionchange","is_moving":true,"timestamp":"2021-07-21T08:06:34.444Z",
    "odometer":12,"coords":{"latitude":-6.1148096,"longitude":106.6837015,"accuracy":3.8,"speed":18.67,"heading":63,"altitude":35.7},
    "activity":{"type":"in_vehicle"},"battery":{"is_charging":true,"level":0.79},"extras":{"a":1}},"device_id":"8737767034"})");
  auto ps = parse_traccar_json(body, kNow);
  ASSERT_TRUE(ps) << ps.error().message;
  ASSERT_EQ(ps->size(), 1u);
  const Position& p = ps->front();
  EXPECT_EQ(p.device_id, "8737767034");
  EXPECT_EQ(p.fix.at, 1'626'854'794'444LL);
  EXPECT_TRUE(p.fix.has_fix);
  EXPECT_NEAR(p.fix.speed_kmh, 18.67 * 3.6, 1e-3);  // m/s
  EXPECT_FLOAT_EQ(p.fix.bearing, 63.f);
  EXPECT_EQ(p.fix.battery_pct, 79);
  auto j = nlohmann::json::parse(p.report);
  EXPECT_EQ(j["charging"], true);
  EXPECT_EQ(j["moving"], true);
  EXPECT_EQ(j["event"], "motionchange");
  EXPECT_EQ(j["activity"], "in_vehicle");
  EXPECT_EQ(j["extras"], (nlohmann::json{{"a", 1}, {"odometer", 12}}));
  // -1: unknown battery, speed, heading.
  body["location"]["battery"]["level"] = -1;
  body["location"]["coords"]["speed"] = -1;
  body["location"]["coords"]["heading"] = -1;
  ps = parse_traccar_json(body, kNow);
  ASSERT_TRUE(ps);
  EXPECT_EQ(ps->front().fix.battery_pct, -1);
  EXPECT_TRUE(std::isnan(ps->front().fix.speed_kmh));
  EXPECT_TRUE(std::isnan(ps->front().fix.bearing));
  // Bad input names the JSON field.
  struct Case {
    const char* body;
    const char* field;
  } cases[] = {
      {R"({"location":{"coords":{"latitude":-33,"longitude":-70}}})", "device_id"},
      {R"({"device_id":"x","location":{"coords":{"latitude":-91,"longitude":-70}}})", "location.coords.latitude"},
      {R"({"device_id":"x","location":{"coords":{"latitude":-33,"longitude":200}}})", "location.coords.longitude"},
      {R"({"device_id":"x","location":{"coords":{"latitude":-33}}})", "location.coords.longitude"},
      {R"({"device_id":"x","location":{"coords":{"latitude":-33,"longitude":-70},"battery":{"level":7}}})", "location.battery.level"},
      {R"({"device_id":"x","location":{"coords":{"latitude":-33,"longitude":-70},"battery":{"level":0.5,"is_charging":"sí"}}})", "location.battery.is_charging"},
      {R"({"device_id":"x","location":{"coords":{"latitude":"-33","longitude":-70}}})", "location.coords.latitude"},
      {R"({"device_id":"x","location":{"timestamp":"ayer","coords":{"latitude":-33,"longitude":-70}}})", "location.timestamp"},
      {R"({"device_id":"x","location":{"battery":{"level":0.5}}})", "location.coords"},
      {R"({"device_id":"x"})", "location"},
      {R"({"device_id":"x","location":[{"coords":{"latitude":-33,"longitude":-70}},{"coords":{"latitude":-33,"longitude":-70},"battery":{"level":2}}]})", "location[1].battery.level"},
  };
  for (const auto& c : cases) {
    auto r = parse_traccar_json(nlohmann::json::parse(c.body), kNow);
    ASSERT_FALSE(r) << c.body;
    EXPECT_EQ(r.error().field, c.field) << c.body;
    EXPECT_EQ(r.error().status, 422) << c.body;
  }
  // A panic press with a bad battery reading is kept (the reading is dropped), and needs no fix.
  auto sos = parse_traccar_json(nlohmann::json::parse(R"({"device_id":"x","location":{"battery":{"level":7},"extras":{"alarm":"sos"}}})"), kNow);
  ASSERT_TRUE(sos) << sos.error().message;
  EXPECT_EQ(sos->front().fix.alarms, alarm_panic);
  EXPECT_FALSE(sos->front().fix.has_fix);
  EXPECT_EQ(sos->front().fix.battery_pct, -1);
}

TEST(MonitoringOsmand, FieldErrorsAreSpanishAndNameTheField) {
  struct Case {
    const char* query;
    const char* field;
    const char* words;
  } cases[] = {
      {"lat=-33&lon=-70", "id", "identificador"},
      {"id=1&lat=-33,4&lon=-70", "lat", "La latitud «-33,4» no es un número"},
      {"id=1&lat=-33.4", "lon", "Falta la longitud"},
      {"id=1&lon=-70.6", "lat", "Falta la latitud"},
      {"id=1&location=-33.4", "location", "latitud,longitud"},
      {"id=1&lat=-33&lon=-70&speed=rapido", "speed", "velocidad"},
      {"id=1&lat=-33&lon=-70&batt=150", "batt", "porcentaje"},
      {"id=1", "lat", "ni una alarma"},
      {"id=1&lat=-33&lon=-70&timestamp=24-11-2026", "timestamp", "ISO 8601"},
      // Readings a device on a person cannot report (issue 11: a speed of 1e38 was stored).
      {"id=1&lat=-33&lon=-70&speed=1e38", "speed", "entre 0 y 500 km/h"},
      {"id=1&lat=-33&lon=-70&speed=1e300", "speed", "entre 0 y 500 km/h"},
      {"id=1&lat=-33&lon=-70&bearing=361", "bearing", "rumbo"},
      {"id=1&lat=-33&lon=-70&heading=-1", "bearing", "rumbo"},
      {"id=1&lat=-33&lon=-70&altitude=1e9", "altitude", "altitud"},
      {"id=1&lat=-33&lon=-70&accuracy=-1", "accuracy", "precisión"},
      {"id=1&lat=-33&lon=-70&batt=-1", "batt", "porcentaje"},
      {"id=1&lat=-33&lon=-70&batt=nan", "batt", "porcentaje"},
  };
  for (const auto& c : cases) {
    auto p = parse_osmand(c.query, kNow);
    ASSERT_FALSE(p) << c.query;
    EXPECT_EQ(p.error().field, c.field) << c.query;
    EXPECT_EQ(p.error().status, 422);
    EXPECT_NE(p.error().message.find(c.words), std::string::npos) << c.query << ": " << p.error().message;
  }
}

TEST(MonitoringOsmand, APanicPressIsNeverRefusedForAReading) {
  auto p = parse_osmand("id=B&lat=-33.4&lon=-70.6&alarm=sos&speed=1e38&batt=900&bearing=720", kNow);
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->fix.alarms, alarm_panic);
  EXPECT_TRUE(std::isnan(p->fix.speed_kmh));
  EXPECT_TRUE(std::isnan(p->fix.bearing));
  EXPECT_EQ(p->fix.battery_pct, -1);
  EXPECT_TRUE(p->fix.has_fix);
  auto nowhere = parse_osmand("id=B&lat=500&lon=-70.6&alarm=sos", kNow);
  ASSERT_TRUE(nowhere);
  EXPECT_FALSE(nowhere->fix.has_fix) << "impossible coordinates: a press without position, still a press";
}

TEST(MonitoringOsmand, ImplausibleNumbersPassToTheEngineWhichCountsThem) {
  // Syntax is the parser's job; "nan" and 95° are numbers, refused and counted by the engine.
  auto p = parse_osmand("id=A&lat=nan&lon=-70.6&timestamp=1795499990", kNow);
  ASSERT_TRUE(p);
  EXPECT_TRUE(std::isnan(p->fix.lat));
  Engine e;
  ASSERT_TRUE(e.add_order({1, 200, 0}));
  ASSERT_TRUE(e.add_device({"A", DeviceKind::aggressor_tag, 1, 1}));
  std::vector<Alert> out;
  EXPECT_EQ(e.ingest(*p, out).reason, Reject::bad_coordinates);
  EXPECT_EQ(e.ingest(*parse_osmand("id=A&lat=95&lon=-70.6&timestamp=1795499990", kNow), out).reason, Reject::bad_coordinates);
  EXPECT_EQ(e.stats().rejected[int(Reject::bad_coordinates)], 2u);
}

}  // namespace
}  // namespace eq::monitoring
