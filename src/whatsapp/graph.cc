// The Graph API client: synchronous requests (Boost.Beast) on kept-alive connections (see
// "Keep-alive" below), run by the outbox and media jobs, never by a request thread. https://
// (production, graph.facebook.com) goes over Boost.Asio's OpenSSL stream with the peer's
// certificate verified against the system store (or a CA file given for tests or a private proxy),
// SNI and host-name verification; http:// stays for local test servers.
//
// What the caller must know for "never send twice": `written` says whether the whole request left
// this process. A failure before that (DNS, connect, TLS handshake, a refused certificate) cannot
// have reached Graph and is safe to retry; a failure after it (no answer, a timeout) may have.
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <poll.h>

#include <chrono>
#include <cstdlib>
#include <map>
#include <mutex>

#include "whatsapp/module.h"

namespace eq::whatsapp {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace ssl = boost::asio::ssl;
using tcp = boost::asio::ip::tcp;

namespace {

struct Url {
  bool tls = false;
  std::string host, port, authority, target;
};

Result<Url> split(const std::string& url) {
  Url u;
  std::string rest;
  if (url.rfind("https://", 0) == 0) {
    u.tls = true;
    rest = url.substr(8);
  } else if (url.rfind("http://", 0) == 0) {
    rest = url.substr(7);
  } else {
    return fail(Error::invalid("graph_url", "La dirección de la API de WhatsApp debe empezar por https:// o http://: " + url.substr(0, 40)));
  }
  const auto slash = rest.find('/');
  u.authority = rest.substr(0, slash);
  u.target = slash == std::string::npos ? "/" : rest.substr(slash);
  const auto colon = u.authority.rfind(':');
  u.host = colon == std::string::npos ? u.authority : u.authority.substr(0, colon);
  u.port = colon == std::string::npos ? (u.tls ? "443" : "80") : u.authority.substr(colon + 1);
  if (u.host.empty()) return fail(Error::invalid("graph_url", "Falta el host en la dirección de la API de WhatsApp."));
  return u;
}

// Writes the request and reads the answer on an already connected (and, for TLS, handshaken) stream.
// An empty json_body is a GET (a media's metadata or bytes); the answer's body is read up to max_body.
template <class Stream>
void exchange(Stream& stream, const Url& u, const std::string& token, const std::string& json_body, GraphAnswer& out,
              size_t max_body = 1 << 20, bool get = false, bool* keep = nullptr) {
  bhttp::request<bhttp::string_body> req{get ? bhttp::verb::get : bhttp::verb::post, u.target, 11};
  req.set(bhttp::field::host, u.authority);
  req.set(bhttp::field::authorization, "Bearer " + token);
  if (!get) req.set(bhttp::field::content_type, "application/json");
  req.set(bhttp::field::user_agent, "equidad-whatsapp");
  if (!get) req.body() = json_body;
  req.prepare_payload();
  out.attempted = true;  // from here on, Graph may have received it
  bhttp::write(stream, req);
  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(max_body);
  beast::error_code ec;
  bhttp::read(stream, buffer, parser, ec);
  if (ec == bhttp::error::body_limit) {
    out.status = static_cast<int>(parser.get().result_int());
    out.too_large = true;
    return;
  }
  if (ec) throw beast::system_error(ec);
  out.status = static_cast<int>(parser.get().result_int());
  out.body = parser.get().body();
  if (keep) *keep = parser.get().keep_alive();
  if (auto it = parser.get().find(bhttp::field::content_type); it != parser.get().end()) out.content_type = std::string(it->value());
  if (auto it = parser.get().find(bhttp::field::retry_after); it != parser.get().end()) {
    // Seconds (Graph's form); an HTTP date is not used by Graph and counts as absent.
    const std::string v(it->value());
    char* end = nullptr;
    const long s = std::strtol(v.c_str(), &end, 10);
    if (end != v.c_str() && s >= 0) out.retry_after_s = s;
  }
}

}  // namespace

namespace {

// ---- Keep-alive ------------------------------------------------------------------------------
// One TLS handshake per send cost a round trip or two to Graph per reply. Connections are kept per
// (scheme, host, port, CA file) and reused under a rule that keeps "never twice" (WHATSAPP.md):
//  * only a connection idle for less than kReuseIdle (2 s): far inside any server's idle timeout
//    (Graph keeps idle connections much longer; Node's default is 5 s), so a server rarely closes
//    one under a request;
//  * only one the peer has not closed: a zero-timeout poll() that finds it readable (a FIN, a reset,
//    or any unexpected byte) discards it before a byte is written;
//  * a failure after the request began to leave is `attempted` as on a fresh connection: a POST
//    becomes "uncertain", never re-sent. Only a GET (a media download, which changes nothing at
//    Meta) is tried again, once, on a fresh connection.
constexpr auto kReuseIdle = std::chrono::seconds(2);
constexpr size_t kMaxIdlePerHost = 4;

struct Conn {
  std::unique_ptr<boost::asio::io_context> ioc = std::make_unique<boost::asio::io_context>();
  std::unique_ptr<ssl::context> ctx;
  std::unique_ptr<beast::tcp_stream> plain;
  std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> tls;
  std::chrono::steady_clock::time_point idle_since;
  beast::tcp_stream& lowest() { return plain ? *plain : beast::get_lowest_layer(*tls); }
};

std::mutex pool_mu;
std::map<std::string, std::vector<std::unique_ptr<Conn>>> pool;

// Nothing may be waiting on a kept connection between answers: readable means closed (or broken).
bool still_open(Conn& c) {
  ::pollfd p{};
  p.fd = c.lowest().socket().native_handle();
  p.events = POLLIN;
  return ::poll(&p, 1, 0) == 0;
}

std::unique_ptr<Conn> take_idle(const std::string& key) {
  std::lock_guard lock(pool_mu);
  auto& list = pool[key];
  while (!list.empty()) {
    auto c = std::move(list.back());
    list.pop_back();
    if (std::chrono::steady_clock::now() - c->idle_since < kReuseIdle && still_open(*c)) return c;
    // Too old or closed by the peer: dropped (its destructor closes the socket).
  }
  return nullptr;
}

void give_back(const std::string& key, std::unique_ptr<Conn> c) {
  c->idle_since = std::chrono::steady_clock::now();
  std::lock_guard lock(pool_mu);
  auto& list = pool[key];
  if (list.size() < kMaxIdlePerHost) list.push_back(std::move(c));
}

// A new connection, connected (and for TLS, handshaken). Throws before any byte of a request left.
std::unique_ptr<Conn> open_conn(const Url& u, const GraphTls& tls, std::chrono::milliseconds deadline) {
  auto c = std::make_unique<Conn>();
  tcp::resolver resolver(*c->ioc);
  const auto endpoints = resolver.resolve(u.host, u.port);
  if (!u.tls) {
    c->plain = std::make_unique<beast::tcp_stream>(*c->ioc);
    c->plain->expires_after(deadline);
    c->plain->connect(endpoints);
    return c;
  }
  c->ctx = std::make_unique<ssl::context>(ssl::context::tls_client);
  c->ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                      ssl::context::no_tlsv1_1);
  if (tls.ca_file.empty())
    c->ctx->set_default_verify_paths();  // the system store (Debian: /etc/ssl/certs)
  else
    c->ctx->load_verify_file(tls.ca_file);
  c->ctx->set_verify_mode(ssl::verify_peer);
  c->tls = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(*c->ioc, *c->ctx);
  // SNI: graph.facebook.com serves several names from one address.
  if (!SSL_set_tlsext_host_name(c->tls->native_handle(), u.host.c_str()))
    throw beast::system_error(beast::error_code(static_cast<int>(::ERR_get_error()), boost::asio::error::get_ssl_category()));
  // The certificate must name this host (RFC 6125), not merely chain to a trusted root.
  c->tls->set_verify_callback(ssl::host_name_verification(u.host));
  beast::get_lowest_layer(*c->tls).expires_after(deadline);
  beast::get_lowest_layer(*c->tls).connect(endpoints);
  c->tls->handshake(ssl::stream_base::client);
  return c;
}

GraphAnswer graph_call(const std::string& url, const std::string& token, const std::string& json_body, const GraphTls& tls, int timeout_ms,
                       size_t max_body, bool get) {
  GraphAnswer out;
  auto u = split(url);
  if (!u) {
    out.error = u.error().message;
    return out;
  }
  const std::string key = (u->tls ? "https://" : "http://") + u->authority + "|" + tls.ca_file;
  const auto deadline = std::chrono::milliseconds(timeout_ms);
  for (int round = 0; round < 2; ++round) {
    out = GraphAnswer{};
    std::unique_ptr<Conn> c = take_idle(key);
    const bool reused = c != nullptr;
    try {
      if (!c) c = open_conn(*u, tls, deadline);
      c->lowest().expires_after(deadline);
      bool keep = false;
      if (c->plain)
        exchange(*c->plain, *u, token, json_body, out, max_body, get, &keep);
      else
        exchange(*c->tls, *u, token, json_body, out, max_body, get, &keep);
      if (keep && !out.too_large) give_back(key, std::move(c));
      return out;
    } catch (const std::exception& e) {
      out.error = e.what();
      // A GET changes nothing at Meta: a kept connection that failed is tried once more, fresh.
      // A POST is never tried again here: `attempted` tells the caller (uncertain, not re-sent).
      if (!(get && reused)) return out;
    }
  }
  return out;
}

}  // namespace

GraphAnswer graph_post(const std::string& url, const std::string& token, const std::string& json_body, const GraphTls& tls,
                       int timeout_ms) {
  return graph_call(url, token, json_body, tls, timeout_ms, 1 << 20, false);
}

GraphAnswer graph_get(const std::string& url, const std::string& token, const GraphTls& tls, size_t max_body, int timeout_ms) {
  return graph_call(url, token, {}, tls, timeout_ms, max_body, true);
}

}  // namespace eq::whatsapp
