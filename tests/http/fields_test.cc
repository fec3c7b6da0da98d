// http::FieldReader: the fields of a JSON object a handler checks itself, with issue 11's rule
// (a wrong type is a 422 naming the field in Spanish), and the vocabulary lists the API serves.
#include "http/fields.h"

#include <gtest/gtest.h>

namespace eq::http {
namespace {

TEST(FieldReader, TextTrimsBoundsAndNamesTheField) {
  const Json j = {{"place", "  Plaza  "}, {"long", std::string(201, 'x')}, {"n", 3}, {"ctrl", "a\x01b"}, {"blank", " "}};
  FieldReader in(j, "details");
  EXPECT_EQ(*in.text("place"), "Plaza");
  EXPECT_EQ(*in.text("missing"), "");
  auto required = in.text("blank", {.required = true});
  ASSERT_FALSE(required);
  EXPECT_EQ(required.error().code, "required");
  EXPECT_EQ(required.error().field, "details.blank");
  auto too_long = in.text("long");
  ASSERT_FALSE(too_long);
  EXPECT_EQ(too_long.error().code, "too_long");
  EXPECT_EQ(*in.text("long", {.max_chars = 201}), std::string(201, 'x'));
  auto wrong = in.text("n");
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().status, 422);
  EXPECT_EQ(wrong.error().code, "invalid_type");
  EXPECT_EQ(wrong.error().field, "details.n");
  EXPECT_EQ(wrong.error().message, "El campo «details.n» debe ser un texto.");
  EXPECT_EQ(in.text("ctrl").error().code, "invalid_characters");
}

TEST(FieldReader, CharactersNotBytes) {
  const Json j = {{"name", "ñandú"}};  // 5 characters, 7 bytes
  FieldReader in(j);
  EXPECT_EQ(*in.text("name", {.max_chars = 5}), "ñandú");
}

TEST(FieldReader, IntegersBooleansAndCodes) {
  const Json j = {{"n", 12}, {"big", 18446744073709551615ULL}, {"f", 1.5}, {"s", "7"}, {"b", true}, {"c", "x"}, {"nul", nullptr}};
  FieldReader in(j);
  EXPECT_EQ(**in.integer("n", {.min = 0, .max = 20}), 12);
  EXPECT_EQ(in.integer("n", {.min = 0, .max = 10}).error().code, "out_of_range");
  EXPECT_EQ(in.integer("big", {.min = 0}).error().code, "out_of_range");
  EXPECT_EQ(in.integer("f").error().message, "El campo «f» debe ser un número entero.");
  EXPECT_EQ(in.integer("s").error().code, "invalid_type");
  EXPECT_FALSE(*in.integer("nul"));
  EXPECT_EQ(in.integer("absent", {.required = true}).error().code, "required");
  EXPECT_EQ(**in.boolean("b"), true);
  EXPECT_EQ(in.boolean("n").error().message, "El campo «n» debe ser verdadero o falso.");
  EXPECT_EQ(in.one_of("c", true, {"a", "b"}).error().code, "invalid_value");
  EXPECT_EQ(*in.one_of("c", true, {"x"}), "x");
  EXPECT_EQ(in.string("n").error().code, "invalid_type");
}

TEST(FieldReader, UnknownFieldsAreRefused) {
  const Json j = {{"a", "1"}, {"typo", "2"}, {"list", Json::array()}};
  FieldReader in(j, "details");
  ASSERT_TRUE(in.text("a"));
  in.skip("list");
  auto unknown = in.no_unknown();
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, "unknown_field");
  EXPECT_EQ(unknown.error().field, "details.typo");
  ASSERT_TRUE(in.text("typo"));
  EXPECT_TRUE(in.no_unknown());
}

TEST(Vocabulary, OneListGivesCheckLabelMessageAndJson) {
  const Vocabulary v = {{"falsa_alarma", "Falsa alarma"}, {"otro", "Otro"}};
  EXPECT_TRUE(v.contains("otro"));
  EXPECT_FALSE(v.contains("Otro"));
  EXPECT_EQ(v.label("falsa_alarma"), "Falsa alarma");
  EXPECT_EQ(v.label("retirado"), "retirado");
  EXPECT_EQ(v.ids_text(), "falsa_alarma, otro");
  EXPECT_EQ(vocabulary_json(v), Json::parse(R"([{"id":"falsa_alarma","name":"Falsa alarma"},{"id":"otro","name":"Otro"}])"));
}

}  // namespace
}  // namespace eq::http
