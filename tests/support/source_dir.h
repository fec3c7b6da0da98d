// Where the source tree is (data/, fixtures): EQ_SOURCE_DIR from the environment (ctest sets it),
// else the path CMake compiled into source_dir.cc. Only that one file carries the path, so a clone
// at another path still finds every other test object in ccache.
#pragma once
#include <string>

namespace eq::testing {
std::string source_dir();
}
