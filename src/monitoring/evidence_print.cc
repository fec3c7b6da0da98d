// The printable evidence export (evidence.h): what a court reads on paper, with the signed document
// it checks carried inside unchanged. The page is a rendering of that document and nothing else, so
// re-rendering the embedded document must give back the file byte for byte: that is how
// `equidad monitor verify` tells whether the readable part was edited.
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>

#include "core/format_cl.h"
#include "core/html.h"
#include "core/time.h"
#include "http/body.h"
#include "monitoring/cli.h"
#include "monitoring/evidence.h"
#include "monitoring/service_impl.h"

namespace eq::monitoring {

using Json = nlohmann::json;

namespace {

// Changes whenever the page's layout changes: a page made by another version is not compared (its
// bytes would differ for no fault), and the verifier says so.
constexpr const char* kRenderer = "equidad-evidencia-html-1";
constexpr const char* kBlockOpen = "<script type=\"application/json\" id=\"evidencia\">";
constexpr const char* kBlockClose = "</script>";

std::string esc(const std::string& s) { return html_escape(s); }

std::string text(const Json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return {};
  return it->is_string() ? it->get<std::string>() : it->dump();
}

// "24-11-2026 02:05:09": wall clock in America/Santiago to the second (its offsets are whole hours,
// so the seconds are those of UTC).
std::string when(int64_t ms) {
  const int64_t s = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
  char buf[8];
  std::snprintf(buf, sizeof buf, ":%02d", static_cast<int>(((s % 60) + 60) % 60));
  return format_datetime_cl(ms) + buf;
}
std::string when(const Json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number_integer() ? when(it->get<int64_t>()) : std::string("—");
}

std::string number(double v, int decimals) { return decimals == 0 ? format_integer(std::llround(v)) : format_decimal(v, decimals); }
std::string number(const Json& j, const char* key, int decimals, const std::string& unit = {}) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_number()) return {};
  return number(it->get<double>(), decimals) + unit;
}

std::string type_es(const std::string& type) {
  for (int t = 0; t < kAlertTypes; ++t)
    if (to_string(static_cast<AlertType>(t)) == type) return std::string(label_es(static_cast<AlertType>(t)));
  return type;
}
std::string severity_es(const std::string& s) {
  static const std::map<std::string, std::string> names = {
      {"critical", "Crítica"}, {"high", "Alta"}, {"medium", "Media"}, {"low", "Baja"}, {"info", "Información"}};
  auto it = names.find(s);
  return it == names.end() ? s : it->second;
}
std::string device_es(const std::string& kind) {
  static const std::map<std::string, std::string> names = {{"victim_bracelet", "Botón de pánico de la víctima"},
                                                           {"victim_mobile", "Equipo GPS de la víctima"},
                                                           {"aggressor_tag", "Tobillera GPS del agresor"}};
  auto it = names.find(kind);
  return it == names.end() ? kind : it->second;
}
std::string kind_es(const std::string& kind) {
  static const std::map<std::string, std::string> names = {{"incident", "Incidente"}, {"alert", "Alerta"}, {"position", "Posición"},
                                                           {"action", "Acción del operador"}, {"dispatch", "Despacho"}};
  auto it = names.find(kind);
  return it == names.end() ? kind : it->second;
}

std::string coordinates(const Json& d) {
  if (!d.contains("lat") || !d["lat"].is_number() || !d.contains("lon") || !d["lon"].is_number()) return "sin coordenadas";
  return "lat. " + number(d["lat"].get<double>(), 6) + "; long. " + number(d["lon"].get<double>(), 6);
}

// Joins the non-empty parts with " · ".
std::string joined(std::initializer_list<std::string> parts) {
  std::string out;
  for (const auto& p : parts)
    if (!p.empty()) out += (out.empty() ? "" : " · ") + p;
  return out;
}

std::string detail(const std::string& kind, const Json& d) {
  if (kind == "incident")
    return joined({text(d, "type_label").empty() ? type_es(text(d, "type")) : text(d, "type_label"),
                   "gravedad " + severity_es(text(d, "severity")), "dispositivo " + text(d, "device_id"),
                   number(d, "count", 0, " alertas"), incident_state_labels().label(text(d, "state"))});
  if (kind == "alert")
    return joined({type_es(text(d, "type")), "dispositivo " + text(d, "device_id"), coordinates(d),
                   d.contains("distance_m") && d["distance_m"].is_number() ? "distancia " + number(d, "distance_m", 0, " m") : "",
                   d.contains("battery") && d["battery"].is_number() ? "batería " + number(d, "battery", 0, " %") : "",
                   "registrada " + when(d, "committed_at")});
  if (kind == "position")
    return joined({"dispositivo " + text(d, "device_id"), coordinates(d),
                   d.contains("speed_kmh") && d["speed_kmh"].is_number() ? number(d, "speed_kmh", 1, " km/h") : "",
                   d.contains("battery") && d["battery"].is_number() ? "batería " + number(d, "battery", 0, " %") : "",
                   "recibida " + when(d, "received_at")});
  if (kind == "action")
    return joined({action_es(text(d, "action")), text(d, "outcome").empty() ? "" : "resultado: " + outcome_es(text(d, "outcome")),
                   d.contains("reached") && d["reached"].is_boolean() ? (d["reached"].get<bool>() ? "contactada" : "sin contacto") : "",
                   d.contains("user_id") && d["user_id"].is_number() ? "operador/a N° " + text(d, "user_id") : "", text(d, "note")});
  if (kind == "dispatch")
    return joined({text(d, "unit_name"), text(d, "state_label").empty() ? text(d, "state") : text(d, "state_label"),
                   text(d, "outcome_label"), text(d, "note")});
  return d.dump();
}

std::string row(const std::string& label, const std::string& value) {
  return "<tr><th scope=\"row\">" + esc(label) + "</th><td>" + esc(value.empty() ? "—" : value) + "</td></tr>\n";
}

// The signed document as the embedded block's text: the characters that could end the block or
// start markup are written as JSON escapes, so the block parses back to exactly the same document.
std::string embedded(const Json& doc) {
  const std::string raw = doc.dump(-1, ' ', false, Json::error_handler_t::replace);
  std::string out;
  out.reserve(raw.size());
  for (char c : raw) {
    if (c == '<') out += "\\u003c";
    else if (c == '>') out += "\\u003e";
    else if (c == '&') out += "\\u0026";
    else out += c;
  }
  return out;
}

const char* kStyle = R"(@page { size: A4; margin: 16mm 14mm; }
body { font: 10pt/1.4 "Noto Sans", "DejaVu Sans", Arial, sans-serif; color: #111; max-width: 190mm; margin: 0 auto; padding: 8mm 0; }
h1 { font-size: 16pt; margin: 0 0 2mm; }
h2 { font-size: 12pt; margin: 6mm 0 2mm; border-bottom: 1px solid #444; break-after: avoid; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #bbb; padding: 1mm 1.5mm; text-align: left; vertical-align: top; }
th[scope=row] { width: 32%; background: #f2f2f2; font-weight: 600; }
thead th { background: #e6e6e6; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
.hash, code { font-family: "DejaVu Sans Mono", monospace; font-size: 7.5pt; word-break: break-all; }
.chain td:nth-child(1) { width: 8mm; text-align: right; }
.chain td:nth-child(2) { width: 34mm; white-space: nowrap; }
.note { border: 1px solid #444; padding: 2mm 3mm; background: #fafafa; }
.muted { color: #444; }
@media screen { body { padding: 12mm; } })";

}  // namespace

std::string evidence_html(const Json& doc) {
  const int64_t id = doc.value("incident_id", int64_t{0});
  const Json* incident = nullptr;
  std::map<std::string, int> positions;  // device → positions in the chain
  const Json no_entries = Json::array();
  const Json& entries = doc.contains("entries") && doc["entries"].is_array() ? doc["entries"] : no_entries;
  for (const auto& e : entries) {
    const std::string k = text(e, "kind");
    if (k == "incident" && !incident && e.contains("data")) incident = &e["data"];
    if (k == "position" && e.contains("data")) ++positions[text(e["data"], "device_id")];
  }
  const Json none = Json::object();
  const Json& inc = incident ? *incident : none;

  std::string h;
  h += "<!DOCTYPE html>\n<html lang=\"es-CL\">\n<head>\n<meta charset=\"utf-8\">\n";
  h += "<meta name=\"generator\" content=\"" + std::string(kRenderer) + "\">\n";
  h += "<title>Evidencia del incidente N° " + std::to_string(id) + "</title>\n<style>\n" + kStyle + "\n</style>\n</head>\n<body>\n";
  h += "<header>\n<h1>Evidencia del incidente N° " + std::to_string(id) + "</h1>\n";
  h += "<p class=\"muted\">Centro de monitoreo telemático · Equidad. Documento generado el " + esc(when(doc, "generated_at")) +
       " (hora de Chile continental, America/Santiago; " + esc(text(doc, "generated_at_iso")) + " en UTC). Todas las fechas de este "
       "documento están en esa hora.</p>\n";
  h += "<p class=\"note\">Lo que sigue es una lectura del documento firmado que este archivo lleva incrustado (bloque «evidencia»). "
       "Solo ese documento firmado es auténtico; <code>equidad monitor verify</code> comprueba su cadena y su firma, y que esta "
       "lectura coincida con él.</p>\n</header>\n";

  h += "<h2>Orden</h2>\n<table>\n";
  h += row("Orden monitoreada N°", text(inc, "order_id"));
  h += row("Identificación de la orden", text(inc, "order_label"));
  h += "</table>\n";

  h += "<h2>Incidente</h2>\n<table>\n";
  h += row("Incidente N°", std::to_string(id));
  h += row("Tipo", text(inc, "type_label").empty() ? type_es(text(inc, "type")) : text(inc, "type_label"));
  h += row("Gravedad", severity_es(text(inc, "severity")));
  h += row("Primera alerta", when(inc, "first_at"));
  h += row("Última alerta", when(inc, "last_at"));
  h += row("Alertas agrupadas", number(inc, "count", 0));
  h += row("Posición de la primera alerta", inc.contains("lat") ? coordinates(inc) : "");
  h += row("Distancia entre los dispositivos", number(inc, "distance_m", 0, " m"));
  h += row("Zona", text(inc, "zone_label"));
  h += row("Comuna (código)", text(inc, "comuna_id"));
  h += row("Estado", incident_state_labels().label(text(inc, "state")));
  h += row("Tomado por", text(inc, "taken_by"));
  h += row("Resultado", text(inc, "outcome_label").empty() ? text(inc, "outcome") : text(inc, "outcome_label"));
  h += "</table>\n";

  h += "<h2>Dispositivo</h2>\n<table>\n";
  h += row("Dispositivo que alertó", joined({text(inc, "device_id"), device_es(text(inc, "device_kind"))}));
  for (const auto& [device, n] : positions) h += row("Posiciones de " + device, number(n, 0));
  h += "</table>\n";

  h += "<h2>Registro encadenado: incidente, alertas, posiciones, acciones y despachos</h2>\n";
  h += "<p class=\"muted\">" + number(static_cast<double>(entries.size()), 0) +
       " entradas en orden de tiempo. Cada una lleva el hash de la anterior: cambiar, quitar o reordenar una rompe la cadena.</p>\n";
  h += "<table class=\"chain\">\n<thead><tr><th scope=\"col\">N°</th><th scope=\"col\">Fecha y hora</th><th scope=\"col\">Tipo</th>"
       "<th scope=\"col\">Detalle</th><th scope=\"col\">Hash</th></tr></thead>\n<tbody>\n";
  for (const auto& e : entries) {
    const std::string k = text(e, "kind");
    h += "<tr><td>" + esc(text(e, "seq")) + "</td><td>" + esc(when(e, "at")) + "</td><td>" + esc(kind_es(k)) + "</td><td>" +
         esc(e.contains("data") ? detail(k, e["data"]) : std::string()) + "</td><td class=\"hash\">" + esc(text(e, "hash")) +
         "</td></tr>\n";
  }
  h += "</tbody>\n</table>\n";

  h += "<h2>Cadena de hashes, firma y clave pública</h2>\n<table>\n";
  h += row("Formato", text(doc, "format"));
  h += row("Regla del hash", text(doc, "hash_rule"));
  h += "<tr><th scope=\"row\">Cabeza de la cadena</th><td class=\"hash\">" + esc(text(doc, "head")) + "</td></tr>\n";
  h += "<tr><th scope=\"row\">Firma (Ed25519 sobre la cabeza)</th><td class=\"hash\">" + esc(text(doc, "signature")) + "</td></tr>\n";
  h += "<tr><th scope=\"row\">Clave pública</th><td class=\"hash\">" + esc(text(doc, "public_key")) + "</td></tr>\n";
  h += "</table>\n";

  h += "<h2>Cómo verificar</h2>\n<ol>\n";
  h += "<li>Con el archivo (no con una copia impresa): <code>equidad monitor verify evidencia-alerta-" + std::to_string(id) +
       ".html</code>. Responde «OK» si la cadena y la firma son válidas y esta lectura coincide con el documento firmado; si no, "
       "indica «NO VÁLIDA» y por qué.</li>\n";
  h += "<li>Compare la clave pública de arriba con la que publica el Ministerio (<code>GET /api/v1/monitoring/export-key</code>): "
       "una firma válida con otra clave no prueba nada.</li>\n";
  h += "<li>Sin el programa: el bloque «evidencia» del código fuente de esta página es el documento JSON firmado. Para cada entrada, "
       "hash = SHA-256(hash anterior + salto de línea + JSON {seq, kind, at, data} con claves ordenadas y sin espacios), empezando "
       "con 64 ceros; la última debe ser la cabeza, y la firma Ed25519 de la cabeza debe validar con la clave pública. Las fechas "
       "del documento firmado están en milisegundos desde 1970 en UTC.</li>\n";
  h += "<li>En papel, los hashes y la firma permiten cotejar esta copia con el archivo verificado.</li>\n</ol>\n";

  h += std::string(kBlockOpen) + embedded(doc) + kBlockClose + "\n</body>\n</html>\n";
  return h;
}

Result<std::string> verify_evidence_text(const std::string& file) {
  auto not_evidence = [] {
    return fail(Error::invalid("entries", "No es un documento de evidencia de Equidad (JSON firmado o su versión imprimible HTML).",
                               "evidence_broken"));
  };
  // An export handed in from outside is parsed as a client's JSON: nesting bounded first.
  auto parse = [](std::string_view t) {
    auto parsed = http::parse_json(t, {std::numeric_limits<size_t>::max(), http::kJsonLimits.max_depth});
    return parsed ? std::move(*parsed) : Json(Json::value_t::discarded);
  };
  const auto first = file.find_first_not_of(" \t\r\n\xEF\xBB\xBF");
  if (first == std::string::npos) return not_evidence();
  if (file[first] == '{') return verify_evidence(parse(file));

  const auto open = file.find(kBlockOpen);
  if (open == std::string::npos) return not_evidence();
  const auto start = open + std::string(kBlockOpen).size();
  const auto close = file.find(kBlockClose, start);
  if (close == std::string::npos) return not_evidence();
  const Json doc = parse(std::string_view(file).substr(start, close - start));
  auto ok = verify_evidence(doc);
  if (!ok) return ok;
  const std::string marker = "<meta name=\"generator\" content=\"" + std::string(kRenderer) + "\">";
  if (file.find(marker) == std::string::npos)
    return *ok + ". La parte legible la generó otra versión de Equidad y no se comparó: solo el documento firmado incrustado es "
                 "auténtico.";
  if (evidence_html(doc) != file)
    return fail(Error::invalid("html",
                               "La parte legible no coincide con el documento firmado que lleva incrustado (fue modificada). El "
                               "documento firmado es válido, pero lo impreso de este archivo no es fiel a él: pida una nueva "
                               "exportación.",
                               "evidence_broken"));
  return *ok + "; la parte legible coincide con el documento firmado";
}

}  // namespace eq::monitoring
