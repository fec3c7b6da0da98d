// Issue 6's engine target: at least 1,000,000 positions evaluated per second per core with 20,000
// devices, 60,000 fixed zones and 5,000 active orders (`equidad monitor synth` data: Santiago,
// random walks, 2 % of aggressors closing in on their victim, 0.1 % of each kind of bad input).
// Same-run baselines: the engine's validate() (device lookup + coordinate and time checks, no
// evaluation) and the OsmAnd parser on the same positions written as query strings.
//   build/equidad_bench --benchmark_filter=Monitoring
#include <benchmark/benchmark.h>

#include <malloc.h>

#include <cstdio>

#include "monitoring/engine.h"
#include "monitoring/osmand.h"
#include "monitoring/synth.h"

namespace {

using namespace eq::monitoring;

struct World {
  SynthData data;
  Engine engine;
  size_t heap_bytes = 0;  // measured by malloc around the engine's construction
  std::vector<std::string> queries;
  size_t next = 0;
  int64_t shift = 0;  // added to timestamps on each pass so time keeps moving forward
};

World& world() {
  static World* w = [] {
    auto* out = new World();
    SynthOptions o;
    o.orders = 5000;
    o.zones_per_order = 12;
    o.positions = 2'000'000;
    out->data = synthesize(o);
    malloc_trim(0);
    const size_t before = mallinfo2().uordblks;
    Engine e;
    for (const auto& x : out->data.orders) (void)e.add_order(x);
    for (const auto& x : out->data.zones) (void)e.add_zone(x);
    for (const auto& x : out->data.devices) (void)e.add_device(x);
    std::vector<Alert> sink;
    e.tick(o.start_ms, sink);                 // starts the silence clocks
    (void)e.ingest(out->data.positions[0], sink);  // an aggressor tag: packs the R-tree
    out->heap_bytes = mallinfo2().uordblks - before;
    out->engine = std::move(e);
    for (size_t i = 0; i < 100'000; ++i) {
      const Position& p = out->data.positions[i];
      char buf[256];
      std::snprintf(buf, sizeof buf, "id=%s&timestamp=%lld&lat=%.7f&lon=%.7f&speed=%.1f&batt=%d", p.device_id.c_str(),
                    static_cast<long long>(p.fix.at / 1000), p.fix.lat, p.fix.lon, p.fix.speed_kmh / 1.852, int(p.fix.battery_pct));
      out->queries.emplace_back(buf);
    }
    return out;
  }();
  return *w;
}

void BM_MonitoringEngineIngest(benchmark::State& state) {
  World& w = world();
  auto& ps = w.data.positions;
  const int64_t span = ps.back().fix.at - ps.front().fix.at + 60'000;
  std::vector<Alert> out;
  out.reserve(64);
  size_t alerts = 0;
  const Stats before = w.engine.stats();
  for (auto _ : state) {
    if (w.next == ps.size()) {
      state.PauseTiming();
      w.next = 0;
      for (auto& p : ps) p.fix.at += span;
      state.ResumeTiming();
    }
    benchmark::DoNotOptimize(w.engine.ingest(ps[w.next++], out));
    alerts += out.size();
    out.clear();
  }
  state.SetItemsProcessed(state.iterations());
  const Stats& s = w.engine.stats();
  state.counters["alerts_per_1k"] = benchmark::Counter(1000.0 * double(alerts) / double(state.iterations()));
  state.counters["rejected_per_1k"] =
      benchmark::Counter(1000.0 * double(s.rejected_total() - before.rejected_total()) / double(state.iterations()));
  state.counters["devices"] = double(w.engine.device_count());
  state.counters["zones"] = double(w.engine.zone_count());
  state.counters["orders"] = double(w.engine.order_count());
  state.counters["heap_B_per_device"] = double(w.heap_bytes) / double(w.engine.device_count());
  state.counters["est_B_per_device"] = double(w.engine.memory_bytes()) / double(w.engine.device_count());
}
BENCHMARK(BM_MonitoringEngineIngest)->MinTime(3.0);

void BM_MonitoringValidateOnly(benchmark::State& state) {
  World& w = world();
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(w.engine.validate(w.data.positions[i]));
    if (++i == w.data.positions.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_MonitoringValidateOnly)->MinTime(1.0);

void BM_MonitoringOsmandParse(benchmark::State& state) {
  World& w = world();
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(parse_osmand(w.queries[i], 1'795'500'000'000LL));
    if (++i == w.queries.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_MonitoringOsmandParse)->MinTime(1.0);

}  // namespace
