// Region and comuna boundaries re-keyed by official code, pre-serialised and pre-compressed once:
// they are megabytes of GeoJSON that every map view asks for.
#pragma once
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "core/error.h"

namespace eq::territory {

struct Document {
  std::string json;
  std::string gzipped;
};

class Boundaries {
 public:
  explicit Boundaries(std::string data_dir) : dir_(std::move(data_dir)) {}
  // FeatureCollection of the 16 regions (properties: region_id, name).
  Result<const Document*> regions();
  // FeatureCollection of one region's comunas (properties: comuna_id, name); nullptr for no such region.
  Result<const Document*> comunas_of(const std::string& region_id);

 private:
  Result<void> load();
  std::string dir_;
  std::once_flag once_;
  std::optional<Error> load_error_;
  Document regions_;
  std::map<std::string, Document> comunas_by_region_;
};

}  // namespace eq::territory
