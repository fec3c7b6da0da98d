#include "audit/log.h"

#include <sodium.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>

#include "core/crypto.h"
#include "core/time.h"
#include "store/query.h"

namespace eq::audit {

namespace {
// Within one process appends are serialised here; across processes the database lock does it
// (SQLite's write lock held by BEGIN IMMEDIATE, a transaction-scoped advisory lock on PostgreSQL).
std::mutex append_mutex;
const char* kGenesis = "0000000000000000000000000000000000000000000000000000000000000000";
}  // namespace

Seal Seal::from_secret(std::string_view secret32) {
  Seal k;
  unsigned char master[crypto_kdf_KEYBYTES];
  std::memcpy(master, secret32.data(), std::min(secret32.size(), sizeof master));
  crypto_kdf_derive_from_key(k.mac_key_.data(), k.mac_key_.size(), 1, "eqauditm", master);
  unsigned char seed[crypto_sign_SEEDBYTES];
  crypto_kdf_derive_from_key(seed, sizeof seed, 2, "eqaudits", master);
  crypto_sign_seed_keypair(k.sign_pk_.data(), k.sign_sk_.data(), seed);
  sodium_memzero(master, sizeof master);
  sodium_memzero(seed, sizeof seed);
  return k;
}

Result<Seal> Seal::load_or_create(const std::string& path) {
  auto bad = [&](const std::string& why) { return fail(Error{500, "audit_key", why + " (" + path + ")", "keys"}); };
  if (sodium_init() < 0) return bad("No se pudo iniciar libsodium.");
  if (!std::filesystem::exists(path)) {
    unsigned char secret[32];
    randombytes_buf(secret, sizeof secret);
    char hexed[65];
    sodium_bin2hex(hexed, sizeof hexed, secret, sizeof secret);
    sodium_memzero(secret, sizeof secret);
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) return bad("No se pudo crear la clave de auditoría");
    std::string line = std::string(hexed, 64) + "\n";
    const bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) && ::fsync(fd) == 0;
    ::close(fd);
    if (!ok) return bad("No se pudo escribir la clave de auditoría");
  }
  std::ifstream in(path);
  std::string text;
  if (!(in >> text)) return bad("No se pudo leer la clave de auditoría");
  unsigned char secret[32];
  size_t len = 0;
  if (text.size() != 64 || sodium_hex2bin(secret, sizeof secret, text.data(), text.size(), nullptr, &len, nullptr) != 0 || len != 32)
    return bad("La clave de auditoría no es válida");
  Seal k = from_secret(std::string_view(reinterpret_cast<const char*>(secret), sizeof secret));
  sodium_memzero(secret, sizeof secret);
  return k;
}

std::string Seal::mac(const std::string& hash) const {
  unsigned char out[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256(out, reinterpret_cast<const unsigned char*>(hash.data()), hash.size(), mac_key_.data());
  return crypto::hex(std::string_view(reinterpret_cast<const char*>(out), sizeof out));
}

std::string Seal::public_key() const {
  return crypto::base64url(std::string_view(reinterpret_cast<const char*>(sign_pk_.data()), sign_pk_.size()));
}

std::string Seal::sign(std::string_view message) const {
  unsigned char sig[crypto_sign_BYTES];
  crypto_sign_detached(sig, nullptr, reinterpret_cast<const unsigned char*>(message.data()), message.size(), sign_sk_.data());
  return crypto::base64url(std::string_view(reinterpret_cast<const char*>(sig), sizeof sig));
}

bool Seal::verify_signature(std::string_view public_key_b64, std::string_view message, std::string_view signature_b64) {
  auto pk = crypto::from_base64url(public_key_b64);
  auto sig = crypto::from_base64url(signature_b64);
  if (!pk || !sig || pk->size() != crypto_sign_PUBLICKEYBYTES || sig->size() != crypto_sign_BYTES) return false;
  return crypto_sign_verify_detached(reinterpret_cast<const unsigned char*>(sig->data()),
                                     reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                                     reinterpret_cast<const unsigned char*>(pk->data())) == 0;
}

std::string seal_path_for(const std::string& key_file) {
  std::filesystem::path p(key_file);
  if (p.extension() == ".key") return p.replace_extension(".audit.key").string();
  return key_file + ".audit.key";
}

std::string checkpoint_message(const Checkpoint& c) {
  return "equidad-audit-checkpoint/v1\n" + std::to_string(c.seq) + "\n" + c.hash + "\n" + std::to_string(c.at);
}

http::Json to_json(const Checkpoint& c) {
  return {{"format", "equidad-audit-checkpoint/v1"}, {"seq", c.seq}, {"hash", c.hash}, {"at", c.at},
          {"public_key", c.public_key}, {"signature", c.signature}};
}

Result<Checkpoint> checkpoint_from_json(const http::Json& j) {
  auto bad = fail(Error::invalid("checkpoint", "El archivo no es un punto de control de auditoría de Equidad.", "invalid_checkpoint"));
  if (!j.is_object() || j.value("format", std::string()) != "equidad-audit-checkpoint/v1") return bad;
  for (const char* k : {"seq", "at"})
    if (!j.contains(k) || !j[k].is_number_integer()) return bad;
  for (const char* k : {"hash", "public_key", "signature"})
    if (!j.contains(k) || !j[k].is_string()) return bad;
  Checkpoint c;
  c.seq = j["seq"].get<int64_t>();
  c.at = j["at"].get<int64_t>();
  c.hash = j["hash"].get<std::string>();
  c.public_key = j["public_key"].get<std::string>();
  c.signature = j["signature"].get<std::string>();
  return c;
}

std::vector<store::Migration> migrations() {
  return {store::sql_migration(
              "audit", 1, "hash-chained audit log",
              {"CREATE TABLE audit_log (seq {{bigint}} PRIMARY KEY, at {{bigint}} NOT NULL, actor_user_id {{bigint}}, "
               "actor_institution_id {{bigint}}, action TEXT NOT NULL, object TEXT NOT NULL, client_ip TEXT NOT NULL, "
               "outcome TEXT NOT NULL, detail TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL)",
               "CREATE INDEX audit_log_actor ON audit_log(actor_user_id, seq)",
               "CREATE INDEX audit_log_at ON audit_log(at)"}),
          {"audit", 2, "refuse updates and deletes", [](soci::session& s, const store::MigrationContext& ctx) {
             if (ctx.backend == store::Backend::sqlite) {
               s << "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END";
               s << "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END";
             } else {
               s << "CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                    "RAISE EXCEPTION 'audit log is append-only'; END $$";
               s << "CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log "
                    "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()";
             }
           }},
          store::sql_migration("audit", 3, "keyed seal (HMAC) of each entry",
                               {"ALTER TABLE audit_log ADD COLUMN mac TEXT NOT NULL DEFAULT ''"})};
}

std::string chain_hash(const std::string& prev_hash, const Stored& e) {
  // Canonical form: a JSON array has one serialisation for the same values.
  http::Json canon = {e.seq,
                      e.at,
                      e.actor_user_id ? http::Json(*e.actor_user_id) : http::Json(nullptr),
                      e.actor_institution_id ? http::Json(*e.actor_institution_id) : http::Json(nullptr),
                      e.action,
                      e.object,
                      e.client_ip,
                      e.outcome,
                      e.detail};
  return crypto::sha256_hex(prev_hash + canon.dump(-1, ' ', false, http::Json::error_handler_t::replace));
}

namespace {
// The chain step under the in-process mutex: read the last link, write the next one.
void append_chained(soci::session& s, const Entry& e, const Seal* seal) {
  std::lock_guard lock(append_mutex);
  Stored st;
  static_cast<Entry&>(st) = e;
  long long last_seq = 0;
  std::string last_hash;
  soci::indicator ind_seq, ind_hash;
  s << "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1", soci::into(last_seq, ind_seq), soci::into(last_hash, ind_hash);
  bool empty = !s.got_data();
  st.seq = empty ? 1 : last_seq + 1;
  st.prev_hash = empty ? kGenesis : last_hash;
  st.at = now_ms();
  st.hash = chain_hash(st.prev_hash, st);
  if (seal) st.mac = seal->mac(st.hash);
  soci::indicator ia = e.actor_user_id ? soci::i_ok : soci::i_null;
  soci::indicator ii = e.actor_institution_id ? soci::i_ok : soci::i_null;
  long long actor = e.actor_user_id.value_or(0), inst = e.actor_institution_id.value_or(0);
  long long seq = st.seq, at = st.at;
  s << "INSERT INTO audit_log(seq, at, actor_user_id, actor_institution_id, action, object, client_ip, outcome, detail, "
       "prev_hash, hash, mac) VALUES(:seq, :at, :actor, :inst, :action, :object, :ip, :outcome, :detail, :prev, :hash, :mac)",
      soci::use(seq), soci::use(at), soci::use(actor, ia), soci::use(inst, ii), soci::use(st.action), soci::use(st.object),
      soci::use(st.client_ip), soci::use(st.outcome), soci::use(st.detail), soci::use(st.prev_hash), soci::use(st.hash), soci::use(st.mac);
}
}  // namespace

void Log::append(soci::session& s, const Entry& e) {
  // The database's lock first, and only then the in-process mutex. The other order deadlocks:
  // - PostgreSQL: a transaction appending its second entry waited for the mutex while the mutex's
  //   holder waited for that transaction's advisory lock (held to the end of the caller's
  //   transaction).
  // - SQLite: an append on a session outside a transaction (an audited read through
  //   store::with_session) took the mutex, then its INSERT waited for the write lock held by a
  //   transaction that was itself waiting for the mutex: both stalled for the 10-second busy
  //   timeout and the read failed with 503. Such an append now takes the write lock itself
  //   (BEGIN IMMEDIATE, waiting without the mutex) and commits its own entry.
  //   The same holds on PostgreSQL: outside a transaction the transaction-scoped advisory lock
  //   would end with its own statement and leave the hash-chain step unguarded against another
  //   instance on the same database, so such an append also gets a transaction of its own.
  bool own_transaction = false;
  if (db_.backend() == store::Backend::postgresql) {
    auto* backend = static_cast<soci::postgresql_session_backend*>(s.get_backend());
    if (PQtransactionStatus(backend->conn_) == PQTRANS_IDLE) {
      s << "BEGIN";
      own_transaction = true;
    }
    s << "SELECT pg_advisory_xact_lock(727202)";
  } else {
    using namespace sqlite_api;  // SOCI's header wraps sqlite3.h in this namespace
    auto* backend = static_cast<soci::sqlite3_session_backend*>(s.get_backend());
    if (sqlite3_get_autocommit(backend->conn_)) {
      s << "BEGIN IMMEDIATE";
      own_transaction = true;
    }
  }
  try {
    append_chained(s, e, seal_.get());
  } catch (...) {
    if (own_transaction) {
      try {
        s << "ROLLBACK";
      } catch (...) {
      }
    }
    throw;
  }
  if (own_transaction) s << "COMMIT";
}

Result<void> Log::append(const Entry& e) {
  return db_.transaction<void>([&](soci::session& s) -> Result<void> {
    append(s, e);
    return {};
  });
}

Entry Log::from(const http::Request& req, std::string action, std::string object, std::string outcome) {
  Entry e;
  if (req.principal) {
    e.actor_user_id = req.principal->user_id;
    e.actor_institution_id = req.principal->institution_id;
  }
  e.action = std::move(action);
  e.object = std::move(object);
  e.client_ip = req.client_ip;
  e.outcome = std::move(outcome);
  return e;
}

namespace {
Stored stored_from(const soci::row& r) {
  Stored st;
  st.seq = store::get_int(r, 0);
  st.at = store::get_int(r, 1);
  st.actor_user_id = store::get_opt_int(r, 2);
  st.actor_institution_id = store::get_opt_int(r, 3);
  st.action = r.get<std::string>(4);
  st.object = r.get<std::string>(5);
  st.client_ip = r.get<std::string>(6);
  st.outcome = r.get<std::string>(7);
  st.detail = r.get<std::string>(8);
  st.prev_hash = r.get<std::string>(9);
  st.hash = r.get<std::string>(10);
  st.mac = r.get<std::string>(11);
  return st;
}
const char* kColumns =
    "SELECT seq, at, actor_user_id, actor_institution_id, action, object, client_ip, outcome, detail, prev_hash, hash, mac FROM audit_log";
}  // namespace

Result<std::vector<Stored>> Log::list(const Filter& f) {
  auto lease = db_.lease();
  if (!lease) return fail(lease.error());
  try {
    store::Query q(kColumns + std::string(" WHERE 1=1"));
    if (f.actor_user_id) q.sql(" AND actor_user_id = :actor").bind("actor", static_cast<long long>(*f.actor_user_id));
    if (f.institution_id) q.sql(" AND actor_institution_id = :inst").bind("inst", static_cast<long long>(*f.institution_id));
    if (!f.action_prefix.empty()) q.sql(" AND action LIKE :action").bind("action", f.action_prefix + "%");
    if (!f.outcome.empty()) q.sql(" AND outcome = :outcome").bind("outcome", f.outcome);
    if (f.from_ms) q.sql(" AND at >= :from_ms").bind("from_ms", static_cast<long long>(*f.from_ms));
    if (f.to_ms) q.sql(" AND at < :to_ms").bind("to_ms", static_cast<long long>(*f.to_ms));
    if (f.before_seq) q.sql(" AND seq < :before").bind("before", static_cast<long long>(*f.before_seq));
    q.sql(" ORDER BY seq DESC LIMIT " + std::to_string(std::clamp(f.limit, 1, 500)));
    std::vector<Stored> out;
    q.each(**lease, [&](const soci::row& r) { out.push_back(stored_from(r)); });
    return out;
  } catch (const std::exception& e) {
    return fail(store::database_error(e));
  }
}

Result<Verification> Log::recent_verification(std::chrono::seconds max_age) {
  {
    std::lock_guard lock(recent_mu_);
    if (recent_ && std::chrono::steady_clock::now() - recent_at_ < max_age) return *recent_;
  }
  auto v = verify();
  if (!v) return v;
  std::lock_guard lock(recent_mu_);
  recent_ = *v;
  recent_at_ = std::chrono::steady_clock::now();
  return v;
}

Result<void> Log::set_seal(std::shared_ptr<const Seal> seal) {
  seal_ = std::move(seal);
  if (!seal_) return {};
  {
    auto lease = db_.lease();  // returned before append() takes one of its own
    if (!lease) return fail(lease.error());
    std::string mac;
    soci::indicator ind = soci::i_ok;
    try {
      **lease << "SELECT mac FROM audit_log ORDER BY seq DESC LIMIT 1", soci::into(mac, ind);
      if (!(*lease)->got_data() || !mac.empty()) return {};
    } catch (const std::exception& e) {
      return fail(store::database_error(e));
    }
  }
  Entry e;
  e.action = "audit.sealed";
  e.outcome = "ok";
  e.detail = "desde aquí cada entrada lleva sello (HMAC)";
  return append(e);
}

Result<Checkpoint> Log::checkpoint() {
  if (!seal_) return fail(Error{500, "audit_key", "No hay clave de auditoría para firmar.", {}});
  auto lease = db_.lease();
  if (!lease) return fail(lease.error());
  Checkpoint c;
  try {
    long long seq = 0;
    soci::indicator ind = soci::i_ok;
    **lease << "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1", soci::into(seq, ind), soci::into(c.hash);
    if (!(*lease)->got_data())
      return fail(Error::conflict("empty", "El registro de auditoría está vacío: no hay nada que fijar.", {}));
    c.seq = seq;
  } catch (const std::exception& e) {
    return fail(store::database_error(e));
  }
  c.at = now_ms();
  c.public_key = seal_->public_key();
  c.signature = seal_->sign(checkpoint_message(c));
  return c;
}

Result<Verification> Log::verify(const std::optional<Checkpoint>& checkpoint) {
  Verification v;
  auto broken = [&v](int64_t seq, std::string reason) {
    v.ok = false;
    v.first_broken_seq = seq;
    v.reason = std::move(reason);
    return v;
  };
  if (checkpoint) {
    if (!Seal::verify_signature(checkpoint->public_key, checkpoint_message(*checkpoint), checkpoint->signature))
      return fail(Error::invalid("checkpoint", "La firma del punto de control no es válida.", "invalid_signature"));
    if (seal_ && checkpoint->public_key != seal_->public_key())
      return fail(Error::invalid("checkpoint", "El punto de control no fue firmado con la clave de auditoría de esta instalación.",
                                 "foreign_checkpoint"));
  }
  auto lease = db_.lease();
  if (!lease) return fail(lease.error());
  try {
    std::string prev = kGenesis;
    int64_t expected_seq = 1;
    bool sealed_seen = false, last_sealed = false;
    soci::rowset<soci::row> rows = ((*lease)->prepare << kColumns + std::string(" ORDER BY seq"));
    for (const auto& r : rows) {
      Stored st = stored_from(r);
      // A gap (deleted row), a wrong link or a wrong hash all break the chain here.
      if (st.seq != expected_seq) return broken(expected_seq, "falta la entrada (borrada)");
      if (st.prev_hash != prev || chain_hash(prev, st) != st.hash) return broken(st.seq, "el hash no corresponde (entrada modificada)");
      if (seal_) {
        // Unsealed entries may only precede every sealed one (a log from before sealing).
        if (st.mac.empty()) {
          if (sealed_seen) return broken(st.seq, "la entrada no tiene sello");
          ++v.unsealed;
        } else if (!crypto::equal_constant_time(st.mac, seal_->mac(st.hash))) {
          return broken(st.seq, "el sello no corresponde (cadena reescrita sin la clave de auditoría)");
        }
        sealed_seen = sealed_seen || !st.mac.empty();
        last_sealed = !st.mac.empty();
      }
      if (checkpoint && st.seq == checkpoint->seq && st.hash != checkpoint->hash)
        return broken(st.seq, "la entrada difiere del punto de control firmado (reescrita)");
      prev = st.hash;
      ++expected_seq;
      ++v.count;
    }
    // Stripping every seal would otherwise make the whole log pass for one from before sealing.
    if (seal_ && v.count > 0 && !last_sealed) return broken(v.count, "la última entrada no tiene sello");
    if (checkpoint && v.count < checkpoint->seq)
      return broken(v.count + 1, "el registro termina antes del punto de control firmado (entradas borradas)");
    return v;
  } catch (const std::exception& e) {
    return fail(store::database_error(e));
  }
}

}  // namespace eq::audit
