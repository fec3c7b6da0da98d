// Server push over WebSocket without Beast in the modules: a module owns a Hub and publishes text
// messages with a topic; a route answers a WebSocket upgrade with an Upgrade (which hub, which
// topics this caller may see, a first message). The server keeps the connections.
#pragma once
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace eq::http {

class Hub {
 public:
  // A connection as the hub sees it; deliver() must not block (it queues the message).
  class Sink {
   public:
    virtual ~Sink() = default;
    virtual void deliver(const std::string& topic, std::shared_ptr<const std::string> message) = 0;
  };
  using Filter = std::function<bool(const std::string& topic)>;

  uint64_t attach(std::weak_ptr<Sink> sink, Filter filter);
  void detach(uint64_t id);
  // Sends to every attached sink whose filter accepts the topic.
  void publish(const std::string& topic, std::string message);
  size_t size() const;
  uint64_t published() const { return published_.load(); }

 private:
  struct Entry {
    std::weak_ptr<Sink> sink;
    Filter filter;
  };
  mutable std::mutex mu_;
  std::map<uint64_t, Entry> sinks_;
  uint64_t next_ = 1;
  std::atomic<uint64_t> published_{0};
};

// Bumped whenever a session or an API token is revoked (logout, an administrator, a password
// change): open streams then check their caller again before sending anything more.
std::atomic<uint64_t>& revocation_epoch();

// What a route returns (in Response::upgrade) to accept a WebSocket.
struct Upgrade {
  std::shared_ptr<Hub> hub;
  Hub::Filter filter;
  std::string hello;  // first message sent on the new connection, empty for none
};

}  // namespace eq::http
