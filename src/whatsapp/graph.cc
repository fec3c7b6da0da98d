// The Graph API client: one synchronous HTTP POST per send (Boost.Beast), run by the outbox job,
// never by a request thread. Plain HTTP only in this build (tests, or a TLS-terminating egress
// proxy in production: see WHATSAPP.md).
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "whatsapp/module.h"

namespace eq::whatsapp {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = boost::asio::ip::tcp;

GraphAnswer graph_post(const std::string& url, const std::string& token, const std::string& json_body, int timeout_ms) {
  GraphAnswer out;
  const std::string scheme = "http://";
  if (url.rfind(scheme, 0) != 0) {
    out.error = "Solo se admite http:// en esta versión (use un proxy de salida con TLS): " + url.substr(0, 40);
    return out;
  }
  const auto slash = url.find('/', scheme.size());
  const std::string authority = url.substr(scheme.size(), slash == std::string::npos ? std::string::npos : slash - scheme.size());
  const std::string target = slash == std::string::npos ? "/" : url.substr(slash);
  const auto colon = authority.rfind(':');
  const std::string host = colon == std::string::npos ? authority : authority.substr(0, colon);
  const std::string port = colon == std::string::npos ? "80" : authority.substr(colon + 1);
  try {
    boost::asio::io_context ioc;
    tcp::resolver resolver(ioc);
    beast::tcp_stream stream(ioc);
    stream.expires_after(std::chrono::milliseconds(timeout_ms));
    stream.connect(resolver.resolve(host, port));
    bhttp::request<bhttp::string_body> req{bhttp::verb::post, target, 11};
    req.set(bhttp::field::host, authority);
    req.set(bhttp::field::authorization, "Bearer " + token);
    req.set(bhttp::field::content_type, "application/json");
    req.set(bhttp::field::user_agent, "equidad-whatsapp");
    req.body() = json_body;
    req.prepare_payload();
    stream.expires_after(std::chrono::milliseconds(timeout_ms));
    bhttp::write(stream, req);
    beast::flat_buffer buffer;
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(1 << 20);
    stream.expires_after(std::chrono::milliseconds(timeout_ms));
    bhttp::read(stream, buffer, parser);
    out.status = static_cast<int>(parser.get().result_int());
    out.body = parser.get().body();
    beast::error_code ec;
    stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  } catch (const std::exception& e) {
    out.error = e.what();
  }
  return out;
}

}  // namespace eq::whatsapp
