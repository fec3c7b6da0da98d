// The PMG gender indicator as the ministry runs it: per service and year the focal point files, in
// order, a work programme, a progress report and a compliance report (with its means of
// verification); each filing goes through the ministry's technical review:
//
//   enviado → en_revision → observado → (answers) → corregido → en_revision → aprobado / rechazado
//                                 ↑ round 1 only: the second round ends in a decision
//
// A stage may be filed only once the previous one is approved; a filing is edited only while it
// waits for the reviewer to take it (enviado) or while it is observed; the outcome (pmg.cc
// decide_outcome) only after the compliance report is approved or rejected. Every transition is one
// transaction with its audit entry; a refused one writes nothing, and an attempt on another
// service's filing is answered 404 and audited as denied.
#include <algorithm>

#include "core/time.h"
#include "policy/service.h"
#include "store/with_session.h"

namespace eq::policy {

namespace {

constexpr int64_t kMaxRounds = 2;  // the account's «segunda vuelta»
constexpr int64_t kDay = 86400000LL;
const std::vector<std::string> kStages = {"programa", "avance", "cumplimiento"};

std::string stage_name(const std::string& s) {
  if (s == "programa") return "Programa de trabajo";
  if (s == "avance") return "Informe de avance";
  return "Informe de cumplimiento";
}
// «el programa de trabajo», «el informe de avance» … inside a sentence.
std::string stage_lower(const std::string& s) {
  auto n = stage_name(s);
  n[0] = static_cast<char>(n[0] - 'A' + 'a');
  return "el " + n;
}
std::string state_name(const std::string& s) {
  static const std::map<std::string, std::string> names = {{"enviado", "Enviado"},     {"en_revision", "En revisión"},
                                                           {"observado", "Observado"}, {"corregido", "Corregido (segunda vuelta)"},
                                                           {"aprobado", "Aprobado"},   {"rechazado", "Rechazado"}};
  auto it = names.find(s);
  return it == names.end() ? s : it->second;
}

Error illegal(const std::string& code, const std::string& message) { return Error::conflict(code, message, "state"); }

int64_t days_since(int64_t at) { return std::max<int64_t>(0, (now_ms() - at) / kDay); }

// Whether `item` is the service itself or lies under it (observations name one of its commitments).
bool under_service(soci::session& s, int64_t item, int64_t service) {
  std::optional<int64_t> at = item;
  for (int depth = 0; at && depth < 6; ++depth) {
    if (*at == service) return true;
    auto i = Repository::item(s, *at);
    if (!i) return false;
    at = i->parent_id;
  }
  return false;
}

void collect_commitments(soci::session& s, int64_t parent, Json& out) {
  for (const auto& k : Repository::children(s, parent)) {
    out.push_back({{"id", k.id}, {"code", k.code}, {"title", k.title}, {"level", k.level}, {"parent_id", opt_json(k.parent_id)}});
    collect_commitments(s, k.id, out);
  }
}

std::string text_of(const std::string& v) {
  auto b = v.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  return v.substr(b, v.find_last_not_of(" \t\r\n") - b + 1);
}

}  // namespace

// A service item of a PMG instrument (level «compromiso»), or 404.
static Result<Item> pmg_service_item(soci::session& s, int64_t id) {
  auto item = Repository::item(s, id);
  auto ins = item ? Repository::instrument(s, item->instrument_id) : std::nullopt;
  if (!item || !ins || ins->kind != "pmg" || item->level != "compromiso")
    return fail(Error::not_found("No existe un servicio PMG con ese identificador."));
  return *item;
}

Result<void> Service::refuse_pmg(const http::Request& req, const std::string& action, const std::string& object, const Error& why) {
  // Written after the refused transaction rolled back, in one of its own.
  auto e = audit::Log::from(req, action, object, "denied");
  e.detail = why.code;
  if (auto r = audit_->append(e); !r) return fail(r.error());
  return {};
}

// Runs a filing transition in one transaction; a 404 from the object rule (another service's
// filing) is audited as denied afterwards.
Result<Json> Service::pmg_step(const http::Request& req, const std::string& action, const std::string& object,
                               const std::function<Result<Json>(soci::session&)>& step) {
  auto r = db_.transaction<Json>(step);
  if (!r && (r.error().status == 404 || r.error().status == 403)) {
    if (auto a = refuse_pmg(req, action, object, r.error()); !a) return fail(a.error());
  }
  return r;
}

Json Service::filing_json(soci::session& s, const Filing& f, bool with_observations) {
  Json j = {{"id", f.id},
            {"service_item_id", f.service_item_id},
            {"institution_id", f.institution_id},
            {"stage", f.stage},
            {"stage_name", stage_name(f.stage)},
            {"state", f.state},
            {"state_name", state_name(f.state)},
            {"round", f.round},
            {"max_rounds", kMaxRounds},
            {"narrative", f.narrative},
            {"evidence", f.evidence},
            {"filed_at", format_date_cl(f.filed_at)},
            {"waiting_since", format_date_cl(f.waiting_since)},
            {"days_waiting", days_since(f.waiting_since)},
            {"decided_at", f.decided_at ? Json(format_date_cl(*f.decided_at)) : Json()},
            {"decision_note", f.decision_note},
            {"demo", f.demo}};
  if (with_observations) {
    Json obs = Json::array();
    int64_t open = 0;
    for (const auto& o : Repository::observations(s, f.id)) {
      std::string item_title;
      if (o.item_id)
        if (auto it = Repository::item(s, *o.item_id)) item_title = it->title;
      const bool pending = o.answer.empty() && o.round == f.round && f.state == "observado";
      open += pending;
      obs.push_back({{"id", o.id},
                     {"round", o.round},
                     {"item_id", opt_json(o.item_id)},
                     {"item_title", item_title},
                     {"text", o.text},
                     {"written_at", format_date_cl(o.written_at)},
                     {"answer", o.answer},
                     {"answered_at", o.answered_at ? Json(format_date_cl(*o.answered_at)) : Json()},
                     {"to_answer", pending}});
    }
    j["observations"] = obs;
    j["observations_to_answer"] = open;
  }
  return j;
}

Json Service::service_workflow(soci::session& s, const Item& svc, const http::Principal& who) {
  auto filings = Repository::filings_of(s, svc.id);
  Json stages = Json::array();
  std::string due;
  bool previous_approved = true, stop = false;
  for (const auto& st : kStages) {
    auto f = std::find_if(filings.begin(), filings.end(), [&](const Filing& x) { return x.stage == st; });
    Json stage = {{"stage", st}, {"stage_name", stage_name(st)}, {"filing", nullptr}};
    const bool may_file = !stop && previous_approved && f == filings.end();
    stage["can_file"] = may_file;
    if (f != filings.end()) stage["filing"] = filing_json(s, *f, true);
    if (due.empty() && !stop) {
      if (f == filings.end()) {
        due = "Enviar " + stage_lower(st) + (st == "cumplimiento" ? " con sus medios de verificación." : ".");
      } else if (f->state == "enviado" || f->state == "corregido") {
        due = stage_name(st) + ": en espera de la revisión técnica del Ministerio.";
      } else if (f->state == "en_revision") {
        due = stage_name(st) + ": en revisión técnica del Ministerio.";
      } else if (f->state == "observado") {
        due = stage_name(st) + ": responder las observaciones y reenviar (segunda vuelta).";
      } else if (f->state == "rechazado") {
        due = stage_name(st) + " rechazado: el servicio no cumple el indicador del año.";
      }
    }
    if (f == filings.end() || f->state != "aprobado") previous_approved = false;
    if (f != filings.end() && f->state == "rechazado") stop = true;
    stages.push_back(stage);
  }
  if (due.empty()) due = "Informe de cumplimiento aprobado: queda el resultado del año.";
  Json outcome = nullptr;
  auto outcomes = Repository::outcomes(s, svc.instrument_id);
  if (auto it = outcomes.find(svc.id); it != outcomes.end())
    outcome = {{"outcome", it->second.outcome},
               {"outcome_name", it->second.outcome == "cumple" ? "Cumple" : "No cumple"},
               {"reason", it->second.reason},
               {"decided_at", format_date_cl(it->second.decided_at)}};
  Json commitments = Json::array();
  collect_commitments(s, svc.id, commitments);
  bool mine = std::find(svc.institutions.begin(), svc.institutions.end(), who.institution_id) != svc.institutions.end();
  // Demo data say so: a service whose filings the demo generated (a service filed for real does not).
  const bool demo = std::any_of(filings.begin(), filings.end(), [](const Filing& f) { return f.demo; });
  return {{"service", {{"id", svc.id}, {"title", svc.title}, {"code", svc.code}, {"year", opt_json(svc.start_year)},
                       {"region_id", svc.region_id}, {"ministry", svc.source_note}, {"status", svc.status}}},
          {"stages", stages},
          {"due", due},
          {"outcome", outcome},
          {"commitments", commitments},
          {"max_rounds", kMaxRounds},
          {"own_service", mine},
          {"demo", demo}};
}

Result<Json> Service::pmg_service(const http::Request& req, int64_t service_item_id) {
  const std::string object = "policy_item:" + std::to_string(service_item_id);
  return pmg_step(req, "policy.pmg_read", object, [&](soci::session& s) -> Result<Json> {
    auto svc = pmg_service_item(s, service_item_id);
    if (!svc) return fail(svc.error());
    if (auto ok = may_read_pmg(req.who(), svc->institutions); !ok) return fail(ok.error());
    return service_workflow(s, *svc, req.who());
  });
}

Result<Json> Service::file_pmg(const http::Request& req, int64_t service_item_id, const NewFiling& cmd) {
  if (std::find(kStages.begin(), kStages.end(), cmd.stage) == kStages.end())
    return fail(Error::invalid("stage", "La etapa debe ser programa, avance o cumplimiento.", "invalid_stage"));
  const std::string narrative = text_of(cmd.narrative), evidence = text_of(cmd.evidence);
  if (narrative.size() < 20)
    return fail(Error::invalid("narrative", "Describa el contenido de la presentación (al menos 20 caracteres).", "required"));
  if (cmd.stage == "cumplimiento" && evidence.size() < 5)
    return fail(Error::invalid("evidence", "El informe de cumplimiento debe indicar sus medios de verificación.", "required"));
  const std::string object = "policy_item:" + std::to_string(service_item_id);
  return pmg_step(req, "policy.pmg_file", object, [&](soci::session& s) -> Result<Json> {
    auto svc = pmg_service_item(s, service_item_id);
    if (!svc) return fail(svc.error());
    if (auto ok = may_file_pmg(req.who(), svc->institutions); !ok) return fail(ok.error());
    auto filings = Repository::filings_of(s, svc->id);
    auto find = [&](const std::string& st) -> const Filing* {
      for (const auto& f : filings)
        if (f.stage == st) return &f;
      return nullptr;
    };
    if (auto* same = find(cmd.stage))
      return fail(illegal("already_filed", stage_name(cmd.stage) + " de este servicio ya fue enviado (estado: " + state_name(same->state) +
                                               "). Si fue observado, responda las observaciones y reenvíe la corrección."));
    auto at = std::find(kStages.begin(), kStages.end(), cmd.stage);
    if (at != kStages.begin()) {
      const std::string& prev = *(at - 1);
      auto* p = find(prev);
      if (!p || p->state != "aprobado")
        return fail(illegal("previous_stage_pending", "No puede enviar " + stage_lower(cmd.stage) + " antes de que " + stage_lower(prev) +
                                                          " esté aprobado (hoy: " + (p ? state_name(p->state) : std::string("sin enviar")) +
                                                          ")."));
    }
    Filing f;
    f.service_item_id = svc->id;
    f.institution_id = req.who().institution_id;
    f.stage = cmd.stage;
    f.state = "enviado";
    f.round = 1;
    f.narrative = narrative;
    f.evidence = evidence;
    f.filed_by = req.who().user_id;
    f.filed_at = f.waiting_since = f.updated_at = now_ms();
    f.id = Repository::insert_filing(s, f);
    auto entry = audit::Log::from(req, "policy.pmg_file", "policy_pmg_filing:" + std::to_string(f.id));
    entry.detail = cmd.stage;
    audit_->append(s, entry);
    return filing_json(s, f, true);
  });
}

// Loads a filing and its service for a transition; 404 when it does not exist.
static Result<std::pair<Filing, Item>> load_filing(soci::session& s, int64_t id) {
  auto f = Repository::filing(s, id);
  if (!f) return fail(Error::not_found("No existe una presentación PMG con ese identificador."));
  auto svc = Repository::item(s, f->service_item_id);
  if (!svc) return fail(Error::not_found("No existe una presentación PMG con ese identificador."));
  return std::make_pair(*f, *svc);
}

Result<Json> Service::edit_filing(const http::Request& req, int64_t filing_id, const std::string& narrative_in,
                                  const std::string& evidence_in) {
  const std::string narrative = text_of(narrative_in), evidence = text_of(evidence_in);
  if (narrative.size() < 20)
    return fail(Error::invalid("narrative", "Describa el contenido de la presentación (al menos 20 caracteres).", "required"));
  return pmg_step(req, "policy.pmg_edit", "policy_pmg_filing:" + std::to_string(filing_id), [&](soci::session& s) -> Result<Json> {
    auto fs = load_filing(s, filing_id);
    if (!fs) return fail(fs.error());
    auto& [f, svc] = *fs;
    if (auto ok = may_file_pmg(req.who(), svc.institutions); !ok) return fail(ok.error());
    if (f.state != "enviado" && f.state != "observado")
      return fail(illegal("filing_locked", stage_name(f.stage) + " está «" + state_name(f.state) +
                                               "»: solo se edita mientras espera que el Ministerio lo tome, o cuando fue observado."));
    if (f.stage == "cumplimiento" && evidence.size() < 5)
      return fail(Error::invalid("evidence", "El informe de cumplimiento debe indicar sus medios de verificación.", "required"));
    f.narrative = narrative;
    f.evidence = evidence;
    f.updated_at = now_ms();
    Repository::update_filing(s, f);
    audit_->append(s, audit::Log::from(req, "policy.pmg_edit", "policy_pmg_filing:" + std::to_string(f.id)));
    return filing_json(s, f, true);
  });
}

Result<Json> Service::start_review(const http::Request& req, int64_t filing_id) {
  return pmg_step(req, "policy.pmg_review_start", "policy_pmg_filing:" + std::to_string(filing_id), [&](soci::session& s) -> Result<Json> {
    auto fs = load_filing(s, filing_id);
    if (!fs) return fail(fs.error());
    auto& f = fs->first;
    if (auto ok = may_review_pmg(req.who(), f.institution_id); !ok) return fail(ok.error());
    if (f.state != "enviado" && f.state != "corregido")
      return fail(illegal("not_waiting", "Solo se toma para revisión una presentación enviada o corregida (esta está «" + state_name(f.state) + "»)."));
    f.state = "en_revision";
    f.reviewer_id = req.who().user_id;
    f.updated_at = now_ms();
    Repository::update_filing(s, f);
    auto entry = audit::Log::from(req, "policy.pmg_review_start", "policy_pmg_filing:" + std::to_string(f.id));
    entry.detail = "vuelta " + std::to_string(f.round);
    audit_->append(s, entry);
    return filing_json(s, f, true);
  });
}

Result<Json> Service::observe_filing(const http::Request& req, int64_t filing_id, const std::vector<NewObservation>& list) {
  if (list.empty())
    return fail(Error::invalid("observations", "Escriba al menos una observación.", "required"));
  for (size_t k = 0; k < list.size(); ++k)
    if (text_of(list[k].text).size() < 10)
      return fail(Error::invalid("observations[" + std::to_string(k) + "].text", "Cada observación debe explicar qué corregir (al menos 10 caracteres).",
                                 "required"));
  return pmg_step(req, "policy.pmg_observe", "policy_pmg_filing:" + std::to_string(filing_id), [&](soci::session& s) -> Result<Json> {
    auto fs = load_filing(s, filing_id);
    if (!fs) return fail(fs.error());
    auto& [f, svc] = *fs;
    if (auto ok = may_review_pmg(req.who(), f.institution_id); !ok) return fail(ok.error());
    if (f.state != "en_revision")
      return fail(illegal("not_in_review", "Solo se observa una presentación en revisión (esta está «" + state_name(f.state) + "»)."));
    if (f.round >= kMaxRounds)
      return fail(illegal("rounds_exhausted", "Es la segunda vuelta de revisión: la presentación se aprueba o se rechaza, no se observa de nuevo."));
    const int64_t now = now_ms();
    for (size_t k = 0; k < list.size(); ++k) {
      if (list[k].item_id && !under_service(s, *list[k].item_id, svc.id))
        return fail(Error::invalid("observations[" + std::to_string(k) + "].item_id", "La observación debe referirse a un compromiso de este servicio.",
                                   "not_in_service"));
      Observation o;
      o.filing_id = f.id;
      o.round = f.round;
      o.item_id = list[k].item_id;
      o.text = text_of(list[k].text);
      o.written_by = req.who().user_id;
      o.written_at = now;
      Repository::insert_observation(s, o);
    }
    f.state = "observado";
    f.waiting_since = f.updated_at = now;
    Repository::update_filing(s, f);
    auto entry = audit::Log::from(req, "policy.pmg_observe", "policy_pmg_filing:" + std::to_string(f.id));
    entry.detail = std::to_string(list.size()) + " observaciones";
    audit_->append(s, entry);
    return filing_json(s, f, true);
  });
}

Result<Json> Service::answer_observation(const http::Request& req, int64_t observation_id, const std::string& answer_in) {
  const std::string answer = text_of(answer_in);
  if (answer.size() < 10)
    return fail(Error::invalid("answer", "Explique cómo atendió la observación (al menos 10 caracteres).", "required"));
  return pmg_step(req, "policy.pmg_answer", "policy_pmg_observation:" + std::to_string(observation_id), [&](soci::session& s) -> Result<Json> {
    auto o = Repository::observation(s, observation_id);
    if (!o) return fail(Error::not_found("No existe una observación con ese identificador."));
    auto fs = load_filing(s, o->filing_id);
    if (!fs) return fail(fs.error());
    auto& [f, svc] = *fs;
    if (auto ok = may_file_pmg(req.who(), svc.institutions); !ok) return fail(ok.error());
    if (f.state != "observado" || o->round != f.round)
      return fail(illegal("not_observed", "Solo se responden las observaciones de la vuelta en curso de una presentación observada (esta está «" +
                                              state_name(f.state) + "»)."));
    Repository::answer_observation(s, o->id, answer, req.who().user_id, now_ms());
    audit_->append(s, audit::Log::from(req, "policy.pmg_answer", "policy_pmg_observation:" + std::to_string(o->id)));
    return filing_json(s, f, true);
  });
}

Result<Json> Service::correct_filing(const http::Request& req, int64_t filing_id, const std::string& narrative_in, const std::string& evidence_in) {
  const std::string narrative = text_of(narrative_in), evidence = text_of(evidence_in);
  return pmg_step(req, "policy.pmg_correct", "policy_pmg_filing:" + std::to_string(filing_id), [&](soci::session& s) -> Result<Json> {
    auto fs = load_filing(s, filing_id);
    if (!fs) return fail(fs.error());
    auto& [f, svc] = *fs;
    if (auto ok = may_file_pmg(req.who(), svc.institutions); !ok) return fail(ok.error());
    if (f.state != "observado")
      return fail(illegal("not_observed", "Solo se reenvía corregida una presentación observada (esta está «" + state_name(f.state) + "»)."));
    int64_t open = 0;
    for (const auto& o : Repository::observations(s, f.id)) open += o.round == f.round && o.answer.empty();
    if (open > 0)
      return fail(illegal("unanswered_observations", "Responda cada observación antes de reenviar: faltan " + std::to_string(open) + "."));
    if (!narrative.empty()) {
      if (narrative.size() < 20) return fail(Error::invalid("narrative", "Describa el contenido de la presentación (al menos 20 caracteres).", "required"));
      f.narrative = narrative;
    }
    if (!evidence.empty()) f.evidence = evidence;
    f.round += 1;
    f.state = "corregido";
    f.waiting_since = f.updated_at = now_ms();
    Repository::update_filing(s, f);
    auto entry = audit::Log::from(req, "policy.pmg_correct", "policy_pmg_filing:" + std::to_string(f.id));
    entry.detail = "vuelta " + std::to_string(f.round);
    audit_->append(s, entry);
    return filing_json(s, f, true);
  });
}

Result<Json> Service::decide_filing(const http::Request& req, int64_t filing_id, const std::string& decision, const std::string& note_in) {
  const std::string note = text_of(note_in);
  if (decision != "aprobado" && decision != "rechazado")
    return fail(Error::invalid("decision", "La decisión debe ser «aprobado» o «rechazado».", "invalid_decision"));
  if (decision == "rechazado" && note.size() < 10)
    return fail(Error::invalid("note", "Indique el fundamento del rechazo (al menos 10 caracteres).", "required"));
  return pmg_step(req, "policy.pmg_decide", "policy_pmg_filing:" + std::to_string(filing_id), [&](soci::session& s) -> Result<Json> {
    auto fs = load_filing(s, filing_id);
    if (!fs) return fail(fs.error());
    auto& f = fs->first;
    if (auto ok = may_review_pmg(req.who(), f.institution_id); !ok) return fail(ok.error());
    if (f.state != "en_revision")
      return fail(illegal("not_in_review", "Solo se aprueba o rechaza una presentación en revisión (esta está «" + state_name(f.state) + "»)."));
    f.state = decision;
    f.decided_by = req.who().user_id;
    f.decided_at = f.updated_at = now_ms();
    f.decision_note = note;
    Repository::update_filing(s, f);
    auto entry = audit::Log::from(req, decision == "aprobado" ? "policy.pmg_approve" : "policy.pmg_reject",
                                  "policy_pmg_filing:" + std::to_string(f.id));
    entry.detail = f.stage + " vuelta " + std::to_string(f.round);
    audit_->append(s, entry);
    return filing_json(s, f, true);
  });
}

Result<Json> Service::my_pmg(const http::Principal& who) {
  return store::with_session<Json>(db_, [&](soci::session& s) -> Result<Json> {
    Json items = Json::array();
    for (const auto& svc : Repository::pmg_services_of(s, who.institution_id)) items.push_back(service_workflow(s, svc, who));
    return Json{{"items", items}};
  });
}

Result<Json> Service::pmg_queue(const http::Principal& who) {
  return store::with_session<Json>(db_, [&](soci::session& s) -> Result<Json> {
    Json items = Json::array();
    for (const auto& row : Repository::filing_queue(s, 500)) {
      Json j = filing_json(s, row.filing, false);
      j["service_title"] = row.service_title;
      j["service_code"] = row.service_code;
      j["year"] = opt_json(row.year);
      j["own_service"] = row.filing.institution_id == who.institution_id;  // shown, but not reviewable by her
      items.push_back(j);
    }
    return Json{{"items", items}, {"total", items.size()}};
  });
}

Result<Json> Service::pmg_workflow_summary(int64_t instrument_id) {
  return store::with_session<Json>(db_, [&](soci::session& s) -> Result<Json> {
    auto ins = Repository::instrument(s, instrument_id);
    if (!ins || ins->kind != "pmg") return fail(Error::not_found("No existe un instrumento PMG con ese identificador."));
    std::map<int64_t, Json> years;
    for (const auto& c : Repository::filing_counts(s, instrument_id)) {
      auto& y = years[c.year];
      if (y.is_null()) y = {{"year", c.year}, {"stages", Json::object()}};
      y["stages"][c.stage][c.state] = c.n;
    }
    Json out = Json::array();
    for (auto& [_, y] : years) out.push_back(y);
    return Json{{"years", out}, {"demo", Repository::has_demo_reports(s, instrument_id)}};
  });
}

}  // namespace eq::policy
