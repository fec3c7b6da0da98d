// The legislative agenda as the core sees it (kernel/module.h): bills are public reading.
#include "kernel/module.h"
#include "legislative/module.h"

namespace eq::legislative {

kernel::Module module() {
  return {
      .name = "legislative",
      .migrations = migrations,
      .public_routes = {"GET /api/v1/legislative/bills", "GET /api/v1/legislative/bills/{id}", "GET /api/v1/legislative/urgencies/due"},
      .open = [](kernel::Context& ctx) -> Result<void> {
        register_routes(ctx.router, ctx.db, ctx.need<audit::Log>());
        return {};
      },
      .load_demo = [](kernel::Context& ctx) { return legislative::load_demo(ctx.db, *ctx.need<audit::Log>()); },
  };
}

}  // namespace eq::legislative
