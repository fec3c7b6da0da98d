// Schema of the early-alert engine and the rules it ships with.
#include "alerts/module.h"
#include "core/time.h"
#include "store/query.h"

namespace eq::alerts {

namespace {

struct Seed {
  int64_t id;
  const char* name_es;
  const char* template_id;
  const char* params;
  const char* severity;
  int take_within_minutes;
};

// The seven rules of the issue. Times to take an alert follow severity: a life at risk cannot wait
// for the next working day.
const Seed kSeeds[] = {
    {1, "Riesgo elevado a alto o vital", "risk_raised", R"({"min_level":"alto"})", "critica", 30},
    {2, "Tres o más contactos o denuncias en 30 días", "contact_burst",
     R"({"kinds":["contact","complaint"],"window_days":30,"min":3})", "alta", 240},
    {3, "Incumplimiento de una medida de protección", "order_breach", "{}", "critica", 30},
    {4, "Agresor vinculado a dos o más víctimas", "aggressor_victims", R"({"min_victims":2})", "alta", 240},
    {5, "Derivación no recibida dentro del plazo", "referral_unacked", R"({"grace_minutes":0})", "alta", 120},
    {6, "Sin seguimiento dentro de 24 horas tras una evaluación de riesgo vital", "no_followup",
     R"({"level":"vital","hours":24})", "critica", 30},
    {7, "Reevaluación de riesgo vencida", "reassess_overdue", R"({"grace_days":0})", "media", 1440},
};

// The deadlines of a referral to a place (network of care), watched by the engine (issue 17). A
// house's silence delays a woman waiting for a safe place: answered within the hour.
const Seed kStepSeeds[] = {
    {8, "Casa de acogida sin responder una derivación dentro del plazo", "placement_unanswered", R"({"grace_minutes":0})", "alta", 60},
    {9, "Derivación a casa de acogida aceptada sin ingreso dentro del plazo", "placement_no_entry", R"({"grace_minutes":0})", "alta", 240},
    {10, "Estadía en casa de acogida más allá del egreso previsto", "placement_overstay", R"({"grace_days":0})", "media", 1440},
};

void seed(soci::session& s, const Seed& r) {
  store::Query("INSERT INTO alerts_rules(id, version, name_es, template, params, severity, enabled, "
               "take_within_minutes, created_at) VALUES(:id, 1, :name, :tpl, :params, :sev, 1, :take, :now)")
      .bind("id", static_cast<long long>(r.id))
      .bind("name", r.name_es)
      .bind("tpl", r.template_id)
      .bind("params", r.params)
      .bind("sev", r.severity)
      .bind("take", static_cast<long long>(r.take_within_minutes))
      .bind("now", static_cast<long long>(now_ms()))
      .exec(s);
}

}  // namespace

std::vector<store::Migration> migrations() {
  std::vector<store::Migration> out;
  out.push_back(store::sql_migration(
      "alerts", 1, "rules, alerts, events, visibility and deadlines",
      {// A rule is (id, version); an edit adds a version and never changes an old one.
       "CREATE TABLE alerts_rules (id {{bigint}} NOT NULL, version INTEGER NOT NULL, name_es TEXT NOT NULL, "
       "template TEXT NOT NULL, params TEXT NOT NULL, severity TEXT NOT NULL CHECK (severity IN ('critica', 'alta', 'media')), "
       "enabled INTEGER NOT NULL, take_within_minutes INTEGER NOT NULL, created_at {{bigint}} NOT NULL, "
       "created_by {{bigint}}, PRIMARY KEY (id, version))",
       "CREATE TABLE alerts (id {{pk}}, rule_id {{bigint}} NOT NULL, rule_version INTEGER NOT NULL, template TEXT NOT NULL, "
       "severity TEXT NOT NULL, severity_rank INTEGER NOT NULL, person_id {{bigint}} NOT NULL, explanation TEXT NOT NULL, "
       "dedup_key TEXT NOT NULL UNIQUE, institution_id {{bigint}} NOT NULL, comuna_id TEXT, record_ids TEXT NOT NULL, "
       "trigger_at {{bigint}} NOT NULL, raised_at {{bigint}} NOT NULL, "
       "state TEXT NOT NULL CHECK (state IN ('nueva', 'en_gestion', 'cerrada')), escalation_level INTEGER NOT NULL, "
       "escalated_at {{bigint}}, take_within_minutes INTEGER NOT NULL, take_due_at {{bigint}} NOT NULL, "
       "taken_by {{bigint}}, taken_at {{bigint}}, closed_by {{bigint}}, closed_at {{bigint}}, outcome TEXT, "
       "FOREIGN KEY (rule_id, rule_version) REFERENCES alerts_rules(id, version))",
       "CREATE INDEX alerts_person ON alerts(person_id)",
       "CREATE INDEX alerts_state_due ON alerts(state, take_due_at)",
       "CREATE INDEX alerts_institution ON alerts(institution_id)",
       "CREATE INDEX alerts_order ON alerts(severity_rank, raised_at, id)",
       "CREATE TABLE alerts_events (id {{pk}}, alert_id {{bigint}} NOT NULL REFERENCES alerts(id), at {{bigint}} NOT NULL, "
       "kind TEXT NOT NULL CHECK (kind IN ('raised', 'taken', 'closed', 'escalated')), user_id {{bigint}}, "
       "institution_id {{bigint}}, note TEXT, outcome TEXT, escalation_level INTEGER NOT NULL)",
       "CREATE INDEX alerts_events_alert ON alerts_events(alert_id, id)",
       // Institutions serving each person with alerts, copied at raise time so the inbox query
       // never reaches into the registry's tables.
       "CREATE TABLE alerts_person_institutions (person_id {{bigint}} NOT NULL, institution_id {{bigint}} NOT NULL, "
       "since {{bigint}} NOT NULL, PRIMARY KEY (person_id, institution_id))",
       "CREATE INDEX alerts_person_institutions_inst ON alerts_person_institutions(institution_id, person_id)",
       // The earliest future deadline per person (referral ack, follow-up, re-assessment): the
       // sweep reads only what is due.
       "CREATE TABLE alerts_watches (person_id {{bigint}} PRIMARY KEY, due_at {{bigint}} NOT NULL)",
       "CREATE INDEX alerts_watches_due ON alerts_watches(due_at)"}));
  out.push_back({"alerts", 2, "seed rules", [](soci::session& s, const store::MigrationContext&) {
                   for (const auto& r : kSeeds) seed(s, r);
                 }});
  // Steps other modules run, with their deadline, until done (then deleted) or raised (raised_at).
  out.push_back(store::sql_migration(
      "alerts", 3, "deadlines of steps run by other modules (referral to a place)",
      {"CREATE TABLE alerts_steps (step_key TEXT PRIMARY KEY, template TEXT NOT NULL, person_id {{bigint}} NOT NULL, "
       "institution_id {{bigint}} NOT NULL, visible_to TEXT NOT NULL, due_at {{bigint}} NOT NULL, what TEXT NOT NULL, "
       "raised_at {{bigint}})",
       "CREATE INDEX alerts_steps_due ON alerts_steps(raised_at, due_at)"}));
  out.push_back({"alerts", 4, "rules of the referral-to-a-place steps", [](soci::session& s, const store::MigrationContext&) {
                   for (const auto& r : kStepSeeds) seed(s, r);
                 }});
  return out;
}

}  // namespace eq::alerts
