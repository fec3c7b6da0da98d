#include "core/crypto.h"

#include <openssl/hmac.h>
#include <sodium.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <cstring>
#include <stdexcept>

namespace eq::crypto {

bool init() { return sodium_init() >= 0; }

std::string random_bytes(size_t n) {
  std::string out(n, '\0');
  randombytes_buf(out.data(), n);
  return out;
}

std::string random_token(size_t bytes) { return base64url(random_bytes(bytes)); }

std::string hex(std::string_view bytes) {
  std::string out(bytes.size() * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  out.pop_back();
  return out;
}

std::string sha256_hex(std::string_view data) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  return hex(std::string_view(reinterpret_cast<char*>(digest), sizeof digest));
}

bool equal_constant_time(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

namespace {

std::string to_base64_variant(std::string_view bytes, int variant) {
  std::string out(sodium_base64_encoded_len(bytes.size(), variant), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), variant);
  out.resize(std::strlen(out.c_str()));
  return out;
}

std::optional<std::string> from_base64_variant(std::string_view text, int variant) {
  std::string out(text.size(), '\0');
  size_t len = 0;
  // Without an end pointer libsodium refuses the whole text at the first character that is not base64.
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(), text.size(), nullptr, &len, nullptr,
                        variant) != 0)
    return std::nullopt;
  out.resize(len);
  return out;
}

}  // namespace

std::string base64url(std::string_view bytes) { return to_base64_variant(bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING); }
std::optional<std::string> from_base64url(std::string_view text) {
  return from_base64_variant(text, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}
std::string base64(std::string_view bytes) { return to_base64_variant(bytes, sodium_base64_VARIANT_ORIGINAL); }
std::optional<std::string> from_base64(std::string_view text) { return from_base64_variant(text, sodium_base64_VARIANT_ORIGINAL); }

std::string base32(std::string_view bytes) {
  static const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 5) {
      out.push_back(alphabet[(buffer >> (bits - 5)) & 31]);
      bits -= 5;
    }
  }
  if (bits > 0) out.push_back(alphabet[(buffer << (5 - bits)) & 31]);
  return out;
}

std::optional<std::string> from_base32(std::string_view text) {
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (char ch : text) {
    if (ch == '=' || ch == ' ' || ch == '-') continue;
    int v;
    if (ch >= 'A' && ch <= 'Z') v = ch - 'A';
    else if (ch >= 'a' && ch <= 'z') v = ch - 'a';
    else if (ch >= '2' && ch <= '7') v = ch - '2' + 26;
    else return std::nullopt;
    buffer = (buffer << 5) | static_cast<uint32_t>(v);
    bits += 5;
    if (bits >= 8) {
      out.push_back(static_cast<char>((buffer >> (bits - 8)) & 0xFF));
      bits -= 8;
    }
  }
  return out;
}

std::string hash_password(std::string_view password) {
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                            crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0)
    throw std::runtime_error("argon2id: out of memory");
  return out;
}

bool verify_password(const std::string& stored_hash, std::string_view password) {
  return crypto_pwhash_str_verify(stored_hash.c_str(), password.data(), password.size()) == 0;
}

int64_t totp_counter(int64_t unix_ms) { return unix_ms / 1000 / 30; }

std::string totp_code(std::string_view secret, int64_t counter) {
  unsigned char msg[8];
  for (int i = 7; i >= 0; --i) {
    msg[i] = static_cast<unsigned char>(counter & 0xFF);
    counter >>= 8;
  }
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha1(), secret.data(), static_cast<int>(secret.size()), msg, sizeof msg, mac, &len);
  int offset = mac[len - 1] & 0x0F;
  uint32_t bin = ((mac[offset] & 0x7F) << 24) | (mac[offset + 1] << 16) | (mac[offset + 2] << 8) | mac[offset + 3];
  char buf[8];
  std::snprintf(buf, sizeof buf, "%06u", bin % 1000000);
  return buf;
}

Keys Keys::from_master(std::string_view master32) {
  Keys k;
  const auto* master = reinterpret_cast<const unsigned char*>(master32.data());
  crypto_kdf_derive_from_key(k.enc_key_.data(), k.enc_key_.size(), 1, "eqfields", master);
  crypto_kdf_derive_from_key(k.idx_key_.data(), k.idx_key_.size(), 2, "eqblindx", master);
  return k;
}

Result<Keys> Keys::load_or_create(const std::string& path) {
  namespace fs = std::filesystem;
  std::string hexkey;
  if (std::ifstream in(path); in) {
    in >> hexkey;
    // A key file copied in by hand with a looser mode is narrowed: it opens victims' identities.
    std::error_code ec;
    fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::replace, ec);
  } else {
    std::error_code ec;
    if (auto parent = fs::path(path).parent_path(); !parent.empty()) fs::create_directories(parent, ec);
    hexkey = hex(random_bytes(32));
    mode_t old = umask(077);
    std::ofstream out(path);
    umask(old);
    out << hexkey << "\n";
    if (!out) return fail(Error{500, "key_file", "No se pudo crear el archivo de claves " + path + ".", "keys"});
  }
  std::string master(32, '\0');
  size_t len = 0;
  if (hexkey.size() != 64 ||
      sodium_hex2bin(reinterpret_cast<unsigned char*>(master.data()), 32, hexkey.data(), hexkey.size(), nullptr, &len, nullptr) != 0 ||
      len != 32)
    return fail(Error{500, "key_file", "El archivo de claves " + path + " no contiene una clave válida de 32 bytes.", "keys"});
  return from_master(master);
}

std::string Keys::encrypt(std::string_view plaintext) const {
  unsigned char nonce[crypto_aead_xchacha20poly1305_ietf_NPUBBYTES];
  randombytes_buf(nonce, sizeof nonce);
  std::string out(sizeof nonce + plaintext.size() + crypto_aead_xchacha20poly1305_ietf_ABYTES, '\0');
  std::memcpy(out.data(), nonce, sizeof nonce);
  unsigned long long clen = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(reinterpret_cast<unsigned char*>(out.data()) + sizeof nonce, &clen,
                                             reinterpret_cast<const unsigned char*>(plaintext.data()), plaintext.size(),
                                             nullptr, 0, nullptr, nonce, enc_key_.data());
  out.resize(sizeof nonce + clen);
  return "v1." + base64url(out);
}

std::optional<std::string> Keys::decrypt(std::string_view ciphertext) const {
  if (ciphertext.substr(0, 3) != "v1.") return std::nullopt;
  auto raw = from_base64url(ciphertext.substr(3));
  const size_t nlen = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
  if (!raw || raw->size() < nlen + crypto_aead_xchacha20poly1305_ietf_ABYTES) return std::nullopt;
  std::string out(raw->size() - nlen, '\0');
  unsigned long long mlen = 0;
  const auto* bytes = reinterpret_cast<const unsigned char*>(raw->data());
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(reinterpret_cast<unsigned char*>(out.data()), &mlen, nullptr, bytes + nlen,
                                                 raw->size() - nlen, nullptr, 0, bytes, enc_key_.data()) != 0)
    return std::nullopt;
  out.resize(mlen);
  return out;
}

std::string hmac_sha256_hex(std::string_view key, std::string_view message) {
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, reinterpret_cast<const unsigned char*>(key.data()), key.size());
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(message.data()), message.size());
  crypto_auth_hmacsha256_final(&st, mac);
  return hex(std::string_view(reinterpret_cast<char*>(mac), sizeof mac));
}

std::string Keys::blind_index(std::string_view canonical_value) const {
  return hmac_sha256_hex(std::string_view(reinterpret_cast<const char*>(idx_key_.data()), idx_key_.size()), canonical_value);
}

std::string Keys::fingerprint() const { return blind_index("equidad/key-fingerprint/v1").substr(0, 16); }

}  // namespace eq::crypto
