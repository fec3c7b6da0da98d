#pragma once
#include <functional>
#include <map>
#include <memory>
#include <set>

#include "audit/log.h"
#include "http/router.h"

namespace eq::audit {

// Resolves actor and institution ids to names; the audit module does not read other modules' tables.
using NameResolver = std::function<Result<std::pair<std::map<int64_t, std::string>, std::map<int64_t, std::string>>>(
    const std::set<int64_t>& users, const std::set<int64_t>& institutions)>;

void register_routes(http::Router& router, std::shared_ptr<Log> log, NameResolver names);

}  // namespace eq::audit
