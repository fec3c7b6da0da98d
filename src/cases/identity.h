// A person as an institution identifies her (or him): what the API accepts, what is encrypted at
// rest, and what record linkage compares. Many women have no RUN (migrants: passport, foreign id or
// nothing), birth dates are often partial, names arrive with one surname or a nickname.
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "linkage/linkage.h"

namespace eq::cases {

struct PersonIdentity {
  std::string run;          // canonical "12345678-5" when valid; as typed (trimmed) when not
  bool run_valid = false;   // a RUN with a wrong check digit is kept, never used as an exact key
  std::string document_type;  // pasaporte | dni_extranjero | otro | "" (with other_document)
  std::string other_document;
  std::string given_names, surname1, surname2;
  int birth_year = 0, birth_month = 0, birth_day = 0;  // 0 = unknown
  std::string sex;          // F | M | X | ""
  std::string nationality;  // free text, e.g. "chilena", "venezolana"
  std::string comuna_id;    // official code, validated by the caller against the territory module
  std::string phone;                      // the one to call first (linkage compares it)
  std::vector<std::string> other_phones;  // up to 3 more (a relative's, work)
  std::string address;
};

// Reads an identity object; every error names its field under `prefix` (e.g. "persons[0].identity.run").
// A RUN with a wrong check digit is accepted (run_valid=false); impossible or future birth dates are not.
Result<PersonIdentity> parse_identity(const nlohmann::json& j, const std::string& prefix, int64_t now_ms);

nlohmann::json to_json(const PersonIdentity& p);                 // API shape, also the encrypted payload
PersonIdentity identity_from_json(const nlohmann::json& j);      // inverse of to_json (trusted input)
linkage::Identity to_linkage(const PersonIdentity& p);
std::string display_name(const PersonIdentity& p);               // "María José Pérez Soto"
std::string birth_text(const PersonIdentity& p);                 // "24-11-1990", "11-1990", "1990" or ""
// Fills the gaps of `into` with what `from` knows (a person's best-known identity across records).
void complete(PersonIdentity& into, const PersonIdentity& from);

}  // namespace eq::cases
