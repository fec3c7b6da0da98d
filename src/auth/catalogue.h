// Roles, the permissions they grant, and institution types. Fixed in code: a role is a policy
// decision reviewed with the code, not something an administrator invents at run time.
#pragma once
#include <set>
#include <string>
#include <vector>

namespace eq::auth {

struct Permission {
  std::string id;
  std::string description;  // Spanish
};

struct Role {
  std::string id;
  std::string name;  // Spanish
  std::string summary;
  bool requires_totp;  // roles that read case data, or that hand out access to it
  std::vector<std::string> permissions;
};

struct InstitutionType {
  std::string id;
  std::string label;
};

const std::vector<Permission>& permissions();
const std::vector<Role>& roles();
const std::vector<InstitutionType>& institution_types();

const Role* find_role(const std::string& id);
const InstitutionType* find_institution_type(const std::string& id);
std::set<std::string> permissions_of(const std::vector<std::string>& role_ids);
bool requires_totp(const std::vector<std::string>& role_ids);

}  // namespace eq::auth
