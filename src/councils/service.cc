// Workflow of the councils module: each write is one transaction with its audit entry; a refusal by
// the object rules is audited outside any transaction (so a rollback cannot erase it). The
// Consejo Asesor's seats are counted inside the transaction that adds a member, so two editors
// adding the 10th and 11th at once cannot both succeed.
#include "core/time.h"
#include "councils/access.h"
#include "councils/module.h"
#include "store/with_session.h"

namespace eq::councils {

namespace {
std::string by_name(const http::Request& req) { return req.who().name + " (" + req.who().institution_name + ")"; }
Error no_body() { return Error::not_found("No existe un consejo o mesa con ese identificador."); }
Error no_session() { return Error::not_found("No existe una sesión con ese identificador."); }
}  // namespace

Result<Body> Service::managed_body(const http::Request& req, int64_t id, const std::string& action, const std::string& object) {
  auto b = store::with_session<std::optional<Body>>(db_, [&](soci::session& s) -> Result<std::optional<Body>> { return repo::body(s, id); });
  if (!b) return fail(b.error());
  if (!*b) return fail(no_body());
  if (!access::may_manage(req.who(), **b)) {
    if (auto ok = audit_.append(audit::Log::from(req, action, object, "denied")); !ok) return fail(ok.error());
    return fail(Error{403, "forbidden",
                      (*b)->region_id.empty() ? "Este consejo o mesa es nacional: solo el Ministerio lo administra."
                                              : "Solo puede administrar los consejos y mesas de su propia región.",
                      "body_id"});
  }
  return **b;
}

Result<int64_t> Service::create_body(const http::Request& req, Body b) {
  if (!b.region_id.empty() && !regions_.count(b.region_id))
    return fail(Error::invalid("region_id", "La región indicada no existe.", "unknown_code"));
  if (!access::may_manage(req.who(), b.region_id)) {
    if (auto ok = audit_.append(audit::Log::from(req, "councils.body_create", "", "denied")); !ok) return fail(ok.error());
    return fail(Error{403, "forbidden",
                      b.region_id.empty() ? "Solo el Ministerio crea consejos y mesas nacionales."
                                          : "Solo puede crear consejos y mesas de su propia región.",
                      "region_id"});
  }
  return db_.transaction<int64_t>([&](soci::session& s) -> Result<int64_t> {
    // The COSOC and the Consejo Asesor exist once each in the ministry (national); a regional
    // COSOC would be another body's (the regional government's), not this register's.
    if (b.kind != "mesa") {
      if (!b.region_id.empty())
        return fail(Error::invalid("region_id", "El COSOC y el Consejo Asesor del Ministerio son nacionales: no indique región.", "national_only"));
      for (const auto& other : repo::bodies(s))
        if (other.kind == b.kind)
          return fail(Error::conflict("duplicate_body", "Ya existe «" + other.name + "»: el Ministerio tiene uno solo.", "kind"));
    }
    b.demo = false;
    const int64_t id = repo::insert_body(s, b);
    auto e = audit::Log::from(req, "councils.body_create", "consejo:" + std::to_string(id));
    e.detail = b.kind;
    audit_.append(s, e);
    return id;
  });
}

Result<int64_t> Service::add_member(const http::Request& req, int64_t body_id, Member m) {
  const std::string object = "consejo:" + std::to_string(body_id);
  auto b = managed_body(req, body_id, "councils.member_add", object);
  if (!b) return fail(b.error());
  return db_.transaction<int64_t>([&](soci::session& s) -> Result<int64_t> {
    if (b->kind == "consejo_asesor") {
      // Seats are counted over the new member's term from today on: an 11th member whose term
      // overlaps 10 others' is refused, whatever the order of entry (conservative: two members
      // who succeed one another both count, so a successor is entered after the predecessor's
      // end is recorded).
      const std::string from = std::max(m.term_from, today_iso(now_ms()));
      int overlapping = 0;
      for (const auto& other : repo::members(s, body_id)) {
        const bool ends_before = !other.term_until.empty() && other.term_until < from;
        const bool starts_after = !m.term_until.empty() && other.term_from > m.term_until;
        if (!ends_before && !starts_after) ++overlapping;
      }
      if (overlapping >= kConsejoAsesorSeats)
        return fail(Error::invalid("term_from",
                                   "El Consejo Asesor tiene " + std::to_string(kConsejoAsesorSeats) +
                                       " integrantes (Ley 20.820) y sus cupos están completos en ese período: registre primero el "
                                       "término del período de quien deja el Consejo.",
                                   "seats_full"));
    }
    m.body_id = body_id;
    m.demo = false;
    const int64_t id = repo::insert_member(s, m);
    auto e = audit::Log::from(req, "councils.member_add", object);
    e.detail = "integrante " + std::to_string(id);
    audit_.append(s, e);
    return id;
  });
}

Result<void> Service::end_term(const http::Request& req, int64_t body_id, int64_t member_id, const std::string& term_until) {
  const std::string object = "consejo:" + std::to_string(body_id);
  auto b = managed_body(req, body_id, "councils.member_term", object);
  if (!b) return fail(b.error());
  return db_.transaction<void>([&](soci::session& s) -> Result<void> {
    auto m = repo::member(s, body_id, member_id);
    if (!m) return fail(Error::not_found("Este consejo o mesa no tiene esa integrante."));
    if (term_until < m->term_from)
      return fail(Error::invalid("term_until", "El término (" + day_label(term_until) + ") es anterior al inicio del período (" +
                                                   day_label(m->term_from) + ").",
                                 "end_before_start"));
    repo::set_member_term(s, member_id, term_until);
    auto e = audit::Log::from(req, "councils.member_term", object);
    e.detail = "integrante " + std::to_string(member_id) + " hasta " + term_until;
    audit_.append(s, e);
    return {};
  });
}

Result<int64_t> Service::add_session(const http::Request& req, int64_t body_id, Session x) {
  const std::string object = "consejo:" + std::to_string(body_id);
  auto b = managed_body(req, body_id, "councils.session_add", object);
  if (!b) return fail(b.error());
  return db_.transaction<int64_t>([&](soci::session& s) -> Result<int64_t> {
    x.body_id = body_id;
    x.demo = false;
    x.minutes_published_at.reset();
    const int64_t id = repo::insert_session(s, x);
    auto e = audit::Log::from(req, "councils.session_add", object);
    e.detail = "sesión " + std::to_string(id) + " del " + x.held_on;
    audit_.append(s, e);
    return id;
  });
}

Result<void> Service::record_attendance(const http::Request& req, int64_t session_id, const std::vector<Attendance>& a) {
  auto x = store::with_session<std::optional<Session>>(db_, [&](soci::session& s) -> Result<std::optional<Session>> { return repo::session(s, session_id); });
  if (!x) return fail(x.error());
  if (!*x) return fail(no_session());
  const std::string object = "sesion:" + std::to_string(session_id);
  auto b = managed_body(req, (*x)->body_id, "councils.attendance", object);
  if (!b) return fail(b.error());
  return db_.transaction<void>([&](soci::session& s) -> Result<void> {
    const auto members = repo::members(s, b->id);
    for (size_t i = 0; i < a.size(); ++i) {
      const std::string field = "attendance[" + std::to_string(i) + "].member_id";
      const Member* m = nullptr;
      for (const auto& c : members)
        if (c.id == a[i].member_id) m = &c;
      if (!m) return fail(Error::invalid(field, "Esa persona no integra este consejo o mesa.", "unknown_member"));
      if (!m->active_on((*x)->held_on))
        return fail(Error::invalid(field, m->name + " no estaba en funciones el " + day_label((*x)->held_on) + ".", "not_in_office"));
      for (size_t j = 0; j < i; ++j)
        if (a[j].member_id == a[i].member_id) return fail(Error::invalid(field, "Cada integrante se registra una sola vez.", "duplicate"));
    }
    repo::set_attendance(s, session_id, a);
    auto e = audit::Log::from(req, "councils.attendance", object);
    e.detail = std::to_string(a.size()) + " registros";
    audit_.append(s, e);
    return {};
  });
}

Result<void> Service::write_minutes(const http::Request& req, int64_t session_id, const std::string& text, bool publish) {
  auto x = store::with_session<std::optional<Session>>(db_, [&](soci::session& s) -> Result<std::optional<Session>> { return repo::session(s, session_id); });
  if (!x) return fail(x.error());
  if (!*x) return fail(no_session());
  const std::string object = "sesion:" + std::to_string(session_id);
  auto b = managed_body(req, (*x)->body_id, publish ? "councils.minutes_publish" : "councils.minutes_edit", object);
  if (!b) return fail(b.error());
  return db_.transaction<void>([&](soci::session& s) -> Result<void> {
    auto cur = repo::session(s, session_id);
    if (!cur) return fail(no_session());
    // A published record is what citizens read: it is never rewritten (a correction is a new
    // session's agreement or an annex, not a silent edit).
    if (cur->minutes_published_at)
      return fail(Error::conflict("minutes_published", "El acta de esta sesión ya está publicada y no se modifica.", "minutes"));
    if (publish && text.empty()) return fail(Error::invalid("minutes", "No se puede publicar un acta vacía.", "required"));
    const int64_t now = now_ms();
    repo::set_minutes(s, session_id, text, publish ? std::optional<int64_t>(now) : std::nullopt);
    audit_.append(s, audit::Log::from(req, publish ? "councils.minutes_publish" : "councils.minutes_edit", object));
    return {};
  });
}

Result<int64_t> Service::add_agreement(const http::Request& req, int64_t session_id, Agreement a) {
  auto x = store::with_session<std::optional<Session>>(db_, [&](soci::session& s) -> Result<std::optional<Session>> { return repo::session(s, session_id); });
  if (!x) return fail(x.error());
  if (!*x) return fail(no_session());
  const std::string object = "sesion:" + std::to_string(session_id);
  auto b = managed_body(req, (*x)->body_id, "councils.agreement_add", object);
  if (!b) return fail(b.error());
  if (!a.due_on.empty() && a.due_on < (*x)->held_on)
    return fail(Error::invalid("due_on", "El plazo (" + day_label(a.due_on) + ") es anterior a la sesión que tomó el acuerdo (" +
                                             day_label((*x)->held_on) + ").",
                               "due_before_session"));
  return db_.transaction<int64_t>([&](soci::session& s) -> Result<int64_t> {
    const int64_t now = now_ms();
    a.body_id = b->id;
    a.session_id = session_id;
    a.updated_at = now;
    a.demo = false;
    a.id = repo::insert_agreement(s, a);
    repo::insert_update(s, {0, a.id, now, a.status, "Acuerdo registrado", by_name(req)});
    audit_.append(s, audit::Log::from(req, "councils.agreement_add", "acuerdo:" + std::to_string(a.id)));
    return a.id;
  });
}

Result<void> Service::follow_up(const http::Request& req, int64_t agreement_id, const std::string& status, const std::string& note) {
  auto a = store::with_session<std::optional<Agreement>>(db_, [&](soci::session& s) -> Result<std::optional<Agreement>> { return repo::agreement(s, agreement_id); });
  if (!a) return fail(a.error());
  if (!*a) return fail(Error::not_found("No existe un acuerdo con ese identificador."));
  const std::string object = "acuerdo:" + std::to_string(agreement_id);
  auto b = managed_body(req, (*a)->body_id, "councils.agreement_update", object);
  if (!b) return fail(b.error());
  return db_.transaction<void>([&](soci::session& s) -> Result<void> {
    auto cur = repo::agreement(s, agreement_id);
    if (!cur) return fail(Error::not_found("No existe un acuerdo con ese identificador."));
    if ((cur->status == "cumplido" || cur->status == "descartado") && status != cur->status)
      return fail(Error::conflict("agreement_closed", "El acuerdo está cerrado («" + agreement_statuses().label(cur->status) +
                                                          "»): registre un nuevo acuerdo si hay que retomarlo.",
                                  "status"));
    const int64_t now = now_ms();
    repo::insert_update(s, {0, agreement_id, now, status, note, by_name(req)});
    repo::set_agreement_status(s, agreement_id, status, now);
    auto e = audit::Log::from(req, "councils.agreement_update", object);
    e.detail = cur->status + " → " + status;
    audit_.append(s, e);
    return {};
  });
}

}  // namespace eq::councils
