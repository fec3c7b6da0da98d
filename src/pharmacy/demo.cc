// Demo data of «Mascarilla 19», generated: pharmacies enrolled comuna by comuna following each
// region's rollout as the seed describes it, and a history of activations from the launch (28 April
// 2020) with the monthly profile below. The screens COUNT these records (enrolled per region,
// activations per year); the seed's figures sit beside them (seed_figures()) and a test asserts that
// both agree. Every generated record is marked demo and says so.
#include <array>

#include "core/time.h"
#include "pharmacy/repository.h"

namespace eq::pharmacy {

namespace {

// The rollout plan: pharmacies per comuna where the SEREMI enrolled them (Tarapacá: 14 in Iquique,
// 6 in Alto Hospicio and 2 in Tamarugal, as its launch reports; Antofagasta and Aysén spread over
// their comunas by size).
struct Rollout {
  const char* comuna;
  int pharmacies;
  int chains_every;  // one in N is independent
};
const Rollout kRollout[] = {
    {"01101", 14, 3}, {"01107", 6, 2},  {"01401", 1, 1}, {"01405", 1, 1},                                    // Tarapacá
    {"02101", 30, 3}, {"02201", 20, 3}, {"02301", 5, 2}, {"02102", 3, 2}, {"02104", 2, 1}, {"02203", 2, 1},  // Antofagasta
    {"02302", 1, 1},
    {"11101", 5, 2},  {"11201", 2, 1},  {"11301", 1, 1}, {"11401", 1, 1},  // Aysén: the 9 pharmacies of the region
};
const char* kChains[] = {"Cruz Verde", "Salcobrand", "Ahumada"};
const char* kIndependent[] = {"Del Puerto", "Central", "San José", "Popular", "El Salitre", "Los Andes", "Del Norte", "La Portada", "Esperanza", "Patagonia"};

// Activations per month from the launch: [year][month-1]. A quiet start, the winter lockdown peak,
// then steady. 2021 continues into the first quarter.
const std::array<std::array<int, 12>, 2> kMonthly = {{
    {0, 0, 0, 3, 11, 12, 10, 9, 8, 7, 7, 6},
    {6, 5, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0},
}};

const char* kAsked[] = {"Pidió ayuda en voz baja al comprar.", "Preguntó por «Mascarilla 19» y pidió que la llamaran.",
                        "Dijo la palabra clave y pidió hablar con alguien de SernamEG.", "Pidió orientación para salir de su casa."};

}  // namespace

Result<void> Service::load_demo(const kernel::FindDemoAccount& find) {
  auto pharmacy = find("farmacia@equidad.demo");
  if (!pharmacy) return fail(pharmacy.error());
  const int64_t enrolled_at = parse_date_cl("28-04-2020", "demo").value_or(0);
  const int64_t day = 86400000LL;
  auto done = db_.transaction<bool>([&](soci::session& s) -> Result<bool> {
    if (repo::count_demo_reports(s) > 0) return false;
    std::vector<Enrolment> all;
    auto add = [&](Enrolment e) {
      if (auto id = repo::enrolment_by_name(s, e.name, e.comuna_code)) e.id = *id;
      else e.id = repo::insert_enrolment(s, e);
      all.push_back(e);
    };
    // The demo pharmacy account's own enrolment, so its form works.
    Enrolment own;
    own.institution_id = pharmacy->institution_id;
    own.name = "Farmacia Comunitaria Providencia";
    own.comuna_code = "13123";
    own.region_code = "13";
    own.contact = "Química farmacéutica de turno (dato de demostración)";
    own.trained_at = enrolled_at + 20 * day;
    own.enrolled_at = enrolled_at + 14 * day;
    own.demo = true;
    add(own);
    int n = 0;
    for (const auto& r : kRollout) {
      for (int i = 0; i < r.pharmacies; ++i, ++n) {
        Enrolment e;
        const bool independent = (i % r.chains_every) == r.chains_every - 1;
        e.chain = independent ? "" : kChains[n % 3];
        e.name = (independent ? std::string("Farmacia ") + kIndependent[n % 10] : e.chain) + " " + r.comuna + "-" + std::to_string(i + 1) +
                 " (demostración)";
        e.comuna_code = r.comuna;
        e.region_code = std::string(r.comuna).substr(0, 2);
        e.contact = "Local de demostración";
        e.enrolled_at = enrolled_at + (n % 60) * day;
        if (n % 7 != 6) e.trained_at = e.enrolled_at + 10 * day;  // one in seven still waits for training
        e.demo = true;
        add(e);
      }
    }
    // The activations: spread over the month's days and the enrolled pharmacies (the demo one
    // included), each contacted by SernamEG within hours.
    const std::string alias = keys_.encrypt("Dato de demostración");
    const std::string safe = keys_.encrypt("Llamar por la tarde; decir que llaman de la farmacia (dato de demostración).");
    int k = 0;
    for (int y = 0; y < 2; ++y)
      for (int m = 0; m < 12; ++m)
        for (int i = 0; i < kMonthly[y][m]; ++i, ++k) {
          char date[16];
          std::snprintf(date, sizeof date, "%02d-%02d-%d", 1 + (i * 7 + k) % 27, m + 1, 2020 + y);
          const int64_t at = std::max(parse_date_cl(date, "demo").value_or(0), enrolled_at) + (9 + k % 11) * 3600000LL;
          const Enrolment& e = all[k % 9 == 0 ? 0 : static_cast<size_t>(k * 37) % all.size()];
          repo::StoredReport r;
          r.ref = "demo-m19-" + std::to_string(k + 1);
          r.enrolment_id = e.id;
          r.comuna_code = e.comuna_code;
          r.region_code = e.region_code;
          r.in_danger = k % 6 == 0;
          r.state = "contacted";
          r.at = at;
          r.due_at = at + (r.in_danger ? options_.urgent_followup_ms : options_.followup_ms);
          r.contacted_at = at + (r.in_danger ? 10 : 60 * (1 + k % 20)) * 60000LL;
          r.alias = alias;
          r.safe_contact = safe;
          r.asked_for = keys_.encrypt(std::string(kAsked[k % 4]) + " (dato de demostración)");
          r.demo = true;
          repo::insert_report(s, r, std::nullopt);
        }
    audit::Entry a;
    a.action = "pharmacy.demo";
    a.outcome = "ok";
    a.detail = "datos de demostración generados";
    audit_.append(s, a);
    return true;
  });
  if (!done) return fail(done.error());
  return {};
}

}  // namespace eq::pharmacy
