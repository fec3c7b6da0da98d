// Demo data of the gender indicators, all generated: synthetic CMF filings of 460 organisations
// for 2019 and 2020 whose report reproduces the seed's qualitative finding (nothing improves on
// 2019 except women in first-line management; the seed gives no figures beyond the 460), and a
// SEG catalogue whose uploaded series are computed from synthetic survey counts. Labelled demo.
#include <cmath>
#include <map>
#include <random>

#include "core/format_cl.h"
#include "core/rut.h"
#include "core/time.h"
#include "indicators/module.h"
#include "indicators/service.h"
#include "store/query.h"

namespace eq::indicators {

namespace {

// Portable draws: std::mt19937's outputs are fixed by the standard, its distributions are not.
struct Draw {
  std::mt19937 g;
  explicit Draw(uint32_t seed) : g(seed) {}
  double unit() { return static_cast<double>(g()) / 4294967296.0; }
  int64_t between(int64_t lo, int64_t hi) { return lo + static_cast<int64_t>(unit() * static_cast<double>(hi - lo + 1)); }
  bool chance(double p) { return unit() < p; }
};

const char* kSectors[] = {"Financiero",  "Comercio",        "Energía",   "Minería",        "Industria manufacturera",
                          "Construcción", "Transporte",      "Salud",     "Telecomunicaciones", "Inmobiliario",
                          "Agropecuario", "Servicios"};

struct Company {
  int index = 0;
  std::string rut, name, sector, size;
  bool in2019 = true, in2020 = true, two_rules = false;
  // 2019 state
  std::array<int64_t, kLevels> women{}, men{};
  int64_t board_w = 0, board_m = 0;
  std::array<double, kLevels> pay_men{}, gap{};
};

std::vector<Company> companies() {
  static const std::vector<Company> all = [] {
    std::vector<Company> out;
    Draw d(20190460);
    // 418 organisations filed both years, 30 only in 2019, 42 only in 2020: 460 filed in 2020.
    const int total = 490;
    for (int c = 0; c < total; ++c) {
      Company k;
      k.index = c;
      const long number = 76000000 + c * 7919L;
      k.rut = rut_canonical({number, rut_check_digit(number)});
      k.name = "Empresa Demostración " + std::to_string(c + 1) + " S.A.";
      k.in2019 = c < 448;
      k.in2020 = c >= 30;
      k.sector = (c % 61 == 7) ? "" : kSectors[d.between(0, 11)];  // a few without sector
      k.two_rules = c % 97 == 50;
      const bool small = c % 83 == 11;
      k.size = small ? "micro" : (d.chance(0.7) ? "grande" : (d.chance(0.6) ? "mediana" : "pequena"));
      const double scale = k.size == "grande" ? 1.0 : k.size == "mediana" ? 0.3 : 0.08;
      std::array<double, kLevels> share = {0.05 + 0.35 * d.unit(), 0.12 + 0.35 * d.unit(), 0.2 + 0.4 * d.unit()};
      std::array<int64_t, kLevels> people = {d.between(3, 25), std::max<int64_t>(4, std::llround(d.between(20, 220) * scale)),
                                             std::max<int64_t>(10, std::llround(d.between(100, 3000) * scale))};
      if (small) people = {1, 2, d.between(3, 5)};
      for (int l = 0; l < kLevels; ++l) {
        k.women[l] = std::llround(static_cast<double>(people[l]) * share[l]);
        k.men[l] = people[l] - k.women[l];
      }
      if (d.chance(0.18)) k.women[kGerencia] = 0, k.men[kGerencia] = people[kGerencia];
      const int64_t seats = d.between(5, 11);
      k.board_w = d.chance(0.3) ? 0 : d.between(1, 3);
      k.board_m = seats - k.board_w;
      k.pay_men = {6000000.0 + 6000000.0 * d.unit(), 2500000.0 + 2500000.0 * d.unit(), 700000.0 + 800000.0 * d.unit()};
      k.gap = {5 + 20 * d.unit(), 10 + 20 * d.unit(), 3 + 15 * d.unit()};
      out.push_back(k);
    }
    return out;
  }();
  return all;
}

std::string num(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

}  // namespace

std::vector<std::vector<std::string>> demo_filing_records(int year) {
  std::vector<std::vector<std::string>> rows;
  rows.push_back(layout_columns());
  Draw d(static_cast<uint32_t>(year) * 7u + 3u);
  for (const auto& base : companies()) {
    if ((year == 2019 && !base.in2019) || (year == 2020 && !base.in2020) || (year != 2019 && year != 2020)) continue;
    Company k = base;
    if (year == 2020) {
      // One year later. First-line management: a woman replaces a man where there were already
      // women (the slight improvement the seed reports). Elsewhere: fewer women in the
      // administrative and middle level, some boards lose their woman, pay gaps widen.
      if (k.women[kGerencia] > 0 && k.men[kGerencia] > 0 && d.chance(0.45)) ++k.women[kGerencia], --k.men[kGerencia];
      const int64_t adm = k.women[kAdministrativo] + k.men[kAdministrativo];
      int64_t moved = std::llround(static_cast<double>(adm) * 0.012 * d.unit() * 2);
      moved = std::min(moved, k.women[kAdministrativo]);
      k.women[kAdministrativo] -= moved, k.men[kAdministrativo] += moved;
      if (k.women[kEjecutivo] > 1 && d.chance(0.2)) --k.women[kEjecutivo], ++k.men[kEjecutivo];
      if (k.board_w > 0 && d.chance(0.12)) --k.board_w, ++k.board_m;
      k.gap[kEjecutivo] += 1.0 + 2.0 * d.unit();
      k.gap[kAdministrativo] += 1.0 + 2.0 * d.unit();
      k.gap[kGerencia] += -0.4 + 0.8 * d.unit();
      for (auto& p : k.pay_men) p *= 1.03;
    }
    std::vector<std::string> r;
    int64_t wt = 0, mt = 0;
    for (int l = 0; l < kLevels; ++l) wt += k.women[l], mt += k.men[l];
    std::array<std::string, kLevels> pw, pm, gap;
    for (int l = 0; l < kLevels; ++l) {
      if (k.women[l] == 0 || k.men[l] == 0) continue;
      const double men_pay = std::round(k.pay_men[l]);
      const double women_pay = std::round(men_pay * (1.0 - k.gap[l] / 100.0));
      pm[l] = num(men_pay, 0);
      pw[l] = num(women_pay, 0);
      gap[l] = num((men_pay - women_pay) / men_pay * 100.0, 1);
    }
    r = {std::to_string(year), k.rut, k.name, k.sector, k.size, "NCG 461", std::to_string(wt), std::to_string(mt),
         std::to_string(k.women[0]), std::to_string(k.men[0]), std::to_string(k.women[1]), std::to_string(k.men[1]),
         std::to_string(k.women[2]), std::to_string(k.men[2]), std::to_string(k.board_w), std::to_string(k.board_m),
         pw[0], pm[0], pw[1], pm[1], pw[2], pm[2], gap[0], gap[1], gap[2], ""};
    rows.push_back(r);
    if (k.two_rules && year == 2020) {
      r[5] = "NCG 386";  // the same company under the older rule too: the report counts it once
      rows.push_back(r);
    }
  }
  return rows;
}

Result<void> load_demo(Service& svc, const kernel::FindDemoAccount& find) {
  auto analyst = find("analista@equidad.demo");
  if (!analyst) return fail(analyst.error());
  auto steward = find("estadisticas@equidad.demo");
  if (!steward) return fail(steward.error());

  auto loaded = svc.db().transaction<int64_t>([](soci::session& s) -> Result<int64_t> { return Repository::count_filings(s); });
  if (!loaded) return fail(loaded.error());
  if (*loaded == 0)
    for (int year : {2019, 2020}) {
      auto out = svc.import_rows(analyst->user_id, analyst->institution_id, year, demo_filing_records(year), "demo", true, false, "");
      if (!out) return fail(out.error());
      if (out->status != 200) return fail(Error{500, "demo_rejected", "Las declaraciones de demostración no pasan la validación: " + out->body.dump(), ""});
    }

  return svc.db().transaction<void>([&](soci::session& s) -> Result<void> {
    const int64_t now = now_ms();
    auto add = [&](Indicator i) -> int64_t {
      if (auto id = Repository::indicator_id(s, i.code)) return *id;
      i.demo = true;
      return svc.add_indicator(s, i);
    };
    // The demo catalogue: two series INE uploads, two the platform computes, one the Ministry uploads.
    const std::vector<Indicator> catalogue = {
        {.code = "SEG-TPL-M",
         .name = "Tasa de participación laboral femenina",
         .definition = "Porcentaje de mujeres de 15 años o más que forman parte de la fuerza de trabajo (ocupadas o desocupadas).",
         .numerator = "Mujeres de 15 años o más en la fuerza de trabajo",
         .denominator = "Mujeres de 15 años o más (población en edad de trabajar)",
         .unit = "%",
         .source = "Encuesta Nacional de Empleo (ENE), promedio anual",
         .steward_institution_id = steward->institution_id,
         .disaggregations = "region,edad",
         .first_year = 2017},
        {.code = "SEG-BRECHA-ING",
         .name = "Brecha de ingreso medio mensual del trabajo por sexo",
         .definition = "Diferencia entre el ingreso medio mensual de los hombres y el de las mujeres ocupadas, como porcentaje del de los hombres.",
         .numerator = "Ingreso medio de hombres ocupados − ingreso medio de mujeres ocupadas",
         .denominator = "Ingreso medio de hombres ocupados",
         .unit = "%",
         .source = "Encuesta Suplementaria de Ingresos (ESI)",
         .steward_institution_id = steward->institution_id,
         .disaggregations = "region",
         .first_year = 2017},
        {.code = "SEG-DIR-EMP",
         .name = "Proporción de mujeres en directorios de empresas que reportan a la CMF",
         .definition = "Asientos de directorio ocupados por mujeres sobre el total de asientos, en las empresas con sector y 10 o más personas trabajadoras.",
         .numerator = "Asientos de directorio ocupados por mujeres",
         .denominator = "Asientos de directorio",
         .unit = "%",
         .source = "Declaraciones a la CMF (NCG 461), reporte de indicadores de género en las empresas de esta plataforma",
         .steward_institution_id = analyst->institution_id,
         .origin = "platform:empresas_directorio",
         .first_year = 2019},
        {.code = "SEG-PMG-GEN",
         .name = "Avance validado del PMG de Género",
         .definition = "Avance ponderado de los compromisos del Programa de Mejoramiento de la Gestión de Género, con reportes validados por el Ministerio.",
         .numerator = "Avance validado ponderado de los ítems del PMG",
         .denominator = "Total de ítems del PMG (ponderados)",
         .unit = "%",
         .source = "Seguimiento de políticas de esta plataforma (módulo de políticas)",
         .steward_institution_id = analyst->institution_id,
         .origin = "platform:policy_pmg_genero",
         .first_year = 2020},
        {.code = "SEG-ADP-M",
         .name = "Proporción de mujeres en cargos de Alta Dirección Pública",
         .definition = "Mujeres nombradas en cargos de primer y segundo nivel jerárquico del Sistema de Alta Dirección Pública sobre el total de cargos provistos.",
         .numerator = "Cargos ADP ocupados por mujeres",
         .denominator = "Cargos ADP provistos",
         .unit = "%",
         .source = "Registro administrativo del Servicio Civil",
         .steward_institution_id = analyst->institution_id,
         .first_year = 2019},
    };
    std::map<std::string, int64_t> ids;
    for (const auto& i : catalogue) ids[i.code] = add(i);
    const int64_t lf_id = ids.at("SEG-TPL-M"), gap_id = ids.at("SEG-BRECHA-ING");

    // Synthetic survey counts → values (numerator / denominator × 100), 2017–2024: the last closed
    // year is left for the steward, so the reminder and the home item have something to show.
    Draw d(1455);
    for (int64_t id : {lf_id, gap_id}) {
      if (!Repository::values(s, id).empty()) continue;
      const bool is_lf = id == lf_id;
      for (int y = 2017; y <= 2024; ++y) {
        auto put = [&](const std::string& dis, double base) {
          const double den = std::round(is_lf ? 7.5e6 * (0.04 + d.unit() * 0.02) * (dis.empty() ? 25 : 1) : 900000 + 200000 * d.unit());
          const double rate = base + (y == 2020 ? -4.5 : 0.0) + (d.unit() - 0.5);
          const double numer = std::round(den * rate / 100.0);
          Value v;
          v.period = std::to_string(y);
          v.disaggregation = dis;
          v.numerator = numer;
          v.denominator = den;
          v.value = std::round(numer / den * 1000.0) / 10.0;
          v.uploaded_by = steward->user_id;
          v.uploaded_at = now;
          Repository::put_value(s, id, v);
        };
        put("", is_lf ? 50.0 : 22.0);
        for (const char* r : {"05", "08", "13"}) put(std::string("region=") + r, is_lf ? 48.0 + (r[1] - '0') * 0.3 : 20.0 + (r[1] - '0') * 0.4);
        if (is_lf)
          for (const auto& [age, base] : std::vector<std::pair<std::string, double>>{{"15-29", 38.0}, {"30-44", 70.0}, {"45-59", 62.0}, {"60+", 20.0}})
            put("edad=" + age, base);
      }
    }
    audit::Entry e;
    e.actor_user_id = analyst->user_id;
    e.actor_institution_id = analyst->institution_id;
    e.action = "indicators.demo_load";
    e.outcome = "ok";
    e.detail = "catálogo SEG y declaraciones sintéticas de " + std::to_string(kDemoOrganisations) + " organizaciones";
    svc.audit().append(s, e);
    return {};
  });
}

}  // namespace eq::indicators
