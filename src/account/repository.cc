// All SQL of the public account (SQLite and PostgreSQL).
#include <map>

#include "account/module.h"
#include "core/time.h"
#include "store/query.h"

namespace eq::account {

namespace {

using store::get_int;
using store::get_opt_int;
using store::get_str;
using store::Query;

const char* kEditions =
    "SELECT id, period, title, state, demo, from_at, to_at, created_at, created_by, published_at, published_by, snapshot, sha256, "
    "version, previous_id, review, review_note, submitted_by, reviewed_by, reviewed_at FROM account_editions";
const char* kMilestones =
    "SELECT id, region_id, period, day, date_text, title, description, results, demo, created_by, updated_at, "
    "axis, comunas, evidence, curation, curation_reason FROM account_milestones";

Edition edition_from(const soci::row& r) {
  Edition e;
  e.id = get_int(r, 0);
  e.period = get_str(r, 1);
  e.title = get_str(r, 2);
  e.state = get_str(r, 3);
  e.demo = get_int(r, 4) != 0;
  e.from = get_int(r, 5);
  e.to = get_int(r, 6);
  e.created_at = get_int(r, 7);
  e.created_by = get_opt_int(r, 8).value_or(0);
  e.published_at = get_opt_int(r, 9);
  e.published_by = get_opt_int(r, 10);
  e.snapshot = get_str(r, 11);
  e.sha256 = get_str(r, 12);
  e.version = get_int(r, 13);
  e.previous_id = get_opt_int(r, 14);
  e.review = get_str(r, 15);
  e.review_note = get_str(r, 16);
  e.submitted_by = get_opt_int(r, 17);
  e.reviewed_by = get_opt_int(r, 18);
  e.reviewed_at = get_opt_int(r, 19);
  return e;
}

Milestone milestone_from(const soci::row& r) {
  Milestone m;
  m.id = get_int(r, 0);
  m.region_id = get_str(r, 1);
  m.period = get_str(r, 2);
  m.day = get_opt_int(r, 3);
  m.date_text = get_str(r, 4);
  m.title = get_str(r, 5);
  m.description = get_str(r, 6);
  m.results = get_str(r, 7);
  m.demo = get_int(r, 8) != 0;
  m.created_by = get_opt_int(r, 9).value_or(0);
  m.updated_at = get_int(r, 10);
  m.axis = get_str(r, 11);
  m.comunas = get_str(r, 12);
  m.evidence = get_str(r, 13);
  m.curation = get_str(r, 14);
  m.curation_reason = get_str(r, 15);
  return m;
}

template <class T>
std::vector<T> all_rows(Query& q, soci::session& s, T (*from)(const soci::row&)) {
  std::vector<T> out;
  q.each(s, [&](const soci::row& r) { out.push_back(from(r)); });
  return out;
}

template <class T>
std::optional<T> row_by_id(const char* select, soci::session& s, int64_t id, T (*from)(const soci::row&)) {
  Query q(select + std::string(" WHERE id = :id"));
  q.bind("id", static_cast<long long>(id));
  auto rows = all_rows(q, s, from);
  return rows.empty() ? std::nullopt : std::optional<T>(rows.front());
}

std::optional<long long> opt(const std::optional<int64_t>& v) {
  return v ? std::optional<long long>(static_cast<long long>(*v)) : std::nullopt;
}
std::optional<long long> opt_user(int64_t v) { return v ? std::optional<long long>(v) : std::nullopt; }

}  // namespace

std::vector<Edition> Repository::editions(soci::session& s, bool published_only) {
  Query q(kEditions + std::string(published_only ? " WHERE state = 'publicada'" : ""));
  q.sql(" ORDER BY period DESC, id DESC");
  return all_rows(q, s, edition_from);
}

std::optional<Edition> Repository::edition(soci::session& s, int64_t id) { return row_by_id(kEditions, s, id, edition_from); }

int64_t Repository::insert_edition(soci::session& s, const Edition& e) {
  return *Query("INSERT INTO account_editions(period, title, state, demo, from_at, to_at, created_at, created_by, version, previous_id) "
                "VALUES(:period, :title, 'borrador', :demo, :from, :to, :now, :by, :version, :previous) RETURNING id")
              .bind("version", static_cast<long long>(e.version))
              .bind_opt("previous", opt(e.previous_id))
              .bind("period", e.period)
              .bind("title", e.title)
              .bind("demo", static_cast<long long>(e.demo ? 1 : 0))
              .bind("from", static_cast<long long>(e.from))
              .bind("to", static_cast<long long>(e.to))
              .bind("now", static_cast<long long>(e.created_at))
              .bind_opt("by", opt_user(e.created_by))
              .scalar(s);
}

void Repository::publish(soci::session& s, int64_t id, int64_t at, int64_t by, const std::string& snapshot, const std::string& sha256) {
  // "AND state = 'borrador'": a second publication of the same edition changes nothing.
  Query("UPDATE account_editions SET state = 'publicada', published_at = :at, published_by = :by, snapshot = :snap, sha256 = :sha "
        "WHERE id = :id AND state = 'borrador'")
      .bind("at", static_cast<long long>(at))
      .bind_opt("by", opt_user(by))
      .bind("snap", snapshot)
      .bind("sha", sha256)
      .bind("id", static_cast<long long>(id))
      .exec(s);
}

void Repository::set_review(soci::session& s, const Edition& e) {
  // "AND state = 'borrador'": nothing about a published version changes.
  Query("UPDATE account_editions SET review = :review, review_note = :note, submitted_by = :sub, reviewed_by = :rev, reviewed_at = :at "
        "WHERE id = :id AND state = 'borrador'")
      .bind("review", e.review)
      .bind("note", e.review_note)
      .bind_opt("sub", opt(e.submitted_by))
      .bind_opt("rev", opt(e.reviewed_by))
      .bind_opt("at", opt(e.reviewed_at))
      .bind("id", static_cast<long long>(e.id))
      .exec(s);
}

int64_t Repository::next_version(soci::session& s, const std::string& period) {
  return Query("SELECT COALESCE(MAX(version), 0) FROM account_editions WHERE period = :period AND demo = 0")
             .bind("period", period)
             .scalar(s)
             .value_or(0) +
         1;
}

void Repository::curate(soci::session& s, int64_t id, const std::string& curation, const std::string& reason, int64_t by) {
  Query("UPDATE account_milestones SET curation = :c, curation_reason = :r, curated_by = :by, curated_at = :at WHERE id = :id")
      .bind("c", curation)
      .bind("r", reason)
      .bind_opt("by", opt_user(by))
      .bind("at", static_cast<long long>(now_ms()))
      .bind("id", static_cast<long long>(id))
      .exec(s);
}

std::map<std::string, std::string> Repository::sections(soci::session& s, int64_t edition_id) {
  std::map<std::string, std::string> out;
  Query("SELECT section, body FROM account_sections WHERE edition_id = :id")
      .bind("id", static_cast<long long>(edition_id))
      .each(s, [&](const soci::row& r) { out[get_str(r, 0)] = get_str(r, 1); });
  return out;
}

void Repository::put_section(soci::session& s, int64_t edition_id, const std::string& key, const std::string& text, int64_t by) {
  Query("DELETE FROM account_sections WHERE edition_id = :id AND section = :key")
      .bind("id", static_cast<long long>(edition_id))
      .bind("key", key)
      .exec(s);
  Query("INSERT INTO account_sections(edition_id, section, body, updated_at, updated_by) VALUES(:id, :key, :body, :now, :by)")
      .bind("id", static_cast<long long>(edition_id))
      .bind("key", key)
      .bind("body", text)
      .bind("now", static_cast<long long>(now_ms()))
      .bind_opt("by", opt_user(by))
      .exec(s);
}

std::vector<Milestone> Repository::milestones(soci::session& s, const std::string& period, const std::string& region_id) {
  Query q(kMilestones + std::string(" WHERE 1 = 1"));
  if (!period.empty()) q.sql(" AND period = :period").bind("period", period);
  if (!region_id.empty()) q.sql(" AND region_id = :region").bind("region", region_id);
  q.sql(" ORDER BY region_id, id");
  return all_rows(q, s, milestone_from);
}

std::optional<Milestone> Repository::milestone(soci::session& s, int64_t id) { return row_by_id(kMilestones, s, id, milestone_from); }

namespace {

// The fields a milestone's author writes (insert and update bind the same ones).
Query& bind_written(Query& q, const Milestone& m) {
  return q.bind("period", m.period)
      .bind_opt("day", opt(m.day))
      .bind("dtext", m.date_text)
      .bind("title", m.title)
      .bind("descr", m.description)
      .bind("results", m.results)
      .bind("axis", m.axis)
      .bind("comunas", m.comunas)
      .bind("evidence", m.evidence)
      .bind("now", static_cast<long long>(now_ms()));
}

}  // namespace

int64_t Repository::insert_milestone(soci::session& s, const Milestone& m) {
  Query q("INSERT INTO account_milestones(region_id, period, day, date_text, title, description, results, demo, created_by, "
          "created_at, updated_at, axis, comunas, evidence, curation) VALUES(:region, :period, :day, :dtext, :title, :descr, :results, "
          ":demo, :by, :now, :now2, :axis, :comunas, :evidence, :curation) "
          "RETURNING id");
  bind_written(q, m)
      .bind("region", m.region_id)
      .bind("demo", static_cast<long long>(m.demo ? 1 : 0))
      .bind("curation", m.curation)
      .bind_opt("by", opt_user(m.created_by))
      .bind("now2", static_cast<long long>(now_ms()));
  return *q.scalar(s);
}

void Repository::update_milestone(soci::session& s, const Milestone& m) {
  Query q("UPDATE account_milestones SET period = :period, day = :day, date_text = :dtext, title = :title, description = :descr, "
          "results = :results, axis = :axis, comunas = :comunas, evidence = :evidence, updated_at = :now WHERE id = :id");
  bind_written(q, m).bind("id", static_cast<long long>(m.id)).exec(s);
}

std::pair<bool, bool> Repository::has_demo(soci::session& s) {
  return {Query("SELECT COUNT(*) FROM account_milestones WHERE demo = 1").scalar(s).value_or(0) > 0,
          Query("SELECT COUNT(*) FROM account_editions WHERE demo = 1").scalar(s).value_or(0) > 0};
}

}  // namespace eq::account
