// URL text (core/url.h): the one percent-decoder and form splitter.
#include "core/url.h"

#include <gtest/gtest.h>

namespace eq {
namespace {

TEST(UrlDecode, DecodesPercentAndPlus) {
  EXPECT_EQ(url_decode("%C3%91u%C3%B1oa+x", true), "Ñuñoa x");
  EXPECT_EQ(url_decode("a+b", false), "a+b");
  EXPECT_EQ(url_decode("100%", true), "100%");
  EXPECT_EQ(url_decode("%zz", true), "%zz");
}

TEST(UrlDecode, EndsAndCase) {
  EXPECT_EQ(url_decode("a%41", false), "aA");
  EXPECT_EQ(url_decode("%4a%4A", false), "JJ");
  EXPECT_EQ(url_decode("%4", false), "%4");
  EXPECT_EQ(url_decode("%", false), "%");
}

TEST(ParseForm, PairsInOrderWithRepeatsAndBareKeys) {
  auto f = parse_form("id=tag+1&&lat=-33.4&flag&key=a%26b&lat=-33.5&=x\r\n");
  ASSERT_EQ(f.size(), 6u);
  EXPECT_EQ(f[0].key, "id");
  EXPECT_EQ(f[0].value, "tag 1");
  EXPECT_EQ(f[2].key, "flag");
  EXPECT_FALSE(f[2].has_value);
  EXPECT_EQ(f[3].value, "a&b");  // an encoded '&' is data, not a separator
  EXPECT_EQ(f[5].key, "");
  EXPECT_EQ(f[5].value, "x");
  EXPECT_TRUE(parse_form("").empty());
  // A '?' inside a value is data; callers pass what follows the target's first '?'.
  EXPECT_EQ(parse_form("q=a?b")[0].value, "a?b");
  // Database URL options keep '+'.
  EXPECT_EQ(parse_form("options=a+b", false)[0].value, "a+b");
}

TEST(ParseForm, ValueLastWinsOptionallyIgnoringCase) {
  EXPECT_EQ(form_value("key=1&KEY=2&key=3", "key"), "3");
  EXPECT_EQ(form_value("key=1&KEY=2", "key", true), "2");
  EXPECT_EQ(form_value("KEY=2", "key"), std::nullopt);
  EXPECT_EQ(form_value("key&x=1", "key"), std::nullopt);
  EXPECT_EQ(form_value("key=", "key"), "");
}

}  // namespace
}  // namespace eq
