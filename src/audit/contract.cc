// The audit log as the core sees it (kernel/module.h). It opens before every module that writes to
// it; the names of users and institutions in its browser come from the accounts module through
// an adapter the composition root provides (audit::NameResolver).
#include "audit/log.h"
#include "audit/routes.h"
#include "kernel/module.h"

namespace eq::audit {

kernel::Module module() {
  return {
      .name = "audit",
      .migrations = migrations,
      .open = [](kernel::Context& ctx) -> Result<void> {
        auto log = std::make_shared<Log>(ctx.db);
        auto seal = Seal::load_or_create(seal_path_for(ctx.key_file));
        if (!seal) return fail(seal.error());
        if (auto ok = log->set_seal(std::make_shared<const Seal>(*seal)); !ok) return fail(ok.error());
        register_routes(ctx.router, log, *ctx.need<NameResolver>());
        ctx.provide(log);
        return {};
      },
  };
}

}  // namespace eq::audit
