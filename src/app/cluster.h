// Several `equidad serve` instances on one PostgreSQL (issue 20). Two things only PostgreSQL can
// give them, each on a dedicated libpq connection of its own (never a pooled SOCI session):
//
// - Ownership: exactly one instance owns the monitoring engine and the background jobs. It holds a
//   session-level advisory lock (pg_try_advisory_lock) on its lease connection; the others try
//   again every second. When the owner dies (kill -9, a lost network) PostgreSQL ends its session
//   and with it the lock, and the next try of another instance takes it over.
// - Live events: what any instance publishes to a hub (monitoring alerts and positions, dispatches,
//   chat messages, queue changes) is sent with NOTIFY on channel `equidad_live` and re-published by
//   every other instance into its own hub of the same name, so a console sees everything whichever
//   instance it is connected to. Payloads stay under PostgreSQL's 8.000 bytes: small messages are
//   packed together, a large one is sent in numbered parts and put together by the receivers.
//
// On SQLite there is one instance (the file is locked by one writer) and none of this runs.
#pragma once
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace eq::app {

struct ClusterOptions {
  std::string conninfo;       // libpq keyword=value string of the database
  std::string instance;       // this instance's name in the payloads (its own NOTIFYs are skipped)
  int64_t lock_key = 20'2000;  // the advisory lock of the engine's owner (per database)
  std::string channel = "equidad_live";  // the NOTIFY channel (per database)
  std::chrono::milliseconds retry{1000};
};

class Cluster {
 public:
  // Called on the lease thread when this instance becomes (true) or stops being (false) the owner.
  // Returning false when asked to become the owner (the state could not be loaded) hands the lock back.
  using Ownership = std::function<bool(bool owner)>;
  // Called on the listener thread for every message another instance published.
  using Received = std::function<void(const std::string& hub, const std::string& topic, const std::string& message)>;
  // Called on the listener thread for a control word another instance sent (e.g. "monitoring.reload").
  using Control = std::function<void(const std::string& word)>;

  Cluster(ClusterOptions options, Ownership ownership, Received received, Control control);
  ~Cluster();
  void start();
  void stop();

  bool owner() const { return owner_; }
  // Queued for the sender thread; never blocks the caller.
  void publish(const std::string& hub, const std::string& topic, const std::string& message);
  void control(const std::string& word);
  // One message as a NOTIFY payload on channel(), for a caller that sends it in a transaction of
  // its own (delivered with that commit, or not at all): the monitoring inbox's wake-up.
  std::string payload(const std::string& hub, const std::string& topic, const std::string& message) const;
  const std::string& channel() const { return opt_.channel; }
  uint64_t sent() const { return sent_; }
  uint64_t received() const { return received_; }

  // Packs messages into NOTIFY payloads under `limit` bytes (public for the unit test).
  struct Message {
    std::string hub, topic, body;
    int64_t queued_us = 0;  // wall clock when published: each payload carries its first message's ("t")
  };
  static std::vector<std::string> pack(const std::string& instance, std::deque<Message>& queue, size_t limit, uint64_t& part_seq);
  // One NOTIFY payload received (the listener's; public for the unit test).
  void deliver(const std::string& payload);

 private:
  void lease_loop(std::stop_token stop);
  void listen_loop(std::stop_token stop);
  void send_loop(std::stop_token stop);

  ClusterOptions opt_;
  Ownership ownership_;
  Received received_cb_;
  Control control_cb_;
  std::atomic<bool> owner_{false};
  std::atomic<uint64_t> sent_{0}, received_{0};

  std::mutex qmu_;
  std::condition_variable_any qcv_;
  std::deque<Message> queue_;

  // Parts of large messages being put together: (instance, message number) → parts.
  struct Partial {
    size_t total = 0;
    std::map<size_t, std::string> parts;
    int64_t started = 0;
  };
  std::map<std::pair<std::string, uint64_t>, Partial> partial_;

  std::jthread lease_, listen_, send_;
};

}  // namespace eq::app
