// «Mascarilla 19» as the core sees it (kernel/module.h). It opens after channels, whose queue
// (channels::Intake) takes every activation; territory names comunas and regions.
#include "pharmacy/module.h"

namespace eq::pharmacy {

kernel::Module module() {
  return {
      .name = "pharmacy",
      .migrations = migrations,
      .encrypted_fields = encrypted_fields,
      .open = [](kernel::Context& ctx) -> Result<void> {
        auto intake = ctx.need<channels::Intake>();
        auto options = ctx.find<Options>();
        auto svc = std::make_shared<Service>(ctx.db, ctx.keys, *ctx.need<audit::Log>(), *intake, ctx.need<territory::Service>(),
                                             options ? *options : Options{});
        // Only this channel's contacts move a report's status; the queue outlives no service.
        intake->on_change([weak = std::weak_ptr<Service>(svc)](const std::string& channel, const std::string& ref, const channels::Holder& h) {
          if (channel != "pharmacy") return;
          if (auto live = weak.lock()) live->queue_changed(ref, h);
        });
        register_routes(ctx.router, svc);
        ctx.provide(svc);
        return {};
      },
      .home_items = [](kernel::Context& ctx) -> kernel::HomeSource {
        return [svc = ctx.need<Service>()](const http::Request& req) { return pharmacy::home_items(*svc, req); };
      },
      .load_demo = [](kernel::Context& ctx) -> Result<void> { return ctx.need<Service>()->load_demo(*ctx.need<kernel::FindDemoAccount>()); },
      // A report the queue refused (outside the line's hours) goes in as soon as it opens.
      .jobs = {{"pharmacy intake", std::chrono::seconds(30),
                [](kernel::Context& ctx, int64_t) -> Result<void> {
                  auto n = ctx.need<Service>()->retry_intake();
                  if (!n) return fail(n.error());
                  return {};
                }}},
  };
}

}  // namespace eq::pharmacy
