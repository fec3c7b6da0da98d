#include "cases/records.h"

#include <gtest/gtest.h>

#include "core/time.h"

namespace eq::cases {
namespace {

using Json = nlohmann::json;
const int64_t kNow = *parse_iso8601("2026-11-24T12:00:00Z", "now");
constexpr int64_t kHour = 3600LL * 1000;

Record rec(const std::string& kind, std::vector<PersonRef> persons = {{1, "victim"}}) {
  Record r;
  r.kind = kind;
  r.occurred_at = kNow;
  r.persons = std::move(persons);
  return r;
}

DetailsContext ctx() {
  DetailsContext c;
  c.now = kNow;
  c.institution_id = 10;
  c.institution_exists = [](int64_t id) { return id == 20; };
  return c;
}

TEST(CasesRecords, ContactNeedsAKnownChannel) {
  auto ok = check_details(rec("contact"), Json{{"channel", "mascarilla_19"}}, ctx());
  ASSERT_TRUE(ok) << ok.error().message;
  auto bad = check_details(rec("contact"), Json{{"channel", "paloma"}}, ctx());
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().field, "details.channel");
  auto missing = check_details(rec("contact"), Json::object(), ctx());
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, "required");
}

TEST(CasesRecords, UnknownDetailFieldsAreRefused) {
  auto r = check_details(rec("contact"), Json{{"channel", "linea_1455"}, {"nombre", "x"}}, ctx());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, "details.nombre");
}

TEST(CasesRecords, ReferralComputesDeadlinesAndNeedsConsent) {
  auto r = check_details(rec("referral"), Json{{"to_institution_id", 20}, {"consent", true}, {"reason", "Patrocinio"}}, ctx());
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ((*r)["ack_due_at"].get<int64_t>(), kNow + 24 * kHour);
  EXPECT_EQ((*r)["first_contact_due_at"].get<int64_t>(), kNow + 72 * kHour);
  EXPECT_TRUE((*r)["acknowledged_at"].is_null());

  auto high = ctx();
  high.latest_risk_level = "vital";
  auto urgent = check_details(rec("referral"), Json{{"to_institution_id", 20}, {"consent", true}, {"reason", "Urgente"}}, high);
  ASSERT_TRUE(urgent);
  EXPECT_EQ((*urgent)["ack_due_at"].get<int64_t>(), kNow + 4 * kHour) << "high risk shortens the deadline";

  // A deadline sent by the caller is not accepted: the system computes it.
  auto forged = check_details(rec("referral"),
                              Json{{"to_institution_id", 20}, {"consent", true}, {"reason", "x"}, {"ack_due_at", kNow + 1000 * kHour}}, ctx());
  ASSERT_FALSE(forged);
  EXPECT_EQ(forged.error().field, "details.ack_due_at");

  auto no_consent = check_details(rec("referral"), Json{{"to_institution_id", 20}, {"consent", false}, {"reason", "x"}}, ctx());
  ASSERT_FALSE(no_consent);
  EXPECT_EQ(no_consent.error().code, "consent_required");
  auto unknown = check_details(rec("referral"), Json{{"to_institution_id", 99}, {"consent", true}, {"reason", "x"}}, ctx());
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, "unknown_institution");
  auto self = check_details(rec("referral"), Json{{"to_institution_id", 10}, {"consent", true}, {"reason", "x"}}, ctx());
  ASSERT_FALSE(self);
}

TEST(CasesRecords, ProtectiveOrderNeedsBothPersonsDistanceAndCoherentDates) {
  const std::vector<PersonRef> both = {{1, "victim"}, {2, "aggressor"}};
  Json order = {{"court", "Juzgado de Familia de Pudahuel"}, {"order_type", "prohibicion_acercamiento"}, {"distance_m", 300},
                {"starts_on", "01-11-2026"}, {"ends_on", "01-05-2027"}, {"places", {"domicilio"}}};
  auto ok = check_details(rec("protective_order", both), order, ctx());
  ASSERT_TRUE(ok) << ok.error().message;
  Record stored = rec("protective_order", both);
  stored.details = *ok;
  EXPECT_TRUE(order_active(stored, kNow));
  EXPECT_FALSE(order_active(stored, kNow + 365LL * 24 * kHour));

  auto only_victim = check_details(rec("protective_order"), order, ctx());
  ASSERT_FALSE(only_victim);
  EXPECT_EQ(only_victim.error().field, "persons");
  Json no_distance = order;
  no_distance.erase("distance_m");
  EXPECT_EQ(check_details(rec("protective_order", both), no_distance, ctx()).error().field, "details.distance_m");
  Json backwards = order;
  backwards["ends_on"] = "01-10-2026";
  EXPECT_EQ(check_details(rec("protective_order", both), backwards, ctx()).error().field, "details.ends_on");
}

TEST(CasesRecords, BreachMustReferToAnOrderOfTheSamePersons) {
  auto c = ctx();
  c.order_of_persons = [](int64_t id) -> std::optional<Record> {
    if (id != 7) return std::nullopt;
    Record o;
    o.id = 7;
    o.kind = "protective_order";
    return o;
  };
  EXPECT_TRUE(check_details(rec("order_breach"), Json{{"order_record_id", 7}, {"description", "Se acercó"}}, c));
  auto other = check_details(rec("order_breach"), Json{{"order_record_id", 8}, {"description", "Se acercó"}}, c);
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().code, "unknown_order");
}

}  // namespace
}  // namespace eq::cases
