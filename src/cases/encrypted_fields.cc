#include "cases/encrypted_fields.h"

#include <nlohmann/json.hpp>

#include "cases/identity.h"

namespace eq::cases {

store::EncryptedFields encrypted_fields() {
  // The blind indexes are the ones the repository looks persons up by (see identity lookups).
  auto identity = [](const std::string& plain) { return identity_from_json(nlohmann::json::parse(plain)); };
  return {
      {"cases_identities",
       {{"id"}},
       "data_enc",
       {{"run_idx",
         [identity](const std::string& plain) -> std::optional<std::string> {
           auto p = identity(plain);
           if (!p.run_valid) return std::nullopt;
           return "run:" + p.run;
         }},
        {"doc_idx",
         [identity](const std::string& plain) -> std::optional<std::string> {
           auto p = identity(plain);
           if (p.other_document.empty()) return std::nullopt;
           return "doc:" + p.document_type + ":" + p.other_document;
         }}},
       "identidades de personas"},
      {"cases_records", {{"id"}}, "details_enc", {}, "detalles de registros"},
      {"cases_emergency_access", {{"id"}}, "reason_enc", {}, "motivos de accesos de emergencia"},
  };
}

}  // namespace eq::cases
