// The one CSV reader and writer (core/csv.h): RFC 4180 reading, minimal quoting, spreadsheet-safe cells.
#include "core/csv.h"

#include <gtest/gtest.h>

namespace eq {
namespace {

std::vector<std::vector<std::string>> parse_all(std::string_view data, std::vector<std::string>* raws = nullptr) {
  CsvReader r(data);
  std::vector<std::string_view> f;
  std::string_view raw;
  std::vector<std::vector<std::string>> out;
  while (true) {
    auto got = r.next(f, raw);
    EXPECT_TRUE(got);
    if (!got || !*got) break;
    out.emplace_back(f.begin(), f.end());
    if (raws) raws->emplace_back(raw);
  }
  return out;
}

TEST(CoreCsv, QuotesCommasNewlinesAndBom) {
  std::vector<std::string> raws;
  const auto rows = parse_all("\xEF\xBB\xBFnombre,nota\r\n\"Soto, Ana\",\"dijo \"\"hola\"\"\"\r\n\"línea1\nlínea2\",\r\nx,\"\"", &raws);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0][0], "nombre");  // BOM skipped
  EXPECT_EQ(rows[1][0], "Soto, Ana");
  EXPECT_EQ(rows[1][1], "dijo \"hola\"");
  EXPECT_EQ(rows[2][0], "línea1\nlínea2");
  EXPECT_EQ(rows[2][1], "");
  EXPECT_EQ(rows[3][1], "");
  EXPECT_EQ(raws[1], "\"Soto, Ana\",\"dijo \"\"hola\"\"\"");  // raw bytes preserved for the output
}

TEST(CoreCsv, LineNumbersAndLineEnds) {
  CsvReader r("a,b\n\"x\ny\",1\nz,2\n");
  std::vector<std::string_view> f;
  std::string_view raw;
  ASSERT_TRUE(*r.next(f, raw));
  ASSERT_TRUE(*r.next(f, raw));
  EXPECT_EQ(r.line(), 2u);
  ASSERT_TRUE(*r.next(f, raw));
  EXPECT_EQ(r.line(), 4u);  // the quoted newline counted
  EXPECT_EQ(f[0], "z");
  EXPECT_FALSE(*r.next(f, raw));
  EXPECT_EQ(r.line_end(), "\n");
}

TEST(CoreCsv, UnterminatedQuoteNamesTheLine) {
  CsvReader r("a,b\n1,2\n\"open,3\n");
  std::vector<std::string_view> f;
  std::string_view raw;
  ASSERT_TRUE(*r.next(f, raw));
  ASSERT_TRUE(*r.next(f, raw));
  auto bad = r.next(f, raw);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("línea 3"), std::string::npos) << bad.error().message;
}

TEST(CoreCsv, AppendQuotesOnlyWhenNeeded) {
  std::string out;
  csv_append(out, "simple");
  out += ',';
  csv_append(out, "a,b");
  out += ',';
  csv_append(out, "say \"x\"");
  out += ',';
  csv_append(out, "two\nlines");
  EXPECT_EQ(out, "simple,\"a,b\",\"say \"\"x\"\"\",\"two\nlines\"");
  const auto back = parse_all(out);
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0][2], "say \"x\"");
  EXPECT_EQ(back[0][3], "two\nlines");
}

TEST(CoreCsv, RecordsSkipBlankLinesAndKeepQuotedCommas) {
  auto rows = csv_records("codigo,nombre\r\n13101,\"Santiago, centro\"\r\n\r\n05101,Valparaíso\n");
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_EQ((*rows)[1][1], "Santiago, centro");
  EXPECT_EQ((*rows)[2][0], "05101");
  EXPECT_FALSE(csv_records("a\n\"b\n"));
}

TEST(CoreCsv, SpreadsheetCellsAreNotFormulas) {
  const CsvWriteOptions sheet{.spreadsheet = true};
  EXPECT_EQ(csv_row({"=HYPERLINK(\"x\")", "@SUM(A1)", "-3,5", "+56", "-2+3", "a;b", "plain"}, sheet),
            "\"'=HYPERLINK(\"\"x\"\")\",'@SUM(A1),\"-3,5\",+56,'-2+3,\"a;b\",plain\r\n");
  // Without the option the cell is written as it is (record linkage repeats its input verbatim).
  EXPECT_EQ(csv_row({"=1+1", "a;b"}, {}, "\n"), "=1+1,a;b\n");
}

TEST(CoreCsv, WrittenRowsReadBack) {
  const std::vector<std::string> fields = {"", " edge ", "a,b", "x\r\ny", "\"", "ñandú"};
  const std::string text = csv_row(fields);
  CsvReader r(text);
  std::vector<std::string_view> f;
  ASSERT_TRUE(*r.next(f));
  EXPECT_EQ(std::vector<std::string>(f.begin(), f.end()), fields);
}

}  // namespace
}  // namespace eq
