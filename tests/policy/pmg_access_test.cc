// Object rules of the PMG filings (policy/access.h): a focal point files and reads only her own
// institution's services (another's answers 404, as if it did not exist); a reviewer reads every
// service but never reviews her own institution's (403 own_service).
#include <gtest/gtest.h>

#include "policy/access.h"

using namespace eq;
using namespace eq::policy;

namespace {

http::Principal with(int64_t institution, std::set<std::string> permissions) {
  http::Principal p;
  p.user_id = 7;
  p.institution_id = institution;
  p.permissions = std::move(permissions);
  return p;
}

}  // namespace

TEST(PmgAccess, AFocalPointFilesOnlyForHerOwnService) {
  auto focal = with(10, {"policy.report", "policy.read"});
  EXPECT_TRUE(may_file_pmg(focal, {10}));
  EXPECT_TRUE(may_file_pmg(focal, {3, 10}));
  auto other = may_file_pmg(focal, {11});
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().status, 404);
  EXPECT_EQ(may_file_pmg(with(10, {"policy.read"}), {10}).error().status, 403);
}

TEST(PmgAccess, ReadingAServiceWorkflow) {
  EXPECT_TRUE(may_read_pmg(with(10, {"policy.report"}), {10}));
  EXPECT_EQ(may_read_pmg(with(10, {"policy.report"}), {11}).error().status, 404);
  EXPECT_TRUE(may_read_pmg(with(1, {"policy.validate"}), {11}));
  // Reading without reporting or reviewing: nothing of a service's filings.
  EXPECT_EQ(may_read_pmg(with(10, {"policy.read"}), {10}).error().status, 404);
}

TEST(PmgAccess, AReviewerNeverReviewsHerOwnInstitutionsService) {
  auto reviewer = with(1, {"policy.validate"});
  EXPECT_TRUE(may_review_pmg(reviewer, 10));
  auto own = may_review_pmg(reviewer, 1);
  ASSERT_FALSE(own);
  EXPECT_EQ(own.error().status, 403);
  EXPECT_EQ(own.error().code, "own_service");
  EXPECT_EQ(may_review_pmg(with(10, {"policy.report"}), 11).error().status, 403);
}
