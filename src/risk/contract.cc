// The risk instrument as the core sees it (kernel/module.h): configuration read from data/risk/,
// served to the forms and used by the case registry to score assessments.
#include "kernel/module.h"
#include "risk/instrument.h"

namespace eq::risk {

kernel::Module module() {
  return {
      .name = "risk",
      .open = [](kernel::Context& ctx) -> Result<void> {
        auto instrument = Instrument::load(ctx.data_dir);
        if (!instrument) return fail(instrument.error());
        register_routes(ctx.router, *instrument);
        ctx.provide(*instrument);
        return {};
      },
  };
}

}  // namespace eq::risk
