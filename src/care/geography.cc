// Neighbouring comunas and their positions, derived once from the comuna boundaries the territory
// module ships (data/territory/comunas.geojson). The rule, documented for the ministry: two comunas
// are neighbours when a vertex of one boundary lies within 1 km of the other's boundary. The file's
// polygons are simplified one by one, so a shared border is drawn twice with different vertices (up
// to ~600 m apart in Santiago); 1 km joins those and nothing else (Santiago and Las Condes, which
// Providencia separates, stay 4,4 km apart). A comuna's position is the mean of its vertices.
#include <algorithm>
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
  // Segments bucketed on a grid of 0.02° cells (each in every cell its box, widened by the distance,
  // touches); then every vertex is checked against the segments of other comunas in its cell.
  struct Seg {
    double ax, ay, bx, by;
    int comuna;
  };
  constexpr double kCell = 0.02, kMaxKm = 1.0, kKmPerDegree = 111.2;
  std::vector<std::string> names;
  std::vector<std::vector<std::pair<double, double>>> vertices;  // per comuna (lon, lat)
  std::map<std::pair<long, long>, std::vector<Seg>> grid;
  auto cell = [&](double v) { return static_cast<long>(std::floor(v / kCell)); };
  const double pad = kMaxKm / kKmPerDegree * 2;  // degrees, generous for longitude at high latitudes
  for (const auto& f : doc["features"]) {
    if (!f.contains("properties") || !f["properties"].contains("cod_comuna") || !f.contains("geometry") || f["geometry"].is_null())
      continue;
    const std::string code = code_of(f["properties"]);
    const int idx = static_cast<int>(names.size());
    names.push_back(code);
    vertices.emplace_back();
    const auto& g = f["geometry"];
    std::vector<const nlohmann::json*> rings;
    if (g["type"] == "Polygon")
      for (const auto& r : g["coordinates"]) rings.push_back(&r);
    else if (g["type"] == "MultiPolygon")
      for (const auto& poly : g["coordinates"])
        for (const auto& r : poly) rings.push_back(&r);
    double sum_lat = 0, sum_lon = 0;
    long n = 0;
    for (const auto* ring : rings) {
      std::optional<std::pair<double, double>> prev;
      for (const auto& pt : *ring) {
        const double lon = pt[0].get<double>(), lat = pt[1].get<double>();
        sum_lat += lat, sum_lon += lon, ++n;
        vertices.back().emplace_back(lon, lat);
        if (prev) {
          Seg sg{prev->first, prev->second, lon, lat, idx};
          for (long cx = cell(std::min(sg.ax, sg.bx) - pad); cx <= cell(std::max(sg.ax, sg.bx) + pad); ++cx)
            for (long cy = cell(std::min(sg.ay, sg.by) - pad); cy <= cell(std::max(sg.ay, sg.by) + pad); ++cy) grid[{cx, cy}].push_back(sg);
        }
        prev = {lon, lat};
      }
    }
    if (n > 0) geo->centre_[code] = {sum_lat / static_cast<double>(n), sum_lon / static_cast<double>(n)};
    geo->neighbours_[code];
  }
  auto km_to_segment = [&](double lon, double lat, const Seg& sg) {
    const double k = std::cos(lat * M_PI / 180.0);  // local equirectangular projection
    const double ax = sg.ax * k, ay = sg.ay, bx = sg.bx * k, by = sg.by, px = lon * k, py = lat;
    const double dx = bx - ax, dy = by - ay, len = dx * dx + dy * dy;
    const double t = len == 0 ? 0 : std::clamp(((px - ax) * dx + (py - ay) * dy) / len, 0.0, 1.0);
    return std::hypot(px - ax - t * dx, py - ay - t * dy) * kKmPerDegree;
  };
  for (size_t i = 0; i < vertices.size(); ++i)
    for (const auto& [lon, lat] : vertices[i]) {
      auto it = grid.find({cell(lon), cell(lat)});
      if (it == grid.end()) continue;
      for (const auto& sg : it->second) {
        if (sg.comuna == static_cast<int>(i)) continue;
        const auto& other = names[static_cast<size_t>(sg.comuna)];
        if (geo->neighbours_[names[i]].count(other)) continue;
        if (km_to_segment(lon, lat, sg) <= kMaxKm) {
          geo->neighbours_[names[i]].insert(other);
          geo->neighbours_[other].insert(names[i]);
        }
      }
    }
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
