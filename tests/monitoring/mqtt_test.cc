// MqttBridge against a real Mosquitto broker, started by each test on a free loopback port with a
// generated configuration, and a real publisher (libmosquitto). The ingest function is a recorder
// that checks device secrets against a small map: the service behind it is tested elsewhere.
#include "monitoring/mqtt.h"

#include <gtest/gtest.h>
#include <mosquitto.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "http/message.h"

extern char** environ;

namespace eq::monitoring {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using http::Json;

bool wait_until(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  const auto end = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < end) {
    if (done()) return true;
    std::this_thread::sleep_for(20ms);
  }
  return done();
}

std::optional<std::string> find_mosquitto() {
  std::vector<std::string> dirs;
  if (const char* path = std::getenv("PATH")) {
    std::string p = path;
    size_t i = 0;
    while (i <= p.size()) {
      size_t j = p.find(':', i);
      if (j == std::string::npos) j = p.size();
      if (j > i) dirs.push_back(p.substr(i, j - i));
      i = j + 1;
    }
  }
  for (const char* d : {"/usr/sbin", "/usr/local/sbin", "/usr/bin", "/usr/local/bin"}) dirs.emplace_back(d);
  for (const auto& d : dirs) {
    const std::string f = d + "/mosquitto";
    if (::access(f.c_str(), X_OK) == 0) return f;
  }
  return std::nullopt;
}

int free_port() {
  const int s = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  socklen_t len = sizeof a;
  if (::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    ::close(s);
    return 0;
  }
  ::close(s);
  return ntohs(a.sin_port);
}

bool port_open(int port) {
  const int s = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(uint16_t(port));
  const bool ok = ::connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(s);
  return ok;
}

// A mosquitto process with its own configuration and log in `dir`.
class Broker {
 public:
  Broker(std::string binary, fs::path dir, int port) : binary_(std::move(binary)), dir_(std::move(dir)), port_(port) {
    configure(false);
  }
  ~Broker() { kill(SIGTERM); }

  // As scripts/mosquitto.sh does: the broker saves sessions and queued messages on disk.
  void configure(bool persistence) {
    const passwd* pw = ::getpwuid(::geteuid());
    std::ofstream conf(dir_ / "mosquitto.conf", std::ios::trunc);
    conf << "listener " << port_ << " 127.0.0.1\n"
         << "allow_anonymous true\n"
         << "persistence " << (persistence ? "true" : "false") << "\n"
         << "persistence_location " << dir_.string() << "/\n"
         // As root, mosquitto would drop to the «mosquitto» user; stay as whoever runs the test.
         << "user " << (pw ? pw->pw_name : "root") << "\n"
         << "log_dest stderr\n";
  }

  bool start() {
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    const std::string log = (dir_ / "mosquitto.log").string();
    posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    const std::string conf = (dir_ / "mosquitto.conf").string();
    std::vector<char*> argv = {const_cast<char*>(binary_.c_str()), const_cast<char*>("-c"), const_cast<char*>(conf.c_str()),
                               nullptr};
    const int rc = ::posix_spawn(&pid_, binary_.c_str(), &fa, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) {
      pid_ = -1;
      return false;
    }
    // Listening, and it is ours (not another process that took the port meanwhile).
    int status = 0;
    return wait_until([this] { return port_open(port_); }, 5s) && ::waitpid(pid_, &status, WNOHANG) == 0;
  }

  void kill(int sig) {
    if (pid_ <= 0) return;
    ::kill(pid_, sig);
    int status = 0;
    for (int i = 0; i < 250 && ::waitpid(pid_, &status, WNOHANG) == 0; ++i) std::this_thread::sleep_for(20ms);
    if (::waitpid(pid_, &status, WNOHANG) == 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
    }
    pid_ = -1;
  }

  std::string log() const {
    std::ifstream in(dir_ / "mosquitto.log");
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

 private:
  std::string binary_;
  fs::path dir_;
  int port_;
  pid_t pid_ = -1;
};

// A device (or a test harness) on the broker: publishes positions, listens to the replies.
class Publisher {
 public:
  explicit Publisher(int port) {
    mosquitto_lib_init();
    static std::atomic<int> n{0};
    const std::string id = "prueba-" + std::to_string(::getpid()) + "-" + std::to_string(n++);
    m_ = mosquitto_new(id.c_str(), true, this);
    mosquitto_connect_callback_set(m_, [](mosquitto*, void* self, int rc) {
      if (rc == 0) static_cast<Publisher*>(self)->connected_ = true;
    });
    mosquitto_subscribe_callback_set(m_, [](mosquitto*, void* self, int, int, const int*) {
      static_cast<Publisher*>(self)->subscribed_ = true;
    });
    mosquitto_publish_callback_set(m_, [](mosquitto*, void* self, int mid) {
      auto* p = static_cast<Publisher*>(self);
      std::lock_guard lock(p->mu_);
      p->acked_.push_back(mid);
    });
    mosquitto_message_callback_set(m_, [](mosquitto*, void* self, const mosquitto_message* msg) {
      auto* p = static_cast<Publisher*>(self);
      std::lock_guard lock(p->mu_);
      p->replies_.emplace_back(msg->topic, std::string(static_cast<const char*>(msg->payload), size_t(msg->payloadlen)));
    });
    ok_ = mosquitto_connect(m_, "127.0.0.1", port, 30) == MOSQ_ERR_SUCCESS && mosquitto_loop_start(m_) == MOSQ_ERR_SUCCESS &&
          wait_until([this] { return connected_.load(); }, 5s) &&
          mosquitto_subscribe(m_, nullptr, "equidad/dispositivos/+/respuesta", 1) == MOSQ_ERR_SUCCESS &&
          wait_until([this] { return subscribed_.load(); }, 5s);
  }
  ~Publisher() {
    mosquitto_disconnect(m_);
    mosquitto_loop_stop(m_, false);
    mosquitto_destroy(m_);
  }
  bool ok() const { return ok_; }

  // QoS 1; returns once the broker acknowledged it.
  bool publish(const std::string& topic, const std::string& payload) {
    int mid = 0;
    if (mosquitto_publish(m_, &mid, topic.c_str(), int(payload.size()), payload.data(), 1, false) != MOSQ_ERR_SUCCESS) return false;
    return wait_until(
        [&] {
          std::lock_guard lock(mu_);
          return std::find(acked_.begin(), acked_.end(), mid) != acked_.end();
        },
        5s);
  }

  std::vector<std::pair<std::string, std::string>> replies() {
    std::lock_guard lock(mu_);
    return replies_;
  }
  // Waits for the n-th reply (1-based) and returns it parsed.
  std::optional<std::pair<std::string, Json>> reply(size_t n, std::chrono::milliseconds timeout = 5s) {
    if (!wait_until([&] { return replies().size() >= n; }, timeout)) return std::nullopt;
    auto r = replies()[n - 1];
    return std::make_pair(r.first, Json::parse(r.second));
  }

 private:
  mosquitto* m_ = nullptr;
  bool ok_ = false;
  std::atomic<bool> connected_{false}, subscribed_{false};
  std::mutex mu_;
  std::vector<int> acked_;
  std::vector<std::pair<std::string, std::string>> replies_;
};

struct Call {
  Credentials who;
  std::vector<Position> positions;
  std::string client;
};

class MqttBridgeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto bin = find_mosquitto();
    if (!bin) GTEST_SKIP() << "mosquitto no está instalado (scripts/deps.sh lo instala)";
    char tmpl[] = "/tmp/equidad-mqtt-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    // A free port may be taken by another test between the probe and the broker's bind: retry.
    for (int attempt = 0; attempt < 3; ++attempt) {
      port_ = free_port();
      ASSERT_GT(port_, 0);
      broker_ = std::make_unique<Broker>(*bin, dir_, port_);
      if (broker_->start()) return;
    }
    FAIL() << "mosquitto no inició:\n" << broker_->log();
  }
  void TearDown() override {
    broker_.reset();
    if (!dir_.empty()) {
      std::error_code ec;
      fs::remove_all(dir_, ec);
    }
  }

  MqttOptions options() const {
    MqttOptions o;
    o.port = port_;
    o.client_id = "equidad-prueba-" + std::to_string(::getpid());
    o.keepalive_s = 5;
    o.reconnect_min_s = 1;
    o.reconnect_max_s = 2;
    return o;
  }

  IngestFn recorder() {
    return [this](const Credentials& who, std::vector<Position> positions, const std::string& client, IngestDone done) {
      done(record(who, std::move(positions), client));
    };
  }

  Result<IngestSummary> record(const Credentials& who, std::vector<Position> positions, const std::string& client) {
    const std::map<std::string, std::string> secrets = {{"BR-0001", "s3creto-uno"}, {"TAG-0002", "s3creto-dos"}};
    auto it = secrets.find(who.device_id);
    if (it == secrets.end() || it->second != who.secret)
      return fail(Error{401, "device_unauthenticated", "Dispositivo o clave incorrectos.", {}});
    IngestSummary s;
    for (size_t i = 0; i < positions.size(); ++i) {
      if (std::isnan(positions[i].fix.lat) && positions[i].fix.alarms == 0) {
        ++s.rejected;
        s.errors.push_back({{"index", i}, {"field", "lat"}, {"code", "invalid_position"}, {"message", "Posición inválida."}});
      } else {
        ++s.accepted;
      }
    }
    std::lock_guard lock(mu_);
    calls_.push_back(Call{who, std::move(positions), client});
    return s;
  }

  std::vector<Call> calls() {
    std::lock_guard lock(mu_);
    return calls_;
  }
  size_t positions_received() {
    size_t n = 0;
    for (const auto& c : calls()) n += c.positions.size();
    return n;
  }

  static std::string topic(const std::string& device) { return "equidad/dispositivos/" + device + "/posiciones"; }

  fs::path dir_;
  int port_ = 0;
  std::unique_ptr<Broker> broker_;
  std::mutex mu_;
  std::vector<Call> calls_;
};

TEST_F(MqttBridgeTest, PositionIsIngestedAndAnswered) {
  MqttBridge bridge(options(), recorder());
  ASSERT_TRUE(bridge.start());
  ASSERT_TRUE(wait_until([&] { return bridge.connected(); }, 5s)) << broker_->log();
  Publisher dev(port_);
  ASSERT_TRUE(dev.ok());

  ASSERT_TRUE(dev.publish(topic("BR-0001"),
                          "lat=-33.448890&lon=-70.669265&timestamp=1795499990&speed=10&batt=87&alarm=sos&key=s3creto-uno"));
  auto r = dev.reply(1);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->first, "equidad/dispositivos/BR-0001/respuesta");
  EXPECT_EQ(r->second["accepted"], 1);
  EXPECT_EQ(r->second["rejected"], 0);
  auto c = calls();
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].who.device_id, "BR-0001");
  EXPECT_EQ(c[0].who.secret, "s3creto-uno");
  EXPECT_EQ(c[0].client, "mqtt");
  ASSERT_EQ(c[0].positions.size(), 1u);
  const Position& p = c[0].positions[0];
  EXPECT_EQ(p.device_id, "BR-0001");
  EXPECT_EQ(p.fix.at, 1'795'499'990'000LL);
  EXPECT_GT(p.fix.received_at, 0);
  EXPECT_DOUBLE_EQ(p.fix.lat, -33.44889);
  EXPECT_DOUBLE_EQ(p.fix.lon, -70.669265);
  EXPECT_NEAR(p.fix.speed_kmh, 18.52, 1e-3);
  EXPECT_EQ(p.fix.battery_pct, 87);
  EXPECT_EQ(p.fix.alarms, alarm_panic);

  // A tracker emptying its buffer: three lines (one naming itself, CRLF, a blank line) → one call.
  ASSERT_TRUE(dev.publish(topic("TAG-0002"),
                          "lat=-33.45&lon=-70.66&timestamp=1795500000&key=s3creto-dos\r\n"
                          "id=TAG-0002&lat=-33.451&lon=-70.661&timestamp=1795500010&key=s3creto-dos\n\n"
                          "location=-33.452%2C-70.662&timestamp=1795500020"));
  r = dev.reply(2);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->first, "equidad/dispositivos/TAG-0002/respuesta");
  EXPECT_EQ(r->second["accepted"], 3);
  c = calls();
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[1].who.device_id, "TAG-0002");
  ASSERT_EQ(c[1].positions.size(), 3u);
  EXPECT_EQ(c[1].positions[0].fix.at, 1'795'500'000'000LL);
  EXPECT_EQ(c[1].positions[2].fix.at, 1'795'500'020'000LL);
  EXPECT_DOUBLE_EQ(c[1].positions[2].fix.lon, -70.662);
  for (const auto& q : c[1].positions) EXPECT_EQ(q.device_id, "TAG-0002");

  const auto n = bridge.counters();
  EXPECT_EQ(n.messages, 2u);
  EXPECT_EQ(n.accepted, 2u);
  EXPECT_EQ(n.refused, 0u);
  EXPECT_EQ(n.reconnects, 0u);
  bridge.stop();
  EXPECT_FALSE(bridge.connected());
}

TEST_F(MqttBridgeTest, BadMessagesAreRefusedCountedAndAnsweredInSpanish) {
  MqttBridge bridge(options(), recorder());
  ASSERT_TRUE(bridge.start());
  ASSERT_TRUE(wait_until([&] { return bridge.connected(); }, 5s)) << broker_->log();
  Publisher dev(port_);
  ASSERT_TRUE(dev.ok());
  size_t n = 0;
  auto error_of = [&](const std::string& device, const std::string& payload) -> Json {
    EXPECT_TRUE(dev.publish(topic(device), payload));
    auto r = dev.reply(++n);
    if (!r) return Json();
    EXPECT_EQ(r->first, "equidad/dispositivos/" + device + "/respuesta");
    EXPECT_TRUE(r->second.contains("error")) << r->second.dump();
    return r->second["error"];
  };

  Json e = error_of("BR-0001", "lat=-33.45&lon=-70.66&key=otra-clave");
  EXPECT_EQ(e["code"], "device_unauthenticated");
  EXPECT_EQ(e["message"], "Dispositivo o clave incorrectos.");

  e = error_of("BR-0001", "lat=-33.45&lon=-70.66");
  EXPECT_EQ(e["code"], "unauthenticated");
  EXPECT_EQ(e["field"], "key");
  EXPECT_EQ(e["message"], "Falta la clave del dispositivo (key).");

  e = error_of("BR-0001", "lat=abc&lon=-70.66&key=s3creto-uno");
  EXPECT_EQ(e["code"], "invalid_position");
  EXPECT_EQ(e["field"], "lat");
  EXPECT_NE(e["message"].get<std::string>().find("no es un número"), std::string::npos) << e.dump();

  e = error_of("BR-0001", "\xff\xfe garbage \x01");
  EXPECT_EQ(e["code"], "unauthenticated");

  e = error_of("BR-0001", "id=TAG-0002&lat=-33.45&lon=-70.66&key=s3creto-dos");  // another device's id
  EXPECT_EQ(e["code"], "device_mismatch");
  EXPECT_NE(e["message"].get<std::string>().find("no corresponde"), std::string::npos);

  e = error_of("BR-0001", "lat=-33.45&lon=-70.66&key=s3creto-uno\nlat=-33.46&lon=-70.67&key=otra");
  EXPECT_EQ(e["code"], "key_mismatch");

  e = error_of("BR-0001", std::string(70 * 1024, 'a'));
  EXPECT_EQ(e["code"], "payload_too_large");
  EXPECT_NE(e["message"].get<std::string>().find("64 KiB"), std::string::npos);

  e = error_of("BR-0001", "\n\r\n");
  EXPECT_EQ(e["code"], "empty_message");

  // A device id the service could never have issued: refused without a reply.
  ASSERT_TRUE(dev.publish(topic("x"), "lat=-33.45&lon=-70.66&key=s3creto-uno"));
  ASSERT_TRUE(wait_until([&] { return bridge.counters().messages == n + 1; }, 5s));

  EXPECT_TRUE(calls().empty());
  auto c = bridge.counters();
  EXPECT_EQ(c.messages, n + 1);
  EXPECT_EQ(c.refused, n + 1);
  EXPECT_EQ(c.accepted, 0u);

  // Still alive; a buffer with one bad line keeps the good ones and names the bad line.
  ASSERT_TRUE(dev.publish(topic("BR-0001"),
                          "lat=-33.45&lon=-70.66&timestamp=1795500000&key=s3creto-uno\n"
                          "lat=-33.45&lon=&timestamp=1795500010\n"
                          "lat=-33.46&lon=-70.67&timestamp=1795500020"));
  auto r = dev.reply(++n);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->second["accepted"], 2) << r->second.dump();
  EXPECT_EQ(r->second["rejected"], 1);
  ASSERT_EQ(r->second["errors"].size(), 1u);
  EXPECT_EQ(r->second["errors"][0]["index"], 1);
  EXPECT_EQ(r->second["errors"][0]["field"], "lon");
  ASSERT_EQ(calls().size(), 1u);
  EXPECT_EQ(calls()[0].positions.size(), 2u);
  EXPECT_EQ(bridge.counters().accepted, 1u);
}

TEST_F(MqttBridgeTest, ReconnectsAfterBrokerRestart) {
  MqttBridge bridge(options(), recorder());
  ASSERT_TRUE(bridge.start());
  ASSERT_TRUE(wait_until([&] { return bridge.connected(); }, 5s)) << broker_->log();
  {
    Publisher dev(port_);
    ASSERT_TRUE(dev.ok());
    ASSERT_TRUE(dev.publish(topic("BR-0001"), "lat=-33.45&lon=-70.66&timestamp=1795500000&key=s3creto-uno"));
    ASSERT_TRUE(dev.reply(1));
  }
  // A crash: the broker (without persistence) forgets the session and the subscription.
  broker_->kill(SIGKILL);
  ASSERT_TRUE(wait_until([&] { return !bridge.connected(); }, 5s));
  ASSERT_TRUE(broker_->start()) << broker_->log();
  ASSERT_TRUE(wait_until([&] { return bridge.connected(); }, 8s)) << broker_->log();
  EXPECT_EQ(bridge.counters().reconnects, 1u);

  Publisher dev(port_);
  ASSERT_TRUE(dev.ok());
  ASSERT_TRUE(dev.publish(topic("BR-0001"), "lat=-33.46&lon=-70.67&timestamp=1795500060&key=s3creto-uno"));
  auto r = dev.reply(1);
  ASSERT_TRUE(r) << broker_->log();
  EXPECT_EQ(r->second["accepted"], 1);
  auto c = calls();
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[1].positions[0].fix.at, 1'795'500'060'000LL);
}

TEST_F(MqttBridgeTest, MessagesQueuedWhileDisconnectedAreDeliveredAfter) {
  {
    // First connection: the broker records the session and its subscription.
    MqttBridge bridge(options(), recorder());
    ASSERT_TRUE(bridge.start());
    ASSERT_TRUE(wait_until([&] { return bridge.connected(); }, 5s)) << broker_->log();
    bridge.stop();
    EXPECT_FALSE(bridge.connected());
  }
  Publisher dev(port_);
  ASSERT_TRUE(dev.ok());
  for (int i = 0; i < 3; ++i)
    ASSERT_TRUE(dev.publish(topic("BR-0001"), "lat=-33.45&lon=-70.66&timestamp=" + std::to_string(1795500000 + 10 * i) +
                                                  "&key=s3creto-uno"));
  std::this_thread::sleep_for(200ms);
  EXPECT_TRUE(calls().empty());
  EXPECT_TRUE(dev.replies().empty());

  // The server comes back with the same client id: the broker hands over what it queued.
  MqttBridge bridge(options(), recorder());
  ASSERT_TRUE(bridge.start());
  ASSERT_TRUE(wait_until([&] { return positions_received() == 3; }, 10s)) << broker_->log();
  auto c = calls();
  ASSERT_EQ(c.size(), 3u);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(c[size_t(i)].positions[0].fix.at, (1795500000LL + 10 * i) * 1000);
  auto r = dev.reply(3);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->second["accepted"], 1);
  EXPECT_EQ(bridge.counters().accepted, 3u);
}

TEST_F(MqttBridgeTest, QueuedMessagesSurviveABrokerRestartWithPersistence) {
  broker_->kill(SIGTERM);
  broker_->configure(true);
  ASSERT_TRUE(broker_->start()) << broker_->log();
  {
    MqttBridge bridge(options(), recorder());
    ASSERT_TRUE(bridge.start());
    ASSERT_TRUE(wait_until([&] { return bridge.connected(); }, 5s)) << broker_->log();
  }
  {
    Publisher dev(port_);
    ASSERT_TRUE(dev.ok());
    ASSERT_TRUE(dev.publish(topic("BR-0001"), "lat=-33.45&lon=-70.66&timestamp=1795500000&key=s3creto-uno"));
    ASSERT_TRUE(dev.publish(topic("TAG-0002"), "lat=-33.46&lon=-70.67&timestamp=1795500001&key=s3creto-dos"));
  }
  // Server and broker both down at once (a machine reboot): the broker saves on SIGTERM.
  broker_->kill(SIGTERM);
  ASSERT_TRUE(broker_->start()) << broker_->log();
  MqttBridge bridge(options(), recorder());
  ASSERT_TRUE(bridge.start());
  ASSERT_TRUE(wait_until([&] { return positions_received() == 2; }, 10s)) << broker_->log();
  auto c = calls();
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[0].who.device_id, "BR-0001");
  EXPECT_EQ(c[1].who.device_id, "TAG-0002");
}

TEST_F(MqttBridgeTest, StartsBeforeTheBrokerAndConnectsWhenItComes) {
  broker_->kill(SIGTERM);
  MqttBridge bridge(options(), recorder());
  ASSERT_TRUE(bridge.start());  // not an error: the server may start before the broker
  std::this_thread::sleep_for(300ms);
  EXPECT_FALSE(bridge.connected());
  ASSERT_TRUE(broker_->start()) << broker_->log();
  ASSERT_TRUE(wait_until([&] { return bridge.connected(); }, 5s)) << broker_->log();
  EXPECT_EQ(bridge.counters().reconnects, 0u);
  Publisher dev(port_);
  ASSERT_TRUE(dev.ok());
  ASSERT_TRUE(dev.publish(topic("BR-0001"), "lat=-33.45&lon=-70.66&key=s3creto-uno"));
  ASSERT_TRUE(dev.reply(1));
  EXPECT_EQ(positions_received(), 1u);
}

// The service answers once the batch is committed, from its writer's thread: while one message
// waits for its commit the bridge must go on reading (it used to block in ingest until the commit),
// and the reply goes out when the commit comes. stop() waits for replies still owed.
TEST_F(MqttBridgeTest, AMessageWaitingForItsCommitDoesNotStopTheNext) {
  std::mutex held_mu;
  std::vector<std::pair<Result<IngestSummary>, IngestDone>> held;  // "committing"
  MqttBridge bridge(options(), [&](const Credentials& who, std::vector<Position> positions, const std::string& client, IngestDone done) {
    auto r = record(who, std::move(positions), client);
    std::lock_guard lock(held_mu);
    held.emplace_back(std::move(r), std::move(done));
  });
  ASSERT_TRUE(bridge.start());
  ASSERT_TRUE(wait_until([&] { return bridge.connected(); }, 5s)) << broker_->log();
  Publisher dev(port_);
  ASSERT_TRUE(dev.ok());
  ASSERT_TRUE(dev.publish(topic("BR-0001"), "lat=-33.45&lon=-70.66&timestamp=1795499990&key=s3creto-uno"));
  ASSERT_TRUE(dev.publish(topic("TAG-0002"), "lat=-33.46&lon=-70.67&timestamp=1795499991&key=s3creto-dos"));
  // Both taken while the first is still "committing"; nothing answered yet.
  ASSERT_TRUE(wait_until([&] { return positions_received() == 2; }, 5s));
  EXPECT_FALSE(dev.reply(1, 300ms));
  std::vector<std::pair<Result<IngestSummary>, IngestDone>> now;
  {
    std::lock_guard lock(held_mu);
    now.swap(held);
  }
  ASSERT_EQ(now.size(), 2u);
  // Committed, answered from another thread (as the writer does), the second first.
  std::thread writer([&] {
    now[1].second(std::move(now[1].first));
    now[0].second(std::move(now[0].first));
  });
  writer.join();
  auto first = dev.reply(1), second = dev.reply(2);
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->first, "equidad/dispositivos/TAG-0002/respuesta");
  EXPECT_EQ(second->first, "equidad/dispositivos/BR-0001/respuesta");
  EXPECT_EQ(second->second["accepted"], 1);
  EXPECT_EQ(bridge.counters().accepted, 2u);
  bridge.stop();
}

TEST(MqttBridgeOptions, InvalidOptionsAreRefused) {
  auto ingest = [](const Credentials&, std::vector<Position>, const std::string&, IngestDone done) { done(IngestSummary{}); };
  MqttOptions o;
  o.topic_prefix = "equidad/#";
  EXPECT_FALSE(MqttBridge(o, ingest).start());
  o = MqttOptions{};
  o.port = 0;
  EXPECT_FALSE(MqttBridge(o, ingest).start());
  o = MqttOptions{};
  o.keepalive_s = 1;
  EXPECT_FALSE(MqttBridge(o, ingest).start());
  EXPECT_FALSE(MqttBridge(MqttOptions{}, IngestFn{}).start());
}

}  // namespace
}  // namespace eq::monitoring
