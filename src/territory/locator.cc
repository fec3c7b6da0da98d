#include "territory/locator.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <utility>
#include <vector>

// Boost 1.74's Geometry includes a header it deprecated itself; the notice is noise in every build.
#ifndef BOOST_ALLOW_DEPRECATED_HEADERS
#define BOOST_ALLOW_DEPRECATED_HEADERS
#endif
#include <boost/geometry.hpp>
#include <boost/geometry/geometries/box.hpp>
#include <boost/geometry/geometries/point_xy.hpp>
#include <boost/geometry/geometries/polygon.hpp>
#include <boost/geometry/index/rtree.hpp>
#include <nlohmann/json.hpp>

namespace eq {
namespace {

namespace bg = boost::geometry;
namespace bgi = boost::geometry::index;

using Point = bg::model::d2::point_xy<double>;  // x = longitude, y = latitude
using Polygon = bg::model::polygon<Point>;      // clockwise outer rings, closed
using Box = bg::model::box<Point>;
using Entry = std::pair<Box, uint32_t>;         // polygon envelope, polygon index

constexpr int kCodeDigits = 5;
constexpr long long kMaxCode = 99999;

Error data_error(std::string message) { return Error{500, "territory_data", std::move(message), {}}; }

// "cod_comuna" comes as 1101 in the BCN file; other sources spell it "01101". 0 or absent marks
// territory that belongs to no comuna.
std::optional<std::string> cut_code(const nlohmann::json& properties) {
  if (!properties.is_object()) return std::nullopt;
  const auto it = properties.find("cod_comuna");
  if (it == properties.end()) return std::nullopt;
  long long value = 0;
  if (it->is_number_integer()) {
    value = it->get<long long>();
  } else if (it->is_string()) {
    const auto& text = it->get_ref<const std::string&>();
    if (text.empty() || text.size() > kCodeDigits) return std::nullopt;
    for (char c : text) {
      if (c < '0' || c > '9') return std::nullopt;
      value = value * 10 + (c - '0');
    }
  } else {
    return std::nullopt;
  }
  if (value < 1 || value > kMaxCode) return std::nullopt;
  std::string code = std::to_string(value);
  code.insert(0, kCodeDigits - code.size(), '0');
  return code;
}

// Throws std::invalid_argument with a Spanish reason; parse() turns it into an Error.
void read_ring(const nlohmann::json& positions, Polygon::ring_type& ring) {
  if (!positions.is_array() || positions.size() < 3)
    throw std::invalid_argument("un anillo tiene menos de 3 vértices");
  ring.reserve(positions.size());
  for (const auto& position : positions) {
    if (!position.is_array() || position.size() < 2 || !position[0].is_number() || !position[1].is_number())
      throw std::invalid_argument("un vértice no es un par [longitud, latitud]");
    ring.emplace_back(position[0].get<double>(), position[1].get<double>());
  }
}

Polygon read_polygon(const nlohmann::json& rings) {
  if (!rings.is_array() || rings.empty()) throw std::invalid_argument("un polígono no tiene anillos");
  Polygon polygon;
  read_ring(rings[0], polygon.outer());
  for (size_t i = 1; i < rings.size(); ++i) {
    polygon.inners().emplace_back();
    read_ring(rings[i], polygon.inners().back());
  }
  // GeoJSON producers disagree on ring orientation (RFC 7946 wants the opposite of this file's),
  // and Boost's algorithms assume the declared one.
  bg::correct(polygon);
  return polygon;
}

// Holes lie inside the outer ring, so its extent is the polygon's. Computed by hand because
// bg::envelope on a polygon trips a false -Wmaybe-uninitialized in g++ 12 with Boost 1.74.
Box outer_envelope(const Polygon& polygon) {
  const auto& ring = polygon.outer();
  Point lo = ring.front();
  Point hi = ring.front();
  for (const Point& p : ring) {
    lo.x(std::min(lo.x(), p.x()));
    lo.y(std::min(lo.y(), p.y()));
    hi.x(std::max(hi.x(), p.x()));
    hi.y(std::max(hi.y(), p.y()));
  }
  return Box(lo, hi);
}

}  // namespace

struct ComunaLocator::Index {
  std::vector<std::string> codes;      // distinct CUT codes
  std::vector<Polygon> polygons;       // every part of every comuna
  std::vector<uint32_t> polygon_code;  // polygons[i] belongs to codes[polygon_code[i]]
  bgi::rtree<Entry, bgi::rstar<16>> tree;

  // Shared tie-break of locate() and locate_linear(): lowest code among the polygons covering p.
  void consider(const Point& p, uint32_t polygon, std::optional<uint32_t>& best) const {
    const uint32_t code = polygon_code[polygon];
    if (best && codes[*best] <= codes[code]) return;
    if (bg::covered_by(p, polygons[polygon])) best = code;
  }
};

ComunaLocator::ComunaLocator(std::unique_ptr<Index> index) : index_(std::move(index)) {}
ComunaLocator::ComunaLocator(ComunaLocator&&) noexcept = default;
ComunaLocator& ComunaLocator::operator=(ComunaLocator&&) noexcept = default;
ComunaLocator::~ComunaLocator() = default;

Result<ComunaLocator> ComunaLocator::load(const std::string& geojson_path) {
  std::ifstream file(geojson_path, std::ios::binary);
  if (!file) return fail(data_error("No se pudo abrir el archivo de límites comunales: " + geojson_path));
  std::stringstream buffer;
  buffer << file.rdbuf();
  if (file.bad()) return fail(data_error("No se pudo leer el archivo de límites comunales: " + geojson_path));
  return parse(buffer.str());
}

Result<ComunaLocator> ComunaLocator::parse(std::string_view geojson_text) {
  const auto doc = nlohmann::json::parse(geojson_text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return fail(data_error("Los límites comunales no son un GeoJSON válido."));
  const auto features = doc.is_object() ? doc.find("features") : doc.end();
  if (!doc.is_object() || features == doc.end() || !features->is_array())
    return fail(data_error("Los límites comunales no son una colección de features GeoJSON."));

  auto index = std::make_unique<Index>();
  std::map<std::string, uint32_t> code_index;
  for (const auto& feature : *features) {
    if (!feature.is_object()) return fail(data_error("Los límites comunales contienen un feature que no es un objeto."));
    const auto properties = feature.find("properties");
    const auto code = properties == feature.end() ? std::nullopt : cut_code(*properties);
    if (!code) continue;
    // GeoJSON's null geometry marks a feature with no known location: nothing to find there.
    const auto geometry = feature.find("geometry");
    if (geometry == feature.end() || geometry->is_null()) continue;

    const auto [slot, inserted] = code_index.try_emplace(*code, static_cast<uint32_t>(index->codes.size()));
    if (inserted) index->codes.push_back(*code);
    try {
      if (!geometry->is_object()) throw std::invalid_argument("la geometría no es un objeto");
      const auto type = geometry->find("type");
      const auto coordinates = geometry->find("coordinates");
      if (type == geometry->end() || !type->is_string() || coordinates == geometry->end())
        throw std::invalid_argument("la geometría no tiene tipo o coordenadas");
      if (*type == "Polygon") {
        index->polygons.push_back(read_polygon(*coordinates));
        index->polygon_code.push_back(slot->second);
      } else if (*type == "MultiPolygon") {
        if (!coordinates->is_array() || coordinates->empty())
          throw std::invalid_argument("el MultiPolygon está vacío");
        for (const auto& rings : *coordinates) {
          index->polygons.push_back(read_polygon(rings));
          index->polygon_code.push_back(slot->second);
        }
      } else {
        throw std::invalid_argument("la geometría " + type->get<std::string>() + " no es Polygon ni MultiPolygon");
      }
    } catch (const std::exception& e) {  // also nlohmann's type errors
      return fail(data_error("La geometría de la comuna " + *code + " no es válida: " + e.what() + "."));
    }
  }
  if (index->codes.empty()) return fail(data_error("Los límites comunales no contienen ninguna comuna."));

  std::vector<Entry> entries;
  entries.reserve(index->polygons.size());
  for (size_t i = 0; i < index->polygons.size(); ++i)
    entries.emplace_back(outer_envelope(index->polygons[i]), static_cast<uint32_t>(i));
  // The range constructor bulk-loads (packs) the tree, which queries faster than inserting one by one.
  index->tree = bgi::rtree<Entry, bgi::rstar<16>>(entries.begin(), entries.end());
  return ComunaLocator(std::move(index));
}

std::optional<std::string> ComunaLocator::locate(double lat, double lon) const {
  if (!index_ || !std::isfinite(lat) || !std::isfinite(lon)) return std::nullopt;
  const Point p(lon, lat);
  std::optional<uint32_t> best;
  for (auto it = index_->tree.qbegin(bgi::intersects(p)); it != index_->tree.qend(); ++it)
    index_->consider(p, it->second, best);
  if (!best) return std::nullopt;
  return index_->codes[*best];
}

std::optional<std::string> ComunaLocator::locate_linear(double lat, double lon) const {
  if (!index_ || !std::isfinite(lat) || !std::isfinite(lon)) return std::nullopt;
  const Point p(lon, lat);
  std::optional<uint32_t> best;
  for (uint32_t i = 0; i < index_->polygons.size(); ++i) index_->consider(p, i, best);
  if (!best) return std::nullopt;
  return index_->codes[*best];
}

size_t ComunaLocator::size() const { return index_ ? index_->codes.size() : 0; }

}  // namespace eq
