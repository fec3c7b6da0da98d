#include "monitoring/osmand.h"

#include <charconv>
#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "core/text.h"
#include "core/time.h"
#include "core/url.h"

namespace eq::monitoring {
namespace {

Error bad(std::string_view field, std::string message) {
  return Error::invalid(std::string(field), std::move(message), "invalid_position");
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

// A decimal number, all of the text. "nan" and "inf" parse: the engine refuses and counts them.
Result<double> number(std::string_view text, std::string_view field, std::string_view what) {
  const std::string t = trim(text);
  double v = 0;
  const char* b = t.data();
  const char* e = t.data() + t.size();
  if (!t.empty() && *b == '+') ++b;
  auto [p, ec] = std::from_chars(b, e, v);
  if (t.empty() || ec != std::errc() || p != e)
    return fail(bad(field, std::string(what) + " «" + std::string(text) + "» no es un número."));
  return v;
}

bool is_false(std::string_view value) {
  const std::string v = fold_for_search(trim(value));
  return v == "false" || v == "0" || v == "no";
}

// A whole decimal integer in [lo, hi], or nullopt.
std::optional<int64_t> whole(std::string_view text, int64_t lo, int64_t hi) {
  const std::string t = trim(text);
  int64_t v = 0;
  auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (t.empty() || ec != std::errc() || p != t.data() + t.size() || v < lo || v > hi) return std::nullopt;
  return v;
}

std::vector<std::string_view> split_commas(std::string_view text) {
  std::vector<std::string_view> out;
  size_t i = 0;
  for (;;) {
    const size_t j = text.find(',', i);
    out.push_back(text.substr(i, j == std::string_view::npos ? std::string_view::npos : j - i));
    if (j == std::string_view::npos) return out;
    i = j + 1;
  }
}

}  // namespace

Result<CellTower> parse_cell(std::string_view text) {
  // mcc,mnc,lac,cid[,rssi] as Traccar's OsmAnd decoder reads it. LTE cell ids take 28 bits, tracking
  // area codes 16; signal in dBm.
  const auto parts = split_commas(text);
  auto err = [&] {
    return fail(bad("cell", "La celda «" + std::string(text.substr(0, 80)) +
                                "» debe tener la forma mcc,mnc,lac,cid o mcc,mnc,lac,cid,señal (números enteros; señal en dBm, entre -150 y 0)."));
  };
  if (parts.size() != 4 && parts.size() != 5) return err();
  auto mcc = whole(parts[0], 0, 999), mnc = whole(parts[1], 0, 999), lac = whole(parts[2], 0, 65535),
       cid = whole(parts[3], 0, 4'294'967'295LL);
  if (!mcc || !mnc || !lac || !cid) return err();
  CellTower c{static_cast<int>(*mcc), static_cast<int>(*mnc), *lac, *cid, std::nullopt};
  if (parts.size() == 5) {
    auto rssi = whole(parts[4], -150, 0);
    if (!rssi) return err();
    c.rssi = static_cast<int>(*rssi);
  }
  return c;
}

Result<WifiAccessPoint> parse_wifi(std::string_view text) {
  // mac,rssi; the MAC with '-' or ':' between its six bytes (Traccar's vectors use '-').
  const auto parts = split_commas(text);
  auto err = [&] {
    return fail(bad("wifi", "La red Wi-Fi «" + std::string(text.substr(0, 80)) +
                                "» debe tener la forma mac,señal (por ejemplo 00-14-22-01-23-45,-80; señal en dBm, entre -150 y 0)."));
  };
  if (parts.size() != 2) return err();
  std::string mac = trim(parts[0]);
  if (mac.size() != 17) return err();
  for (size_t i = 0; i < mac.size(); ++i) {
    if (i % 3 == 2) {
      if (mac[i] != '-' && mac[i] != ':') return err();
      mac[i] = ':';
    } else if (!std::isxdigit(static_cast<unsigned char>(mac[i]))) {
      return err();
    } else {
      mac[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(mac[i])));
    }
  }
  auto rssi = whole(parts[1], -150, 0);
  if (!rssi) return err();
  return WifiAccessPoint{mac, static_cast<int>(*rssi)};
}

std::string report_json(const Report& r) {
  if (r.cells.empty() && r.wifi.empty() && !r.charging && !r.moving && r.event.empty() && r.activity.empty() && !r.mock &&
      r.extras.empty())
    return {};
  nlohmann::json j = nlohmann::json::object();
  if (!r.cells.empty()) {
    auto& cells = j["cell"] = nlohmann::json::array();
    for (const auto& c : r.cells) {
      nlohmann::json one = {{"mcc", c.mcc}, {"mnc", c.mnc}, {"lac", c.lac}, {"cid", c.cid}};
      if (c.rssi) one["rssi"] = *c.rssi;
      cells.push_back(std::move(one));
    }
  }
  if (!r.wifi.empty()) {
    auto& wifi = j["wifi"] = nlohmann::json::array();
    for (const auto& w : r.wifi) wifi.push_back({{"mac", w.mac}, {"rssi", w.rssi}});
  }
  if (r.charging) j["charging"] = *r.charging;
  if (r.moving) j["moving"] = *r.moving;
  if (!r.event.empty()) j["event"] = r.event;
  if (!r.activity.empty()) j["activity"] = r.activity;
  if (r.mock) j["mock"] = true;
  if (!r.extras.empty()) j["extras"] = r.extras;
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);  // device text may be invalid UTF-8: never throw
}

float reading(double v) {
  // A double beyond float's range becomes infinity here (a plain cast would be undefined), so the
  // range check refuses it rather than storing whatever the conversion made of it.
  if (std::isnan(v)) return std::numeric_limits<float>::quiet_NaN();
  if (std::abs(v) > std::numeric_limits<float>::max()) return v > 0 ? std::numeric_limits<float>::infinity() : -std::numeric_limits<float>::infinity();
  return static_cast<float>(v);
}

int16_t battery_reading(double v) {
  // Out of range (or NaN) is kept as an impossible percentage for check_readings to refuse.
  return v >= 0 && v <= 100 ? static_cast<int16_t>(std::lround(v)) : int16_t(1000);
}

Result<int64_t> parse_device_time(std::string_view text, std::string_view field) {
  const std::string t = trim(text);
  if (t.empty()) return fail(bad(field, "La marca de tiempo está vacía."));
  bool numeric = true;
  size_t int_digits = 0;
  bool dot = false;
  for (char c : t) {
    if (c == '.' && !dot) dot = true;
    else if (c >= '0' && c <= '9') int_digits += dot ? 0 : 1;
    else numeric = false;
  }
  if (numeric) {
    auto v = number(t, field, "La marca de tiempo");
    if (!v) return fail(v.error());
    // 11 digits of seconds reach the year 5138; 12 digits of milliseconds start in 1973.
    return int_digits >= 12 ? int64_t(std::llround(*v)) : int64_t(std::llround(*v * 1000.0));
  }
  auto iso = parse_iso8601(t, field);
  if (iso) return *iso;
  // "2026-11-24T05:05:00 03:00": a '+' that the form encoding turned into a space.
  if (const size_t sp = t.rfind(' '); sp != std::string::npos && sp > 10) {
    std::string fixed = t;
    fixed[sp] = '+';
    if (auto again = parse_iso8601(fixed, field)) return *again;
  }
  // No zone: GPS time is UTC.
  if (auto utc = parse_iso8601(t + "Z", field)) return *utc;
  return fail(bad(field, "La marca de tiempo «" + t + "» no es un número de segundos o milisegundos Unix ni una fecha ISO 8601."));
}

uint8_t parse_alarms(std::string_view text) {
  uint8_t flags = 0;
  size_t i = 0;
  while (i <= text.size()) {
    size_t j = text.find_first_of(",;", i);
    if (j == std::string_view::npos) j = text.size();
    const std::string a = fold_for_search(trim(text.substr(i, j - i)));
    i = j + 1;
    if (a == "sos" || a == "general" || a == "panic" || a == "panico") flags |= alarm_panic;
    else if (a == "tampering" || a == "removing" || a == "strap" || a == "tamper") flags |= alarm_tamper;
    else if (a == "lowbattery" || a == "lowpower" || a == "low_battery") flags |= alarm_low_battery;
  }
  return flags;
}

Result<Position> parse_osmand(std::string_view params, int64_t received_at) {
  Position p;
  Report report;
  p.fix.received_at = received_at;
  p.fix.at = received_at;
  std::string lat_s, lon_s, location_s;
  bool has_lat = false, has_lon = false, has_location = false, from_location = false, has_time = false, valid = true;
  std::string time_s;
  // Strip a leading '?' and any path before it: callers may hand over the whole target.
  if (const size_t q = params.find('?'); q != std::string_view::npos) params.remove_prefix(q + 1);
  for (const FormField& field : parse_form(params)) {
    const std::string& key = field.key;
    const std::string& value = field.value;
    if (iequals(key, "id") || iequals(key, "deviceid")) {
      p.device_id = trim(value);
    } else if (iequals(key, "lat")) {
      lat_s = value, has_lat = true;
    } else if (iequals(key, "lon")) {
      lon_s = value, has_lon = true;
    } else if (iequals(key, "location")) {
      location_s = value, has_location = true;
    } else if (iequals(key, "timestamp")) {
      time_s = value, has_time = true;
    } else if (iequals(key, "speed")) {
      auto v = number(value, "speed", "La velocidad");
      if (!v) return fail(v.error());
      if (*v >= 0) p.fix.speed_kmh = reading(*v * 1.852);  // knots; negative is "unknown" in some clients
    } else if (iequals(key, "bearing") || iequals(key, "heading")) {
      auto v = number(value, "bearing", "El rumbo");
      if (!v) return fail(v.error());
      p.fix.bearing = reading(*v);
    } else if (iequals(key, "altitude")) {
      auto v = number(value, "altitude", "La altitud");
      if (!v) return fail(v.error());
      p.fix.altitude_m = reading(*v);
    } else if (iequals(key, "accuracy")) {
      auto v = number(value, "accuracy", "La precisión");
      if (!v) return fail(v.error());
      p.fix.accuracy_m = reading(*v);
    } else if (iequals(key, "batt")) {
      auto v = number(value, "batt", "La batería");
      if (!v) return fail(v.error());
      p.fix.battery_pct = battery_reading(*v);
    } else if (iequals(key, "alarm")) {
      p.fix.alarms |= parse_alarms(value);
    } else if (iequals(key, "valid")) {
      valid = !is_false(value);
    } else if (iequals(key, "cell")) {
      auto c = parse_cell(value);
      if (!c) return fail(c.error());
      report.cells.push_back(std::move(*c));
    } else if (iequals(key, "wifi")) {
      auto w = parse_wifi(value);
      if (!w) return fail(w.error());
      report.wifi.push_back(std::move(*w));
    } else if (iequals(key, "charge") || iequals(key, "is_charging")) {
      report.charging = !is_false(value);
    } else if (iequals(key, "motion") || iequals(key, "is_moving")) {
      report.moving = !is_false(value);
    } else if (iequals(key, "event")) {
      report.event = trim(value);
    } else if (!iequals(key, "key") && report.extras.size() < kMaxExtras) {
      // The secret is never kept; everything else a client adds (ignition, fuel…) is, as Traccar does.
      report.extras[key] = value.substr(0, 200);
    }
  }
  if (p.device_id.empty()) return fail(bad("id", "Falta el identificador del dispositivo (id)."));
  if (has_time) {
    auto t = parse_device_time(time_s, "timestamp");
    if (!t) return fail(t.error());
    p.fix.at = *t;
  }
  if (has_location && !has_lat && !has_lon) {
    const size_t c = location_s.find(',');
    if (c == std::string::npos) return fail(bad("location", "La ubicación «" + location_s + "» debe tener la forma latitud,longitud."));
    lat_s = location_s.substr(0, c), lon_s = location_s.substr(c + 1);
    has_lat = has_lon = from_location = true;
  }
  if (has_lat != has_lon) return fail(bad(has_lat ? "lon" : "lat", has_lat ? "Falta la longitud (lon)." : "Falta la latitud (lat)."));
  if (has_lat) {
    const char* lat_field = from_location ? "location" : "lat";
    const char* lon_field = from_location ? "location" : "lon";
    auto la = number(lat_s, lat_field, "La latitud");
    if (!la) return fail(la.error());
    auto lo = number(lon_s, lon_field, "La longitud");
    if (!lo) return fail(lo.error());
    p.fix.lat = *la, p.fix.lon = *lo;
  }
  p.fix.has_fix = has_lat && valid;
  if (!has_lat && p.fix.alarms == alarm_none && report.cells.empty() && report.wifi.empty())
    return fail(bad("lat", "La posición no trae coordenadas (lat y lon, o location), ni celdas (cell), ni redes Wi-Fi (wifi), ni una alarma."));
  if (auto ok = check_readings(p.fix, kOsmandNames); !ok) return fail(ok.error());
  p.report = report_json(report);
  return p;
}

Result<void> check_readings(Fix& f, const ReadingNames& names, const std::string& prefix) {
  const bool panic = (f.alarms & alarm_panic) != 0;
  auto in = [](double v, double lo, double hi) { return std::isnan(v) || (v >= lo && v <= hi); };
  struct Check {
    float* value;
    double lo, hi;
    const char* field;
    const char* message;
  };
  // Bounds: the fastest a tracked person travels (a car on a highway, with margin), a compass, from
  // below the Dead Sea to above the highest summit of the Andes with margin, a GPS accuracy worse
  // than 50 km is no position.
  const Check checks[] = {
      {&f.speed_kmh, 0, 500, names.speed, "La velocidad debe estar entre 0 y 500 km/h."},
      {&f.bearing, 0, 360, names.bearing, "El rumbo debe estar entre 0 y 360 grados."},
      {&f.altitude_m, -500, 10'000, names.altitude, "La altitud debe estar entre -500 y 10.000 metros."},
      {&f.accuracy_m, 0, 50'000, names.accuracy, "La precisión debe estar entre 0 y 50.000 metros."},
  };
  for (const auto& c : checks)
    if (!in(*c.value, c.lo, c.hi)) {
      if (!panic) return fail(bad(prefix + c.field, c.message));
      *c.value = std::numeric_limits<float>::quiet_NaN();
    }
  if (!(f.battery_pct == -1 || (f.battery_pct >= 0 && f.battery_pct <= 100))) {
    if (!panic) return fail(bad(prefix + names.battery, "La batería es un porcentaje entre 0 y 100."));
    f.battery_pct = -1;
  }
  if (panic && f.has_fix && !(std::isfinite(f.lat) && std::isfinite(f.lon) && std::abs(f.lat) <= 90 && std::abs(f.lon) <= 180))
    f.has_fix = false;
  return {};
}

}  // namespace eq::monitoring
