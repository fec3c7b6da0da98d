// A statement built in pieces with named parameters, for queries whose filters are optional.
#pragma once
#include <soci/soci.h>

#include <deque>
#include <functional>
#include <optional>
#include <string>

#include "store/row.h"

namespace eq::store {

// Statements are one-time queries: on PostgreSQL a repeatable (named) statement costs three round
// trips (PREPARE, EXECUTE, DEALLOCATE when it is destroyed) where a one-time query costs one, and a
// Query is built and thrown away for every execution anyway. SQLite prepares either kind the same way.
class Query {
 public:
  explicit Query(std::string sql) : sql_(std::move(sql)) {}
  Query& sql(const std::string& more) {
    sql_ += more;
    return *this;
  }
  Query& bind(const std::string& name, std::string value) {
    strings_.push_back({name, std::move(value)});
    return *this;
  }
  Query& bind(const std::string& name, long long value) {
    ints_.push_back({name, value});
    return *this;
  }
  Query& bind_double(const std::string& name, double value) {
    doubles_.push_back({name, value});
    return *this;
  }
  // Binds NULL when the value is absent.
  Query& bind_opt_double(const std::string& name, const std::optional<double>& value) {
    doubles_.push_back({name, value.value_or(0.0), value ? soci::i_ok : soci::i_null});
    return *this;
  }
  Query& bind_opt(const std::string& name, const std::optional<std::string>& value) {
    strings_.push_back({name, value.value_or(""), value ? soci::i_ok : soci::i_null});
    return *this;
  }
  Query& bind_opt(const std::string& name, const std::optional<long long>& value) {
    ints_.push_back({name, value.value_or(0), value ? soci::i_ok : soci::i_null});
    return *this;
  }

  void each(soci::session& s, const std::function<void(const soci::row&)>& fn) {
    soci::statement st(s);
    bind_all(st);
    soci::row row;
    st.exchange(soci::into(row));
    st.alloc();
    st.prepare(sql_, soci::details::st_one_time_query);
    st.define_and_bind();
    st.execute(false);
    while (st.fetch()) fn(row);
  }
  // Returns the number of rows changed.
  long long exec(soci::session& s) {
    soci::statement st(s);
    bind_all(st);
    st.alloc();
    st.prepare(sql_, soci::details::st_one_time_query);
    st.define_and_bind();
    st.execute(true);
    return st.get_affected_rows();
  }
  // For "INSERT … RETURNING id" and single-value queries; nullopt when no row.
  std::optional<long long> scalar(soci::session& s) {
    std::optional<long long> out;
    each(s, [&](const soci::row& r) {
      if (!out) out = get_int(r, 0);
    });
    return out;
  }

 private:
  template <typename T>
  struct Param {
    std::string name;
    T value;
    soci::indicator ind = soci::i_ok;
  };
  void bind_all(soci::statement& st) {
    for (auto& p : strings_) st.exchange(soci::use(p.value, p.ind, p.name));
    for (auto& p : ints_) st.exchange(soci::use(p.value, p.ind, p.name));
    for (auto& p : doubles_) st.exchange(soci::use(p.value, p.ind, p.name));
  }
  std::string sql_;
  std::deque<Param<std::string>> strings_;
  std::deque<Param<long long>> ints_;
  std::deque<Param<double>> doubles_;
};

// LIKE pattern that matches `text` anywhere, with the user's own wildcards taken literally
// (use with ESCAPE '\').
inline std::string contains_pattern(const std::string& text) {
  std::string p = "%";
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') p.push_back('\\');
    p.push_back(c);
  }
  return p + "%";
}

}  // namespace eq::store
