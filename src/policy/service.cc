// What the policy service's files share (see service.h).
#include "policy/service.h"

namespace eq::policy {

Service::Service(store::Database& db, std::shared_ptr<audit::Log> audit, std::shared_ptr<auth::Service> auth)
    : db_(db), audit_(std::move(audit)), auth_(std::move(auth)) {}

Names Service::names(const std::set<int64_t>& users, const std::set<int64_t>& institutions) {
  Names n;
  if (users.empty() && institutions.empty()) return n;
  if (auto r = auth_->display_names(users, institutions)) {
    n.users = r->first;
    n.institutions = r->second;
  }
  return n;
}

}  // namespace eq::policy
