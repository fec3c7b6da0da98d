// The early alerts as the core sees them (kernel/module.h). They plug into the case registry:
// its persons' histories in (RegistrySource), alerts out to its person view and statistics
// (RegistryFeed, the registry's AlertFeed). A sweep job fires deadlines and escalations.
#include "alerts/module.h"
#include "alerts/registry.h"
#include "cases/module.h"
#include "kernel/module.h"

namespace eq::alerts {

kernel::Module module() {
  return {
      .name = "alerts",
      .migrations = migrations,
      .open = [](kernel::Context& ctx) -> Result<void> {
        auto registry = ctx.need<cases::Service>();
        auto source = std::make_shared<RegistrySource>(registry);
        ctx.provide(source);  // the service keeps a reference to it
        auto svc = std::make_shared<Service>(ctx.db, *ctx.need<audit::Log>(), *source);
        // Names institutions in explanations, as the registry names them.
        svc->set_institution_names(registry->directory().institution_names);
        registry->set_alerts(std::make_shared<RegistryFeed>(svc));
        register_routes(ctx.router, svc);
        ctx.provide(svc);
        return {};
      },
      .home_items = [](kernel::Context& ctx) -> kernel::HomeSource {
        return [svc = ctx.need<Service>()](const http::Request& req) { return alerts::home_items(*svc, req); };
      },
      // Time-based rules (deadlines) and escalations are found by a periodic sweep.
      .jobs = {{"alerts sweep", std::nullopt,
                [](kernel::Context& ctx, int64_t now) -> Result<void> {
                  if (auto n = ctx.need<Service>()->sweep(now); !n) return fail(n.error());
                  return {};
                }}},
  };
}

}  // namespace eq::alerts
