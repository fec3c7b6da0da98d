// The studies catalogue: the seed's studies as the demo enters them, checked against the seed's own
// text (every quoted sentence is in it verbatim, and every figure shown is the one it states); the
// file check, dates and figure labels; and on SQLite and PostgreSQL the demo loaded (idempotent),
// drafts kept out of the public list, the accent-insensitive search and the filters.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "../support/databases.h"
#include "../support/source_dir.h"
#include "core/format_cl.h"
#include "store/query.h"
#include "studies/module.h"

namespace eq::studies {
namespace {

std::string seed_text() {
  std::ifstream in(eq::testing::source_dir() + "/data/seed/cuenta_publica_2020_2021.txt");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(StudiesSeed, EveryQuotedSentenceIsTheSeedsAndEveryFigureIsTheOneItStates) {
  const std::string seed = seed_text();
  ASSERT_FALSE(seed.empty()) << "data/seed/cuenta_publica_2020_2021.txt not found";
  const auto list = seed_studies();
  ASSERT_GE(list.size(), 6u);
  int figures = 0;
  for (const auto& x : list) {
    EXPECT_TRUE(x.demo) << x.title;
    EXPECT_NE(x.source.find(kSeedSource), std::string::npos) << x.title;
    EXPECT_NE(x.source.find("Demostración"), std::string::npos) << x.title;
    for (const auto& f : x.findings) {
      ASSERT_FALSE(f.source.empty()) << x.title << ": " << f.text;
      EXPECT_NE(seed.find(f.source), std::string::npos) << "not in the seed: " << f.source;
      if (!f.figure) continue;
      ++figures;
      // The seed writes "35,0%" and "3.200": the figure as es-CL prints it must be in its sentence.
      const std::string n = format_decimal(*f.figure, f.decimals) + (f.unit == "porcentaje" ? "%" : "");
      EXPECT_NE(f.source.find(n), std::string::npos) << "figure " << n << " not in: " << f.source;
    }
  }
  EXPECT_GE(figures, 15);
  // The three studies the issue names, with the seed's facts.
  auto find = [&](const std::string& part) -> const Study* {
    for (const auto& x : list)
      if (x.title.find(part) != std::string::npos) return &x;
    return nullptr;
  };
  const Study* covid = find("Evaluación Rápida");
  ASSERT_TRUE(covid);
  EXPECT_EQ(covid->partners, (std::vector<std::string>{"ONU Mujeres", "Entel"}));
  EXPECT_EQ(figure_label(covid->findings[0]), "35,0 %");
  ASSERT_TRUE(find("Reapertura Colegios y Empleo Femenino"));
  EXPECT_EQ(figure_label(find("Reapertura")->findings[2]), "20,7 puntos porcentuales");
  const Study* political = find("Participación Política");
  ASSERT_TRUE(political);
  EXPECT_EQ(political->method.sample_size, 700);
  EXPECT_NE(seed.find("una muestra de 700 mujeres mayores de 18 años"), std::string::npos);
  const Study* profiles = find("Segmentación");
  ASSERT_TRUE(profiles);
  EXPECT_EQ(profiles->method.sample_size, 1300);
  EXPECT_NE(seed.find("a 1.300 mujeres mayores de 18 años"), std::string::npos);
  EXPECT_NE(seed.find("durante noviembre y diciembre de 2020"), std::string::npos);
  EXPECT_EQ(profiles->fieldwork_start, "11-2020");
  EXPECT_EQ(profiles->fieldwork_end, "12-2020");
  // The five profiles add up to the whole sample (the seed's rounding gives 101 %).
  double sum = 0;
  for (const auto& f : profiles->findings)
    if (f.unit == "porcentaje") sum += *f.figure;
  EXPECT_EQ(sum, 101);
}

TEST(StudiesRules, FiguresReadAsInChile) {
  EXPECT_EQ(figure_label({.text = "x", .figure = 126645, .decimals = 0, .unit = "personas"}), "126.645 personas");
  EXPECT_EQ(figure_label({.text = "x", .figure = 149.06, .decimals = 1, .unit = "porcentaje"}), "149,1 %");
  EXPECT_EQ(figure_label({.text = "x", .figure = 5, .decimals = 0, .unit = "numero"}), "5");
  EXPECT_EQ(figure_label({.text = "x"}), "");
}

TEST(StudiesRules, FieldworkEndBeforeStart) {
  auto d = [](const char* s) { return read_partial_date(s); };
  EXPECT_TRUE(ends_before(d("11-2020"), d("10-2020")));
  EXPECT_FALSE(ends_before(d("11-2020"), d("11-2020")));
  EXPECT_FALSE(ends_before(d("15-11-2020"), d("11-2020")));  // the month may end after the 15th
  EXPECT_TRUE(ends_before(d("2021"), d("12-2020")));
  EXPECT_FALSE(ends_before(d("11-2020"), d("")));
  EXPECT_EQ(date_label("11-2020"), "noviembre de 2020");
}

TEST(StudiesRules, FilesAreCheckedByNameTypeAndContent) {
  const std::string pdf = "%PDF-1.4\n%demo\n";
  EXPECT_EQ(*check_file("informe.pdf", "application/pdf", pdf), "application/pdf");
  EXPECT_EQ(*check_file("INFORME.PDF", "application/octet-stream", pdf), "application/pdf");
  EXPECT_EQ(*check_file("datos.csv", "text/csv; charset=utf-8", "a;b\n1;2\n"), "text/csv");
  EXPECT_EQ(check_file("informe.pdf", "application/pdf", "MZ\x90").error().code, "type_mismatch");  // an executable renamed
  EXPECT_EQ(check_file("virus.exe", "application/pdf", pdf).error().code, "forbidden_type");
  EXPECT_EQ(check_file("x.pdf", "application/pdf", "%PDF-" + std::string(kMaxFileBytes, 'a')).error().code, "file_too_large");
  EXPECT_EQ(check_file("informe.pdf", "text/html", pdf).error().field, "file");
  EXPECT_EQ(check_file("virus.exe", "application/pdf", pdf).error().field, "filename");
  EXPECT_EQ(check_file("../x.pdf", "application/pdf", pdf).error().field, "filename");
  EXPECT_EQ(check_file("x.pdf", "application/pdf", "").error().field, "file");
  EXPECT_FALSE(check_file("x.pdf", "application/pdf", "%PDF-" + std::string(kMaxFileBytes, 'a')));
  EXPECT_TRUE(check_file("x.pdf", "application/pdf", "%PDF-" + std::string(kMaxFileBytes - 5, 'a')));
}

class StudiesStore : public ::testing::TestWithParam<std::string> {
 protected:
  // The audit log's tables and ours; two regions are enough for the region filter.
  void SetUp() override {
    auto schema = audit::migrations();
    for (auto& m : migrations()) schema.push_back(std::move(m));
    auto opened = eq::testing::migrated_database(GetParam(), schema);
    ASSERT_TRUE(opened) << opened.error().message;
    db_ = std::move(*opened);
    log_ = std::make_unique<audit::Log>(*db_);
    svc_ = std::make_unique<Service>(*db_, *log_, std::vector<territory::Region>{{.id = "07", .name = "Región del Maule"}, {.id = "13", .name = "Región Metropolitana de Santiago"}});
  }
  std::vector<std::string> titles(const Filter& f) {
    auto session = db_->lease();
    std::vector<std::string> out;
    for (const auto& x : repo::studies(**session, f)) out.push_back(x.title);
    return out;
  }
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<audit::Log> log_;
  std::unique_ptr<Service> svc_;
};

TEST_P(StudiesStore, DemoIsTheSeedsStudiesOnceAndDraftsStayOutOfTheCatalogue) {
  ASSERT_TRUE(svc_->load_demo());
  ASSERT_TRUE(svc_->load_demo());  // idempotent
  const auto seed = seed_studies();
  size_t published = 0;
  for (const auto& x : seed) published += x.status == "publicado";
  EXPECT_EQ(titles({}).size(), published);
  EXPECT_EQ(titles({.public_only = false}).size(), seed.size());
  // Stored and read back, a finding keeps its figure, unit and decimals.
  auto session = db_->lease();
  bool found = false;
  for (const auto& x : repo::studies(**session, {.q = "Evaluacion Rapida"})) {
    found = true;
    ASSERT_GE(x.findings.size(), 2u);
    EXPECT_EQ(figure_label(x.findings[0]), "35,0 %");
    EXPECT_EQ(figure_label(x.findings[1]), "27,3 %");
    EXPECT_EQ(x.partners, (std::vector<std::string>{"ONU Mujeres", "Entel"}));
  }
  EXPECT_TRUE(found);
}

TEST_P(StudiesStore, SearchIgnoresAccentsAndCaseAndFiltersNarrow) {
  ASSERT_TRUE(svc_->load_demo());
  // "participación política" typed without accents, in capitals: found in the title.
  auto hits = titles({.q = "PARTICIPACION politica"});
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_NE(hits[0].find("Proceso Constituyente"), std::string::npos);
  // In a finding only: «Jornada Escolar Completa».
  hits = titles({.q = "jornada escolar"});
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0], "Reapertura Colegios y Empleo Femenino");
  EXPECT_TRUE(titles({.q = "zzzz inexistente"}).empty());
  EXPECT_EQ(titles({.partner = "CADEM"}).size(), 2u);
  EXPECT_EQ(titles({.kind = "documento_trabajo"}).size(), 1u);
  // A regional study shows for its region and not for another; national studies show for every region.
  const auto maule = titles({.region = "07"});
  const auto rm = titles({.region = "13"});
  EXPECT_EQ(maule.size(), rm.size() + 1);
  EXPECT_EQ(titles({.theme = "violencia"}).size(), 0u);  // the World Bank study is a draft
  EXPECT_EQ(titles({.theme = "violencia", .public_only = false}).size(), 1u);
  EXPECT_EQ(titles({.year = 2019}).size(), 0u);
}

INSTANTIATE_TEST_SUITE_P(StudiesBackends, StudiesStore, ::testing::ValuesIn(eq::testing::backends()));

}  // namespace
}  // namespace eq::studies
