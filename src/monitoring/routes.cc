// HTTP handlers of telematic monitoring (API.md): orders, zones and devices; the control centre's
// console, incidents, actions and dispatch; the units' dispatches; device ingest; the live streams.
#include <algorithm>
#include <cmath>
#include <regex>

#include "core/format_cl.h"
#include "core/text.h"
#include "core/time.h"
#include "monitoring/access.h"
#include "monitoring/evidence.h"
#include "monitoring/osmand.h"
#include "monitoring/service_impl.h"
#include "store/query.h"
#include "store/row.h"
#include "store/with_session.h"

namespace eq::monitoring {

http::Json evidence_document(Service::Impl& I, soci::session& s, int64_t incident_id);
std::string export_public_key(const crypto::Keys& keys);

namespace {

using http::Json;
using http::Request;
using http::Response;
using store::Query;
using T = http::Field::Type;

using access::kHandle;
using access::kManage;
using access::kUnit;

std::string str(const Json& body, const char* key) {
  auto it = body.find(key);
  return it == body.end() || it->is_null() || !it->is_string() ? std::string() : trim(it->get<std::string>());
}

using store::with_session;

constexpr const char* kNoOrder = "No existe una medida con ese identificador.";
constexpr const char* kNoIncident = "No existe una alerta con ese identificador.";
constexpr const char* kNoDispatch = "No existe un despacho con ese identificador.";

Result<LatLon> point(const Json& v, const std::string& field) {
  if (!v.is_object() || !v.contains("lat") || !v.contains("lon") || !v["lat"].is_number() || !v["lon"].is_number() || v.size() != 2)
    return fail(Error::invalid(field, "Indique la ubicación como {\"lat\": …, \"lon\": …}.", "invalid_point"));
  LatLon p{v["lat"].get<double>(), v["lon"].get<double>()};
  // Chile's continental territory and its islands fit in this box; anything else is a typo.
  if (!std::isfinite(p.lat) || !std::isfinite(p.lon) || p.lat < -56.5 || p.lat > -17 || p.lon < -110 || p.lon > -66)
    return fail(Error::invalid(field, "La ubicación está fuera de Chile.", "out_of_range"));
  return p;
}

Result<double> number_in(const Json& body, const char* key, double lo, double hi, const std::string& what) {
  const auto& v = body.at(key);
  double x = v.get<double>();
  if (!std::isfinite(x) || x < lo || x > hi)
    return fail(Error::invalid(key, what + " debe estar entre " + format_integer(static_cast<long long>(lo)) + " y " + format_integer(static_cast<long long>(hi)) + " metros.",
                               "out_of_range"));
  return x;
}

std::vector<std::string> warnings_for(const OrderRow& o, const std::vector<Zone>& zones) {
  Order eo;
  eo.id = o.id;
  eo.min_distance_m = o.min_distance_m;
  eo.approach_m = o.approach_m;
  OrderContext ctx;
  ctx.zones = zones;
  ctx.aggressor_home = o.aggressor_home;
  ctx.victim_home = o.victim_home;
  return order_warnings(eo, ctx);
}

// The value of one field of a form-encoded string ("" when absent).
std::string form_value(std::string_view params, std::string_view name) {
  for (size_t p = 0; p <= params.size();) {
    size_t amp = params.find('&', p);
    if (amp == std::string_view::npos) amp = params.size();
    auto part = params.substr(p, amp - p);
    auto eq = part.find('=');
    if (eq != std::string_view::npos && form_decode(part.substr(0, eq)) == name) return form_decode(part.substr(eq + 1));
    p = amp + 1;
  }
  return {};
}

// Device credentials: `key` in the OsmAnd parameters, or HTTP Basic (device id : secret).
std::optional<Credentials> basic_credentials(const Request& req) {
  std::string h = req.header("authorization");
  if (h.rfind("Basic ", 0) != 0) return std::nullopt;
  std::string b64 = h.substr(6);
  // Basic uses standard base64; the helper reads base64url, so translate the two letters.
  std::replace(b64.begin(), b64.end(), '+', '-');
  std::replace(b64.begin(), b64.end(), '/', '_');
  b64.erase(std::remove(b64.begin(), b64.end(), '='), b64.end());
  auto plain = crypto::from_base64url(b64);
  if (!plain) return std::nullopt;
  auto colon = plain->find(':');
  if (colon == std::string::npos) return std::nullopt;
  return Credentials{plain->substr(0, colon), plain->substr(colon + 1)};
}

struct Ctx {
  Ctx(std::shared_ptr<Service> s) : svc(std::move(s)), I(svc->impl()) {}
  std::shared_ptr<Service> svc;
  Service::Impl& I;
};

// Failed authentications are throttled by the service (per device id, per address only for
// unknown ids), so MQTT and both HTTP protocols share one rule.
Result<Response> ingest_reply(Ctx& c, const Request& req, const Credentials& who, std::vector<Position> positions, bool osmand) {
  auto sum = c.svc->ingest(who, std::move(positions), req.client_ip);
  if (!sum) {
    if (sum.error().status == 401) {
      audit::Entry e = audit::Log::from(req, "monitoring.device_denied", "monitoring_device", "denied");
      e.detail = who.device_id.substr(0, 64);
      (void)c.I.audit.append(e);
    }
    return fail(sum.error());
  }
  if (osmand) {
    if (sum->accepted + sum->stale + sum->duplicates == 0 && !sum->errors.empty())
      return fail(Error::invalid(sum->errors[0]["field"], sum->errors[0]["message"], sum->errors[0]["code"]));
    Response r;
    r.content_type = "text/plain; charset=utf-8";
    r.body = "OK";
    return r;
  }
  return Response::json({{"accepted", sum->accepted}, {"stale", sum->stale}, {"duplicates", sum->duplicates},
                         {"rejected", sum->rejected}, {"alerts", sum->alerts}, {"errors", sum->errors}});
}

Result<Position> batch_position(const Json& p, size_t i, int64_t now) {
  auto bad = [&](const std::string& field, const std::string& msg) {
    return fail(Error::invalid("positions[" + std::to_string(i) + "]." + field, msg, "invalid_position"));
  };
  if (!p.is_object()) return bad("", "Cada posición debe ser un objeto.");
  static const std::set<std::string> known = {"timestamp", "lat", "lon", "speed_kmh", "bearing", "altitude_m",
                                              "accuracy_m", "battery", "alarm", "valid"};
  for (auto it = p.begin(); it != p.end(); ++it)
    if (!known.count(it.key())) return bad(it.key(), "Campo desconocido.");
  Position pos;
  pos.fix.received_at = now;
  if (!p.contains("timestamp")) return bad("timestamp", "Indique la hora del dispositivo.");
  const auto& ts = p["timestamp"];
  if (ts.is_number()) {
    auto t = parse_device_time(ts.dump(), "timestamp");
    if (!t) return bad("timestamp", t.error().message);
    pos.fix.at = *t;
  } else if (ts.is_string()) {
    auto t = parse_device_time(ts.get<std::string>(), "timestamp");
    if (!t) return bad("timestamp", t.error().message);
    pos.fix.at = *t;
  } else {
    return bad("timestamp", "La hora debe ser un número (segundos o milisegundos Unix) o un texto ISO 8601.");
  }
  // A number or null (unknown); anything else is refused naming the field.
  auto num = [&](const char* k, double& slot) -> bool {
    if (!p.contains(k) || p[k].is_null()) return true;
    if (!p[k].is_number()) return false;
    slot = p[k].get<double>();
    return true;
  };
  if (p.contains("valid") && !p["valid"].is_boolean()) return bad("valid", "«valid» debe ser true o false.");
  if (p.contains("alarm") && !p["alarm"].is_null() && !p["alarm"].is_string())
    return bad("alarm", "La alarma es un texto (sos, tampering, lowBattery…).");
  bool valid = p.value("valid", true);
  if (!num("lat", pos.fix.lat)) return bad("lat", "Las coordenadas deben ser números.");
  if (!num("lon", pos.fix.lon)) return bad("lon", "Las coordenadas deben ser números.");
  for (const auto& [k, slot] : {std::pair<const char*, float*>{"speed_kmh", &pos.fix.speed_kmh}, {"bearing", &pos.fix.bearing},
                                {"altitude_m", &pos.fix.altitude_m}, {"accuracy_m", &pos.fix.accuracy_m}}) {
    double v = NAN;
    if (!num(k, v)) return bad(k, "Velocidad, rumbo, altitud y precisión deben ser números.");
    *slot = reading(v);
  }
  double battery = NAN;
  if (!num("battery", battery)) return bad("battery", "La batería es un porcentaje entre 0 y 100.");
  pos.fix.battery_pct = std::isnan(battery) ? int16_t(-1) : battery_reading(battery);
  if (p.contains("alarm") && p["alarm"].is_string()) pos.fix.alarms = parse_alarms(p["alarm"].get<std::string>());
  pos.fix.has_fix = valid && p.contains("lat") && p.contains("lon") && !p["lat"].is_null();
  if (!pos.fix.has_fix && pos.fix.alarms == alarm_none) return bad("lat", "Una posición sin coordenadas solo se acepta con una alarma.");
  if (auto ok = check_readings(pos.fix, kBatchNames, "positions[" + std::to_string(i) + "]."); !ok) return fail(ok.error());
  return pos;
}

Result<Response> create_order(Ctx& c, Request& req, const Json& body) {
  OrderRow o;
  o.label = str(body, "label");
  if (o.label.empty()) return fail(Error::invalid("label", "Indique el RIT o la causa de la medida.", "required"));
  o.court = str(body, "court");
  o.victim_name = str(body, "victim_name");
  if (o.victim_name.empty()) return fail(Error::invalid("victim_name", "Indique el nombre de la víctima.", "required"));
  o.aggressor_name = str(body, "aggressor_name");
  if (o.aggressor_name.empty()) return fail(Error::invalid("aggressor_name", "Indique el nombre del agresor.", "required"));
  static const std::regex phone(R"(^\+?[0-9 ]{8,16}$)");
  o.victim_phone = str(body, "victim_phone");
  if (!std::regex_match(o.victim_phone, phone))
    return fail(Error::invalid("victim_phone", "Indique un teléfono de 8 a 15 dígitos, por ejemplo +56 9 1234 5678.", "invalid_phone"));
  o.aggressor_phone = str(body, "aggressor_phone");
  if (!std::regex_match(o.aggressor_phone, phone))
    return fail(Error::invalid("aggressor_phone", "Indique un teléfono de 8 a 15 dígitos, por ejemplo +56 9 1234 5678.", "invalid_phone"));
  o.comuna_id = str(body, "comuna_id");
  // The comuna decides which unit is dispatched: it must be one of the territory's.
  if (!c.I.dir.comuna_exists || !c.I.dir.comuna_exists(o.comuna_id))
    return fail(Error::invalid("comuna_id", "Indique el código de una comuna existente, por ejemplo 13101 (Santiago).", "invalid_comuna"));
  auto min = number_in(body, "min_distance_m", 50, 10000, "La distancia mínima");
  if (!min) return fail(min.error());
  o.min_distance_m = *min;
  o.approach_m = std::max(o.min_distance_m * 2, c.I.opt.engine.approach_m);
  if (body.contains("approach_m") && !body["approach_m"].is_null()) {
    auto a = number_in(body, "approach_m", 50, 20000, "La distancia de aviso");
    if (!a) return fail(a.error());
    if (*a <= o.min_distance_m)
      return fail(Error::invalid("approach_m", "La distancia de aviso debe ser mayor que la distancia mínima.", "out_of_range"));
    o.approach_m = *a;
  }
  o.starts_at = now_ms();
  if (auto s = str(body, "starts_on"); !s.empty()) {
    auto d = parse_date_cl(s, "starts_on");
    if (!d) return fail(d.error());
    o.starts_at = *d;
  }
  if (auto e = str(body, "ends_on"); !e.empty()) {
    auto d = parse_date_cl(e, "ends_on");
    if (!d) return fail(d.error());
    o.ends_at = *d + 86'400'000LL;  // through the whole last day
    if (*o.ends_at <= o.starts_at) return fail(Error::invalid("ends_on", "El término debe ser posterior al inicio.", "invalid_date"));
  }
  for (const char* k : {"victim_home", "aggressor_home"})
    if (body.contains(k) && !body[k].is_null()) {
      auto p = point(body[k], k);
      if (!p) return fail(p.error());
      (std::string(k) == "victim_home" ? o.victim_home : o.aggressor_home) = *p;
    }
  auto created = c.I.db.transaction<Json>([&](soci::session& s) -> Result<Json> {
    o.id = c.I.insert_order(s, o, req.who().user_id);
    o.status = "vigente";
    c.I.audit.append(s, audit::Log::from(req, "monitoring.order_create", "monitoring_order:" + std::to_string(o.id)));
    return c.I.order_json(s, o, true);
  });
  if (!created) return fail(created.error());
  {
    std::lock_guard lock(c.I.mu);
    if (auto ok = c.I.add_to_engine(o, {}); !ok) return fail(ok.error());
  }
  Json warnings = Json::array();
  for (auto& w : warnings_for(o, {})) warnings.push_back(w);
  return Response::json({{"order", *created}, {"warnings", warnings}}, 201);
}

Result<Response> add_zone(Ctx& c, Request& req, int64_t order_id, const Json& body) {
  Zone z;
  z.order_id = order_id;
  z.label = str(body, "label");
  if (z.label.empty()) return fail(Error::invalid("label", "Indique qué lugar protege la zona (domicilio, trabajo, colegio…).", "required"));
  const std::string shape = str(body, "shape");
  if (shape == "circle") {
    z.shape = Zone::Shape::circle;
    if (!body.contains("lat") || !body.contains("lon"))
      return fail(Error::invalid("lat", "Indique el centro del círculo (lat, lon).", "required"));
    auto p = point(Json({{"lat", body["lat"]}, {"lon", body["lon"]}}), "lat");
    if (!p) return fail(p.error());
    z.center = *p;
    if (!body.contains("radius_m")) return fail(Error::invalid("radius_m", "Indique el radio en metros.", "required"));
    auto r = number_in(body, "radius_m", 20, 5000, "El radio");
    if (!r) return fail(r.error());
    z.radius_m = *r;
  } else if (shape == "polygon") {
    z.shape = Zone::Shape::polygon;
    if (!body.contains("polygon") || body["polygon"].size() < 3 || body["polygon"].size() > 200)
      return fail(Error::invalid("polygon", "Un polígono necesita entre 3 y 200 puntos [[lat, lon], …].", "invalid_polygon"));
    for (const auto& v : body["polygon"]) {
      if (!v.is_array() || v.size() != 2 || !v[0].is_number() || !v[1].is_number())
        return fail(Error::invalid("polygon", "Cada punto del polígono es [lat, lon].", "invalid_polygon"));
      auto p = point(Json({{"lat", v[0]}, {"lon", v[1]}}), "polygon");
      if (!p) return fail(p.error());
      z.polygon.push_back(*p);
    }
  } else {
    return fail(Error::invalid("shape", "La forma debe ser «circle» (círculo) o «polygon» (polígono).", "invalid_shape"));
  }
  if (auto ok = access::change_order(req.who(), order_id, kNoOrder); !ok) return fail(ok.error());
  std::vector<Zone> all;
  OrderRow order;
  // Engine lock before the database, the order ingest takes them in.
  std::lock_guard lock(c.I.mu);
  auto created = c.I.db.transaction<Json>([&](soci::session& s) -> Result<Json> {
    auto o = c.I.order(s, order_id);
    if (!o) return fail(Error::not_found(kNoOrder));
    if (o->status == "terminada")
      return fail(Error::conflict("order_ended", "La medida está terminada: no se le agregan zonas.", "order_id"));
    order = *o;
    z.id = c.I.insert_zone(s, z);
    all = c.I.zones(s, order_id);
    c.I.audit.append(s, audit::Log::from(req, "monitoring.zone_create", "monitoring_order:" + std::to_string(order_id)));
    // The engine has the last word on the geometry (a self-intersecting polygon…): its refusal
    // rolls the row back, so the database never holds a zone the engine does not watch.
    if (auto ok = c.I.engine.add_zone(z); !ok) return fail(ok.error());
    return zone_json(z);
  });
  if (!created) return fail(created.error());
  Json warnings = Json::array();
  for (auto& w : warnings_for(order, all)) warnings.push_back(w);
  return Response::json({{"zone", *created}, {"warnings", warnings}}, 201);
}

// The court lifts the order, or it is replaced: zones and distances stop being watched, its
// devices are retired (their positions are refused from now on) and the row keeps why and who.
Result<Response> end_order(Ctx& c, Request& req, int64_t order_id, const Json& body) {
  const std::string reason = str(body, "reason");
  if (reason.empty())
    return fail(Error::invalid("reason", "Indique por qué termina la medida (por ejemplo, la resolución del tribunal).", "required"));
  if (auto ok = access::change_order(req.who(), order_id, kNoOrder); !ok) return fail(ok.error());
  std::vector<std::string> retired;
  // Engine lock before the database, the order ingest takes them in.
  std::lock_guard lock(c.I.mu);
  auto ended = c.I.db.transaction<Json>([&](soci::session& s) -> Result<Json> {
    auto o = c.I.order(s, order_id);
    if (!o) return fail(Error::not_found(kNoOrder));
    if (o->status == "terminada") return fail(Error::conflict("order_ended", "La medida ya está terminada.", "status"));
    // Never before it starts (an order ended before its first day is in force 1 ms, i.e. never),
    // never after a term it already had.
    int64_t at = std::max(now_ms(), o->starts_at + 1);
    if (o->ends_at) at = std::min(at, *o->ends_at);
    Query("UPDATE monitoring_orders SET status = 'terminada', ends_at = :at, ended_reason = :r, ended_by = :u WHERE id = :id")
        .bind("at", static_cast<long long>(at))
        .bind("r", c.I.seal(reason))
        .bind("u", static_cast<long long>(req.who().user_id))
        .bind("id", static_cast<long long>(order_id))
        .exec(s);
    Query("SELECT device_id FROM monitoring_devices WHERE order_id = :o AND active = 1")
        .bind("o", static_cast<long long>(order_id))
        .each(s, [&](const soci::row& r) { retired.push_back(store::get_str(r, 0)); });
    Query("UPDATE monitoring_devices SET active = 0 WHERE order_id = :o").bind("o", static_cast<long long>(order_id)).exec(s);
    c.I.audit.append(s, audit::Log::from(req, "monitoring.order_end", "monitoring_order:" + std::to_string(order_id)));
    if (auto ok = c.I.engine.end_order(order_id, at); !ok) return fail(ok.error());
    o->status = "terminada";
    o->ends_at = at;
    o->ended_reason = reason;
    return c.I.order_json(s, *o, true);
  });
  if (!ended) return fail(ended.error());
  for (const auto& d : retired) c.I.devices.erase(d);
  return Response::json({{"order", *ended}});
}

Result<Response> add_device(Ctx& c, Request& req, int64_t order_id, const Json& body) {
  Device d;
  d.id = str(body, "device_id");
  if (!std::regex_match(d.id, std::regex("^[A-Za-z0-9_.:-]{3,64}$")))
    return fail(Error::invalid("device_id", "El identificador del dispositivo (IMEI o serie) tiene de 3 a 64 letras, números o . _ : -.",
                               "invalid_device_id"));
  auto kind = parse_device_kind(str(body, "kind"), "kind");
  if (!kind) return fail(kind.error());
  d.kind = *kind;
  d.order_id = order_id;
  if (auto ok = access::change_order(req.who(), order_id, kNoOrder); !ok) return fail(ok.error());
  const std::string secret = crypto::random_token(24);
  auto created = c.I.register_device(d, secret, audit::Log::from(req, "monitoring.device_create", "monitoring_order:" + std::to_string(order_id)));
  if (!created) return fail(created.error());
  return Response::json({{"device", *created}, {"secret", secret}}, 201);
}

Result<Response> incident_action(Ctx& c, Request& req, int64_t id, const Json& body) {
  const std::string kind = str(body, "kind");
  static const std::set<std::string> kinds = {"tomar", "llamada_victima", "llamada_agresor", "nota", "cerrar"};
  if (!kinds.count(kind))
    return fail(Error::invalid("kind", "La acción debe ser tomar, llamada_victima, llamada_agresor, nota o cerrar.", "invalid_kind"));
  const std::string note = str(body, "note"), outcome = str(body, "outcome");
  std::optional<bool> reached;
  if (body.contains("reached") && body["reached"].is_boolean()) reached = body["reached"].get<bool>();
  if (kind == "nota" && note.empty()) return fail(Error::invalid("note", "Escriba la nota.", "required"));
  if ((kind == "llamada_victima" || kind == "llamada_agresor") && !reached)
    return fail(Error::invalid("reached", "Indique si la persona contestó.", "required"));
  if (kind == "cerrar" && std::find(std::begin(kOutcomes), std::end(kOutcomes), outcome) == std::end(kOutcomes))
    return fail(Error::invalid("outcome", "Indique el resultado: falsa_alarma, contacto_sin_riesgo, unidad_en_sitio, detencion, derivacion u otro.",
                               "required"));
  if (kind != "cerrar" && !outcome.empty())
    return fail(Error::invalid("outcome", "El resultado solo se indica al cerrar.", "not_allowed"));
  if (auto ok = access::act_on_incident(req.who(), id, kNoIncident); !ok) return fail(ok.error());
  auto done = c.I.db.transaction<Json>([&](soci::session& s) -> Result<Json> {
    std::string state;
    Query("SELECT state FROM monitoring_incidents WHERE id = :id").bind("id", static_cast<long long>(id)).each(s, [&](const soci::row& r) {
      state = store::get_str(r, 0);
    });
    if (state.empty()) return fail(Error::not_found(kNoIncident));
    if (state == "cerrada") return fail(Error::conflict("closed", "La alerta ya está cerrada.", "kind"));
    const long long now = now_ms();
    if (kind == "tomar") {
      if (state != "nueva") return fail(Error::conflict("already_taken", "La alerta ya fue tomada.", "kind"));
      Query("UPDATE monitoring_incidents SET state = 'en_gestion', taken_by = :u, taken_at = :now WHERE id = :id")
          .bind("u", static_cast<long long>(req.who().user_id))
          .bind("now", now)
          .bind("id", static_cast<long long>(id))
          .exec(s);
    } else if (kind == "cerrar") {
      Query("UPDATE monitoring_incidents SET state = 'cerrada', closed_at = :now, outcome = :o, "
            "taken_by = COALESCE(taken_by, :u), taken_at = COALESCE(taken_at, :now2) WHERE id = :id")
          .bind("now", now)
          .bind("now2", now)
          .bind("o", outcome)
          .bind("u", static_cast<long long>(req.who().user_id))
          .bind("id", static_cast<long long>(id))
          .exec(s);
    } else if (state == "nueva") {
      // Acting on an alert is taking it.
      Query("UPDATE monitoring_incidents SET state = 'en_gestion', taken_by = :u, taken_at = :now WHERE id = :id")
          .bind("u", static_cast<long long>(req.who().user_id))
          .bind("now", now)
          .bind("id", static_cast<long long>(id))
          .exec(s);
    }
    c.I.insert_action(s, id, kind, note, outcome, reached, req.who().user_id);
    auto e = audit::Log::from(req, "monitoring.incident_" + kind, "monitoring_incident:" + std::to_string(id));
    c.I.audit.append(s, e);
    return c.I.incident_json(s, id);
  });
  if (!done) return fail(done.error());
  if (kind == "cerrar") c.I.forget_incident(id);
  c.I.hub->publish("incident", Json({{"type", "incident"}, {"incident", *done}}).dump());
  return Response::json({{"incident", *done}}, 201);
}

Result<Response> dispatch_incident(Ctx& c, Request& req, int64_t id, const Json& body) {
  const std::string note = str(body, "note");
  if (auto ok = access::act_on_incident(req.who(), id, kNoIncident); !ok) return fail(ok.error());
  int64_t dispatch_id = 0;
  auto done = c.I.db.transaction<Json>([&](soci::session& s) -> Result<Json> {
    auto inc = c.I.incident_json(s, id);
    if (inc.is_null()) return fail(Error::not_found(kNoIncident));
    if (inc["state"] == "cerrada") return fail(Error::conflict("closed", "La alerta ya está cerrada.", "incident"));
    if (inc["dispatch"].is_object() && inc["dispatch"]["state"] != "cerrado")
      return fail(Error::conflict("already_dispatched", "Ya hay una unidad despachada a esta alerta: " +
                                                            inc["dispatch"]["unit_name"].get<std::string>() + ".", "incident"));
    std::string comuna = inc["comuna_id"].is_string() ? inc["comuna_id"].get<std::string>() : std::string();
    std::optional<Unit> unit = c.I.dir.responsible_unit ? c.I.dir.responsible_unit(comuna) : std::nullopt;
    if (!unit) return fail(Error::conflict("no_unit", "No hay una unidad registrada para la comuna de la alerta.", "incident"));
    dispatch_id = c.I.insert_dispatch(s, id, *unit, note, req.who().user_id);
    Query("UPDATE monitoring_incidents SET state = 'despachada', taken_by = COALESCE(taken_by, :u), "
          "taken_at = COALESCE(taken_at, :now) WHERE id = :id")
        .bind("u", static_cast<long long>(req.who().user_id))
        .bind("now", static_cast<long long>(now_ms()))
        .bind("id", static_cast<long long>(id))
        .exec(s);
    c.I.insert_action(s, id, "despacho", "Despacho a " + unit->name + (note.empty() ? "" : ": " + note), "", std::nullopt,
                      req.who().user_id);
    c.I.audit.append(s, audit::Log::from(req, "monitoring.dispatch", "monitoring_incident:" + std::to_string(id)));
    return c.I.dispatch_json(s, dispatch_id);
  });
  if (!done) return fail(done.error());
  if (auto lease = c.I.db.lease()) {
    try {
      c.I.publish_incident(**lease, id);
      c.I.publish_dispatch(**lease, dispatch_id);
    } catch (const std::exception&) {
    }
  }
  return Response::json({{"dispatch", *done}}, 201);
}

Result<Response> dispatch_status(Ctx& c, Request& req, int64_t id, const Json& body) {
  static const std::vector<std::string> order = {"enviado", "aceptado", "en_camino", "en_sitio", "cerrado"};
  const std::string to = str(body, "state");
  auto pos = std::find(order.begin(), order.end(), to);
  if (to == "enviado" || pos == order.end())
    return fail(Error::invalid("state", "El estado debe ser aceptado, en_camino, en_sitio o cerrado.", "invalid_state"));
  const std::string outcome = str(body, "outcome"), note = str(body, "note");
  if (to == "cerrado" && std::find(std::begin(kOutcomes), std::end(kOutcomes), outcome) == std::end(kOutcomes))
    return fail(Error::invalid("outcome", "Indique el resultado de la atención.", "required"));
  if (to != "cerrado" && !outcome.empty()) return fail(Error::invalid("outcome", "El resultado solo se indica al cerrar.", "not_allowed"));
  int64_t incident = 0;
  auto done = c.I.db.transaction<Json>([&](soci::session& s) -> Result<Json> {
    auto d = c.I.dispatch_json(s, id);
    if (d.is_null()) return fail(Error::not_found(kNoDispatch));
    if (auto ok = access::update_dispatch(req.who(), d["institution_id"].get<int64_t>(), kNoDispatch); !ok) return fail(ok.error());
    auto from = std::find(order.begin(), order.end(), d["state"].get<std::string>());
    if (pos <= from)
      return fail(Error::invalid("state", "El despacho ya está «" + dispatch_state_es(*from) + "»; los estados solo avanzan.",
                                 "invalid_transition"));
    incident = d["incident_id"].get<int64_t>();
    static const std::map<std::string, std::string> column = {
        {"aceptado", "accepted_at"}, {"en_camino", "en_route_at"}, {"en_sitio", "on_site_at"}, {"cerrado", "closed_at"}};
    Query("UPDATE monitoring_dispatches SET state = :st, " + column.at(to) + " = :now, outcome = :o, updated_by = :u WHERE id = :id")
        .bind("st", to)
        .bind("now", static_cast<long long>(now_ms()))
        .bind_opt("o", outcome.empty() ? std::nullopt : std::optional<std::string>(outcome))
        .bind("u", static_cast<long long>(req.who().user_id))
        .bind("id", static_cast<long long>(id))
        .exec(s);
    c.I.insert_action(s, incident, "unidad", d["unit_name"].get<std::string>() + ": " + dispatch_state_es(to) + (note.empty() ? "" : ". " + note),
                      outcome, std::nullopt, req.who().user_id);
    c.I.audit.append(s, audit::Log::from(req, "monitoring.dispatch_" + to, "monitoring_dispatch:" + std::to_string(id)));
    return c.I.dispatch_json(s, id);
  });
  if (!done) return fail(done.error());
  if (auto lease = c.I.db.lease()) {
    try {
      c.I.publish_dispatch(**lease, id);
      c.I.publish_incident(**lease, incident);
    } catch (const std::exception&) {
    }
  }
  return Response::json({{"dispatch", *done}});
}

// A live stream, audited with who opened it and when it ended. The end is seen when the server drops
// the connection's filter (closed by either side, the session revoked, the server stopping): a
// guard captured by the filter writes the closing entry when the last copy goes.
Result<Response> live_stream(Ctx& c, const Request& req, const std::string& action, http::Hub::Filter filter) {
  Response r;
  r.status = 101;
  r.upgrade = std::make_shared<http::Upgrade>();
  r.upgrade->hub = c.I.hub;
  r.upgrade->hello = Json({{"type", "hello"}, {"now", now_ms()}}).dump();
  // A plain GET is answered 426 by the server: no stream opens, nothing to audit.
  if (fold_for_search(req.header("upgrade")) != "websocket") {
    r.upgrade->filter = std::move(filter);
    return r;
  }
  auto opened = audit::Log::from(req, action + "_open", "monitoring_stream");
  if (auto ok = c.I.audit.append(opened); !ok) return fail(ok.error());
  auto closed = audit::Log::from(req, action + "_close", "monitoring_stream");
  auto svc = c.svc;  // keeps the audit log's owner alive until the stream has ended
  std::shared_ptr<void> guard(nullptr, [svc, closed](void*) mutable { (void)svc->impl().audit.append(closed); });
  r.upgrade->filter = [guard, filter = std::move(filter)](const std::string& topic) { return filter(topic); };
  return r;
}

}  // namespace

void register_routes(http::Router& router, std::shared_ptr<Service> service) {
  auto c = std::make_shared<Ctx>(service);
  const std::string tag = "monitoring";
  auto id_of = [](Request& req, const char* what) -> Result<int64_t> {
    auto id = http::path_id(req);
    if (!id) return fail(Error::not_found(what));
    return *id;
  };
  // A POST on /…/{id}/…: the id (404 saying `missing` when it is not one), the body checked against
  // its schema, then the action.
  using Action = Result<Response> (*)(Ctx&, Request&, int64_t, const Json&);
  auto on_id = [c, id_of](const char* missing, const http::Schema& schema, Action act) -> http::Handler {
    return [c, id_of, missing, schema, act](Request& req) -> Result<Response> {
      auto id = id_of(req, missing);
      if (!id) return fail(id.error());
      auto body = http::parse_body(req, schema);
      if (!body) return fail(body.error());
      return act(*c, req, *id, *body);
    };
  };

  // ---------------------------------------------------------------- orders, zones, devices
  router.add({"GET", "/api/v1/monitoring/orders", kManage, "Medidas de protección con monitoreo telemático", tag,
              [c](Request& req) -> Result<Response> {
                return with_session<Response>(c->I.db, [&](soci::session& s) -> Result<Response> {
                  Json items = Json::array();
                  for (const auto& o : c->I.orders(s))
                    if (access::read_order(req.who(), o.id, kNoOrder)) items.push_back(c->I.order_json(s, o, false));
                  c->I.audit.append(s, audit::Log::from(req, "monitoring.orders_read", "monitoring_orders"));
                  return Response::json({{"items", items}});
                });
              }});
  http::Schema new_order = {{"label", T::string, true, 100},          {"court", T::string, false, 200, true},
                            {"victim_name", T::string, true, 200},    {"victim_phone", T::string, true, 20},
                            {"aggressor_name", T::string, true, 200}, {"aggressor_phone", T::string, true, 20},
                            {"comuna_id", T::string, true, 5},        {"min_distance_m", T::number, true},
                            {"approach_m", T::number, false, 0, true}, {"starts_on", T::string, false, 10, true},
                            {"ends_on", T::string, false, 10, true},  {"victim_home", T::object, false, 2, true},
                            {"aggressor_home", T::object, false, 2, true}};
  router.add({"POST", "/api/v1/monitoring/orders", kManage, "Registrar una medida de protección monitoreada", tag,
              [c, new_order](Request& req) -> Result<Response> {
                auto body = http::parse_body(req, new_order);
                if (!body) return fail(body.error());
                return create_order(*c, req, *body);
              },
              new_order});
  router.add({"GET", "/api/v1/monitoring/orders/{id}", kManage, "Una medida con sus zonas y dispositivos", tag,
              [c, id_of](Request& req) -> Result<Response> {
                auto id = id_of(req, kNoOrder);
                if (!id) return fail(id.error());
                if (auto ok = access::read_order(req.who(), *id, kNoOrder); !ok) return fail(ok.error());
                return with_session<Response>(c->I.db, [&](soci::session& s) -> Result<Response> {
                  auto o = c->I.order(s, *id);
                  if (!o) return fail(Error::not_found(kNoOrder));
                  c->I.audit.append(s, audit::Log::from(req, "monitoring.order_read", "monitoring_order:" + std::to_string(*id)));
                  Json warnings = Json::array();
                  for (auto& w : warnings_for(*o, c->I.zones(s, *id))) warnings.push_back(w);
                  return Response::json({{"order", c->I.order_json(s, *o, true)}, {"warnings", warnings}});
                });
              }});
  http::Schema new_zone = {{"label", T::string, true, 100}, {"shape", T::string, true, 10}, {"lat", T::number},
                           {"lon", T::number},              {"radius_m", T::number},        {"polygon", T::array, false, 200}};
  router.add({"POST", "/api/v1/monitoring/orders/{id}/zones", kManage, "Agregar una zona de exclusión (círculo o polígono)", tag,
              on_id(kNoOrder, new_zone, add_zone),
              new_zone});
  http::Schema end = {{"reason", T::string, true, 300}};
  router.add({"POST", "/api/v1/monitoring/orders/{id}/end", kManage, "Terminar una medida (deja de vigilarse; sus dispositivos se retiran)", tag,
              on_id(kNoOrder, end, end_order),
              end});
  http::Schema new_device = {{"device_id", T::string, true, 64}, {"kind", T::string, true, 20}};
  router.add({"POST", "/api/v1/monitoring/orders/{id}/devices", kManage, "Registrar un dispositivo (la clave se muestra una sola vez)", tag,
              on_id(kNoOrder, new_device, add_device),
              new_device});

  // ---------------------------------------------------------------- console
  router.add({"GET", "/api/v1/monitoring/console", kHandle, "Centro de control: alertas abiertas y últimas posiciones", tag,
              [c](Request& req) -> Result<Response> {
                return with_session<Response>(c->I.db, [&](soci::session& s) -> Result<Response> {
                  Json incidents = Json::array();
                  for (int64_t id : c->I.incident_ids(s, "open", 500))
                    if (access::read_incident(s, req.who(), id, kNoIncident)) incidents.push_back(c->I.incident_json(s, id));
                  Json devices = Json::array();
                  Query("SELECT d.device_id, d.kind, d.order_id, p.loc_enc, p.at, p.battery FROM monitoring_devices d "
                        "JOIN monitoring_positions p ON p.device_id = d.device_id AND p.at = (SELECT MAX(at) FROM monitoring_positions q "
                        "WHERE q.device_id = d.device_id AND q.loc_enc IS NOT NULL) WHERE d.active = 1")
                      .each(s, [&](const soci::row& r) {
                        auto at = c->I.open_point(r, 3);
                        if (!at) return;
                        devices.push_back({{"device_id", store::get_str(r, 0)}, {"kind", store::get_str(r, 1)},
                                           {"order_id", store::get_int(r, 2)}, {"lat", at->lat},
                                           {"lon", at->lon}, {"at", store::get_int(r, 4)},
                                           {"battery", int_or_null(r, 5)}});
                      });
                  const auto& st = c->svc->stats();
                  c->I.audit.append(s, audit::Log::from(req, "monitoring.console_read", "monitoring_incidents"));
                  return Response::json({{"now", now_ms()},
                                         {"incidents", incidents},
                                         {"devices", devices},
                                         {"stats", {{"received", st.received}, {"accepted", st.accepted}, {"stale", st.stale},
                                                    {"duplicates", st.duplicates}, {"rejected", st.rejected_total()},
                                                    {"alerts", st.alerts}, {"devices", c->svc->device_count()}}}});
                });
              }});
  router.add({"GET", "/api/v1/monitoring/incidents", kHandle, "Alertas de monitoreo (state=open|closed|all)", tag,
              [c](Request& req) -> Result<Response> {
                std::string state = req.query_param("state", "open");
                if (state != "open" && state != "closed" && state != "all")
                  return fail(Error::bad_request("invalid_parameter", "El estado debe ser open, closed o all.", "state"));
                return with_session<Response>(c->I.db, [&](soci::session& s) -> Result<Response> {
                  Json items = Json::array();
                  for (int64_t id : c->I.incident_ids(s, state, 500))
                    if (access::read_incident(s, req.who(), id, kNoIncident)) items.push_back(c->I.incident_json(s, id));
                  c->I.audit.append(s, audit::Log::from(req, "monitoring.incidents_read", "monitoring_incidents"));
                  return Response::json({{"items", items}});
                });
              }});
  router.add({"GET", "/api/v1/monitoring/incidents/{id}", kHandle, "Una alerta con la medida, acciones, despachos y recorrido", tag,
              [c, id_of](Request& req) -> Result<Response> {
                auto id = id_of(req, kNoIncident);
                if (!id) return fail(id.error());
                return with_session<Response>(c->I.db, [&](soci::session& s) -> Result<Response> {
                  if (auto ok = access::read_incident(s, req.who(), *id, kNoIncident); !ok) return fail(ok.error());
                  auto inc = c->I.incident_json(s, *id);
                  if (inc.is_null()) return fail(Error::not_found(kNoIncident));
                  auto o = c->I.order(s, inc["order_id"].get<int64_t>());
                  Json alerts = Json::array(), actions = Json::array(), dispatches = Json::array();
                  Query("SELECT at, type, loc_enc, distance_m, battery FROM monitoring_alerts WHERE incident_id = :i ORDER BY id LIMIT 1000")
                      .bind("i", static_cast<long long>(*id))
                      .each(s, [&](const soci::row& r) {
                        auto at = c->I.open_point(r, 2);
                        alerts.push_back({{"at", store::get_int(r, 0)}, {"type", store::get_str(r, 1)},
                                          {"lat", at ? Json(at->lat) : Json(nullptr)},
                                          {"lon", at ? Json(at->lon) : Json(nullptr)},
                                          {"distance_m", double_or_null(r, 3)},
                                          {"battery", int_or_null(r, 4)}});
                      });
                  std::vector<std::pair<Json, std::optional<int64_t>>> acts;
                  Query("SELECT at, kind, note, outcome, reached, user_id FROM monitoring_actions WHERE incident_id = :i ORDER BY id")
                      .bind("i", static_cast<long long>(*id))
                      .each(s, [&](const soci::row& r) {
                        const std::string outcome = store::get_str(r, 3);
                        acts.emplace_back(Json{{"at", store::get_int(r, 0)}, {"kind", store::get_str(r, 1)},
                                               {"kind_label", action_es(store::get_str(r, 1))},
                                               {"note", store::is_null(r, 2) ? Json(nullptr) : Json(c->I.open_text(store::get_str(r, 2)))},
                                               {"outcome", outcome.empty() ? Json(nullptr) : Json(outcome)},
                                               {"outcome_label", outcome.empty() ? Json(nullptr) : Json(outcome_es(outcome))},
                                               {"reached", bool_or_null(r, 4)},
                                               {"user_name", nullptr}},
                                          store::get_opt_int(r, 5));
                      });
                  std::set<int64_t> users;  // one look-up for all the names
                  for (const auto& [j, user] : acts)
                    if (user) users.insert(*user);
                  auto names = users.empty() || !c->I.dir.user_names ? std::map<int64_t, std::string>() : c->I.dir.user_names(users);
                  for (auto& [j, user] : acts) {
                    if (user && names.count(*user)) j["user_name"] = names[*user];
                    actions.push_back(j);
                  }
                  std::vector<int64_t> ds;
                  Query("SELECT id FROM monitoring_dispatches WHERE incident_id = :i ORDER BY id")
                      .bind("i", static_cast<long long>(*id))
                      .each(s, [&](const soci::row& r) { ds.push_back(store::get_int(r, 0)); });
                  for (int64_t d : ds) {
                    Json dj = c->I.dispatch_json(s, d);
                    if (access::read_dispatch(req.who(), dj.value("institution_id", int64_t(0)), kNoDispatch)) dispatches.push_back(dj);
                  }
                  const int64_t margin = 30 * 60'000;
                  c->I.audit.append(s, audit::Log::from(req, "monitoring.incident_read", "monitoring_incident:" + std::to_string(*id)));
                  return Response::json({{"incident", inc},
                                         {"order", o ? c->I.order_json(s, *o, true) : Json(nullptr)},
                                         {"alerts", alerts},
                                         {"actions", actions},
                                         {"dispatches", dispatches},
                                         {"track", c->I.track_json(s, inc["order_id"].get<int64_t>(), inc["first_at"].get<int64_t>() - margin,
                                                                   inc["last_at"].get<int64_t>() + margin)}});
                });
              }});
  router.add({"GET", "/api/v1/monitoring/orders/{id}/trail", kHandle, "Recorrido reciente de los dispositivos de una medida (minutes)", tag,
              [c, id_of](Request& req) -> Result<Response> {
                auto id = id_of(req, kNoOrder);
                if (!id) return fail(id.error());
                auto minutes = http::query_int(req, "minutes", 60, 1, 1440);
                if (!minutes) return fail(minutes.error());
                if (auto ok = access::read_order(req.who(), *id, kNoOrder); !ok) return fail(ok.error());
                return with_session<Response>(c->I.db, [&](soci::session& s) -> Result<Response> {
                  if (!c->I.order(s, *id)) return fail(Error::not_found(kNoOrder));
                  c->I.audit.append(s, audit::Log::from(req, "monitoring.trail_read", "monitoring_order:" + std::to_string(*id)));
                  const int64_t now = now_ms();
                  return Response::json(c->I.track_json(s, *id, now - *minutes * 60'000LL, now + 60'000));
                });
              }});
  http::Schema action = {{"kind", T::string, true, 20}, {"note", T::string, false, 1000}, {"outcome", T::string, false, 30},
                         {"reached", T::boolean}};
  router.add({"POST", "/api/v1/monitoring/incidents/{id}/actions", kHandle,
              "Registrar una acción: tomar, llamada a la víctima o al agresor, nota, cerrar con resultado", tag,
              on_id(kNoIncident, action, incident_action),
              action});
  http::Schema dispatch = {{"note", T::string, false, 500}};
  router.add({"POST", "/api/v1/monitoring/incidents/{id}/dispatch", kHandle, "Despachar la unidad responsable de la comuna", tag,
              on_id(kNoIncident, dispatch, dispatch_incident),
              dispatch});
  router.add({"GET", "/api/v1/monitoring/incidents/{id}/export", kHandle,
              "Exportar una alerta como evidencia (encadenada con SHA-256 y firmada con Ed25519)", tag,
              [c, id_of](Request& req) -> Result<Response> {
                auto id = id_of(req, kNoIncident);
                if (!id) return fail(id.error());
                if (auto ok = access::export_incident(req.who(), *id, kNoIncident); !ok) return fail(ok.error());
                return with_session<Response>(c->I.db, [&](soci::session& s) -> Result<Response> {
                  auto doc = evidence_document(c->I, s, *id);
                  if (doc.is_null()) return fail(Error::not_found(kNoIncident));
                  c->I.audit.append(s, audit::Log::from(req, "monitoring.evidence_export", "monitoring_incident:" + std::to_string(*id)));
                  if (req.query_param("formato") == "html") {  // the printable form (evidence.h), same signed document inside
                    Response r;
                    r.content_type = "text/html; charset=utf-8";
                    r.body = evidence_html(doc);
                    r.headers.emplace_back("Content-Disposition", "attachment; filename=\"evidencia-alerta-" + std::to_string(*id) + ".html\"");
                    return r;
                  }
                  Response r = Response::json(doc);
                  r.headers.emplace_back("Content-Disposition",
                                         "attachment; filename=\"evidencia-alerta-" + std::to_string(*id) + ".json\"");
                  return r;
                });
              }});
  router.add({"GET", "/api/v1/monitoring/export-key", http::kPublic, "Clave pública (Ed25519) para verificar evidencias exportadas", tag,
              [c](Request&) -> Result<Response> {
                return Response::json({{"algorithm", "Ed25519"}, {"public_key", export_public_key(c->I.keys)}});
              }});
  router.add({"GET", "/api/v1/monitoring/live", kHandle, "Centro de control en vivo (WebSocket)", tag, [c](Request& req) -> Result<Response> {
                auto filter = access::console_stream(req.who());
                if (!filter) return fail(filter.error());
                return live_stream(*c, req, "monitoring.live", std::move(*filter));
              }});

  // ---------------------------------------------------------------- units
  router.add({"GET", "/api/v1/monitoring/dispatches", kUnit, "Despachos a mi unidad", tag, [c](Request& req) -> Result<Response> {
                return with_session<Response>(c->I.db, [&](soci::session& s) -> Result<Response> {
                  std::vector<int64_t> ids;
                  Query("SELECT id FROM monitoring_dispatches WHERE institution_id = :i ORDER BY (state = 'cerrado'), id DESC LIMIT 200")
                      .bind("i", static_cast<long long>(access::dispatch_inbox(req.who())))
                      .each(s, [&](const soci::row& r) { ids.push_back(store::get_int(r, 0)); });
                  Json items = Json::array();
                  for (int64_t id : ids) {
                    Json dj = c->I.dispatch_json(s, id);
                    if (access::read_dispatch(req.who(), dj.value("institution_id", int64_t(0)), kNoDispatch)) items.push_back(dj);
                  }
                  c->I.audit.append(s, audit::Log::from(req, "monitoring.dispatches_read", "monitoring_dispatches"));
                  return Response::json({{"items", items}});
                });
              }});
  http::Schema status = {{"state", T::string, true, 20}, {"outcome", T::string, false, 30}, {"note", T::string, false, 500}};
  router.add({"POST", "/api/v1/monitoring/dispatches/{id}/status", kUnit, "Informar el avance de un despacho", tag,
              on_id(kNoDispatch, status, dispatch_status),
              status});
  router.add({"GET", "/api/v1/monitoring/unit/live", kUnit, "Despachos a mi unidad en vivo (WebSocket)", tag, [c](Request& req) -> Result<Response> {
                auto filter = access::unit_stream(req.who());
                if (!filter) return fail(filter.error());
                return live_stream(*c, req, "monitoring.unit_live", std::move(*filter));
              }});

  // ---------------------------------------------------------------- devices
  auto osmand = [c](Request& req) -> Result<Response> {
    // The parameters come in the query string (GET, and POST as Traccar's clients send it) or as a form body.
    std::string params = req.target.find('?') == std::string::npos ? std::string() : req.target.substr(req.target.find('?') + 1);
    if (req.method == "POST" && !req.body.empty()) params += (params.empty() ? "" : "&") + req.body;
    auto pos = parse_osmand(params, now_ms());
    if (!pos) return fail(pos.error());
    Credentials who;
    who.device_id = pos->device_id;
    if (auto basic = basic_credentials(req)) {
      if (!basic->device_id.empty() && basic->device_id != who.device_id)
        return fail(Error::invalid("id", "El identificador no coincide con el de las credenciales.", "device_mismatch"));
      who.secret = basic->secret;
    } else {
      who.secret = form_value(params, "key");
    }
    if (who.secret.empty()) return fail(Error{401, "device_unauthenticated", "Falta la clave del dispositivo (key).", "key"});
    std::vector<Position> one{std::move(*pos)};
    return ingest_reply(*c, req, who, std::move(one), true);
  };
  router.add({"GET", "/api/v1/monitoring/osmand", http::kPublic, "Posición de un dispositivo (protocolo OsmAnd)", tag, osmand});
  router.add({"POST", "/api/v1/monitoring/osmand", http::kPublic, "Posición de un dispositivo (protocolo OsmAnd, formulario)", tag, osmand});
  router.add({"POST", "/api/v1/monitoring/positions", http::kPublic,
              "Lote de posiciones de un dispositivo (HTTP Basic: identificador y clave)", tag, [c](Request& req) -> Result<Response> {
                auto who = basic_credentials(req);
                if (!who) return fail(Error{401, "device_unauthenticated", "Identifíquese con el identificador y la clave del dispositivo.", {}});
                auto parsed = http::json_object_body(req);  // bounded size and depth before parsing
                if (!parsed && parsed.error().code == "malformed_json")  // the code devices already know
                  return fail(Error::bad_request("invalid_json", parsed.error().message));
                if (!parsed) return fail(parsed.error());
                Json body = std::move(*parsed);
                for (auto it = body.begin(); it != body.end(); ++it)
                  if (it.key() != "positions") return fail(Error::invalid(it.key(), "Campo desconocido.", "unknown_field"));
                if (!body.contains("positions") || !body["positions"].is_array())
                  return fail(Error::invalid("positions", "Indique la lista de posiciones.", "required"));
                if (body["positions"].size() > 1000)
                  return fail(Error::invalid("positions", "Se aceptan como máximo 1.000 posiciones por envío.", "too_many"));
                std::vector<Position> positions;
                const int64_t now = now_ms();
                size_t i = 0;
                for (const auto& p : body["positions"]) {
                  auto pos = batch_position(p, i++, now);
                  if (!pos) return fail(pos.error());  // the whole batch: a device resends it corrected
                  pos->device_id = who->device_id;
                  positions.push_back(std::move(*pos));
                }
                return ingest_reply(*c, req, *who, std::move(positions), false);
              }});
}

}  // namespace eq::monitoring
