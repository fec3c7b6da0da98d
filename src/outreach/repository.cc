// Every SQL statement of outreach (SQLite and PostgreSQL). Registrants' names, e-mails and codes
// are encrypted here and opened only by the functions that say so.
#include <algorithm>

#include "core/time.h"
#include "outreach/module.h"
#include "store/collect.h"
#include "store/query.h"

namespace eq::outreach {

namespace {
using store::collect;
using store::get_int;
using store::get_opt_int;
using store::get_str;
using store::Query;
using LL = long long;

// A campaign's channels kept as a JSON array of codes.
std::string channels_text(const std::vector<std::string>& v) { return nlohmann::json(v).dump(); }
std::vector<std::string> channels_of(const std::string& text) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  return j.is_array() ? j.get<std::vector<std::string>>() : std::vector<std::string>{};
}

constexpr const char* kCourseSql =
    "SELECT c.id, c.institution_id, c.institution_name, c.name, c.modality, c.population, c.capacity, c.target, c.target_source, "
    "c.description, c.demo, (SELECT COUNT(*) FROM outreach_sessions x WHERE x.course_id = c.id), "
    "(SELECT COALESCE(SUM(n.people), 0) FROM outreach_counts n JOIN outreach_sessions x ON x.id = n.session_id WHERE x.course_id = c.id) "
    "FROM outreach_courses c";

Course course_from(const soci::row& r) {
  Course c;
  c.id = get_int(r, 0);
  c.institution_id = get_int(r, 1);
  c.institution_name = get_str(r, 2);
  c.name = get_str(r, 3);
  c.modality = get_str(r, 4);
  c.population = get_str(r, 5);
  c.capacity = get_int(r, 6);
  c.target = get_opt_int(r, 7);
  c.target_source = get_str(r, 8);
  c.description = get_str(r, 9);
  c.demo = get_int(r, 10) != 0;
  c.sessions = get_int(r, 11);
  c.participants = get_int(r, 12);
  return c;
}

constexpr const char* kSessionSql =
    "SELECT x.id, x.course_id, c.name, x.institution_id, x.institution_name, x.starts_on, x.ends_on, x.place, x.capacity, x.demo, "
    "(SELECT COALESCE(SUM(n.people), 0) FROM outreach_counts n WHERE n.session_id = x.id) "
    "FROM outreach_sessions x JOIN outreach_courses c ON c.id = x.course_id";

Session session_from(const soci::row& r) {
  Session x;
  x.id = get_int(r, 0);
  x.course_id = get_int(r, 1);
  x.course_name = get_str(r, 2);
  x.institution_id = get_int(r, 3);
  x.institution_name = get_str(r, 4);
  x.starts_on = get_str(r, 5);
  x.ends_on = get_str(r, 6);
  x.place = get_str(r, 7);
  x.capacity = get_int(r, 8);
  x.demo = get_int(r, 9) != 0;
  x.participants = get_int(r, 10);
  return x;
}

constexpr const char* kTalkSql =
    "SELECT t.id, t.institution_id, t.institution_name, t.series, t.title, t.speaker, t.place, t.starts_at, t.capacity, t.demo, "
    "(SELECT COUNT(*) FROM outreach_registrations r WHERE r.talk_id = t.id), "
    "(SELECT COUNT(*) FROM outreach_registrations r WHERE r.talk_id = t.id AND r.attended_at IS NOT NULL) FROM outreach_talks t";

Talk talk_from(const soci::row& r) {
  Talk t;
  t.id = get_int(r, 0);
  t.institution_id = get_int(r, 1);
  t.institution_name = get_str(r, 2);
  t.series = get_str(r, 3);
  t.title = get_str(r, 4);
  t.speaker = get_str(r, 5);
  t.place = get_str(r, 6);
  t.starts_at = get_int(r, 7);
  t.capacity = get_int(r, 8);
  t.demo = get_int(r, 9) != 0;
  t.registered = get_int(r, 10);
  t.attended = get_int(r, 11);
  return t;
}

constexpr const char* kRegSql =
    "SELECT id, talk_id, name_enc, email_enc, comuna_id, code_enc, registered_at, attended_at, demo FROM outreach_registrations";
}  // namespace

int64_t Repository::insert_course(soci::session& s, const Course& c) const {
  return *Query(
              "INSERT INTO outreach_courses (institution_id, institution_name, name, modality, population, capacity, target, "
              "target_source, description, demo, created_at) VALUES (:i, :in, :n, :m, :p, :c, :t, :ts, :d, :demo, :at) RETURNING id")
              .bind("i", LL{c.institution_id})
              .bind("in", c.institution_name)
              .bind("n", c.name)
              .bind("m", c.modality)
              .bind("p", c.population)
              .bind("c", LL{c.capacity})
              .bind_opt("t", c.target ? std::optional<LL>(*c.target) : std::nullopt)
              .bind("ts", c.target_source)
              .bind("d", c.description)
              .bind("demo", LL{c.demo})
              .bind("at", LL{now_ms()})
              .scalar(s);
}

std::vector<Course> Repository::courses(soci::session& s) const {
  return collect<Course>(s, Query(std::string(kCourseSql) + " ORDER BY c.id"), course_from);
}

std::optional<Course> Repository::course(soci::session& s, int64_t id) const {
  auto v = collect<Course>(s, Query(std::string(kCourseSql) + " WHERE c.id = :id").bind("id", LL{id}), course_from);
  if (v.empty()) return std::nullopt;
  return v.front();
}

int64_t Repository::insert_session(soci::session& s, const Session& x) const {
  return *Query(
              "INSERT INTO outreach_sessions (course_id, institution_id, institution_name, starts_on, ends_on, place, capacity, demo) "
              "VALUES (:c, :i, :in, :s, :e, :p, :cap, :d) RETURNING id")
              .bind("c", LL{x.course_id})
              .bind("i", LL{x.institution_id})
              .bind("in", x.institution_name)
              .bind("s", x.starts_on)
              .bind("e", x.ends_on)
              .bind("p", x.place)
              .bind("cap", LL{x.capacity})
              .bind("d", LL{x.demo})
              .scalar(s);
}

std::vector<Session> Repository::sessions(soci::session& s, std::optional<int64_t> course_id) const {
  Query q(kSessionSql);
  if (course_id) q.sql(" WHERE x.course_id = :c").bind("c", LL{*course_id});
  q.sql(" ORDER BY x.course_id, x.id");
  return collect<Session>(s, std::move(q), session_from);
}

std::optional<Session> Repository::session(soci::session& s, int64_t id) const {
  auto v = collect<Session>(s, Query(std::string(kSessionSql) + " WHERE x.id = :id").bind("id", LL{id}), session_from);
  if (v.empty()) return std::nullopt;
  v.front().counts = collect<Count>(
      s, Query("SELECT institution, sex, people FROM outreach_counts WHERE session_id = :id ORDER BY institution, sex").bind("id", LL{id}),
      [](const soci::row& r) { return Count{get_str(r, 0), get_str(r, 1), get_int(r, 2)}; });
  return v.front();
}

void Repository::replace_counts(soci::session& s, int64_t session_id, const std::vector<Count>& counts) const {
  Query("DELETE FROM outreach_counts WHERE session_id = :id").bind("id", LL{session_id}).exec(s);
  for (const auto& c : counts)
    Query("INSERT INTO outreach_counts (session_id, institution, sex, people) VALUES (:s, :i, :x, :n)")
        .bind("s", LL{session_id})
        .bind("i", c.institution)
        .bind("x", c.sex)
        .bind("n", LL{c.count})
        .exec(s);
}

std::vector<std::tuple<int64_t, std::string, int64_t>> Repository::by_sex(soci::session& s) const {
  using Row = std::tuple<int64_t, std::string, int64_t>;
  return collect<Row>(s,
                   Query("SELECT x.course_id, n.sex, SUM(n.people) FROM outreach_counts n JOIN outreach_sessions x ON x.id = n.session_id "
                         "GROUP BY x.course_id, n.sex ORDER BY x.course_id, n.sex"),
                   [](const soci::row& r) { return Row{get_int(r, 0), get_str(r, 1), get_int(r, 2)}; });
}

int64_t Repository::insert_campaign(soci::session& s, const Campaign& c) const {
  return *Query(
              "INSERT INTO outreach_campaigns (institution_id, institution_name, name, description, starts_on, ends_on, channels, source, "
              "demo) VALUES (:i, :in, :n, :d, :s, :e, :ch, :src, :demo) RETURNING id")
              .bind("i", LL{c.institution_id})
              .bind("in", c.institution_name)
              .bind("n", c.name)
              .bind("d", c.description)
              .bind("s", c.starts_on)
              .bind("e", c.ends_on)
              .bind("ch", channels_text(c.channels))
              .bind("src", c.source)
              .bind("demo", LL{c.demo})
              .scalar(s);
}

std::vector<Campaign> Repository::campaigns(soci::session& s) const {
  return collect<Campaign>(
      s, Query("SELECT id, institution_id, institution_name, name, description, starts_on, ends_on, channels, source, demo FROM outreach_campaigns ORDER BY id"),
      [](const soci::row& r) {
        Campaign c;
        c.id = get_int(r, 0);
        c.institution_id = get_int(r, 1);
        c.institution_name = get_str(r, 2);
        c.name = get_str(r, 3);
        c.description = get_str(r, 4);
        c.starts_on = get_str(r, 5);
        c.ends_on = get_str(r, 6);
        c.channels = channels_of(get_str(r, 7));
        c.source = get_str(r, 8);
        c.demo = get_int(r, 9) != 0;
        return c;
      });
}

int64_t Repository::insert_talk(soci::session& s, const Talk& t) const {
  return *Query(
              "INSERT INTO outreach_talks (institution_id, institution_name, series, title, speaker, place, starts_at, capacity, registered, "
              "demo) VALUES (:i, :in, :se, :t, :sp, :p, :at, :cap, 0, :d) RETURNING id")
              .bind("i", LL{t.institution_id})
              .bind("in", t.institution_name)
              .bind("se", t.series)
              .bind("t", t.title)
              .bind("sp", t.speaker)
              .bind("p", t.place)
              .bind("at", LL{t.starts_at})
              .bind("cap", LL{t.capacity})
              .bind("d", LL{t.demo})
              .scalar(s);
}

std::vector<Talk> Repository::talks(soci::session& s) const {
  return collect<Talk>(s, Query(std::string(kTalkSql) + " ORDER BY t.starts_at, t.id"), talk_from);
}

std::optional<Talk> Repository::talk(soci::session& s, int64_t id) const {
  auto v = collect<Talk>(s, Query(std::string(kTalkSql) + " WHERE t.id = :id").bind("id", LL{id}), talk_from);
  if (v.empty()) return std::nullopt;
  return v.front();
}

bool Repository::take_seat(soci::session& s, int64_t talk_id) const {
  return Query("UPDATE outreach_talks SET registered = registered + 1 WHERE id = :id AND registered < capacity").bind("id", LL{talk_id}).exec(s) == 1;
}

bool Repository::registered(soci::session& s, int64_t talk_id, const std::string& email) const {
  return Query("SELECT id FROM outreach_registrations WHERE talk_id = :t AND email_bidx = :e")
      .bind("t", LL{talk_id})
      .bind("e", email_index(email))
      .scalar(s)
      .has_value();
}

int64_t Repository::insert_registration(soci::session& s, const Registration& r) const {
  return *Query(
              "INSERT INTO outreach_registrations (talk_id, name_enc, email_enc, email_bidx, comuna_id, code_enc, code_bidx, registered_at, "
              "attended_at, demo) VALUES (:t, :n, :e, :ex, :c, :k, :kx, :at, :att, :d) RETURNING id")
              .bind("t", LL{r.talk_id})
              .bind("n", keys_.encrypt(r.name))
              .bind("e", keys_.encrypt(r.email))
              .bind("ex", email_index(r.email))
              .bind("c", r.comuna_id)
              .bind("k", keys_.encrypt(r.code))
              .bind("kx", code_index(r.code))
              .bind("at", LL{r.registered_at})
              .bind_opt("att", r.attended_at ? std::optional<LL>(*r.attended_at) : std::nullopt)
              .bind("d", LL{r.demo})
              .scalar(s);
}

void Repository::insert_registrations(soci::session& s, const std::vector<Registration>& batch) const {
  // One statement per 100 rows: the demo writes thousands, and a round trip each is slow on PostgreSQL.
  for (size_t from = 0; from < batch.size(); from += 100) {
    Query q("INSERT INTO outreach_registrations (talk_id, name_enc, email_enc, email_bidx, comuna_id, code_enc, code_bidx, registered_at, "
            "attended_at, demo) VALUES ");
    for (size_t i = from; i < std::min(batch.size(), from + 100); ++i) {
      const auto& r = batch[i];
      const std::string n = std::to_string(i - from);
      q.sql((i == from ? "" : ", ") + std::string("(:t") + n + ", :n" + n + ", :e" + n + ", :ex" + n + ", :c" + n + ", :k" + n + ", :kx" + n +
            ", :at" + n + ", :att" + n + ", :d" + n + ")");
      q.bind("t" + n, LL{r.talk_id})
          .bind("n" + n, keys_.encrypt(r.name))
          .bind("e" + n, keys_.encrypt(r.email))
          .bind("ex" + n, email_index(r.email))
          .bind("c" + n, r.comuna_id)
          .bind("k" + n, keys_.encrypt(r.code))
          .bind("kx" + n, code_index(r.code))
          .bind("at" + n, LL{r.registered_at})
          .bind_opt("att" + n, r.attended_at ? std::optional<LL>(*r.attended_at) : std::nullopt)
          .bind("d" + n, LL{r.demo});
    }
    q.exec(s);
  }
}

namespace {
Registration open_reg(const soci::row& r, const crypto::Keys& keys) {
  Registration x;
  x.id = get_int(r, 0);
  x.talk_id = get_int(r, 1);
  x.name = keys.decrypt(get_str(r, 2)).value_or("");
  x.email = keys.decrypt(get_str(r, 3)).value_or("");
  x.comuna_id = get_str(r, 4);
  x.code = keys.decrypt(get_str(r, 5)).value_or("");
  x.registered_at = get_int(r, 6);
  x.attended_at = get_opt_int(r, 7);
  x.demo = get_int(r, 8) != 0;
  return x;
}
}  // namespace

std::vector<Registration> Repository::registrations(soci::session& s, int64_t talk_id) const {
  return collect<Registration>(s, Query(std::string(kRegSql) + " WHERE talk_id = :t ORDER BY id").bind("t", LL{talk_id}),
                            [&](const soci::row& r) { return open_reg(r, keys_); });
}

std::optional<Registration> Repository::registration(soci::session& s, int64_t talk_id, std::optional<int64_t> id,
                                                     const std::string& email) const {
  Query q(std::string(kRegSql) + " WHERE talk_id = :t");
  q.bind("t", LL{talk_id});
  if (id) q.sql(" AND id = :id").bind("id", LL{*id});
  else q.sql(" AND email_bidx = :e").bind("e", email_index(email));
  auto v = collect<Registration>(s, std::move(q), [&](const soci::row& r) { return open_reg(r, keys_); });
  if (v.empty()) return std::nullopt;
  return v.front();
}

void Repository::mark_attended(soci::session& s, int64_t id, int64_t at, int64_t by) const {
  Query("UPDATE outreach_registrations SET attended_at = :at, marked_by = :by WHERE id = :id").bind("at", LL{at}).bind("by", LL{by}).bind("id", LL{id}).exec(s);
}

std::optional<Certificate> Repository::certificate(soci::session& s, const std::string& code) const {
  auto v = collect<Registration>(s, Query(std::string(kRegSql) + " WHERE code_bidx = :k").bind("k", code_index(code)),
                              [&](const soci::row& r) { return open_reg(r, keys_); });
  if (v.empty()) return std::nullopt;
  auto t = talk(s, v.front().talk_id);
  if (!t) return std::nullopt;
  return Certificate{v.front(), *t};
}

std::pair<int64_t, int64_t> Repository::series_counts(soci::session& s, const std::string& series) const {
  const int64_t talks = Query("SELECT COUNT(*) FROM outreach_talks WHERE series = :s").bind("s", series).scalar(s).value_or(0);
  const int64_t regs = Query("SELECT COUNT(*) FROM outreach_registrations r JOIN outreach_talks t ON t.id = r.talk_id WHERE t.series = :s")
                           .bind("s", series)
                           .scalar(s)
                           .value_or(0);
  return {talks, regs};
}

int64_t Repository::count_demo(soci::session& s) const {
  return Query("SELECT (SELECT COUNT(*) FROM outreach_courses WHERE demo = 1) + (SELECT COUNT(*) FROM outreach_talks WHERE demo = 1)")
      .scalar(s)
      .value_or(0);
}

}  // namespace eq::outreach
