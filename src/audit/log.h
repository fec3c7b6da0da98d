// The append-only audit log. Each entry is chained to the previous one:
// hash = SHA-256(previous hash ‖ canonical entry), so any edit or deletion breaks the chain
// at that point and `equidad audit verify` names it.
#pragma once
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
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
};

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
};

std::vector<store::Migration> migrations();

class Log {
 public:
  explicit Log(store::Database& db) : db_(db) {}
  // Inside the caller's transaction, so the entry and the change it records commit together.
  void append(soci::session& s, const Entry& e);
  // In a transaction of its own (refusals, reads).
  Result<void> append(const Entry& e);
  Result<std::vector<Stored>> list(const Filter& f);
  Result<Verification> verify();
  // The last full verification if younger than `max_age`, else a new one: for pages that show the
  // chain's state on every visit without walking the whole log each time.
  Result<Verification> recent_verification(std::chrono::seconds max_age);

  // Entry pre-filled with the caller of a request.
  static Entry from(const http::Request& req, std::string action, std::string object, std::string outcome = "ok");

 private:
  store::Database& db_;
  std::mutex recent_mu_;
  std::optional<Verification> recent_;
  std::chrono::steady_clock::time_point recent_at_;
};

std::string chain_hash(const std::string& prev_hash, const Stored& e);

}  // namespace eq::audit
