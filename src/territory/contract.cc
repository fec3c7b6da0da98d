// The territory module as the core sees it (kernel/module.h): comunas, regions and boundaries,
// public reference data.
#include "kernel/module.h"
#include "territory/module.h"

namespace eq::territory {

kernel::Module module() {
  kernel::Module m;
  m.name = "territory";
  m.migrations = migrations;
  m.public_routes = {"GET /api/v1/territory/*"};
  m.open = [](kernel::Context& ctx) -> Result<void> {
    ctx.provide(register_routes(ctx.router, ctx.db, ctx.data_dir));
    return {};
  };
  m.preload = [](kernel::Context& ctx) { ctx.need<Service>()->preload(); };
  return m;
}

}  // namespace eq::territory
