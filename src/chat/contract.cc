// The silent chat as the core sees it (kernel/module.h). It opens after channels, whose queue it
// hands every conversation to (channels::Intake); the municipal units it can escalate to arrive
// as chat::Dispatch, an adapter of the composition root; its settings as chat::Options.
#include "chat/module.h"
#include "core/log.h"
#include "kernel/module.h"

namespace eq::chat {

kernel::Module module() {
  return {
      .name = "chat",
      .migrations = migrations,
      .encrypted_fields = encrypted_fields,
      // Her connection: anonymous by design (no account, no cookie).
      .public_routes = {"GET /api/v1/chat/ws"},
      .open = [](kernel::Context& ctx) -> Result<void> {
        // The queue (channels, which opens first) provides Intake; a chat nobody answers must not
        // start, so a server without the queue fails to open rather than serving it.
        auto intake = ctx.need<channels::Intake>();
        auto options = ctx.find<Options>();
        auto dispatch = ctx.find<Dispatch>();
        auto svc = std::make_shared<Service>(ctx.db, ctx.keys, *ctx.need<audit::Log>(), *intake, dispatch ? *dispatch : Dispatch{},
                                             options ? *options : Options{});
        std::weak_ptr<Service> weak = svc;
        intake->on_change([weak](const std::string& channel, const std::string& ref, const channels::Holder& h) {
          if (auto s = weak.lock()) s->queue_changed(channel, ref, h);
        });
        register_routes(ctx.router, svc);
        ctx.provide(svc);
        return {};
      },
      // One urgent conversation waiting in the queue, so the demo operator has a chat to take.
      .load_demo = [](kernel::Context& ctx) -> Result<void> {
        auto svc = ctx.find<Service>();
        return svc ? svc->load_demo() : Result<void>{};
      },
      // Retention: hourly is plenty for a period counted in days.
      .jobs = {{"chat retention", std::chrono::hours(1),
                [](kernel::Context& ctx, int64_t now) -> Result<void> {
                  auto svc = ctx.find<Service>();
                  if (!svc) return {};
                  auto n = svc->purge(now);
                  if (!n) return fail(n.error());
                  return {};
                }}},
  };
}

}  // namespace eq::chat
