// HTTP handlers of the councils module. Parse, ask councils/access.h about the object, work
// through the service (one transaction with its audit entry), answer. Public reads carry no
// contact data (the module holds none) and no draft minutes.
#include <map>

#include "core/time.h"
#include "core/try.h"
#include "councils/access.h"
#include "councils/module.h"
#include "http/body.h"
#include "http/fields.h"
#include "store/with_session.h"

namespace eq::councils {

namespace {

using http::Json;
using http::Request;
using http::Response;
using store::with_session;

std::vector<std::string> ids(const Vocabulary& v) {
  std::vector<std::string> out;
  for (const auto& t : v.terms()) out.push_back(t.id);
  return out;
}

// A day field: "aaaa-mm-dd" or "dd-mm-aaaa"; "" when absent and not required.
Result<std::string> day_field(http::FieldReader& in, const char* key, bool required) {
  EQ_TRY(text, in.text(key, {.required = required, .max_chars = 10}));
  if (text->empty()) return std::string();
  auto d = parse_day(*text);
  if (!d) return fail(Error::invalid(in.name(key), "Fecha no válida: use dd-mm-aaaa (por ejemplo 18-03-2021).", "invalid_date"));
  return *d;
}

Json day_json(const std::string& iso) { return iso.empty() ? Json(nullptr) : Json{{"value", iso}, {"label", day_label(iso)}}; }

Json member_json(const Member& m, const std::string& today) {
  return {{"id", m.id},
          {"name", m.name},
          {"organisation", m.organisation},
          {"role", m.role},
          {"role_name", member_roles().label(m.role)},
          {"term_from", day_json(m.term_from)},
          {"term_until", day_json(m.term_until)},
          {"active", m.active_on(today)},
          {"demo", m.demo}};
}

Json quorum_json(const Quorum& q) {
  return {{"members", q.members}, {"present", q.present}, {"absent", q.absent},   {"excused", q.excused},
          {"unrecorded", q.unrecorded}, {"needed", q.needed}, {"met", q.met()}};
}

Json session_json(const Session& x, const std::vector<Member>& members, bool draft_minutes, bool full) {
  Json j = {{"id", x.id},
            {"body_id", x.body_id},
            {"held_on", day_json(x.held_on)},
            {"kind", x.kind},
            {"kind_name", session_kinds().label(x.kind)},
            {"modality", x.modality},
            {"modality_name", modalities().label(x.modality)},
            {"place", x.place},
            {"topics", x.topics},
            {"quorum", quorum_json(quorum_of(x, members))},
            {"minutes_published", x.minutes_published_at.has_value()},
            {"demo", x.demo}};
  if (x.minutes_published_at) {
    j["minutes"] = x.minutes;
    j["minutes_published_on"] = format_date_cl(*x.minutes_published_at);
  } else if (draft_minutes) {
    j["minutes_draft"] = x.minutes;
  }
  if (full) {
    Json att = Json::array();
    for (const auto& m : members) {
      if (!m.active_on(x.held_on)) continue;
      std::string st;
      for (const auto& a : x.attendance)
        if (a.member_id == m.id) st = a.status;
      att.push_back({{"member_id", m.id}, {"name", m.name}, {"organisation", m.organisation}, {"status", st.empty() ? Json(nullptr) : Json(st)},
                     {"status_name", st.empty() ? "Sin registro" : attendance_codes().label(st)}});
    }
    j["attendance"] = att;
  }
  return j;
}

Json agreement_json(const Agreement& a, const std::string& today, bool with_who) {
  Json updates = Json::array();
  for (const auto& u : a.updates) {
    Json x = {{"on", format_date_cl(u.at)}, {"status", u.status}, {"status_name", agreement_statuses().label(u.status)}, {"note", u.note}};
    if (with_who) x["by"] = u.by_name;
    updates.push_back(x);
  }
  return {{"id", a.id},         {"body_id", a.body_id},
          {"session_id", a.session_id}, {"text", a.text},
          {"owner", a.owner},   {"due_on", day_json(a.due_on)},
          {"status", a.status}, {"status_name", agreement_statuses().label(a.status)},
          {"overdue", a.overdue(today)}, {"updates", updates},
          {"demo", a.demo}};
}

Json body_summary(soci::session& s, const Service& svc, const Body& b, const std::string& today) {
  const auto members = repo::members(s, b.id);
  int active = 0;
  for (const auto& m : members) active += m.active_on(today);
  const auto sessions = repo::sessions(s, b.id);
  int open = 0, overdue = 0;
  for (const auto& a : repo::agreements(s, b.id)) {
    open += a.status == "pendiente" || a.status == "en_curso";
    overdue += a.overdue(today);
  }
  Json j = {{"id", b.id},
            {"kind", b.kind},
            {"kind_name", body_kinds().label(b.kind)},
            {"name", b.name},
            {"legal_basis", b.legal_basis},
            {"description", b.description},
            {"region_id", b.region_id},
            {"region_name", b.region_id.empty() ? "Nacional" : svc.region_name(b.region_id)},
            {"since", day_json(b.since)},
            {"active_members", active},
            {"sessions", sessions.size()},
            {"last_session", sessions.empty() ? Json(nullptr) : day_json(sessions.front().held_on)},
            {"agreements_open", open},
            {"agreements_overdue", overdue},
            {"demo", b.demo}};
  if (b.kind == "consejo_asesor") j["seats"] = kConsejoAsesorSeats;
  return j;
}

Result<std::vector<Attendance>> read_attendance(const Json& body) {
  if (!body.contains("attendance") || !body["attendance"].is_array()) return fail(http::invalid_type("attendance", "una lista"));
  const Json& list = body["attendance"];
  if (list.size() > 200) return fail(Error::invalid("attendance", "Indique a lo más 200 registros.", "too_many"));
  std::vector<Attendance> out;
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string prefix = "attendance[" + std::to_string(i) + "]";
    if (!list[i].is_object()) return fail(http::invalid_type(prefix, "un objeto"));
    http::FieldReader in(list[i], prefix);
    EQ_TRY(member, in.integer("member_id", {.required = true, .min = 1}));
    EQ_TRY(status, in.one_of("status", true, ids(attendance_codes())));
    if (auto ok = in.no_unknown(); !ok) return fail(ok.error());
    out.push_back({**member, *status});
  }
  return out;
}

}  // namespace

void register_routes(http::Router& router, std::shared_ptr<Service> svc) {
  router.add({"GET", "/api/v1/councils/public/vocabularies", http::kPublic, "Tipos de consejo, roles, modalidades, asistencia y estados de acuerdos",
              "councils", [](Request&) -> Result<Response> {
                return Response::json({{"kinds", http::vocabulary_json(body_kinds())},
                                       {"roles", http::vocabulary_json(member_roles())},
                                       {"modalities", http::vocabulary_json(modalities())},
                                       {"session_kinds", http::vocabulary_json(session_kinds())},
                                       {"attendance", http::vocabulary_json(attendance_codes())},
                                       {"agreement_statuses", http::vocabulary_json(agreement_statuses())},
                                       {"consejo_asesor_seats", kConsejoAsesorSeats}});
              }});

  router.add({"GET", "/api/v1/councils/public/bodies", http::kPublic,
              "COSOC, Consejo Asesor y mesas intersectoriales con sus integrantes vigentes, sesiones y acuerdos (filtros kind, region)",
              "councils", [svc](Request& req) -> Result<Response> {
                const std::string kind = req.query_param("kind"), region = req.query_param("region");
                if (!kind.empty() && !body_kinds().contains(kind))
                  return fail(Error::bad_request("invalid_parameter", "El tipo indicado no existe. Use: " + body_kinds().ids_text() + ".", "kind"));
                if (region.size() > 4) return fail(Error::bad_request("invalid_parameter", "La región indicada no existe.", "region"));
                return with_session<Response>(svc->db(), [&](soci::session& s) -> Result<Response> {
                  const std::string today = today_iso(now_ms());
                  Json items = Json::array();
                  for (const auto& b : repo::bodies(s)) {
                    if (!kind.empty() && b.kind != kind) continue;
                    if (!region.empty() && b.region_id != (region == "nacional" ? "" : region)) continue;
                    Json j = body_summary(s, *svc, b, today);
                    if (req.principal) j["manageable"] = access::may_manage(req.who(), b);
                    items.push_back(j);
                  }
                  return Response::json({{"items", items}, {"source", SeedFacts::source()}});
                });
              }});

  router.add({"GET", "/api/v1/councils/public/bodies/{id}", http::kPublic,
              "Un consejo o mesa: integrantes (sin datos de contacto), sesiones con asistencia y quórum, acuerdos y su seguimiento",
              "councils", [svc](Request& req) -> Result<Response> {
                EQ_TRY(id, http::path_id(req));
                return with_session<Response>(svc->db(), [&](soci::session& s) -> Result<Response> {
                  auto b = repo::body(s, *id);
                  if (!b) return fail(Error::not_found("No existe un consejo o mesa con ese identificador."));
                  const std::string today = today_iso(now_ms());
                  const auto* who = req.principal ? &*req.principal : nullptr;
                  const bool manager = access::may_read_draft_minutes(who, *b);
                  const auto members = repo::members(s, *id);
                  Json j = body_summary(s, *svc, *b, today);
                  j["manageable"] = manager;
                  Json ms = Json::array();
                  for (const auto& m : members) ms.push_back(member_json(m, today));
                  j["members"] = ms;
                  Json ss = Json::array();
                  for (const auto& x : repo::sessions(s, *id)) ss.push_back(session_json(x, members, manager, true));
                  j["session_list"] = ss;
                  Json as = Json::array();
                  for (const auto& a : repo::agreements(s, *id)) as.push_back(agreement_json(a, today, manager));
                  j["agreements"] = as;
                  return Response::json(j);
                });
              }});

  router.add({"POST", "/api/v1/councils/bodies", "councils.manage", "Registrar una mesa intersectorial (o el COSOC o el Consejo Asesor si no existen)",
              "councils", [svc](Request& req) -> Result<Response> {
                EQ_TRY(body, http::json_object_body(req));
                http::FieldReader in(*body);
                Body b;
                EQ_TRY(kind, in.one_of("kind", true, ids(body_kinds())));
                b.kind = *kind;
                EQ_TRY(name, in.text("name", {.required = true, .max_chars = 200}));
                b.name = *name;
                EQ_TRY(basis, in.text("legal_basis", {.max_chars = 200}));
                b.legal_basis = *basis;
                EQ_TRY(desc, in.text("description", {.max_chars = 2000}));
                b.description = *desc;
                EQ_TRY(region, in.text("region_id", {.max_chars = 4}));
                b.region_id = *region;
                EQ_TRY(since, day_field(in, "since", false));
                b.since = *since;
                if (auto ok = in.no_unknown(); !ok) return fail(ok.error());
                EQ_TRY(id, svc->create_body(req, b));
                return Response::json({{"id", *id}}, 201);
              }});

  router.add({"POST", "/api/v1/councils/bodies/{id}/members", "councils.manage",
              "Registrar una integrante (nombre, organización, rol, período; sin datos de contacto)", "councils",
              [svc](Request& req) -> Result<Response> {
                EQ_TRY(id, http::path_id(req));
                EQ_TRY(body, http::json_object_body(req));
                http::FieldReader in(*body);
                Member m;
                EQ_TRY(name, in.text("name", {.required = true, .max_chars = 200}));
                m.name = *name;
                EQ_TRY(org, in.text("organisation", {.required = true, .max_chars = 200}));
                m.organisation = *org;
                EQ_TRY(role, in.one_of("role", true, ids(member_roles())));
                m.role = *role;
                EQ_TRY(from, day_field(in, "term_from", true));
                m.term_from = *from;
                EQ_TRY(until, day_field(in, "term_until", false));
                m.term_until = *until;
                if (auto ok = in.no_unknown(); !ok) return fail(ok.error());
                if (!m.term_until.empty() && m.term_until < m.term_from)
                  return fail(Error::invalid("term_until", "El término del período es anterior a su inicio.", "end_before_start"));
                EQ_TRY(mid, svc->add_member(req, *id, m));
                return Response::json({{"id", *mid}}, 201);
              }});

  router.add({"PUT", "/api/v1/councils/bodies/{id}/members/{member}", "councils.manage", "Registrar el término del período de una integrante",
              "councils", [svc](Request& req) -> Result<Response> {
                EQ_TRY(id, http::path_id(req));
                EQ_TRY(mid, http::path_id(req, "member"));
                EQ_TRY(body, http::json_object_body(req));
                http::FieldReader in(*body);
                EQ_TRY(until, day_field(in, "term_until", true));
                if (auto ok = in.no_unknown(); !ok) return fail(ok.error());
                EQ_TRY(done, svc->end_term(req, *id, *mid, *until));
                return Response::json({{"id", *mid}, {"term_until", day_json(*until)}});
              }});

  router.add({"POST", "/api/v1/councils/bodies/{id}/sessions", "councils.manage", "Registrar una sesión (fecha, modalidad, lugar, tabla)",
              "councils", [svc](Request& req) -> Result<Response> {
                EQ_TRY(id, http::path_id(req));
                EQ_TRY(body, http::json_object_body(req));
                http::FieldReader in(*body);
                Session x;
                EQ_TRY(held, day_field(in, "held_on", true));
                x.held_on = *held;
                EQ_TRY(kind, in.one_of("kind", false, ids(session_kinds())));
                x.kind = kind->empty() ? "ordinaria" : *kind;
                EQ_TRY(modality, in.one_of("modality", true, ids(modalities())));
                x.modality = *modality;
                EQ_TRY(place, in.text("place", {.max_chars = 200}));
                x.place = *place;
                if (x.modality != "remota" && x.place.empty())
                  return fail(Error::invalid("place", "Indique el lugar de una sesión presencial o mixta.", "required"));
                in.skip("topics");
                if (!body->contains("topics") || !(*body)["topics"].is_array()) return fail(http::invalid_type("topics", "una lista"));
                const Json& topics = (*body)["topics"];
                if (topics.empty()) return fail(Error::invalid("topics", "Indique al menos un tema de la tabla.", "required"));
                if (topics.size() > 30) return fail(Error::invalid("topics", "Indique a lo más 30 temas.", "too_many"));
                for (size_t i = 0; i < topics.size(); ++i) {
                  const std::string field = "topics[" + std::to_string(i) + "]";
                  if (!topics[i].is_string()) return fail(http::invalid_type(field, "un texto"));
                  const std::string t = topics[i].get<std::string>();
                  if (t.empty() || http::utf8_length(t) > 500 || http::has_control_chars(t))
                    return fail(Error::invalid(field, "Cada tema debe tener de 1 a 500 caracteres."));
                  x.topics.push_back(t);
                }
                if (auto ok = in.no_unknown(); !ok) return fail(ok.error());
                EQ_TRY(sid, svc->add_session(req, *id, x));
                return Response::json({{"id", *sid}}, 201);
              }});

  router.add({"PUT", "/api/v1/councils/sessions/{id}/attendance", "councils.manage",
              "Registrar la asistencia de una sesión (presente, ausente, excusado); el quórum se calcula", "councils",
              [svc](Request& req) -> Result<Response> {
                EQ_TRY(id, http::path_id(req));
                EQ_TRY(body, http::json_object_body(req));
                http::FieldReader in(*body);
                in.skip("attendance");
                if (auto ok = in.no_unknown(); !ok) return fail(ok.error());
                EQ_TRY(list, read_attendance(*body));
                EQ_TRY(done, svc->record_attendance(req, *id, *list));
                return with_session<Response>(svc->db(), [&](soci::session& s) -> Result<Response> {
                  auto x = repo::session(s, *id);
                  if (!x) return fail(Error::not_found());
                  return Response::json(quorum_json(quorum_of(*x, repo::members(s, x->body_id))));
                });
              }});

  router.add({"PUT", "/api/v1/councils/sessions/{id}/minutes", "councils.manage",
              "Redactar el acta de una sesión y, con publish, publicarla (después no se modifica)", "councils",
              [svc](Request& req) -> Result<Response> {
                EQ_TRY(id, http::path_id(req));
                EQ_TRY(body, http::json_object_body(req));
                http::FieldReader in(*body);
                EQ_TRY(text, in.text("minutes", {.max_chars = 50000}));
                EQ_TRY(publish, in.boolean("publish"));
                if (auto ok = in.no_unknown(); !ok) return fail(ok.error());
                EQ_TRY(done, svc->write_minutes(req, *id, *text, publish->value_or(false)));
                return Response::json({{"id", *id}, {"published", publish->value_or(false)}});
              }});

  router.add({"POST", "/api/v1/councils/sessions/{id}/agreements", "councils.manage", "Registrar un acuerdo de la sesión (texto, responsable, plazo)",
              "councils", [svc](Request& req) -> Result<Response> {
                EQ_TRY(id, http::path_id(req));
                EQ_TRY(body, http::json_object_body(req));
                http::FieldReader in(*body);
                Agreement a;
                EQ_TRY(text, in.text("text", {.required = true, .max_chars = 2000}));
                a.text = *text;
                EQ_TRY(owner, in.text("owner", {.required = true, .max_chars = 200}));
                a.owner = *owner;
                EQ_TRY(due, day_field(in, "due_on", true));
                a.due_on = *due;
                EQ_TRY(status, in.one_of("status", false, ids(agreement_statuses())));
                a.status = status->empty() ? "pendiente" : *status;
                if (auto ok = in.no_unknown(); !ok) return fail(ok.error());
                EQ_TRY(aid, svc->add_agreement(req, *id, a));
                return Response::json({{"id", *aid}}, 201);
              }});

  router.add({"POST", "/api/v1/councils/agreements/{id}/updates", "councils.manage", "Registrar el seguimiento de un acuerdo (estado y nota)",
              "councils", [svc](Request& req) -> Result<Response> {
                EQ_TRY(id, http::path_id(req));
                EQ_TRY(body, http::json_object_body(req));
                http::FieldReader in(*body);
                EQ_TRY(status, in.one_of("status", true, ids(agreement_statuses())));
                EQ_TRY(note, in.text("note", {.required = true, .max_chars = 2000}));
                if (auto ok = in.no_unknown(); !ok) return fail(ok.error());
                EQ_TRY(done, svc->follow_up(req, *id, *status, *note));
                return Response::json({{"id", *id}, {"status", *status}});
              }});
}

}  // namespace eq::councils
