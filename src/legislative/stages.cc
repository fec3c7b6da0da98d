// Rules about stages, boletines and law numbers; pure, shared by routes and demo.
#include <algorithm>
#include <regex>

#include "core/time.h"
#include "legislative/module.h"

namespace eq::legislative {

namespace {
int stage_index(const std::string& s) {
  const auto& all = stages();
  auto it = std::find(all.begin(), all.end(), s);
  return it == all.end() ? -1 : static_cast<int>(it - all.begin());
}
}  // namespace

bool is_stage(const std::string& s) { return stage_index(s) >= 0; }

std::string stage_name_es(const std::string& s) {
  if (s == "primer_tramite") return "Primer trámite constitucional";
  if (s == "segundo_tramite") return "Segundo trámite constitucional";
  if (s == "tercer_tramite") return "Tercer trámite constitucional";
  if (s == "comision_mixta") return "Comisión Mixta";
  if (s == "tribunal_constitucional") return "Control del Tribunal Constitucional";
  if (s == "promulgacion") return "Promulgación";
  if (s == "publicada") return "Publicada en el Diario Oficial";
  if (s == "archivada") return "Archivada";
  return s;
}

bool in_congress(const std::string& stage) {
  return stage == "primer_tramite" || stage == "segundo_tramite" || stage == "tercer_tramite" || stage == "comision_mixta";
}

Result<void> check_transition(const std::string& from, const std::string& to) {
  if (!is_stage(to)) return fail(Error::invalid("stage", "La etapa indicada no existe.", "unknown_stage"));
  if (from == "publicada" || from == "archivada")
    return fail(Error::invalid("stage", "El proyecto está " + std::string(from == "publicada" ? "publicado como ley" : "archivado") +
                                            " y su tramitación ya terminó.", "invalid_transition"));
  if (to == from) return fail(Error::invalid("stage", "El proyecto ya se encuentra en esa etapa.", "invalid_transition"));
  if (to == "archivada") return {};
  if (stage_index(to) < stage_index(from))
    return fail(Error::invalid("stage", "No se puede volver de «" + stage_name_es(from) + "» a «" + stage_name_es(to) +
                                            "»: la tramitación solo avanza.", "invalid_transition"));
  return {};
}

std::optional<std::string> normalize_law_number(const std::string& text) {
  // "N° 21.212" with the degree sign or the ordinal indicator, with or without the space.
  static const std::regex re(R"(^\s*(?:(?:N|n)\s*(?:°|º|\.)?\s*)?(\d{1,2})\.?(\d{3})\s*$)");
  std::smatch m;
  if (!std::regex_match(text, m, re)) return std::nullopt;
  return m[1].str() + "." + m[2].str();
}

bool valid_boletin(const std::string& text) {
  static const std::regex re(R"(^\d{1,5}-\d{2}$)");
  return std::regex_match(text, re);
}

Day chile_day(int64_t utc_ms) {
  // format_date_cl gives the America/Santiago calendar day as dd-mm-aaaa, which parse_day reads.
  return parse_day(format_date_cl(utc_ms)).value_or(Day{});
}

std::optional<CurrentUrgency> urgency_of(const Bill& b, const std::vector<Event>& events) {
  // Once a bill leaves Congress (Constitutional Court, promulgation, publication, archive) no
  // chamber is bound by an urgency any more.
  if (!in_congress(b.stage)) return std::nullopt;
  std::vector<UrgencyEvent> u;
  for (const auto& e : events) {
    if (e.bill_id != b.id) continue;
    UrgencyEvent x;
    if (e.kind == "urgency_set") x.action = UrgencyAction::set;
    else if (e.kind == "urgency_renewed") x.action = UrgencyAction::renewed;
    else if (e.kind == "urgency_withdrawn") x.action = UrgencyAction::withdrawn;
    else continue;
    x.type = urgency_from_id(e.urgency);
    if (e.at) x.reported_on = chile_day(*e.at);
    u.push_back(x);
  }
  return current_urgency(u);
}

}  // namespace eq::legislative
