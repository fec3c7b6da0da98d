// Channel statistics over time (issue 14, item 3): contacts by channel, month, region and outcome,
// year-over-year variation, CSV/XLSX tables. The figures are COUNTED from rows: the live contacts
// (channels_contacts) and, with --demo, a compact synthetic history 2019–2021 (channels_history,
// one row per contact: time, channel, region, outcome; no personal data) whose generator is
// calibrated so that the counts reproduce the seed's figures (Cuenta Pública 2020–2021). The
// pharmacies' «Mascarilla 19» requests come from the pharmacy module's own count, through
// HistorySources written by the composition root (src/app/app.cc).
#pragma once
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <variant>
#include <vector>

#include "audit/log.h"
#include "core/error.h"
#include "http/message.h"
#include "http/router.h"
#include "store/database.h"

namespace eq::channels {

// What the statistics need from other modules, written by src/app/app.cc.
struct HistorySources {
  // «Mascarilla 19» requests in [from, to) by region code: the pharmacy module's count.
  std::function<Result<std::map<std::string, int64_t>>(int64_t from, int64_t to)> pharmacy_requests;
  // A one-sheet XLSX workbook (bold header row, numbers as numbers).
  std::function<Result<std::string>(const std::string& sheet, const std::vector<std::string>& header,
                                    const std::vector<std::vector<std::variant<std::string, double>>>& rows)>
      xlsx;
  // Region code → name, in the territory's order.
  std::function<std::vector<std::pair<std::string, std::string>>()> regions;
};

// One row of the demo history.
struct HistoryRow {
  int64_t at = 0;
  const char* channel = "";
  const char* region = "";
  const char* outcome = "";
};

// A seed figure kept beside the computed one, with its source.
struct HistorySeed {
  const char* key;   // what the statistics compute for it (see History::statistics)
  const char* what;  // Spanish
  double value;      // a count, or a percentage (149.1)
  const char* source;
};
const std::vector<HistorySeed>& history_seed();
// The seed's value by key (for the generator's calibration, which derives its totals from it).
double seed_value(const std::string& key);

// The demo history, generated (seeded, deterministic) between 01-01-2019 and 30-04-2021. Pure.
std::vector<HistoryRow> generate_history();

// Largest-remainder allocation of n over the weights (sums to n exactly). Pure.
std::vector<int64_t> allocate(int64_t n, const std::vector<double>& weights);

class History {
 public:
  History(store::Database& db, audit::Log& audit, HistorySources sources);

  // Generates and stores the demo history when absent (batched multi-row inserts, one transaction).
  // Returns the rows written (0 when already there).
  Result<int64_t> load_demo();
  // --demo: the history is wanted. Writing it costs ~1.5 s on SQLite and ~3.5 s on PostgreSQL
  // (bench/RESULTS.md), so the server writes it beside its start (the module's preload) and the
  // statistics say "computing" meanwhile. True when it is still to be written.
  Result<bool> want_demo();
  bool demo_wanted() const { return wanted_; }
  // "ready" | "computing" (the demo history is being written) | "none".
  std::string status() const;
  void set_status(const std::string& s);

  // The statistics for the years [from_year, to_year]; breakdowns (region, outcome, monthly
  // variation) for `year`. Audited as channels.statistics_read.
  Result<nlohmann::json> statistics(const http::Request& req, int from_year, int to_year, int year);
  // The same as a table: view "meses" | "regiones" | "resultados"; CSV or XLSX.
  Result<http::Response> table(const http::Request& req, const std::string& view, int from_year, int to_year, int year,
                               bool xlsx);
  // Default years: the demo history's span when present, else the current year and the one before.
  Result<std::pair<int, int>> default_years();

 private:
  Result<nlohmann::json> compute(int from_year, int to_year, int year);


  store::Database& db_;
  audit::Log& audit_;
  HistorySources sources_;
  mutable std::mutex status_mu_;
  std::string status_ = "none";
  std::atomic<bool> wanted_{false};
  // What the statistics counted over the demo history, kept while the history's version holds
  // (history.cc): the history is 240.000 rows that only the demo writes; the live contacts are
  // counted at every request.
  struct Cache;
  std::shared_ptr<Cache> cache_;
};

// GET /api/v1/channels/history/statistics (JSON), …/statistics.csv and …/statistics.xlsx
// (routes.cc), with the permission «channels.statistics».
void register_history_routes(http::Router& router, std::shared_ptr<History> history);

}  // namespace eq::channels
