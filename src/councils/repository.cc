// Every SQL statement of the councils module (SQLite and PostgreSQL).
#include "councils/module.h"
#include "store/collect.h"
#include "store/query.h"

namespace eq::councils::repo {

namespace {
using store::get_int;
using store::get_opt_int;
using store::get_str;
using store::Query;
using LL = long long;

using store::collect;

Body body_from(const soci::row& r) {
  return {get_int(r, 0), get_str(r, 1), get_str(r, 2), get_str(r, 3), get_str(r, 4), get_str(r, 5), get_str(r, 6), get_int(r, 7) != 0};
}
const char* kBodyCols = "SELECT id, kind, name, legal_basis, description, region_id, since, demo FROM councils_bodies";

Member member_from(const soci::row& r) {
  return {get_int(r, 0), get_int(r, 1), get_str(r, 2), get_str(r, 3), get_str(r, 4), get_str(r, 5), get_str(r, 6), get_int(r, 7) != 0};
}
const char* kMemberCols = "SELECT id, body_id, name, organisation, role, term_from, term_until, demo FROM councils_members";

const char* kSessionCols = "SELECT id, body_id, held_on, kind, modality, place, minutes, minutes_published_at, demo FROM councils_sessions";
Session session_from(const soci::row& r) {
  Session x;
  x.id = get_int(r, 0);
  x.body_id = get_int(r, 1);
  x.held_on = get_str(r, 2);
  x.kind = get_str(r, 3);
  x.modality = get_str(r, 4);
  x.place = get_str(r, 5);
  x.minutes = get_str(r, 6);
  x.minutes_published_at = get_opt_int(r, 7);
  x.demo = get_int(r, 8) != 0;
  return x;
}
void fill(soci::session& s, Session& x) {
  x.topics = collect<std::string>(s, Query("SELECT text FROM councils_topics WHERE session_id = :s ORDER BY ord").bind("s", LL{x.id}),
                                  [](const soci::row& r) { return get_str(r, 0); });
  x.attendance = collect<Attendance>(s, Query("SELECT member_id, status FROM councils_attendance WHERE session_id = :s").bind("s", LL{x.id}),
                                     [](const soci::row& r) { return Attendance{get_int(r, 0), get_str(r, 1)}; });
}

const char* kAgreementCols = "SELECT id, body_id, session_id, text, owner, due_on, status, updated_at, demo FROM councils_agreements";
Agreement agreement_from(const soci::row& r) {
  Agreement a;
  a.id = get_int(r, 0);
  a.body_id = get_int(r, 1);
  a.session_id = get_int(r, 2);
  a.text = get_str(r, 3);
  a.owner = get_str(r, 4);
  a.due_on = get_str(r, 5);
  a.status = get_str(r, 6);
  a.updated_at = get_int(r, 7);
  a.demo = get_int(r, 8) != 0;
  return a;
}
void fill(soci::session& s, Agreement& a) {
  a.updates = collect<Update>(
      s, Query("SELECT id, agreement_id, at, status, note, by_name FROM councils_updates WHERE agreement_id = :a ORDER BY at, id").bind("a", LL{a.id}),
      [](const soci::row& r) { return Update{get_int(r, 0), get_int(r, 1), get_int(r, 2), get_str(r, 3), get_str(r, 4), get_str(r, 5)}; });
}
}  // namespace

int64_t insert_body(soci::session& s, const Body& b) {
  return *Query("INSERT INTO councils_bodies (kind, name, legal_basis, description, region_id, since, demo) "
                "VALUES (:k, :n, :l, :d, :r, :s, :demo) RETURNING id")
              .bind("k", b.kind)
              .bind("n", b.name)
              .bind("l", b.legal_basis)
              .bind("d", b.description)
              .bind("r", b.region_id)
              .bind("s", b.since)
              .bind("demo", LL{b.demo})
              .scalar(s);
}

std::optional<Body> body(soci::session& s, int64_t id) {
  auto v = collect<Body>(s, Query(std::string(kBodyCols) + " WHERE id = :id").bind("id", LL{id}), body_from);
  if (v.empty()) return std::nullopt;
  return v.front();
}

std::vector<Body> bodies(soci::session& s) {
  // National bodies first, then by region; within each, by kind and name.
  return collect<Body>(s, Query(std::string(kBodyCols) + " ORDER BY region_id, kind, name, id"), body_from);
}

int64_t count_demo(soci::session& s) { return Query("SELECT COUNT(*) FROM councils_bodies WHERE demo = 1").scalar(s).value_or(0); }

int64_t insert_member(soci::session& s, const Member& m) {
  return *Query("INSERT INTO councils_members (body_id, name, organisation, role, term_from, term_until, demo) "
                "VALUES (:b, :n, :o, :r, :f, :u, :demo) RETURNING id")
              .bind("b", LL{m.body_id})
              .bind("n", m.name)
              .bind("o", m.organisation)
              .bind("r", m.role)
              .bind("f", m.term_from)
              .bind("u", m.term_until)
              .bind("demo", LL{m.demo})
              .scalar(s);
}

std::optional<Member> member(soci::session& s, int64_t body_id, int64_t id) {
  auto v = collect<Member>(s, Query(std::string(kMemberCols) + " WHERE id = :id AND body_id = :b").bind("id", LL{id}).bind("b", LL{body_id}),
                           member_from);
  if (v.empty()) return std::nullopt;
  return v.front();
}

void set_member_term(soci::session& s, int64_t id, const std::string& term_until) {
  Query("UPDATE councils_members SET term_until = :u WHERE id = :id").bind("u", term_until).bind("id", LL{id}).exec(s);
}

std::vector<Member> members(soci::session& s, int64_t body_id) {
  return collect<Member>(s, Query(std::string(kMemberCols) + " WHERE body_id = :b ORDER BY term_from, id").bind("b", LL{body_id}), member_from);
}

int64_t insert_session(soci::session& s, const Session& x) {
  const int64_t id = *Query("INSERT INTO councils_sessions (body_id, held_on, kind, modality, place, minutes, minutes_published_at, demo) "
                            "VALUES (:b, :h, :k, :m, :p, :mi, :pub, :demo) RETURNING id")
                          .bind("b", LL{x.body_id})
                          .bind("h", x.held_on)
                          .bind("k", x.kind)
                          .bind("m", x.modality)
                          .bind("p", x.place)
                          .bind("mi", x.minutes)
                          .bind_opt("pub", x.minutes_published_at ? std::optional<LL>(*x.minutes_published_at) : std::nullopt)
                          .bind("demo", LL{x.demo})
                          .scalar(s);
  for (size_t i = 0; i < x.topics.size(); ++i)
    Query("INSERT INTO councils_topics (session_id, ord, text) VALUES (:s, :o, :t)")
        .bind("s", LL{id})
        .bind("o", static_cast<LL>(i))
        .bind("t", x.topics[i])
        .exec(s);
  return id;
}

std::optional<Session> session(soci::session& s, int64_t id) {
  auto v = collect<Session>(s, Query(std::string(kSessionCols) + " WHERE id = :id").bind("id", LL{id}), session_from);
  if (v.empty()) return std::nullopt;
  fill(s, v.front());
  return v.front();
}

std::vector<Session> sessions(soci::session& s, int64_t body_id) {
  auto v = collect<Session>(s, Query(std::string(kSessionCols) + " WHERE body_id = :b ORDER BY held_on DESC, id DESC").bind("b", LL{body_id}),
                            session_from);
  for (auto& x : v) fill(s, x);
  return v;
}

void set_attendance(soci::session& s, int64_t session_id, const std::vector<Attendance>& a) {
  // The roll call is recorded whole: a new one replaces the previous.
  Query("DELETE FROM councils_attendance WHERE session_id = :s").bind("s", LL{session_id}).exec(s);
  for (const auto& x : a)
    Query("INSERT INTO councils_attendance (session_id, member_id, status) VALUES (:s, :m, :st)")
        .bind("s", LL{session_id})
        .bind("m", LL{x.member_id})
        .bind("st", x.status)
        .exec(s);
}

void set_minutes(soci::session& s, int64_t session_id, const std::string& text, std::optional<int64_t> published_at) {
  Query("UPDATE councils_sessions SET minutes = :m, minutes_published_at = :p WHERE id = :id")
      .bind("m", text)
      .bind_opt("p", published_at ? std::optional<LL>(*published_at) : std::nullopt)
      .bind("id", LL{session_id})
      .exec(s);
}

int64_t insert_agreement(soci::session& s, const Agreement& a) {
  return *Query("INSERT INTO councils_agreements (body_id, session_id, text, owner, due_on, status, updated_at, demo) "
                "VALUES (:b, :s, :t, :o, :d, :st, :u, :demo) RETURNING id")
              .bind("b", LL{a.body_id})
              .bind("s", LL{a.session_id})
              .bind("t", a.text)
              .bind("o", a.owner)
              .bind("d", a.due_on)
              .bind("st", a.status)
              .bind("u", LL{a.updated_at})
              .bind("demo", LL{a.demo})
              .scalar(s);
}

std::optional<Agreement> agreement(soci::session& s, int64_t id) {
  auto v = collect<Agreement>(s, Query(std::string(kAgreementCols) + " WHERE id = :id").bind("id", LL{id}), agreement_from);
  if (v.empty()) return std::nullopt;
  fill(s, v.front());
  return v.front();
}

std::vector<Agreement> agreements(soci::session& s, std::optional<int64_t> body_id) {
  Query q{std::string(kAgreementCols)};
  if (body_id) q.sql(" WHERE body_id = :b").bind("b", LL{*body_id});
  q.sql(" ORDER BY due_on, id");
  auto v = collect<Agreement>(s, q, agreement_from);
  for (auto& a : v) fill(s, a);
  return v;
}

void insert_update(soci::session& s, const Update& u) {
  Query("INSERT INTO councils_updates (agreement_id, at, status, note, by_name) VALUES (:a, :at, :s, :n, :b)")
      .bind("a", LL{u.agreement_id})
      .bind("at", LL{u.at})
      .bind("s", u.status)
      .bind("n", u.note)
      .bind("b", u.by_name)
      .exec(s);
}

void set_agreement_status(soci::session& s, int64_t id, const std::string& status, int64_t at) {
  Query("UPDATE councils_agreements SET status = :s, updated_at = :at WHERE id = :id").bind("s", status).bind("at", LL{at}).bind("id", LL{id}).exec(s);
}

}  // namespace eq::councils::repo
