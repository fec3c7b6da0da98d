// The network of care as the core sees it (kernel/module.h): the public directory and HSDS export
// are served without a session; shelter addresses are an encrypted, declared column; a job keeps
// the daily snapshot and watches confirmations and the deadlines of each referral step.
#include "care/module.h"
#include "kernel/module.h"
#include "territory/module.h"

namespace eq::care {

namespace {
std::function<std::vector<std::string>(const std::string&)> comunas_of(kernel::Context& ctx) {
  return [&ctx](const std::string& region) {
    std::vector<std::string> out;
    territory::Repository repo(ctx.db);
    if (auto provinces = repo.provinces(region))
      for (const auto& p : *provinces)
        if (auto cs = repo.comunas_of_province(p.id))
          for (const auto& c : *cs) out.push_back(c.id);
    std::sort(out.begin(), out.end());
    return out;
  };
}
}  // namespace

kernel::Module module() {
  return {
      .name = "care",
      .migrations = migrations,
      .encrypted_fields = encrypted_fields,
      .public_routes = {"GET /api/v1/care/directory", "GET /api/v1/care/directory/{id}", "GET /api/v1/care/hsds"},
      .open = [](kernel::Context& ctx) -> Result<void> {
        auto geo = Geography::load(ctx.data_dir);
        if (!geo) return fail(geo.error());
        auto svc = std::make_shared<Service>(ctx.db, ctx.keys, *ctx.need<audit::Log>(), *geo, *ctx.need<Registry>(),
                                             ctx.find<Options>() ? *ctx.find<Options>() : Options{});
        register_routes(ctx.router, svc);
        ctx.provide(svc);
        return {};
      },
      .home_items = [](kernel::Context& ctx) -> kernel::HomeSource {
        return [svc = ctx.need<Service>()](const http::Request& req) { return care::home_items(*svc, req); };
      },
      .load_demo = [](kernel::Context& ctx) -> Result<void> {
        const auto& find = *ctx.need<kernel::FindDemoAccount>();
        auto house = find("casa@equidad.demo");
        auto house2 = find("casa2@equidad.demo");
        auto worker = find("caso@equidad.demo");
        if (!worker) return fail(worker.error());
        return care::load_demo(*ctx.need<Service>(), house ? std::optional<int64_t>(house->institution_id) : std::nullopt,
                               house2 ? std::optional<int64_t>(house2->institution_id) : std::nullopt, worker->institution_id,
                               worker->user_id, comunas_of(ctx));
      },
      .jobs = {{"care sweep", std::nullopt,
                [](kernel::Context& ctx, int64_t now) -> Result<void> {
                  if (auto n = ctx.need<Service>()->sweep(now); !n) return fail(n.error());
                  return {};
                }}},
  };
}

}  // namespace eq::care
