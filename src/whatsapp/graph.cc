// The Graph API client: one synchronous POST per send (Boost.Beast), run by the outbox job, never
// by a request thread. https:// (production, graph.facebook.com) goes over Boost.Asio's OpenSSL
// stream with the peer's certificate verified against the system store (or a CA file given for
// tests or a private proxy), SNI and host-name verification; http:// stays for local test servers.
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

#include <cstdlib>

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
              size_t max_body = 1 << 20, bool get = false) {
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

GraphAnswer graph_call(const std::string& url, const std::string& token, const std::string& json_body, const GraphTls& tls, int timeout_ms,
                       size_t max_body, bool get) {
  GraphAnswer out;
  auto u = split(url);
  if (!u) {
    out.error = u.error().message;
    return out;
  }
  try {
    boost::asio::io_context ioc;
    tcp::resolver resolver(ioc);
    const auto endpoints = resolver.resolve(u->host, u->port);
    const auto deadline = std::chrono::milliseconds(timeout_ms);
    if (!u->tls) {
      beast::tcp_stream stream(ioc);
      stream.expires_after(deadline);
      stream.connect(endpoints);
      stream.expires_after(deadline);
      exchange(stream, *u, token, json_body, out, max_body, get);
      beast::error_code ec;
      stream.socket().shutdown(tcp::socket::shutdown_both, ec);
      return out;
    }
    ssl::context ctx(ssl::context::tls_client);
    ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                    ssl::context::no_tlsv1_1);
    if (tls.ca_file.empty())
      ctx.set_default_verify_paths();  // the system store (Debian: /etc/ssl/certs)
    else
      ctx.load_verify_file(tls.ca_file);
    ctx.set_verify_mode(ssl::verify_peer);
    beast::ssl_stream<beast::tcp_stream> stream(ioc, ctx);
    // SNI: graph.facebook.com serves several names from one address.
    if (!SSL_set_tlsext_host_name(stream.native_handle(), u->host.c_str()))
      throw beast::system_error(beast::error_code(static_cast<int>(::ERR_get_error()), boost::asio::error::get_ssl_category()));
    // The certificate must name this host (RFC 6125), not merely chain to a trusted root.
    stream.set_verify_callback(ssl::host_name_verification(u->host));
    beast::get_lowest_layer(stream).expires_after(deadline);
    beast::get_lowest_layer(stream).connect(endpoints);
    stream.handshake(ssl::stream_base::client);
    beast::get_lowest_layer(stream).expires_after(deadline);
    exchange(stream, *u, token, json_body, out, max_body, get);
    beast::error_code ec;
    stream.shutdown(ec);  // the peer may close first (no close_notify): not an error of the send
  } catch (const std::exception& e) {
    out.error = e.what();
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
