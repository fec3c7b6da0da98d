// locate() against a linear scan of every polygon, over the same random points in Chile's
// continental bounding box. Compare the two time/iteration figures for the speed-up.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "territory/locator.h"

namespace {

std::string geojson_path() {
  if (const char* env = std::getenv("EQ_SOURCE_DIR"); env && *env)
    return std::string(env) + "/data/territory/comunas.geojson";
  // The bench target has no EQ_SOURCE_DIR definition; __FILE__ is absolute in CMake builds.
  return (std::filesystem::path(__FILE__).parent_path().parent_path() / "data/territory/comunas.geojson").string();
}

const eq::ComunaLocator* locator() {
  static const eq::ComunaLocator* const instance = [] {
    auto loaded = eq::ComunaLocator::load(geojson_path());
    return loaded ? new eq::ComunaLocator(std::move(*loaded)) : nullptr;
  }();
  return instance;
}

const std::vector<std::pair<double, double>>& points() {
  static const auto instance = [] {
    std::mt19937_64 rng(42);  // fixed, so both benchmarks and every run see the same points
    std::uniform_real_distribution<double> lat(-56.0, -17.4), lon(-76.0, -66.3);
    std::vector<std::pair<double, double>> v(4096);
    for (auto& p : v) p = {lat(rng), lon(rng)};
    return v;
  }();
  return instance;
}

template <bool kIndexed>
void run(benchmark::State& state) {
  const eq::ComunaLocator* loc = locator();
  if (!loc) {
    state.SkipWithError("could not load data/territory/comunas.geojson (set EQ_SOURCE_DIR)");
    return;
  }
  const auto& pts = points();
  size_t i = 0;
  int64_t found = 0;
  for (auto _ : state) {
    const auto& [lat, lon] = pts[i++ % pts.size()];
    auto code = kIndexed ? loc->locate(lat, lon) : loc->locate_linear(lat, lon);
    found += code.has_value();
    benchmark::DoNotOptimize(code);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["hit_rate"] = benchmark::Counter(static_cast<double>(found) / static_cast<double>(state.iterations()));
}

void BM_LocatorRtree(benchmark::State& state) { run<true>(state); }
void BM_LocatorLinearScan(benchmark::State& state) { run<false>(state); }

BENCHMARK(BM_LocatorRtree);
BENCHMARK(BM_LocatorLinearScan);

}  // namespace
