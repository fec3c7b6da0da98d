// The councils module: days and the quorum rule; the seed's facts the demo is built from, read from
// the seed text itself; and on SQLite and PostgreSQL the demo loaded (idempotent) with the Consejo
// Asesor's 10 members and the COSOC's sessions as the seed gives them.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <regex>
#include <sstream>

#include "../support/databases.h"
#include "councils/module.h"
#include "store/query.h"

namespace eq::councils {
namespace {

TEST(CouncilsDays, ParsesBothWrittenFormsAndRefusesDaysThatDoNotExist) {
  EXPECT_EQ(parse_day("2021-03-18"), "2021-03-18");
  EXPECT_EQ(parse_day("18-03-2021"), "2021-03-18");
  EXPECT_EQ(parse_day("8/3/2021"), "2021-03-08");
  EXPECT_EQ(parse_day("29-02-2024"), "2024-02-29");
  EXPECT_FALSE(parse_day("29-02-2021"));
  EXPECT_FALSE(parse_day("31-04-2021"));
  EXPECT_FALSE(parse_day("2021-03-18x"));
  EXPECT_FALSE(parse_day("18-03/2021"));
  EXPECT_FALSE(parse_day("ayer"));
  EXPECT_EQ(day_label("2021-03-18"), "18-03-2021");
}

TEST(CouncilsQuorum, AbsoluteMajorityOfTheMembersInOfficeOnTheDay) {
  std::vector<Member> m;
  for (int i = 1; i <= 5; ++i) m.push_back({i, 1, "M" + std::to_string(i), "O", "integrante", "2020-01-01", "", false});
  m[4].term_until = "2020-12-31";  // left before the session: not counted
  Session s;
  s.held_on = "2021-03-01";
  s.attendance = {{1, "presente"}, {2, "presente"}, {3, "excusado"}};
  Quorum q = quorum_of(s, m);
  EXPECT_EQ(q.members, 4);
  EXPECT_EQ(q.needed, 3);
  EXPECT_EQ(q.present, 2);
  EXPECT_EQ(q.excused, 1);
  EXPECT_EQ(q.unrecorded, 1);
  EXPECT_FALSE(q.met());
  s.attendance.push_back({4, "presente"});
  EXPECT_TRUE(quorum_of(s, m).met());
  EXPECT_FALSE(quorum_of(Session{}, {}).met());  // no members: never a quorum
}

// The seed: the ministry's public account 2020–2021, kept verbatim in data/seed/.
std::string seed_text() {
  std::ifstream in(eq::testing::source_dir() + "/data/seed/cuenta_publica_2020_2021.txt");
  std::stringstream text;
  if (in) text << in.rdbuf();
  return text.str();
}

TEST(CouncilsSeed, TheDemoFactsAreTheSeeds) {
  const std::string seed = seed_text();
  ASSERT_FALSE(seed.empty()) << "data/seed/cuenta_publica_2020_2021.txt not found";
  // «Lo componen 10 personas …» (Ley 20.820).
  EXPECT_NE(seed.find("Lo componen " + std::to_string(kConsejoAsesorSeats) + " personas"), std::string::npos);
  // «Actualmente el Consejo está compuesto por A, B, …, y Z.»: the names, parsed from the sentence.
  std::smatch m;
  ASSERT_TRUE(std::regex_search(seed, m, std::regex("Actualmente el Consejo está compuesto por ([^.]+)\\.")));
  std::string list = std::regex_replace(m[1].str(), std::regex(",? y "), ", ");
  std::vector<std::string> names;
  std::stringstream parts(list);
  for (std::string p; std::getline(parts, p, ',');) {
    p.erase(0, p.find_first_not_of(' '));
    if (!p.empty()) names.push_back(p);
  }
  EXPECT_EQ(names, SeedFacts::consejo_asesor_members());
  EXPECT_EQ(static_cast<int>(names.size()), kConsejoAsesorSeats);
  // COSOC: monthly from June to November 2020, then March 2021.
  EXPECT_NE(seed.find("Desde junio del 2020 a la fecha, el Consejo de la Sociedad Civil se reunió en sesiones mensuales finalizando su "
                      "programa de encuentros anual en noviembre de 2020"),
            std::string::npos);
  EXPECT_NE(seed.find("En marzo de 2021 el COSOC realizó la primera sesión del año"), std::string::npos);
  const std::vector<std::string> months = {"2020-06", "2020-07", "2020-08", "2020-09", "2020-10", "2020-11", "2021-03"};
  EXPECT_EQ(SeedFacts::cosoc_session_months(), months);
  for (const auto& t : SeedFacts::cosoc_topics()) EXPECT_NE(seed.find(t), std::string::npos) << t;
  // The regional Mesa Mujer y Minería of Arica y Parinacota and its members.
  EXPECT_NE(seed.find("Está compuesta por la Seremi de la Mujer y la Equidad de Género, Seremi de Minería, Empresas Mineras: Pampa "
                      "Camarones, Quiborax e Imerys"),
            std::string::npos);
  EXPECT_NE(seed.find("03-11-20 Firma Convenio inserción laboral femenina con empresa Quiborax"), std::string::npos);
}

class CouncilsStore : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    std::vector<store::Migration> schema = audit::migrations();
    const auto mine = migrations();
    schema.insert(schema.end(), mine.begin(), mine.end());
    auto opened = eq::testing::migrated_database(GetParam(), schema);
    ASSERT_TRUE(opened) << opened.error().message;
    db_ = std::move(*opened);
    log_ = std::make_unique<audit::Log>(*db_);
    svc_ = std::make_unique<Service>(*db_, *log_);
  }
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<audit::Log> log_;
  std::unique_ptr<Service> svc_;
};

TEST_P(CouncilsStore, DemoIsTheSeedsAndLoadsOnce) {
  const int64_t now = 1796000000000LL;  // 2026-11
  ASSERT_TRUE(svc_->load_demo(now));
  ASSERT_TRUE(svc_->load_demo(now));  // idempotent
  auto lease = db_->lease();
  ASSERT_TRUE(lease);
  auto& s = **lease;
  const auto all = repo::bodies(s);
  ASSERT_EQ(all.size(), 4u);
  EXPECT_TRUE(std::all_of(all.begin(), all.end(), [](const Body& b) { return b.demo; }));
  for (const auto& b : all) {
    if (b.kind == "consejo_asesor") {
      std::vector<std::string> names;
      for (const auto& m : repo::members(s, b.id)) {
        EXPECT_TRUE(m.active_on(today_iso(now)));
        names.push_back(m.name);
      }
      EXPECT_EQ(names, SeedFacts::consejo_asesor_members());
    }
    if (b.kind == "cosoc") {
      std::vector<std::string> months;
      for (const auto& x : repo::sessions(s, b.id)) {
        months.push_back(x.held_on.substr(0, 7));
        EXPECT_TRUE(quorum_of(x, repo::members(s, b.id)).met());
      }
      std::sort(months.begin(), months.end());
      EXPECT_EQ(months, SeedFacts::cosoc_session_months());
      int overdue = 0;
      for (const auto& a : repo::agreements(s, b.id)) overdue += a.overdue(today_iso(now));
      EXPECT_EQ(overdue, 1);  // the election of the second period, due May 2021, still in course
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, CouncilsStore, ::testing::ValuesIn(eq::testing::backends()));

}  // namespace
}  // namespace eq::councils
