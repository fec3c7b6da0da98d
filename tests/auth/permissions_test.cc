#include "auth/permissions.h"

#include <gtest/gtest.h>

#include "auth/catalogue.h"

namespace eq::auth {
namespace {

http::Principal with_roles(std::vector<std::string> roles, int64_t institution = 1) {
  http::Principal p;
  p.user_id = 10;
  p.institution_id = institution;
  p.roles = roles;
  p.permissions = permissions_of(roles);
  return p;
}

TEST(AuthPermissions, InstitutionAdminManagesOnlyOwnInstitution) {
  auto p = with_roles({"institution_admin"}, 4);
  EXPECT_TRUE(may_manage_users_of(p, 4));
  EXPECT_FALSE(may_manage_users_of(p, 5));
  auto admin = with_roles({"admin"}, 1);
  EXPECT_TRUE(may_manage_users_of(admin, 5));
  EXPECT_FALSE(may_manage_users_of(with_roles({"case_worker"}, 4), 4));
}

TEST(AuthPermissions, OnlySystemAdministratorsGrantSystemRoles) {
  auto inst_admin = with_roles({"institution_admin"});
  auto r = may_grant(inst_admin, {"admin"});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().status, 403);
  EXPECT_TRUE(may_grant(inst_admin, {"case_worker", "operator"})) << "institution admins staff their own teams";
  EXPECT_FALSE(may_grant(with_roles({"case_worker"}), {"case_worker"})) << "no users.manage, no granting";
  EXPECT_TRUE(may_grant(inst_admin, {"institution_admin"}));
  auto admin = with_roles({"admin"});
  EXPECT_TRUE(may_grant(admin, {"admin", "institution_admin"}));
  auto unknown = may_grant(admin, {"superuser"});
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().status, 422);
}

TEST(AuthCatalogue, CaseRolesRequireSecondFactor) {
  for (const auto& role : roles()) {
    bool reads_cases = false;
    for (const auto& p : role.permissions) reads_cases = reads_cases || p.rfind("cases.", 0) == 0 || p.rfind("users.", 0) == 0;
    if (reads_cases) {
      EXPECT_TRUE(role.requires_totp) << role.id;
    }
  }
  EXPECT_TRUE(requires_totp({"analyst", "case_worker"}));
  EXPECT_FALSE(requires_totp({"analyst", "company"}));
}

TEST(AuthCatalogue, EveryRolePermissionIsDeclared) {
  for (const auto& role : roles())
    for (const auto& p : role.permissions) {
      bool declared = false;
      for (const auto& d : permissions()) declared = declared || d.id == p;
      EXPECT_TRUE(declared) << role.id << " → " << p;
    }
}

}  // namespace
}  // namespace eq::auth
