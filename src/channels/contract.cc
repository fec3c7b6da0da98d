// The help channels as the core sees them (kernel/module.h): the one operator queue, provided to
// the transports as channels::Intake (the silent chat opens after this module and finds it), the
// telephony webhook with its shared secret beside the key file, a one-second job for offers.
#include <chrono>
#include <cstdlib>
#include <string_view>

#include "cases/module.h"
#include "channels/history.h"
#include "channels/module.h"
#include "core/log.h"
#include "core/time.h"
#include "kernel/module.h"

namespace eq::channels {

namespace {

int env_int(const char* name, int fallback, int lo, int hi) {
  const char* v = std::getenv(name);
  if (!v || !*v) return fallback;
  int n = std::atoi(v);
  return n < lo || n > hi ? fallback : n;
}

Result<void> open(kernel::Context& ctx) {
  Options options;
  if (auto given = ctx.find<Options>()) options = *given;
  // Opening hours are configuration: EQ_CHANNELS_HOURS ("1-5 08:00-24:00", the 1455's today, or "24/7").
  const char* spec = std::getenv("EQ_CHANNELS_HOURS");
  auto hours = Hours::parse(spec && *spec ? spec : "1-5 08:00-24:00");
  if (!hours) return fail(Error{500, "config", "EQ_CHANNELS_HOURS: " + hours.error().message, {}});
  options.hours = *hours;
  options.offer_seconds = env_int("EQ_CHANNELS_OFFER_SECONDS", options.offer_seconds, 1, 600);
  auto secret = load_or_create_secret(telephony_secret_path(ctx.key_file));
  if (!secret) return fail(secret.error());
  auto callers = load_or_create_secret(callers_key_path(ctx.key_file));
  if (!callers) return fail(callers.error());
  auto svc = std::make_shared<Service>(ctx.db, ctx.keys, *ctx.need<audit::Log>(), ctx.find<cases::Service>(), *secret, *callers, options);
  if (auto dir = ctx.find<Directory>()) svc->set_directory(*dir);
  ctx.provide(svc);
  ctx.provide<Intake>(svc);
  register_routes(ctx.router, svc);
  // Statistics over time: the pharmacy's count, the XLSX writer and the region names come from
  // the composition root (HistorySources).
  HistorySources sources;
  if (auto given = ctx.find<HistorySources>()) sources = *given;
  auto history = std::make_shared<History>(ctx.db, *ctx.need<audit::Log>(), std::move(sources));
  ctx.provide(history);
  register_history_routes(ctx.router, history);
  return {};
}

}  // namespace

kernel::Module module() {
  return {
      .name = "channels",
      .migrations = migrations,
      .encrypted_fields = encrypted_fields,
      // The switch authenticates with its HMAC signature; the hours are what the public site shows.
      .public_routes = {"GET /api/v1/channels/hours", "POST /api/v1/channels/telephony/events"},
      .open = open,
      .home_items = [](kernel::Context& ctx) -> kernel::HomeSource {
        return [svc = ctx.need<Service>()](const http::Request& req) { return channels::home_items(*svc, req); };
      },
      .load_demo =
          [](kernel::Context& ctx) -> Result<void> {
        auto find = ctx.need<kernel::FindDemoAccount>();
        auto op = (*find)("operador@equidad.demo");
        if (!op) return fail(op.error());
        if (auto r = ctx.need<Service>()->load_demo(op->user_id, op->institution_id, now_ms()); !r) return r;
        // The synthetic contact history 2019–2021 the statistics count (history.h): written by
        // preload, beside the server's start, because it takes seconds on PostgreSQL. Test servers
        // that do not count it skip it (EQ_DEMO_CHANNEL_HISTORY=0, the integration harness's
        // default): ~240.000 rows at each of a hundred server starts is minutes of CI.
        if (const char* v = std::getenv("EQ_DEMO_CHANNEL_HISTORY"); v && std::string_view(v) == "0") return {};
        if (auto wanted = ctx.need<History>()->want_demo(); !wanted) return fail(wanted.error());
        return {};
      },
      // Offers not taken in time go back to the queue and on to someone else.
      .jobs = {{"channels offers", std::chrono::seconds(1),
                [](kernel::Context& ctx, int64_t now) -> Result<void> {
                  if (auto n = ctx.need<Service>()->dispatch(now); !n) return fail(n.error());
                  return {};
                }}},
      .preload =
          [](kernel::Context& ctx) {
            auto history = ctx.need<History>();
            if (!history->demo_wanted() || history->status() != "computing") return;
            const auto started = std::chrono::steady_clock::now();
            auto rows = history->load_demo();
            if (!rows) spdlog::error("channels: demo history: {}", rows.error().message);
            else if (*rows)
              spdlog::info("channels: demo history of {} contacts written in {} ms", *rows,
                           std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count());
          },
  };
}

}  // namespace eq::channels
