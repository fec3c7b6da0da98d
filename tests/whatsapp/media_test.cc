// The media checks without a server (src/whatsapp/media.cc): the allowed types (parameters and case
// ignored, nothing else let through), the size cap by kind, and Meta's checksum in either form.
#include <gtest/gtest.h>

#include "core/crypto.h"
#include "whatsapp/media.h"

using namespace eq::whatsapp;

TEST(WhatsappMedia, AllowedTypesOnly) {
  for (const char* ok : {"image/jpeg", "image/png", "image/webp", "audio/ogg", "audio/aac", "audio/mpeg", "audio/amr", "audio/mp4",
                         "audio/ogg; codecs=opus", "IMAGE/PNG", " image/jpeg "})
    EXPECT_TRUE(media_type_allowed(ok)) << ok;
  for (const char* no : {"image/gif", "image/svg+xml", "text/html", "application/pdf", "video/mp4", "", "image/png2", "image/"})
    EXPECT_FALSE(media_type_allowed(no)) << no;
  EXPECT_EQ(media_base_type("audio/ogg; codecs=opus"), "audio/ogg");
}

TEST(WhatsappMedia, SizeCapByKind) {
  EXPECT_EQ(media_max_bytes("image"), 5 * 1024 * 1024);
  EXPECT_EQ(media_max_bytes("audio"), 16 * 1024 * 1024);
  EXPECT_EQ(media_max_bytes("sticker"), 5 * 1024 * 1024);  // anything else: the smaller cap
}

TEST(WhatsappMedia, ChecksumHexOrBase64) {
  ASSERT_TRUE(eq::crypto::init());
  const std::string bytes = "\x89PNG\r\n\x1a\n de prueba";
  const std::string hex = eq::crypto::sha256_hex(bytes);
  EXPECT_TRUE(media_sha256_matches(bytes, hex));
  std::string upper = hex;
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_TRUE(media_sha256_matches(bytes, upper));
  std::string digest;
  for (size_t i = 0; i < hex.size(); i += 2) digest.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  EXPECT_TRUE(media_sha256_matches(bytes, eq::crypto::base64(digest)));
  EXPECT_TRUE(media_sha256_matches(bytes, eq::crypto::base64url(digest)));
  EXPECT_FALSE(media_sha256_matches(bytes + "x", hex));
  EXPECT_FALSE(media_sha256_matches(bytes, ""));
  EXPECT_FALSE(media_sha256_matches(bytes, hex.substr(0, 63)));
}

TEST(WhatsappMedia, FailuresInSpanish) {
  EXPECT_NE(media_failure_es("too_large").find("5 MB"), std::string::npos);
  EXPECT_NE(media_failure_es("sha256").find("suma de verificación"), std::string::npos);
  EXPECT_NE(media_failure_es("unreachable").find("no respondieron"), std::string::npos);
}
