// Reading columns the same way on both backends: SQLite reports INTEGER columns as int or
// long long depending on the declared type, PostgreSQL BIGINT as long long.
#pragma once
#include <soci/soci.h>

#include <cstdint>
#include <optional>
#include <string>

namespace eq::store {

inline bool is_null(const soci::row& r, size_t i) { return r.get_indicator(i) == soci::i_null; }

inline int64_t get_int(const soci::row& r, size_t i) {
  if (is_null(r, i)) return 0;
  switch (r.get_properties(i).get_data_type()) {
    case soci::dt_integer: return r.get<int>(i);
    case soci::dt_long_long: return r.get<long long>(i);
    case soci::dt_unsigned_long_long: return static_cast<int64_t>(r.get<unsigned long long>(i));
    case soci::dt_double: return static_cast<int64_t>(r.get<double>(i));
    case soci::dt_string: return std::stoll(r.get<std::string>(i));
    default: return 0;
  }
}

inline std::optional<int64_t> get_opt_int(const soci::row& r, size_t i) {
  if (is_null(r, i)) return std::nullopt;
  return get_int(r, i);
}

inline double get_double(const soci::row& r, size_t i) {
  if (is_null(r, i)) return 0.0;
  switch (r.get_properties(i).get_data_type()) {
    case soci::dt_double: return r.get<double>(i);
    case soci::dt_integer: return r.get<int>(i);
    case soci::dt_long_long: return static_cast<double>(r.get<long long>(i));
    case soci::dt_string: return std::stod(r.get<std::string>(i));
    default: return 0.0;
  }
}

inline std::optional<double> get_opt_double(const soci::row& r, size_t i) {
  if (is_null(r, i)) return std::nullopt;
  return get_double(r, i);
}

inline std::string get_str(const soci::row& r, size_t i) { return is_null(r, i) ? std::string() : r.get<std::string>(i); }

inline bool get_bool(const soci::row& r, size_t i) { return get_int(r, i) != 0; }

}  // namespace eq::store
