// Finds the comuna that contains a WGS84 position, from the BCN boundaries in
// data/territory/comunas.geojson. Coordinates are treated as planar lon/lat: at the scale of a
// comuna the distortion is far below the error of the simplified boundaries.
#pragma once
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"

namespace eq {

class ComunaLocator {
 public:
  // Reads a GeoJSON FeatureCollection whose features carry the CUT code in `cod_comuna` (a number
  // without its leading zero, or text) and a Polygon or MultiPolygon geometry. Features without a
  // valid code (the "Zona sin demarcar" of the BCN file) or with a null geometry are skipped;
  // anything else malformed fails the whole load, since a silently missing comuna would misplace
  // every point inside it.
  static Result<ComunaLocator> load(const std::string& geojson_path);
  static Result<ComunaLocator> parse(std::string_view geojson_text);

  // The 5-digit CUT code ("13101"), or nullopt when the position is in no comuna (the sea, a
  // neighbouring country, a lake cut out of a comuna, or a non-finite coordinate). Points on a
  // shared border, or in the slivers where simplified boundaries overlap, go to the lowest code so
  // that the answer never depends on load order. O(log n) through an R-tree of polygon envelopes.
  std::optional<std::string> locate(double lat, double lon) const;

  // Same answer as locate(), testing every polygon: the reference for tests and benchmarks.
  std::optional<std::string> locate_linear(double lat, double lon) const;

  // Number of distinct comunas loaded.
  size_t size() const;

  ComunaLocator(ComunaLocator&&) noexcept;
  ComunaLocator& operator=(ComunaLocator&&) noexcept;
  ~ComunaLocator();

 private:
  struct Index;
  explicit ComunaLocator(std::unique_ptr<Index> index);
  std::unique_ptr<Index> index_;  // null only in a moved-from locator, which finds nothing
};

}  // namespace eq
