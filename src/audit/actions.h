// The Spanish name of every action code written to the audit log, kept here and only here: the
// audit API serves them (each entry's `action_es`, and GET /api/v1/audit/actions for the
// browser's filter), so the web never keeps a copy that could drift from the codes.
// tests/audit/actions_test.cc reads the sources under src/ and fails when a module writes a code
// this table does not name.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace eq::audit {

struct ActionLabel {
  std::string_view code;   // "monitoring.incident_cerrar"
  std::string_view label;  // "Cierre de un incidente de monitoreo"
  std::string_view group;  // "Monitoreo", for grouping the filter's options
};

// Every known code, grouped by module, in the order the filter shows them.
const std::vector<ActionLabel>& action_labels();

// The Spanish name of `code`, or nothing when the code is not in the table (an entry written by
// an older or newer version): the browser then shows the raw code, marked as unnamed.
std::optional<std::string> action_label(std::string_view code);

}  // namespace eq::audit
