// The ministry's registries: partial-date order and labels (the seed gives months and years), and on
// SQLite and PostgreSQL the demo's computed counts against the seed's figures (62, 15, 36), idempotent
// loading, and the alert job (each alert once; the narrowest window; a finished agreement quiet).
#include <gtest/gtest.h>

#include <algorithm>

#include "../support/databases.h"
#include "core/time.h"
#include "registries/module.h"
#include "store/query.h"

namespace eq::registries {
namespace {

PartialDate d(const char* s) { return read_partial_date(s); }

TEST(RegistriesDates, PrecedesComparesOnlyWhatBothDatesKnow) {
  EXPECT_TRUE(precedes(d("31-03-2024"), d("01-04-2024")));
  EXPECT_FALSE(precedes(d("01-04-2024"), d("01-04-2024")));
  EXPECT_TRUE(precedes(d("2020"), d("01-2021")));
  EXPECT_FALSE(precedes(d("12-2021"), d("31-12-2021")));  // same month, day unknown: not before
  EXPECT_FALSE(precedes(d("2021"), d("05-2021")));        // same year, month unknown
  EXPECT_TRUE(precedes(d("03-2021"), d("15-04-2021")));
  EXPECT_FALSE(precedes(d(""), d("01-01-2021")));         // unknown end: nothing to refuse
}

TEST(RegistriesDates, LabelsSayOnlyWhatIsKnown) {
  EXPECT_EQ(date_label("01-2021"), "enero de 2021");
  EXPECT_EQ(date_label("2019"), "2019");
  EXPECT_EQ(date_label("31-12-2021"), "31-12-2021");
  EXPECT_EQ(date_label(""), "sin información");
  // The last day a partial date can mean: a bare year ends on 31-12, February 2024 on the 29th.
  EXPECT_EQ(last_day(d("2021")), last_day(d("31-12-2021")));
  EXPECT_EQ(last_day(d("02-2024")), last_day(d("29-02-2024")));
  EXPECT_EQ(last_day(d("01-01-1970")), 0);
}

class RegistriesStore : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    std::vector<store::Migration> schema = audit::migrations();
    const auto mine = migrations();
    schema.insert(schema.end(), mine.begin(), mine.end());
    auto opened = eq::testing::migrated_database(GetParam(), schema);
    ASSERT_TRUE(opened) << opened.error().message;
    db_ = std::move(*opened);
    log_ = std::make_unique<audit::Log>(*db_);
    svc_ = std::make_unique<Service>(*db_, *log_, Options{});
  }
  int64_t count(const std::string& sql) {
    auto session = db_->lease();
    return store::Query(sql).scalar(**session).value_or(-1);
  }
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<audit::Log> log_;
  std::unique_ptr<Service> svc_;
};

TEST_P(RegistriesStore, DemoCountsAreComputedAndAgreeWithTheSeed) {
  ASSERT_TRUE(svc_->load_demo());
  ASSERT_TRUE(svc_->load_demo());  // idempotent
  // The seed: "Actualmente hay 62 empresas adheridas y 15 en proceso de firma." and "llegando a 36
  // organizaciones certificadas a abril de 2021".
  EXPECT_EQ(count("SELECT COUNT(*) FROM registries_certs WHERE program = 'ipg' AND status = 'adherida'"), kSeedIpgAdhered);
  EXPECT_EQ(count("SELECT COUNT(*) FROM registries_certs WHERE program = 'ipg' AND status = 'en_proceso_firma'"), kSeedIpgInProcess);
  EXPECT_EQ(count("SELECT COUNT(*) FROM registries_certs WHERE program = 'nch3262' AND status = 'certificada'"), kSeedNch3262Certified);
  // Every record has its first status in its history.
  EXPECT_EQ(count("SELECT COUNT(*) FROM registries_certs c WHERE NOT EXISTS (SELECT 1 FROM registries_cert_history h WHERE h.cert_id = c.id)"), 0);
  // The seed gives the Walmart agreement's end, and only a month for its signature.
  EXPECT_EQ(count("SELECT COUNT(*) FROM registries_agreements WHERE ends_on = '31-12-2021' AND signed_on = '01-2021'"), 1);
}

TEST_P(RegistriesStore, TheJobRaisesEachAlertOnceInTheNarrowestWindow) {
  const int64_t day = 86400000LL;
  const int64_t now = 20000LL * day + 12 * 3600000LL;  // noon UTC, 2024-10-04
  auto add = [&](const std::string& title, int64_t end_in_days, const std::string& status, std::vector<Obligation> obligations) {
    Agreement a;
    a.title = title;
    a.status = status;
    a.parties = {"Ministerio de la Mujer y la Equidad de Género", "Otra parte"};
    a.ends_on = format_partial_date(read_partial_date(format_date_cl(now + end_in_days * day)));
    a.obligations = std::move(obligations);
    a.updated_at = now;
    auto lease = db_->lease();
    return repo::insert_agreement(**lease, a);
  };
  const auto in20 = add("vence en 20", 20, "en_ejecucion", {});
  const auto in50 = add("vence en 50", 50, "suscrito", {{0, "Informe", "Otra parte", format_date_cl(now - 3 * day), "pendiente"},
                                                        {0, "Plan", "Otra parte", format_date_cl(now - 3 * day), "cumplida"}});
  add("vence en 90", 90, "suscrito", {});
  const auto past = add("vencido", -5, "en_ejecucion", {});
  add("terminado", -5, "terminado", {});
  auto first = svc_->raise_alerts(now);
  ASSERT_TRUE(first);
  EXPECT_EQ(*first, 4);
  auto again = svc_->raise_alerts(now + 3600000LL);
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, 0);
  auto kinds = [&](int64_t id) {
    std::vector<std::string> out;
    auto lease = db_->lease();
    for (const auto& a : repo::alerts(**lease, id)) out.push_back(a.kind);
    std::sort(out.begin(), out.end());
    return out;
  };
  EXPECT_EQ(kinds(in20), std::vector<std::string>{"vence_30"});
  EXPECT_EQ(kinds(in50), (std::vector<std::string>{"obligacion_atrasada", "vence_60"}));
  EXPECT_EQ(kinds(past), std::vector<std::string>{"vencido"});
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action = 'registries.alert_raised'"), 4);
}

INSTANTIATE_TEST_SUITE_P(RegistriesBackends, RegistriesStore, ::testing::ValuesIn(eq::testing::backends()));

}  // namespace
}  // namespace eq::registries
