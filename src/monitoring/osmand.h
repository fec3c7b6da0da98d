// The OsmAnd protocol that Traccar's client apps and many trackers speak: one position per HTTP
// request, as a query string (`GET /?id=…&lat=…`) or a form body (`POST`, same syntax). This is
// the syntax layer: it turns text into a Position or a Spanish error naming the field, and refuses
// sensor readings no worn device can report (check_readings); whether a position is plausible
// (coordinates in range, not NaN, a sane implied speed) is the engine's judgement, so that every
// refusal of that kind is counted in one place.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "monitoring/engine.h"

namespace eq::monitoring {

// Fields: `id` (or `deviceid`), `lat` + `lon` or `location=lat,lon`, `timestamp` (Unix seconds,
// Unix milliseconds, or ISO 8601; absent → received_at), `speed` (knots, as OsmAnd sends it;
// stored as km/h), `bearing` (or `heading`), `altitude`, `accuracy`, `batt` (percent, may have
// decimals), `alarm` (sos, general → panic; tampering, removing, strap → tamper; lowBattery,
// lowPower → low battery; others ignored), `valid` (false → no fix). Unknown parameters are
// kept as attributes (see below). A request without coordinates is accepted when it carries an
// alarm (a bracelet without GPS pressing its button) or radio data (cell towers, Wi-Fi).
// Errors are Error::invalid(field, message) with code "invalid_position".
// Also read: `cell` (repeatable, mcc,mnc,lac,cid[,rssi]) and `wifi` (repeatable, mac,rssi), so
// a report without a GPS fix (indoors) is accepted, keeps the device alive and is kept for later
// location; `charge`, `motion`, `event`; any other parameter but `key` is kept as an extra
// attribute (Position::report). A `cell` or `wifi` value that does not parse is refused naming it.
Result<Position> parse_osmand(std::string_view params, int64_t received_at);

// The Traccar Client's JSON body (the transistorsoft background-geolocation shape):
//   {"location": {timestamp, coords:{latitude, longitude, accuracy, speed (m/s), heading, altitude},
//                 battery:{level (0–1; -1 unknown), is_charging}, event, is_moving, activity:{type},
//                 mock, odometer, extras:{…}}, "device_id": "…"}
// `location` may also be an array of such objects (a buffer). -1 for speed, heading, accuracy and
// altitude means unknown. An alarm may come as `location.alarm` or `location.extras.alarm`.
// Errors name the field ("device_id", "location.battery.level", "location[2].coords.latitude").
Result<std::vector<Position>> parse_traccar_json(const nlohmann::json& body, int64_t received_at);

// What a report says besides its fix: radio data for later location, charging, motion, extras.
struct CellTower {
  int mcc = 0, mnc = 0;
  int64_t lac = 0, cid = 0;
  std::optional<int> rssi;
};
struct WifiAccessPoint {
  std::string mac;  // lower case, ':'-separated
  int rssi = 0;
};
struct Report {
  std::vector<CellTower> cells;
  std::vector<WifiAccessPoint> wifi;
  std::optional<bool> charging, moving;
  std::string event, activity;
  bool mock = false;
  nlohmann::json extras = nlohmann::json::object();
};
inline constexpr size_t kMaxExtras = 50;
inline constexpr size_t kMaxExtrasBytes = 4096;
Result<CellTower> parse_cell(std::string_view text);
Result<WifiAccessPoint> parse_wifi(std::string_view text);
// The JSON object kept in Position::report, or "" when there is nothing to keep.
std::string report_json(const Report& r);

// Device time as trackers write it: Unix seconds (up to 11 digits, decimals allowed), Unix
// milliseconds (12 digits or more), or ISO 8601 with a zone; an ISO date-time without a zone is
// read as UTC (GPS time is UTC, and trackers that omit the zone send it).
Result<int64_t> parse_device_time(std::string_view text, std::string_view field);

// "sos", "tampering,lowBattery"… (separated by commas or semicolons) → Alarm flags; unknown
// names are ignored rather than refused, because refusing would lose the position with them.
uint8_t parse_alarms(std::string_view text);

// Names of the sensor fields in one protocol, for errors: speed, bearing, altitude, accuracy, battery.
struct ReadingNames {
  const char* speed;
  const char* bearing;
  const char* altitude;
  const char* accuracy;
  const char* battery;
};
inline constexpr ReadingNames kOsmandNames{"speed", "bearing", "altitude", "accuracy", "batt"};
inline constexpr ReadingNames kBatchNames{"speed_kmh", "bearing", "altitude_m", "accuracy_m", "battery"};

// Sensor readings a device worn by a person cannot report (a speed of 1e38 km/h, a bearing of
// 400°) are refused with the field named (`prefix` + name), rather than stored and shown. A panic
// press is never lost for a bad reading: on a position with the panic alarm the reading is dropped
// instead, and impossible coordinates make it a press without position.
// A reading as stored (float; beyond float's range → ±infinity), and a battery percentage
// (outside 0–100 → 1000, which check_readings refuses).
float reading(double v);
int16_t battery_reading(double v);
Result<void> check_readings(Fix& f, const ReadingNames& names, const std::string& prefix = "");

}  // namespace eq::monitoring
