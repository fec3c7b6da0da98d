// Versioned schema changes, one ordered list per module, applied at start and by `equidad migrate`.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "store/database.h"

namespace eq::store {

struct MigrationContext {
  Backend backend;
  std::string data_dir;  // reference data (data/ in the repository)
};

struct Migration {
  std::string module;
  int version;
  std::string name;
  std::function<void(soci::session&, const MigrationContext&)> apply;
};

// A migration made of SQL statements. Dialect tokens: {{pk}} (auto id primary key),
// {{bigint}}; everything else is SQL both backends accept.
Migration sql_migration(std::string module, int version, std::string name, std::vector<std::string> statements);
std::string dialect(std::string sql, Backend backend);

// The schema version of `module` (0 when none): reference data that only migrations change can be
// cached by it, and every instance sees a change as soon as one of them migrates.
Result<int> module_version(Database& db, const std::string& module);

// Applies what is missing, each migration in its own transaction; returns how many ran.
Result<int> apply_migrations(Database& db, const std::vector<Migration>& all, const std::string& data_dir);

}  // namespace eq::store
