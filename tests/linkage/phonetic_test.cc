#include <gtest/gtest.h>
#include <algorithm>
#include <string>
#include <vector>

#include "linkage/internal.h"

namespace eq::linkage::detail {
namespace {

std::string key(std::string_view s) { return spanish_phonetic(fold_name(s)); }

TEST(LinkagePhonetic, SpellingVariantsShareAKey) {
  EXPECT_EQ(key("Vásquez"), "BASKES");
  EXPECT_EQ(key("Vasquez"), key("Vásquez"));
  EXPECT_EQ(key("Basquez"), key("Vásquez"));   // b/v
  EXPECT_EQ(key("Vazques"), key("Vásquez"));   // s/z
  EXPECT_EQ(key("Velásquez"), key("Velazquez"));
  EXPECT_EQ(key("Jiménez"), key("Gimenez"));   // g/j before e/i
  EXPECT_EQ(key("Ximena"), key("Jimena"));     // initial x
  EXPECT_EQ(key("Hernández"), key("Ernandez")); // silent h
  EXPECT_EQ(key("Llanos"), key("Yanos"));      // ll/y
  EXPECT_EQ(key("Quiroga"), key("Kiroga"));    // qu/k
  EXPECT_EQ(key("Cecilia"), key("Sesilia"));   // c/s before e/i
  EXPECT_EQ(key("Saavedra"), key("Savedra"));  // doubled letters
  EXPECT_EQ(key("Gutiérrez"), key("Gutierres"));
  EXPECT_EQ(key("Muñoz"), key("MUNOZ"));       // ñ and case
  EXPECT_EQ(key("Gerardo"), key("Jerardo"));
  EXPECT_EQ(key("Philippe"), key("Filipe"));   // ph
}

TEST(LinkagePhonetic, DistinctSoundsKeepDistinctKeys) {
  EXPECT_EQ(key("Guillermo"), "GIYERMO");      // gu + i: silent u, hard g
  EXPECT_EQ(key("Godoy"), "GODOI");            // final y is a vowel
  EXPECT_EQ(key("Máximo"), "MAKSIMO");
  EXPECT_NE(key("Chávez"), key("Cávez"));      // ch is its own sound
  EXPECT_NE(key("González"), key("Gonzalo"));
  EXPECT_NE(key("Rojas"), key("Rosas"));
  EXPECT_EQ(key(""), "");
  EXPECT_EQ(key("123"), "");
  EXPECT_EQ(phonetic_hash(""), 0u);
}

TEST(LinkagePhonetic, FoldingAndNicknames) {
  EXPECT_EQ(fold_name("  María-José  O'Higgins "), "maria jose ohiggins");
  EXPECT_EQ(expand_nickname("pancha", 'F'), "francisca");
  EXPECT_EQ(expand_nickname("cote", 'F'), "maria jose");
  EXPECT_EQ(expand_nickname("maite", 0), "maria teresa");
  EXPECT_EQ(expand_nickname("lucho", 'M'), "luis");
  EXPECT_EQ(expand_nickname("pancho", 'M'), "francisco");
  EXPECT_EQ(expand_nickname("dani", 'M'), "daniel");
  EXPECT_EQ(expand_nickname("dani", 'F'), "daniela");
  EXPECT_EQ(expand_nickname("dani", 0), "dani");  // ambiguous without sex
  EXPECT_EQ(expand_nickname("nacho andres", 'M'), "ignacio andres");
  EXPECT_EQ(expand_nickname("francisca", 'F'), "francisca");
  Identity id;
  id.given_names = "Coté";
  id.sex = 'F';
  id.surname1 = "de la Fuente";
  EXPECT_EQ(prepare(id).given(), "maria jose");
  EXPECT_EQ(prepare(id).s1(), "fuente");
}

TEST(LinkageJaroWinkler, KnownValues) {
  EXPECT_NEAR(jaro("MARTHA", "MARHTA"), 0.9444, 1e-4);
  EXPECT_NEAR(jaro_winkler("MARTHA", "MARHTA"), 0.9611, 1e-4);
  EXPECT_NEAR(jaro_winkler("DWAYNE", "DUANE"), 0.84, 1e-4);
  EXPECT_NEAR(jaro_winkler("DIXON", "DICKSONX"), 0.8133, 1e-4);
  EXPECT_NEAR(jaro("CRATE", "TRACE"), 0.7333, 1e-4);
  EXPECT_DOUBLE_EQ(jaro_winkler("gonzalez", "gonzalez"), 1.0);
  EXPECT_DOUBLE_EQ(jaro_winkler("", "gonzalez"), 0.0);
  EXPECT_DOUBLE_EQ(jaro_winkler("abc", "xyz"), 0.0);
  EXPECT_NEAR(jaro_winkler("gonzalez", "gonzales"), 0.95, 1e-9);  // 7 of 8 in place, prefix 4
  const std::string long_a(200, 'a'), long_b = std::string(199, 'a') + "b";
  EXPECT_GT(jaro_winkler(long_a, long_b), 0.99);  // beyond the stack buffers
}

}  // namespace
}  // namespace eq::linkage::detail

namespace eq::linkage::detail {
namespace {

TEST(LinkageSimilarity, BitParallelJaroEqualsTheTextbookLoop) {
  uint64_t s = 42;
  auto next = [&] {
    s = s * 6364136223846793005ULL + 1442695040888963407ULL;
    return s >> 33;
  };
  for (int k = 0; k < 20000; ++k) {
    std::string a, b;
    const size_t la = next() % 66, lb = next() % 66;
    const char* alphabet = k % 2 ? "ab " : "abcdefghijklmnopqrstuvwxyz ";
    const size_t n = std::char_traits<char>::length(alphabet);
    for (size_t i = 0; i < la; ++i) a.push_back(alphabet[next() % n]);
    for (size_t i = 0; i < lb; ++i) b.push_back(k % 3 == 0 && i < la ? a[i] : alphabet[next() % n]);
    ASSERT_DOUBLE_EQ(jaro(a, b), jaro_scalar(a, b)) << '"' << a << "\" \"" << b << '"';
  }
}

// The early-exit form gives up on pairs that cannot reach the floor: every decision taken with it
// (>= floor, and above the floor the exact value) must be the one the full computation gives.
TEST(LinkageSimilarity, JaroWinklerFloorTakesTheSameDecisions) {
  uint64_t s = 7;
  auto next = [&] {
    s = s * 6364136223846793005ULL + 1442695040888963407ULL;
    return s >> 33;
  };
  int above = 0, below = 0;
  for (int k = 0; k < 60000; ++k) {
    std::string a, b;
    const size_t la = 1 + next() % 40, lb = 1 + next() % 40;
    const char* alphabet = k % 2 ? "aeiou rs" : "abcdefghijklmnopqrstuvwxyz 0123456789";
    const size_t n = std::char_traits<char>::length(alphabet);
    for (size_t i = 0; i < la; ++i) a.push_back(alphabet[next() % n]);
    // A third are typed copies of a (one or two characters changed): near the floors.
    for (size_t i = 0; i < lb; ++i) b.push_back(k % 3 == 0 && i < la && next() % 8 ? a[i] : alphabet[next() % n]);
    for (double floor : {0.85, 0.90, 0.92}) {
      const double full = jaro_winkler(a, b), cut = jaro_winkler_floor(a, b, floor);
      ASSERT_EQ(full >= floor, cut >= floor) << '"' << a << "\" \"" << b << "\" " << floor;
      if (full >= floor) {
        ASSERT_DOUBLE_EQ(full, cut);
        ++above;
      } else {
        ++below;
      }
    }
  }
  EXPECT_GT(above, 1000);  // both sides of the floors were exercised
  EXPECT_GT(below, 1000);
}

}  // namespace
}  // namespace eq::linkage::detail
