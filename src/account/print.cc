// The printable page of a published edition: one self-contained HTML file (no script, no external
// resource) laid out for paper with the browser's own "Imprimir / Guardar como PDF": A4 margins,
// a table of contents with links to the sections, tables whose header row repeats on every page
// (thead), rows that do not split, page breaks before each section. It renders only the frozen
// document, so printing later gives the same text and figures, with the SHA-256 that identifies it.
#include "account/document.h"
#include "account/module.h"
#include "core/html.h"

namespace eq::account {

namespace {

std::string esc(const std::string& s) { return html_escape(s); }

const auto& str = json_str;

// Paragraphs from the editorial text: blank lines separate them, single newlines break lines.
std::string paragraphs(const std::string& text) {
  std::string out, para;
  auto flush = [&] {
    if (!para.empty()) out += "<p>" + para + "</p>\n";
    para.clear();
  };
  size_t start = 0;
  while (start <= text.size()) {
    auto nl = text.find('\n', start);
    std::string line = text.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
    if (line.find_first_not_of(" \t\r") == std::string::npos) flush();
    else para += (para.empty() ? "" : "<br>") + esc(line);
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  flush();
  return out;
}

std::string source_line(const Json& figures) {
  return "<p class=\"source\">Fuente: " + esc(str(figures, "source")) + ". Cifras al " + esc(str(figures, "as_of")) + ".</p>\n";
}

std::string table(const std::vector<std::string>& head, const std::vector<std::vector<std::string>>& rows, const std::string& empty) {
  if (rows.empty()) return "<p class=\"empty\">" + esc(empty) + "</p>\n";
  std::string out = "<table><thead><tr>";
  for (const auto& h : head) out += "<th>" + esc(h) + "</th>";
  out += "</tr></thead><tbody>\n";
  for (const auto& r : rows) {
    out += "<tr>";
    for (const auto& c : r) out += "<td>" + paragraphs(c) + "</td>";
    out += "</tr>\n";
  }
  return out + "</tbody></table>\n";
}

std::string figures_html(const std::string& key, const Json& f) {
  std::string out;
  for (const auto& t : figure_tables(key, f)) {
    if (!t.caption.empty()) out += "<h3 id=\"" + esc(t.anchor) + "\">" + esc(t.caption) + "</h3>\n";
    out += table(t.head, t.rows, t.empty);
  }
  return out + source_line(f);
}

const char* kStyle = R"(
@page { size: A4; margin: 20mm 18mm 22mm; }
body { font-family: "Noto Serif", Georgia, serif; font-size: 10.5pt; line-height: 1.45; color: #1a1a1a; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 22pt; color: #4b1f6f; margin: 0 0 .3em; }
h2 { font-size: 15pt; color: #4b1f6f; border-bottom: 2px solid #4b1f6f; padding-bottom: .2em; margin-top: 2em; }
h3 { font-size: 12pt; margin: 1.4em 0 .4em; }
.demo { border: 2px solid #a15c00; background: #fff4e0; padding: .6em .8em; font-weight: bold; }
.meta, .source { color: #555; font-size: 9pt; }
nav ol { padding-left: 1.2em; }
table { width: 100%; border-collapse: collapse; margin: .6em 0; font-size: 9pt; }
thead { display: table-header-group; }
th { background: #efe7f5; text-align: left; }
th, td { border: 1px solid #bbb; padding: .3em .45em; vertical-align: top; }
td p { margin: 0 0 .3em; }
tr { break-inside: avoid; page-break-inside: avoid; }
.hash { font-family: monospace; font-size: 8pt; word-break: break-all; }
@media print { body { margin: 0; max-width: none; } section { break-before: page; } a { color: inherit; text-decoration: none; } }
)";

}  // namespace

std::string print_html(const Json& doc, const std::string& sha256) {
  const Json& e = doc.at("edition");
  std::string out = "<!doctype html>\n<html lang=\"es-CL\"><head><meta charset=\"utf-8\"><title>" + esc(str(e, "title")) +
                    "</title><style>" + kStyle + "</style></head><body>\n";
  out += "<header><p class=\"meta\">Ministerio de la Mujer y la Equidad de Género · Cuenta Pública Participativa (Ley N° 20.500)</p>\n";
  out += "<h1>" + esc(str(e, "title")) + "</h1>\n";
  out += "<p class=\"meta\">Período " + esc(str(e, "period")) + " · cifras compiladas el " + esc(str(doc, "compiled_on")) + "</p>\n";
  if (e.value("demo", false))
    out += "<p class=\"demo\">Datos de demostración: esta edición se compiló desde los datos de demostración de la plataforma.</p>\n";
  out += "</header>\n<nav aria-label=\"Índice\"><h2>Índice</h2><ol>\n";
  for (const auto& s : doc.at("sections"))
    out += "<li><a href=\"#" + esc(str(s, "key")) + "\">" + esc(str(s, "title")) + "</a></li>\n";
  out += "</ol></nav>\n";
  for (const auto& s : doc.at("sections")) {
    out += "<section id=\"" + esc(str(s, "key")) + "\"><h2>" + esc(str(s, "title")) + "</h2>\n";
    out += paragraphs(str(s, "text"));
    if (s.contains("figures")) out += figures_html(str(s, "key"), s["figures"]);
    out += "</section>\n";
  }
  out += "<footer><p class=\"meta\">Documento publicado. Huella SHA-256 del documento publicado:</p><p class=\"hash\">" + esc(sha256) +
         "</p></footer>\n</body></html>\n";
  return out;
}

}  // namespace eq::account
