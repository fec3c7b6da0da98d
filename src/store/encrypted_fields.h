// The registry of encrypted columns. Every module declares, in one function next to its schema,
// each column that holds crypto::Keys ciphertext: its table, the columns that identify a row, and
// the blind indexes computed from the same plain value. Key rotation, the start-up check that the
// key opens the data, and the backup's note of which key it needs all read these declarations, so
// a module that adds an encrypted column is covered by all three by declaring it once.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/crypto.h"
#include "core/error.h"

namespace soci {
class session;
}

namespace eq::store {

struct KeyColumn {
  std::string name;
  bool text = false;  // false: an integer column
};

struct BlindIndexColumn {
  std::string column;
  // The canonical value indexed, from the plain text of the encrypted column; nullopt → NULL.
  std::function<std::optional<std::string>(const std::string& plain)> canonical;
};

struct EncryptedColumn {
  std::string table;
  std::vector<KeyColumn> key;  // identifies a row (usually {"id"})
  std::string column;          // "v1.…" ciphertext; NULL or '' when absent
  std::vector<BlindIndexColumn> blind_indexes;
  std::string what;            // for people: "nombres y teléfonos de las medidas"
};

using EncryptedFields = std::vector<EncryptedColumn>;

// Re-encrypts every declared column under `to` and recomputes its blind indexes, in the caller's
// transaction. Throws std::runtime_error naming table, column and row when a value does not open
// with `from` (nothing is then committed).
int64_t rekey(soci::session& s, const EncryptedFields& fields, const crypto::Keys& from, const crypto::Keys& to);

// Opens a sample of every declared column (the first and the last rows holding ciphertext) with
// `keys`; an error naming the first column that does not open, for the server to refuse to start.
Result<void> verify_keys(soci::session& s, const EncryptedFields& fields, const crypto::Keys& keys, int per_end = 3);

// How many values each declared column holds (for the backup's note).
std::vector<std::pair<std::string, int64_t>> census(soci::session& s, const EncryptedFields& fields);

}  // namespace eq::store
