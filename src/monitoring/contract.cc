// Telematic monitoring of protective orders as the core sees it (kernel/module.h). Only the
// module's stable public functions (monitoring/module.h, monitoring/mqtt.h) are called here. What
// it needs from other modules (units, comunas, user names) arrives as monitoring::Directory, an
// adapter the composition root provides; its settings as ServiceOptions and, when devices publish
// over MQTT, MqttOptions.
#include "kernel/module.h"
#include "monitoring/module.h"
#include "monitoring/mqtt.h"

namespace eq::monitoring {

namespace {

// Builds the service from the database, registers its routes and gauges, and connects to the
// broker devices publish to when one is configured.
Result<void> open(kernel::Context& ctx) {
  auto options = ctx.find<ServiceOptions>();
  auto svc =
      std::make_shared<Service>(ctx.db, ctx.keys, *ctx.need<audit::Log>(), *ctx.need<Directory>(), options ? *options : ServiceOptions{});
  if (auto ok = svc->start(); !ok) return ok;
  ctx.provide(svc);
  register_routes(ctx.router, svc);
  auto mon = svc.get();
  ctx.metrics.add_gauge("equidad_monitoring_positions_received_total", "Positions received by the monitoring engine.",
                        [mon] { return static_cast<double>(mon->stats().received); });
  ctx.metrics.add_gauge("equidad_monitoring_positions_rejected_total", "Positions rejected (coordinates, time, speed, unknown device).",
                        [mon] { return static_cast<double>(mon->stats().rejected_total()); });
  ctx.metrics.add_gauge("equidad_monitoring_alerts_total", "Alerts raised by the monitoring engine, repeats included.",
                        [mon] { return static_cast<double>(mon->stats().alerts); });
  if (auto mqtt = ctx.find<MqttOptions>()) {
    auto bridge = std::make_shared<MqttBridge>(*mqtt, [svc](const Credentials& who, std::vector<Position> ps, const std::string& client,
                                                            IngestDone done) { svc->ingest_then(who, std::move(ps), client, std::move(done)); });
    ctx.provide(bridge);
    if (auto ok = bridge->start(); !ok) return ok;
    auto b = bridge.get();
    ctx.metrics.add_gauge("equidad_monitoring_mqtt_connected", "1 while subscribed to the MQTT broker.",
                          [b] { return b->connected() ? 1.0 : 0.0; });
    ctx.metrics.add_gauge("equidad_monitoring_mqtt_messages_total", "MQTT messages received from devices.",
                          [b] { return static_cast<double>(b->counters().messages); });
  }
  // No gauge of live connections: /metrics is public, and whether a control-centre console or a
  // unit is watching right now is exactly what someone planning an attack would like to know.
  return {};
}

}  // namespace

kernel::Module module() {
  return {
      .name = "monitoring",
      .migrations = migrations,
      .encrypted_fields = encrypted_fields,
      // Devices authenticate with their own key (not a session); the export key is for courts.
      .public_routes = {"GET /api/v1/monitoring/export-key", "GET /api/v1/monitoring/osmand", "POST /api/v1/monitoring/osmand",
                        "POST /api/v1/monitoring/positions"},
      .open = open,
      .home_items = [](kernel::Context& ctx) -> kernel::HomeSource {
        return [svc = ctx.need<Service>()](const http::Request& req) { return monitoring::home_items(*svc, req); };
      },
      .load_demo = [](kernel::Context& ctx) { return monitoring::load_demo(*ctx.need<Service>()); },
      // Silence and escalations every second (their timeouts are seconds), retention hourly.
      .jobs = {{"monitoring", std::chrono::seconds(1),
                [next_purge = std::make_shared<int64_t>(0)](kernel::Context& ctx, int64_t now) -> Result<void> {
                  auto svc = ctx.need<Service>();
                  svc->tick(now);
                  if (now < *next_purge) return {};
                  *next_purge = now + 3'600'000;
                  if (auto n = svc->purge_positions(now); !n) return fail(n.error());
                  return {};
                }}},
      .close =
          [](kernel::Context& ctx) {
            if (auto bridge = ctx.find<MqttBridge>()) bridge->stop();
            if (auto svc = ctx.find<Service>()) svc->stop();
          },
  };
}

}  // namespace eq::monitoring
