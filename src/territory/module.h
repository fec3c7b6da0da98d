// Chile's regions, provinces and comunas: reference data, search, boundaries and point location.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/text.h"
#include "http/router.h"
#include "store/migrations.h"

namespace eq::territory {

struct Region {
  std::string id, name, short_name, abbreviation, iso_code;
};
struct Province {
  std::string id, name, region_id;
};
struct Comuna {
  std::string id, name, province_id, region_id;
};

std::vector<store::Migration> migrations();

// The module's SQL; no other module reads territory_* tables: they ask through this.
class Repository {
 public:
  explicit Repository(store::Database& db) : db_(db) {}
  Result<std::vector<Region>> regions();
  Result<std::optional<Region>> region(const std::string& id);
  Result<std::vector<Province>> provinces(const std::string& region_id);
  Result<std::optional<Province>> province(const std::string& id);
  Result<std::vector<Comuna>> comunas_of_province(const std::string& province_id);
  Result<std::vector<Comuna>> search_comunas(const std::string& query, const std::string& region_id, int limit);
  Result<std::optional<Comuna>> comuna(const std::string& id);

 private:
  store::Database& db_;
};

class Service;
// Registers the territory routes; `data_dir` holds territory/*.geojson.
std::shared_ptr<Service> register_routes(http::Router& router, store::Database& db, const std::string& data_dir);

// For other modules (dispatch by comuna, user scopes): validates codes and locates positions.
class Service {
 public:
  virtual ~Service() = default;
  virtual Result<std::optional<Comuna>> comuna(const std::string& id) = 0;
  virtual Result<std::optional<Region>> region(const std::string& id) = 0;
  virtual std::optional<std::string> locate(double lat, double lon) const = 0;
  // Builds the boundary documents now rather than on the first map view (about a second of work).
  virtual void preload() = 0;
};

}  // namespace eq::territory
