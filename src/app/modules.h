// The modules of this server, in the order they open (each one after those it needs): the one list
// the composition root loops over. Each module describes itself in src/<module>/contract.cc.
#pragma once
#include <vector>

#include "kernel/module.h"

// clang-format off
namespace eq::territory   { kernel::Module module(); }
namespace eq::audit       { kernel::Module module(); }
namespace eq::auth        { kernel::Module module(); }
namespace eq::legislative { kernel::Module module(); }
namespace eq::policy      { kernel::Module module(); }
namespace eq::risk        { kernel::Module module(); }
namespace eq::cases       { kernel::Module module(); }
namespace eq::alerts      { kernel::Module module(); }
namespace eq::monitoring  { kernel::Module module(); }
namespace eq::channels    { kernel::Module module(); }
namespace eq::chat        { kernel::Module module(); }
namespace eq::pharmacy    { kernel::Module module(); }
namespace eq::care        { kernel::Module module(); }
namespace eq::indicators  { kernel::Module module(); }
namespace eq::directoras  { kernel::Module module(); }
namespace eq::account     { kernel::Module module(); }
namespace eq::registries  { kernel::Module module(); }
namespace eq::whatsapp    { kernel::Module module(); }
namespace eq::dataprotection { kernel::Module module(); }
namespace eq::councils    { kernel::Module module(); }
namespace eq::outreach    { kernel::Module module(); }
namespace eq::participation { kernel::Module module(); }
namespace eq::studies     { kernel::Module module(); }
// clang-format on

namespace eq::app {

// Folders under src/ that are not modules: infrastructure below every module (core, store, http,
// kernel), the record-linkage library the registry and the command line use (linkage), and the
// composition root itself (app). tests/app/contract_test.cc fails for any other folder without a
// descriptor here.
inline const std::vector<const char*>& not_modules() {
  static const std::vector<const char*> v = {"app", "core", "http", "kernel", "linkage", "store"};
  return v;
}

inline std::vector<kernel::Module> modules() {
  return {territory::module(), audit::module(), auth::module(),   legislative::module(), policy::module(),
          risk::module(),      cases::module(), alerts::module(), monitoring::module(),
          channels::module(),  chat::module(),   care::module(),
          pharmacy::module(),
          indicators::module(), directoras::module(),
          account::module(),
          registries::module(),
          whatsapp::module(),
          dataprotection::module(),
          councils::module(),
          outreach::module(),
          participation::module(),
          studies::module()};
}

}  // namespace eq::app
