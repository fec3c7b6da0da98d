// Gender indicators benchmark (issue 19): recompute every indicator of 10 years of filings of
// 5,000 companies (target ≤ 1 s) and read the public pages (target p99 ≤ 50 ms), on SQLite and
// PostgreSQL.
//   report_bench load URL   — migrates nothing (run `equidad migrate` first); inserts the data set
//   report_bench time URL   — prints the timings
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <vector>

#include "audit/log.h"
#include "indicators/repository.h"
#include "indicators/service.h"
#include "store/database.h"
#include "store/query.h"

using namespace eq;
using namespace eq::indicators;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int kYears = 10, kCompanies = 5000, kFirstYear = 2015;

double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

std::vector<Filing> year_of(int year) {
  std::vector<Filing> out;
  uint32_t x = static_cast<uint32_t>(year) * 2654435761u;
  auto next = [&] { return x = x * 1664525u + 1013904223u; };
  const char* sectors[] = {"Financiero", "Comercio", "Energía", "Minería", "Industria", "Construcción", "Transporte", "Salud"};
  for (int c = 0; c < kCompanies; ++c) {
    if (next() % 50 == 0) continue;  // about 2 % do not file a given year: attrition
    Filing f;
    f.year = year;
    const long number = 60000000 + c * 3571L;
    f.rut = std::to_string(number) + "-0";
    f.company = "Empresa " + std::to_string(c);
    f.sector = c % 97 == 0 ? "" : sectors[c % 8];
    f.size = c % 3 == 0 ? "mediana" : "grande";
    f.rule = "NCG 461";
    for (int l = 0; l < kLevels; ++l) {
      const int64_t n = 5 + static_cast<int64_t>(next() % (l == 2 ? 2000 : 200));
      f.women[l] = static_cast<int64_t>(next() % static_cast<uint32_t>(n + 1));
      f.men[l] = n - f.women[l];
      f.women_total += f.women[l];
      f.men_total += f.men[l];
      if (f.women[l] && f.men[l]) {
        f.pay_men[l] = 1000000.0 + next() % 5000000;
        f.pay_women[l] = *f.pay_men[l] * (0.7 + (next() % 300) / 1000.0);
        f.gap_filed[l] = std::round((*f.pay_men[l] - *f.pay_women[l]) / *f.pay_men[l] * 1000.0) / 10.0;
      }
    }
    f.board_women = next() % 4;
    f.board_men = 3 + next() % 8;
    out.push_back(std::move(f));
  }
  return out;
}

template <class F>
std::pair<double, double> median_p(int runs, double p, F&& fn) {
  std::vector<double> t;
  for (int i = 0; i < runs; ++i) {
    auto s = Clock::now();
    fn();
    t.push_back(ms_since(s));
  }
  std::sort(t.begin(), t.end());
  return {t[t.size() / 2], t[std::min(t.size() - 1, static_cast<size_t>(p * static_cast<double>(t.size())))]};
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3 || (std::strcmp(argv[1], "load") && std::strcmp(argv[1], "time"))) {
    std::fprintf(stderr, "uso: report_bench load|time URL\n");
    return 2;
  }
  auto db = store::Database::open({.url = argv[2], .pool_size = 4});
  if (!db) {
    std::fprintf(stderr, "%s\n", db.error().message.c_str());
    return 1;
  }
  auto audit = std::make_shared<audit::Log>(**db);
  Service svc(**db, audit, std::make_shared<const PlatformSources>());
  if (!std::strcmp(argv[1], "load")) {
    auto t = Clock::now();
    for (int y = kFirstYear; y < kFirstYear + kYears; ++y) {
      auto filings = year_of(y);
      auto ok = (*db)->transaction<void>([&](soci::session& s) -> Result<void> {
        const int64_t id = Repository::insert_import(s, y, "bench", static_cast<int64_t>(filings.size()), static_cast<int64_t>(filings.size()), 0, false, std::nullopt);
        Repository::insert_filings(s, id, filings);
        return {};
      });
      if (!ok) {
        std::fprintf(stderr, "%s\n", ok.error().message.c_str());
        return 1;
      }
    }
    std::printf("loaded %d years × %d companies in %.1f s\n", kYears, kCompanies, ms_since(t) / 1000);
    return 0;
  }
  int64_t rows = 0;
  (void)(*db)->transaction<void>([&](soci::session& s) -> Result<void> {
    rows = Repository::count_filings(s);
    return {};
  });
  if (rows == 0) return 3;  // not loaded
  std::printf("filings: %lld\n", static_cast<long long>(rows));
  std::vector<Filing> all;
  (void)(*db)->transaction<void>([&](soci::session& s) -> Result<void> {
    all = Repository::filings(s);
    return {};
  });
  // Same-run baseline: the same rows read as dynamic soci rows (how the other modules read), no conversion.
  auto [b50, b95] = median_p(10, 0.95, [&] {
    (void)(*db)->transaction<void>([&](soci::session& s) -> Result<void> {
      int64_t n = 0;
      store::Query("SELECT * FROM ind_filings ORDER BY year, rut, id").each(s, [&](const soci::row&) { ++n; });
      return {};
    });
  });
  std::printf("baseline: every filing read as dynamic rows: median %.1f ms, p95 %.1f ms\n", b50, b95);
  auto [f50, f95] = median_p(10, 0.95, [&] {
    (void)(*db)->transaction<void>([&](soci::session& s) -> Result<void> {
      (void)Repository::filings(s);
      return {};
    });
  });
  std::printf("Repository::filings (typed batches of 2.000): median %.1f ms, p95 %.1f ms\n", f50, f95);
  auto [c50, c95] = median_p(10, 0.95, [&] { (void)build_report(all); });
  std::printf("build_report in memory (every indicator, %zu filings): median %.1f ms, p95 %.1f ms\n", all.size(), c50, c95);
  auto [l50, l95] = median_p(10, 0.95, [&] { (void)svc.compute_report(); });
  std::printf("read every filing + build_report: median %.1f ms, p95 %.1f ms\n", l50, l95);
  auto [r50, r95] = median_p(10, 0.95, [&] {
    (void)(*db)->transaction<void>([&](soci::session& s) -> Result<void> {
      svc.refresh_report(s);
      return {};
    });
  });
  std::printf("refresh_report (read + recompute + publish, one transaction): median %.1f ms, p95 %.1f ms\n", r50, r95);
  auto [p50, p99] = median_p(1000, 0.99, [&] { (void)svc.public_report(); });
  std::printf("public_report (the public page's read): median %.3f ms, p99 %.3f ms\n", p50, p99);
  return 0;
}
