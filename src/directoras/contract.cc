// The Registro de Directoras as the core sees it (kernel/module.h): its tables, the women's RUT,
// e-mail and phone as declared encrypted columns, routes, home items, demo and the stale-profile
// reminder job. Region names come from the territory module.
#include <algorithm>
#include <cstdlib>

#include "directoras/module.h"
#include "kernel/module.h"
#include "territory/module.h"

namespace eq::directoras {

// The demo's women: the seed's launch figure is "más de 600"; this many are generated.
constexpr int kDemoWomen = 640;

kernel::Module module() {
  return {
      .name = "directoras",
      .migrations = migrations,
      .encrypted_fields = encrypted_fields,
      .public_routes = {},
      .open = [](kernel::Context& ctx) -> Result<void> {
        std::vector<std::pair<std::string, std::string>> regions;
        territory::Repository territory(ctx.db);
        auto rs = territory.regions();
        if (!rs) return fail(rs.error());
        for (const auto& r : *rs) regions.push_back({r.id, r.name});
        auto svc = std::make_shared<Service>(ctx.db, ctx.keys, *ctx.need<audit::Log>(),
                                             ctx.find<Options>() ? *ctx.find<Options>() : Options{}, std::move(regions));
        register_routes(ctx.router, svc);
        ctx.provide(svc);
        return {};
      },
      .home_items = [](kernel::Context& ctx) -> kernel::HomeSource {
        return [svc = ctx.need<Service>()](const http::Request& req) { return directoras::home_items(*svc, req); };
      },
      .load_demo = [](kernel::Context& ctx) -> Result<void> {
        const auto& find = *ctx.need<kernel::FindDemoAccount>();
        std::vector<std::pair<std::string, int64_t>> accounts;
        for (const char* email : {"directora@equidad.demo", "directora2@equidad.demo"})
          if (auto a = find(email)) accounts.push_back({email, a->user_id});
        // EQ_DIRECTORAS_DEMO_WOMEN: another count, for the search benchmark (bench/directoras/run.sh
        // generates 100.000 through this same generator).
        int n = kDemoWomen;
        if (const char* v = std::getenv("EQ_DIRECTORAS_DEMO_WOMEN"); v && *v) n = std::clamp(std::atoi(v), 0, 1'000'000);
        return ctx.need<Service>()->load_demo(n, accounts);
      },
      .jobs = {{"directoras stale reminders", std::nullopt,
                [](kernel::Context& ctx, int64_t now) -> Result<void> {
                  if (auto n = ctx.need<Service>()->remind_stale(now); !n) return fail(n.error());
                  return {};
                }}},
  };
}

}  // namespace eq::directoras
