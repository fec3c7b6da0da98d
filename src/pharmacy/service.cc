// The «Mascarilla 19» workflow. A report is committed (with its audit entry) before it goes to the
// queue; if the queue refuses it (outside opening hours, a failure) the report stays "waiting"
// without a contact and the intake job puts it in again, so no activation is lost.
#include <algorithm>
#include <cstdio>
#include <regex>
#include <set>

#include "core/log.h"
#include "core/time.h"
#include "pharmacy/access.h"
#include "pharmacy/repository.h"

namespace eq::pharmacy {

namespace {

// The first instant of a year in Chile (the activations are counted by the year where they happened).
int64_t year_start(int year) { return parse_date_cl("01-01-" + std::to_string(year), "year").value_or(0); }

audit::Entry entry(const http::Request& req, std::string action, std::string object, std::string outcome = "ok", std::string detail = {}) {
  audit::Entry e;
  e.actor_user_id = req.who().user_id;
  e.actor_institution_id = req.who().institution_id;
  e.action = std::move(action);
  e.object = std::move(object);
  e.client_ip = req.client_ip;
  e.outcome = std::move(outcome);
  e.detail = std::move(detail);
  return e;
}

std::string opening_text(const Report& r, const NewReport& n, const std::string& comuna_name) {
  std::string t = "Activación «Mascarilla 19» en " + r.pharmacy_name + (comuna_name.empty() ? "" : " (" + comuna_name + ")") + ".";
  if (n.in_danger) t += " EN PELIGRO AHORA: la farmacia fue instruida de llamar al 133.";
  t += "\nNombre o alias: " + n.alias + ".";
  if (!n.phone.empty()) t += "\nTeléfono: " + n.phone + ".";
  t += "\nCómo y cuándo contactarla con seguridad: " + n.safe_contact;
  if (!n.asked_for.empty()) t += "\nLo que pidió: " + n.asked_for;
  return t;
}

}  // namespace

const std::vector<SeedFigure>& seed_figures() {
  static const std::vector<SeedFigure> v = {
      {"Solicitudes «Mascarilla 19» en 2020, cada una contactada por SernamEG", "", 73,
       "Cuenta Pública 2020–2021, Plan de Emergencia COVID-19, «Mascarilla 19»"},
      {"Farmacias enroladas en la Región de Antofagasta", "02", 63, "Cuenta Pública 2020–2021, SEREMI de Antofagasta (mayo a noviembre de 2020)"},
      {"Farmacias enroladas en la Región de Tarapacá (14 Iquique, 6 Alto Hospicio, 2 Tamarugal)", "01", 22,
       "Cuenta Pública 2020–2021, SEREMI de Tarapacá (lanzamiento regional, 28 de abril de 2020)"},
      {"Farmacias de la Región de Aysén, las 9 visitadas", "11", 9, "Cuenta Pública 2020–2021, SEREMI de Aysén (mayo de 2020 a la fecha)"},
  };
  return v;
}

std::string state_label(const std::string& state) {
  if (state == "waiting") return "En espera de contacto de SernamEG";
  if (state == "in_contact") return "SernamEG la está atendiendo";
  if (state == "contacted") return "Contactada por SernamEG";
  return state;
}

std::string escalation_label(int level) {
  if (level == 1) return "Escalada a supervisión 1455";
  if (level >= 2) return "Escalada al segundo nivel (coordinación nacional)";
  return "";
}

std::string duration_text(int64_t ms) {
  const int64_t min = std::max<int64_t>(0, ms) / 60'000;
  const int64_t d = min / 1440, h = (min % 1440) / 60, m = min % 60;
  char b[48];
  if (d > 0) std::snprintf(b, sizeof b, "%lld d %lld h", static_cast<long long>(d), static_cast<long long>(h));
  else if (h > 0) std::snprintf(b, sizeof b, "%lld h %02lld min", static_cast<long long>(h), static_cast<long long>(m));
  else std::snprintf(b, sizeof b, "%lld min", static_cast<long long>(m));
  return b;
}

Service::Service(store::Database& db, const crypto::Keys& keys, audit::Log& audit, channels::Intake& intake,
                 std::shared_ptr<territory::Service> territory, Options options)
    : db_(db), keys_(keys), audit_(audit), intake_(intake), territory_(std::move(territory)), options_(options) {}

Result<Enrolment> Service::enrol(const http::Request& req, Enrolment e) {
  auto comuna = territory_->comuna(e.comuna_code);
  if (!comuna) return fail(comuna.error());
  if (!*comuna) return fail(Error::invalid("comuna", "La comuna no existe: use el código oficial (por ejemplo 02101)."));
  e.region_code = (*comuna)->region_id;
  e.enrolled_at = now_ms();
  auto id = db_.transaction<int64_t>([&](soci::session& s) -> Result<int64_t> {
    if (e.institution_id && repo::enrolment_of_institution(s, *e.institution_id))
      return fail(Error::conflict("already_enrolled", "Esa farmacia ya está inscrita.", "institution_id"));
    if (repo::enrolment_by_name(s, e.name, e.comuna_code))
      return fail(Error::conflict("already_enrolled", "Ya hay una farmacia inscrita con ese nombre en esa comuna.", "name"));
    const int64_t id = repo::insert_enrolment(s, e);
    audit_.append(s, entry(req, "pharmacy.enrol", "pharmacy:" + std::to_string(id)));
    return id;
  });
  if (!id) return fail(id.error());
  e.id = *id;
  e.comuna_name = (*comuna)->name;
  if (auto r = territory_->region(e.region_code); r && *r) e.region_name = (*r)->name;
  return e;
}

void Service::name_places(Enrolment& e) {
  if (auto c = territory_->comuna(e.comuna_code); c && *c) e.comuna_name = (*c)->name;
  if (auto r = territory_->region(e.region_code); r && *r) e.region_name = (*r)->name;
}

Result<std::vector<Enrolment>> Service::enrolments(const http::Request& req, const EnrolmentFilter& f) {
  auto list = db_.transaction<std::vector<Enrolment>>([&](soci::session& s) -> Result<std::vector<Enrolment>> {
    audit_.append(s, entry(req, "pharmacy.enrolments", "", "ok", f.region + "/" + f.comuna + "/" + f.chain + "/" + f.status));
    return repo::find_enrolments(s, f, 5000);
  });
  if (!list) return fail(list.error());
  for (auto& e : *list) name_places(e);
  return list;
}

Result<std::vector<std::string>> Service::chains() {
  auto lease = db_.lease();
  if (!lease) return fail(lease.error());
  try {
    return repo::chains(**lease);
  } catch (const std::exception& e) {
    return fail(store::database_error(e));
  }
}

namespace {
Error no_enrolment() { return Error::not_found("La farmacia no está inscrita."); }
}  // namespace

Result<Enrolment> Service::enrolment(const http::Request& req, int64_t id) {
  auto e = db_.transaction<Enrolment>([&](soci::session& s) -> Result<Enrolment> {
    auto found = repo::enrolment(s, id);
    if (!found) return fail(no_enrolment());
    found->trainings = repo::trainings(s, id);
    found->activations = repo::count_reports_of(s, id);
    audit_.append(s, entry(req, "pharmacy.enrolment_read", "pharmacy:" + std::to_string(id)));
    return *found;
  });
  if (!e) return fail(e.error());
  name_places(*e);
  return e;
}

Result<Enrolment> Service::edit(const http::Request& req, int64_t id, Enrolment changed) {
  auto comuna = territory_->comuna(changed.comuna_code);
  if (!comuna) return fail(comuna.error());
  if (!*comuna) return fail(Error::invalid("comuna", "La comuna no existe: use el código oficial (por ejemplo 02101)."));
  changed.region_code = (*comuna)->region_id;
  changed.id = id;
  auto done = db_.transaction<bool>([&](soci::session& s) -> Result<bool> {
    auto before = repo::enrolment(s, id);
    if (!before) return fail(no_enrolment());
    if (auto same = repo::enrolment_by_name(s, changed.name, changed.comuna_code); same && *same != id)
      return fail(Error::conflict("already_enrolled", "Ya hay una farmacia inscrita con ese nombre en esa comuna.", "name"));
    repo::update_enrolment(s, changed);
    // The audit says what changed (never the values: the log is read by more people than this screen).
    std::string fields;
    auto diff = [&](const char* name, const std::string& a, const std::string& b) {
      if (a != b) fields += std::string(fields.empty() ? "" : ", ") + name;
    };
    diff("nombre", before->name, changed.name);
    diff("cadena", before->chain, changed.chain);
    diff("comuna", before->comuna_code, changed.comuna_code);
    diff("contacto", before->contact, changed.contact);
    diff("dirección", before->address, changed.address);
    diff("teléfono", before->phone, changed.phone);
    diff("RUT", before->rut, changed.rut);
    audit_.append(s, entry(req, "pharmacy.enrolment_edit", "pharmacy:" + std::to_string(id), "ok", fields.empty() ? "sin cambios" : fields));
    return true;
  });
  if (!done) return fail(done.error());
  return enrolment(req, id);
}

Result<Enrolment> Service::add_training(const http::Request& req, int64_t id, Training t) {
  t.recorded_at = now_ms();
  if (t.trained_at > t.recorded_at) return fail(Error::invalid("trained_at", "La fecha de la capacitación no puede ser futura."));
  auto done = db_.transaction<bool>([&](soci::session& s) -> Result<bool> {
    if (!repo::enrolment(s, id)) return fail(no_enrolment());
    const int64_t tid = repo::insert_training(s, id, t, false);
    audit_.append(s, entry(req, "pharmacy.training", "pharmacy:" + std::to_string(id), "ok",
                           "capacitación " + std::to_string(tid) + " del " + format_date_cl(t.trained_at)));
    return true;
  });
  if (!done) return fail(done.error());
  return enrolment(req, id);
}

Result<Enrolment> Service::set_status(const http::Request& req, int64_t id, bool suspend, const std::string& reason) {
  const std::string from = suspend ? "active" : "suspended", to = suspend ? "suspended" : "active";
  auto done = db_.transaction<bool>([&](soci::session& s) -> Result<bool> {
    auto e = repo::enrolment(s, id);
    if (!e) return fail(no_enrolment());
    if (!repo::set_status(s, id, from, to, reason, now_ms()))
      return fail(Error::conflict(suspend ? "already_suspended" : "not_suspended",
                                  suspend ? "La farmacia ya está suspendida." : "La farmacia no está suspendida.", "status"));
    audit_.append(s, entry(req, suspend ? "pharmacy.suspend" : "pharmacy.reactivate", "pharmacy:" + std::to_string(id), "ok", reason));
    return true;
  });
  if (!done) return fail(done.error());
  return enrolment(req, id);
}

Result<std::optional<Enrolment>> Service::enrolment_of(int64_t institution_id) {
  auto e = db_.transaction<std::optional<Enrolment>>(
      [&](soci::session& s) -> Result<std::optional<Enrolment>> { return repo::enrolment_of_institution(s, institution_id); });
  if (!e || !*e) return e;
  if (auto c = territory_->comuna((*e)->comuna_code); c && *c) (*e)->comuna_name = (*c)->name;
  if (auto r = territory_->region((*e)->region_code); r && *r) (*e)->region_name = (*r)->name;
  return e;
}

Result<Report> Service::report(const http::Request& req, const NewReport& n) {
  auto own = enrolment_of(req.who().institution_id);
  if (!own) return fail(own.error());
  if (auto ok = may_report(req.who(), *own, n.pharmacy_id); !ok) {
    (void)audit_.append(entry(req, "pharmacy.denied", n.pharmacy_id ? "pharmacy:" + std::to_string(*n.pharmacy_id) : "", "denied", ok.error().code));
    return fail(ok.error());
  }
  const auto& e = **own;
  const int64_t now = now_ms();
  repo::StoredReport r;
  r.ref = crypto::random_token(12);
  r.enrolment_id = e.id;
  r.institution_id = e.institution_id;
  r.pharmacy_name = e.name;
  r.comuna_code = e.comuna_code;
  r.region_code = e.region_code;
  r.in_danger = n.in_danger;
  r.state = "waiting";
  r.at = now;
  r.due_at = now + (n.in_danger ? options_.urgent_followup_ms : options_.followup_ms);
  r.alias = keys_.encrypt(n.alias);
  if (!n.phone.empty()) r.phone = keys_.encrypt(n.phone);
  r.safe_contact = keys_.encrypt(n.safe_contact);
  if (!n.asked_for.empty()) r.asked_for = keys_.encrypt(n.asked_for);
  auto id = db_.transaction<int64_t>([&](soci::session& s) -> Result<int64_t> {
    const int64_t id = repo::insert_report(s, r, req.who().user_id);
    audit_.append(s, entry(req, "pharmacy.report", "pharmacy_report:" + r.ref, "ok", n.in_danger ? "en peligro ahora" : ""));
    return id;
  });
  if (!id) return fail(id.error());
  r.id = *id;
  // The queue is another module's transaction; when it refuses, the intake job tries again.
  if (auto contact = to_queue(r, n)) r.contact_id = *contact;
  else
    spdlog::warn("pharmacy: report {} not yet in the queue: {}", r.ref, contact.error().message);
  return static_cast<Report>(r);
}

Result<std::string> Service::to_queue(const Report& r, const NewReport& n) {
  std::string comuna_name;
  if (auto c = territory_->comuna(r.comuna_code); c && *c) comuna_name = (*c)->name;
  auto contact = intake_.open({"pharmacy", r.ref, n.in_danger, r.comuna_code, opening_text(r, n, comuna_name), ""});
  if (!contact) return fail(contact.error());
  auto linked = db_.transaction<bool>([&](soci::session& s) -> Result<bool> {
    repo::set_contact(s, r.id, *contact);
    return true;
  });
  if (!linked) return fail(linked.error());
  return *contact;
}

Result<int64_t> Service::retry_intake() {
  // Look without a transaction: on SQLite every transaction takes the write lock, and this job
  // almost always finds nothing to do.
  std::vector<repo::StoredReport> pending;
  {
    auto lease = db_.lease();
    if (!lease) return fail(lease.error());
    try {
      pending = repo::without_contact(**lease, 50);
    } catch (const std::exception& e) {
      return fail(store::database_error(e));
    }
  }
  int64_t n = 0;
  for (const auto& r : pending) {
    NewReport plain;
    plain.in_danger = r.in_danger;
    plain.alias = keys_.decrypt(r.alias).value_or("");
    plain.phone = r.phone.empty() ? "" : keys_.decrypt(r.phone).value_or("");
    plain.safe_contact = keys_.decrypt(r.safe_contact).value_or("");
    plain.asked_for = r.asked_for.empty() ? "" : keys_.decrypt(r.asked_for).value_or("");
    if (auto c = to_queue(r, plain)) ++n;
    else if (c.error().status != 503)
      spdlog::warn("pharmacy: report {} still not in the queue: {}", r.ref, c.error().message);
  }
  return n;
}

Result<int64_t> Service::escalate(int64_t now) {
  // Look without a transaction first (see retry_intake): the job almost always finds nothing.
  std::vector<Report> due;
  {
    auto lease = db_.lease();
    if (!lease) return fail(lease.error());
    try {
      due = repo::due_for_escalation(**lease, now, options_.second_level_ms, 100);
    } catch (const std::exception& e) {
      return fail(store::database_error(e));
    }
  }
  int64_t n = 0;
  for (const auto& r : due) {
    auto moved = db_.transaction<bool>([&](soci::session& s) -> Result<bool> {
      // Once per level: another instance's job (or an operator's closing) may have got there first.
      if (!repo::escalate(s, r.id, r.escalation, now)) return false;
      audit::Entry e;
      e.action = "pharmacy.escalate";
      e.object = "pharmacy_report:" + r.ref;
      e.outcome = "ok";
      e.detail = "nivel " + std::to_string(r.escalation + 1) + ", plazo vencido hace " + duration_text(now - r.due_at) +
                 (r.in_danger ? ", en peligro ahora" : "");
      audit_.append(s, e);
      return true;
    });
    if (!moved) return fail(moved.error());
    if (*moved) {
      ++n;
      spdlog::warn("pharmacy: report {} escalated to level {} ({} overdue)", r.ref, r.escalation + 1, duration_text(now - r.due_at));
    }
  }
  return n;
}

Result<std::vector<Report>> Service::escalated(const http::Request& req) {
  return db_.transaction<std::vector<Report>>([&](soci::session& s) -> Result<std::vector<Report>> {
    audit_.append(s, entry(req, "pharmacy.escalated", ""));
    return repo::escalated_reports(s, 500);
  });
}

Result<std::vector<Report>> Service::own_reports(const http::Request& req) {
  auto own = enrolment_of(req.who().institution_id);
  if (!own) return fail(own.error());
  if (!*own) return std::vector<Report>{};
  return db_.transaction<std::vector<Report>>([&](soci::session& s) -> Result<std::vector<Report>> {
    audit_.append(s, entry(req, "pharmacy.list", "pharmacy:" + std::to_string((*own)->id)));
    return repo::reports_of(s, (*own)->id, 200);
  });
}

Result<Report> Service::read(const http::Request& req, const std::string& ref) {
  auto found = db_.transaction<std::optional<repo::StoredReport>>(
      [&](soci::session& s) -> Result<std::optional<repo::StoredReport>> { return repo::report(s, ref); });
  if (!found) return fail(found.error());
  Report r;
  if (*found) r = static_cast<Report>(**found);
  auto ok = *found ? may_read(req.who(), r) : Result<void>(fail(Error::not_found("El reporte no existe.")));
  if (!ok) {
    // The same answer whether it does not exist or is another pharmacy's; the log says which.
    (void)audit_.append(entry(req, "pharmacy.denied", "pharmacy_report:" + ref.substr(0, 64), "denied", *found ? "otra farmacia" : "no existe"));
    return fail(ok.error());
  }
  if (auto a = audit_.append(entry(req, "pharmacy.read", "pharmacy_report:" + ref)); !a) return fail(a.error());
  return r;
}

Result<std::vector<Report>> Service::followups(const http::Request& req) {
  return db_.transaction<std::vector<Report>>([&](soci::session& s) -> Result<std::vector<Report>> {
    audit_.append(s, entry(req, "pharmacy.followups", ""));
    return repo::open_reports(s, 500);
  });
}

Result<Overview> Service::overview(const http::Request& req, int year) {
  Overview o;
  o.year = year;
  const int64_t from = year_start(year), to = year_start(year + 1);
  struct Data {
    std::vector<Enrolment> enrolments;
    repo::Activations acts;
  };
  auto d = db_.transaction<Data>([&](soci::session& s) -> Result<Data> {
    audit_.append(s, entry(req, "pharmacy.overview", "", "ok", std::to_string(year)));
    return Data{repo::enrolments(s), repo::activations(s, from, to)};
  });
  if (!d) return fail(d.error());
  std::map<std::string, TerritoryCount> regions;
  std::map<std::string, std::map<std::string, TerritoryCount>> comunas;
  auto tally = [&](TerritoryCount& t, const Enrolment& e) {
    ++t.enrolled;
    ++(e.chain.empty() ? t.independent : t.chains);
    if (e.trained_at) ++t.trained;
  };
  for (const auto& e : d->enrolments) {
    tally(regions[e.region_code], e);
    tally(comunas[e.region_code][e.comuna_code], e);
  }
  // Activations where no pharmacy is enrolled any more still count in their territory.
  for (const auto& [code, n] : d->acts.by_region) regions[code].activations = n;
  for (auto& [rcode, cs] : comunas)
    for (auto& [ccode, t] : cs)
      if (auto it = d->acts.by_comuna.find(ccode); it != d->acts.by_comuna.end()) t.activations = it->second;
  for (auto& [code, t] : regions) {
    t.code = code;
    if (auto r = territory_->region(code); r && *r) t.name = (*r)->name;
    o.regions.push_back(t);
    auto& list = o.comunas[code];
    for (auto& [ccode, c] : comunas[code]) {
      c.code = ccode;
      if (auto cm = territory_->comuna(ccode); cm && *cm) c.name = (*cm)->name;
      list.push_back(c);
    }
  }
  o.activations_year = d->acts.total;
  o.contacted_year = d->acts.contacted;
  return o;
}

void Service::queue_changed(const std::string& ref, const channels::Holder& holder) {
  std::string state;
  if (holder.state == "active") state = "in_contact";
  else if (holder.state == "closed") state = "contacted";
  else return;
  auto ok = db_.transaction<bool>([&](soci::session& s) -> Result<bool> { return repo::advance(s, ref, state, now_ms()); });
  if (!ok) spdlog::warn("pharmacy: status of report {} not updated: {}", ref, ok.error().message);
}

}  // namespace eq::pharmacy
