#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/csv.h"
#include "linkage/cli.h"

namespace eq::linkage {
namespace {

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

TEST_F(LinkageCliFiles, DiagnoseWithoutTruthExitsTwoNamingTheMissingOption) {
  LinkCommand c;
  c.input = write("in.csv", kSample);
  c.fields = "run=RUT";
  c.diagnose = true;
  std::ostringstream out, err;
  EXPECT_EQ(run_link(c, out, err), 2);
  EXPECT_NE(err.str().find("--truth"), std::string::npos) << err.str();
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

TEST_F(LinkageCliFiles, ParallelSlicesGiveTheSameFileAndTheRightRowInErrors) {
  // Over 1 MiB the file is parsed in slices, one per thread, cut at record ends outside quotes
  // (the sample has a quoted line break in every fourth record).
  const std::string sample(kSample);
  const std::string head = sample.substr(0, sample.find('\n') + 1);
  const std::string body = sample.substr(head.size());
  const int reps = 5000;  // 20 000 records on 25 000 lines, about 1,4 MB
  std::string text = head;
  for (int i = 0; i < reps; ++i) text += body;
  ASSERT_GT(text.size(), size_t{1} << 20);
  LinkCommand c;
  c.input = write("big.csv", text);
  // No RUN: a valid RUN's block is never cut, and 5 000 copies of one would be 12 million pairs.
  c.fields = "given_names=Nombres,surnames=Apellidos,birth_date=FechaNac,sex=Sexo,comuna=Comuna";
  std::string outputs[2];
  for (int threads : {1, 2}) {
    c.threads = threads;
    c.output = (dir_ / ("out" + std::to_string(threads) + ".csv")).string();
    std::ostringstream out, err;
    ASSERT_EQ(run_link(c, out, err), 0) << err.str();
    EXPECT_NE(err.str().find("20000 filas"), std::string::npos) << err.str();
    outputs[threads - 1] = slurp(c.output);
  }
  EXPECT_EQ(outputs[0], outputs[1]);

  // A short record near the end (in the second slice) and a bad date in it: rows and lines of the file.
  c.input = write("bad.csv", text + ",Ana,Soto Pérez,ayer,F,13101,\n" + "1-9,Ana\n");
  for (int threads : {1, 2}) {
    c.threads = threads;
    std::ostringstream out, err;
    EXPECT_EQ(run_link(c, out, err), 2);
    EXPECT_NE(err.str().find("la fila " + std::to_string(4 * reps + 2) + " (línea " + std::to_string(5 * reps + 3) + ")"),
              std::string::npos)
        << err.str();
  }
  c.input = write("date.csv", text + ",Ana,Soto Pérez,ayer,F,13101,\n");
  c.output = (dir_ / "date_out.csv").string();
  for (int threads : {1, 2}) {
    c.threads = threads;
    std::ostringstream out, err;
    EXPECT_EQ(run_link(c, out, err), 0) << err.str();
    EXPECT_NE(err.str().find("fila " + std::to_string(4 * reps + 1) + ", columna FechaNac"), std::string::npos) << err.str();
  }
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
