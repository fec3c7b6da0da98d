// The append-only audit log. Each entry is chained to the previous one:
// hash = SHA-256(previous hash ‖ canonical entry), so any edit or deletion breaks the chain
// at that point and `equidad audit verify` names it.
// A plain hash chain can be rewritten by whoever can write the database (recompute every hash from
// the edit on) or cut short (delete the last rows). So each entry is also sealed: mac =
// HMAC-SHA256(audit key, hash), with a key kept in a file beside the field key, never in the
// database. And `equidad audit checkpoint` writes the head (seq, hash) signed with Ed25519 to a
// file an operator keeps elsewhere; verifying against it detects a truncation or a rewrite of
// anything up to that entry, even by someone who holds the audit key.
#pragma once
#include <array>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/message.h"
#include "store/migrations.h"

namespace eq::audit {

struct Entry {
  std::optional<int64_t> actor_user_id;
  std::optional<int64_t> actor_institution_id;
  std::string action;   // "user.create", "auth.login", "case.read" …
  std::string object;   // "user:12", "" when none
  std::string client_ip;
  std::string outcome;  // "ok", "denied", "error", "failed"
  std::string detail;   // short, never identifying data in clear
};

struct Stored : Entry {
  int64_t seq = 0;
  int64_t at = 0;  // ms since epoch, UTC
  std::string prev_hash;
  std::string hash;
  std::string mac;  // "" only for entries written before sealing existed
};

// The audit key: 32 random bytes (hex) in their own file, mode 0600. Not the field key, so
// `equidad keys rotate` leaves the log's seals valid.
class Seal {
 public:
  static Result<Seal> load_or_create(const std::string& path);
  static Seal from_secret(std::string_view secret32);
  std::string mac(const std::string& hash) const;  // hex
  std::string public_key() const;                  // base64url Ed25519
  std::string sign(std::string_view message) const;  // base64url
  static bool verify_signature(std::string_view public_key_b64, std::string_view message, std::string_view signature_b64);

 private:
  std::array<unsigned char, 32> mac_key_{};
  std::array<unsigned char, 32> sign_pk_{};
  std::array<unsigned char, 64> sign_sk_{};
};

// "var/equidad.key" → "var/equidad.audit.key".
std::string seal_path_for(const std::string& key_file);

// The chain's head at one moment, signed: kept outside the database.
struct Checkpoint {
  int64_t seq = 0;
  std::string hash;
  int64_t at = 0;
  std::string public_key;
  std::string signature;
};
http::Json to_json(const Checkpoint& c);
Result<Checkpoint> checkpoint_from_json(const http::Json& j);
std::string checkpoint_message(const Checkpoint& c);  // what the signature covers

struct Filter {
  std::optional<int64_t> actor_user_id;
  std::string action_prefix;
  std::string outcome;
  std::optional<int64_t> from_ms, to_ms;
  std::optional<int64_t> before_seq;
  std::optional<int64_t> institution_id;
  int limit = 50;
};

struct Verification {
  bool ok = true;
  int64_t count = 0;
  std::optional<int64_t> first_broken_seq;
  int64_t unsealed = 0;  // entries older than sealing (a prefix of the chain)
  std::string reason;    // Spanish, when broken
};

std::vector<store::Migration> migrations();

class Log {
 public:
  explicit Log(store::Database& db) : db_(db) {}
  // With a seal, every new entry gets its MAC and verify() demands them. When the chain's last
  // entry has none (a log from before sealing), one sealed entry is appended so that stripping
  // every MAC cannot pass for an old log.
  Result<void> set_seal(std::shared_ptr<const Seal> seal);
  // Inside the caller's transaction, so the entry and the change it records commit together.
  void append(soci::session& s, const Entry& e);
  // In a transaction of its own (refusals, reads).
  Result<void> append(const Entry& e);
  Result<std::vector<Stored>> list(const Filter& f);
  Result<Verification> verify(const std::optional<Checkpoint>& checkpoint = std::nullopt);
  // Signs the current head (needs a seal).
  Result<Checkpoint> checkpoint();
  // The last full verification if younger than `max_age`, else a new one: for pages that show the
  // chain's state on every visit without walking the whole log each time.
  Result<Verification> recent_verification(std::chrono::seconds max_age);

  // Entry pre-filled with the caller of a request.
  static Entry from(const http::Request& req, std::string action, std::string object, std::string outcome = "ok");

 private:
  store::Database& db_;
  std::shared_ptr<const Seal> seal_;
  std::mutex recent_mu_;
  std::optional<Verification> recent_;
  std::chrono::steady_clock::time_point recent_at_;
};

std::string chain_hash(const std::string& prev_hash, const Stored& e);

}  // namespace eq::audit
