// Issue 5's incremental target: link one new record against 1,000,000 persons and evaluate every
// shipped alert rule on the linked person's history; p99 ≤ 10 ms. The in-memory work of
// Service::submit (the SQL around it is measured over HTTP in bench/RESULTS.md). Baseline in the
// same run: match() alone, so the cost of the rules is read as a difference, not a guess.
//   build/equidad_bench --benchmark_filter=Incremental
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <random>

#include "alerts/rules.h"
#include "linkage/linkage.h"
#include "linkage/synth.h"

namespace {

using eq::cases::History;
using eq::cases::Record;

constexpr size_t kPersons = 1'000'000;
constexpr int64_t kDay = 24LL * 3600 * 1000;
const int64_t kNow = 1795500000000LL;

struct World {
  eq::linkage::Index index;
  std::vector<eq::linkage::Identity> queries;
  std::vector<History> histories;
  std::vector<eq::alerts::Rule> rules;
};

// Histories of 5 to 60 records across kinds, spread over two years, with an aggressor in some.
History make_history(int64_t person, std::mt19937_64& rng) {
  static const char* kinds[] = {"contact", "complaint", "risk_assessment", "protective_order", "order_breach", "referral"};
  static const char* levels[] = {"bajo", "medio", "alto", "vital"};
  History h;
  h.person_id = person;
  h.comuna_id = "13101";
  const int n = 5 + static_cast<int>(rng() % 56);
  for (int i = 0; i < n; ++i) {
    Record r;
    r.id = person * 100 + i;
    r.kind = kinds[rng() % 6];
    r.institution_id = 1 + rng() % 8;
    r.comuna_id = "13101";
    r.occurred_at = kNow - static_cast<int64_t>(rng() % (730 * kDay));
    r.persons = {{person, "victim"}};
    if (rng() % 3 == 0) r.persons.push_back({person + 7'000'000, "aggressor"});
    if (r.kind == "risk_assessment") {
      std::string level = levels[rng() % 4];
      r.details = {{"level", level}, {"computed_level", level}, {"reassess_due_at", r.occurred_at + 30 * kDay}};
    } else if (r.kind == "referral") {
      r.details = {{"to_institution_id", 3}, {"ack_due_at", r.occurred_at + kDay}, {"acknowledged_at", nullptr},
                   {"first_contact_due_at", r.occurred_at + 3 * kDay}, {"first_contact_at", nullptr}};
    } else if (r.kind == "order_breach") {
      r.details = {{"order_record_id", r.id - 1}};
    } else if (r.kind == "protective_order") {
      r.details = {{"starts_at", r.occurred_at}, {"ends_at", r.occurred_at + 180 * kDay}, {"distance_m", 200}};
    }
    h.records.push_back(std::move(r));
  }
  std::sort(h.records.begin(), h.records.end(), [](const Record& a, const Record& b) { return a.occurred_at < b.occurred_at; });
  return h;
}

World& world() {
  static World* w = [] {
    auto* out = new World();
    eq::linkage::SynthOptions o;
    o.persons = kPersons;
    o.records = kPersons;
    o.seed = 7;
    auto data = eq::linkage::synthesize(o);
    for (size_t i = 0; i < data.persons.size(); ++i) out->index.add(static_cast<int64_t>(i), static_cast<int64_t>(i), data.persons[i]);
    std::mt19937_64 rng(11);
    for (int q = 0; q < 20'000; ++q) {
      const size_t p = rng() % data.persons.size();
      // Four of five queries are known persons typed with errors; one of five is someone new.
      out->queries.push_back(q % 5 ? eq::linkage::perturb(data.persons[p], 0.15, rng()) : data.records[rng() % data.records.size()]);
    }
    for (int i = 0; i < 1000; ++i) out->histories.push_back(make_history(i, rng));
    for (const auto& t : eq::alerts::template_ids()) {
      eq::alerts::Rule r;
      r.id = static_cast<int64_t>(out->rules.size()) + 1;
      r.template_id = t;
      r.name_es = eq::alerts::template_name_es(t);
      r.severity = "alta";
      r.params = eq::alerts::validate_params(t, nlohmann::json::object()).value();
      out->rules.push_back(r);
    }
    return out;
  }();
  return *w;
}

void report(benchmark::State& state, std::vector<double>& us) {
  std::sort(us.begin(), us.end());
  auto pct = [&](double p) { return us.empty() ? 0.0 : us[std::min(us.size() - 1, static_cast<size_t>(p * us.size()))]; };
  state.counters["p50_us"] = pct(0.50);
  state.counters["p99_us"] = pct(0.99);
  state.counters["max_us"] = us.empty() ? 0.0 : us.back();
}

void BM_IncrementalMatchOnly(benchmark::State& state) {
  auto& w = world();
  std::vector<double> us;
  size_t i = 0;
  for (auto _ : state) {
    auto t0 = std::chrono::steady_clock::now();
    auto m = w.index.match(w.queries[i++ % w.queries.size()]);
    benchmark::DoNotOptimize(m);
    us.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count());
  }
  report(state, us);
}
BENCHMARK(BM_IncrementalMatchOnly)->Iterations(20000)->Unit(benchmark::kMicrosecond);

void BM_IncrementalMatchAndRules(benchmark::State& state) {
  auto& w = world();
  std::vector<double> us;
  size_t i = 0;
  for (auto _ : state) {
    auto t0 = std::chrono::steady_clock::now();
    auto m = w.index.match(w.queries[i % w.queries.size()]);
    const History& h = w.histories[(static_cast<size_t>(m.person_id) + i) % w.histories.size()];
    auto raised = eq::alerts::evaluate(w.rules, h, kNow, kNow - 30 * kDay);
    benchmark::DoNotOptimize(raised);
    ++i;
    us.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count());
  }
  report(state, us);
}
BENCHMARK(BM_IncrementalMatchAndRules)->Iterations(20000)->Unit(benchmark::kMicrosecond);

}  // namespace
