// «Mascarilla 19» as the core sees it (kernel/module.h). It opens after channels, whose queue
// (channels::Intake) takes every activation; territory names comunas and regions.
#include <cstdlib>

#include "pharmacy/module.h"

namespace eq::pharmacy {

namespace {
// Deadlines are configuration (seconds): EQ_PHARMACY_FOLLOWUP_SECONDS (default a day),
// EQ_PHARMACY_URGENT_SECONDS (15 min) and EQ_PHARMACY_SECOND_LEVEL_SECONDS (2 h after the first
// escalation). A value that is not a positive number keeps the default.
void from_env(int64_t& ms, const char* name) {
  const char* v = std::getenv(name);
  if (!v || !*v) return;
  char* end = nullptr;
  const long long s = std::strtoll(v, &end, 10);
  if (end && *end == '\0' && s > 0 && s <= 90LL * 86'400) ms = s * 1000;
}
}  // namespace

kernel::Module module() {
  return {
      .name = "pharmacy",
      .migrations = migrations,
      .encrypted_fields = encrypted_fields,
      .open = [](kernel::Context& ctx) -> Result<void> {
        auto intake = ctx.need<channels::Intake>();
        auto given = ctx.find<Options>();
        Options options = given ? *given : Options{};
        from_env(options.followup_ms, "EQ_PHARMACY_FOLLOWUP_SECONDS");
        from_env(options.urgent_followup_ms, "EQ_PHARMACY_URGENT_SECONDS");
        from_env(options.second_level_ms, "EQ_PHARMACY_SECOND_LEVEL_SECONDS");
        auto svc = std::make_shared<Service>(ctx.db, ctx.keys, *ctx.need<audit::Log>(), *intake, ctx.need<territory::Service>(), options);
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
                }},
               // A report past its deadline without closure escalates (at the instance's sweep interval).
               {"pharmacy escalation", std::nullopt,
                [](kernel::Context& ctx, int64_t now) -> Result<void> {
                  auto n = ctx.need<Service>()->escalate(now);
                  if (!n) return fail(n.error());
                  return {};
                }}},
  };
}

}  // namespace eq::pharmacy
