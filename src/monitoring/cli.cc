// `equidad monitor replay` runs the live engine over recorded CSV files and writes the alerts it
// raises; `equidad monitor synth` writes a random data set in the same formats.
//
// CSV formats (RFC 4180, UTF-8, header row; columns found by name, in any order; extra columns
// ignored; [optional]). Instants are Unix seconds, Unix milliseconds or ISO 8601 (a date-time
// without zone is UTC).
//
//   orders.csv     order_id, min_distance_m, [approach_m] (empty or 0: --approach-m),
//                  [starts_at], [ends_at] (empty: in force / open-ended),
//                  [aggressor_home_lat, aggressor_home_lon], [victim_home_lat, victim_home_lon]
//                  (only for the order warnings printed on stderr)
//   zones.csv      zone_id, order_id, [label], shape (circle | polygon),
//                  circle: lat, lon, radius_m;
//                  polygon: wkt = POLYGON((lon lat, lon lat, …)) (WKT order: longitude first)
//   devices.csv    device_id, kind (victim_bracelet | victim_mobile | aggressor_tag), person_id,
//                  order_id; a device serving several orders has one row per order
//   positions.csv  device_id, timestamp, lat, lon (both empty: no fix), [received_at] (empty:
//                  timestamp), [speed_kmh], [battery] (percent), [alarm] (sos, tampering,
//                  lowBattery…; several separated by ';'), [accuracy_m]
//                  Rows are replayed in file order, i.e. arrival order: a row older than the
//                  device's previous one is treated as a late arrival, exactly as live.
//   alerts.csv     (output) incident, type, severity, device_id, person_id, order_id, zone_id,
//                  victim_person_id, first_at, last_at, count, lat, lon, distance_m, repeat, label
//                  One row per incident (repeats folded: count, first_at, last_at, closest
//                  distance_m) in opening order; with --all one row per raised alert instead
//                  (repeat = 1 on the folded ones, first_at = last_at = its instant). Instants are
//                  ISO 8601 UTC; type is panic, proximity_breach, proximity_warning, zone_enter,
//                  zone_exit, tamper, low_battery or silence; severity critical, high, medium, low
//                  or info; label is the type in Spanish.
//
// Silence is swept every --tick-s seconds of data time (the clock of the rows' received_at or
// timestamp), never beyond the last row.
#include "monitoring/cli.h"
#include "monitoring/evidence.h"

#include <fstream>

#include "http/body.h"
#include "http/message.h"

#include <CLI/CLI.hpp>

#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <iomanip>
#include <iostream>
#include <map>
#include <memory>
#include <optional>

#ifndef BOOST_ALLOW_DEPRECATED_HEADERS
#define BOOST_ALLOW_DEPRECATED_HEADERS
#endif
#include <boost/geometry.hpp>
#include <boost/geometry/geometries/point_xy.hpp>
#include <boost/geometry/geometries/polygon.hpp>

#include "core/text.h"
#include "core/time.h"
#include "core/csv.h"
#include "monitoring/osmand.h"

namespace eq::monitoring {
namespace {

using eq::CsvReader;

// One input file: its bytes, its header, and errors that name file, line and column.
class Table {
 public:
  static Result<std::unique_ptr<Table>> open(const std::string& path) {
    auto data = eq::read_file(path);
    if (!data) return fail(data.error());
    auto t = std::unique_ptr<Table>(new Table(path, std::move(*data)));
    std::string_view raw;
    auto ok = t->reader_.next(t->fields_, raw);
    if (!ok) return fail(t->error_here("", ok.error().message));
    if (!*ok) return fail(Error::bad_request("empty_file", t->name_ + ": el archivo está vacío (falta la fila de encabezado).", "input"));
    for (auto f : t->fields_) t->header_.push_back(trim(f));
    return t;
  }

  // Column index, or an error when required and absent.
  Result<std::optional<size_t>> column(std::string_view name, bool required) const {
    for (size_t i = 0; i < header_.size(); ++i)
      if (fold_for_search(header_[i]) == fold_for_search(name)) return std::optional<size_t>(i);
    if (!required) return std::optional<size_t>();
    std::string cols;
    for (const auto& h : header_) cols += (cols.empty() ? "" : ", ") + h;
    return fail(Error::bad_request("missing_column", name_ + ": falta la columna «" + std::string(name) + "» (columnas: " + cols + ").", "input"));
  }

  Result<bool> next() {
    std::string_view raw;
    auto ok = reader_.next(fields_, raw);
    if (!ok) return fail(error_here("", ok.error().message));
    // A blank line (often the last one) is no record.
    if (*ok && fields_.size() == 1 && trim(fields_[0]).empty()) return next();
    return ok;
  }
  std::string_view get(std::optional<size_t> col) const {
    if (!col || *col >= fields_.size()) return {};
    return fields_[*col];
  }
  std::string cell(std::optional<size_t> col) const { return trim(get(col)); }

  Error error_here(std::string_view column, const std::string& message) const {
    std::string where = name_ + ", línea " + std::to_string(reader_.line());
    if (!column.empty()) where += ", columna " + std::string(column);
    return Error::bad_request("invalid_csv", where + ": " + message, "input");
  }

  Result<double> number(std::optional<size_t> col, std::string_view name, bool required, double fallback = 0) const {
    const std::string t = cell(col);
    if (t.empty()) {
      if (required) return fail(error_here(name, "el valor está vacío."));
      return fallback;
    }
    double v = 0;
    auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
    if (ec != std::errc() || p != t.data() + t.size()) return fail(error_here(name, "«" + t + "» no es un número."));
    return v;
  }
  Result<int64_t> integer(std::optional<size_t> col, std::string_view name) const {
    const std::string t = cell(col);
    int64_t v = 0;
    auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
    if (t.empty() || ec != std::errc() || p != t.data() + t.size())
      return fail(error_here(name, t.empty() ? "el valor está vacío." : "«" + t + "» no es un número entero."));
    return v;
  }
  Result<int64_t> instant(std::optional<size_t> col, std::string_view name, int64_t fallback) const {
    const std::string t = cell(col);
    if (t.empty()) return fallback;
    auto v = parse_device_time(t, name);
    if (!v) return fail(error_here(name, v.error().message));
    return *v;
  }
  // An engine error about this row: its field names the column.
  Error wrap(const Error& e) const { return error_here(e.field, e.message); }
  const std::string& name() const { return name_; }

 private:
  Table(const std::string& path, std::string data)
      : name_(std::filesystem::path(path).filename().string()), data_(std::move(data)), reader_(data_) {}
  std::string name_;
  std::string data_;
  CsvReader reader_;
  std::vector<std::string_view> fields_;
  std::vector<std::string> header_;
};

#define EQ_TRY(var, expr)            \
  auto var##_r = (expr);             \
  if (!var##_r) return fail(var##_r.error()); \
  auto var = std::move(*var##_r)

struct OrderExtra {
  Order order;
  std::optional<LatLon> aggressor_home, victim_home;
  std::vector<Zone> zones;
};

Result<void> load_orders(const std::string& path, Engine& engine, std::map<int64_t, OrderExtra>& extras) {
  EQ_TRY(t, Table::open(path));
  EQ_TRY(c_id, t->column("order_id", true));
  EQ_TRY(c_min, t->column("min_distance_m", true));
  EQ_TRY(c_app, t->column("approach_m", false));
  EQ_TRY(c_start, t->column("starts_at", false));
  EQ_TRY(c_end, t->column("ends_at", false));
  EQ_TRY(c_alat, t->column("aggressor_home_lat", false));
  EQ_TRY(c_alon, t->column("aggressor_home_lon", false));
  EQ_TRY(c_vlat, t->column("victim_home_lat", false));
  EQ_TRY(c_vlon, t->column("victim_home_lon", false));
  while (true) {
    EQ_TRY(more, t->next());
    if (!more) break;
    OrderExtra x;
    EQ_TRY(id, t->integer(c_id, "order_id"));
    EQ_TRY(min, t->number(c_min, "min_distance_m", true));
    EQ_TRY(app, t->number(c_app, "approach_m", false));
    EQ_TRY(start, t->instant(c_start, "starts_at", 0));
    EQ_TRY(end, t->instant(c_end, "ends_at", 0));
    x.order = {id, min, app, start, end};
    auto point = [&](std::optional<size_t> a, std::optional<size_t> b, const char* na, const char* nb) -> Result<std::optional<LatLon>> {
      if (t->cell(a).empty() && t->cell(b).empty()) return std::optional<LatLon>();
      EQ_TRY(la, t->number(a, na, true));
      EQ_TRY(lo, t->number(b, nb, true));
      return std::optional<LatLon>(LatLon{la, lo});
    };
    EQ_TRY(ah, point(c_alat, c_alon, "aggressor_home_lat", "aggressor_home_lon"));
    EQ_TRY(vh, point(c_vlat, c_vlon, "victim_home_lat", "victim_home_lon"));
    x.aggressor_home = ah, x.victim_home = vh;
    if (auto ok = engine.add_order(x.order); !ok) return fail(t->wrap(ok.error()));
    extras[id] = std::move(x);
  }
  return {};
}

Result<void> load_zones(const std::string& path, Engine& engine, std::map<int64_t, OrderExtra>& extras) {
  namespace bg = boost::geometry;
  EQ_TRY(t, Table::open(path));
  EQ_TRY(c_id, t->column("zone_id", true));
  EQ_TRY(c_order, t->column("order_id", true));
  EQ_TRY(c_label, t->column("label", false));
  EQ_TRY(c_shape, t->column("shape", true));
  EQ_TRY(c_lat, t->column("lat", false));
  EQ_TRY(c_lon, t->column("lon", false));
  EQ_TRY(c_r, t->column("radius_m", false));
  EQ_TRY(c_wkt, t->column("wkt", false));
  while (true) {
    EQ_TRY(more, t->next());
    if (!more) break;
    Zone z;
    EQ_TRY(id, t->integer(c_id, "zone_id"));
    EQ_TRY(order, t->integer(c_order, "order_id"));
    z.id = id, z.order_id = order, z.label = t->cell(c_label);
    const std::string shape = fold_for_search(t->cell(c_shape));
    if (shape == "circle" || shape == "circulo") {
      EQ_TRY(lat, t->number(c_lat, "lat", true));
      EQ_TRY(lon, t->number(c_lon, "lon", true));
      EQ_TRY(r, t->number(c_r, "radius_m", true));
      z.shape = Zone::Shape::circle, z.center = {lat, lon}, z.radius_m = r;
    } else if (shape == "polygon" || shape == "poligono") {
      z.shape = Zone::Shape::polygon;
      bg::model::polygon<bg::model::d2::point_xy<double>> poly;
      const std::string wkt = t->cell(c_wkt);
      if (wkt.empty()) return fail(t->error_here("wkt", "una zona poligonal necesita su WKT, p. ej. POLYGON((-70.65 -33.45, …))."));
      try {
        bg::read_wkt(wkt, poly);
      } catch (const std::exception&) {
        return fail(t->error_here("wkt", "«" + wkt.substr(0, 60) + "» no es un POLYGON en WKT (longitud latitud, …)."));
      }
      for (const auto& p : poly.outer()) z.polygon.push_back({p.y(), p.x()});
      if (!poly.inners().empty()) return fail(t->error_here("wkt", "las zonas no admiten agujeros (anillos interiores)."));
    } else {
      return fail(t->error_here("shape", "forma «" + t->cell(c_shape) + "» desconocida: use circle o polygon."));
    }
    if (auto ok = engine.add_zone(z); !ok) return fail(t->wrap(ok.error()));
    extras[z.order_id].zones.push_back(std::move(z));
  }
  return {};
}

Result<void> load_devices(const std::string& path, Engine& engine) {
  EQ_TRY(t, Table::open(path));
  EQ_TRY(c_id, t->column("device_id", true));
  EQ_TRY(c_kind, t->column("kind", true));
  EQ_TRY(c_person, t->column("person_id", true));
  EQ_TRY(c_order, t->column("order_id", true));
  while (true) {
    EQ_TRY(more, t->next());
    if (!more) break;
    Device d;
    d.id = t->cell(c_id);
    auto kind = parse_device_kind(t->cell(c_kind), "kind");
    if (!kind) return fail(t->wrap(kind.error()));
    d.kind = *kind;
    EQ_TRY(person, t->integer(c_person, "person_id"));
    EQ_TRY(order, t->integer(c_order, "order_id"));
    d.person_id = person, d.order_id = order;
    if (auto ok = engine.add_device(d); !ok) return fail(t->wrap(ok.error()));
  }
  return {};
}

void append_number(std::string& out, double v, int decimals) {
  if (!std::isfinite(v)) return;
  char buf[40];
  const int n = std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  out.append(buf, size_t(n));
}

void append_row(std::string& out, const Incident& inc, const Engine& e, int64_t person, bool repeat) {
  out += std::to_string(inc.id);
  out += ',';
  out += to_string(inc.type);
  out += ',';
  out += to_string(inc.severity);
  out += ',';
  eq::csv_append(out, e.device_id(inc.device));
  out += ',' + std::to_string(person) + ',' + std::to_string(inc.order_id) + ',';
  if (inc.zone_id) out += std::to_string(inc.zone_id);
  out += ',';
  if (inc.victim_person_id) out += std::to_string(inc.victim_person_id);
  out += ',' + iso8601_utc(inc.first_at) + ',' + iso8601_utc(inc.last_at) + ',' + std::to_string(inc.count) + ',';
  append_number(out, inc.lat, 6);
  out += ',';
  append_number(out, inc.lon, 6);
  out += ',';
  append_number(out, inc.min_distance_m, 1);
  out += repeat ? ",1," : ",0,";
  eq::csv_append(out, label_es(inc.type));
  out += '\n';
}

constexpr const char* kAlertHeader =
    "incident,type,severity,device_id,person_id,order_id,zone_id,victim_person_id,first_at,last_at,count,lat,lon,distance_m,"
    "repeat,label\n";

}  // namespace

int run_replay(const ReplayCommand& c, std::ostream& out, std::ostream& err) {
  (void)out;
  const auto t0 = std::chrono::steady_clock::now();
  Config cfg;
  cfg.approach_m = c.approach_m;
  cfg.silence_ms = int64_t(c.silence_min * 60'000);
  cfg.live_max_age_ms = cfg.silence_ms;
  Engine engine(cfg);
  auto input_error = [&](const Error& e) {
    err << "error: " << e.message << "\n";
    return e.status == 404 || e.status == 500 ? 1 : 2;  // unreadable file vs. bad content
  };
  if (!(c.approach_m >= 0) || !(c.silence_min > 0) || c.tick_s <= 0) {
    err << "error: --approach-m debe ser ≥ 0, --silence-min > 0 y --tick-s > 0.\n";
    return 2;
  }
  std::map<int64_t, OrderExtra> extras;
  if (auto ok = load_orders(c.orders, engine, extras); !ok) return input_error(ok.error());
  if (auto ok = load_zones(c.zones, engine, extras); !ok) return input_error(ok.error());
  if (auto ok = load_devices(c.devices, engine); !ok) return input_error(ok.error());
  size_t warnings = 0;
  for (const auto& [id, x] : extras) {
    OrderContext ctx;
    ctx.zones = x.zones;
    ctx.aggressor_home = x.aggressor_home;
    ctx.victim_home = x.victim_home;
    ctx.approach_m = c.approach_m;
    for (const auto& w : order_warnings(x.order, ctx))
      if (++warnings <= 20) err << "aviso: medida " << id << ": " << w << "\n";
  }
  if (warnings > 20) err << "aviso: " << (warnings - 20) << " avisos más sobre medidas omitidos\n";

  auto t_r = Table::open(c.positions);
  if (!t_r) return input_error(t_r.error());
  Table& t = **t_r;
  std::optional<size_t> cols[9];
  const char* names[] = {"device_id", "timestamp", "lat", "lon", "received_at", "speed_kmh", "battery", "alarm", "accuracy_m"};
  for (int i = 0; i < 9; ++i) {
    auto col = t.column(names[i], i < 4);
    if (!col) return input_error(col.error());
    cols[i] = *col;
  }
  std::FILE* f = std::fopen(c.out.c_str(), "wb");
  if (!f) {
    err << "error: no se pudo crear " << c.out << "\n";
    return 1;
  }
  std::string buf = kAlertHeader;
  std::vector<Alert> alerts;
  const int64_t tick_ms = int64_t(c.tick_s) * 1000;
  int64_t next_tick = std::numeric_limits<int64_t>::min(), clock = 0;
  size_t rows = 0;
  auto emit = [&](std::vector<Alert>& as) {
    if (c.every_alert) {
      for (const Alert& a : as) {
        Incident inc = engine.incidents()[a.incident - 1];
        inc.first_at = inc.last_at = a.at;
        inc.count = a.count;
        inc.lat = a.lat, inc.lon = a.lon, inc.min_distance_m = a.distance_m;
        append_row(buf, inc, engine, a.person_id, a.repeat);
      }
      if (buf.size() > (1 << 20)) std::fwrite(buf.data(), 1, buf.size(), f), buf.clear();
    }
    as.clear();
  };
  int rc = 0;
  while (true) {
    auto more = t.next();
    if (!more) {
      rc = input_error(more.error());
      break;
    }
    if (!*more) break;
    ++rows;
    Position p;
    p.device_id = t.cell(cols[0]);
    auto at = parse_device_time(t.cell(cols[1]), "timestamp");
    if (!at) {
      rc = input_error(t.wrap(at.error()));
      break;
    }
    p.fix.at = *at;
    const std::string lat = t.cell(cols[2]), lon = t.cell(cols[3]);
    if (lat.empty() && lon.empty()) {
      p.fix.has_fix = false;
    } else {
      auto la = t.number(cols[2], "lat", true);
      auto lo = t.number(cols[3], "lon", true);
      if (!la || !lo) {
        rc = input_error(!la ? la.error() : lo.error());
        break;
      }
      p.fix.lat = *la, p.fix.lon = *lo;
    }
    auto rec = t.instant(cols[4], "received_at", 0);
    auto speed = t.number(cols[5], "speed_kmh", false, std::numeric_limits<double>::quiet_NaN());
    auto batt = t.number(cols[6], "battery", false, -1);
    auto acc = t.number(cols[8], "accuracy_m", false, std::numeric_limits<double>::quiet_NaN());
    if (!rec || !speed || !batt || !acc) {
      rc = input_error(!rec ? rec.error() : !speed ? speed.error() : !batt ? batt.error() : acc.error());
      break;
    }
    p.fix.received_at = *rec;
    p.fix.speed_kmh = float(*speed);
    p.fix.battery_pct = int16_t(*batt < 0 ? -1 : std::lround(std::min(*batt, 100.0)));
    p.fix.accuracy_m = float(*acc);
    p.fix.alarms = parse_alarms(t.cell(cols[7]));
    // The replay's clock is the data's: reception time when recorded, else device time.
    const int64_t now = p.fix.received_at > 0 ? p.fix.received_at : p.fix.at;
    if (next_tick == std::numeric_limits<int64_t>::min()) next_tick = now;
    clock = std::max(clock, now);
    while (next_tick <= clock) {
      engine.tick(next_tick, alerts);
      next_tick += tick_ms;
    }
    engine.ingest(p, alerts);
    emit(alerts);
  }
  if (rc == 0) {
    if (!c.every_alert)
      for (const Incident& inc : engine.incidents()) append_row(buf, inc, engine, inc.person_id, false);
  }
  const bool write_ok = std::fwrite(buf.data(), 1, buf.size(), f) == buf.size();
  if (std::fclose(f) != 0 || !write_ok) {
    err << "error: no se pudo escribir " << c.out << "\n";
    return 1;
  }
  if (rc != 0) return rc;
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!c.quiet) {
    const Stats& s = engine.stats();
    err << "posiciones: " << s.received << " leídas, " << s.accepted << " aceptadas, " << s.stale << " atrasadas (solo historial), "
        << s.duplicates << " duplicadas, " << s.rejected_total() << " rechazadas";
    std::string reasons;
    for (int i = 0; i < kRejectReasons; ++i)
      if (s.rejected[i]) reasons += (reasons.empty() ? "" : ", ") + std::string(reason_es(Reject(i))) + ": " + std::to_string(s.rejected[i]);
    if (!reasons.empty()) err << " (" << reasons << ")";
    err << "\nalertas: " << s.alerts << " levantadas, " << s.incidents << " incidentes (" << s.repeats
        << " repeticiones agrupadas); " << rows << " filas en " << std::fixed << std::setprecision(2) << secs << " s\n";
  }
  return 0;
}

int run_synth(const SynthCommand& c, std::ostream& out, std::ostream& err) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(c.out_dir, ec);
  if (ec) {
    err << "error: no se pudo crear la carpeta " << c.out_dir << ": " << ec.message() << "\n";
    return 1;
  }
  const auto t0 = std::chrono::steady_clock::now();
  const SynthData d = synthesize(c.synth);
  auto write = [&](const std::string& name, const std::string& text) {
    const std::string path = (fs::path(c.out_dir) / name).string();
    std::FILE* f = std::fopen(path.c_str(), "wb");
    const bool ok = f && std::fwrite(text.data(), 1, text.size(), f) == text.size();
    if (f && std::fclose(f) != 0) return false;
    if (!ok) err << "error: no se pudo escribir " << path << "\n";
    return ok;
  };
  std::string s = "order_id,min_distance_m,approach_m,starts_at,ends_at\n";
  for (const Order& o : d.orders) {
    s += std::to_string(o.id) + ',';
    append_number(s, o.min_distance_m, 0);
    s += ',';
    if (o.approach_m > 0) append_number(s, o.approach_m, 0);
    s += ",,\n";
  }
  if (!write("orders.csv", s)) return 1;
  s = "zone_id,order_id,label,shape,lat,lon,radius_m,wkt\n";
  for (const Zone& z : d.zones) {
    s += std::to_string(z.id) + ',' + std::to_string(z.order_id) + ',';
    eq::csv_append(s, z.label);
    if (z.shape == Zone::Shape::circle) {
      s += ",circle,";
      append_number(s, z.center.lat, 7);
      s += ',';
      append_number(s, z.center.lon, 7);
      s += ',';
      append_number(s, z.radius_m, 1);
      s += ",\n";
    } else {
      std::string wkt = "POLYGON((";
      for (size_t i = 0; i <= z.polygon.size(); ++i) {
        const LatLon& p = z.polygon[i % z.polygon.size()];
        if (i) wkt += ", ";
        append_number(wkt, p.lon, 7);
        wkt += ' ';
        append_number(wkt, p.lat, 7);
      }
      wkt += "))";
      s += ",polygon,,,,";
      eq::csv_append(s, wkt);
      s += '\n';
    }
  }
  if (!write("zones.csv", s)) return 1;
  s = "device_id,kind,person_id,order_id\n";
  for (const Device& dv : d.devices)
    s += dv.id + ',' + std::string(to_string(dv.kind)) + ',' + std::to_string(dv.person_id) + ',' + std::to_string(dv.order_id) + '\n';
  if (!write("devices.csv", s)) return 1;
  s = "device_id,timestamp,lat,lon,speed_kmh,battery,alarm\n";
  s.reserve(d.positions.size() * 64);
  for (const Position& p : d.positions) {
    s += p.device_id + ',' + std::to_string(p.fix.at) + ',';
    if (std::isnan(p.fix.lat)) s += "NaN";
    else append_number(s, p.fix.lat, 7);
    s += ',';
    append_number(s, p.fix.lon, 7);
    s += ',';
    append_number(s, p.fix.speed_kmh, 1);
    s += ',';
    if (p.fix.battery_pct >= 0) s += std::to_string(p.fix.battery_pct);
    s += ',';
    if (p.fix.alarms & alarm_panic) s += "sos";
    else if (p.fix.alarms & alarm_tamper) s += "tampering";
    s += '\n';
  }
  if (!write("positions.csv", s)) return 1;
  out << "escritos en " << c.out_dir << ": " << d.orders.size() << " medidas, " << d.zones.size() << " zonas, " << d.devices.size()
      << " dispositivos, " << d.positions.size() << " posiciones ("
      << std::fixed << std::setprecision(1) << std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() << " s)\n";
  return 0;
}

void add_commands(CLI::App& app) {
  auto* monitor = app.add_subcommand("monitor", "Telematic monitoring: offline replay of the alert engine and test data (no database)");
  monitor->require_subcommand(1);
  auto replay = std::make_shared<ReplayCommand>();
  auto* r = monitor->add_subcommand("replay", "Run the alert engine over recorded CSV files and write the alerts it raises");
  r->add_option("--orders", replay->orders, "orders.csv")->required();
  r->add_option("--zones", replay->zones, "zones.csv")->required();
  r->add_option("--devices", replay->devices, "devices.csv")->required();
  r->add_option("--positions", replay->positions, "positions.csv (rows in arrival order)")->required();
  r->add_option("--out", replay->out, "alerts.csv to write")->required();
  r->add_option("--approach-m", replay->approach_m, "Approach-warning distance for orders that set none (m)")->capture_default_str();
  r->add_option("--silence-min", replay->silence_min, "Minutes without a position before a silence alert")->capture_default_str();
  r->add_option("--tick-s", replay->tick_s, "Seconds of data time between silence sweeps")->capture_default_str();
  r->add_flag("--all", replay->every_alert, "One row per raised alert (repeats too) instead of one per incident");
  r->add_flag("--quiet", replay->quiet, "No summary on standard error");
  r->callback([replay] { throw CLI::RuntimeError(run_replay(*replay, std::cout, std::cerr)); });

  auto synth = std::make_shared<SynthCommand>();
  auto* s = monitor->add_subcommand("synth", "Write a random data set (orders, zones, devices, positions CSV) for tests and benchmarks");
  s->add_option("--orders", synth->synth.orders, "Orders (4 devices each)")->capture_default_str();
  s->add_option("--zones-per-order", synth->synth.zones_per_order, "Fixed zones per order")->capture_default_str();
  s->add_option("--positions", synth->synth.positions, "Positions")->capture_default_str();
  s->add_option("--seed", synth->synth.seed, "Random seed (same seed, same files)")->capture_default_str();
  s->add_option("--out-dir", synth->out_dir, "Folder for orders.csv, zones.csv, devices.csv, positions.csv")->required();
  s->callback([synth] { throw CLI::RuntimeError(run_synth(*synth, std::cout, std::cerr)); });

  auto file = std::make_shared<std::string>();
  auto* v = monitor->add_subcommand("verify",
                                    "Check an incident's evidence export (JSON or printable HTML): hash chain, Ed25519 signature and, "
                                    "for HTML, that the readable part matches the signed document");
  v->add_option("file", *file, "The exported file (.json or .html)")->required();
  v->callback([file] {
    std::ifstream in(*file);
    if (!in) {
      std::cerr << "No se pudo leer " << *file << "\n";
      throw CLI::RuntimeError(1);
    }
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto ok = verify_evidence_text(text);
    if (!ok) {
      std::cout << "NO VÁLIDA: " << ok.error().message << "\n";
      throw CLI::RuntimeError(2);
    }
    std::cout << *ok << "\n";
    throw CLI::RuntimeError(0);
  });
}

}  // namespace eq::monitoring
