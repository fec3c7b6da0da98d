// Routes added to the policy module beside routes.cc: CSV import (import.cc), bill links
// (links.cc) and home page items (home.cc).
#pragma once
#include <memory>

#include "audit/log.h"
#include "auth/service.h"
#include "http/router.h"

namespace eq::policy {

struct ImportContext {
  store::Database& db;
  std::shared_ptr<audit::Log> audit;
  std::shared_ptr<auth::Service> auth;
};

void register_import_routes(http::Router& router, std::shared_ptr<ImportContext> ctx);
void register_link_routes(http::Router& router, std::shared_ptr<ImportContext> ctx);

}  // namespace eq::policy
