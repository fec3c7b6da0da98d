// The PDF's table pagination (account/pdf.h): rows never split, every page slice of a table starts
// with the header row, nothing is lost or reordered; and a small document renders to a PDF whose
// page tree and outline are there.
#include "account/pdf.h"

#include <gtest/gtest.h>

#include <regex>

namespace eq::account {
namespace {

// Checks the invariants of a pagination and answers how many pages it uses.
size_t check(const std::vector<double>& rows, double header, double first, double page, const std::vector<TableSlice>& slices) {
  size_t next = 0;
  for (size_t k = 0; k < slices.size(); ++k) {
    const auto& s = slices[k];
    EXPECT_EQ(s.first, next) << "slice " << k << " continues where the last ended";
    if (s.first == s.last) {
      EXPECT_EQ(k, 0u) << "only the first slice may be empty (the table starts on the next page)";
      continue;
    }
    double used = header;  // the header row is repeated on every slice
    for (size_t i = s.first; i < s.last; ++i) used += rows[i];
    const double room = k == 0 ? first : page;
    if (s.last - s.first > 1) {
      EXPECT_LE(used, room) << "slice " << k << " fits its page";
    }
    next = s.last;
  }
  EXPECT_EQ(next, rows.size()) << "every row placed once, in order";
  return slices.size();
}

TEST(AccountPdfPagination, HeaderRepeatedOnEveryPageRowsNeverSplit) {
  // 30 rows of 50 pt under a 20 pt header: 700 pt pages hold the header and 13 rows.
  std::vector<double> rows(30, 50.0);
  auto slices = paginate_rows(rows, 20, 700, 700);
  EXPECT_EQ(check(rows, 20, 700, 700, slices), 3u);
  EXPECT_EQ(slices[0].last - slices[0].first, 13u);
  EXPECT_EQ(slices[1].last - slices[1].first, 13u);
  EXPECT_EQ(slices[2].last - slices[2].first, 4u);
}

TEST(AccountPdfPagination, StartsOnTheNextPageWhenTheHeaderAndOneRowDoNotFit) {
  std::vector<double> rows = {60, 60, 60};
  auto slices = paginate_rows(rows, 20, 70, 700);  // 70 pt left: header + 60 does not fit
  ASSERT_EQ(check(rows, 20, 70, 700, slices), 2u);
  EXPECT_EQ(slices[0].first, slices[0].last);
  EXPECT_EQ(slices[1].last, 3u);
}

TEST(AccountPdfPagination, ARowTallerThanAPageGetsAPageOfItsOwn) {
  std::vector<double> rows = {100, 900, 100};
  auto slices = paginate_rows(rows, 20, 700, 700);
  ASSERT_EQ(check(rows, 20, 700, 700, slices), 3u);
  EXPECT_EQ(slices[1].first, 1u);
  EXPECT_EQ(slices[1].last, 2u);
  EXPECT_TRUE(paginate_rows({}, 20, 700, 700).empty());
}

TEST(AccountPdfRender, PagesOutlineAndPageNumbers) {
  nlohmann::json rows = nlohmann::json::array();
  for (int i = 0; i < 120; ++i)
    rows.push_back({{"title", "Hito " + std::to_string(i)}, {"description", std::string(300, 'a') + " descripción"}, {"results", "12 personas"}});
  nlohmann::json doc = {
      {"edition", {{"title", "Cuenta de prueba"}, {"period", "2020-2021"}, {"demo", true}}},
      {"compiled_on", "07-12-2026 05:00"},
      {"sections",
       {{{"key", "introduccion"}, {"title", "Presentación"}, {"text", "Un párrafo justificado.\n\nOtro párrafo."}},
        {{"key", "seremis"},
         {"title", "Secretarías Regionales Ministeriales"},
         {"text", ""},
         {"figures",
          {{"source", "prueba"}, {"as_of", "07-12-2026 05:00"}, {"regions", {{{"region_id", "13"}, {"name", "Región Metropolitana"}, {"milestones", rows}}}}}}}}}};
  auto pdf = render_pdf(doc, std::string(64, 'f'));
  ASSERT_TRUE(pdf) << pdf.error().message;
  EXPECT_EQ(pdf->bytes.rfind("%PDF-", 0), 0u);
  const std::regex page(R"(/Type\s*/Page\b[^s])");
  const auto n = std::distance(std::sregex_iterator(pdf->bytes.begin(), pdf->bytes.end(), page), std::sregex_iterator());
  EXPECT_EQ(n, pdf->pages);
  EXPECT_GE(pdf->pages, 5);  // cover, contents, two sections, a table over several pages
  EXPECT_NE(pdf->bytes.find("/Outlines"), std::string::npos);
}

}  // namespace
}  // namespace eq::account
