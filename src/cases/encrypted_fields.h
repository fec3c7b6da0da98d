// The case registry's encrypted columns (see store/encrypted_fields.h): identities with their RUN
// and document blind indexes, record details, emergency-access reasons.
#pragma once
#include "store/encrypted_fields.h"

namespace eq::cases {

store::EncryptedFields encrypted_fields();

}  // namespace eq::cases
