#include "whatsapp/repository.h"

#include <algorithm>
#include <stdexcept>

#include "store/query.h"
#include "store/row.h"

namespace eq::whatsapp::repo {

using store::Query;
using ll = long long;

namespace {

const char* kConvCols = "SELECT id, ref, user_key, wa_id, phone_number_id, caller_hash, session_n, contact_id, needs_contact, last_inbound_at "
                        "FROM whatsapp_conversations ";

ConvRow conv_row(const soci::row& r) {
  ConvRow c;
  c.id = store::get_int(r, 0);
  c.ref = store::get_str(r, 1);
  c.user_key = store::get_str(r, 2);
  c.wa_id = store::get_str(r, 3);
  c.phone_number_id = store::get_str(r, 4);
  c.caller_hash = store::get_str(r, 5);
  c.session_n = store::get_int(r, 6);
  c.contact_id = store::get_str(r, 7);
  c.needs_contact = store::get_bool(r, 8);
  c.last_inbound_at = store::get_int(r, 9);
  return c;
}

std::optional<ConvRow> one_conv(soci::session& s, Query q) {
  std::optional<ConvRow> out;
  q.each(s, [&](const soci::row& r) { out = conv_row(r); });
  return out;
}

const char* kMsgCols = "SELECT id, conversation_id, direction, wamid, type, body, template_name, state, at, state_rank, error_code, "
                       "error_title, attempts, attempt_id FROM whatsapp_messages m ";

std::vector<MsgRow> msgs(soci::session& s, Query q) {
  std::vector<MsgRow> out;
  q.each(s, [&](const soci::row& r) {
    MsgRow m;
    m.id = store::get_int(r, 0);
    m.conversation_id = store::get_int(r, 1);
    m.direction = store::get_str(r, 2);
    m.wamid = store::get_str(r, 3);
    m.type = store::get_str(r, 4);
    m.body = store::get_str(r, 5);
    m.template_name = store::get_str(r, 6);
    m.state = store::get_str(r, 7);
    m.at = store::get_int(r, 8);
    m.state_rank = static_cast<int>(store::get_int(r, 9));
    m.error_code = store::get_opt_int(r, 10).value_or(0);
    m.error_title = store::get_str(r, 11);
    m.attempts = static_cast<int>(store::get_int(r, 12));
    m.attempt_id = store::get_str(r, 13);
    out.push_back(std::move(m));
  });
  return out;
}

}  // namespace

std::optional<ConvRow> conversation_by_ref(soci::session& s, const std::string& ref) {
  return one_conv(s, Query(std::string(kConvCols) + "WHERE ref = :r").bind("r", ref));
}
std::optional<ConvRow> conversation_by_id(soci::session& s, int64_t id) {
  return one_conv(s, Query(std::string(kConvCols) + "WHERE id = :id").bind("id", static_cast<ll>(id)));
}

void set_needs_contact(soci::session& s, int64_t id, int64_t session_n) {
  Query("UPDATE whatsapp_conversations SET needs_contact = 1, session_n = :n WHERE id = :id")
      .bind("n", static_cast<ll>(session_n))
      .bind("id", static_cast<ll>(id))
      .exec(s);
}

void set_contact(soci::session& s, int64_t id, int64_t session_n, const std::string& contact_id) {
  Query("UPDATE whatsapp_conversations SET needs_contact = 0, contact_id = :c WHERE id = :id AND session_n = :n")
      .bind("c", contact_id)
      .bind("id", static_cast<ll>(id))
      .bind("n", static_cast<ll>(session_n))
      .exec(s);
}

std::vector<int64_t> pending(soci::session& s, int limit) {
  std::vector<int64_t> out;
  Query("SELECT id FROM whatsapp_conversations WHERE needs_contact = 1 ORDER BY id LIMIT :n")
      .bind("n", static_cast<ll>(limit))
      .each(s, [&](const soci::row& r) { out.push_back(store::get_int(r, 0)); });
  return out;
}

int64_t insert_outbound(soci::session& s, int64_t conversation_id, const std::string& type, const std::string& body,
                        const std::string& template_name, int64_t user_id, int64_t at) {
  return Query("INSERT INTO whatsapp_messages (conversation_id, direction, type, body, template_name, at, state, state_rank, user_id, "
               "attempts, next_attempt_at) VALUES (:c, 'out', :t, :b, :tn, :at, 'queued', 0, :u, 0, :at2) RETURNING id")
      .bind("c", static_cast<ll>(conversation_id))
      .bind("t", type)
      .bind("b", body)
      .bind_opt("tn", template_name.empty() ? std::nullopt : std::optional<std::string>(template_name))
      .bind("at", static_cast<ll>(at))
      .bind("u", static_cast<ll>(user_id))
      .bind("at2", static_cast<ll>(at))
      .scalar(s)
      .value_or(0);
}

std::vector<MsgRow> messages(soci::session& s, int64_t conversation_id) {
  return msgs(s, Query(std::string(kMsgCols) + "WHERE conversation_id = :c ORDER BY at, id").bind("c", static_cast<ll>(conversation_id)));
}

std::vector<MsgRow> due(soci::session& s, int64_t now, int limit) {
  return msgs(s, Query(std::string(kMsgCols) +
                       "WHERE direction = 'out' AND state = 'queued' AND next_attempt_at <= :now AND NOT EXISTS (SELECT 1 FROM "
                       "whatsapp_messages o WHERE o.conversation_id = m.conversation_id AND o.id < m.id AND o.direction = 'out' AND "
                       "o.state = 'queued' AND o.next_attempt_at > :now2) ORDER BY id LIMIT :n")
                     .bind("now", static_cast<ll>(now))
                     .bind("now2", static_cast<ll>(now))
                     .bind("n", static_cast<ll>(limit)));
}

void mark_sending(soci::session& s, int64_t id, const std::string& attempt_id) {
  Query("UPDATE whatsapp_messages SET state = 'sending', attempts = attempts + 1, attempt_id = :a WHERE id = :id")
      .bind("a", attempt_id)
      .bind("id", static_cast<ll>(id))
      .exec(s);
}

void release(soci::session& s, int64_t id, int attempts, int64_t at) {
  Query("UPDATE whatsapp_messages SET state = 'queued', attempts = :a, attempt_id = NULL, next_attempt_at = :n WHERE id = :id AND state = 'sending'")
      .bind("a", static_cast<ll>(attempts))
      .bind("n", static_cast<ll>(at))
      .bind("id", static_cast<ll>(id))
      .exec(s);
}

void defer_conversation(soci::session& s, int64_t conversation_id, int64_t at) {
  Query("UPDATE whatsapp_messages SET next_attempt_at = :n WHERE conversation_id = :c AND direction = 'out' AND state = 'queued' AND "
        "next_attempt_at < :n2")
      .bind("n", static_cast<ll>(at))
      .bind("c", static_cast<ll>(conversation_id))
      .bind("n2", static_cast<ll>(at))
      .exec(s);
}

void mark_uncertain(soci::session& s, int64_t id, const std::string& why, int64_t now) {
  Query("UPDATE whatsapp_messages SET state = 'uncertain', state_at = :now, error_title = :why, next_attempt_at = NULL "
        "WHERE id = :id AND wamid IS NULL")
      .bind("now", static_cast<ll>(now))
      .bind("why", why)
      .bind("id", static_cast<ll>(id))
      .exec(s);
}

std::vector<MsgRow> sending(soci::session& s) {
  return msgs(s, Query(std::string(kMsgCols) + "WHERE direction = 'out' AND state = 'sending' AND wamid IS NULL ORDER BY id"));
}

std::optional<MsgRow> message_by_attempt(soci::session& s, const std::string& attempt_id) {
  auto v = msgs(s, Query(std::string(kMsgCols) + "WHERE attempt_id = :a").bind("a", attempt_id));
  if (v.empty()) return std::nullopt;
  return v.front();
}

bool resolve_attempt(soci::session& s, int64_t id, const std::string& wamid, int64_t at) {
  return Query("UPDATE whatsapp_messages SET wamid = :w, state = 'sent', state_rank = 1, state_at = :at, error_title = NULL, "
               "next_attempt_at = NULL WHERE id = :id AND wamid IS NULL")
             .bind("w", wamid)
             .bind("at", static_cast<ll>(at))
             .bind("id", static_cast<ll>(id))
             .exec(s) > 0;
}

void mark_sent(soci::session& s, int64_t id, const std::string& wamid, int64_t now) {
  // A status that arrived before the 2xx was recorded (unknown then) is not re-applied here;
  // rank 1 is "sent", and later statuses move it on.
  Query("UPDATE whatsapp_messages SET wamid = :w, state = 'sent', state_rank = 1, state_at = :now, next_attempt_at = NULL WHERE id = :id")
      .bind("w", wamid)
      .bind("now", static_cast<ll>(now))
      .bind("id", static_cast<ll>(id))
      .exec(s);
}

void retry_later(soci::session& s, int64_t id, int attempts, int64_t next_at, const std::string& why) {
  Query("UPDATE whatsapp_messages SET state = 'queued', attempts = :a, next_attempt_at = :n, error_title = :why WHERE id = :id")
      .bind("a", static_cast<ll>(attempts))
      .bind("n", static_cast<ll>(next_at))
      .bind("why", why)
      .bind("id", static_cast<ll>(id))
      .exec(s);
}

void mark_failed(soci::session& s, int64_t id, int attempts, int64_t code, const std::string& why, int64_t now) {
  Query("UPDATE whatsapp_messages SET state = 'failed', state_rank = 9, attempts = :a, error_code = :c, error_title = :why, state_at = :now, "
        "next_attempt_at = NULL WHERE id = :id")
      .bind("a", static_cast<ll>(attempts))
      .bind("c", static_cast<ll>(code))
      .bind("why", why)
      .bind("now", static_cast<ll>(now))
      .bind("id", static_cast<ll>(id))
      .exec(s);
}

void apply_status(soci::session& s, int64_t message_id, const std::string& state, int rank, int64_t at, int64_t code,
                  const std::string& title) {
  Query("UPDATE whatsapp_messages SET state = :st, state_rank = :r, state_at = :at, error_code = :c, error_title = :t WHERE id = :id")
      .bind("st", state)
      .bind("r", static_cast<ll>(rank))
      .bind("at", static_cast<ll>(at))
      .bind_opt("c", code ? std::optional<ll>(code) : std::nullopt)
      .bind_opt("t", title.empty() ? std::nullopt : std::optional<std::string>(title))
      .bind("id", static_cast<ll>(message_id))
      .exec(s);
}

std::optional<Status> furthest_status(soci::session& s, const std::string& wamid) {
  std::optional<Status> out;
  // failed > read > delivered > sent, as the service ranks them.
  Query("SELECT status, at, error_code, error_title FROM whatsapp_statuses WHERE wamid = :w ORDER BY CASE status WHEN 'failed' THEN 4 "
        "WHEN 'read' THEN 3 WHEN 'delivered' THEN 2 WHEN 'sent' THEN 1 ELSE 0 END DESC LIMIT 1")
      .bind("w", wamid)
      .each(s, [&](const soci::row& r) {
        Status st;
        st.wamid = wamid;
        st.status = store::get_str(r, 0);
        st.at_ms = store::get_int(r, 1);
        st.error_code = store::get_opt_int(r, 2).value_or(0);
        st.error_title = store::get_str(r, 3);
        out = st;
      });
  return out;
}

std::vector<Template> templates(soci::session& s) {
  std::vector<Template> out;
  Query("SELECT name, language, text FROM whatsapp_templates WHERE approved = 1 ORDER BY name").each(s, [&](const soci::row& r) {
    out.push_back({store::get_str(r, 0), store::get_str(r, 1), store::get_str(r, 2)});
  });
  return out;
}

namespace {
// Nothing in or out since `cutoff`, nothing queued or in flight.
const char* kIdle =
    "last_inbound_at < :c1 AND NOT EXISTS (SELECT 1 FROM whatsapp_messages m WHERE m.conversation_id = whatsapp_conversations.id "
    "AND (m.at >= :c2 OR m.state IN ('queued', 'sending', 'uncertain')))";
}  // namespace

std::vector<IdleConversation> idle_conversations(soci::session& s, int64_t cutoff) {
  std::vector<IdleConversation> out;
  Query(std::string("SELECT id, ref, session_n FROM whatsapp_conversations WHERE ") + kIdle + " ORDER BY id")
      .bind("c1", static_cast<ll>(cutoff))
      .bind("c2", static_cast<ll>(cutoff))
      .each(s, [&](const soci::row& r) { out.push_back({store::get_int(r, 0), store::get_str(r, 1), store::get_int(r, 2)}); });
  return out;
}

bool delete_idle_conversation(soci::session& s, int64_t id, int64_t cutoff) {
  const bool idle = Query(std::string("SELECT COUNT(*) FROM whatsapp_conversations WHERE id = :id AND ") + kIdle)
                        .bind("id", static_cast<ll>(id))
                        .bind("c1", static_cast<ll>(cutoff))
                        .bind("c2", static_cast<ll>(cutoff))
                        .scalar(s)
                        .value_or(0) > 0;
  if (!idle) return false;
  Query("DELETE FROM whatsapp_statuses WHERE wamid IN (SELECT wamid FROM whatsapp_messages WHERE conversation_id = :id AND wamid IS NOT NULL)")
      .bind("id", static_cast<ll>(id))
      .exec(s);
  // Her images and audio go with the conversation (media.cc): the bytes are never kept longer.
  Query("DELETE FROM whatsapp_media WHERE conversation_id = :id").bind("id", static_cast<ll>(id)).exec(s);
  Query("DELETE FROM whatsapp_messages WHERE conversation_id = :id").bind("id", static_cast<ll>(id)).exec(s);
  Query("DELETE FROM whatsapp_conversations WHERE id = :id").bind("id", static_cast<ll>(id)).exec(s);
  return true;
}

std::vector<InboxRow> inbox_list(soci::session& s, int64_t before, int limit) {
  std::vector<InboxRow> out;
  Query("SELECT id, body FROM whatsapp_inbox WHERE received_at < :t ORDER BY id LIMIT :n")
      .bind("t", static_cast<ll>(before))
      .bind("n", static_cast<ll>(limit))
      .each(s, [&](const soci::row& r) { out.push_back({store::get_int(r, 0), store::get_str(r, 1)}); });
  return out;
}

int64_t inbox_count(soci::session& s) {
  int64_t n = 0;
  Query("SELECT count(*) FROM whatsapp_inbox").each(s, [&](const soci::row& r) { n = store::get_int(r, 0); });
  return n;
}

void inbox_done(soci::session& s, int64_t id) { Query("DELETE FROM whatsapp_inbox WHERE id = :id").bind("id", static_cast<ll>(id)).exec(s); }

namespace {
// Rows per multi-row statement. Bound by name, and both soci and SQLite find a name by a linear
// search, so a statement's cost grows with the square of its parameters: a few hundred at most.
constexpr size_t kInChunk = 200;

// "(:w0, :w1, …)" for the wamids [from, to), bound on q.
std::string bind_list(Query& q, const std::vector<std::string>& values, size_t from, size_t to) {
  std::string list = "(";
  for (size_t i = from; i < to; ++i) {
    const std::string name = "w" + std::to_string(i - from);
    list += (i > from ? ", :" : ":") + name;
    q.bind(name, values[i]);
  }
  return list + ")";
}
}  // namespace

std::vector<int64_t> inbox_put_many(soci::session& s, const std::vector<std::string>& bodies, int64_t received_at) {
  constexpr size_t kRows = 100;
  std::vector<int64_t> out;
  out.reserve(bodies.size());
  for (size_t from = 0; from < bodies.size(); from += kRows) {
    const size_t to = std::min(bodies.size(), from + kRows);
    Query q("INSERT INTO whatsapp_inbox (body, received_at) VALUES ");
    for (size_t i = from; i < to; ++i) {
      const std::string n = std::to_string(i - from);
      // Each name once: soci binds a name to one placeholder only.
      q.sql((i > from ? ", (:b" : "(:b") + n + ", :at" + n + ")").bind("b" + n, bodies[i]).bind("at" + n, static_cast<ll>(received_at));
    }
    q.sql(" RETURNING id");
    // RETURNING promises no order, but the ids are drawn in the order of the VALUES rows (SQLite's
    // rowid, PostgreSQL's identity sequence, each row in turn): sorted, they are the bodies' order.
    std::vector<int64_t> ids;
    q.each(s, [&](const soci::row& r) { ids.push_back(store::get_int(r, 0)); });
    if (ids.size() != to - from) throw std::runtime_error("whatsapp: inbox insert returned a wrong number of ids");
    std::sort(ids.begin(), ids.end());
    out.insert(out.end(), ids.begin(), ids.end());
  }
  return out;
}

void relaxed_commit(soci::session& s) {
  // PostgreSQL only (the lanes; WHATSAPP.md "Why a lane may commit asynchronously").
  Query("SET LOCAL synchronous_commit = off").exec(s);
}

void inbox_done_many(soci::session& s, const std::vector<int64_t>& ids) {
  for (size_t from = 0; from < ids.size(); from += kInChunk) {
    const size_t to = std::min(ids.size(), from + kInChunk);
    // Integers the service holds (never input): written into the statement, not bound.
    std::string list;
    for (size_t i = from; i < to; ++i) list += (i > from ? "," : "") + std::to_string(ids[i]);
    Query("DELETE FROM whatsapp_inbox WHERE id IN (" + list + ")").exec(s);
  }
}

std::map<std::string, StatusTarget> status_targets(soci::session& s, const std::vector<std::string>& wamids) {
  std::map<std::string, StatusTarget> out;
  for (size_t from = 0; from < wamids.size(); from += kInChunk) {
    const size_t to = std::min(wamids.size(), from + kInChunk);
    Query q("SELECT wamid, id, direction, state_rank, conversation_id FROM whatsapp_messages WHERE wamid IN ");
    q.sql(bind_list(q, wamids, from, to));
    q.each(s, [&](const soci::row& r) {
      out[store::get_str(r, 0)] =
          StatusTarget{store::get_int(r, 1), store::get_int(r, 4), store::get_str(r, 2), static_cast<int>(store::get_int(r, 3))};
    });
  }
  return out;
}

std::set<std::pair<std::string, std::string>> statuses_recorded(soci::session& s, const std::vector<std::string>& wamids) {
  std::set<std::pair<std::string, std::string>> out;
  for (size_t from = 0; from < wamids.size(); from += kInChunk) {
    const size_t to = std::min(wamids.size(), from + kInChunk);
    Query q("SELECT wamid, status FROM whatsapp_statuses WHERE wamid IN ");
    q.sql(bind_list(q, wamids, from, to));
    q.each(s, [&](const soci::row& r) { out.emplace(store::get_str(r, 0), store::get_str(r, 1)); });
  }
  return out;
}

void insert_statuses(soci::session& s, const std::vector<NewStatus>& rows, int64_t now) {
  constexpr size_t kRows = 40;  // 8 parameters a row (each name once: soci binds a name to one placeholder)
  for (size_t from = 0; from < rows.size(); from += kRows) {
    const size_t to = std::min(rows.size(), from + kRows);
    Query q("INSERT INTO whatsapp_statuses (wamid, status, at, error_code, error_title, known, applied, received_at) VALUES ");
    for (size_t i = from; i < to; ++i) {
      const Status& st = *rows[i].status;
      const std::string n = std::to_string(i - from);
      q.sql(std::string(i > from ? ", " : "") + "(:w" + n + ", :s" + n + ", :a" + n + ", :c" + n + ", :t" + n + ", :k" + n + ", :p" + n +
            ", :n" + n + ")");
      q.bind("w" + n, st.wamid)
          .bind("s" + n, st.status)
          .bind("a" + n, static_cast<ll>(st.at_ms))
          .bind_opt("c" + n, st.error_code ? std::optional<ll>(st.error_code) : std::nullopt)
          .bind_opt("t" + n, st.error_title.empty() ? std::nullopt : std::optional<std::string>(st.error_title))
          .bind("k" + n, static_cast<ll>(rows[i].known ? 1 : 0))
          .bind("p" + n, static_cast<ll>(rows[i].applied ? 1 : 0))
          .bind("n" + n, static_cast<ll>(now));
    }
    // A pair another instance recorded since the service looked: kept as it was.
    q.sql(" ON CONFLICT (wamid, status) DO NOTHING").exec(s);
  }
}

std::optional<StatusTarget> status_target(soci::session& s, const std::string& wamid) {
  std::optional<StatusTarget> out;
  Query("SELECT id, direction, state_rank, conversation_id FROM whatsapp_messages WHERE wamid = :w").bind("w", wamid).each(s, [&](const soci::row& r) {
    out = StatusTarget{store::get_int(r, 0), store::get_int(r, 3), store::get_str(r, 1), static_cast<int>(store::get_int(r, 2))};
  });
  return out;
}

std::map<std::string, ConvRow> conversations_by_indexes(soci::session& s, const std::vector<std::string>& indexes) {
  std::map<std::string, ConvRow> out;
  for (size_t from = 0; from < indexes.size(); from += kInChunk) {
    const size_t to = std::min(indexes.size(), from + kInChunk);
    Query q("SELECT id, ref, user_key, wa_id, phone_number_id, caller_hash, session_n, contact_id, needs_contact, last_inbound_at, "
            "user_key_index FROM whatsapp_conversations WHERE user_key_index IN ");
    q.sql(bind_list(q, indexes, from, to));
    q.each(s, [&](const soci::row& r) { out[store::get_str(r, 10)] = conv_row(r); });
  }
  return out;
}

void insert_conversations(soci::session& s, const std::vector<NewConversation>& rows, int64_t now) {
  constexpr size_t kRows = 30;  // 7 parameters a row
  for (size_t from = 0; from < rows.size(); from += kRows) {
    const size_t to = std::min(rows.size(), from + kRows);
    Query q("INSERT INTO whatsapp_conversations (ref, user_key, user_key_index, wa_id, phone_number_id, caller_hash, session_n, "
            "needs_contact, last_inbound_at, created_at) VALUES ");
    for (size_t i = from; i < to; ++i) {
      const auto& c = rows[i];
      const std::string n = std::to_string(i - from);
      q.sql(std::string(i > from ? ", " : "") + "(:r" + n + ", :u" + n + ", :x" + n + ", :w" + n + ", :p" + n + ", :h" + n + ", 1, 1, 0, :n" + n + ")");
      q.bind("r" + n, c.ref)
          .bind("u" + n, c.user_key)
          .bind("x" + n, c.index)
          .bind_opt("w" + n, c.wa_id)
          .bind("p" + n, c.phone_number_id)
          .bind_opt("h" + n, c.caller_hash.empty() ? std::nullopt : std::optional<std::string>(c.caller_hash))
          .bind("n" + n, static_cast<ll>(now));
    }
    q.sql(" ON CONFLICT (user_key_index) DO NOTHING").exec(s);
  }
}

std::map<std::string, int64_t> insert_inbound_many(soci::session& s, const std::vector<NewInbound>& rows) {
  constexpr size_t kRows = 40;  // 5 parameters a row
  std::map<std::string, int64_t> out;
  for (size_t from = 0; from < rows.size(); from += kRows) {
    const size_t to = std::min(rows.size(), from + kRows);
    Query q("INSERT INTO whatsapp_messages (conversation_id, direction, wamid, type, body, at, state, state_rank, attempts) VALUES ");
    for (size_t i = from; i < to; ++i) {
      const auto& m = rows[i];
      const std::string n = std::to_string(i - from);
      q.sql(std::string(i > from ? ", " : "") + "(:c" + n + ", 'in', :w" + n + ", :t" + n + ", :b" + n + ", :a" + n + ", 'received', 0, 0)");
      q.bind("c" + n, static_cast<ll>(m.conversation_id))
          .bind("w" + n, m.wamid)
          .bind("t" + n, m.type)
          .bind("b" + n, m.body)
          .bind("a" + n, static_cast<ll>(m.at));
    }
    // A wamid already stored (Meta's redelivery) is skipped and not returned.
    q.sql(" ON CONFLICT (wamid) DO NOTHING RETURNING id, wamid");
    q.each(s, [&](const soci::row& r) { out[store::get_str(r, 1)] = store::get_int(r, 0); });
  }
  return out;
}

void note_inbound_many(soci::session& s, const std::vector<InboundNote>& rows) {
  constexpr size_t kRows = 50;  // 4 parameters a row
  for (size_t from = 0; from < rows.size(); from += kRows) {
    const size_t to = std::min(rows.size(), from + kRows);
    // UPDATE … FROM a derived table of SELECTs (PostgreSQL, and SQLite since 3.33); the CASTs give
    // the bound parameters their types (PostgreSQL would otherwise read them as text).
    Query q("UPDATE whatsapp_conversations SET last_inbound_at = CASE WHEN whatsapp_conversations.last_inbound_at < v.at THEN v.at ELSE "
            "whatsapp_conversations.last_inbound_at END, wa_id = COALESCE(whatsapp_conversations.wa_id, v.wa), phone_number_id = CASE "
            "WHEN v.pn = '' THEN whatsapp_conversations.phone_number_id ELSE v.pn END FROM (");
    for (size_t i = from; i < to; ++i) {
      const auto& c = rows[i];
      const std::string n = std::to_string(i - from);
      q.sql(std::string(i > from ? " UNION ALL " : "") + "SELECT CAST(:i" + n + " AS BIGINT) AS id, CAST(:a" + n + " AS BIGINT) AS at, CAST(:w" +
            n + " AS TEXT) AS wa, CAST(:p" + n + " AS TEXT) AS pn");
      q.bind("i" + n, static_cast<ll>(c.id)).bind("a" + n, static_cast<ll>(c.at)).bind_opt("w" + n, c.wa_id).bind("p" + n, c.phone_number_id);
    }
    q.sql(") AS v WHERE whatsapp_conversations.id = v.id").exec(s);
  }
}

// ---- Her images and audio (media.cc) -----------------------------------------------------------

namespace {
const char* kMediaCols = "SELECT id, message_id, conversation_id, kind, media_id, mime, sha256, state, reason, attempts, size FROM whatsapp_media ";
MediaRow media_row(const soci::row& r) {
  MediaRow m;
  m.id = store::get_int(r, 0);
  m.message_id = store::get_int(r, 1);
  m.conversation_id = store::get_int(r, 2);
  m.kind = store::get_str(r, 3);
  m.media_id = store::get_str(r, 4);
  m.mime = store::get_str(r, 5);
  m.sha256 = store::get_str(r, 6);
  m.state = store::get_str(r, 7);
  m.reason = store::get_str(r, 8);
  m.attempts = static_cast<int>(store::get_int(r, 9));
  m.size = store::get_opt_int(r, 10).value_or(0);
  return m;
}
}  // namespace

void insert_media(soci::session& s, int64_t message_id, int64_t conversation_id, const std::string& kind, const std::string& media_id,
                  const std::string& mime, const std::string& sha256, int64_t now) {
  Query("INSERT INTO whatsapp_media (message_id, conversation_id, kind, media_id, mime, sha256, state, attempts, next_attempt_at, created_at) "
        "VALUES (:m, :c, :k, :mi, :mt, :sh, 'pending', 0, :n, :n2) ON CONFLICT (message_id) DO NOTHING")
      .bind("m", static_cast<ll>(message_id))
      .bind("c", static_cast<ll>(conversation_id))
      .bind("k", kind)
      .bind("mi", media_id)
      .bind("mt", mime)
      .bind("sh", sha256)
      .bind("n", static_cast<ll>(now))
      .bind("n2", static_cast<ll>(now))
      .exec(s);
}

std::vector<MediaRow> media_due(soci::session& s, int64_t now, int limit) {
  std::vector<MediaRow> out;
  Query(std::string(kMediaCols) + "WHERE state = 'pending' AND next_attempt_at <= :n ORDER BY next_attempt_at, id LIMIT :l")
      .bind("n", static_cast<ll>(now))
      .bind("l", static_cast<ll>(limit))
      .each(s, [&](const soci::row& r) { out.push_back(media_row(r)); });
  return out;
}

void media_stored(soci::session& s, int64_t id, const std::string& mime, int64_t size, const std::string& bytes, int64_t now) {
  Query("UPDATE whatsapp_media SET state = 'ready', reason = NULL, mime = :mt, size = :sz, bytes = :b, done_at = :n WHERE id = :id")
      .bind("mt", mime)
      .bind("sz", static_cast<ll>(size))
      .bind("b", bytes)
      .bind("n", static_cast<ll>(now))
      .bind("id", static_cast<ll>(id))
      .exec(s);
}

void media_retry(soci::session& s, int64_t id, int attempts, int64_t next_at, const std::string& why) {
  Query("UPDATE whatsapp_media SET attempts = :a, next_attempt_at = :t, reason = :w WHERE id = :id")
      .bind("a", static_cast<ll>(attempts))
      .bind("t", static_cast<ll>(next_at))
      .bind("w", why)
      .bind("id", static_cast<ll>(id))
      .exec(s);
}

void media_failed(soci::session& s, int64_t id, int attempts, const std::string& reason, int64_t now) {
  Query("UPDATE whatsapp_media SET state = 'failed', attempts = :a, reason = :r, done_at = :n WHERE id = :id")
      .bind("a", static_cast<ll>(attempts))
      .bind("r", reason)
      .bind("n", static_cast<ll>(now))
      .bind("id", static_cast<ll>(id))
      .exec(s);
}

std::vector<MediaRow> media_of_conversation(soci::session& s, int64_t conversation_id) {
  std::vector<MediaRow> out;
  Query(std::string(kMediaCols) + "WHERE conversation_id = :c ORDER BY id")
      .bind("c", static_cast<ll>(conversation_id))
      .each(s, [&](const soci::row& r) { out.push_back(media_row(r)); });
  return out;
}

std::optional<std::pair<MediaRow, std::string>> media_bytes(soci::session& s, int64_t conversation_id, int64_t id) {
  std::optional<std::pair<MediaRow, std::string>> out;
  Query("SELECT id, message_id, conversation_id, kind, media_id, mime, sha256, state, reason, attempts, size, bytes FROM whatsapp_media "
        "WHERE id = :id AND conversation_id = :c")
      .bind("id", static_cast<ll>(id))
      .bind("c", static_cast<ll>(conversation_id))
      .each(s, [&](const soci::row& r) { out = std::make_pair(media_row(r), store::get_str(r, 11)); });
  return out;
}

}  // namespace eq::whatsapp::repo
