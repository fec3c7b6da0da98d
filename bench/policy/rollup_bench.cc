// Policy roll-up benchmark: 200 instruments × 1,000 reporting items (10 axes × 100 commitments,
// so 1,010 items each) × 8 periods = 1.6 M validated reports (and 1.6 M versions), plus the PMG
// (issue 15): 10 yearly PMG instruments × 300 services × 3 measures × 1 commitment, each
// commitment with a validated report, and each service's three filings through the technical
// review (8,700 filings with their states, rounds and observations); then timings of what the
// dashboard, the drill-down, the PMG queue and «Mi PMG» read, in process (no HTTP). bench/policy/run.sh builds it,
// loads the data and also times the same reads over HTTP against `equidad serve`.
//
//   rollup_bench load  DB_URL    # creates the data set (once; refuses a database that has it)
//   rollup_bench time  DB_URL    # timings, one line each: name, median ms, p95 ms, runs
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>

#include "core/time.h"
#include "policy/module.h"
#include "policy/repository.h"
#include "store/migrations.h"

using namespace eq;
using namespace eq::policy;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int kInstruments = 200, kAxes = 10, kPerAxis = 100, kPeriods = 8, kInstitutions = 300;
constexpr int kPmgYears = 10, kPmgServices = 300;

void exec(soci::session& s, const std::string& sql) { s << sql; }

// The PMG data set: one «pmg» instrument per year, its services (institution 1 + k % 300) with 3
// measures and a commitment under each, a validated report per commitment, and every service's
// three filings. Past years: all approved (every 50th compliance report rejected after a second
// round); the last year: programmes approved, progress reports spread over every review state.
Result<void> load_pmg(store::Database& db) {
  for (int y = 0; y < kPmgYears; ++y) {
    auto r = db.transaction<void>([&](soci::session& s) -> Result<void> {
      const int year = 2011 + y;
      const bool last = y == kPmgYears - 1;
      Instrument ins;
      ins.code = "bench-pmg-" + std::to_string(year);
      ins.name = "PMG de medición " + std::to_string(year);
      ins.kind = "pmg";
      const auto id = std::to_string(Repository::insert_instrument(s, ins));
      const std::string seq = "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < ";
      exec(s, "INSERT INTO policy_items(instrument_id, parent_id, level, code, title, weight, position, start_year, is_leaf, leaves, reported, "
              "rolled_progress, created_at, updated_at) VALUES(" + id + ", NULL, 'meta', '" + std::to_string(year) + "', 'Indicador PMG " +
                  std::to_string(year) + "', 1, 0, " + std::to_string(year) + ", 0, 0, 0, 0, 0, 0)");
      exec(s, seq + std::to_string(kPmgServices) +
                  ") INSERT INTO policy_items(instrument_id, parent_id, level, code, title, weight, position, start_year, is_leaf, leaves, "
                  "reported, rolled_progress, created_at, updated_at) SELECT " + id + ", a.id, 'compromiso', 'S' || CAST(x AS TEXT), "
                  "'Servicio ' || CAST(x AS TEXT), 1, x, " + std::to_string(year) + ", 0, 0, 0, 0, 0, 0 FROM n, policy_items a "
                  "WHERE a.instrument_id = " + id + " AND a.parent_id IS NULL");
      exec(s, "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 3) INSERT INTO policy_items(instrument_id, "
              "parent_id, level, code, title, weight, position, is_leaf, leaves, reported, rolled_progress, created_at, updated_at) SELECT " +
                  id + ", sv.id, 'medida', 'M' || CAST(x AS TEXT), 'Medida ' || CAST(x AS TEXT), 1, x, 0, 0, 0, 0, 0, 0 FROM n, policy_items sv "
                  "WHERE sv.instrument_id = " + id + " AND sv.level = 'compromiso'");
      exec(s, "INSERT INTO policy_items(instrument_id, parent_id, level, code, title, weight, position, is_leaf, leaves, reported, "
              "rolled_progress, created_at, updated_at) SELECT " + id + ", m.id, 'accion', 'C1', 'Compromiso específico', 1, 1, 1, 1, 0, 0, "
              "0, 0 FROM policy_items m WHERE m.instrument_id = " + id + " AND m.level = 'medida'");
      // Every item of a service carries its institution (the service's position decides which).
      const std::string inst = "1 + (sv.position % " + std::to_string(kInstitutions) + ")";
      const std::string where = " WHERE sv.instrument_id = " + id + " AND sv.level = 'compromiso'";
      exec(s, "INSERT INTO policy_item_institutions(item_id, institution_id, is_leaf) SELECT sv.id, " + inst + ", 0 FROM policy_items sv" + where);
      exec(s, "INSERT INTO policy_item_institutions(item_id, institution_id, is_leaf) SELECT m.id, " + inst +
                  ", 0 FROM policy_items sv JOIN policy_items m ON m.parent_id = sv.id" + where);
      exec(s, "INSERT INTO policy_item_institutions(item_id, institution_id, is_leaf) SELECT c.id, " + inst +
                  ", 1 FROM policy_items sv JOIN policy_items m ON m.parent_id = sv.id JOIN policy_items c ON c.parent_id = m.id" + where);
      Period p;
      p.instrument_id = std::stoll(id);
      p.kind = "anual";
      p.year = year;
      p.label = *period_label(p.kind, p.year, 0);
      auto [o, c] = default_window(p.kind, p.year, 0);
      p.opens_at = o;
      p.closes_at = c;
      const auto period = std::to_string(Repository::insert_period(s, p));
      exec(s, "INSERT INTO policy_reports(item_id, period_id, institution_id, state, current_version, validated_version, validated_progress, "
              "created_at, updated_at) SELECT i.id, " + period + ", ii.institution_id, 'validado', 1, 1, 100 - (i.id % 3) * 20, 0, 0 "
              "FROM policy_items i JOIN policy_item_institutions ii ON ii.item_id = i.id WHERE i.instrument_id = " + id + " AND i.is_leaf = 1");
      // Filings: state by stage and by the service's position.
      const std::string progress_state =
          last ? "CASE sv.position % 6 WHEN 3 THEN 'en_revision' WHEN 4 THEN 'observado' WHEN 5 THEN 'corregido' ELSE 'aprobado' END"
               : "'aprobado'";
      const std::string filings = "INSERT INTO policy_pmg_filings(service_item_id, institution_id, stage, state, round, narrative, evidence, "
                                  "filed_at, waiting_since, demo, updated_at) SELECT sv.id, 1 + (sv.position % " +
                                  std::to_string(kInstitutions) + "), ";
      const std::string from = ", 'Presentación generada para la medición.', '', " + std::to_string(o) + ", " +
                               std::to_string(o) + " + sv.position * 3600000, 0, 0 FROM policy_items sv WHERE sv.instrument_id = " +
                               id + " AND sv.level = 'compromiso'";
      exec(s, filings + "'programa', 'aprobado', CASE WHEN sv.position % 7 = 3 THEN 2 ELSE 1 END" + from);
      exec(s, filings + "'avance', " + progress_state + ", CASE WHEN " + progress_state + " = 'corregido' THEN 2 ELSE 1 END" + from);
      if (!last) exec(s, filings + "'cumplimiento', CASE WHEN sv.position % 50 = 0 THEN 'rechazado' ELSE 'aprobado' END, "
                                   "CASE WHEN sv.position % 50 = 0 OR sv.position % 9 = 0 THEN 2 ELSE 1 END" + from);
      exec(s, "INSERT INTO policy_pmg_observations(filing_id, round, item_id, text, written_at, answer, answered_at) SELECT f.id, 1, "
              "f.service_item_id, 'Observación generada para la medición.', f.filed_at, CASE WHEN f.state = 'observado' THEN NULL ELSE "
              "'Respuesta generada.' END, CASE WHEN f.state = 'observado' THEN NULL ELSE f.filed_at END FROM policy_pmg_filings f "
              "JOIN policy_items sv ON sv.id = f.service_item_id WHERE sv.instrument_id = " + id + " AND (f.round = 2 OR f.state = 'observado')");
      return {};
    });
    if (!r) return r;
  }
  return {};
}

Result<void> load(store::Database& db) {
  auto t0 = Clock::now();
  for (int n = 0; n < kInstruments; ++n) {
    auto r = db.transaction<void>([&](soci::session& s) -> Result<void> {
      Instrument ins;
      ins.code = "bench-" + std::to_string(n);
      ins.name = "Instrumento de medición " + std::to_string(n + 1);
      ins.kind = "plan";
      const auto id = std::to_string(Repository::insert_instrument(s, ins));
      const std::string seq = "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < ";
      exec(s, seq + std::to_string(kAxes) +
                  ") INSERT INTO policy_items(instrument_id, parent_id, level, title, weight, position, is_leaf, leaves, reported, "
                  "rolled_progress, created_at, updated_at) SELECT " + id +
                  ", NULL, 'eje', 'Eje ' || CAST(x AS TEXT), 1, x, 0, 0, 0, 0, 0, 0 FROM n");
      exec(s, seq + std::to_string(kPerAxis) +
                  ") INSERT INTO policy_items(instrument_id, parent_id, level, title, weight, position, region_id, is_leaf, leaves, "
                  "reported, rolled_progress, created_at, updated_at) SELECT " + id +
                  ", a.id, 'compromiso', 'Compromiso ' || CAST(x AS TEXT), 1 + (x % 3), x, "
                  "CASE WHEN (x % 16) + 1 < 10 THEN '0' || CAST((x % 16) + 1 AS TEXT) ELSE CAST((x % 16) + 1 AS TEXT) END, "
                  "1, 1, 0, 0, 0, 0 FROM n, policy_items a WHERE a.instrument_id = " + id + " AND a.parent_id IS NULL");
      exec(s, "INSERT INTO policy_item_institutions(item_id, institution_id) SELECT id, 1 + (id % " + std::to_string(kInstitutions) +
                  ") FROM policy_items WHERE instrument_id = " + id + " AND is_leaf = 1");
      for (int k = 0; k < kPeriods; ++k) {
        Period p;
        p.instrument_id = std::stoll(id);
        p.kind = "semestre";
        p.year = 2017 + k / 2;
        p.semester = 1 + k % 2;
        p.label = *period_label(p.kind, p.year, p.semester);
        auto [o, c] = default_window(p.kind, p.year, p.semester);
        p.opens_at = o;
        p.closes_at = c;
        Repository::insert_period(s, p);
      }
      exec(s, "INSERT INTO policy_reports(item_id, period_id, institution_id, state, current_version, validated_version, "
              "validated_progress, created_at, updated_at) SELECT i.id, p.id, 1 + (i.id % " + std::to_string(kInstitutions) +
                  "), 'validado', 1, 1, (i.id * 7 + p.id * 13) % 101, 0, 0 FROM policy_items i, policy_periods p "
                  "WHERE i.instrument_id = " + id + " AND i.is_leaf = 1 AND p.instrument_id = " + id);
      exec(s, "INSERT INTO policy_report_versions(report_id, version, status, progress, narrative, late, submitted_by, submitted_at, "
              "decision, reviewed_by, reviewed_at) SELECT r.id, 1, 'en_proceso', CAST(r.validated_progress AS INTEGER), "
              "'Reporte generado para la medición.', 0, 1, 0, 'validado', 2, 0 FROM policy_reports r JOIN policy_items i "
              "ON i.id = r.item_id WHERE i.instrument_id = " + id);
      return {};
    });
    if (!r) return r;
    if ((n + 1) % 20 == 0)
      std::cerr << "  " << (n + 1) << " instrumentos, "
                << std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - t0).count() << " s\n";
  }
  if (auto p = load_pmg(db); !p) return p;
  auto t1 = Clock::now();
  // Full recomputation of every stored figure from the 1.6 M reports.
  auto r = db.transaction<void>([&](soci::session& s) -> Result<void> {
    for (const auto& i : Repository::instruments(s)) refresh_figures(s, i.id);
    return {};
  });
  auto t2 = Clock::now();
  auto ms = [](auto a, auto b) { return std::chrono::duration<double, std::milli>(b - a).count(); };
  std::printf("load\t%.0f ms (inserts)\nrecompute_all\t%.0f ms (every figure from 1.6 M reports)\n", ms(t0, t1), ms(t1, t2));
  return r;
}

template <typename F>
void timeit(const char* name, int runs, F fn) {
  std::vector<double> v;
  for (int k = 0; k < runs; ++k) {
    auto a = Clock::now();
    fn();
    v.push_back(std::chrono::duration<double, std::milli>(Clock::now() - a).count());
  }
  std::sort(v.begin(), v.end());
  std::printf("%s\t%.3f\t%.3f\t%d\n", name, v[v.size() / 2], v[std::min(v.size() - 1, v.size() * 95 / 100)], runs);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "uso: rollup_bench load|time URL\n";
    return 2;
  }
  std::string mode = argv[1];
  store::Options o;
  o.url = argv[2];
  o.pool_size = 2;
  auto db = store::Database::open(o);
  if (!db) {
    std::cerr << db.error().message << "\n";
    return 1;
  }
  if (mode == "load") {
    std::vector<store::Migration> all;
    for (auto& m : policy::migrations()) all.push_back(m);
    if (auto m = store::apply_migrations(**db, all, ""); !m) {
      std::cerr << m.error().message << "\n";
      return 1;
    }
    auto r = load(**db);
    if (!r) {
      std::cerr << r.error().message << "\n";
      return 1;
    }
    return 0;
  }
  auto lease = (*db)->lease();
  soci::session& s = **lease;
  long long reports = 0;
  s << "SELECT COUNT(*) FROM policy_reports", soci::into(reports);
  std::printf("reports\t%lld\n", reports);
  long long filings = 0;
  s << "SELECT COUNT(*) FROM policy_pmg_filings", soci::into(filings);
  std::printf("pmg_filings\t%lld\n", filings);
  std::printf("name\tmedian_ms\tp95_ms\truns\n");
  // Same-run baselines, so that a loaded machine shows as a ratio: a fixed CPU loop (no I/O) and
  // one trivial round trip to the database.
  timeit("baseline: CPU, 10 M multiply-adds", 20, [] {
    volatile uint64_t x = 1;
    for (int k = 0; k < 10'000'000; ++k) x = x * 6364136223846793005ULL + 1442695040888963407ULL;
  });
  timeit("baseline: SELECT 1", 50, [&] {
    int one = 0;
    s << "SELECT 1", soci::into(one);
  });
  timeit("dashboard (200 instruments, figures)", 50, [&] {
    auto list = Repository::instruments(s);
    auto figs = Repository::figures(s, std::nullopt);
    if (list.size() < 200) std::abort();
  });
  timeit("rollup by institution (209 k leaves, PMG included)", 20, [&] { Repository::by_institution(s); });
  timeit("rollup by region (209 k leaves, PMG included)", 20, [&] { Repository::by_region(s); });
  int64_t ins = 0;  // the last plan (the PMG instruments come after the 200 plans)
  for (const auto& i : Repository::instruments(s))
    if (i.kind != "pmg") ins = i.id;
  auto items = Repository::items_of(s, ins);
  timeit("instrument tree (1,010 items)", 20, [&] { Repository::items_of(s, ins); });
  // Since issue 12 a validation refreshes its whole instrument (refresh_figures, rollup.cc) and
  // writes only what moved: this is also the cost of one validation on a 1,010-item instrument.
  timeit("instrument refresh from its 8,000 reports (= one validation)", 10, [&] {
    s << "BEGIN";
    refresh_figures(s, ins);
    s << "ROLLBACK";
  });
  int64_t leaf = 0, axis = 0;
  for (const auto& i : items) {
    if (i.is_leaf && !leaf) leaf = i.id;
    if (!i.parent_id && !axis) axis = i.id;
  }
  timeit("drill-down leaf: item, 8 reports, versions, evidence", 50, [&] {
    auto it = Repository::item(s, leaf);
    ReportFilter f;
    f.item_id = leaf;
    for (const auto& r : Repository::reports(s, f)) {
      Repository::versions(s, r.report.id);
      Repository::evidence_of(s, r.report.id);
    }
  });
  timeit("drill-down axis: item and its 100 children", 50, [&] {
    Repository::item(s, axis);
    auto kids = Repository::children(s, axis);
    auto insts = Repository::institutions_of_children(s, axis);
    for (auto& k : kids) k.institutions = insts[k.id];
  });
 // PMG (issue 15): the reviewer's queue, the public workflow counts of one year, «Mi PMG».
  timeit("PMG reviewer queue (filings waiting, up to 500)", 20, [&] { Repository::filing_queue(s, 500); });
  std::optional<int64_t> pmg_last;
  for (const auto& i : Repository::instruments(s))
    if (i.kind == "pmg") pmg_last = i.id;
  if (pmg_last) timeit("PMG workflow counts of one year (300 services)", 50, [&] { Repository::filing_counts(s, *pmg_last); });
  timeit("Mi PMG: one institution's services, filings, observations", 50, [&] {
    for (const auto& sv : Repository::pmg_services_of(s, 42))
      for (const auto& f : Repository::filings_of(s, sv.id)) Repository::observations(s, f.id);
  });
  return 0;
}
