// Load client for the silent chat over real WebSockets (Boost.Beast, C++20 coroutines): N women
// start conversations on /api/v1/chat/ws (each from its own loopback address, as women are behind
// their own addresses); M operators (accounts created and signed in by bench/chat/operators.mjs,
// one line each in OPERATORS_FILE) make themselves available for chats with `chats` seats each,
// take the contacts the REAL queue offers them (or that wait) until their seats are full, and
// watch each on /api/v1/chat/sessions/{ref}/live with their own session; then for the run's
// duration every woman writes every `interval` ms and operators answer their own conversations
// over HTTP at `replies_per_s` in total. Measured: delivery latency her message -> operator's
// pane, and operator's answer -> her screen (same process clock).
//
// Build: g++ -O2 -std=c++20 -I/usr/include bench/chat/load.cc -o build/chat_load -lpthread
// Run:   bench/chat/run.sh   (starts the server, creates and signs in the operators, runs this)
#include <utility>  // before Boost 1.74's awaitable.hpp, which uses std::exchange without it

#include <boost/asio.hpp>
#include <boost/beast.hpp>
#include <map>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
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
  int sessions = 2000;
  int chats_per_operator = 4;  // 500 operators × 4 conversations each = 2000 panes
  int seconds = 30;
  int interval_ms = 10000;
  int replies_per_s = 50;
};

// One signed-in operator (a line of operators.mjs) and the conversations she took.
struct Operator {
  std::string cookie, csrf, ua, address;
  std::vector<int> held;  // indexes into refs
};

Config cfg;
std::vector<std::string> refs;
std::vector<Operator> ops;
std::atomic<int> started{0}, panes_open{0}, errors{0}, taken{0}, ops_ready{0}, take_conflicts{0};
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

// A TCP connection from the operator's own workstation address (her session was opened from it).
awaitable<void> connect_as(beast::tcp_stream& st, const Operator& op) {
  auto& sock = st.socket();
  sock.open(tcp::v4());
  sock.bind(tcp::endpoint(net::ip::make_address(op.address), 0));
  co_await st.async_connect(tcp::endpoint(net::ip::make_address(cfg.host), cfg.port), use_awaitable);
}

awaitable<void> pane(const Operator* op, int i) {
  auto ex = co_await net::this_coro::executor;
  websocket::stream<beast::tcp_stream> s(ex);
  try {
    co_await connect_as(beast::get_lowest_layer(s), *op);
    beast::get_lowest_layer(s).expires_never();
    s.set_option(websocket::stream_base::decorator([op](websocket::request_type& r) {
      r.set(bhttp::field::cookie, op->cookie);
      r.set(bhttp::field::user_agent, op->ua);
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

awaitable<std::pair<int, std::string>> request(beast::tcp_stream& st, const Operator& op, bhttp::verb verb, const std::string& target,
                                               const std::string& body) {
  bhttp::request<bhttp::string_body> req{verb, target, 11};
  req.set(bhttp::field::host, cfg.host);
  req.set(bhttp::field::cookie, op.cookie);
  req.set(bhttp::field::user_agent, op.ua);
  req.set("X-CSRF-Token", op.csrf);
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

// Built outside the coroutine: GCC rejects this braced JSON inside a coroutine frame.
std::string presence_body() { return Json({{"presence", "disponible"}, {"skills", {"chat"}}, {"max_chats", cfg.chats_per_operator}}).dump(); }
std::string reply_body(const std::string& text) { return Json({{"text", text}}).dump(); }

// The chat contacts the queue offers to this operator ("mine", state offered). Only those: with
// 500 operators each reaching for every waiting contact, nearly every take is a 409 (a first run
// of this tool did that: 198.428 conflicts, 835 contacts taken in 420 s); the queue offers each
// contact to one operator at a time, which is what operators do in the console.
std::vector<long long> takeable(const std::string& queue_json) {
  std::vector<long long> ids;
  auto j = Json::parse(queue_json, nullptr, false);
  if (j.is_object() && j.contains("mine"))
    for (const auto& c : j["mine"])
      if (c.value("channel", "") == "chat" && c.value("state", "") == "offered") ids.push_back(c.value("id", 0LL));
  // A contact offered to her is in both lists: taken once (a second take of her own answers 200).
  std::vector<long long> once;
  for (long long id : ids)
    if (std::find(once.begin(), once.end(), id) == once.end()) once.push_back(id);
  return once;
}

// One operator through the REAL queue (src/channels): available for chats with her seats, she
// takes what is offered to her (or waits) until her seats are full or nothing is left; two
// operators reaching for the same contact: the second hears 409 and tries the next. Then she
// answers her own conversations at her share of replies_per_s.
awaitable<void> operate(Operator* op, const std::map<std::string, int>* index, std::atomic<int>* done) {
  auto ex = co_await net::this_coro::executor;
  beast::tcp_stream st(ex);
  try {
    co_await connect_as(st, *op);
    auto presence = co_await request(st, *op, bhttp::verb::post, "/api/v1/channels/me/presence", presence_body());
    if (presence.first != 200) {
      ++errors;
      std::cerr << "presence " << presence.first << " " << presence.second << "\n";
    }
    net::steady_timer t(ex);
    const auto give_up = Clock::now() + std::chrono::seconds(240);
    while (static_cast<int>(op->held.size()) < cfg.chats_per_operator && taken < started && Clock::now() < give_up) {
      auto q = co_await request(st, *op, bhttp::verb::get, "/api/v1/channels/queue", "");
      bool full = false;
      for (long long id : takeable(q.second)) {
        auto r = co_await request(st, *op, bhttp::verb::post, "/api/v1/channels/contacts/" + std::to_string(id) + "/take", "{}");
        if (r.first == 200) {
          auto c = Json::parse(r.second, nullptr, false);
          auto it = c.is_object() && c["external_ref"].is_string() ? index->find(c["external_ref"].get<std::string>()) : index->end();
          if (it != index->end()) {
            op->held.push_back(it->second);
            ++taken;
          }
        } else if (r.second.find("no_capacity") != std::string::npos) {
          full = true;
          break;
        } else {
          ++take_conflicts;
        }
        if (static_cast<int>(op->held.size()) >= cfg.chats_per_operator) break;
      }
      if (full) break;
      t.expires_after(std::chrono::milliseconds(1000));  // the queue's offer job runs every second
      co_await t.async_wait(use_awaitable);
    }
    ++*done;
    while (!running && !stop) {
      t.expires_after(std::chrono::milliseconds(50));
      co_await t.async_wait(use_awaitable);
    }
    if (op->held.empty()) co_return;
    std::mt19937 rng(static_cast<unsigned>(std::hash<std::string>{}(op->address)));
    const auto gap = std::chrono::microseconds(1'000'000LL * static_cast<long long>(ops.size()) / std::max(1, cfg.replies_per_s));
    // A random phase, so 500 operators do not answer in the same millisecond.
    auto next = Clock::now() + std::chrono::microseconds(rng() % std::max<long long>(1, gap.count()));
    t.expires_at(next);
    co_await t.async_wait(use_awaitable);
    for (int n = 0; !stop; ++n) {
      int i = op->held[rng() % op->held.size()];
      std::string text = "r:" + op->address + ":" + std::to_string(n);
      {
        std::lock_guard lock(mu);
        sent[text] = Clock::now();
      }
      auto r = co_await request(st, *op, bhttp::verb::post, "/api/v1/chat/sessions/" + refs[i] + "/messages", reply_body(text));
      if (r.first != 201) {
        ++errors;
        std::cerr << "reply " << r.first << "\n";
      }
      next += gap;
      t.expires_at(next);
      co_await t.async_wait(use_awaitable);
    }
  } catch (const std::exception& e) {
    if (!stop) {
      ++errors;
      std::cerr << "operator " << op->address << ": " << e.what() << "\n";
    }
    ++*done;
  }
}

void report(const char* name, std::vector<double> v) {
  std::sort(v.begin(), v.end());
  auto pct = [&](double p) { return v.empty() ? 0.0 : v[std::min(v.size() - 1, static_cast<size_t>(p * v.size()))]; };
  std::printf("%-28s n=%zu  p50=%.1f ms  p95=%.1f ms  p99=%.1f ms  max=%.1f ms\n", name, v.size(), pct(0.5), pct(0.95), pct(0.99),
              v.empty() ? 0.0 : v.back());
}

std::vector<Operator> read_operators(const std::string& path) {
  std::vector<Operator> out;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    size_t from = 0;
    for (size_t tab; (tab = line.find('\t', from)) != std::string::npos; from = tab + 1) f.push_back(line.substr(from, tab - from));
    f.push_back(line.substr(from));
    if (f.size() == 4) out.push_back({f[0], f[1], f[2], f[3], {}});
  }
  return out;
}

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // the report line by line, also into a file
  if (argc < 4) {
    std::cerr << "usage: chat_load PORT OPERATORS_FILE SESSIONS [SECONDS] [INTERVAL_MS] [REPLIES_PER_S] [CHATS_PER_OPERATOR]\n";
    return 2;
  }
  cfg.port = static_cast<unsigned short>(std::stoi(argv[1]));
  ops = read_operators(argv[2]);
  cfg.sessions = std::stoi(argv[3]);
  if (argc > 4) cfg.seconds = std::stoi(argv[4]);
  if (argc > 5) cfg.interval_ms = std::stoi(argv[5]);
  if (argc > 6) cfg.replies_per_s = std::stoi(argv[6]);
  if (argc > 7) cfg.chats_per_operator = std::stoi(argv[7]);
  if (ops.empty()) {
    std::cerr << "chat_load: no operator in " << argv[2] << "\n";
    return 2;
  }
  refs.assign(cfg.sessions, "");

  net::io_context ioc;
  auto guard = net::make_work_guard(ioc);
  // Two I/O threads: the client must not be the bottleneck it measures (it shares the machine).
  std::thread io([&] { ioc.run(); });
  std::thread io2([&] { ioc.run(); });
  auto t0 = Clock::now();
  // Women arrive in waves of 100 (a server is not reached by 2.000 handshakes in one millisecond).
  for (int i = 0; i < cfg.sessions; ++i) {
    net::co_spawn(net::make_strand(ioc), her(i), net::detached);
    if (i % 100 == 99) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  while (started + errors < cfg.sessions && Clock::now() - t0 < std::chrono::seconds(120)) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  std::printf("conversations started: %d in %.1f s (errors %d)\n", started.load(),
              std::chrono::duration<double>(Clock::now() - t0).count(), errors.load());
  auto index = std::make_shared<std::map<std::string, int>>();
  for (int i = 0; i < cfg.sessions; ++i)
    if (!refs[i].empty()) (*index)[refs[i]] = i;
  auto t1 = Clock::now();
  std::atomic<int> done{0};
  for (auto& op : ops) net::co_spawn(net::make_strand(ioc), operate(&op, index.get(), &done), net::detached);
  while (done < static_cast<int>(ops.size()) && Clock::now() - t1 < std::chrono::seconds(300)) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  int with_chats = 0;
  for (const auto& op : ops) {
    if (!op.held.empty()) ++with_chats;
    for (int i : op.held) net::co_spawn(net::make_strand(ioc), pane(&op, i), net::detached);
  }
  while (panes_open < taken && Clock::now() - t1 < std::chrono::seconds(420)) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  std::printf("contacts taken through the queue: %d in %.1f s by %d of %zu operators (%d seats each; %d take conflicts), panes open: %d\n",
              taken.load(), std::chrono::duration<double>(Clock::now() - t1).count(), with_chats, ops.size(), cfg.chats_per_operator,
              take_conflicts.load(), panes_open.load());
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
  io2.join();
  return 0;
}
