// The parser of the seed's regional milestone tables (account/seed_tables.h), on the seed's own
// text (data/account/seremis_2020_2021.txt, section 9 of the 2020–2021 public account, unchanged).
#include "account/seed_tables.h"

#include "../support/source_dir.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>

namespace eq::account {
namespace {

std::string seed_text() {
  std::ifstream f(eq::testing::source_dir() + "/data/account/seremis_2020_2021.txt", std::ios::binary);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

const SeedRow* find(const std::vector<SeedRow>& rows, const std::string& region, const std::string& title_start) {
  for (const auto& r : rows)
    if (r.region_id == region && r.title.rfind(title_start, 0) == 0) return &r;
  return nullptr;
}

TEST(AccountSeedTables, EveryRegionEveryRowOfTheSeed) {
  const auto rows = parse_seed_tables(seed_text());
  std::map<std::string, int> by_region;
  for (const auto& r : rows) ++by_region[r.region_id];
  // Rows per table, counted by reading the seed (wrapped cells and a stray "---" are not rows).
  const std::map<std::string, int> expected = {{"15", 7},  {"01", 11}, {"02", 7}, {"03", 10}, {"04", 7},  {"05", 9},
                                               {"13", 6},  {"06", 5},  {"07", 11}, {"16", 13}, {"08", 9}, {"09", 8},
                                               {"14", 13}, {"10", 17}, {"11", 26}, {"12", 6}};
  EXPECT_EQ(by_region, expected);
  for (const auto& r : rows) {
    EXPECT_FALSE(r.title.empty());
    for (const auto* cell : {&r.title, &r.description, &r.results}) EXPECT_EQ(cell->find('<'), std::string::npos) << *cell;
  }
  // First and last rows of the first and last tables, in the seed's words.
  ASSERT_NE(find(rows, "15", "Firma Convenio con Empresa Minera Quiborax"), nullptr);
  const auto* last = find(rows, "12", "Asistencia técnica a GORE y SERVIU");
  ASSERT_NE(last, nullptr);
  EXPECT_EQ(rows.back().title, last->title);
  // A cell wrapped onto the next line goes on under its row.
  const auto* goal = find(rows, "01", "12 de enero de 2021");
  ASSERT_NE(goal, nullptr);
  EXPECT_NE(goal->results.find("Tiene por meta alcanzar 100 puestos de trabajo."), std::string::npos);
}

TEST(AccountSeedTables, DatesInTheirSeveralWrittenForms) {
  const auto rows = parse_seed_tables(seed_text());
  auto day = [&](const char* region, const char* start) -> std::string {
    const auto* r = find(rows, region, start);
    return r && r->day ? *r->day : "";
  };
  auto text = [&](const char* region, const char* start) -> std::string {
    const auto* r = find(rows, region, start);
    return r ? r->date_text : "?";
  };
  EXPECT_EQ(day("15", "Firma Convenio con INCANORT"), "17-03-2021");           // 17-03-21
  EXPECT_EQ(day("01", "28 de abril de 2020"), "28-04-2020");                   // 28 de abril de 2020
  EXPECT_EQ(day("01", "El 6 de Marzo de 2020"), "06-03-2020");                 // capital month
  EXPECT_EQ(day("06", "Implementación del Plan \"Mascarilla 19\""), "28-04-2020");  // 28/04/2020
  EXPECT_EQ(day("16", "Curso prevención de riesgo"), "13-10-2020");            // 13/10/2020
  EXPECT_EQ(text("15", "Firma Convenio con CCHC"), "marzo de 2021");          // (Marzo 2021)
  EXPECT_EQ(text("01", "Enero de 2020 Difusión 1455"), "enero de 2020");       // Enero de 2020
  EXPECT_EQ(text("10", "diciembre-2020"), "diciembre de 2020");               // diciembre-2020
  EXPECT_EQ(text("15", "Mesa Mujer y Minería"), "2020");                       // Año 2020
  EXPECT_EQ(text("11", "Marzo Firma convenio CCHC"), "");                      // a month without a year: no date
}

TEST(AccountSeedTables, RecognisesOnlyRealDays) {
  std::optional<std::string> day;
  std::string text;
  recognise_date("Reunión 31-02-21", day, text);
  EXPECT_FALSE(day);
  recognise_date("Reunión 29-02-2020", day, text);
  EXPECT_EQ(day.value_or(""), "29-02-2020");
  recognise_date("Sin fecha", day, text);
  EXPECT_FALSE(day);
  EXPECT_EQ(text, "");
  EXPECT_EQ(region_of_heading("Región de los Ríos"), "14");
  EXPECT_EQ(region_of_heading("Región de los Lagos"), "10");
  EXPECT_EQ(region_of_heading("Región de Ñuble"), "16");
  EXPECT_EQ(region_of_heading("Región Imaginaria"), "");
}

}  // namespace
}  // namespace eq::account
