#include "monitoring/mqtt.h"

#include <mosquitto.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string_view>
#include <thread>

#include "core/log.h"
#include "core/time.h"
#include "core/url.h"
#include "http/message.h"
#include "monitoring/osmand.h"

namespace eq::monitoring {
namespace {

using http::Json;

void init_library() {
  static std::once_flag once;
  std::call_once(once, [] { mosquitto_lib_init(); });
}

// Diagnostics through spdlog (core/log.h): the message, then its details as one JSON object.
void log_event(std::string_view level, std::string_view msg, const Json& extra = Json::object()) {
  spdlog::log(spdlog::level::from_str(std::string(level)), "{} {}", msg,
              extra.dump(-1, ' ', false, Json::error_handler_t::replace));
}

// The device ids the service accepts (API.md: 3–64 of [A-Za-z0-9_.:-]); anything else in the
// topic level is refused before any work, and never echoed into a reply topic.
bool valid_device_id(std::string_view id) {
  if (id.size() < 3 || id.size() > 64) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == ':' || c == '-';
  });
}

// The `key` parameter of one line, if any (the last one wins, as for every OsmAnd parameter).
std::optional<std::string> key_of(std::string_view line) {
  if (const size_t q = line.find('?'); q != std::string_view::npos) line.remove_prefix(q + 1);
  return form_value(line, "key", /*ignore_case=*/true);
}

Json error_json(const Error& e) {
  Json err = {{"code", e.code}, {"message", e.message}};
  if (!e.field.empty()) err["field"] = e.field;
  return Json{{"error", err}};
}

}  // namespace

struct MqttBridge::Impl {
  MqttOptions options;
  IngestFn ingest;
  std::string subscription;  // {prefix}/+/posiciones
  mosquitto* mosq = nullptr;
  std::thread thread;

  std::mutex mu;
  std::condition_variable cv;
  bool stop_requested = false;

  std::atomic<bool> running{false};
  std::atomic<bool> subscribed{false};
  std::atomic<bool> session_up{false};  // a CONNACK came on the current connection
  std::atomic<bool> ever_connected{false};
  std::atomic<uint64_t> messages{0}, accepted{0}, refused{0}, reconnects{0};
  // Messages handed to ingest whose reply is not yet published (stop() waits for them: the reply
  // uses mosq, destroyed with the bridge).
  int pending = 0;
  std::condition_variable settled;

  bool stopping() {
    std::lock_guard lock(mu);
    return stop_requested;
  }

  // Sleeps for `seconds` unless stop() is called; returns false when stopping.
  bool pause(int seconds) {
    std::unique_lock lock(mu);
    return !cv.wait_for(lock, std::chrono::seconds(seconds), [this] { return stop_requested; });
  }

  void run();
  void on_message(const mosquitto_message& msg);
  // Turns one message into a reply, now (a refusal) or after the commit (nullopt: the ingest's
  // completion replies); counts it. `device` is the topic's device id (valid).
  std::optional<Json> process(const std::string& device, std::string_view payload);
  void reply(const std::string& device, const Json& body);
  Json refused_with(const Error& e);
  Json answer(const IngestSummary& summary, const std::vector<size_t>& line_of, Json parse_errors);

  static void connect_cb(mosquitto*, void* self, int rc) { static_cast<Impl*>(self)->on_connect(rc); }
  static void disconnect_cb(mosquitto*, void* self, int rc) { static_cast<Impl*>(self)->on_disconnect(rc); }
  static void subscribe_cb(mosquitto*, void* self, int, int count, const int* granted) {
    static_cast<Impl*>(self)->on_subscribe(count, granted);
  }
  static void message_cb(mosquitto*, void* self, const mosquitto_message* msg) {
    if (msg) static_cast<Impl*>(self)->on_message(*msg);
  }

  void on_connect(int rc) {
    if (rc != 0) {
      log_event("warn", "mqtt broker refused the connection",
          {{"reason", mosquitto_connack_string(rc)}, {"host", options.host}, {"port", options.port}});
      return;
    }
    session_up = true;
    if (ever_connected.exchange(true)) ++reconnects;
    log_event("info", "mqtt connected", {{"host", options.host}, {"port", options.port}, {"client_id", options.client_id}});
    // Every time: a broker that lost its state (restarted without persistence) forgot the
    // subscription; one that kept it just confirms it.
    const int s = mosquitto_subscribe(mosq, nullptr, subscription.c_str(), 1);
    if (s != MOSQ_ERR_SUCCESS) log_event("error", "mqtt subscribe failed", {{"detail", mosquitto_strerror(s)}});
  }

  void on_subscribe(int count, const int* granted) {
    if (count >= 1 && granted && granted[0] >= 0 && granted[0] <= 2) {
      subscribed = true;
      log_event("info", "mqtt subscribed", {{"topic", subscription}, {"qos", granted[0]}});
    } else {
      log_event("error", "mqtt broker refused the subscription", {{"topic", subscription}});
    }
  }

  void on_disconnect(int rc) {
    subscribed = false;
    if (rc != 0) log_event("warn", "mqtt connection lost", {{"detail", mosquitto_strerror(rc)}});
  }
};

void MqttBridge::Impl::run() {
  int delay = std::max(1, options.reconnect_min_s);
  bool reported_down = false;
  while (!stopping()) {
    session_up = false;
    int rc = mosquitto_connect(mosq, options.host.c_str(), options.port, options.keepalive_s);
    if (rc == MOSQ_ERR_SUCCESS) {
      // The CONNECT is sent; CONNACK, SUBACK, messages and keep-alive all happen in mosquitto_loop.
      while (!stopping()) {
        rc = mosquitto_loop(mosq, 200, 1);
        if (rc != MOSQ_ERR_SUCCESS) break;
      }
      if (stopping()) break;
      subscribed = false;
    }
    if (session_up) {
      // The connection had worked (a broker restart, a network blip): try again soon.
      delay = std::max(1, options.reconnect_min_s);
      reported_down = false;
    } else if (!reported_down) {
      log_event("warn", "mqtt broker not reachable, retrying with back-off",
          {{"host", options.host}, {"port", options.port}, {"detail", mosquitto_strerror(rc)}});
      reported_down = true;
    }
    if (!pause(delay)) break;
    delay = std::min(delay * 2, std::max(options.reconnect_min_s, options.reconnect_max_s));
  }
  // A clean DISCONNECT: the broker keeps the session (clean_session = false) and queues for it.
  if (mosquitto_disconnect(mosq) == MOSQ_ERR_SUCCESS) {
    for (int i = 0; i < 10 && mosquitto_loop(mosq, 50, 1) == MOSQ_ERR_SUCCESS; ++i) {
    }
  }
  subscribed = false;
}

void MqttBridge::Impl::on_message(const mosquitto_message& msg) {
  const std::string_view topic = msg.topic ? msg.topic : "";
  const std::string head = options.topic_prefix + "/";
  constexpr std::string_view tail = "/posiciones";
  ++messages;
  if (!(topic.size() > head.size() + tail.size() && topic.substr(0, head.size()) == head &&
        topic.substr(topic.size() - tail.size()) == tail)) {
    ++refused;  // not ours (the subscription only matches these, but never trust it)
    return;
  }
  const std::string device(topic.substr(head.size(), topic.size() - head.size() - tail.size()));
  if (!valid_device_id(device)) {
    ++refused;
    return;
  }
  std::optional<Json> body;
  if (msg.payloadlen < 0 || size_t(msg.payloadlen) > kMqttMaxPayload) {
    ++refused;
    body = error_json(Error{413, "payload_too_large",
                            "El mensaje supera el máximo de 64 KiB. Envíe las posiciones en mensajes más pequeños.", {}});
  } else {
    const std::string_view payload(static_cast<const char*>(msg.payload), size_t(msg.payloadlen));
    try {
      body = process(device, payload);
    } catch (const std::exception& e) {
      // The ingest function must not throw; if it does, the message is refused, not the bridge.
      ++refused;
      log_event("error", "mqtt ingest threw", {{"what", e.what()}, {"device_id", device}});
      body = error_json(Error::internal());
    }
  }
  if (body) reply(device, *body);
}

std::optional<Json> MqttBridge::Impl::process(const std::string& device, std::string_view payload) {
  auto refuse = [this](const Error& e) -> std::optional<Json> { return refused_with(e); };
  // Lines, without CR and blank ones; each keeps its index in the message for error reports.
  std::vector<std::pair<size_t, std::string_view>> lines;
  {
    size_t i = 0, n = 0;
    while (i <= payload.size()) {
      size_t j = payload.find('\n', i);
      if (j == std::string_view::npos) j = payload.size();
      std::string_view line = payload.substr(i, j - i);
      while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
      while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
      if (!line.empty()) lines.emplace_back(n, line);
      ++n;
      i = j + 1;
    }
  }
  if (lines.empty())
    return refuse(Error::bad_request("empty_message", "El mensaje no trae posiciones."));
  if (lines.size() > kMqttMaxLines)
    return refuse(Error{413, "too_many_positions",
                        "El mensaje trae más de " + std::to_string(kMqttMaxLines) + " posiciones. Envíelas en varios mensajes.", {}});

  // One secret for the whole message: every line that carries `key` must carry the same one.
  std::optional<std::string> key;
  for (const auto& [n, line] : lines) {
    auto k = key_of(line);
    if (!k) continue;
    if (key && *key != *k)
      return refuse(Error::bad_request("key_mismatch", "Las líneas del mensaje traen claves distintas.", "key"));
    key = std::move(k);
  }
  if (!key || key->empty())
    return refuse(Error{401, "unauthenticated", "Falta la clave del dispositivo (key).", "key"});

  const int64_t received_at = now_ms();
  std::vector<Position> positions;
  std::vector<size_t> line_of;  // positions[i] came from line line_of[i]
  Json parse_errors = Json::array();
  std::optional<Error> first_error;
  for (const auto& [n, line] : lines) {
    // The topic names the device; an `id` in the line (which comes later) overrides this one and
    // is then checked against the topic.
    std::string params(line);
    if (const size_t q = params.find('?'); q != std::string::npos) params.erase(0, q + 1);
    auto p = parse_osmand("id=" + device + "&" + params, received_at);
    if (!p) {
      if (!first_error) first_error = p.error();
      parse_errors.push_back({{"index", n}, {"field", p.error().field}, {"code", p.error().code}, {"message", p.error().message}});
      continue;
    }
    if (p->device_id != device)
      return refuse(Error{403, "device_mismatch",
                          "El identificador «" + p->device_id + "» del mensaje no corresponde al dispositivo «" + device +
                              "» del tema.",
                          "id"});
    positions.push_back(std::move(*p));
    line_of.push_back(n);
  }
  if (positions.empty()) return refuse(*first_error);

  {
    std::lock_guard lock(mu);
    ++pending;
  }
  auto finished = [this, device, line_of = std::move(line_of), parse_errors = std::move(parse_errors)](Result<IngestSummary> summary) mutable {
    reply(device, summary ? answer(*summary, line_of, std::move(parse_errors)) : refused_with(summary.error()));
    // Notified under the lock: once stop() sees 0 the bridge may be destroyed.
    std::lock_guard lock(mu);
    --pending;
    settled.notify_all();
  };
  try {
    ingest(Credentials{device, *key}, std::move(positions), "mqtt", std::move(finished));
  } catch (...) {
    std::lock_guard lock(mu);
    --pending;  // `finished` was not called: the message is refused by on_message
    throw;
  }
  return std::nullopt;
}

Json MqttBridge::Impl::refused_with(const Error& e) {
  ++refused;
  return error_json(e);
}

// The reply to ingested positions: the service's per-position outcome, its indexes turned back into
// the message's line numbers, with the lines that did not parse.
Json MqttBridge::Impl::answer(const IngestSummary& summary, const std::vector<size_t>& line_of, Json parse_errors) {
  ++accepted;
  Json errors = Json::array();
  for (Json e : summary.errors) {
    if (auto it = e.find("index"); it != e.end() && it->is_number_integer()) {
      const auto i = it->get<int64_t>();
      if (i >= 0 && size_t(i) < line_of.size()) *it = line_of[size_t(i)];
    }
    errors.push_back(std::move(e));
  }
  const int unparsed = int(parse_errors.size());
  for (auto& e : parse_errors) errors.push_back(std::move(e));
  std::stable_sort(errors.begin(), errors.end(), [](const Json& a, const Json& b) {
    return a.value("index", int64_t(0)) < b.value("index", int64_t(0));
  });
  return Json{{"accepted", summary.accepted},
              {"stale", summary.stale},
              {"duplicates", summary.duplicates},
              {"rejected", summary.rejected + unparsed},
              {"alerts", summary.alerts},
              {"errors", std::move(errors)}};
}

void MqttBridge::Impl::reply(const std::string& device, const Json& body) {
  const std::string topic = options.topic_prefix + "/" + device + "/respuesta";
  const std::string text = body.dump(-1, ' ', false, Json::error_handler_t::replace);
  const int rc = mosquitto_publish(mosq, nullptr, topic.c_str(), int(text.size()), text.data(), 1, false);
  if (rc != MOSQ_ERR_SUCCESS) log_event("warn", "mqtt reply not sent", {{"device_id", device}, {"detail", mosquitto_strerror(rc)}});
}

MqttBridge::MqttBridge(MqttOptions options, IngestFn ingest) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  impl_->ingest = std::move(ingest);
}

MqttBridge::~MqttBridge() {
  stop();
  if (impl_->mosq) mosquitto_destroy(impl_->mosq);
}

Result<void> MqttBridge::start() {
  Impl& d = *impl_;
  if (d.running) return {};
  const MqttOptions& o = d.options;
  auto bad = [](std::string field, std::string message) {
    return fail(Error::invalid(std::move(field), std::move(message), "invalid_mqtt_option"));
  };
  if (!d.ingest) return bad("ingest", "Falta la función de ingreso de posiciones.");
  if (o.host.empty()) return bad("host", "Falta el servidor MQTT.");
  if (o.port < 1 || o.port > 65535) return bad("port", "El puerto MQTT debe estar entre 1 y 65535.");
  if (o.client_id.empty() || o.client_id.size() > 128)
    return bad("client_id", "El identificador de cliente MQTT debe tener entre 1 y 128 caracteres.");
  if (o.keepalive_s < 5 || o.keepalive_s > 65535)
    return bad("keepalive_s", "El intervalo de keep-alive MQTT debe estar entre 5 y 65535 segundos.");
  if (o.reconnect_min_s < 1 || o.reconnect_max_s < o.reconnect_min_s)
    return bad("reconnect_min_s", "Los tiempos de reconexión MQTT deben ser de al menos 1 segundo, el máximo no menor que el mínimo.");
  d.subscription = o.topic_prefix + "/+/posiciones";
  if (o.topic_prefix.empty() || o.topic_prefix.find_first_of("+#") != std::string::npos || o.topic_prefix.back() == '/' ||
      mosquitto_sub_topic_check(d.subscription.c_str()) != MOSQ_ERR_SUCCESS)
    return bad("topic_prefix", "El prefijo de temas MQTT «" + o.topic_prefix + "» no es válido.");

  init_library();
  if (!d.mosq) {
    // clean_session = false: the broker keeps our subscription and queues QoS 1 messages for us.
    d.mosq = mosquitto_new(o.client_id.c_str(), false, &d);
    if (!d.mosq) return fail(Error::unavailable("No se pudo crear el cliente MQTT."));
    mosquitto_connect_callback_set(d.mosq, &Impl::connect_cb);
    mosquitto_disconnect_callback_set(d.mosq, &Impl::disconnect_cb);
    mosquitto_subscribe_callback_set(d.mosq, &Impl::subscribe_cb);
    mosquitto_message_callback_set(d.mosq, &Impl::message_cb);
    mosquitto_int_option(d.mosq, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311);
    if (!o.username.empty() &&
        mosquitto_username_pw_set(d.mosq, o.username.c_str(), o.password.empty() ? nullptr : o.password.c_str()) !=
            MOSQ_ERR_SUCCESS)
      return fail(Error::unavailable("No se pudo configurar el usuario MQTT."));
  }
  {
    std::lock_guard lock(d.mu);
    d.stop_requested = false;
  }
  d.running = true;
  d.thread = std::thread([&d] { d.run(); });
  return {};
}

void MqttBridge::stop() {
  Impl& d = *impl_;
  if (!d.running) return;
  {
    // Replies still owed go out while connected (a few seconds at most: the service commits or
    // fails every batch it took); then the loop stops.
    std::unique_lock lock(d.mu);
    d.settled.wait_for(lock, std::chrono::seconds(5), [&d] { return d.pending == 0; });
    d.stop_requested = true;
  }
  d.cv.notify_all();
  if (d.thread.joinable()) d.thread.join();
  {
    // The service answers every batch it took (committed or failed); its replies need mosq.
    std::unique_lock lock(d.mu);
    d.settled.wait(lock, [&d] { return d.pending == 0; });
  }
  d.running = false;
}

MqttBridge::Counters MqttBridge::counters() const {
  const Impl& d = *impl_;
  return Counters{d.messages.load(), d.accepted.load(), d.refused.load(), d.reconnects.load()};
}

bool MqttBridge::connected() const { return impl_->subscribed; }

}  // namespace eq::monitoring
