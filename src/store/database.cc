#include "store/database.h"
#include "core/log.h"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <filesystem>
#include <iomanip>
#include <optional>
#include <iostream>
#include <thread>

#include <nlohmann/json.hpp>

#include "core/url.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace eq::store {

namespace {

bool starts_with(const std::string& s, std::string_view p) { return s.rfind(p, 0) == 0; }

// Hides the password of a connection URL in logs and messages.
std::string redact(const std::string& url) {
  auto scheme = url.find("://");
  auto at = url.find('@');
  if (scheme == std::string::npos || at == std::string::npos || at < scheme) return url;
  auto colon = url.find(':', scheme + 3);
  if (colon == std::string::npos || colon > at) return url;
  return url.substr(0, colon + 1) + "***" + url.substr(at);
}

std::string keyword_value(const std::string& v) {
  std::string out = "'";
  for (char c : v) {
    if (c == '\\' || c == '\'') out.push_back('\\');
    out.push_back(c);
  }
  return out + "'";
}

}  // namespace

// SOCI's PostgreSQL backend mangles URIs, so the URL becomes libpq keyword=value pairs.
std::optional<std::string> postgres_keywords(const std::string& url) {
  auto scheme = url.find("://");
  if (scheme == std::string::npos) return std::nullopt;
  std::string rest = url.substr(scheme + 3);
  std::string query;
  if (auto q = rest.find('?'); q != std::string::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  std::string db;
  if (auto slash = rest.find('/'); slash != std::string::npos) {
    db = rest.substr(slash + 1);
    rest = rest.substr(0, slash);
  }
  std::string user, password;
  if (auto at = rest.rfind('@'); at != std::string::npos) {
    std::string cred = rest.substr(0, at);
    rest = rest.substr(at + 1);
    auto colon = cred.find(':');
    user = cred.substr(0, colon);
    if (colon != std::string::npos) password = cred.substr(colon + 1);
  }
  std::string host = rest, port;
  if (auto colon = rest.rfind(':'); colon != std::string::npos && rest.find(']') == std::string::npos) {
    host = rest.substr(0, colon);
    port = rest.substr(colon + 1);
  }
  std::string out;
  auto add = [&](const char* k, const std::string& v) {
    if (!v.empty()) out += std::string(out.empty() ? "" : " ") + k + "=" + keyword_value(url_decode(v, false));
  };
  add("host", host);
  add("port", port);
  add("user", user);
  add("password", password);
  add("dbname", db);
  for (const auto& f : parse_form(query, false))
    if (f.has_value) add(f.key.c_str(), f.value);
  add("connect_timeout", "5");
  return out;
}

Lease::~Lease() {
  if (db_) db_->release(slot_);
}

soci::session& Lease::operator*() const { return *db_->sessions_[slot_]; }

Database::~Database() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  if (checkpointer_.joinable()) checkpointer_.join();
}

void Database::start_checkpointer() {
  auto session = std::make_unique<soci::session>(soci::sqlite3, connect_string_);
  checkpointer_ = std::thread([this, s = std::move(session)] {
    std::unique_lock lock(mu_);
    while (!stop_cv_.wait_for(lock, std::chrono::seconds(1), [this] { return stopping_; })) {
      lock.unlock();
      try {
        // PASSIVE: copies what no reader still needs and never waits for, or blocks, a writer.
        *s << "PRAGMA wal_checkpoint(PASSIVE)";
      } catch (const std::exception& e) {
        spdlog::warn("sqlite checkpoint failed: {}", e.what());
      }
      lock.lock();
    }
  });
}

Result<void> restrict_file_modes(const std::string& path) {
  if (path == ":memory:" || starts_with(path, "file:")) return {};
  const mode_t old_mask = ::umask(077);
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  ::umask(old_mask);
  if (fd < 0) return fail(Error::bad_request("invalid_db_url", "No se pudo abrir el archivo de la base de datos: " + path, "db"));
  const int rc = ::fchmod(fd, 0600);
  ::close(fd);
  if (rc != 0) return fail(Error::bad_request("invalid_db_url", "No se pudieron restringir los permisos de " + path + ".", "db"));
  for (const char* suffix : {"-wal", "-shm", "-journal"}) {
    const std::string side = path + suffix;
    if (::access(side.c_str(), F_OK) == 0 && ::chmod(side.c_str(), 0600) != 0)
      return fail(Error::bad_request("invalid_db_url", "No se pudieron restringir los permisos de " + side + ".", "db"));
  }
  return {};
}

Result<std::unique_ptr<Database>> Database::open(const Options& options) {
  std::unique_ptr<Database> db(new Database());
  const std::string& url = options.url;
  db->display_url_ = redact(url);
  const soci::backend_factory* factory = nullptr;
  if (starts_with(url, "sqlite:")) {
    db->backend_ = Backend::sqlite;
    std::string path = url.substr(7);
    if (starts_with(path, "//")) path = path.substr(2);
    if (path.empty()) return fail(Error::bad_request("invalid_db_url", "La ruta de la base de datos SQLite está vacía.", "db"));
    std::error_code ec;
    auto parent = std::filesystem::path(path).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    if (ec) return fail(Error::bad_request("invalid_db_url", "No se pudo crear la carpeta de la base de datos: " + parent.string(), "db"));
    // The file holds victims' data: readable by the server's account only. SQLite gives the -wal and
    // -shm files the database file's own mode, so fixing it before the first open covers all three.
    if (auto ok = restrict_file_modes(path); !ok) return fail(ok.error());
    // busy timeout: writers from several pool sessions wait instead of failing.
    db->connect_string_ = "db=" + path + " timeout=10 synchronous=normal";
    factory = &soci::sqlite3;
  } else if (starts_with(url, "postgresql://") || starts_with(url, "postgres://")) {
    db->backend_ = Backend::postgresql;
    auto kw = postgres_keywords(url);
    if (!kw) return fail(Error::bad_request("invalid_db_url", "La dirección de PostgreSQL no es válida.", "db"));
    db->connect_string_ = *kw;
    factory = &soci::postgresql;
  } else {
    return fail(Error::bad_request("invalid_db_url",
                                   "La dirección de la base de datos debe comenzar con sqlite: o postgresql://", "db"));
  }

  int pool = std::max(1, options.pool_size);
  auto delay = options.retry_delay;
  std::string last_error;
  for (int attempt = 1; attempt <= std::max(1, options.connect_attempts); ++attempt) {
    try {
      db->sessions_.clear();
      for (int i = 0; i < pool; ++i) {
        auto s = std::make_unique<soci::session>(*factory, db->connect_string_);
        if (db->backend_ == Backend::sqlite) {
          *s << "PRAGMA journal_mode=WAL";
          *s << "PRAGMA foreign_keys=ON";
          *s << "PRAGMA wal_autocheckpoint=0";
        } else {
          *s << "SET TIME ZONE 'UTC'";
        }
        db->sessions_.push_back(std::move(s));
      }
      db->busy_.assign(db->sessions_.size(), false);
      if (db->backend_ == Backend::sqlite) db->start_checkpointer();
      return db;
    } catch (const std::exception& e) {
      last_error = e.what();
      if (db->backend_ == Backend::sqlite) break;  // a file error will not heal by waiting
      spdlog::warn("database not reachable, retrying: {} (attempt {} of {})", db->display_url_, attempt, options.connect_attempts);
      if (attempt < options.connect_attempts) {
        std::this_thread::sleep_for(delay);
        delay = std::min(delay * 2, std::chrono::milliseconds(5000));
      }
    }
  }
  // The driver's text goes to the operator's terminal, never to HTTP clients.
  spdlog::error("database error: {}", last_error);
  return fail(Error::unavailable("No se pudo conectar a la base de datos " + db->display_url_ + "."));
}

bool Database::ensure_connected(soci::session& s) {
  if (backend_ != Backend::postgresql) return true;
  try {
    if (s.is_connected()) return true;
  } catch (...) {
  }
  try {
    s.reconnect();
    s << "SET TIME ZONE 'UTC'";
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

namespace {
// The databases on which this thread has a transaction open (a thread rarely touches more than one).
thread_local std::vector<const Database*> open_transactions;
}  // namespace

TransactionScope::TransactionScope(const Database* db) : db_(db) {
  for (auto* d : open_transactions) nested_ = nested_ || d == db;
  if (nested_) {
    spdlog::error("nested transaction refused: this thread already holds a transaction on this database");
    return;
  }
  open_transactions.push_back(db);
}

TransactionScope::~TransactionScope() {
  if (nested_) return;
  for (auto it = open_transactions.begin(); it != open_transactions.end(); ++it)
    if (*it == db_) {
      open_transactions.erase(it);
      break;
    }
}

void note_transaction(const char* file, int line, int64_t waited_ms, int64_t held_ms, bool began) {
  constexpr int64_t kSlowMs = 2000;
  if (began && waited_ms < kSlowMs && held_ms < kSlowMs) return;
  std::string_view where(file ? file : "?");
  if (auto at = where.rfind("/src/"); at != std::string_view::npos) where.remove_prefix(at + 1);
  if (!began)
    spdlog::error("transaction at {}:{} could not begin after waiting {} ms for a session and the lock", where, line, waited_ms);
  else
    spdlog::warn("slow transaction at {}:{}: waited {} ms for a session and the lock, held them {} ms", where, line, waited_ms,
                 held_ms);
}

Error nested_transaction_error() {
  return Error{500, "nested_transaction", "Error interno: operación de base de datos anidada. Se registró para su corrección.", {}};
}

namespace {
// The session this thread holds on each database, and how many leases share it.
struct Held {
  const Database* db;
  size_t slot;
  int depth;
};
thread_local std::vector<Held> held_sessions;
Held* held_by_this_thread(const Database* db) {
  for (auto& h : held_sessions)
    if (h.db == db) return &h;
  return nullptr;
}
}  // namespace

Result<Lease> Database::lease(std::chrono::milliseconds timeout) {
  // A thread that already holds a session (a service reading another module's data through an
  // adapter, inside its own unit of work) gets the same one back. A second session would see
  // the data without the first one's uncommitted writes, and with every pool thread doing it at
  // once the pool ran dry and each waited out the lease timeout.
  if (auto* h = held_by_this_thread(this)) {
    ++h->depth;
    return Lease(this, h->slot);
  }
  size_t slot = 0;
  {
    std::unique_lock lock(mu_);
    auto free_slot = [&] {
      for (size_t i = 0; i < busy_.size(); ++i)
        if (!busy_[i]) {
          slot = i;
          return true;
        }
      return false;
    };
    if (!free_slot()) {
      ++waits_;
      if (!cv_.wait_for(lock, timeout, free_slot)) {
        // Said in the log: the client only sees 503, like a locked database, and the two need telling apart.
        spdlog::warn("no free database session (pool of {})", busy_.size());
        return fail(Error::unavailable());
      }
    }
    busy_[slot] = true;
    ++in_use_;
  }
  held_sessions.push_back({this, slot, 1});
  Lease lease(this, slot);
  if (!ensure_connected(*sessions_[slot])) return fail(Error::unavailable("La base de datos no responde. Intente nuevamente en unos segundos."));
  return lease;
}

void Database::release(size_t slot) {
  if (auto* h = held_by_this_thread(this); h && h->slot == slot) {
    if (--h->depth > 0) return;
    held_sessions.erase(held_sessions.begin() + (h - held_sessions.data()));
  }
  {
    std::lock_guard lock(mu_);
    busy_[slot] = false;
    --in_use_;
  }
  cv_.notify_one();
}

std::string Database::now_ms_sql() const {
  return backend_ == Backend::sqlite ? "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)"
                                     : "CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)";
}

Error database_error(const std::exception& e) {
  // A handler's json type_error thrown inside a transaction lands here, not in the router: it is the
  // caller's wrong input (422), and the transaction has been rolled back.
  if (dynamic_cast<const nlohmann::json::type_error*>(&e) || dynamic_cast<const nlohmann::json::out_of_range*>(&e))
    return Error::wrong_type();
  std::string what = e.what();
  // SOCI appends the bound values ("with :n=…"): they may be personal data, so they stay out of logs.
  if (auto pos = what.find("\" with :"); pos != std::string::npos) what = what.substr(0, pos + 1);
  spdlog::error("database error: {}", what);
  if (what.find("UNIQUE") != std::string::npos || what.find("unique") != std::string::npos ||
      what.find("duplicate key") != std::string::npos)
    return Error::conflict("duplicate", "Ya existe un registro con esos datos.");
  if (what.find("FOREIGN KEY") != std::string::npos || what.find("foreign key") != std::string::npos)
    return Error::invalid("", "El registro hace referencia a un dato que no existe.", "invalid_reference");
  if (what.find("connection") != std::string::npos || what.find("server closed") != std::string::npos ||
      what.find("database is locked") != std::string::npos)
    return Error::unavailable();
  return Error::internal();
}

}  // namespace eq::store
