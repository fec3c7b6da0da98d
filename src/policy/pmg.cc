// The PMG gender indicator's own steps beside the reporting workflow (reports.cc): the reviewer's
// outcome for a service and year (cumple / no cumple, with the reason), the technical-assistance
// log, and the SEREMI's view of their own region's agenda.
#include "core/time.h"
#include "policy/seed_check.h"
#include "policy/service.h"
#include "store/with_session.h"

namespace eq::policy {

namespace {

Json assistance_json(const Assistance& a) {
  static const std::map<std::string, std::string> kinds = {
      {"reunion", "Reunión de asistencia técnica"}, {"taller", "Taller"}, {"jornada", "Jornada de trabajo"},
      {"videoconferencia", "Videoconferencia"}};
  return {{"id", a.id},          {"held_on", format_date_cl(a.held_on)}, {"kind", a.kind},
          {"kind_name", kinds.count(a.kind) ? kinds.at(a.kind) : a.kind}, {"topic", a.topic},
          {"participants", a.participants}, {"illustrative", a.illustrative}};
}

}  // namespace

Result<Json> Service::decide_outcome(const http::Request& req, int64_t item_id, const std::string& outcome, const std::string& reason) {
  if (outcome != "cumple" && outcome != "no_cumple")
    return fail(Error::invalid("outcome", "El resultado debe ser «cumple» o «no_cumple».", "invalid_outcome"));
  if (reason.size() < 10)
    return fail(Error::invalid("reason", "Indique el fundamento del resultado (al menos 10 caracteres).", "required"));
  return db_.transaction<Json>([&](soci::session& s) -> Result<Json> {
    auto item = Repository::item(s, item_id);
    auto ins = item ? Repository::instrument(s, item->instrument_id) : std::nullopt;
    if (!item || !ins) return fail(Error::not_found("No existe un ítem con ese identificador."));
    if (ins->kind != "pmg" || item->level != "compromiso")
      return fail(Error::invalid("item_id", "El resultado se registra sobre el compromiso PMG de un servicio (nivel «compromiso»).",
                                 "not_pmg_service"));
    // The outcome comes after the technical review (pmg_review.cc): «cumple» once the compliance
    // report is approved; «no cumple» once it is approved or rejected (the rounds are exhausted).
    std::optional<Filing> compliance;
    for (const auto& f : Repository::filings_of(s, item->id))
      if (f.stage == "cumplimiento") compliance = f;
    const std::string state = compliance ? compliance->state : "";
    if (state != "aprobado" && state != "rechazado")
      return fail(Error::conflict("compliance_pending",
                                  "El resultado se registra cuando el informe de cumplimiento del servicio está aprobado o rechazado en la revisión "
                                  "técnica (hoy: " + (compliance ? "«" + compliance->state + "»" : std::string("sin enviar")) + ").",
                                  "outcome"));
    if (outcome == "cumple" && state == "rechazado")
      return fail(Error::conflict("compliance_rejected", "El informe de cumplimiento fue rechazado: el servicio no puede declararse «cumple».",
                                  "outcome"));
    Outcome o;
    o.item_id = item->id;
    o.outcome = outcome;
    o.reason = reason;
    o.decided_by = req.who().user_id;
    o.decided_at = now_ms();
    Repository::save_outcome(s, o);
    auto entry = audit::Log::from(req, "policy.pmg_outcome", "policy_item:" + std::to_string(item->id));
    entry.detail = outcome;
    audit_->append(s, entry);
    return Json{{"item_id", item->id}, {"outcome", outcome}, {"outcome_name", outcome == "cumple" ? "Cumple" : "No cumple"},
                {"reason", reason}, {"decided_at", format_date_cl(o.decided_at)}};
  });
}

Result<Json> Service::assistance(int64_t instrument_id) {
  return store::with_session<Json>(db_, [&](soci::session& s) -> Result<Json> {
    auto ins = Repository::instrument(s, instrument_id);
    if (!ins) return fail(Error::not_found("No existe un instrumento con ese identificador."));
    Json items = Json::array();
    for (const auto& a : Repository::assistance(s, instrument_id)) items.push_back(assistance_json(a));
    return Json{{"items", items}, {"total", items.size()}};
  });
}

Result<Json> Service::add_assistance(const http::Request& req, const NewAssistance& cmd) {
  auto day = parse_date_cl(cmd.held_on, "held_on");
  if (!day) return fail(day.error());
  if (cmd.kind != "reunion" && cmd.kind != "taller" && cmd.kind != "jornada" && cmd.kind != "videoconferencia")
    return fail(Error::invalid("kind", "El tipo debe ser reunion, taller, jornada o videoconferencia.", "invalid_kind"));
  if (cmd.topic.size() < 5) return fail(Error::invalid("topic", "Indique el tema de la sesión (al menos 5 caracteres).", "required"));
  if (cmd.participants.size() < 3)
    return fail(Error::invalid("participants", "Indique los servicios o sectores que participaron.", "required"));
  if (*day > now_ms()) return fail(Error::invalid("held_on", "La sesión no puede tener una fecha futura.", "future_date"));
  return db_.transaction<Json>([&](soci::session& s) -> Result<Json> {
    auto ins = Repository::instrument(s, cmd.instrument_id);
    if (!ins || ins->kind != "pmg")
      return fail(Error::invalid("instrument_id", "La asistencia técnica se registra en un instrumento PMG.", "not_found"));
    Assistance a;
    a.instrument_id = ins->id;
    a.held_on = *day;
    a.kind = cmd.kind;
    a.topic = cmd.topic;
    a.participants = cmd.participants;
    a.id = Repository::insert_assistance(s, a, req.who().user_id);
    auto entry = audit::Log::from(req, "policy.assistance_add", "policy_instrument:" + std::to_string(ins->id));
    entry.detail = cmd.kind + " " + cmd.held_on;
    audit_->append(s, entry);
    return assistance_json(a);
  });
}

Result<Json> Service::regional(const http::Principal& who, const std::string& region_id) {
  // A user with a regional scope sees their own region only; national users choose one.
  const std::string region = who.region_id.empty() ? region_id : who.region_id;
  if (region.empty()) return fail(Error::invalid("region", "Indique la región.", "required"));
  if (!who.region_id.empty() && !region_id.empty() && region_id != who.region_id)
    return fail(Error{403, "forbidden_region", "Solo puede consultar la agenda de su región.", "region"});
  return store::with_session<Json>(db_, [&](soci::session& s) -> Result<Json> {
    auto ins_id = Repository::instrument_id_by_code(s, "agendas-regionales");
    auto ins = ins_id ? Repository::instrument(s, *ins_id) : std::nullopt;
    if (!ins) return fail(Error::not_found("No hay agendas regionales registradas."));
    std::optional<Item> root;
    for (const auto& it : Repository::items_of(s, ins->id, true))
      if (!it.parent_id && it.region_id == region) root = it;
    if (!root) return fail(Error::not_found("No hay agenda registrada para la región " + region + "."));
    Json j = item_drilldown(s, *root, &who);
    auto figures = Repository::figures(s, ins->id);
    std::vector<Declared> mine;
    for (const auto& f : figures)
      if (f.item_id && *f.item_id == root->id) mine.push_back(f);
    j["declared"] = checked_figures(s, *ins, mine);
    j["region_id"] = region;
    return j;
  });
}

}  // namespace eq::policy
