// Citizens' participation as the core sees it (kernel/module.h). It reads the public account's
// published editions through participation/editions.h (implemented in src/app/app.cc), region names
// from territory, and its relay and limits from Options (EQ_SMTP, EQ_PARTICIPATION_POW_BITS,
// EQ_PARTICIPATION_FLOOD, provided by the composition root). The phase job switches each process
// by its calendar at every sweep.
#include "core/time.h"
#include "kernel/module.h"
#include "participation/module.h"
#include "territory/module.h"

namespace eq::participation {

kernel::Module module() {
  return {
      .name = "participation",
      .migrations = migrations,
      .encrypted_fields = encrypted_fields,
      .public_routes = {"GET /api/v1/participation/public/*", "POST /api/v1/participation/public/*"},
      .open = [](kernel::Context& ctx) -> Result<void> {
        Options o = ctx.find<Options>() ? *ctx.find<Options>() : Options{};
        territory::Repository territory(ctx.db);
        auto rs = territory.regions();
        if (!rs) return fail(rs.error());
        for (const auto& r : *rs) o.regions.push_back({r.id, r.name});
        auto svc = std::make_shared<Service>(ctx.db, ctx.keys, ctx.need<audit::Log>(), *ctx.need<Editions>(), std::move(o));
        register_routes(ctx.router, svc);
        ctx.provide(svc);
        return {};
      },
      .home_items = [](kernel::Context& ctx) -> kernel::HomeSource {
        return [svc = ctx.need<Service>()](const http::Request& req) { return participation::home_items(*svc, req); };
      },
      .load_demo = [](kernel::Context& ctx) { return ctx.need<Service>()->load_demo(now_ms()); },
      .jobs = {{"participation phases", std::nullopt,
                [](kernel::Context& ctx, int64_t now) -> Result<void> {
                  if (auto n = ctx.need<Service>()->switch_phases(now); !n) return fail(n.error());
                  return {};
                }}},
  };
}

}  // namespace eq::participation
