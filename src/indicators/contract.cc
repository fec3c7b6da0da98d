// The gender indicators as the core sees them (kernel/module.h). Other modules' figures reach the
// catalogue through PlatformSources, which the composition root provides (src/app/app.cc).
#include "indicators/module.h"
#include "indicators/service.h"
#include "kernel/module.h"

namespace eq::indicators {

kernel::Module module() {
  return {
      .name = "indicators",
      .migrations = migrations,
      .public_routes = {"GET /api/v1/indicators/public/*"},
      .open = [](kernel::Context& ctx) -> Result<void> {
        auto sources = ctx.find<PlatformSources>();
        auto svc = std::make_shared<Service>(ctx.db, ctx.need<audit::Log>(),
                                             sources ? std::shared_ptr<const PlatformSources>(sources) : std::make_shared<const PlatformSources>());
        register_routes(ctx.router, svc);
        ctx.provide(svc);
        return {};
      },
      .home_items = [](kernel::Context& ctx) -> kernel::HomeSource {
        return [svc = ctx.need<Service>()](const http::Request& req) { return indicators::home_items(*svc, req); };
      },
      .load_demo = [](kernel::Context& ctx) { return indicators::load_demo(*ctx.need<Service>(), *ctx.need<kernel::FindDemoAccount>()); },
      // Hourly: a period becomes due at most once a day; the reminder is recorded once per period.
      .jobs = {{"indicators reminders", std::chrono::hours(1),
                [](kernel::Context& ctx, int64_t now) -> Result<void> {
                  if (auto n = ctx.need<Service>()->remind_due(now); !n) return fail(n.error());
                  return {};
                }}},
  };
}

Result<void> remind_due(Service& svc, int64_t now) {
  auto n = svc.remind_due(now);
  if (!n) return fail(n.error());
  return {};
}

}  // namespace eq::indicators
