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

// Who may hand out a role, and in which kinds of institution it may be held: the one table every
// account change is checked against (permissions.cc). A national role reaches every institution's
// data (the control centre, the analysts, the system administration), so only a system
// administrator grants it; the other roles staff one institution's own teams, and that
// institution's administrator may grant them there.
enum class Granter { system_admin, institution_admin };

struct Grant {
  std::string role;
  Granter granted_by;
  std::vector<std::string> institution_types;  // the kinds of institution where the role makes sense
};

const std::vector<Grant>& grants();
const Grant* find_grant(const std::string& role);
bool role_fits_institution_type(const std::string& role, const std::string& institution_type);

const std::vector<Permission>& permissions();
const std::vector<Role>& roles();
const std::vector<InstitutionType>& institution_types();

const Role* find_role(const std::string& id);
const InstitutionType* find_institution_type(const std::string& id);
std::set<std::string> permissions_of(const std::vector<std::string>& role_ids);
bool requires_totp(const std::vector<std::string>& role_ids);

}  // namespace eq::auth
