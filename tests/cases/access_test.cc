// The case registry's pure object rules (cases/access.h); the rules that read the database are
// tried over HTTP in tests/integration/cases_attacks.test.mjs.
#include "cases/access.h"

#include <gtest/gtest.h>

namespace eq::cases {
namespace {

Record assessment(int64_t institution, const std::string& level, int64_t at) {
  Record r;
  r.kind = "risk_assessment";
  r.institution_id = institution;
  r.occurred_at = at;
  r.details = {{"level", level}};
  return r;
}

TEST(CasesAccess, EmergencyReasonNeedsVisibleLetters) {
  for (const std::string& bad : {std::string(40, ' '), std::string("\u200b\u200b\u200b\u200b\u200b\u200b\u200b\u200b\u200b\u200b\u200b\u200b"
                                                                   "\u200b\u200b\u200b\u200b\u200b\u200b\u200b\u200b\u200b\u200b"),
                                std::string("\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0"
                                            "\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0"),
                                std::string("\ufeff\u2060\u200d\u200c\u202f\u2007\u00ad\ufeff\u2060\u200d\u200c\u202f\u2007\u00ad"
                                            "\ufeff\u2060\u200d\u200c\u202f\u2007\u00ad"),
                                std::string("!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"), std::string("1234567890 1234567890 12345"),
                                std::string("u\u200br\u200bg\u200be\u200bn\u200bt\u200be"), std::string("urgente")}) {
    auto r = access::emergency_reason(bad, "reason");
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().status, 422);
    EXPECT_EQ(r.error().code, "too_short");
    EXPECT_EQ(r.error().field, "reason");
  }
  auto ok = access::emergency_reason("  Llamado al 149:\u200b agresión\u00a0en curso, se necesita el plan.  ", "reason");
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(*ok, "Llamado al 149: agresión en curso, se necesita el plan.");
  EXPECT_TRUE(access::emergency_reason("Agresión en curso según vecinas", "reason"));
}

TEST(CasesAccess, CurrentRiskLevelIsTheHighestLatestOfEachInstitution) {
  // Institution 1 says vital; institution 2 later says bajo: she stays vital.
  EXPECT_EQ(access::current_risk_level({assessment(1, "vital", 1), assessment(2, "bajo", 2)}), "vital");
  // The same institution re-assessing lowers its own level.
  EXPECT_EQ(access::current_risk_level({assessment(1, "vital", 1), assessment(1, "medio", 2), assessment(2, "bajo", 3)}), "medio");
  EXPECT_EQ(access::current_risk_level({}), "");
}

TEST(CasesAccess, ClosureClosesOnlyItsOwnInstitutionsCase) {
  Record contact;
  contact.kind = "contact";
  contact.institution_id = 1;
  Record closure;
  closure.kind = "closure";
  closure.institution_id = 2;
  auto cases = access::cases_by_institution({contact, closure});
  ASSERT_EQ(cases.size(), 2u);
  EXPECT_EQ(cases[0], (std::pair<int64_t, bool>{1, true}));
  EXPECT_EQ(cases[1], (std::pair<int64_t, bool>{2, false}));
}

TEST(CasesAccess, SharedMinimumHidesWhatFindsOrCallsHer) {
  PersonIdentity p;
  p.run = "12345678-5";
  p.run_valid = true;
  p.given_names = "Ana";
  p.surname1 = "Soto";
  p.birth_year = 1990;
  p.phone = "+56 9 1111 2222";
  p.address = "Pasaje 1";
  p.other_document = "X1";
  auto shared = access::identity_view(p, false).dump();
  for (const char* hidden : {"12345678-5", "+56 9 1111 2222", "Pasaje 1", "X1"}) EXPECT_EQ(shared.find(hidden), std::string::npos) << hidden;
  EXPECT_NE(shared.find("Ana Soto"), std::string::npos);
  auto full = access::identity_view(p, true).dump();
  EXPECT_NE(full.find("Pasaje 1"), std::string::npos);
}

TEST(CasesAccess, SearchNeedsEnoughIdentifyingDataForPersonsOneDoesNotServe) {
  PersonIdentity name_only;
  name_only.given_names = "Ana";
  name_only.surname1 = "Soto";
  EXPECT_FALSE(access::enough_identifying_input(name_only));
  name_only.birth_year = 1990;
  EXPECT_TRUE(access::enough_identifying_input(name_only));
  PersonIdentity run;
  run.run = "12345678-5";
  run.run_valid = true;
  EXPECT_TRUE(access::enough_identifying_input(run));
  EXPECT_FALSE(access::search_hit_shown(false, true, "posible"));
  EXPECT_FALSE(access::search_hit_shown(false, false, "exacta"));
  EXPECT_TRUE(access::search_hit_shown(false, true, "probable"));
  EXPECT_TRUE(access::search_hit_shown(true, false, "lejana"));
}

TEST(CasesAccess, RecordsInFullOnlyToTheirInstitutionTheReferredOneOrInAnEmergency) {
  Record r;
  r.kind = "referral";
  r.institution_id = 1;
  r.details = {{"to_institution_id", 2}};
  EXPECT_TRUE(access::record_full({10, 1}, r, false));
  EXPECT_TRUE(access::record_full({20, 2}, r, false));
  EXPECT_FALSE(access::record_full({30, 3}, r, false));
  EXPECT_TRUE(access::record_full({30, 3}, r, true));
  EXPECT_TRUE(access::is_referral_recipient({20, 2}, r));
  EXPECT_FALSE(access::is_referral_recipient({10, 1}, r));
}

}  // namespace
}  // namespace eq::cases
