// Schema and reference data of Chile's territorial division (Código Único Territorial).
#include "territory/module.h"

#include <stdexcept>

#include "core/csv.h"

namespace eq::territory {

namespace {

// The reference files are RFC 4180 (names may carry commas); the header row is skipped.
std::vector<std::vector<std::string>> read_csv(const std::string& path) {
  auto text = read_file(path);
  if (!text) throw std::runtime_error("no se encontró el archivo de datos territoriales " + path);
  auto rows = csv_records(*text);
  if (!rows) throw std::runtime_error(path + ": " + rows.error().message);
  if (!rows->empty()) rows->erase(rows->begin());
  return std::move(*rows);
}

// Regions from north to south, the order officials read them in.
const char* kGeographicOrder[] = {"15", "01", "02", "03", "04", "05", "13", "06", "07", "16", "08", "09", "14", "10", "11", "12"};

}  // namespace

std::vector<store::Migration> migrations() {
  std::vector<store::Migration> out;
  out.push_back(store::sql_migration(
      "territory", 1, "regions, provinces and comunas",
      {"CREATE TABLE territory_regions (id TEXT PRIMARY KEY, name TEXT NOT NULL, short_name TEXT NOT NULL, "
       "abbreviation TEXT NOT NULL, iso_code TEXT NOT NULL, ordinal INTEGER NOT NULL)",
       "CREATE TABLE territory_provinces (id TEXT PRIMARY KEY, name TEXT NOT NULL, "
       "region_id TEXT NOT NULL REFERENCES territory_regions(id))",
       "CREATE TABLE territory_comunas (id TEXT PRIMARY KEY, name TEXT NOT NULL, name_folded TEXT NOT NULL, "
       "province_id TEXT NOT NULL REFERENCES territory_provinces(id), region_id TEXT NOT NULL REFERENCES territory_regions(id))",
       "CREATE INDEX territory_provinces_region ON territory_provinces(region_id)",
       "CREATE INDEX territory_comunas_province ON territory_comunas(province_id)",
       "CREATE INDEX territory_comunas_region ON territory_comunas(region_id)"}));
  out.push_back({"territory", 2, "load official codes", [](soci::session& s, const store::MigrationContext& ctx) {
                   std::string dir = ctx.data_dir + "/territory/";
                   for (const auto& r : read_csv(dir + "regions.csv")) {
                     if (r.size() < 5) throw std::runtime_error("regions.csv: fila incompleta");
                     int ordinal = 0;
                     for (int i = 0; i < 16; ++i)
                       if (r[0] == kGeographicOrder[i]) ordinal = i + 1;
                     s << "INSERT INTO territory_regions(id, name, short_name, abbreviation, iso_code, ordinal) "
                          "VALUES(:a, :b, :c, :d, :e, :f)",
                         soci::use(r[0]), soci::use(r[1]), soci::use(r[2]), soci::use(r[3]), soci::use(r[4]), soci::use(ordinal);
                   }
                   for (const auto& r : read_csv(dir + "provinces.csv")) {
                     if (r.size() < 3) throw std::runtime_error("provinces.csv: fila incompleta");
                     s << "INSERT INTO territory_provinces(id, name, region_id) VALUES(:a, :b, :c)", soci::use(r[0]),
                         soci::use(r[1]), soci::use(r[2]);
                   }
                   for (const auto& r : read_csv(dir + "communes.csv")) {
                     if (r.size() < 3) throw std::runtime_error("communes.csv: fila incompleta");
                     std::string folded = fold_for_search(r[1]);
                     std::string region = r[2].substr(0, 2);
                     s << "INSERT INTO territory_comunas(id, name, name_folded, province_id, region_id) VALUES(:a, :b, :c, :d, :e)",
                         soci::use(r[0]), soci::use(r[1]), soci::use(folded), soci::use(r[2]), soci::use(region);
                   }
                 }});
  return out;
}

}  // namespace eq::territory
