#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "linkage/internal.h"
#include "linkage/linkage.h"

namespace eq::linkage {
namespace {

Identity francisca() {
  Identity id;
  id.given_names = "Francisca Andrea";
  id.surname1 = "González";
  id.surname2 = "Muñoz";
  id.birth_year = 1985;
  id.birth_month = 3;
  id.birth_day = 12;
  id.sex = 'F';
  id.comuna = "13101";
  id.phone = "+56912345678";
  id.address = "Pasaje Los Aromos 123";
  return id;
}

// Francisca (1) with her sister (2), a namesake born elsewhere and later (3) and a stranger (4).
Index sample_index() {
  Index idx;
  Identity f = francisca();
  f.run = "12.345.678-5";
  idx.add(1, 101, f);
  Identity sister = francisca();
  sister.given_names = "Camila Ignacia";
  sister.birth_year = 1988;
  sister.birth_month = 7;
  sister.birth_day = 2;
  idx.add(2, 102, sister);
  Identity namesake = francisca();
  namesake.given_names = "Francisca";
  namesake.surname2 = "Pérez";
  namesake.birth_year = 1992;
  namesake.birth_month = 11;
  namesake.birth_day = 30;
  namesake.comuna = "08101";
  namesake.phone = "";
  namesake.address = "";
  idx.add(3, 103, namesake);
  Identity other;
  other.given_names = "Juan Pablo";
  other.surname1 = "Soto";
  other.surname2 = "Rojas";
  other.birth_year = 1970;
  other.sex = 'M';
  other.run = "9.876.543-3";
  idx.add(4, 104, other);
  return idx;
}

TEST(LinkageRun, CanonicalRun) {
  EXPECT_EQ(canonical_run("12.345.678-5"), "12345678-5");
  EXPECT_EQ(canonical_run(" 123456785 "), "12345678-5");
  EXPECT_EQ(canonical_run("12.345.678-4"), "");  // wrong check digit
  EXPECT_EQ(canonical_run(""), "");
  EXPECT_EQ(canonical_run("abc"), "");
}

TEST(LinkageIndex, ValidRunIsAnExactKey) {
  Index idx = sample_index();
  Identity q;
  q.run = "12345678-5";  // same person, another spelling, nothing else known
  q.given_names = "F.";
  const Match m = idx.match(q);
  EXPECT_EQ(m.decision, Decision::link);
  EXPECT_EQ(m.person_id, 1);
  EXPECT_TRUE(m.exact_document);
}

TEST(LinkageIndex, WrongCheckDigitIsNotAnExactKey) {
  Index idx = sample_index();
  Identity q;
  q.run = "12.345.678-4";
  q.given_names = "Pedro";
  q.surname1 = "Lagos";
  q.birth_year = 1950;
  q.sex = 'M';
  const Match m = idx.match(q);
  EXPECT_FALSE(m.exact_document);
  EXPECT_NE(m.decision, Decision::link);
  // As an attribute it still helps: the same person with the slip links, not exactly.
  Identity same = francisca();
  same.run = "12.345.678-4";
  same.phone.clear();
  const Match m2 = idx.match(same);
  EXPECT_EQ(m2.decision, Decision::link);
  EXPECT_EQ(m2.person_id, 1);
  EXPECT_FALSE(m2.exact_document);
}

TEST(LinkageIndex, NicknameLinks) {
  Index idx = sample_index();
  Identity q = francisca();
  q.given_names = "Pancha";
  q.phone.clear();
  const Match m = idx.match(q);
  EXPECT_EQ(m.decision, Decision::link) << m.weight;
  EXPECT_EQ(m.person_id, 1);
}

TEST(LinkageIndex, MissingOrSwappedSecondSurnameLinks) {
  Index idx = sample_index();
  Identity missing = francisca();
  missing.surname2.clear();
  missing.phone.clear();
  missing.address.clear();
  EXPECT_EQ(idx.match(missing).person_id, 1);
  EXPECT_EQ(idx.match(missing).decision, Decision::link);
  Identity swapped = francisca();
  std::swap(swapped.surname1, swapped.surname2);
  swapped.address.clear();
  const Match m = idx.match(swapped);
  EXPECT_EQ(m.decision, Decision::link) << m.weight;
  EXPECT_EQ(m.person_id, 1);
}

TEST(LinkageIndex, DayMonthSwapAndTyposLink) {
  Index idx = sample_index();
  Identity q = francisca();
  q.birth_month = 12;
  q.birth_day = 3;
  q.surname1 = "Gonzales";
  q.phone.clear();
  q.address.clear();
  q.comuna = "Santiago";  // locality name instead of code
  const Match m = idx.match(q);
  EXPECT_EQ(m.decision, Decision::link) << m.weight;
  EXPECT_EQ(m.person_id, 1);
  Identity compound = francisca();
  compound.given_names = "FRANCISCA";  // second given name dropped, upper case
  compound.phone.clear();
  EXPECT_EQ(idx.match(compound).person_id, 1);
}

TEST(LinkageIndex, DifferentPeopleDoNotLink) {
  Index idx = sample_index();
  Identity sister_query = francisca();
  sister_query.given_names = "Camila";
  sister_query.birth_year = 1988;
  sister_query.birth_month = 7;
  sister_query.birth_day = 2;
  const Match m = idx.match(sister_query);
  EXPECT_EQ(m.person_id, 2);  // the sister, not Francisca, despite same surnames, address, phone
  Identity stranger;
  stranger.given_names = "Javiera";
  stranger.surname1 = "Pérez";
  stranger.surname2 = "Araya";
  stranger.birth_year = 2001;
  stranger.birth_month = 5;
  stranger.birth_day = 5;
  stranger.sex = 'F';
  stranger.comuna = "13201";
  EXPECT_EQ(idx.match(stranger).decision, Decision::new_person);
  // Same name, other birth date and comuna: not linked.
  Identity namesake = francisca();
  namesake.birth_year = 1960;
  namesake.comuna = "05101";
  namesake.phone.clear();
  namesake.address.clear();
  EXPECT_NE(idx.match(namesake).decision, Decision::link);
  EXPECT_EQ(Index().match(stranger).decision, Decision::new_person);  // empty index
}

TEST(LinkageIndex, CandidatesAreOnePerPersonBestFirst) {
  Index idx = sample_index();
  Identity q = francisca();
  q.given_names = "Francisca";
  const Match m = idx.match(q);
  ASSERT_GE(m.candidates.size(), 2u);
  EXPECT_LE(m.candidates.size(), 5u);
  EXPECT_EQ(m.candidates.front().person_id, 1);
  for (size_t i = 1; i < m.candidates.size(); ++i) {
    EXPECT_GE(m.candidates[i - 1].weight, m.candidates[i].weight);
    EXPECT_NE(m.candidates[i - 1].person_id, m.candidates[i].person_id);
  }
}

TEST(LinkageIndex, MoveVariantMergesAndSplits) {
  Index idx;
  Identity a = francisca();
  idx.add(1, 11, a);
  Identity b = francisca();
  b.given_names = "Pancha";
  idx.add(2, 12, b);  // registered as another person by mistake
  EXPECT_EQ(idx.persons(), 2u);
  EXPECT_EQ(idx.variants(), 2u);
  idx.move_variant(12, 1);  // merge
  EXPECT_EQ(idx.persons(), 1u);
  Match m = idx.match(francisca());
  EXPECT_EQ(m.person_id, 1);
  EXPECT_EQ(m.candidates.size(), 1u);
  idx.move_variant(12, 3);  // split again
  EXPECT_EQ(idx.persons(), 2u);
  m = idx.match(b);
  EXPECT_EQ(m.candidates.size(), 2u);
  idx.remove_variant(12);
  idx.remove_variant(999);  // unknown: ignored
  EXPECT_EQ(idx.persons(), 1u);
  EXPECT_EQ(idx.variants(), 1u);
  EXPECT_EQ(idx.match(b).candidates.size(), 1u);
  idx.add(1, 11, b);  // replacing a variant keeps one entry
  EXPECT_EQ(idx.variants(), 1u);
}

TEST(LinkageIndex, RemovalsCompactWithoutLosingLiveVariants) {
  Index idx;
  for (int i = 0; i < 12000; ++i) {
    Identity id = francisca();
    id.phone = "+5691" + std::to_string(1000000 + i);
    idx.add(i + 1, i + 1, id);
  }
  for (int i = 0; i < 11000; ++i) idx.remove_variant(i + 1);
  EXPECT_EQ(idx.variants(), 1000u);
  Identity q = francisca();
  q.phone = "+5691" + std::to_string(1000000 + 11500);
  EXPECT_EQ(idx.match(q).candidates.front().person_id, 11501);
}

TEST(LinkageIndex, ConcurrentMatchesAndWrites) {
  Index idx = sample_index();
  std::atomic<bool> stop{false};
  std::atomic<int> linked{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 3; ++t)
    readers.emplace_back([&] {
      for (int n = 0; !stop.load() || n < 200; ++n) {
        Identity q = francisca();
        q.given_names = "Pancha";
        if (idx.match(q).person_id == 1) ++linked;
        (void)idx.persons();
      }
    });
  for (int i = 0; i < 3000; ++i) {
    Identity id;
    id.given_names = "Persona";
    id.surname1 = "Prueba" + std::to_string(i);
    id.birth_year = 1950 + i % 50;
    idx.add(1000 + i, 1000 + i, id);
    if (i % 3 == 0) idx.move_variant(1000 + i, 5000);
    if (i % 7 == 0) idx.remove_variant(1000 + i);
  }
  stop = true;
  for (auto& r : readers) r.join();
  EXPECT_GT(linked.load(), 0);
  EXPECT_EQ(idx.variants(), 4u + 3000u - 429u);
}

}  // namespace
}  // namespace eq::linkage

namespace eq::linkage {
namespace {

// A person search by name alone (no birth year, no comuna) still finds candidates, and never
// links by itself: names alone are not enough evidence.
TEST(LinkageIndex, NamesOnlyQueryFindsCandidatesWithoutLinking) {
  Index idx = sample_index();
  Identity q;
  q.given_names = "Francisca";
  q.surname1 = "Gonzales";
  Match m = idx.match(q);
  ASSERT_FALSE(m.candidates.empty());
  std::vector<int64_t> ids;
  for (const auto& c : m.candidates) ids.push_back(c.person_id);
  EXPECT_NE(std::find(ids.begin(), ids.end(), 1), ids.end());
  EXPECT_NE(std::find(ids.begin(), ids.end(), 3), ids.end());
  EXPECT_EQ(std::find(ids.begin(), ids.end(), 4), ids.end());
  EXPECT_NE(m.decision, Decision::link);
}

TEST(LinkageIndex, TagsSayWhatTheKeyLeavesOut) {
  Identity a = francisca(), b = francisca();
  b.birth_day = 3;  // 3-12 against 12-3: the same unordered day and month
  b.birth_month = 12;
  const auto pa = detail::prepare(a), pb = detail::prepare(b);
  const uint16_t ta = detail::block_tag(detail::kNameYearPass, pa), tb = detail::block_tag(detail::kNameYearPass, pb);
  EXPECT_EQ(ta, tb);
  b.surname2 = "Zúñiga";
  b.birth_day = 20;
  const uint16_t tc = detail::block_tag(detail::kNameYearPass, detail::prepare(b));
  EXPECT_FALSE(detail::tags_may_match(ta, tc));  // second surname and date both differ
  b.surname2 = "Munoz";
  EXPECT_TRUE(detail::tags_may_match(ta, detail::block_tag(detail::kNameYearPass, detail::prepare(b))));
  b.surname2.clear();  // unknown: cannot tell
  EXPECT_TRUE(detail::tags_may_match(ta, detail::block_tag(detail::kNameYearPass, detail::prepare(b))));
  EXPECT_EQ(detail::block_tag(detail::kDocumentPass, pa), 0);  // never filtered
}

// A name + year block of 200 namesakes: match() reads only the variants whose second surname or
// day/month can agree with the query, finds the person among them, and leaves out the namesakes that
// differ in both (a small block would have scored them all).
TEST(LinkageIndex, BigBlocksAreFilteredByTag) {
  Index idx;
  auto namesake = [](int i) {
    Identity id;
    id.given_names = "Francisca";
    id.surname1 = "González";
    id.surname2 = i % 2 ? "Rojas" : "Soto";
    id.birth_year = 1985;
    id.birth_month = 1 + i % 2;  // few distinct dates: a one-byte tag collision stays unlikely
    id.birth_day = 1 + (i / 2) % 4;
    return id;
  };
  for (int i = 0; i < 200; ++i) idx.add(1000 + i, 1000 + i, namesake(i));
  Identity her = namesake(0);
  her.surname2 = "Muñoz";
  her.birth_month = 3;
  her.birth_day = 30;  // no namesake is born on the 30th
  her.address = "Pasaje Los Aromos 123";
  idx.add(1, 1, her);
  Identity q = her;
  q.surname2 = "Munos";  // a typo that keeps the phonetic key: the tag still agrees
  const Match m = idx.match(q);
  EXPECT_EQ(m.decision, Decision::link);
  EXPECT_EQ(m.person_id, 1);
  // Namesakes sharing neither the second surname nor the day and month are not candidates.
  for (const Candidate& c : m.candidates) EXPECT_EQ(c.person_id, 1) << "namesake " << c.person_id;
  // With the same block under 64 variants, every namesake is scored again.
  Index small;
  for (int i = 0; i < 40; ++i) small.add(1000 + i, 1000 + i, namesake(i));
  small.add(1, 1, her);
  EXPECT_GT(small.match(q).candidates.size(), 1u);
}

// 300 namesakes without a second surname (the tags cannot tell them apart) and the person, found
// through more passes (her date and phone): only the 256 best-found variants are scored, and she is
// among them.
TEST(LinkageIndex, CandidatesAreCappedBestFoundFirst) {
  Index idx;
  for (int i = 0; i < 300; ++i) {
    Identity id;
    id.given_names = "Francisca";
    id.surname1 = "González";
    id.birth_year = 1985;
    id.birth_month = 1 + i % 12;
    id.birth_day = 1 + (i / 12) % 28;
    idx.add(1000 + i, 1000 + i, id);
  }
  Identity her;
  her.given_names = "Francisca";
  her.surname1 = "González";
  her.birth_year = 1985;
  her.birth_month = 3;
  her.birth_day = 30;
  her.phone = "+56912345678";
  idx.add(1, 1, her);
  const Match m = idx.match(her);
  EXPECT_EQ(idx.stats().capped_queries, 1u);
  EXPECT_EQ(m.decision, Decision::link);
  EXPECT_EQ(m.person_id, 1);
}

}  // namespace
}  // namespace eq::linkage
