// HTTP of telematic monitoring (API.md): each handler parses its request into a command of
// commands.h, asks the service, and answers the result as JSON (json.cc). Orders, zones and
// devices; the control centre's console, incidents, actions and dispatch; the units' dispatches;
// device ingest (OsmAnd and JSON batches); the live streams. No SQL, no locks, no workflow here.
#include <algorithm>
#include <cmath>
#include <regex>

#include "core/format_cl.h"
#include "core/text.h"
#include "core/time.h"
#include "core/url.h"
#include "http/fields.h"
#include "monitoring/access.h"
#include "monitoring/evidence.h"
#include "monitoring/json.h"
#include "monitoring/module.h"
#include "monitoring/osmand.h"

namespace eq::monitoring {

namespace {

using http::Json;
using http::Request;
using http::Response;
using T = http::Field::Type;

using access::kHandle;
using access::kManage;
using access::kUnit;

using http::body_text;

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

// Device credentials: `key` in the OsmAnd parameters, or HTTP Basic (device id : secret).
std::optional<Credentials> basic_credentials(const Request& req) {
  std::string h = req.header("authorization");
  if (h.rfind("Basic ", 0) != 0) return std::nullopt;
  auto plain = crypto::from_base64(std::string_view(h).substr(6));
  if (!plain) return std::nullopt;
  auto colon = plain->find(':');
  if (colon == std::string::npos) return std::nullopt;
  return Credentials{plain->substr(0, colon), plain->substr(colon + 1)};
}

// A POST whose body is JSON (declared, or an object without a declared type) is the Traccar
// Client's; anything else is the OsmAnd form.
bool is_json_body(const Request& req) {
  if (req.method != "POST" || req.body.empty()) return false;
  if (req.header("content-type").find("json") != std::string::npos) return true;
  const size_t first = req.body.find_first_not_of(" \t\r\n");
  return first != std::string::npos && req.body[first] == '{';
}

Caller caller(const Request& req) { return Caller{req.who(), req.client_ip}; }

Json warnings_json(const std::vector<std::string>& ws) {
  Json out = Json::array();
  for (const auto& w : ws) out.push_back(w);
  return out;
}

std::optional<int64_t> int_field(const Json& body, const char* key) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null() || !it->is_number_integer()) return std::nullopt;
  return it->get<int64_t>();
}

// Failed authentications are throttled by the service (per device id, per address only for
// unknown ids), so MQTT and both HTTP protocols share one rule.
Result<Response> summary_reply(Service& svc, const std::string& client, const std::string& device_id, Result<IngestSummary> sum,
                               bool osmand) {
  if (!sum) {
    if (sum.error().status == 401) svc.device_denied(client, device_id);
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

// Answered once the single writer has committed the positions; the server's worker thread is
// free meanwhile (http::Upgrade::answer_later). Holding it for the commit let a slow WAL flush stop
// the two worker threads, and with them the console's stream on the same instance (bench/RESULTS.md,
// «one instance's tail»). Both device protocols (JSON batches and OsmAnd's plain text) answer this
// way; the whole Response is handed back, so a 401 keeps its WWW-Authenticate header.
Result<Response> ingest_reply(std::shared_ptr<Service> svc, const Request& req, const Credentials& who, std::vector<Position> positions,
                              bool osmand) {
  Response r;
  r.upgrade = std::make_shared<http::Upgrade>();
  r.upgrade->answer_later = [svc, who, positions = std::move(positions), client = req.client_ip, osmand](
                                std::function<void(Response)> answer) mutable {
    svc->ingest_then(who, std::move(positions), client, [svc, client, device = who.device_id, osmand, answer = std::move(answer)](
                                                             Result<IngestSummary> sum) {
      auto out = summary_reply(*svc, client, device, std::move(sum), osmand);
      answer(out ? std::move(*out) : Response::error(out.error()));
    });
  };
  return r;
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

const std::regex& phone_pattern() {
  static const std::regex phone(R"(^\+?[0-9 ]{8,16}$)");
  return phone;
}

Result<NewOrder> parse_order(const Json& body) {
  NewOrder o;
  o.record_id = int_field(body, "record_id");
  if (body.contains("record_id") && !body["record_id"].is_null() && (!o.record_id || *o.record_id <= 0))
    return fail(Error::invalid("record_id", "Indique el número de la medida en el registro de causas.", "invalid_record"));
  const bool linked = o.record_id.has_value();
  o.label = body_text(body, "label");
  if (o.label.empty() && !linked) return fail(Error::invalid("label", "Indique el RIT o la causa de la medida.", "required"));
  o.court = body_text(body, "court");
  o.victim_name = body_text(body, "victim_name");
  if (o.victim_name.empty() && !linked) return fail(Error::invalid("victim_name", "Indique el nombre de la víctima.", "required"));
  o.aggressor_name = body_text(body, "aggressor_name");
  if (o.aggressor_name.empty() && !linked) return fail(Error::invalid("aggressor_name", "Indique el nombre del agresor.", "required"));
  o.victim_phone = body_text(body, "victim_phone");
  if (!std::regex_match(o.victim_phone, phone_pattern()))
    return fail(Error::invalid("victim_phone", "Indique un teléfono de 8 a 15 dígitos, por ejemplo +56 9 1234 5678.", "invalid_phone"));
  o.aggressor_phone = body_text(body, "aggressor_phone");
  if (!std::regex_match(o.aggressor_phone, phone_pattern()))
    return fail(Error::invalid("aggressor_phone", "Indique un teléfono de 8 a 15 dígitos, por ejemplo +56 9 1234 5678.", "invalid_phone"));
  o.comuna_id = body_text(body, "comuna_id");
  if (o.comuna_id.empty() && !linked)
    return fail(Error::invalid("comuna_id", "Indique el código de una comuna existente, por ejemplo 13101 (Santiago).", "invalid_comuna"));
  if (body.contains("min_distance_m") && !body["min_distance_m"].is_null()) {
    auto min = number_in(body, "min_distance_m", 50, 10000, "La distancia mínima");
    if (!min) return fail(min.error());
    o.min_distance_m = *min;
  } else if (!linked) {
    return fail(Error::invalid("min_distance_m", "Indique la distancia mínima en metros.", "required"));
  }
  if (body.contains("approach_m") && !body["approach_m"].is_null()) {
    auto a = number_in(body, "approach_m", 50, 20000, "La distancia de aviso");
    if (!a) return fail(a.error());
    o.approach_m = *a;
  }
  if (auto s = body_text(body, "starts_on"); !s.empty()) {
    auto d = parse_date_cl(s, "starts_on");
    if (!d) return fail(d.error());
    o.starts_at = *d;
  }
  if (auto e = body_text(body, "ends_on"); !e.empty()) {
    auto d = parse_date_cl(e, "ends_on");
    if (!d) return fail(d.error());
    o.ends_at = *d + 86'400'000LL;  // through the whole last day
  }
  for (const char* k : {"victim_home", "aggressor_home"})
    if (body.contains(k) && !body[k].is_null()) {
      auto p = point(body[k], k);
      if (!p) return fail(p.error());
      (std::string(k) == "victim_home" ? o.victim_home : o.aggressor_home) = *p;
    }
  return o;
}

Result<Zone> parse_zone(const Json& body) {
  Zone z;
  z.label = body_text(body, "label");
  if (z.label.empty()) return fail(Error::invalid("label", "Indique qué lugar protege la zona (domicilio, trabajo, colegio…).", "required"));
  const std::string shape = body_text(body, "shape");
  if (shape == "circle") {
    z.shape = Zone::Shape::circle;
    if (!body.contains("lat") || !body.contains("lon")) return fail(Error::invalid("lat", "Indique el centro del círculo (lat, lon).", "required"));
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
  return z;
}

Json court_order_json(const CourtOrder& c) {
  return {{"record_id", c.record_id},
          {"court", c.court},
          {"order_type", c.order_type},
          {"comuna_id", c.comuna_id.empty() ? Json(nullptr) : Json(c.comuna_id)},
          {"distance_m", c.distance_m ? Json(*c.distance_m) : Json(nullptr)},
          {"starts_on", c.starts_at ? Json(format_date_cl(c.starts_at)) : Json(nullptr)},
          {"ends_on", c.ends_at ? Json(format_date_cl(*c.ends_at - 1)) : Json(nullptr)},
          {"victim", {{"person_id", c.victim_person_id}, {"name", c.victim_name}}},
          {"aggressor", {{"person_id", c.aggressor_person_id}, {"name", c.aggressor_name}}}};
}

// {"id", "label"} pairs: the shape web/src/monitoring/data.ts reads (http::vocabulary_json says "name").
Json labels_json(const Vocabulary& list) {
  Json out = Json::array();
  for (const auto& t : list.terms()) out.push_back({{"id", t.id}, {"label", t.label}});
  return out;
}

// A live stream, audited with who opened it and when it ended (the service's guard writes the
// closing entry when the server drops the connection's filter).
Result<Response> live_stream(const std::shared_ptr<Service>& svc, const Request& req, const std::string& action, http::Hub::Filter filter) {
  Response r;
  r.status = 101;
  r.upgrade = std::make_shared<http::Upgrade>();
  r.upgrade->hub = svc->hub_ptr();
  r.upgrade->hello = Json({{"type", "hello"}, {"now", now_ms()}}).dump();
  // A plain GET is answered 426 by the server: no stream opens, nothing to audit.
  if (fold_for_search(req.header("upgrade")) != "websocket") {
    r.upgrade->filter = std::move(filter);
    return r;
  }
  auto guard = svc->stream_opened(caller(req), action);
  if (!guard) return fail(guard.error());
  // The service stays alive with the stream, until its closing entry is written.
  r.upgrade->filter = [svc, guard = *guard, filter = std::move(filter)](const std::string& topic) { return filter(topic); };
  return r;
}

}  // namespace

void register_routes(http::Router& router, std::shared_ptr<Service> service) {
  auto c = service;
  const std::string tag = "monitoring";
  auto id_of = [](Request& req, const char* what) -> Result<int64_t> {
    auto id = http::path_id(req);
    if (!id) return fail(Error::not_found(what));
    return *id;
  };
  // A POST on /…/{id}/…: the id (404 saying `missing` when it is not one), the body checked against
  // its schema, then the action.
  using Action = std::function<Result<Response>(Service&, const Request&, int64_t, const Json&)>;
  auto on_id = [c, id_of](const char* missing, const http::Schema& schema, Action act) -> http::Handler {
    return [c, id_of, missing, schema, act](Request& req) -> Result<Response> {
      auto id = id_of(req, missing);
      if (!id) return fail(id.error());
      auto body = http::parse_body(req, schema);
      if (!body) return fail(body.error());
      return act(*c, req, *id, *body);
    };
  };
  // A GET on /…/{id}…: the id, then the read.
  using Read = std::function<Result<Response>(Service&, const Request&, int64_t)>;
  auto get_id = [c, id_of](const char* missing, Read read) -> http::Handler {
    return [c, id_of, missing, read](Request& req) -> Result<Response> {
      auto id = id_of(req, missing);
      if (!id) return fail(id.error());
      return read(*c, req, *id);
    };
  };

  // ---------------------------------------------------------------- orders, zones, devices
  router.add({"GET", "/api/v1/monitoring/orders", kManage, "Medidas de protección con monitoreo telemático", tag,
              [c](Request& req) -> Result<Response> {
                auto list = c->orders(caller(req));
                if (!list) return fail(list.error());
                Json items = Json::array();
                for (const auto& o : *list) items.push_back(order_json(o, false));
                return Response::json({{"items", items}});
              }});
  http::Schema new_order = {{"record_id", T::integer, false, 0, true}, {"label", T::string, false, 100, true},
                            {"court", T::string, false, 200, true},    {"victim_name", T::string, false, 200, true},
                            {"victim_phone", T::string, true, 20},     {"aggressor_name", T::string, false, 200, true},
                            {"aggressor_phone", T::string, true, 20},  {"comuna_id", T::string, false, 5, true},
                            {"min_distance_m", T::number, false, 0, true}, {"approach_m", T::number, false, 0, true},
                            {"starts_on", T::string, false, 10, true}, {"ends_on", T::string, false, 10, true},
                            {"victim_home", T::object, false, 2, true}, {"aggressor_home", T::object, false, 2, true}};
  router.add({"POST", "/api/v1/monitoring/orders", kManage,
              "Registrar una medida de protección monitoreada (desde una medida del registro: record_id)", tag,
              [c, new_order](Request& req) -> Result<Response> {
                auto body = http::parse_body(req, new_order);
                if (!body) return fail(body.error());
                auto cmd = parse_order(*body);
                if (!cmd) return fail(cmd.error());
                auto o = c->create_order(caller(req), std::move(*cmd));
                if (!o) return fail(o.error());
                return Response::json({{"order", order_json(*o, true)}, {"warnings", warnings_json(o->warnings)}}, 201);
              },
              new_order});
  router.add({"GET", "/api/v1/monitoring/court-orders/{id}", kManage,
              "Una medida de protección del registro de causas, para crear su monitoreo", tag,
              get_id("No existe una medida con ese número en el registro.", [](Service& svc, const Request& req, int64_t id) -> Result<Response> {
                auto co = svc.court_order(caller(req), id);
                if (!co) return fail(co.error());
                return Response::json({{"court_order", court_order_json(*co)}});
              })});
  router.add({"GET", "/api/v1/monitoring/orders/{id}", kManage, "Una medida con sus zonas y dispositivos", tag,
              get_id(kNoOrder, [](Service& svc, const Request& req, int64_t id) -> Result<Response> {
                auto o = svc.order(caller(req), id);
                if (!o) return fail(o.error());
                return Response::json({{"order", order_json(*o, true)}, {"warnings", warnings_json(o->warnings)}});
              })});
  http::Schema new_zone = {{"label", T::string, true, 100}, {"shape", T::string, true, 10}, {"lat", T::number},
                           {"lon", T::number},              {"radius_m", T::number},        {"polygon", T::array, false, 200}};
  router.add({"POST", "/api/v1/monitoring/orders/{id}/zones", kManage, "Agregar una zona de exclusión (círculo o polígono)", tag,
              on_id(kNoOrder, new_zone,
                    [](Service& svc, const Request& req, int64_t id, const Json& body) -> Result<Response> {
                      auto z = parse_zone(body);
                      if (!z) return fail(z.error());
                      auto added = svc.add_zone(caller(req), NewZone{id, std::move(*z)});
                      if (!added) return fail(added.error());
                      return Response::json({{"zone", zone_json(added->zone)}, {"warnings", warnings_json(added->warnings)}}, 201);
                    }),
              new_zone});
  http::Schema end = {{"reason", T::string, true, 300}};
  router.add({"POST", "/api/v1/monitoring/orders/{id}/end", kManage, "Terminar una medida (deja de vigilarse; sus dispositivos se retiran)", tag,
              on_id(kNoOrder, end,
                    [](Service& svc, const Request& req, int64_t id, const Json& body) -> Result<Response> {
                      const std::string reason = body_text(body, "reason");
                      if (reason.empty())
                        return fail(Error::invalid("reason", "Indique por qué termina la medida (por ejemplo, la resolución del tribunal).", "required"));
                      auto o = svc.end_order(caller(req), EndOrder{id, reason});
                      if (!o) return fail(o.error());
                      return Response::json({{"order", order_json(*o, true)}});
                    }),
              end});
  http::Schema new_device = {{"device_id", T::string, true, 64}, {"kind", T::string, true, 20}};
  router.add({"POST", "/api/v1/monitoring/orders/{id}/devices", kManage, "Registrar un dispositivo (la clave se muestra una sola vez)", tag,
              on_id(kNoOrder, new_device,
                    [](Service& svc, const Request& req, int64_t id, const Json& body) -> Result<Response> {
                      NewDevice d;
                      d.order_id = id;
                      d.device_id = body_text(body, "device_id");
                      if (!std::regex_match(d.device_id, std::regex("^[A-Za-z0-9_.:-]{3,64}$")))
                        return fail(Error::invalid("device_id", "El identificador del dispositivo (IMEI o serie) tiene de 3 a 64 letras, números o . _ : -.",
                                                   "invalid_device_id"));
                      auto kind = parse_device_kind(body_text(body, "kind"), "kind");
                      if (!kind) return fail(kind.error());
                      d.kind = *kind;
                      auto added = svc.add_device(caller(req), d);
                      if (!added) return fail(added.error());
                      return Response::json({{"device", device_json(added->device)}, {"secret", added->secret}}, 201);
                    }),
              new_device});
  router.add({"GET", "/api/v1/monitoring/orders/{id}/trail", kHandle, "Recorrido reciente de los dispositivos de una medida (minutes)", tag,
              get_id(kNoOrder, [](Service& svc, const Request& req, int64_t id) -> Result<Response> {
                auto minutes = http::query_int(req, "minutes", 60, 1, 1440);
                if (!minutes) return fail(minutes.error());
                auto t = svc.trail(caller(req), id, static_cast<int>(*minutes));
                if (!t) return fail(t.error());
                return Response::json(track_json(*t));
              })});

  // ---------------------------------------------------------------- console
  router.add({"GET", "/api/v1/monitoring/labels", kHandle, "Listas fijas con sus nombres: resultados, acciones, estados de despacho", tag,
              [](Request&) -> Result<Response> {
                return Response::json({{"outcomes", labels_json(outcome_labels())},
                                       {"actions", labels_json(action_labels())},
                                       {"dispatch_states", labels_json(dispatch_state_labels())}});
              }});
  router.add({"GET", "/api/v1/monitoring/console", kHandle, "Centro de control: alertas abiertas y últimas posiciones", tag,
              [c](Request& req) -> Result<Response> {
                auto console = c->console(caller(req));
                if (!console) return fail(console.error());
                return Response::json(console_json(*console));
              }});
  router.add({"GET", "/api/v1/monitoring/incidents", kHandle, "Alertas de monitoreo (state=open|closed|all)", tag,
              [c](Request& req) -> Result<Response> {
                auto list = c->incidents(caller(req), req.query_param("state", "open"));
                if (!list) return fail(list.error());
                Json items = Json::array();
                for (const auto& i : *list) items.push_back(incident_json(i));
                return Response::json({{"items", items}});
              }});
  router.add({"GET", "/api/v1/monitoring/incidents/{id}", kHandle, "Una alerta con la medida, acciones, despachos y recorrido", tag,
              get_id(kNoIncident, [](Service& svc, const Request& req, int64_t id) -> Result<Response> {
                auto d = svc.incident(caller(req), id);
                if (!d) return fail(d.error());
                return Response::json(detail_json(*d));
              })});
  http::Schema action = {{"kind", T::string, true, 20}, {"note", T::string, false, 1000}, {"outcome", T::string, false, 30},
                         {"reached", T::boolean}};
  router.add({"POST", "/api/v1/monitoring/incidents/{id}/actions", kHandle,
              "Registrar una acción: tomar, llamada a la víctima o al agresor, nota, cerrar con resultado", tag,
              on_id(kNoIncident, action,
                    [](Service& svc, const Request& req, int64_t id, const Json& body) -> Result<Response> {
                      IncidentStep step;
                      step.incident_id = id;
                      step.kind = body_text(body, "kind");
                      step.note = body_text(body, "note");
                      step.outcome = body_text(body, "outcome");
                      if (body.contains("reached") && body["reached"].is_boolean()) step.reached = body["reached"].get<bool>();
                      auto v = svc.act(caller(req), step);
                      if (!v) return fail(v.error());
                      return Response::json({{"incident", incident_json(*v)}}, 201);
                    }),
              action});
  router.add({"GET", "/api/v1/monitoring/incidents/{id}/units", kHandle,
              "Unidades que se pueden despachar a una alerta (la responsable de la comuna primero)", tag,
              get_id(kNoIncident, [](Service& svc, const Request& req, int64_t id) -> Result<Response> {
                auto units = svc.units_for(caller(req), id);
                if (!units) return fail(units.error());
                Json items = Json::array();
                for (const auto& u : *units)
                  items.push_back({{"institution_id", u.institution_id}, {"name", u.name}, {"kind", u.kind}, {"responsible", u.responsible}});
                return Response::json({{"items", items}});
              })});
  http::Schema dispatch = {{"note", T::string, false, 500}, {"institution_id", T::integer, false, 0, true}, {"redispatch", T::boolean}};
  router.add({"POST", "/api/v1/monitoring/incidents/{id}/dispatch", kHandle,
              "Despachar una unidad (por omisión, la responsable de la comuna); redispatch: reemplaza el despacho en curso", tag,
              on_id(kNoIncident, dispatch,
                    [](Service& svc, const Request& req, int64_t id, const Json& body) -> Result<Response> {
                      DispatchStep step;
                      step.incident_id = id;
                      step.note = body_text(body, "note");
                      step.institution_id = int_field(body, "institution_id");
                      step.redispatch = body.value("redispatch", false);
                      auto d = svc.dispatch(caller(req), step);
                      if (!d) return fail(d.error());
                      return Response::json({{"dispatch", dispatch_json(*d)}}, 201);
                    }),
              dispatch});
  router.add({"GET", "/api/v1/monitoring/incidents/{id}/export", kHandle,
              "Exportar una alerta como evidencia (encadenada con SHA-256 y firmada con Ed25519)", tag,
              get_id(kNoIncident, [](Service& svc, const Request& req, int64_t id) -> Result<Response> {
                auto doc = svc.evidence(caller(req), id);
                if (!doc) return fail(doc.error());
                if (req.query_param("formato") == "html") {  // the printable form (evidence.h), same signed document inside
                  Response r;
                  r.content_type = "text/html; charset=utf-8";
                  r.body = evidence_html(*doc);
                  r.headers.emplace_back("Content-Disposition", "attachment; filename=\"evidencia-alerta-" + std::to_string(id) + ".html\"");
                  return r;
                }
                Response r = Response::json(*doc);
                r.headers.emplace_back("Content-Disposition", "attachment; filename=\"evidencia-alerta-" + std::to_string(id) + ".json\"");
                return r;
              })});
  router.add({"GET", "/api/v1/monitoring/export-key", http::kPublic, "Clave pública (Ed25519) para verificar evidencias exportadas", tag,
              [c](Request&) -> Result<Response> { return Response::json({{"algorithm", "Ed25519"}, {"public_key", c->export_key()}}); }});
  router.add({"GET", "/api/v1/monitoring/live", kHandle, "Centro de control en vivo (WebSocket)", tag, [c](Request& req) -> Result<Response> {
                auto filter = access::console_stream(req.who());
                if (!filter) return fail(filter.error());
                return live_stream(c, req, "monitoring.live", std::move(*filter));
              }});

  // ---------------------------------------------------------------- units
  router.add({"GET", "/api/v1/monitoring/dispatches", kUnit, "Despachos a mi unidad", tag, [c](Request& req) -> Result<Response> {
                auto list = c->unit_dispatches(caller(req));
                if (!list) return fail(list.error());
                Json items = Json::array();
                for (const auto& d : *list) items.push_back(dispatch_json(d));
                return Response::json({{"items", items}});
              }});
  http::Schema status = {{"state", T::string, true, 20}, {"outcome", T::string, false, 30}, {"note", T::string, false, 500}};
  router.add({"POST", "/api/v1/monitoring/dispatches/{id}/status", kUnit, "Informar el avance de un despacho", tag,
              on_id(kNoDispatch, status,
                    [](Service& svc, const Request& req, int64_t id, const Json& body) -> Result<Response> {
                      auto d = svc.unit_step(caller(req), UnitStep{id, body_text(body, "state"), body_text(body, "outcome"), body_text(body, "note")});
                      if (!d) return fail(d.error());
                      return Response::json({{"dispatch", dispatch_json(*d)}});
                    }),
              status});
  router.add({"GET", "/api/v1/monitoring/unit/live", kUnit, "Despachos a mi unidad en vivo (WebSocket)", tag, [c](Request& req) -> Result<Response> {
                auto filter = access::unit_stream(req.who());
                if (!filter) return fail(filter.error());
                return live_stream(c, req, "monitoring.unit_live", std::move(*filter));
              }});

  // ---------------------------------------------------------------- devices
  auto osmand = [c](Request& req) -> Result<Response> {
    // The parameters come in the query string (GET, and POST as Traccar's clients send it) or as a form body.
    std::string params = req.target.find('?') == std::string::npos ? std::string() : req.target.substr(req.target.find('?') + 1);
    std::vector<Position> positions;
    if (is_json_body(req)) {
      // The Traccar Client's JSON; the key still comes in the query string or as HTTP Basic.
      // Bounded parse (size, depth) without json_object_body's Content-Type rule: clients differ there.
      auto body = http::parse_json(req.body);
      if (!body) return fail(body.error());
      if (!body->is_object()) return fail(Error::bad_request("malformed_json", "El cuerpo de la solicitud debe ser un objeto JSON."));
      auto parsed = parse_traccar_json(*body, now_ms());
      if (!parsed) return fail(parsed.error());
      positions = std::move(*parsed);
    } else {
      if (req.method == "POST" && !req.body.empty()) params += (params.empty() ? "" : "&") + req.body;
      auto pos = parse_osmand(params, now_ms());
      if (!pos) return fail(pos.error());
      positions.push_back(std::move(*pos));
    }
    Credentials who;
    who.device_id = positions.front().device_id;
    if (auto basic = basic_credentials(req)) {
      if (!basic->device_id.empty() && basic->device_id != who.device_id)
        return fail(Error::invalid("id", "El identificador no coincide con el de las credenciales.", "device_mismatch"));
      who.secret = basic->secret;
    } else {
      who.secret = eq::form_value(params, "key").value_or("");
    }
    if (who.secret.empty()) return fail(Error{401, "device_unauthenticated", "Falta la clave del dispositivo (key).", "key"});
    return ingest_reply(c, req, who, std::move(positions), true);
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
                return ingest_reply(c, req, *who, std::move(positions), false);
              }});
}

}  // namespace eq::monitoring
