// All SQL of citizens' participation (SQLite and PostgreSQL).
#include "participation/module.h"
#include "store/query.h"

namespace eq::participation {

namespace {

using store::get_int;
using store::get_opt_int;
using store::get_str;
using store::Query;

const char* kProcesses =
    "SELECT id, period, title, consult_from, answers_from, final_from, answer_days, phase, phase_at, demo FROM participation_processes";
const char* kPosts =
    "SELECT p.id, p.process_id, p.citizen_id, p.kind, p.body, p.section_key, p.quote, p.edition_id, p.quote_offset, p.topic, p.region_id, "
    "p.due_at, p.answer, p.answered_at, p.answered_by, p.state, p.appeal, p.appealed_at, p.created_at, p.demo, c.pseudonym "
    "FROM participation_posts p JOIN participation_citizens c ON c.id = p.citizen_id";

Process process_from(const soci::row& r) {
  Process p;
  p.id = get_int(r, 0);
  p.period = get_str(r, 1);
  p.title = get_str(r, 2);
  p.consult_from = get_int(r, 3);
  p.answers_from = get_int(r, 4);
  p.final_from = get_int(r, 5);
  p.answer_days = static_cast<int>(get_int(r, 6));
  p.phase = get_str(r, 7);
  p.phase_at = get_int(r, 8);
  p.demo = get_int(r, 9) != 0;
  return p;
}

Post post_from(const soci::row& r) {
  Post p;
  p.id = get_int(r, 0);
  p.process_id = get_int(r, 1);
  p.citizen_id = get_int(r, 2);
  p.kind = get_str(r, 3);
  p.body = get_str(r, 4);
  p.section_key = get_str(r, 5);
  p.quote = get_str(r, 6);
  p.edition_id = get_int(r, 7);
  p.quote_offset = get_int(r, 8);
  p.topic = get_str(r, 9);
  p.region_id = get_str(r, 10);
  p.due_at = get_opt_int(r, 11);
  p.answer = get_str(r, 12);
  p.answered_at = get_opt_int(r, 13);
  p.answered_by = get_str(r, 14);
  p.state = get_str(r, 15);
  p.appeal = get_str(r, 16);
  p.appealed_at = get_opt_int(r, 17);
  p.created_at = get_int(r, 18);
  p.demo = get_int(r, 19) != 0;
  p.pseudonym = get_str(r, 20);
  return p;
}

Citizen citizen_from(const soci::row& r) { return {get_int(r, 0), get_str(r, 1), get_str(r, 2), get_int(r, 3) != 0}; }

std::optional<long long> opt(const std::optional<int64_t>& v) {
  return v ? std::optional<long long>(static_cast<long long>(*v)) : std::nullopt;
}

}  // namespace

std::vector<Process> Repository::processes(soci::session& s) {
  Query q(kProcesses + std::string(" ORDER BY consult_from DESC, id DESC"));
  std::vector<Process> out;
  q.each(s, [&](const soci::row& r) { out.push_back(process_from(r)); });
  return out;
}

std::optional<Process> Repository::process(soci::session& s, int64_t id) {
  Query q(kProcesses + std::string(" WHERE id = :id"));
  q.bind("id", static_cast<long long>(id));
  std::optional<Process> out;
  q.each(s, [&](const soci::row& r) { out = process_from(r); });
  return out;
}

int64_t Repository::insert_process(soci::session& s, const Process& p) {
  Query q("INSERT INTO participation_processes (period, title, consult_from, answers_from, final_from, answer_days, phase, phase_at, demo, "
          "created_at) VALUES (:period, :title, :cf, :af, :ff, :days, :phase, :pat, :demo, :now) RETURNING id");
  q.bind("period", p.period).bind("title", p.title).bind("cf", static_cast<long long>(p.consult_from));
  q.bind("af", static_cast<long long>(p.answers_from)).bind("ff", static_cast<long long>(p.final_from));
  q.bind("days", static_cast<long long>(p.answer_days)).bind("phase", p.phase).bind("pat", static_cast<long long>(p.phase_at));
  q.bind("demo", static_cast<long long>(p.demo)).bind("now", static_cast<long long>(p.phase_at));
  return *q.scalar(s);
}

void Repository::set_phase(soci::session& s, int64_t id, const std::string& phase, int64_t at) {
  Query q("UPDATE participation_processes SET phase = :phase, phase_at = :at WHERE id = :id");
  q.bind("phase", phase).bind("at", static_cast<long long>(at)).bind("id", static_cast<long long>(id)).exec(s);
}

void Repository::set_calendar(soci::session& s, const Process& p) {
  Query q("UPDATE participation_processes SET consult_from = :cf, answers_from = :af, final_from = :ff, answer_days = :days WHERE id = :id");
  q.bind("cf", static_cast<long long>(p.consult_from)).bind("af", static_cast<long long>(p.answers_from));
  q.bind("ff", static_cast<long long>(p.final_from)).bind("days", static_cast<long long>(p.answer_days)).bind("id", static_cast<long long>(p.id));
  q.exec(s);
}

std::optional<Citizen> Repository::citizen_by_index(soci::session& s, const std::string& bidx) {
  Query q("SELECT id, email_enc, pseudonym, demo FROM participation_citizens WHERE email_bidx = :b");
  q.bind("b", bidx);
  std::optional<Citizen> out;
  q.each(s, [&](const soci::row& r) { out = citizen_from(r); });
  return out;
}

std::optional<Citizen> Repository::citizen(soci::session& s, int64_t id) {
  Query q("SELECT id, email_enc, pseudonym, demo FROM participation_citizens WHERE id = :id");
  q.bind("id", static_cast<long long>(id));
  std::optional<Citizen> out;
  q.each(s, [&](const soci::row& r) { out = citizen_from(r); });
  return out;
}

int64_t Repository::insert_citizen(soci::session& s, const std::string& email_enc, const std::string& bidx, const std::string& pseudonym,
                                   bool demo, int64_t now) {
  Query q("INSERT INTO participation_citizens (email_enc, email_bidx, pseudonym, demo, created_at) VALUES (:e, :b, :p, :d, :now) RETURNING id");
  q.bind("e", email_enc).bind("b", bidx).bind("p", pseudonym).bind("d", static_cast<long long>(demo)).bind("now", static_cast<long long>(now));
  return *q.scalar(s);
}

void Repository::set_pseudonym(soci::session& s, int64_t id, const std::string& pseudonym) {
  Query("UPDATE participation_citizens SET pseudonym = :p WHERE id = :id").bind("p", pseudonym).bind("id", static_cast<long long>(id)).exec(s);
}

void Repository::insert_code(soci::session& s, int64_t citizen_id, const std::string& code_hash, int64_t expires_at, int64_t now) {
  Query q("INSERT INTO participation_codes (citizen_id, code_hash, expires_at, attempts, created_at) VALUES (:c, :h, :e, 0, :now)");
  q.bind("c", static_cast<long long>(citizen_id)).bind("h", code_hash).bind("e", static_cast<long long>(expires_at));
  q.bind("now", static_cast<long long>(now)).exec(s);
}

bool Repository::spend_code(soci::session& s, int64_t citizen_id, const std::string& code_hash, int64_t now) {
  Query q("SELECT id, code_hash, attempts FROM participation_codes WHERE citizen_id = :c AND used_at IS NULL AND expires_at > :now "
          "ORDER BY id DESC");
  q.bind("c", static_cast<long long>(citizen_id)).bind("now", static_cast<long long>(now));
  std::optional<std::tuple<int64_t, std::string, int64_t>> newest;
  q.each(s, [&](const soci::row& r) {
    if (!newest) newest = {get_int(r, 0), get_str(r, 1), get_int(r, 2)};
  });
  if (!newest) return false;
  const auto& [id, hash, attempts] = *newest;
  // Five wrong tries spend the code: a six-digit code cannot be guessed through this door.
  if (attempts >= 5) return false;
  if (!crypto::equal_constant_time(hash, code_hash)) {
    Query("UPDATE participation_codes SET attempts = attempts + 1 WHERE id = :id").bind("id", static_cast<long long>(id)).exec(s);
    return false;
  }
  Query("UPDATE participation_codes SET used_at = :now WHERE id = :id").bind("now", static_cast<long long>(now)).bind("id", static_cast<long long>(id)).exec(s);
  return true;
}

void Repository::insert_token(soci::session& s, const std::string& token_hash, int64_t citizen_id, int64_t expires_at) {
  Query q("INSERT INTO participation_tokens (token_hash, citizen_id, expires_at) VALUES (:h, :c, :e)");
  q.bind("h", token_hash).bind("c", static_cast<long long>(citizen_id)).bind("e", static_cast<long long>(expires_at)).exec(s);
}

std::optional<int64_t> Repository::token_citizen(soci::session& s, const std::string& token_hash, int64_t now) {
  Query q("SELECT citizen_id FROM participation_tokens WHERE token_hash = :h AND expires_at > :now");
  q.bind("h", token_hash).bind("now", static_cast<long long>(now));
  auto v = q.scalar(s);
  return v ? std::optional<int64_t>(*v) : std::nullopt;
}

bool Repository::spend_challenge(soci::session& s, const std::string& nonce, int64_t at) {
  // ON CONFLICT DO NOTHING exists on both databases: a second spend changes no row.
  Query q("INSERT INTO participation_challenges (nonce, spent_at) VALUES (:n, :at) ON CONFLICT (nonce) DO NOTHING");
  q.bind("n", nonce).bind("at", static_cast<long long>(at));
  return q.exec(s) == 1;
}

int64_t Repository::insert_post(soci::session& s, const Post& p) {
  Query q("INSERT INTO participation_posts (process_id, citizen_id, kind, body, section_key, quote, edition_id, quote_offset, topic, region_id, "
          "due_at, answer, answered_by, state, appeal, created_at, demo) VALUES (:pid, :cid, :kind, :body, :sk, :quote, :eid, :off, :topic, "
          ":region, :due, '', '', 'visible', '', :now, :demo) RETURNING id");
  q.bind("pid", static_cast<long long>(p.process_id)).bind("cid", static_cast<long long>(p.citizen_id)).bind("kind", p.kind).bind("body", p.body);
  q.bind("sk", p.section_key).bind("quote", p.quote).bind("eid", static_cast<long long>(p.edition_id));
  q.bind("off", static_cast<long long>(p.quote_offset)).bind("topic", p.topic).bind("region", p.region_id).bind_opt("due", opt(p.due_at));
  q.bind("now", static_cast<long long>(p.created_at)).bind("demo", static_cast<long long>(p.demo));
  return *q.scalar(s);
}

std::optional<Post> Repository::post(soci::session& s, int64_t id) {
  Query q(kPosts + std::string(" WHERE p.id = :id"));
  q.bind("id", static_cast<long long>(id));
  std::optional<Post> out;
  q.each(s, [&](const soci::row& r) { out = post_from(r); });
  return out;
}

std::vector<Post> Repository::posts(soci::session& s, int64_t process_id, const std::string& kind, bool with_hidden) {
  Query q(kPosts + std::string(" WHERE p.process_id = :pid AND p.kind = :kind"));
  q.bind("pid", static_cast<long long>(process_id)).bind("kind", kind);
  if (!with_hidden) q.sql(" AND p.state = 'visible'");
  q.sql(" ORDER BY p.id");
  std::vector<Post> out;
  q.each(s, [&](const soci::row& r) { out.push_back(post_from(r)); });
  return out;
}

void Repository::answer(soci::session& s, int64_t id, const std::string& text, const std::string& by, int64_t at) {
  Query q("UPDATE participation_posts SET answer = :a, answered_by = :by, answered_at = :at WHERE id = :id");
  q.bind("a", text).bind("by", by).bind("at", static_cast<long long>(at)).bind("id", static_cast<long long>(id)).exec(s);
}

void Repository::set_state(soci::session& s, int64_t id, const std::string& state) {
  Query("UPDATE participation_posts SET state = :st WHERE id = :id").bind("st", state).bind("id", static_cast<long long>(id)).exec(s);
}

void Repository::set_appeal(soci::session& s, int64_t id, const std::string& text, int64_t at) {
  Query q("UPDATE participation_posts SET appeal = :a, appealed_at = :at WHERE id = :id");
  q.bind("a", text).bind("at", static_cast<long long>(at)).bind("id", static_cast<long long>(id)).exec(s);
}

bool Repository::insert_report(soci::session& s, int64_t post_id, int64_t citizen_id, const std::string& reason, int64_t at) {
  Query q("INSERT INTO participation_reports (post_id, citizen_id, reason, at) VALUES (:p, :c, :r, :at) ON CONFLICT (post_id, citizen_id) DO NOTHING");
  q.bind("p", static_cast<long long>(post_id)).bind("c", static_cast<long long>(citizen_id)).bind("r", reason).bind("at", static_cast<long long>(at));
  return q.exec(s) == 1;
}

int64_t Repository::distinct_reporters(soci::session& s, int64_t post_id) {
  Query q("SELECT COUNT(DISTINCT citizen_id) FROM participation_reports WHERE post_id = :p");
  q.bind("p", static_cast<long long>(post_id));
  return q.scalar(s).value_or(0);
}

std::vector<std::pair<std::string, int64_t>> Repository::report_reasons(soci::session& s, int64_t post_id) {
  Query q("SELECT reason, COUNT(*) FROM participation_reports WHERE post_id = :p GROUP BY reason ORDER BY reason");
  q.bind("p", static_cast<long long>(post_id));
  std::vector<std::pair<std::string, int64_t>> out;
  q.each(s, [&](const soci::row& r) { out.push_back({get_str(r, 0), get_int(r, 1)}); });
  return out;
}

bool Repository::has_demo(soci::session& s) {
  return Query("SELECT COUNT(*) FROM participation_processes WHERE demo = 1").scalar(s).value_or(0) > 0;
}

}  // namespace eq::participation
