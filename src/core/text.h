#pragma once
#include <string>
#include <string_view>

namespace eq {
// Lower-cases and strips Spanish diacritics so "ÑUÑOA", "Ñuñoa" and "nunoa" compare equal.
std::string fold_for_search(std::string_view s);
// Trims ASCII white space at both ends.
std::string trim(std::string_view s);
}  // namespace eq
