// Public-policy follow-up as the core sees it (kernel/module.h). Only the module's stable public
// functions (policy/module.h) are called here.
#include "auth/service.h"
#include "kernel/module.h"
#include "policy/module.h"

namespace eq::policy {

kernel::Module module() {
  return {
      .name = "policy",
      .migrations = migrations,
      .public_routes = {"GET /api/v1/policy/public/*"},
      .open = [](kernel::Context& ctx) -> Result<void> {
        register_routes(ctx.router, ctx.db, ctx.need<audit::Log>(), ctx.need<auth::Service>());
        return {};
      },
      .home_items = [](kernel::Context& ctx) -> kernel::HomeSource {
        return [db = &ctx.db](const http::Request& req) { return policy::home_items(*db, req); };
      },
      .load_demo = [](kernel::Context& ctx) { return policy::load_demo(ctx.db, *ctx.need<audit::Log>(), *ctx.need<auth::Service>(), ctx.data_dir); },
  };
}

}  // namespace eq::policy
