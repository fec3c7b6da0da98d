// Meta's webhook read without a server: the signature over the raw bytes (one byte changed, the
// header's shape, upper-case hex) and the payload (BSUID keying, optional phone, unknown types).
#include <gtest/gtest.h>

#include "core/crypto.h"
#include "whatsapp/module.h"

using namespace eq::whatsapp;

namespace {
const std::string kSecret = "0123456789abcdef0123456789abcdef";
// Meta's bytes, escapes included: never re-serialized before the check.
const std::string kBody =
    R"({"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"messaging_product":"whatsapp",)"
    R"("metadata":{"phone_number_id":"106540352242922"},"contacts":[{"profile":{"name":"Se\u00f1ora"},"user_id":"CL.1a2b3c"}],)"
    R"("messages":[{"from_user_id":"CL.1a2b3c","id":"wamid.A","timestamp":"1796570000","type":"text","text":{"body":"Ma\u00f1ana"}},)"
    R"({"from_user_id":"CL.1a2b3c","id":"wamid.B","timestamp":"1796570001","type":"sticker","sticker":{"id":"9"}}],)"
    R"("statuses":[{"id":"wamid.X","status":"failed","timestamp":"1796570002","errors":[{"code":131047,"title":"Re-engagement message"}]}]}}]}]})";
}  // namespace

TEST(WhatsappWebhook, SignatureIsOverTheRawBytes) {
  ASSERT_TRUE(eq::crypto::init());
  const std::string header = sign(kSecret, kBody);
  EXPECT_TRUE(verify_signature(kSecret, header, kBody).has_value());
  std::string upper = header;
  for (size_t i = 7; i < upper.size(); ++i) upper[i] = static_cast<char>(std::toupper(static_cast<unsigned char>(upper[i])));
  EXPECT_TRUE(verify_signature(kSecret, upper, kBody).has_value());
  std::string changed = kBody;
  changed[changed.find("Ma")] = 'm';
  EXPECT_EQ(verify_signature(kSecret, header, changed).error().status, 401);
  EXPECT_EQ(verify_signature("another-secret-of-32-characters!", header, kBody).error().status, 401);
  EXPECT_EQ(verify_signature(kSecret, "", kBody).error().status, 401);
  EXPECT_EQ(verify_signature(kSecret, header.substr(7), kBody).error().status, 401);
  EXPECT_EQ(verify_signature(kSecret, "sha1=" + header.substr(7), kBody).error().status, 401);
}

TEST(WhatsappWebhook, KeysOnTheBusinessScopedIdWithoutPhone) {
  auto b = parse_webhook(kBody);
  ASSERT_TRUE(b.has_value()) << b.error().message;
  ASSERT_EQ(b->messages.size(), 2u);
  EXPECT_EQ(b->messages[0].user_key, "CL.1a2b3c");
  EXPECT_EQ(b->messages[0].wa_id, "");
  EXPECT_EQ(b->messages[0].text, "Ma\xc3\xb1" "ana");
  EXPECT_EQ(b->messages[0].at_ms, 1796570000000);
  EXPECT_EQ(b->messages[0].phone_number_id, "106540352242922");
  EXPECT_FALSE(b->messages[1].supported);
  EXPECT_EQ(b->messages[1].text, "[no soportado: sticker]");
  ASSERT_EQ(b->statuses.size(), 1u);
  EXPECT_EQ(b->statuses[0].error_code, 131047);
}

TEST(WhatsappWebhook, PhoneWhenNoBusinessScopedId) {
  const std::string body =
      R"({"entry":[{"changes":[{"field":"messages","value":{"messaging_product":"whatsapp","contacts":[{"wa_id":"56911112222"}],)"
      R"("messages":[{"from":"56911112222","id":"wamid.C","timestamp":"1796570000","type":"location","location":{"latitude":-33.4,"longitude":-70.6}}]}}]}]})";
  auto b = parse_webhook(body);
  ASSERT_TRUE(b.has_value()) << b.error().message;
  EXPECT_EQ(b->messages[0].user_key, "56911112222");
  EXPECT_EQ(b->messages[0].wa_id, "56911112222");
  EXPECT_EQ(b->messages[0].text, "[ubicaci\xc3\xb3n] -33.4, -70.6");
}

TEST(WhatsappWebhook, MalformedPayloadNamesTheField) {
  EXPECT_EQ(parse_webhook("{").error().status, 400);
  EXPECT_EQ(parse_webhook(R"({"entry":[{"changes":[{"value":{"messaging_product":"sms"}}]}]})").error().field, "value.messaging_product");
  EXPECT_EQ(parse_webhook(R"({"entry":[{"changes":[{"value":{"messaging_product":"whatsapp","messages":[{"id":"w","from":"5","type":"text"}]}}]}]})")
                .error()
                .field,
            "messages[].timestamp");
}
