#include "core/crypto.h"

#include <gtest/gtest.h>
#include <unistd.h>

namespace eq::crypto {
namespace {

class CryptoTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { ASSERT_TRUE(init()); }
};

// RFC 6238 appendix B, SHA-1 seed, truncated to the 6 digits authenticator apps show.
TEST_F(CryptoTest, TotpMatchesRfc6238Vectors) {
  const std::string seed = "12345678901234567890";
  EXPECT_EQ(totp_code(seed, totp_counter(59'000)), "287082");
  EXPECT_EQ(totp_code(seed, totp_counter(1111111109'000)), "081804");
  EXPECT_EQ(totp_code(seed, totp_counter(1111111111'000)), "050471");
  EXPECT_EQ(totp_code(seed, totp_counter(1234567890'000)), "005924");
  EXPECT_EQ(totp_code(seed, totp_counter(2000000000'000)), "279037");
}

TEST_F(CryptoTest, Base32RoundTripsAndDecodesTheDemoSecret) {
  auto raw = from_base32("JBSWY3DPEHPK3PXP");
  ASSERT_TRUE(raw);
  EXPECT_EQ(*raw, "Hello!\xDE\xAD\xBE\xEF");
  EXPECT_EQ(base32(*raw), "JBSWY3DPEHPK3PXP");
  std::string bytes = random_bytes(20);
  EXPECT_EQ(from_base32(base32(bytes)), bytes);
  EXPECT_FALSE(from_base32("not base32!"));
}

TEST_F(CryptoTest, PasswordsAreArgon2idAndVerify) {
  std::string h = hash_password("Equidad2026!");
  EXPECT_EQ(h.rfind("$argon2id$", 0), 0u);
  EXPECT_TRUE(verify_password(h, "Equidad2026!"));
  EXPECT_FALSE(verify_password(h, "equidad2026!"));
  EXPECT_NE(hash_password("Equidad2026!"), h) << "salted";
}

TEST_F(CryptoTest, FieldEncryptionRoundTripsAndDetectsTampering) {
  Keys k = Keys::from_master(std::string(32, 'k'));
  std::string ct = k.encrypt("12345678-5");
  EXPECT_EQ(ct.rfind("v1.", 0), 0u);
  EXPECT_EQ(ct.find("12345678"), std::string::npos);
  EXPECT_EQ(k.decrypt(ct), "12345678-5");
  EXPECT_NE(k.encrypt("12345678-5"), ct) << "random nonce";
  std::string tampered = ct;
  tampered[10] = tampered[10] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(k.decrypt(tampered));
  Keys other = Keys::from_master(std::string(32, 'x'));
  EXPECT_FALSE(other.decrypt(ct));
}

TEST_F(CryptoTest, BlindIndexIsKeyedAndDeterministic) {
  Keys a = Keys::from_master(std::string(32, 'a'));
  Keys b = Keys::from_master(std::string(32, 'b'));
  EXPECT_EQ(a.blind_index("12345678-5"), a.blind_index("12345678-5"));
  EXPECT_NE(a.blind_index("12345678-5"), b.blind_index("12345678-5"));
  EXPECT_NE(a.blind_index("12345678-5"), sha256_hex("12345678-5"));
}

TEST_F(CryptoTest, TokensAreUrlSafeAndUnique) {
  std::string t = random_token();
  EXPECT_EQ(t.size(), 43u);
  EXPECT_EQ(t.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"), std::string::npos);
  EXPECT_NE(random_token(), t);
  EXPECT_TRUE(equal_constant_time("abc", "abc"));
  EXPECT_FALSE(equal_constant_time("abc", "abd"));
  EXPECT_FALSE(equal_constant_time("abc", "abcd"));
}

// RFC 4648 §10 vectors; the standard alphabet with padding (HTTP Basic) and the URL-safe one without.
TEST_F(CryptoTest, Base64VariantsFollowRfc4648) {
  EXPECT_EQ(base64("foob"), "Zm9vYg==");
  EXPECT_EQ(base64("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64(""), "");
  EXPECT_EQ(from_base64("Zm9vYg=="), "foob");
  EXPECT_EQ(from_base64("ZGV2aWNlOnNlY3JldA=="), "device:secret");
  EXPECT_EQ(from_base64("Zm9vYg"), std::nullopt);      // padding required
  EXPECT_EQ(from_base64("Zm9v*mFy"), std::nullopt);    // not base64
  const std::string bytes("\xfb\xff\xfe", 3);
  EXPECT_EQ(base64(bytes), "+//+");
  EXPECT_EQ(base64url(bytes), "-__-");
  EXPECT_EQ(from_base64url("-__-"), bytes);
  EXPECT_EQ(from_base64url("+//+"), std::nullopt);  // the other alphabet is refused
  EXPECT_EQ(from_base64("-__-"), std::nullopt);
}

TEST_F(CryptoTest, KeyFileIsCreatedOnceAndReused) {
  std::string path = ::testing::TempDir() + "/eq-keys-" + std::to_string(::getpid()) + "/k";
  auto a = Keys::load_or_create(path);
  ASSERT_TRUE(a);
  auto b = Keys::load_or_create(path);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->decrypt(a->encrypt("x")), "x");
}

// RFC 4231 test cases 1 and 2: the one keyed hash every module uses must be HMAC-SHA256 itself.
TEST_F(CryptoTest, HmacSha256MatchesRfc4231) {
  EXPECT_EQ(hmac_sha256_hex(std::string(20, '\x0b'), "Hi There"),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  EXPECT_EQ(hmac_sha256_hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

}  // namespace
}  // namespace eq::crypto

