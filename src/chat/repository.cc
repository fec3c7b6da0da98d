#include "chat/repository.h"

#include "store/query.h"
#include "store/row.h"

namespace eq::chat::repo {

using store::Query;

int64_t insert_session(soci::session& s, const std::string& ref, const std::string& secret_hash, bool urgent,
                       const std::string& comuna_code, int64_t now) {
  auto id = Query("INSERT INTO chat_sessions (ref, secret_hash, urgent, comuna_code, state, last_seq, created_at, last_at) "
                  "VALUES (:ref, :secret, :urgent, :comuna, 'open', 0, :now, :now2) RETURNING id")
                .bind("ref", ref)
                .bind("secret", secret_hash)
                .bind("urgent", static_cast<long long>(urgent ? 1 : 0))
                .bind_opt("comuna", comuna_code.empty() ? std::nullopt : std::optional<std::string>(comuna_code))
                .bind("now", static_cast<long long>(now))
                .bind("now2", static_cast<long long>(now))
                .scalar(s);
  return id.value_or(0);
}

void set_contact(soci::session& s, int64_t session_id, const std::string& contact_id) {
  Query("UPDATE chat_sessions SET contact_id = :c WHERE id = :id").bind("c", contact_id).bind("id", static_cast<long long>(session_id)).exec(s);
}

std::optional<SessionRow> find_session(soci::session& s, const std::string& ref) {
  std::optional<SessionRow> out;
  Query("SELECT id, ref, secret_hash, contact_id, urgent, comuna_code, state, created_at, ended_at FROM chat_sessions WHERE ref = :ref")
      .bind("ref", ref)
      .each(s, [&](const soci::row& r) {
        SessionRow row;
        row.id = store::get_int(r, 0);
        row.ref = store::get_str(r, 1);
        row.secret_hash = store::get_str(r, 2);
        row.contact_id = store::get_str(r, 3);
        row.urgent = store::get_bool(r, 4);
        row.comuna_code = store::get_str(r, 5);
        row.state = store::get_str(r, 6);
        row.created_at = store::get_int(r, 7);
        row.ended_at = store::get_opt_int(r, 8);
        out = std::move(row);
      });
  return out;
}

int64_t insert_message(soci::session& s, int64_t session_id, const std::string& sender, std::optional<int64_t> user_id,
                       const std::string& client_id, const std::string& body, int64_t at) {
  // The row lock of this UPDATE orders concurrent writers of one conversation (PostgreSQL); SQLite
  // has one writer at a time anyway.
  auto seq = Query("UPDATE chat_sessions SET last_seq = last_seq + 1, last_at = :at WHERE id = :id RETURNING last_seq")
                 .bind("at", static_cast<long long>(at))
                 .bind("id", static_cast<long long>(session_id))
                 .scalar(s)
                 .value_or(0);
  Query("INSERT INTO chat_messages (session_id, seq, sender, user_id, client_id, body, at) VALUES (:sid, :seq, :sender, :uid, :cid, :body, :at)")
      .bind("sid", static_cast<long long>(session_id))
      .bind("seq", static_cast<long long>(seq))
      .bind("sender", sender)
      .bind_opt("uid", user_id ? std::optional<long long>(*user_id) : std::nullopt)
      .bind_opt("cid", client_id.empty() ? std::nullopt : std::optional<std::string>(client_id))
      .bind("body", body)
      .bind("at", static_cast<long long>(at))
      .exec(s);
  return seq;
}

namespace {
StoredMessage stored(const soci::row& r) {
  return {store::get_int(r, 0), store::get_str(r, 1), store::get_str(r, 2), store::get_str(r, 3), store::get_int(r, 4)};
}
}  // namespace

std::optional<StoredMessage> message_at(soci::session& s, int64_t session_id, int64_t seq) {
  std::optional<StoredMessage> out;
  Query("SELECT seq, sender, client_id, body, at FROM chat_messages WHERE session_id = :sid AND seq = :seq")
      .bind("sid", static_cast<long long>(session_id))
      .bind("seq", static_cast<long long>(seq))
      .each(s, [&](const soci::row& r) { out = stored(r); });
  return out;
}

std::string told_holder(soci::session& s, int64_t session_id) {
  // A no-op UPDATE takes the row lock on PostgreSQL (SQLite has one writer anyway; no FOR UPDATE there).
  Query("UPDATE chat_sessions SET told_holder = told_holder WHERE id = :id").bind("id", static_cast<long long>(session_id)).exec(s);
  std::string out;
  Query("SELECT told_holder FROM chat_sessions WHERE id = :id").bind("id", static_cast<long long>(session_id)).each(s, [&](const soci::row& r) {
    out = store::get_str(r, 0);
  });
  return out;
}

void set_told_holder(soci::session& s, int64_t session_id, const std::string& user_id) {
  Query("UPDATE chat_sessions SET told_holder = :h WHERE id = :id")
      .bind_opt("h", user_id.empty() ? std::nullopt : std::optional<std::string>(user_id))
      .bind("id", static_cast<long long>(session_id))
      .exec(s);
}

std::optional<StoredMessage> message_by_client_id(soci::session& s, int64_t session_id, const std::string& client_id) {
  std::optional<StoredMessage> out;
  Query("SELECT seq, sender, client_id, body, at FROM chat_messages WHERE session_id = :sid AND client_id = :cid")
      .bind("sid", static_cast<long long>(session_id))
      .bind("cid", client_id)
      .each(s, [&](const soci::row& r) { out = stored(r); });
  return out;
}

std::vector<StoredMessage> messages(soci::session& s, int64_t session_id, int64_t after_seq) {
  std::vector<StoredMessage> out;
  Query("SELECT seq, sender, client_id, body, at FROM chat_messages WHERE session_id = :sid AND seq > :after ORDER BY seq")
      .bind("sid", static_cast<long long>(session_id))
      .bind("after", static_cast<long long>(after_seq))
      .each(s, [&](const soci::row& r) { out.push_back(stored(r)); });
  return out;
}

bool end_session(soci::session& s, int64_t session_id, const std::string& why, int64_t now) {
  return Query("UPDATE chat_sessions SET state = 'ended', ended_at = :now, ended_why = :why WHERE id = :id AND state = 'open'")
             .bind("now", static_cast<long long>(now))
             .bind("why", why)
             .bind("id", static_cast<long long>(session_id))
             .exec(s) > 0;
}

int64_t insert_escalation(soci::session& s, int64_t session_id, const std::string& kind, std::optional<int64_t> unit_id,
                          const std::string& unit_name, int64_t user_id, const std::string& note, int64_t at,
                          std::optional<int64_t> dispatch_id) {
  return Query("INSERT INTO chat_escalations (session_id, kind, unit_institution_id, unit_name, user_id, note, at, dispatch_id) "
               "VALUES (:sid, :kind, :unit, :uname, :uid, :note, :at, :disp) RETURNING id")
      .bind("sid", static_cast<long long>(session_id))
      .bind("kind", kind)
      .bind_opt("unit", unit_id ? std::optional<long long>(*unit_id) : std::nullopt)
      .bind_opt("uname", unit_name.empty() ? std::nullopt : std::optional<std::string>(unit_name))
      .bind("uid", static_cast<long long>(user_id))
      .bind_opt("note", note.empty() ? std::nullopt : std::optional<std::string>(note))
      .bind("at", static_cast<long long>(at))
      .bind_opt("disp", dispatch_id ? std::optional<long long>(*dispatch_id) : std::nullopt)
      .scalar(s)
      .value_or(0);
}

std::vector<StoredEscalation> escalations(soci::session& s, int64_t session_id) {
  std::vector<StoredEscalation> out;
  Query("SELECT id, kind, unit_name, at, dispatch_id FROM chat_escalations WHERE session_id = :sid ORDER BY id")
      .bind("sid", static_cast<long long>(session_id))
      .each(s, [&](const soci::row& r) {
        out.push_back({store::get_int(r, 0), store::get_str(r, 1), store::get_str(r, 2), store::get_int(r, 3), store::get_opt_int(r, 4)});
      });
  return out;
}

std::vector<std::string> canned(soci::session& s) {
  std::vector<std::string> out;
  Query("SELECT text FROM chat_canned ORDER BY position").each(s, [&](const soci::row& r) { out.push_back(store::get_str(r, 0)); });
  return out;
}

void replace_canned(soci::session& s, const std::vector<std::string>& answers) {
  Query("DELETE FROM chat_canned").exec(s);
  long long pos = 1;
  for (const auto& a : answers) Query("INSERT INTO chat_canned (position, text) VALUES (:p, :t)").bind("p", pos++).bind("t", a).exec(s);
}

std::vector<std::pair<int64_t, std::string>> purge_due(soci::session& s, int64_t cutoff) {
  std::vector<std::pair<int64_t, std::string>> out;
  Query("SELECT id, ref FROM chat_sessions WHERE (state = 'ended' AND ended_at < :cut) OR (state = 'open' AND last_at < :cut2) ORDER BY id")
      .bind("cut", static_cast<long long>(cutoff))
      .bind("cut2", static_cast<long long>(cutoff))
      .each(s, [&](const soci::row& r) { out.emplace_back(store::get_int(r, 0), store::get_str(r, 1)); });
  return out;
}

bool purge_session(soci::session& s, int64_t id, int64_t cutoff) {
  const auto still_due =
      Query("SELECT COUNT(*) FROM chat_sessions WHERE id = :id AND ((state = 'ended' AND ended_at < :cut) OR (state = 'open' AND last_at < :cut2))")
          .bind("id", static_cast<long long>(id))
          .bind("cut", static_cast<long long>(cutoff))
          .bind("cut2", static_cast<long long>(cutoff))
          .scalar(s)
          .value_or(0);
  if (still_due == 0) return false;
  for (const char* sql : {"DELETE FROM chat_messages WHERE session_id = :id", "DELETE FROM chat_escalations WHERE session_id = :id",
                          "DELETE FROM chat_sessions WHERE id = :id"})
    Query(sql).bind("id", static_cast<long long>(id)).exec(s);
  return true;
}

}  // namespace eq::chat::repo
