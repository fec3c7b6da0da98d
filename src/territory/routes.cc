// HTTP handlers of the territory module. All of it is public reference data.
#include <charconv>
#include <cmath>
#include <functional>
#include <iostream>
#include <map>
#include <mutex>

#include "http/gzip.h"
#include "core/log.h"
#include "territory/boundaries.h"
#include "territory/locator.h"
#include "territory/module.h"

namespace eq::territory {

namespace {

using http::Json;
using http::Request;
using http::Response;

Json to_json(const Region& r) {
  return {{"id", r.id}, {"name", r.name}, {"short_name", r.short_name}, {"abbreviation", r.abbreviation}, {"iso_code", r.iso_code}};
}
Json to_json(const Province& p) { return {{"id", p.id}, {"name", p.name}, {"region_id", p.region_id}}; }
Json to_json(const Comuna& c) {
  return {{"id", c.id}, {"name", c.name}, {"province_id", c.province_id}, {"region_id", c.region_id}};
}

template <typename T>
Result<Response> items(const Result<std::vector<T>>& list) {
  if (!list) return fail(list.error());
  Json arr = Json::array();
  for (const auto& x : *list) arr.push_back(to_json(x));
  return Response::json({{"items", arr}});
}

Result<double> coordinate(const Request& req, const std::string& name, double min, double max) {
  std::string v = req.query_param(name);
  double d = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), d);
  if (v.empty() || ec != std::errc() || p != v.data() + v.size() || !std::isfinite(d) || d < min || d > max)
    return fail(Error::bad_request("invalid_coordinate",
                                   "El parámetro «" + name + "» debe ser un número entre " + std::to_string(int(min)) +
                                       " y " + std::to_string(int(max)) + ".", name));
  return d;
}

bool valid_code(const std::string& s, size_t len) {
  return s.size() == len && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

Response geojson(const Request& req, const Document& doc) {
  Response r;
  r.content_type = "application/geo+json";
  r.compressible = false;
  r.headers.emplace_back("Vary", "Accept-Encoding");
  if (!doc.gzipped.empty() && http::accepts_gzip(req.header("accept-encoding"))) {
    r.body = doc.gzipped;
    r.headers.emplace_back("Content-Encoding", "gzip");
  } else {
    r.body = doc.json;
  }
  return r;
}

class ServiceImpl : public Service {
 public:
  ServiceImpl(store::Database& database, const std::string& data_dir)
      : db(database), repo(database), boundaries(data_dir), geojson(data_dir + "/territory/comunas.geojson") {}
  Result<std::optional<Comuna>> comuna(const std::string& id) override { return repo.comuna(id); }
  Result<std::optional<Region>> region(const std::string& id) override { return repo.region(id); }
  std::optional<std::string> locate(double lat, double lon) const override {
    const auto& l = loaded_locator();
    return l ? l->locate(lat, lon) : std::nullopt;
  }
  void preload() override {
    (void)boundaries.regions();
    (void)loaded_locator();
  }

  // Parsed on first use (or by preload when serving), so command-line runs do not pay for it.
  const std::optional<ComunaLocator>& loaded_locator() const {
    std::call_once(locator_once, [this] {
      auto loaded = ComunaLocator::load(geojson);
      if (loaded) locator.emplace(std::move(*loaded));
      else spdlog::error("comuna boundaries not loaded: {}", geojson);
    });
    return locator;
  }

  // Lists are reference data that only a migration changes: their JSON is built once per data
  // version. Each request still asks the database for that version, so an instance notices when
  // another one migrated.
  Result<Response> cached(const std::string& key, const std::function<Result<Response>()>& build) {
    auto version = store::module_version(db, "territory");
    if (!version) return fail(version.error());
    {
      std::lock_guard lock(cache_mu);
      auto it = cache.find(key);
      if (it != cache.end() && it->second.first == *version) return it->second.second;
    }
    auto fresh = build();
    if (!fresh || fresh->status != 200) return fresh;
    std::lock_guard lock(cache_mu);
    if (cache.size() > 1000) cache.clear();
    cache[key] = {*version, *fresh};
    return fresh;
  }

  store::Database& db;
  Repository repo;
  Boundaries boundaries;
  std::string geojson;
  mutable std::once_flag locator_once;
  mutable std::optional<ComunaLocator> locator;
  std::mutex cache_mu;
  std::map<std::string, std::pair<int, Response>> cache;
};

}  // namespace

std::shared_ptr<Service> register_routes(http::Router& router, store::Database& db, const std::string& data_dir) {
  auto svc = std::make_shared<ServiceImpl>(db, data_dir);
  auto add = [&](std::string pattern, std::string summary, http::Handler h) {
    router.add({"GET", std::move(pattern), http::kPublic, std::move(summary), "territory", std::move(h)});
  };

  add("/api/v1/territory/regions", "Regiones de Chile, de norte a sur",
      [svc](Request&) { return svc->cached("regions", [&] { return items(svc->repo.regions()); }); });

  add("/api/v1/territory/regions/{id}/provinces", "Provincias de una región", [svc](Request& req) -> Result<Response> {
    const auto& id = req.params["id"];
    auto region = valid_code(id, 2) ? svc->repo.region(id) : Result<std::optional<Region>>(std::nullopt);
    if (!region) return fail(region.error());
    if (!*region) return fail(Error::not_found("No existe una región con el código " + id + "."));
    return svc->cached("provinces:" + id, [&] { return items(svc->repo.provinces(id)); });
  });

  add("/api/v1/territory/provinces/{id}/comunas", "Comunas de una provincia", [svc](Request& req) -> Result<Response> {
    const auto& id = req.params["id"];
    auto province = valid_code(id, 3) ? svc->repo.province(id) : Result<std::optional<Province>>(std::nullopt);
    if (!province) return fail(province.error());
    if (!*province) return fail(Error::not_found("No existe una provincia con el código " + id + "."));
    return svc->cached("comunas:" + id, [&] { return items(svc->repo.comunas_of_province(id)); });
  });

  add("/api/v1/territory/comunas", "Buscar comunas por nombre (sin distinguir tildes)", [svc](Request& req) -> Result<Response> {
    std::string q = req.query_param("q");
    if (q.size() > 100) return fail(Error::bad_request("invalid_parameter", "La búsqueda admite como máximo 100 caracteres.", "q"));
    std::string region = req.query_param("region");
    if (!region.empty() && !valid_code(region, 2))
      return fail(Error::bad_request("invalid_parameter", "El código de región debe tener dos dígitos (por ejemplo, 13).", "region"));
    auto limit = http::query_int(req, "limit", 50, 1, 400);
    if (!limit) return fail(limit.error());
    return items(svc->repo.search_comunas(q, region, static_cast<int>(*limit)));
  });

  add("/api/v1/territory/comunas/{id}", "Una comuna por su código", [svc](Request& req) -> Result<Response> {
    const auto& id = req.params["id"];
    auto c = valid_code(id, 5) ? svc->repo.comuna(id) : Result<std::optional<Comuna>>(std::nullopt);
    if (!c) return fail(c.error());
    if (!*c) return fail(Error::not_found("No existe una comuna con el código " + id + "."));
    return Response::json(to_json(**c));
  });

  add("/api/v1/territory/locate", "Comuna que contiene una coordenada (WGS84)", [svc](Request& req) -> Result<Response> {
    auto lat = coordinate(req, "lat", -90, 90);
    if (!lat) return fail(lat.error());
    auto lon = coordinate(req, "lon", -180, 180);
    if (!lon) return fail(lon.error());
    auto code = svc->locate(*lat, *lon);
    if (!code) return fail(Error::not_found("La coordenada no está dentro de ninguna comuna de Chile."));
    auto c = svc->repo.comuna(*code);
    if (!c) return fail(c.error());
    if (!*c) return fail(Error::not_found("La coordenada no está dentro de ninguna comuna de Chile."));
    return Response::json({{"comuna", to_json(**c)}});
  });

  add("/api/v1/territory/boundaries/regions", "Límites regionales (GeoJSON)", [svc](Request& req) -> Result<Response> {
    auto doc = svc->boundaries.regions();
    if (!doc) return fail(doc.error());
    return geojson(req, **doc);
  });

  add("/api/v1/territory/boundaries/regions/{id}/comunas", "Límites comunales de una región (GeoJSON)",
      [svc](Request& req) -> Result<Response> {
        auto doc = svc->boundaries.comunas_of(req.params["id"]);
        if (!doc) return fail(doc.error());
        if (!*doc) return fail(Error::not_found("No hay límites para la región " + req.params["id"] + "."));
        return geojson(req, **doc);
      });
  return svc;
}

}  // namespace eq::territory
