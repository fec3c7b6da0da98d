#include "auth/permissions.h"

#include <gtest/gtest.h>

#include "auth/catalogue.h"

#include <map>
#include <set>

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
  auto inst_admin = with_roles({"institution_admin"}, 1);
  Place own_centre{1, "sernameg_centre"};
  auto r = may_grant(inst_admin, std::vector<std::string>{"admin"}, own_centre);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().status, 403);
  EXPECT_EQ(r.error().field, "roles");
  EXPECT_TRUE(may_grant(inst_admin, std::vector<std::string>{"case_worker", "institution_admin"}, own_centre));
  // The attack of issue 11: a women's centre's administrator minting national roles.
  EXPECT_FALSE(may_grant(inst_admin, std::vector<std::string>{"operator"}, own_centre));
  EXPECT_FALSE(may_grant(inst_admin, std::vector<std::string>{"analyst"}, own_centre));
  EXPECT_FALSE(may_grant(inst_admin, std::vector<std::string>{"case_worker", "operator"}, own_centre)) << "one bad role refuses all";
  EXPECT_FALSE(may_grant(with_roles({"case_worker"}), std::vector<std::string>{"case_worker"}, own_centre)) << "no users.manage, no granting";
  auto admin = with_roles({"admin"});
  EXPECT_TRUE(may_grant(admin, std::vector<std::string>{"admin", "institution_admin"}, Place{1, "ministry"}));
  auto unknown = may_grant(admin, std::vector<std::string>{"superuser"}, Place{1, "ministry"});
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().status, 422);
  auto misfit = may_grant(admin, std::vector<std::string>{"operator"}, Place{4, "pharmacy"});
  ASSERT_FALSE(misfit);
  EXPECT_EQ(misfit.error().status, 422);
  EXPECT_EQ(misfit.error().code, "role_institution_mismatch");
}

// The specification of the grants table, written out again independently of catalogue.cc, and
// every (granter role, role, same/other institution, institution type) combination checked
// against it: a change to either side that the other does not share fails here.
namespace spec {
// board_candidate: a woman of the Registro de Directoras; only the system administration makes her account.
// dpo: the ministry's data-protection officer (Ley 21.719), named by the system administration.
const std::set<std::string> national = {"admin", "analyst", "operator", "channels_supervisor", "board_candidate", "dpo"};
bool fits(const std::string& role, const std::string& type) {
  static const std::map<std::string, std::set<std::string>> types = {
      {"admin", {"ministry", "public_service"}},
      {"analyst", {"ministry", "public_service"}},
      {"operator", {"public_service"}},
      {"focal_point", {"ministry", "public_service", "seremi", "police", "prosecutor", "court", "forensic", "health", "municipality"}},
      {"seremi", {"seremi"}},
      {"case_worker",
       {"public_service", "sernameg_centre", "police", "prosecutor", "court", "forensic", "health", "municipality", "civil_society"}},
      {"municipal", {"municipality"}},
      {"responder", {"police"}},
      {"pharmacy", {"pharmacy"}},
      {"company", {"company"}},
      {"channels_supervisor", {"public_service"}},
      {"house_staff", {"sernameg_centre", "civil_society"}},
      {"steward", {"ministry", "public_service"}},
      {"board_candidate", {"individual"}},
      {"dpo", {"ministry"}},
  };
  if (role == "institution_admin") return true;
  return types.at(role).count(type) > 0;
}
}  // namespace spec

TEST(AuthPermissions, GrantTableForEveryGranterRoleSameOrOtherInstitutionAndType) {
  int checked = 0;
  for (const auto& granter : roles())
    for (const auto& role : roles())
      for (bool same : {true, false})
        for (const auto& type : institution_types()) {
          auto p = with_roles({granter.id}, 7);
          Place place{same ? 7 : 8, type.id};
          auto got = may_grant(p, role.id, place);
          int want = 200;
          bool manage = p.can("users.manage") || p.can("users.manage_all");
          if (!manage) want = 403;
          else if (p.can("users.manage_all")) want = spec::fits(role.id, type.id) ? 200 : 422;
          else if (spec::national.count(role.id) || !same) want = 403;
          else want = spec::fits(role.id, type.id) ? 200 : 422;
          int status = got ? 200 : got.error().status;
          EXPECT_EQ(status, want) << granter.id << " grants " << role.id << " in " << (same ? "own" : "another") << " institution of type "
                                  << type.id;
          ++checked;
        }
  EXPECT_EQ(checked, int(roles().size() * roles().size() * 2 * institution_types().size()));
  // And the table covers every role exactly once.
  for (const auto& r : roles()) EXPECT_NE(find_grant(r.id), nullptr) << r.id;
  EXPECT_EQ(grants().size(), roles().size());
}

TEST(AuthPermissions, ChangingAnAccountNeedsTheRightToGrantEveryRoleItHolds) {
  // Rename, re-RUN, (de)activate, change roles, reset the second factor: all go through this rule.
  for (const auto& granter : roles())
    for (const auto& held : roles())
      for (bool same : {true, false}) {
        auto p = with_roles({granter.id}, 7);
        User u;
        u.id = 99;
        u.institution_id = same ? 7 : 8;
        u.institution_type = "public_service";
        u.roles = {held.id, "institution_admin"};
        auto got = may_change_account(p, u);
        int want;
        if (p.can("users.manage_all")) want = 200;
        else if (!p.can("users.manage") || !same) want = 404;  // another institution's account does not exist for them
        else want = spec::national.count(held.id) ? 403 : 200;
        EXPECT_EQ(got ? 200 : got.error().status, want) << granter.id << " changes an account holding " << held.id << " in "
                                                        << (same ? "own" : "another") << " institution";
      }
}

TEST(AuthPermissions, OnlySystemAdministratorsManageInstitutions) {
  for (const auto& r : roles()) EXPECT_EQ(bool(may_manage_institutions(with_roles({r.id}))), r.id == "admin") << r.id;
}

TEST(AuthPermissions, SelfServiceNeedsASessionNotAToken) {
  auto p = with_roles({"case_worker"});
  p.session_id = 0;
  p.token_id = 5;
  EXPECT_FALSE(may_change_own_credentials(p));
  p.session_id = 3;
  p.token_id = 0;
  EXPECT_TRUE(may_change_own_credentials(p));
}

TEST(AuthCatalogue, CaseRolesRequireSecondFactor) {
  for (const auto& role : roles()) {
    bool reads_cases = false;
    // Dispatched units get the victim's name, phone and position with every dispatch.
    for (const auto& p : role.permissions)
      reads_cases = reads_cases || p.rfind("cases.", 0) == 0 || p.rfind("users.", 0) == 0 || p == "dispatch.receive" ||
                    p == "alerts.handle" || p == "monitoring.manage";
    if (reads_cases) {
      EXPECT_TRUE(role.requires_totp) << role.id;
    }
  }
  EXPECT_TRUE(requires_totp({"analyst", "case_worker"}));
  EXPECT_TRUE(requires_totp({"municipal"}));
  EXPECT_TRUE(requires_totp({"responder"}));
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
