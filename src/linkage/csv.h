// Moved to core/csv.h (one CSV reader and writer for every module). This forwarding header stays
// only until monitoring's replay and policy's import include core/csv.h themselves.
#pragma once
#include "core/csv.h"

namespace eq::linkage {
using eq::csv_append;
using eq::CsvReader;
using eq::read_file;
}  // namespace eq::linkage
