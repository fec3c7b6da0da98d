#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "linkage/internal.h"
#include "linkage/linkage.h"

namespace eq::linkage {
namespace {

using detail::FrequencyAdjust;

Identity person(const std::string& given, const std::string& s1, const std::string& s2) {
  Identity id;
  id.given_names = given;
  id.surname1 = s1;
  id.surname2 = s2;
  id.birth_year = 1990;
  return id;
}

// 90 rows «Ana Rodríguez Pérez», 10 rows «Ana Urdaneta Pérez»: Urdaneta is rarer than Rodríguez.
std::vector<detail::Prepared> skewed_rows() {
  std::vector<detail::Prepared> rows;
  for (int i = 0; i < 90; ++i) rows.push_back(detail::prepare(person("Ana", "Rodríguez", "Pérez")));
  for (int i = 0; i < 10; ++i) rows.push_back(detail::prepare(person("Ana", "Urdaneta", "Pérez")));
  return rows;
}

TEST(LinkageFrequency, RareSurnameAgreementWeighsMoreThanCommon) {
  const auto adj = detail::frequency_adjustments(skewed_rows(), 4.0);
  ASSERT_EQ(adj.size(), 100u);
  // Surnames pooled: Rodríguez 90, Urdaneta 10, Pérez 100 of 200. Σ f² = (.45² + .05² + .5²) = .455.
  const double rodriguez = adj[0].s1 * detail::kFrequencyUnit, urdaneta = adj[95].s1 * detail::kFrequencyUnit;
  EXPECT_NEAR(rodriguez, std::log2(0.455 / 0.45), detail::kFrequencyUnit);
  EXPECT_NEAR(urdaneta, std::log2(0.455 / 0.05), detail::kFrequencyUnit);
  EXPECT_GT(urdaneta, 3.0);
  EXPECT_LT(adj[0].s2, 0);       // Pérez: the commonest value, agreement worth less than average
  EXPECT_EQ(adj[0].given, 0);    // one given name for all: agreement says exactly the average
}

TEST(LinkageFrequency, CapBoundsTheTermAndZeroTurnsItOff) {
  const auto capped = detail::frequency_adjustments(skewed_rows(), 1.0);
  EXPECT_EQ(capped[95].s1 * detail::kFrequencyUnit, 1.0);
  for (const FrequencyAdjust& a : detail::frequency_adjustments(skewed_rows(), 0.0)) {
    EXPECT_EQ(a.given, 0);
    EXPECT_EQ(a.s1, 0);
    EXPECT_EQ(a.s2, 0);
  }
}

TEST(LinkageFrequency, OnlyExactAgreementCarriesTheValueTerm) {
  const auto rows = skewed_rows();
  const auto adj = detail::frequency_adjustments(rows, 4.0);
  const Pattern exact = detail::compare(rows[95], rows[96]);  // two Urdaneta rows
  ASSERT_EQ(level_of(exact, Field::surname1), 0);
  const double both = detail::frequency_adjustment(exact, adj[95], adj[96]);
  EXPECT_NEAR(both, (adj[95].s1 + adj[95].s2 + adj[95].given) * detail::kFrequencyUnit, 1e-9);
  // The same rows with surname1 one level worse: the Urdaneta term is gone, Pérez's stays.
  const Pattern near = (exact & ~(7u << (3 * static_cast<int>(Field::surname1)))) |
                       (1u << (3 * static_cast<int>(Field::surname1)));
  EXPECT_NEAR(detail::frequency_adjustment(near, adj[95], adj[96]), adj[95].s2 * detail::kFrequencyUnit, 1e-9);
}

TEST(LinkageFrequency, SwappedSurnamesTakeTheSharedValue) {
  std::vector<detail::Prepared> rows = skewed_rows();
  rows.push_back(detail::prepare(person("Luz", "Pérez", "Urdaneta")));  // swapped against row 95
  const auto adj = detail::frequency_adjustments(rows, 4.0);
  const Pattern p = detail::compare(rows[95], rows[100]);
  ASSERT_EQ(level_of(p, Field::surname1), 0);
  ASSERT_EQ(level_of(p, Field::surname2), 0);
  ASSERT_NE(level_of(p, Field::given_names), 0);
  EXPECT_NEAR(detail::frequency_adjustment(p, adj[95], adj[100]),
              (adj[95].s1 + adj[95].s2) * detail::kFrequencyUnit, 1e-9);
}

// In a file where most persons share a surname, two records agreeing on a rare one are linked and two
// agreeing on the common one (other fields alike) are weighed lower.
TEST(LinkageFrequency, BatchWeighsRareNamesHigher) {
  std::vector<Identity> rows;
  for (int i = 0; i < 40; ++i) {
    Identity id = person("Ana", "Rodríguez", "Pérez");
    id.birth_month = 1 + i % 12;
    id.birth_day = 1 + i % 28;
    rows.push_back(id);
  }
  Identity rare = person("Ana", "Urdaneta", "Colmenares");
  rare.birth_month = 5;
  rare.birth_day = 9;
  rows.push_back(rare);
  rows.push_back(rare);
  BatchOptions off;
  off.estimate = false;
  off.frequency_cap = 0;
  BatchOptions on = off;
  on.frequency_cap = 2;
  const BatchResult a = link_batch(rows, off), b = link_batch(rows, on);
  EXPECT_GT(b.weight[40], a.weight[40] + 2.0);  // Urdaneta and Colmenares: rare, +1..2 bits each
  EXPECT_LT(b.weight[0], a.weight[0]);          // Rodríguez Pérez: the commonest, less than average
}

// Issue 21: the whole name combination. Two pairs with the same field levels (given name, first
// surname and birth date equal, nothing else): one weight without the term. With it, the pair whose
// combination is rare links and the pair whose combination is the file's commonest weighs less.
TEST(LinkageFrequency, RareNameCombinationLinksWhereACommonOneDoesNot) {
  auto dated = [](const std::string& s1, int year) {
    Identity id = person("Ana", s1, "");
    id.birth_year = year;
    id.birth_month = 3;
    id.birth_day = 14;
    id.sex = 'F';
    return id;
  };
  std::vector<Identity> rows = {dated("Soto", 1981), dated("Soto", 1981), dated("Pérez", 1980), dated("Pérez", 1980)};
  for (int i = 0; i < 36; ++i) rows.push_back(dated("Pérez", 1940 + i));  // «Ana Pérez» of other years
  BatchOptions off;
  off.estimate = false;
  off.sorted_window = 0;
  const BatchResult plain = link_batch(rows, off);
  const double base = plain.weight[0];
  ASSERT_EQ(base, plain.weight[2]);  // the same pattern: one weight without the term
  off.thresholds.upper = base + 0.5;
  BatchOptions on = off;
  on.combination_cap = 2;
  const BatchResult a = link_batch(rows, off), b = link_batch(rows, on);
  EXPECT_NE(a.cluster[0], a.cluster[1]);  // without the term: in review
  EXPECT_EQ(b.cluster[0], b.cluster[1]);  // «Ana Soto» is rare as a whole: linked
  EXPECT_GT(b.weight[0], base + 0.5);
  EXPECT_LT(b.weight[2], base);  // «Ana Pérez» is the commonest combination: weighed lower
  EXPECT_NE(b.cluster[2], b.cluster[3]);
}

TEST(LinkageFrequency, CombinationTermAppliesOnlyToExactNames) {
  std::vector<detail::Prepared> rows;
  for (int i = 0; i < 9; ++i) rows.push_back(detail::prepare(person("Ana", "Rodríguez", "Pérez")));
  rows.push_back(detail::prepare(person("Ana", "Urdaneta", "Pérez")));
  rows.push_back(detail::prepare(person("Ana", "Pérez", "Urdaneta")));  // surnames swapped: the same combination
  rows.push_back(detail::prepare(person("Ana", "Urdaneta", "")));
  const auto adj = detail::frequency_adjustments(rows, 0, 4.0);
  EXPECT_EQ(adj[9].names3, adj[10].names3);
  EXPECT_GT(adj[9].names3, 0);
  EXPECT_LT(adj[0].names3, 0);
  bool applies = false;
  const Pattern swapped = detail::compare(rows[9], rows[10]);
  EXPECT_NEAR(detail::combination_adjustment(swapped, adj[9], adj[10], &applies), adj[9].names3 * detail::kFrequencyUnit, 1e-9);
  EXPECT_TRUE(applies);
  // One side without a second surname: given names + first surname.
  const Pattern partial = detail::compare(rows[9], rows[11]);
  ASSERT_EQ(level_of(partial, Field::surname2), kMissing);
  EXPECT_NEAR(detail::combination_adjustment(partial, adj[9], adj[11], &applies),
              std::min(adj[9].names2, adj[11].names2) * detail::kFrequencyUnit, 1e-9);
  EXPECT_TRUE(applies);
  // A different given name: no combination agrees.
  const Pattern other = detail::compare(rows[0], detail::prepare(person("Luz", "Rodríguez", "Pérez")));
  EXPECT_EQ(detail::combination_adjustment(other, adj[0], adj[0], &applies), 0.0);
  EXPECT_FALSE(applies);
}

}  // namespace
}  // namespace eq::linkage
