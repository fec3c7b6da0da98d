// Every statement on the whatsapp_* tables (SQLite and PostgreSQL). Identifiers and bodies go in
// and come out as the ciphertext the service made.
#pragma once
#include <soci/soci.h>

#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "whatsapp/module.h"

namespace eq::whatsapp::repo {

struct ConvRow {
  int64_t id = 0;
  std::string ref;
  std::string user_key;  // ciphertext
  std::string wa_id;     // ciphertext or empty
  std::string phone_number_id;
  std::string caller_hash;
  int64_t session_n = 0;
  std::string contact_id;
  bool needs_contact = false;
  int64_t last_inbound_at = 0;
};

struct MsgRow {
  int64_t id = 0;
  int64_t conversation_id = 0;
  std::string direction, wamid, type, body, template_name, state;
  int64_t at = 0;
  int state_rank = 0;
  int64_t error_code = 0;
  std::string error_title;
  int attempts = 0;
  std::string attempt_id;
};

std::optional<ConvRow> conversation_by_ref(soci::session& s, const std::string& ref);
std::optional<ConvRow> conversation_by_id(soci::session& s, int64_t id);
void set_needs_contact(soci::session& s, int64_t id, int64_t session_n);
void set_contact(soci::session& s, int64_t id, int64_t session_n, const std::string& contact_id);
std::vector<int64_t> pending(soci::session& s, int limit);

// A processing group's messages with a few multi-row statements (service.cc store_messages):
// the conversations of these blind indexes, by index (one statement per 200 indexes).
std::map<std::string, ConvRow> conversations_by_indexes(soci::session& s, const std::vector<std::string>& indexes);
struct NewConversation {
  std::string ref, user_key, index;  // user_key: ciphertext; index: its blind index
  std::optional<std::string> wa_id;  // ciphertext
  std::string phone_number_id, caller_hash;
};
// Each unless a conversation with its index exists (a concurrent first message): no error.
void insert_conversations(soci::session& s, const std::vector<NewConversation>& rows, int64_t now);
struct NewInbound {
  int64_t conversation_id = 0;
  std::string wamid, type, body;  // body: ciphertext
  int64_t at = 0;
};
// The rows whose wamid was not stored yet, inserted (the rest are redeliveries): wamid → message id.
// The wamids given must be distinct.
std::map<std::string, int64_t> insert_inbound_many(soci::session& s, const std::vector<NewInbound>& rows);
// Her new messages move her conversation's window (an older one arriving late does not move it
// back), set her number if none was known and her line: several conversations in one statement
// per 50, each row the sum of her new messages in arrival order (newest time, first wa_id given,
// last phone number id given). The ids must be distinct.
struct InboundNote {
  int64_t id = 0;
  int64_t at = 0;
  std::optional<std::string> wa_id;
  std::string phone_number_id;
};
void note_inbound_many(soci::session& s, const std::vector<InboundNote>& rows);

int64_t insert_outbound(soci::session& s, int64_t conversation_id, const std::string& type, const std::string& body,
                        const std::string& template_name, int64_t user_id, int64_t at);
std::vector<MsgRow> messages(soci::session& s, int64_t conversation_id);

// The outbox: due rows are claimed ("sending" with a fresh attempt id, committed) before the
// request goes out. A row waits while an earlier reply of its conversation waits (pair limit or
// back-off), so her messages never arrive out of order.
std::vector<MsgRow> due(soci::session& s, int64_t now, int limit);
void mark_sending(soci::session& s, int64_t id, const std::string& attempt_id);
// A claimed row not sent this tick (its number's limit, or an earlier reply of hers deferred):
// back to the outbox at `at`, its attempt not counted.
void release(soci::session& s, int64_t id, int attempts, int64_t at);
void mark_sent(soci::session& s, int64_t id, const std::string& wamid, int64_t now);
void retry_later(soci::session& s, int64_t id, int attempts, int64_t next_at, const std::string& why);
void mark_failed(soci::session& s, int64_t id, int attempts, int64_t code, const std::string& why, int64_t now);
// Her other queued replies wait at least until `at` (Meta's pair rate limit names her, not the line).
void defer_conversation(soci::session& s, int64_t conversation_id, int64_t at);
// "sending" or no answer after the request left: the row may be at Meta. Never re-sent by the server.
void mark_uncertain(soci::session& s, int64_t id, const std::string& why, int64_t now);
// Rows a stopped server left "sending" (ids and conversations), for resume_outbox.
std::vector<MsgRow> sending(soci::session& s);
std::optional<MsgRow> message_by_attempt(soci::session& s, const std::string& attempt_id);
// A status named this attempt: Graph accepted it under `wamid` (only while no wamid is recorded).
bool resolve_attempt(soci::session& s, int64_t id, const std::string& wamid, int64_t at);

void apply_status(soci::session& s, int64_t message_id, const std::string& state, int rank, int64_t at, int64_t code, const std::string& title);

// The furthest status Meta already reported for a wamid (one can arrive before the 2xx is recorded).
std::optional<Status> furthest_status(soci::session& s, const std::string& wamid);

std::vector<Template> templates(soci::session& s);

// Retention: conversations with nothing (no message either way, nothing left to send) since before
// `cutoff`, as (id, ref, session_n); one of them deleted with its messages and their statuses when
// it is still so (false: she wrote again meanwhile).
struct IdleConversation {
  int64_t id = 0;
  std::string ref;
  int64_t session_n = 0;
};
std::vector<IdleConversation> idle_conversations(soci::session& s, int64_t cutoff);
bool delete_idle_conversation(soci::session& s, int64_t id, int64_t cutoff);
// The inbox (service.cc, "accept"): each accepted delivery's raw body, encrypted, until the
// transaction that processes it deletes it. What a crash left here is processed at the next start.
struct InboxRow {
  int64_t id = 0;
  std::string body;  // ciphertext of the raw body Meta signed
};
// A group's bodies in multi-row INSERTs (one round trip per 100): their ids, in the order given.
std::vector<int64_t> inbox_put_many(soci::session& s, const std::vector<std::string>& bodies, int64_t received_at);
// Rows received before `before`, oldest first.
std::vector<InboxRow> inbox_list(soci::session& s, int64_t before, int limit);
void inbox_done(soci::session& s, int64_t id);
// Rows in the inbox: accepted and not processed yet (or whose processing failed, for the drain).
int64_t inbox_count(soci::session& s);
void inbox_done_many(soci::session& s, const std::vector<int64_t>& ids);
// This transaction's commit returns before its WAL is flushed (PostgreSQL's synchronous_commit =
// off, for this transaction only). Safe only where a later synchronous commit decides durability.
void relaxed_commit(soci::session& s);
// The outbound message a status names: only what applying it needs (the webhook's hottest lookup).
struct StatusTarget {
  int64_t id = 0;
  int64_t conversation_id = 0;
  std::string direction;
  int state_rank = 0;
};
std::optional<StatusTarget> status_target(soci::session& s, const std::string& wamid);
// The same for a whole group's statuses, by wamid (one statement per 200 wamids).
std::map<std::string, StatusTarget> status_targets(soci::session& s, const std::vector<std::string>& wamids);
// The (wamid, status) pairs already recorded among these wamids: a redelivery changes nothing.
std::set<std::pair<std::string, std::string>> statuses_recorded(soci::session& s, const std::vector<std::string>& wamids);
// A group's new statuses in multi-row INSERTs (… ON CONFLICT (wamid, status) DO NOTHING).
struct NewStatus {
  const Status* status = nullptr;
  bool known = false, applied = false;
};
void insert_statuses(soci::session& s, const std::vector<NewStatus>& rows, int64_t now);


// Her images and audio (media.cc): one row per media message, pending until the media job stored
// its bytes (encrypted) or gave up (reason). media_id: Meta's id, encrypted.
struct MediaRow {
  int64_t id = 0;
  int64_t message_id = 0;
  int64_t conversation_id = 0;
  std::string kind, media_id, mime, sha256, state, reason;
  int attempts = 0;
  int64_t size = 0;
};
void insert_media(soci::session& s, int64_t message_id, int64_t conversation_id, const std::string& kind, const std::string& media_id,
                  const std::string& mime, const std::string& sha256, int64_t now);
std::vector<MediaRow> media_due(soci::session& s, int64_t now, int limit);
void media_stored(soci::session& s, int64_t id, const std::string& mime, int64_t size, const std::string& bytes, int64_t now);
void media_retry(soci::session& s, int64_t id, int attempts, int64_t next_at, const std::string& why);
void media_failed(soci::session& s, int64_t id, int attempts, const std::string& reason, int64_t now);
std::vector<MediaRow> media_of_conversation(soci::session& s, int64_t conversation_id);
// One stored media of that conversation: its row and the ciphertext of its bytes (empty unless ready).
std::optional<std::pair<MediaRow, std::string>> media_bytes(soci::session& s, int64_t conversation_id, int64_t id);

}  // namespace eq::whatsapp::repo
