// The HTTP/1.1 server (Boost.Beast). Keeps Beast out of every other translation unit.
#pragma once
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "http/head.h"
#include "http/message.h"
#include "http/metrics.h"
#include "http/router.h"
#include "http/static_files.h"

namespace eq::http {

struct ServerOptions {
  std::string address = "127.0.0.1";
  unsigned short port = 8080;
  int threads = 2;
  size_t header_limit = 16 * 1024;
  size_t body_limit = 1024 * 1024;
  std::chrono::seconds read_timeout{10};   // a whole request must arrive within this
  std::chrono::seconds idle_timeout{30};   // keep-alive connection with no request
  std::chrono::seconds drain_timeout{20};  // in-flight requests get this long on SIGTERM
  bool access_log = true;
  bool secure_cookies = false;  // set when TLS terminates in front of us
  // --behind-tls: every response carries Strict-Transport-Security and every cookie Secure. The
  // same happens per request when a trusted proxy says "X-Forwarded-Proto: https".
  bool behind_tls = false;
  std::vector<std::string> trusted_proxies = {"127.0.0.1", "::1"};
  bool secure(const std::string& client_ip, const std::string& forwarded_proto) const {
    return secure_request(behind_tls, trusted_proxies, client_ip, forwarded_proto);
  }
};



class Server {
 public:
  Server(ServerOptions options, const Router& router, const StaticFiles& files, Metrics& metrics);
  ~Server();
  // Binds; returns the actual port (0 asks the OS for a free one).
  Result<unsigned short> bind();
  // Runs until SIGTERM/SIGINT or stop(); in-flight requests finish first.
  void run();
  void stop();

  struct Impl;  // public so the connection type in server.cc can name it

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace eq::http
