// Every statement on the chat_* tables (SQLite and PostgreSQL). Bodies go in and come out as the
// ciphertext the service made: this file never sees a woman's words in clear.
#pragma once
#include <soci/soci.h>

#include <optional>
#include <string>
#include <vector>

#include "chat/module.h"

namespace eq::chat::repo {

struct StoredMessage {
  int64_t seq = 0;
  std::string sender;
  std::string client_id;
  std::string body;  // ciphertext
  int64_t at = 0;
};

int64_t insert_session(soci::session& s, const std::string& ref, const std::string& secret_hash, bool urgent,
                       const std::string& comuna_code, int64_t now);
void set_contact(soci::session& s, int64_t session_id, const std::string& contact_id);
std::optional<SessionRow> find_session(soci::session& s, const std::string& ref);
// Takes the next sequence number of the conversation and stores the message under it.
int64_t insert_message(soci::session& s, int64_t session_id, const std::string& sender, std::optional<int64_t> user_id,
                       const std::string& client_id, const std::string& body, int64_t at);
// Message `seq` of a conversation (another instance relayed its number).
std::optional<StoredMessage> message_at(soci::session& s, int64_t session_id, int64_t seq);
// The operator she was last told about ("" for none), the conversation's row locked until the
// commit so that two instances never tell her twice; set_told_holder records the next one.
std::string told_holder(soci::session& s, int64_t session_id);
void set_told_holder(soci::session& s, int64_t session_id, const std::string& user_id);
std::optional<StoredMessage> message_by_client_id(soci::session& s, int64_t session_id, const std::string& client_id);
std::vector<StoredMessage> messages(soci::session& s, int64_t session_id, int64_t after_seq);
// Answers false when it was already ended.
bool end_session(soci::session& s, int64_t session_id, const std::string& why, int64_t now);
int64_t insert_escalation(soci::session& s, int64_t session_id, const std::string& kind, std::optional<int64_t> unit_id,
                          const std::string& unit_name, int64_t user_id, const std::string& note, int64_t at,
                          std::optional<int64_t> dispatch_id);
struct StoredEscalation {
  int64_t id = 0;
  std::string kind, unit_name;
  int64_t at = 0;
  std::optional<int64_t> dispatch_id;
};
std::vector<StoredEscalation> escalations(soci::session& s, int64_t session_id);
std::vector<std::string> canned(soci::session& s);
void replace_canned(soci::session& s, const std::vector<std::string>& answers);
// Conversations ended before `cutoff` (and open ones silent since before it), as (id, ref).
std::vector<std::pair<int64_t, std::string>> purge_due(soci::session& s, int64_t cutoff);
// Deletes one with its messages and escalations if it is still past `cutoff` (false: she wrote again).
bool purge_session(soci::session& s, int64_t id, int64_t cutoff);

}  // namespace eq::chat::repo
