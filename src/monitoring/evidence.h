// An incident's evidence for a court (evidence.cc builds and checks the signed document; the
// printable form is evidence_print.cc). The signed JSON document is the evidence; the printable
// HTML shows it to people (es-CL, America/Santiago) and carries it unchanged inside, so
// `equidad monitor verify` checks either file the same way.
#pragma once
#include <string>

#include <nlohmann/json.hpp>

#include "core/error.h"

namespace eq::monitoring {

// The printable export: an A4 HTML page (orden, incidente, dispositivo, registro encadenado con
// posiciones, cadena de hashes, firma, clave pública, cómo verificar) that embeds `doc` exactly in
// <script type="application/json" id="evidencia">. Deterministic: the same document always gives
// the same bytes (dates from the document itself), which is what lets a verifier check the
// readable part against the signed one.
std::string evidence_html(const nlohmann::json& doc);

// `equidad monitor verify` on a file's text, JSON or the printable HTML: the chain and signature of
// the (embedded) document and, for HTML, that the readable part is exactly what this document
// renders to. The message says which checks were made.
Result<std::string> verify_evidence_text(const std::string& text);

}  // namespace eq::monitoring
