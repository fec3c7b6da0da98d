// The councils module as the core sees it (kernel/module.h): its tables, public routes (every body,
// its members, sessions and agreements are public), routes, home items and the seed's demo. No
// encrypted column: members are public office holders and no contact data is held. Region names
// come from the territory module.
#include "core/time.h"
#include "councils/module.h"
#include "kernel/module.h"
#include "territory/module.h"

namespace eq::councils {

kernel::Module module() {
  return {
      .name = "councils",
      .migrations = migrations,
      .encrypted_fields = {},
      .public_routes = {"GET /api/v1/councils/public/*"},
      .open = [](kernel::Context& ctx) -> Result<void> {
        std::map<std::string, std::string> regions;
        auto rs = territory::Repository(ctx.db).regions();
        if (!rs) return fail(rs.error());
        for (const auto& r : *rs) regions[r.id] = r.name;
        auto svc = std::make_shared<Service>(ctx.db, *ctx.need<audit::Log>(), std::move(regions));
        register_routes(ctx.router, svc);
        ctx.provide(svc);
        return {};
      },
      .home_items = [](kernel::Context& ctx) -> kernel::HomeSource {
        return [svc = ctx.need<Service>()](const http::Request& req) { return councils::home_items(*svc, req); };
      },
      .load_demo = [](kernel::Context& ctx) -> Result<void> { return ctx.need<Service>()->load_demo(now_ms()); },
      .jobs = {},
  };
}

}  // namespace eq::councils
