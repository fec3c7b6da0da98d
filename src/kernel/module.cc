#include "kernel/module.h"

#include <set>

namespace eq::kernel {

std::vector<store::Migration> migrations(const std::vector<Module>& modules) {
  std::vector<store::Migration> all;
  for (const auto& m : modules)
    if (m.migrations)
      for (auto& one : m.migrations()) all.push_back(std::move(one));
  return all;
}

store::EncryptedFields encrypted_fields(const std::vector<Module>& modules) {
  store::EncryptedFields all;
  for (const auto& m : modules)
    if (m.encrypted_fields)
      for (auto& c : m.encrypted_fields()) all.push_back(std::move(c));
  return all;
}

std::vector<std::string> undeclared_public_routes(const http::Router& router, const std::vector<Module>& modules,
                                                  const std::vector<std::string>& also) {
  std::set<std::string> declared(also.begin(), also.end());
  for (const auto& m : modules) declared.insert(m.public_routes.begin(), m.public_routes.end());
  auto is_declared = [&](const std::string& route) {
    for (const auto& d : declared)
      if (d == route || (!d.empty() && d.back() == '*' && route.compare(0, d.size() - 1, d, 0, d.size() - 1) == 0)) return true;
    return false;
  };
  std::vector<std::string> out;
  for (const auto& r : router.routes())
    if (r.permission == http::kPublic && !is_declared(r.method + " " + r.pattern)) out.push_back(r.method + " " + r.pattern);
  return out;
}

}  // namespace eq::kernel
