#include "app/cluster.h"

#include <libpq-fe.h>
#include <poll.h>

#include <nlohmann/json.hpp>

#include "core/log.h"
#include "core/time.h"
#include "http/stages.h"

namespace eq::app {

namespace {

// PostgreSQL refuses payloads of 8.000 bytes or more; the margin covers the envelope.
constexpr size_t kPayloadLimit = 7600;

// Microseconds of the wall clock: a payload's age is read by another process (http/stages.h, relayed).
int64_t wall_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

using Json = nlohmann::json;

// A connection that says it is alive: keepalives, so a peer that vanished without closing (a
// cable, a frozen host) is noticed in seconds rather than at the kernel's two hours.
PGconn* connect(const std::string& conninfo) {
  const std::string info = conninfo + " keepalives=1 keepalives_idle=5 keepalives_interval=2 keepalives_count=3 connect_timeout=5";
  PGconn* c = PQconnectdb(info.c_str());
  if (PQstatus(c) != CONNECTION_OK) {
    spdlog::warn("cluster: no connection to PostgreSQL: {}", PQerrorMessage(c));
    PQfinish(c);
    return nullptr;
  }
  return c;
}

// "t"/"f" of a one-value query; nullopt when the query failed (the connection is gone).
std::optional<std::string> one_value(PGconn* c, const char* sql) {
  PGresult* r = PQexec(c, sql);
  std::optional<std::string> out;
  if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1) out = PQgetvalue(r, 0, 0);
  PQclear(r);
  return out;
}

template <class Rep, class Period>
void sleep_for(std::stop_token stop, std::chrono::duration<Rep, Period> d) {
  std::mutex m;
  std::condition_variable_any cv;
  std::unique_lock lock(m);
  cv.wait_for(lock, stop, d, [] { return false; });
}

// Cuts `body` after at most `n` bytes, never inside a UTF-8 sequence.
size_t utf8_cut(const std::string& body, size_t from, size_t n) {
  size_t end = std::min(body.size(), from + n);
  while (end > from && end < body.size() && (static_cast<unsigned char>(body[end]) & 0xC0) == 0x80) --end;
  return end;
}

}  // namespace

Cluster::Cluster(ClusterOptions options, Ownership ownership, Received received, Control control)
    : opt_(std::move(options)), ownership_(std::move(ownership)), received_cb_(std::move(received)), control_cb_(std::move(control)) {}

Cluster::~Cluster() { stop(); }

void Cluster::start() {
  listen_ = std::jthread([this](std::stop_token st) { listen_loop(st); });
  send_ = std::jthread([this](std::stop_token st) { send_loop(st); });
  lease_ = std::jthread([this](std::stop_token st) { lease_loop(st); });
  // A lone instance owns the engine before it answers its first request (else its first positions
  // would be queued for a moment and acknowledged without their alerts): the first try of the
  // lease is waited for, briefly (an instance that finds another owner waits these 1,5 s once).
  for (int i = 0; i < 150 && !owner_; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
}

void Cluster::stop() {
  for (auto* t : {&lease_, &send_, &listen_}) t->request_stop();
  qcv_.notify_all();
  for (auto* t : {&lease_, &send_, &listen_})
    if (t->joinable()) t->join();
}

void Cluster::publish(const std::string& hub, const std::string& topic, const std::string& message) {
  {
    std::lock_guard lock(qmu_);
    // Bounded: with PostgreSQL unreachable the others miss live messages (their consoles reload
    // from the database), this instance does not run out of memory.
    if (queue_.size() > 200'000) queue_.pop_front();
    queue_.push_back({hub, topic, message, wall_us()});
  }
  qcv_.notify_one();
}

void Cluster::control(const std::string& word) { publish("", "", word); }

std::string Cluster::payload(const std::string& hub, const std::string& topic, const std::string& message) const {
  std::deque<Message> one{{hub, topic, message, wall_us()}};
  uint64_t seq = 0;
  auto out = pack(opt_.instance, one, kPayloadLimit, seq);
  return out.empty() ? std::string() : out.front();
}

std::vector<std::string> Cluster::pack(const std::string& instance, std::deque<Message>& queue, size_t limit, uint64_t& part_seq) {
  std::vector<std::string> out;
  const std::string from = "{\"i\":" + Json(instance).dump();
  while (!queue.empty()) {
    // The oldest message's time: the receiver times the relay from it (stages.h, relayed).
    const std::string head = from + ",\"t\":" + std::to_string(queue.front().queued_us);
    std::string body;
    size_t n = 0;
    while (!queue.empty()) {
      const Message& m = queue.front();
      // A control word has no hub: {"i":…,"c":word}, sent on its own.
      if (m.hub.empty()) {
        if (n) break;
        out.push_back(head + ",\"c\":" + Json(m.body).dump() + "}");
        queue.pop_front();
        continue;
      }
      std::string one = Json::array({m.hub, m.topic, m.body}).dump();
      if (head.size() + 8 + one.size() > limit) {
        if (n) break;
        // Too large for one payload: numbered parts, each cut so that its escaped form fits.
        const uint64_t seq = ++part_seq;
        std::vector<std::string> parts;
        for (size_t from = 0; from < m.body.size();) {
          size_t take = limit / 2;
          std::string chunk;
          for (;;) {
            size_t end = utf8_cut(m.body, from, take);
            if (end == from) end = std::min(m.body.size(), from + 4);  // a sequence is at most 4 bytes
            chunk = Json(m.body.substr(from, end - from)).dump();
            if (chunk.size() + head.size() + m.hub.size() + m.topic.size() + 64 < limit || take < 16) {
              from = end;
              break;
            }
            take = take * 2 / 3;
          }
          parts.push_back(chunk);
        }
        for (size_t i = 0; i < parts.size(); ++i)
          out.push_back(head + ",\"p\":[" + std::to_string(seq) + "," + std::to_string(i) + "," + std::to_string(parts.size()) + "," +
                        Json(m.hub).dump() + "," + Json(m.topic).dump() + "," + parts[i] + "]}");
        queue.pop_front();
        continue;
      }
      if (head.size() + 8 + body.size() + one.size() + 1 > limit) break;
      body += (n ? "," : "") + one;
      ++n;
      queue.pop_front();
    }
    if (n) out.push_back(head + ",\"m\":[" + body + "]}");
  }
  return out;
}

void Cluster::send_loop(std::stop_token stop) {
  PGconn* c = nullptr;
  uint64_t part_seq = 0;
  std::vector<std::string> pending;
  while (!stop.stop_requested()) {
    if (pending.empty()) {
      std::deque<Message> batch;
      {
        std::unique_lock lock(qmu_);
        qcv_.wait(lock, stop, [&] { return !queue_.empty(); });
        if (queue_.empty()) continue;
        batch.swap(queue_);
      }
      pending = pack(opt_.instance, batch, kPayloadLimit, part_seq);
    }
    if (!c || PQstatus(c) != CONNECTION_OK) {
      if (c) PQfinish(c);
      c = connect(opt_.conninfo);
      if (!c) {
        sleep_for(stop, std::chrono::milliseconds(500));
        continue;
      }
    }
    // Up to 16 payloads per round trip, in order (one statement: NOTIFYs of one transaction are
    // delivered together and in order).
    size_t done = 0;
    while (done < pending.size()) {
      const size_t n = std::min<size_t>(16, pending.size() - done);
      std::string sql = "SELECT ";
      std::vector<const char*> values;
      for (size_t i = 0; i < n; ++i) {
        sql += (i ? ", " : "") + std::string("pg_notify('") + opt_.channel + "', $" + std::to_string(i + 1) + ")";
        values.push_back(pending[done + i].c_str());
      }
      PGresult* r = PQexecParams(c, sql.c_str(), static_cast<int>(n), nullptr, values.data(), nullptr, nullptr, 0);
      const bool ok = PQresultStatus(r) == PGRES_TUPLES_OK;
      if (!ok) spdlog::warn("cluster: NOTIFY failed: {}", PQerrorMessage(c));
      PQclear(r);
      if (!ok) break;
      done += n;
      sent_ += n;
    }
    pending.erase(pending.begin(), pending.begin() + static_cast<std::ptrdiff_t>(done));
    if (!pending.empty()) sleep_for(stop, std::chrono::milliseconds(200));  // retried on a new connection
  }
  if (c) PQfinish(c);
}

void Cluster::listen_loop(std::stop_token stop) {
  PGconn* c = nullptr;
  while (!stop.stop_requested()) {
    if (!c || PQstatus(c) != CONNECTION_OK) {
      if (c) PQfinish(c);
      c = connect(opt_.conninfo);
      if (c) {
        PGresult* r = PQexec(c, ("LISTEN " + opt_.channel).c_str());
        const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
        PQclear(r);
        if (!ok) {
          PQfinish(c);
          c = nullptr;
        }
      }
      if (!c) {
        sleep_for(stop, std::chrono::seconds(1));
        continue;
      }
    }
    pollfd fd{PQsocket(c), POLLIN, 0};
    const int ready = ::poll(&fd, 1, 250);
    if (ready < 0) continue;
    if (ready > 0 && !PQconsumeInput(c)) {
      spdlog::warn("cluster: listener lost its connection: {}", PQerrorMessage(c));
      PQfinish(c);
      c = nullptr;
      continue;
    }
    while (PGnotify* n = PQnotifies(c)) {
      try {
        deliver(n->extra);
      } catch (const std::exception& e) {
        spdlog::warn("cluster: unreadable notification: {}", e.what());
      }
      PQfreemem(n);
    }
  }
  if (c) PQfinish(c);
}

void Cluster::deliver(const std::string& payload) {
  const Json j = Json::parse(payload);
  const std::string from = j.at("i").get<std::string>();
  if (from == opt_.instance) return;  // published locally already
  if (j.contains("t") && j["t"].is_number_integer())
    http::observe_stage(http::Stage::relayed, std::chrono::microseconds(std::max<int64_t>(0, wall_us() - j["t"].get<int64_t>())));
  if (j.contains("c")) {
    if (control_cb_) control_cb_(j["c"].get<std::string>());
    return;
  }
  if (j.contains("m")) {
    for (const auto& m : j["m"]) {
      ++received_;
      received_cb_(m.at(0).get<std::string>(), m.at(1).get<std::string>(), m.at(2).get<std::string>());
    }
    return;
  }
  if (j.contains("p")) {
    const auto& p = j["p"];
    const auto key = std::make_pair(from, p.at(0).get<uint64_t>());
    auto& partial = partial_[key];
    partial.total = p.at(2).get<size_t>();
    if (!partial.started) partial.started = now_ms();
    partial.parts[p.at(1).get<size_t>()] = p.at(5).get<std::string>();
    if (partial.parts.size() == partial.total) {
      std::string body;
      for (auto& [i, part] : partial.parts) body += part;
      ++received_;
      received_cb_(p.at(3).get<std::string>(), p.at(4).get<std::string>(), body);
      partial_.erase(key);
    }
    // Parts of a sender that died half-way are forgotten after a minute.
    const int64_t now = now_ms();
    for (auto it = partial_.begin(); it != partial_.end();) it = now - it->second.started > 60'000 ? partial_.erase(it) : std::next(it);
  }
}

void Cluster::lease_loop(std::stop_token stop) {
  PGconn* c = nullptr;
  const std::string try_lock = "SELECT pg_try_advisory_lock(" + std::to_string(opt_.lock_key) + ")";
  auto lose = [&] {
    if (!owner_) return;
    owner_ = false;
    spdlog::warn("cluster: this instance no longer owns the monitoring engine and the jobs");
    if (ownership_) ownership_(false);
  };
  while (!stop.stop_requested()) {
    if (!c || PQstatus(c) != CONNECTION_OK) {
      if (c) PQfinish(c);
      // The lock went with the session: whoever holds it now, it is not this instance.
      lose();
      c = connect(opt_.conninfo);
    }
    if (c) {
      if (!owner_) {
        auto got = one_value(c, try_lock.c_str());
        if (got && *got == "t") {
          spdlog::info("cluster: this instance owns the monitoring engine and the jobs");
          // Owner only once the state the previous owner left is loaded; a failure hands the lock back.
          if (!ownership_ || ownership_(true)) {
            owner_ = true;
          } else {
            spdlog::error("cluster: the engine could not be taken over; the lock is handed back");
            (void)one_value(c, ("SELECT pg_advisory_unlock(" + std::to_string(opt_.lock_key) + ")").c_str());
          }
        }
      } else if (!one_value(c, "SELECT 1")) {
        lose();
      }
    }
    sleep_for(stop, opt_.retry);
  }
  if (c) PQfinish(c);
  if (owner_) {
    owner_ = false;
    if (ownership_) ownership_(false);
  }
}

}  // namespace eq::app
