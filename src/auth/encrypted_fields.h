// The auth module's encrypted columns (see store/encrypted_fields.h): accounts' RUN with its blind
// index, TOTP secrets, and the secret of a second-factor enrolment in progress.
#pragma once
#include "store/encrypted_fields.h"

namespace eq::auth {

store::EncryptedFields encrypted_fields();

}  // namespace eq::auth
