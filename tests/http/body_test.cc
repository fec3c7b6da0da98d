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

#include "http/head.h"

namespace eq::http {
namespace {

TEST(BoundedJson, DeepNestingIsRefusedBeforeParsing) {
  const std::string deep = std::string(200000, '[') + std::string(200000, ']');
  auto r = parse_json(deep);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().status, 400);
  EXPECT_EQ(r.error().code, "json_too_deep");
  const std::string objects = [] {
    std::string s;
    for (int i = 0; i < 40; ++i) s += "{\"a\":";
    s += "1";
    for (int i = 0; i < 40; ++i) s += "}";
    return s;
  }();
  EXPECT_FALSE(parse_json(objects));
  auto body = parse_body(json_request(R"({"name":)" + std::string(100, '[') + std::string(100, ']') + "}"), kSchema);
  ASSERT_FALSE(body);
  EXPECT_EQ(body.error().code, "json_too_deep");
}

TEST(BoundedJson, BracketsInsideStringsDoNotCount) {
  const std::string text = R"({"name":")" + std::string(500, '[') + R"(\"{{{{"})";
  auto r = parse_json(text);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(json_depth(text, 32), 1);
  std::string at_limit = std::string(32, '[') + std::string(32, ']');
  EXPECT_TRUE(parse_json(at_limit));
  EXPECT_FALSE(parse_json("[" + at_limit + "]"));
}

TEST(BoundedJson, SizeLimitIs413AndGarbageIs400) {
  auto big = parse_json(std::string(2000, ' ') + "{}", {1000, 32});
  ASSERT_FALSE(big);
  EXPECT_EQ(big.error().status, 413);
  for (std::string bad : {"{", "{\"a\":1e999999}", "\"\xff\xfe\"", "[1,]", "nul", ""}) {
    auto r = parse_json(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().status, 400) << bad;
  }
}

TEST(RequestHead, AmbiguousFramingAndMissingHostAreProblems) {
  using H = std::vector<std::pair<std::string, std::string>>;
  EXPECT_FALSE(head_problem(11, H{{"host", "x"}}));
  EXPECT_FALSE(head_problem(10, H{}));
  EXPECT_FALSE(head_problem(11, H{{"host", "x"}, {"transfer-encoding", " Chunked "}}));
  EXPECT_FALSE(head_problem(11, H{{"host", "x"}, {"content-length", "5"}}));
  EXPECT_TRUE(head_problem(11, H{}));
  EXPECT_TRUE(head_problem(11, H{{"host", "a"}, {"host", "b"}}));
  EXPECT_TRUE(head_problem(11, H{{"host", "x"}, {"transfer-encoding", "chunked"}, {"content-length", "5"}}));
  EXPECT_TRUE(head_problem(11, H{{"host", "x"}, {"transfer-encoding", "gzip, chunked"}}));
  EXPECT_TRUE(head_problem(11, H{{"host", "x"}, {"transfer-encoding", "chunked"}, {"transfer-encoding", "chunked"}}));
  EXPECT_TRUE(head_problem(11, H{{"host", "x"}, {"content-length", "5"}, {"content-length", "6"}}));
}

TEST(RequestHead, HttpsOnlyFromTrustedProxiesOrBehindTls) {
  const std::vector<std::string> trusted = {"127.0.0.1"};
  EXPECT_TRUE(secure_request(true, trusted, "10.0.0.1", ""));
  EXPECT_TRUE(secure_request(false, trusted, "127.0.0.1", "HTTPS"));
  EXPECT_TRUE(secure_request(false, trusted, "127.0.0.1", "https, http"));
  EXPECT_FALSE(secure_request(false, trusted, "127.0.0.1", "http"));
  EXPECT_FALSE(secure_request(false, trusted, "10.0.0.1", "https"));
  std::vector<std::pair<std::string, std::string>> headers = {{"Set-Cookie", "eq_session=a; HttpOnly"},
                                                              {"Set-Cookie", "x=1; Secure"}};
  apply_tls_headers(headers);
  EXPECT_EQ(headers[0].second, "eq_session=a; HttpOnly; Secure");
  EXPECT_EQ(headers[1].second, "x=1; Secure");
  EXPECT_EQ(headers.back().first, "Strict-Transport-Security");
}

}  // namespace
}  // namespace eq::http
