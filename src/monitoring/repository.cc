// All SQL of the monitoring module: rows in, structs out (json.cc turns them into the API's shapes).
// Identifying text and coordinates are sealed here on the way in and opened on the way out.
#include <cmath>
#include <limits>

#include "core/time.h"
#include "monitoring/service_impl.h"
#include "store/query.h"
#include "store/row.h"

namespace eq::monitoring {

using http::Json;
using store::get_double;
using store::get_int;
using store::get_opt_double;
using store::get_opt_int;
using store::get_str;
using store::is_null;
using store::Query;

namespace {

std::optional<long long> opt_ll(const std::optional<int64_t>& v) { return v ? std::optional<long long>(*v) : std::nullopt; }

// The first column of every row: the ids a query selects.
std::vector<int64_t> ids_of(soci::session& s, Query q) {
  std::vector<int64_t> ids;
  q.each(s, [&](const soci::row& r) { ids.push_back(get_int(r, 0)); });
  return ids;
}

}  // namespace

std::optional<LatLon> parse_point(const std::string& plain) {
  auto comma = plain.find(',');
  if (plain.empty() || comma == std::string::npos) return std::nullopt;
  try {
    return LatLon{std::stod(plain.substr(0, comma)), std::stod(plain.substr(comma + 1))};
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

namespace {

std::string home_text(const std::optional<LatLon>& h) {
  if (!h) return {};
  char buf[64];
  snprintf(buf, sizeof buf, "%.7f,%.7f", h->lat, h->lon);
  return buf;
}

std::string point_text(double lat, double lon) {
  char buf[64];
  snprintf(buf, sizeof buf, "%.17g,%.17g", lat, lon);
  return buf;
}

// A zone's geometry, sealed as one value: the centre of a circle or the points of a polygon.
std::string geometry_text(const Zone& z) {
  if (z.shape == Zone::Shape::circle) return Json({{"lat", z.center.lat}, {"lon", z.center.lon}}).dump();
  Json poly = Json::array();
  for (const auto& p : z.polygon) poly.push_back({p.lat, p.lon});
  return Json({{"polygon", poly}}).dump();
}

void apply_geometry(Zone& z, const std::string& plain) {
  Json g = Json::parse(plain, nullptr, false);
  if (!g.is_object()) return;
  if (g.contains("lat") && g.contains("lon")) z.center = {g["lat"].get<double>(), g["lon"].get<double>()};
  if (g.contains("polygon"))
    for (const auto& p : g["polygon"]) z.polygon.push_back({p.at(0).get<double>(), p.at(1).get<double>()});
}

}  // namespace

std::string Service::Impl::seal_point(double lat, double lon) const { return seal(point_text(lat, lon)); }

std::optional<LatLon> Service::Impl::open_point(const soci::row& r, size_t i) const {
  if (is_null(r, i)) return std::nullopt;
  return parse_point(open_text(get_str(r, i)));
}

void Service::Impl::seal_legacy(soci::session& s) {
  // Text columns: a value that is not ciphertext yet was written in clear before migration 3.
  for (const auto& [table, column] : std::vector<std::pair<std::string, std::string>>{
           {"monitoring_orders", "label"}, {"monitoring_orders", "court"}, {"monitoring_orders", "ended_reason"},
           {"monitoring_zones", "label"}, {"monitoring_actions", "note"}, {"monitoring_dispatches", "note"}}) {
    std::vector<std::pair<long long, std::string>> rows;
    Query("SELECT id, " + column + " FROM " + table + " WHERE " + column + " IS NOT NULL AND " + column + " <> '' AND " + column +
          " NOT LIKE 'v1.%'")
        .each(s, [&](const soci::row& r) { rows.emplace_back(get_int(r, 0), get_str(r, 1)); });
    for (const auto& [id, plain] : rows)
      Query("UPDATE " + table + " SET " + column + " = :v WHERE id = :id").bind("v", seal(plain)).bind("id", id).exec(s);
  }
  // Coordinates: moved from the numeric columns into the sealed one.
  for (const std::string table : {"monitoring_incidents", "monitoring_alerts"}) {
    std::vector<std::tuple<long long, double, double>> rows;
    Query("SELECT id, lat, lon FROM " + table + " WHERE lat IS NOT NULL AND lon IS NOT NULL").each(s, [&](const soci::row& r) {
      rows.emplace_back(get_int(r, 0), get_double(r, 1), get_double(r, 2));
    });
    for (const auto& [id, lat, lon] : rows)
      Query("UPDATE " + table + " SET loc_enc = :v, lat = NULL, lon = NULL WHERE id = :id").bind("v", seal_point(lat, lon)).bind("id", id).exec(s);
  }
  for (;;) {
    std::vector<std::tuple<std::string, long long, double, double>> rows;
    Query("SELECT device_id, at, lat, lon FROM monitoring_positions WHERE lat IS NOT NULL AND lon IS NOT NULL LIMIT 5000")
        .each(s, [&](const soci::row& r) { rows.emplace_back(get_str(r, 0), get_int(r, 1), get_double(r, 2), get_double(r, 3)); });
    for (const auto& [dev, at, lat, lon] : rows)
      Query("UPDATE monitoring_positions SET loc_enc = :v, lat = NULL, lon = NULL WHERE device_id = :d AND at = :at")
          .bind("v", seal_point(lat, lon))
          .bind("d", dev)
          .bind("at", at)
          .exec(s);
    if (rows.size() < 5000) break;
  }
  std::vector<Zone> zs;
  Query("SELECT id, shape, lat, lon, polygon FROM monitoring_zones WHERE geom_enc IS NULL").each(s, [&](const soci::row& r) {
    Zone z;
    z.id = get_int(r, 0);
    z.shape = get_str(r, 1) == "polygon" ? Zone::Shape::polygon : Zone::Shape::circle;
    z.center = {get_opt_double(r, 2).value_or(0), get_opt_double(r, 3).value_or(0)};
    if (!is_null(r, 4))
      for (const auto& p : Json::parse(get_str(r, 4))) z.polygon.push_back({p.at(0).get<double>(), p.at(1).get<double>()});
    zs.push_back(std::move(z));
  });
  for (const auto& z : zs)
    Query("UPDATE monitoring_zones SET geom_enc = :g, lat = NULL, lon = NULL, polygon = NULL WHERE id = :id")
        .bind("g", seal(geometry_text(z)))
        .bind("id", static_cast<long long>(z.id))
        .exec(s);
}

AlertType alert_type_from(const std::string& s) {
  for (int t = 0; t < kAlertTypes; ++t)
    if (to_string(static_cast<AlertType>(t)) == s) return static_cast<AlertType>(t);
  return AlertType::panic;
}

Severity severity_from(const std::string& s) {
  for (int v = 0; v <= static_cast<int>(Severity::info); ++v)
    if (to_string(static_cast<Severity>(v)) == s) return static_cast<Severity>(v);
  return Severity::info;
}

static const char* kOrderColumns =
    "SELECT id, label, court, comuna_id, victim_name, victim_phone, aggressor_name, aggressor_phone, victim_home, "
    "aggressor_home, min_distance_m, approach_m, starts_at, ends_at, status, ended_reason, record_id, victim_person_id, "
    "aggressor_person_id FROM monitoring_orders";

static OrderRow order_from(const Service::Impl& I, const soci::row& r) {
  OrderRow o;
  o.id = get_int(r, 0);
  o.label = I.open_text(get_str(r, 1));
  o.court = I.open_text(get_str(r, 2));
  o.comuna_id = get_str(r, 3);
  o.victim_name = I.open_text(get_str(r, 4));
  o.victim_phone = I.open_text(get_str(r, 5));
  o.aggressor_name = I.open_text(get_str(r, 6));
  o.aggressor_phone = I.open_text(get_str(r, 7));
  if (!is_null(r, 8)) o.victim_home = parse_point(I.open_text(get_str(r, 8)));
  if (!is_null(r, 9)) o.aggressor_home = parse_point(I.open_text(get_str(r, 9)));
  o.min_distance_m = get_double(r, 10);
  o.approach_m = get_double(r, 11);
  o.starts_at = get_int(r, 12);
  o.ends_at = get_opt_int(r, 13);
  o.status = get_str(r, 14);
  o.ended_reason = I.open_text(get_str(r, 15));
  o.record_id = get_opt_int(r, 16);
  o.victim_person_id = get_opt_int(r, 17);
  o.aggressor_person_id = get_opt_int(r, 18);
  return o;
}

int64_t Service::Impl::insert_order(soci::session& s, const OrderRow& o, int64_t user_id) {
  auto home = [&](const std::optional<LatLon>& h) { return h ? std::optional<std::string>(seal(home_text(h))) : std::nullopt; };
  return *Query("INSERT INTO monitoring_orders(label, court, comuna_id, victim_name, victim_phone, aggressor_name, aggressor_phone, "
                "victim_home, aggressor_home, min_distance_m, approach_m, starts_at, ends_at, status, created_by, created_at, "
                "record_id, victim_person_id, aggressor_person_id) "
                "VALUES(:label, :court, :comuna, :vn, :vp, :an, :ap, :vh, :ah, :min, :approach, :starts, :ends, 'vigente', :by, :now, "
                ":rec, :vpid, :apid) "
                "RETURNING id")
              .bind("label", seal(o.label))
              .bind_opt("court", seal_opt(o.court))
              .bind("comuna", o.comuna_id)
              .bind("vn", seal(o.victim_name))
              .bind("vp", seal(o.victim_phone))
              .bind("an", seal(o.aggressor_name))
              .bind("ap", seal(o.aggressor_phone))
              .bind_opt("vh", home(o.victim_home))
              .bind_opt("ah", home(o.aggressor_home))
              .bind_double("min", o.min_distance_m)
              .bind_double("approach", o.approach_m)
              .bind("starts", static_cast<long long>(o.starts_at))
              .bind_opt("ends", o.ends_at ? std::optional<long long>(*o.ends_at) : std::nullopt)
              .bind_opt("by", user_id ? std::optional<long long>(user_id) : std::nullopt)
              .bind("now", static_cast<long long>(now_ms()))
              .bind_opt("rec", opt_ll(o.record_id))
              .bind_opt("vpid", opt_ll(o.victim_person_id))
              .bind_opt("apid", opt_ll(o.aggressor_person_id))
              .scalar(s);
}

std::optional<OrderRow> Service::Impl::order(soci::session& s, int64_t id) {
  std::optional<OrderRow> out;
  Query(std::string(kOrderColumns) + " WHERE id = :id AND origin IS NULL").bind("id", static_cast<long long>(id)).each(s, [&](const soci::row& r) {
    out = order_from(*this, r);
  });
  return out;
}

std::vector<OrderRow> Service::Impl::orders(soci::session& s) {
  std::vector<OrderRow> out;
  Query(std::string(kOrderColumns) + " WHERE origin IS NULL ORDER BY id").each(s, [&](const soci::row& r) { out.push_back(order_from(*this, r)); });
  return out;
}

std::vector<Zone> Service::Impl::zones(soci::session& s, int64_t order_id) {
  std::vector<Zone> out;
  Query("SELECT id, label, shape, radius_m, geom_enc FROM monitoring_zones WHERE order_id = :o ORDER BY id")
      .bind("o", static_cast<long long>(order_id))
      .each(s, [&](const soci::row& r) {
        Zone z;
        z.id = get_int(r, 0);
        z.order_id = order_id;
        z.label = open_text(get_str(r, 1));
        z.shape = get_str(r, 2) == "polygon" ? Zone::Shape::polygon : Zone::Shape::circle;
        z.radius_m = get_opt_double(r, 3).value_or(0);
        apply_geometry(z, open_text(get_str(r, 4)));
        out.push_back(std::move(z));
      });
  return out;
}

int64_t Service::Impl::insert_zone(soci::session& s, const Zone& z) {
  const bool circle = z.shape == Zone::Shape::circle;
  return *Query("INSERT INTO monitoring_zones(order_id, label, shape, radius_m, geom_enc, created_at) "
                "VALUES(:o, :label, :shape, :r, :geom, :now) RETURNING id")
              .bind("o", static_cast<long long>(z.order_id))
              .bind("label", seal(z.label))
              .bind("shape", std::string(circle ? "circle" : "polygon"))
              .bind_opt_double("r", circle ? std::optional<double>(z.radius_m) : std::nullopt)
              .bind("geom", seal(geometry_text(z)))
              .bind("now", static_cast<long long>(now_ms()))
              .scalar(s);
}

std::optional<int64_t> Service::Impl::order_of_record(soci::session& s, int64_t record_id) {
  auto id = Query("SELECT MIN(id) FROM monitoring_orders WHERE record_id = :r").bind("r", static_cast<long long>(record_id)).scalar(s);
  return id && *id ? std::optional<int64_t>(*id) : std::nullopt;
}

std::vector<OrderRow> Service::Impl::orders_of_person(soci::session& s, int64_t person_id) {
  std::vector<OrderRow> out;
  Query(std::string(kOrderColumns) + " WHERE victim_person_id = :p OR aggressor_person_id = :p2 ORDER BY id DESC")
      .bind("p", static_cast<long long>(person_id))
      .bind("p2", static_cast<long long>(person_id))
      .each(s, [&](const soci::row& r) { out.push_back(order_from(*this, r)); });
  return out;
}

void Service::Impl::end_order(soci::session& s, int64_t order_id, int64_t at, const std::string& reason, int64_t user_id) {
  Query("UPDATE monitoring_orders SET status = 'terminada', ends_at = :at, ended_reason = :r, ended_by = :u WHERE id = :id")
      .bind("at", static_cast<long long>(at))
      .bind("r", seal(reason))
      .bind("u", static_cast<long long>(user_id))
      .bind("id", static_cast<long long>(order_id))
      .exec(s);
}

std::vector<std::string> Service::Impl::retire_devices(soci::session& s, int64_t order_id) {
  std::vector<std::string> retired;
  Query("SELECT device_id FROM monitoring_devices WHERE order_id = :o AND active = 1")
      .bind("o", static_cast<long long>(order_id))
      .each(s, [&](const soci::row& r) { retired.push_back(get_str(r, 0)); });
  Query("UPDATE monitoring_devices SET active = 0 WHERE order_id = :o").bind("o", static_cast<long long>(order_id)).exec(s);
  return retired;
}

std::vector<DeviceView> Service::Impl::devices_of(soci::session& s, int64_t order_id) {
  std::vector<DeviceView> out;
  Query("SELECT device_id, kind, active FROM monitoring_devices WHERE order_id = :o ORDER BY id")
      .bind("o", static_cast<long long>(order_id))
      .each(s, [&](const soci::row& r) {
        DeviceView d;
        d.device_id = get_str(r, 0);
        d.kind = parse_device_kind(get_str(r, 1), "kind").value_or(DeviceKind::victim_mobile);
        d.active = store::get_bool(r, 2);
        out.push_back(std::move(d));
      });
  for (auto& d : out)
    Query("SELECT loc_enc, at, battery FROM monitoring_positions WHERE device_id = :d AND loc_enc IS NOT NULL ORDER BY at DESC LIMIT 1")
        .bind("d", d.device_id)
        .each(s, [&](const soci::row& r) { d.last = LastFix{open_point(r, 0), get_int(r, 1), get_opt_int(r, 2)}; });
  for (auto& d : out)
    Query("SELECT at, loc_enc, battery, report_enc FROM monitoring_positions WHERE device_id = :d ORDER BY at DESC LIMIT 1")
        .bind("d", d.device_id)
        .each(s, [&](const soci::row& r) {
          d.last_report = LastReport{get_int(r, 0), is_null(r, 1), get_opt_int(r, 2), open_text(get_str(r, 3))};
        });
  return out;
}

bool Service::Impl::device_exists(soci::session& s, const std::string& device_id) {
  return Query("SELECT id FROM monitoring_devices WHERE device_id = :d").bind("d", device_id).scalar(s).has_value();
}

void Service::Impl::insert_device(soci::session& s, const Device& d, const std::string& secret_hash) {
  Query("INSERT INTO monitoring_devices(device_id, order_id, kind, secret_hash, active, created_at) VALUES(:d, :o, :k, :h, 1, :now)")
      .bind("d", d.id)
      .bind("o", static_cast<long long>(d.order_id))
      .bind("k", std::string(to_string(d.kind)))
      .bind("h", secret_hash)
      .bind("now", static_cast<long long>(now_ms()))
      .exec(s);
}

OrderView Service::Impl::order_view(soci::session& s, const OrderRow& o) {
  OrderView v;
  v.order = o;
  v.zones = zones(s, o.id);
  v.devices = devices_of(s, o.id);
  return v;
}

namespace {

constexpr const char* kDispatchColumns =
    "SELECT d.id, d.incident_id, d.institution_id, d.unit_name, d.unit_kind, d.state, d.created_at, d.accepted_at, "
    "d.en_route_at, d.on_site_at, d.closed_at, d.outcome, d.note, d.escalated, i.type, i.severity, i.loc_enc, d.cancelled_at, "
    "i.comuna_id, o.label, o.victim_name, o.victim_phone, o.aggressor_name, i.origin, i.origin_ref FROM monitoring_dispatches d "
    "JOIN monitoring_incidents i ON i.id = d.incident_id JOIN monitoring_orders o ON o.id = i.order_id";

}  // namespace

std::optional<DispatchView> Service::Impl::dispatch(soci::session& s, int64_t id) {
  std::optional<DispatchView> out;
  Query(std::string(kDispatchColumns) + " WHERE d.id = :id").bind("id", static_cast<long long>(id)).each(s, [&](const soci::row& r) {
    DispatchView d;
    d.id = get_int(r, 0);
    d.incident_id = get_int(r, 1);
    d.institution_id = get_int(r, 2);
    d.unit_name = get_str(r, 3);
    d.unit_kind = get_str(r, 4);
    d.state = get_str(r, 5);
    d.created_at = get_int(r, 6);
    d.accepted_at = get_opt_int(r, 7);
    d.en_route_at = get_opt_int(r, 8);
    d.on_site_at = get_opt_int(r, 9);
    d.closed_at = get_opt_int(r, 10);
    d.outcome = get_str(r, 11);
    d.note = open_text(get_str(r, 12));
    d.escalated = store::get_bool(r, 13);
    d.type = get_str(r, 14);
    d.severity = get_str(r, 15);
    d.at = open_point(r, 16);
    d.cancelled_at = get_opt_int(r, 17);
    // A dispatch replaced by another is stored closed (nothing waits for it) and shown as cancelled.
    if (d.cancelled_at) d.state = "anulado";
    d.comuna_id = get_str(r, 18);
    d.order_label = open_text(get_str(r, 19));
    d.victim_name = open_text(get_str(r, 20));
    d.victim_phone = open_text(get_str(r, 21));
    d.aggressor_name = open_text(get_str(r, 22));
    d.origin = get_str(r, 23);
    d.origin_ref = get_str(r, 24);
    if (!d.origin.empty()) d.order_label.clear();  // the channel's own order row is no court order
    out = std::move(d);
  });
  return out;
}

std::optional<IncidentView> Service::Impl::incident(soci::session& s, int64_t id) {
  std::optional<IncidentView> out;
  std::optional<int64_t> taken_by;
  Query("SELECT i.id, i.order_id, o.label, i.type, i.severity, i.device_id, d.kind, i.zone_id, z.label, i.first_at, i.last_at, "
        "i.count, i.loc_enc, i.distance_m, i.battery, i.comuna_id, i.state, i.escalated, i.taken_by, i.outcome, i.place_at, i.origin "
        "FROM monitoring_incidents i JOIN monitoring_orders o ON o.id = i.order_id "
        "LEFT JOIN monitoring_devices d ON d.device_id = i.device_id LEFT JOIN monitoring_zones z ON z.id = i.zone_id "
        "WHERE i.id = :id")
      .bind("id", static_cast<long long>(id))
      .each(s, [&](const soci::row& r) {
        IncidentView v;
        v.id = get_int(r, 0);
        v.order_id = get_int(r, 1);
        v.order_label = open_text(get_str(r, 2));
        v.type = get_str(r, 3);
        v.severity = get_str(r, 4);
        v.device_id = get_str(r, 5);
        v.device_kind = get_str(r, 6);
        v.zone_id = get_opt_int(r, 7);
        v.zone_label = open_text(get_str(r, 8));
        v.first_at = get_int(r, 9);
        v.last_at = get_int(r, 10);
        v.count = get_int(r, 11);
        v.at = open_point(r, 12);
        v.distance_m = get_opt_double(r, 13);
        v.battery = get_opt_int(r, 14);
        v.comuna_id = get_str(r, 15);
        v.state = get_str(r, 16);
        v.escalated = store::get_bool(r, 17);
        taken_by = get_opt_int(r, 18);
        v.outcome = get_str(r, 19);
        v.place_at = get_opt_int(r, 20);
        v.origin = get_str(r, 21);
        if (!v.origin.empty()) v.order_label.clear();
        out = std::move(v);
      });
  if (!out) return out;
  if (taken_by && dir.user_names)
    if (auto names = dir.user_names({*taken_by}); names.count(*taken_by)) out->taken_by = names[*taken_by];
  auto last = Query("SELECT MAX(id) FROM monitoring_dispatches WHERE incident_id = :id").bind("id", static_cast<long long>(id)).scalar(s);
  if (last && *last) out->dispatch = dispatch(s, *last);
  return out;
}

std::vector<int64_t> Service::Impl::incident_ids(soci::session& s, const std::string& state, int limit) {
  std::string where = state == "open" ? " WHERE state <> 'cerrada'" : state == "closed" ? " WHERE state = 'cerrada'" : "";
  return ids_of(s, Query("SELECT id FROM monitoring_incidents" + where + " ORDER BY id DESC LIMIT " + std::to_string(limit)));
}

std::vector<PersonOrder::Incident> Service::Impl::incidents_of_order(soci::session& s, int64_t order_id, int limit) {
  std::vector<PersonOrder::Incident> out;
  Query("SELECT id, first_at, type, severity, state, outcome FROM monitoring_incidents WHERE order_id = :o ORDER BY first_at DESC, id DESC LIMIT " +
        std::to_string(limit))
      .bind("o", static_cast<long long>(order_id))
      .each(s, [&](const soci::row& r) {
        out.push_back({get_int(r, 0), get_int(r, 1), get_str(r, 2), get_str(r, 3), get_str(r, 4), get_str(r, 5)});
      });
  return out;
}

std::string Service::Impl::incident_state(soci::session& s, int64_t id) {
  std::string state;
  Query("SELECT state FROM monitoring_incidents WHERE id = :id").bind("id", static_cast<long long>(id)).each(s, [&](const soci::row& r) {
    state = get_str(r, 0);
  });
  return state;
}

void Service::Impl::take_incident(soci::session& s, int64_t id, int64_t user_id, int64_t now) {
  Query("UPDATE monitoring_incidents SET state = 'en_gestion', taken_by = :u, taken_at = :now WHERE id = :id")
      .bind("u", static_cast<long long>(user_id))
      .bind("now", static_cast<long long>(now))
      .bind("id", static_cast<long long>(id))
      .exec(s);
}

void Service::Impl::close_incident(soci::session& s, int64_t id, const std::string& outcome, int64_t user_id, int64_t now) {
  Query("UPDATE monitoring_incidents SET state = 'cerrada', closed_at = :now, outcome = :o, "
        "taken_by = COALESCE(taken_by, :u), taken_at = COALESCE(taken_at, :now2) WHERE id = :id")
      .bind("now", static_cast<long long>(now))
      .bind("now2", static_cast<long long>(now))
      .bind("o", outcome)
      .bind("u", static_cast<long long>(user_id))
      .bind("id", static_cast<long long>(id))
      .exec(s);
}

void Service::Impl::mark_dispatched(soci::session& s, int64_t id, int64_t user_id, int64_t now) {
  Query("UPDATE monitoring_incidents SET state = 'despachada', taken_by = COALESCE(taken_by, :u), "
        "taken_at = COALESCE(taken_at, :now) WHERE id = :id")
      .bind("u", static_cast<long long>(user_id))
      .bind("now", static_cast<long long>(now))
      .bind("id", static_cast<long long>(id))
      .exec(s);
}

std::vector<AlertView> Service::Impl::alerts_of(soci::session& s, int64_t incident_id) {
  std::vector<AlertView> out;
  Query("SELECT at, type, loc_enc, distance_m, battery FROM monitoring_alerts WHERE incident_id = :i ORDER BY id LIMIT 1000")
      .bind("i", static_cast<long long>(incident_id))
      .each(s, [&](const soci::row& r) {
        out.push_back({get_int(r, 0), get_str(r, 1), open_point(r, 2), get_opt_double(r, 3), get_opt_int(r, 4)});
      });
  return out;
}

std::vector<ActionView> Service::Impl::actions_of(soci::session& s, int64_t incident_id) {
  std::vector<ActionView> out;
  Query("SELECT at, kind, note, outcome, reached, user_id FROM monitoring_actions WHERE incident_id = :i ORDER BY id")
      .bind("i", static_cast<long long>(incident_id))
      .each(s, [&](const soci::row& r) {
        ActionView a;
        a.at = get_int(r, 0);
        a.kind = get_str(r, 1);
        a.note = is_null(r, 2) ? std::string() : open_text(get_str(r, 2));
        a.outcome = get_str(r, 3);
        if (!is_null(r, 4)) a.reached = store::get_bool(r, 4);
        a.user_id = get_opt_int(r, 5);
        out.push_back(std::move(a));
      });
  return out;
}

std::vector<int64_t> Service::Impl::dispatch_ids_of_incident(soci::session& s, int64_t incident_id) {
  return ids_of(s, Query("SELECT id FROM monitoring_dispatches WHERE incident_id = :i ORDER BY id").bind("i", static_cast<long long>(incident_id)));
}

std::vector<int64_t> Service::Impl::dispatch_ids_of_unit(soci::session& s, int64_t institution_id) {
  return ids_of(s, Query("SELECT id FROM monitoring_dispatches WHERE institution_id = :i ORDER BY (state = 'cerrado'), id DESC LIMIT 200")
                      .bind("i", static_cast<long long>(institution_id)));
}

void Service::Impl::cancel_dispatch(soci::session& s, int64_t id, int64_t user_id, int64_t now) {
  Query("UPDATE monitoring_dispatches SET state = 'cerrado', closed_at = :now, cancelled_at = :now2, updated_by = :u WHERE id = :id")
      .bind("now", static_cast<long long>(now))
      .bind("now2", static_cast<long long>(now))
      .bind("u", static_cast<long long>(user_id))
      .bind("id", static_cast<long long>(id))
      .exec(s);
}

void Service::Impl::advance_dispatch(soci::session& s, int64_t id, const std::string& to, const std::string& outcome, int64_t user_id,
                                     int64_t now) {
  static const std::map<std::string, std::string> column = {
      {"aceptado", "accepted_at"}, {"en_camino", "en_route_at"}, {"en_sitio", "on_site_at"}, {"cerrado", "closed_at"}};
  Query("UPDATE monitoring_dispatches SET state = :st, " + column.at(to) + " = :now, outcome = :o, updated_by = :u WHERE id = :id")
      .bind("st", to)
      .bind("now", static_cast<long long>(now))
      .bind_opt("o", outcome.empty() ? std::nullopt : std::optional<std::string>(outcome))
      .bind("u", static_cast<long long>(user_id))
      .bind("id", static_cast<long long>(id))
      .exec(s);
}

std::vector<DeviceOnMap> Service::Impl::devices_on_map(soci::session& s) {
  std::vector<DeviceOnMap> out;
  // The last fix gives the place; the last report (fix or not) gives the battery and whether the
  // device is reporting without GPS now.
  Query("SELECT d.device_id, d.kind, d.order_id, p.loc_enc, p.at, r.battery, r.at, r.loc_enc FROM monitoring_devices d "
        "JOIN monitoring_positions p ON p.device_id = d.device_id AND p.at = (SELECT MAX(at) FROM monitoring_positions q "
        "WHERE q.device_id = d.device_id AND q.loc_enc IS NOT NULL) "
        "JOIN monitoring_positions r ON r.device_id = d.device_id AND r.at = (SELECT MAX(at) FROM monitoring_positions q "
        "WHERE q.device_id = d.device_id) WHERE d.active = 1")
      .each(s, [&](const soci::row& r) {
        auto at = open_point(r, 3);
        if (!at) return;
        DeviceOnMap d{get_str(r, 0), get_str(r, 1), get_int(r, 2), *at, get_int(r, 4), get_opt_int(r, 5)};
        d.report_at = get_int(r, 6);
        d.no_fix = is_null(r, 7);
        out.push_back(std::move(d));
      });
  return out;
}

PeriodTotals Service::Impl::period_totals(soci::session& s, int64_t from, int64_t to) {
  PeriodTotals t;
  auto count = [&](const std::string& sql) {
    Query q(sql);  // SOCI refuses a name the statement does not use
    if (sql.find(":f") != std::string::npos) q.bind("f", static_cast<long long>(from));
    q.bind("t", static_cast<long long>(to));
    return q.scalar(s).value_or(0);
  };
  // Court orders only: a help channel's pseudo-order (origin set) carries no order.
  t.orders_started = count("SELECT COUNT(*) FROM monitoring_orders WHERE origin IS NULL AND starts_at >= :f AND starts_at < :t");
  t.orders_in_force = count(
      "SELECT COUNT(*) FROM monitoring_orders WHERE origin IS NULL AND starts_at < :t AND (ends_at IS NULL OR ends_at >= :t)");
  t.dispatches = count("SELECT COUNT(*) FROM monitoring_dispatches WHERE created_at >= :f AND created_at < :t");
  t.channel_incidents = count("SELECT COUNT(*) FROM monitoring_incidents WHERE origin IS NOT NULL AND first_at >= :f AND first_at < :t");
  std::map<std::string, int64_t> by_type;
  Query("SELECT type, COUNT(*) FROM monitoring_incidents WHERE origin IS NULL AND first_at >= :f AND first_at < :t GROUP BY type")
      .bind("f", static_cast<long long>(from))
      .bind("t", static_cast<long long>(to))
      .each(s, [&](const soci::row& r) { by_type[get_str(r, 0)] += get_int(r, 1); });
  // In the engine's order (panic first), with its Spanish label.
  for (int k = 0; k < kAlertTypes; ++k) {
    const auto type = static_cast<AlertType>(k);
    auto it = by_type.find(std::string(to_string(type)));
    if (it == by_type.end()) continue;
    t.incidents_by_type.emplace_back(std::string(label_es(type)), it->second);
    by_type.erase(it);
  }
  for (const auto& [type, n] : by_type) t.incidents_by_type.emplace_back(type, n);
  return t;
}

HomeCounts Service::Impl::home_counts(soci::session& s, const http::Principal& who) {
  auto count = [&](const std::string& sql, int64_t institution) {
    Query q(sql);
    if (institution) q.bind("i", static_cast<long long>(institution));
    return q.scalar(s).value_or(0);
  };
  HomeCounts h;
  if (who.can("alerts.handle")) {
    h.critical = count("SELECT COUNT(*) FROM monitoring_incidents WHERE state = 'nueva' AND severity = 'critical'", 0);
    h.fresh = count("SELECT COUNT(*) FROM monitoring_incidents WHERE state = 'nueva'", 0);
    h.open = count("SELECT COUNT(*) FROM monitoring_incidents WHERE state <> 'cerrada'", 0);
  }
  if (who.can("dispatch.receive")) {
    h.pending = count("SELECT COUNT(*) FROM monitoring_dispatches WHERE institution_id = :i AND state = 'enviado'", who.institution_id);
    h.active = count("SELECT COUNT(*) FROM monitoring_dispatches WHERE institution_id = :i AND state <> 'cerrado'", who.institution_id);
  }
  return h;
}

Track Service::Impl::track(soci::session& s, int64_t order_id, int64_t from, int64_t to) {
  Track out;
  Query("SELECT device_id, kind FROM monitoring_devices WHERE order_id = :o ORDER BY id")
      .bind("o", static_cast<long long>(order_id))
      .each(s, [&](const soci::row& r) { out.push_back({get_str(r, 0), get_str(r, 1), {}}); });
  for (auto& d : out)
    Query("SELECT loc_enc, at FROM monitoring_positions WHERE device_id = :d AND at >= :from AND at <= :to AND loc_enc IS NOT NULL "
          "ORDER BY at LIMIT 5000")
        .bind("d", d.device_id)
        .bind("from", static_cast<long long>(from))
        .bind("to", static_cast<long long>(to))
        .each(s, [&](const soci::row& r) {
          if (auto p = open_point(r, 0)) d.points.push_back({*p, get_int(r, 1)});
        });
  return out;
}

void Service::Impl::insert_action(soci::session& s, int64_t incident, const std::string& kind, const std::string& note,
                                  const std::string& outcome, std::optional<bool> reached, std::optional<int64_t> user) {
  Query("INSERT INTO monitoring_actions(incident_id, kind, note, outcome, reached, user_id, at) "
        "VALUES(:i, :kind, :note, :outcome, :reached, :user, :now)")
      .bind("i", static_cast<long long>(incident))
      .bind("kind", kind)
      .bind_opt("note", seal_opt(note))
      .bind_opt("outcome", outcome.empty() ? std::nullopt : std::optional<std::string>(outcome))
      .bind_opt("reached", reached ? std::optional<long long>(*reached ? 1 : 0) : std::nullopt)
      .bind_opt("user", user ? std::optional<long long>(*user) : std::nullopt)
      .bind("now", static_cast<long long>(now_ms()))
      .exec(s);
}

int64_t Service::Impl::insert_dispatch(soci::session& s, int64_t incident, const Unit& u, const std::string& note,
                                       std::optional<int64_t> user) {
  return *Query("INSERT INTO monitoring_dispatches(incident_id, institution_id, unit_name, unit_kind, state, created_at, note, "
                "created_by) VALUES(:i, :inst, :name, :kind, 'enviado', :now, :note, :by) RETURNING id")
              .bind("i", static_cast<long long>(incident))
              .bind("inst", static_cast<long long>(u.institution_id))
              .bind("name", u.name)
              .bind("kind", u.kind)
              .bind("now", static_cast<long long>(now_ms()))
              .bind_opt("note", seal_opt(note))
              .bind_opt("by", user ? std::optional<long long>(*user) : std::nullopt)
              .scalar(s);
}

Json Service::Impl::incident_json(soci::session& s, int64_t id) {
  auto v = incident(s, id);
  return v ? monitoring::incident_json(*v) : Json();
}

Json Service::Impl::dispatch_json(soci::session& s, int64_t id) {
  auto v = dispatch(s, id);
  return v ? monitoring::dispatch_json(*v) : Json();
}

Json Service::Impl::track_json(soci::session& s, int64_t order_id, int64_t from, int64_t to) {
  return monitoring::track_json(track(s, order_id, from, to));
}

// ---------------------------------------------------------------- start-up and ingest

std::vector<std::pair<std::string, Device>> Service::Impl::active_devices(soci::session& s) {
  std::vector<std::pair<std::string, Device>> devs;
  Query("SELECT device_id, order_id, kind, secret_hash FROM monitoring_devices WHERE active = 1 ORDER BY id").each(s, [&](const soci::row& r) {
    Device d;
    d.id = get_str(r, 0);
    d.order_id = get_int(r, 1);
    d.kind = parse_device_kind(get_str(r, 2), "kind").value_or(DeviceKind::victim_mobile);
    d.person_id = is_aggressor(d.kind) ? aggressor_person(d.order_id) : victim_person(d.order_id);
    devs.emplace_back(get_str(r, 3), d);
  });
  return devs;
}

std::unordered_map<std::string, std::string> Service::Impl::all_device_kinds(soci::session& s) {
  std::unordered_map<std::string, std::string> out;
  Query("SELECT device_id, kind FROM monitoring_devices").each(s, [&](const soci::row& r) { out[get_str(r, 0)] = get_str(r, 1); });
  return out;
}

std::vector<PositionRow> Service::Impl::recent_positions(soci::session& s, const std::string& device_id, size_t limit) {
  std::vector<PositionRow> last;
  Query("SELECT at, received_at, loc_enc, battery FROM monitoring_positions WHERE device_id = :d ORDER BY at DESC LIMIT " +
        std::to_string(limit))
      .bind("d", device_id)
      .each(s, [&](const soci::row& r) {
        PositionRow p;
        p.fix.at = get_int(r, 0);
        p.fix.received_at = get_int(r, 1);
        p.fix.has_fix = !is_null(r, 2);
        p.loc_enc = p.fix.has_fix ? get_str(r, 2) : std::string();  // sealed: the caller opens what it needs
        p.fix.battery_pct = is_null(r, 3) ? -1 : static_cast<int16_t>(get_int(r, 3));
        last.push_back(p);
      });
  return last;
}

std::vector<IncidentRow> Service::Impl::open_incidents(soci::session& s) {
  std::vector<IncidentRow> out;
  Query("SELECT id, order_id, type, severity, device_id, zone_id, victim_person_id, fold_key, first_at, last_at, count, "
        "loc_enc, distance_m, battery, comuna_id, place_at FROM monitoring_incidents WHERE state <> 'cerrada' AND origin IS NULL")
      .each(s, [&](const soci::row& r) {
        IncidentRow in;
        in.id = get_int(r, 0);
        in.order_id = get_int(r, 1);
        in.type = alert_type_from(get_str(r, 2));
        in.severity = severity_from(get_str(r, 3));
        in.device_id = get_str(r, 4);
        in.zone_id = get_int(r, 5);
        in.victim_person_id = get_int(r, 6);
        in.fold_key = get_str(r, 7);
        in.first_at = get_int(r, 8);
        in.last_at = get_int(r, 9);
        in.count = static_cast<int>(get_int(r, 10));
        if (auto at = open_point(r, 11)) {
          in.lat = at->lat;
          in.lon = at->lon;
        }
        in.distance_m = get_opt_double(r, 12).value_or(NAN);
        in.battery = is_null(r, 13) ? -1 : static_cast<int>(get_int(r, 13));
        in.comuna_id = get_str(r, 14);
        in.place_at = get_opt_int(r, 15).value_or(0);
        out.push_back(std::move(in));
      });
  for (auto& in : out)
    if (auto v = incident(s, in.id)) {
      in.state = v->state;
      in.escalated = v->escalated;
      in.taken_by = v->taken_by;
      in.dispatch = v->dispatch;
    }
  return out;
}

// ---------------------------------------------------------------- incidents raised by help channels

int64_t Service::Impl::channel_order(soci::session& s, const std::string& origin) {
  auto id = Query("SELECT MIN(id) FROM monitoring_orders WHERE origin = :o").bind("o", origin).scalar(s);
  if (id && *id) return *id;
  // The channel's own order row: no parties, no devices, ended (the engine never loads it).
  const long long now = now_ms();
  return *Query("INSERT INTO monitoring_orders(label, court, comuna_id, victim_name, victim_phone, aggressor_name, aggressor_phone, "
                "min_distance_m, approach_m, starts_at, status, created_at, origin) "
                "VALUES(:label, NULL, '', :vn, :vp, :an, :ap, 0, 0, :starts, 'terminada', :now, :origin) RETURNING id")
              .bind("label", seal("Derivaciones desde canales de ayuda"))
              .bind("vn", seal(""))
              .bind("vp", seal(""))
              .bind("an", seal(""))
              .bind("ap", seal(""))
              .bind("starts", now)
              .bind("now", now)
              .bind("origin", origin)
              .scalar(s);
}

std::optional<int64_t> Service::Impl::open_channel_incident(soci::session& s, const std::string& origin, const std::string& ref) {
  auto id = Query("SELECT MIN(id) FROM monitoring_incidents WHERE origin = :o AND origin_ref = :r AND state <> 'cerrada'")
                .bind("o", origin)
                .bind("r", ref)
                .scalar(s);
  return id && *id ? std::optional<int64_t>(*id) : std::nullopt;
}

void Service::Impl::insert_channel_incident(soci::session& s, int64_t id, int64_t order_id, const ChannelAlert& a, int64_t now) {
  Query("INSERT INTO monitoring_incidents(id, order_id, type, severity, device_id, fold_key, first_at, last_at, count, comuna_id, "
        "state, escalated, created_at, origin, origin_ref) "
        "VALUES(:id, :o, :type, :sev, '', :fold, :first, :last, 1, :comuna, 'nueva', 0, :now, :origin, :ref)")
      .bind("id", static_cast<long long>(id))
      .bind("o", static_cast<long long>(order_id))
      .bind("type", std::string(kChannelIncidentType))
      .bind("sev", std::string(to_string(a.urgent ? Severity::critical : Severity::high)))
      .bind("fold", a.origin + ":" + a.origin_ref)
      .bind("first", static_cast<long long>(now))
      .bind("last", static_cast<long long>(now))
      .bind("comuna", a.comuna_id)
      .bind("now", static_cast<long long>(now))
      .bind("origin", a.origin)
      .bind("ref", a.origin_ref)
      .exec(s);
}

int64_t Service::Impl::next_incident_id(soci::session& s) {
  return Query("SELECT COALESCE(MAX(id), 0) + 1 FROM monitoring_incidents WHERE id < :f")
      .bind("f", static_cast<long long>(kForeignIncidents))
      .scalar(s)
      .value_or(1);
}

int64_t Service::Impl::next_foreign_incident_id(soci::session& s) {
  return Query("SELECT COALESCE(MAX(id), :f) + 1 FROM monitoring_incidents WHERE id >= :g")
      .bind("f", static_cast<long long>(kForeignIncidents))
      .bind("g", static_cast<long long>(kForeignIncidents))
      .scalar(s)
      .value_or(kForeignIncidents + 1);
}

std::set<int64_t> Service::Impl::stored_instants(soci::session& s, const std::string& device_id, int64_t from, int64_t to) {
  std::set<int64_t> out;
  Query("SELECT at FROM monitoring_positions WHERE device_id = :d AND at >= :lo AND at <= :hi")
      .bind("d", device_id)
      .bind("lo", static_cast<long long>(from))
      .bind("hi", static_cast<long long>(to))
      .each(s, [&](const soci::row& r) { out.insert(get_int(r, 0)); });
  return out;
}

// ---------------------------------------------------------------- escalation and retention

int64_t Service::Impl::escalations_due(soci::session& s, int64_t take_before, int64_t accept_before) {
  return Query("SELECT (SELECT COUNT(*) FROM monitoring_incidents WHERE state = 'nueva' AND escalated = 0 AND created_at < :t) + "
               "(SELECT COUNT(*) FROM monitoring_dispatches WHERE state = 'enviado' AND escalated = 0 AND created_at < :a)")
      .bind("t", static_cast<long long>(take_before))
      .bind("a", static_cast<long long>(accept_before))
      .scalar(s)
      .value_or(0);
}

std::vector<int64_t> Service::Impl::escalate_untaken(soci::session& s, int64_t before) {
  auto ids = ids_of(s, Query("SELECT id FROM monitoring_incidents WHERE state = 'nueva' AND escalated = 0 AND created_at < :t")
                          .bind("t", static_cast<long long>(before)));
  for (int64_t id : ids) Query("UPDATE monitoring_incidents SET escalated = 1 WHERE id = :id").bind("id", static_cast<long long>(id)).exec(s);
  return ids;
}

std::vector<Service::Impl::LateDispatch> Service::Impl::escalate_unaccepted(soci::session& s, int64_t before) {
  std::vector<LateDispatch> late;
  Query("SELECT id, incident_id, unit_kind FROM monitoring_dispatches WHERE state = 'enviado' AND escalated = 0 AND created_at < :t")
      .bind("t", static_cast<long long>(before))
      .each(s, [&](const soci::row& r) { late.push_back({get_int(r, 0), get_int(r, 1), get_str(r, 2)}); });
  for (const auto& d : late)
    Query("UPDATE monitoring_dispatches SET escalated = 1 WHERE id = :id").bind("id", static_cast<long long>(d.id)).exec(s);
  return late;
}

std::vector<Service::Impl::DueOrder> Service::Impl::positions_due(soci::session& s, int64_t cutoff, int64_t margin) {
  // Positions around an incident of the device's order are evidence and stay.
  std::vector<DueOrder> out;
  Query("SELECT d.order_id, o.victim_person_id, o.aggressor_person_id, COUNT(*), SUM(CASE WHEN EXISTS (SELECT 1 FROM "
        "monitoring_incidents i WHERE i.order_id = d.order_id AND p.at >= i.first_at - :m1 AND p.at <= i.last_at + :m2) THEN 1 ELSE 0 END) "
        "FROM monitoring_positions p JOIN monitoring_devices d ON d.device_id = p.device_id JOIN monitoring_orders o ON o.id = d.order_id "
        "WHERE p.received_at < :cutoff GROUP BY d.order_id, o.victim_person_id, o.aggressor_person_id ORDER BY d.order_id")
      .bind("m1", static_cast<long long>(margin))
      .bind("m2", static_cast<long long>(margin))
      .bind("cutoff", static_cast<long long>(cutoff))
      .each(s, [&](const soci::row& r) {
        DueOrder d;
        d.order_id = get_int(r, 0);
        for (int i : {1, 2})
          if (auto p = get_opt_int(r, static_cast<size_t>(i))) d.persons.push_back(*p);
        d.total = get_int(r, 3);
        d.evidence = get_int(r, 4);
        out.push_back(std::move(d));
      });
  return out;
}

int64_t Service::Impl::orphan_positions_due(soci::session& s, int64_t cutoff) {
  return Query("SELECT COUNT(*) FROM monitoring_positions WHERE received_at < :cutoff AND device_id NOT IN "
               "(SELECT device_id FROM monitoring_devices)")
      .bind("cutoff", static_cast<long long>(cutoff))
      .scalar(s)
      .value_or(0);
}

int64_t Service::Impl::purge_positions(soci::session& s, int64_t cutoff, int64_t margin, int64_t order_id) {
  return static_cast<int64_t>(Query("DELETE FROM monitoring_positions WHERE received_at < :cutoff AND device_id IN (SELECT device_id "
                                    "FROM monitoring_devices WHERE order_id = :o) AND NOT EXISTS (SELECT 1 FROM monitoring_incidents i "
                                    "WHERE i.order_id = :o2 AND monitoring_positions.at >= i.first_at - :m1 "
                                    "AND monitoring_positions.at <= i.last_at + :m2)")
                                  .bind("cutoff", static_cast<long long>(cutoff))
                                  .bind("o", static_cast<long long>(order_id))
                                  .bind("o2", static_cast<long long>(order_id))
                                  .bind("m1", static_cast<long long>(margin))
                                  .bind("m2", static_cast<long long>(margin))
                                  .exec(s));
}

int64_t Service::Impl::purge_orphan_positions(soci::session& s, int64_t cutoff) {
  return static_cast<int64_t>(Query("DELETE FROM monitoring_positions WHERE received_at < :cutoff AND device_id NOT IN "
                                    "(SELECT device_id FROM monitoring_devices)")
                                  .bind("cutoff", static_cast<long long>(cutoff))
                                  .exec(s));
}

// Rows per multi-row statement. soci's PostgreSQL backend executes a statement bound to vectors
// once per row (a round trip each, every one waiting for a PostgreSQL backend to be scheduled):
// at 5.000 positions/s that was 5.000 round trips a second inside the writer's transaction, whose
// length is what a request queued behind it waits (issue 20, the one-instance tail). Bound by
// name, and soci and SQLite find a name by a linear search: a few hundred names per statement.
constexpr size_t kRowsPerStatement = 32;

namespace {
// The positions of one commit, in multi-row INSERTs of kRowsPerStatement rows.
void insert_positions(soci::session& s, const std::vector<const PositionRow*>& rows, const std::function<std::string(const Fix&)>& seal) {
  for (size_t from = 0; from < rows.size(); from += kRowsPerStatement) {
    const size_t to = std::min(rows.size(), from + kRowsPerStatement);
    Query q("INSERT INTO monitoring_positions(device_id, at, received_at, loc_enc, speed_kmh, accuracy_m, battery, alarms, status, "
            "report_enc) VALUES ");
    for (size_t i = from; i < to; ++i) {
      const PositionRow& p = *rows[i];
      const Fix& f = p.fix;
      const std::string n = std::to_string(i - from);
      // Each name once: soci binds a name to one placeholder only.
      q.sql((i > from ? ", (:d" : "(:d") + n + ", :at" + n + ", :rec" + n + ", :loc" + n + ", :sp" + n + ", :acc" + n + ", :bat" + n +
            ", :al" + n + ", :st" + n + ", :rep" + n + ")");
      q.bind("d" + n, p.device_id)
          .bind("at" + n, static_cast<long long>(f.at))
          .bind("rec" + n, static_cast<long long>(f.received_at))
          .bind_opt("loc" + n, f.has_fix ? std::optional<std::string>(!p.loc_enc.empty() ? p.loc_enc : seal(f)) : std::nullopt)
          .bind_opt_double("sp" + n, std::isfinite(f.speed_kmh) ? std::optional<double>(f.speed_kmh) : std::nullopt)
          .bind_opt_double("acc" + n, std::isfinite(f.accuracy_m) ? std::optional<double>(f.accuracy_m) : std::nullopt)
          .bind_opt("bat" + n, f.battery_pct >= 0 ? std::optional<long long>(f.battery_pct) : std::nullopt)
          .bind("al" + n, static_cast<long long>(f.alarms))
          .bind("st" + n, p.status)
          .bind_opt("rep" + n, p.report_enc.empty() ? std::nullopt : std::optional<std::string>(p.report_enc));
    }
    q.sql(" ON CONFLICT (device_id, at) DO NOTHING");
    q.exec(s);
  }
}

// Inbox rows evaluated by this commit, in a few statements rather than one round trip per row.
void delete_inbox(soci::session& s, const std::vector<long long>& ids) {
  constexpr size_t kIds = 500;
  for (size_t from = 0; from < ids.size(); from += kIds) {
    const size_t to = std::min(ids.size(), from + kIds);
    // Integers the service holds (never input): written into the statement, not bound.
    std::string list;
    for (size_t i = from; i < to; ++i) list += (i > from ? "," : "") + std::to_string(ids[i]);
    Query("DELETE FROM monitoring_inbox WHERE id IN (" + list + ")").exec(s);
  }
}
}  // namespace

// One group commit: every position, incident and alert of the batches, in one transaction, with
// multi-row statements for the positions and the inbox rows they consume.
Result<void> Service::Impl::commit(std::vector<std::shared_ptr<Batch>>& batches) {
  const long long now = now_ms();
  std::vector<const PositionRow*> rows;
  for (auto& b : batches)
    for (const auto& p : b->positions) rows.push_back(&p);
  std::vector<long long> inbox;
  for (auto& b : batches)
    for (int64_t id : b->inbox_ids) inbox.push_back(id);
  const auto seal = [this](const Fix& f) { return seal_point(f.lat, f.lon); };
  return db.transaction<void>([&](soci::session& s) -> Result<void> {
    // Queued by another instance and evaluated now: gone in the same commit that stores them.
    delete_inbox(s, inbox);
    insert_positions(s, rows, seal);
    for (auto& b : batches) {
      for (const auto& [id, in] : b->incidents) {
        auto q = Query(
            "INSERT INTO monitoring_incidents(id, order_id, type, severity, device_id, zone_id, victim_person_id, fold_key, "
            "first_at, last_at, count, loc_enc, distance_m, battery, comuna_id, state, created_at, place_at) VALUES(:id, :o, :type, :sev, "
            ":dev, :zone, :victim, :key, :first, :last, :count, :loc, :dist, :bat, :comuna, 'nueva', :now, :place_at) "
            "ON CONFLICT (id) DO UPDATE SET last_at = excluded.last_at, count = excluded.count, loc_enc = excluded.loc_enc, "
            "distance_m = excluded.distance_m, battery = excluded.battery, place_at = excluded.place_at");
        q.bind("id", static_cast<long long>(id))
            .bind("o", static_cast<long long>(in.order_id))
            .bind("type", std::string(to_string(in.type)))
            .bind("sev", std::string(to_string(in.severity)))
            .bind("dev", in.device_id)
            .bind_opt("zone", in.zone_id ? std::optional<long long>(in.zone_id) : std::nullopt)
            .bind_opt("victim", in.victim_person_id ? std::optional<long long>(in.victim_person_id) : std::nullopt)
            .bind("key", in.fold_key)
            .bind("first", static_cast<long long>(in.first_at))
            .bind("last", static_cast<long long>(in.last_at))
            .bind("count", static_cast<long long>(in.count))
            .bind_opt("loc", std::isfinite(in.lat) && std::isfinite(in.lon) ? std::optional<std::string>(seal_point(in.lat, in.lon))
                                                                           : std::nullopt)
            .bind_opt_double("dist", std::isfinite(in.distance_m) ? std::optional<double>(in.distance_m) : std::nullopt)
            .bind_opt("bat", in.battery >= 0 ? std::optional<long long>(in.battery) : std::nullopt)
            .bind("comuna", in.comuna_id)
            .bind("now", now)
            .bind_opt("place_at", in.place_at ? std::optional<long long>(in.place_at) : std::nullopt)
            .exec(s);
      }
      for (const auto& ar : b->alerts) {
        const Alert& a = ar.alert;
        Query("INSERT INTO monitoring_alerts(incident_id, type, device_id, at, loc_enc, distance_m, battery, committed_at) "
              "VALUES(:i, :type, :dev, :at, :loc, :dist, :bat, :now)")
            .bind("i", static_cast<long long>(ar.incident_id))
            .bind("type", std::string(to_string(a.type)))
            .bind("dev", a.device_id)
            .bind("at", static_cast<long long>(a.at))
            .bind_opt("loc", std::isfinite(a.lat) && std::isfinite(a.lon) ? std::optional<std::string>(seal_point(a.lat, a.lon))
                                                                         : std::nullopt)
            .bind_opt_double("dist", std::isfinite(a.distance_m) ? std::optional<double>(a.distance_m) : std::nullopt)
            .bind_opt("bat", a.battery_pct >= 0 ? std::optional<long long>(a.battery_pct) : std::nullopt)
            .bind("now", now)
            .exec(s);
      }
    }
    return {};
  });
}


std::optional<std::string> Service::Impl::device_secret_hash(soci::session& s, const std::string& device_id) {
  std::optional<std::string> out;
  Query("SELECT secret_hash FROM monitoring_devices WHERE device_id = :d AND active = 1").bind("d", device_id).each(s, [&](const soci::row& r) {
    out = get_str(r, 0);
  });
  return out;
}

// What the engine reads of a position besides its device and instant, sealed as one JSON value
// (it locates her): the owner opens it when it drains the inbox.
std::string Service::Impl::inbox_body(const Position& p) const {
  const Fix& f = p.fix;
  auto num = [](double v) { return std::isfinite(v) ? Json(v) : Json(nullptr); };
  Json j = {{"lat", num(f.lat)},        {"lon", num(f.lon)},           {"fix", f.has_fix},     {"speed", num(f.speed_kmh)},
            {"bearing", num(f.bearing)}, {"alt", num(f.altitude_m)},   {"acc", num(f.accuracy_m)}, {"bat", f.battery_pct},
            {"alarms", f.alarms},        {"report", p.report}};
  return seal(j.dump());
}

void Service::Impl::inbox_add(InboxRows& rows, const std::string& device_id, const std::vector<Position>& positions,
                              std::vector<std::string>& bodies, int64_t now) {
  for (size_t i = 0; i < positions.size(); ++i) {
    const Fix& f = positions[i].fix;
    const long long received = f.received_at ? f.received_at : now;
    rows.dev.push_back(device_id);
    rows.at.push_back(f.at ? f.at : received);
    rows.rec.push_back(received);
    rows.body.push_back(std::move(bodies[i]));
  }
}

void Service::Impl::inbox_insert(soci::session& s, InboxRows& rows) {
  // Multi-row statements, as the positions' (kRowsPerStatement): one round trip per row was the
  // non-owner's inbox transaction's length.
  for (size_t from = 0; from < rows.dev.size(); from += kRowsPerStatement) {
    const size_t to = std::min(rows.dev.size(), from + kRowsPerStatement);
    Query q("INSERT INTO monitoring_inbox(device_id, at, received_at, body_enc) VALUES ");
    for (size_t i = from; i < to; ++i) {
      const std::string n = std::to_string(i - from);
      q.sql((i > from ? ", (:d" : "(:d") + n + ", :at" + n + ", :rec" + n + ", :b" + n + ")")
          .bind("d" + n, rows.dev[i])
          .bind("at" + n, rows.at[i])
          .bind("rec" + n, rows.rec[i])
          .bind("b" + n, std::move(rows.body[i]));
    }
    q.sql(" ON CONFLICT (device_id, at) DO NOTHING");
    q.exec(s);
  }
}

void Service::Impl::inbox_notify(soci::session& s, const std::string& channel, const std::string& payload) {
  std::string c = channel, p = payload;
  s << "SELECT pg_notify(:c, :p)", soci::use(c), soci::use(p);
}

std::vector<Service::Impl::InboxRow> Service::Impl::inbox_take(soci::session& s, size_t limit, const std::set<int64_t>& skip) {
  std::vector<InboxRow> out;
  // Rows still committing (`skip`, ids the service holds: written into the statement) are left
  // out by the database, so a take reads `limit` rows, not `limit` + those in flight.
  std::string not_in;
  for (int64_t id : skip) not_in += (not_in.empty() ? "" : ",") + std::to_string(id);
  Query("SELECT id, device_id, at, received_at, body_enc FROM monitoring_inbox" + (not_in.empty() ? "" : " WHERE id NOT IN (" + not_in + ")") +
        " ORDER BY id LIMIT " + std::to_string(limit))
      .each(s, [&](const soci::row& r) {
        InboxRow row;
        row.id = get_int(r, 0);
        if (skip.count(row.id) || out.size() >= limit) return;  // a guard: the WHERE leaves them out
        row.position.device_id = get_str(r, 1);
        Fix& f = row.position.fix;
        f.at = get_int(r, 2);
        f.received_at = get_int(r, 3);
        const auto j = Json::parse(open_text(get_str(r, 4)), nullptr, false);
        if (j.is_object()) {
          auto num = [&](const char* k, double fallback) { return j.contains(k) && j[k].is_number() ? j[k].get<double>() : fallback; };
          const double nan = std::numeric_limits<double>::quiet_NaN();
          f.lat = num("lat", nan);
          f.lon = num("lon", nan);
          f.has_fix = j.value("fix", true);
          f.speed_kmh = static_cast<float>(num("speed", nan));
          f.bearing = static_cast<float>(num("bearing", nan));
          f.altitude_m = static_cast<float>(num("alt", nan));
          f.accuracy_m = static_cast<float>(num("acc", nan));
          f.battery_pct = static_cast<int16_t>(j.value("bat", -1));
          f.alarms = static_cast<uint8_t>(j.value("alarms", 0));
          row.position.report = j.value("report", "");
        }
        out.push_back(std::move(row));
      });
  return out;
}

}  // namespace eq::monitoring
