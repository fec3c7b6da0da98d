#include "alerts/rules.h"

#include <gtest/gtest.h>

#include <chrono>
#include <set>

#include "histories.h"

namespace eq::alerts {
namespace {

using nlohmann::json;
using namespace eq::alerts::testing;

std::vector<Raised> run(const Rule& rule, const cases::History& h, int64_t now) { return evaluate({rule}, h, now); }

TEST(AlertRules, RiskRaisedFiresOnFirstHighAssessmentAndOnEachRise) {
  cases::History h{kWoman, "13101", {}};
  h.records.push_back(assessment(10, kT0, "medio", 1));
  auto none = run(seed_rule("risk_raised"), h, kT0 + kDay);
  EXPECT_TRUE(none.empty());  // medio is below the threshold

  h.records.push_back(assessment(11, kT0 + 2 * kDay, "alto", 2));
  h.records.push_back(assessment(12, kT0 + 3 * kDay, "alto", 2));   // not higher: nothing new
  h.records.push_back(assessment(13, kT0 + 4 * kDay, "vital", 3));  // higher again
  auto raised = run(seed_rule("risk_raised"), h, kT0 + 10 * kDay);
  ASSERT_EQ(raised.size(), 2u);
  EXPECT_EQ(raised[0].record_ids.front(), 11);
  EXPECT_EQ(raised[0].at, kT0 + 2 * kDay);
  EXPECT_EQ(raised[0].institution_id, 2);
  EXPECT_EQ(raised[0].comuna_id, "13101");
  EXPECT_EQ(raised[1].record_ids.front(), 13);
  EXPECT_NE(raised[1].explanation.find("«vital»"), std::string::npos);
  EXPECT_NE(raised[1].explanation.find("«alto»"), std::string::npos);  // names the previous level

  cases::History first{kWoman, "", {assessment(20, kT0, "vital", 1)}};
  auto f = run(seed_rule("risk_raised"), first, kT0);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_NE(f[0].explanation.find("primera evaluación"), std::string::npos);
  // Before the assessment happened, nothing.
  EXPECT_TRUE(run(seed_rule("risk_raised"), first, kT0 - 1).empty());
}

TEST(AlertRules, ContactBurstNeedsThreeWithinThirtyDaysAndRaisesOncePerEpisode) {
  cases::History spread{kWoman, "", {record(1, "contact", kT0, 1), record(2, "complaint", kT0 + 20 * kDay, 2),
                                     record(3, "contact", kT0 + 40 * kDay, 1)}};
  EXPECT_TRUE(run(seed_rule("contact_burst"), spread, kT0 + 60 * kDay).empty());

  cases::History burst{kWoman, "", {record(1, "contact", kT0, 1), record(2, "complaint", kT0 + 5 * kDay, 2),
                                    record(3, "referral", kT0 + 6 * kDay, 2),  // not one of the kinds
                                    record(4, "contact", kT0 + 9 * kDay, 3)}};
  EXPECT_TRUE(run(seed_rule("contact_burst"), burst, kT0 + 8 * kDay).empty());  // only two so far
  auto raised = run(seed_rule("contact_burst"), burst, kT0 + 9 * kDay);
  ASSERT_EQ(raised.size(), 1u);
  EXPECT_EQ(raised[0].record_ids, (std::vector<int64_t>{1, 2, 4}));
  EXPECT_EQ(raised[0].institution_id, 3);
  EXPECT_NE(raised[0].explanation.find("3 registros"), std::string::npos);
  const std::string key = raised[0].dedup_key;

  // A fourth contact in the same burst does not raise again; the first key is unchanged.
  burst.records.push_back(record(5, "contact", kT0 + 12 * kDay, 1));
  auto again = run(seed_rule("contact_burst"), burst, kT0 + 13 * kDay);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].dedup_key, key);

  // Contacts as an aggressor are not hers.
  cases::History as_aggressor{kMan, "", {record(1, "complaint", kT0, 1, {{kWoman, "victim"}, {kMan, "aggressor"}}),
                                         record(2, "complaint", kT0 + kDay, 1, {{kWoman, "victim"}, {kMan, "aggressor"}}),
                                         record(3, "complaint", kT0 + 2 * kDay, 1, {{kWoman, "victim"}, {kMan, "aggressor"}})}};
  EXPECT_TRUE(run(seed_rule("contact_burst"), as_aggressor, kT0 + 3 * kDay).empty());
}

TEST(AlertRules, OrderBreachFiresForTheProtectedWoman) {
  cases::History h{kWoman, "", {record(5, "protective_order", kT0, 4, {{kWoman, "victim"}, {kMan, "aggressor"}})}};
  EXPECT_TRUE(run(seed_rule("order_breach"), h, kT0 + kDay).empty());
  auto breach = record(6, "order_breach", kT0 + 2 * kDay, 2, {{kWoman, "victim"}, {kMan, "aggressor"}});
  breach.details = {{"order_record_id", 5}, {"description", "Se acercó al domicilio"}};
  h.records.push_back(breach);
  auto raised = run(seed_rule("order_breach"), h, kT0 + 2 * kDay);
  ASSERT_EQ(raised.size(), 1u);
  EXPECT_EQ(raised[0].record_ids, (std::vector<int64_t>{6, 5}));
  EXPECT_EQ(raised[0].severity, "critica");
  EXPECT_NE(raised[0].explanation.find("medida N° 5"), std::string::npos);
  // The aggressor's own history does not raise a second alert about the same breach.
  cases::History his{kMan, "", h.records};
  EXPECT_TRUE(run(seed_rule("order_breach"), his, kT0 + 3 * kDay).empty());
}

TEST(AlertRules, AggressorLinkedToTwoVictims) {
  cases::History h{kMan, "", {record(1, "complaint", kT0, 1, {{kWoman, "victim"}, {kMan, "aggressor"}}),
                              record(2, "complaint", kT0 + kDay, 2, {{kWoman, "victim"}, {kMan, "aggressor"}})}};
  EXPECT_TRUE(run(seed_rule("aggressor_victims"), h, kT0 + 2 * kDay).empty());  // same woman twice
  h.records.push_back(record(3, "contact", kT0 + 3 * kDay, 3, {{kOther, "victim"}, {kMan, "aggressor"}}));
  auto raised = run(seed_rule("aggressor_victims"), h, kT0 + 3 * kDay);
  ASSERT_EQ(raised.size(), 1u);
  EXPECT_EQ(raised[0].person_id, kMan);
  EXPECT_EQ(raised[0].institution_id, 3);
  EXPECT_EQ(raised[0].record_ids, (std::vector<int64_t>{1, 3}));
  EXPECT_NE(raised[0].explanation.find("2 víctimas distintas"), std::string::npos);
  // The victim's history never raises it.
  cases::History hers{kWoman, "", {h.records[0], h.records[1]}};
  EXPECT_TRUE(run(seed_rule("aggressor_victims"), hers, kT0 + 3 * kDay).empty());
}

TEST(AlertRules, ReferralNotAcknowledgedByItsDeadline) {
  auto ref = record(7, "referral", kT0, 1);
  ref.details = {{"to_institution_id", 9}, {"consent", true}, {"ack_due_at", kT0 + 4 * kHour},
                 {"first_contact_due_at", kT0 + 24 * kHour}, {"acknowledged_at", nullptr}, {"first_contact_at", nullptr}};
  cases::History h{kWoman, "", {ref}};
  EXPECT_TRUE(run(seed_rule("referral_unacked"), h, kT0 + 4 * kHour - 1).empty());
  EXPECT_EQ(next_deadline({seed_rule("referral_unacked")}, h, kT0 + kHour), kT0 + 4 * kHour);
  auto raised = run(seed_rule("referral_unacked"), h, kT0 + 4 * kHour);
  ASSERT_EQ(raised.size(), 1u);
  EXPECT_EQ(raised[0].at, kT0 + 4 * kHour);
  EXPECT_EQ(raised[0].institution_id, 1);  // the referring institution answers for it
  EXPECT_EQ(raised[0].also_visible_to, (std::vector<int64_t>{9}));
  EXPECT_NE(raised[0].explanation.find("no registra recepción"), std::string::npos);
  EXPECT_FALSE(next_deadline({seed_rule("referral_unacked")}, h, kT0 + 5 * kHour));

  h.records[0].details["acknowledged_at"] = kT0 + kHour;
  EXPECT_TRUE(run(seed_rule("referral_unacked"), h, kT0 + 10 * kHour).empty());
  EXPECT_FALSE(next_deadline({seed_rule("referral_unacked")}, h, kT0));

  // Grace period from the parameters.
  Rule lenient = seed_rule("referral_unacked");
  lenient.params = {{"grace_minutes", 60}};
  h.records[0].details["acknowledged_at"] = nullptr;
  EXPECT_TRUE(run(lenient, h, kT0 + 4 * kHour + 30 * 60 * 1000).empty());
  EXPECT_EQ(run(lenient, h, kT0 + 5 * kHour).size(), 1u);
}

TEST(AlertRules, NoFollowUpWithinTwentyFourHoursOfVitalRisk) {
  cases::History h{kWoman, "", {assessment(1, kT0, "vital", 2)}};
  EXPECT_TRUE(run(seed_rule("no_followup"), h, kT0 + 24 * kHour - 1).empty());
  EXPECT_EQ(next_deadline({seed_rule("no_followup")}, h, kT0 + kHour), kT0 + 24 * kHour);
  auto raised = run(seed_rule("no_followup"), h, kT0 + 24 * kHour);
  ASSERT_EQ(raised.size(), 1u);
  EXPECT_EQ(raised[0].record_ids, (std::vector<int64_t>{1}));
  EXPECT_NE(raised[0].explanation.find("24 horas"), std::string::npos);

  // Any later record by any institution within the 24 h is a follow-up.
  h.records.push_back(record(2, "contact", kT0 + 20 * kHour, 5));
  EXPECT_TRUE(run(seed_rule("no_followup"), h, kT0 + 48 * kHour).empty());
  EXPECT_FALSE(next_deadline({seed_rule("no_followup")}, h, kT0 + 21 * kHour));

  // A record after the deadline does not undo it; an alto assessment does not count for "vital".
  cases::History late{kWoman, "", {assessment(1, kT0, "vital", 2), record(2, "contact", kT0 + 30 * kHour, 5)}};
  EXPECT_EQ(run(seed_rule("no_followup"), late, kT0 + 48 * kHour).size(), 1u);
  cases::History alto{kWoman, "", {assessment(1, kT0, "alto", 2)}};
  EXPECT_TRUE(run(seed_rule("no_followup"), alto, kT0 + 48 * kHour).empty());
}

TEST(AlertRules, ReassessmentOverdue) {
  cases::History h{kWoman, "", {assessment(1, kT0, "alto", 2)}};  // due in 30 days
  const int64_t due = kT0 + 30 * kDay;
  EXPECT_TRUE(run(seed_rule("reassess_overdue"), h, due - 1).empty());
  EXPECT_EQ(next_deadline({seed_rule("reassess_overdue")}, h, kT0), due);
  auto raised = run(seed_rule("reassess_overdue"), h, due);
  ASSERT_EQ(raised.size(), 1u);
  EXPECT_EQ(raised[0].at, due);
  EXPECT_EQ(raised[0].severity, "media");
  EXPECT_NE(raised[0].explanation.find(format_cl(due)), std::string::npos);

  // Re-assessed in time: the first is fine, the second one's deadline is watched.
  h.records.push_back(assessment(2, kT0 + 20 * kDay, "medio", 2));
  EXPECT_TRUE(run(seed_rule("reassess_overdue"), h, due + kDay).empty());
  EXPECT_EQ(next_deadline({seed_rule("reassess_overdue")}, h, due), kT0 + 80 * kDay);
}

TEST(AlertRules, ExplanationNamesRuleVersionRecordsAndChileanDates) {
  cases::History h{kWoman, "", {assessment(42, kT0, "vital", 3)}};
  Rule r = seed_rule("risk_raised");
  r.version = 4;
  auto raised = run(r, h, kT0);
  ASSERT_EQ(raised.size(), 1u);
  const auto& e = raised[0].explanation;
  EXPECT_EQ(e.rfind("Regla «" + r.name_es + "» (versión 4)", 0), 0u) << e;
  EXPECT_NE(e.find("N° 42"), std::string::npos);
  EXPECT_NE(e.find("evaluación de riesgo"), std::string::npos);
  EXPECT_NE(e.find(format_cl(kT0)), std::string::npos);
  EXPECT_EQ(raised[0].rule_version, 4);
}

TEST(AlertRules, DedupKeyIsStableAcrossVersionsAndInstants) {
  cases::History h{kWoman, "", {assessment(42, kT0, "vital", 3)}};
  Rule v1 = seed_rule("risk_raised"), v2 = v1;
  v2.version = 2;
  v2.name_es = "Otro nombre";
  auto a = run(v1, h, kT0), b = run(v2, h, kT0 + 100 * kDay);
  ASSERT_EQ(a.size(), 1u);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(a[0].dedup_key, b[0].dedup_key);
  Rule other = v1;
  other.id = 99;
  EXPECT_NE(run(other, h, kT0)[0].dedup_key, a[0].dedup_key);  // another rule is another condition
}

TEST(AlertRules, SinceSkipsOldConditionsAndDisabledRulesNeverFire) {
  cases::History h{kWoman, "", {assessment(1, kT0, "vital", 2), assessment(2, kT0 + 50 * kDay, "bajo", 2),
                                assessment(3, kT0 + 60 * kDay, "alto", 2)}};
  EXPECT_EQ(evaluate({seed_rule("risk_raised")}, h, kT0 + 61 * kDay).size(), 2u);
  auto recent = evaluate({seed_rule("risk_raised")}, h, kT0 + 61 * kDay, kT0 + 31 * kDay);
  ASSERT_EQ(recent.size(), 1u);
  EXPECT_EQ(recent[0].record_ids.front(), 3);
  Rule off = seed_rule("risk_raised");
  off.enabled = false;
  EXPECT_TRUE(evaluate({off}, h, kT0 + 61 * kDay).empty());
}

TEST(AlertRules, ParamsAreValidatedPerTemplate) {
  auto ok = validate_params("contact_burst", json::object());
  ASSERT_TRUE(ok);
  EXPECT_EQ((*ok)["window_days"], 30);
  EXPECT_EQ((*ok)["min"], 3);
  EXPECT_EQ((*ok)["kinds"], json({"contact", "complaint"}));

  auto unknown = validate_params("order_breach", {{"dias", 3}});
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().status, 422);
  EXPECT_EQ(unknown.error().field, "params.dias");
  EXPECT_EQ(validate_params("contact_burst", {{"min", 1}}).error().field, "params.min");
  EXPECT_EQ(validate_params("contact_burst", {{"window_days", "30"}}).error().field, "params.window_days");
  EXPECT_EQ(validate_params("contact_burst", {{"kinds", {"llamada"}}}).error().field, "params.kinds");
  EXPECT_EQ(validate_params("contact_burst", {{"kinds", json::array()}}).error().field, "params.kinds");
  EXPECT_EQ(validate_params("risk_raised", {{"min_level", "altisimo"}}).error().field, "params.min_level");
  EXPECT_EQ(validate_params("no_followup", {{"hours", 0}}).error().field, "params.hours");
  EXPECT_EQ(validate_params("aggressor_victims", {{"min_victims", 1}}).error().field, "params.min_victims");
  EXPECT_EQ(validate_params("inventada", json::object()).error().field, "template");
  EXPECT_EQ(validate_params("order_breach", json::array()).error().field, "params");

  Rule r = seed_rule("order_breach");
  r.severity = "urgente";
  EXPECT_EQ(validate_rule(r).error().field, "severity");
  r = seed_rule("order_breach");
  r.name_es = "   ";
  EXPECT_EQ(validate_rule(r).error().field, "name_es");
  r = seed_rule("order_breach");
  r.take_within_minutes = 0;
  EXPECT_EQ(validate_rule(r).error().field, "take_within_minutes");
  for (const auto& t : template_ids()) EXPECT_TRUE(validate_params(t, json::object())) << t;
}

// The dry run evaluates a history once at `now`; that must equal replaying it record by record
// (and deadline by deadline) and keeping each condition the first time it appears.
TEST(AlertRules, OneEvaluationEqualsRecordByRecordReplay) {
  auto h = busy_history(kWoman, 40);
  std::vector<Rule> rules;
  for (const auto& t : template_ids()) rules.push_back(seed_rule(t));
  const int64_t now = h.records.back().occurred_at + 100 * kDay;
  std::set<std::string> once;
  for (const auto& x : evaluate(rules, h, now)) once.insert(x.dedup_key);

  std::set<int64_t> instants;
  for (const auto& r : h.records) instants.insert(r.occurred_at);
  for (int64_t t = h.records.front().occurred_at; t <= now; t += kHour) instants.insert(t);
  std::set<std::string> replay;
  for (int64_t t : instants) {
    cases::History prefix{h.person_id, h.comuna_id, {}};
    for (const auto& r : h.records)
      if (r.occurred_at <= t) prefix.records.push_back(r);
    for (const auto& x : evaluate(rules, prefix, t)) replay.insert(x.dedup_key);
  }
  EXPECT_FALSE(once.empty());
  EXPECT_EQ(once, replay);
}

}  // namespace
}  // namespace eq::alerts
