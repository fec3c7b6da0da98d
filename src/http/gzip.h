#pragma once
#include <optional>
#include <string>

namespace eq::http {
// gzip-encodes data; nullopt when compression would not make it smaller.
std::optional<std::string> gzip(const std::string& data, int level = 6);
bool accepts_gzip(const std::string& accept_encoding);
}  // namespace eq::http
