// The Registro de Directoras' text query over 100.000 generated profiles (issue 18), in one
// process, same run: the text index (TextIndex::matching, through Snapshot::search with its facet
// counts) against the scan it replaced (matches_query on every entry: a substring search of each
// haystack and an edit-distance check against each name word), and the facet-only search.
// The profiles come from the module's own demo generator (a SQLite file in the temporary folder).
//
//   build/equidad_bench --benchmark_filter=Directoras
//   EQ_BENCH_DIRECTORAS_N=20000 build/equidad_bench --benchmark_filter=Directoras
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <memory>

#include "audit/log.h"
#include "directoras/module.h"
#include "store/migrations.h"

namespace {

using namespace eq;

struct World {
  std::unique_ptr<store::Database> db;
  std::unique_ptr<audit::Log> log;
  crypto::Keys keys = crypto::Keys::from_master(std::string(32, 'd'));
  std::unique_ptr<directoras::Service> svc;
  std::shared_ptr<const directoras::SearchIndex::Snapshot> snap;
};

World* world() {
  static World* w = [] {
    auto* out = new World;
    const auto path = std::filesystem::temp_directory_path() / ("directoras-bench-" + std::to_string(getpid()) + ".db");
    auto db = store::Database::open({"sqlite:" + path.string(), 2});
    if (!db) throw std::runtime_error(db.error().message);
    out->db = std::move(*db);
    auto all = audit::migrations();
    for (auto& m : directoras::migrations()) all.push_back(std::move(m));
    if (!store::apply_migrations(*out->db, all, "")) throw std::runtime_error("migrations");
    out->log = std::make_unique<audit::Log>(*out->db);
    std::vector<std::pair<std::string, std::string>> regions;
    for (int r = 1; r <= 16; ++r) regions.push_back({(r < 10 ? "0" : "") + std::to_string(r), "Región " + std::to_string(r)});
    out->svc = std::make_unique<directoras::Service>(*out->db, out->keys, *out->log, directoras::Options{}, regions);
    const char* n = std::getenv("EQ_BENCH_DIRECTORAS_N");
    if (!out->svc->load_demo(n && *n ? std::atoi(n) : 100'000, {})) throw std::runtime_error("demo");
    auto lease = out->db->lease();
    out->snap = out->svc->index().current(**lease, out->svc->repo());
    std::filesystem::remove(path);
    return out;
  }();
  return w;
}

const char* kQueries[] = {"González", "Gonzales", "Sepulbeda", "Valentina Soto", "finanzas"};

// The scan the text index replaced: every entry's haystack, for the same answer.
void BM_DirectorasTextScan(benchmark::State& state) {
  const auto& snap = *world()->snap;
  const auto q = directoras::prepare_query(kQueries[state.range(0)]);
  size_t n = 0;
  for (auto _ : state) {
    n = 0;
    for (const auto& e : snap)
      if (directoras::matches_query(e.text, q)) ++n;
    benchmark::DoNotOptimize(n);
  }
  state.SetLabel(std::string(kQueries[state.range(0)]) + ": " + std::to_string(n) + " of " + std::to_string(snap.size()));
}
BENCHMARK(BM_DirectorasTextScan)->DenseRange(0, 4)->Unit(benchmark::kMillisecond);

// The search as the route runs it: text index, filters, every facet's counts, the page's ids.
void BM_DirectorasSearch(benchmark::State& state) {
  const auto& snap = *world()->snap;
  directoras::Filter f;
  if (state.range(0) < 5) f.q = kQueries[state.range(0)];
  if (state.range(0) == 6) f.region_id = "13", f.board = true, f.specialty = "finanzas";
  size_t n = 0;
  for (auto _ : state) {
    auto c = snap.search(f);
    n = c.total;
    benchmark::DoNotOptimize(c);
  }
  state.SetLabel((state.range(0) < 5 ? std::string(kQueries[state.range(0)]) : state.range(0) == 5 ? "sin filtro" : "región, directorios, especialidad") +
                 ": " + std::to_string(n));
}
BENCHMARK(BM_DirectorasSearch)->DenseRange(0, 6)->Unit(benchmark::kMillisecond);

}  // namespace
