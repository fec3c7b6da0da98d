// The auth module's encrypted columns, declared once for key rotation, the start-up key check and
// backups (store/encrypted_fields.h).
#include "auth/encrypted_fields.h"
#include "auth/repository.h"

namespace eq::auth {

store::EncryptedFields encrypted_fields() {
  return {
      // run_bidx: the blind index accounts are looked up by, over the RUN as stored.
      {"auth_users", {{"id"}}, "run_enc", {{"run_bidx", [](const std::string& run) { return std::optional<std::string>(run); }}},
       "RUN de las cuentas"},
      {"auth_users", {{"id"}}, "totp_secret_enc", {}, "secretos TOTP"},
      {"auth_challenges", {{"id"}}, "secret_enc", {}, "secretos TOTP en enrolamiento"},
  };
}

int64_t Repository::rekey(soci::session& s, const crypto::Keys& to) const { return store::rekey(s, encrypted_fields(), keys_, to); }

}  // namespace eq::auth
