// Test databases: a fresh SQLite file, and (when EQ_TEST_PG_URL is set, as scripts/test.sh does)
// a fresh PostgreSQL schema, so tests running in parallel processes never share tables.
#pragma once
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "store/database.h"
#include "store/migrations.h"
#include "source_dir.h"

namespace eq::testing {

inline std::string temp_dir() {
  static std::atomic<int> n{0};
  auto dir = std::filesystem::temp_directory_path() / ("equidad-test-" + std::to_string(getpid()) + "-" + std::to_string(n++));
  std::filesystem::remove_all(dir);
  return dir.string();
}

inline std::string fresh_sqlite_url() { return "sqlite:" + temp_dir() + "/test.db"; }

inline const char* pg_base_url() {
  const char* v = std::getenv("EQ_TEST_PG_URL");
  return v && *v ? v : nullptr;
}

// A new schema on the test database, selected through libpq's `options` for every pooled session.
inline std::string fresh_pg_url() {
  static std::atomic<int> n{0};
  std::string base = pg_base_url();
  std::string schema = "t_" + std::to_string(getpid()) + "_" + std::to_string(n++);
  auto kw = store::postgres_keywords(base);
  soci::session s(soci::postgresql, *kw);
  s << "DROP SCHEMA IF EXISTS " + schema + " CASCADE";
  s << "CREATE SCHEMA " + schema;
  return base + (base.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" + schema;
}

// The backends a storage test runs on: always SQLite, PostgreSQL when the suite has one.
inline std::vector<std::string> backends() {
  std::vector<std::string> out = {"sqlite"};
  if (pg_base_url()) out.push_back("postgresql");
  return out;
}

inline std::string fresh_url(const std::string& backend) { return backend == "sqlite" ? fresh_sqlite_url() : fresh_pg_url(); }

// A fresh database of `backend` with these migrations applied: the start of a service test.
inline Result<std::unique_ptr<store::Database>> migrated_database(const std::string& backend, const std::vector<store::Migration>& all) {
  auto db = store::Database::open({fresh_url(backend), 2});
  if (!db) return fail(db.error());
  if (auto applied = store::apply_migrations(**db, all, ""); !applied) return fail(applied.error());
  return std::move(*db);
}

}  // namespace eq::testing
