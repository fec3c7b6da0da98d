// Policy tracking: roll-up arithmetic, the period calendar, the object rules, evidence checks,
// CSV, and the stored figures on SQLite and PostgreSQL (incremental update = full recomputation).
#include <gtest/gtest.h>

#include "core/csv.h"
#include "core/time.h"
#include "policy/exports.h"
#include "policy/module.h"
#include "policy/repository.h"
#include "policy/xlsx.h"
#include "store/migrations.h"
#include "../support/databases.h"

namespace eq::policy {
namespace {

int64_t day(const char* d) { return *parse_date_cl(d, "t"); }

// ---------------------------------------------------------------- XLSX

TEST(PolicyXlsx, OneSheetWorkbookIsAZipWithTheSheetAndItsStrings) {
  auto bytes = xlsx_sheet("Avance", {"Instrumento", "Avance (%)"}, {{std::string("Agenda Mujer"), 72.5}, {std::string("Plan «ñ»"), 0.0}});
  ASSERT_TRUE(bytes) << bytes.error().message;
  ASSERT_GT(bytes->size(), 100u);
  EXPECT_EQ(bytes->substr(0, 2), "PK");
  EXPECT_NE(bytes->find("xl/worksheets/sheet1.xml"), std::string::npos);
  EXPECT_NE(bytes->find("xl/sharedStrings.xml"), std::string::npos);
}

// ---------------------------------------------------------------- arithmetic

TEST(PolicyRollup, LeafWithoutReportCountsAsZeroAndStaysInTheDenominator) {
  auto none = leaf_figure(1, std::nullopt);
  EXPECT_EQ(none.progress, 0);
  EXPECT_EQ(none.leaves, 1);
  EXPECT_EQ(none.reported, 0);
  auto done = leaf_figure(1, 100.0);
  auto parent = parent_figure(1, {done, none});
  EXPECT_DOUBLE_EQ(parent.progress, 50.0);  // not 100: the unreported leaf is not dropped
  EXPECT_EQ(parent.leaves, 2);
  EXPECT_EQ(parent.reported, 1);
}

TEST(PolicyRollup, WeightedMeanOfChildren) {
  // weights 3 and 1: (3·80 + 1·20) / 4 = 65
  auto p = parent_figure(1, {leaf_figure(3, 80.0), leaf_figure(1, 20.0)});
  EXPECT_DOUBLE_EQ(p.progress, 65.0);
  EXPECT_DOUBLE_EQ(parent_figure(1, {}).progress, 0.0);
  EXPECT_EQ(parent_figure(1, {}).leaves, 0);
  EXPECT_DOUBLE_EQ(leaf_figure(1, 140.0).progress, 100.0);  // clamped
}

TEST(PolicyRollup, TreeIsRolledUpLevelByLevel) {
  // root(1) ─ a(2, w=1) ─ a1 (100), a2 (none)
  //         └ b(3, w=3) ─ b1 (40)
  std::vector<TreeNode> nodes = {{1, std::nullopt, 1, std::nullopt}, {2, 1, 1, std::nullopt}, {3, 1, 3, std::nullopt},
                                 {4, 2, 1, 100.0}, {5, 2, 1, std::nullopt}, {6, 3, 1, 40.0}};
  auto f = rollup_tree(nodes);
  EXPECT_DOUBLE_EQ(f[2].progress, 50.0);
  EXPECT_DOUBLE_EQ(f[3].progress, 40.0);
  EXPECT_DOUBLE_EQ(f[1].progress, (1 * 50.0 + 3 * 40.0) / 4);  // 42.5
  EXPECT_EQ(f[1].leaves, 3);
  EXPECT_EQ(f[1].reported, 2);
  EXPECT_EQ(f[5].reported, 0);
}

TEST(PolicyRollup, LeafCountsItsLatestValidatedReportAndHistoryAsOfEachPeriod) {
  // a(1) and b(2) top-level, weights 1 and 3; a has two validated reports (periods closing at 10
  // and 20), b one (closing at 20). A report on a parent never counts.
  std::vector<ItemShape> items = {{1, std::nullopt, 1}, {2, std::nullopt, 3}};
  std::vector<ValidatedReport> reports = {{1, 11, 20, 80}, {1, 10, 10, 30}, {2, 12, 20, 40}};
  auto now = instrument_figures(items, reports);
  EXPECT_DOUBLE_EQ(now.items[1].progress, 80.0);  // the later period wins, whatever the order read
  EXPECT_EQ(now.counted[1].first, 11);
  EXPECT_DOUBLE_EQ(now.instrument.progress, (80.0 + 3 * 40.0) / 4);
  auto early = instrument_figures(items, reports, 10);
  EXPECT_DOUBLE_EQ(early.instrument.progress, 30.0 / 4);
  EXPECT_EQ(early.instrument.reported, 1);
  Period p1, p2;
  p1.id = 1;
  p1.closes_at = 10;
  p2.id = 2;
  p2.closes_at = 20;
  auto h = history_figures(items, reports, {p2, p1});
  ASSERT_EQ(h.size(), 2u);
  EXPECT_EQ(h[0].period.id, 1);  // oldest first
  EXPECT_DOUBLE_EQ(h[0].figure.progress, early.instrument.progress);
  EXPECT_DOUBLE_EQ(h[1].figure.progress, now.instrument.progress);
  // Groups: plain mean over their leaves, sin reporte = 0.
  EXPECT_DOUBLE_EQ(group_figure(4, 2, 150).progress, 37.5);
  EXPECT_DOUBLE_EQ(group_figure(0, 0, 0).progress, 0.0);
}

TEST(PolicyRules, PmgAllowsAtMostFiveOfTheEightMeasuresFrom2021) {
  EXPECT_TRUE(check_pmg_quota("pmg", "medida", 2021, 4, "parent_id"));
  auto full = check_pmg_quota("pmg", "medida", 2021, 5, "parent_id");
  ASSERT_FALSE(full);
  EXPECT_EQ(full.error().field, "parent_id");
  EXPECT_EQ(full.error().code, "too_many_measures");
  EXPECT_TRUE(check_pmg_quota("pmg", "medida", 2020, 8, "parent_id"));     // before 2021: all eight
  EXPECT_TRUE(check_pmg_quota("plan", "medida", 2021, 8, "parent_id"));    // other instruments
  EXPECT_TRUE(check_pmg_quota("pmg", "compromiso", 2021, 8, "parent_id"));
}

TEST(PolicyRules, ReportStatusAndProgressAgree) {
  EXPECT_TRUE(check_report_progress("en_proceso", 50));
  EXPECT_EQ(check_report_progress("en_proceso", 100).error().code, "inconsistent");
  EXPECT_EQ(check_report_progress("terminado", std::nullopt).error().code, "required");
  EXPECT_EQ(check_report_progress("otro", 0).error().field, "status");
}

// ---------------------------------------------------------------- calendar

TEST(PolicyCalendar, StatesThroughTheWindowGraceAndReopening) {
  Period p;
  p.opens_at = day("01-08-2020");
  p.closes_at = day("01-09-2020");  // last day 31-08-2020
  p.grace_days = 5;
  EXPECT_EQ(period_state(p, day("31-07-2020")), "programado");
  EXPECT_EQ(period_state(p, day("01-08-2020")), "abierto");
  EXPECT_EQ(period_state(p, day("01-09-2020") - 1), "abierto");
  EXPECT_EQ(period_state(p, day("01-09-2020")), "gracia");
  EXPECT_EQ(period_state(p, day("06-09-2020") - 1), "gracia");
  EXPECT_EQ(period_state(p, day("06-09-2020")), "cerrado");
  EXPECT_TRUE(accepts_reports("gracia"));
  EXPECT_TRUE(is_late("gracia"));
  EXPECT_FALSE(accepts_reports("cerrado"));
  EXPECT_FALSE(accepts_reports("programado"));
  p.reopened_until = day("16-09-2020");
  EXPECT_EQ(period_state(p, day("10-09-2020")), "reabierto");
  EXPECT_TRUE(accepts_reports("reabierto"));
  EXPECT_EQ(period_state(p, day("16-09-2020")), "cerrado");
}

TEST(PolicyCalendar, DefaultWindowsFollowTheRegionalCalendar) {
  auto [o1, c1] = default_window("semestre", 2020, 1);  // semester report in August
  EXPECT_EQ(format_date_cl(o1), "01-08-2020");
  EXPECT_EQ(format_date_cl(c1), "01-09-2020");
  auto [o2, c2] = default_window("anual", 2020, 0);  // annual report in January of the next year
  EXPECT_EQ(format_date_cl(o2), "01-01-2021");
  EXPECT_EQ(format_date_cl(c2), "01-02-2021");
  EXPECT_EQ(*period_label("semestre", 2020, 1), "2020-S1");
  EXPECT_EQ(*period_label("anual", 2021, 0), "2021");
  EXPECT_EQ(period_label("semestre", 2020, 3).error().field, "semester");
  EXPECT_EQ(period_label("anual", 1990, 0).error().field, "year");
  EXPECT_EQ(period_label("trimestre", 2020, 0).error().field, "kind");
}

TEST(PolicyCalendar, GraceAcrossSummerTimeChangeEndsAtMidnight) {
  // Chile's summer time started on 06-09-2020: the grace end is still the day's first instant.
  Period p;
  p.opens_at = day("01-08-2020");
  p.closes_at = day("01-09-2020");
  p.grace_days = 10;
  EXPECT_EQ(period_state(p, day("11-09-2020") - 1), "gracia");
  EXPECT_EQ(period_state(p, day("11-09-2020")), "cerrado");
}

// ---------------------------------------------------------------- object rules

http::Principal focal(int64_t institution, std::string region = {}) {
  http::Principal p;
  p.user_id = 7;
  p.institution_id = institution;
  p.permissions = {"policy.read", "policy.report"};
  p.region_id = std::move(region);
  return p;
}

TEST(PolicyPermissions, FocalPointReportsOnlyOnOwnInstitutionsItems) {
  EXPECT_TRUE(may_report(focal(10), {{10, 11}, ""}));
  auto other = may_report(focal(12), {{10, 11}, ""});
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().status, 403);
  EXPECT_EQ(other.error().field, "item_id");
  EXPECT_FALSE(may_report(focal(10), {{}, ""}));  // nobody responsible: nobody reports
  http::Principal reader = focal(10);
  reader.permissions = {"policy.read"};
  EXPECT_FALSE(may_report(reader, {{10}, ""}));
}

TEST(PolicyPermissions, RegionalStaffReportOnlyInTheirRegion) {
  EXPECT_TRUE(may_report(focal(20, "13"), {{20}, "13"}));
  EXPECT_FALSE(may_report(focal(20, "13"), {{20}, "05"}));
  EXPECT_TRUE(may_report(focal(20, "13"), {{20}, ""}));
}

TEST(PolicyPermissions, AnalystCannotReviewOwnReport) {
  http::Principal a;
  a.user_id = 3;
  a.permissions = {"policy.read", "policy.validate"};
  EXPECT_TRUE(may_review(a, 4));
  auto own = may_review(a, 3);
  ASSERT_FALSE(own);
  EXPECT_EQ(own.error().code, "own_report");
  EXPECT_FALSE(may_review(focal(1), 4));
}

// ---------------------------------------------------------------- evidence and CSV

TEST(PolicyEvidence, TypeSizeAndSignatureAreChecked) {
  EXPECT_EQ(*check_evidence("informe.pdf", "application/pdf", "%PDF-1.4 x"), "application/pdf");
  EXPECT_EQ(*check_evidence("foto.PNG", "", std::string("\x89PNG\r\n\x1a\n...", 11)), "image/png");
  EXPECT_EQ(check_evidence("virus.exe", "application/octet-stream", "MZ").error().code, "forbidden_type");
  EXPECT_EQ(check_evidence("falso.pdf", "application/pdf", "<html>").error().code, "type_mismatch");
  EXPECT_EQ(check_evidence("a.pdf", "image/png", "%PDF-1.4").error().code, "type_mismatch");
  EXPECT_EQ(check_evidence("grande.txt", "text/plain", std::string(kMaxEvidenceBytes + 1, 'a')).error().code, "file_too_large");
  EXPECT_EQ(check_evidence("../x.pdf", "application/pdf", "%PDF-").error().field, "file");
  EXPECT_EQ(check_evidence("vacio.txt", "text/plain", "").error().code, "empty_file");
}

TEST(PolicyCsv, QuotesAndNeutralisesFormulas) {
  // Policy downloads use the shared writer with spreadsheet protection (core/csv.h).
  const eq::CsvWriteOptions sheet{.spreadsheet = true};
  EXPECT_EQ(eq::csv_row({"a", "b,c", "d\"e", "línea\nnueva"}, sheet), "a,\"b,c\",\"d\"\"e\",\"línea\nnueva\"\r\n");
  EXPECT_EQ(eq::csv_row({"=HYPERLINK(\"x\")"}, sheet, ""), "\"'=HYPERLINK(\"\"x\"\")\"");
  EXPECT_EQ(eq::csv_row({"-12,5"}, sheet, ""), "\"-12,5\"");  // a number stays a number
}

// ---------------------------------------------------------------- stored figures, both backends

class PolicyStore : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    auto db = store::Database::open({testing::fresh_url(GetParam()), 2});
    ASSERT_TRUE(db) << db.error().message;
    db_ = std::move(*db);
    auto ok = store::apply_migrations(*db_, migrations(), "");
    ASSERT_TRUE(ok) << ok.error().message;
  }
  std::unique_ptr<store::Database> db_;
};

// Every stored figure is written by refresh_figures from instrument_figures (rollup.cc): after each
// change the stored figures equal what the one roll-up computes from the validated reports.
TEST_P(PolicyStore, StoredFiguresAreTheOneRollUp) {
  auto r = db_->transaction<void>([&](soci::session& s) -> Result<void> {
    Instrument ins;
    ins.code = "t";
    ins.name = "Prueba";
    ins.kind = "plan";
    ins.id = Repository::insert_instrument(s, ins);
    auto add = [&](std::optional<int64_t> parent, double w) {
      Item i;
      i.instrument_id = ins.id;
      i.parent_id = parent;
      i.level = parent ? "compromiso" : "eje";
      i.title = "x";
      i.weight = w;
      i.institutions = {5};
      return Repository::insert_item(s, i);
    };
    auto a = add(std::nullopt, 1), b = add(std::nullopt, 3);
    auto a1 = add(a, 1), a2 = add(a, 1), b1 = add(b, 1);
    (void)a2;
    Period p;
    p.instrument_id = ins.id;
    p.kind = "anual";
    p.year = 2020;
    p.label = "2020";
    p.opens_at = day("01-01-2021");
    p.closes_at = day("01-02-2021");
    p.id = Repository::insert_period(s, p);
    refresh_figures(s, ins.id);
    auto validate = [&](int64_t item, int64_t progress) {
      Report rep;
      rep.item_id = item;
      rep.period_id = p.id;
      rep.institution_id = 5;
      rep.state = "validado";
      rep.current_version = 1;
      rep.id = Repository::insert_report(s, rep);
      rep.validated_version = 1;
      rep.validated_progress = static_cast<double>(progress);
      Repository::update_report(s, rep);
      refresh_figures(s, ins.id);
    };
    validate(a1, 100);
    validate(b1, 40);
    auto stored = *Repository::instrument(s, ins.id);
    EXPECT_NEAR(stored.rolled_progress, (1 * 50.0 + 3 * 40.0) / 4, 1e-9);
    EXPECT_EQ(stored.leaves, 3);
    EXPECT_EQ(stored.reported, 2);
    // Weight change, then a full recomputation must give the same stored figures.
    auto bi = *Repository::item(s, b);
    bi.weight = 1;
    Repository::update_item(s, bi);
    refresh_figures(s, ins.id);
    auto refreshed = *Repository::instrument(s, ins.id);
    EXPECT_NEAR(refreshed.rolled_progress, 45.0, 1e-9);
    std::vector<ItemShape> shapes;
    for (const auto& i : Repository::items_of(s, ins.id, false)) shapes.push_back({i.id, i.parent_id, i.weight});
    auto computed = instrument_figures(shapes, Repository::validated_reports(s, ins.id));
    EXPECT_NEAR(computed.instrument.progress, refreshed.rolled_progress, 1e-9);
    for (const auto& i : Repository::items_of(s, ins.id, false)) {
      EXPECT_NEAR(computed.items[i.id].progress, i.rolled_progress, 1e-9) << i.id;
      EXPECT_EQ(computed.leaves.count(i.id) > 0, i.is_leaf) << i.id;
    }
    EXPECT_NEAR(Repository::item(s, a)->rolled_progress, 50.0, 1e-9);
    EXPECT_TRUE(Repository::item(s, a1)->current_progress.has_value());
    EXPECT_FALSE(Repository::item(s, a2)->current_progress.has_value());
    auto inst = Repository::by_institution(s);
    EXPECT_EQ(inst.size(), 1u);
    EXPECT_EQ(inst[0].leaves, 3);
    EXPECT_NEAR(inst[0].sum_validated, 140.0, 1e-9);
    EXPECT_NEAR(group_figure(inst[0].leaves, inst[0].reported, inst[0].sum_validated).progress, 140.0 / 3, 1e-9);
    return {};
  });
  ASSERT_TRUE(r) << r.error().message;
}

INSTANTIATE_TEST_SUITE_P(Backends, PolicyStore, ::testing::ValuesIn(testing::backends()));

}  // namespace
}  // namespace eq::policy
