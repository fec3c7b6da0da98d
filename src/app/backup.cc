#include "app/backup.h"

#include <sodium.h>
#include <soci/sqlite3/soci-sqlite3.h>
#include <sys/stat.h>
#include <zlib.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>

#include "app/modules.h"
#include "audit/log.h"
#include "channels/module.h"
#include "core/time.h"
#include "store/encrypted_fields.h"
#include "store/migrations.h"
#include "store/query.h"
#include "store/row.h"

namespace eq::app {

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

constexpr const char* kFormat = "equidad-respaldo";
constexpr int kFormatVersion = 1;

Error bad(const std::string& code, const std::string& message, const std::string& field) { return Error{1, code, message, field}; }

// Table and column names come from the catalogue when backing up and from the file when restoring:
// only plain identifiers are ever spliced into SQL.
bool plain_identifier(const std::string& s) {
  if (s.empty() || s.size() > 63) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
}

std::string key_file_of(const Config& c) { return c.key_file.empty() ? default_key_file(c.db_url) : c.key_file; }

// The key, read without ever creating one: a backup or restore with a missing key file is an error,
// not a new installation. Also says when the file was readable by others (load narrows it to 0600).
Result<crypto::Keys> existing_key(const Config& config, std::string* warning) {
  const std::string path = key_file_of(config);
  std::error_code ec;
  if (!fs::exists(path, ec))
    return fail(bad("key_file",
                    "No se encuentra el archivo de claves " + path +
                        ". Indíquelo con --keys (o EQ_KEY_FILE); se guarda aparte del respaldo, que no lo contiene.",
                    "keys"));
  struct stat st {};
  if (warning && ::stat(path.c_str(), &st) == 0 && (st.st_mode & 077))
    *warning = "aviso: el archivo de claves " + path + " era legible por otros usuarios; quedó con permisos 0600.";
  if (!crypto::init()) return fail(Error{500, "crypto", "No se pudo iniciar libsodium.", {}});
  return crypto::Keys::load_or_create(path);
}

class Sha256 {
 public:
  Sha256() { crypto_hash_sha256_init(&st_); }
  void add(const std::string& s) { crypto_hash_sha256_update(&st_, reinterpret_cast<const unsigned char*>(s.data()), s.size()); }
  std::string hex() {
    unsigned char out[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&st_, out);
    char h[crypto_hash_sha256_BYTES * 2 + 1];
    sodium_bin2hex(h, sizeof h, out, sizeof out);
    return h;
  }

 private:
  crypto_hash_sha256_state st_{};
};

// gzip'd lines, written and read through zlib.
class GzWriter {
 public:
  explicit GzWriter(const std::string& path) : f_(gzopen(path.c_str(), "wb6")) {}
  ~GzWriter() {
    if (f_) gzclose(f_);
  }
  bool ok() const { return f_ != nullptr; }
  // Every byte of every line goes into the checksum except the trailer's.
  void line(const std::string& s, bool hashed = true) {
    std::string l = s + "\n";
    if (hashed) sha_.add(l);
    if (gzwrite(f_, l.data(), static_cast<unsigned>(l.size())) != static_cast<int>(l.size()))
      throw std::runtime_error("no se pudo escribir el archivo");
  }
  std::string digest() { return sha_.hex(); }
  bool close() {
    const int rc = gzclose(f_);
    f_ = nullptr;
    return rc == Z_OK;
  }

 private:
  gzFile f_;
  Sha256 sha_;
};

class GzReader {
 public:
  explicit GzReader(const std::string& path) : f_(gzopen(path.c_str(), "rb")) {}
  ~GzReader() {
    if (f_) gzclose(f_);
  }
  bool ok() const { return f_ != nullptr; }
  // False at the end of the file; throws on a damaged stream.
  bool next(std::string& line) {
    for (;;) {
      if (auto nl = buf_.find('\n', pos_); nl != std::string::npos) {
        line.assign(buf_, pos_, nl - pos_);
        pos_ = nl + 1;
        return true;
      }
      buf_.erase(0, pos_);
      pos_ = 0;
      char chunk[1 << 16];
      const int n = gzread(f_, chunk, sizeof chunk);
      if (n < 0) throw std::runtime_error("archivo comprimido dañado");
      if (n == 0) {
        if (buf_.empty()) return false;
        line.swap(buf_);
        buf_.clear();
        return true;
      }
      buf_.append(chunk, static_cast<size_t>(n));
    }
  }

 private:
  gzFile f_;
  std::string buf_;
  size_t pos_ = 0;
};

std::vector<std::string> strings_of(soci::session& s, const std::string& sql, const std::string& bind_name = {},
                                    const std::string& bind_value = {}) {
  std::vector<std::string> out;
  store::Query q(sql);
  if (!bind_name.empty()) q.bind(bind_name, bind_value);
  q.each(s, [&](const soci::row& r) { out.push_back(store::get_str(r, 0)); });
  return out;
}

// Base tables of the database, sqlite's own and the migrations' register left out.
std::vector<std::string> list_tables(soci::session& s, store::Backend b) {
  auto all = b == store::Backend::sqlite
                 ? strings_of(s, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
                 : strings_of(s,
                              "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
                              "AND table_type = 'BASE TABLE' ORDER BY table_name");
  std::vector<std::string> out;
  for (auto& t : all)
    if (t != "schema_migrations") out.push_back(t);
  return out;
}

std::vector<std::string> list_columns(soci::session& s, store::Backend b, const std::string& table) {
  if (b == store::Backend::sqlite) return strings_of(s, "SELECT name FROM pragma_table_info(:t) ORDER BY cid", "t", table);
  return strings_of(s,
                    "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = :t "
                    "ORDER BY ordinal_position",
                    "t", table);
}

// Tables ordered so that every table comes after those its foreign keys name (restoring in this
// order never inserts a row before the row it refers to); a cycle falls back to name order.
std::vector<std::string> dependency_order(soci::session& s, store::Backend b, const std::vector<std::string>& tables) {
  std::map<std::string, std::set<std::string>> parents;
  for (const auto& t : tables) parents[t];
  store::Query q(b == store::Backend::sqlite
                     ? "SELECT m.name, p.\"table\" FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) p WHERE m.type = 'table'"
                     : "SELECT c.conrelid::regclass::text, c.confrelid::regclass::text FROM pg_constraint c "
                       "JOIN pg_class r ON r.oid = c.conrelid JOIN pg_namespace n ON n.oid = r.relnamespace "
                       "WHERE c.contype = 'f' AND n.nspname = current_schema()");
  q.each(s, [&](const soci::row& r) {
    const auto child = store::get_str(r, 0), parent = store::get_str(r, 1);
    if (parents.count(child) && parents.count(parent) && child != parent) parents[child].insert(parent);
  });
  std::vector<std::string> out;
  std::set<std::string> done;
  while (out.size() < tables.size()) {
    bool progressed = false;
    for (const auto& t : tables) {
      if (done.count(t)) continue;
      if (std::all_of(parents[t].begin(), parents[t].end(), [&](const std::string& p) { return done.count(p) > 0; })) {
        out.push_back(t);
        done.insert(t);
        progressed = true;
      }
    }
    if (!progressed)
      for (const auto& t : tables)
        if (!done.count(t)) {
          out.push_back(t);
          done.insert(t);
          break;
        }
  }
  return out;
}

std::map<std::string, std::vector<int>> migration_versions(soci::session& s) {
  std::map<std::string, std::vector<int>> out;
  store::Query("SELECT module, version FROM schema_migrations ORDER BY module, version").each(s, [&](const soci::row& r) {
    out[store::get_str(r, 0)].push_back(static_cast<int>(store::get_int(r, 1)));
  });
  return out;
}

std::string join(const std::vector<std::string>& v, const std::string& sep) {
  std::string out;
  for (const auto& x : v) out += (out.empty() ? "" : sep) + x;
  return out;
}

// Rows of one table as JSON arrays. SQLite values are read through its C API by storage class, so
// an integer in a column declared INTEGER keeps all 64 bits and a real keeps every digit;
// PostgreSQL's come typed from SOCI.
void each_row(soci::session& s, store::Backend b, const std::string& table, const std::vector<std::string>& columns,
              const std::function<void(const json&)>& fn) {
  const std::string sql = "SELECT " + join(columns, ", ") + " FROM " + table + " ORDER BY 1";
  if (b == store::Backend::sqlite) {
    using namespace sqlite_api;  // SOCI's header wraps sqlite3.h in this namespace
    auto* backend = static_cast<soci::sqlite3_session_backend*>(s.get_backend());
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(backend->conn_, sql.c_str(), -1, &st, nullptr) != SQLITE_OK)
      throw std::runtime_error(table + ": " + sqlite3_errmsg(backend->conn_));
    std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> guard(st, sqlite3_finalize);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
      json row = json::array();
      for (int i = 0; i < static_cast<int>(columns.size()); ++i) {
        switch (sqlite3_column_type(st, i)) {
          case SQLITE_INTEGER: row.push_back(static_cast<int64_t>(sqlite3_column_int64(st, i))); break;
          case SQLITE_FLOAT: row.push_back(sqlite3_column_double(st, i)); break;
          case SQLITE_NULL: row.push_back(nullptr); break;
          case SQLITE_BLOB: throw std::runtime_error(table + "." + columns[i] + ": valor binario no previsto");
          default:
            row.push_back(std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, i)),
                                      static_cast<size_t>(sqlite3_column_bytes(st, i))));
        }
      }
      fn(row);
    }
    if (rc != SQLITE_DONE) throw std::runtime_error(table + ": " + sqlite3_errmsg(backend->conn_));
    return;
  }
  store::Query(sql).each(s, [&](const soci::row& r) {
    json row = json::array();
    for (size_t i = 0; i < columns.size(); ++i) {
      if (r.get_indicator(i) == soci::i_null) {
        row.push_back(nullptr);
        continue;
      }
      switch (r.get_properties(i).get_data_type()) {
        case soci::dt_integer:
        case soci::dt_long_long:
        case soci::dt_unsigned_long_long: row.push_back(store::get_int(r, i)); break;
        case soci::dt_double: row.push_back(r.get<double>(i)); break;
        case soci::dt_string: row.push_back(r.get<std::string>(i)); break;
        default: throw std::runtime_error(table + "." + columns[i] + ": tipo de columna no previsto");
      }
    }
    fn(row);
  });
}

std::string dialect_name(store::Backend b) { return b == store::Backend::sqlite ? "sqlite" : "postgresql"; }

Result<std::unique_ptr<store::Database>> open_db(const Config& config) {
  store::Options o;
  o.url = config.db_url;
  o.pool_size = 1;
  return store::Database::open(o);
}

}  // namespace

Result<BackupSummary> write_backup(const Config& config, const std::string& out) {
  std::error_code ec;
  if (fs::exists(out, ec)) return fail(Error::conflict("exists", "El archivo de respaldo ya existe: " + out, "out"));
  if (config.db_url.rfind("sqlite:", 0) == 0 && !fs::exists(config.db_url.substr(7), ec))
    return fail(bad("db", "No existe la base de datos " + config.db_url.substr(7) + ".", "db"));
  std::string warning;
  auto keys = existing_key(config, &warning);
  if (!keys) return fail(keys.error());
  if (!warning.empty()) std::fprintf(stderr, "%s\n", warning.c_str());
  auto db = open_db(config);
  if (!db) return fail(db.error());
  auto lease = (*db)->lease();
  if (!lease) return fail(lease.error());
  soci::session& s = **lease;
  const auto backend = (*db)->backend();
  BackupSummary sum;
  sum.fingerprint = keys->fingerprint();
  const std::string tmp = out + ".partial";
  bool open_tx = false;
  try {
    // One snapshot for every table, without blocking the server's writers: a deferred read
    // transaction on SQLite (WAL), REPEATABLE READ on PostgreSQL.
    s << (backend == store::Backend::sqlite ? "BEGIN" : "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY");
    open_tx = true;
    const auto fields = kernel::encrypted_fields(modules());
    // A backup whose ciphertexts the named key cannot open would be useless: checked first.
    if (auto ok = store::verify_keys(s, fields, *keys); !ok) {
      s << "ROLLBACK";
      return fail(ok.error());
    }
    sum.note = "Este respaldo necesita la clave con huella " + sum.fingerprint + " (hoy en " + key_file_of(config) +
               "; tras una rotación queda como «.retired-…»). Columnas cifradas con ella:\n";
    json census = json::object();
    for (const auto& [column, n] : store::census(s, fields)) {
      sum.note += "  " + column + ": " + std::to_string(n) + "\n";
      census[column] = n;
    }
    const auto tables = dependency_order(s, backend, list_tables(s, backend));
    json header = {{"format", kFormat},
                   {"format_version", kFormatVersion},
                   {"created_at", now_ms()},
                   {"created_at_utc", iso8601_utc(now_ms())},
                   {"equidad_version", EQ_VERSION},
                   {"source_dialect", dialect_name(backend)},
                   {"key_fingerprint", sum.fingerprint},
                   {"migrations", migration_versions(s)},
                   {"encrypted_columns", census},
                   {"tables", tables}};
    {
      GzWriter w(tmp);
      if (!w.ok()) {
        s << "ROLLBACK";
        return fail(bad("write_failed", "No se pudo crear " + tmp + ".", "out"));
      }
      w.line(header.dump());
      for (const auto& t : tables) {
        if (!plain_identifier(t)) throw std::runtime_error("nombre de tabla inesperado: " + t);
        const auto columns = list_columns(s, backend, t);
        for (const auto& c : columns)
          if (!plain_identifier(c)) throw std::runtime_error("nombre de columna inesperado: " + t + "." + c);
        w.line(json{{"table", t}, {"columns", columns}}.dump());
        long long n = 0;
        each_row(s, backend, t, columns, [&](const json& row) {
          w.line(row.dump());
          ++n;
        });
        sum.rows += n;
        ++sum.tables;
      }
      sum.sha256 = w.digest();
      w.line(json{{"end", {{"tables", sum.tables}, {"rows", sum.rows}, {"sha256", sum.sha256}}}}.dump(), false);
      if (!w.close()) throw std::runtime_error("no se pudo cerrar el archivo");
    }
    s << "COMMIT";
    open_tx = false;
  } catch (const std::exception& e) {
    if (open_tx) try {
        s << "ROLLBACK";
      } catch (...) {
      }
    fs::remove(tmp, ec);
    return fail(bad("backup_failed", std::string("No se pudo escribir el respaldo: ") + e.what(), "out"));
  }
  // Renamed into place only when complete: a file at `out` is always a whole backup.
  fs::rename(tmp, out, ec);
  if (ec) return fail(bad("backup_failed", "No se pudo mover el respaldo a " + out + ": " + ec.message(), "out"));
  return sum;
}

Result<BackupSummary> restore_backup(const Config& config, const std::string& in) {
  std::error_code ec;
  if (!fs::exists(in, ec)) return fail(bad("in", "No existe el archivo de respaldo " + in + ".", "in"));
  BackupSummary sum;
  json header;
  // 1. The whole file is read once to check its checksum before anything is written anywhere.
  try {
    GzReader r(in);
    if (!r.ok()) return fail(bad("in", "No se pudo abrir " + in + ".", "in"));
    Sha256 sha;
    std::string line;
    std::optional<json> trailer;
    long long lines = 0, rows = 0, tables = 0;
    while (r.next(line)) {
      if (trailer) return fail(bad("tampered", "El respaldo tiene contenido después de su cierre: fue alterado.", "in"));
      if (lines == 0) {
        header = json::parse(line, nullptr, false);
        if (!header.is_object() || header.value("format", "") != kFormat)
          return fail(bad("format", "El archivo " + in + " no es un respaldo de Equidad.", "in"));
        if (header.value("format_version", 0) != kFormatVersion)
          return fail(bad("format", "Versión de formato de respaldo no soportada: " + header["format_version"].dump() + ".", "in"));
      } else if (line.rfind("{\"end\":", 0) == 0) {
        trailer = json::parse(line, nullptr, false);
        ++lines;
        continue;
      } else if (!line.empty() && line[0] == '{') {  // a table line (rows are arrays)
        ++tables;
      } else {
        ++rows;
      }
      sha.add(line + "\n");
      ++lines;
    }
    if (!trailer || !trailer->is_object() || !(*trailer)["end"].is_object())
      return fail(bad("truncated", "El respaldo está incompleto (falta su cierre con la suma de verificación).", "in"));
    const auto& end = (*trailer)["end"];
    if (end.value("sha256", "") != sha.hex() || end.value("rows", -1LL) != rows || end.value("tables", -1LL) != tables)
      return fail(bad("tampered",
                      "La suma de verificación SHA-256 del respaldo no coincide: el archivo fue alterado o está dañado. "
                      "No se restauró nada.",
                      "in"));
    sum.sha256 = end.value("sha256", "");
  } catch (const std::exception& e) {
    return fail(bad("in", std::string("No se pudo leer el respaldo: ") + e.what(), "in"));
  }

  // 2. The key: the one the ciphertexts need, by fingerprint.
  std::string warning;
  auto keys = existing_key(config, &warning);
  if (!keys) return fail(keys.error());
  if (!warning.empty()) std::fprintf(stderr, "%s\n", warning.c_str());
  sum.fingerprint = header.value("key_fingerprint", "");
  if (keys->fingerprint() != sum.fingerprint)
    return fail(bad("wrong_key",
                    "La clave " + key_file_of(config) + " (huella " + keys->fingerprint() + ") no es la que este respaldo necesita (huella " +
                        sum.fingerprint + "). Indique con --keys el archivo de claves guardado junto con el respaldo.",
                    "keys"));

  // 3. The target must be empty: no tables, or only a schema nobody has used (no audit entry, no account).
  auto db = open_db(config);
  if (!db) return fail(db.error());
  const auto backend = (*db)->backend();
  try {
    auto lease = (*db)->lease();
    if (!lease) return fail(lease.error());
    soci::session& s = **lease;
    const auto tables = list_tables(s, backend);
    if (!tables.empty()) {
      const std::set<std::string> have(tables.begin(), tables.end());
      long long used = 0;
      for (const char* t : {"audit_log", "users"})
        if (have.count(t)) used += store::Query(std::string("SELECT COUNT(*) FROM ") + t).scalar(s).value_or(0);
      if (!have.count("audit_log") || used > 0)
        return fail(Error::conflict("not_empty",
                                    "La base de datos de destino no está vacía (" + std::to_string(tables.size()) +
                                        " tablas con datos). Restaure en una base de datos nueva y vacía; no se modificó nada.",
                                    "db"));
    }
  } catch (const std::exception& e) {
    return fail(store::database_error(e));
  }

  // 4. This version's schema, which must be exactly the backup's.
  const auto all_modules = modules();
  auto migrated = store::apply_migrations(**db, kernel::migrations(all_modules), config.data_dir);
  if (!migrated) return fail(migrated.error());
  std::vector<std::string> target_tables;
  {
    auto lease = (*db)->lease();
    if (!lease) return fail(lease.error());
    try {
      const json mine = migration_versions(**lease);
      if (mine != header["migrations"]) {
        std::string diff;
        std::set<std::string> names;
        for (const auto& [k, v] : mine.items()) names.insert(k);
        for (const auto& [k, v] : header["migrations"].items()) names.insert(k);
        for (const auto& n : names) {
          const auto a = header["migrations"].value(n, json::array()), b = mine.value(n, json::array());
          if (a != b)
            diff += (diff.empty() ? "" : "; ") + n + ": respaldo " + (a.empty() ? "—" : a.back().dump()) + ", esta versión " +
                    (b.empty() ? "—" : b.back().dump());
        }
        return fail(Error::conflict("migrations",
                                    "Las migraciones del respaldo no coinciden con las de esta versión de Equidad (" + diff +
                                        "). Restaure con la versión " + header.value("equidad_version", "?") +
                                        " y migre después. No se copiaron datos.",
                                    "in"));
      }
      target_tables = list_tables(**lease, backend);
    } catch (const std::exception& e) {
      return fail(store::database_error(e));
    }
  }

  // 5. Every row in one transaction: an error anywhere leaves no data behind.
  const std::set<std::string> target_set(target_tables.begin(), target_tables.end());
  auto copied = (*db)->transaction<long long>([&](soci::session& s) -> Result<long long> {
    if (backend == store::Backend::sqlite) s << "PRAGMA defer_foreign_keys = ON";
    // What migrations seeded (reference data) is replaced by the backup's copy, children first.
    const auto order = dependency_order(s, backend, target_tables);
    for (auto it = order.rbegin(); it != order.rend(); ++it)
      if (store::Query("SELECT COUNT(*) FROM " + *it).scalar(s).value_or(0) > 0) s << ("DELETE FROM " + *it);
    GzReader r(in);
    std::string line;
    r.next(line);  // header
    std::string table;
    std::vector<std::string> columns;
    std::vector<json> pending;
    size_t batch = 1;
    long long n = 0;
    auto flush = [&] {
      if (pending.empty()) return;
      std::string sql = "INSERT INTO " + table + " (" + join(columns, ", ") + ") VALUES ";
      store::Query q("");
      for (size_t i = 0; i < pending.size(); ++i) {
        sql += i ? ", (" : "(";
        for (size_t c = 0; c < columns.size(); ++c) {
          const std::string p = "p" + std::to_string(i) + "_" + std::to_string(c);
          sql += (c ? ", :" : ":") + p;
          const json& v = pending[i][c];
          if (v.is_null()) q.bind_opt(p, std::optional<std::string>());
          else if (v.is_number_integer()) q.bind(p, v.get<long long>());
          else if (v.is_number_float()) q.bind_double(p, v.get<double>());
          else if (v.is_boolean()) q.bind(p, static_cast<long long>(v.get<bool>()));
          else if (v.is_string()) q.bind(p, v.get<std::string>());
          else throw std::runtime_error(table + "." + columns[c] + ": valor no previsto");
        }
        sql += ")";
      }
      q.sql(sql).exec(s);
      n += static_cast<long long>(pending.size());
      pending.clear();
    };
    while (r.next(line)) {
      if (line.rfind("{\"end\":", 0) == 0) break;
      json v = json::parse(line);
      if (v.is_object()) {
        flush();
        table = v.at("table").get<std::string>();
        columns = v.at("columns").get<std::vector<std::string>>();
        if (!plain_identifier(table) || !target_set.count(table))
          return fail(bad("schema", "El respaldo trae la tabla «" + table + "», que esta base de datos no tiene.", "in"));
        const auto mine = list_columns(s, backend, table);
        if (std::set<std::string>(mine.begin(), mine.end()) != std::set<std::string>(columns.begin(), columns.end()))
          return fail(bad("schema", "Las columnas de «" + table + "» del respaldo no coinciden con las de esta base de datos.", "in"));
        // Multi-row inserts, under SQLite's limit of bound parameters per statement.
        batch = std::max<size_t>(1, std::min<size_t>(200, 900 / std::max<size_t>(1, columns.size())));
        continue;
      }
      if (!v.is_array() || v.size() != columns.size())
        return fail(bad("format", "Fila mal formada en la tabla «" + table + "» del respaldo.", "in"));
      pending.push_back(std::move(v));
      if (pending.size() >= batch) flush();
    }
    flush();
    if (backend == store::Backend::postgresql) {
      // Identity columns continue after the restored ids.
      std::vector<std::pair<std::string, std::string>> ids;
      store::Query(
          "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema() "
          "AND (is_identity = 'YES' OR column_default LIKE 'nextval%')")
          .each(s, [&](const soci::row& row) { ids.emplace_back(store::get_str(row, 0), store::get_str(row, 1)); });
      for (const auto& [t, c] : ids)
        if (plain_identifier(t) && plain_identifier(c))
          store::Query("SELECT setval(pg_get_serial_sequence(:t, :c), COALESCE((SELECT MAX(" + c + ") FROM " + t + "), 0) + 1, false)")
              .bind("t", t)
              .bind("c", c)
              .scalar(s);
    }
    // Proof before commit that the key opens what was restored.
    if (auto ok = store::verify_keys(s, kernel::encrypted_fields(all_modules), *keys); !ok) return fail(ok.error());
    return n;
  });
  if (!copied) return fail(copied.error());
  // The secrets kept beside the key are not in the backup either; without them the server would make
  // new ones: the audit chain's seals would no longer verify, repeat callers would not be recognised,
  // and the telephony switch's signatures would be refused.
  const std::string kf = key_file_of(config);
  for (const auto& [path, what] : std::vector<std::pair<std::string, std::string>>{
           {audit::seal_path_for(kf), "el sello de la auditoría (sin él, `audit verify` no podrá comprobar las entradas restauradas)"},
           {channels::callers_key_path(kf), "la clave de llamantes (sin ella, no se reconocerá a quien ya llamó)"},
           {channels::telephony_secret_path(kf), "el secreto de la central telefónica"}})
    if (!fs::exists(path, ec))
      sum.note += "aviso: falta " + path + ", " + what + ". Cópielo desde el respaldo de claves antes de iniciar el servidor.\n";
  sum.rows = *copied;
  sum.tables = static_cast<long long>(header["tables"].size());
  return sum;
}

}  // namespace eq::app
