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

struct Response;  // http/message.h

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

// The connection as a route's inbound handler sees it: it can answer and hang up, nothing else.
class Peer {
 public:
  virtual ~Peer() = default;
  virtual void send(std::string text) = 0;  // queued; never blocks
  virtual void close() = 0;
};

// The receiving side of a WebSocket, for a route whose clients talk (the silent chat). The server
// calls these on the connection's strand, one message at a time, in order. Bounds are the
// transport's: a message longer than max_message closes the connection (1009, nothing buffered
// beyond it); a message beyond the rate (a token bucket per connection, so one client's flood never
// slows another's) is not passed on and the client gets `throttled` instead.
struct Inbound {
  size_t max_message = 16 * 1024;  // bytes
  double burst = 20;               // messages at once…
  double per_second = 5;           // …refilled at this rate
  std::string throttled;           // sent for a message over the rate, empty for nothing
  std::function<void(std::weak_ptr<Peer> peer)> opened;
  std::function<void(const std::string& text)> message;  // text frames only; binary ones are dropped
  std::function<void()> closed;                            // once, however the connection ended
};

// What a route returns (in Response::upgrade) to accept a WebSocket.
struct Upgrade {
  std::shared_ptr<Hub> hub;  // may be null for a connection that only talks through its Peer
  Hub::Filter filter;
  std::string hello;  // first message sent on the new connection, empty for none
  std::shared_ptr<Inbound> inbound;  // null: the client sends nothing but control frames
  // Not a WebSocket: a route whose answer is made on another thread (the WhatsApp webhook waits
  // for its batch's commit) sets `later` and nothing else. The server frees its worker thread and
  // calls `later` with a function the route calls ONCE, from any thread, with the status and the
  // JSON body of the answer; the server then writes it on the connection.
  std::function<void(std::function<void(int status, std::string json_body)> answer)> later;
  // The same for an answer that is more than a JSON body: the route calls `answer` ONCE with the
  // whole Response, so its content type and headers reach the client as a synchronous answer's
  // would (OsmAnd's plain-text «OK», WWW-Authenticate on a 401, Retry-After on a 503).
  std::function<void(std::function<void(Response)> answer)> answer_later;
};

}  // namespace eq::http
