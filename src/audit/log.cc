#include "audit/log.h"

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
           }}};
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

void Log::append(soci::session& s, const Entry& e) {
  std::lock_guard lock(append_mutex);
  if (db_.backend() == store::Backend::postgresql) s << "SELECT pg_advisory_xact_lock(727202)";
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
  soci::indicator ia = e.actor_user_id ? soci::i_ok : soci::i_null;
  soci::indicator ii = e.actor_institution_id ? soci::i_ok : soci::i_null;
  long long actor = e.actor_user_id.value_or(0), inst = e.actor_institution_id.value_or(0);
  long long seq = st.seq, at = st.at;
  s << "INSERT INTO audit_log(seq, at, actor_user_id, actor_institution_id, action, object, client_ip, outcome, detail, "
       "prev_hash, hash) VALUES(:seq, :at, :actor, :inst, :action, :object, :ip, :outcome, :detail, :prev, :hash)",
      soci::use(seq), soci::use(at), soci::use(actor, ia), soci::use(inst, ii), soci::use(st.action), soci::use(st.object),
      soci::use(st.client_ip), soci::use(st.outcome), soci::use(st.detail), soci::use(st.prev_hash), soci::use(st.hash);
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
  return st;
}
const char* kColumns =
    "SELECT seq, at, actor_user_id, actor_institution_id, action, object, client_ip, outcome, detail, prev_hash, hash FROM audit_log";
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

Result<Verification> Log::verify() {
  auto lease = db_.lease();
  if (!lease) return fail(lease.error());
  try {
    Verification v;
    std::string prev = kGenesis;
    int64_t expected_seq = 1;
    soci::rowset<soci::row> rows = ((*lease)->prepare << kColumns + std::string(" ORDER BY seq"));
    for (const auto& r : rows) {
      Stored st = stored_from(r);
      // A gap (deleted row), a wrong link or a wrong hash all break the chain here.
      if (st.seq != expected_seq || st.prev_hash != prev || chain_hash(prev, st) != st.hash) {
        v.ok = false;
        v.first_broken_seq = st.seq != expected_seq ? expected_seq : st.seq;
        return v;
      }
      prev = st.hash;
      ++expected_seq;
      ++v.count;
    }
    return v;
  } catch (const std::exception& e) {
    return fail(store::database_error(e));
  }
}

}  // namespace eq::audit
