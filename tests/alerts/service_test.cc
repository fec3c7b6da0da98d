// Storage, workflow, visibility, sweep and dry run of the alert service on SQLite and PostgreSQL,
// with a fake registry behind HistorySource.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "../support/databases.h"
#include "alerts/module.h"
#include "histories.h"
#include "store/query.h"

namespace eq::alerts {
namespace {

using nlohmann::json;
using namespace eq::alerts::testing;

class FakeRegistry : public HistorySource {
 public:
  std::map<int64_t, cases::History> people;
  int history_calls = 0;

  cases::History history(soci::session&, int64_t person_id) override {
    ++history_calls;
    auto it = people.find(person_id);
    return it == people.end() ? cases::History{person_id, "", {}} : it->second;
  }
  std::vector<int64_t> person_ids(soci::session&) override {
    std::vector<int64_t> out;
    for (const auto& [id, h] : people) out.push_back(id);
    return out;
  }
  std::vector<int64_t> institutions_serving(soci::session&, int64_t person_id) override {
    std::set<int64_t> out;
    for (const auto& r : people[person_id].records) out.insert(r.institution_id);
    return {out.begin(), out.end()};
  }
  // Adds the record to the history of each of its persons.
  void add(const cases::Record& r) {
    for (const auto& p : r.persons) {
      auto& h = people[p.person_id];
      h.person_id = p.person_id;
      h.comuna_id = "13101";
      h.records.push_back(r);
    }
  }
};

class AlertStore : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    auto db = store::Database::open({eq::testing::fresh_url(GetParam()), 2});
    ASSERT_TRUE(db) << db.error().message;
    db_ = std::move(*db);
    auto all = audit::migrations();
    for (auto& m : migrations()) all.push_back(std::move(m));
    auto applied = store::apply_migrations(*db_, all, "");
    ASSERT_TRUE(applied) << applied.error().message;
    log_ = std::make_unique<audit::Log>(*db_);
    svc_ = std::make_unique<Service>(*db_, *log_, registry_);
  }

  // What the registry does: store the record (here: in the fake) and call on_record in a transaction.
  std::vector<Alert> submit(const cases::Record& r, int64_t now) {
    registry_.add(r);
    auto out = db_->transaction<std::vector<Alert>>([&](soci::session& s) -> Result<std::vector<Alert>> {
      return svc_->on_record(s, r, now);
    });
    EXPECT_TRUE(out) << out.error().message;
    return out ? *out : std::vector<Alert>();
  }
  int64_t count(const std::string& sql) {
    auto lease = db_->lease();
    return store::Query(sql).scalar(**lease).value_or(-1);
  }
  template <typename T>
  Result<T> tx(const std::function<Result<T>(soci::session&)>& fn) {
    return db_->transaction<T>(fn);
  }
  cases::Record breach(int64_t id, int64_t at, int64_t inst) {
    auto r = record(id, "order_breach", at, inst, {{kWoman, "victim"}, {kMan, "aggressor"}});
    r.comuna_id = "13110";
    r.details = {{"order_record_id", 1}};
    return r;
  }

  FakeRegistry registry_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<audit::Log> log_;
  std::unique_ptr<Service> svc_;
  const Actor a_worker{11, 1, "10.0.0.1"}, c_worker{33, 3, "10.0.0.3"};
};

TEST_P(AlertStore, MigrationSeedsTheSevenRulesAndTheThreePlacementSteps) {
  auto lease = db_->lease();
  auto rules = svc_->rules(**lease);
  ASSERT_EQ(rules.size(), 10u);
  std::set<std::string> templates;
  for (const auto& r : rules) {
    templates.insert(r.template_id);
    EXPECT_EQ(r.version, 1);
    EXPECT_TRUE(r.enabled);
    EXPECT_TRUE(validate_rule(r)) << r.template_id;
  }
  EXPECT_EQ(templates.size(), 10u);
  for (const char* t : {"placement_unanswered", "placement_no_entry", "placement_overstay"}) EXPECT_TRUE(templates.count(t)) << t;
}

// A step run by another module (a house answering an offer of a place): raised once when its
// deadline passes (never before, never twice), seen by the responsible and the house's institution
// only, closed by itself with an event and an audit entry when the step is done.
TEST_P(AlertStore, StepDeadlineRaisesOnceAndClosesWhenDone) {
  Step step;
  step.key = "care_placement:7:answer";
  step.template_id = "placement_unanswered";
  step.person_id = kWoman;
  step.institution_id = 1;       // the referring institution
  step.also_visible_to = {2};    // the house's
  step.due_at = kT0 + 4 * kHour;
  step.what = "la respuesta de Casa de Acogida Prueba a la derivación N° 7";
  ASSERT_TRUE(tx<void>([&](soci::session& s) -> Result<void> {
    svc_->watch_step(s, step);
    return {};
  }));
  ASSERT_TRUE(svc_->sweep(kT0 + 4 * kHour - 1));
  EXPECT_EQ(count("SELECT COUNT(*) FROM alerts"), 0) << "not before its deadline";
  auto n = svc_->sweep(kT0 + 4 * kHour);
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 1);
  ASSERT_TRUE(svc_->sweep(kT0 + 5 * kHour));
  ASSERT_TRUE(svc_->sweep(kT0 + 6 * kHour));
  EXPECT_EQ(count("SELECT COUNT(*) FROM alerts WHERE template = 'placement_unanswered'"), 1) << "no duplicate on later sweeps";
  int64_t id = 0;
  {
    auto lease = db_->lease();
    auto page = svc_->list(**lease, 1, {});
    ASSERT_EQ(page.total, 1);
    const Alert& a = page.items[0];
    id = a.id;
    EXPECT_EQ(a.rule_id, 8);
    EXPECT_EQ(a.severity, "alta");
    EXPECT_EQ(a.dedup_key, "step:care_placement:7:answer");
    EXPECT_NE(a.explanation.find("derivación N° 7 vencía el"), std::string::npos) << a.explanation;
    EXPECT_NE(a.explanation.find("la casa no ha respondido"), std::string::npos) << a.explanation;
    EXPECT_TRUE(svc_->get(**lease, id, 2)) << "the house's institution";
    EXPECT_FALSE(svc_->get(**lease, id, 3)) << "another institution";
    EXPECT_EQ(svc_->list(**lease, 3, {}).total, 0);
  }
  auto closed = tx<int>([&](soci::session& s) -> Result<int> { return svc_->step_done(s, step.key, "La casa aceptó.", kT0 + 7 * kHour); });
  ASSERT_TRUE(closed);
  EXPECT_EQ(*closed, 1);
  {
    auto lease = db_->lease();
    auto a = svc_->get(**lease, id, 1);
    ASSERT_TRUE(a);
    EXPECT_EQ(a->state, "cerrada");
    EXPECT_EQ(a->outcome, kStepDone);
    EXPECT_EQ(a->closed_at, kT0 + 7 * kHour);
    EXPECT_EQ(to_json(*a)["outcome_name"], outcome_name_es(kStepDone));
    auto ev = svc_->events(**lease, id);
    ASSERT_EQ(ev.back().kind, "closed");
    EXPECT_EQ(ev.back().note, "La casa aceptó.");
  }
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action = 'alert.step_done'"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM alerts_steps"), 0);
  // Done again (a retried request): nothing more.
  auto again = tx<int>([&](soci::session& s) -> Result<int> { return svc_->step_done(s, step.key, "otra vez", kT0 + 8 * kHour); });
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, 0);
}

TEST_P(AlertStore, StepDoneInTimeRaisesNothingAndGraceDelays) {
  Step step{"care_placement:9:entry", "placement_no_entry", kWoman, 1, {2}, kT0 + kHour, "el ingreso a Casa de Acogida Prueba"};
  ASSERT_TRUE(tx<void>([&](soci::session& s) -> Result<void> {
    svc_->watch_step(s, step);
    return {};
  }));
  ASSERT_TRUE(tx<int>([&](soci::session& s) -> Result<int> { return svc_->step_done(s, step.key, "Ingresó.", kT0 + 30 * 60 * 1000); }));
  ASSERT_TRUE(svc_->sweep(kT0 + 2 * kHour));
  EXPECT_EQ(count("SELECT COUNT(*) FROM alerts"), 0);
  // A rule with 60 minutes of grace: the next step raises an hour after its deadline, not before.
  ASSERT_TRUE(tx<RuleVersion>([&](soci::session& s) { return svc_->update_rule(s, 9, json{{"params", {{"grace_minutes", 60}}}}, a_worker, kT0); }));
  step.key = "care_placement:10:entry";
  ASSERT_TRUE(tx<void>([&](soci::session& s) -> Result<void> {
    svc_->watch_step(s, step);
    return {};
  }));
  ASSERT_TRUE(svc_->sweep(kT0 + 90 * 60 * 1000));
  EXPECT_EQ(count("SELECT COUNT(*) FROM alerts"), 0);
  ASSERT_TRUE(svc_->sweep(kT0 + 2 * kHour));
  EXPECT_EQ(count("SELECT COUNT(*) FROM alerts WHERE template = 'placement_no_entry' AND rule_version = 2"), 1);
  // The templates' parameters are checked as every template's.
  EXPECT_FALSE(validate_params("placement_overstay", json{{"grace_minutes", 5}}));
  EXPECT_TRUE(validate_params("placement_overstay", json{{"grace_days", 5}}));
}

TEST_P(AlertStore, RecordRaisesOnceWithEventAndAuditEntry) {
  submit(record(1, "protective_order", kT0, 1, {{kWoman, "victim"}, {kMan, "aggressor"}}), kT0);
  auto raised = submit(breach(2, kT0 + kDay, 1), kT0 + kDay);
  ASSERT_EQ(raised.size(), 1u);
  const Alert& a = raised[0];
  EXPECT_EQ(a.person_id, kWoman);
  EXPECT_EQ(a.rule_id, 3);
  EXPECT_EQ(a.rule_version, 1);
  EXPECT_EQ(a.rule_name, "Incumplimiento de una medida de protección");
  EXPECT_EQ(a.severity, "critica");
  EXPECT_EQ(a.state, "nueva");
  EXPECT_EQ(a.institution_id, 1);
  EXPECT_EQ(a.comuna_id, "13110");
  EXPECT_EQ(a.record_ids, (std::vector<int64_t>{2, 1}));
  EXPECT_EQ(a.take_due_at, kT0 + kDay + 30 * 60 * 1000);
  // The same record again (an update) raises nothing new.
  EXPECT_TRUE(submit(breach(2, kT0 + kDay, 1), kT0 + kDay + 1000).empty());
  EXPECT_EQ(count("SELECT COUNT(*) FROM alerts"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM alerts_events WHERE kind = 'raised'"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action = 'alert.raise'"), 1);
  auto lease = db_->lease();
  EXPECT_EQ(svc_->open_alerts(**lease, kWoman, 0).size(), 1u);
  EXPECT_TRUE(svc_->open_alerts(**lease, kMan, 0).empty());
}

TEST_P(AlertStore, WorkflowTransitionsAreCheckedAndAudited) {
  auto raised = submit(breach(2, kT0, 1), kT0);
  ASSERT_EQ(raised.size(), 1u);
  const int64_t id = raised[0].id;

  auto early_close = tx<Alert>([&](soci::session& s) { return svc_->close(s, id, a_worker, "contacto_realizado", "Llamada", kT0); });
  ASSERT_FALSE(early_close);
  EXPECT_EQ(early_close.error().status, 409);
  EXPECT_NE(early_close.error().message.find("tómela primero"), std::string::npos);

  auto taken = tx<Alert>([&](soci::session& s) { return svc_->take(s, id, a_worker, "La llamo ahora", kT0 + 60000); });
  ASSERT_TRUE(taken) << taken.error().message;
  EXPECT_EQ(taken->state, "en_gestion");
  EXPECT_EQ(taken->taken_by, 11);

  const Actor colleague{12, 1, "10.0.0.4"};
  auto again = tx<Alert>([&](soci::session& s) { return svc_->take(s, id, colleague, "", kT0 + 70000); });
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().status, 409);

  auto bad_outcome = tx<Alert>([&](soci::session& s) { return svc_->close(s, id, a_worker, "resuelta", "Listo", kT0); });
  ASSERT_FALSE(bad_outcome);
  EXPECT_EQ(bad_outcome.error().status, 422);
  EXPECT_EQ(bad_outcome.error().field, "outcome");
  auto no_note = tx<Alert>([&](soci::session& s) { return svc_->close(s, id, a_worker, "contacto_realizado", "  ", kT0); });
  ASSERT_FALSE(no_note);
  EXPECT_EQ(no_note.error().field, "note");

  auto closed = tx<Alert>([&](soci::session& s) {
    return svc_->close(s, id, a_worker, "medida_proteccion_solicitada", "Se pidió ampliar la medida", kT0 + 120000);
  });
  ASSERT_TRUE(closed) << closed.error().message;
  EXPECT_EQ(closed->state, "cerrada");
  EXPECT_EQ(closed->outcome, "medida_proteccion_solicitada");

  auto twice = tx<Alert>([&](soci::session& s) { return svc_->close(s, id, a_worker, "duplicada", "otra vez", kT0); });
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().status, 409);
  auto take_closed = tx<Alert>([&](soci::session& s) { return svc_->take(s, id, a_worker, "", kT0); });
  EXPECT_EQ(take_closed.error().status, 409);

  auto lease = db_->lease();
  auto events = svc_->events(**lease, id);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].kind, "raised");
  EXPECT_EQ(events[1].kind, "taken");
  EXPECT_EQ(events[1].note, "La llamo ahora");
  EXPECT_EQ(events[2].kind, "closed");
  EXPECT_EQ(events[2].outcome, "medida_proteccion_solicitada");
  EXPECT_TRUE(svc_->open_alerts(**lease, kWoman, 0).empty());
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action IN ('alert.take', 'alert.close')"), 2);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action = 'alert.take' AND actor_user_id = 11"), 1);
}

TEST_P(AlertStore, OnlyResponsibleOrServingInstitutionsSeeAnAlert) {
  submit(record(1, "contact", kT0, 2), kT0);  // institution 2 serves her
  auto raised = submit(breach(2, kT0 + kHour, 1), kT0 + kHour);  // institution 1 is responsible
  ASSERT_EQ(raised.size(), 1u);
  const int64_t id = raised[0].id;
  {
    auto lease = db_->lease();
    EXPECT_TRUE(svc_->get(**lease, id, 1));
    EXPECT_TRUE(svc_->get(**lease, id, 2));
    EXPECT_FALSE(svc_->get(**lease, id, 3));
    EXPECT_EQ(svc_->list(**lease, 2, {}).total, 1);
    EXPECT_EQ(svc_->list(**lease, 3, {}).total, 0);
    auto not_yours = svc_->take(**lease, id, c_worker, "", kT0);
    ASSERT_FALSE(not_yours);
    EXPECT_EQ(not_yours.error().status, 404);
  }
  // Institution 3 starts serving her: it sees her alerts from then on.
  submit(record(3, "shelter_entry", kT0 + 2 * kHour, 3), kT0 + 2 * kHour);
  auto l2 = db_->lease();
  EXPECT_TRUE(svc_->get(**l2, id, 3));
}

TEST_P(AlertStore, ListFiltersPagesAndPutsTheMostSevereFirst) {
  submit(record(1, "contact", kT0, 1), kT0);
  submit(record(2, "contact", kT0 + kDay, 1), kT0 + kDay);
  auto burst = submit(record(3, "complaint", kT0 + 2 * kDay, 1), kT0 + 2 * kDay);  // alta
  ASSERT_EQ(burst.size(), 1u);
  auto crit = submit(breach(4, kT0 + 3 * kDay, 1), kT0 + 3 * kDay);  // critica
  ASSERT_EQ(crit.size(), 1u);
  auto lease = db_->lease();
  auto all = svc_->list(**lease, 1, {});
  ASSERT_EQ(all.total, 2);
  EXPECT_EQ(all.items[0].severity, "critica");
  EXPECT_EQ(all.items[1].severity, "alta");
  ListFilter f;
  f.severity = "alta";
  EXPECT_EQ(svc_->list(**lease, 1, f).total, 1);
  f = {};
  f.comuna_id = "13110";
  EXPECT_EQ(svc_->list(**lease, 1, f).total, 1);
  f = {};
  f.state = "cerrada";
  EXPECT_EQ(svc_->list(**lease, 1, f).total, 0);
  f = {};
  f.escalated = true;
  EXPECT_EQ(svc_->list(**lease, 1, f).total, 0);
  f = {};
  f.per_page = 1;
  f.page = 2;
  auto p2 = svc_->list(**lease, 1, f);
  EXPECT_EQ(p2.total, 2);
  ASSERT_EQ(p2.items.size(), 1u);
  EXPECT_EQ(p2.items[0].severity, "alta");
}

TEST_P(AlertStore, SweepFiresDeadlinesFromTheWatchListAndEscalates) {
  auto ref = record(1, "referral", kT0, 1);
  ref.details = {{"to_institution_id", 4}, {"ack_due_at", kT0 + 4 * kHour}, {"acknowledged_at", nullptr}};
  EXPECT_TRUE(submit(ref, kT0).empty());
  EXPECT_EQ(count("SELECT due_at FROM alerts_watches WHERE person_id = 100"), kT0 + 4 * kHour);

  auto before = svc_->sweep(kT0 + 4 * kHour - 1);
  ASSERT_TRUE(before);
  EXPECT_EQ(*before, 0);
  const int calls = registry_.history_calls;
  auto at = svc_->sweep(kT0 + 4 * kHour + 1000);
  ASSERT_TRUE(at) << at.error().message;
  EXPECT_EQ(*at, 1);
  EXPECT_EQ(registry_.history_calls, calls + 1);  // only the person with a due deadline
  EXPECT_EQ(count("SELECT COUNT(*) FROM alerts_watches"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM alerts WHERE rule_id = 5"), 1);
  // The institution the referral went to sees it.
  {
    auto lease = db_->lease();
    ListFilter f;
    EXPECT_EQ(svc_->list(**lease, 4, f).total, 1);
  }

  // Not taken within 120 minutes (rule 5): escalates, and again one period later.
  EXPECT_EQ(*svc_->sweep(kT0 + 4 * kHour + 119 * 60 * 1000), 0);
  EXPECT_EQ(*svc_->sweep(kT0 + 6 * kHour + 2000), 1);
  EXPECT_EQ(count("SELECT escalation_level FROM alerts"), 1);
  EXPECT_EQ(*svc_->sweep(kT0 + 6 * kHour + 3000), 0);
  EXPECT_EQ(*svc_->sweep(kT0 + 8 * kHour + 3000), 1);
  EXPECT_EQ(count("SELECT escalation_level FROM alerts"), 2);
  EXPECT_EQ(count("SELECT COUNT(*) FROM alerts_events WHERE kind = 'escalated'"), 2);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action = 'alert.escalate'"), 2);
  {
    auto lease = db_->lease();
    ListFilter f;
    f.escalated = true;
    EXPECT_EQ(svc_->list(**lease, 1, f).total, 1);
    // Taken alerts stop escalating.
    ASSERT_TRUE(svc_->take(**lease, svc_->list(**lease, 1, f).items[0].id, a_worker, "", kT0 + 9 * kHour));
  }
  EXPECT_EQ(*svc_->sweep(kT0 + 20 * kHour), 0);
}

TEST_P(AlertStore, VitalAssessmentWithoutFollowUpAndOverdueReassessment) {
  submit(assessment(1, kT0, "vital", 2), kT0);
  EXPECT_EQ(count("SELECT due_at FROM alerts_watches WHERE person_id = 100"), kT0 + 24 * kHour);
  EXPECT_EQ(count("SELECT COUNT(*) FROM alerts WHERE rule_id = 1"), 1);  // first assessment, vital
  ASSERT_TRUE(svc_->sweep(kT0 + 24 * kHour - 1));
  EXPECT_EQ(count("SELECT COUNT(*) FROM alerts WHERE rule_id = 6"), 0);
  ASSERT_TRUE(svc_->sweep(kT0 + 24 * kHour));
  EXPECT_EQ(count("SELECT COUNT(*) FROM alerts WHERE rule_id = 6"), 1);  // no follow-up
  EXPECT_EQ(count("SELECT due_at FROM alerts_watches WHERE person_id = 100"), kT0 + 7 * kDay);
  ASSERT_TRUE(svc_->sweep(kT0 + 7 * kDay - 1));
  EXPECT_EQ(count("SELECT COUNT(*) FROM alerts WHERE rule_id = 7"), 0);
  ASSERT_TRUE(svc_->sweep(kT0 + 7 * kDay));
  EXPECT_EQ(count("SELECT COUNT(*) FROM alerts WHERE rule_id = 7"), 1);  // re-assessment overdue
  EXPECT_EQ(count("SELECT COUNT(*) FROM alerts_watches"), 0);
}

TEST_P(AlertStore, OldConditionsAreNotRaisedLive) {
  // A legacy record from two years ago: the dry run would count it, live evaluation does not.
  auto raised = submit(breach(1, kT0 - 730 * kDay, 1), kT0);
  EXPECT_TRUE(raised.empty());
  EXPECT_EQ(count("SELECT COUNT(*) FROM alerts"), 0);
}

TEST_P(AlertStore, EditingARuleAddsAVersionAndNewAlertsUseIt) {
  auto changed = tx<RuleVersion>([&](soci::session& s) {
    return svc_->update_rule(s, 2, {{"params", {{"min", 2}, {"window_days", 10}}}, {"severity", "critica"}}, a_worker, kT0);
  });
  ASSERT_TRUE(changed) << changed.error().message;
  EXPECT_EQ(changed->version, 2);
  EXPECT_EQ(changed->params["min"], 2);
  EXPECT_EQ(changed->params["kinds"], json({"contact", "complaint"}));  // defaults filled
  EXPECT_EQ(changed->created_by, 11);

  auto bad = tx<RuleVersion>([&](soci::session& s) { return svc_->update_rule(s, 2, {{"params", {{"min", 0}}}}, a_worker, kT0); });
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().status, 422);
  EXPECT_EQ(bad.error().field, "params.min");
  auto tpl = tx<RuleVersion>([&](soci::session& s) { return svc_->update_rule(s, 2, {{"template", "order_breach"}}, a_worker, kT0); });
  EXPECT_EQ(tpl.error().field, "template");
  auto unknown = tx<RuleVersion>([&](soci::session& s) { return svc_->update_rule(s, 2, {{"umbral", 2}}, a_worker, kT0); });
  EXPECT_EQ(unknown.error().field, "umbral");
  auto missing = tx<RuleVersion>([&](soci::session& s) { return svc_->update_rule(s, 99, {{"enabled", false}}, a_worker, kT0); });
  EXPECT_EQ(missing.error().status, 404);
  auto same = tx<RuleVersion>([&](soci::session& s) { return svc_->update_rule(s, 2, {{"severity", "critica"}}, a_worker, kT0); });
  ASSERT_TRUE(same);
  EXPECT_EQ(same->version, 2);  // nothing changed, no new version

  submit(record(1, "contact", kT0, 1), kT0);
  auto raised = submit(record(2, "contact", kT0 + kDay, 1), kT0 + kDay);
  ASSERT_EQ(raised.size(), 1u);
  EXPECT_EQ(raised[0].rule_version, 2);
  EXPECT_EQ(raised[0].severity, "critica");
  {
    auto lease = db_->lease();
    auto versions = svc_->rule_versions(**lease, 2);
    ASSERT_EQ(versions.size(), 2u);
    EXPECT_EQ(versions[1].params["min"], 3);  // the old version is kept as it was
  }
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action = 'alert_rule.update'"), 1);

  // Disabling stops it.
  ASSERT_TRUE(tx<RuleVersion>([&](soci::session& s) { return svc_->update_rule(s, 3, {{"enabled", false}}, a_worker, kT0); }));
  EXPECT_TRUE(submit(breach(3, kT0 + 2 * kDay, 1), kT0 + 2 * kDay).empty());
}

TEST_P(AlertStore, DryRunReplaysHistoryByMonthWithoutWriting) {
  for (int64_t p = 1; p <= 5; ++p) {
    auto h = busy_history(1000 + p, 30, kT0, p * 1000);
    for (const auto& r : h.records) registry_.add(r);
  }
  const int64_t audit_before = count("SELECT COUNT(*) FROM audit_log");
  Rule rule;
  rule.template_id = "contact_burst";
  rule.name_es = "Prueba de ráfaga";
  rule.severity = "alta";
  rule.params = {{"min", 2}, {"window_days", 15}};
  auto out = svc_->dry_run(rule, kT0 + 400 * kDay);
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_GT((*out)["total"].get<int64_t>(), 0);
  EXPECT_EQ((*out)["persons_scanned"], 6);  // five women and the man they name
  int64_t sum = 0;
  for (const auto& m : (*out)["by_month"]) {
    EXPECT_EQ(m["month"].get<std::string>().size(), 7u);  // "2026-03"
    sum += m["count"].get<int64_t>();
  }
  EXPECT_EQ(sum, (*out)["total"].get<int64_t>());
  ASSERT_FALSE((*out)["examples"].empty());
  EXPECT_LE((*out)["examples"].size(), 50u);
  EXPECT_EQ((*out)["examples"][0]["explanation"].get<std::string>().rfind("Regla «Prueba de ráfaga»: ", 0), 0u);
  EXPECT_EQ(count("SELECT COUNT(*) FROM alerts"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM alerts_watches"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log"), audit_before);

  rule.params = {{"min", 1}};
  auto bad = svc_->dry_run(rule, kT0);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().field, "params.min");
}

INSTANTIATE_TEST_SUITE_P(AlertBackends, AlertStore, ::testing::ValuesIn(eq::testing::backends()));

}  // namespace
}  // namespace eq::alerts
