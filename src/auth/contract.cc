// Accounts, institutions, sessions and the home page, as the core sees them (kernel/module.h).
// Other modules add their home-page items through the composition root (auth hosts the page).
#include "auth/demo.h"
#include "auth/encrypted_fields.h"
#include "auth/repository.h"
#include "auth/routes.h"
#include "auth/service.h"
#include "kernel/module.h"
#include "territory/module.h"

namespace eq::auth {

kernel::Module module() {
  return {
      .name = "auth",
      .migrations = migrations,
      .encrypted_fields = encrypted_fields,
      .public_routes = {"POST /api/v1/auth/login", "POST /api/v1/auth/login/totp", "POST /api/v1/auth/login/enrol"},
      .open = [](kernel::Context& ctx) -> Result<void> {
        auto policy = ctx.find<Policy>();
        auto svc = std::make_shared<Service>(ctx.db, ctx.keys, *ctx.need<audit::Log>(), ctx.need<territory::Service>(),
                                             policy ? *policy : Policy{});
        register_routes(ctx.router, svc);
        ctx.provide(svc);
        return {};
      },
      .load_demo = [](kernel::Context& ctx) { return auth::load_demo(*ctx.need<Service>()); },
  };
}

}  // namespace eq::auth
