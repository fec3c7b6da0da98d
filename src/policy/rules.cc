// Pure rules of policy tracking: vocabularies, the period calendar, roll-up arithmetic, evidence
// checks, object rules and CSV. No database here, so the unit tests exercise them directly.
#include <algorithm>
#include <cctype>
#include <functional>

#include "core/time.h"
#include "policy/module.h"

namespace eq::policy {

namespace {
bool in(const std::string& v, std::initializer_list<const char*> all) {
  return std::any_of(all.begin(), all.end(), [&](const char* a) { return v == a; });
}
constexpr int64_t kDay = 24LL * 60 * 60 * 1000;

// First instant of the Chilean day `days` calendar days after the day that starts at `day_start`.
int64_t add_chile_days(int64_t day_start, int days) {
  if (days == 0) return day_start;
  // ±1 h of summer time never moves a point 3 h after midnight to another day.
  auto d = parse_date_cl(format_date_cl(day_start + days * kDay + 3LL * 60 * 60 * 1000), "fecha");
  return d ? *d : day_start + days * kDay;
}

int64_t chile_day_start(int year, int month, int day) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%02d-%02d-%04d", day, month, year);
  return *parse_date_cl(buf, "fecha");
}
}  // namespace

bool is_instrument_kind(const std::string& k) { return in(k, {"plan", "agenda", "compromisos", "pmg", "agenda_regional", "otro"}); }
bool is_level(const std::string& l) { return in(l, {"eje", "meta", "compromiso", "accion", "medida"}); }
bool is_item_status(const std::string& s) { return in(s, {"vigente", "cumplido", "no_cumplido", "suspendido"}); }
bool is_report_status(const std::string& s) { return in(s, {"no_iniciado", "en_proceso", "terminado"}); }

std::string report_status_es(const std::string& s) {
  if (s == "no_iniciado") return "No iniciado";
  if (s == "en_proceso") return "En proceso";
  if (s == "terminado") return "Terminado";
  return s;
}

std::string level_es(const std::string& l) {
  if (l == "eje") return "Eje";
  if (l == "meta") return "Meta";
  if (l == "compromiso") return "Compromiso";
  if (l == "accion") return "Acción";
  if (l == "medida") return "Medida";
  return l;
}

// ---------------------------------------------------------------- calendar

std::string period_state(const Period& p, int64_t now) {
  if (now < p.opens_at) return "programado";
  if (now < p.closes_at) return "abierto";
  if (p.reopened_until && now < *p.reopened_until) return "reabierto";
  if (now < add_chile_days(p.closes_at, p.grace_days)) return "gracia";
  return "cerrado";
}

bool accepts_reports(const std::string& state) { return state == "abierto" || state == "gracia" || state == "reabierto"; }
bool is_late(const std::string& state) { return state == "gracia" || state == "reabierto"; }

std::pair<int64_t, int64_t> default_window(const std::string& kind, int year, int semester) {
  if (kind == "semestre" && semester == 1) return {chile_day_start(year, 8, 1), chile_day_start(year, 9, 1)};
  return {chile_day_start(year + 1, 1, 1), chile_day_start(year + 1, 2, 1)};
}

Result<std::string> period_label(const std::string& kind, int year, int semester) {
  if (year < 2000 || year > 2100) return fail(Error::invalid("year", "El año debe estar entre 2000 y 2100.", "invalid_year"));
  if (kind == "anual") {
    if (semester != 0) return fail(Error::invalid("semester", "Un período anual no lleva semestre.", "not_allowed"));
    return std::to_string(year);
  }
  if (kind == "semestre") {
    if (semester != 1 && semester != 2)
      return fail(Error::invalid("semester", "El semestre debe ser 1 o 2.", "invalid_semester"));
    return std::to_string(year) + "-S" + std::to_string(semester);
  }
  return fail(Error::invalid("kind", "El tipo de período debe ser «semestre» o «anual».", "invalid_kind"));
}

// ---------------------------------------------------------------- roll-up

Figure leaf_figure(double weight, std::optional<double> validated_progress) {
  Figure f;
  f.weight = weight;
  f.leaves = 1;
  f.reported = validated_progress ? 1 : 0;
  f.progress = validated_progress ? std::clamp(*validated_progress, 0.0, 100.0) : 0.0;
  return f;
}

Figure parent_figure(double weight, const std::vector<Figure>& children) {
  Figure f;
  f.weight = weight;
  f.leaves = 0;
  double sw = 0, swp = 0;
  for (const auto& c : children) {
    sw += c.weight;
    swp += c.weight * c.progress;
    f.leaves += c.leaves;
    f.reported += c.reported;
  }
  f.progress = sw > 0 ? swp / sw : 0.0;
  return f;
}

std::map<int64_t, Figure> rollup_tree(const std::vector<TreeNode>& nodes) {
  std::map<int64_t, std::vector<const TreeNode*>> children;
  std::map<int64_t, const TreeNode*> by_id;
  for (const auto& n : nodes) {
    by_id[n.id] = &n;
    if (n.parent_id) children[*n.parent_id].push_back(&n);
  }
  std::map<int64_t, Figure> out;
  // Iterative post-order so a deep tree cannot overflow the stack.
  std::vector<std::pair<const TreeNode*, bool>> stack;
  for (const auto& n : nodes) {
    if (n.parent_id && by_id.count(*n.parent_id)) continue;  // not a root
    stack.push_back({&n, false});
    while (!stack.empty()) {
      auto [node, expanded] = stack.back();
      stack.pop_back();
      auto it = children.find(node->id);
      if (it == children.end()) {
        out[node->id] = leaf_figure(node->weight, node->validated_progress);
        continue;
      }
      if (!expanded) {
        stack.push_back({node, true});
        for (const auto* c : it->second) stack.push_back({c, false});
        continue;
      }
      std::vector<Figure> figs;
      figs.reserve(it->second.size());
      for (const auto* c : it->second) figs.push_back(out[c->id]);
      out[node->id] = parent_figure(node->weight, figs);
    }
  }
  return out;
}

// ---------------------------------------------------------------- evidence

Result<std::string> check_evidence(const std::string& filename, const std::string& content_type, const std::string& bytes) {
  if (filename.empty() || filename.size() > 200 || filename.find('/') != std::string::npos ||
      filename.find('\\') != std::string::npos || filename[0] == '.')
    return fail(Error::invalid("file", "Indique un nombre de archivo válido (sin carpetas, máximo 200 caracteres).", "invalid_filename"));
  for (unsigned char c : filename)
    if (c < 0x20 || c == 0x7f) return fail(Error::invalid("file", "El nombre del archivo contiene caracteres no válidos.", "invalid_filename"));
  if (bytes.empty()) return fail(Error::invalid("file", "El archivo está vacío.", "empty_file"));
  if (bytes.size() > kMaxEvidenceBytes)
    return fail(Error::invalid("file", "El archivo supera el máximo de 1 MB.", "file_too_large"));
  auto dot = filename.rfind('.');
  std::string ext = dot == std::string::npos ? "" : filename.substr(dot + 1);
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  std::string type = content_type.substr(0, content_type.find(';'));
  while (!type.empty() && type.back() == ' ') type.pop_back();
  std::transform(type.begin(), type.end(), type.begin(), [](unsigned char c) { return std::tolower(c); });

  auto starts = [&](std::string_view magic) { return bytes.compare(0, magic.size(), magic) == 0; };
  auto is_text = [&] {
    return std::none_of(bytes.begin(), bytes.end(), [](char c) { return c == '\0'; });
  };
  struct Kind {
    const char* ext;
    const char* type;
    std::function<bool()> sniff;
  };
  const std::string zip("PK\x03\x04", 4);
  const std::vector<Kind> kinds = {
      {"pdf", "application/pdf", [&] { return starts("%PDF-"); }},
      {"png", "image/png", [&] { return starts("\x89PNG\r\n\x1a\n"); }},
      {"jpg", "image/jpeg", [&] { return starts("\xFF\xD8\xFF"); }},
      {"jpeg", "image/jpeg", [&] { return starts("\xFF\xD8\xFF"); }},
      {"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", [&] { return starts(zip); }},
      {"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", [&] { return starts(zip); }},
      {"csv", "text/csv", is_text},
      {"txt", "text/plain", is_text},
  };
  for (const auto& k : kinds) {
    if (ext != k.ext) continue;
    if (!type.empty() && type != k.type && type != "application/octet-stream")
      return fail(Error::invalid("file", "El tipo declarado del archivo no corresponde a su extensión ." + ext + ".", "type_mismatch"));
    if (!k.sniff())
      return fail(Error::invalid("file", "El contenido del archivo no corresponde a un archivo ." + ext + ".", "type_mismatch"));
    return std::string(k.type);
  }
  return fail(Error::invalid("file", "Tipo de archivo no permitido. Se aceptan PDF, PNG, JPG, DOCX, XLSX, CSV y TXT.", "forbidden_type"));
}

// ---------------------------------------------------------------- object rules

Result<void> may_report(const http::Principal& p, const ItemScope& item) {
  if (!p.can("policy.report")) return fail(Error::forbidden());
  if (!item.institutions.count(p.institution_id))
    return fail(Error{403, "forbidden_item", "Solo puede reportar sobre ítems de los que su institución es responsable.", "item_id"});
  if (!p.region_id.empty() && !item.region_id.empty() && item.region_id != p.region_id)
    return fail(Error{403, "forbidden_item", "Solo puede reportar sobre ítems de su región.", "item_id"});
  return {};
}

Result<void> may_review(const http::Principal& p, int64_t submitted_by) {
  if (!p.can("policy.validate")) return fail(Error::forbidden());
  if (p.user_id == submitted_by)
    return fail(Error{403, "own_report", "No puede validar ni devolver un reporte enviado por usted.", "report_id"});
  return {};
}

// ---------------------------------------------------------------- CSV

std::string csv_field(const std::string& s) {
  // Cells starting with = + - @ are read as formulas by spreadsheets: prefix an apostrophe.
  std::string v = s;
  if (!v.empty() && (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@') &&
      !std::all_of(v.begin() + 1, v.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)) || c == ',' || c == '.'; }))
    v = "'" + v;
  if (v.find_first_of(",\"\r\n;") == std::string::npos) return v;
  std::string out = "\"";
  for (char c : v) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string csv_row(const std::vector<std::string>& fields) {
  std::string out;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i) out += ',';
    out += csv_field(fields[i]);
  }
  return out + "\r\n";
}

}  // namespace eq::policy
