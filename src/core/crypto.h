// Vetted primitives behind small names: libsodium for passwords, field encryption and randomness;
// OpenSSL only for HMAC-SHA1, which TOTP (RFC 6238) requires.
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"

namespace eq::crypto {

bool init();  // sodium_init; false if the library cannot start

std::string random_bytes(size_t n);
std::string random_token(size_t bytes = 32);  // base64url, no padding
std::string sha256_hex(std::string_view data);
// HMAC-SHA256 of `message` under `key`, as 64 lowercase hex digits: the one keyed hash of the
// program (blind indexes, callers' hashes, webhook signatures, recovery codes).
std::string hmac_sha256_hex(std::string_view key, std::string_view message);
std::string hex(std::string_view bytes);
bool equal_constant_time(std::string_view a, std::string_view b);

// Base64 through libsodium (sodium_bin2base64 / sodium_base642bin), the only base64 in the program.
// base64url: RFC 4648 §5 without padding, for tokens, ciphertext, keys and signatures.
std::string base64url(std::string_view bytes);
std::optional<std::string> from_base64url(std::string_view text);  // nullopt on anything else
// base64: RFC 4648 §4 with padding, as HTTP Basic credentials (RFC 7617) carry them.
std::string base64(std::string_view bytes);
std::optional<std::string> from_base64(std::string_view text);  // nullopt on anything else
std::string base32(std::string_view bytes);  // RFC 4648, no padding (authenticator apps)
std::optional<std::string> from_base32(std::string_view text);

// argon2id (libsodium's interactive limits: ~64 MiB, a tenth of a second here).
std::string hash_password(std::string_view password);
bool verify_password(const std::string& stored_hash, std::string_view password);

// RFC 6238: 6 digits, 30 s steps, HMAC-SHA1.
std::string totp_code(std::string_view secret, int64_t counter);
int64_t totp_counter(int64_t unix_ms);

// Identifying fields are stored as XChaCha20-Poly1305 ciphertext; exact look-ups use a keyed blind
// index (HMAC-SHA256 under a separate key), never the plain value.
class Keys {
 public:
  // Reads the 32-byte master key (hex) from `path`, creating it (mode 0600) when missing.
  static Result<Keys> load_or_create(const std::string& path);
  static Keys from_master(std::string_view master32);

  std::string encrypt(std::string_view plaintext) const;                 // "v1." + base64url(nonce ‖ ct)
  std::optional<std::string> decrypt(std::string_view ciphertext) const;  // nullopt if tampered
  std::string blind_index(std::string_view canonical_value) const;       // hex
  // Names the key without revealing it (16 hex digits derived from it): which key a backup needs,
  // which key was retired by a rotation.
  std::string fingerprint() const;

 private:
  std::array<unsigned char, 32> enc_key_{};
  std::array<unsigned char, 32> idx_key_{};
};

}  // namespace eq::crypto
