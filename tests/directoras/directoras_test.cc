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
