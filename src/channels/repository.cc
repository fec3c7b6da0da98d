#include "channels/repository.h"

#include "core/text.h"
#include "store/query.h"
#include "store/row.h"

namespace eq::channels {

using store::get_int;
using store::get_opt_int;
using store::get_str;
using store::Query;

namespace {

std::optional<long long> opt(const std::optional<int64_t>& v) {
  return v ? std::optional<long long>(*v) : std::nullopt;
}
std::optional<std::string> opt_text(const std::string& v) { return v.empty() ? std::nullopt : std::optional<std::string>(v); }

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& x : v) out += (out.empty() ? "" : ",") + x;
  return out;
}
std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < s.size()) {
    auto comma = s.find(',', start);
    if (comma == std::string::npos) comma = s.size();
    if (comma > start) out.push_back(s.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

const char* kContactColumns =
    "id, channel, external_ref, state, urgent, priority, comuna_code, opening_text, caller_hash, caller_number, number_consent, "
    "created_at, offered_to, offered_at, offer_expires_at, holder_user_id, holder_institution_id, taken_at, closed_at, left_at, "
    "left_why, reason, violence_type, risk_yes, risk_level, orientation, outcome, notes, person_id, record_id, "
    "referral_record_id, version, last_offered_to";

Callback read_callback(const soci::row& r, const crypto::Keys& keys) {
  Callback c;
  c.id = get_int(r, 0);
  c.contact_id = get_int(r, 1);
  c.call_ref = get_str(r, 2);
  c.created_at = get_int(r, 3);
  c.deadline_at = get_int(r, 4);
  c.state = get_str(r, 5);
  c.done_at = get_opt_int(r, 6);
  c.done_by = get_opt_int(r, 7);
  auto note = get_str(r, 8);
  c.note = note.empty() ? "" : keys.decrypt(note).value_or("");
  c.priority = static_cast<int>(get_int(r, 9));
  return c;
}
const char* kCallbackColumns =
    "b.id, b.contact_id, b.call_ref, b.created_at, b.deadline_at, b.state, b.done_at, b.done_by, b.note, c.priority";

Block read_block(const soci::row& r, const crypto::Keys& keys) {
  Block b;
  b.id = get_int(r, 0);
  b.caller_hash = get_str(r, 1);
  b.contact_id = get_opt_int(r, 2);
  b.reason = keys.decrypt(get_str(r, 3)).value_or("");
  b.created_at = get_int(r, 4);
  b.created_by = get_int(r, 5);
  b.until_at = get_int(r, 6);
  b.lifted_at = get_opt_int(r, 7);
  return b;
}
const char* kBlockColumns = "id, caller_hash, contact_id, reason, created_at, created_by, until_at, lifted_at";

}  // namespace

Contact Repository::read(const soci::row& r) const {
  Contact c;
  c.id = get_int(r, 0);
  c.channel = get_str(r, 1);
  c.external_ref = get_str(r, 2);
  c.state = get_str(r, 3);
  c.urgent = get_int(r, 4) != 0;
  c.priority = static_cast<int>(get_int(r, 5));
  c.comuna_code = get_str(r, 6);
  c.opening_text = dec(get_str(r, 7));
  c.caller_hash = get_str(r, 8);
  c.caller_number = dec(get_str(r, 9));
  c.number_consent = get_int(r, 10) != 0;
  c.created_at = get_int(r, 11);
  c.offered_to = get_opt_int(r, 12);
  c.offered_at = get_opt_int(r, 13);
  c.offer_expires_at = get_opt_int(r, 14);
  c.holder_user_id = get_opt_int(r, 15);
  c.holder_institution_id = get_opt_int(r, 16);
  c.taken_at = get_opt_int(r, 17);
  c.closed_at = get_opt_int(r, 18);
  c.left_at = get_opt_int(r, 19);
  c.left_why = get_str(r, 20);
  c.reason = get_str(r, 21);
  c.violence_type = get_str(r, 22);
  c.risk_yes = split(get_str(r, 23));
  c.risk_level = get_str(r, 24);
  c.orientation = dec(get_str(r, 25));
  c.outcome = get_str(r, 26);
  c.notes = dec(get_str(r, 27));
  c.person_id = get_opt_int(r, 28);
  c.record_id = get_opt_int(r, 29);
  c.referral_record_id = get_opt_int(r, 30);
  c.version = get_int(r, 31);
  c.anonymous = !c.person_id;
  return c;
}

std::optional<Contact> Repository::contact(soci::session& s, int64_t id) const {
  std::optional<Contact> out;
  Query(std::string("SELECT ") + kContactColumns + " FROM channels_contacts WHERE id = :id")
      .bind("id", static_cast<long long>(id))
      .each(s, [&](const soci::row& r) { out = read(r); });
  return out;
}

std::optional<Contact> Repository::contact_by_ref(soci::session& s, const std::string& channel, const std::string& ref) const {
  std::optional<Contact> out;
  Query(std::string("SELECT ") + kContactColumns + " FROM channels_contacts WHERE channel = :ch AND external_ref = :ref")
      .bind("ch", channel)
      .bind("ref", ref)
      .each(s, [&](const soci::row& r) { out = read(r); });
  return out;
}

int64_t Repository::insert_contact(soci::session& s, const Contact& c) const {
  Query("INSERT INTO channels_contacts(channel, external_ref, state, urgent, priority, comuna_code, opening_text, caller_hash, "
        "created_at, version) VALUES(:ch, :ref, :state, :urgent, :prio, :comuna, :text, :hash, :at, 0)")
      .bind("ch", c.channel)
      .bind("ref", c.external_ref)
      .bind("state", c.state)
      .bind("urgent", static_cast<long long>(c.urgent))
      .bind("prio", static_cast<long long>(c.priority))
      .bind_opt("comuna", opt_text(c.comuna_code))
      .bind_opt("text", opt_text(enc(c.opening_text)))
      .bind_opt("hash", opt_text(c.caller_hash))
      .bind("at", static_cast<long long>(c.created_at))
      .exec(s);
  return Query("SELECT id FROM channels_contacts WHERE channel = :ch AND external_ref = :ref")
      .bind("ch", c.channel)
      .bind("ref", c.external_ref)
      .scalar(s)
      .value_or(0);
}

void Repository::avoid_offering(soci::session& s, int64_t contact_id, int64_t user_id) const {
  Query("UPDATE channels_contacts SET last_offered_to = :u WHERE id = :id")
      .bind("u", static_cast<long long>(user_id))
      .bind("id", static_cast<long long>(contact_id))
      .exec(s);
}

bool Repository::save_contact(soci::session& s, Contact& c) const {
  auto n = Query("UPDATE channels_contacts SET state = :state, priority = :prio, caller_number = :num, number_consent = :consent, "
                 "offered_to = :ot, offered_at = :oa, offer_expires_at = :oe, last_offered_to = COALESCE(:ot2, last_offered_to), "
                 "holder_user_id = :hu, holder_institution_id = :hi, taken_at = :ta, closed_at = :ca, left_at = :la, left_why = :lw, "
                 "reason = :reason, violence_type = :vt, risk_yes = :ry, risk_level = :rl, orientation = :ori, outcome = :out, "
                 "notes = :notes, person_id = :pid, record_id = :rid, referral_record_id = :ref, version = version + 1 "
                 "WHERE id = :id AND version = :v")
               .bind("state", c.state)
               .bind("prio", static_cast<long long>(c.priority))
               .bind_opt("num", opt_text(enc(c.caller_number)))
               .bind("consent", static_cast<long long>(c.number_consent))
               .bind_opt("ot", opt(c.offered_to))
               .bind_opt("oa", opt(c.offered_at))
               .bind_opt("oe", opt(c.offer_expires_at))
               .bind_opt("ot2", opt(c.offered_to))
               .bind_opt("hu", opt(c.holder_user_id))
               .bind_opt("hi", opt(c.holder_institution_id))
               .bind_opt("ta", opt(c.taken_at))
               .bind_opt("ca", opt(c.closed_at))
               .bind_opt("la", opt(c.left_at))
               .bind_opt("lw", opt_text(c.left_why))
               .bind_opt("reason", opt_text(c.reason))
               .bind_opt("vt", opt_text(c.violence_type))
               .bind_opt("ry", opt_text(join(c.risk_yes)))
               .bind_opt("rl", opt_text(c.risk_level))
               .bind_opt("ori", opt_text(enc(c.orientation)))
               .bind_opt("out", opt_text(c.outcome))
               .bind_opt("notes", opt_text(enc(c.notes)))
               .bind_opt("pid", opt(c.person_id))
               .bind_opt("rid", opt(c.record_id))
               .bind_opt("ref", opt(c.referral_record_id))
               .bind("id", static_cast<long long>(c.id))
               .bind("v", static_cast<long long>(c.version))
               .exec(s);
  if (n != 1) return false;
  ++c.version;
  return true;
}

std::vector<Contact> Repository::queue(soci::session& s, int limit) const {
  std::vector<Contact> out;
  Query(std::string("SELECT ") + kContactColumns +
        " FROM channels_contacts WHERE state IN ('waiting', 'offered') ORDER BY priority DESC, created_at, id LIMIT :lim")
      .bind("lim", static_cast<long long>(limit))
      .each(s, [&](const soci::row& r) { out.push_back(read(r)); });
  return out;
}

std::vector<Waiting> Repository::waiting(soci::session& s) const {
  std::vector<Waiting> out;
  Query("SELECT id, channel, priority, created_at, last_offered_to FROM channels_contacts WHERE state = 'waiting'")
      .each(s, [&](const soci::row& r) {
        out.push_back({get_int(r, 0), get_str(r, 1), static_cast<int>(get_int(r, 2)), get_int(r, 3), get_opt_int(r, 4)});
      });
  return out;
}

std::vector<Contact> Repository::of_user(soci::session& s, int64_t user_id) const {
  std::vector<Contact> out;
  Query(std::string("SELECT ") + kContactColumns +
        " FROM channels_contacts WHERE (state = 'offered' AND offered_to = :u) OR (state = 'active' AND holder_user_id = :u2) "
        "ORDER BY priority DESC, created_at, id")
      .bind("u", static_cast<long long>(user_id))
      .bind("u2", static_cast<long long>(user_id))
      .each(s, [&](const soci::row& r) { out.push_back(read(r)); });
  return out;
}

std::vector<int64_t> Repository::expired_offers(soci::session& s, int64_t now) const {
  std::vector<int64_t> out;
  Query("SELECT id FROM channels_contacts WHERE state = 'offered' AND offer_expires_at <= :now")
      .bind("now", static_cast<long long>(now))
      .each(s, [&](const soci::row& r) { out.push_back(get_int(r, 0)); });
  return out;
}

std::pair<int64_t, std::string> Repository::caller_history(soci::session& s, const std::string& hash, int64_t before_id) const {
  int64_t n = 0;
  std::string worst;
  auto rank = [](const std::string& l) { return l == "vital" ? 3 : l == "alto" ? 2 : l == "medio" ? 1 : 0; };
  Query("SELECT risk_level FROM channels_contacts WHERE caller_hash = :h AND id < :id")
      .bind("h", hash)
      .bind("id", static_cast<long long>(before_id))
      .each(s, [&](const soci::row& r) {
        ++n;
        auto l = get_str(r, 0);
        if (rank(l) > rank(worst)) worst = l;
      });
  return {n, worst};
}

void Repository::event(soci::session& s, int64_t contact_id, int64_t at, const std::string& kind, std::optional<int64_t> user,
                       const std::string& detail) const {
  Query("INSERT INTO channels_events(contact_id, at, kind, user_id, detail) VALUES(:c, :at, :k, :u, :d)")
      .bind("c", static_cast<long long>(contact_id))
      .bind("at", static_cast<long long>(at))
      .bind("k", kind)
      .bind_opt("u", opt(user))
      .bind_opt("d", opt_text(detail))
      .exec(s);
}

namespace {
const char* kOperatorSelect =
    "SELECT o.user_id, o.institution_id, o.presence, o.skills, o.max_chats, o.updated_at, "
    "(SELECT COUNT(*) FROM channels_contacts c WHERE c.holder_user_id = o.user_id AND c.state = 'active' AND c.channel = 'phone'), "
    "(SELECT COUNT(*) FROM channels_contacts c WHERE c.holder_user_id = o.user_id AND c.state = 'active' AND c.channel <> 'phone'), "
    "(SELECT COUNT(*) FROM channels_contacts c WHERE c.offered_to = o.user_id AND c.state = 'offered' AND c.channel = 'phone'), "
    "(SELECT COUNT(*) FROM channels_contacts c WHERE c.offered_to = o.user_id AND c.state = 'offered' AND c.channel <> 'phone') "
    "FROM channels_operators o";
Operator read_operator(const soci::row& r, Seat* seat) {
  Operator o;
  o.user_id = get_int(r, 0);
  o.institution_id = get_int(r, 1);
  o.presence = get_str(r, 2);
  o.skills = split(get_str(r, 3));
  o.max_chats = static_cast<int>(get_int(r, 4));
  o.updated_at = get_int(r, 5);
  o.active_calls = static_cast<int>(get_int(r, 6));
  o.active_chats = static_cast<int>(get_int(r, 7));
  const int oc = static_cast<int>(get_int(r, 8)), och = static_cast<int>(get_int(r, 9));
  o.offered = oc + och;
  if (seat) *seat = {o.user_id, o.presence == "disponible", o.skills, o.max_chats, o.active_calls, o.active_chats, oc, och};
  return o;
}
}  // namespace

std::optional<Operator> Repository::operator_of(soci::session& s, int64_t user_id) const {
  std::optional<Operator> out;
  Query(std::string(kOperatorSelect) + " WHERE o.user_id = :u")
      .bind("u", static_cast<long long>(user_id))
      .each(s, [&](const soci::row& r) { out = read_operator(r, nullptr); });
  return out;
}

void Repository::save_operator(soci::session& s, const Operator& o) const {
  auto n = Query("UPDATE channels_operators SET institution_id = :i, presence = :p, skills = :sk, max_chats = :m, updated_at = :at "
                 "WHERE user_id = :u")
               .bind("i", static_cast<long long>(o.institution_id))
               .bind("p", o.presence)
               .bind("sk", join(o.skills))
               .bind("m", static_cast<long long>(o.max_chats))
               .bind("at", static_cast<long long>(o.updated_at))
               .bind("u", static_cast<long long>(o.user_id))
               .exec(s);
  if (n > 0) return;
  Query("INSERT INTO channels_operators(user_id, institution_id, presence, skills, max_chats, updated_at) "
        "VALUES(:u, :i, :p, :sk, :m, :at)")
      .bind("u", static_cast<long long>(o.user_id))
      .bind("i", static_cast<long long>(o.institution_id))
      .bind("p", o.presence)
      .bind("sk", join(o.skills))
      .bind("m", static_cast<long long>(o.max_chats))
      .bind("at", static_cast<long long>(o.updated_at))
      .exec(s);
}

std::vector<Operator> Repository::operators(soci::session& s) const {
  std::vector<Operator> out;
  Query(std::string(kOperatorSelect) + " ORDER BY o.user_id").each(s, [&](const soci::row& r) { out.push_back(read_operator(r, nullptr)); });
  return out;
}

std::vector<Seat> Repository::seats(soci::session& s) const {
  std::vector<Seat> out;
  Query(std::string(kOperatorSelect) + " WHERE o.presence = 'disponible' ORDER BY o.user_id").each(s, [&](const soci::row& r) {
    Seat seat;
    read_operator(r, &seat);
    out.push_back(std::move(seat));
  });
  return out;
}

bool Repository::call_event_seen(soci::session& s, const std::string& event_id) const {
  return Query("SELECT COUNT(*) FROM channels_call_events WHERE event_id = :e").bind("e", event_id).scalar(s).value_or(0) > 0;
}

std::optional<int64_t> Repository::last_applied_at(soci::session& s, const std::string& call_id) const {
  std::optional<int64_t> out;
  Query("SELECT MAX(at) FROM channels_call_events WHERE call_id = :c AND applied = 1").bind("c", call_id).each(s, [&](const soci::row& r) {
    out = get_opt_int(r, 0);
  });
  return out;
}

std::optional<std::string> Repository::last_applied_type(soci::session& s, const std::string& call_id) const {
  std::optional<std::string> out;
  Query("SELECT type FROM channels_call_events WHERE call_id = :c AND applied = 1 ORDER BY at DESC LIMIT 1")
      .bind("c", call_id)
      .each(s, [&](const soci::row& r) { out = get_str(r, 0); });
  return out;
}

void Repository::insert_call_event(soci::session& s, const CallEvent& e, int64_t received_at, bool applied) const {
  Query("INSERT INTO channels_call_events(event_id, call_id, type, at, received_at, applied) VALUES(:e, :c, :t, :at, :r, :a)")
      .bind("e", e.event_id)
      .bind("c", e.call_id)
      .bind("t", e.type)
      .bind("at", static_cast<long long>(e.at))
      .bind("r", static_cast<long long>(received_at))
      .bind("a", static_cast<long long>(applied))
      .exec(s);
}

int64_t Repository::insert_callback(soci::session& s, const Callback& c) const {
  Query("INSERT INTO channels_callbacks(contact_id, call_ref, created_at, deadline_at, state) VALUES(:c, :ref, :at, :dl, 'pending')")
      .bind("c", static_cast<long long>(c.contact_id))
      .bind("ref", c.call_ref)
      .bind("at", static_cast<long long>(c.created_at))
      .bind("dl", static_cast<long long>(c.deadline_at))
      .exec(s);
  return Query("SELECT id FROM channels_callbacks WHERE contact_id = :c").bind("c", static_cast<long long>(c.contact_id)).scalar(s).value_or(0);
}

std::optional<Callback> Repository::callback(soci::session& s, int64_t id) const {
  std::optional<Callback> out;
  Query(std::string("SELECT ") + kCallbackColumns + " FROM channels_callbacks b JOIN channels_contacts c ON c.id = b.contact_id WHERE b.id = :id")
      .bind("id", static_cast<long long>(id))
      .each(s, [&](const soci::row& r) { out = read_callback(r, keys_); });
  return out;
}

std::vector<Callback> Repository::callbacks(soci::session& s, bool pending_only) const {
  std::vector<Callback> out;
  Query(std::string("SELECT ") + kCallbackColumns + " FROM channels_callbacks b JOIN channels_contacts c ON c.id = b.contact_id" +
        (pending_only ? " WHERE b.state = 'pending'" : "") + " ORDER BY c.priority DESC, b.deadline_at, b.id LIMIT 500")
      .each(s, [&](const soci::row& r) { out.push_back(read_callback(r, keys_)); });
  return out;
}

void Repository::save_callback(soci::session& s, const Callback& c) const {
  Query("UPDATE channels_callbacks SET state = :st, done_at = :at, done_by = :by, note = :note WHERE id = :id")
      .bind("st", c.state)
      .bind_opt("at", opt(c.done_at))
      .bind_opt("by", opt(c.done_by))
      .bind_opt("note", opt_text(enc(c.note)))
      .bind("id", static_cast<long long>(c.id))
      .exec(s);
}

int64_t Repository::insert_block(soci::session& s, const Block& b) const {
  Query("INSERT INTO channels_blocks(caller_hash, contact_id, reason, created_at, created_by, until_at) VALUES(:h, :c, :r, :at, :by, :u)")
      .bind("h", b.caller_hash)
      .bind_opt("c", opt(b.contact_id))
      .bind("r", keys_.encrypt(b.reason))
      .bind("at", static_cast<long long>(b.created_at))
      .bind("by", static_cast<long long>(b.created_by))
      .bind("u", static_cast<long long>(b.until_at))
      .exec(s);
  return Query("SELECT MAX(id) FROM channels_blocks WHERE caller_hash = :h").bind("h", b.caller_hash).scalar(s).value_or(0);
}

std::optional<Block> Repository::active_block(soci::session& s, const std::string& hash, int64_t now) const {
  std::optional<Block> out;
  Query(std::string("SELECT ") + kBlockColumns +
        " FROM channels_blocks WHERE caller_hash = :h AND until_at > :now AND lifted_at IS NULL ORDER BY until_at DESC LIMIT 1")
      .bind("h", hash)
      .bind("now", static_cast<long long>(now))
      .each(s, [&](const soci::row& r) { out = read_block(r, keys_); });
  return out;
}

std::optional<Block> Repository::block(soci::session& s, int64_t id) const {
  std::optional<Block> out;
  Query(std::string("SELECT ") + kBlockColumns + " FROM channels_blocks WHERE id = :id")
      .bind("id", static_cast<long long>(id))
      .each(s, [&](const soci::row& r) { out = read_block(r, keys_); });
  return out;
}

std::vector<Block> Repository::blocks(soci::session& s, int64_t now) const {
  std::vector<Block> out;
  Query(std::string("SELECT ") + kBlockColumns + " FROM channels_blocks WHERE until_at > :now AND lifted_at IS NULL ORDER BY until_at")
      .bind("now", static_cast<long long>(now))
      .each(s, [&](const soci::row& r) { out.push_back(read_block(r, keys_)); });
  return out;
}

void Repository::lift_block(soci::session& s, int64_t id, int64_t now) const {
  Query("UPDATE channels_blocks SET lifted_at = :now WHERE id = :id")
      .bind("now", static_cast<long long>(now))
      .bind("id", static_cast<long long>(id))
      .exec(s);
}

std::vector<Contact> Repository::created_between(soci::session& s, int64_t from, int64_t to) const {
  std::vector<Contact> out;
  Query("SELECT id, channel, state, urgent, created_at, taken_at, closed_at, left_at, outcome, reason, violence_type, risk_level "
        "FROM channels_contacts WHERE created_at >= :f AND created_at < :t ORDER BY created_at")
      .bind("f", static_cast<long long>(from))
      .bind("t", static_cast<long long>(to))
      .each(s, [&](const soci::row& r) {
        Contact c;
        c.id = get_int(r, 0);
        c.channel = get_str(r, 1);
        c.state = get_str(r, 2);
        c.urgent = get_int(r, 3) != 0;
        c.created_at = get_int(r, 4);
        c.taken_at = get_opt_int(r, 5);
        c.closed_at = get_opt_int(r, 6);
        c.left_at = get_opt_int(r, 7);
        c.outcome = get_str(r, 8);
        c.reason = get_str(r, 9);
        c.violence_type = get_str(r, 10);
        c.risk_level = get_str(r, 11);
        out.push_back(std::move(c));
      });
  return out;
}

bool Repository::any_with_ref_prefix(soci::session& s, const std::string& prefix) const {
  return Query("SELECT COUNT(*) FROM channels_contacts WHERE external_ref LIKE :p").bind("p", prefix + "%").scalar(s).value_or(0) > 0;
}

// ------------------------------------------------------------------ the demo history and counts

bool Repository::history_present(soci::session& s, int64_t complete_from) {
  int n = 0;
  s << "SELECT COUNT(*) FROM (SELECT 1 FROM channels_history WHERE at >= :t LIMIT 1) AS h", soci::use(complete_from), soci::into(n);
  return n > 0;
}

bool Repository::history_any(soci::session& s) {
  return Query("SELECT COUNT(*) FROM (SELECT 1 FROM channels_history LIMIT 1) AS h").scalar(s).value_or(0) > 0;
}

void Repository::clear_history(soci::session& s) { s << "DELETE FROM channels_history"; }

// Multi-row INSERTs of `batch` rows: the values are the generator's integers and its fixed codes
// (history.cc), never input, so they are written as literals; one statement per batch is what
// keeps ~240,000 rows to about a second.
void Repository::insert_history(soci::session& s, const std::vector<HistoryRow>& rows, size_t batch) {
  std::string sql;
  for (size_t i = 0; i < rows.size(); i += batch) {
    sql = "INSERT INTO channels_history (at, channel, region, outcome) VALUES ";
    const size_t end = std::min(rows.size(), i + batch);
    for (size_t k = i; k < end; ++k) {
      const auto& r = rows[k];
      if (k > i) sql += ',';
      sql += '(';
      sql += std::to_string(r.at);
      sql += ",'";
      sql += r.channel;
      sql += "','";
      sql += r.region;
      sql += "','";
      sql += r.outcome;
      sql += "')";
    }
    s << sql;
  }
}

std::pair<int64_t, int64_t> Repository::history_version(soci::session& s) {
  // Two statements: SQLite answers a lone MIN() or MAX() from the index, both together by a scan.
  return {Query("SELECT COALESCE(MIN(id), 0) FROM channels_history").scalar(s).value_or(0),
          Query("SELECT COALESCE(MAX(id), 0) FROM channels_history").scalar(s).value_or(0)};
}

namespace {
// The bucket of a row among bounds[lo..hi] as nested CASEs halving the range (a handful of
// comparisons per row, not one per bucket). The bounds are instants the statistics compute (month
// starts), never input, so they are written as integer literals.
std::string bucket_of(const std::string& at, const std::vector<int64_t>& bounds, size_t lo, size_t hi) {
  if (hi - lo <= 1) return std::to_string(lo);
  const size_t mid = (lo + hi) / 2;
  return "CASE WHEN " + at + " < " + std::to_string(bounds[mid]) + " THEN " + bucket_of(at, bounds, lo, mid) + " ELSE " +
         bucket_of(at, bounds, mid, hi) + " END";
}
}  // namespace

std::vector<std::vector<Repository::Count>> Repository::bucket_counts(soci::session& s, Rows rows, const std::vector<int64_t>& bounds) {
  if (bounds.size() < 2) return {};
  std::vector<std::vector<Count>> out(bounds.size() - 1);
  if (rows == Rows::history) {
    // The history's months one range query each (its index on `at`): measured cheaper on SQLite
    // than one query grouping by a computed month over the 240.000 rows (bench/RESULTS.md), and
    // the statistics count it once per history version (history.cc caches it).
    for (size_t i = 0; i + 1 < bounds.size(); ++i)
      Query("SELECT channel, region, outcome, COUNT(*) FROM channels_history WHERE at >= :f AND at < :t GROUP BY channel, region, outcome")
          .bind("f", static_cast<long long>(bounds[i]))
          .bind("t", static_cast<long long>(bounds[i + 1]))
          .each(s, [&](const soci::row& r) { out[i].push_back({get_str(r, 0), get_str(r, 1), get_str(r, 2), get_int(r, 3)}); });
    return out;
  }
  const std::string bucket = bucket_of("created_at", bounds, 0, bounds.size() - 1);
  // The live contacts (a small table beside the history) in one statement, bucketed in SQL.
  const std::string sql =
      "SELECT " + bucket +
      ", channel, COALESCE(SUBSTR(comuna_code, 1, 2), ''), "
      "CASE WHEN outcome IS NOT NULL AND outcome <> '' THEN outcome WHEN state = 'abandoned' THEN 'abandonada' ELSE 'en_curso' END, "
      "COUNT(*) FROM channels_contacts WHERE created_at >= :f AND created_at < :t AND channel <> 'pharmacy' GROUP BY 1, 2, 3, 4";
  Query(sql)
      .bind("f", static_cast<long long>(bounds.front()))
      .bind("t", static_cast<long long>(bounds.back()))
      .each(s, [&](const soci::row& r) {
        const auto i = get_int(r, 0);
        if (i >= 0 && static_cast<size_t>(i) < out.size()) out[static_cast<size_t>(i)].push_back({get_str(r, 1), get_str(r, 2), get_str(r, 3), get_int(r, 4)});
      });
  return out;
}

std::map<std::string, int64_t> Repository::first_contacts(soci::session& s, Rows rows) {
  std::map<std::string, int64_t> out;
  Query(rows == Rows::history ? "SELECT channel, MIN(at) FROM channels_history GROUP BY channel"
                              : "SELECT channel, MIN(created_at) FROM channels_contacts WHERE channel <> 'pharmacy' GROUP BY channel")
      .each(s, [&](const soci::row& r) { out[get_str(r, 0)] = get_int(r, 1); });
  return out;
}

int64_t Repository::count_channel(soci::session& s, Rows rows, const std::string& channel, int64_t from, int64_t to) {
  return Query(rows == Rows::history ? "SELECT COUNT(*) FROM channels_history WHERE channel = :c AND at >= :f AND at < :t"
                                     : "SELECT COUNT(*) FROM channels_contacts WHERE channel = :c AND created_at >= :f AND created_at < :t")
      .bind("c", channel)
      .bind("f", static_cast<long long>(from))
      .bind("t", static_cast<long long>(to))
      .scalar(s)
      .value_or(0);
}

namespace {
const char* kToMinimise =
    "state IN ('closed', 'abandoned') AND COALESCE(closed_at, left_at, created_at) < :c AND (opening_text IS NOT NULL OR "
    "caller_number IS NOT NULL OR orientation IS NOT NULL OR notes IS NOT NULL OR caller_hash IS NOT NULL)";
}  // namespace

std::vector<std::pair<int64_t, std::optional<int64_t>>> Repository::contacts_to_minimise(soci::session& s, int64_t cutoff) const {
  std::vector<std::pair<int64_t, std::optional<int64_t>>> out;
  Query(std::string("SELECT id, person_id FROM channels_contacts WHERE ") + kToMinimise + " ORDER BY id")
      .bind("c", static_cast<long long>(cutoff))
      .each(s, [&](const soci::row& r) { out.emplace_back(store::get_int(r, 0), store::get_opt_int(r, 1)); });
  return out;
}

bool Repository::minimise_contact(soci::session& s, int64_t id, int64_t cutoff) const {
  const auto n = Query(std::string("UPDATE channels_contacts SET opening_text = NULL, caller_number = NULL, number_consent = 0, "
                                   "orientation = NULL, notes = NULL, caller_hash = NULL, version = version + 1 WHERE id = :id AND ") +
                       kToMinimise)
                     .bind("id", static_cast<long long>(id))
                     .bind("c", static_cast<long long>(cutoff))
                     .exec(s);
  if (n == 0) return false;
  Query("UPDATE channels_callbacks SET note = NULL WHERE contact_id = :id").bind("id", static_cast<long long>(id)).exec(s);
  return true;
}

}  // namespace eq::channels
