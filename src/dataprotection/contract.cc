// The data-protection register as the core sees it (kernel/module.h): its tables, the requester's
// identity as declared encrypted columns, routes, home items and the overdue job. What other
// modules hold about a person (PersonalDataSources) and every module's declared columns
// (Inventory) come from the composition root (src/app/app.cc wire()).
#include "core/time.h"
#include "dataprotection/holds.h"
#include "dataprotection/module.h"
#include "dataprotection/retention.h"
#include "kernel/module.h"

namespace eq::dataprotection {

kernel::Module module() {
  return {
      .name = "dataprotection",
      .migrations = migrations,
      .encrypted_fields = encrypted_fields,
      .public_routes = {},
      .open = [](kernel::Context& ctx) -> Result<void> {
        auto sources = ctx.find<PersonalDataSources>();
        auto inventory = ctx.find<Inventory>();
        auto svc = std::make_shared<Service>(ctx.db, ctx.keys, *ctx.need<audit::Log>(), sources ? *sources : PersonalDataSources{},
                                             inventory ? *inventory : Inventory{});
        if (auto kinds = ctx.find<Retentions>()) svc->set_retention(*kinds);
        register_routes(ctx.router, svc);
        register_hold_routes(ctx.router, svc);
        register_purge_routes(ctx.router, svc);
        ctx.provide(svc);
        return {};
      },
      .home_items = [](kernel::Context& ctx) -> kernel::HomeSource {
        return [svc = ctx.need<Service>()](const http::Request& req) { return dataprotection::home_items(*svc, req); };
      },
      .load_demo = [](kernel::Context& ctx) -> Result<void> {
        auto officer = (*ctx.need<kernel::FindDemoAccount>())("dpo@equidad.demo");
        if (!officer) return fail(officer.error());
        return ctx.need<Service>()->load_demo(officer->user_id, now_ms());
      },
      .jobs = {{"dataprotection overdue requests", std::nullopt,
                [](kernel::Context& ctx, int64_t now) -> Result<void> {
                  if (auto n = ctx.need<Service>()->flag_overdue(now); !n) return fail(n.error());
                  return {};
                }},
               // Retention purge: looks every hour, runs once a day (purge_job), so a restart
               // neither skips nor repeats a day.
               {"dataprotection retention purge", std::chrono::hours(1),
                [](kernel::Context& ctx, int64_t now) -> Result<void> { return purge_job(*ctx.need<Service>(), now); }}},
  };
}

}  // namespace eq::dataprotection
