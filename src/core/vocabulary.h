// A fixed list of codes with their Spanish labels (the outcomes an alert or an incident closes
// with, and the like): one server list per vocabulary, from which the check of an input, the
// label in a response, the list in an error message and the options the web shows all come. The
// web never keeps its own copy: it reads the list from the API (http::vocabulary_json).
#pragma once
#include <algorithm>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace eq {

struct Term {
  std::string id;     // stored and sent by clients
  std::string label;  // Spanish, for people
};

class Vocabulary {
 public:
  Vocabulary(std::initializer_list<Term> terms) : terms_(terms) {}

  const std::vector<Term>& terms() const { return terms_; }
  bool contains(std::string_view id) const {
    return std::any_of(terms_.begin(), terms_.end(), [&](const Term& t) { return t.id == id; });
  }
  // The label of a code; the code itself for one no longer in the list (old rows keep showing).
  std::string label(std::string_view id) const {
    for (const auto& t : terms_)
      if (t.id == id) return t.label;
    return std::string(id);
  }
  // "a, b, c": the codes, for an error message that says what is accepted.
  std::string ids_text() const {
    std::string out;
    for (const auto& t : terms_) out += (out.empty() ? "" : ", ") + t.id;
    return out;
  }

 private:
  std::vector<Term> terms_;
};

}  // namespace eq
