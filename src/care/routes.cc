// HTTP handlers of the network of care. Parse, ask care/access.h about the object, work in one
// transaction with its audit entry, answer.
#include <algorithm>
#include <cmath>

#include "care/access.h"
#include "care/module.h"
#include "core/csv.h"
#include "core/time.h"
#include "core/try.h"
#include "http/fields.h"
#include "store/with_session.h"

namespace eq::care {

namespace {

using http::Json;
using http::Request;
using http::Response;
using store::with_session;
using T = http::Field::Type;
constexpr int64_t kHour = 3600LL * 1000;
constexpr int64_t kDay = 24 * kHour;

Json when(const std::optional<int64_t>& v) { return v ? Json(format_datetime_cl(*v)) : Json(nullptr); }

Json labels(const std::vector<std::string>& codes, const Vocabulary& v) {
  Json out = Json::array();
  for (const auto& c : codes) out.push_back({{"id", c}, {"name", v.label(c)}});
  return out;
}

// What anyone may know of a public entry.
Json public_json(const Service& svc, const Place& p) {
  return {{"id", p.id},
          {"kind", p.kind},
          {"kind_name", kinds().label(p.kind)},
          {"name", p.name},
          {"operator_name", p.operator_name},
          {"region_id", p.region_id},
          {"comuna_id", p.comuna_id},
          {"comuna", svc.registry().comuna_name ? svc.registry().comuna_name(p.comuna_id) : p.comuna_id},
          {"services", labels(p.services, services())},
          {"languages", p.languages},
          {"hours", p.hours},
          {"phone", p.phone},
          {"accessible", p.accessible},
          {"admission", p.admission},
          {"referral_only", p.referral_only},
          {"address", p.address},
          {"lat", p.lat ? Json(*p.lat) : Json(nullptr)},
          {"lon", p.lon ? Json(*p.lon) : Json(nullptr)},
          {"demo", p.demo}};
}

Json unit_json(const Unit& u, int64_t now, int stale_hours) {
  const bool stale = !u.confirmed_at || *u.confirmed_at + stale_hours * kHour <= now;
  return {{"unit_type", u.unit_type}, {"unit_type_name", unit_types().label(u.unit_type)}, {"places", u.places},
          {"occupied", u.occupied},   {"blocked", u.blocked},                                {"available", u.available()},
          {"confirmed_at", u.confirmed_at ? Json(*u.confirmed_at) : Json(nullptr)},
          {"confirmed", when(u.confirmed_at)}, {"stale", stale}};
}

// Inside the network: every entry, casas without address or position, with capacity.
Json internal_json(const Service& svc, const Place& p, const std::vector<Unit>& units, int64_t now) {
  Json j = public_json(svc, p);
  if (!p.is_public()) j["address"] = nullptr, j["lat"] = nullptr, j["lon"] = nullptr;
  j["institution_id"] = p.institution_id ? Json(*p.institution_id) : Json(nullptr);
  j["min_age"] = p.min_age;
  j["children_max_age"] = p.children_max_age < 0 ? Json(nullptr) : Json(p.children_max_age);
  Json us = Json::array();
  bool stale = false;
  for (const auto& u : units)
    if (u.place_id == p.id) {
      us.push_back(unit_json(u, now, svc.options().stale_hours));
      stale = stale || us.back()["stale"].get<bool>();
    }
  j["units"] = us;
  j["stale"] = !p.is_public() && (stale || us.empty());
  return j;
}

Json placement_json(const Service& svc, const Placement& pl, const Place& p, const std::map<int64_t, std::string>& inst) {
  Json ages = pl.children_ages;
  return {{"id", pl.id},
          {"place_id", pl.place_id},
          {"place_name", p.name},
          {"region_id", p.region_id},
          {"unit_type", pl.unit_type},
          {"unit_type_name", unit_types().label(pl.unit_type)},
          {"person_id", pl.person_id ? Json(*pl.person_id) : Json(nullptr)},
          {"from_institution_id", pl.from_institution_id},
          {"from_institution", inst.count(pl.from_institution_id) ? inst.at(pl.from_institution_id) : std::string()},
          {"woman_age", pl.woman_age},
          {"children_ages", ages},
          {"aggressor_comuna_id", pl.aggressor_comuna_id},
          {"aggressor_comuna", svc.registry().comuna_name ? svc.registry().comuna_name(pl.aggressor_comuna_id) : pl.aggressor_comuna_id},
          {"exclude_neighbours", pl.exclude_neighbours},
          {"state", pl.state},
          {"state_name", placement_states().label(pl.state)},
          {"offered", format_datetime_cl(pl.offered_at)},
          {"answer_due", format_datetime_cl(pl.answer_due_at)},
          {"answer_due_at", pl.answer_due_at},
          {"answered", when(pl.answered_at)},
          {"entry_due", when(pl.entry_due_at)},
          {"entered", when(pl.entered_at)},
          {"exited", when(pl.exited_at)},
          {"decline_reason", pl.decline_reason},
          {"decline_reason_name", pl.decline_reason.empty() ? std::string() : decline_reasons().label(pl.decline_reason)},
          {"exit_destination", pl.exit_destination},
          {"exit_destination_name", pl.exit_destination.empty() ? std::string() : exit_destinations().label(pl.exit_destination)},
          {"note", pl.note}};
}

std::map<int64_t, std::string> names_of(const Service& svc, const std::vector<Placement>& list) {
  std::set<int64_t> ids;
  for (const auto& pl : list) ids.insert(pl.from_institution_id);
  return svc.registry().institution_names && !ids.empty() ? svc.registry().institution_names(ids) : std::map<int64_t, std::string>();
}

// The need of a woman, from a search or an offer body.
Result<Need> read_need(Service& svc, http::FieldReader& in, const Request& req) {
  Need n;
  EQ_TRY(age, in.integer("woman_age", {.required = true, .min = 12, .max = 120}));
  n.woman_age = static_cast<int>(**age);
  in.skip("children_ages");  // read by read_children()
  EQ_TRY(accessible, in.boolean("accessible"));
  n.accessible = accessible->value_or(false);
  EQ_TRY(comuna, in.text("aggressor_comuna", {.required = false, .max_chars = 5}));
  if (!comuna->empty() && !svc.geo().centre(*comuna) && !(svc.registry().comuna_name && svc.registry().comuna_name(*comuna) != *comuna))
    return fail(Error::invalid("aggressor_comuna", "La comuna del agresor no existe (use el código oficial de 5 dígitos).", "unknown_comuna"));
  n.exclusion.comuna_id = *comuna;
  EQ_TRY(neighbours, in.boolean("exclude_neighbours"));
  n.exclusion.neighbours = neighbours->value_or(false);
  if (n.exclusion.neighbours && n.exclusion.comuna_id.empty())
    return fail(Error::invalid("aggressor_comuna", "Para excluir las comunas vecinas indique la comuna del agresor.", "required"));
  EQ_TRY(region, in.text("region_id", {.required = false, .max_chars = 2}));
  n.region_id = region->empty() ? req.who().region_id : *region;
  return n;
}

Result<std::vector<int>> read_children(const Json& body) {
  std::vector<int> out;
  if (!body.contains("children_ages") || body["children_ages"].is_null()) return out;
  const auto& a = body["children_ages"];
  if (!a.is_array()) return fail(http::invalid_type("children_ages", "una lista de edades"));
  if (a.size() > 12) return fail(Error::invalid("children_ages", "Indique como máximo 12 hijas o hijos.", "too_many"));
  for (size_t i = 0; i < a.size(); ++i) {
    if (!a[i].is_number_integer() || a[i].get<int64_t>() < 0 || a[i].get<int64_t>() > 30)
      return fail(Error::invalid("children_ages[" + std::to_string(i) + "]", "Cada edad debe ser un número entero entre 0 y 30.", "invalid_value"));
    out.push_back(a[i].get<int>());
  }
  return out;
}

Result<Json> body_of(const Request& req) { return http::json_object_body(req); }

Result<Place> place_or_404(Service& svc, soci::session& s, int64_t id) {
  auto p = svc.repo().place(s, id);
  if (!p) return fail(Error::not_found("No existe un lugar de la red con ese número."));
  return *p;
}

void audit(Service& svc, soci::session& s, const Request& req, const std::string& action, const std::string& object,
           const std::string& detail = {}, const std::string& outcome = "ok") {
  auto e = audit::Log::from(req, action, object, outcome);
  e.detail = detail;
  svc.audit().append(s, e);
}

struct Denial {
  std::string action, object, detail;
};

// Runs `fn` in a transaction. A refusal it records in `denied` is audited after the rollback, in a
// transaction of its own, so a refused attempt stays on the log while nothing else is written.
Result<Response> guarded(Service& svc, const Request& req,
                         const std::function<Result<Response>(soci::session&, std::optional<Denial>&)>& fn) {
  std::optional<Denial> denied;
  auto r = svc.db().transaction<Response>([&](soci::session& s) -> Result<Response> {
    denied.reset();
    return fn(s, denied);
  });
  if (!r && denied)
    (void)svc.db().transaction<void>([&](soci::session& s) -> Result<void> {
      audit(svc, s, req, denied->action, denied->object, denied->detail, "denied");
      return {};
    });
  return r;
}

// Each step of a referral made from her file goes to the early-alert engine with its deadline, and
// is marked done there when it is recorded (which closes the alert it raised, if any).
void watch_step(const Service& svc, soci::session& s, const Placement& pl, const Place& p, const std::string& step, int64_t due) {
  if (!pl.person_id || !svc.registry().steps.watch) return;
  const std::string n = "N° " + std::to_string(pl.id);
  StepWatch w;
  w.key = step_key(pl.id, step);
  w.step = step;
  w.person_id = *pl.person_id;
  w.from_institution_id = pl.from_institution_id;
  w.house_institution_id = p.institution_id;
  w.due_at = due;
  if (step == "answer")
    w.what = "la respuesta de " + p.name + " a la derivación " + n + " (ofrecida el " + format_datetime_cl(pl.offered_at) + ")";
  else if (step == "entry")
    w.what = "el ingreso a " + p.name + " de la derivación " + n + " (aceptada el " + format_datetime_cl(pl.answered_at.value_or(0)) + ")";
  else
    w.what = "el egreso previsto de " + p.name + " de la derivación " + n + " (ingresó el " + format_datetime_cl(pl.entered_at.value_or(0)) +
             ", estadía prevista de " + std::to_string(svc.options().max_stay_days) + " días)";
  svc.registry().steps.watch(s, w);
}

void step_done(const Service& svc, soci::session& s, const Placement& pl, const std::string& step, const std::string& how, int64_t now) {
  if (!pl.person_id || !svc.registry().steps.done) return;
  svc.registry().steps.done(s, step_key(pl.id, step), how, now);
}

Response csv_response(const std::vector<std::vector<std::string>>& rows, const std::string& filename) {
  Response r;
  r.content_type = "text/csv; charset=utf-8";
  r.body = std::string(kCsvBom);
  for (const auto& row : rows) r.body += csv_row(row);
  r.headers.push_back({"Content-Disposition", "attachment; filename=\"" + filename + "\""});
  return r;
}

// Occupancy over time from the daily snapshots and the placements: by house and by region.
struct Stats {
  Json json;
  std::vector<std::string> header;
  std::vector<std::vector<std::variant<std::string, double>>> rows;
};

Result<Stats> stats(Service& svc, soci::session& s, int64_t from_day, int64_t to_day, const std::string& region) {
  std::map<int64_t, Place> houses;
  for (auto& p : svc.repo().places(s, "casa", region, "")) houses[p.id] = p;
  struct Acc {
    double place_days = 0, occupied_days = 0;
    int entries = 0, exits = 0, declines = 0, offers = 0;
    std::vector<double> stays;
    std::map<std::string, int> reasons;
  };
  std::map<int64_t, Acc> by_house;
  std::map<int64_t, std::pair<int, int>> series;  // day → places, occupied (the region's houses)
  for (const auto& sn : svc.repo().snapshots(s, from_day, to_day)) {
    if (!houses.count(sn.place_id)) continue;
    auto& a = by_house[sn.place_id];
    a.place_days += sn.places - sn.blocked;
    a.occupied_days += sn.occupied;
    series[sn.day].first += sn.places - sn.blocked;
    series[sn.day].second += sn.occupied;
  }
  const int64_t from_ms = from_day * kDay + 4 * kHour, to_ms = (to_day + 1) * kDay + 4 * kHour;
  for (const auto& pl : svc.repo().placements_between(s, from_ms, to_ms)) {
    if (!houses.count(pl.place_id)) continue;
    auto& a = by_house[pl.place_id];
    if (pl.offered_at >= from_ms) ++a.offers;
    if (pl.state == "rechazada" && pl.answered_at && *pl.answered_at >= from_ms) ++a.declines, ++a.reasons[pl.decline_reason];
    if (pl.entered_at && *pl.entered_at >= from_ms && *pl.entered_at < to_ms) ++a.entries;
    if (pl.exited_at && *pl.exited_at >= from_ms && *pl.exited_at < to_ms) {
      ++a.exits;
      if (pl.entered_at) a.stays.push_back(static_cast<double>(*pl.exited_at - *pl.entered_at) / kDay);
    }
  }
  auto median = [](std::vector<double> v) -> Json {
    if (v.empty()) return nullptr;
    std::sort(v.begin(), v.end());
    return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
  };
  Stats out;
  out.header = {"Región", "Casa", "Ocupación media (%)", "Días-cupo", "Días ocupados", "Ingresos", "Egresos", "Estadía mediana (días)",
                "Rotación (egresos por cupo)", "Ofertas", "Rechazos"};
  for (const auto& [code, label] : decline_reasons().terms()) out.header.push_back("Rechazos: " + label), (void)code;
  Json houses_j = Json::array();
  std::map<std::string, Acc> by_region;
  for (const auto& [id, p] : houses) {
    const auto& a = by_house[id];
    auto& r = by_region[p.region_id];
    r.place_days += a.place_days, r.occupied_days += a.occupied_days, r.entries += a.entries, r.exits += a.exits;
    r.declines += a.declines, r.offers += a.offers;
    r.stays.insert(r.stays.end(), a.stays.begin(), a.stays.end());
    for (const auto& [k, v] : a.reasons) r.reasons[k] += v;
    const double days = static_cast<double>(to_day - from_day + 1);
    const double mean_places = a.place_days / days;
    Json reasons = Json::object();
    for (const auto& [k, v] : a.reasons) reasons[k] = v;
    const double occ = a.place_days > 0 ? 100.0 * a.occupied_days / a.place_days : 0.0;
    const double turnover = mean_places > 0 ? a.exits / mean_places : 0.0;
    houses_j.push_back({{"place_id", id}, {"name", p.name}, {"region_id", p.region_id}, {"occupancy_percent", occ},
                        {"place_days", a.place_days}, {"occupied_days", a.occupied_days}, {"entries", a.entries}, {"exits", a.exits},
                        {"median_stay_days", median(a.stays)}, {"turnover", turnover}, {"offers", a.offers}, {"declines", a.declines},
                        {"declines_by_reason", reasons}});
    std::vector<std::variant<std::string, double>> row;
    row.reserve(out.header.size());  // no reallocation: g++ 12 warns (falsely) on moving variants
    row.emplace_back(p.region_id);
    row.emplace_back(p.name);
    for (double v : {std::round(occ * 10) / 10, a.place_days, a.occupied_days, double(a.entries), double(a.exits)}) row.emplace_back(v);
    if (a.stays.empty())
      row.emplace_back(std::string());
    else
      row.emplace_back(median(a.stays).get<double>());
    for (double v : {std::round(turnover * 100) / 100, double(a.offers), double(a.declines)}) row.emplace_back(v);
    for (const auto& t : decline_reasons().terms()) row.push_back(double(a.reasons.count(t.id) ? a.reasons.at(t.id) : 0));
    out.rows.push_back(std::move(row));
  }
  Json regions_j = Json::array();
  for (const auto& [rid, a] : by_region) {
    Json reasons = Json::object();
    for (const auto& [k, v] : a.reasons) reasons[k] = v;
    regions_j.push_back({{"region_id", rid}, {"occupancy_percent", a.place_days > 0 ? 100.0 * a.occupied_days / a.place_days : 0.0},
                         {"entries", a.entries}, {"exits", a.exits}, {"median_stay_days", median(a.stays)}, {"offers", a.offers},
                         {"declines", a.declines}, {"declines_by_reason", reasons}});
  }
  Json series_j = Json::array();
  for (const auto& [day, v] : series)
    series_j.push_back({{"date", format_date_cl(day * kDay + 12 * kHour)}, {"places", v.first}, {"occupied", v.second},
                        {"occupancy_percent", v.first > 0 ? 100.0 * v.second / v.first : 0.0}});
  out.json = {{"from", format_date_cl(from_day * kDay + 12 * kHour)}, {"to", format_date_cl(to_day * kDay + 12 * kHour)},
              {"houses", houses_j}, {"regions", regions_j}, {"series", series_j}, {"decline_reasons", http::vocabulary_json(decline_reasons())}};
  return out;
}

Result<std::pair<int64_t, int64_t>> period(const Request& req, int64_t now) {
  const int64_t today = chile_day_of(now);
  int64_t from = today - 89, to = today;
  for (auto [key, target] : {std::pair<const char*, int64_t*>{"from", &from}, {"to", &to}}) {
    auto v = req.query_param(key);
    if (v.empty()) continue;
    auto ms = parse_date_cl(v, key);
    if (!ms) return fail(Error::bad_request("invalid_parameter", "La fecha «" + std::string(key) + "» debe ser DD-MM-AAAA.", key));
    *target = chile_day_of(*ms + 12 * kHour);
  }
  if (from > to) return fail(Error::bad_request("invalid_parameter", "La fecha inicial es posterior a la final.", "from"));
  if (to - from > 366 * 5 + 1) return fail(Error::bad_request("invalid_parameter", "El periodo puede abarcar como máximo cinco años.", "from"));
  return std::pair{from, to};
}

}  // namespace

void register_routes(http::Router& router, std::shared_ptr<Service> svc) {
  // ------------------------------------------------------------ public directory
  router.add({"GET", "/api/v1/care/directory", http::kPublic,
              "Directorio público de la red de atención: Centros de la Mujer y CAVAS (filtros comuna, region, service, kind)", "care",
              [svc](Request& req) -> Result<Response> {
                const std::string comuna = req.query_param("comuna"), region = req.query_param("region"),
                                  service = req.query_param("service"), kind = req.query_param("kind");
                if (!service.empty() && !services().contains(service))
                  return fail(Error::bad_request("invalid_parameter", "El servicio indicado no existe.", "service"));
                if (!kind.empty() && (kind == "casa" || !kinds().contains(kind)))
                  return fail(Error::bad_request("invalid_parameter", "El tipo debe ser «centro» o «cavas».", "kind"));
                if (comuna.size() > 5 || region.size() > 2)
                  return fail(Error::bad_request("invalid_parameter", "Use los códigos oficiales de región (2) y comuna (5).", "comuna"));
                return with_session<Response>(svc->db(), [&](soci::session& s) -> Result<Response> {
                  Json items = Json::array();
                  for (const auto& p : svc->repo().places(s, kind, region, comuna)) {
                    if (!p.is_public()) continue;  // a shelter is never in the public directory
                    if (!service.empty() && std::find(p.services.begin(), p.services.end(), service) == p.services.end()) continue;
                    items.push_back(public_json(*svc, p));
                  }
                  return Response::json({{"items", items}, {"services", http::vocabulary_json(services())},
                                         {"kinds", http::vocabulary_json(kinds())},
                                         {"note", "Las Casas de Acogida no se publican: se ingresa a ellas por derivación de un Centro de la Mujer o del 1455."}});
                });
              }});

  router.add({"GET", "/api/v1/care/directory/{id}", http::kPublic, "Una entrada pública del directorio", "care",
              [svc](Request& req) -> Result<Response> {
                auto id = http::path_id(req);
                if (!id) return fail(id.error());
                return with_session<Response>(svc->db(), [&](soci::session& s) -> Result<Response> {
                  auto p = svc->repo().place(s, *id);
                  // A casa answers as if it did not exist: its existence at an id is not public either.
                  if (!p || !p->is_public()) return fail(Error::not_found("No existe una entrada pública con ese número."));
                  return Response::json(public_json(*svc, *p));
                });
              }});

  // Open Referral HSDS (3.0 table names) of the public part: organizations, services, locations,
  // phones, service_at_locations. Shelters appear as a service of their organization with its
  // region as service area, without location, address or phone.
  router.add({"GET", "/api/v1/care/hsds", http::kPublic, "Exportación pública del directorio en formato Open Referral HSDS (JSON)", "care",
              [svc](Request&) -> Result<Response> {
                return with_session<Response>(svc->db(), [&](soci::session& s) -> Result<Response> {
                  Json orgs = Json::array(), services_j = Json::array(), locations = Json::array(), phones = Json::array(),
                       sal = Json::array(), areas = Json::array();
                  std::map<std::string, std::string> org_ids;
                  for (const auto& p : svc->repo().places(s, "", "", "")) {
                    auto& oid = org_ids[p.operator_name];
                    if (oid.empty()) {
                      oid = "org-" + std::to_string(org_ids.size());
                      orgs.push_back({{"id", oid}, {"name", p.operator_name}, {"description", "Institución que ejecuta dispositivos de la red de atención"}});
                    }
                    const std::string sid = "svc-" + std::to_string(p.id);
                    Json svc_names = Json::array();
                    for (const auto& c : p.services) svc_names.push_back(services().label(c));
                    Json sj = {{"id", sid},
                               {"organization_id", oid},
                               {"name", p.is_public() ? p.name : kinds().label(p.kind) + " (ubicación reservada)"},
                               {"description", kinds().label(p.kind) + ". Servicios: " + [&] {
                                  std::string t;
                                  for (const auto& n : svc_names) t += (t.empty() ? "" : ", ") + n.get<std::string>();
                                  return t;
                                }()},
                               {"status", "active"},
                               {"eligibility_description", p.admission},
                               {"languages", p.languages}};
                    if (p.is_public()) {
                      const std::string lid = "loc-" + std::to_string(p.id);
                      sj["schedules"] = Json::array({{{"description", p.hours}}});
                      locations.push_back({{"id", lid}, {"organization_id", oid}, {"name", p.name}, {"location_type", "physical"},
                                           {"latitude", p.lat ? Json(*p.lat) : Json(nullptr)},
                                           {"longitude", p.lon ? Json(*p.lon) : Json(nullptr)},
                                           {"addresses", Json::array({{{"address_1", p.address},
                                                                       {"city", svc->registry().comuna_name ? svc->registry().comuna_name(p.comuna_id) : p.comuna_id},
                                                                       {"state_province", p.region_id}, {"country", "CL"},
                                                                       {"address_type", "physical"}}})},
                                           {"accessibility", p.accessible ? Json::array({{{"description", "Acceso para personas con movilidad reducida"}}})
                                                                          : Json::array()}});
                      sal.push_back({{"id", "sal-" + std::to_string(p.id)}, {"service_id", sid}, {"location_id", lid}});
                      phones.push_back({{"id", "ph-" + std::to_string(p.id)}, {"service_id", sid}, {"number", p.phone}, {"type", "voice"}});
                    } else {
                      areas.push_back({{"id", "area-" + std::to_string(p.id)}, {"service_id", sid}, {"name", "Región " + p.region_id}});
                    }
                    services_j.push_back(sj);
                  }
                  Response r = Response::json({{"hsds_version", "3.0"}, {"organizations", orgs}, {"services", services_j},
                                               {"locations", locations}, {"phones", phones}, {"service_at_locations", sal},
                                               {"service_areas", areas}});
                  r.headers.push_back({"Content-Disposition", "attachment; filename=\"red-atencion-hsds.json\""});
                  return r;
                });
              }});

  // ------------------------------------------------------------ inside the network
  router.add({"GET", "/api/v1/care/places", "care.read", "Directorio interno con cupos (sin direcciones de casas)", "care",
              [svc](Request& req) -> Result<Response> {
                const std::string kind = req.query_param("kind");
                if (!kind.empty() && !kinds().contains(kind))
                  return fail(Error::bad_request("invalid_parameter", "El tipo indicado no existe.", "kind"));
                return with_session<Response>(svc->db(), [&](soci::session& s) -> Result<Response> {
                  const int64_t now = now_ms();
                  auto units = svc->repo().units(s, std::nullopt);
                  Json items = Json::array();
                  for (const auto& p : svc->repo().places(s, kind, req.query_param("region"), req.query_param("comuna")))
                    items.push_back(internal_json(*svc, p, units, now));
                  return Response::json({{"items", items}, {"stale_hours", svc->options().stale_hours}});
                });
              }});

  router.add({"GET", "/api/v1/care/places/{id}/address", "care.read",
              "Dirección de una casa de acogida: solo su equipo y quien deriva con ingreso aceptado (auditado)", "care",
              [svc](Request& req) -> Result<Response> {
                auto id = http::path_id(req);
                if (!id) return fail(id.error());
                return guarded(*svc, req, [&](soci::session& s, std::optional<Denial>& denied) -> Result<Response> {
                  EQ_TRY(p, place_or_404(*svc, s, *id));
                  const std::string object = "care_place:" + std::to_string(*id);
                  auto theirs = svc->repo().placements(s, "place", *id);
                  if (!access::may_read_address(req.who(), *p, theirs)) {
                    denied = Denial{"care.address_read", object, ""};
                    return fail(Error{403, "address_reserved",
                                      "La dirección de una casa de acogida es reservada: solo la ve su equipo y quien deriva a una mujer cuyo ingreso fue aceptado.",
                                      ""});
                  }
                  audit(*svc, s, req, "care.address_read", object);
                  return Response::json({{"id", p->id}, {"name", p->name}, {"address", p->is_public() ? p->address : svc->repo().address(s, *id)}});
                });
              }});

  router.add({"GET", "/api/v1/care/board", "care.board", "Tablero nacional de cupos de casas de acogida por región", "care",
              [svc](Request&) -> Result<Response> {
                return with_session<Response>(svc->db(), [&](soci::session& s) -> Result<Response> {
                  const int64_t now = now_ms();
                  std::map<int64_t, Place> houses;
                  for (auto& p : svc->repo().places(s, "casa", "", "")) houses[p.id] = p;
                  struct R {
                    int houses = 0, stale = 0;
                    std::map<std::string, std::array<int, 4>> by_type;  // places, occupied, blocked, available (fresh only)
                  };
                  std::map<std::string, R> regions;
                  std::map<int64_t, bool> stale;
                  for (const auto& u : svc->repo().units(s, std::nullopt)) {
                    if (!houses.count(u.place_id)) continue;
                    const bool st = !u.confirmed_at || *u.confirmed_at + svc->options().stale_hours * kHour <= now;
                    stale[u.place_id] = stale[u.place_id] || st;
                    auto& t = regions[houses[u.place_id].region_id].by_type[u.unit_type];
                    t[0] += u.places, t[1] += u.occupied, t[2] += u.blocked;
                    if (!st) t[3] += std::max(0, u.available());  // empty is not available: stale figures count no place
                  }
                  for (const auto& [id, p] : houses) {
                    auto& r = regions[p.region_id];
                    ++r.houses;
                    if (!stale.count(id) || stale[id]) ++r.stale;
                  }
                  auto names = svc->registry().regions ? svc->registry().regions() : std::vector<std::pair<std::string, std::string>>();
                  Json items = Json::array();
                  for (const auto& [rid, rname] : names) {
                    auto& r = regions[rid];
                    Json types = Json::array();
                    for (const auto& t : unit_types().terms()) {
                      auto v = r.by_type[t.id];
                      types.push_back({{"unit_type", t.id}, {"unit_type_name", t.label}, {"places", v[0]}, {"occupied", v[1]},
                                       {"blocked", v[2]}, {"available", v[3]}});
                    }
                    items.push_back({{"region_id", rid}, {"region", rname}, {"houses", r.houses}, {"stale_houses", r.stale}, {"units", types}});
                  }
                  Json alerts = Json::array();
                  for (const auto& a : svc->repo().open_alerts(s))
                    alerts.push_back({{"id", a.id}, {"kind", a.kind}, {"place_id", a.place_id}, {"text", a.text}, {"due", format_datetime_cl(a.due_at)}});
                  return Response::json({{"regions", items}, {"stale_hours", svc->options().stale_hours}, {"alerts", alerts},
                                         {"as_of", format_datetime_cl(now)}});
                });
              }});

  // ------------------------------------------------------------ house staff
  router.add({"GET", "/api/v1/care/my-houses", "care.house", "Casas de acogida de mi institución con sus cupos, derivaciones y alertas",
              "care", [svc](Request& req) -> Result<Response> {
                return svc->db().transaction<Response>([&](soci::session& s) -> Result<Response> {
                  const int64_t now = now_ms();
                  auto units = svc->repo().units(s, std::nullopt);
                  auto list = svc->repo().placements(s, "institution", req.who().institution_id);
                  auto inst = names_of(*svc, list);
                  auto open = svc->repo().open_alerts(s);
                  Json houses = Json::array();
                  for (const auto& p : svc->repo().places(s, "casa", "", "")) {
                    if (!access::staff_of(req.who(), p)) continue;
                    Json h = internal_json(*svc, p, units, now);
                    h["address"] = svc->repo().address(s, p.id);  // her own house: the staff know it
                    Json pls = Json::array();
                    for (const auto& pl : list)
                      if (pl.place_id == p.id) pls.push_back(placement_json(*svc, pl, p, inst));
                    h["placements"] = pls;
                    Json al = Json::array();
                    for (const auto& a : open)
                      if (a.place_id == p.id) al.push_back({{"id", a.id}, {"kind", a.kind}, {"text", a.text}});
                    h["alerts"] = al;
                    houses.push_back(h);
                  }
                  audit(*svc, s, req, "care.house_view", "", std::to_string(houses.size()));
                  return Response::json({{"houses", houses}, {"decline_reasons", http::vocabulary_json(decline_reasons())},
                                         {"exit_destinations", http::vocabulary_json(exit_destinations())},
                                         {"stale_hours", svc->options().stale_hours}});
                });
              }});

  router.add({"PUT", "/api/v1/care/places/{id}/capacity", "care.house",
              "Confirmar los cupos de la casa: por tipo de unidad, cupos, ocupados y bloqueados", "care",
              [svc](Request& req) -> Result<Response> {
                auto id = http::path_id(req);
                if (!id) return fail(id.error());
                EQ_TRY(body, body_of(req));
                http::FieldReader in(*body);
                in.skip("units");
                EQ_TRY(as_of_text, in.text("as_of", {.required = false, .max_chars = 40}));
                if (auto ok = in.no_unknown(); !ok) return fail(ok.error());
                const int64_t now = now_ms();
                int64_t as_of = now;
                if (!as_of_text->empty()) {
                  auto t = parse_iso8601(*as_of_text, "as_of");
                  if (!t) return fail(t.error());
                  as_of = *t;
                  if (as_of > now + 5 * 60 * 1000)
                    return fail(Error::invalid("as_of", "La confirmación no puede tener una hora futura.", "future"));
                  if (as_of + svc->options().stale_hours * kHour <= now)
                    return fail(Error::invalid("as_of", "La confirmación tiene más de " + std::to_string(svc->options().stale_hours) +
                                                            " horas: esas cifras ya no sirven para ofrecer cupos. Confirme los cupos de ahora.",
                                               "stale_confirmation"));
                }
                if (!(*body).contains("units") || !(*body)["units"].is_array() || (*body)["units"].empty())
                  return fail(Error::invalid("units", "Indique los cupos de al menos un tipo de unidad.", "required"));
                std::vector<Unit> units;
                std::set<std::string> seen;
                const auto& arr = (*body)["units"];
                if (arr.size() > 3) return fail(Error::invalid("units", "Hay tres tipos de unidad como máximo.", "too_many"));
                for (size_t i = 0; i < arr.size(); ++i) {
                  const std::string pre = "units[" + std::to_string(i) + "]";
                  if (!arr[i].is_object()) return fail(http::invalid_type(pre, "un objeto"));
                  http::FieldReader u(arr[i], pre);
                  EQ_TRY(type, u.one_of("unit_type", true, {"mujer_sola", "mujer_con_hijos", "accesible"}));
                  EQ_TRY(places, u.integer("places", {.required = true, .min = 0, .max = 500}));
                  EQ_TRY(occupied, u.integer("occupied", {.required = true, .min = 0, .max = 500}));
                  EQ_TRY(blocked, u.integer("blocked", {.required = false, .min = 0, .max = 500}));
                  if (auto ok = u.no_unknown(); !ok) return fail(ok.error());
                  if (!seen.insert(*type).second)
                    return fail(Error::invalid(pre + ".unit_type", "El tipo de unidad está repetido.", "duplicate"));
                  Unit un{*id, *type, static_cast<int>(**places), static_cast<int>(**occupied), static_cast<int>(blocked->value_or(0)),
                          as_of, req.who().user_id};
                  if (un.occupied > un.places)
                    return fail(Error::invalid(pre + ".occupied", "Hay más ocupados (" + std::to_string(un.occupied) + ") que cupos (" +
                                                                      std::to_string(un.places) + ").", "occupied_exceeds_places"));
                  if (un.occupied + un.blocked > un.places)
                    return fail(Error::invalid(pre + ".blocked", "Ocupados más bloqueados (" + std::to_string(un.occupied + un.blocked) +
                                                                     ") superan los cupos (" + std::to_string(un.places) + ").",
                                               "occupied_exceeds_places"));
                  units.push_back(un);
                }
                return guarded(*svc, req, [&](soci::session& s, std::optional<Denial>& denied) -> Result<Response> {
                  EQ_TRY(p, place_or_404(*svc, s, *id));
                  if (!access::may_report_capacity(req.who(), *p)) {
                    denied = Denial{"care.capacity_report", "care_place:" + std::to_string(*id), ""};
                    return fail(Error::not_found("No existe una casa de su institución con ese número."));
                  }
                  for (const auto& old : svc->repo().units(s, *id))
                    for (const auto& u : units)
                      if (u.unit_type == old.unit_type && old.confirmed_at && *old.confirmed_at > as_of)
                        return fail(Error::conflict("stale_confirmation",
                                                    "Ya hay una confirmación más reciente (" + format_datetime_cl(*old.confirmed_at) +
                                                        ") de esos cupos; recargue y confirme de nuevo.", "as_of"));
                  std::string detail;
                  for (const auto& u : units) {
                    svc->repo().upsert_unit(s, u);
                    svc->repo().snapshot(s, chile_day_of(now), u);
                    detail += u.unit_type + "=" + std::to_string(u.occupied) + "/" + std::to_string(u.places) + " ";
                  }
                  svc->repo().resolve(s, "capacidad_sin_confirmar", *id, std::nullopt, now);
                  audit(*svc, s, req, "care.capacity_report", "care_place:" + std::to_string(*id), detail);
                  return Response::json(internal_json(*svc, *p, svc->repo().units(s, *id), now));
                });
              }});

  // ------------------------------------------------------------ referral to a place
  router.add({"POST", "/api/v1/care/search", "care.refer",
              "Buscar cupo: casas con cupo confirmado que la admiten, fuera de la comuna del agresor (y vecinas si la medida lo dice)",
              "care", [svc](Request& req) -> Result<Response> {
                EQ_TRY(body, body_of(req));
                http::FieldReader in(*body);
                EQ_TRY(need, read_need(*svc, in, req));
                EQ_TRY(children, read_children(*body));
                need->children_ages = *children;
                EQ_TRY(person, in.integer("person_id", {.required = false, .min = 1}));
                if (auto ok = in.no_unknown(); !ok) return fail(ok.error());
                if (*person && svc->registry().check_person)
                  if (auto ok = svc->registry().check_person(req, **person); !ok) return fail(ok.error());
                return with_session<Response>(svc->db(), [&](soci::session& s) -> Result<Response> {
                  Json out = svc->find(s, *need, now_ms());
                  audit(*svc, s, req, "care.search", *person ? "person:" + std::to_string(**person) : std::string(),
                        need->exclusion.comuna_id);
                  return Response::json(out);
                });
              }});

  router.add({"POST", "/api/v1/care/placements", "care.refer", "Ofrecer un cupo de una casa a una mujer (la casa responde dentro del plazo)",
              "care", [svc](Request& req) -> Result<Response> {
                EQ_TRY(body, body_of(req));
                http::FieldReader in(*body);
                EQ_TRY(place_id, in.integer("place_id", {.required = true, .min = 1}));
                EQ_TRY(need, read_need(*svc, in, req));
                EQ_TRY(children, read_children(*body));
                need->children_ages = *children;
                EQ_TRY(person, in.integer("person_id", {.required = false, .min = 1}));
                EQ_TRY(note, in.text("note", {.required = false, .max_chars = 2000}));
                if (auto ok = in.no_unknown(); !ok) return fail(ok.error());
                if (need->exclusion.comuna_id.empty())
                  return fail(Error::invalid("aggressor_comuna", "Indique la comuna del agresor (o la de los hechos) para proteger su ubicación.", "required"));
                if (*person && svc->registry().check_person)
                  if (auto ok = svc->registry().check_person(req, **person); !ok) return fail(ok.error());
                return guarded(*svc, req, [&](soci::session& s, std::optional<Denial>& denied) -> Result<Response> {
                  const int64_t now = now_ms();
                  auto p = svc->repo().place(s, **place_id);
                  if (!p || p->is_public())
                    return fail(Error::invalid("place_id", "No existe una casa de acogida con ese número.", "unknown_place"));
                  if (auto why = refuse(*p, *need, [&](const std::string& a, const std::string& b) { return svc->geo().adjacent(a, b); })) {
                    denied = Denial{"care.placement_offer", "care_place:" + std::to_string(p->id), why->code};
                    return fail(Error::invalid(why->field, why->message, why->code));
                  }
                  const std::string type = unit_type_for(*need);
                  std::optional<Unit> unit;
                  for (const auto& u : svc->repo().units(s, p->id))
                    if (u.unit_type == type) unit = u;
                  if (!unit || unit->available() <= 0)
                    return fail(Error::conflict("house_full", p->name + " no tiene cupos disponibles de tipo «" + unit_types().label(type) +
                                                                  "». Busque otra casa.", "place_id"));
                  if (!unit->confirmed_at || *unit->confirmed_at + svc->options().stale_hours * kHour <= now)
                    return fail(Error::conflict("capacity_unconfirmed", p->name + " no ha confirmado sus cupos en las últimas " +
                                                                            std::to_string(svc->options().stale_hours) +
                                                                            " horas: un cupo sin confirmar no se ofrece.", "place_id"));
                  Placement pl;
                  pl.place_id = p->id;
                  pl.unit_type = type;
                  pl.person_id = *person ? std::optional<int64_t>(**person) : std::nullopt;
                  pl.from_institution_id = req.who().institution_id;
                  pl.from_user_id = req.who().user_id;
                  pl.woman_age = need->woman_age;
                  pl.children_ages = need->children_ages;
                  pl.aggressor_comuna_id = need->exclusion.comuna_id;
                  pl.exclude_neighbours = need->exclusion.neighbours;
                  pl.offered_at = now;
                  pl.answer_due_at = now + svc->options().answer_seconds * 1000LL;
                  pl.note = *note;
                  pl.id = svc->repo().insert_placement(s, pl);
                  watch_step(*svc, s, pl, *p, "answer", pl.answer_due_at);
                  audit(*svc, s, req, "care.placement_offer", "care_placement:" + std::to_string(pl.id),
                        pl.person_id ? "person:" + std::to_string(*pl.person_id) : std::string());
                  return Response::json(placement_json(*svc, pl, *p, names_of(*svc, {pl})), 201);
                });
              }});

  router.add({"GET", "/api/v1/care/placements", "care.read", "Derivaciones a casas: las que mi institución envió o recibió", "care",
              [svc](Request& req) -> Result<Response> {
                return svc->db().transaction<Response>([&](soci::session& s) -> Result<Response> {
                  std::vector<Placement> list;
                  if (req.who().can("care.refer")) list = svc->repo().placements(s, "from", req.who().institution_id);
                  if (req.who().can("care.house"))
                    for (auto& pl : svc->repo().placements(s, "institution", req.who().institution_id)) list.push_back(pl);
                  auto inst = names_of(*svc, list);
                  Json items = Json::array();
                  std::set<int64_t> done;
                  for (const auto& pl : list) {
                    if (!done.insert(pl.id).second) continue;
                    auto p = svc->repo().place(s, pl.place_id);
                    if (p && access::may_see_placement(req.who(), pl, *p)) items.push_back(placement_json(*svc, pl, *p, inst));
                  }
                  audit(*svc, s, req, "care.placement_list", "", std::to_string(items.size()));
                  return Response::json({{"items", items}});
                });
              }});

  router.add({"GET", "/api/v1/care/placements/{id}", "care.read", "Una derivación a una casa", "care",
              [svc](Request& req) -> Result<Response> {
                auto id = http::path_id(req);
                if (!id) return fail(id.error());
                return guarded(*svc, req, [&](soci::session& s, std::optional<Denial>& denied) -> Result<Response> {
                  auto pl = svc->repo().placement(s, *id);
                  auto p = pl ? svc->repo().place(s, pl->place_id) : std::nullopt;
                  if (!pl || !p || !access::may_see_placement(req.who(), *pl, *p)) {
                    denied = Denial{"care.placement_read", "care_placement:" + std::to_string(*id), ""};
                    return fail(Error::not_found("No existe una derivación con ese número enviada o recibida por su institución."));
                  }
                  audit(*svc, s, req, "care.placement_read", "care_placement:" + std::to_string(*id));
                  return Response::json(placement_json(*svc, *pl, *p, names_of(*svc, {*pl})));
                });
              }});

  for (const std::string step : {"accept", "decline", "entry", "exit"}) {
    static const std::map<std::string, std::string> what = {{"accept", "La casa acepta la derivación (reserva el cupo)"},
                                                            {"decline", "La casa rechaza la derivación con un motivo"},
                                                            {"entry", "Registrar el ingreso de la mujer a la casa"},
                                                            {"exit", "Registrar el egreso con su destino"}};
    router.add({"POST", "/api/v1/care/placements/{id}/" + step, "care.house", what.at(step), "care",
                [svc, step](Request& req) -> Result<Response> {
                  auto id = http::path_id(req);
                  if (!id) return fail(id.error());
                  EQ_TRY(body, body_of(req));
                  http::FieldReader in(*body);
                  EQ_TRY(reason, in.text("reason", {.required = false, .max_chars = 40}));
                  EQ_TRY(destination, in.text("destination", {.required = false, .max_chars = 40}));
                  EQ_TRY(note, in.text("note", {.required = false, .max_chars = 2000}));
                  if (auto ok = in.no_unknown(); !ok) return fail(ok.error());
                  if (step == "decline" && !decline_reasons().contains(*reason))
                    return fail(Error::invalid("reason", "Indique el motivo del rechazo (sin_cupo, no_cumple_requisitos, riesgo_seguridad, necesita_otra_atencion u otro).",
                                               reason->empty() ? "required" : "invalid_value"));
                  if (step == "decline" && *reason == "otro" && note->empty())
                    return fail(Error::invalid("note", "Explique el motivo del rechazo.", "required"));
                  if (step == "exit" && !exit_destinations().contains(*destination))
                    return fail(Error::invalid("destination", "Indique a dónde va al egresar (red_familiar, vivienda_propia, otra_casa, retorno_agresor, abandono u otro).",
                                               destination->empty() ? "required" : "invalid_value"));
                  if (step != "decline" && !reason->empty()) return fail(Error::invalid("reason", "El motivo solo se indica al rechazar.", "not_allowed"));
                  if (step != "exit" && !destination->empty())
                    return fail(Error::invalid("destination", "El destino solo se indica al egresar.", "not_allowed"));
                  return guarded(*svc, req, [&](soci::session& s, std::optional<Denial>& denied) -> Result<Response> {
                    const int64_t now = now_ms();
                    const std::string object = "care_placement:" + std::to_string(*id);
                    auto pl = svc->repo().placement(s, *id);
                    auto p = pl ? svc->repo().place(s, pl->place_id) : std::nullopt;
                    if (!pl || !p || !access::may_answer_placement(req.who(), *p)) {
                      // Another house's referral (or none): the same answer, and the attempt on the log.
                      denied = Denial{"care.placement_" + step, object, ""};
                      return fail(Error::not_found("No existe una derivación con ese número dirigida a su casa."));
                    }
                    std::optional<Unit> unit;
                    for (const auto& u : svc->repo().units(s, p->id))
                      if (u.unit_type == pl->unit_type) unit = u;
                    auto wrong = [&](const std::string& need) {
                      return fail(Error::conflict("invalid_state", "La derivación está «" + placement_states().label(pl->state) +
                                                                        "»: solo se puede " + need + "."));
                    };
                    if (step == "accept" || step == "decline") {
                      if (pl->state != "ofrecida") return wrong("responder una derivación ofrecida");
                      pl->answered_at = now;
                      pl->answered_by = req.who().user_id;
                      if (step == "accept") {
                        if (!unit || unit->available() <= 0)
                          return fail(Error::conflict("house_full", "La casa no tiene cupos disponibles de ese tipo: actualice sus cupos o rechace con «sin_cupo»."));
                        pl->state = "aceptada";
                        pl->entry_due_at = now + svc->options().entry_seconds * 1000LL;
                        watch_step(*svc, s, *pl, *p, "entry", *pl->entry_due_at);
                        ++unit->occupied;  // the place is held for her from now on
                        unit->confirmed_at = now, unit->confirmed_by = req.who().user_id;
                        svc->repo().upsert_unit(s, *unit);
                      } else {
                        pl->state = "rechazada";
                        pl->decline_reason = *reason;
                      }
                      svc->repo().resolve(s, "respuesta_vencida", p->id, pl->id, now);
                      step_done(*svc, s, *pl, "answer",
                                step == "accept" ? "La casa aceptó la derivación el " + format_datetime_cl(now) + "."
                                                 : "La casa rechazó la derivación el " + format_datetime_cl(now) + " (" +
                                                       decline_reasons().label(*reason) + ").",
                                now);
                    } else if (step == "entry") {
                      if (pl->state != "aceptada") return wrong("registrar el ingreso de una derivación aceptada");
                      pl->state = "ingresada";
                      pl->entered_at = now;
                      svc->repo().resolve(s, "ingreso_vencido", p->id, pl->id, now);
                      step_done(*svc, s, *pl, "entry", "Se registró su ingreso a la casa el " + format_datetime_cl(now) + ".", now);
                      watch_step(*svc, s, *pl, *p, "exit", now + svc->options().max_stay_days * kDay);
                    } else {
                      if (pl->state != "ingresada") return wrong("registrar el egreso de quien está en la casa");
                      pl->state = "egresada";
                      pl->exited_at = now;
                      pl->exit_destination = *destination;
                      if (unit && unit->occupied > 0) {
                        --unit->occupied;
                        unit->confirmed_at = now, unit->confirmed_by = req.who().user_id;
                        svc->repo().upsert_unit(s, *unit);
                      }
                      svc->repo().resolve(s, "estadia_prolongada", p->id, pl->id, now);
                      step_done(*svc, s, *pl, "exit", "Se registró su egreso de la casa el " + format_datetime_cl(now) + " (" +
                                                          exit_destinations().label(*destination) + ").", now);
                    }
                    if (!note->empty()) pl->note = pl->note.empty() ? *note : pl->note + "\n" + *note;
                    svc->repo().update_placement(s, *pl);
                    audit(*svc, s, req, "care.placement_" + step, object, step == "decline" ? *reason : step == "exit" ? *destination : "");
                    return Response::json(placement_json(*svc, *pl, *p, names_of(*svc, {*pl})));
                  });
                }});
  }

  // ------------------------------------------------------------ occupancy over time
  router.add({"GET", "/api/v1/care/stats", "care.board",
              "Ocupación en el tiempo: serie diaria, estadía, rotación y rechazos por motivo, por región y casa (from, to DD-MM-AAAA; region)",
              "care", [svc](Request& req) -> Result<Response> {
                EQ_TRY(range, period(req, now_ms()));
                return with_session<Response>(svc->db(), [&](soci::session& s) -> Result<Response> {
                  EQ_TRY(st, stats(*svc, s, range->first, range->second, req.query_param("region")));
                  return Response::json(st->json);
                });
              }});
  for (const std::string format : {"csv", "xlsx"}) {
    router.add({"GET", "/api/v1/care/stats." + format, "care.board", "Ocupación por casa en " + format, "care",
                [svc, format](Request& req) -> Result<Response> {
                  EQ_TRY(range, period(req, now_ms()));
                  return with_session<Response>(svc->db(), [&](soci::session& s) -> Result<Response> {
                    EQ_TRY(st, stats(*svc, s, range->first, range->second, req.query_param("region")));
                    if (format == "csv") {
                      std::vector<std::vector<std::string>> rows = {st->header};
                      for (const auto& r : st->rows) {
                        std::vector<std::string> line;
                        for (const auto& c : r)
                          line.push_back(std::holds_alternative<std::string>(c) ? std::get<std::string>(c) : [&] {
                            std::string t = nlohmann::json(std::get<double>(c)).dump();
                            return t;
                          }());
                        rows.push_back(line);
                      }
                      return csv_response(rows, "ocupacion-casas.csv");
                    }
                    if (!svc->registry().xlsx) return fail(Error::unavailable("La exportación XLSX no está disponible."));
                    EQ_TRY(bytes, svc->registry().xlsx("Ocupación", st->header, st->rows));
                    Response r;
                    r.content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
                    r.body = *bytes;
                    r.compressible = false;
                    r.headers.push_back({"Content-Disposition", "attachment; filename=\"ocupacion-casas.xlsx\""});
                    return r;
                  });
                }});
  }
}

}  // namespace eq::care
