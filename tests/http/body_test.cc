#include "http/body.h"

#include <gtest/gtest.h>

namespace eq::http {
namespace {

using T = Field::Type;
const Schema kSchema = {{"name", T::string, true, 10}, {"age", T::integer}, {"tags", T::string_array, false, 2}, {"note", T::string, false, 20, true}};

Request json_request(std::string body, std::string ct = "application/json") {
  Request r;
  r.headers["content-type"] = std::move(ct);
  r.body = std::move(body);
  return r;
}

TEST(Body, AcceptsValidObject) {
  auto b = parse_body(json_request(R"({"name":"Ana","age":3,"tags":["a"],"note":null})"), kSchema);
  ASSERT_TRUE(b) << b.error().message;
  EXPECT_EQ((*b)["name"], "Ana");
}

TEST(Body, WrongContentTypeIs415) {
  auto b = parse_body(json_request(R"({"name":"Ana"})", "text/plain"), kSchema);
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error().status, 415);
}

TEST(Body, MalformedJsonIs400) {
  for (const char* bad : {"{", "", "nul", R"({"name":"Ana",})", "[1,2]", "\"text\""}) {
    auto b = parse_body(json_request(bad), kSchema);
    ASSERT_FALSE(b) << bad;
    EXPECT_EQ(b.error().status, 400) << bad;
    EXPECT_EQ(b.error().code, "malformed_json");
  }
}

TEST(Body, InvalidUtf8IsMalformed) {
  auto b = parse_body(json_request("{\"name\":\"\xC3\x28\"}"), kSchema);
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error().status, 400);
}

TEST(Body, UnknownFieldIsRejectedWithItsName) {
  auto b = parse_body(json_request(R"({"name":"Ana","nmae":"x"})"), kSchema);
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error().status, 422);
  EXPECT_EQ(b.error().code, "unknown_field");
  EXPECT_EQ(b.error().field, "nmae");
}

TEST(Body, MissingRequiredAndBlankRequired) {
  auto missing = parse_body(json_request(R"({"age":1})"), kSchema);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().field, "name");
  EXPECT_EQ(missing.error().code, "required");
  auto blank = parse_body(json_request(R"({"name":"   "})"), kSchema);
  ASSERT_FALSE(blank);
  EXPECT_EQ(blank.error().code, "required");
}

TEST(Body, WrongTypesAreNamed) {
  auto b = parse_body(json_request(R"({"name":"Ana","age":"3"})"), kSchema);
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error().field, "age");
  EXPECT_EQ(b.error().code, "invalid_type");
  auto arr = parse_body(json_request(R"({"name":"Ana","tags":[1]})"), kSchema);
  ASSERT_FALSE(arr);
  EXPECT_EQ(arr.error().field, "tags");
}

TEST(Body, LengthCountsCharactersNotBytes) {
  EXPECT_TRUE(parse_body(json_request(R"({"name":"ÑuñoaÑuñoa"})"), kSchema));  // 10 characters, 14 bytes
  auto b = parse_body(json_request(R"({"name":"ÑuñoaÑuñoaX"})"), kSchema);
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error().code, "too_long");
  auto many = parse_body(json_request(R"({"name":"a","tags":["a","b","c"]})"), kSchema);
  ASSERT_FALSE(many);
  EXPECT_EQ(many.error().field, "tags");
}

TEST(Body, ControlCharactersRejectedButHtmlKeptAsText) {
  EXPECT_FALSE(parse_body(json_request("{\"name\":\"a\\u0000b\"}"), kSchema));
  auto html = parse_body(json_request(R"({"name":"<b>x</b>"})"), kSchema);
  ASSERT_TRUE(html);
  EXPECT_EQ((*html)["name"], "<b>x</b>");
}

TEST(Body, NullOnlyWhereNullable) {
  EXPECT_FALSE(parse_body(json_request(R"({"name":null})"), kSchema));
  EXPECT_TRUE(parse_body(json_request(R"({"name":"a","note":null})"), kSchema));
}

TEST(Query, IntegersAreBoundedAndNamed) {
  Request r;
  r.query["limit"] = "500";
  auto v = query_int(r, "limit", 50, 1, 200);
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().field, "limit");
  r.query["limit"] = "12abc";
  EXPECT_FALSE(query_int(r, "limit", 50, 1, 200));
  r.query["limit"] = "12";
  EXPECT_EQ(*query_int(r, "limit", 50, 1, 200), 12);
  EXPECT_EQ(*query_int(r, "missing", 50, 1, 200), 50);
}

}  // namespace
}  // namespace eq::http
