#include "territory/boundaries.h"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "http/gzip.h"

namespace eq::territory {

namespace {

using Json = nlohmann::json;

// 4 decimals is about 11 m: plenty for drawing, and it halves the payload.
void round_coordinates(Json& j) {
  if (j.is_number_float()) {
    j = std::round(j.get<double>() * 1e4) / 1e4;
  } else if (j.is_array()) {
    for (auto& x : j) round_coordinates(x);
  }
}

std::string code(const Json& props, const char* key, int width) {
  auto it = props.find(key);
  if (it == props.end() || !it->is_number_integer()) return {};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%0*d", width, it->get<int>());
  return buf;
}

Document make_document(Json features) {
  Json fc = {{"type", "FeatureCollection"},
             {"attribution", "Límites: Biblioteca del Congreso Nacional de Chile (BCN)"},
             {"features", std::move(features)}};
  Document d;
  d.json = fc.dump();
  d.gzipped = http::gzip(d.json, 9).value_or(std::string());
  return d;
}

}  // namespace

Result<void> Boundaries::load() {
  auto read = [&](const std::string& name) -> Json {
    std::ifstream in(dir_ + "/territory/" + name);
    if (!in) return Json();
    return Json::parse(in, nullptr, false);
  };
  Json regions = read("regiones.geojson");
  Json comunas = read("comunas.geojson");
  if (!regions.is_object() || !comunas.is_object())
    return fail(Error{500, "boundaries_missing", "No se encontraron los límites territoriales en " + dir_ + "/territory.", {}});

  Json region_features = Json::array();
  for (auto& f : regions["features"]) {
    std::string id = code(f["properties"], "codregion", 2);
    if (id.empty() || id == "00" || f["geometry"].is_null()) continue;
    round_coordinates(f["geometry"]["coordinates"]);
    region_features.push_back({{"type", "Feature"},
                               {"properties", {{"region_id", id}, {"name", f["properties"].value("Region", "")}}},
                               {"geometry", std::move(f["geometry"])}});
  }
  regions_ = make_document(std::move(region_features));

  std::map<std::string, Json> by_region;
  for (auto& f : comunas["features"]) {
    std::string id = code(f["properties"], "cod_comuna", 5);
    if (id.empty() || id == "00000" || f["geometry"].is_null()) continue;
    round_coordinates(f["geometry"]["coordinates"]);
    auto& list = by_region[id.substr(0, 2)];
    if (list.is_null()) list = Json::array();
    list.push_back({{"type", "Feature"},
                    {"properties", {{"comuna_id", id}, {"name", f["properties"].value("Comuna", "")}}},
                    {"geometry", std::move(f["geometry"])}});
  }
  for (auto& [region, features] : by_region) comunas_by_region_[region] = make_document(std::move(features));
  return {};
}

Result<const Document*> Boundaries::regions() {
  std::call_once(once_, [this] {
    if (auto r = load(); !r) load_error_ = r.error();
  });
  if (load_error_) return fail(*load_error_);
  return &regions_;
}

Result<const Document*> Boundaries::comunas_of(const std::string& region_id) {
  auto r = regions();
  if (!r) return fail(r.error());
  auto it = comunas_by_region_.find(region_id);
  return it == comunas_by_region_.end() ? nullptr : &it->second;
}

}  // namespace eq::territory
