// The public account's workflow: drafting (live compilation), publication (snapshot + SHA-256, in
// the transaction that changes the state), the regional milestones under access.h, and the demo.
#include <fstream>
#include <set>
#include <sstream>

#include "account/access.h"
#include "account/module.h"
#include "account/seed_tables.h"
#include "core/crypto.h"
#include "core/format_cl.h"
#include "core/text.h"
#include "core/time.h"
#include "store/with_session.h"
#include "territory/module.h"

namespace eq::account {

namespace {

constexpr int64_t kDay = 24LL * 3600 * 1000;

Json day_json(const std::optional<int64_t>& ms) { return ms ? Json(format_date_cl(*ms)) : Json(nullptr); }

Json edition_json(const Edition& e) {
  return {{"id", e.id},
          {"period", e.period},
          {"title", e.title},
          {"state", e.state},
          {"demo", e.demo},
          {"from_on", format_date_cl(e.from)},
          {"to_on", format_date_cl(e.to - kDay / 2)},
          {"created_on", format_date_cl(e.created_at)},
          {"published_on", day_json(e.published_at)},
          {"published_at", e.published_at ? Json(*e.published_at) : Json(nullptr)},
          {"sha256", e.sha256.empty() ? Json(nullptr) : Json(e.sha256)},
          {"version", e.version},
          {"previous_id", e.previous_id ? Json(*e.previous_id) : Json(nullptr)},
          {"review", e.review},
          {"review_note", e.review_note},
          {"reviewed_on", day_json(e.reviewed_at)}};
}

Json milestone_json(const Milestone& m) {
  return {{"id", m.id},
          {"region_id", m.region_id},
          {"period", m.period},
          {"date", m.day ? Json(format_date_cl(*m.day)) : Json(nullptr)},
          {"date_text", m.day ? format_date_cl(*m.day) : m.date_text},
          {"title", m.title},
          {"description", m.description},
          {"results", m.results},
          {"axis", m.axis},
          {"comunas", m.comunas},
          {"evidence", m.evidence},
          {"curation", m.curation},
          {"curation_reason", m.curation_reason},
          {"demo", m.demo}};
}

// "2020-2021": two years, the second not before the first.
bool valid_period(const std::string& p) {
  if (p.size() != 9 || p[4] != '-') return false;
  for (size_t i = 0; i < 9; ++i)
    if (i != 4 && !std::isdigit(static_cast<unsigned char>(p[i]))) return false;
  const int a = std::stoi(p.substr(0, 4)), b = std::stoi(p.substr(5, 4));
  return a >= 2000 && b >= a && b <= a + 1;
}

Result<std::string> required_text(const std::string& value, const std::string& field, const std::string& what) {
  std::string t = trim(value);
  if (t.empty()) return fail(Error::invalid(field, "Indique " + what + ".", "required"));
  return t;
}

}  // namespace

const std::vector<SectionKind>& section_kinds() {
  static const std::vector<SectionKind> all = {
      {"introduccion", "Presentación"},
      {"agenda_legislativa", "Agenda legislativa"},
      {"logros", "Principales logros por área e instrumentos de política"},
      {"plan_covid", "Plan de emergencia COVID-19: canales de orientación y ayuda"},
      {"seremis", "Secretarías Regionales Ministeriales"},
      {"proyeccion", "Programación para el período siguiente"},
  };
  return all;
}

bool is_section(const std::string& key) {
  for (const auto& k : section_kinds())
    if (key == k.key) return true;
  return false;
}

Service::Service(store::Database& db, std::shared_ptr<audit::Log> audit, Sources sources)
    : db_(db), audit_(std::move(audit)), sources_(std::move(sources)) {}

// The figures as they are now, each with its source and time; read before any transaction opens
// (the sources open their own sessions).
Result<Json> Service::live(const Edition& e, int64_t now) {
  const std::string as_of = format_datetime_cl(now);
  Json out = Json::object();
  if (!sources_.bills || !sources_.instruments || !sources_.channels) return fail(Error::unavailable());
  auto bills = sources_.bills();
  if (!bills) return fail(bills.error());
  out["agenda_legislativa"] = {{"source", "Agenda legislativa de la plataforma: proyectos de ley y leyes registrados con su trámite"},
                               {"as_of", as_of},
                               {"bills", *bills}};
  auto instruments = sources_.instruments();
  if (!instruments) return fail(instruments.error());
  out["logros"] = {{"source", "Seguimiento de políticas: avance validado de cada instrumento, su historia por período y las cifras "
                              "de la Cuenta Pública comparadas con las calculadas desde los reportes"},
                   {"as_of", as_of},
                   {"instruments", *instruments}};
  // Protection totals of the period (registry where consent allows, monitoring counts), with their
  // own source: a separate table of the same section.
  if (sources_.protection) {
    auto p = sources_.protection(e.from, e.to);
    if (!p) return fail(p.error());
    Json rows = Json::array();
    for (const auto& r : (*p).value("rows", Json::array())) {
      Json row = r;
      row["count_text"] = r.contains("count") && r["count"].is_number() ? format_integer(r["count"].get<int64_t>()) : std::string("<5");
      rows.push_back(row);
    }
    out["logros"]["protection"] = {{"source", "Registro único de casos (solo registros cuyo consentimiento permite fines estadísticos) "
                                              "y monitoreo telemático: registros, evaluaciones, alertas, medidas, alarmas y despachos "
                                              "entre el " + format_date_cl(e.from) + " y el " + format_date_cl(e.to - kDay / 2)},
                                   {"as_of", as_of},
                                   {"rows", rows},
                                   {"note", (*p).value("note", "")}};
  }
  auto channels = sources_.channels(e.from, e.to);
  if (!channels) return fail(channels.error());
  Json by_channel = (*channels).value("by_channel", Json::array());
  for (auto& c : by_channel) c["count_text"] = format_integer(c.value("count", 0LL));
  out["plan_covid"] = {{"source", "Canales de orientación y ayuda (Fono 1455, chat silencioso, WhatsApp, Mascarilla 19): contactos "
                                  "registrados entre el " + format_date_cl(e.from) + " y el " + format_date_cl(e.to - kDay / 2)},
                       {"as_of", as_of},
                       {"total", (*channels).value("total", 0LL)},
                       {"total_text", format_integer((*channels).value("total", 0LL))},
                       {"answered", (*channels).value("answered", 0LL)},
                       {"answered_text", format_integer((*channels).value("answered", 0LL))},
                       {"by_channel", by_channel}};
  // The 16 regions in geographic order, each shown even without milestones.
  auto regions = territory::Repository(db_).regions();
  if (!regions) return fail(regions.error());
  out["_regions"] = Json::array();
  for (const auto& r : *regions) out["_regions"].push_back({{"id", r.id}, {"name", r.name}});
  return out;
}

Json Service::compile(soci::session& s, const Edition& e, const Json& live, int64_t now) {
  auto texts = Repository::sections(s, e.id);
  Json regions = Json::array();
  {
    std::map<std::string, Json> by_region;
    for (const auto& m : Repository::milestones(s, e.period, "")) {
      if (m.curation != "incluido") continue;  // the ministry decides what enters the account
      auto& list = by_region[m.region_id];
      if (list.is_null()) list = Json::array();
      list.push_back(milestone_json(m));
    }
    for (const auto& r : live["_regions"]) {
      auto it = by_region.find(r["id"].get<std::string>());
      regions.push_back({{"region_id", r["id"]}, {"name", r["name"]}, {"milestones", it == by_region.end() ? Json::array() : it->second}});
    }
  }
  Json sections = Json::array();
  for (const auto& k : section_kinds()) {
    Json sec = {{"key", k.key}, {"title", k.title}};
    auto t = texts.find(k.key);
    sec["text"] = t == texts.end() ? "" : t->second;
    if (live.contains(k.key)) sec["figures"] = live[k.key];
    if (std::string(k.key) == "seremis")
      sec["figures"] = {{"source", "Hitos registrados por cada SEREMI para el período " + e.period},
                        {"as_of", format_datetime_cl(now)},
                        {"regions", regions}};
    sections.push_back(sec);
  }
  Json doc = {{"edition", edition_json(e)}, {"compiled_at", now}, {"compiled_on", format_datetime_cl(now)}, {"sections", sections}};
  doc["edition"].erase("sha256");
  doc["edition"].erase("published_on");
  doc["edition"].erase("published_at");
  doc["edition"]["state"] = "publicada";  // what the document says once it is the published one
  return doc;
}

Result<void> Service::refuse(const http::Request& req, const std::string& action, const std::string& object, const Error& why) {
  // Recorded after the refused change rolled back, in a transaction of its own.
  auto e = audit::Log::from(req, action, object, "denied");
  e.detail = why.message;
  if (auto r = audit_->append(e); !r) return fail(r.error());
  return {};
}

Result<Json> Service::create_edition(const http::Request* req, const NewEdition& cmd) {
  if (!valid_period(cmd.period))
    return fail(Error::invalid("period", "El período debe escribirse como dos años seguidos, por ejemplo «2020-2021».", "invalid_period"));
  auto title = required_text(cmd.title, "title", "el título de la edición");
  if (!title) return fail(title.error());
  auto from = parse_date_cl(cmd.from_on, "from_on");
  if (!from) return fail(from.error());
  auto to = parse_date_cl(cmd.to_on, "to_on");
  if (!to) return fail(to.error());
  if (*to < *from) return fail(Error::invalid("to_on", "El término del período no puede ser anterior a su inicio.", "invalid_range"));
  Edition e;
  e.period = cmd.period;
  e.title = *title;
  e.state = "borrador";
  e.demo = cmd.demo;
  e.from = *from;
  e.to = *to + kDay;  // the instant after the last day (a day of 23 or 25 hours ends within the hour)
  e.created_at = now_ms();
  e.created_by = req ? req->who().user_id : 0;
  return db_.transaction<Json>([&](soci::session& s) -> Result<Json> {
    e.version = Repository::next_version(s, e.period);
    e.id = Repository::insert_edition(s, e);
    audit::Entry a;
    if (req) a = audit::Log::from(*req, "account.edition_create", "account_edition:" + std::to_string(e.id));
    else a = {std::nullopt, std::nullopt, "account.edition_create", "account_edition:" + std::to_string(e.id), "", "ok", "demo"};
    audit_->append(s, a);
    return edition_json(e);
  });
}

Result<Json> Service::editions(bool published_only) {
  return store::with_session<Json>(db_, [&](soci::session& s) -> Result<Json> {
    Json items = Json::array();
    for (const auto& e : Repository::editions(s, published_only)) items.push_back(edition_json(e));
    return Json{{"items", items}};
  });
}

Result<Json> Service::edition(int64_t id, bool published_only) {
  const char* kNone = "No existe una edición de la cuenta pública con ese identificador.";
  auto e = store::with_session<std::optional<Edition>>(db_, [&](soci::session& s) { return Repository::edition(s, id); });
  if (!e) return fail(e.error());
  if (!*e || (published_only && (*e)->state != "publicada")) return fail(Error::not_found(kNone));
  const Edition& ed = **e;
  if (ed.state == "publicada") {
    // What was published, byte for byte as hashed: later changes of the live data do not reach it.
    auto doc = Json::parse(ed.snapshot, nullptr, false);
    if (doc.is_discarded()) return fail(Error::internal());
    return Json{{"edition", edition_json(ed)}, {"document", doc}, {"sha256", ed.sha256}};
  }
  const int64_t now = now_ms();
  auto figures = live(ed, now);
  if (!figures) return fail(figures.error());
  return store::with_session<Json>(db_, [&](soci::session& s) -> Result<Json> {
    return Json{{"edition", edition_json(ed)}, {"document", compile(s, ed, *figures, now)}, {"sha256", nullptr}};
  });
}

Result<Json> Service::put_section(const http::Request& req, int64_t id, const std::string& key, const std::string& text) {
  if (!is_section(key)) return fail(Error::not_found("La cuenta pública no tiene una sección con ese nombre."));
  auto r = db_.transaction<Json>([&](soci::session& s) -> Result<Json> {
    auto e = Repository::edition(s, id);
    if (!e) return fail(Error::not_found("No existe una edición de la cuenta pública con ese identificador."));
    if (auto ok = access::may_edit_text(e->state, e->review); !ok) return fail(ok.error());
    Repository::put_section(s, id, key, text, req.who().user_id);
    audit_->append(s, audit::Log::from(req, "account.section_update", "account_edition:" + std::to_string(id)));
    return Json{{"id", id}, {"key", key}, {"text", text}};
  });
  if (!r && r.error().status == 409) {
    if (auto a = refuse(req, "account.section_update", "account_edition:" + std::to_string(id), r.error()); !a) return fail(a.error());
  }
  return r;
}

Result<Json> Service::publish(const http::Request* req, int64_t id) {
  const char* kNone = "No existe una edición de la cuenta pública con ese identificador.";
  auto found = store::with_session<std::optional<Edition>>(db_, [&](soci::session& s) { return Repository::edition(s, id); });
  if (!found) return fail(found.error());
  if (!*found) return fail(Error::not_found(kNone));
  const int64_t now = now_ms();
  auto figures = live(**found, now);
  if (!figures) return fail(figures.error());
  auto r = db_.transaction<Json>([&](soci::session& s) -> Result<Json> {
    auto e = Repository::edition(s, id);  // again, inside the transaction: one publication only
    if (!e) return fail(Error::not_found(kNone));
    if (auto ok = access::may_change_edition(e->state); !ok) return fail(ok.error());
    // Only an approved version is published; the demo (no request) is compiled and published at start.
    if (req && e->review != "aprobada")
      return fail(Error::conflict("not_approved", "Solo se publica una versión aprobada en revisión: envíela a revisión primero.", {}));
    const std::string snapshot = compile(s, *e, *figures, now).dump(-1, ' ', false, Json::error_handler_t::replace);
    const std::string sha = crypto::sha256_hex(snapshot);
    const int64_t by = req ? req->who().user_id : 0;
    Repository::publish(s, id, now, by, snapshot, sha);
    audit::Entry a;
    if (req) a = audit::Log::from(*req, "account.edition_publish", "account_edition:" + std::to_string(id));
    else a = {std::nullopt, std::nullopt, "account.edition_publish", "account_edition:" + std::to_string(id), "", "ok", "demo"};
    a.detail = "SHA-256 " + sha;
    audit_->append(s, a);
    e->state = "publicada";
    e->published_at = now;
    e->sha256 = sha;
    return edition_json(*e);
  });
  if (!r && r.error().status == 409 && req) {
    if (auto a = refuse(*req, "account.edition_publish", "account_edition:" + std::to_string(id), r.error()); !a) return fail(a.error());
  }
  return r;
}

Result<Json> Service::transition(const http::Request& req, int64_t id, const std::string& action,
                                 const std::function<Result<void>(Edition&)>& change) {
  const std::string object = "account_edition:" + std::to_string(id);
  auto r = db_.transaction<Json>([&](soci::session& s) -> Result<Json> {
    auto e = Repository::edition(s, id);
    if (!e) return fail(Error::not_found("No existe una edición de la cuenta pública con ese identificador."));
    if (auto ok = access::may_change_edition(e->state); !ok) return fail(ok.error());
    if (auto ok = change(*e); !ok) return fail(ok.error());
    Repository::set_review(s, *e);
    auto a = audit::Log::from(req, action, object);
    a.detail = e->review + (e->review_note.empty() ? "" : ": " + e->review_note);
    audit_->append(s, a);
    return edition_json(*e);
  });
  if (!r && (r.error().status == 409 || r.error().status == 403))
    if (auto a = refuse(req, action, object, r.error()); !a) return fail(a.error());
  return r;
}

Result<Json> Service::submit(const http::Request& req, int64_t id) {
  return transition(req, id, "account.edition_submit", [&](Edition& e) -> Result<void> {
    if (e.review == "en_revision" || e.review == "aprobada")
      return fail(Error::conflict("in_review", "Esta versión ya fue enviada a revisión.", {}));
    e.review = "en_revision";
    e.submitted_by = req.who().user_id;
    e.reviewed_by.reset();
    e.reviewed_at.reset();
    return {};
  });
}

namespace {

// A yes/no decision whose "no" needs a reason (review, curation): the trimmed reason, or 422.
Result<std::string> decided(const std::string& decision, const char* yes, const char* no, const std::string& reason, const char* reason_field,
                            const char* reason_missing) {
  if (decision != yes && decision != no)
    return fail(Error::invalid("decision", std::string("La decisión debe ser «") + yes + "» o «" + no + "».", "invalid_choice"));
  std::string why = trim(reason);
  if (decision == no && why.empty()) return fail(Error::invalid(reason_field, reason_missing, "required"));
  return why;
}

}  // namespace

Result<Json> Service::review(const http::Request& req, int64_t id, const std::string& decision, const std::string& observations) {
  auto checked = decided(decision, "aprobar", "devolver", observations, "observations", "Indique las observaciones con que devuelve la versión.");
  if (!checked) return fail(checked.error());
  const std::string note = *checked;
  return transition(req, id, "account.edition_review", [&](Edition& e) -> Result<void> {
    if (e.review != "en_revision") return fail(Error::conflict("not_in_review", "Esta versión no está en revisión.", {}));
    if (auto ok = access::may_review(e.submitted_by, req.who().user_id); !ok) return fail(ok.error());
    e.review = decision == "aprobar" ? "aprobada" : "devuelta";
    e.review_note = note;
    e.reviewed_by = req.who().user_id;
    e.reviewed_at = now_ms();
    return {};
  });
}

Result<Json> Service::new_version(const http::Request& req, int64_t id) {
  auto r = db_.transaction<Json>([&](soci::session& s) -> Result<Json> {
    auto prev = Repository::edition(s, id);
    if (!prev) return fail(Error::not_found("No existe una edición de la cuenta pública con ese identificador."));
    if (prev->state != "publicada")
      return fail(Error::conflict("not_published", "Solo una versión publicada se revisa con una nueva versión; edite este borrador.", {}));
    Edition e = *prev;
    e.state = "borrador";
    e.demo = false;
    e.previous_id = prev->id;
    e.created_at = now_ms();
    e.created_by = req.who().user_id;
    e.version = Repository::next_version(s, e.period);
    e.published_at.reset();
    e.published_by.reset();
    e.snapshot.clear();
    e.sha256.clear();
    e.review.clear();
    e.review_note.clear();
    e.submitted_by.reset();
    e.reviewed_by.reset();
    e.reviewed_at.reset();
    e.id = Repository::insert_edition(s, e);
    for (const auto& [key, text] : Repository::sections(s, prev->id)) Repository::put_section(s, e.id, key, text, e.created_by);
    auto a = audit::Log::from(req, "account.edition_version", "account_edition:" + std::to_string(e.id));
    a.detail = "versión " + std::to_string(e.version) + " de la edición " + std::to_string(prev->id);
    audit_->append(s, a);
    return edition_json(e);
  });
  return r;
}

Result<std::string> Service::print(int64_t id) {
  auto e = edition(id, true);
  if (!e) return fail(e.error());
  return print_html((*e)["document"], (*e)["sha256"].get<std::string>());
}

Result<std::shared_ptr<const Pdf>> Service::pdf(int64_t id) {
  {
    std::lock_guard lock(pdf_mutex_);
    if (auto it = pdfs_.find(id); it != pdfs_.end()) return it->second;
  }
  auto e = edition(id, true);
  if (!e) return fail(e.error());
  auto rendered = render_pdf((*e)["document"], (*e)["sha256"].get<std::string>());
  if (!rendered) return fail(rendered.error());
  auto shared = std::make_shared<const Pdf>(std::move(*rendered));
  std::lock_guard lock(pdf_mutex_);
  return pdfs_.emplace(id, shared).first->second;
}

// ---------------------------------------------------------------- regional milestones

Result<Json> Service::milestones(const http::Request& req, const std::string& period, const std::string& region_id) {
  const auto& who = req.who();
  const std::string region = region_id.empty() ? who.region_id : region_id;
  if (auto ok = access::may_read_milestones(who, region); !ok) {
    if (auto logged = refuse(req, "account.milestones_read", "account_region:" + region, ok.error()); !logged) return fail(logged.error());
    return fail(ok.error());
  }
  if (!period.empty() && !valid_period(period))
    return fail(Error::bad_request("invalid_parameter", "El período debe escribirse como «2020-2021».", "period"));
  return store::with_session<Json>(db_, [&](soci::session& s) -> Result<Json> {
    Json items = Json::array();
    for (const auto& m : Repository::milestones(s, period, region)) items.push_back(milestone_json(m));
    return Json{{"items", items}, {"region_id", region.empty() ? Json(nullptr) : Json(region)}};
  });
}

namespace {

// Checks a milestone's fields into `m` (all but its region). 422 with the field otherwise.
Result<void> apply_input(Milestone& m, const Service::MilestoneInput& in) {
  if (!valid_period(in.period))
    return fail(Error::invalid("period", "El período debe escribirse como dos años seguidos, por ejemplo «2020-2021».", "invalid_period"));
  m.period = in.period;
  auto title = required_text(in.title, "title", "el hito o acción");
  if (!title) return fail(title.error());
  m.title = *title;
  auto description = required_text(in.description, "description", "la descripción del hito");
  if (!description) return fail(description.error());
  m.description = *description;
  m.results = trim(in.results);
  m.axis = trim(in.axis);
  m.comunas = trim(in.comunas);
  m.evidence = trim(in.evidence);
  m.day.reset();
  m.date_text.clear();
  if (!trim(in.date).empty()) {
    auto day = parse_date_cl(trim(in.date), "date");
    if (!day) return fail(day.error());
    if (*day > now_ms()) return fail(Error::invalid("date", "Un hito registrado no puede tener fecha futura.", "invalid_date"));
    m.day = *day;
  }
  return {};
}

}  // namespace

Result<Json> Service::create_milestone(const http::Request& req, const MilestoneInput& in) {
  const auto& who = req.who();
  const std::string region = in.region_id.empty() ? who.region_id : in.region_id;
  if (auto ok = access::may_write_milestone(who, region); !ok) {
    if (auto a = refuse(req, "account.milestone_create", "account_region:" + region, ok.error()); !a) return fail(a.error());
    return fail(ok.error());
  }
  Milestone m;
  m.region_id = region;
  m.created_by = who.user_id;
  if (auto ok = apply_input(m, in); !ok) return fail(ok.error());
  return db_.transaction<Json>([&](soci::session& s) -> Result<Json> {
    m.id = Repository::insert_milestone(s, m);
    audit_->append(s, audit::Log::from(req, "account.milestone_create", "account_milestone:" + std::to_string(m.id)));
    return milestone_json(m);
  });
}

Result<Json> Service::update_milestone(const http::Request& req, int64_t id, const MilestoneInput& in) {
  auto r = db_.transaction<Json>([&](soci::session& s) -> Result<Json> {
    auto m = Repository::milestone(s, id);
    if (!m) return fail(Error::not_found("No existe un hito con ese identificador."));
    if (auto ok = access::may_write_milestone(req.who(), m->region_id); !ok) return fail(ok.error());
    if (!in.region_id.empty() && in.region_id != m->region_id)
      return fail(Error::invalid("region_id", "Un hito no cambia de región.", "not_allowed"));
    if (auto ok = apply_input(*m, in); !ok) return fail(ok.error());
    Repository::update_milestone(s, *m);
    // The ministry curated the text it read: a changed milestone goes back to it.
    if (m->curation != "pendiente") {
      m->curation = "pendiente";
      m->curation_reason.clear();
      Repository::curate(s, id, m->curation, "", 0);
    }
    audit_->append(s, audit::Log::from(req, "account.milestone_update", "account_milestone:" + std::to_string(id)));
    return milestone_json(*m);
  });
  if (!r && r.error().status == 403) {
    if (auto a = refuse(req, "account.milestone_update", "account_milestone:" + std::to_string(id), r.error()); !a) return fail(a.error());
  }
  return r;
}

Result<Json> Service::curate(const http::Request& req, int64_t id, const std::string& decision, const std::string& reason) {
  auto checked = decided(decision, "incluir", "excluir", reason, "reason", "Indique por qué el hito no entra en la cuenta pública.");
  if (!checked) return fail(checked.error());
  const std::string why = *checked;
  // The object rule lives here, not in the route, so that its refusal is audited like the others.
  if (auto ok = access::may_curate(req.who()); !ok) {
    if (auto a = refuse(req, "account.milestone_curate", "account_milestone:" + std::to_string(id), ok.error()); !a) return fail(a.error());
    return fail(ok.error());
  }
  return db_.transaction<Json>([&](soci::session& s) -> Result<Json> {
    auto m = Repository::milestone(s, id);
    if (!m) return fail(Error::not_found("No existe un hito con ese identificador."));
    m->curation = decision == "incluir" ? "incluido" : "excluido";
    m->curation_reason = why;
    Repository::curate(s, id, m->curation, why, req.who().user_id);
    auto a = audit::Log::from(req, "account.milestone_curate", "account_milestone:" + std::to_string(id));
    a.detail = m->curation + (why.empty() ? "" : ": " + why);
    audit_->append(s, a);
    return milestone_json(*m);
  });
}

// ---------------------------------------------------------------- demo

Result<void> Service::load_demo(const std::string& data_dir) {
  auto has = store::with_session<std::pair<bool, bool>>(db_, [](soci::session& s) -> Result<std::pair<bool, bool>> {
    return Repository::has_demo(s);
  });
  if (!has) return fail(has.error());
  if (!has->first)
    if (auto r = load_demo_milestones(data_dir); !r) return fail(r.error());
  if (has->second) return {};
  return load_demo_edition();
}

Result<void> Service::load_demo_milestones(const std::string& data_dir) {
  std::ifstream f(data_dir + "/account/seremis_2020_2021.txt", std::ios::binary);
  if (!f) return fail(Error{500, "internal", "Falta el archivo de datos account/seremis_2020_2021.txt.", {}});
  std::stringstream text;
  text << f.rdbuf();
  const auto rows = parse_seed_tables(text.str());
  auto written = db_.transaction<bool>([&](soci::session& s) -> Result<bool> {
    for (const auto& r : rows) {
      Milestone m;
      m.region_id = r.region_id;
      m.period = "2020-2021";
      if (r.day) {
        auto d = parse_date_cl(*r.day, "date");
        if (d) m.day = *d;
      }
      m.date_text = r.date_text;
      m.title = r.title;
      m.description = r.description;
      m.results = r.results;
      m.demo = true;
      m.curation = "incluido";  // the seed's tables are the account as the ministry published it
      Repository::insert_milestone(s, m);
    }
    return true;
  });
  if (!written) return fail(written.error());
  return {};
}

Result<void> Service::load_demo_edition() {
  // The help channels' demo holds the last days only: the edition's window covers them, so its
  // COVID-19 figures are computed from records rather than left at zero.
  const int64_t now = now_ms();
  NewEdition cmd;
  cmd.period = "2020-2021";
  cmd.title = "Cuenta Pública Participativa 2020–2021 (datos de demostración)";
  cmd.from_on = format_date_cl(now - 7 * kDay);
  cmd.to_on = format_date_cl(now);
  cmd.demo = true;
  auto e = create_edition(nullptr, cmd);
  if (!e) return fail(e.error());
  const int64_t id = (*e)["id"].get<int64_t>();
  const std::map<std::string, std::string> texts = {
      {"introduccion",
       "DATOS DE DEMOSTRACIÓN. Esta edición se compiló desde los datos de demostración de la plataforma: los hitos regionales "
       "son los de la Cuenta Pública Participativa 2020–2021 (importados de su texto) y las cifras se calculan desde los "
       "registros de demostración, no desde la operación real del Ministerio."},
      {"proyeccion",
       "Texto de demostración: la programación del período siguiente la redacta el Ministerio en cada edición."},
  };
  auto put = db_.transaction<bool>([&](soci::session& s) -> Result<bool> {
    for (const auto& [k, t] : texts) Repository::put_section(s, id, k, t, 0);
    return true;
  });
  if (!put) return fail(put.error());
  if (auto p = publish(nullptr, id); !p) return fail(p.error());
  return {};
}

// ---------------------------------------------------------------- home

Result<std::vector<Json>> home_items(Service& svc, const http::Request& req) {
  const auto& p = req.who();
  std::vector<Json> out;
  if (p.can("account.edit")) {
    auto drafts = store::with_session<int64_t>(svc.db(), [](soci::session& s) -> Result<int64_t> {
      int64_t n = 0;
      for (const auto& e : Repository::editions(s, false)) n += e.state == "borrador";
      return n;
    });
    if (!drafts) return fail(drafts.error());
    out.push_back({{"kind", *drafts ? "task" : "metric"},
                   {"title", "Cuenta pública: ediciones en borrador"},
                   {"detail", "Redacte, revise las cifras vivas y publique la Cuenta Pública Participativa."},
                   {"value", *drafts},
                   {"link", "/cuenta-publica/editor"},
                   {"severity", "info"}});
  }
  if (p.can("account.milestones") && !p.region_id.empty() && p.institution_type == "seremi") {
    auto n = store::with_session<int64_t>(svc.db(), [&](soci::session& s) -> Result<int64_t> {
      return static_cast<int64_t>(Repository::milestones(s, "", p.region_id).size());
    });
    if (!n) return fail(n.error());
    out.push_back({{"kind", "metric"},
                   {"title", "Hitos de su región para la cuenta pública"},
                   {"detail", "Registre los hitos, su descripción y sus resultados."},
                   {"value", *n},
                   {"link", "/cuenta-publica/hitos"},
                   {"severity", "info"}});
  }
  return out;
}

}  // namespace eq::account
