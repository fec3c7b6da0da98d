// The Traccar Client's JSON body on the OsmAnd endpoint (see osmand.h for the shape). The field
// meanings follow Traccar's own OsmAnd decoder: speed in metres per second, -1 for an unknown
// speed, heading or accuracy, battery level as a fraction of 1 (-1 unknown), the rest kept as
// attributes. Plausibility of the place and time stays the engine's judgement, except the ranges
// of latitude and longitude, refused here so the error names the JSON field.
#include <cmath>
#include <limits>
#include <string>

#include "core/text.h"
#include "monitoring/osmand.h"

namespace eq::monitoring {
namespace {

using nlohmann::json;

Error bad(const std::string& field, std::string message) { return Error::invalid(field, std::move(message), "invalid_position"); }

inline constexpr ReadingNames kTraccarNames{"coords.speed", "coords.heading", "coords.altitude", "coords.accuracy", "battery.level"};

// Absent or null: NaN. Not a number: an error naming the field.
Result<double> optional_number(const json& obj, const char* key, const std::string& prefix) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return std::numeric_limits<double>::quiet_NaN();
  if (!it->is_number()) return fail(bad(prefix + key, "El campo «" + prefix + key + "» debe ser un número."));
  return it->get<double>();
}

Result<std::optional<bool>> optional_bool(const json& obj, const char* key, const std::string& prefix) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return std::optional<bool>();
  if (!it->is_boolean()) return fail(bad(prefix + key, "El campo «" + prefix + key + "» debe ser true o false."));
  return std::optional<bool>(it->get<bool>());
}

Result<std::string> optional_text(const json& obj, const char* key, const std::string& prefix, size_t max = 100) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return std::string();
  if (!it->is_string()) return fail(bad(prefix + key, "El campo «" + prefix + key + "» debe ser un texto."));
  std::string v = trim(it->get<std::string>());
  if (v.size() > max) return fail(bad(prefix + key, "El campo «" + prefix + key + "» es demasiado largo."));
  return v;
}

// -1 (or any negative) is how the client says "unknown" for speed, heading and accuracy.
float known_or_nan(double v) { return std::isnan(v) || v < 0 ? std::numeric_limits<float>::quiet_NaN() : reading(v); }

Result<Position> one_location(const json& loc, const std::string& where, int64_t received_at) {
  const std::string pre = where + ".";
  if (!loc.is_object()) return fail(bad(where, "La posición («" + where + "») debe ser un objeto."));
  Position p;
  Report report;
  p.fix.received_at = received_at;
  p.fix.at = received_at;
  if (auto it = loc.find("timestamp"); it != loc.end() && !it->is_null()) {
    if (!it->is_string() && !it->is_number())
      return fail(bad(pre + "timestamp", "La hora debe ser un texto ISO 8601 o un número de segundos o milisegundos Unix."));
    auto t = parse_device_time(it->is_string() ? it->get<std::string>() : it->dump(), pre + "timestamp");
    if (!t) return fail(t.error());
    p.fix.at = *t;
  }
  // Alarms first: a panic press is never refused for a bad reading (check_readings).
  auto alarm = optional_text(loc, "alarm", pre);
  if (!alarm) return fail(alarm.error());
  p.fix.alarms |= parse_alarms(*alarm);
  if (auto ex = loc.find("extras"); ex != loc.end() && !ex->is_null()) {
    if (!ex->is_object()) return fail(bad(pre + "extras", "«" + pre + "extras» debe ser un objeto."));
    if (auto a = ex->find("alarm"); a != ex->end() && a->is_string()) p.fix.alarms |= parse_alarms(a->get<std::string>());
    if (ex->size() > kMaxExtras || ex->dump().size() > kMaxExtrasBytes)
      return fail(bad(pre + "extras", "Los datos adicionales («extras») admiten hasta 50 campos y 4 KB."));
    report.extras = *ex;
  }
  const bool panic = (p.fix.alarms & alarm_panic) != 0;

  bool has_coords = false;
  if (auto c = loc.find("coords"); c != loc.end() && !c->is_null()) {
    if (!c->is_object()) return fail(bad(pre + "coords", "«" + pre + "coords» debe ser un objeto."));
    const std::string cp = pre + "coords.";
    auto lat = optional_number(*c, "latitude", cp);
    if (!lat) return fail(lat.error());
    auto lon = optional_number(*c, "longitude", cp);
    if (!lon) return fail(lon.error());
    if (std::isnan(*lat) != std::isnan(*lon))
      return fail(bad(cp + (std::isnan(*lat) ? "latitude" : "longitude"), "Faltan la latitud o la longitud: vienen juntas o no vienen."));
    has_coords = !std::isnan(*lat);
    if (has_coords && !panic) {
      if (!(std::abs(*lat) <= 90)) return fail(bad(cp + "latitude", "La latitud debe estar entre -90 y 90 grados."));
      if (!(std::abs(*lon) <= 180)) return fail(bad(cp + "longitude", "La longitud debe estar entre -180 y 180 grados."));
    }
    p.fix.lat = *lat, p.fix.lon = *lon;
    auto speed = optional_number(*c, "speed", cp);
    if (!speed) return fail(speed.error());
    if (!std::isnan(*speed) && *speed >= 0) p.fix.speed_kmh = reading(*speed * 3.6);  // m/s
    auto heading = optional_number(*c, "heading", cp);
    if (!heading) return fail(heading.error());
    p.fix.bearing = known_or_nan(*heading);
    auto accuracy = optional_number(*c, "accuracy", cp);
    if (!accuracy) return fail(accuracy.error());
    p.fix.accuracy_m = known_or_nan(*accuracy);
    auto altitude = optional_number(*c, "altitude", cp);
    if (!altitude) return fail(altitude.error());
    p.fix.altitude_m = reading(*altitude);
  }

  if (auto b = loc.find("battery"); b != loc.end() && !b->is_null()) {
    if (!b->is_object()) return fail(bad(pre + "battery", "«" + pre + "battery» debe ser un objeto (level, is_charging)."));
    const std::string bp = pre + "battery.";
    auto level = optional_number(*b, "level", bp);
    if (!level) return fail(level.error());
    // The client reports a fraction of 1 and -1 when the phone does not say. Anything else (a 7)
    // is neither a fraction nor "unknown": refused rather than guessed as 7 % or 700 %.
    if (!std::isnan(*level) && *level != -1) {
      if (!(*level >= 0 && *level <= 1)) {
        if (!panic)
          return fail(bad(bp + "level", "El nivel de batería es una fracción entre 0 y 1 (0,79 es 79 %), o -1 si se desconoce; «" +
                                            b->at("level").dump() + "» no lo es."));
      } else {
        p.fix.battery_pct = battery_reading(*level * 100.0);
      }
    }
    auto charging = optional_bool(*b, "is_charging", bp);
    if (!charging) return fail(charging.error());
    report.charging = *charging;
  }
  auto moving = optional_bool(loc, "is_moving", pre);
  if (!moving) return fail(moving.error());
  report.moving = *moving;
  auto event = optional_text(loc, "event", pre);
  if (!event) return fail(event.error());
  report.event = *event;
  if (auto a = loc.find("activity"); a != loc.end() && a->is_object() && a->contains("type") && (*a)["type"].is_string())
    report.activity = (*a)["type"].get<std::string>().substr(0, 50);
  if (auto m = loc.find("mock"); m != loc.end() && m->is_boolean()) report.mock = m->get<bool>();  // a faked GPS: worth showing
  if (auto o = loc.find("odometer"); o != loc.end() && o->is_number() && report.extras.size() < kMaxExtras) report.extras["odometer"] = *o;

  p.fix.has_fix = has_coords;
  if (!has_coords && p.fix.alarms == alarm_none)
    return fail(bad(pre + "coords", "La posición no trae coordenadas (coords.latitude y coords.longitude) ni una alarma."));
  if (auto ok = check_readings(p.fix, kTraccarNames, pre); !ok) return fail(ok.error());
  p.report = report_json(report);
  return p;
}

}  // namespace

Result<std::vector<Position>> parse_traccar_json(const json& body, int64_t received_at) {
  std::string device_id;
  if (auto it = body.find("device_id"); it != body.end() && !it->is_null()) {
    if (it->is_string()) device_id = trim(it->get<std::string>());
    else if (it->is_number_integer()) device_id = it->dump();
    else return fail(bad("device_id", "El identificador del dispositivo (device_id) debe ser un texto."));
  }
  if (device_id.empty()) return fail(bad("device_id", "Falta el identificador del dispositivo (device_id)."));
  auto loc = body.find("location");
  if (loc == body.end() || loc->is_null()) return fail(bad("location", "Falta la posición (location)."));
  std::vector<Position> out;
  if (loc->is_array()) {
    if (loc->empty() || loc->size() > 1000) return fail(bad("location", "Se aceptan entre 1 y 1.000 posiciones por envío."));
    for (size_t i = 0; i < loc->size(); ++i) {
      auto p = one_location((*loc)[i], "location[" + std::to_string(i) + "]", received_at);
      if (!p) return fail(p.error());  // the whole buffer: the client resends it
      out.push_back(std::move(*p));
    }
  } else {
    auto p = one_location(*loc, "location", received_at);
    if (!p) return fail(p.error());
    out.push_back(std::move(*p));
  }
  for (auto& p : out) p.device_id = device_id;
  return out;
}

}  // namespace eq::monitoring
