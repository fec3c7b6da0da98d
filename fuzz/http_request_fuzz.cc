// Request heads and bodies as they arrive on the socket: Beast's parser with the server's limits,
// then the checks the server adds (framing, Host), cookies, and the bounded JSON body.
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include <cstddef>
#include <cstdint>
#include <string>

#include "http/body.h"
#include "http/head.h"

namespace bhttp = boost::beast::http;
using namespace eq::http;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  bhttp::request_parser<bhttp::string_body> parser;
  parser.header_limit(16 * 1024);
  parser.body_limit(1024 * 1024);
  parser.eager(true);
  boost::beast::error_code ec;
  size_t used = parser.put(boost::asio::buffer(data, size), ec);
  (void)used;
  if (ec && ec != bhttp::error::need_more) return 0;
  if (!parser.is_header_done()) return 0;
  const auto& head = parser.get();
  std::vector<std::pair<std::string, std::string>> fields;
  Request req;
  for (const auto& f : head) {
    fields.emplace_back(lower_trim(f.name_string()), std::string(f.value()));
    req.headers[fields.back().first] = fields.back().second;
  }
  (void)head_problem(head.version(), fields);
  (void)req.cookie("eq_session");
  (void)secure_request(false, {"127.0.0.1"}, "127.0.0.1", req.header("x-forwarded-proto"));
  std::vector<std::pair<std::string, std::string>> out = {{"Set-Cookie", req.header("cookie")}};
  apply_tls_headers(out);
  if (parser.is_done()) {
    req.body = parser.get().body();
    req.headers["content-type"] = "application/json";
    (void)json_object_body(req);
  }
  return 0;
}
