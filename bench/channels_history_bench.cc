// Issue 14.3's start-up cost: the demo contact history (channels/history.h, ~240,000 rows).
//  - ChannelsHistoryGenerate: the seeded generator alone (pure).
//  - ChannelsHistoryLoad/<batch>: generate + write into a fresh database in one transaction, with
//    multi-row INSERTs of `batch` rows; batch 1 (one statement per row) is the same-run baseline.
//    SQLite always; PostgreSQL too when EQ_BENCH_PG_URL names a database (dropped and recreated
//    by scripts/pg.sh before each iteration is too slow, so the table is emptied instead).
//  - ChannelsHistoryStatistics: the statistics of 2019–2021 counted over the loaded history.
//   build/equidad_bench --benchmark_filter=ChannelsHistory
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>

#include "audit/log.h"
#include "channels/history.h"
#include "channels/module.h"
#include "channels/repository.h"
#include "core/time.h"
#include "store/migrations.h"

namespace {

using namespace eq::channels;

std::unique_ptr<eq::store::Database> database(const std::string& url) {
  auto db = std::move(*eq::store::Database::open({url, 4}));
  auto all = eq::audit::migrations();
  for (auto& m : migrations()) all.push_back(std::move(m));
  (void)eq::store::apply_migrations(*db, all, "");
  return db;
}

std::string sqlite_url(const std::string& tag) {
  const auto dir = std::filesystem::temp_directory_path() / ("equidad-bench-history-" + tag + "-" + std::to_string(eq::now_ms()));
  std::filesystem::create_directories(dir);
  return "sqlite:" + (dir / "b.db").string();
}

void ChannelsHistoryGenerate(benchmark::State& state) {
  size_t n = 0;
  for (auto _ : state) n = generate_history().size();
  state.counters["rows"] = static_cast<double>(n);
}
BENCHMARK(ChannelsHistoryGenerate)->Unit(benchmark::kMillisecond);

void load(benchmark::State& state, const std::string& url) {
  auto db = database(url);
  const auto batch = static_cast<size_t>(state.range(0));
  size_t n = 0;
  for (auto _ : state) {
    state.PauseTiming();
    (void)db->transaction<bool>([](soci::session& s) -> eq::Result<bool> {
      s << "DELETE FROM channels_history";
      return true;
    });
    state.ResumeTiming();
    const auto rows = generate_history();
    n = rows.size();
    (void)db->transaction<bool>([&](soci::session& s) -> eq::Result<bool> {
      Repository::insert_history(s, rows, batch);
      return true;
    });
  }
  state.counters["rows"] = static_cast<double>(n);
}

void ChannelsHistoryLoadSqlite(benchmark::State& state) { load(state, sqlite_url("load")); }
BENCHMARK(ChannelsHistoryLoadSqlite)->Arg(1)->Arg(500)->Iterations(3)->Unit(benchmark::kMillisecond);

void ChannelsHistoryLoadPostgres(benchmark::State& state) {
  const char* url = std::getenv("EQ_BENCH_PG_URL");
  if (!url || !*url) {
    state.SkipWithError("EQ_BENCH_PG_URL not set");
    return;
  }
  load(state, url);
}
BENCHMARK(ChannelsHistoryLoadPostgres)->Arg(1)->Arg(500)->Iterations(2)->Unit(benchmark::kMillisecond);

void ChannelsHistoryStatistics(benchmark::State& state) {
  auto db = database(sqlite_url("stats"));
  eq::audit::Log log(*db);
  History history(*db, log, {});
  (void)history.load_demo();
  eq::http::Request req;
  req.principal = eq::http::Principal{};
  for (auto _ : state) benchmark::DoNotOptimize(history.statistics(req, 2019, 2021, 2020));
}
BENCHMARK(ChannelsHistoryStatistics)->Iterations(3)->Unit(benchmark::kMillisecond);

}  // namespace
