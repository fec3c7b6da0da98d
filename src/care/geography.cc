// Neighbouring comunas and their positions, derived once from the comuna boundaries the territory
// module ships (data/territory/comunas.geojson). The rule, documented for the ministry: two comunas
// are neighbours when their boundaries share at least one vertex once coordinates are rounded to
// 1e-4° (about 11 m, the file's own precision); a comuna's position is the mean of its vertices.
#include <cmath>
#include <fstream>
#include <sstream>

#include "care/module.h"
#include "core/error.h"

namespace eq::care {

namespace {

std::string code_of(const nlohmann::json& props) {
  const auto& c = props.at("cod_comuna");
  std::string s = c.is_string() ? c.get<std::string>() : std::to_string(c.get<long long>());
  while (s.size() < 5) s = "0" + s;
  return s;
}

}  // namespace

Result<std::shared_ptr<Geography>> Geography::load(const std::string& data_dir) {
  const std::string path = data_dir + "/territory/comunas.geojson";
  std::ifstream in(path);
  if (!in) return fail(Error::unavailable("No se pudo leer " + path + " (límites comunales para la red de atención)."));
  std::stringstream buf;
  buf << in.rdbuf();
  auto doc = nlohmann::json::parse(buf.str(), nullptr, false);
  if (doc.is_discarded() || !doc.contains("features"))
    return fail(Error::unavailable("El archivo " + path + " no es GeoJSON válido."));
  auto geo = std::make_shared<Geography>();
  std::map<std::pair<long, long>, std::set<std::string>> by_vertex;
  for (const auto& f : doc["features"]) {
    if (!f.contains("properties") || !f["properties"].contains("cod_comuna") || !f.contains("geometry") || f["geometry"].is_null())
      continue;
    const std::string code = code_of(f["properties"]);
    const auto& g = f["geometry"];
    std::vector<const nlohmann::json*> rings;
    if (g["type"] == "Polygon")
      for (const auto& r : g["coordinates"]) rings.push_back(&r);
    else if (g["type"] == "MultiPolygon")
      for (const auto& poly : g["coordinates"])
        for (const auto& r : poly) rings.push_back(&r);
    double sum_lat = 0, sum_lon = 0;
    long n = 0;
    for (const auto* ring : rings)
      for (const auto& pt : *ring) {
        const double lon = pt[0].get<double>(), lat = pt[1].get<double>();
        sum_lat += lat, sum_lon += lon, ++n;
        by_vertex[{std::lround(lon * 1e4), std::lround(lat * 1e4)}].insert(code);
      }
    if (n > 0) geo->centre_[code] = {sum_lat / static_cast<double>(n), sum_lon / static_cast<double>(n)};
    geo->neighbours_[code];
  }
  for (const auto& [vertex, codes] : by_vertex)
    if (codes.size() > 1)
      for (const auto& a : codes)
        for (const auto& b : codes)
          if (a != b) geo->neighbours_[a].insert(b);
  return geo;
}

bool Geography::adjacent(const std::string& a, const std::string& b) const {
  auto it = neighbours_.find(a);
  return it != neighbours_.end() && it->second.count(b) > 0;
}

const std::set<std::string>& Geography::neighbours(const std::string& comuna) const {
  static const std::set<std::string> none;
  auto it = neighbours_.find(comuna);
  return it == neighbours_.end() ? none : it->second;
}

std::optional<std::pair<double, double>> Geography::centre(const std::string& comuna) const {
  auto it = centre_.find(comuna);
  if (it == centre_.end()) return std::nullopt;
  return it->second;
}

}  // namespace eq::care
