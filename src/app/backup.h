// `equidad backup` and `equidad restore`: a portable, dialect-neutral copy of every table.
//
// The file is gzip'd JSON lines: a header (format version, when, source dialect, the schema
// migrations per module, the fingerprint of the key the ciphertexts need — never the key), then for
// each table one line naming its columns followed by one JSON array per row, then a trailer with the
// counts and the SHA-256 of everything before it. Encrypted columns are copied as ciphertext, so the
// file is no more readable than the database; the key file is backed up separately (docs/OPERATIONS.md).
// Tables are enumerated from the database's own catalogue, so a new module is covered without edits.
#pragma once
#include <string>

#include "app/app.h"
#include "core/error.h"

namespace eq::app {

struct BackupSummary {
  std::string fingerprint;  // of the key the backup needs
  long long tables = 0;
  long long rows = 0;
  std::string sha256;
  std::string note;  // which encrypted columns the key opens (census), for the operator
};

// Writes `out` (refused if it exists) from a consistent snapshot of config.db_url.
Result<BackupSummary> write_backup(const Config& config, const std::string& out);

// Restores `in` into config.db_url, which must be empty (no tables, or only what migrations create),
// with the key file whose fingerprint the backup names. Verifies the checksum first, applies this
// version's migrations, refuses when they differ from the backup's, then copies every row in one
// transaction and, on PostgreSQL, moves each identity sequence past the restored ids.
Result<BackupSummary> restore_backup(const Config& config, const std::string& in);

}  // namespace eq::app
