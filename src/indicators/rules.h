// Pure rules of the gender indicators (no HTTP, no SQL): what a company filing is, how a filed row
// is validated (blocking errors vs warnings, with rounding tolerance), the indicators of one
// filing, the report over a balanced panel of companies with its attrition and its written
// findings, the Ley 21.757 caps, and the periods of a catalogue indicator.
//
// Learned from the CMF's general rules (NCG 461/386 filings), the UK gender pay gap service and
// France's Egapro (ranges, decimals, totals that must add up as a blocking check, explanations that
// must not contradict the numbers) and DHIS2 (numerator/denominator, factor, decimals, period type).
#pragma once
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace eq::indicators {

// The three levels of a filing, as in the Reporte de Indicadores de Género en las Empresas:
// first-line management (gerentes que reportan al directorio o a la gerencia general), the
// executive level, and the administrative and middle level. The board is counted apart.
enum Level { kGerencia = 0, kEjecutivo = 1, kAdministrativo = 2 };
inline constexpr int kLevels = 3;
inline constexpr std::array<const char*, kLevels> kLevelIds = {"gerencia", "ejecutivo", "administrativo"};
inline constexpr std::array<const char*, kLevels> kLevelNames = {"Gerencias de primera línea", "Nivel ejecutivo",
                                                                 "Nivel administrativo y medio"};

struct Filing {
  int64_t id = 0;
  int year = 0;
  std::string rut;      // canonical "12345678-5"
  std::string company;  // razón social
  std::string sector;   // "" when the company did not say (left out of the report)
  std::string size;     // micro | pequena | mediana | grande | ""
  std::string rule;     // the CMF rule it filed under ("NCG 461", "NCG 386")
  int64_t women_total = 0, men_total = 0;
  std::array<int64_t, kLevels> women{}, men{};
  int64_t board_women = 0, board_men = 0;
  // Average gross monthly pay by level (CLP); absent when the company did not file it.
  std::array<std::optional<double>, kLevels> pay_women{}, pay_men{};
  // Pay gap by level as filed (%, (men − women) / men × 100); absent when not filed.
  std::array<std::optional<double>, kLevels> gap_filed{};
  std::string explanation;
};

// The filing's pay gap at a level: computed from the pay when both are there, else as filed.
std::optional<double> pay_gap(const Filing& f, int level);

// ---------------------------------------------------------------- validation of a filed row
struct Issue {
  std::string column;
  std::string message;  // Spanish
  bool blocking = true;
};

// Limits the validation applies (named so the documentation and the tests use the same ones).
inline constexpr double kGapMin = -100.0, kGapMax = 100.0;  // % ; beyond: blocking
inline constexpr double kGapUnusual = 50.0;                  // |gap| beyond: warning, check it
inline constexpr double kGapRounding = 0.05;                 // filed vs computed: rounding to one decimal
inline constexpr double kGapContradiction = 1.0;             // filed vs computed beyond: blocking
inline constexpr int64_t kMinWorkers = 10;                   // smaller companies are left out of the report

// A row as read from the file (column → text). Fills `out` and returns the issues found; the row
// may be stored only when none is blocking. `year` is the year being imported.
std::vector<Issue> validate_row(const std::map<std::string, std::string>& row, int year, Filing& out);

// Columns of the import layout, in the documented order; `required` ones must be in the header.
const std::vector<std::string>& layout_columns();
const std::vector<std::string>& required_columns();
const std::set<std::string>& sizes();

// ---------------------------------------------------------------- indicators
// Ley 21.757: neither sex may hold more than this share of a board's seats, by year in force.
// nullopt before 2026 (no cap yet; the report shows the 2026 cap as reference).
std::optional<double> board_cap(int year);

struct CompanyIndicators {
  std::array<std::optional<double>, kLevels> women_share{};  // % of the level's headcount
  std::optional<double> women_share_total, board_women_share;
  std::array<std::optional<double>, kLevels> gap{};
  bool cero = false;  // no woman in first-line management nor on the board (Empresas Cero)
  bool board_20 = false, board_40 = false;
  bool within_cap = false;  // the majority sex holds at most the cap in force (or 2026's) of seats
};
CompanyIndicators company_indicators(const Filing& f);

// Whether a filing counts in the report: a sector and at least kMinWorkers workers.
bool eligible(const Filing& f);

// One per (company, year): a company filing under two rules is counted once (the NCG 461 filing
// when there is one, else the first filed). Input in any order; output ordered by year then RUT.
std::vector<Filing> one_per_company(const std::vector<Filing>& filings);

// The figures of a group of filings (a year, a sector, a size…).
struct GroupFigures {
  int64_t companies = 0;
  std::array<std::optional<double>, kLevels> women_share{};  // pooled: women / people at the level
  std::optional<double> women_share_total, board_women_share;
  std::array<std::optional<double>, kLevels> gap{};  // mean of the companies' gaps
  int64_t cero = 0, board_20 = 0, board_40 = 0, within_cap = 0;
  double pct(int64_t n) const { return companies ? 100.0 * static_cast<double>(n) / static_cast<double>(companies) : 0.0; }
};
GroupFigures group_figures(const std::vector<const Filing*>& filings);

// The report's indicators, each with the direction that counts as better.
struct IndicatorDef {
  std::string id, name, unit;  // unit: "%" or "pp" …
  bool higher_is_better = true;
};
const std::vector<IndicatorDef>& report_indicators();
// The value of indicator `id` in a group (nullopt when it cannot be computed).
std::optional<double> indicator_value(const GroupFigures& g, const std::string& id);

struct Attrition {
  int year = 0;
  int64_t filed = 0;         // rows filed that year
  int64_t duplicates = 0;    // same company under a second rule, counted once
  int64_t no_sector = 0, small = 0;
  int64_t eligible = 0;      // companies that count
  int64_t not_every_year = 0;  // eligible but missing (or not eligible) another year
  int64_t panel = 0;         // in the balanced panel
};

struct Finding {
  std::string indicator;  // id
  double from = 0, to = 0, change = 0;
  std::string trend;      // "mejora" | "empeora" | "sin cambio"
  std::string text;       // Spanish sentence with the figures
};

struct Report {
  std::vector<int> years;
  std::vector<Attrition> attrition;
  std::map<int, GroupFigures> panel;                                // by year, balanced panel
  std::map<int, GroupFigures> all_eligible;                         // by year, every eligible company
  std::map<std::string, std::map<int, GroupFigures>> by_sector, by_size;  // panel companies
  std::vector<Finding> findings;
  std::string summary;  // the paragraph the findings make
};
inline constexpr double kFlat = 0.5;  // changes within ±0.5 (pp or points) read as "sin cambio"

// Recomputes every indicator from every filing (any years).
Report build_report(const std::vector<Filing>& filings);

// ---------------------------------------------------------------- catalogue periods
// "anual": "2020"; "trimestral": "2020-T1"; "mensual": "2020-03". Closed periods from first_year up to the last one that
// ended before `now_ms` (UTC), oldest first.
std::vector<std::string> closed_periods(const std::string& periodicity, int first_year, int64_t now_ms);
// The instant (UTC ms) a period ends (its last day's end); nullopt for a malformed period.
std::optional<int64_t> period_end(const std::string& periodicity, const std::string& period);
const std::set<std::string>& age_groups();

}  // namespace eq::indicators
