// The case registry as the core sees it (kernel/module.h). The institutions it names come from the
// accounts module through cases::Directory, an adapter the composition root provides; the early
// alerts plug themselves in (alerts/contract.cc), the registry does not know them.
#include "cases/encrypted_fields.h"
#include "cases/module.h"
#include "kernel/module.h"
#include "risk/instrument.h"

namespace eq::cases {

kernel::Module module() {
  return {
      .name = "cases",
      .migrations = migrations,
      .encrypted_fields = encrypted_fields,
      .open = [](kernel::Context& ctx) -> Result<void> {
        auto svc = std::make_shared<Service>(ctx.db, ctx.keys, *ctx.need<audit::Log>(), ctx.need<territory::Service>(),
                                             *ctx.need<Directory>(), ctx.need<const risk::Instrument>());
        if (auto loaded = svc->load_index(); !loaded) return fail(loaded.error());
        register_routes(ctx.router, svc);
        ctx.provide(svc);
        return {};
      },
      .home_items = [](kernel::Context& ctx) -> kernel::HomeSource {
        return [svc = ctx.need<Service>()](const http::Request& req) { return svc->home_items(req); };
      },
      // Written as the demo centre's case worker and the demo police officer (auth/demo.cc).
      .load_demo = [](kernel::Context& ctx) -> Result<void> {
        const auto& find = *ctx.need<kernel::FindDemoAccount>();
        auto centre = find("caso@equidad.demo");
        if (!centre) return fail(centre.error());
        auto police = find("policia@equidad.demo");
        if (!police) return fail(police.error());
        return cases::load_demo(*ctx.need<Service>(), centre->institution_id, centre->user_id, police->institution_id, police->user_id);
      },
  };
}

}  // namespace eq::cases
