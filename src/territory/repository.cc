#include "store/query.h"
#include "territory/module.h"

namespace eq::territory {

namespace {

using store::get_str;
using store::Query;

Region region_from(const soci::row& r) { return {get_str(r, 0), get_str(r, 1), get_str(r, 2), get_str(r, 3), get_str(r, 4)}; }
Province province_from(const soci::row& r) { return {get_str(r, 0), get_str(r, 1), get_str(r, 2)}; }
Comuna comuna_from(const soci::row& r) { return {get_str(r, 0), get_str(r, 1), get_str(r, 2), get_str(r, 3)}; }

const char* kRegions = "SELECT id, name, short_name, abbreviation, iso_code FROM territory_regions";
const char* kProvinces = "SELECT id, name, region_id FROM territory_provinces";
const char* kComunas = "SELECT id, name, province_id, region_id FROM territory_comunas";

// Runs a query on a leased session and maps each row.
template <typename T>
Result<std::vector<T>> all(store::Database& db, Query q, T (*map)(const soci::row&)) {
  auto lease = db.lease();
  if (!lease) return fail(lease.error());
  try {
    std::vector<T> out;
    q.each(**lease, [&](const soci::row& r) { out.push_back(map(r)); });
    return out;
  } catch (const std::exception& e) {
    return fail(store::database_error(e));
  }
}

template <typename T>
Result<std::optional<T>> first(Result<std::vector<T>> rows) {
  if (!rows) return fail(rows.error());
  if (rows->empty()) return std::optional<T>();
  return std::optional<T>(std::move(rows->front()));
}

}  // namespace

Result<std::vector<Region>> Repository::regions() { return all(db_, Query(kRegions + std::string(" ORDER BY ordinal")), region_from); }

Result<std::optional<Region>> Repository::region(const std::string& id) {
  return first(all(db_, Query(kRegions + std::string(" WHERE id = :id")).bind("id", id), region_from));
}

Result<std::vector<Province>> Repository::provinces(const std::string& region_id) {
  return all(db_, Query(kProvinces + std::string(" WHERE region_id = :r ORDER BY id")).bind("r", region_id), province_from);
}

Result<std::optional<Province>> Repository::province(const std::string& id) {
  return first(all(db_, Query(kProvinces + std::string(" WHERE id = :id")).bind("id", id), province_from));
}

Result<std::vector<Comuna>> Repository::comunas_of_province(const std::string& province_id) {
  return all(db_, Query(kComunas + std::string(" WHERE province_id = :p ORDER BY name")).bind("p", province_id), comuna_from);
}

Result<std::vector<Comuna>> Repository::search_comunas(const std::string& query, const std::string& region_id, int limit) {
  // Names are matched folded (no case, no accents); the user's own wildcards count literally.
  Query q(kComunas + std::string(" WHERE name_folded LIKE :q ESCAPE '\\'"));
  q.bind("q", store::contains_pattern(fold_for_search(trim(query))));
  if (!region_id.empty()) q.sql(" AND region_id = :r").bind("r", region_id);
  q.sql(" ORDER BY name LIMIT " + std::to_string(limit));
  return all(db_, std::move(q), comuna_from);
}

Result<std::optional<Comuna>> Repository::comuna(const std::string& id) {
  return first(all(db_, Query(kComunas + std::string(" WHERE id = :id")).bind("id", id), comuna_from));
}

}  // namespace eq::territory
