// SQL of the monitoring module and the JSON shapes of API.md built from it.
#include <cmath>

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

Json num_or_null(const std::optional<double>& v) { return v && std::isfinite(*v) ? Json(*v) : Json(nullptr); }
Json text_or_empty(const std::string& s) { return s.empty() ? Json(nullptr) : Json(s); }

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
Json home_json(const std::optional<LatLon>& h) { return h ? Json({{"lat", h->lat}, {"lon", h->lon}}) : Json(nullptr); }
Json lat_json(const std::optional<LatLon>& p) { return p ? Json(p->lat) : Json(nullptr); }
Json lon_json(const std::optional<LatLon>& p) { return p ? Json(p->lon) : Json(nullptr); }

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

Json zone_json(const Zone& z) {
  const bool circle = z.shape == Zone::Shape::circle;
  Json poly = Json::array();
  for (const auto& p : z.polygon) poly.push_back({p.lat, p.lon});
  return {{"id", z.id},
          {"label", z.label},
          {"shape", circle ? "circle" : "polygon"},
          {"lat", circle ? Json(z.center.lat) : Json(nullptr)},
          {"lon", circle ? Json(z.center.lon) : Json(nullptr)},
          {"radius_m", circle ? Json(z.radius_m) : Json(nullptr)},
          {"polygon", circle ? Json(nullptr) : poly}};
}

std::string outcome_es(const std::string& id) {
  static const std::map<std::string, std::string> names = {
      {"falsa_alarma", "Falsa alarma"},           {"contacto_sin_riesgo", "Contacto con la víctima, sin riesgo"},
      {"unidad_en_sitio", "Unidad en el lugar"},  {"detencion", "Detención del agresor"},
      {"derivacion", "Derivación a la red de atención"}, {"otro", "Otro"}};
  auto it = names.find(id);
  return it == names.end() ? id : it->second;
}

std::string action_es(const std::string& kind) {
  static const std::map<std::string, std::string> names = {
      {"tomar", "Alerta tomada"},           {"llamada_victima", "Llamada a la víctima"}, {"llamada_agresor", "Llamada al agresor"},
      {"nota", "Nota"},                     {"despacho", "Despacho de unidad"},         {"cerrar", "Alerta cerrada"},
      {"escalada", "Escalamiento"},         {"unidad", "Informe de la unidad"}};
  auto it = names.find(kind);
  return it == names.end() ? kind : it->second;
}

std::string dispatch_state_es(const std::string& s) {
  static const std::map<std::string, std::string> names = {{"enviado", "Enviado"}, {"aceptado", "Aceptado"},
                                                           {"en_camino", "En camino"}, {"en_sitio", "En el lugar"},
                                                           {"cerrado", "Cerrado"}};
  auto it = names.find(s);
  return it == names.end() ? s : it->second;
}

static const char* kOrderColumns =
    "SELECT id, label, court, comuna_id, victim_name, victim_phone, aggressor_name, aggressor_phone, victim_home, "
    "aggressor_home, min_distance_m, approach_m, starts_at, ends_at, status, ended_reason FROM monitoring_orders";

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
  return o;
}

int64_t Service::Impl::insert_order(soci::session& s, const OrderRow& o, int64_t user_id) {
  auto home = [&](const std::optional<LatLon>& h) { return h ? std::optional<std::string>(seal(home_text(h))) : std::nullopt; };
  return *Query("INSERT INTO monitoring_orders(label, court, comuna_id, victim_name, victim_phone, aggressor_name, aggressor_phone, "
                "victim_home, aggressor_home, min_distance_m, approach_m, starts_at, ends_at, status, created_by, created_at) "
                "VALUES(:label, :court, :comuna, :vn, :vp, :an, :ap, :vh, :ah, :min, :approach, :starts, :ends, 'vigente', :by, :now) "
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
              .scalar(s);
}

std::optional<OrderRow> Service::Impl::order(soci::session& s, int64_t id) {
  std::optional<OrderRow> out;
  Query(std::string(kOrderColumns) + " WHERE id = :id").bind("id", static_cast<long long>(id)).each(s, [&](const soci::row& r) {
    out = order_from(*this, r);
  });
  return out;
}

std::vector<OrderRow> Service::Impl::orders(soci::session& s) {
  std::vector<OrderRow> out;
  Query(std::string(kOrderColumns) + " ORDER BY id").each(s, [&](const soci::row& r) { out.push_back(order_from(*this, r)); });
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

Json Service::Impl::order_json(soci::session& s, const OrderRow& o, bool full) {
  Json j = {{"id", o.id},
            {"label", o.label},
            {"court", text_or_empty(o.court)},
            {"comuna_id", o.comuna_id},
            {"min_distance_m", o.min_distance_m},
            {"approach_m", o.approach_m},
            {"starts_on", format_date_cl(o.starts_at)},
            // ends_at is exclusive (the next local midnight for "hasta el 31-05-2027"): its last day in force is shown.
            {"ends_on", o.ends_at ? Json(format_date_cl(*o.ends_at - 1)) : Json(nullptr)},
            {"status", o.status},
            {"ended_at", o.status == "terminada" && o.ends_at ? Json(format_datetime_cl(*o.ends_at)) : Json(nullptr)},
            {"ended_reason", text_or_empty(o.ended_reason)},
            {"victim_name", o.victim_name},
            {"aggressor_name", o.aggressor_name}};
  auto zs = zones(s, o.id);
  Json devices = Json::array();
  Query("SELECT device_id, kind, active FROM monitoring_devices WHERE order_id = :o ORDER BY id")
      .bind("o", static_cast<long long>(o.id))
      .each(s, [&](const soci::row& r) {
        auto kind = parse_device_kind(get_str(r, 1), "kind").value_or(DeviceKind::victim_mobile);
        devices.push_back({{"device_id", get_str(r, 0)}, {"kind", get_str(r, 1)}, {"holder", holder_of(kind)},
                           {"active", store::get_bool(r, 2)}, {"last", nullptr}});
      });
  for (auto& d : devices)
    Query("SELECT loc_enc, at, battery FROM monitoring_positions WHERE device_id = :d AND loc_enc IS NOT NULL ORDER BY at DESC LIMIT 1")
        .bind("d", d["device_id"].get<std::string>())
        .each(s, [&](const soci::row& r) {
          auto p = open_point(r, 0);
          d["last"] = {{"lat", lat_json(p)}, {"lon", lon_json(p)}, {"at", get_int(r, 1)}, {"battery", int_or_null(r, 2)}};
        });
  if (!full) {
    j["zones"] = zs.size();
    j["devices"] = devices.size();
    return j;
  }
  j["victim_phone"] = o.victim_phone;
  j["aggressor_phone"] = o.aggressor_phone;
  j["victim_home"] = home_json(o.victim_home);
  j["aggressor_home"] = home_json(o.aggressor_home);
  Json zj = Json::array();
  for (const auto& z : zs) zj.push_back(zone_json(z));
  j["zones"] = zj;
  j["devices"] = devices;
  return j;
}

Json Service::Impl::dispatch_json(soci::session& s, int64_t id) {
  Json out;
  Query("SELECT d.id, d.incident_id, d.institution_id, d.unit_name, d.unit_kind, d.state, d.created_at, d.accepted_at, "
        "d.en_route_at, d.on_site_at, d.closed_at, d.outcome, d.note, d.escalated, i.type, i.severity, i.loc_enc, i.loc_enc, "
        "i.comuna_id, o.label, o.victim_name, o.victim_phone, o.aggressor_name FROM monitoring_dispatches d JOIN monitoring_incidents i ON i.id = d.incident_id "
        "JOIN monitoring_orders o ON o.id = i.order_id WHERE d.id = :id")
      .bind("id", static_cast<long long>(id))
      .each(s, [&](const soci::row& r) {
        const std::string state = get_str(r, 5), outcome = get_str(r, 11);
        const auto at = open_point(r, 16);
        out = {{"id", get_int(r, 0)},
               {"incident_id", get_int(r, 1)},
               {"institution_id", get_int(r, 2)},
               {"unit_name", get_str(r, 3)},
               {"unit_kind", get_str(r, 4)},
               {"state", state},
               {"state_label", dispatch_state_es(state)},
               {"created_at", get_int(r, 6)},
               {"accepted_at", int_or_null(r, 7)},
               {"en_route_at", int_or_null(r, 8)},
               {"on_site_at", int_or_null(r, 9)},
               {"closed_at", int_or_null(r, 10)},
               {"outcome", text_or_empty(outcome)},
               {"outcome_label", outcome.empty() ? Json(nullptr) : Json(outcome_es(outcome))},
               {"note", text_or_empty(open_text(get_str(r, 12)))},
               {"escalated", store::get_bool(r, 13)},
               {"incident",
                {{"type", get_str(r, 14)},
                 {"type_label", std::string(label_es(alert_type_from(get_str(r, 14))))},
                 {"severity", get_str(r, 15)},
                 {"lat", lat_json(at)},
                 {"lon", lon_json(at)},
                 {"comuna_id", text_or_empty(get_str(r, 18))},
                 {"order_label", open_text(get_str(r, 19))},
                 // The unit going to her needs to know whom to protect and from whom.
                 {"victim_name", open_text(get_str(r, 20))},
                 {"victim_phone", open_text(get_str(r, 21))},
                 {"aggressor_name", open_text(get_str(r, 22))}}}};
      });
  return out;
}

Json Service::Impl::incident_json(soci::session& s, int64_t id) {
  Json out;
  std::optional<int64_t> taken_by;
  Query("SELECT i.id, i.order_id, o.label, i.type, i.severity, i.device_id, d.kind, i.zone_id, z.label, i.first_at, i.last_at, "
        "i.count, i.loc_enc, i.loc_enc, i.distance_m, i.battery, i.comuna_id, i.state, i.escalated, i.taken_by, i.outcome "
        "FROM monitoring_incidents i JOIN monitoring_orders o ON o.id = i.order_id "
        "LEFT JOIN monitoring_devices d ON d.device_id = i.device_id LEFT JOIN monitoring_zones z ON z.id = i.zone_id "
        "WHERE i.id = :id")
      .bind("id", static_cast<long long>(id))
      .each(s, [&](const soci::row& r) {
        const std::string outcome = get_str(r, 20);
        taken_by = get_opt_int(r, 19);
        const auto at = open_point(r, 12);
        out = {{"id", get_int(r, 0)},
               {"order_id", get_int(r, 1)},
               {"order_label", open_text(get_str(r, 2))},
               {"type", get_str(r, 3)},
               {"type_label", std::string(label_es(alert_type_from(get_str(r, 3))))},
               {"severity", get_str(r, 4)},
               {"device_id", get_str(r, 5)},
               {"device_kind", text_or_empty(get_str(r, 6))},
               {"zone_id", int_or_null(r, 7)},
               {"zone_label", text_or_empty(open_text(get_str(r, 8)))},
               {"first_at", get_int(r, 9)},
               {"last_at", get_int(r, 10)},
               {"count", get_int(r, 11)},
               {"lat", lat_json(at)},
               {"lon", lon_json(at)},
               {"distance_m", num_or_null(get_opt_double(r, 14))},
               {"battery", int_or_null(r, 15)},
               {"comuna_id", text_or_empty(get_str(r, 16))},
               {"state", get_str(r, 17)},
               {"escalated", store::get_bool(r, 18)},
               {"taken_by", nullptr},
               {"outcome", text_or_empty(outcome)},
               {"outcome_label", outcome.empty() ? Json(nullptr) : Json(outcome_es(outcome))},
               {"dispatch", nullptr}};
      });
  if (out.is_null()) return out;
  if (taken_by && dir.user_names)
    if (auto names = dir.user_names({*taken_by}); names.count(*taken_by)) out["taken_by"] = names[*taken_by];
  auto last = Query("SELECT MAX(id) FROM monitoring_dispatches WHERE incident_id = :id").bind("id", static_cast<long long>(id)).scalar(s);
  if (last && *last) out["dispatch"] = dispatch_json(s, *last);
  return out;
}

std::vector<int64_t> Service::Impl::incident_ids(soci::session& s, const std::string& state, int limit) {
  std::string where = state == "open" ? " WHERE state <> 'cerrada'" : state == "closed" ? " WHERE state = 'cerrada'" : "";
  std::vector<int64_t> ids;
  Query("SELECT id FROM monitoring_incidents" + where + " ORDER BY id DESC LIMIT " + std::to_string(limit)).each(s, [&](const soci::row& r) {
    ids.push_back(get_int(r, 0));
  });
  return ids;
}

Json Service::Impl::track_json(soci::session& s, int64_t order_id, int64_t from, int64_t to) {
  Json devices = Json::array();
  std::vector<std::pair<std::string, std::string>> devs;
  Query("SELECT device_id, kind FROM monitoring_devices WHERE order_id = :o ORDER BY id")
      .bind("o", static_cast<long long>(order_id))
      .each(s, [&](const soci::row& r) { devs.emplace_back(get_str(r, 0), get_str(r, 1)); });
  for (const auto& [id, kind] : devs) {
    Json points = Json::array();
    Query("SELECT loc_enc, at FROM monitoring_positions WHERE device_id = :d AND at >= :from AND at <= :to AND loc_enc IS NOT NULL "
          "ORDER BY at LIMIT 5000")
        .bind("d", id)
        .bind("from", static_cast<long long>(from))
        .bind("to", static_cast<long long>(to))
        .each(s, [&](const soci::row& r) {
          if (auto p = open_point(r, 0)) points.push_back({{"lat", p->lat}, {"lon", p->lon}, {"at", get_int(r, 1)}});
        });
    devices.push_back({{"device_id", id}, {"kind", kind}, {"points", points}});
  }
  return {{"devices", devices}};
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

}  // namespace eq::monitoring
