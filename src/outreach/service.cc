// Workflow of outreach: each write is one transaction with its audit entry; refusals by the
// object rules are audited too (outside the refused transaction, so they are kept).
#include "core/time.h"
#include "outreach/access.h"
#include "outreach/module.h"

namespace eq::outreach {

Error Service::refused(const http::Request& req, const std::string& action, const std::string& object, Error e) {
  if (auto ok = audit_.append(audit::Log::from(req, action, object, "denied")); !ok) return ok.error();
  return e;
}

namespace {
std::string obj(const char* kind, int64_t id) { return std::string(kind) + ":" + std::to_string(id); }
Error no_session() { return Error::not_found("No existe una sesión de capacitación con ese identificador."); }
Error no_talk() { return Error::not_found("No existe una charla con ese identificador."); }
}  // namespace

Result<int64_t> Service::create_course(const http::Request& req, Course c) {
  const auto& who = req.who();
  c.institution_id = who.institution_id;
  c.institution_name = who.institution_name;
  c.demo = false;
  return db_.transaction<int64_t>([&](soci::session& s) -> Result<int64_t> {
    const int64_t id = repo_.insert_course(s, c);
    audit_.append(s, audit::Log::from(req, "outreach.course_create", obj("curso", id)));
    return id;
  });
}

Result<int64_t> Service::create_session(const http::Request& req, Session x) {
  const auto& who = req.who();
  auto course = with_session_course(x.course_id);
  if (!course) return fail(course.error());
  if (!*course || !access::may_change(who, (*course)->institution_id))
    return fail(refused(req, "outreach.session_create", obj("curso", x.course_id),
                        Error::not_found("No existe un curso de su institución con ese identificador.")));
  if (x.capacity == 0) x.capacity = (*course)->capacity;
  if (x.capacity > (*course)->capacity)
    return fail(Error::invalid("capacity",
                               "El curso admite a lo más " + std::to_string((*course)->capacity) + " participantes por sesión.", "over_course_capacity"));
  x.institution_id = who.institution_id;
  x.institution_name = who.institution_name;
  x.demo = false;
  return db_.transaction<int64_t>([&](soci::session& s) -> Result<int64_t> {
    const int64_t id = repo_.insert_session(s, x);
    audit_.append(s, audit::Log::from(req, "outreach.session_create", obj("sesion", id)));
    return id;
  });
}

Result<std::optional<Course>> Service::with_session_course(int64_t id) {
  auto lease = db_.lease();
  if (!lease) return fail(lease.error());
  try {
    return repo_.course(**lease, id);
  } catch (const std::exception& e) {
    return fail(store::database_error(e));
  }
}

Result<Session> Service::read_session(const http::Request& req, int64_t session_id) {
  std::optional<Session> x;
  auto lease = db_.lease();
  if (!lease) return fail(lease.error());
  try {
    x = repo_.session(**lease, session_id);
  } catch (const std::exception& e) {
    return fail(store::database_error(e));
  }
  if (!x || !access::may_change(req.who(), x->institution_id))
    return fail(refused(req, "outreach.session_read", obj("sesion", session_id), no_session()));
  return *x;
}

Result<int64_t> Service::set_counts(const http::Request& req, int64_t session_id, const std::vector<Count>& counts) {
  auto x = read_session(req, session_id);
  if (!x) return fail(x.error());
  int64_t total = 0;
  for (const auto& c : counts) total += c.count;
  if (total > x->capacity)
    return fail(Error::invalid("rows",
                               "La sesión admite " + std::to_string(x->capacity) + " participantes y los registros suman " +
                                   std::to_string(total) + ".",
                               "over_capacity"));
  return db_.transaction<int64_t>([&](soci::session& s) -> Result<int64_t> {
    repo_.replace_counts(s, session_id, counts);
    auto e = audit::Log::from(req, "outreach.session_counts", obj("sesion", session_id));
    e.detail = std::to_string(total) + " participantes";
    audit_.append(s, e);
    return total;
  });
}

Result<int64_t> Service::create_campaign(const http::Request& req, Campaign c) {
  c.institution_id = req.who().institution_id;
  c.institution_name = req.who().institution_name;
  c.demo = false;
  return db_.transaction<int64_t>([&](soci::session& s) -> Result<int64_t> {
    const int64_t id = repo_.insert_campaign(s, c);
    audit_.append(s, audit::Log::from(req, "outreach.campaign_create", obj("campana", id)));
    return id;
  });
}

Result<int64_t> Service::create_talk(const http::Request& req, Talk t) {
  t.institution_id = req.who().institution_id;
  t.institution_name = req.who().institution_name;
  t.demo = false;
  return db_.transaction<int64_t>([&](soci::session& s) -> Result<int64_t> {
    const int64_t id = repo_.insert_talk(s, t);
    audit_.append(s, audit::Log::from(req, "outreach.talk_create", obj("charla", id)));
    return id;
  });
}

Result<std::string> Service::register_for(const http::Request& req, int64_t talk_id, Registration r) {
  return db_.transaction<std::string>([&](soci::session& s) -> Result<std::string> {
    const auto t = repo_.talk(s, talk_id);
    if (!t) return fail(no_talk());
    // Checked before the duplicate and the seats: a talk that began is closed to everyone.
    if (t->starts_at <= now_ms())
      return fail(Error::conflict("talk_started", "La charla ya comenzó o se realizó: las inscripciones están cerradas.", "talk"));
    if (repo_.registered(s, talk_id, r.email))
      return fail(Error::conflict("duplicate_registration", "Ese correo ya está inscrito en esta charla.", "email"));
    if (!repo_.take_seat(s, talk_id))
      return fail(Error::conflict("talk_full", "La charla no tiene cupos disponibles.", "talk"));
    r.talk_id = talk_id;
    r.code = crypto::random_token(9);  // 72 bits: not guessable, short enough to read aloud
    r.registered_at = now_ms();
    r.demo = false;
    const int64_t id = repo_.insert_registration(s, r);
    audit_.append(s, audit::Log::from(req, "outreach.registration", obj("inscripcion", id)));
    return r.code;
  });
}

Result<std::vector<Registration>> Service::list_registrations(const http::Request& req, int64_t talk_id) {
  bool denied = false;
  auto out = db_.transaction<std::vector<Registration>>([&](soci::session& s) -> Result<std::vector<Registration>> {
    auto t = repo_.talk(s, talk_id);
    if (!t || !access::may_change(req.who(), t->institution_id)) {
      denied = true;
      return fail(no_talk());
    }
    auto regs = repo_.registrations(s, talk_id);
    auto e = audit::Log::from(req, "outreach.registrations_read", obj("charla", talk_id));
    e.detail = std::to_string(regs.size()) + " inscripciones";
    audit_.append(s, e);
    return regs;
  });
  if (!out && denied) return fail(refused(req, "outreach.registrations_read", obj("charla", talk_id), out.error()));
  return out;
}

Result<Registration> Service::mark_attendance(const http::Request& req, int64_t talk_id, std::optional<int64_t> registration_id,
                                              const std::string& email) {
  bool denied = false;
  auto done = db_.transaction<Registration>([&](soci::session& s) -> Result<Registration> {
    auto t = repo_.talk(s, talk_id);
    if (!t || !access::may_change(req.who(), t->institution_id)) {
      denied = true;
      return fail(no_talk());
    }
    const int64_t now = now_ms();
    if (now < t->starts_at - kCheckInBeforeMs)
      return fail(Error::conflict("talk_not_started",
                                  "La charla aún no se realiza (comienza el " + format_datetime_cl(t->starts_at) +
                                      "): la asistencia se registra desde " + std::to_string(kCheckInBeforeMs / 60000) + " minutos antes del inicio.",
                                  "talk"));
    auto r = repo_.registration(s, talk_id, registration_id, email);
    if (!r)
      return fail(Error::invalid(registration_id ? "registration_id" : "email", "Esa persona no está inscrita en esta charla.", "not_registered"));
    if (r->attended_at) return fail(Error::conflict("already_marked", "La asistencia de esa persona ya está registrada.", "registration_id"));
    r->attended_at = now;
    repo_.mark_attended(s, r->id, *r->attended_at, req.who().user_id);
    audit_.append(s, audit::Log::from(req, "outreach.attendance", obj("inscripcion", r->id)));
    return *r;
  });
  if (!done && denied) return fail(refused(req, "outreach.attendance", obj("charla", talk_id), done.error()));
  return done;
}

Result<std::optional<Certificate>> Service::certificate(const std::string& code) {
  auto lease = db_.lease();
  if (!lease) return fail(lease.error());
  try {
    return repo_.certificate(**lease, code);
  } catch (const std::exception& e) {
    return fail(store::database_error(e));
  }
}

}  // namespace eq::outreach
