#include "core/text.h"
#include "core/time.h"
#include "legislative/module.h"
#include "store/query.h"

namespace eq::legislative {

namespace {

using store::get_opt_int;
using store::get_str;
using store::is_null;
using store::Query;

const char* kBills =
    "SELECT id, boletin, title, kind, origin_chamber, entered_at, stage, committee, law_number, published_at "
    "FROM legislative_bills";
const char* kEvents = "SELECT id, bill_id, at, kind, stage, from_stage, committee, urgency, note FROM legislative_events";

Bill bill_from(const soci::row& r) {
  Bill b;
  b.id = store::get_int(r, 0);
  if (!is_null(r, 1)) b.boletin = get_str(r, 1);
  b.title = get_str(r, 2);
  b.kind = get_str(r, 3);
  b.origin_chamber = get_str(r, 4);
  b.entered_at = get_opt_int(r, 5);
  b.stage = get_str(r, 6);
  b.committee = get_str(r, 7);
  if (!is_null(r, 8)) b.law_number = get_str(r, 8);
  b.published_at = get_opt_int(r, 9);
  return b;
}

Event event_from(const soci::row& r) {
  Event e;
  e.id = store::get_int(r, 0);
  e.bill_id = store::get_int(r, 1);
  e.at = get_opt_int(r, 2);
  e.kind = get_str(r, 3);
  e.stage = get_str(r, 4);
  e.from_stage = get_str(r, 5);
  e.committee = get_str(r, 6);
  e.urgency = get_str(r, 7);
  e.note = get_str(r, 8);
  return e;
}

std::optional<std::string> opt(const std::string& s) { return s.empty() ? std::nullopt : std::optional<std::string>(s); }

std::optional<long long> opt(const std::optional<int64_t>& v) {
  return v ? std::optional<long long>(static_cast<long long>(*v)) : std::nullopt;
}

}  // namespace

std::vector<Bill> Repository::list(soci::session& s, const std::string& stage, const std::string& query) {
  Query q(kBills + std::string(" WHERE 1 = 1"));
  if (!stage.empty()) q.sql(" AND stage = :stage").bind("stage", stage);
  if (!trim(query).empty()) {
    // Title folded (no case, no accents); boletín and law number as typed.
    q.sql(" AND (title_folded LIKE :q ESCAPE '\\' OR boletin LIKE :raw ESCAPE '\\' OR law_number LIKE :raw2 ESCAPE '\\')")
        .bind("q", store::contains_pattern(fold_for_search(trim(query))))
        .bind("raw", store::contains_pattern(trim(query)))
        .bind("raw2", store::contains_pattern(trim(query)));
  }
  // Laws first by number, then bills by boletín number, newest first (higher numbers are newer).
  q.sql(" ORDER BY CASE WHEN law_number IS NULL THEN 1 ELSE 0 END, law_number DESC, id");
  std::vector<Bill> out;
  q.each(s, [&](const soci::row& r) { out.push_back(bill_from(r)); });
  return out;
}

std::optional<Bill> Repository::bill(soci::session& s, int64_t id) {
  std::optional<Bill> out;
  Query(kBills + std::string(" WHERE id = :id")).bind("id", static_cast<long long>(id)).each(s, [&](const soci::row& r) {
    out = bill_from(r);
  });
  return out;
}

std::optional<int64_t> Repository::bill_id_by_boletin(soci::session& s, const std::string& boletin) {
  return Query("SELECT id FROM legislative_bills WHERE boletin = :b").bind("b", boletin).scalar(s);
}

std::optional<int64_t> Repository::bill_id_by_law(soci::session& s, const std::string& law_number) {
  return Query("SELECT id FROM legislative_bills WHERE law_number = :n").bind("n", law_number).scalar(s);
}

std::vector<Event> Repository::timeline(soci::session& s, int64_t bill_id) {
  std::vector<Event> out;
  // NULLs sort differently on the two backends; the CASE makes undated events come first on both.
  Query(kEvents + std::string(" WHERE bill_id = :b ORDER BY CASE WHEN at IS NULL THEN 0 ELSE 1 END, at, id"))
      .bind("b", static_cast<long long>(bill_id))
      .each(s, [&](const soci::row& r) { out.push_back(event_from(r)); });
  return out;
}

std::vector<Event> Repository::urgency_events(soci::session& s, const std::vector<int64_t>& bill_ids) {
  std::string sql = kEvents + std::string(" WHERE kind IN ('urgency_set', 'urgency_renewed', 'urgency_withdrawn')");
  if (!bill_ids.empty()) {
    // Ids are integers from our own rows, so they are written into the SQL directly.
    sql += " AND bill_id IN (";
    for (size_t i = 0; i < bill_ids.size(); ++i) sql += (i ? "," : "") + std::to_string(bill_ids[i]);
    sql += ")";
  }
  sql += " ORDER BY bill_id, id";
  std::vector<Event> out;
  Query(sql).each(s, [&](const soci::row& r) { out.push_back(event_from(r)); });
  return out;
}

int64_t Repository::insert_bill(soci::session& s, const Bill& b) {
  const auto now = static_cast<long long>(now_ms());
  return *Query("INSERT INTO legislative_bills(boletin, title, title_folded, kind, origin_chamber, entered_at, stage, "
                "committee, law_number, published_at, created_at, updated_at) "
                "VALUES(:boletin, :title, :folded, :kind, :origin, :entered, :stage, :committee, :law, :published, :now, :now2) "
                "RETURNING id")
              .bind_opt("boletin", b.boletin)
              .bind("title", b.title)
              .bind("folded", fold_for_search(b.title))
              .bind_opt("kind", opt(b.kind))
              .bind_opt("origin", opt(b.origin_chamber))
              .bind_opt("entered", opt(b.entered_at))
              .bind("stage", b.stage)
              .bind_opt("committee", opt(b.committee))
              .bind_opt("law", b.law_number)
              .bind_opt("published", opt(b.published_at))
              .bind("now", now)
              .bind("now2", now)
              .scalar(s);
}

void Repository::update_stage(soci::session& s, const Bill& b) {
  Query("UPDATE legislative_bills SET stage = :stage, committee = :committee, law_number = :law, "
        "published_at = :published, updated_at = :now WHERE id = :id")
      .bind("stage", b.stage)
      .bind_opt("committee", opt(b.committee))
      .bind_opt("law", b.law_number)
      .bind_opt("published", opt(b.published_at))
      .bind("now", static_cast<long long>(now_ms()))
      .bind("id", static_cast<long long>(b.id))
      .exec(s);
}

int64_t Repository::insert_event(soci::session& s, const Event& e, std::optional<int64_t> actor_user_id) {
  return *Query("INSERT INTO legislative_events(bill_id, at, kind, stage, from_stage, committee, urgency, note, "
                "actor_user_id, created_at) "
                "VALUES(:bill, :at, :kind, :stage, :from, :committee, :urgency, :note, :actor, :now) RETURNING id")
              .bind("bill", static_cast<long long>(e.bill_id))
              .bind_opt("at", opt(e.at))
              .bind("kind", e.kind)
              .bind_opt("stage", opt(e.stage))
              .bind_opt("from", opt(e.from_stage))
              .bind_opt("committee", opt(e.committee))
              .bind_opt("urgency", opt(e.urgency))
              .bind_opt("note", opt(e.note))
              .bind_opt("actor", opt(actor_user_id))
              .bind("now", static_cast<long long>(now_ms()))
              .scalar(s);
}

}  // namespace eq::legislative
