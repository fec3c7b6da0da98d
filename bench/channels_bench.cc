// Issue 13's queue operations with 500 operators and thousands of contacts waiting:
//  - ChannelsPlan: the pure planner (channels/queue.h) offering 5,000 waiting contacts to 500 free
//    operators (every seat fills), and the same queue when every operator is busy (the cost of a
//    job tick that offers nothing).
//  - ChannelsDispatch / ChannelsTake: the service on SQLite, 500 operators and 5,000 contacts
//    waiting: one dispatch round (expired offers back, seats and queue read, offers written) and one
//    operator taking the contact offered to her.
//   build/equidad_bench --benchmark_filter=Channels
#include <benchmark/benchmark.h>

#include <filesystem>
#include <random>

#include "audit/log.h"
#include "channels/module.h"
#include "channels/queue.h"
#include "core/crypto.h"
#include "core/time.h"
#include "store/query.h"
#include "store/row.h"

namespace {

using namespace eq::channels;

std::vector<Waiting> waiting(int n) {
  std::mt19937 rng(13);
  std::vector<Waiting> w;
  for (int i = 0; i < n; ++i)
    w.push_back({i + 1, rng() % 5 == 0 ? "phone" : "chat", rng() % 20 == 0 ? 2 : static_cast<int>(rng() % 10 == 0), static_cast<int64_t>(rng() % 100000), {}});
  return w;
}

std::vector<Seat> seats(int n, bool busy) {
  std::vector<Seat> out;
  for (int i = 0; i < n; ++i) {
    Seat s;
    s.user_id = i + 1;
    s.available = true;
    s.skills = i % 4 == 0 ? std::vector<std::string>{"phone"} : std::vector<std::string>{"phone", "chat"};
    s.max_chats = 3;
    if (busy) s.calls = 1;
    out.push_back(s);
  }
  return out;
}

void ChannelsPlanFillsEverySeat(benchmark::State& state) {
  const auto w = waiting(static_cast<int>(state.range(1)));
  size_t offers = 0;
  for (auto _ : state) {
    auto s = seats(static_cast<int>(state.range(0)), false);
    offers = plan_offers(w, s).size();
    benchmark::DoNotOptimize(offers);
  }
  state.counters["offers"] = static_cast<double>(offers);
}
BENCHMARK(ChannelsPlanFillsEverySeat)->Args({500, 5000})->Args({500, 20000})->Unit(benchmark::kMillisecond);

void ChannelsPlanAllBusy(benchmark::State& state) {
  const auto w = waiting(static_cast<int>(state.range(1)));
  auto s = seats(static_cast<int>(state.range(0)), true);
  for (auto _ : state) benchmark::DoNotOptimize(plan_offers(w, s));
}
BENCHMARK(ChannelsPlanAllBusy)->Args({500, 5000})->Unit(benchmark::kMillisecond);

// A SQLite database with 500 operators available and `n` contacts waiting.
struct Line {
  std::unique_ptr<eq::store::Database> db;
  std::unique_ptr<eq::audit::Log> log;
  eq::crypto::Keys keys = eq::crypto::Keys::from_master(std::string(32, 'b'));
  std::shared_ptr<Service> svc;
  std::string dir;

  Line(int operators, int contacts) {
    dir = (std::filesystem::temp_directory_path() / ("equidad-bench-channels-" + std::to_string(eq::now_ms()))).string();
    std::filesystem::create_directories(dir);
    db = std::move(*eq::store::Database::open({"sqlite:" + dir + "/b.db", 4}));
    auto all = eq::audit::migrations();
    for (auto& m : migrations()) all.push_back(std::move(m));
    (void)eq::store::apply_migrations(*db, all, "");
    log = std::make_unique<eq::audit::Log>(*db);
    Options o;
    o.hours = *Hours::parse("24/7");
    o.offer_seconds = 3600;
    svc = std::make_shared<Service>(*db, keys, *log, nullptr, std::string(32, 's'), std::string(32, 'c'), o);
    // Operators on a break while the queue fills (each open would otherwise dispatch at once).
    for (int i = 1; i <= operators; ++i) (void)svc->set_presence({i, 1, false, ""}, "pausa", std::nullopt, std::nullopt);
    auto w = waiting(contacts);
    (void)db->transaction<bool>([&](soci::session& s) -> eq::Result<bool> {
      for (const auto& c : w)
        eq::store::Query("INSERT INTO channels_contacts(channel, external_ref, state, urgent, priority, created_at) "
                         "VALUES(:ch, :ref, 'waiting', 0, :p, :at)")
            .bind("ch", c.channel)
            .bind("ref", "b-" + std::to_string(c.id))
            .bind("p", static_cast<long long>(c.priority))
            .bind("at", static_cast<long long>(c.created_at))
            .exec(s);
      eq::store::Query("UPDATE channels_operators SET presence = 'disponible'").exec(s);
      return true;
    });
  }
  ~Line() { std::filesystem::remove_all(dir); }
  // Puts every offer back in the queue, so each dispatch round does the same work.
  void reset() {
    (void)db->transaction<bool>([&](soci::session& s) -> eq::Result<bool> {
      eq::store::Query("UPDATE channels_contacts SET state = 'waiting', offered_to = NULL, offered_at = NULL, offer_expires_at = NULL, "
                       "holder_user_id = NULL, taken_at = NULL WHERE state IN ('offered', 'active')")
          .exec(s);
      return true;
    });
  }
};

void ChannelsDispatchRound(benchmark::State& state) {
  Line line(static_cast<int>(state.range(0)), static_cast<int>(state.range(1)));
  int offers = 0;
  for (auto _ : state) {
    state.PauseTiming();
    line.reset();
    state.ResumeTiming();
    offers = *line.svc->dispatch(eq::now_ms());
  }
  state.counters["offers"] = offers;
}
BENCHMARK(ChannelsDispatchRound)->Args({500, 5000})->Unit(benchmark::kMillisecond)->Iterations(5);

void ChannelsDispatchNothingToOffer(benchmark::State& state) {
  Line line(static_cast<int>(state.range(0)), static_cast<int>(state.range(1)));
  (void)line.svc->dispatch(eq::now_ms());  // every seat full from here on
  for (auto _ : state) benchmark::DoNotOptimize(line.svc->dispatch(eq::now_ms()));
}
BENCHMARK(ChannelsDispatchNothingToOffer)->Args({500, 5000})->Unit(benchmark::kMillisecond)->Iterations(10);

void ChannelsTake(benchmark::State& state) {
  Line line(static_cast<int>(state.range(0)), static_cast<int>(state.range(1)));
  (void)line.svc->dispatch(eq::now_ms());
  // The offers, operator by operator: each iteration one operator takes what she was offered.
  std::vector<std::pair<int64_t, int64_t>> offered;
  {
    auto lease = line.db->lease();
    eq::store::Query("SELECT id, offered_to FROM channels_contacts WHERE state = 'offered' ORDER BY id").each(**lease, [&](const soci::row& r) {
      offered.emplace_back(eq::store::get_int(r, 0), eq::store::get_int(r, 1));
    });
  }
  size_t i = 0, ok = 0;
  for (auto _ : state) {
    if (i >= offered.size()) break;
    const auto [cid, uid] = offered[i++];
    ok += line.svc->take({uid, 1, false, ""}, cid).has_value();
  }
  state.counters["taken"] = static_cast<double>(ok);
}
BENCHMARK(ChannelsTake)->Args({500, 5000})->Unit(benchmark::kMillisecond)->Iterations(200);

}  // namespace
