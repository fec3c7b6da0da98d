// Load client for the silent chat over real WebSockets (Boost.Beast, C++20 coroutines): N women
// start conversations on /api/v1/chat/ws (each from its own loopback address, as women are behind
// their own addresses), the operator side takes every contact and watches each one on
// /api/v1/chat/sessions/{ref}/live, then for the run's duration every woman writes every
// `interval` ms and operators answer over HTTP at `replies_per_s`. Measured: delivery latency
// her message -> operator's pane, and operator's answer -> her screen (same process clock).
//
// Build: g++ -O2 -std=c++20 -I/usr/include bench/chat/load.cc -o build/chat_load -lpthread
// Run:   bench/chat/run.sh   (starts the server, signs in the operator, runs this, prints the report)
#include <utility>  // before Boost 1.74's awaitable.hpp, which uses std::exchange without it

#include <boost/asio.hpp>
#include <boost/beast.hpp>
#include <map>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;
using net::awaitable;
using net::use_awaitable;
using Clock = std::chrono::steady_clock;
using Json = nlohmann::json;

struct Config {
  std::string host = "127.0.0.1";
  unsigned short port = 0;
  std::string cookie, csrf, ua;
  int sessions = 2000;
  int panes_per_operator = 4;  // 500 operators × 4 conversations each = 2000 panes
  int seconds = 30;
  int interval_ms = 10000;
  int replies_per_s = 50;
};

Config cfg;
std::vector<std::string> refs;
std::atomic<int> started{0}, panes_open{0}, errors{0}, taken{0};
// The conversations the operator took through the real queue (channels), by index into refs.
std::vector<int> held;
std::atomic<bool> take_done{false};
std::atomic<bool> running{false}, stop{false};
std::mutex mu;
std::unordered_map<std::string, Clock::time_point> sent;  // message id / reply text -> when sent
std::vector<double> to_operator_ms, to_her_ms;

void record(const std::string& key, std::vector<double>& into) {
  const auto now = Clock::now();
  std::lock_guard lock(mu);
  auto it = sent.find(key);
  if (it == sent.end()) return;
  into.push_back(std::chrono::duration<double, std::milli>(now - it->second).count());
  sent.erase(it);
}

net::ip::address_v4 her_address(int i) { return net::ip::make_address_v4("127.2." + std::to_string(i / 250) + "." + std::to_string(i % 250 + 1)); }

awaitable<void> her(int i) {
  auto ex = co_await net::this_coro::executor;
  auto s = std::make_shared<websocket::stream<beast::tcp_stream>>(ex);
  try {
    auto& sock = beast::get_lowest_layer(*s).socket();
    sock.open(tcp::v4());
    sock.bind(tcp::endpoint(her_address(i), 0));
    co_await beast::get_lowest_layer(*s).async_connect(tcp::endpoint(net::ip::make_address(cfg.host), cfg.port), use_awaitable);
    beast::get_lowest_layer(*s).expires_never();
    co_await s->async_handshake(cfg.host + ":" + std::to_string(cfg.port), "/api/v1/chat/ws", use_awaitable);
    s->text(true);
    std::string start = R"({"type":"start","urgent":false,"comuna":"","text":"hola"})";
    co_await s->async_write(net::buffer(start), use_awaitable);
    beast::flat_buffer b;
    for (;;) {
      co_await s->async_read(b, use_awaitable);
      auto j = Json::parse(beast::buffers_to_string(b.data()));
      b.consume(b.size());
      if (j["type"] == "started") {
        refs[i] = j["session"];
        break;
      }
      if (j["type"] == "error") {
        std::cerr << "start refused: " << j.dump() << "\n";
        ++errors;
        co_return;
      }
    }
    ++started;
    // Writer: one message every interval, first at a random phase.
    net::co_spawn(
        ex,
        [s, i]() -> awaitable<void> {
          auto ex2 = co_await net::this_coro::executor;
          net::steady_timer t(ex2);
          std::mt19937 rng(i);
          while (!running && !stop) {
            t.expires_after(std::chrono::milliseconds(50));
            co_await t.async_wait(use_awaitable);
          }
          t.expires_after(std::chrono::milliseconds(rng() % cfg.interval_ms));
          co_await t.async_wait(use_awaitable);
          for (int n = 0; !stop; ++n) {
            std::string id = std::to_string(i) + "-" + std::to_string(n);
            std::string msg = Json({{"type", "say"}, {"id", id}, {"text", "mensaje " + id}}).dump();
            {
              std::lock_guard lock(mu);
              sent[id] = Clock::now();
            }
            co_await s->async_write(net::buffer(msg), use_awaitable);
            t.expires_after(std::chrono::milliseconds(cfg.interval_ms));
            co_await t.async_wait(use_awaitable);
          }
        },
        [](std::exception_ptr) {});
    // Reader: answers from the operator.
    for (;;) {
      co_await s->async_read(b, use_awaitable);
      auto j = Json::parse(beast::buffers_to_string(b.data()), nullptr, false);
      b.consume(b.size());
      if (j.is_object() && j["type"] == "msg" && j["from"] == "operator") record(j["text"], to_her_ms);
      if (j.is_object() && j["type"] == "error") ++errors;
    }
  } catch (const std::exception& e) {
    if (!stop) {
      ++errors;
      std::cerr << "her " << i << ": " << e.what() << "\n";
    }
  }
}

awaitable<void> pane(int i) {
  auto ex = co_await net::this_coro::executor;
  websocket::stream<beast::tcp_stream> s(ex);
  try {
    co_await beast::get_lowest_layer(s).async_connect(tcp::endpoint(net::ip::make_address(cfg.host), cfg.port), use_awaitable);
    beast::get_lowest_layer(s).expires_never();
    s.set_option(websocket::stream_base::decorator([](websocket::request_type& r) {
      r.set(bhttp::field::cookie, cfg.cookie);
      r.set(bhttp::field::user_agent, cfg.ua);
    }));
    co_await s.async_handshake(cfg.host + ":" + std::to_string(cfg.port), "/api/v1/chat/sessions/" + refs[i] + "/live", use_awaitable);
    ++panes_open;
    beast::flat_buffer b;
    for (;;) {
      co_await s.async_read(b, use_awaitable);
      auto j = Json::parse(beast::buffers_to_string(b.data()), nullptr, false);
      b.consume(b.size());
      if (j.is_object() && j["type"] == "msg" && j["from"] == "her" && j.contains("id")) record(j["id"], to_operator_ms);
    }
  } catch (const std::exception& e) {
    if (!stop) {
      ++errors;
      std::cerr << "pane " << i << ": " << e.what() << "\n";
    }
  }
}

awaitable<std::pair<int, std::string>> request(beast::tcp_stream& st, bhttp::verb verb, const std::string& target, const std::string& body) {
  bhttp::request<bhttp::string_body> req{verb, target, 11};
  req.set(bhttp::field::host, cfg.host);
  req.set(bhttp::field::cookie, cfg.cookie);
  req.set(bhttp::field::user_agent, cfg.ua);
  req.set("X-CSRF-Token", cfg.csrf);
  req.set(bhttp::field::content_type, "application/json");
  req.keep_alive(true);
  req.body() = body;
  req.prepare_payload();
  co_await bhttp::async_write(st, req, use_awaitable);
  beast::flat_buffer b;
  bhttp::response<bhttp::string_body> res;
  co_await bhttp::async_read(st, b, res, use_awaitable);
  co_return std::pair<int, std::string>{res.result_int(), res.body()};
}

awaitable<int> post(beast::tcp_stream& st, const std::string& target, const std::string& body) {
  co_return (co_await request(st, bhttp::verb::post, target, body)).first;
}

// Built outside the coroutine: GCC rejects this braced JSON inside a coroutine frame.
std::string presence_body() { return Json({{"presence", "disponible"}, {"skills", {"chat"}}, {"max_chats", 6}}).dump(); }

// Worker 0 takes chat contacts through the REAL queue (src/channels): available for chats with the
// most seats the queue allows (6), it takes what waits or is offered to it until it has no
// capacity; the other conversations keep waiting, as they would with one operator. Then every
// worker answers the held conversations at its share of replies_per_s.
awaitable<void> operators(int k, int workers) {
  auto ex = co_await net::this_coro::executor;
  beast::tcp_stream st(ex);
  co_await st.async_connect(tcp::endpoint(net::ip::make_address(cfg.host), cfg.port), use_awaitable);
  if (k == 0) {
    std::map<std::string, int> index;
    for (int i = 0; i < cfg.sessions; ++i)
      if (!refs[i].empty()) index[refs[i]] = i;
    auto presence = co_await request(st, bhttp::verb::post, "/api/v1/channels/me/presence", presence_body());
    if (presence.first != 200) std::cerr << "presence " << presence.first << " " << presence.second << "\n";
    auto q = co_await request(st, bhttp::verb::get, "/api/v1/channels/queue", "");
    auto j = Json::parse(q.second, nullptr, false);
    std::vector<long long> ids;
    for (const std::string& list : std::vector<std::string>{"mine", "queue"})
      if (j.is_object() && j.contains(list))
        for (const auto& c : j[list])
          if (c.value("channel", "") == "chat" && (c.value("state", "") == "waiting" || c.value("state", "") == "offered"))
            ids.push_back(c.value("id", 0LL));
    for (long long id : ids) {
      auto r = co_await request(st, bhttp::verb::post, "/api/v1/channels/contacts/" + std::to_string(id) + "/take", "{}");
      if (r.first == 200) {
        auto c = Json::parse(r.second, nullptr, false);
        auto it = c.is_object() && c["external_ref"].is_string() ? index.find(c["external_ref"].get<std::string>()) : index.end();
        if (it != index.end()) {
          held.push_back(it->second);
          ++taken;
        }
      } else if (r.second.find("no_capacity") != std::string::npos) {
        break;
      }
    }
    take_done = true;
  }
  net::steady_timer t(ex);
  while (!running && !stop) {
    t.expires_after(std::chrono::milliseconds(50));
    co_await t.async_wait(use_awaitable);
  }
  std::mt19937 rng(1000 + k);
  const auto gap = std::chrono::microseconds(1'000'000LL * workers / std::max(1, cfg.replies_per_s));
  auto next = Clock::now();
  for (int n = 0; !stop; ++n) {
    if (held.empty()) break;
    int i = held[rng() % held.size()];
    std::string text = "r:" + std::to_string(k) + ":" + std::to_string(n);
    {
      std::lock_guard lock(mu);
      sent[text] = Clock::now();
    }
    const std::string target = "/api/v1/chat/sessions/" + refs[i] + "/messages", body = Json({{"text", text}}).dump();
    int code = co_await post(st, target, body);
    if (code != 201) {
      ++errors;
      std::cerr << "reply " << code << "\n";
    }
    next += gap;
    t.expires_at(next);
    co_await t.async_wait(use_awaitable);
  }
}

void report(const char* name, std::vector<double> v) {
  std::sort(v.begin(), v.end());
  auto pct = [&](double p) { return v.empty() ? 0.0 : v[std::min(v.size() - 1, static_cast<size_t>(p * v.size()))]; };
  std::printf("%-28s n=%zu  p50=%.1f ms  p95=%.1f ms  p99=%.1f ms  max=%.1f ms\n", name, v.size(), pct(0.5), pct(0.95), pct(0.99),
              v.empty() ? 0.0 : v.back());
}

int main(int argc, char** argv) {
  if (argc < 6) {
    std::cerr << "usage: chat_load PORT COOKIE CSRF USER_AGENT SESSIONS [SECONDS] [INTERVAL_MS] [REPLIES_PER_S]\n";
    return 2;
  }
  cfg.port = static_cast<unsigned short>(std::stoi(argv[1]));
  cfg.cookie = argv[2];
  cfg.csrf = argv[3];
  cfg.ua = argv[4];
  cfg.sessions = std::stoi(argv[5]);
  if (argc > 6) cfg.seconds = std::stoi(argv[6]);
  if (argc > 7) cfg.interval_ms = std::stoi(argv[7]);
  if (argc > 8) cfg.replies_per_s = std::stoi(argv[8]);
  refs.assign(cfg.sessions, "");

  net::io_context ioc;
  auto guard = net::make_work_guard(ioc);
  std::thread io([&] { ioc.run(); });
  auto t0 = Clock::now();
  // Women arrive in waves of 100 (a server is not reached by 2.000 handshakes in one millisecond).
  for (int i = 0; i < cfg.sessions; ++i) {
    net::co_spawn(net::make_strand(ioc), her(i), net::detached);
    if (i % 100 == 99) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  while (started + errors < cfg.sessions && Clock::now() - t0 < std::chrono::seconds(120)) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  std::printf("conversations started: %d in %.1f s (errors %d)\n", started.load(),
              std::chrono::duration<double>(Clock::now() - t0).count(), errors.load());
  const int workers = 8;
  for (int k = 0; k < workers; ++k) net::co_spawn(ioc, operators(k, workers), net::detached);
  while (!take_done && Clock::now() - t0 < std::chrono::seconds(300)) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  for (int i : held) net::co_spawn(net::make_strand(ioc), pane(i), net::detached);
  while (panes_open < taken && Clock::now() - t0 < std::chrono::seconds(360)) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  std::printf("contacts taken: %d, operator panes open: %d (%d operators × %d conversations)\n", taken.load(), panes_open.load(),
              panes_open.load() / cfg.panes_per_operator, cfg.panes_per_operator);
  {
    std::lock_guard lock(mu);
    sent.clear();
  }
  running = true;
  std::this_thread::sleep_for(std::chrono::seconds(cfg.seconds));
  stop = true;
  std::this_thread::sleep_for(std::chrono::seconds(2));  // deliveries in flight
  {
    std::lock_guard lock(mu);
    std::printf("run: %d s, one message per woman every %d ms, %d answers/s\n", cfg.seconds, cfg.interval_ms, cfg.replies_per_s);
    report("her -> operator's pane", to_operator_ms);
    report("operator -> her", to_her_ms);
    std::printf("not delivered within the run + 2 s: %zu; errors: %d\n", sent.size(), errors.load());
  }
  ioc.stop();
  io.join();
  return 0;
}
