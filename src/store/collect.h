// Every row of a query made into a value: the loop each repository writes around Query::each,
// written once.
#pragma once
#include <vector>

#include "store/query.h"

namespace eq::store {

template <class T, class Make>
std::vector<T> collect(soci::session& s, Query q, Make make) {
  std::vector<T> out;
  q.each(s, [&](const soci::row& r) { out.push_back(make(r)); });
  return out;
}

}  // namespace eq::store
