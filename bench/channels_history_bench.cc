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
#include "store/query.h"
#include "store/row.h"

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

// One database with the demo history for the statistics benchmarks.
eq::store::Database& stats_db() {
  static auto db = [] {
    auto d = database(sqlite_url("stats"));
    eq::audit::Log log(*d);
    (void)History(*d, log, {}).load_demo();
    return d;
  }();
  return *db;
}

// Same-run baseline: what one request counted before the cache (issue 14.3), the same statements:
// per month of 2019–2021 one grouped query over the history and the live contacts, then each
// channel's first contact and its first year's count.
void ChannelsHistoryStatisticsBaseline(benchmark::State& state) {
  auto& db = stats_db();
  for (auto _ : state) {
    int64_t total = 0;
    (void)db.transaction<bool>([&](soci::session& s) -> eq::Result<bool> {
      for (int y = 2019; y <= 2021; ++y)
        for (int m = 1; m <= 12; ++m) {
          const auto from = *eq::parse_date_cl((m < 10 ? "01-0" : "01-") + std::to_string(m) + "-" + std::to_string(y), "d");
          const auto to = m == 12 ? *eq::parse_date_cl("01-01-" + std::to_string(y + 1), "d")
                                  : *eq::parse_date_cl((m + 1 < 10 ? "01-0" : "01-") + std::to_string(m + 1) + "-" + std::to_string(y), "d");
          eq::store::Query(
              "SELECT channel, region, outcome, COUNT(*) FROM channels_history WHERE at >= :f AND at < :t GROUP BY channel, region, outcome "
              "UNION ALL SELECT channel, COALESCE(SUBSTR(comuna_code, 1, 2), ''), outcome, COUNT(*) FROM channels_contacts "
              "WHERE created_at >= :f AND created_at < :t AND channel <> 'pharmacy' GROUP BY 1, 2, 3")  // SQLite: a name used twice binds once
              .bind("f", static_cast<long long>(from))
              .bind("t", static_cast<long long>(to))
              .each(s, [&](const soci::row& r) { total += eq::store::get_int(r, 3); });
        }
      (void)Repository::first_contacts(s, Repository::Rows::live);
      for (const auto& [ch, from] : Repository::first_contacts(s, Repository::Rows::history))
        for (auto rows : {Repository::Rows::history, Repository::Rows::live})
          total += Repository::count_channel(s, rows, ch, from, from + 365LL * 86'400'000);
      return true;
    });
    benchmark::DoNotOptimize(total);
  }
}
BENCHMARK(ChannelsHistoryStatisticsBaseline)->Iterations(5)->Unit(benchmark::kMillisecond);

// A fresh History per iteration: the first request after a start (one grouped query per span).
void ChannelsHistoryStatisticsCold(benchmark::State& state) {
  auto& db = stats_db();
  eq::audit::Log log(db);
  eq::http::Request req;
  req.principal = eq::http::Principal{};
  for (auto _ : state) {
    state.PauseTiming();
    auto history = std::make_unique<History>(db, log, HistorySources{});
    (void)history->want_demo();
    state.ResumeTiming();
    benchmark::DoNotOptimize(history->statistics(req, 2019, 2021, 2020));
  }
}
BENCHMARK(ChannelsHistoryStatisticsCold)->Iterations(5)->Unit(benchmark::kMillisecond);

// Every later request: the history's counts from the cache, the live contacts counted.
void ChannelsHistoryStatistics(benchmark::State& state) {
  auto& db = stats_db();
  eq::audit::Log log(db);
  History history(db, log, {});
  (void)history.want_demo();
  eq::http::Request req;
  req.principal = eq::http::Principal{};
  (void)history.statistics(req, 2019, 2021, 2020);
  for (auto _ : state) benchmark::DoNotOptimize(history.statistics(req, 2019, 2021, 2020));
}
BENCHMARK(ChannelsHistoryStatistics)->Iterations(20)->Unit(benchmark::kMillisecond);

}  // namespace
