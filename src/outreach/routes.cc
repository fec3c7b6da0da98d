// HTTP handlers of outreach. Parse, ask outreach/access.h about the object (through the service),
// answer. Public reads and the public registration need no account; the registration is rate
// limited per client.
#include <map>
#include <regex>

#include "core/time.h"
#include "core/try.h"
#include "http/body.h"
#include "http/fields.h"
#include "outreach/access.h"
#include "outreach/module.h"
#include "store/with_session.h"

namespace eq::outreach {

namespace {

using http::Json;
using http::Request;
using http::Response;
using store::with_session;

// A code of `vocab` (required): 422 naming the field and the codes accepted otherwise.
Result<std::string> code_in(http::FieldReader& in, const char* key, const Vocabulary& vocab) {
  EQ_TRY(code, in.text(key, {.required = true, .max_chars = 40}));
  if (!vocab.contains(*code)) return fail(Error::invalid(in.name(key), "Código desconocido. Use: " + vocab.ids_text() + ".", "unknown_code"));
  return *code;
}

// A partial date of a form ("dd-mm-aaaa", "mm-aaaa", "aaaa"); "" when unknown. Planned sessions
// and campaigns lie ahead, so the parser's clock is set ten years on.
Result<std::string> partial_date(http::FieldReader& in, const char* key, bool required) {
  EQ_TRY(text, in.text(key, {.required = required, .max_chars = 20}));
  EQ_TRY(d, parse_birth_date(*text, now_ms() + 10LL * 365 * 86400000LL, in.name(key)));
  return format_partial_date(*d);
}

// 422 when `end` ends before `start` begins (each as the widest span it can mean).
Result<void> ordered(const std::string& start, const std::string& end, const char* end_field) {
  const PartialDate a = read_partial_date(start), b = read_partial_date(end);
  if (a.known() && b.known() && final_day(b) < first_day(a))
    return fail(Error::invalid(end_field, "El término (" + date_label(end) + ") es anterior al inicio (" + date_label(start) + ").",
                               "end_before_start"));
  return {};
}

Json dates(const std::string& stored) { return {{"value", stored}, {"label", date_label(stored)}}; }

int64_t percent_tenths(int64_t part, int64_t whole) { return whole > 0 ? part * 1000 / whole : 0; }

Json course_json(const Course& c, const std::map<std::string, int64_t>& sex) {
  Json by_sex = Json::object();
  for (const auto& t : sexes().terms()) by_sex[t.id] = sex.count(t.id) ? sex.at(t.id) : 0;
  Json j = {{"id", c.id},
            {"name", c.name},
            {"modality", c.modality},
            {"modality_name", modalities().label(c.modality)},
            {"population", c.population},
            {"description", c.description},
            {"institution", c.institution_name},
            {"institution_id", c.institution_id},
            {"capacity", c.capacity},
            {"sessions", c.sessions},
            {"participants", c.participants},
            {"by_sex", by_sex},
            {"target", c.target ? Json(*c.target) : Json(nullptr)},
            {"target_source", c.target_source},
            {"demo", c.demo}};
  // Progress in tenths of a percent (the screen writes "14,0 %"); beyond 100 % is shown as it is.
  j["progress_tenths"] = c.target ? Json(percent_tenths(c.participants, *c.target)) : Json(nullptr);
  return j;
}

Json session_json(const Session& x, bool editable) {
  Json j = {{"id", x.id},
            {"course_id", x.course_id},
            {"course", x.course_name},
            {"institution", x.institution_name},
            {"starts_on", dates(x.starts_on)},
            {"ends_on", dates(x.ends_on)},
            {"place", x.place},
            {"capacity", x.capacity},
            {"participants", x.participants},
            {"editable", editable},
            {"demo", x.demo}};
  if (!x.counts.empty() || editable) {
    Json rows = Json::array();
    for (const auto& c : x.counts) rows.push_back({{"institution", c.institution}, {"sex", c.sex}, {"count", c.count}});
    j["rows"] = rows;
  }
  return j;
}

Json campaign_json(const Campaign& c) {
  Json ch = Json::array();
  for (const auto& x : c.channels) ch.push_back({{"id", x}, {"name", channels().label(x)}});
  return {{"id", c.id},          {"name", c.name},           {"description", c.description}, {"institution", c.institution_name},
          {"starts_on", dates(c.starts_on)}, {"ends_on", dates(c.ends_on)}, {"channels", ch}, {"source", c.source}, {"demo", c.demo}};
}

Json talk_json(const Talk& t) {
  return {{"id", t.id},
          {"series", t.series},
          {"title", t.title},
          {"speaker", t.speaker},
          {"place", t.place},
          {"institution", t.institution_name},
          {"institution_id", t.institution_id},
          {"starts_at", t.starts_at},
          {"starts_label", format_datetime_cl(t.starts_at)},
          {"capacity", t.capacity},
          {"registered", t.registered},
          {"attended", t.attended},
          {"seats_left", std::max<int64_t>(0, t.capacity - t.registered)},
          {"past", t.starts_at < now_ms()},
          // Attendance is marked at the door (service: 409 talk_not_started earlier); the screens
          // offer the button only from then.
          {"check_in_open", now_ms() >= t.starts_at - kCheckInBeforeMs},
          {"check_in_from", format_datetime_cl(t.starts_at - kCheckInBeforeMs)},
          {"demo", t.demo}};
}

// A plausible e-mail address: one '@', something on each side, a dot in the domain, no spaces.
bool email_ok(const std::string& e) {
  static const std::regex re(R"(^[^@\s]+@[^@\s]+\.[^@\s]+$)");
  return e.size() <= 254 && std::regex_match(e, re);
}

Result<std::vector<Count>> read_counts(const Json& body) {
  if (!body.contains("rows") || !body["rows"].is_array()) return fail(http::invalid_type("rows", "una lista"));
  const Json& list = body["rows"];
  if (list.size() > 500) return fail(Error::invalid("rows", "Indique a lo más 500 filas.", "too_many"));
  std::vector<Count> out;
  std::map<std::pair<std::string, std::string>, bool> seen;
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string prefix = "rows[" + std::to_string(i) + "]";
    if (!list[i].is_object()) return fail(http::invalid_type(prefix, "un objeto"));
    http::FieldReader r(list[i], prefix);
    Count c;
    EQ_TRY(inst, r.text("institution", {.required = true, .max_chars = 200}));
    c.institution = *inst;
    EQ_TRY(sex, code_in(r, "sex", sexes()));
    c.sex = *sex;
    EQ_TRY(n, r.integer("count", {.required = true, .min = 0, .max = 100000}));
    c.count = **n;
    if (auto ok = r.no_unknown(); !ok) return fail(ok.error());
    if (seen[{c.institution, c.sex}])
      return fail(Error::invalid(prefix, "Esa institución y sexo ya están en otra fila: súmelos en una.", "duplicate_row"));
    seen[{c.institution, c.sex}] = true;
    out.push_back(c);
  }
  return out;
}

}  // namespace

void register_routes(http::Router& router, std::shared_ptr<Service> svc, std::function<bool(const std::string&)> comuna_exists) {
  // ------------------------------------------------------------------ public
  router.add({"GET", "/api/v1/outreach/public/trainings", http::kPublic,
              "Cursos de capacitación con sus sesiones, participantes por sexo y avance contra la meta", "outreach",
              [svc](Request&) -> Result<Response> {
                return with_session<Response>(svc->db(), [&](soci::session& s) -> Result<Response> {
                  std::map<int64_t, std::map<std::string, int64_t>> sex;
                  for (const auto& [course, x, n] : svc->repo().by_sex(s)) sex[course][x] = n;
                  std::map<int64_t, Json> sessions;
                  for (const auto& x : svc->repo().sessions(s, std::nullopt)) sessions[x.course_id].push_back(session_json(x, false));
                  Json items = Json::array();
                  int64_t elearning = 0;
                  for (const auto& c : svc->repo().courses(s)) {
                    Json j = course_json(c, sex[c.id]);
                    j["session_list"] = sessions.count(c.id) ? sessions[c.id] : Json::array();
                    if (c.demo && c.name.find("Chile elige equidad") != std::string::npos) elearning += c.participants;
                    items.push_back(j);
                  }
                  return Response::json({{"items", items},
                                         {"modalities", http::vocabulary_json(modalities())},
                                         {"sexes", http::vocabulary_json(sexes())},
                                         {"seed",
                                          {{"source", kSeedSource},
                                           {"elearning_2020", kSeedElearning2020},
                                           {"aps_target", kSeedApsTarget},
                                           {"quotes",
                                            {"«Durante el año 2020 se logró capacitar a 4.286 funcionarios y funcionarias de la "
                                             "Administración Central del Estado» (curso e-learning «Chile elige equidad»)",
                                             "«… se espera llegar a un total de 2.500 personas capacitadas de la red APS.»"}}}},
                                         {"computed", {{"elearning_2020", elearning}}}});
                });
              }});

  router.add({"GET", "/api/v1/outreach/public/campaigns", http::kPublic, "Campañas comunicacionales con su período y canales", "outreach",
              [svc](Request&) -> Result<Response> {
                return with_session<Response>(svc->db(), [&](soci::session& s) -> Result<Response> {
                  Json items = Json::array();
                  for (const auto& c : svc->repo().campaigns(s)) items.push_back(campaign_json(c));
                  return Response::json({{"items", items}, {"channels", http::vocabulary_json(channels())}});
                });
              }});

  router.add({"GET", "/api/v1/outreach/public/talks", http::kPublic, "Charlas con sus cupos; las cifras de «Nosotras» junto a la cuenta pública",
              "outreach", [svc](Request&) -> Result<Response> {
                return with_session<Response>(svc->db(), [&](soci::session& s) -> Result<Response> {
                  Json items = Json::array();
                  for (const auto& t : svc->repo().talks(s)) items.push_back(talk_json(t));
                  const auto [talks, regs] = svc->repo().series_counts(s, "Nosotras");
                  return Response::json({{"items", items},
                                         {"seed",
                                          {{"source", kSeedSource},
                                           {"nosotras_talks", kSeedNosotrasTalks},
                                           {"nosotras_registered", kSeedNosotrasRegistered},
                                           {"quote", "«A la fecha se han realizado 23 charlas, con un total de 4.458 personas inscritas»"}}},
                                         {"computed", {{"nosotras_talks", talks}, {"nosotras_registered", regs}}}});
                });
              }});

  http::Route reg{"POST", "/api/v1/outreach/public/talks/{id}/registrations", http::kPublic,
                  "Inscribirse en una charla sin cuenta (nombre, correo, comuna); devuelve el código de inscripción y certificado",
                  "outreach", [svc, comuna_exists](Request& req) -> Result<Response> {
                    EQ_TRY(id, http::path_id(req));
                    EQ_TRY(body, http::json_object_body(req));
                    http::FieldReader in(*body);
                    Registration r;
                    EQ_TRY(name, in.text("name", {.required = true, .max_chars = 120}));
                    r.name = *name;
                    EQ_TRY(email, in.text("email", {.required = true, .max_chars = 254}));
                    if (!email_ok(*email)) return fail(Error::invalid("email", "Escriba un correo válido, por ejemplo nombre@dominio.cl.", "invalid_email"));
                    r.email = *email;
                    EQ_TRY(comuna, in.text("comuna_id", {.required = true, .max_chars = 10}));
                    if (!comuna_exists(*comuna)) return fail(Error::invalid("comuna_id", "La comuna indicada no existe.", "unknown_code"));
                    r.comuna_id = *comuna;
                    if (auto ok = in.no_unknown(); !ok) return fail(ok.error());
                    EQ_TRY(code, svc->register_for(req, *id, r));
                    return Response::json({{"code", *code}, {"certificate_url", "/charlas/certificado/" + *code}}, 201);
                  }};
  reg.rate_limited = true;
  router.add(std::move(reg));

  http::Route cert{"GET", "/api/v1/outreach/public/certificates/{code}", http::kPublic,
                   "Verificar un certificado de asistencia a una charla por su código", "outreach",
                   [svc](Request& req) -> Result<Response> {
                     const std::string code = req.params["code"];
                     static const std::regex shape("^[A-Za-z0-9_-]{8,32}$");
                     if (!std::regex_match(code, shape)) return fail(Error::not_found("No existe un certificado con ese código."));
                     EQ_TRY(c, svc->certificate(code));
                     if (!*c) return fail(Error::not_found("No existe un certificado con ese código."));
                     const auto& x = **c;
                     Json talk = talk_json(x.talk);
                     talk.erase("registered");
                     talk.erase("attended");
                     talk.erase("seats_left");
                     return Response::json({{"code", code},
                                            {"valid", x.reg.attended_at.has_value()},
                                            {"status", x.reg.attended_at ? "asistio" : "inscrita"},
                                            {"name", x.reg.name},
                                            {"talk", talk},
                                            {"attended_on", x.reg.attended_at ? Json(format_date_cl(*x.reg.attended_at)) : Json(nullptr)},
                                            {"issuer", x.talk.institution_name}});
                   }};
  cert.rate_limited = true;  // codes are not guessable; the limit keeps anyone from trying
  router.add(std::move(cert));

  // ------------------------------------------------------------------ staff
  router.add({"GET", "/api/v1/outreach/trainings", "outreach.manage", "Cursos y sesiones, con las que su institución puede editar",
              "outreach", [svc](Request& req) -> Result<Response> {
                return with_session<Response>(svc->db(), [&](soci::session& s) -> Result<Response> {
                  std::map<int64_t, std::map<std::string, int64_t>> sex;
                  for (const auto& [course, x, n] : svc->repo().by_sex(s)) sex[course][x] = n;
                  std::map<int64_t, Json> sessions;
                  for (const auto& x : svc->repo().sessions(s, std::nullopt))
                    sessions[x.course_id].push_back(session_json(x, access::may_change(req.who(), x.institution_id)));
                  Json items = Json::array();
                  for (const auto& c : svc->repo().courses(s)) {
                    Json j = course_json(c, sex[c.id]);
                    j["session_list"] = sessions.count(c.id) ? sessions[c.id] : Json::array();
                    j["editable"] = access::may_change(req.who(), c.institution_id);
                    items.push_back(j);
                  }
                  return Response::json({{"items", items},
                                         {"institution", req.who().institution_name},
                                         {"modalities", http::vocabulary_json(modalities())},
                                         {"sexes", http::vocabulary_json(sexes())}});
                });
              }});

  router.add({"POST", "/api/v1/outreach/courses", "outreach.manage", "Registrar un curso de capacitación de su institución", "outreach",
              [svc](Request& req) -> Result<Response> {
                EQ_TRY(body, http::json_object_body(req));
                http::FieldReader in(*body);
                Course c;
                EQ_TRY(name, in.text("name", {.required = true, .max_chars = 200}));
                c.name = *name;
                EQ_TRY(modality, code_in(in, "modality", modalities()));
                c.modality = *modality;
                EQ_TRY(pop, in.text("population", {.required = true, .max_chars = 300}));
                c.population = *pop;
                EQ_TRY(desc, in.text("description", {.max_chars = 2000}));
                c.description = *desc;
                EQ_TRY(cap, in.integer("capacity", {.required = true, .min = 1, .max = 100000}));
                c.capacity = **cap;
                EQ_TRY(target, in.integer("target", {.min = 1, .max = 10000000}));
                c.target = *target;
                EQ_TRY(source, in.text("target_source", {.required = target->has_value(), .max_chars = 500}));
                c.target_source = *source;
                if (auto ok = in.no_unknown(); !ok) return fail(ok.error());
                EQ_TRY(id, svc->create_course(req, c));
                return Response::json({{"id", *id}}, 201);
              }});

  router.add({"POST", "/api/v1/outreach/courses/{id}/sessions", "outreach.manage",
              "Registrar una sesión de un curso de su institución (fechas, lugar, cupos)", "outreach", [svc](Request& req) -> Result<Response> {
                EQ_TRY(id, http::path_id(req));
                EQ_TRY(body, http::json_object_body(req));
                http::FieldReader in(*body);
                Session x;
                x.course_id = *id;
                EQ_TRY(starts, partial_date(in, "starts_on", true));
                x.starts_on = *starts;
                EQ_TRY(ends, partial_date(in, "ends_on", false));
                x.ends_on = *ends;
                if (auto ok = ordered(x.starts_on, x.ends_on, "ends_on"); !ok) return fail(ok.error());
                EQ_TRY(place, in.text("place", {.required = true, .max_chars = 200}));
                x.place = *place;
                EQ_TRY(cap, in.integer("capacity", {.min = 1, .max = 100000}));
                x.capacity = cap->value_or(0);
                if (auto ok = in.no_unknown(); !ok) return fail(ok.error());
                EQ_TRY(sid, svc->create_session(req, x));
                return Response::json({{"id", *sid}}, 201);
              }});

  router.add({"GET", "/api/v1/outreach/sessions/{id}", "outreach.manage", "Una sesión de su institución con sus participantes por institución y sexo",
              "outreach", [svc](Request& req) -> Result<Response> {
                EQ_TRY(id, http::path_id(req));
                EQ_TRY(x, svc->read_session(req, *id));
                return Response::json(session_json(*x, true));
              }});

  router.add({"PUT", "/api/v1/outreach/sessions/{id}/participants", "outreach.manage",
              "Registrar los participantes de una sesión por institución y sexo (reemplaza los anteriores; no más que sus cupos)",
              "outreach", [svc](Request& req) -> Result<Response> {
                EQ_TRY(id, http::path_id(req));
                EQ_TRY(body, http::json_object_body(req));
                http::FieldReader in(*body);
                in.skip("rows");
                if (auto ok = in.no_unknown(); !ok) return fail(ok.error());
                EQ_TRY(rows, read_counts(*body));
                EQ_TRY(total, svc->set_counts(req, *id, *rows));
                return Response::json({{"id", *id}, {"participants", *total}});
              }});

  router.add({"POST", "/api/v1/outreach/campaigns", "outreach.manage", "Registrar una campaña con su período y canales", "outreach",
              [svc](Request& req) -> Result<Response> {
                EQ_TRY(body, http::json_object_body(req));
                http::FieldReader in(*body);
                Campaign c;
                EQ_TRY(name, in.text("name", {.required = true, .max_chars = 200}));
                c.name = *name;
                EQ_TRY(desc, in.text("description", {.max_chars = 2000}));
                c.description = *desc;
                EQ_TRY(starts, partial_date(in, "starts_on", true));
                c.starts_on = *starts;
                EQ_TRY(ends, partial_date(in, "ends_on", false));
                c.ends_on = *ends;
                if (auto ok = ordered(c.starts_on, c.ends_on, "ends_on"); !ok) return fail(ok.error());
                in.skip("channels");
                if (!body->contains("channels") || !(*body)["channels"].is_array() || (*body)["channels"].empty())
                  return fail(Error::invalid("channels", "Indique al menos un canal: " + channels().ids_text() + ".", "required"));
                for (const auto& ch : (*body)["channels"]) {
                  if (!ch.is_string() || !channels().contains(ch.get<std::string>()))
                    return fail(Error::invalid("channels", "El canal indicado no existe. Use: " + channels().ids_text() + ".", "unknown_code"));
                  if (std::find(c.channels.begin(), c.channels.end(), ch.get<std::string>()) == c.channels.end())
                    c.channels.push_back(ch.get<std::string>());
                }
                EQ_TRY(source, in.text("source", {.max_chars = 500}));
                c.source = *source;
                if (auto ok = in.no_unknown(); !ok) return fail(ok.error());
                EQ_TRY(id, svc->create_campaign(req, c));
                return Response::json({{"id", *id}}, 201);
              }});

  router.add({"POST", "/api/v1/outreach/talks", "outreach.manage", "Registrar una charla (título, fecha y hora, lugar o enlace, cupos)",
              "outreach", [svc](Request& req) -> Result<Response> {
                EQ_TRY(body, http::json_object_body(req));
                http::FieldReader in(*body);
                Talk t;
                EQ_TRY(title, in.text("title", {.required = true, .max_chars = 200}));
                t.title = *title;
                EQ_TRY(series, in.text("series", {.max_chars = 100}));
                t.series = *series;
                EQ_TRY(speaker, in.text("speaker", {.max_chars = 200}));
                t.speaker = *speaker;
                EQ_TRY(place, in.text("place", {.required = true, .max_chars = 300}));
                t.place = *place;
                EQ_TRY(date, in.text("date", {.required = true, .max_chars = 10}));
                EQ_TRY(day, parse_date_cl(*date, "date"));
                EQ_TRY(time, in.text("time", {.required = true, .max_chars = 5}));
                static const std::regex hhmm("^([01][0-9]|2[0-3]):([0-5][0-9])$");
                std::smatch m;
                if (!std::regex_match(*time, m, hhmm)) return fail(Error::invalid("time", "Escriba la hora como HH:MM (por ejemplo 18:30).", "invalid_time"));
                t.starts_at = *day + (std::stoll(m[1]) * 60 + std::stoll(m[2])) * 60000LL;
                EQ_TRY(cap, in.integer("capacity", {.required = true, .min = 1, .max = 100000}));
                t.capacity = **cap;
                if (auto ok = in.no_unknown(); !ok) return fail(ok.error());
                EQ_TRY(id, svc->create_talk(req, t));
                return Response::json({{"id", *id}}, 201);
              }});

  router.add({"GET", "/api/v1/outreach/talks", "outreach.manage", "Charlas, con las de su institución marcadas como editables", "outreach",
              [svc](Request& req) -> Result<Response> {
                return with_session<Response>(svc->db(), [&](soci::session& s) -> Result<Response> {
                  Json items = Json::array();
                  for (const auto& t : svc->repo().talks(s)) {
                    Json j = talk_json(t);
                    j["editable"] = access::may_change(req.who(), t.institution_id);
                    items.push_back(j);
                  }
                  return Response::json({{"items", items}});
                });
              }});

  router.add({"GET", "/api/v1/outreach/talks/{id}/registrations", "outreach.manage",
              "Inscripciones de una charla de su institución (nombres y correos; lectura auditada)", "outreach",
              [svc](Request& req) -> Result<Response> {
                EQ_TRY(id, http::path_id(req));
                EQ_TRY(regs, svc->list_registrations(req, *id));
                Json items = Json::array();
                for (const auto& r : *regs)
                  items.push_back({{"id", r.id},
                                   {"name", r.name},
                                   {"email", r.email},
                                   {"comuna_id", r.comuna_id},
                                   {"registered_at", format_datetime_cl(r.registered_at)},
                                   {"attended", r.attended_at.has_value()},
                                   {"certificate_url", r.attended_at ? Json("/charlas/certificado/" + r.code) : Json(nullptr)},
                                   {"demo", r.demo}});
                return Response::json({{"items", items}});
              }});

  router.add({"POST", "/api/v1/outreach/talks/{id}/attendance", "outreach.manage",
              "Marcar la asistencia de una persona inscrita (por registration_id o email); emite su certificado", "outreach",
              [svc](Request& req) -> Result<Response> {
                EQ_TRY(id, http::path_id(req));
                EQ_TRY(body, http::json_object_body(req));
                http::FieldReader in(*body);
                EQ_TRY(rid, in.integer("registration_id", {.min = 1}));
                EQ_TRY(email, in.text("email", {.max_chars = 254}));
                if (auto ok = in.no_unknown(); !ok) return fail(ok.error());
                if (!*rid && email->empty())
                  return fail(Error::invalid("registration_id", "Indique la inscripción (registration_id) o el correo de la persona.", "required"));
                EQ_TRY(r, svc->mark_attendance(req, *id, *rid, *email));
                return Response::json({{"id", r->id}, {"attended", true}, {"certificate_url", "/charlas/certificado/" + r->code}});
              }});
}

}  // namespace eq::outreach
