// The API's JSON shapes (json.h) built from the service's results, and the module's fixed lists
// with their Spanish labels (served once by GET /monitoring/labels, read by the web app).
#include <cmath>

#include "core/format_cl.h"
#include "core/time.h"
#include "monitoring/service_impl.h"

namespace eq::monitoring {

using http::Json;

namespace {

Json text_or_null(const std::string& s) { return s.empty() ? Json(nullptr) : Json(s); }
Json num_or_null(const std::optional<double>& v) { return v && std::isfinite(*v) ? Json(*v) : Json(nullptr); }
Json int_or_null(const std::optional<int64_t>& v) { return v ? Json(*v) : Json(nullptr); }
Json lat_json(const std::optional<LatLon>& p) { return p ? Json(p->lat) : Json(nullptr); }
Json lon_json(const std::optional<LatLon>& p) { return p ? Json(p->lon) : Json(nullptr); }
Json home_json(const std::optional<LatLon>& h) { return h ? Json({{"lat", h->lat}, {"lon", h->lon}}) : Json(nullptr); }
Json labelled(const Vocabulary& list, const std::string& id) { return id.empty() ? Json(nullptr) : Json(list.label(id)); }

}  // namespace

const Vocabulary& outcome_labels() {
  static const Vocabulary list = {{"falsa_alarma", "Falsa alarma"},
                                          {"contacto_sin_riesgo", "Contacto con la víctima, sin riesgo"},
                                          {"unidad_en_sitio", "Unidad en el lugar"},
                                          {"detencion", "Detención del agresor"},
                                          {"derivacion", "Derivación a la red de atención"},
                                          {"otro", "Otro"}};
  return list;
}

const Vocabulary& action_labels() {
  static const Vocabulary list = {{"tomar", "Alerta tomada"},       {"llamada_victima", "Llamada a la víctima"},
                                          {"llamada_agresor", "Llamada al agresor"}, {"nota", "Nota"},
                                          {"despacho", "Despacho de unidad"}, {"redespacho", "Redespacho a otra unidad"},
                                          {"cerrar", "Alerta cerrada"},     {"escalada", "Escalamiento"},
                                          {"unidad", "Informe de la unidad"}};
  return list;
}

const Vocabulary& dispatch_state_labels() {
  static const Vocabulary list = {{"enviado", "Enviado"},     {"aceptado", "Aceptado"}, {"en_camino", "En camino"},
                                          {"en_sitio", "En el lugar"}, {"cerrado", "Cerrado"},   {"anulado", "Anulado (redespachado)"}};
  return list;
}

const Vocabulary& incident_state_labels() {
  static const Vocabulary list = {{"nueva", "Nueva"}, {"en_gestion", "En gestión"}, {"despachada", "Unidad despachada"}, {"cerrada", "Cerrada"}};
  return list;
}

bool is_outcome(const std::string& id) { return outcome_labels().contains(id); }

std::string incident_type_label(const std::string& type) {
  if (type == kChannelIncidentType) return "Chat silencioso: derivación de la orientadora";
  return std::string(label_es(alert_type_from(type)));
}

namespace {
// Where an incident came from, when not from a device.
std::string origin_label(const std::string& origin) { return origin == "chat" ? "Chat silencioso del Fono 1455" : ""; }
}  // namespace

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

Json device_json(const DeviceView& d) {
  Json last = nullptr;
  if (d.last) last = {{"lat", lat_json(d.last->at)}, {"lon", lon_json(d.last->at)}, {"at", d.last->when}, {"battery", int_or_null(d.last->battery)}};
  Json report = nullptr;
  if (d.last_report) {
    Json data = nullptr;
    if (!d.last_report->data.empty()) data = Json::parse(d.last_report->data, nullptr, false);  // written by report_json
    if (data.is_discarded()) data = nullptr;
    report = {{"at", d.last_report->when}, {"no_fix", d.last_report->no_fix}, {"battery", int_or_null(d.last_report->battery)}, {"data", data}};
  }
  return {{"device_id", d.device_id}, {"kind", to_string(d.kind)}, {"holder", holder_of(d.kind)}, {"active", d.active}, {"last", last},
          {"last_report", report}};
}

Json order_json(const OrderView& v, bool full) {
  const OrderRow& o = v.order;
  Json j = {{"id", o.id},
            {"label", o.label},
            {"court", text_or_null(o.court)},
            {"comuna_id", o.comuna_id},
            {"min_distance_m", o.min_distance_m},
            {"approach_m", o.approach_m},
            {"starts_on", format_date_cl(o.starts_at)},
            // ends_at is exclusive (the next local midnight for "hasta el 31-05-2027"): its last day in force is shown.
            {"ends_on", o.ends_at ? Json(format_date_cl(*o.ends_at - 1)) : Json(nullptr)},
            {"status", o.status},
            {"ended_at", o.status == "terminada" && o.ends_at ? Json(format_datetime_cl(*o.ends_at)) : Json(nullptr)},
            {"ended_reason", text_or_null(o.ended_reason)},
            {"victim_name", o.victim_name},
            {"aggressor_name", o.aggressor_name},
            {"record_id", int_or_null(o.record_id)},
            {"victim_person_id", int_or_null(o.victim_person_id)},
            {"aggressor_person_id", int_or_null(o.aggressor_person_id)}};
  if (!full) {
    j["zones"] = v.zones.size();
    j["devices"] = v.devices.size();
    return j;
  }
  j["victim_phone"] = o.victim_phone;
  j["aggressor_phone"] = o.aggressor_phone;
  j["victim_home"] = home_json(o.victim_home);
  j["aggressor_home"] = home_json(o.aggressor_home);
  Json zj = Json::array(), dj = Json::array();
  for (const auto& z : v.zones) zj.push_back(zone_json(z));
  for (const auto& d : v.devices) dj.push_back(device_json(d));
  j["zones"] = zj;
  j["devices"] = dj;
  return j;
}

Json dispatch_json(const DispatchView& d) {
  return {{"id", d.id},
          {"incident_id", d.incident_id},
          {"institution_id", d.institution_id},
          {"unit_name", d.unit_name},
          {"unit_kind", d.unit_kind},
          {"state", d.state},
          {"state_label", dispatch_state_es(d.state)},
          {"created_at", d.created_at},
          {"accepted_at", int_or_null(d.accepted_at)},
          {"en_route_at", int_or_null(d.en_route_at)},
          {"on_site_at", int_or_null(d.on_site_at)},
          {"closed_at", int_or_null(d.closed_at)},
          {"cancelled_at", int_or_null(d.cancelled_at)},
          {"outcome", text_or_null(d.outcome)},
          {"outcome_label", labelled(outcome_labels(), d.outcome)},
          {"note", text_or_null(d.note)},
          {"escalated", d.escalated},
          {"incident",
           {{"type", d.type},
            {"type_label", incident_type_label(d.type)},
            {"origin", text_or_null(d.origin)},
            {"origin_label", text_or_null(origin_label(d.origin))},
            {"severity", d.severity},
            {"lat", lat_json(d.at)},
            {"lon", lon_json(d.at)},
            {"comuna_id", text_or_null(d.comuna_id)},
            {"order_label", d.order_label},
            // The unit going to her needs to know whom to protect and from whom.
            {"victim_name", d.victim_name},
            {"victim_phone", d.victim_phone},
            {"aggressor_name", d.aggressor_name}}}};
}

Json incident_json(const IncidentView& i) {
  return {{"id", i.id},
          {"order_id", i.order_id},
          {"order_label", i.order_label},
          {"type", i.type},
          {"type_label", incident_type_label(i.type)},
          {"origin", text_or_null(i.origin)},
          {"origin_label", text_or_null(origin_label(i.origin))},
          {"severity", i.severity},
          {"device_id", i.device_id},
          {"device_kind", text_or_null(i.device_kind)},
          {"zone_id", int_or_null(i.zone_id)},
          {"zone_label", text_or_null(i.zone_label)},
          {"first_at", i.first_at},
          {"last_at", i.last_at},
          {"count", i.count},
          {"lat", lat_json(i.at)},
          {"lon", lon_json(i.at)},
          {"place_at", int_or_null(i.place_at)},
          {"distance_m", num_or_null(i.distance_m)},
          {"battery", int_or_null(i.battery)},
          {"comuna_id", text_or_null(i.comuna_id)},
          {"state", i.state},
          {"escalated", i.escalated},
          {"taken_by", i.taken_by ? Json(*i.taken_by) : Json(nullptr)},
          {"outcome", text_or_null(i.outcome)},
          {"outcome_label", labelled(outcome_labels(), i.outcome)},
          {"dispatch", i.dispatch ? dispatch_json(*i.dispatch) : Json(nullptr)}};
}

Json track_json(const Track& t) {
  Json devices = Json::array();
  for (const auto& d : t) {
    Json points = Json::array();
    for (const auto& p : d.points) points.push_back({{"lat", p.at.lat}, {"lon", p.at.lon}, {"at", p.when}});
    devices.push_back({{"device_id", d.device_id}, {"kind", d.kind}, {"points", points}});
  }
  return {{"devices", devices}};
}

Json detail_json(const IncidentDetail& d) {
  Json alerts = Json::array(), actions = Json::array(), dispatches = Json::array();
  for (const auto& a : d.alerts)
    alerts.push_back({{"at", a.at}, {"type", a.type}, {"lat", lat_json(a.where)}, {"lon", lon_json(a.where)},
                      {"distance_m", num_or_null(a.distance_m)}, {"battery", int_or_null(a.battery)}});
  for (const auto& a : d.actions)
    actions.push_back({{"at", a.at},
                       {"kind", a.kind},
                       {"kind_label", action_es(a.kind)},
                       {"note", a.note.empty() ? Json(nullptr) : Json(a.note)},
                       {"outcome", text_or_null(a.outcome)},
                       {"outcome_label", labelled(outcome_labels(), a.outcome)},
                       {"reached", a.reached ? Json(*a.reached) : Json(nullptr)},
                       {"user_name", a.user_name ? Json(*a.user_name) : Json(nullptr)}});
  for (const auto& x : d.dispatches) dispatches.push_back(dispatch_json(x));
  return {{"incident", incident_json(d.incident)},
          {"order", d.order ? order_json(*d.order, true) : Json(nullptr)},
          {"alerts", alerts},
          {"actions", actions},
          {"dispatches", dispatches},
          {"track", track_json(d.track)}};
}

Json console_json(const Console& c) {
  Json incidents = Json::array(), devices = Json::array();
  for (const auto& i : c.incidents) incidents.push_back(incident_json(i));
  for (const auto& d : c.devices)
    devices.push_back({{"device_id", d.device_id}, {"kind", d.kind}, {"order_id", d.order_id}, {"lat", d.at.lat},
                       {"lon", d.at.lon}, {"at", d.when}, {"battery", int_or_null(d.battery)}, {"report_at", d.report_at},
                       {"no_fix", d.no_fix}});
  const auto& st = c.stats;
  return {{"now", c.now},
          {"incidents", incidents},
          {"devices", devices},
          {"stats", {{"received", st.received}, {"accepted", st.accepted}, {"stale", st.stale}, {"duplicates", st.duplicates},
                     {"rejected", st.rejected_total()}, {"alerts", st.alerts}, {"devices", c.device_count}}}};
}

}  // namespace eq::monitoring
