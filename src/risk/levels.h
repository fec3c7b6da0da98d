// Risk levels, owned by the risk module (the instrument scores into them); the case registry and
// the early alerts use them through cases/model.h. Pure data: no IO.
#pragma once
#include <string>
#include <vector>

namespace eq::risk {

// In increasing order (Chile's unified initial risk form: bajo, medio, alto, vital).
inline const std::vector<std::string>& levels() {
  static const std::vector<std::string> l = {"bajo", "medio", "alto", "vital"};
  return l;
}
// Position in levels(), -1 when unknown.
inline int rank(const std::string& level) {
  const auto& l = levels();
  for (size_t i = 0; i < l.size(); ++i)
    if (l[i] == level) return static_cast<int>(i);
  return -1;
}

}  // namespace eq::risk
