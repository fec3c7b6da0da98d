// The territory module as the core sees it (kernel/module.h): comunas, regions and boundaries,
// public reference data.
#include "kernel/module.h"
#include "territory/module.h"

namespace eq::territory {

kernel::Module module() {
  return {
      .name = "territory",
      .migrations = migrations,
      .public_routes = {"GET /api/v1/territory/*"},
      .open = [](kernel::Context& ctx) -> Result<void> {
        ctx.provide(register_routes(ctx.router, ctx.db, ctx.data_dir));
        return {};
      },
      .preload = [](kernel::Context& ctx) { ctx.need<Service>()->preload(); },
  };
}

}  // namespace eq::territory
