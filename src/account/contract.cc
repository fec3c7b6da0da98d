// The public account as the core sees it (kernel/module.h). Its figures come from the legislative
// agenda, policy tracking and the help channels through account/sources.h (wired in src/app/app.cc);
// it opens after them and loads its demo after theirs, so the demo edition is compiled from their
// demo history.
#include "account/module.h"
#include "kernel/module.h"

namespace eq::account {

kernel::Module module() {
  return {
      .name = "account",
      .migrations = migrations,
      .public_routes = {"GET /api/v1/account/public/*"},
      .open = [](kernel::Context& ctx) -> Result<void> {
        auto svc = std::make_shared<Service>(ctx.db, ctx.need<audit::Log>(), *ctx.need<Sources>());
        register_routes(ctx.router, svc);
        ctx.provide(svc);
        return {};
      },
      .home_items = [](kernel::Context& ctx) -> kernel::HomeSource {
        return [svc = ctx.need<Service>()](const http::Request& req) { return account::home_items(*svc, req); };
      },
      .load_demo = [](kernel::Context& ctx) { return ctx.need<Service>()->load_demo(ctx.data_dir); },
  };
}

}  // namespace eq::account
