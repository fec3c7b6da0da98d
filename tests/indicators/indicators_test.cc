// Gender indicators: validation of a filed row (blocking vs warning, rounding tolerance), the
// indicators of one company, the Ley 21.757 caps, the balanced panel and its attrition, the written
// findings checked against the figures, the demo's reproduction of the seed's finding, the XLSX
// reader on the policy module's own XLSX output, and catalogue periods.
#include <gtest/gtest.h>

#include <cmath>

#include "core/format_cl.h"
#include "indicators/module.h"
#include "indicators/rules.h"
#include "indicators/service.h"
#include "indicators/xlsx_read.h"
#include "policy/xlsx.h"

namespace eq::indicators {
namespace {

std::map<std::string, std::string> good_row() {
  return {{"rut", "76.086.428-5"},        {"razon_social", "Empresa S.A."}, {"sector", "Comercio"},        {"tamano", "grande"},
          {"mujeres_total", "123"},       {"hombres_total", "177"},        {"mujeres_gerencia", "3"},        {"hombres_gerencia", "7"},
          {"mujeres_ejecutivo", "20"},    {"hombres_ejecutivo", "30"},     {"mujeres_administrativo", "100"}, {"hombres_administrativo", "140"},
          {"directorio_mujeres", "2"},    {"directorio_hombres", "5"},     {"sueldo_mujeres_gerencia", "8.000.000"},
          {"sueldo_hombres_gerencia", "10000000"}, {"brecha_gerencia", "20,0"}};
}

bool has(const std::vector<Issue>& v, const std::string& col, bool blocking) {
  for (const auto& i : v)
    if (i.column == col && i.blocking == blocking) return true;
  return false;
}

TEST(IndicatorsValidation, AGoodRowHasNoIssues) {
  Filing f;
  auto issues = validate_row(good_row(), 2021, f);
  EXPECT_TRUE(issues.empty()) << issues.front().message;
  EXPECT_EQ(f.rut, "76086428-5");
  EXPECT_EQ(f.rule, "NCG 461");
  EXPECT_DOUBLE_EQ(*f.pay_women[kGerencia], 8000000.0);
  EXPECT_DOUBLE_EQ(*pay_gap(f, kGerencia), 20.0);
}

TEST(IndicatorsValidation, BlockingAndWarnings) {
  Filing f;
  auto r = good_row();
  r["mujeres_total"] = "124";
  EXPECT_TRUE(has(validate_row(r, 2021, f), "mujeres_total", true));
  r = good_row();
  r["rut"] = "76.086.428-4";
  EXPECT_TRUE(has(validate_row(r, 2021, f), "rut", true));
  r = good_row();
  r["brecha_gerencia"] = "-100,1";
  EXPECT_TRUE(has(validate_row(r, 2021, f), "brecha_gerencia", true));
  // Rounding tolerance: 20,04 against a computed 20,0 passes; 20,5 is beyond rounding (warning);
  // 21,5 contradicts the pay (blocking).
  r = good_row();
  r["brecha_gerencia"] = "20,04";
  auto issues = validate_row(r, 2021, f);
  EXPECT_FALSE(has(issues, "brecha_gerencia", true));
  EXPECT_TRUE(has(issues, "brecha_gerencia", false)) << "two decimals: rounded, with a warning";
  r["brecha_gerencia"] = "20,5";
  issues = validate_row(r, 2021, f);
  EXPECT_TRUE(has(issues, "brecha_gerencia", false));
  EXPECT_FALSE(has(issues, "brecha_gerencia", true));
  r["brecha_gerencia"] = "21,5";
  EXPECT_TRUE(has(validate_row(r, 2021, f), "brecha_gerencia", true));
  r = good_row();
  r["sector"] = "";
  issues = validate_row(r, 2021, f);
  EXPECT_TRUE(has(issues, "sector", false));
  EXPECT_FALSE(has(issues, "sector", true));
  r = good_row();
  r["hombres_ejecutivo"] = "30.5";
  EXPECT_TRUE(has(validate_row(r, 2021, f), "hombres_ejecutivo", true));
  r = good_row();
  r["mujeres_gerencia"] = "0";
  r["hombres_gerencia"] = "10";
  r["mujeres_total"] = "120";
  r["hombres_total"] = "180";
  EXPECT_TRUE(has(validate_row(r, 2021, f), "sueldo_mujeres_gerencia", true)) << "pay of women where there are none";
}

TEST(IndicatorsRules, CapsAndCompanyIndicators) {
  EXPECT_FALSE(board_cap(2025));
  EXPECT_EQ(*board_cap(2026), 80.0);
  EXPECT_EQ(*board_cap(2029), 70.0);
  EXPECT_EQ(*board_cap(2032), 60.0);
  Filing f;
  f.year = 2029;
  f.women = {0, 5, 5};
  f.men = {4, 5, 5};
  f.board_women = 2;
  f.board_men = 8;
  auto c = company_indicators(f);
  EXPECT_FALSE(c.cero);
  EXPECT_TRUE(c.board_20);
  EXPECT_FALSE(c.board_40);
  EXPECT_FALSE(c.within_cap) << "80 % men is over the 70 % cap of 2029";
  f.year = 2026;
  EXPECT_TRUE(company_indicators(f).within_cap);
  f.board_women = 0;
  EXPECT_TRUE(company_indicators(f).cero);
}

Filing company(int year, const std::string& rut, int64_t women_mgmt, const std::string& sector = "Comercio", int64_t workers = 100) {
  Filing f;
  f.year = year;
  f.rut = rut;
  f.sector = sector;
  f.size = "grande";
  f.rule = "NCG 461";
  f.women = {women_mgmt, 10, workers / 2 - 10 - women_mgmt};
  f.men = {10 - women_mgmt, 10, workers / 2 - 10 - (10 - women_mgmt)};
  f.women_total = f.women[0] + f.women[1] + f.women[2];
  f.men_total = f.men[0] + f.men[1] + f.men[2];
  f.board_women = 1;
  f.board_men = 4;
  return f;
}

TEST(IndicatorsReport, BalancedPanelAttritionAndOneCountPerCompany) {
  std::vector<Filing> all = {company(2019, "1-9", 2), company(2020, "1-9", 4),  // in the panel
                             company(2019, "2-7", 5),                            // only 2019
                             company(2020, "3-5", 1), company(2019, "3-5", 1, ""),  // no sector in 2019
                             company(2019, "4-3", 3), company(2020, "4-3", 3, "Comercio", 8)};  // small in 2020
  Filing twice = company(2020, "1-9", 9);
  twice.rule = "NCG 386";  // the NCG 461 filing is the one counted
  all.push_back(twice);
  auto r = build_report(all);
  ASSERT_EQ(r.years, (std::vector<int>{2019, 2020}));
  EXPECT_EQ(r.attrition[1].duplicates, 1);
  EXPECT_EQ(r.attrition[0].no_sector, 1);
  EXPECT_EQ(r.attrition[1].small, 1);
  EXPECT_EQ(r.attrition[0].panel, 1);
  EXPECT_EQ(r.attrition[1].panel, 1);
  EXPECT_EQ(r.attrition[0].not_every_year, 2);
  EXPECT_DOUBLE_EQ(*indicator_value(r.panel[2019], "mujeres_gerencia"), 20.0);
  EXPECT_DOUBLE_EQ(*indicator_value(r.panel[2020], "mujeres_gerencia"), 40.0);
}

// The text says the figures of the table, with the trend their difference implies.
void check_findings(const Report& r) {
  ASSERT_GE(r.years.size(), 2u);
  const int y0 = r.years.front(), y1 = r.years.back();
  for (const auto& f : r.findings) {
    const IndicatorDef* def = nullptr;
    for (const auto& d : report_indicators())
      if (d.id == f.indicator) def = &d;
    ASSERT_TRUE(def);
    const double a = *indicator_value(r.panel.at(y0), f.indicator), b = *indicator_value(r.panel.at(y1), f.indicator);
    EXPECT_NE(f.text.find(format_percent(a, 1)), std::string::npos) << f.text;
    EXPECT_NE(f.text.find(format_percent(b, 1)), std::string::npos) << f.text;
    const double change = std::round(b * 10) / 10 - std::round(a * 10) / 10;
    const std::string expected = std::abs(change) <= kFlat + 1e-9 ? "sin cambio" : ((change > 0) == def->higher_is_better ? "mejora" : "empeora");
    EXPECT_EQ(f.trend, expected) << f.text;
    std::string name = def->name;
    name[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(name[0])));
    EXPECT_NE(r.summary.find(name), std::string::npos) << name;
  }
}

Filing from_record(const std::vector<std::string>& header, const std::vector<std::string>& rec, int year) {
  std::map<std::string, std::string> row;
  for (size_t i = 0; i < header.size(); ++i) row[header[i]] = rec[i];
  Filing f;
  auto issues = validate_row(row, year, f);
  for (const auto& i : issues) EXPECT_FALSE(i.blocking) << i.column << ": " << i.message;
  return f;
}

TEST(IndicatorsDemo, ReproducesTheSeedFindingAndTheTextMatchesTheFigures) {
  std::vector<Filing> all;
  std::set<std::string> orgs2020;
  for (int year : {2019, 2020}) {
    auto recs = demo_filing_records(year);
    for (size_t i = 1; i < recs.size(); ++i) {
      all.push_back(from_record(recs[0], recs[i], year));
      all.back().id = static_cast<int64_t>(all.size());
      if (year == 2020) orgs2020.insert(all.back().rut);
    }
  }
  EXPECT_EQ(static_cast<int>(orgs2020.size()), kDemoOrganisations) << "the seed: 460 organisations filed in 2020";
  auto r = build_report(all);
  int better = 0;
  for (const auto& f : r.findings) {
    if (f.indicator == "mujeres_gerencia") {
      EXPECT_EQ(f.trend, "mejora") << f.text;
    } else {
      EXPECT_NE(f.trend, "mejora") << f.text;
    }
    better += f.trend == "mejora";
  }
  EXPECT_EQ(better, 1);
  EXPECT_EQ(r.findings.size(), report_indicators().size());
  check_findings(r);
  // The published JSON carries the same figures, rounded as the text says them.
  auto j = report_json(r, true);
  for (const auto& f : j["findings"]) {
    for (const auto& ind : j["indicators"])
      if (ind["id"] == f["indicator"]) {
        EXPECT_EQ(ind["panel"]["2020"], f["to"]);
      }
  }
}

TEST(IndicatorsXlsx, ReadsTheSheetThePolicyWriterWrites) {
  auto bytes = policy::xlsx_sheet("Hoja", {"rut", "razon_social", "mujeres_total"},
                                  {{std::string("76086428-5"), std::string("Ñandú & Cía <S.A.>"), 123.0}});
  ASSERT_TRUE(bytes);
  auto rows = xlsx_rows(*bytes);
  ASSERT_TRUE(rows) << rows.error().message;
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0], (std::vector<std::string>{"rut", "razon_social", "mujeres_total"}));
  EXPECT_EQ((*rows)[1][1], "Ñandú & Cía <S.A.>");
  EXPECT_EQ((*rows)[1][2], "123");
  EXPECT_FALSE(xlsx_rows("no es un zip"));
}

TEST(IndicatorsPeriods, ClosedPeriodsAndTheirEnds) {
  const int64_t jun2021 = 1622505600000;  // 2021-06-01 UTC
  EXPECT_EQ(closed_periods("anual", 2018, jun2021), (std::vector<std::string>{"2018", "2019", "2020"}));
  auto q = closed_periods("trimestral", 2021, jun2021);
  EXPECT_EQ(q, (std::vector<std::string>{"2021-T1"}));
  EXPECT_FALSE(period_end("anual", "2020-T1"));
  EXPECT_FALSE(period_end("trimestral", "2020-T5"));
  EXPECT_EQ(*period_end("anual", "2020"), 1609459200000);  // 2021-01-01 UTC
}

TEST(IndicatorsPeriods, MonthlyPeriods) {
  const int64_t jun2021 = 1622505600000;  // 2021-06-01 UTC: May has just closed
  EXPECT_EQ(closed_periods("mensual", 2021, jun2021), (std::vector<std::string>{"2021-01", "2021-02", "2021-03", "2021-04", "2021-05"}));
  EXPECT_EQ(*period_end("mensual", "2021-05"), jun2021);
  EXPECT_EQ(*period_end("mensual", "2020-12"), 1609459200000);  // 2021-01-01 UTC
  EXPECT_FALSE(period_end("mensual", "2021-13"));
  EXPECT_FALSE(period_end("mensual", "2021-00"));
  EXPECT_FALSE(period_end("mensual", "2021-T1"));
  EXPECT_FALSE(period_end("anual", "2021-05"));
}

}  // namespace
}  // namespace eq::indicators
