// Every SQL statement of the data-protection register (SQLite and PostgreSQL).
#include "dataprotection/holds.h"
#include "dataprotection/module.h"
#include "store/query.h"

namespace eq::dataprotection {

namespace {
using store::get_int;
using store::get_opt_int;
using store::get_str;
using store::Query;
using LL = long long;

const char* kCols =
    "id, kind, rut_enc, name_enc, detail_enc, received_on, deadline_on, state, extension_reason, exception_code, response_enc, "
    "created_by, created_at, updated_at, overdue_flagged_at";

std::string open(const crypto::Keys& keys, const std::string& v) { return v.empty() ? "" : keys.decrypt(v).value_or(""); }
std::string seal(const crypto::Keys& keys, const std::string& v) { return v.empty() ? "" : keys.encrypt(v); }

// `decrypt`: the identifying fields (detail view, the report); the list leaves them closed.
SubjectRequest from(const soci::row& r, const crypto::Keys& keys, bool decrypt) {
  SubjectRequest q;
  q.id = get_int(r, 0);
  q.kind = get_str(r, 1);
  if (decrypt) {
    q.rut = open(keys, get_str(r, 2));
    q.requester_name = open(keys, get_str(r, 3));
    q.detail = open(keys, get_str(r, 4));
    q.response = open(keys, get_str(r, 10));
  }
  q.received_on = get_str(r, 5);
  q.deadline_on = get_str(r, 6);
  q.state = get_str(r, 7);
  q.extension_reason = get_str(r, 8);
  q.exception_code = get_str(r, 9);
  q.created_by = get_int(r, 11);
  q.created_at = get_int(r, 12);
  q.updated_at = get_int(r, 13);
  q.overdue_flagged_at = get_opt_int(r, 14);
  return q;
}
}  // namespace

int64_t Repository::insert(soci::session& s, const SubjectRequest& r) const {
  return *Query("INSERT INTO dataprotection_requests (kind, rut_enc, rut_bidx, name_enc, detail_enc, received_on, deadline_on, state, "
                "extension_reason, exception_code, response_enc, created_by, created_at, updated_at) VALUES (:kind, :rut, :bidx, :name, "
                ":detail, :rec, :dl, :state, '', '', '', :by, :at, :at2) RETURNING id")
              .bind("kind", r.kind)
              .bind("rut", keys_.encrypt(r.rut))
              .bind("bidx", keys_.blind_index("rut:" + r.rut))
              .bind("name", keys_.encrypt(r.requester_name))
              .bind("detail", seal(keys_, r.detail))
              .bind("rec", r.received_on)
              .bind("dl", r.deadline_on)
              .bind("state", r.state)
              .bind("by", static_cast<LL>(r.created_by))
              .bind("at", static_cast<LL>(r.created_at))
              .bind("at2", static_cast<LL>(r.updated_at))
              .scalar(s);
}

// The identifying fields never change after receipt; the workflow's fields do.
void Repository::update(soci::session& s, const SubjectRequest& r) const {
  Query("UPDATE dataprotection_requests SET deadline_on = :dl, state = :state, extension_reason = :reason, exception_code = :exc, "
        "response_enc = :resp, updated_at = :at WHERE id = :id")
      .bind("dl", r.deadline_on)
      .bind("state", r.state)
      .bind("reason", r.extension_reason)
      .bind("exc", r.exception_code)
      .bind("resp", seal(keys_, r.response))
      .bind("at", static_cast<LL>(r.updated_at))
      .bind("id", static_cast<LL>(r.id))
      .exec(s);
}

std::optional<SubjectRequest> Repository::find(soci::session& s, int64_t id) const {
  std::optional<SubjectRequest> out;
  Query(std::string("SELECT ") + kCols + " FROM dataprotection_requests WHERE id = :id")
      .bind("id", static_cast<LL>(id))
      .each(s, [&](const soci::row& r) { out = from(r, keys_, true); });
  return out;
}

std::vector<SubjectRequest> Repository::list(soci::session& s, const std::string& state) const {
  std::vector<SubjectRequest> out;
  Query q(std::string("SELECT ") + kCols + " FROM dataprotection_requests" + (state.empty() ? "" : " WHERE state = :state") +
          " ORDER BY deadline_on, id");
  if (!state.empty()) q.bind("state", state);
  q.each(s, [&](const soci::row& r) { out.push_back(from(r, keys_, false)); });
  return out;
}

void Repository::insert_event(soci::session& s, int64_t request_id, const Event& e) const {
  Query("INSERT INTO dataprotection_events (request_id, at, user_id, from_state, to_state, note_enc) VALUES (:r, :at, :u, :f, :t, :n)")
      .bind("r", static_cast<LL>(request_id))
      .bind("at", static_cast<LL>(e.at))
      .bind("u", static_cast<LL>(e.user_id))
      .bind("f", e.from_state)
      .bind("t", e.to_state)
      .bind("n", seal(keys_, e.note))
      .exec(s);
}

std::vector<Event> Repository::events(soci::session& s, int64_t request_id) const {
  std::vector<Event> out;
  Query("SELECT at, user_id, from_state, to_state, note_enc FROM dataprotection_events WHERE request_id = :r ORDER BY at, id")
      .bind("r", static_cast<LL>(request_id))
      .each(s, [&](const soci::row& r) { out.push_back({get_int(r, 0), get_int(r, 1), get_str(r, 2), get_str(r, 3), open(keys_, get_str(r, 4))}); });
  return out;
}

std::vector<int64_t> Repository::overdue_unflagged(soci::session& s, const std::string& today) const {
  std::vector<int64_t> out;
  Query("SELECT id FROM dataprotection_requests WHERE state IN ('recibida', 'en_analisis', 'prorrogada') AND deadline_on < :today "
        "AND overdue_flagged_at IS NULL ORDER BY id")
      .bind("today", today)
      .each(s, [&](const soci::row& r) { out.push_back(get_int(r, 0)); });
  return out;
}

void Repository::flag_overdue(soci::session& s, int64_t id, int64_t at) const {
  Query("UPDATE dataprotection_requests SET overdue_flagged_at = :at WHERE id = :id").bind("at", static_cast<LL>(at)).bind("id", static_cast<LL>(id)).exec(s);
}

namespace {
const char* kBreachCols =
    "id, detected_at, nature, data_categories, subjects, subjects_affected, consequences, measures, agency_notified_at, agency_note, "
    "subjects_notified_at, subjects_note, created_by, created_at";
Breach breach_from(const soci::row& r) {
  Breach b;
  b.id = get_int(r, 0);
  b.detected_at = get_int(r, 1);
  b.nature = get_str(r, 2);
  b.data_categories = get_str(r, 3);
  b.subjects = get_str(r, 4);
  b.subjects_affected = get_int(r, 5);
  b.consequences = get_str(r, 6);
  b.measures = get_str(r, 7);
  b.agency_notified_at = get_opt_int(r, 8);
  b.agency_note = get_str(r, 9);
  b.subjects_notified_at = get_opt_int(r, 10);
  b.subjects_note = get_str(r, 11);
  b.created_by = get_int(r, 12);
  b.created_at = get_int(r, 13);
  return b;
}
}  // namespace

int64_t Repository::insert_breach(soci::session& s, const Breach& b) const {
  return *Query("INSERT INTO dataprotection_breaches (detected_at, nature, data_categories, subjects, subjects_affected, consequences, "
                "measures, agency_note, subjects_note, created_by, created_at) VALUES (:d, :n, :c, :s, :k, :q, :m, '', '', :by, :at) "
                "RETURNING id")
              .bind("d", static_cast<LL>(b.detected_at))
              .bind("n", b.nature)
              .bind("c", b.data_categories)
              .bind("s", b.subjects)
              .bind("k", static_cast<LL>(b.subjects_affected))
              .bind("q", b.consequences)
              .bind("m", b.measures)
              .bind("by", static_cast<LL>(b.created_by))
              .bind("at", static_cast<LL>(b.created_at))
              .scalar(s);
}

std::optional<Breach> Repository::find_breach(soci::session& s, int64_t id) const {
  std::optional<Breach> out;
  Query(std::string("SELECT ") + kBreachCols + " FROM dataprotection_breaches WHERE id = :id")
      .bind("id", static_cast<LL>(id))
      .each(s, [&](const soci::row& r) { out = breach_from(r); });
  return out;
}

std::vector<Breach> Repository::breaches(soci::session& s) const {
  std::vector<Breach> out;
  Query(std::string("SELECT ") + kBreachCols + " FROM dataprotection_breaches ORDER BY detected_at DESC, id DESC")
      .each(s, [&](const soci::row& r) { out.push_back(breach_from(r)); });
  return out;
}

void Repository::notify_breach(soci::session& s, int64_t id, const std::string& to, int64_t at, const std::string& note) const {
  // Two fixed statements: the column name never comes from input.
  Query(to == "agencia" ? "UPDATE dataprotection_breaches SET agency_notified_at = :at, agency_note = :n WHERE id = :id"
                        : "UPDATE dataprotection_breaches SET subjects_notified_at = :at, subjects_note = :n WHERE id = :id")
      .bind("at", static_cast<LL>(at))
      .bind("n", note)
      .bind("id", static_cast<LL>(id))
      .exec(s);
}

}  // namespace eq::dataprotection

// ---------------------------------------------------------------- legal holds (holds.h)

namespace eq::dataprotection {

namespace {
const char* kHoldCols =
    "id, person_id, module, kind, record_id, reason, from_on, until_on, created_by, created_at, released_at, released_by";

Hold hold_from(const soci::row& r) {
  Hold h;
  h.id = store::get_int(r, 0);
  h.person_id = store::get_str(r, 1);
  h.module = store::get_str(r, 2);
  h.kind = store::get_str(r, 3);
  h.record_id = store::get_str(r, 4);
  h.reason = store::get_str(r, 5);
  h.from_on = store::get_str(r, 6);
  h.until_on = store::get_str(r, 7);
  h.created_by = store::get_int(r, 8);
  h.created_at = store::get_int(r, 9);
  h.released_at = store::get_opt_int(r, 10);
  h.released_by = store::get_opt_int(r, 11);
  return h;
}
}  // namespace

int64_t insert_hold(soci::session& s, const Hold& h) {
  return *store::Query("INSERT INTO dp_legal_holds (person_id, module, kind, record_id, reason, from_on, until_on, created_by, created_at) "
                       "VALUES (:p, :m, :k, :r, :why, :f, :u, :by, :at) RETURNING id")
              .bind("p", h.person_id)
              .bind("m", h.module)
              .bind("k", h.kind)
              .bind("r", h.record_id)
              .bind("why", h.reason)
              .bind("f", h.from_on)
              .bind("u", h.until_on)
              .bind("by", static_cast<long long>(h.created_by))
              .bind("at", static_cast<long long>(h.created_at))
              .scalar(s);
}

std::optional<Hold> find_hold(soci::session& s, int64_t id) {
  std::optional<Hold> out;
  store::Query(std::string("SELECT ") + kHoldCols + " FROM dp_legal_holds WHERE id = :id")
      .bind("id", static_cast<long long>(id))
      .each(s, [&](const soci::row& r) { out = hold_from(r); });
  return out;
}

std::vector<Hold> list_holds(soci::session& s) {
  std::vector<Hold> out;
  store::Query(std::string("SELECT ") + kHoldCols + " FROM dp_legal_holds ORDER BY id DESC").each(s, [&](const soci::row& r) {
    out.push_back(hold_from(r));
  });
  return out;
}

void release_hold(soci::session& s, int64_t id, int64_t at, int64_t by) {
  store::Query("UPDATE dp_legal_holds SET released_at = :at, released_by = :by WHERE id = :id AND released_at IS NULL")
      .bind("at", static_cast<long long>(at))
      .bind("by", static_cast<long long>(by))
      .bind("id", static_cast<long long>(id))
      .exec(s);
}

}  // namespace eq::dataprotection

// ---------------------------------------------------------------- purge runs (retention.h)

namespace eq::dataprotection {

namespace {
const char* kRunCols = "id, started_at, finished_at, origin, user_id, state, kinds, purged, held";
constexpr int64_t kStaleRunMs = 3'600'000;  // a run "running" this long was cut by a stopped server
}  // namespace

std::optional<int64_t> start_run(soci::session& s, const std::string& trigger, int64_t user_id, int64_t now) {
  store::Query("UPDATE dp_purge_runs SET state = 'failed', finished_at = :now WHERE state = 'running' AND started_at < :stale")
      .bind("now", static_cast<long long>(now))
      .bind("stale", static_cast<long long>(now - kStaleRunMs))
      .exec(s);
  if (run_in_progress(s)) return std::nullopt;
  return *store::Query("INSERT INTO dp_purge_runs (started_at, origin, user_id, state, kinds, purged, held) "
                       "VALUES (:at, :o, :u, 'running', '[]', 0, 0) RETURNING id")
              .bind("at", static_cast<long long>(now))
              .bind("o", trigger)
              .bind("u", static_cast<long long>(user_id))
              .scalar(s);
}

bool run_in_progress(soci::session& s) {
  return store::Query("SELECT COUNT(*) FROM dp_purge_runs WHERE state = 'running'").scalar(s).value_or(0) > 0;
}

void finish_run(soci::session& s, const PurgeRun& run) {
  store::Query("UPDATE dp_purge_runs SET finished_at = :at, state = :st, kinds = :k, purged = :p, held = :h WHERE id = :id")
      .bind("at", static_cast<long long>(run.finished_at.value_or(0)))
      .bind("st", run.state)
      .bind("k", kinds_text(run.kinds))
      .bind("p", static_cast<long long>(run.purged))
      .bind("h", static_cast<long long>(run.held))
      .bind("id", static_cast<long long>(run.id))
      .exec(s);
}

std::vector<PurgeRun> list_runs(soci::session& s, int limit) {
  std::vector<PurgeRun> out;
  store::Query(std::string("SELECT ") + kRunCols + " FROM dp_purge_runs ORDER BY id DESC LIMIT :n")
      .bind("n", static_cast<long long>(limit))
      .each(s, [&](const soci::row& r) {
        PurgeRun p;
        p.id = store::get_int(r, 0);
        p.started_at = store::get_int(r, 1);
        p.finished_at = store::get_opt_int(r, 2);
        p.trigger = store::get_str(r, 3);
        p.user_id = store::get_int(r, 4);
        p.state = store::get_str(r, 5);
        p.kinds = kinds_from(store::get_str(r, 6));
        p.purged = store::get_int(r, 7);
        p.held = store::get_int(r, 8);
        out.push_back(std::move(p));
      });
  return out;
}

std::optional<int64_t> last_job_run(soci::session& s) {
  std::optional<int64_t> out;
  store::Query("SELECT MAX(started_at) FROM dp_purge_runs WHERE origin = 'job'").each(s, [&](const soci::row& r) {
    out = store::get_opt_int(r, 0);
  });
  return out;
}

}  // namespace eq::dataprotection
