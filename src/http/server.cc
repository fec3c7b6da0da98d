#include "http/server.h"
#include "core/log.h"

#include <algorithm>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include <deque>

#include <iostream>
#include <thread>
#include <vector>

#include "core/time.h"
#include "core/url.h"
#include "http/gzip.h"
#include "http/live.h"
#include "http/stages.h"

namespace eq::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace websocket = boost::beast::websocket;
using tcp = asio::ip::tcp;

struct Server::Impl {
  ServerOptions opt;
  const Router& router;
  const StaticFiles& files;
  Metrics& metrics;
  asio::io_context ioc;
  tcp::acceptor acceptor{ioc};
  asio::signal_set signals{ioc, SIGINT, SIGTERM};
  std::atomic<int> in_flight{0};
  std::atomic<bool> draining{false};

  Impl(ServerOptions o, const Router& r, const StaticFiles& f, Metrics& m)
      : opt(std::move(o)), router(r), files(f), metrics(m) {}

  void accept();
  void begin_drain();
  Response handle(Request& req);
};

namespace {

const char* kSecurityHeaders[][2] = {
    {"X-Content-Type-Options", "nosniff"},
    {"X-Frame-Options", "DENY"},
    {"Referrer-Policy", "no-referrer"},
    {"Content-Security-Policy",
     "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
     "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"},
};

// Repeated keys: the last one wins; a key without '=' is present with an empty value.
void parse_query(std::string_view q, std::map<std::string, std::string>& out) {
  for (auto& f : parse_form(q)) out[std::move(f.key)] = std::move(f.value);
}

bool valid_utf8_text(const std::string& s) {
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t n;
    if (c < 0x80) {
      if (c < 0x20 || c == 0x7F) return false;
      n = 0;
    } else if (c >= 0xC2 && c <= 0xDF) {
      n = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 2;
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 3;
    } else {
      return false;
    }
    if (i + n >= s.size() && n > 0) return false;
    for (size_t k = 1; k <= n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    i += n + 1;
  }
  return true;
}

// Query values reach SQL and logs: they must be text (valid UTF-8, no control characters).
std::optional<Response> invalid_query(const Request& req) {
  for (const auto& [k, v] : req.query)
    if (!valid_utf8_text(k) || !valid_utf8_text(v)) {
      std::string field = valid_utf8_text(k) ? k : std::string();
      return Response::error(Error::bad_request("invalid_parameter", "El parámetro contiene caracteres no válidos.", field));
    }
  return std::nullopt;
}

std::string json_escape(const std::string& s) { return Json(s).dump(-1, ' ', false, Json::error_handler_t::replace); }

// Cross-site WebSocket hijacking: a browser sends the page's Origin with every upgrade, and a
// session cookie would otherwise let any site open the console's stream.
bool same_origin(const Request& req) {
  std::string origin = req.header("origin");
  if (origin.empty()) return true;  // not a browser
  auto scheme = origin.find("://");
  if (scheme == std::string::npos) return false;
  return origin.substr(scheme + 3) == req.header("host");
}

// One WebSocket connection of a live stream. Messages are queued and written one at a time; a
// client that cannot keep up (queue beyond kMaxQueue) is cut off and reconnects to a fresh snapshot,
// rather than holding the server's memory.
class LiveSession : public Hub::Sink, public Peer, public std::enable_shared_from_this<LiveSession> {
 public:
  static constexpr size_t kMaxQueue = 4096;
  LiveSession(beast::tcp_stream&& stream, std::shared_ptr<Upgrade> up, const Router& router, Request request)
      : ws_(std::move(stream)), up_(std::move(up)), router_(router), request_(std::move(request)), recheck_(ws_.get_executor()) {}
  ~LiveSession() override {
    if (id_ && up_->hub) up_->hub->detach(id_);
  }

  void start(bhttp::request<bhttp::string_body> req) {
    beast::get_lowest_layer(ws_).expires_never();  // the websocket's own timeouts (pings) take over
    ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
    // Clients send nothing but control frames unless the route reads them: a message is never
    // parsed, and a big one is cut off rather than buffered (Beast's default would hold up to 16 MB
    // per connection).
    ws_.read_message_max(up_->inbound ? up_->inbound->max_message : 64 * 1024);
    if (up_->inbound) tokens_ = up_->inbound->burst;
    ws_.set_option(websocket::stream_base::decorator(
        [](websocket::response_type& res) { res.set(bhttp::field::server, "equidad"); }));
    ws_.async_accept(req, [self = shared_from_this()](beast::error_code ec) {
      if (ec) return;
      if (!self->up_->hello.empty()) self->deliver("hello", std::make_shared<const std::string>(self->up_->hello));
      if (self->up_->hub) self->id_ = self->up_->hub->attach(self, self->up_->filter);
      if (self->up_->inbound && self->up_->inbound->opened) self->up_->inbound->opened(self->weak_from_this());
      self->schedule_recheck();
      self->read();
    });
  }

  void deliver(const std::string& topic, std::shared_ptr<const std::string> message) override {
    // Positions and chat messages come by thousands a second: they are checked when a session
    // was revoked anywhere or a second has passed; an alert or a dispatch is never sent without
    // checking first.
    const bool frequent = topic == "position" || topic == "peer" || topic.rfind("chat:", 0) == 0;
    // Positions are timed stage by stage (http/stages.h): how long this post waits for the strand,
    // then how long the frame waits behind the ones queued before it.
    const bool timed = topic == "position";
    const auto published = timed ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point{};
    asio::post(ws_.get_executor(), [self = shared_from_this(), message, frequent, timed, published] {
      if (self->closed_) return;
      if (self->queue_.size() >= kMaxQueue) return self->hang_up();
      // Nothing leaves for a session that has ended.
      auto now = std::chrono::steady_clock::now();
      const uint64_t epoch = revocation_epoch().load();
      if (!frequent || epoch != self->epoch_ || now - self->checked_at_ > std::chrono::seconds(1)) {
        if (!self->router_.still_authorized(self->request_)) return self->hang_up();
        self->checked_at_ = now;
        self->epoch_ = epoch;
      }
      if (timed) observe_stage(Stage::published_to_queued, now - published);
      self->queue_.push_back({message, timed ? now : std::chrono::steady_clock::time_point{}});
      if (self->queue_.size() == 1) self->write();
    });
  }

  // Peer: what an inbound handler answers goes through the same queue and checks as the hub's.
  void send(std::string text) override { deliver("peer", std::make_shared<const std::string>(std::move(text))); }
  void close() override {
    // What was queued before (an error saying why) still leaves first.
    asio::post(ws_.get_executor(), [self = shared_from_this()] {
      if (self->queue_.empty()) return self->hang_up();
      self->closing_ = true;
    });
  }

 private:
  void write() {
    ws_.text(true);
    ws_.async_write(asio::buffer(*queue_.front().text), [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec || self->closed_) return self->hang_up();
      if (const auto queued = self->queue_.front().queued; queued != std::chrono::steady_clock::time_point{})
        observe_stage(Stage::queued_to_written, std::chrono::steady_clock::now() - queued);
      self->queue_.pop_front();
      if (!self->queue_.empty()) return self->write();
      if (self->closing_) self->hang_up();
    });
  }
  // Reading keeps pings and the close handshake going; a route with an Inbound also gets the
  // client's text messages, within its rate.
  void read() {
    ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec) return self->hang_up();
      if (self->up_->inbound && self->ws_.got_text() && !self->closed_) {
        std::string text = beast::buffers_to_string(self->buffer_.data());
        self->buffer_.consume(self->buffer_.size());
        if (self->take_token()) {
          if (self->up_->inbound->message) self->up_->inbound->message(text);
        } else if (!self->up_->inbound->throttled.empty()) {
          self->send(self->up_->inbound->throttled);
        }
      }
      self->buffer_.consume(self->buffer_.size());
      self->read();
    });
  }
  bool take_token() {
    const auto now = std::chrono::steady_clock::now();
    const double elapsed = std::chrono::duration<double>(now - refilled_at_).count();
    refilled_at_ = now;
    tokens_ = std::min(up_->inbound->burst, tokens_ + elapsed * up_->inbound->per_second);
    if (tokens_ < 1.0) return false;
    tokens_ -= 1.0;
    return true;
  }
  // The queue is left alone: a write may be in flight on its front element.
  void hang_up() {
    if (closed_) return;
    closed_ = true;
    recheck_.cancel();
    if (id_ && up_->hub) up_->hub->detach(std::exchange(id_, 0));
    if (up_->inbound && up_->inbound->closed) up_->inbound->closed();
    beast::error_code ignored;
    beast::get_lowest_layer(ws_).socket().shutdown(tcp::socket::shutdown_both, ignored);
  }
  // A stream outlives the request that opened it: the session behind it is checked again now and
  // then, so a logout, an expired session or a withdrawn permission ends the stream too.
  void schedule_recheck() {
    recheck_.expires_after(std::chrono::seconds(10));
    recheck_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (ec || self->closed_) return;
      if (self->router_.still_authorized(self->request_)) {
        self->checked_at_ = std::chrono::steady_clock::now();
        return self->schedule_recheck();
      }
      self->hang_up();
    });
  }

  websocket::stream<beast::tcp_stream> ws_;
  std::shared_ptr<Upgrade> up_;
  const Router& router_;
  Request request_;  // as it arrived (cookie, route): what the recheck authenticates again
  asio::steady_timer recheck_;
  std::chrono::steady_clock::time_point checked_at_ = std::chrono::steady_clock::now();
  uint64_t epoch_ = revocation_epoch().load();
  beast::flat_buffer buffer_;
  struct Queued {
    std::shared_ptr<const std::string> text;
    std::chrono::steady_clock::time_point queued;  // set for timed messages (positions) only
  };
  std::deque<Queued> queue_;
  uint64_t id_ = 0;
  bool closed_ = false;
  bool closing_ = false;  // Peer::close() waits for the queue to drain
  double tokens_ = 0;  // inbound rate (Inbound::burst, per_second)
  std::chrono::steady_clock::time_point refilled_at_ = std::chrono::steady_clock::now();
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(tcp::socket socket, Server::Impl& srv) : stream_(std::move(socket)), srv_(srv) {
    beast::error_code ec;
    auto ep = stream_.socket().remote_endpoint(ec);
    if (!ec) client_ip_ = ep.address().to_string();
  }

  void start() { read(srv_.opt.idle_timeout); }

 private:
  void read(std::chrono::seconds idle) {
    parser_.emplace();
    parser_->header_limit(static_cast<uint32_t>(srv_.opt.header_limit));
    parser_->body_limit(srv_.opt.body_limit);
    if (buffer_.size() > 0) return read_request();  // pipelined bytes already here
    // An idle keep-alive connection may wait `idle` for its next request; once the first byte
    // arrives the whole request must follow within the read timeout, so a client trickling
    // bytes cannot hold a worker.
    stream_.expires_after(idle);
    stream_.async_read_some(buffer_.prepare(4096), [self = shared_from_this()](beast::error_code ec, size_t n) {
      if (ec) return self->fail_read(ec);
      self->buffer_.commit(n);
      self->read_request();
    });
  }

  // The head is read and checked first: a request whose framing is ambiguous is refused before
  // any of its body is read, and the connection is closed.
  void read_request() {
    stream_.expires_after(srv_.opt.read_timeout);
    bhttp::async_read_header(stream_, buffer_, *parser_, [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec) return self->fail_read(ec);
      const auto& head = self->parser_->get();
      std::vector<std::pair<std::string, std::string>> fields;
      for (const auto& f : head) fields.emplace_back(lower_trim(f.name_string()), std::string(f.value()));
      if (auto problem = head_problem(head.version(), fields))
        return self->reply_error(400, "bad_request", problem->c_str());
      if (self->parser_->is_done()) return self->on_read({});
      bhttp::async_read(self->stream_, self->buffer_, *self->parser_,
                        [self](beast::error_code ec2, size_t) { self->on_read(ec2); });
    });
  }

  void fail_read(beast::error_code ec) {
    if (ec == bhttp::error::body_limit) return reply_error(413, "payload_too_large", "El cuerpo de la solicitud es demasiado grande.");
    if (ec == bhttp::error::header_limit) return reply_error(431, "headers_too_large", "Los encabezados de la solicitud son demasiado grandes.");
    if (ec == bhttp::error::bad_target || ec == bhttp::error::bad_method || ec == bhttp::error::bad_version ||
        ec == bhttp::error::bad_field || ec == bhttp::error::bad_value || ec == bhttp::error::bad_content_length ||
        ec == bhttp::error::bad_transfer_encoding || ec == bhttp::error::bad_line_ending)
      return reply_error(400, "bad_request", "La solicitud HTTP está mal formada.");
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
  }

  void reply_error(int status, const char* code, const char* message) {
    auto res = std::make_shared<bhttp::response<bhttp::string_body>>(static_cast<bhttp::status>(status), 11);
    res->set(bhttp::field::content_type, "application/json; charset=utf-8");
    for (const auto& h : kSecurityHeaders) res->set(h[0], h[1]);
    res->body() = Response::error({status, code, message, {}}).body;
    res->keep_alive(false);
    res->prepare_payload();
    stream_.expires_after(std::chrono::seconds(5));
    bhttp::async_write(stream_, *res, [self = shared_from_this(), res](beast::error_code, size_t) {
      beast::error_code ignored;
      self->stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    });
  }

  void on_read(beast::error_code ec) {
    if (ec) return fail_read(ec);
    // Counted before draining is checked, and begin_drain sets draining before reading the count
    // (both sequentially consistent): either the drain sees this request and waits for its whole
    // answer, or this request sees the drain and is not started. A request pipelined behind one
    // just answered could otherwise start after the drain read 0 and be cut mid-answer at exit.
    ++srv_.in_flight;
    if (srv_.draining.load()) {
      --srv_.in_flight;
      beast::error_code ignored;
      stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
      return;
    }
    auto started = std::chrono::steady_clock::now();
    auto& in = parser_->get();

    Request req;
    req.method = std::string(in.method_string());
    req.target = std::string(in.target());
    auto qpos = req.target.find('?');
    // Kept percent-encoded: the router splits segments first, so "%2F" never becomes a separator.
    req.path = std::string(std::string_view(req.target).substr(0, qpos));
    if (qpos != std::string::npos) parse_query(std::string_view(req.target).substr(qpos + 1), req.query);
    for (const auto& f : in) {
      std::string name(f.name_string());
      for (auto& c : name) c = static_cast<char>(tolower(c));
      auto& slot = req.headers[name];
      slot = slot.empty() ? std::string(f.value()) : slot + ", " + std::string(f.value());
    }
    req.body = std::move(in.body());
    req.client_ip = client_ip_;

    const bool ws_upgrade = websocket::is_upgrade(in);
    Response r = invalid_query(req).value_or(Response());
    if (r.status == 200 && ws_upgrade && !same_origin(req))
      r = Response::error(Error{403, "cross_origin", "La conexión en vivo solo se acepta desde la propia aplicación.", {}});
    if (r.status == 200) r = srv_.handle(req);
    if (r.upgrade && (r.upgrade->later || r.upgrade->answer_later) && !ws_upgrade) {
      // Answered later, from another thread: this worker is free meanwhile. The answer is written
      // on the connection's strand; nothing is read from it until then.
      auto later = std::move(r.upgrade->answer_later);
      if (!later)
        // A status and a JSON body only (the WhatsApp webhook): made into a Response here.
        later = [json_later = std::move(r.upgrade->later)](std::function<void(Response)> answer) {
          json_later([answer = std::move(answer)](int status, std::string body) {
            Response out;
            out.status = status;
            out.body = std::move(body);
            answer(std::move(out));
          });
        };
      auto waiting = std::make_shared<Request>(std::move(req));
      const unsigned version = in.version();
      const bool keep_alive = in.keep_alive();
      later([self = shared_from_this(), waiting, version, keep_alive, started](Response out) {
        asio::post(self->stream_.get_executor(), [self, waiting, version, keep_alive, started, out = std::move(out)]() mutable {
          // A 503 from a deferred answer is a full queue (the WhatsApp inbox's or the monitoring
          // writer's bound): the client is told when to try again.
          const bool has_retry = std::any_of(out.headers.begin(), out.headers.end(), [](const auto& h) { return h.first == "Retry-After"; });
          if (out.status == 503 && !has_retry) out.headers.emplace_back("Retry-After", "10");
          self->answer(*waiting, std::move(out), version, keep_alive, started);
        });
      });
      return;
    }
    if (r.upgrade && !ws_upgrade)
      r = Response::error(Error{426, "upgrade_required", "Esta dirección solo acepta conexiones WebSocket.", {}});
    if (r.upgrade) {
      --srv_.in_flight;
      srv_.metrics.observe(req.method, req.route, 101, 0);
      req.principal.reset();
      auto live = std::make_shared<LiveSession>(std::move(stream_), r.upgrade, srv_.router, req);
      live->start(parser_->release());
      return;
    }
    answer(req, std::move(r), in.version(), in.keep_alive(), started);
  }

  void answer(Request& req, Response r, unsigned version, bool keep_alive, std::chrono::steady_clock::time_point started) {
    auto res = std::make_shared<bhttp::response<bhttp::string_body>>(static_cast<bhttp::status>(r.status), version);
    res->set(bhttp::field::server, "equidad");
    if (!r.content_type.empty()) res->set(bhttp::field::content_type, r.content_type);
    for (const auto& h : kSecurityHeaders) res->set(h[0], h[1]);
    if (req.path.rfind("/api/", 0) == 0) res->set(bhttp::field::cache_control, "no-store");
    if (srv_.opt.secure(client_ip_, req.header("x-forwarded-proto"))) apply_tls_headers(r.headers);
    for (const auto& [k, v] : r.headers) res->insert(k, v);
    if (r.compressible && r.body.size() > 1024 && accepts_gzip(req.header("accept-encoding"))) {
      if (auto z = gzip(r.body, 5)) {
        r.body = std::move(*z);
        res->set(bhttp::field::content_encoding, "gzip");
        res->set(bhttp::field::vary, "Accept-Encoding");
      }
    }
    size_t bytes = r.body.size();
    bool head = req.method == "HEAD";
    res->body() = std::move(r.body);
    res->keep_alive(keep_alive && !srv_.draining.load());
    res->prepare_payload();
    if (head) res->body().clear();

    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    srv_.metrics.observe(req.method, req.route.empty() ? "(static)" : req.route, r.status, secs);
    if (srv_.opt.access_log) {
      // The query string is left out: it may carry search terms about people.
      std::string line = "{\"ts\":\"" + iso8601_utc(now_ms()) + "\",\"method\":\"" + req.method + "\",\"path\":" +
                         json_escape(req.path) + ",\"route\":" + json_escape(req.route) + ",\"status\":" +
                         std::to_string(r.status) + ",\"bytes\":" + std::to_string(bytes) + ",\"ms\":" +
                         std::to_string(secs * 1000.0) + ",\"ip\":\"" + client_ip_ + "\"" +
                         (req.principal ? ",\"user\":" + std::to_string(req.principal->user_id) : std::string()) + "}";
      logging::access().info(line);
    }

    stream_.expires_after(srv_.opt.read_timeout);
    bhttp::async_write(stream_, *res, [self = shared_from_this(), res](beast::error_code ec, size_t) {
      --self->srv_.in_flight;
      // While draining, a request already pipelined behind this one is not started: the drain waits
      // only for answers under way, and a client may resend what was never answered.
      if (ec || !res->keep_alive() || self->srv_.draining.load()) {
        beast::error_code ignored;
        self->stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
        return;
      }
      self->read(self->srv_.opt.idle_timeout);
    });
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  Server::Impl& srv_;
  std::string client_ip_;
};

}  // namespace

Response Server::Impl::handle(Request& req) {
  if (req.path.rfind("/api/", 0) == 0 || req.path == "/healthz" || req.path == "/metrics") return router.dispatch(req);
  if (auto r = files.serve(req)) return *r;
  req.route = "(unmatched)";
  return Response::error(Error::not_found("La página solicitada no existe."));
}

void Server::Impl::accept() {
  acceptor.async_accept(asio::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
    if (!acceptor.is_open()) return;
    if (!ec) {
      socket.set_option(tcp::no_delay(true), ec);
      std::make_shared<Connection>(std::move(socket), *this)->start();
    }
    accept();
  });
}

void Server::Impl::begin_drain() {
  if (draining.exchange(true)) return;
  // Closed before the announcement, so whoever reads "draining" can rely on new connections being refused.
  beast::error_code ec;
  acceptor.close(ec);
  spdlog::info("shutting down: draining in-flight requests");
  auto deadline = std::chrono::steady_clock::now() + opt.drain_timeout;
  auto timer = std::make_shared<asio::steady_timer>(ioc);
  auto poll = std::make_shared<std::function<void()>>();
  *poll = [this, timer, deadline, poll] {
    if (in_flight.load() == 0 || std::chrono::steady_clock::now() > deadline) {
      ioc.stop();
      return;
    }
    timer->expires_after(std::chrono::milliseconds(20));
    timer->async_wait([poll](beast::error_code) { (*poll)(); });
  };
  (*poll)();
}

Server::Server(ServerOptions options, const Router& router, const StaticFiles& files, Metrics& metrics)
    : impl_(std::make_unique<Impl>(std::move(options), router, files, metrics)) {}

Server::~Server() = default;

Result<unsigned short> Server::bind() {
  beast::error_code ec;
  auto addr = asio::ip::make_address(impl_->opt.address, ec);
  if (ec) return fail(Error::bad_request("invalid_address", "Dirección de escucha inválida: " + impl_->opt.address, "address"));
  tcp::endpoint ep{addr, impl_->opt.port};
  auto& a = impl_->acceptor;
  a.open(ep.protocol(), ec);
  if (!ec) a.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) a.bind(ep, ec);
  if (!ec) a.listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    return fail(Error{500, "bind_failed", "No se pudo escuchar en " + impl_->opt.address + ":" +
                                              std::to_string(impl_->opt.port) + " (" + ec.message() + ").", "port"});
  return a.local_endpoint().port();
}

void Server::run() {
  impl_->signals.async_wait([this](beast::error_code ec, int) {
    if (!ec) impl_->begin_drain();
  });
  impl_->accept();
  int n = std::max(1, impl_->opt.threads);
  std::vector<std::thread> workers;
  for (int i = 1; i < n; ++i) workers.emplace_back([this] { impl_->ioc.run(); });
  impl_->ioc.run();
  for (auto& t : workers) t.join();
}

void Server::stop() {
  asio::post(impl_->ioc, [this] { impl_->begin_drain(); });
}

}  // namespace eq::http
