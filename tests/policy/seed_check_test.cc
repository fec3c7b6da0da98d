// The seed check's metrics and agreement rule (src/policy/seed_check.h), without a database.
#include <gtest/gtest.h>

#include "core/time.h"
#include "policy/seed_check.h"

namespace eq::policy {
namespace {

// A year with three services: two central (one fulfilled), one regional; measures and commitments.
std::vector<CheckItem> tree() {
  std::vector<CheckItem> t;
  t.push_back({1, std::nullopt, "meta", "2021", "vigente", "", std::nullopt, std::nullopt});
  t.push_back({2, 1, "compromiso", "C001", "cumplido", "", std::nullopt, std::nullopt});
  t.push_back({3, 1, "compromiso", "C002", "no_cumplido", "", std::nullopt, std::nullopt});
  t.push_back({4, 1, "compromiso", "R001", "vigente", "13", std::nullopt, std::nullopt});
  t.push_back({5, 2, "medida", "M3", "vigente", "", std::nullopt, std::nullopt});
  t.push_back({6, 5, "accion", "C1", "vigente", "", 100.0, 72.0});
  t.push_back({7, 5, "accion", "C2", "vigente", "", 100.0, 1.0});
  t.push_back({8, 3, "medida", "M1", "vigente", "", std::nullopt, std::nullopt});
  t.push_back({9, 8, "accion", "C1", "vigente", "", 0.0, 1.0});
  t.push_back({10, 4, "medida", "M3", "vigente", "13", std::nullopt, std::nullopt});
  t.push_back({11, 10, "accion", "C1", "vigente", "13", std::nullopt, 1.0});
  return t;
}

TEST(PolicySeedCheck, CountsBelowTheFiguresItemWithFilters) {
  auto t = tree();
  EXPECT_EQ(evaluate_metric("count level=compromiso", t, 1, {}).value, 3);
  EXPECT_EQ(evaluate_metric("count level=compromiso,scope=central", t, 1, {}).value, 2);
  EXPECT_EQ(evaluate_metric("count level=compromiso,scope=regional", t, 1, {}).value, 1);
  EXPECT_EQ(evaluate_metric("count level=medida,code=M3", t, 1, {}).value, 2);
  EXPECT_EQ(evaluate_metric("count level=accion,code_prefix=C", t, 1, {}).value, 4);
  EXPECT_EQ(evaluate_metric("count level=accion", t, 2, {}).value, 2) << "only below item 2";
  // done: every leaf at 100; started: every leaf above 0 (a leaf without a report is neither).
  EXPECT_EQ(evaluate_metric("count level=compromiso,done", t, 1, {}).value, 1);
  EXPECT_EQ(evaluate_metric("count level=compromiso,started", t, 1, {}).value, 1);
  EXPECT_EQ(evaluate_metric("count level=medida,has_children", t, 1, {}).value, 3);
  EXPECT_EQ(evaluate_metric("sum level=accion", t, std::nullopt, {}).value, 75);
}

TEST(PolicySeedCheck, PercentRatioAndAssistance) {
  auto t = tree();
  auto p = evaluate_metric("percent level=compromiso,status=cumplido / level=compromiso", t, 1, {});
  ASSERT_TRUE(p.ok);
  EXPECT_NEAR(p.value, 100.0 / 3, 1e-9);
  EXPECT_EQ(*p.numerator, 1);
  EXPECT_EQ(*p.denominator, 3);
  EXPECT_NEAR(evaluate_metric("ratio level=accion / level=compromiso", t, 1, {}).value, 4.0 / 3, 1e-9);
  const int64_t june1 = *parse_date_cl("01-06-2020", "d"), dec31 = *parse_date_cl("31-12-2020", "d"), jan1 = *parse_date_cl("01-01-2021", "d");
  EXPECT_EQ(evaluate_metric("assistance 01-06-2020 31-12-2020", t, std::nullopt, {june1 - 1, june1, dec31, jan1}).value, 2);
}

TEST(PolicySeedCheck, BadMetricsSayWhy) {
  auto t = tree();
  EXPECT_FALSE(evaluate_metric("count colour=red", t, 1, {}).ok);
  EXPECT_FALSE(evaluate_metric("percent level=accion", t, 1, {}).ok);
  EXPECT_FALSE(evaluate_metric("percent level=accion / level=eje", t, 1, {}).ok) << "empty denominator";
  EXPECT_FALSE(evaluate_metric("median level=accion", t, 1, {}).ok);
  EXPECT_FALSE(evaluate_metric("assistance 2020-06-01 31-12-2020", t, 1, {}).ok);
}

TEST(PolicySeedCheck, AgreementAtTheStatedPrecision) {
  // 148 / 150 stated as a quotient: one decimal.
  auto q = stated_value(std::nullopt, 148, 150, "%");
  ASSERT_TRUE(q);
  EXPECT_EQ(q->decimals, 1);
  EXPECT_TRUE(agrees(*q, 148.0 / 150 * 100, "exacto"));
  EXPECT_FALSE(agrees(*q, 147.0 / 150 * 100, "exacto"));
  // 2,6 commitments per service: 414 / 157 = 2,637 → 2,6.
  auto r = stated_value(2.6, std::nullopt, std::nullopt, "compromisos por servicio");
  EXPECT_EQ(r->decimals, 1);
  EXPECT_TRUE(agrees(*r, 414.0 / 157, "exacto"));
  // «95 %» of 197 / 209 = 94,26 %: the account's own figures disagree, and the check says so.
  auto w = stated_value(95, std::nullopt, std::nullopt, "%");
  EXPECT_FALSE(agrees(*w, 197.0 / 209 * 100, "exacto"));
  // «más del 70 %»
  auto m = stated_value(70, std::nullopt, std::nullopt, "%");
  EXPECT_TRUE(agrees(*m, 17.0 / 23 * 100, "mas_de"));
  EXPECT_FALSE(agrees(*m, 70.0, "mas_de"));
  EXPECT_FALSE(stated_value(std::nullopt, std::nullopt, std::nullopt, "%").has_value());
}

}  // namespace
}  // namespace eq::policy
