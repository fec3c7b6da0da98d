// Hand-built histories and the shipped rules, for the alert tests.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "alerts/rules.h"
#include "cases/model.h"
#include "core/time.h"

namespace eq::alerts::testing {

constexpr int64_t kWoman = 100, kMan = 200, kOther = 300;
constexpr int64_t kHour = 60LL * 60 * 1000, kDay = 24 * kHour;
constexpr int64_t kT0 = 1772366400000LL;  // 01-03-2026 12:00 UTC

inline std::string format_cl(int64_t ms) { return format_date_cl(ms); }

inline cases::Record record(int64_t id, const std::string& kind, int64_t at, int64_t institution,
                            std::vector<cases::PersonRef> persons = {{kWoman, "victim"}}) {
  cases::Record r;
  r.id = id;
  r.kind = kind;
  r.institution_id = institution;
  r.occurred_at = at;
  r.recorded_at = at;
  r.persons = std::move(persons);
  return r;
}

// What risk::assess stores, reduced to what the rules read.
inline cases::Record assessment(int64_t id, int64_t at, const std::string& level, int64_t institution,
                                int64_t person = kWoman) {
  auto r = record(id, "risk_assessment", at, institution, {{person, "victim"}});
  const int days = level == "vital" ? 7 : level == "alto" ? 30 : level == "medio" ? 60 : 90;
  r.details = {{"level", level}, {"computed_level", level}, {"reassess_due_at", at + days * kDay}};
  return r;
}

// The rules the migration seeds (same ids, names, severities and default params).
inline Rule seed_rule(const std::string& template_id) {
  struct S {
    const char* t;
    int64_t id;
    const char* name;
    const char* severity;
  };
  static const S seeds[] = {{"risk_raised", 1, "Riesgo elevado a alto o vital", "critica"},
                            {"contact_burst", 2, "Tres o más contactos o denuncias en 30 días", "alta"},
                            {"order_breach", 3, "Incumplimiento de una medida de protección", "critica"},
                            {"aggressor_victims", 4, "Agresor vinculado a dos o más víctimas", "alta"},
                            {"referral_unacked", 5, "Derivación no recibida dentro del plazo", "alta"},
                            {"no_followup", 6, "Sin seguimiento dentro de 24 horas tras una evaluación de riesgo vital", "critica"},
                            {"reassess_overdue", 7, "Reevaluación de riesgo vencida", "media"}};
  Rule r;
  for (const auto& s : seeds)
    if (template_id == s.t) {
      r.id = s.id;
      r.name_es = s.name;
      r.severity = s.severity;
    }
  r.template_id = template_id;
  r.params = *validate_params(template_id, nlohmann::json::object());
  return r;
}

// A woman's busy history: contacts, complaints, assessments going up and down, referrals (some
// acknowledged late), an order and its breach. Deterministic.
inline cases::History busy_history(int64_t person, int n, int64_t start = kT0, int64_t first_id = 1) {
  cases::History h{person, "13101", {}};
  uint64_t x = 88172645463325252ULL + static_cast<uint64_t>(person);
  auto next = [&] {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x;
  };
  static const char* levels[] = {"bajo", "medio", "alto", "vital"};
  int64_t t = start;
  for (int i = 0; i < n; ++i) {
    t += static_cast<int64_t>(next() % (9 * 24)) * kHour;
    const int64_t id = first_id + i;
    const int64_t inst = 1 + static_cast<int64_t>(next() % 4);
    switch (next() % 7) {
      case 0:
      case 1: h.records.push_back(record(id, "contact", t, inst, {{person, "victim"}})); break;
      case 2: h.records.push_back(record(id, "complaint", t, inst, {{person, "victim"}, {kMan, "aggressor"}})); break;
      case 3: h.records.push_back(assessment(id, t, levels[next() % 4], inst, person)); break;
      case 4: {
        auto r = record(id, "referral", t, inst, {{person, "victim"}});
        const int64_t due = t + 4 * kHour;
        r.details = {{"to_institution_id", 5}, {"ack_due_at", due},
                     {"acknowledged_at", next() % 2 ? nlohmann::json(due + static_cast<int64_t>(next() % 8) * kHour - 4 * kHour)
                                                    : nlohmann::json(nullptr)}};
        h.records.push_back(r);
        break;
      }
      case 5: h.records.push_back(record(id, "protective_order", t, inst, {{person, "victim"}, {kMan, "aggressor"}})); break;
      default: {
        auto r = record(id, "order_breach", t, inst, {{person, "victim"}, {kMan, "aggressor"}});
        r.details = {{"order_record_id", id - 1}};
        h.records.push_back(r);
      }
    }
  }
  return h;
}

}  // namespace eq::alerts::testing
