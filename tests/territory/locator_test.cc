#include "territory/locator.h"

#include "../support/source_dir.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>
#include <set>
#include <string>
#include <type_traits>

namespace eq {
namespace {

using eq::testing::source_dir;

// Loading parses 1.7 MB of GeoJSON; once for the whole suite is enough.
class LocatorData : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto loaded = ComunaLocator::load(source_dir() + "/data/territory/comunas.geojson");
    ASSERT_TRUE(loaded.has_value()) << loaded.error().message;
    locator_ = new ComunaLocator(std::move(*loaded));
  }
  static void TearDownTestSuite() {
    delete locator_;
    locator_ = nullptr;
  }
  void SetUp() override { ASSERT_NE(locator_, nullptr) << "the boundaries did not load"; }
  static const ComunaLocator& locator() { return *locator_; }

 private:
  static inline ComunaLocator* locator_ = nullptr;
};

TEST_F(LocatorData, LoadsEveryComunaButTheUndemarcatedZone) {
  // 346 features: 345 comunas plus "Zona sin demarcar" (cod_comuna 0); Antártica has no polygon.
  EXPECT_EQ(locator().size(), 345u);
}

TEST_F(LocatorData, RegionalCapitals) {
  struct Case {
    const char* place;
    double lat, lon;
    const char* code;
  };
  // Coordinates checked against the boundaries with an independent ray-casting script.
  const Case cases[] = {
      {"Plaza de Armas de Santiago", -33.4378, -70.6504, "13101"},
      {"Valparaíso", -33.0458, -71.6197, "05101"},
      {"Punta Arenas", -53.1638, -70.9171, "12101"},
      {"Iquique", -20.2307, -70.1357, "01101"},
      {"Concepción", -36.8270, -73.0503, "08101"},
      {"Arica", -18.4783, -70.3126, "15101"},
      {"Antofagasta", -23.6509, -70.3975, "02101"},
      {"La Serena", -29.9027, -71.2519, "04101"},
      {"Rancagua", -34.1708, -70.7444, "06101"},
      {"Talca", -35.4264, -71.6554, "07101"},
      {"Chillán", -36.6066, -72.1034, "16101"},
      {"Temuco", -38.7359, -72.5904, "09101"},
      {"Valdivia", -39.8142, -73.2459, "14101"},
      {"Puerto Montt", -41.4693, -72.9424, "10101"},
      {"Coyhaique", -45.5712, -72.0685, "11101"},
      {"Osorno", -40.5740, -73.1336, "10301"},
      {"Viña del Mar", -33.0246, -71.5518, "05109"},
      {"Hanga Roa, Isla de Pascua", -27.1127, -109.3497, "05201"},
  };
  for (const Case& c : cases) {
    const auto code = locator().locate(c.lat, c.lon);
    ASSERT_TRUE(code.has_value()) << c.place;
    EXPECT_EQ(*code, c.code) << c.place;
    EXPECT_EQ(locator().locate_linear(c.lat, c.lon), code) << c.place;
  }
}

TEST_F(LocatorData, OutsideChileIsNowhere) {
  EXPECT_EQ(locator().locate(-33.5, -75.0), std::nullopt);      // Pacific, off San Antonio
  EXPECT_EQ(locator().locate(-30.0, -80.0), std::nullopt);      // open ocean
  EXPECT_EQ(locator().locate(-32.8895, -68.8458), std::nullopt);  // Mendoza, Argentina
  EXPECT_EQ(locator().locate(-16.4955, -68.1336), std::nullopt);  // La Paz, Bolivia
  EXPECT_EQ(locator().locate(33.4378, 70.6504), std::nullopt);    // signs flipped
  EXPECT_EQ(locator().locate(0.0, 0.0), std::nullopt);
}

TEST_F(LocatorData, SwappedCoordinatesFindNothing) {
  EXPECT_EQ(locator().locate(-70.6504, -33.4378), std::nullopt);
}

TEST_F(LocatorData, UndemarcatedZoneIsNowhere) {
  // Inside "Zona sin demarcar" (Campo de Hielo Sur) and outside every comuna polygon.
  EXPECT_EQ(locator().locate(-49.2049, -73.0308), std::nullopt);
  EXPECT_EQ(locator().locate(-49.3941, -72.9167), std::nullopt);
  // The zone's simplified outline overlaps Natales in places; there the comuna wins.
  EXPECT_EQ(locator().locate(-49.3343, -73.1636), "12401");
}

TEST_F(LocatorData, HolesAreNotPartOfTheComuna) {
  // A ring cut out of Punta Arenas' polygon.
  EXPECT_EQ(locator().locate(-54.0108, -72.4972), std::nullopt);
}

TEST_F(LocatorData, OverlapGoesToTheLowestCode) {
  // The simplified outlines of Huechuraba (13107) and Vitacura (13132) both cover this point.
  EXPECT_EQ(locator().locate(-33.366791956813586, -70.59174899713442), "13107");
}

TEST_F(LocatorData, NonFiniteCoordinates) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_EQ(locator().locate(nan, -70.65), std::nullopt);
  EXPECT_EQ(locator().locate(-33.43, nan), std::nullopt);
  EXPECT_EQ(locator().locate(inf, -70.65), std::nullopt);
  EXPECT_EQ(locator().locate(-33.43, -inf), std::nullopt);
  EXPECT_EQ(locator().locate_linear(nan, nan), std::nullopt);
}

TEST_F(LocatorData, IndexAgreesWithLinearScan) {
  std::mt19937_64 rng(20261124);
  std::uniform_real_distribution<double> lat(-56.0, -17.4), lon(-76.0, -66.3);
  int found = 0;
  std::set<std::string> codes;
  for (int i = 0; i < 3000; ++i) {
    const double a = lat(rng), b = lon(rng);
    const auto fast = locator().locate(a, b);
    ASSERT_EQ(fast, locator().locate_linear(a, b)) << a << "," << b;
    if (fast) {
      ++found;
      codes.insert(*fast);
    }
  }
  // Chile covers about a fifth of this box; the index must not be missing whole areas.
  EXPECT_GT(found, 300);
  EXPECT_GT(codes.size(), 100u);
}

TEST_F(LocatorData, CodesAreFiveDigitsWithLeadingZero) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> lat(-56.0, -17.4), lon(-76.0, -66.3);
  for (int i = 0; i < 5000; ++i) {
    const auto code = locator().locate(lat(rng), lon(rng));
    if (!code) continue;
    ASSERT_EQ(code->size(), 5u) << *code;
    for (char c : *code) ASSERT_TRUE(c >= '0' && c <= '9') << *code;
    const int region = std::stoi(code->substr(0, 2));
    ASSERT_GE(region, 1) << *code;
    ASSERT_LE(region, 16) << *code;
  }
}

TEST(LocatorLoad, MissingFile) {
  auto r = ComunaLocator::load("/nonexistent/comunas.geojson");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().message, "No se pudo abrir el archivo de límites comunales: /nonexistent/comunas.geojson");
  EXPECT_EQ(r.error().status, 500);
}

TEST(LocatorLoad, ReadsATemporaryFile) {
  const auto path = std::filesystem::temp_directory_path() / "eq_locator_test.geojson";
  {
    std::ofstream out(path);
    out << R"({"type":"FeatureCollection","features":[{"type":"Feature","properties":{"cod_comuna":1101},
      "geometry":{"type":"Polygon","coordinates":[[[0,0],[0,1],[1,1],[1,0],[0,0]]]}}]})";
  }
  auto r = ComunaLocator::load(path.string());
  std::filesystem::remove(path);
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->locate(0.5, 0.5), "01101");
}

// A unit square [x0, x0+1] × [y0, y0+1] as a GeoJSON Polygon, clockwise like the BCN file.
std::string square(double x0, double y0) {
  char buf[256];
  std::snprintf(buf, sizeof buf, "[[%g,%g],[%g,%g],[%g,%g],[%g,%g],[%g,%g]]", x0, y0, x0, y0 + 1, x0 + 1, y0 + 1,
                x0 + 1, y0, x0, y0);
  return buf;
}

std::string feature(const std::string& code_json, const std::string& geometry_json) {
  return R"({"type":"Feature","properties":{"cod_comuna":)" + code_json + R"(},"geometry":)" + geometry_json + "}";
}

std::string polygon(const std::string& rings) { return R"({"type":"Polygon","coordinates":[)" + rings + "]}"; }

std::string collection(const std::string& features) {
  return R"({"type":"FeatureCollection","features":[)" + features + "]}";
}

Result<ComunaLocator> parse(const std::string& features) { return ComunaLocator::parse(collection(features)); }

TEST(LocatorParse, PolygonAndLatLonOrder) {
  // GeoJSON is [lon, lat]: a square spanning lon 10..11, lat 20..21.
  auto r = parse(feature("13101", polygon(square(10, 20))));
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->size(), 1u);
  EXPECT_EQ(r->locate(20.5, 10.5), "13101");
  EXPECT_EQ(r->locate(10.5, 20.5), std::nullopt);
}

TEST(LocatorParse, NumericCodesArePaddedToFiveDigits) {
  auto r = parse(feature("1101", polygon(square(0, 0))) + "," + feature("13101", polygon(square(2, 0))) + "," +
                 feature("\"05101\"", polygon(square(4, 0))) + "," + feature("\"5109\"", polygon(square(6, 0))) +
                 "," + feature("9", polygon(square(8, 0))));
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->size(), 5u);
  EXPECT_EQ(r->locate(0.5, 0.5), "01101");
  EXPECT_EQ(r->locate(0.5, 2.5), "13101");
  EXPECT_EQ(r->locate(0.5, 4.5), "05101");
  EXPECT_EQ(r->locate(0.5, 6.5), "05109");
  EXPECT_EQ(r->locate(0.5, 8.5), "00009");
}

TEST(LocatorParse, FeaturesWithoutAValidCodeAreSkipped) {
  const std::string g = polygon(square(0, 0));
  auto r = parse(feature("0", g) + "," + feature("null", g) + "," + feature("\"\"", g) + "," + feature("\"abc\"", g) +
                 "," + feature("-5", g) + "," + feature("100000", g) + "," + feature("\"123456\"", g) + "," +
                 feature("1101.5", g) + "," + feature("true", g) + "," +
                 R"({"type":"Feature","properties":{"Comuna":"Zona sin demarcar"},"geometry":)" + g + "}," +
                 R"({"type":"Feature","properties":null,"geometry":)" + g + "}," +
                 R"({"type":"Feature","geometry":)" + g + "}," + feature("2101", polygon(square(5, 5))));
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->size(), 1u);
  EXPECT_EQ(r->locate(0.5, 0.5), std::nullopt);
  EXPECT_EQ(r->locate(5.5, 5.5), "02101");
}

TEST(LocatorParse, NullGeometryIsSkipped) {
  auto r = parse(feature("12202", "null") + "," + feature("1101", polygon(square(0, 0))));
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->size(), 1u);
}

TEST(LocatorParse, MultiPolygonFindsEveryPart) {
  const std::string multi = R"({"type":"MultiPolygon","coordinates":[[)" + square(0, 0) + "],[" + square(10, 10) +
                            "],[" + square(-5, -5) + "]]}";
  auto r = parse(feature("5201", multi));
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->size(), 1u);
  EXPECT_EQ(r->locate(0.5, 0.5), "05201");
  EXPECT_EQ(r->locate(10.5, 10.5), "05201");
  EXPECT_EQ(r->locate(-4.5, -4.5), "05201");
  EXPECT_EQ(r->locate(5.5, 5.5), std::nullopt);  // inside the parts' common envelope, in no part
}

TEST(LocatorParse, HolesAreExcluded) {
  // A 10×10 square with a 2×2 hole in the middle, and a second comuna filling part of the hole.
  const std::string outer = "[[0,0],[0,10],[10,10],[10,0],[0,0]]";
  const std::string hole = "[[4,4],[6,4],[6,6],[4,6],[4,4]]";
  auto r = parse(feature("1101", polygon(outer + "," + hole)) + "," + feature("1107", polygon(square(4.5, 4.5))));
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->locate(1, 1), "01101");
  EXPECT_EQ(r->locate(4.2, 4.2), std::nullopt);  // in the hole, outside the enclave
  EXPECT_EQ(r->locate(5, 5), "01107");           // in the enclave
  EXPECT_EQ(r->locate(7, 7), "01101");
}

TEST(LocatorParse, RingOrientationDoesNotMatter) {
  // RFC 7946 orientation (counterclockwise outer, clockwise hole): the opposite of the BCN file.
  const std::string outer = "[[0,0],[10,0],[10,10],[0,10],[0,0]]";
  const std::string hole = "[[4,4],[4,6],[6,6],[6,4],[4,4]]";
  auto r = parse(feature("1101", polygon(outer + "," + hole)));
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->locate(1, 1), "01101");
  EXPECT_EQ(r->locate(9, 9), "01101");
  EXPECT_EQ(r->locate(5, 5), std::nullopt);
  EXPECT_EQ(r->locate(11, 11), std::nullopt);
}

TEST(LocatorParse, UnclosedRingsAreClosed) {
  auto r = parse(feature("1101", polygon("[[0,0],[0,1],[1,1],[1,0]]")));
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->locate(0.5, 0.5), "01101");
}

TEST(LocatorParse, NonConvexPolygon) {
  // A "U": the notch between the arms belongs to nobody even though it is inside the envelope.
  auto r = parse(feature("1101", polygon("[[0,0],[0,3],[1,3],[1,1],[2,1],[2,3],[3,3],[3,0],[0,0]]")));
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->locate(2, 0.5), "01101");
  EXPECT_EQ(r->locate(2, 2.5), "01101");
  EXPECT_EQ(r->locate(2, 1.5), std::nullopt);
  EXPECT_EQ(r->locate(0.5, 1.5), "01101");
}

TEST(LocatorParse, BordersBelongToTheLowestCodeWhateverTheOrder) {
  // Two squares sharing the edge lon = 1.
  for (bool low_first : {true, false}) {
    const std::string low = feature("13101", polygon(square(0, 0)));
    const std::string high = feature("13102", polygon(square(1, 0)));
    auto r = parse(low_first ? low + "," + high : high + "," + low);
    ASSERT_TRUE(r.has_value()) << r.error().message;
    EXPECT_EQ(r->locate(0.5, 1.0), "13101") << low_first;  // on the shared edge
    EXPECT_EQ(r->locate(0.5, 0.0), "13101") << low_first;  // on the outer edge
    EXPECT_EQ(r->locate(0.0, 0.0), "13101") << low_first;  // on a vertex
    EXPECT_EQ(r->locate(0.5, 1.5), "13102") << low_first;
    EXPECT_EQ(r->locate(0.5, 2.0), "13102") << low_first;
    EXPECT_EQ(r->locate(0.5, 2.0000001), std::nullopt) << low_first;
  }
}

TEST(LocatorParse, OverlapsGoToTheLowestCodeWhateverTheOrder) {
  const std::string a = feature("8101", polygon(square(0, 0)));
  const std::string b = feature("5101", polygon(square(0.5, 0.5)));
  for (const std::string& features : {a + "," + b, b + "," + a}) {
    auto r = parse(features);
    ASSERT_TRUE(r.has_value()) << r.error().message;
    EXPECT_EQ(r->locate(0.75, 0.75), "05101");
    EXPECT_EQ(r->locate(0.25, 0.25), "08101");
    EXPECT_EQ(r->locate(1.25, 1.25), "05101");
  }
}

TEST(LocatorParse, RepeatedCodeMergesIntoOneComuna) {
  auto r = parse(feature("1101", polygon(square(0, 0))) + "," + feature("\"01101\"", polygon(square(3, 3))));
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->size(), 1u);
  EXPECT_EQ(r->locate(0.5, 0.5), "01101");
  EXPECT_EQ(r->locate(3.5, 3.5), "01101");
}

TEST(LocatorParse, ExtraPositionValuesAreIgnored) {
  auto r = parse(feature("1101", polygon("[[0,0,100],[0,1,100],[1,1,100],[1,0,100],[0,0,100]]")));
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->locate(0.5, 0.5), "01101");
}

TEST(LocatorParse, InvalidDocuments) {
  for (const std::string& text :
       {std::string(""), std::string("{"), std::string("not json"), std::string("[]"), std::string("{}"),
        std::string(R"({"type":"FeatureCollection"})"), std::string(R"({"type":"FeatureCollection","features":{}})"),
        std::string(R"({"type":"FeatureCollection","features":[]})"),
        std::string(R"({"type":"FeatureCollection","features":[1]})")}) {
    auto r = ComunaLocator::parse(text);
    ASSERT_FALSE(r.has_value()) << text;
    EXPECT_EQ(r.error().status, 500) << text;
    EXPECT_FALSE(r.error().message.empty()) << text;
  }
  EXPECT_EQ(ComunaLocator::parse("{").error().message, "Los límites comunales no son un GeoJSON válido.");
  EXPECT_EQ(ComunaLocator::parse(collection("")).error().message,
            "Los límites comunales no contienen ninguna comuna.");
}

TEST(LocatorParse, MalformedGeometryOfAComunaFailsTheLoad) {
  const std::string cases[] = {
      R"({"type":"Point","coordinates":[0,0]})",
      R"({"type":"LineString","coordinates":[[0,0],[1,1]]})",
      R"({"type":"Polygon"})",
      R"({"coordinates":[]})",
      R"({"type":7,"coordinates":[]})",
      R"("Polygon")",
      R"({"type":"Polygon","coordinates":[]})",
      R"({"type":"Polygon","coordinates":[[]]})",
      R"({"type":"Polygon","coordinates":[[[0,0],[1,1]]]})",
      R"({"type":"Polygon","coordinates":[[[0,0],[0,1],["a",1],[0,0]]]})",
      R"({"type":"Polygon","coordinates":[[[0,0],[0,1],[1],[0,0]]]})",
      R"({"type":"Polygon","coordinates":[[[0,0],[0,1],[1,1],[0,0]],"x"]})",
      R"({"type":"Polygon","coordinates":"x"})",
      R"({"type":"MultiPolygon","coordinates":[]})",
      R"({"type":"MultiPolygon","coordinates":[[]]})",
      R"({"type":"MultiPolygon","coordinates":[[[[0,0],[0,1]]]]})",
  };
  for (const std::string& geometry : cases) {
    auto r = parse(feature("1101", polygon(square(5, 5))) + "," + feature("2101", geometry));
    ASSERT_FALSE(r.has_value()) << geometry;
    EXPECT_NE(r.error().message.find("02101"), std::string::npos) << geometry << ": " << r.error().message;
  }
}

TEST(LocatorMove, IsMovable) {
  static_assert(std::is_nothrow_move_constructible_v<ComunaLocator>);
  static_assert(std::is_nothrow_move_assignable_v<ComunaLocator>);
  static_assert(!std::is_copy_constructible_v<ComunaLocator>);

  auto r = parse(feature("1101", polygon(square(0, 0))));
  ASSERT_TRUE(r.has_value());
  ComunaLocator a = std::move(*r);
  EXPECT_EQ(a.locate(0.5, 0.5), "01101");

  auto other = parse(feature("2101", polygon(square(0, 0))) + "," + feature("2102", polygon(square(2, 2))));
  ASSERT_TRUE(other.has_value());
  a = std::move(*other);
  EXPECT_EQ(a.size(), 2u);
  EXPECT_EQ(a.locate(0.5, 0.5), "02101");

  ComunaLocator b(std::move(a));
  EXPECT_EQ(b.locate(2.5, 2.5), "02102");
  // A moved-from locator stays usable and finds nothing.
  EXPECT_EQ(a.size(), 0u);  // NOLINT(bugprone-use-after-move)
  EXPECT_EQ(a.locate(0.5, 0.5), std::nullopt);
  EXPECT_EQ(a.locate_linear(0.5, 0.5), std::nullopt);
}

}  // namespace
}  // namespace eq
