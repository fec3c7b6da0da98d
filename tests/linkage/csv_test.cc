#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "linkage/cli.h"
#include "linkage/csv.h"

namespace eq::linkage {
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

TEST(LinkageCsv, QuotesCommasNewlinesAndBom) {
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

TEST(LinkageCsv, LineNumbersAndLineEnds) {
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

TEST(LinkageCsv, UnterminatedQuoteNamesTheLine) {
  CsvReader r("a,b\n1,2\n\"open,3\n");
  std::vector<std::string_view> f;
  std::string_view raw;
  ASSERT_TRUE(*r.next(f, raw));
  ASSERT_TRUE(*r.next(f, raw));
  auto bad = r.next(f, raw);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("línea 3"), std::string::npos) << bad.error().message;
}

TEST(LinkageCsv, AppendQuotesOnlyWhenNeeded) {
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

TEST(LinkageCli, BirthDates) {
  int y, m, d;
  ASSERT_TRUE(parse_birth_date("12-03-1985", y, m, d));
  EXPECT_EQ(y * 10000 + m * 100 + d, 19850312);
  ASSERT_TRUE(parse_birth_date("1985-03-12", y, m, d));
  EXPECT_EQ(y * 10000 + m * 100 + d, 19850312);
  ASSERT_TRUE(parse_birth_date("12/03/1985", y, m, d));
  EXPECT_EQ(y * 10000 + m * 100 + d, 19850312);
  ASSERT_TRUE(parse_birth_date("1985", y, m, d));
  EXPECT_EQ(y * 10000 + m * 100 + d, 19850000);
  ASSERT_TRUE(parse_birth_date("00-03-1985", y, m, d));
  EXPECT_EQ(y * 10000 + m * 100 + d, 19850300);
  ASSERT_TRUE(parse_birth_date("1985-03-12T00:00:00", y, m, d));
  EXPECT_EQ(d, 12);
  ASSERT_TRUE(parse_birth_date("", y, m, d));
  EXPECT_EQ(y, 0);
  EXPECT_FALSE(parse_birth_date("ayer", y, m, d));
  EXPECT_FALSE(parse_birth_date("12-13-1985", y, m, d));
  EXPECT_FALSE(parse_birth_date("32-01-1985", y, m, d));
}

class LinkageCliFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("eq_linkage_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& text) {
    const auto p = dir_ / name;
    std::ofstream(p, std::ios::binary) << text;
    return p.string();
  }
  static std::string slurp(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
  }
  std::filesystem::path dir_;
};

const char* kSample =
    "RUT,Nombres,Apellidos,FechaNac,Sexo,Comuna,Nota\n"
    "12.345.678-5,María José,González Muñoz,12-03-1985,F,13101,\"primera, con coma\"\n"
    ",Cote,González Muñoz,1985-03-12,Femenino,Santiago,\"dos\nlíneas\"\n"
    "12345678-5,Maria Jose,Gonzalez,1985,F,13101,\n"
    ",Pedro,Lagos Soto,01-01-1950,M,05101,\n";

TEST_F(LinkageCliFiles, LinksAFileAndKeepsEveryColumn) {
  LinkCommand c;
  c.input = write("in.csv", kSample);
  c.fields = "run=RUT,given_names=Nombres,surnames=Apellidos,birth_date=FechaNac,sex=Sexo,comuna=Comuna";
  c.output = (dir_ / "out.csv").string();
  c.review = (dir_ / "review.csv").string();
  c.model_out = (dir_ / "model.json").string();
  std::ostringstream out, err;
  ASSERT_EQ(run_link(c, out, err), 0) << err.str();
  const std::string text = slurp(c.output);
  std::vector<std::string> raws;
  CsvReader r(text);
  std::vector<std::string_view> f;
  std::string_view raw;
  std::vector<std::vector<std::string>> rows;
  while (*r.next(f, raw)) rows.emplace_back(f.begin(), f.end());
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows[0].back(), "decision");
  EXPECT_EQ(rows[0][7], "person");
  EXPECT_EQ(rows[1][6], "primera, con coma");
  EXPECT_EQ(rows[2][6], "dos\nlíneas");
  EXPECT_EQ(rows[1][7], rows[2][7]);  // nickname, other date spelling, comuna by name
  EXPECT_EQ(rows[1][7], rows[3][7]);  // same valid RUN
  EXPECT_NE(rows[1][7], rows[4][7]);
  EXPECT_EQ(rows[1][9], "vincular");
  EXPECT_EQ(rows[4][9], "nueva");
  EXPECT_TRUE(std::filesystem::exists(c.review));
  EXPECT_TRUE(Model::from_json(slurp(c.model_out)).has_value());
}

TEST_F(LinkageCliFiles, UnknownColumnInMappingExitsTwoNamingIt) {
  LinkCommand c;
  c.input = write("in.csv", kSample);
  c.fields = "run=RUT,given_names=Nombre";
  std::ostringstream out, err;
  EXPECT_EQ(run_link(c, out, err), 2);
  EXPECT_NE(err.str().find("\"Nombre\""), std::string::npos) << err.str();
  EXPECT_NE(err.str().find("no existe"), std::string::npos) << err.str();
  c.fields = "rut=RUT";
  std::ostringstream err2;
  EXPECT_EQ(run_link(c, out, err2), 2);
  EXPECT_NE(err2.str().find("\"rut\""), std::string::npos) << err2.str();
}

TEST_F(LinkageCliFiles, RaggedRowAndBadDatesAreReported) {
  LinkCommand c;
  c.input = write("in.csv", "RUT,Nombres\n1-9,Ana\n2-7\n");
  c.fields = "run=RUT,given_names=Nombres";
  c.output = (dir_ / "out.csv").string();
  std::ostringstream out, err;
  EXPECT_EQ(run_link(c, out, err), 2);
  EXPECT_NE(err.str().find("fila 2"), std::string::npos) << err.str();

  c.input = write("dates.csv", "Nombres,Fecha\nAna,mañana\n");
  c.fields = "given_names=Nombres,birth_date=Fecha";
  std::ostringstream err2;
  EXPECT_EQ(run_link(c, out, err2), 0) << err2.str();
  EXPECT_NE(err2.str().find("fila 1, columna Fecha"), std::string::npos) << err2.str();

  c.input = (dir_ / "missing.csv").string();
  std::ostringstream err3;
  EXPECT_EQ(run_link(c, out, err3), 1);
}

TEST_F(LinkageCliFiles, SynthWritesALinkableFile) {
  SynthCommand s;
  s.synth.persons = 300;
  s.synth.records = 700;
  s.output = (dir_ / "synth.csv").string();
  std::ostringstream out, err;
  ASSERT_EQ(run_synth(s, out, err), 0) << err.str();
  LinkCommand c;
  c.input = s.output;
  c.fields =
      "run=RUN,other_document=Pasaporte,given_names=Nombres,surname1=ApellidoPaterno,surname2=ApellidoMaterno,"
      "birth_date=FechaNac,sex=Sexo,comuna=Comuna,phone=Telefono,address=Direccion";
  c.output = (dir_ / "linked.csv").string();
  std::ostringstream err2;
  ASSERT_EQ(run_link(c, out, err2), 0) << err2.str();
  EXPECT_EQ(err2.str().find("aviso"), std::string::npos) << err2.str();  // every generated date parses
}

}  // namespace
}  // namespace eq::linkage
