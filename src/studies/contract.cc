// The studies catalogue as the core sees it (kernel/module.h): its tables, the public catalogue's
// routes, the editor's routes, home items for the studies staff and the seed's studies as demo.
// No encrypted column: a study holds no personal data (staff appear by account in revisions).
// Region names come from the territory module.
#include "kernel/module.h"
#include "studies/module.h"
#include "territory/module.h"

namespace eq::studies {

kernel::Module module() {
  return {
      .name = "studies",
      .migrations = migrations,
      .encrypted_fields = {},
      .public_routes = {"GET /api/v1/studies/public/*"},
      .open = [](kernel::Context& ctx) -> Result<void> {
        auto regions = territory::Repository(ctx.db).regions();
        if (!regions) return fail(regions.error());
        auto svc = std::make_shared<Service>(ctx.db, *ctx.need<audit::Log>(), std::move(*regions));
        register_routes(ctx.router, svc);
        ctx.provide(svc);
        return {};
      },
      .home_items = [](kernel::Context& ctx) -> kernel::HomeSource {
        return [svc = ctx.need<Service>()](const http::Request& req) { return studies::home_items(*svc, req); };
      },
      .load_demo = [](kernel::Context& ctx) -> Result<void> { return ctx.need<Service>()->load_demo(); },
  };
}

}  // namespace eq::studies
