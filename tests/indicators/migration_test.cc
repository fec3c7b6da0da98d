// The catalogue editor's migration (indicators 2) on a database that already holds a catalogue:
// SQLite rebuilds ind_indicators to widen its CHECK (monthly periods), PostgreSQL swaps the
// constraint. Indicators keep their ids and fields, their series and reminders still point at
// them, the foreign keys still hold, and the new checks refuse what they must.
#include <gtest/gtest.h>

#include "indicators/module.h"
#include "indicators/repository.h"
#include "../support/databases.h"

namespace eq::indicators {
namespace {

class IndicatorsMigration : public ::testing::TestWithParam<std::string> {};

bool fails(soci::session& s, const std::string& sql) {
  try {
    s << sql;
    return false;
  } catch (const std::exception&) {
    return true;
  }
}

TEST_P(IndicatorsMigration, AnExistingCatalogueSurvivesTheEditorMigration) {
  auto all = migrations();
  ASSERT_GE(all.size(), 2u);
  auto db = testing::migrated_database(GetParam(), {all[0]});
  ASSERT_TRUE(db) << db.error().message;
  {
    auto lease = (*db)->lease();
    ASSERT_TRUE(lease);
    soci::session& s = **lease;
    s << "INSERT INTO ind_indicators (id, code, name, definition, numerator, denominator, unit, factor, decimals, periodicity, source, "
         "steward_institution_id, disaggregations, origin, first_year, grace_days, demo, created_at) VALUES (7, 'SEG-A', 'Tasa A', "
         "'Definición A', 'Num A', 'Den A', '%', 100, 1, 'trimestral', 'Fuente A', 3, 'sexo', 'upload', 2019, 90, 0, 1000)";
    s << "INSERT INTO ind_values (indicator_id, period, disaggregation, value, uploaded_at) VALUES (7, '2020-T1', '', 51.5, 2000)";
    s << "INSERT INTO ind_reminders (indicator_id, period, due_at, sent_at) VALUES (7, '2020-T2', 3000, 4000)";
  }
  auto applied = store::apply_migrations(**db, all, "");
  ASSERT_TRUE(applied) << applied.error().message;
  EXPECT_EQ(*applied, static_cast<int>(all.size()) - 1);

  auto lease = (*db)->lease();
  ASSERT_TRUE(lease);
  soci::session& s = **lease;
  auto ind = Repository::indicator(s, 7);
  ASSERT_TRUE(ind);
  EXPECT_EQ(ind->code, "SEG-A");
  EXPECT_EQ(ind->definition, "Definición A");
  EXPECT_EQ(ind->periodicity, "trimestral");
  EXPECT_EQ(ind->steward_institution_id, 3);
  EXPECT_EQ(ind->created_at, 1000);
  EXPECT_EQ(ind->status, "publicado") << "an indicator from before the editor was public: it stays published";
  EXPECT_EQ(ind->version, 1);
  EXPECT_FALSE(ind->modified_at);
  auto values = Repository::values(s, 7);
  ASSERT_EQ(values.size(), 1u);
  EXPECT_DOUBLE_EQ(values[0].value, 51.5);
  EXPECT_TRUE(Repository::has_reminder(s, 7, "2020-T2"));

  // The series still point at their indicator: an orphan value is refused.
  EXPECT_TRUE(fails(s, "INSERT INTO ind_values (indicator_id, period, disaggregation, value, uploaded_at) VALUES (9999, '2020', '', 1, 1)"));
  EXPECT_TRUE(fails(s, "INSERT INTO ind_indicator_versions (indicator_id, version, status, body, changed_at) VALUES (9999, 1, 'borrador', '{}', 1)"));
  // Monthly periods are accepted now; an unknown periodicity or status still is not.
  Indicator monthly;
  monthly.code = "SEG-M";
  monthly.name = monthly.definition = monthly.numerator = monthly.denominator = monthly.source = "x";
  monthly.unit = "%";
  monthly.periodicity = "mensual";
  monthly.status = "borrador";
  const int64_t id = Repository::insert_indicator(s, monthly, 5000);
  // SQLite's rebuilt table must continue after the kept ids (its AUTOINCREMENT counter is the
  // new table's); PostgreSQL keeps its table and identity (the explicit id 7 above never moved it).
  if (GetParam() == "sqlite") {
    EXPECT_GT(id, 7) << "new ids continue after the kept ones";
  }
  EXPECT_NE(id, 7);
  EXPECT_EQ(Repository::indicator(s, id)->periodicity, "mensual");
  EXPECT_TRUE(fails(s, "UPDATE ind_indicators SET periodicity = 'semanal' WHERE id = 7"));
  EXPECT_TRUE(fails(s, "UPDATE ind_indicators SET status = 'archivado' WHERE id = 7"));
  EXPECT_TRUE(fails(s, "INSERT INTO ind_indicators (code, name, definition, numerator, denominator, unit, factor, decimals, periodicity, "
                       "source, steward_institution_id, disaggregations, origin, first_year, grace_days, created_at) VALUES ('SEG-A', 'n', "
                       "'d', 'n', 'd', '%', 100, 1, 'anual', 's', 3, '', 'upload', 2019, 90, 1)"))
      << "codes stay unique";
}

INSTANTIATE_TEST_SUITE_P(Backends, IndicatorsMigration, ::testing::ValuesIn(testing::backends()));

}  // namespace
}  // namespace eq::indicators
