// The case registry's SQL. Identities and record details go in and out as ciphertext; nothing
// identifying is ever written in clear or used in a WHERE clause except through a blind index.
#include <algorithm>

#include "cases/encrypted_fields.h"
#include "cases/module.h"
#include "core/time.h"
#include "store/query.h"

namespace eq::cases {

namespace {

using Json = nlohmann::json;
using store::get_int;
using store::get_opt_int;
using store::get_str;
using store::Query;

long long ll(int64_t v) { return static_cast<long long>(v); }

std::optional<long long> opt_ms(const Json& d, const char* key) {
  if (d.contains(key) && d[key].is_number_integer()) return d[key].get<long long>();
  return std::nullopt;
}
std::optional<std::string> opt_str(const Json& d, const char* key) {
  if (d.contains(key) && d[key].is_string() && !d[key].get<std::string>().empty()) return d[key].get<std::string>();
  return std::nullopt;
}

const char* kRecordCols =
    "r.id, r.kind, r.institution_id, r.comuna_id, r.author_user_id, r.occurred_at, r.recorded_at, r.consent_statistics, "
    "r.details_enc";

}  // namespace

int64_t Repository::insert_person(soci::session& s, int64_t institution_id, int64_t now) const {
  return *Query("INSERT INTO cases_persons(created_at, created_by_institution_id) VALUES(:now, :inst) RETURNING id")
              .bind("now", ll(now))
              .bind("inst", ll(institution_id))
              .scalar(s);
}

std::optional<int64_t> Repository::resolve_person(soci::session& s, int64_t id) const {
  // Follows merges; a chain is short (each merge points at a live person when it is made).
  for (int hops = 0; hops < 16; ++hops) {
    std::optional<int64_t> into;
    bool found = false;
    Query("SELECT merged_into FROM cases_persons WHERE id = :id").bind("id", ll(id)).each(s, [&](const soci::row& r) {
      found = true;
      into = get_opt_int(r, 0);
    });
    if (!found) return std::nullopt;
    if (!into) return id;
    id = *into;
  }
  return std::nullopt;
}

int64_t Repository::insert_identity(soci::session& s, int64_t person_id, int64_t institution_id, const PersonIdentity& p,
                                    int64_t now) const {
  std::optional<std::string> run_idx, doc_idx;
  if (p.run_valid) run_idx = keys_.blind_index("run:" + p.run);
  if (!p.other_document.empty()) doc_idx = keys_.blind_index("doc:" + p.document_type + ":" + p.other_document);
  return *Query("INSERT INTO cases_identities(person_id, institution_id, created_at, data_enc, run_idx, doc_idx) "
                "VALUES(:p, :i, :now, :data, :run, :doc) RETURNING id")
              .bind("p", ll(person_id))
              .bind("i", ll(institution_id))
              .bind("now", ll(now))
              .bind("data", keys_.encrypt(to_json(p).dump()))
              .bind_opt("run", run_idx)
              .bind_opt("doc", doc_idx)
              .scalar(s);
}

namespace {
StoredIdentity identity_from(const soci::row& r, const crypto::Keys& keys) {
  StoredIdentity out;
  out.id = get_int(r, 0);
  out.person_id = get_int(r, 1);
  out.institution_id = get_int(r, 2);
  out.created_at = get_int(r, 3);
  auto plain = keys.decrypt(get_str(r, 4));
  // Never an empty identity in place of one we cannot read: that would silently unlink people.
  if (!plain) throw std::runtime_error("cases_identities " + std::to_string(out.id) + ": cannot decrypt (wrong key file?)");
  out.identity = identity_from_json(Json::parse(*plain));
  return out;
}
const char* kIdentityCols = "SELECT id, person_id, institution_id, created_at, data_enc FROM cases_identities";
}  // namespace

std::vector<StoredIdentity> Repository::identities_of(soci::session& s, int64_t person_id) const {
  std::vector<StoredIdentity> out;
  Query(std::string(kIdentityCols) + " WHERE person_id = :p ORDER BY id").bind("p", ll(person_id)).each(s, [&](const soci::row& r) {
    out.push_back(identity_from(r, keys_));
  });
  return out;
}

std::optional<StoredIdentity> Repository::identity(soci::session& s, int64_t id) const {
  std::optional<StoredIdentity> out;
  Query(std::string(kIdentityCols) + " WHERE id = :id").bind("id", ll(id)).each(s, [&](const soci::row& r) {
    out = identity_from(r, keys_);
  });
  return out;
}

void Repository::each_identity(soci::session& s, const std::function<void(const StoredIdentity&)>& fn) const {
  Query(std::string(kIdentityCols) + " ORDER BY id").each(s, [&](const soci::row& r) { fn(identity_from(r, keys_)); });
}

std::vector<int64_t> Repository::persons_by_run(soci::session& s, const std::string& canonical_run) const {
  std::vector<int64_t> out;
  Query("SELECT DISTINCT person_id FROM cases_identities WHERE run_idx = :idx ORDER BY person_id")
      .bind("idx", keys_.blind_index("run:" + canonical_run))
      .each(s, [&](const soci::row& r) { out.push_back(get_int(r, 0)); });
  return out;
}

int64_t Repository::insert_record(soci::session& s, const Record& r) const {
  const Json& d = r.details;
  std::optional<std::string> level = r.kind == "risk_assessment" ? opt_str(d, "level") : std::nullopt;
  return *Query("INSERT INTO cases_records(kind, institution_id, comuna_id, author_user_id, occurred_at, recorded_at, "
                "consent_statistics, details_enc, risk_level, starts_at, ends_at, to_institution_id, ack_due_at, acknowledged_at, "
                "first_contact_due_at, first_contact_at) VALUES(:kind, :inst, :comuna, :author, :occ, :rec, :consent, :det, :level, "
                ":starts, :ends, :to, :ack_due, :ack, :fc_due, :fc) RETURNING id")
              .bind("kind", r.kind)
              .bind("inst", ll(r.institution_id))
              .bind_opt("comuna", r.comuna_id.empty() ? std::nullopt : std::optional<std::string>(r.comuna_id))
              .bind("author", ll(r.author_user_id))
              .bind("occ", ll(r.occurred_at))
              .bind("rec", ll(r.recorded_at))
              .bind("consent", r.consent_statistics ? 1LL : 0LL)
              .bind("det", keys_.encrypt(d.dump()))
              .bind_opt("level", level)
              .bind_opt("starts", opt_ms(d, "starts_at"))
              .bind_opt("ends", opt_ms(d, "ends_at"))
              .bind_opt("to", opt_ms(d, "to_institution_id"))
              .bind_opt("ack_due", opt_ms(d, "ack_due_at"))
              .bind_opt("ack", opt_ms(d, "acknowledged_at"))
              .bind_opt("fc_due", opt_ms(d, "first_contact_due_at"))
              .bind_opt("fc", opt_ms(d, "first_contact_at"))
              .scalar(s);
}

void Repository::insert_record_person(soci::session& s, int64_t record_id, int64_t person_id, const std::string& role,
                                      std::optional<int64_t> identity_id, const std::string& basis) const {
  Query("INSERT INTO cases_record_persons(record_id, person_id, role, identity_id, basis) VALUES(:r, :p, :role, :i, :b)")
      .bind("r", ll(record_id))
      .bind("p", ll(person_id))
      .bind("role", role)
      .bind_opt("i", identity_id ? std::optional<long long>(*identity_id) : std::nullopt)
      .bind("b", basis)
      .exec(s);
}

namespace {

Record record_from(const soci::row& row, const crypto::Keys& keys) {
  Record r;
  r.id = get_int(row, 0);
  r.kind = get_str(row, 1);
  r.institution_id = get_int(row, 2);
  r.comuna_id = get_str(row, 3);
  r.author_user_id = get_int(row, 4);
  r.occurred_at = get_int(row, 5);
  r.recorded_at = get_int(row, 6);
  r.consent_statistics = get_int(row, 7) != 0;
  if (auto plain = keys.decrypt(get_str(row, 8))) r.details = Json::parse(*plain);
  return r;
}

// Fills each record's persons in one query.
void attach_persons(soci::session& s, std::vector<Record>& records) {
  if (records.empty()) return;
  std::map<int64_t, Record*> by_id;
  std::string ids;
  for (auto& r : records) {
    by_id[r.id] = &r;
    ids += (ids.empty() ? "" : ",") + std::to_string(r.id);
  }
  // ids are integers we produced, so inlining them is safe.
  Query("SELECT record_id, person_id, role FROM cases_record_persons WHERE record_id IN (" + ids + ") ORDER BY record_id, role, person_id")
      .each(s, [&](const soci::row& row) { by_id[get_int(row, 0)]->persons.push_back({get_int(row, 1), get_str(row, 2)}); });
}

}  // namespace

std::optional<Record> Repository::record(soci::session& s, int64_t id) const {
  std::vector<Record> out;
  Query(std::string("SELECT ") + kRecordCols + " FROM cases_records r WHERE r.id = :id").bind("id", ll(id)).each(s, [&](const soci::row& row) {
    out.push_back(record_from(row, keys_));
  });
  attach_persons(s, out);
  if (out.empty()) return std::nullopt;
  return out.front();
}

std::vector<Record> Repository::records_of_person(soci::session& s, int64_t person_id) const {
  std::vector<Record> out;
  Query(std::string("SELECT ") + kRecordCols +
        " FROM cases_records r WHERE r.id IN (SELECT record_id FROM cases_record_persons WHERE person_id = :p) "
        "ORDER BY r.occurred_at, r.id")
      .bind("p", ll(person_id))
      .each(s, [&](const soci::row& row) { out.push_back(record_from(row, keys_)); });
  attach_persons(s, out);
  return out;
}

void Repository::update_details(soci::session& s, const Record& r) const {
  Query("UPDATE cases_records SET details_enc = :det, acknowledged_at = :ack, first_contact_at = :fc WHERE id = :id")
      .bind("det", keys_.encrypt(r.details.dump()))
      .bind_opt("ack", opt_ms(r.details, "acknowledged_at"))
      .bind_opt("fc", opt_ms(r.details, "first_contact_at"))
      .bind("id", ll(r.id))
      .exec(s);
}

std::vector<Record> Repository::referrals(soci::session& s, int64_t institution_id, bool incoming) const {
  std::vector<Record> out;
  Query(std::string("SELECT ") + kRecordCols + " FROM cases_records r WHERE r.kind = 'referral' AND " +
        (incoming ? "r.to_institution_id" : "r.institution_id") + " = :i ORDER BY r.occurred_at DESC, r.id DESC")
      .bind("i", ll(institution_id))
      .each(s, [&](const soci::row& row) { out.push_back(record_from(row, keys_)); });
  attach_persons(s, out);
  return out;
}

int64_t Repository::count_overdue_referrals(soci::session& s, int64_t now) const {
  return Query("SELECT COUNT(*) FROM cases_records WHERE kind = 'referral' AND first_contact_at IS NULL AND "
               "((acknowledged_at IS NULL AND ack_due_at < :now) OR (acknowledged_at IS NOT NULL AND first_contact_due_at < :now2))")
      .bind("now", ll(now))
      .bind("now2", ll(now))
      .scalar(s)
      .value_or(0);
}

std::vector<int64_t> Repository::institutions_serving(soci::session& s, int64_t person_id) const {
  // Records attached under an emergency access or by a probable match to a woman others serve never
  // make their institution serve her (access.h).
  std::vector<int64_t> out;
  Query("SELECT DISTINCT r.institution_id FROM cases_records r JOIN cases_record_persons rp ON rp.record_id = r.id "
        "WHERE rp.person_id = :p AND rp.basis NOT IN ('emergency', 'linked') UNION SELECT DISTINCT r.to_institution_id FROM cases_records r "
        "JOIN cases_record_persons rp ON rp.record_id = r.id WHERE rp.person_id = :p2 AND rp.basis NOT IN ('emergency', 'linked') "
        "AND r.kind = 'referral' AND r.to_institution_id IS NOT NULL")
      .bind("p", ll(person_id))
      .bind("p2", ll(person_id))
      .each(s, [&](const soci::row& r) { out.push_back(get_int(r, 0)); });
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

bool Repository::serves_by_own_record(soci::session& s, int64_t person_id, int64_t institution_id) const {
  return Query("SELECT 1 FROM cases_records r JOIN cases_record_persons rp ON rp.record_id = r.id WHERE rp.person_id = :p "
               "AND r.institution_id = :i AND rp.basis NOT IN ('emergency', 'linked') LIMIT 1")
      .bind("p", ll(person_id))
      .bind("i", ll(institution_id))
      .scalar(s)
      .has_value();
}

bool Repository::has_own_record(soci::session& s, int64_t person_id, int64_t institution_id, const std::string& basis) const {
  Query q("SELECT 1 FROM cases_records r JOIN cases_record_persons rp ON rp.record_id = r.id WHERE rp.person_id = :p "
          "AND r.institution_id = :i");
  q.bind("p", ll(person_id)).bind("i", ll(institution_id));
  if (!basis.empty()) q.sql(" AND rp.basis = :b").bind("b", basis);
  return q.sql(" LIMIT 1").scalar(s).has_value();
}

bool Repository::referral_accepted(soci::session& s, int64_t person_id, int64_t institution_id) const {
  return Query("SELECT 1 FROM cases_records r JOIN cases_record_persons rp ON rp.record_id = r.id WHERE rp.person_id = :p "
               "AND rp.role = 'victim' AND rp.basis NOT IN ('emergency', 'linked') AND r.kind = 'referral' AND r.to_institution_id = :i "
               "AND r.acknowledged_at IS NOT NULL LIMIT 1")
      .bind("p", ll(person_id))
      .bind("i", ll(institution_id))
      .scalar(s)
      .has_value();
}

bool Repository::searched_since(soci::session& s, int64_t person_id, int64_t user_id, int64_t since) const {
  return Query("SELECT 1 FROM cases_access_log WHERE person_id = :p AND user_id = :u AND action = 'search' AND at >= :since LIMIT 1")
      .bind("p", ll(person_id))
      .bind("u", ll(user_id))
      .bind("since", ll(since))
      .scalar(s)
      .has_value();
}

std::set<int64_t> Repository::persons_read_since(soci::session& s, int64_t user_id, int64_t since) const {
  std::set<int64_t> out;
  // Opening files and finding persons; not the lists one's work shows (alerts, reviews, referrals).
  Query("SELECT DISTINCT person_id FROM cases_access_log WHERE user_id = :u AND at >= :since AND (action IN ('view', "
        "'emergency_view', 'view_refused', 'search') OR action LIKE 'record:%')")
      .bind("u", ll(user_id))
      .bind("since", ll(since))
      .each(s, [&](const soci::row& r) { out.insert(get_int(r, 0)); });
  return out;
}

bool Repository::notified_since(soci::session& s, int64_t institution_id, const std::string& kind, int64_t user_id,
                                int64_t since) const {
  return Query("SELECT 1 FROM cases_notifications WHERE institution_id = :i AND kind = :k AND user_id = :u AND created_at >= :since "
               "LIMIT 1")
      .bind("i", ll(institution_id))
      .bind("k", kind)
      .bind("u", ll(user_id))
      .bind("since", ll(since))
      .scalar(s)
      .has_value();
}

std::vector<int64_t> Repository::person_ids(soci::session& s) const {
  std::vector<int64_t> out;
  Query("SELECT id FROM cases_persons WHERE merged_into IS NULL ORDER BY id").each(s, [&](const soci::row& r) {
    out.push_back(get_int(r, 0));
  });
  return out;
}

std::optional<Repository::Stored> Repository::idempotent(soci::session& s, int64_t institution_id, const std::string& key) const {
  std::optional<Stored> out;
  Query("SELECT request_hash, status, response FROM cases_idempotency WHERE institution_id = :i AND idem_key = :k")
      .bind("i", ll(institution_id))
      .bind("k", key)
      .each(s, [&](const soci::row& r) { out = Stored{get_str(r, 0), static_cast<int>(get_int(r, 1)), get_str(r, 2)}; });
  return out;
}

void Repository::store_idempotent(soci::session& s, int64_t institution_id, const std::string& key, const Stored& v,
                                  int64_t now) const {
  Query("INSERT INTO cases_idempotency(institution_id, idem_key, request_hash, status, response, created_at) "
        "VALUES(:i, :k, :h, :st, :resp, :now)")
      .bind("i", ll(institution_id))
      .bind("k", key)
      .bind("h", v.request_hash)
      .bind("st", static_cast<long long>(v.status))
      .bind("resp", v.response)
      .bind("now", ll(now))
      .exec(s);
}

namespace {
const char* kReviewCols =
    "SELECT id, identity_id, person_id, candidate_person_id, weight_milli, institution_id, state, decided_by, decided_at, note, "
    "created_at FROM cases_reviews";
Review review_from(const soci::row& r) {
  Review v;
  v.id = get_int(r, 0);
  v.identity_id = get_int(r, 1);
  v.person_id = get_int(r, 2);
  v.candidate_person_id = get_int(r, 3);
  v.weight = static_cast<double>(get_int(r, 4)) / 1000.0;
  v.institution_id = get_int(r, 5);
  v.state = get_str(r, 6);
  v.decided_by = get_opt_int(r, 7);
  v.decided_at = get_opt_int(r, 8);
  v.note = get_str(r, 9);
  v.created_at = get_int(r, 10);
  return v;
}
}  // namespace

int64_t Repository::insert_review(soci::session& s, const Review& r) const {
  return *Query("INSERT INTO cases_reviews(identity_id, person_id, candidate_person_id, weight_milli, institution_id, state, created_at) "
                "VALUES(:i, :p, :c, :w, :inst, 'pendiente', :now) RETURNING id")
              .bind("i", ll(r.identity_id))
              .bind("p", ll(r.person_id))
              .bind("c", ll(r.candidate_person_id))
              .bind("w", static_cast<long long>(r.weight * 1000))
              .bind("inst", ll(r.institution_id))
              .bind("now", ll(r.created_at))
              .scalar(s);
}

std::vector<Review> Repository::reviews(soci::session& s, int64_t institution_id, const std::string& state) const {
  std::vector<Review> out;
  Query q(std::string(kReviewCols) + " WHERE institution_id = :i");
  q.bind("i", ll(institution_id));
  if (!state.empty()) q.sql(" AND state = :st").bind("st", state);
  q.sql(" ORDER BY created_at DESC, id DESC LIMIT 200").each(s, [&](const soci::row& r) { out.push_back(review_from(r)); });
  return out;
}

std::optional<Review> Repository::review(soci::session& s, int64_t id) const {
  std::optional<Review> out;
  Query(std::string(kReviewCols) + " WHERE id = :id").bind("id", ll(id)).each(s, [&](const soci::row& r) { out = review_from(r); });
  return out;
}

void Repository::decide_review(soci::session& s, int64_t id, const std::string& state, int64_t user_id, const std::string& note,
                               int64_t now) const {
  Query("UPDATE cases_reviews SET state = :st, decided_by = :u, decided_at = :now, note = :note WHERE id = :id")
      .bind("st", state)
      .bind("u", ll(user_id))
      .bind("now", ll(now))
      .bind("note", note)
      .bind("id", ll(id))
      .exec(s);
}

namespace {
const char* kLinkCols =
    "SELECT id, kind, from_person_id, to_person_id, moved, weight_milli, actor_user_id, institution_id, reason, undone_by, "
    "created_at FROM cases_links";
Link link_from(const soci::row& r) {
  Link l;
  l.id = get_int(r, 0);
  l.kind = get_str(r, 1);
  l.from_person_id = get_int(r, 2);
  l.to_person_id = get_int(r, 3);
  l.moved = Json::parse(get_str(r, 4));
  if (auto w = get_opt_int(r, 5)) l.weight = static_cast<double>(*w) / 1000.0;
  l.actor_user_id = get_opt_int(r, 6);
  l.institution_id = get_opt_int(r, 7);
  l.reason = get_str(r, 8);
  l.undone_by = get_opt_int(r, 9);
  l.created_at = get_int(r, 10);
  return l;
}
}  // namespace

int64_t Repository::insert_link(soci::session& s, const Link& l) const {
  return *Query("INSERT INTO cases_links(kind, from_person_id, to_person_id, moved, weight_milli, actor_user_id, institution_id, "
                "reason, created_at) VALUES(:k, :f, :t, :m, :w, :a, :i, :r, :now) RETURNING id")
              .bind("k", l.kind)
              .bind("f", ll(l.from_person_id))
              .bind("t", ll(l.to_person_id))
              .bind("m", l.moved.dump())
              .bind_opt("w", l.weight ? std::optional<long long>(static_cast<long long>(*l.weight * 1000)) : std::nullopt)
              .bind_opt("a", l.actor_user_id ? std::optional<long long>(*l.actor_user_id) : std::nullopt)
              .bind_opt("i", l.institution_id ? std::optional<long long>(*l.institution_id) : std::nullopt)
              .bind("r", l.reason)
              .bind("now", ll(l.created_at))
              .scalar(s);
}

std::optional<Link> Repository::link(soci::session& s, int64_t id) const {
  std::optional<Link> out;
  Query(std::string(kLinkCols) + " WHERE id = :id").bind("id", ll(id)).each(s, [&](const soci::row& r) { out = link_from(r); });
  return out;
}

std::vector<Link> Repository::links_of(soci::session& s, int64_t person_id) const {
  std::vector<Link> out;
  Query(std::string(kLinkCols) + " WHERE from_person_id = :p OR to_person_id = :p2 ORDER BY id")
      .bind("p", ll(person_id))
      .bind("p2", ll(person_id))
      .each(s, [&](const soci::row& r) { out.push_back(link_from(r)); });
  return out;
}

void Repository::mark_undone(soci::session& s, int64_t link_id, int64_t undo_id) const {
  Query("UPDATE cases_links SET undone_by = :u WHERE id = :id").bind("u", ll(undo_id)).bind("id", ll(link_id)).exec(s);
}

Json Repository::move_person(soci::session& s, int64_t from, int64_t to) const {
  Json identities = Json::array(), records = Json::array();
  Query("SELECT id FROM cases_identities WHERE person_id = :p ORDER BY id").bind("p", ll(from)).each(s, [&](const soci::row& r) {
    identities.push_back(get_int(r, 0));
  });
  Query("SELECT record_id, role FROM cases_record_persons WHERE person_id = :p ORDER BY record_id").bind("p", ll(from)).each(
      s, [&](const soci::row& r) { records.push_back(Json::array({get_int(r, 0), get_str(r, 1)})); });
  Query("UPDATE cases_identities SET person_id = :t WHERE person_id = :f").bind("t", ll(to)).bind("f", ll(from)).exec(s);
  Query("UPDATE cases_record_persons SET person_id = :t WHERE person_id = :f").bind("t", ll(to)).bind("f", ll(from)).exec(s);
  return {{"identities", identities}, {"records", records}};
}

void Repository::move_identity(soci::session& s, int64_t identity_id, int64_t to) const {
  Query("UPDATE cases_identities SET person_id = :t WHERE id = :id").bind("t", ll(to)).bind("id", ll(identity_id)).exec(s);
}

void Repository::move_records(soci::session& s, const Json& records, int64_t from, int64_t to) const {
  for (const auto& rr : records)
    Query("UPDATE cases_record_persons SET person_id = :t WHERE person_id = :f AND record_id = :r AND role = :role")
        .bind("t", ll(to))
        .bind("f", ll(from))
        .bind("r", rr[0].get<long long>())
        .bind("role", rr[1].get<std::string>())
        .exec(s);
}

Json Repository::rebase_memberships(soci::session& s, int64_t person_id, int64_t institution_id, const std::string& basis) const {
  Json before = Json::array();
  Query("SELECT rp.record_id, rp.role, rp.basis FROM cases_record_persons rp JOIN cases_records r ON r.id = rp.record_id "
        "WHERE rp.person_id = :p AND r.institution_id = :i AND rp.basis NOT IN ('emergency', 'linked') ORDER BY rp.record_id")
      .bind("p", ll(person_id))
      .bind("i", ll(institution_id))
      .each(s, [&](const soci::row& r) { before.push_back(Json::array({get_int(r, 0), get_str(r, 1), get_str(r, 2)})); });
  for (const auto& b : before) set_basis(s, b[0].get<int64_t>(), person_id, b[1].get<std::string>(), basis);
  return before;
}

void Repository::set_basis(soci::session& s, int64_t record_id, int64_t person_id, const std::string& role, const std::string& basis) const {
  Query("UPDATE cases_record_persons SET basis = :b WHERE record_id = :r AND person_id = :p AND role = :role")
      .bind("b", basis)
      .bind("r", ll(record_id))
      .bind("p", ll(person_id))
      .bind("role", role)
      .exec(s);
}

void Repository::set_merged_into(soci::session& s, int64_t person_id, std::optional<int64_t> into) const {
  Query("UPDATE cases_persons SET merged_into = :m WHERE id = :id")
      .bind_opt("m", into ? std::optional<long long>(*into) : std::nullopt)
      .bind("id", ll(person_id))
      .exec(s);
}

void Repository::insert_emergency(soci::session& s, int64_t person_id, int64_t user_id, int64_t institution_id,
                                  const std::string& reason, int64_t now, int64_t expires) const {
  Query("INSERT INTO cases_emergency_access(person_id, user_id, institution_id, reason_enc, granted_at, expires_at) "
        "VALUES(:p, :u, :i, :r, :now, :exp)")
      .bind("p", ll(person_id))
      .bind("u", ll(user_id))
      .bind("i", ll(institution_id))
      .bind("r", keys_.encrypt(reason))
      .bind("now", ll(now))
      .bind("exp", ll(expires))
      .exec(s);
}

std::vector<Repository::EmergencyGrant> Repository::emergency_grants(soci::session& s, int64_t person_id) const {
  std::vector<EmergencyGrant> out;
  Query("SELECT user_id, institution_id, reason_enc, granted_at, expires_at FROM cases_emergency_access WHERE person_id = :p "
        "ORDER BY granted_at DESC, id DESC")
      .bind("p", ll(person_id))
      .each(s, [&](const soci::row& r) {
        out.push_back({get_int(r, 0), get_int(r, 1), get_int(r, 3), get_int(r, 4), keys_.decrypt(get_str(r, 2)).value_or("")});
      });
  return out;
}

std::optional<int64_t> Repository::emergency_until(soci::session& s, int64_t person_id, int64_t user_id, int64_t now) const {
  auto until = Query("SELECT MAX(expires_at) FROM cases_emergency_access WHERE person_id = :p AND user_id = :u AND expires_at > :now")
                   .bind("p", ll(person_id))
                   .bind("u", ll(user_id))
                   .bind("now", ll(now))
                   .scalar(s);
  if (!until || !*until) return std::nullopt;
  return static_cast<int64_t>(*until);
}

void Repository::log_access(soci::session& s, const AccessEntry& e) const {
  Query("INSERT INTO cases_access_log(person_id, user_id, institution_id, at, action, full_view) VALUES(:p, :u, :i, :at, :a, :f)")
      .bind("p", ll(e.person_id))
      .bind("u", ll(e.user_id))
      .bind("i", ll(e.institution_id))
      .bind("at", ll(e.at))
      .bind("a", e.action)
      .bind("f", e.full_view ? 1LL : 0LL)
      .exec(s);
}

std::vector<AccessEntry> Repository::access_log(soci::session& s, int64_t person_id, int limit) const {
  std::vector<AccessEntry> out;
  Query("SELECT id, person_id, user_id, institution_id, at, action, full_view FROM cases_access_log WHERE person_id = :p "
        "ORDER BY at DESC, id DESC LIMIT " + std::to_string(limit))
      .bind("p", ll(person_id))
      .each(s, [&](const soci::row& r) {
        out.push_back({get_int(r, 0), get_int(r, 1), get_int(r, 2), get_int(r, 3), get_int(r, 4), get_str(r, 5), get_int(r, 6) != 0});
      });
  return out;
}

void Repository::notify(soci::session& s, const Notification& n) const {
  Query("INSERT INTO cases_notifications(institution_id, person_id, kind, message, created_at, user_id) "
        "VALUES(:i, :p, :k, :m, :now, :u)")
      .bind_opt("u", n.user_id ? std::optional<long long>(*n.user_id) : std::nullopt)
      .bind("i", ll(n.institution_id))
      .bind("p", ll(n.person_id))
      .bind("k", n.kind)
      .bind("m", n.message)
      .bind("now", ll(n.created_at))
      .exec(s);
}

std::vector<Notification> Repository::notifications(soci::session& s, int64_t institution_id, int limit) const {
  std::vector<Notification> out;
  Query("SELECT id, institution_id, person_id, kind, message, created_at, read_at, user_id FROM cases_notifications "
        "WHERE institution_id = :i ORDER BY created_at DESC, id DESC LIMIT " + std::to_string(limit))
      .bind("i", ll(institution_id))
      .each(s, [&](const soci::row& r) {
        out.push_back({get_int(r, 0), get_int(r, 1), get_int(r, 2), get_int(r, 5), get_str(r, 3), get_str(r, 4), get_opt_int(r, 6),
                       get_opt_int(r, 7)});
      });
  return out;
}

std::vector<Repository::StatRow> Repository::statistics(soci::session& s, int64_t from, int64_t to) const {
  // Month in Chilean time would need the time zone in SQL; the caller buckets by occurred_at instead.
  std::vector<StatRow> out;
  Query("SELECT occurred_at, COALESCE(comuna_id, ''), kind, COALESCE(risk_level, '') FROM cases_records "
        "WHERE consent_statistics = 1 AND occurred_at >= :f AND occurred_at < :t")
      .bind("f", ll(from))
      .bind("t", ll(to))
      .each(s, [&](const soci::row& r) {
        std::string day = format_date_cl(get_int(r, 0));  // dd-mm-aaaa
        out.push_back({day.substr(6, 4) + "-" + day.substr(3, 2), get_str(r, 1), get_str(r, 2), get_str(r, 3), 1});
      });
  return out;
}

std::set<int64_t> Repository::consented(soci::session& s, const std::set<int64_t>& record_ids) const {
  std::set<int64_t> out;
  if (record_ids.empty()) return out;
  std::string ids;
  for (auto id : record_ids) ids += (ids.empty() ? "" : ",") + std::to_string(id);
  // ids are integers from our own tables, so inlining them is safe.
  Query("SELECT id FROM cases_records WHERE consent_statistics = 1 AND id IN (" + ids + ")").each(s, [&](const soci::row& r) {
    out.insert(get_int(r, 0));
  });
  return out;
}

int64_t Repository::rekey(soci::session& s, const crypto::Keys& to) const {
  // The columns are declared once, in cases/encrypted_fields.cc, for rotation, the start-up key
  // check and backups alike.
  return store::rekey(s, encrypted_fields(), keys_, to);
}

}  // namespace eq::cases
