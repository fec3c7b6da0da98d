// The network of care: the demo's counts against the seed, the neighbouring-comuna rule from the
// boundary file, admission rules, and (on SQLite and PostgreSQL) the encrypted shelter address, the
// search for a place and the sweep that snapshots, flags stale confirmations and lapses offers.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "../support/databases.h"
#include "care/module.h"
#include "store/query.h"

namespace eq::care {
namespace {

constexpr int64_t kHour = 3600LL * 1000;

std::vector<std::string> regions() {
  return {"15", "01", "02", "03", "04", "05", "13", "06", "07", "16", "08", "09", "14", "10", "11", "12"};
}
std::vector<std::string> fake_comunas(const std::string& r) { return {r + "101", r + "102", r + "103", r + "201"}; }

TEST(CareDemo, ComputedCountsEqualTheSeed) {
  // The seed (public account 2020–2021): «se garantizó el funcionamiento de las 44 Casas de Acogida,
  // 111 Centros de la Mujer, y los 3 Centros de Atención y Reparación … de Violencia Sexual».
  std::ifstream in(eq::testing::source_dir() + "/data/seed/cuenta_publica_2020_2021.txt");
  ASSERT_TRUE(in) << "data/seed/cuenta_publica_2020_2021.txt not found";
  {
    std::stringstream text;
    text << in.rdbuf();
    EXPECT_NE(text.str().find("las " + std::to_string(kSeed.casas) + " Casas de Acogida, " + std::to_string(kSeed.centros) +
                              " Centros de la Mujer, y los " + std::to_string(kSeed.cavas) + " Centros"),
              std::string::npos)
        << "the seed's sentence changed";
  }
  auto places = demo_places(regions(), fake_comunas, [](const std::string& c) { return "Comuna " + c; });
  std::map<std::string, int> kinds;
  std::map<std::string, std::map<std::string, int>> by_region;
  for (const auto& p : places) ++kinds[p.kind], ++by_region[p.region_id][p.kind];
  EXPECT_EQ(kinds["casa"], 44);
  EXPECT_EQ(kinds["centro"], 111);
  EXPECT_EQ(kinds["cavas"], 3);
  EXPECT_EQ(kinds["casa"], kSeed.casas);
  EXPECT_EQ(kinds["centro"], kSeed.centros);
  EXPECT_EQ(kinds["cavas"], kSeed.cavas);
  for (const auto& r : regions()) {
    EXPECT_GE(by_region[r]["casa"], 1) << r;
    EXPECT_GE(by_region[r]["centro"], 1) << r;
  }
  EXPECT_GT(by_region["13"]["centro"], by_region["11"]["centro"]) << "spread by population";
  for (const auto& p : places)
    if (p.kind == "casa") {
      EXPECT_EQ(p.name.find("Comuna"), std::string::npos) << "shelters are anonymised: " << p.name;
      EXPECT_FALSE(p.lat.has_value());
      EXPECT_TRUE(p.referral_only);
    }
}

TEST(CareGeography, NeighboursShareABoundary) {
  auto geo = Geography::load(eq::testing::source_dir() + "/data");
  ASSERT_TRUE(geo) << geo.error().message;
  EXPECT_GE((*geo)->size(), 340u);
  EXPECT_TRUE((*geo)->adjacent("13101", "13123"));   // Santiago – Providencia
  EXPECT_TRUE((*geo)->adjacent("13123", "13101"));
  EXPECT_TRUE((*geo)->adjacent("13101", "13120"));   // Santiago – Ñuñoa
  EXPECT_FALSE((*geo)->adjacent("13101", "05101"));  // Santiago – Valparaíso
  EXPECT_FALSE((*geo)->adjacent("13101", "13101"));
  auto c = (*geo)->centre("13101");
  ASSERT_TRUE(c);
  EXPECT_NEAR(c->first, -33.45, 0.1);
  EXPECT_NEAR(c->second, -70.65, 0.1);
}

TEST(CareRules, AdmissionAndExclusion) {
  Place casa;
  casa.kind = "casa", casa.comuna_id = "13123", casa.min_age = 18, casa.children_max_age = 14;
  auto adj = [](const std::string& a, const std::string& b) { return (a == "13123" && b == "13101") || (a == "13101" && b == "13123"); };
  Need n;
  n.woman_age = 30;
  EXPECT_FALSE(refuse(casa, n, adj));
  n.exclusion.comuna_id = "13123";
  EXPECT_EQ(refuse(casa, n, adj)->code, "aggressor_comuna");
  n.exclusion.comuna_id = "13101";
  EXPECT_FALSE(refuse(casa, n, adj)) << "a neighbour is allowed unless the order says so";
  n.exclusion.neighbours = true;
  EXPECT_EQ(refuse(casa, n, adj)->code, "aggressor_neighbour");
  n.exclusion = {};
  n.children_ages = {3, 14};
  EXPECT_EQ(refuse(casa, n, adj)->code, "children");
  n.children_ages = {3, 13};
  EXPECT_FALSE(refuse(casa, n, adj));
  EXPECT_EQ(unit_type_for(n), "mujer_con_hijos");
  n.woman_age = 17;
  EXPECT_EQ(refuse(casa, n, adj)->code, "age");
}

class CareStore : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    auto all = audit::migrations();
    for (auto& m : migrations()) all.push_back(std::move(m));
    auto db = eq::testing::migrated_database(GetParam(), all);
    ASSERT_TRUE(db) << db.error().message;
    db_ = std::move(*db);
    log_ = std::make_unique<audit::Log>(*db_);
    auto geo = Geography::load(eq::testing::source_dir() + "/data");
    ASSERT_TRUE(geo);
    svc_ = std::make_unique<Service>(*db_, keys_, *log_, *geo, Registry{});
  }
  int64_t count(const std::string& sql) {
    auto lease = db_->lease();
    return store::Query(sql).scalar(**lease).value_or(-1);
  }
  int64_t add_house(const std::string& comuna, int places, int occupied, int64_t confirmed_at) {
    auto id = db_->transaction<int64_t>([&](soci::session& s) -> Result<int64_t> {
      Place p;
      p.kind = "casa", p.name = "Casa " + comuna, p.operator_name = "SernamEG", p.region_id = comuna.substr(0, 2), p.comuna_id = comuna;
      p.children_max_age = 14, p.referral_only = true, p.address = "Calle Secreta 123, " + comuna;
      p.id = svc_->repo().insert_place(s, p, confirmed_at);
      svc_->repo().upsert_unit(s, {p.id, "mujer_sola", places, occupied, 0, confirmed_at, 1});
      return p.id;
    });
    EXPECT_TRUE(id);
    return *id;
  }
  crypto::Keys keys_ = crypto::Keys::from_master(std::string(32, 'k'));
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<audit::Log> log_;
  std::unique_ptr<Service> svc_;
};

TEST_P(CareStore, ShelterAddressIsCiphertextAtRest) {
  const int64_t id = add_house("13123", 4, 1, 1'000'000);
  auto lease = db_->lease();
  std::string raw;
  store::Query("SELECT address_enc FROM care_places WHERE id = :id").bind("id", static_cast<long long>(id)).each(**lease, [&](const soci::row& r) {
    raw = store::get_str(r, 0);
  });
  EXPECT_EQ(raw.rfind("v1.", 0), 0u);
  EXPECT_EQ(raw.find("Secreta"), std::string::npos);
  EXPECT_EQ(svc_->repo().address(**lease, id), "Calle Secreta 123, 13123");
  EXPECT_EQ(count("SELECT COUNT(*) FROM care_places WHERE address_public IS NOT NULL OR lat IS NOT NULL"), 0);
}

TEST_P(CareStore, FindLeavesOutFullStaleExcludedAndNeighbours) {
  const int64_t now = 1'800'000'000'000;
  const int64_t ok = add_house("05101", 4, 1, now - kHour);
  add_house("05109", 4, 4, now - kHour);            // full
  add_house("05103", 4, 0, now - 13 * kHour);       // stale (12 h)
  const int64_t aggr = add_house("13101", 4, 0, now - kHour);
  const int64_t neigh = add_house("13123", 4, 0, now - kHour);
  auto lease = db_->lease();
  Need n;
  n.woman_age = 30;
  n.exclusion = {"13101", true};
  auto r = svc_->find(**lease, n, now);
  std::set<int64_t> found;
  for (const auto& i : r["items"]) found.insert(i["place_id"].get<int64_t>());
  EXPECT_EQ(found, (std::set<int64_t>{ok}));
  std::map<int64_t, std::string> why;
  for (const auto& e : r["excluded"]) why[e["place_id"].get<int64_t>()] = e["code"].get<std::string>();
  EXPECT_EQ(why[aggr], "aggressor_comuna");
  EXPECT_EQ(why[neigh], "aggressor_neighbour");
}

TEST_P(CareStore, SweepSnapshotsAlertsStaleAndOverdueAndLapsesUnansweredOffers) {
  const int64_t t0 = 1'800'000'000'000;
  const int64_t house = add_house("05101", 4, 1, t0);
  auto pl_id = db_->transaction<int64_t>([&](soci::session& s) -> Result<int64_t> {
    Placement pl;
    pl.place_id = house, pl.unit_type = "mujer_sola", pl.from_institution_id = 7, pl.from_user_id = 8, pl.woman_age = 30;
    pl.aggressor_comuna_id = "13101", pl.offered_at = t0, pl.answer_due_at = t0 + 4 * kHour;
    return svc_->repo().insert_placement(s, pl);
  });
  ASSERT_TRUE(pl_id);
  auto n = svc_->sweep(t0 + kHour);
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM care_snapshots"), 1);
  n = svc_->sweep(t0 + 5 * kHour);
  EXPECT_EQ(*n, 1);
  // Past its deadline the offer is alerted but still open: the house may still answer it…
  EXPECT_EQ(count("SELECT COUNT(*) FROM care_placements WHERE state = 'ofrecida'"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM care_alerts WHERE kind = 'respuesta_vencida' AND resolved_at IS NULL"), 1);
  n = svc_->sweep(t0 + 13 * kHour);
  EXPECT_EQ(*n, 1) << "stale confirmation";
  EXPECT_EQ(count("SELECT COUNT(*) FROM care_alerts WHERE kind = 'capacidad_sin_confirmar'"), 1);
  n = svc_->sweep(t0 + 14 * kHour);
  EXPECT_EQ(*n, 0) << "raised once";
  EXPECT_EQ(count("SELECT COUNT(*) FROM care_snapshots"), 1) << "one row per day and unit";
  EXPECT_EQ(count("SELECT COUNT(*) FROM care_placements WHERE state = 'vencida'"), 0);
  n = svc_->sweep(t0 + 30 * kHour);
  EXPECT_EQ(count("SELECT COUNT(*) FROM care_snapshots"), 2);
  // … until lapse_hours (24) after it was made: then it lapses, with no second alert.
  EXPECT_EQ(count("SELECT COUNT(*) FROM care_placements WHERE state = 'vencida'"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM care_alerts WHERE kind = 'respuesta_vencida'"), 1);
}

INSTANTIATE_TEST_SUITE_P(CareBackends, CareStore, ::testing::ValuesIn(eq::testing::backends()));

}  // namespace
}  // namespace eq::care
