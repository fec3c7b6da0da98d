// Demo network, generated: the seed's counts (public account 2020–2021: «44 Casas de Acogida, 111
// Centros de la Mujer, y los 3 Centros de Atención y Reparación para Mujeres Víctimas/Sobrevivientes
// de Violencia Sexual») spread over the 16 regions in proportion to their population (one of each
// at least per region), centres named after their comuna as SernamEG names them, shelters
// anonymised. Occupancy, offers, refusals, entries and exits of the last 120 days are simulated
// per house and the daily snapshots are computed from that simulation, never typed.
#include <algorithm>
#include <cmath>

#include "care/module.h"
#include "core/time.h"

namespace eq::care {

namespace {

constexpr int64_t kHour = 3600LL * 1000;
constexpr int64_t kDay = 24 * kHour;

// Population by region, thousands (INE, Censo 2017), the weight that spreads the seed's counts.
const std::map<std::string, double>& population() {
  static const std::map<std::string, double> p = {{"15", 226}, {"01", 330}, {"02", 608}, {"03", 286}, {"04", 758}, {"05", 1816},
                                                  {"13", 7113}, {"06", 915}, {"07", 1045}, {"16", 481}, {"08", 1557}, {"09", 958},
                                                  {"14", 385}, {"10", 829}, {"11", 103}, {"12", 167}};
  return p;
}

// `total` over the regions: one each, the rest by largest remainder of the population share.
std::map<std::string, int> spread(const std::vector<std::string>& regions, int total) {
  std::map<std::string, int> out;
  double sum = 0;
  for (const auto& r : regions) sum += population().count(r) ? population().at(r) : 100.0, out[r] = 1;
  int left = total - static_cast<int>(regions.size());
  if (left < 0) return out;
  std::vector<std::pair<double, std::string>> rem;
  int given = 0;
  for (const auto& r : regions) {
    const double share = left * (population().count(r) ? population().at(r) : 100.0) / sum;
    out[r] += static_cast<int>(share);
    given += static_cast<int>(share);
    rem.emplace_back(share - std::floor(share), r);
  }
  std::sort(rem.begin(), rem.end(), [](const auto& a, const auto& b) { return a.first != b.first ? a.first > b.first : a.second < b.second; });
  for (int i = 0; i < left - given; ++i) ++out[rem[static_cast<size_t>(i) % rem.size()].second];
  return out;
}

// A small deterministic generator (the same demo on every platform, unlike <random>'s distributions).
struct Rng {
  uint64_t s;
  uint32_t next() {
    s = s * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<uint32_t>(s >> 33);
  }
  int range(int lo, int hi) { return lo + static_cast<int>(next() % static_cast<uint32_t>(hi - lo + 1)); }
  bool chance(int percent) { return range(1, 100) <= percent; }
};

}  // namespace

std::vector<Place> demo_places(const std::vector<std::string>& region_ids,
                               const std::function<std::vector<std::string>(const std::string& region)>& comunas_of,
                               const std::function<std::string(const std::string&)>& comuna_name) {
  std::vector<Place> out;
  auto casas = spread(region_ids, kSeed.casas), centros = spread(region_ids, kSeed.centros);
  // CAVAS: the Metropolitan one and two regional ones (demo placement).
  const std::vector<std::string> cavas_regions = {"13", "05", "08"};
  for (const auto& region : region_ids) {
    auto comunas = comunas_of(region);
    if (comunas.empty()) continue;
    for (int i = 0; i < centros[region]; ++i) {
      const auto& c = comunas[static_cast<size_t>(i) % comunas.size()];
      Place p;
      p.kind = "centro";
      p.name = "Centro de la Mujer " + comuna_name(c) + (i >= static_cast<int>(comunas.size()) ? " " + std::to_string(i / comunas.size() + 1) : "");
      p.operator_name = "SernamEG y Municipalidad de " + comuna_name(c);
      p.region_id = region, p.comuna_id = c;
      p.services = {"orientacion", "atencion_psicologica", "atencion_social", "representacion_juridica", "prevencion"};
      if (i % 2 == 0) p.services.push_back("atencion_remota");
      p.languages = {"español"};
      if (region == "09" || region == "14" || region == "10") p.languages.push_back("mapudungun");
      if (region == "15" || region == "01") p.languages.push_back("aymara");
      if (region == "13" || region == "02") p.languages.push_back("creole haitiano");
      p.hours = "Lunes a viernes, 08:30 a 17:30";
      p.phone = "+56 2 2" + std::to_string(5490000 + static_cast<int>(out.size()) * 37);
      p.admission = "Mujeres de 18 años o más que viven o han vivido violencia de pareja o ex pareja; atención gratuita, sin derivación.";
      p.accessible = i % 3 != 2;
      p.address = "Dirección de demostración " + std::to_string(100 + i) + ", " + comuna_name(c);
      p.demo = true;
      out.push_back(p);
    }
    for (int i = 0; i < casas[region]; ++i) {
      // Shelters sit away from the regional capital when the region has room (the capital hosts the centres).
      const auto& c = comunas[static_cast<size_t>(i * 3 + 1) % comunas.size()];
      Place p;
      p.kind = "casa";
      p.name = "Casa de Acogida " + region + "-" + std::to_string(i + 1);  // anonymised: no comuna in the name
      p.operator_name = "SernamEG";
      p.region_id = region, p.comuna_id = c;
      p.services = {"residencia", "atencion_psicologica", "atencion_social", "representacion_juridica"};
      p.languages = {"español"};
      p.hours = "Todos los días, las 24 horas";
      p.phone = "Reservado: contacto por el 1455 o el Centro de la Mujer que deriva";
      p.admission = "Mujeres de 18 años o más en riesgo grave o vital, con sus hijas e hijos menores de 14 años; solo por derivación.";
      p.referral_only = true;
      p.min_age = 18;
      p.children_max_age = 14;
      p.accessible = i == 0;
      p.address = "Dirección reservada de demostración N° " + std::to_string(1000 + static_cast<int>(out.size()));
      p.demo = true;
      out.push_back(p);
    }
    if (std::find(cavas_regions.begin(), cavas_regions.end(), region) != cavas_regions.end()) {
      Place p;
      p.kind = "cavas";
      p.name = "Centro de Atención y Reparación en Violencia Sexual " + comuna_name(comunas[0]);
      p.operator_name = "SernamEG";
      p.region_id = region, p.comuna_id = comunas[0];
      p.services = {"reparacion_violencia_sexual", "atencion_psicologica", "representacion_juridica"};
      p.languages = {"español"};
      p.hours = "Lunes a viernes, 09:00 a 18:00";
      p.phone = "+56 2 2" + std::to_string(6540000 + static_cast<int>(out.size()));
      p.admission = "Mujeres de 18 años o más víctimas o sobrevivientes de violencia sexual; por derivación o demanda espontánea.";
      p.accessible = true;
      p.address = "Dirección de demostración 500, " + comuna_name(comunas[0]);
      p.demo = true;
      out.push_back(p);
    }
  }
  return out;
}

Result<void> load_demo(Service& svc, std::optional<int64_t> house_institution_id, std::optional<int64_t> second_house_institution_id,
                       int64_t referrer_institution_id, int64_t referrer_user_id,
                       const std::function<std::vector<std::string>(const std::string& region)>& comunas_of) {
  std::vector<std::string> regions;
  if (svc.registry().regions)
    for (const auto& [id, name] : svc.registry().regions()) regions.push_back(id);
  auto name = [&](const std::string& c) { return svc.registry().comuna_name ? svc.registry().comuna_name(c) : c; };
  auto places = demo_places(regions, comunas_of, name);
  return svc.db().transaction<void>([&](soci::session& s) -> Result<void> {
    if (!svc.repo().places(s, "", "", "").empty()) return {};  // idempotent
    const int64_t now = now_ms();
    const int64_t today = chile_day_of(now);
    constexpr int kDays = 120;
    Rng rng{20201};
    int valparaiso = 0, los_lagos = 0;
    std::vector<std::pair<int64_t, Unit>> snapshots;
    for (auto& p : places) {
      if (p.is_public())
        if (auto c = svc.geo().centre(p.comuna_id)) {
          // Near the comuna's centre, a few hundred metres apart so markers do not overlap.
          p.lat = c->first + (rng.range(-40, 40)) / 10000.0;
          p.lon = c->second + (rng.range(-40, 40)) / 10000.0;
        }
      if (p.kind == "casa" && p.region_id == "05" && valparaiso++ == 0) p.institution_id = house_institution_id;
      if (p.kind == "casa" && p.region_id == "10" && los_lagos++ == 0) p.institution_id = second_house_institution_id;
      p.id = svc.repo().insert_place(s, p, now);
      if (p.is_public()) continue;

      // Units and their simulated history.
      std::vector<Unit> units = {{p.id, "mujer_sola", rng.range(3, 5), 0, 0, {}, {}},
                                 {p.id, "mujer_con_hijos", rng.range(5, 9), 0, 0, {}, {}}};
      if (p.accessible) units.push_back({p.id, "accesible", 2, 0, 0, {}, {}});
      // Each placement is written once, in its final state: a stay's exit day is drawn when she
      // enters, and the day's occupancy follows from the stays still open (one insert per placement,
      // snapshots in batches: the demo loads in seconds on PostgreSQL too).
      std::vector<std::pair<size_t, int64_t>> stays;  // unit, exit day
      for (int64_t day = today - kDays; day <= today; ++day) {
        const int64_t noon = day * kDay + 16 * kHour;  // 12:00 in Chile (UTC-4)
        for (auto it = stays.begin(); it != stays.end();) {
          if (it->second == day) {
            --units[it->first].occupied;
            it = stays.erase(it);
          } else {
            ++it;
          }
        }
        if (rng.chance(day == today ? 0 : 22)) {
          const size_t u = static_cast<size_t>(rng.range(0, static_cast<int>(units.size()) - 1));
          Placement pl;
          pl.place_id = p.id;
          pl.unit_type = units[u].unit_type;
          pl.from_institution_id = referrer_institution_id, pl.from_user_id = referrer_user_id;
          pl.woman_age = rng.range(19, 55);
          if (pl.unit_type == "mujer_con_hijos")
            for (int k = rng.range(1, 3); k > 0; --k) pl.children_ages.push_back(rng.range(0, 13));
          pl.aggressor_comuna_id = "13101";
          pl.offered_at = noon - 3 * kHour;
          pl.answer_due_at = pl.offered_at + svc.options().answer_seconds * 1000LL;
          pl.answered_at = noon - 2 * kHour;
          const bool full = units[u].available() <= 0;
          if (full || rng.chance(15)) {
            static const char* why[] = {"no_cumple_requisitos", "riesgo_seguridad", "necesita_otra_atencion", "otro"};
            pl.state = "rechazada";
            pl.decline_reason = full ? "sin_cupo" : why[rng.range(0, 3)];
            if (pl.decline_reason == "otro") pl.note = "Motivo de demostración";
          } else {
            pl.state = "ingresada";
            pl.entry_due_at = pl.answered_at.value() + svc.options().entry_seconds * 1000LL;
            pl.entered_at = noon;
            ++units[u].occupied;
            const int64_t exit_day = day + rng.range(10, 150);
            if (exit_day <= today) {
              static const char* dest[] = {"red_familiar", "red_familiar", "vivienda_propia", "otra_casa", "retorno_agresor", "abandono"};
              pl.state = "egresada";
              pl.exited_at = exit_day * kDay + 16 * kHour;
              pl.exit_destination = dest[rng.range(0, 5)];
              stays.emplace_back(u, exit_day);
            }
          }
          svc.repo().insert_placement(s, pl);
        }
        for (const auto& u : units) snapshots.emplace_back(day, u);
      }
      // Today's figures, as the house confirmed them: most a few hours ago, some houses stale.
      // Houses with a staff account in the demo are fresh and have room, so every screen can be walked.
      const bool staffed = p.institution_id.has_value();
      const bool stale = !staffed && rng.chance(10);
      const size_t today_rows = snapshots.size() - units.size();  // the loop's last day is today
      for (size_t i = 0; i < units.size(); ++i) {
        auto& u = units[i];
        if (staffed && u.available() < 3) u.places = u.occupied + u.blocked + 3;
        u.confirmed_at = now - (stale ? 30 : rng.range(0, 5)) * kHour - rng.range(0, 59) * 60 * 1000;
        if (u.occupied + 1 < u.places && rng.chance(10)) u.blocked = 1;
        svc.repo().upsert_unit(s, u);
        snapshots[today_rows + i] = {today, u};  // today's row: the confirmed figures
      }
    }
    svc.repo().snapshots_bulk(s, snapshots);
    return {};
  });
}

}  // namespace eq::care
