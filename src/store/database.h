// One storage interface over SQLite (embedded default) and PostgreSQL 15, through SOCI.
// A Database owns a fixed pool of sessions; callers lease one for the length of a unit of work.
#pragma once
#include <soci/soci.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/error.h"

namespace eq::store {

enum class Backend { sqlite, postgresql };

struct Options {
  std::string url;      // "sqlite:path/to/file.db" or "postgresql://user:pass@host:port/db"
  int pool_size = 4;
  int connect_attempts = 10;                    // PostgreSQL may still be starting
  std::chrono::milliseconds retry_delay{500};   // doubled per attempt, capped at 5 s
};

class Database;

// A session on loan from the pool; returned when the lease goes out of scope.
class Lease {
 public:
  Lease(Database* db, size_t slot) : db_(db), slot_(slot) {}
  Lease(Lease&& o) noexcept : db_(o.db_), slot_(o.slot_) { o.db_ = nullptr; }
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;
  ~Lease();
  soci::session& operator*() const;
  soci::session* operator->() const { return &**this; }

 private:
  Database* db_;
  size_t slot_;
};

class Database {
 public:
  // Opens the pool. SQLite: creates the file (and its folder), WAL, foreign keys on.
  // PostgreSQL: retries with back-off, then a Spanish error naming the problem.
  static Result<std::unique_ptr<Database>> open(const Options& options);
  ~Database();

  Backend backend() const { return backend_; }
  const std::string& url_for_display() const { return display_url_; }
  size_t pool_size() const { return sessions_.size(); }
  size_t in_use() const { return in_use_.load(); }
  uint64_t wait_count() const { return waits_.load(); }

  // Blocks until a session is free; reconnects a PostgreSQL session whose connection dropped.
  Result<Lease> lease(std::chrono::milliseconds timeout = std::chrono::seconds(10));

  // Runs fn inside a transaction; commits when fn returns a value, rolls back on error or throw.
  template <typename T>
  // file and line name the caller in the slow-transaction log (see note_transaction).
  Result<T> transaction(const std::function<Result<T>(soci::session&)>& fn, const char* file = __builtin_FILE(),
                        int line = __builtin_LINE());

  // Dialect bits that differ between the two backends.
  std::string now_ms_sql() const;  // SQL expression of the current time in ms since epoch

 private:
  friend class Lease;
  Database() = default;
  void release(size_t slot);
  bool ensure_connected(soci::session& s);
  void start_checkpointer();

  Backend backend_ = Backend::sqlite;
  std::string connect_string_;
  std::string display_url_;
  std::vector<std::unique_ptr<soci::session>> sessions_;
  std::vector<bool> busy_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::atomic<size_t> in_use_{0};
  std::atomic<uint64_t> waits_{0};
  // SQLite: the WAL is copied into the database file by this thread, not by whichever commit
  // crosses SQLite's page threshold, so no request pays for a checkpoint.
  std::thread checkpointer_;
  std::condition_variable stop_cv_;  // its own: the pool's cv_ wakes one leaser at a time
  bool stopping_ = false;  // guarded by mu_
};

// Creates the SQLite file if missing and sets it and its -wal/-shm/-journal to mode 0600.
Result<void> restrict_file_modes(const std::string& path);

// "postgresql://user:pass@host:port/db?sslmode=…" as libpq keyword=value pairs.
std::optional<std::string> postgres_keywords(const std::string& url);

// Maps a database exception to the error the caller sees, without leaking internals.
Error database_error(const std::exception& e);

// A transaction opened by a thread that already holds one on the same database is a bug in either
// backend: on SQLite the inner BEGIN IMMEDIATE waits out the busy timeout for the write lock its own
// thread holds (a 10-second stall, then an error); on PostgreSQL the inner transaction can wait
// forever for a lock (the audit chain's) the outer one holds. It is refused at once and logged.
class TransactionScope {
 public:
  explicit TransactionScope(const Database* db);
  ~TransactionScope();
  bool nested() const { return nested_; }

 private:
  const Database* db_;
  bool nested_ = false;
};
Error nested_transaction_error();

// Logs a transaction that waited long for its session and lock, or held them long (both in ms), with
// the caller's file and line. On SQLite one writer holding the lock past the busy timeout makes every
// other writer fail with 503: this line names who held it.
void note_transaction(const char* file, int line, int64_t waited_ms, int64_t held_ms, bool began);

template <typename T>
Result<T> Database::transaction(const std::function<Result<T>(soci::session&)>& fn, const char* file, int line) {
  using clock = std::chrono::steady_clock;
  auto ms = [](clock::duration d) { return static_cast<int64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(d).count()); };
  TransactionScope scope(this);
  if (scope.nested()) return fail(nested_transaction_error());
  const auto asked = clock::now();
  auto lease_or = lease();
  if (!lease_or) {
    note_transaction(file, line, ms(clock::now() - asked), 0, false);
    return fail(lease_or.error());
  }
  soci::session& s = **lease_or;
  // SQLite: take the write lock up front, so a transaction that read first cannot fail later with
  // a stale snapshot when another writer got in between.
  const char* begin = backend_ == Backend::sqlite ? "BEGIN IMMEDIATE" : "BEGIN";
  try {
    s << begin;
  } catch (const std::exception& e) {
    note_transaction(file, line, ms(clock::now() - asked), 0, false);
    return fail(database_error(e));
  }
  const auto began = clock::now();
  struct Done {  // logs on every way out, commit, rollback or throw
    const char* file;
    int line;
    clock::time_point asked, began;
    ~Done() {
      const auto end = clock::now();
      note_transaction(file, line, static_cast<int64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(began - asked).count()),
                       static_cast<int64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(end - began).count()), true);
    }
  } done{file, line, asked, began};
  try {
    Result<T> out = fn(s);
    s << (out ? "COMMIT" : "ROLLBACK");
    return out;
  } catch (const std::exception& e) {
    try {
      s << "ROLLBACK";
    } catch (...) {
    }
    return fail(database_error(e));
  }
}

}  // namespace eq::store
