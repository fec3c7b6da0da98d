#include "alerts/rules.h"

#include <algorithm>
#include <limits>
#include <map>
#include <set>

#include "core/text.h"
#include "core/time.h"

namespace eq::alerts {

namespace {

using nlohmann::json;
using cases::Record;

constexpr int64_t kMinuteMs = 60LL * 1000, kHourMs = 60 * kMinuteMs, kDayMs = 24 * kHourMs;

std::string kind_es(const std::string& kind) {
  static const std::map<std::string, std::string> names = {
      {"contact", "contacto o atención"},
      {"complaint", "denuncia"},
      {"risk_assessment", "evaluación de riesgo"},
      {"protective_order", "medida de protección"},
      {"order_breach", "incumplimiento de medida"},
      {"referral", "derivación"},
      {"shelter_entry", "ingreso a casa de acogida"},
      {"shelter_exit", "egreso de casa de acogida"},
      {"closure", "cierre"}};
  auto it = names.find(kind);
  return it == names.end() ? kind : it->second;
}

bool has_role(const Record& r, int64_t person_id, const char* role) {
  for (const auto& p : r.persons)
    if (p.person_id == person_id && p.role == role) return true;
  return false;
}
// About the woman (or a child), not about the person as aggressor.
bool about(const Record& r, int64_t person_id) {
  for (const auto& p : r.persons)
    if (p.person_id == person_id && p.role != "aggressor") return true;
  return false;
}

std::optional<int64_t> ms_of(const json& details, const char* key) {
  auto it = details.find(key);
  if (it == details.end() || !it->is_number()) return std::nullopt;
  return it->get<int64_t>();
}
std::string str_of(const json& details, const char* key) {
  auto it = details.find(key);
  return it == details.end() || !it->is_string() ? std::string() : it->get<std::string>();
}

std::string ref(const Record& r) {
  return "N° " + std::to_string(r.id) + " (" + kind_es(r.kind) + ", " + format_date_cl(r.occurred_at) + ", institución " +
         std::to_string(r.institution_id) + ")";
}

std::string header(const Rule& rule) {
  // Version 0 is a dry run's rule, which has no stored version yet.
  return "Regla «" + rule.name_es + "»" + (rule.version > 0 ? " (versión " + std::to_string(rule.version) + ")" : "") + ": ";
}

std::string key(const Rule& rule, int64_t person_id, const std::string& tail) {
  // The rule id, not its version: editing a rule must not raise the same condition again.
  return "r" + std::to_string(rule.id) + ":p" + std::to_string(person_id) + ":" + tail;
}

Raised raised_by(const Rule& rule, int64_t person_id, int64_t at) {
  Raised r;
  r.rule_id = rule.id;
  r.rule_version = rule.version;
  r.template_id = rule.template_id;
  r.severity = rule.severity;
  r.person_id = person_id;
  r.at = at;
  return r;
}

struct Ctx {
  const Rule& rule;
  const cases::History& h;
  int64_t now, since;
  std::vector<const Record*> recs;  // occurred_at ≤ now, in history order
  std::vector<Raised>& out;

  Raised& add(int64_t at, const Record& trigger, std::string tail) {
    Raised r = raised_by(rule, h.person_id, at);
    r.dedup_key = key(rule, h.person_id, tail);
    r.institution_id = trigger.institution_id;
    r.comuna_id = trigger.comuna_id.empty() ? h.comuna_id : trigger.comuna_id;
    out.push_back(std::move(r));
    return out.back();
  }
  std::vector<const Record*> assessments() const {
    std::vector<const Record*> a;
    for (const auto* r : recs)
      if (r->kind == "risk_assessment" && about(*r, h.person_id) && cases::risk_rank(str_of(r->details, "level")) >= 0)
        a.push_back(r);
    return a;
  }
};

void risk_raised(Ctx& c) {
  const int min = cases::risk_rank(c.rule.params.value("min_level", "alto"));
  const Record* prev = nullptr;
  for (const auto* a : c.assessments()) {
    const std::string level = str_of(a->details, "level");
    const int rank = cases::risk_rank(level);
    const bool higher = !prev || rank > cases::risk_rank(str_of(prev->details, "level"));
    if (rank >= min && higher && a->occurred_at >= c.since) {
      auto& r = c.add(a->occurred_at, *a, "rec" + std::to_string(a->id));
      r.record_ids = {a->id};
      r.explanation = header(c.rule) + "la evaluación de riesgo " + ref(*a) + " clasificó el riesgo como «" + level + "»";
      if (prev) {
        r.explanation += "; la evaluación anterior " + ref(*prev) + " lo había clasificado como «" +
                         str_of(prev->details, "level") + "».";
        r.record_ids.push_back(prev->id);
      } else {
        r.explanation += "; es su primera evaluación registrada.";
      }
    }
    prev = a;
  }
}

void contact_burst(Ctx& c) {
  std::set<std::string> kinds;
  for (const auto& k : c.rule.params.value("kinds", json::array({"contact", "complaint"}))) kinds.insert(k.get<std::string>());
  const int64_t window = c.rule.params.value("window_days", 30) * kDayMs;
  const size_t min = c.rule.params.value("min", 3);
  std::vector<const Record*> q;
  for (const auto* r : c.recs)
    if (kinds.count(r->kind) && about(*r, c.h.person_id)) q.push_back(r);
  size_t start = 0;
  std::optional<int64_t> episode_until;  // a burst already raised covers records up to here
  for (size_t i = 0; i < q.size(); ++i) {
    while (q[i]->occurred_at - q[start]->occurred_at > window) ++start;
    const size_t count = i - start + 1;
    if (count < min || (episode_until && q[i]->occurred_at <= *episode_until)) continue;
    episode_until = q[i]->occurred_at + window;
    if (q[i]->occurred_at < c.since) continue;
    auto& r = c.add(q[i]->occurred_at, *q[i], "rec" + std::to_string(q[i]->id));
    std::string list;
    for (size_t k = start; k <= i; ++k) {
      list += (k > start ? (k == i ? " y " : ", ") : "") + ref(*q[k]);
      r.record_ids.push_back(q[k]->id);
    }
    std::string kinds_es;
    size_t n = 0;
    for (const auto& k : kinds) kinds_es += (n++ ? (n == kinds.size() ? " o " : ", ") : "") + kind_es(k);
    r.explanation = header(c.rule) + std::to_string(count) + " registros de tipo " + kinds_es + " en " +
                    std::to_string(window / kDayMs) + " días: " + list + ".";
  }
}

void order_breach(Ctx& c) {
  for (const auto* b : c.recs) {
    if (b->kind != "order_breach" || !about(*b, c.h.person_id) || b->occurred_at < c.since) continue;
    auto& r = c.add(b->occurred_at, *b, "rec" + std::to_string(b->id));
    r.record_ids = {b->id};
    r.explanation = header(c.rule) + "el registro " + ref(*b) + " informa el incumplimiento de una medida de protección";
    if (auto order = ms_of(b->details, "order_record_id")) {
      r.explanation += " (medida N° " + std::to_string(*order) + ")";
      r.record_ids.push_back(*order);
    }
    r.explanation += ".";
  }
}

void aggressor_victims(Ctx& c) {
  const size_t min = c.rule.params.value("min_victims", 2);
  std::vector<std::pair<int64_t, const Record*>> victims;  // first record linking each victim
  for (const auto* r : c.recs) {
    if (!has_role(*r, c.h.person_id, "aggressor")) continue;
    for (const auto& p : r->persons) {
      if (p.role != "victim" || p.person_id == c.h.person_id) continue;
      if (std::any_of(victims.begin(), victims.end(), [&](const auto& v) { return v.first == p.person_id; })) continue;
      victims.emplace_back(p.person_id, r);
      if (victims.size() < min || r->occurred_at < c.since) continue;
      // One alert per victim beyond the threshold: each new woman linked is news.
      auto& a = c.add(r->occurred_at, *r, "v" + std::to_string(p.person_id));
      std::string list;
      for (size_t k = 0; k < victims.size(); ++k) {
        list += (k ? (k + 1 == victims.size() ? " y " : ", ") : "") + std::string("persona N° ") +
                std::to_string(victims[k].first) + " (registro " + ref(*victims[k].second) + ")";
        if (std::find(a.record_ids.begin(), a.record_ids.end(), victims[k].second->id) == a.record_ids.end())
          a.record_ids.push_back(victims[k].second->id);
      }
      a.explanation = header(c.rule) + "la persona N° " + std::to_string(c.h.person_id) + " figura como agresor de " +
                      std::to_string(victims.size()) + " víctimas distintas: " + list + ".";
    }
  }
}

void referral_unacked(Ctx& c, std::optional<int64_t>* next) {
  const int64_t grace = c.rule.params.value("grace_minutes", 0) * kMinuteMs;
  for (const auto* f : c.recs) {
    if (f->kind != "referral" || !about(*f, c.h.person_id)) continue;
    auto due = ms_of(f->details, "ack_due_at");
    if (!due) continue;
    const int64_t deadline = *due + grace;
    auto acked = ms_of(f->details, "acknowledged_at");
    if (acked && *acked <= deadline) continue;
    if (deadline > c.now) {
      // Acknowledged later than the deadline but before now cannot happen here (deadline > now).
      if (next && (!*next || deadline < **next)) *next = deadline;
      continue;
    }
    if (next || deadline < c.since) continue;
    auto& r = c.add(deadline, *f, "rec" + std::to_string(f->id));
    r.record_ids = {f->id};
    auto to = ms_of(f->details, "to_institution_id");
    if (to) r.also_visible_to.push_back(*to);
    r.explanation = header(c.rule) + "la derivación " + ref(*f) +
                    (to ? " a la institución " + std::to_string(*to) : std::string()) + " debía ser recibida a más tardar el " +
                    format_datetime_cl(*due) +
                    (acked && *acked <= c.now ? " y se recibió recién el " + format_datetime_cl(*acked) + "."
                                              : " y no registra recepción.");
  }
}

void no_followup(Ctx& c, std::optional<int64_t>* next) {
  const int min = cases::risk_rank(c.rule.params.value("level", "vital"));
  const int64_t span = c.rule.params.value("hours", 24) * kHourMs;
  for (size_t i = 0; i < c.recs.size(); ++i) {
    const Record& a = *c.recs[i];
    if (a.kind != "risk_assessment" || !about(a, c.h.person_id)) continue;
    const std::string level = str_of(a.details, "level");
    if (cases::risk_rank(level) < min) continue;
    const int64_t deadline = a.occurred_at + span;
    bool followed = false;
    for (size_t k = i + 1; k < c.recs.size() && c.recs[k]->occurred_at <= deadline && !followed; ++k)
      followed = c.recs[k]->occurred_at > a.occurred_at;
    if (followed) continue;
    if (deadline > c.now) {
      if (next && (!*next || deadline < **next)) *next = deadline;
      continue;
    }
    if (next || deadline < c.since) continue;
    auto& r = c.add(deadline, a, "rec" + std::to_string(a.id));
    r.record_ids = {a.id};
    r.explanation = header(c.rule) + "tras la evaluación de riesgo " + ref(a) + " con nivel «" + level +
                    "» no hay ningún registro de seguimiento de ninguna institución dentro de " +
                    std::to_string(span / kHourMs) + " horas (plazo vencido el " + format_datetime_cl(deadline) + ").";
  }
}

void reassess_overdue(Ctx& c, std::optional<int64_t>* next) {
  const int64_t grace = c.rule.params.value("grace_days", 0) * kDayMs;
  auto list = c.assessments();
  for (size_t i = 0; i < list.size(); ++i) {
    const Record& a = *list[i];
    auto due = ms_of(a.details, "reassess_due_at");
    if (!due) continue;
    const int64_t deadline = *due + grace;
    if (i + 1 < list.size() && list[i + 1]->occurred_at <= deadline) continue;  // re-assessed in time
    if (deadline > c.now) {
      if (next && (!*next || deadline < **next)) *next = deadline;
      continue;
    }
    if (next || deadline < c.since) continue;
    auto& r = c.add(deadline, a, "rec" + std::to_string(a.id));
    r.record_ids = {a.id};
    r.explanation = header(c.rule) + "la evaluación de riesgo " + ref(a) + " (nivel «" + str_of(a.details, "level") +
                    "») debía reevaluarse a más tardar el " + format_date_cl(*due) +
                    (i + 1 < list.size() ? " y la siguiente evaluación se hizo recién el " + format_date_cl(list[i + 1]->occurred_at) + "."
                                         : " y no hay una evaluación posterior.");
  }
}

void run(const Rule& rule, const cases::History& h, int64_t now, int64_t since, std::vector<Raised>& out,
         std::optional<int64_t>* next) {
  Ctx c{rule, h, now, since, {}, out};
  c.recs.reserve(h.records.size());
  for (const auto& r : h.records)
    if (r.occurred_at <= now) c.recs.push_back(&r);
  const auto& t = rule.template_id;
  if (next) {
    if (t == "referral_unacked") referral_unacked(c, next);
    else if (t == "no_followup") no_followup(c, next);
    else if (t == "reassess_overdue") reassess_overdue(c, next);
    return;
  }
  if (t == "risk_raised") risk_raised(c);
  else if (t == "contact_burst") contact_burst(c);
  else if (t == "order_breach") order_breach(c);
  else if (t == "aggressor_victims") aggressor_victims(c);
  else if (t == "referral_unacked") referral_unacked(c, nullptr);
  else if (t == "no_followup") no_followup(c, nullptr);
  else if (t == "reassess_overdue") reassess_overdue(c, nullptr);
}

Error param_error(const std::string& name, const std::string& msg) {
  return Error::invalid("params." + name, msg, "invalid_param");
}

Result<int64_t> int_param(json& p, const std::string& name, int64_t fallback, int64_t min, int64_t max) {
  if (!p.contains(name)) {
    p[name] = fallback;
    return fallback;
  }
  if (!p[name].is_number_integer() || p[name].get<int64_t>() < min || p[name].get<int64_t>() > max)
    return fail(param_error(name, "El parámetro «" + name + "» debe ser un número entero entre " + std::to_string(min) +
                                      " y " + std::to_string(max) + "."));
  return p[name].get<int64_t>();
}

Result<void> level_param(json& p, const std::string& name, const std::string& fallback) {
  if (!p.contains(name)) {
    p[name] = fallback;
    return {};
  }
  if (!p[name].is_string() || cases::risk_rank(p[name].get<std::string>()) < 0)
    return fail(param_error(name, "El parámetro «" + name + "» debe ser un nivel de riesgo: bajo, medio, alto o vital."));
  return {};
}

}  // namespace

const std::vector<std::string>& severities() {
  static const std::vector<std::string> s = {"critica", "alta", "media"};
  return s;
}
int severity_rank(const std::string& s) { return s == "critica" ? 3 : s == "alta" ? 2 : s == "media" ? 1 : 0; }
std::string severity_name_es(const std::string& s) {
  return s == "critica" ? "crítica" : s == "alta" ? "alta" : s == "media" ? "media" : s;
}

const std::vector<std::string>& template_ids() {
  static const std::vector<std::string> t = {"risk_raised",      "contact_burst", "order_breach",    "aggressor_victims",
                                             "referral_unacked", "no_followup",   "reassess_overdue",
                                             "placement_unanswered", "placement_no_entry", "placement_overstay"};
  return t;
}

std::string template_name_es(const std::string& t) {
  static const std::map<std::string, std::string> names = {
      {"risk_raised", "Riesgo elevado a un nivel dado"},
      {"contact_burst", "Contactos o denuncias reiterados en un período"},
      {"order_breach", "Incumplimiento de una medida de protección"},
      {"aggressor_victims", "Agresor vinculado a varias víctimas"},
      {"referral_unacked", "Derivación no recibida en plazo"},
      {"no_followup", "Sin seguimiento tras una evaluación de riesgo alto o vital"},
      {"reassess_overdue", "Reevaluación de riesgo vencida"},
      {"placement_unanswered", "Casa de acogida sin responder una derivación en plazo"},
      {"placement_no_entry", "Derivación aceptada sin ingreso en plazo"},
      {"placement_overstay", "Estadía en casa de acogida sobre el egreso previsto"}};
  auto it = names.find(t);
  return it == names.end() ? t : it->second;
}

bool time_based(const std::string& t) {
  return t == "referral_unacked" || t == "no_followup" || t == "reassess_overdue" || step_template(t);
}
bool step_template(const std::string& t) {
  return t == "placement_unanswered" || t == "placement_no_entry" || t == "placement_overstay";
}

Result<json> validate_params(const std::string& t, const json& params_in) {
  if (std::find(template_ids().begin(), template_ids().end(), t) == template_ids().end())
    return fail(Error::invalid("template", "La plantilla de regla «" + t + "» no existe.", "unknown_template"));
  if (!params_in.is_null() && !params_in.is_object())
    return fail(Error::invalid("params", "Los parámetros deben ser un objeto JSON.", "invalid_type"));
  json p = params_in.is_null() ? json::object() : params_in;
  static const std::map<std::string, std::set<std::string>> allowed = {
      {"risk_raised", {"min_level"}},         {"contact_burst", {"kinds", "window_days", "min"}},
      {"order_breach", {}},                   {"aggressor_victims", {"min_victims"}},
      {"referral_unacked", {"grace_minutes"}}, {"no_followup", {"level", "hours"}},
      {"reassess_overdue", {"grace_days"}},   {"placement_unanswered", {"grace_minutes"}},
      {"placement_no_entry", {"grace_minutes"}}, {"placement_overstay", {"grace_days"}}};
  for (auto it = p.begin(); it != p.end(); ++it)
    if (!allowed.at(t).count(it.key()))
      return fail(param_error(it.key(), "La plantilla «" + template_name_es(t) + "» no tiene el parámetro «" + it.key() + "»."));
  if (t == "risk_raised") {
    if (auto ok = level_param(p, "min_level", "alto"); !ok) return fail(ok.error());
  } else if (t == "contact_burst") {
    if (!p.contains("kinds")) p["kinds"] = {"contact", "complaint"};
    if (!p["kinds"].is_array() || p["kinds"].empty())
      return fail(param_error("kinds", "Indique al menos un tipo de registro en «kinds»."));
    std::set<std::string> seen;
    for (const auto& k : p["kinds"]) {
      const auto& kinds = cases::record_kinds();
      if (!k.is_string() || std::find(kinds.begin(), kinds.end(), k.get<std::string>()) == kinds.end())
        return fail(param_error("kinds", "Tipo de registro desconocido en «kinds»: " + k.dump() + "."));
      if (!seen.insert(k.get<std::string>()).second)
        return fail(param_error("kinds", "Tipo de registro repetido en «kinds»: " + k.dump() + "."));
    }
    if (auto v = int_param(p, "window_days", 30, 1, 365); !v) return fail(v.error());
    if (auto v = int_param(p, "min", 3, 2, 100); !v) return fail(v.error());
  } else if (t == "aggressor_victims") {
    if (auto v = int_param(p, "min_victims", 2, 2, 20); !v) return fail(v.error());
  } else if (t == "referral_unacked") {
    if (auto v = int_param(p, "grace_minutes", 0, 0, 7 * 24 * 60); !v) return fail(v.error());
  } else if (t == "no_followup") {
    if (auto ok = level_param(p, "level", "vital"); !ok) return fail(ok.error());
    if (auto v = int_param(p, "hours", 24, 1, 24 * 30); !v) return fail(v.error());
  } else if (t == "reassess_overdue" || t == "placement_overstay") {
    if (auto v = int_param(p, "grace_days", 0, 0, 90); !v) return fail(v.error());
  } else if (t == "placement_unanswered" || t == "placement_no_entry") {
    if (auto v = int_param(p, "grace_minutes", 0, 0, 7 * 24 * 60); !v) return fail(v.error());
  }
  return p;
}

Result<Rule> validate_rule(Rule rule) {
  rule.name_es = trim(rule.name_es);
  if (rule.name_es.empty()) return fail(Error::invalid("name_es", "Indique el nombre de la regla.", "required"));
  if (rule.name_es.size() > 200) return fail(Error::invalid("name_es", "El nombre admite como máximo 200 caracteres.", "too_long"));
  if (severity_rank(rule.severity) == 0)
    return fail(Error::invalid("severity", "La severidad debe ser «critica», «alta» o «media».", "invalid_severity"));
  if (rule.take_within_minutes < 1 || rule.take_within_minutes > 7 * 24 * 60)
    return fail(Error::invalid("take_within_minutes",
                               "El plazo para tomar la alerta debe estar entre 1 minuto y 7 días (10080 minutos).",
                               "invalid_param"));
  auto p = validate_params(rule.template_id, rule.params);
  if (!p) return fail(p.error());
  rule.params = std::move(*p);
  return rule;
}

std::vector<Raised> evaluate(const std::vector<Rule>& rules, const cases::History& history, int64_t now) {
  return evaluate(rules, history, now, std::numeric_limits<int64_t>::min());
}

std::vector<Raised> evaluate(const std::vector<Rule>& rules, const cases::History& history, int64_t now, int64_t since) {
  std::vector<Raised> out;
  for (const auto& rule : rules)
    if (rule.enabled) run(rule, history, now, since, out, nullptr);
  return out;
}

std::vector<Raised> evaluate_step(const std::vector<Rule>& rules, const Step& step, int64_t now) {
  std::vector<Raised> out;
  for (const auto& rule : rules) {
    if (!rule.enabled || rule.template_id != step.template_id) continue;
    const int64_t grace = rule.template_id == "placement_overstay" ? rule.params.value("grace_days", 0) * kDayMs
                                                                   : rule.params.value("grace_minutes", 0) * kMinuteMs;
    const int64_t deadline = step.due_at + grace;
    if (deadline > now) continue;
    Raised r = raised_by(rule, step.person_id, deadline);
    r.dedup_key = "step:" + step.key;  // one alert per step, whichever rule (or version) raises it
    r.institution_id = step.institution_id;
    r.also_visible_to = step.also_visible_to;
    const char* missing = rule.template_id == "placement_unanswered" ? " y la casa no ha respondido (aceptar o rechazar con un motivo)."
                          : rule.template_id == "placement_no_entry" ? " y no se registra su ingreso a la casa."
                                                                     : " y no se registra su egreso.";
    r.explanation = header(rule) + step.what + " vencía el " + format_datetime_cl(step.due_at) + missing;
    out.push_back(std::move(r));
    break;  // one condition per step
  }
  return out;
}

std::optional<int64_t> next_deadline(const std::vector<Rule>& rules, const cases::History& history, int64_t now) {
  std::optional<int64_t> next;
  std::vector<Raised> unused;
  for (const auto& rule : rules)
    if (rule.enabled && time_based(rule.template_id)) run(rule, history, now, now, unused, &next);
  return next;
}

}  // namespace eq::alerts
