#include "indicators/rules.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "core/format_cl.h"
#include "core/rut.h"
#include "core/text.h"

namespace eq::indicators {

namespace {

std::string cell(const std::map<std::string, std::string>& row, const std::string& col) {
  auto it = row.find(col);
  return it == row.end() ? std::string() : trim(it->second);
}

bool all_digits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// "1234" or es-CL grouped "1.234": a whole number. Anything with a decimal part is refused:
// headcounts are people.
std::optional<int64_t> parse_count(const std::string& s) {
  if (all_digits(s)) return s.size() > 12 ? std::nullopt : std::optional<int64_t>(std::stoll(s));
  // es-CL thousands grouping: 1-3 digits, then groups of exactly 3 after each '.'.
  size_t first = s.find('.');
  if (first == std::string::npos || first == 0 || first > 3) return std::nullopt;
  std::string digits = s.substr(0, first);
  for (size_t i = first; i < s.size(); i += 4) {
    if (s[i] != '.' || i + 4 > s.size()) return std::nullopt;
    std::string g = s.substr(i + 1, 3);
    if (!all_digits(g) || g.size() != 3) return std::nullopt;
    digits += g;
  }
  if (!all_digits(digits) || digits.size() > 12) return std::nullopt;
  return std::stoll(digits);
}

// A decimal as filed: "12,5" (es-CL), "12.5" (spreadsheets), "1.234.567" or "1.234.567,5" (grouped).
// Returns the value and how many decimals were written.
std::optional<std::pair<double, int>> parse_decimal(std::string s) {
  if (s.empty()) return std::nullopt;
  bool neg = false;
  if (s[0] == '-' || s[0] == '+') {
    neg = s[0] == '-';
    s = s.substr(1);
  }
  std::string normal;
  if (s.find(',') != std::string::npos) {
    for (char c : s)
      if (c != '.') normal += (c == ',' ? '.' : c);
  } else if (parse_count(s) && s.find('.') != std::string::npos && s.find('.') <= 3 && std::count(s.begin(), s.end(), '.') > 1) {
    normal = std::to_string(*parse_count(s));
  } else {
    normal = s;
  }
  int dots = 0, decimals = 0;
  bool after = false;
  for (char c : normal) {
    if (c == '.') {
      ++dots;
      after = true;
    } else if (c < '0' || c > '9') {
      return std::nullopt;
    } else if (after) {
      ++decimals;
    }
  }
  if (dots > 1 || normal.empty() || normal == ".") return std::nullopt;
  double v = std::strtod(normal.c_str(), nullptr);
  if (!std::isfinite(v)) return std::nullopt;
  return std::make_pair(neg ? -v : v, decimals);
}

std::string pct(double v) { return format_percent(v, 1); }

bool contains(const std::string& folded, const char* phrase) { return folded.find(phrase) != std::string::npos; }

}  // namespace

const std::vector<std::string>& layout_columns() {
  static const std::vector<std::string> all = {
      "anio", "rut", "razon_social", "sector", "tamano", "norma", "mujeres_total", "hombres_total", "mujeres_gerencia",
      "hombres_gerencia", "mujeres_ejecutivo", "hombres_ejecutivo", "mujeres_administrativo", "hombres_administrativo",
      "directorio_mujeres", "directorio_hombres", "sueldo_mujeres_gerencia", "sueldo_hombres_gerencia",
      "sueldo_mujeres_ejecutivo", "sueldo_hombres_ejecutivo", "sueldo_mujeres_administrativo",
      "sueldo_hombres_administrativo", "brecha_gerencia", "brecha_ejecutivo", "brecha_administrativo", "explicacion"};
  return all;
}

const std::vector<std::string>& required_columns() {
  static const std::vector<std::string> all = {"rut", "razon_social", "mujeres_total", "hombres_total", "mujeres_gerencia",
                                               "hombres_gerencia", "mujeres_ejecutivo", "hombres_ejecutivo",
                                               "mujeres_administrativo", "hombres_administrativo", "directorio_mujeres",
                                               "directorio_hombres"};
  return all;
}

const std::set<std::string>& sizes() {
  static const std::set<std::string> all = {"micro", "pequena", "mediana", "grande"};
  return all;
}

std::optional<double> pay_gap(const Filing& f, int level) {
  const auto& w = f.pay_women[level];
  const auto& m = f.pay_men[level];
  if (w && m && *m > 0) return (*m - *w) / *m * 100.0;
  return f.gap_filed[level];
}

std::vector<Issue> validate_row(const std::map<std::string, std::string>& row, int year, Filing& f) {
  std::vector<Issue> issues;
  auto block = [&](const std::string& col, std::string msg) { issues.push_back({col, std::move(msg), true}); };
  auto warn = [&](const std::string& col, std::string msg) { issues.push_back({col, std::move(msg), false}); };
  f.year = year;

  if (auto y = cell(row, "anio"); !y.empty() && y != std::to_string(year))
    block("anio", "El año de la fila (" + y + ") no es el año que se importa (" + std::to_string(year) + ").");

  auto rut = parse_rut(cell(row, "rut"), "rut");
  if (!rut)
    block("rut", rut.error().message);
  else
    f.rut = rut_canonical(*rut);
  f.company = cell(row, "razon_social");
  if (f.company.empty()) block("razon_social", "Falta la razón social de la empresa.");
  if (f.company.size() > 200) block("razon_social", "La razón social no puede superar 200 caracteres.");
  f.sector = cell(row, "sector");
  if (f.sector.size() > 100) block("sector", "El sector no puede superar 100 caracteres.");
  if (f.sector.empty()) warn("sector", "Sin sector: la empresa queda fuera del reporte (como en el reporte de la CMF).");
  f.size = fold_for_search(cell(row, "tamano"));
  if (!f.size.empty() && !sizes().count(f.size))
    block("tamano", "El tamaño «" + cell(row, "tamano") + "» no existe; use micro, pequena, mediana o grande.");
  std::string rule = cell(row, "norma");
  for (auto& c : rule) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (rule.empty()) rule = "NCG 461";
  if (rule != "NCG 461" && rule != "NCG 386")
    block("norma", "La norma «" + cell(row, "norma") + "» no corresponde; use «NCG 461» o «NCG 386» de la CMF.");
  f.rule = rule;

  // Headcounts: whole, non-negative numbers; levels must add up to the totals (blocking).
  auto count = [&](const std::string& col, int64_t& out) {
    std::string text = cell(row, col);
    if (text.empty()) {
      block(col, "Falta la dotación («" + col + "»).");
      return;
    }
    auto v = parse_count(text);
    if (!v) {
      block(col, "La dotación debe ser un número entero de personas, sin decimales ni signo; se recibió «" + text + "».");
      return;
    }
    out = *v;
  };
  count("mujeres_total", f.women_total);
  count("hombres_total", f.men_total);
  for (int l = 0; l < kLevels; ++l) {
    count(std::string("mujeres_") + kLevelIds[l], f.women[l]);
    count(std::string("hombres_") + kLevelIds[l], f.men[l]);
  }
  count("directorio_mujeres", f.board_women);
  count("directorio_hombres", f.board_men);
  const bool counts_ok = std::none_of(issues.begin(), issues.end(), [](const Issue& i) {
    return i.blocking && (i.column.rfind("mujeres_", 0) == 0 || i.column.rfind("hombres_", 0) == 0 || i.column.rfind("directorio_", 0) == 0);
  });
  if (counts_ok) {
    int64_t sw = 0, sm = 0;
    for (int l = 0; l < kLevels; ++l) sw += f.women[l], sm += f.men[l];
    if (sw != f.women_total)
      block("mujeres_total", "Las mujeres por nivel suman " + format_integer(sw) + ", pero el total informado es " +
                                 format_integer(f.women_total) + ": la dotación por nivel debe sumar el total.");
    if (sm != f.men_total)
      block("hombres_total", "Los hombres por nivel suman " + format_integer(sm) + ", pero el total informado es " +
                                 format_integer(f.men_total) + ": la dotación por nivel debe sumar el total.");
    if (f.women_total + f.men_total == 0) block("mujeres_total", "La empresa informa cero personas trabajadoras.");
    else if (f.women_total + f.men_total < kMinWorkers)
      warn("mujeres_total", "Menos de 10 personas trabajadoras: la empresa queda fuera del reporte.");
    if (f.board_women + f.board_men == 0) warn("directorio_mujeres", "Sin asientos de directorio informados.");
  }

  // Pay by sex and level, and the filed pay gap (range, decimals, agreement with the pay).
  for (int l = 0; l < kLevels; ++l) {
    const std::string lid = kLevelIds[l];
    for (int sex = 0; sex < 2; ++sex) {
      std::string col = std::string(sex == 0 ? "sueldo_mujeres_" : "sueldo_hombres_") + lid;
      std::string text = cell(row, col);
      if (text.empty()) continue;
      auto v = parse_decimal(text);
      if (!v || v->first <= 0) {
        block(col, "El sueldo bruto mensual promedio debe ser un monto mayor que cero; se recibió «" + text + "».");
        continue;
      }
      const int64_t people = sex == 0 ? f.women[l] : f.men[l];
      if (counts_ok && people == 0)
        block(col, std::string("Informa un sueldo de ") + (sex == 0 ? "mujeres" : "hombres") + " en «" + kLevelNames[l] +
                       "», pero la dotación de ese nivel no tiene " + (sex == 0 ? "mujeres." : "hombres."));
      (sex == 0 ? f.pay_women : f.pay_men)[l] = v->first;
    }
    std::string col = "brecha_" + lid;
    std::string text = cell(row, col);
    if (text.empty()) continue;
    auto g = parse_decimal(text);
    if (!g) {
      block(col, "La brecha debe ser un porcentaje (por ejemplo 12,5); se recibió «" + text + "».");
      continue;
    }
    if (g->first < kGapMin || g->first > kGapMax) {
      block(col, "La brecha salarial de «" + std::string(kLevelNames[l]) + "» (" + pct(g->first) +
                     ") está fuera del rango posible, entre −100 % y 100 %.");
      continue;
    }
    if (counts_ok && (f.women[l] == 0 || f.men[l] == 0)) {
      block(col, "No hay brecha que calcular en «" + std::string(kLevelNames[l]) + "»: el nivel no tiene mujeres y hombres a la vez.");
      continue;
    }
    double filed = g->first;
    if (g->second > 1) {
      filed = std::round(filed * 10.0) / 10.0;
      warn(col, "La brecha se publica con un decimal: " + text + " se redondea a " + pct(filed) + ".");
    }
    f.gap_filed[l] = filed;
    if (std::abs(filed) > kGapUnusual) warn(col, "Brecha inusualmente alta (" + pct(filed) + "): revise el dato.");
    if (f.pay_women[l] && f.pay_men[l]) {
      double computed = (*f.pay_men[l] - *f.pay_women[l]) / *f.pay_men[l] * 100.0;
      double diff = std::abs(computed - g->first);
      if (diff > kGapContradiction)
        block(col, "La brecha informada (" + pct(g->first) + ") contradice los sueldos informados, que dan " + pct(computed) + ".");
      else if (diff > kGapRounding + 1e-9)
        warn(col, "La brecha informada (" + pct(g->first) + ") difiere de la calculada con los sueldos (" + pct(computed) +
                      ") más que el redondeo; se publica la calculada.");
    }
  }

  // The explanation must not contradict the numbers.
  f.explanation = cell(row, "explicacion");
  if (f.explanation.size() > 2000) block("explicacion", "La explicación no puede superar 2.000 caracteres.");
  const std::string said = fold_for_search(f.explanation);
  if (contains(said, "sin brecha") || contains(said, "no hay brecha") || contains(said, "no existe brecha")) {
    for (int l = 0; l < kLevels; ++l)
      if (auto g = pay_gap(f, l); g && std::abs(*g) > kGapContradiction * 5) {
        block("explicacion", "La explicación dice que no hay brecha salarial, pero la de «" + std::string(kLevelNames[l]) + "» es " +
                                 pct(*g) + ".");
        break;
      }
  }
  if ((contains(said, "sin mujeres en el directorio") || contains(said, "directorio sin mujeres")) && f.board_women > 0)
    block("explicacion", "La explicación dice que el directorio no tiene mujeres, pero informa " + format_integer(f.board_women) + ".");
  return issues;
}

std::optional<double> board_cap(int year) {
  if (year >= 2032) return 60.0;
  if (year >= 2029) return 70.0;
  if (year >= 2026) return 80.0;
  return std::nullopt;
}

CompanyIndicators company_indicators(const Filing& f) {
  CompanyIndicators c;
  auto share = [](int64_t w, int64_t m) -> std::optional<double> {
    if (w + m == 0) return std::nullopt;
    return 100.0 * static_cast<double>(w) / static_cast<double>(w + m);
  };
  for (int l = 0; l < kLevels; ++l) {
    c.women_share[l] = share(f.women[l], f.men[l]);
    c.gap[l] = pay_gap(f, l);
  }
  c.women_share_total = share(f.women_total, f.men_total);
  c.board_women_share = share(f.board_women, f.board_men);
  c.cero = f.women[kGerencia] == 0 && f.board_women == 0;
  if (c.board_women_share) {
    c.board_20 = *c.board_women_share >= 20.0 - 1e-9;
    c.board_40 = *c.board_women_share >= 40.0 - 1e-9;
    const double majority = std::max(*c.board_women_share, 100.0 - *c.board_women_share);
    c.within_cap = majority <= board_cap(f.year).value_or(80.0) + 1e-9;
  }
  return c;
}

bool eligible(const Filing& f) { return !f.sector.empty() && f.women_total + f.men_total >= kMinWorkers; }

std::vector<Filing> one_per_company(const std::vector<Filing>& filings) {
  std::map<std::pair<int, std::string>, const Filing*> chosen;
  for (const auto& f : filings) {
    auto key = std::make_pair(f.year, f.rut);
    auto it = chosen.find(key);
    if (it == chosen.end()) {
      chosen.emplace(key, &f);
    } else if (f.rule == "NCG 461" && it->second->rule != "NCG 461") {
      it->second = &f;  // the general rule on gender reporting wins over the older one
    } else if (f.rule == it->second->rule && f.id < it->second->id) {
      it->second = &f;
    }
  }
  std::vector<Filing> out;
  out.reserve(chosen.size());
  for (const auto& [k, f] : chosen) out.push_back(*f);
  return out;
}

GroupFigures group_figures(const std::vector<const Filing*>& filings) {
  GroupFigures g;
  g.companies = static_cast<int64_t>(filings.size());
  std::array<int64_t, kLevels> w{}, n{};
  int64_t tw = 0, tn = 0, bw = 0, bn = 0;
  std::array<double, kLevels> gap_sum{};
  std::array<int64_t, kLevels> gap_n{};
  for (const Filing* f : filings) {
    for (int l = 0; l < kLevels; ++l) {
      w[l] += f->women[l];
      n[l] += f->women[l] + f->men[l];
      if (auto gap = pay_gap(*f, l)) gap_sum[l] += *gap, ++gap_n[l];
    }
    tw += f->women_total;
    tn += f->women_total + f->men_total;
    bw += f->board_women;
    bn += f->board_women + f->board_men;
    auto c = company_indicators(*f);
    g.cero += c.cero;
    g.board_20 += c.board_20;
    g.board_40 += c.board_40;
    g.within_cap += c.within_cap;
  }
  for (int l = 0; l < kLevels; ++l) {
    if (n[l]) g.women_share[l] = 100.0 * static_cast<double>(w[l]) / static_cast<double>(n[l]);
    if (gap_n[l]) g.gap[l] = gap_sum[l] / static_cast<double>(gap_n[l]);
  }
  if (tn) g.women_share_total = 100.0 * static_cast<double>(tw) / static_cast<double>(tn);
  if (bn) g.board_women_share = 100.0 * static_cast<double>(bw) / static_cast<double>(bn);
  return g;
}

const std::vector<IndicatorDef>& report_indicators() {
  static const std::vector<IndicatorDef> all = {
      {"mujeres_total", "Proporción de mujeres en la organización", "%", true},
      {"mujeres_gerencia", "Proporción de mujeres en gerencias de primera línea", "%", true},
      {"mujeres_ejecutivo", "Proporción de mujeres en el nivel ejecutivo", "%", true},
      {"mujeres_administrativo", "Proporción de mujeres en el nivel administrativo y medio", "%", true},
      {"mujeres_directorio", "Proporción de mujeres en directorios", "%", true},
      {"brecha_gerencia", "Brecha salarial en gerencias de primera línea", "%", false},
      {"brecha_ejecutivo", "Brecha salarial en el nivel ejecutivo", "%", false},
      {"brecha_administrativo", "Brecha salarial en el nivel administrativo y medio", "%", false},
      {"empresas_cero", "Empresas Cero (sin mujeres en gerencias de primera línea ni en el directorio)", "% de empresas", false},
      {"directorio_20", "Empresas con al menos 20 % de mujeres en el directorio", "% de empresas", true},
      {"directorio_40", "Empresas con al menos 40 % de mujeres en el directorio", "% de empresas", true},
      {"tope_ley_21757", "Empresas cuyo directorio cumple el tope de la Ley 21.757 (un sexo ≤ 80 % de los asientos)", "% de empresas",
       true},
  };
  return all;
}

std::optional<double> indicator_value(const GroupFigures& g, const std::string& id) {
  if (g.companies == 0) return std::nullopt;
  if (id == "mujeres_total") return g.women_share_total;
  if (id == "mujeres_directorio") return g.board_women_share;
  if (id == "empresas_cero") return g.pct(g.cero);
  if (id == "directorio_20") return g.pct(g.board_20);
  if (id == "directorio_40") return g.pct(g.board_40);
  if (id == "tope_ley_21757") return g.pct(g.within_cap);
  for (int l = 0; l < kLevels; ++l) {
    if (id == std::string("mujeres_") + kLevelIds[l]) return g.women_share[l];
    if (id == std::string("brecha_") + kLevelIds[l]) return g.gap[l];
  }
  return std::nullopt;
}

Report build_report(const std::vector<Filing>& filings) {
  Report r;
  std::map<int, int64_t> filed;
  for (const auto& f : filings) ++filed[f.year];
  for (const auto& [y, n] : filed) r.years.push_back(y);
  const auto unique = one_per_company(filings);

  std::map<int, std::vector<const Filing*>> eligible_by_year;
  std::map<std::string, int> years_present;  // RUT → years in which it is eligible
  std::map<int, Attrition> att;
  for (int y : r.years) att[y] = Attrition{y, filed[y]};
  for (const auto& f : unique) {
    auto& a = att[f.year];
    if (f.sector.empty()) {
      ++a.no_sector;
    } else if (f.women_total + f.men_total < kMinWorkers) {
      ++a.small;
    } else {
      ++a.eligible;
      eligible_by_year[f.year].push_back(&f);
      ++years_present[f.rut];
    }
  }
  std::map<int, int64_t> unique_n;
  for (const auto& f : unique) ++unique_n[f.year];
  const int all_years = static_cast<int>(r.years.size());
  std::map<int, std::vector<const Filing*>> panel;
  for (auto& [y, list] : eligible_by_year) {
    for (const Filing* f : list) {
      if (years_present[f->rut] == all_years) {
        panel[y].push_back(f);
        r.by_sector[f->sector][y];  // make sure the key exists
      }
    }
    r.all_eligible[y] = group_figures(list);
  }
  for (int y : r.years) {
    auto& a = att[y];
    a.duplicates = a.filed - unique_n[y];
    a.panel = static_cast<int64_t>(panel[y].size());
    a.not_every_year = a.eligible - a.panel;
    r.attrition.push_back(a);
    r.panel[y] = group_figures(panel[y]);
    std::map<std::string, std::vector<const Filing*>> sec, siz;
    for (const Filing* f : panel[y]) {
      sec[f->sector].push_back(f);
      siz[f->size.empty() ? "sin_dato" : f->size].push_back(f);
    }
    for (auto& [k, v] : sec) r.by_sector[k][y] = group_figures(v);
    for (auto& [k, v] : siz) r.by_size[k][y] = group_figures(v);
  }

  if (r.years.size() < 2) {
    r.summary = r.years.empty() ? "No hay declaraciones cargadas." : "Con un solo año cargado no hay comparación interanual.";
    return r;
  }
  const int y0 = r.years.front(), y1 = r.years.back();
  std::vector<std::string> better, worse, flat;
  for (const auto& def : report_indicators()) {
    auto a = indicator_value(r.panel[y0], def.id), b = indicator_value(r.panel[y1], def.id);
    if (!a || !b) continue;
    Finding fd{def.id, *a, *b, *b - *a, "", ""};
    // Compared at the precision published (one decimal), so the text and the table agree.
    const double shown = std::round(fd.to * 10.0) / 10.0 - std::round(fd.from * 10.0) / 10.0;
    if (std::abs(shown) <= kFlat + 1e-9)
      fd.trend = "sin cambio";
    else
      fd.trend = ((shown > 0) == def.higher_is_better) ? "mejora" : "empeora";
    std::string sign = shown > 0 ? "+" : (shown < 0 ? "−" : "");
    fd.text = def.name + ": " + (fd.trend == "mejora" ? "mejora" : fd.trend == "empeora" ? "empeora" : "se mantiene") + ", de " +
              pct(fd.from) + " en " + std::to_string(y0) + " a " + pct(fd.to) + " en " + std::to_string(y1) + " (" + sign +
              format_decimal(std::abs(shown), 1) + " puntos porcentuales).";
    (fd.trend == "mejora" ? better : fd.trend == "empeora" ? worse : flat).push_back(def.name);
    r.findings.push_back(std::move(fd));
  }
  auto join = [](const std::vector<std::string>& v) {
    std::string s;
    for (size_t i = 0; i < v.size(); ++i) {
      if (i) s += (i + 1 == v.size()) ? " y " : "; ";
      std::string n = v[i];
      if (!n.empty()) n[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(n[0])));
      s += n;
    }
    return s;
  };
  const int64_t n = r.panel[y1].companies;
  r.summary = "Entre " + std::to_string(y0) + " y " + std::to_string(y1) + ", en las " + format_integer(n) +
              " empresas que declararon todos los años, ";
  if (better.empty())
    r.summary += "ningún indicador mejora";
  else
    r.summary += (better.size() == 1 ? "solo mejora: " : "mejoran: ") + join(better);
  r.summary += ". ";
  if (!worse.empty()) r.summary += (worse.size() == 1 ? "Empeora: " : "Empeoran: ") + join(worse) + ". ";
  if (!flat.empty()) r.summary += (flat.size() == 1 ? "Se mantiene: " : "Se mantienen: ") + join(flat) + ".";
  if (!r.summary.empty() && r.summary.back() == ' ') r.summary.pop_back();
  return r;
}

// ---------------------------------------------------------------- catalogue periods

namespace {

// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}
constexpr int64_t kDayMs = 86400000;

}  // namespace

std::optional<int64_t> period_end(const std::string& periodicity, const std::string& period) {
  if (period.size() < 4 || !all_digits(period.substr(0, 4))) return std::nullopt;
  const int year = std::stoi(period.substr(0, 4));
  if (year < 1900 || year > 2200) return std::nullopt;
  if (periodicity == "anual") {
    if (period.size() != 4) return std::nullopt;
    return days_from_civil(year + 1, 1, 1) * kDayMs;
  }
  if (periodicity == "trimestral") {
    if (period.size() != 7 || period.substr(4, 2) != "-T" || period[6] < '1' || period[6] > '4') return std::nullopt;
    const int q = period[6] - '0';
    return q == 4 ? days_from_civil(year + 1, 1, 1) * kDayMs : days_from_civil(year, static_cast<unsigned>(q * 3 + 1), 1) * kDayMs;
  }
  if (periodicity == "mensual") {
    if (period.size() != 7 || period[4] != '-' || !all_digits(period.substr(5, 2))) return std::nullopt;
    const int m = std::stoi(period.substr(5, 2));
    if (m < 1 || m > 12) return std::nullopt;
    return m == 12 ? days_from_civil(year + 1, 1, 1) * kDayMs : days_from_civil(year, static_cast<unsigned>(m + 1), 1) * kDayMs;
  }
  return std::nullopt;
}

std::vector<std::string> closed_periods(const std::string& periodicity, int first_year, int64_t now) {
  std::vector<std::string> out;
  for (int y = first_year; y <= 2200; ++y) {
    bool any = false;
    std::vector<std::string> candidates;
    if (periodicity == "trimestral")
      for (int q = 1; q <= 4; ++q) candidates.push_back(std::to_string(y) + "-T" + std::to_string(q));
    else if (periodicity == "mensual")
      for (int m = 1; m <= 12; ++m) candidates.push_back(std::to_string(y) + (m < 10 ? "-0" : "-") + std::to_string(m));
    else
      candidates.push_back(std::to_string(y));
    for (const auto& p : candidates) {
      auto end = period_end(periodicity, p);
      if (end && *end <= now) {
        out.push_back(p);
        any = true;
      }
    }
    if (!any) break;
  }
  return out;
}

const std::set<std::string>& age_groups() {
  static const std::set<std::string> all = {"15-29", "30-44", "45-59", "60+"};
  return all;
}

}  // namespace eq::indicators
