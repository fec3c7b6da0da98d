#include "cases/identity.h"

#include <gtest/gtest.h>

#include "core/time.h"

namespace eq::cases {
namespace {

const int64_t kNow = *parse_iso8601("2026-11-24T12:00:00Z", "now");
using Json = nlohmann::json;

TEST(CasesIdentity, ValidRunIsCanonicalAndFlagged) {
  auto p = parse_identity(Json{{"run", "12.345.678-5"}, {"given_names", "María José"}}, "p", kNow);
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->run, "12345678-5");
  EXPECT_TRUE(p->run_valid);
}

TEST(CasesIdentity, WrongCheckDigitIsKeptButNotValid) {
  auto p = parse_identity(Json{{"run", "12.345.678-9"}, {"surname1", "Pérez"}}, "p", kNow);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->run, "12.345.678-9");
  EXPECT_FALSE(p->run_valid);
}

TEST(CasesIdentity, PartialBirthDates) {
  auto full = parse_identity(Json{{"surname1", "Soto"}, {"birth_date", "29-02-2000"}}, "p", kNow);
  ASSERT_TRUE(full);
  EXPECT_EQ(birth_text(*full), "29-02-2000");
  auto iso = parse_identity(Json{{"surname1", "Soto"}, {"birth_date", "1999-12-31"}}, "p", kNow);
  ASSERT_TRUE(iso);
  EXPECT_EQ(birth_text(*iso), "31-12-1999");
  auto month = parse_identity(Json{{"surname1", "Soto"}, {"birth_date", "07-1993"}}, "p", kNow);
  ASSERT_TRUE(month);
  EXPECT_EQ(month->birth_day, 0);
  EXPECT_EQ(birth_text(*month), "07-1993");
  auto year = parse_identity(Json{{"surname1", "Soto"}, {"birth_date", "1993"}}, "p", kNow);
  ASSERT_TRUE(year);
  EXPECT_EQ(birth_text(*year), "1993");
}

TEST(CasesIdentity, ImpossibleDatesAreRefusedWithTheirField) {
  for (const char* bad : {"29-02-2001", "31-04-1990", "00-01-1990", "15-13-1990", "1899", "25-11-2026", "2027", "hoy", "1-1"}) {
    auto p = parse_identity(Json{{"surname1", "Soto"}, {"birth_date", bad}}, "persons[0].identity", kNow);
    ASSERT_FALSE(p) << bad;
    EXPECT_EQ(p.error().status, 422);
    EXPECT_EQ(p.error().field, "persons[0].identity.birth_date") << bad;
  }
}

TEST(CasesIdentity, RefusesUnknownFieldsAndEmptyIdentities) {
  auto unknown = parse_identity(Json{{"surname1", "Soto"}, {"apodo", "Pepa"}}, "p", kNow);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().field, "p.apodo");
  auto empty = parse_identity(Json{{"sex", "F"}}, "p", kNow);
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().code, "required");
  auto phone = parse_identity(Json{{"surname1", "Soto"}, {"phone", "llámame"}}, "p", kNow);
  ASSERT_FALSE(phone);
  EXPECT_EQ(phone.error().field, "p.phone");
  auto other = parse_identity(Json{{"surname1", "Soto"}, {"other_phones", {"+56 2 2345 6789", "x"}}}, "p", kNow);
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().field, "p.other_phones[1]");
  auto sex = parse_identity(Json{{"surname1", "Soto"}, {"sex", "Q"}}, "p", kNow);
  ASSERT_FALSE(sex);
}

TEST(CasesIdentity, JsonRoundTripAndCompletion) {
  auto p = parse_identity(Json{{"run", "12345678-5"}, {"given_names", "Ana"}, {"surname1", "Soto"}, {"birth_date", "05-1990"},
                               {"phone", "+56 9 1234 5678"}},
                          "p", kNow);
  ASSERT_TRUE(p);
  PersonIdentity back = identity_from_json(to_json(*p));
  EXPECT_EQ(to_json(back), to_json(*p));
  PersonIdentity sparse;
  sparse.given_names = "Ana";
  sparse.birth_year = 1990;
  complete(sparse, *p);
  EXPECT_EQ(sparse.surname1, "Soto");
  EXPECT_EQ(sparse.run, "12345678-5");
  EXPECT_EQ(sparse.birth_month, 5) << "a more precise date of the same year fills the gap";
  EXPECT_EQ(display_name(sparse), "Ana Soto");
}

}  // namespace
}  // namespace eq::cases
