// The Registro de Directoras: search folding (accents, plurals, one typo in a name), eligibility
// reasons, and on SQLite and PostgreSQL the demo's computed size against the seed's figure, the
// identifying fields as ciphertext at rest covered by key rotation, and the stale reminder.
#include <gtest/gtest.h>

#include <algorithm>
#include <limits>

#include "../support/databases.h"
#include "directoras/module.h"
#include "store/encrypted_fields.h"
#include "store/query.h"

namespace eq::directoras {
namespace {

Profile sample() {
  Profile p;
  p.full_name = "María Ignacia Núñez Sepúlveda";
  p.rut = "11111111-1";
  p.email = "maria@prueba.cl";
  p.birth_year = 1975;
  p.studies = "profesional";
  p.degree = "Ingeniera Comercial";
  p.experience_years = 20;
  p.industries = {"mineria"};
  p.specialties = {"finanzas"};
  p.board_training = true;
  p.region_id = "13";
  p.availability_code = "inmediata";
  p.summary = "Directora de finanzas corporativas";
  return p;
}

TEST(DirectorasSearch, AccentsCasePluralsAndOneTypoInANameMatch) {
  const Profile p = sample();
  EXPECT_TRUE(matches_query(p, "nunez"));
  EXPECT_TRUE(matches_query(p, "NÚÑEZ sepulveda"));
  EXPECT_TRUE(matches_query(p, "sepulbeda"));      // one edit in a name
  EXPECT_TRUE(matches_query(p, "directoras"));     // plural of a word in her summary
  EXPECT_TRUE(matches_query(p, "minería"));        // her industry's label
  EXPECT_FALSE(matches_query(p, "sepxlbxda"));     // two edits
  EXPECT_FALSE(matches_query(p, "abogada"));
  EXPECT_FALSE(matches_query(p, "nunez abogada"));  // every word must match
}

// ------------------------------------------------------------------ the text index
// Profiles with common Chilean names (accents, ñ), degrees and summaries, and every facet set.
std::vector<Profile> named(int n) {
  const char* given[] = {"María José", "Catalina", "Francisca", "Valentina", "Javiera", "Pía", "Ignacia", "Verónica", "Bárbara", "Rocío"};
  const char* surnames[] = {"González", "Muñoz", "Rojas", "Sepúlveda", "Valenzuela", "Hernández", "Núñez", "Fernández",
                            "Gutiérrez", "Álvarez", "Vásquez", "Carrasco", "Pizarro", "Espinoza", "Contreras", "Soto"};
  const char* degrees[] = {"Ingeniera Comercial", "Abogada", "Contadora Auditora", "Economista", "Periodista"};
  const char* ind[] = {"mineria", "energia"};
  const char* spec[] = {"finanzas"};
  std::vector<Profile> out;
  for (int i = 0; i < n; ++i) {
    Profile p = sample();
    p.id = i + 1;
    p.updated_at = 1'700'000'000'000LL + (i % 37) * 1000;  // ties on purpose: the order falls back to the id
    p.full_name = std::string(given[i % 10]) + " " + surnames[(i * 7) % 16] + " " + surnames[(i * 3 + 5) % 16];
    p.degree = degrees[i % 5];
    p.summary = i % 2 ? "Directora de finanzas corporativas" : "Gerenta de operaciones";
    p.industries = {ind[i % 2]};
    p.specialties = {spec[0]};
    p.region_id = i % 3 ? "13" : "05";
    p.board_years = i % 4;
    out.push_back(p);
  }
  return out;
}

// Misspellings of a folded word: every letter changed, dropped, doubled, and two neighbours swapped.
std::vector<std::string> misspellings(const std::string& w) {
  std::vector<std::string> out;
  for (size_t i = 0; i < w.size(); ++i) {
    out.push_back(w.substr(0, i) + w.substr(i + 1));
    out.push_back(w.substr(0, i) + (w[i] == 'z' ? 's' : 'z') + w.substr(i + 1));
    out.push_back(w.substr(0, i + 1) + w[i] + w.substr(i + 1));
    if (i + 1 < w.size()) out.push_back(w.substr(0, i) + w[i + 1] + w[i] + w.substr(i + 2));
  }
  return out;
}

// The text index answers exactly what matches_query() answers entry by entry: same ids, same
// order, same facet counts — for every name word, every misspelling of it, prefixes, plurals,
// words of degrees, summaries and labels, and several words at once. Its recall of typos is
// therefore the scan's (one edit in a name word of 5+ letters).
TEST(DirectorasTextIndex, AnswersExactlyWhatTheScanAnswers) {
  SearchIndex::Entries entries;
  for (const auto& p : named(300)) entries.push_back(SearchIndex::entry_of(p));
  const auto snap = SearchIndex::Snapshot::of(entries);
  ASSERT_EQ(snap->size(), 300u);
  std::vector<std::string> queries = {"finanzas", "finanza", "FINANZAS corporativas", "abogadas", "ingen", "contadora auditora", "minería",
                                      "energía gonzalez", "Muñoz Rojas", "Valentina Soto", "pia", "Pía Núñez", "operacion", "xyz", "soto soto"};
  for (const char* name : {"gonzalez", "munoz", "sepulveda", "valenzuela", "hernandez", "nunez", "fernandez", "gutierrez", "alvarez",
                           "vasquez", "carrasco", "pizarro", "espinoza", "contreras", "catalina", "francisca", "javiera"})
    for (const auto& typo : misspellings(name)) queries.push_back(typo);
  size_t found = 0;
  for (const auto& q : queries) {
    Filter f;
    f.q = q;
    f.limit = 1'000'000;
    const auto got = snap->search(f);
    const auto query = prepare_query(q);
    std::vector<int64_t> want;
    for (const auto& e : *snap)
      if (matches_query(e.text, query)) want.push_back(e.id);
    EXPECT_EQ(got.page, want) << "query «" << q << "»";
    EXPECT_EQ(got.total, want.size()) << q;
    found += want.empty() ? 0 : 1;
    int board_si = 0;
    for (const auto& e : *snap)
      if (matches_query(e.text, query) && e.board) ++board_si;
    EXPECT_EQ(got.board_si, board_si) << q;
  }
  EXPECT_GT(found, queries.size() / 2) << "the comparison must not be between empty answers";
}

// Recall of the typos a company makes with Chilean surnames: «Gonzales» finds «González», and so on;
// two edits do not match, and the typo tolerance is for names only (not for a degree).
TEST(DirectorasTextIndex, FindsMisspeltNamesAccentInsensitively) {
  SearchIndex::Entries entries;
  for (const auto& p : named(64)) entries.push_back(SearchIndex::entry_of(p));
  const auto snap = SearchIndex::Snapshot::of(entries);
  auto ids_of = [&](const std::string& q) {
    Filter f;
    f.q = q;
    f.limit = 1000;
    return snap->search(f).page;
  };
  auto holding = [&](const std::string& folded_surname) {
    std::vector<int64_t> out;
    for (const auto& e : *snap)
      if (std::find(e.text.name_words.begin(), e.text.name_words.end(), folded_surname) != e.text.name_words.end()) out.push_back(e.id);
    return out;
  };
  for (const auto& [typo, surname] : std::vector<std::pair<std::string, std::string>>{{"Gonzales", "gonzalez"},
                                                                                      {"GONZALEZ", "gonzalez"},
                                                                                      {"Sepulbeda", "sepulveda"},
                                                                                      {"Valenzuella", "valenzuela"},
                                                                                      {"Hernandes", "hernandez"},
                                                                                      {"Fernandes", "fernandez"},
                                                                                      {"Gutierres", "gutierrez"},
                                                                                      {"Vazquez", "vasquez"},
                                                                                      {"Espinosa", "espinoza"},
                                                                                      {"Carasco", "carrasco"}}) {
    const auto want = holding(surname);
    ASSERT_FALSE(want.empty()) << surname;
    const auto got = ids_of(typo);
    for (auto id : want) EXPECT_NE(std::find(got.begin(), got.end(), id), got.end()) << typo << " misses a " << surname;
  }
  EXPECT_TRUE(ids_of("Gonsalex").empty()) << "two edits";
  EXPECT_TRUE(ids_of("abogadx").empty()) << "no typo tolerance outside names";
  // Profile 6 is «Pía Sepúlveda Valenzuela»: accent-insensitive, one edit, two words.
  const auto pia = ids_of("Pía Sepulbeda");
  EXPECT_NE(std::find(pia.begin(), pia.end(), 6), pia.end());
}

TEST(DirectorasEligibility, EachCriterionNamesItsField) {
  Options o;
  EXPECT_FALSE(ineligible(sample(), o, 2026));
  auto field = [&](auto change) {
    Profile p = sample();
    change(p);
    auto e = ineligible(p, o, 2026);
    return e ? e->field + "/" + e->code : std::string("eligible");
  };
  EXPECT_EQ(field([](Profile& p) { p.experience_years = 4; }), "experience_years/ineligible");
  EXPECT_EQ(field([](Profile& p) { p.board_training = false; }), "board_training/ineligible");
  EXPECT_EQ(field([](Profile& p) { p.board_training = false, p.board_years = 2; }), "eligible");
  EXPECT_EQ(field([](Profile& p) { p.birth_year = 2010; }), "birth_year/ineligible");
  EXPECT_EQ(field([](Profile& p) { p.experience_years = 45; }), "experience_years/ineligible");  // born 1975: impossible
  EXPECT_EQ(field([](Profile& p) { p.industries.clear(); }), "industries/ineligible");
  EXPECT_EQ(field([](Profile& p) { p.specialties.clear(); }), "specialties/ineligible");
}

class DirectorasStore : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    std::vector<store::Migration> schema = audit::migrations();
    const auto mine = migrations();
    schema.insert(schema.end(), mine.begin(), mine.end());
    auto opened = eq::testing::migrated_database(GetParam(), schema);
    ASSERT_TRUE(opened) << opened.error().message;
    db_ = std::move(*opened);
    log_ = std::make_unique<audit::Log>(*db_);
    svc_ = std::make_unique<Service>(*db_, keys_, *log_, Options{}, std::vector<std::pair<std::string, std::string>>{
                                                                          {"13", "Metropolitana"}, {"05", "Valparaíso"}, {"08", "Biobío"}});
  }
  int64_t count(const std::string& sql) {
    auto session = db_->lease();
    return store::Query(sql).scalar(**session).value_or(-1);
  }
  crypto::Keys keys_ = crypto::Keys::from_master(std::string(32, 'k'));
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<audit::Log> log_;
  std::unique_ptr<Service> svc_;
};

TEST_P(DirectorasStore, DemoIsGeneratedOnceAndAgreesWithTheSeed) {
  ASSERT_TRUE(svc_->load_demo(640, {}));
  ASSERT_TRUE(svc_->load_demo(640, {}));  // idempotent
  const int64_t demo = count("SELECT COUNT(*) FROM directoras_profiles WHERE demo = 1");
  EXPECT_EQ(demo, 640);
  // The seed: "lanzado … en agosto de 2019 con más de 600 mujeres inscritas".
  EXPECT_GT(demo, kSeedLaunchWomenAtLeast);
  // Every generated woman meets the criteria the register checks.
  auto lease = db_->lease();
  const int year = 2026;
  int eligible = 0;
  for (const auto& p : svc_->repo().changed_since(**lease, std::numeric_limits<int64_t>::min())) eligible += !ineligible(p, svc_->options(), year);
  EXPECT_EQ(eligible, demo);
}

// The search's in-memory index: loaded once, then kept current through the change counter (an
// update moves a profile and changes its facets; an insert joins), in the search's order.
TEST_P(DirectorasStore, SearchIndexFollowsInsertsAndUpdates) {
  ASSERT_TRUE(svc_->load_demo(50, {}));
  auto lease = db_->lease();
  auto& s = **lease;
  SearchIndex index;
  auto a = index.current(s, svc_->repo());
  ASSERT_EQ(a->size(), 50u);
  EXPECT_EQ(index.current(s, svc_->repo()), a) << "no change: the same snapshot";
  for (size_t i = 1; i < a->size(); ++i)
    EXPECT_TRUE((*a)[i - 1].updated_at > (*a)[i].updated_at || ((*a)[i - 1].updated_at == (*a)[i].updated_at && (*a)[i - 1].id > (*a)[i].id));
  auto p = svc_->repo().find(s, a->back().id);
  ASSERT_TRUE(p);
  p->region_id = p->region_id == "11" ? "12" : "11";
  p->updated_at = a->front().updated_at + 1000;
  svc_->repo().update(s, *p);
  auto b = index.current(s, svc_->repo());
  ASSERT_EQ(b->size(), 50u);
  EXPECT_EQ(b->front().id, p->id) << "the updated profile comes first";
  EXPECT_EQ(b->front().region_id, p->region_id);
  Profile n = *p;
  n.rut = "99999999-9";
  n.full_name = "Ñuñoa Índice Prueba";
  n.updated_at = p->updated_at + 1000;
  n.id = svc_->repo().insert(s, n);
  auto c = index.current(s, svc_->repo());
  ASSERT_EQ(c->size(), 51u);
  EXPECT_EQ(c->front().id, n.id);
  EXPECT_TRUE(matches_query(c->front().text, prepare_query("nunoa indice")));
  EXPECT_EQ(std::count_if(c->begin(), c->end(), [&](const auto& e) { return e.id == p->id; }), 1);
}

TEST_P(DirectorasStore, IdentifyingFieldsAreCiphertextAndRotate) {
  Profile p = sample();
  p.phone = "+56 9 1234 5678";
  p.created_at = p.updated_at = 1'000;
  int64_t id = 0;
  {
    auto lease = db_->lease();
    id = svc_->repo().insert(**lease, p);
  }
  EXPECT_EQ(count("SELECT COUNT(*) FROM directoras_profiles WHERE rut_enc LIKE 'v1.%' AND email_enc LIKE 'v1.%' AND phone_enc LIKE 'v1.%'"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM directoras_profiles WHERE rut_enc LIKE '%11111111%' OR email_enc LIKE '%prueba%'"), 0);
  // Declared: rotation re-encrypts the three columns and re-makes the RUT's blind index.
  const auto fields = encrypted_fields();
  ASSERT_EQ(fields.size(), 3u);
  const auto next = crypto::Keys::from_master(std::string(32, 'n'));
  auto rotated = db_->transaction<int64_t>([&](soci::session& s) -> Result<int64_t> { return store::rekey(s, fields, keys_, next); });
  ASSERT_TRUE(rotated) << rotated.error().message;
  Repository after(next);
  auto lease = db_->lease();
  auto back = after.find(**lease, id);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->rut, "11111111-1");
  EXPECT_EQ(back->phone, "+56 9 1234 5678");
  EXPECT_EQ(after.by_rut(**lease, "11.111.111-1"), id);
  EXPECT_TRUE(store::verify_keys(**lease, fields, next));
  EXPECT_FALSE(store::verify_keys(**lease, fields, keys_));
}

TEST_P(DirectorasStore, StaleProfilesWithAnAccountAreRemindedOncePerPeriod) {
  constexpr int64_t kDay = 86'400'000;
  const int64_t now = 2'000 * kDay;
  Profile old = sample();
  old.user_id = 7;
  old.created_at = old.updated_at = now - 400 * kDay;
  Profile fresh = sample();
  fresh.rut = "22222222-2";
  fresh.user_id = 8;
  fresh.created_at = fresh.updated_at = now - 10 * kDay;
  {
    auto lease = db_->lease();
    svc_->repo().insert(**lease, old);
    svc_->repo().insert(**lease, fresh);
  }
  EXPECT_EQ(*svc_->remind_stale(now), 1);
  EXPECT_EQ(*svc_->remind_stale(now + kDay), 0);        // not again within the period
  EXPECT_EQ(*svc_->remind_stale(now + 31 * kDay), 1);   // again after it
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action = 'directoras.stale_reminder'"), 2);
}

INSTANTIATE_TEST_SUITE_P(DirectorasBackends, DirectorasStore, ::testing::ValuesIn(eq::testing::backends()));

}  // namespace
}  // namespace eq::directoras
