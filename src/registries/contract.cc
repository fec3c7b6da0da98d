// The ministry's registries as the core sees them (kernel/module.h): certified organisations and
// agreements; their tables, public routes (the lists of certified organisations), routes, home
// items, demo and the agreements' alert job. No encrypted column: an organisation's RUT is a legal
// person's public tax number, and agreements hold no personal data.
//
// The early-alert engine (src/alerts) is about women in the case registry (its alerts name a
// person and a responsible team); an agreement's expiry is not, so the alerts live here, in
// registries_alerts, shown on the agreement and on the editors' home page.
#include "kernel/module.h"
#include "registries/module.h"

namespace eq::registries {

kernel::Module module() {
  return {
      .name = "registries",
      .migrations = migrations,
      .encrypted_fields = {},
      .public_routes = {"GET /api/v1/registries/public/*"},
      .open = [](kernel::Context& ctx) -> Result<void> {
        auto svc = std::make_shared<Service>(ctx.db, *ctx.need<audit::Log>(), ctx.find<Options>() ? *ctx.find<Options>() : Options{});
        register_routes(ctx.router, svc);
        ctx.provide(svc);
        return {};
      },
      .home_items = [](kernel::Context& ctx) -> kernel::HomeSource {
        return [svc = ctx.need<Service>()](const http::Request& req) { return registries::home_items(*svc, req); };
      },
      .load_demo = [](kernel::Context& ctx) -> Result<void> { return ctx.need<Service>()->load_demo(); },
      .jobs = {{"registries agreement and certification alerts", std::nullopt,
                [](kernel::Context& ctx, int64_t now) -> Result<void> {
                  if (auto n = ctx.need<Service>()->raise_alerts(now); !n) return fail(n.error());
                  if (auto n = ctx.need<Service>()->raise_cert_alerts(now); !n) return fail(n.error());
                  return {};
                }}},
  };
}

}  // namespace eq::registries
