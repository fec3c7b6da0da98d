// «Mascarilla 19» over HTTP: the pharmacist's one-minute form and her reports' status, SernamEG's
// follow-up list, enrolment and the territory overview. Parsing and answers only.
#include <regex>

#include "core/rut.h"
#include "core/time.h"
#include "http/body.h"
#include "http/fields.h"
#include "pharmacy/access.h"

namespace eq::pharmacy {

namespace {

using http::Json;
using http::Request;
using http::Response;

// A Chilean number: 9 digits (mobile 9XXXXXXXX, fixed 2–8 plus area code), with or without +56,
// spaces, dashes, dots or parentheses. Answered as "+56 9 1234 5678".
Result<std::string> chilean_phone(const std::string& raw, const std::string& field = "phone") {
  std::string d;
  for (char c : raw) {
    if (c >= '0' && c <= '9') d += c;
    else if (c != ' ' && c != '-' && c != '.' && c != '(' && c != ')' && !(c == '+' && d.empty()))
      return fail(Error::invalid(field, "El teléfono solo puede tener números (por ejemplo +56 9 1234 5678).", "invalid_phone"));
  }
  if (d.size() == 11 && d.rfind("56", 0) == 0) d = d.substr(2);
  static const std::regex kNine("[2-9][0-9]{8}");
  if (!std::regex_match(d, kNine))
    return fail(Error::invalid(field, "El teléfono debe tener 9 dígitos, con o sin +56 (por ejemplo +56 9 1234 5678).", "invalid_phone"));
  return "+56 " + d.substr(0, 1) + " " + d.substr(1, 4) + " " + d.substr(5);
}

Json enrolment_json(const Enrolment& e) {
  return {{"id", e.id},
          {"name", e.name},
          {"chain", e.chain.empty() ? Json(nullptr) : Json(e.chain)},
          {"comuna", e.comuna_code},
          {"comuna_name", e.comuna_name},
          {"region", e.region_code},
          {"region_name", e.region_name},
          {"trained_at", e.trained_at ? Json(*e.trained_at) : Json(nullptr)},
          {"address", e.address.empty() ? Json(nullptr) : Json(e.address)},
          {"phone", e.phone.empty() ? Json(nullptr) : Json(e.phone)},
          {"rut", e.rut.empty() ? Json(nullptr) : Json(e.rut)},
          {"enrolled_at", e.enrolled_at},
          {"demo", e.demo},
          {"contact", e.contact.empty() ? Json(nullptr) : Json(e.contact)},
          {"status", e.status},
          {"status_label", e.status == "suspended" ? "Suspendida" : "Activa"},
          {"status_reason", e.status_reason.empty() ? Json(nullptr) : Json(e.status_reason)},
          {"status_at", e.status_at ? Json(*e.status_at) : Json(nullptr)},
          {"activations", e.activations}};
}

Json training_json(const Training& t) {
  return {{"id", t.id},
          {"trained_at", t.trained_at},
          {"staff", t.staff ? Json(*t.staff) : Json(nullptr)},
          {"note", t.note.empty() ? Json(nullptr) : Json(t.note)},
          {"recorded_at", t.recorded_at}};
}

Json detail_json(const Enrolment& e) {
  Json j = enrolment_json(e);
  j["trainings"] = Json::array();
  for (const auto& t : e.trainings) j["trainings"].push_back(training_json(t));
  return j;
}

// The fields of an enrolment SernamEG writes (enrolment and edit alike); `institution_id` only when enrolling.
Result<Enrolment> read_enrolment(http::FieldReader& f, bool enrolling) {
  Enrolment e;
  if (enrolling) {
    auto inst = f.integer("institution_id", {.min = 1});
    if (!inst) return fail(inst.error());
    e.institution_id = *inst;
  }
  auto name = f.text("name", {.required = true, .max_chars = 120});
  auto chain = f.text("chain", {.max_chars = 60});
  auto comuna = f.text("comuna", {.required = true, .max_chars = 10});
  auto contact = f.text("contact", {.max_chars = 200});
  auto trained = enrolling ? f.text("trained_at", {.max_chars = 10}) : Result<std::string>(std::string());
  auto address = f.text("address", {.max_chars = 200});
  auto phone = f.text("phone", {.max_chars = 30});
  auto rut = f.text("rut", {.max_chars = 14});
  if (!name) return fail(name.error());
  if (!chain) return fail(chain.error());
  if (!comuna) return fail(comuna.error());
  if (!contact) return fail(contact.error());
  if (!trained) return fail(trained.error());
  if (!address) return fail(address.error());
  if (!phone) return fail(phone.error());
  if (!rut) return fail(rut.error());
  if (auto ok = f.no_unknown(); !ok) return fail(ok.error());
  if (!phone->empty()) {
    auto p = chilean_phone(*phone);
    if (!p) return fail(p.error());
    e.phone = *p;
  }
  if (!rut->empty()) {
    auto r = parse_rut(*rut, "rut");
    if (!r) return fail(r.error());
    e.rut = format_rut(*r);
  }
  if (!trained->empty()) {
    auto t = parse_date_cl(*trained, "trained_at");
    if (!t) return fail(t.error());
    e.trained_at = *t;
  }
  e.address = *address;
  e.name = *name;
  // "Independiente" typed as a chain is no chain (the filter's word for independents).
  e.chain = *chain == "Independiente" || *chain == "independiente" ? "" : *chain;
  e.comuna_code = *comuna;
  e.contact = *contact;
  return e;
}

const std::vector<http::Field> kEnrolmentFields = {{"name", http::Field::Type::string, true, 120},
                                                   {"chain", http::Field::Type::string, false, 60},
                                                   {"comuna", http::Field::Type::string, true, 10},
                                                   {"contact", http::Field::Type::string, false, 200},
                                                   {"address", http::Field::Type::string, false, 200},
                                                   {"phone", http::Field::Type::string, false, 30},
                                                   {"rut", http::Field::Type::string, false, 14}};

std::vector<http::Field> enrol_fields() {
  auto v = kEnrolmentFields;
  v.push_back({"institution_id", http::Field::Type::integer, false, 0});
  v.push_back({"trained_at", http::Field::Type::string, false, 10});
  return v;
}

// Suspension and reactivation say why (the pharmacy reads it when its report is refused).
Result<std::string> read_reason(const Request& req) {
  auto body = http::json_object_body(req);
  if (!body) return fail(body.error());
  http::FieldReader f(*body);
  auto reason = f.text("reason", {.required = true, .max_chars = 300});
  if (!reason) return fail(reason.error());
  if (auto ok = f.no_unknown(); !ok) return fail(ok.error());
  return *reason;
}

// The list's filters from the query string, each checked (a typo is a 422, never an empty list).
Result<EnrolmentFilter> read_filter(const Request& req) {
  EnrolmentFilter f;
  f.region = req.query_param("region", "");
  f.comuna = req.query_param("comuna", "");
  f.chain = req.query_param("chain", "");
  f.status = req.query_param("status", "");
  static const std::regex kRegion("[0-9]{2}"), kComuna("[0-9]{5}");
  if (!f.region.empty() && !std::regex_match(f.region, kRegion))
    return fail(Error::invalid("region", "La región debe ser su código oficial de dos cifras (por ejemplo 02)."));
  if (!f.comuna.empty() && !std::regex_match(f.comuna, kComuna))
    return fail(Error::invalid("comuna", "La comuna debe ser su código oficial de cinco cifras (por ejemplo 02101)."));
  if (!f.status.empty() && f.status != "active" && f.status != "suspended")
    return fail(Error::invalid("status", "El estado debe ser «active» (activa) o «suspended» (suspendida)."));
  if (f.chain.size() > 60) return fail(Error::invalid("chain", "La cadena tiene como máximo 60 caracteres."));
  return f;
}

// What a pharmacy sees of a report: when, urgency and status; never her name nor how to reach her.
Json status_json(const Report& r, int64_t now) {
  return {{"ref", r.ref},
          {"at", r.at},
          {"in_danger", r.in_danger},
          {"state", r.state},
          {"state_label", state_label(r.state)},
          {"due_at", r.due_at},
          {"overdue", r.state == "waiting" && now > r.due_at},
          {"contacted_at", r.contacted_at ? Json(*r.contacted_at) : Json(nullptr)},
          {"in_queue", !r.contact_id.empty()},
          {"demo", r.demo}};
}

Json count_json(const TerritoryCount& t) {
  return {{"code", t.code},       {"name", t.name},       {"enrolled", t.enrolled}, {"chains", t.chains},
          {"independent", t.independent}, {"trained", t.trained}, {"activations", t.activations},
          // Pharmacies enrolled but nobody said the word: the scheme is not known there.
          {"outreach_missing", t.enrolled > 0 && t.activations == 0}};
}

// What SernamEG's line sees of a report: the status plus where it came from and its escalation.
Json followup_json(const Report& r, int64_t now) {
  Json j = status_json(r, now);
  j["pharmacy"] = r.pharmacy_name;
  j["comuna"] = r.comuna_code;
  j["contact_id"] = r.contact_id;
  j["escalation"] = r.escalation;
  j["escalation_label"] = escalation_label(r.escalation);
  j["escalated_at"] = r.escalated_at ? Json(*r.escalated_at) : Json(nullptr);
  j["overdue_ms"] = r.state != "contacted" && now > r.due_at ? now - r.due_at : 0;
  return j;
}

Json followup_list(const std::vector<Report>& list) {
  Json items = Json::array();
  const int64_t now = now_ms();
  for (const auto& r : list) items.push_back(followup_json(r, now));
  return items;
}

// What the pharmacist must do at once when she is in danger now.
const std::vector<std::string> kEmergency = {
    "Llame ahora al 133 (Carabineros) e informe que una mujer pidió ayuda con «Mascarilla 19» y está en peligro.",
    "Llévela a un lugar reservado de la farmacia, lejos de quien la acompaña, si puede hacerlo sin riesgo.",
    "No la deje salir sola si la persona agresora la espera afuera; espere a Carabineros con ella.",
    "SernamEG recibió su reporte como urgente y la contactará por el medio seguro que ella indicó.",
};

}  // namespace

void register_routes(http::Router& router, std::shared_ptr<Service> svc) {
  const std::string tag = "pharmacy";
  router.add({"GET", "/api/v1/pharmacy/reports", kReport, "«Mascarilla 19»: su farmacia y el estado de sus reportes", tag,
              [svc](Request& req) -> Result<Response> {
                auto own = svc->enrolment_of(req.who().institution_id);
                if (!own) return fail(own.error());
                auto list = svc->own_reports(req);
                if (!list) return fail(list.error());
                Json items = Json::array();
                const int64_t now = now_ms();
                for (const auto& r : *list) items.push_back(status_json(r, now));
                return Response::json({{"pharmacy", *own ? enrolment_json(**own) : Json(nullptr)}, {"items", items}});
              }});

  router.add({"POST", "/api/v1/pharmacy/reports", kReport,
              "Reportar una activación de «Mascarilla 19»: la mujer pasa a la cola de SernamEG (urgente si está en peligro ahora)", tag,
              [svc](Request& req) -> Result<Response> {
                auto body = http::json_object_body(req);
                if (!body) return fail(body.error());
                http::FieldReader f(*body);
                NewReport n;
                auto alias = f.text("alias", {.required = true, .max_chars = 60});
                if (!alias) return fail(alias.error());
                auto phone = f.text("phone", {.max_chars = 30});
                if (!phone) return fail(phone.error());
                auto safe = f.text("safe_contact", {.required = true, .max_chars = 300});
                if (!safe) return fail(safe.error());
                auto asked = f.text("asked_for", {.max_chars = 500});
                if (!asked) return fail(asked.error());
                auto danger = f.boolean("in_danger", true);
                if (!danger) return fail(danger.error());
                auto pid = f.integer("pharmacy_id", {.min = 1});
                if (!pid) return fail(pid.error());
                if (auto ok = f.no_unknown(); !ok) return fail(ok.error());
                if (!phone->empty()) {
                  auto p = chilean_phone(*phone);
                  if (!p) return fail(p.error());
                  n.phone = *p;
                }
                n.alias = *alias;
                n.safe_contact = *safe;
                n.asked_for = *asked;
                n.in_danger = danger->value_or(false);
                n.pharmacy_id = *pid;
                auto r = svc->report(req, n);
                if (!r) return fail(r.error());
                Json out = status_json(*r, now_ms());
                if (r->in_danger) out["emergency"] = {{"call", "133"}, {"steps", kEmergency}};
                return Response::json(out, 201);
              },
              {{"alias", http::Field::Type::string, true, 60},
               {"phone", http::Field::Type::string, false, 30},
               {"safe_contact", http::Field::Type::string, true, 300},
               {"asked_for", http::Field::Type::string, false, 500},
               {"in_danger", http::Field::Type::boolean, true, 0},
               {"pharmacy_id", http::Field::Type::integer, false, 0}}});

  router.add({"GET", "/api/v1/pharmacy/reports/{ref}", kReport, "Estado de un reporte «Mascarilla 19» (solo la farmacia que lo hizo)", tag,
              [svc](Request& req) -> Result<Response> {
                auto r = svc->read(req, req.params["ref"]);
                if (!r) return fail(r.error());
                return Response::json(status_json(*r, now_ms()));
              }});

  router.add({"GET", "/api/v1/pharmacy/followups", kFollow,
              "«Mascarilla 19»: activaciones que SernamEG aún no contacta, con su plazo (vencidas primero)", tag,
              [svc](Request& req) -> Result<Response> {
                auto list = svc->followups(req);
                if (!list) return fail(list.error());
                return Response::json({{"items", followup_list(*list)}});
              }});

  router.add({"GET", "/api/v1/pharmacy/escalations", kSupervise,
              "«Mascarilla 19»: activaciones escaladas por plazo vencido sin cierre (segundo nivel primero), con el tiempo de atraso", tag,
              [svc](Request& req) -> Result<Response> {
                auto list = svc->escalated(req);
                if (!list) return fail(list.error());
                return Response::json({{"items", followup_list(*list)}, {"second_level_after_ms", svc->options().second_level_ms}});
              }});

  router.add({"POST", "/api/v1/pharmacy/enrolments", kSupervise, "Inscribir una farmacia en «Mascarilla 19»", tag,
              [svc](Request& req) -> Result<Response> {
                auto body = http::json_object_body(req);
                if (!body) return fail(body.error());
                http::FieldReader f(*body);
                auto e = read_enrolment(f, true);
                if (!e) return fail(e.error());
                auto out = svc->enrol(req, *e);
                if (!out) return fail(out.error());
                return Response::json(enrolment_json(*out), 201);
              },
              enrol_fields()});

  router.add({"GET", "/api/v1/pharmacy/enrolments", kSupervise,
              "«Mascarilla 19»: farmacias inscritas, filtradas por región, comuna, cadena («independiente» para las que no tienen) y estado", tag,
              [svc](Request& req) -> Result<Response> {
                if (auto ok = may_manage(req.who()); !ok) return fail(ok.error());
                auto f = read_filter(req);
                if (!f) return fail(f.error());
                auto list = svc->enrolments(req, *f);
                if (!list) return fail(list.error());
                auto chains = svc->chains();
                if (!chains) return fail(chains.error());
                Json items = Json::array();
                for (const auto& e : *list) items.push_back(enrolment_json(e));
                return Response::json({{"items", items}, {"chains", *chains}});
              }});

  router.add({"GET", "/api/v1/pharmacy/enrolments/{id}", kSupervise, "«Mascarilla 19»: una farmacia inscrita, con sus capacitaciones", tag,
              [svc](Request& req) -> Result<Response> {
                if (auto ok = may_manage(req.who()); !ok) return fail(ok.error());
                auto id = http::path_id(req);
                if (!id) return fail(id.error());
                auto e = svc->enrolment(req, *id);
                if (!e) return fail(e.error());
                return Response::json(detail_json(*e));
              }});

  router.add({"PATCH", "/api/v1/pharmacy/enrolments/{id}", kSupervise,
              "Corregir los datos de una farmacia inscrita (nombre, cadena, comuna, contacto, dirección, teléfono, RUT)", tag,
              [svc](Request& req) -> Result<Response> {
                if (auto ok = may_manage(req.who()); !ok) return fail(ok.error());
                auto id = http::path_id(req);
                if (!id) return fail(id.error());
                auto body = http::json_object_body(req);
                if (!body) return fail(body.error());
                http::FieldReader f(*body);
                auto e = read_enrolment(f, false);
                if (!e) return fail(e.error());
                auto out = svc->edit(req, *id, *e);
                if (!out) return fail(out.error());
                return Response::json(detail_json(*out));
              },
              kEnrolmentFields});

  router.add({"POST", "/api/v1/pharmacy/enrolments/{id}/trainings", kSupervise,
              "Registrar una capacitación del personal de una farmacia en el protocolo «Mascarilla 19»", tag,
              [svc](Request& req) -> Result<Response> {
                if (auto ok = may_manage(req.who()); !ok) return fail(ok.error());
                auto id = http::path_id(req);
                if (!id) return fail(id.error());
                auto body = http::json_object_body(req);
                if (!body) return fail(body.error());
                http::FieldReader f(*body);
                auto at = f.text("trained_at", {.required = true, .max_chars = 10});
                auto staff = f.integer("staff", {.min = 1, .max = 500});
                auto note = f.text("note", {.max_chars = 300});
                if (!at) return fail(at.error());
                if (!staff) return fail(staff.error());
                if (!note) return fail(note.error());
                if (auto ok = f.no_unknown(); !ok) return fail(ok.error());
                auto day = parse_date_cl(*at, "trained_at");
                if (!day) return fail(day.error());
                Training t;
                t.trained_at = *day;
                t.staff = *staff;
                t.note = *note;
                auto out = svc->add_training(req, *id, t);
                if (!out) return fail(out.error());
                return Response::json(detail_json(*out), 201);
              },
              {{"trained_at", http::Field::Type::string, true, 10},
               {"staff", http::Field::Type::integer, false, 0},
               {"note", http::Field::Type::string, false, 300}}});

  for (const bool suspend : {true, false}) {
    router.add({"POST", suspend ? "/api/v1/pharmacy/enrolments/{id}/suspend" : "/api/v1/pharmacy/enrolments/{id}/reactivate", kSupervise,
                suspend ? "Suspender una farmacia de «Mascarilla 19», con el motivo (sus reportes se rechazan indicándolo)"
                        : "Reactivar una farmacia suspendida de «Mascarilla 19», con el motivo",
                tag,
                [svc, suspend](Request& req) -> Result<Response> {
                  if (auto ok = may_manage(req.who()); !ok) return fail(ok.error());
                  auto id = http::path_id(req);
                  if (!id) return fail(id.error());
                  auto reason = read_reason(req);
                  if (!reason) return fail(reason.error());
                  auto out = svc->set_status(req, *id, suspend, *reason);
                  if (!out) return fail(out.error());
                  return Response::json(detail_json(*out));
                },
                {{"reason", http::Field::Type::string, true, 300}}});
  }

  router.add({"GET", "/api/v1/pharmacy/overview", kSupervise,
              "«Mascarilla 19»: farmacias inscritas y activaciones por región y comuna en un año, con las cifras de la Cuenta Pública", tag,
              [svc](Request& req) -> Result<Response> {
                const std::string y = req.query_param("year", "2020");
                static const std::regex kYear("20[0-9]{2}");
                if (!std::regex_match(y, kYear)) return fail(Error::invalid("year", "El año debe tener cuatro cifras (por ejemplo 2020)."));
                auto o = svc->overview(req, std::stoi(y));
                if (!o) return fail(o.error());
                Json regions = Json::array();
                for (const auto& r : o->regions) {
                  Json j = count_json(r);
                  Json cs = Json::array();
                  for (const auto& c : o->comunas[r.code]) cs.push_back(count_json(c));
                  j["comunas"] = cs;
                  regions.push_back(j);
                }
                Json seed = Json::array();
                for (const auto& s : seed_figures()) {
                  int64_t computed = o->activations_year;
                  if (*s.region_code)
                    for (const auto& r : o->regions)
                      if (r.code == s.region_code) computed = r.enrolled;
                  seed.push_back({{"what", s.what}, {"region", s.region_code}, {"seed", s.value}, {"computed", computed}, {"source", s.source}});
                }
                return Response::json({{"year", o->year},
                                       {"activations", o->activations_year},
                                       {"contacted", o->contacted_year},
                                       {"regions", regions},
                                       {"seed", seed}});
              }});
}

}  // namespace eq::pharmacy
