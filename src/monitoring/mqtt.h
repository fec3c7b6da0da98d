// Positions over MQTT (issue 6): a libmosquitto client that takes trackers' messages from a broker
// (Mosquitto, started by scripts/mosquitto.sh) and hands them to the monitoring service's ingest.
//
// Topics, with the default prefix «equidad/dispositivos»:
//   {prefix}/{device_id}/posiciones  device → server, QoS 1. Payload: one OsmAnd query string per
//                                    line ('\n'), each with `key=<device secret>`; `id` may be
//                                    left out (the topic names the device) and must match when
//                                    present. Several lines are one ingest call (a tracker
//                                    emptying its buffer), at most 1000 lines and 64 KiB.
//   {prefix}/{device_id}/respuesta   server → device, QoS 1, after the positions are committed:
//                                    {"accepted","stale","duplicates","rejected","alerts","errors"}
//                                    (as POST /api/v1/monitoring/positions; `errors[].index` is the
//                                    line) or {"error":{"code","message"[,"field"]}} in Spanish.
//
// The bridge connects with a stable client id and clean_session = false, so the broker keeps the
// subscription and queues QoS 1 messages while the server is down or restarting; it subscribes
// again on every connection (a broker restarted without persistence has forgotten the session)
// and reconnects by itself with exponential back-off. Delivery is at least once: the client
// library acknowledges a message to the broker before it is ingested, so a device that gets no
// reply should send the position again (the service counts a resent instant as a duplicate).
//
// One thread (started by start()) does all the network work and calls the ingest function, which
// evaluates the positions at once (in the order the broker delivers them) and answers later, once
// they are committed: the reply is published from the thread that calls `done` (the service's
// writer), so a slow commit never stops the bridge from reading the next device's message.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/error.h"
#include "monitoring/engine.h"
#include "monitoring/module.h"

namespace eq::monitoring {

// Calls `done` exactly once, from any thread, after the positions are durable (or refused).
using IngestDone = std::function<void(Result<IngestSummary>)>;
using IngestFn = std::function<void(const Credentials&, std::vector<Position>, const std::string& client, IngestDone done)>;

struct MqttOptions {
  std::string host = "127.0.0.1";
  int port = 1883;
  std::string client_id = "equidad";  // stable: the broker keeps this client's session under it
  std::string username, password;     // empty: anonymous
  std::string topic_prefix = "equidad/dispositivos";
  int keepalive_s = 30;
  int reconnect_min_s = 1;   // back-off after a lost or refused connection: min, doubling up to max
  int reconnect_max_s = 30;
};

inline constexpr size_t kMqttMaxPayload = 64 * 1024;
inline constexpr size_t kMqttMaxLines = 1000;

class MqttBridge {
 public:
  MqttBridge(MqttOptions options, IngestFn ingest);
  ~MqttBridge();  // stop()
  MqttBridge(const MqttBridge&) = delete;
  MqttBridge& operator=(const MqttBridge&) = delete;

  // Checks the options and starts the network thread. An unreachable broker is not an error: the
  // thread keeps trying (and logs), so the server may start before the broker. Calling start()
  // while running does nothing.
  Result<void> start();
  // Disconnects cleanly (the broker keeps the session and queues for it), joins the thread and
  // waits for the replies of the messages still being committed. Idempotent.
  void stop();

  struct Counters {
    uint64_t messages = 0;    // received on {prefix}/+/posiciones
    uint64_t accepted = 0;    // ingested (the reply carries the per-position outcome)
    uint64_t refused = 0;     // not ingested: too large, malformed, bad credentials, service error
    uint64_t reconnects = 0;  // successful connections after the first
  };
  Counters counters() const;
  // Connected and subscribed (the broker acknowledged the subscription).
  bool connected() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace eq::monitoring
