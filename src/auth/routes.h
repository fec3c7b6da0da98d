#pragma once
#include <memory>

#include "auth/service.h"
#include "http/router.h"

namespace eq::auth {
void register_routes(http::Router& router, std::shared_ptr<Service> svc);
}  // namespace eq::auth
