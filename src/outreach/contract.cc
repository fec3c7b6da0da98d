// Outreach as the core sees it (kernel/module.h): trainings, campaigns and talks; registrants'
// names, e-mails and codes as declared encrypted columns; the public routes (lists, registration,
// certificate check); home items and demo. Comuna codes are checked against the territory module.
#include "kernel/module.h"
#include "outreach/module.h"
#include "territory/module.h"

namespace eq::outreach {

kernel::Module module() {
  return {
      .name = "outreach",
      .migrations = migrations,
      .encrypted_fields = encrypted_fields,
      .public_routes = {"GET /api/v1/outreach/public/*", "POST /api/v1/outreach/public/*"},
      .open = [](kernel::Context& ctx) -> Result<void> {
        auto svc = std::make_shared<Service>(ctx.db, ctx.keys, *ctx.need<audit::Log>());
        auto territory = std::make_shared<territory::Repository>(ctx.db);
        register_routes(ctx.router, svc, [territory](const std::string& id) {
          auto c = territory->comuna(id);
          return c && c->has_value();
        });
        ctx.provide(svc);
        return {};
      },
      .home_items = [](kernel::Context& ctx) -> kernel::HomeSource {
        return [svc = ctx.need<Service>()](const http::Request& req) { return outreach::home_items(*svc, req); };
      },
      .load_demo = [](kernel::Context& ctx) -> Result<void> {
        const auto& find = *ctx.need<kernel::FindDemoAccount>();
        auto ministry = find("analista@equidad.demo");
        if (!ministry) return fail(ministry.error());
        auto health = find("enlace@equidad.demo");
        if (!health) return fail(health.error());
        return ctx.need<Service>()->load_demo(ministry->institution_id, health->institution_id);
      },
  };
}

}  // namespace eq::outreach
