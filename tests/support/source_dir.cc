#include "source_dir.h"

#include <cstdlib>

namespace eq::testing {

std::string source_dir() {
  if (const char* v = std::getenv("EQ_SOURCE_DIR"); v && *v) return v;
  return EQ_SOURCE_DIR;
}

}  // namespace eq::testing
