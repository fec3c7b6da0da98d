#include "territory/module.h"

namespace eq::territory {

namespace {

Region region_from(const soci::row& r) {
  return {r.get<std::string>(0), r.get<std::string>(1), r.get<std::string>(2), r.get<std::string>(3), r.get<std::string>(4)};
}
Comuna comuna_from(const soci::row& r) {
  return {r.get<std::string>(0), r.get<std::string>(1), r.get<std::string>(2), r.get<std::string>(3)};
}

template <typename T, typename F>
Result<std::vector<T>> query_all(store::Database& db, const std::string& sql, F bind_and_map) {
  auto lease = db.lease();
  if (!lease) return fail(lease.error());
  try {
    return bind_and_map(**lease, sql);
  } catch (const std::exception& e) {
    return fail(store::database_error(e));
  }
}

}  // namespace

Result<std::vector<Region>> Repository::regions() {
  return query_all<Region>(db_, "SELECT id, name, short_name, abbreviation, iso_code FROM territory_regions ORDER BY ordinal",
                           [](soci::session& s, const std::string& sql) {
                             std::vector<Region> out;
                             soci::rowset<soci::row> rows = s.prepare << sql;
                             for (const auto& r : rows) out.push_back(region_from(r));
                             return out;
                           });
}

Result<std::optional<Region>> Repository::region(const std::string& id) {
  auto all = query_all<Region>(db_, "SELECT id, name, short_name, abbreviation, iso_code FROM territory_regions WHERE id = :id",
                               [&](soci::session& s, const std::string& sql) {
                                 std::vector<Region> out;
                                 soci::rowset<soci::row> rows = (s.prepare << sql, soci::use(id));
                                 for (const auto& r : rows) out.push_back(region_from(r));
                                 return out;
                               });
  if (!all) return fail(all.error());
  if (all->empty()) return std::optional<Region>();
  return std::optional<Region>(all->front());
}

Result<std::vector<Province>> Repository::provinces(const std::string& region_id) {
  return query_all<Province>(db_, "SELECT id, name, region_id FROM territory_provinces WHERE region_id = :r ORDER BY id",
                             [&](soci::session& s, const std::string& sql) {
                               std::vector<Province> out;
                               soci::rowset<soci::row> rows = (s.prepare << sql, soci::use(region_id));
                               for (const auto& r : rows)
                                 out.push_back({r.get<std::string>(0), r.get<std::string>(1), r.get<std::string>(2)});
                               return out;
                             });
}

Result<std::optional<Province>> Repository::province(const std::string& id) {
  auto all = query_all<Province>(db_, "SELECT id, name, region_id FROM territory_provinces WHERE id = :id",
                                 [&](soci::session& s, const std::string& sql) {
                                   std::vector<Province> out;
                                   soci::rowset<soci::row> rows = (s.prepare << sql, soci::use(id));
                                   for (const auto& r : rows)
                                     out.push_back({r.get<std::string>(0), r.get<std::string>(1), r.get<std::string>(2)});
                                   return out;
                                 });
  if (!all) return fail(all.error());
  if (all->empty()) return std::optional<Province>();
  return std::optional<Province>(all->front());
}

Result<std::vector<Comuna>> Repository::comunas_of_province(const std::string& province_id) {
  return query_all<Comuna>(db_, "SELECT id, name, province_id, region_id FROM territory_comunas WHERE province_id = :p ORDER BY name",
                           [&](soci::session& s, const std::string& sql) {
                             std::vector<Comuna> out;
                             soci::rowset<soci::row> rows = (s.prepare << sql, soci::use(province_id));
                             for (const auto& r : rows) out.push_back(comuna_from(r));
                             return out;
                           });
}

Result<std::vector<Comuna>> Repository::search_comunas(const std::string& query, const std::string& region_id, int limit) {
  // LIKE wildcards typed by the user are matched literally.
  std::string pattern = "%";
  for (char c : fold_for_search(trim(query))) {
    if (c == '%' || c == '_' || c == '\\') pattern.push_back('\\');
    pattern.push_back(c);
  }
  pattern += "%";
  std::string sql = "SELECT id, name, province_id, region_id FROM territory_comunas WHERE name_folded LIKE :q ESCAPE '\\'";
  if (!region_id.empty()) sql += " AND region_id = :r";
  sql += " ORDER BY name LIMIT " + std::to_string(limit);
  return query_all<Comuna>(db_, sql, [&](soci::session& s, const std::string& q) {
    std::vector<Comuna> out;
    if (region_id.empty()) {
      soci::rowset<soci::row> rows = (s.prepare << q, soci::use(pattern));
      for (const auto& r : rows) out.push_back(comuna_from(r));
    } else {
      soci::rowset<soci::row> rows = (s.prepare << q, soci::use(pattern), soci::use(region_id));
      for (const auto& r : rows) out.push_back(comuna_from(r));
    }
    return out;
  });
}

Result<std::optional<Comuna>> Repository::comuna(const std::string& id) {
  auto all = query_all<Comuna>(db_, "SELECT id, name, province_id, region_id FROM territory_comunas WHERE id = :id",
                               [&](soci::session& s, const std::string& sql) {
                                 std::vector<Comuna> out;
                                 soci::rowset<soci::row> rows = (s.prepare << sql, soci::use(id));
                                 for (const auto& r : rows) out.push_back(comuna_from(r));
                                 return out;
                               });
  if (!all) return fail(all.error());
  if (all->empty()) return std::optional<Comuna>();
  return std::optional<Comuna>(all->front());
}

}  // namespace eq::territory
