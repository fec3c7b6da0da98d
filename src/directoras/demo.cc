// Demo data of the Registro de Directoras: generated women (the seed: launched in August 2019 with
// more than 600), each marked demo, and the profiles of the two demo accounts. Nothing here is a
// real person: names are drawn from common Chilean names, RUTs from a range no real person holds
// in this demo (with valid check digits), e-mails under correo.demo.
#include <random>

#include "core/rut.h"
#include "core/time.h"
#include "directoras/module.h"

namespace eq::directoras {

namespace {
const char* kGiven[] = {"María José", "Catalina", "Francisca", "Constanza", "Valentina", "Javiera", "Carolina", "Paula", "Daniela",
                        "Macarena", "Camila", "Andrea", "Claudia", "Alejandra", "Verónica", "Loreto", "Ximena", "Marcela",
                        "Soledad", "Bárbara", "Pía", "Ignacia", "Fernanda", "Antonia", "Isidora", "Trinidad", "Rocío", "Paola"};
const char* kSurnames[] = {"González", "Muñoz", "Rojas", "Díaz", "Pérez", "Soto", "Contreras", "Silva", "Martínez", "Sepúlveda",
                           "Morales", "Rodríguez", "López", "Fuentes", "Hernández", "Torres", "Araya", "Flores", "Espinoza",
                           "Valenzuela", "Castillo", "Tapia", "Reyes", "Gutiérrez", "Castro", "Pizarro", "Álvarez", "Vásquez",
                           "Sánchez", "Fernández", "Ramírez", "Carrasco", "Gómez", "Cortés", "Herrera", "Núñez", "Jara", "Vergara"};
const char* kDegrees[] = {"Ingeniera Comercial", "Ingeniera Civil Industrial", "Abogada", "Contadora Auditora", "Ingeniera Civil en Minas",
                          "Economista", "Médica Cirujana", "Periodista", "Psicóloga", "Ingeniera en Informática", "Arquitecta",
                          "Administradora Pública", "Ingeniera Agrónoma", "Ingeniera Forestal", "Constructora Civil"};

std::string ascii_lower(std::string s) {
  std::string folded = search_key(s);
  std::string out;
  for (char c : folded) out += c == ' ' ? '.' : c;
  return out;
}

template <class T, size_t N>
const T& pick(std::mt19937& rng, const T (&a)[N]) {
  return a[std::uniform_int_distribution<size_t>(0, N - 1)(rng)];
}
std::vector<std::string> some(std::mt19937& rng, const Vocabulary& v, int max) {
  std::vector<std::string> out;
  int n = std::uniform_int_distribution<int>(1, max)(rng);
  for (int i = 0; i < n; ++i) {
    const auto& t = v.terms()[std::uniform_int_distribution<size_t>(0, v.terms().size() - 1)(rng)];
    if (std::find(out.begin(), out.end(), t.id) == out.end()) out.push_back(t.id);
  }
  return out;
}
}  // namespace

Result<void> Service::load_demo(int n, const std::vector<std::pair<std::string, int64_t>>& accounts) {
  const int64_t now = now_ms();
  const int year = std::stoi(format_date_cl(now).substr(6, 4));
  constexpr int64_t kDay = 86400000LL;
  // Weights by region: the Metropolitana holds about four in ten, Valparaíso and Biobío the next.
  std::vector<std::pair<std::string, int>> weights;
  for (const auto& [id, name] : regions_) weights.push_back({id, id == "13" ? 12 : (id == "05" || id == "08") ? 3 : 1});
  std::vector<int> w;
  for (const auto& x : weights) w.push_back(x.second);
  std::mt19937 rng(20190801);  // the register's launch: August 2019
  std::discrete_distribution<size_t> region(w.begin(), w.end());
  auto make = [&](int i) {
    Profile p;
    p.full_name = std::string(pick(rng, kGiven)) + " " + pick(rng, kSurnames) + " " + pick(rng, kSurnames);
    const long number = 30'000'000 + i * 97 + std::uniform_int_distribution<int>(0, 96)(rng);
    p.rut = rut_canonical(Rut{number, rut_check_digit(number)});
    p.email = ascii_lower(p.full_name) + "." + std::to_string(i) + "@correo.demo";
    p.phone = "+56 9 " + std::to_string(std::uniform_int_distribution<int>(5000, 9999)(rng)) + " " +
              std::to_string(std::uniform_int_distribution<int>(1000, 9999)(rng));
    p.birth_year = std::uniform_int_distribution<int>(year - 68, year - 32)(rng);
    const int max_exp = year - p.birth_year - 23;
    p.experience_years = std::uniform_int_distribution<int>(options_.min_experience_years, std::max(options_.min_experience_years, max_exp))(rng);
    p.studies = studies().terms()[std::discrete_distribution<size_t>({1, 5, 4, 1})(rng)].id;
    p.degree = pick(rng, kDegrees);
    p.industries = some(rng, industries(), 3);
    p.specialties = some(rng, specialties(), 3);
    p.board_years = std::uniform_int_distribution<int>(0, 2)(rng) == 0 ? std::uniform_int_distribution<int>(1, 15)(rng) : 0;
    p.board_training = p.board_years == 0 || std::uniform_int_distribution<int>(0, 1)(rng) == 1;
    p.region_id = weights.empty() ? "13" : weights[region(rng)].first;
    p.availability_code = availability().terms()[std::discrete_distribution<size_t>({5, 3, 2})(rng)].id;
    p.summary = "Perfil de demostración. " + p.degree + " con " + std::to_string(p.experience_years) +
                " años de experiencia en " + industries().label(p.industries[0]) + ".";
    p.contactable = std::uniform_int_distribution<int>(0, 9)(rng) < 7;
    // Launched August 2019; profiles confirmed at some point since, so some are stale.
    p.created_at = 1564617600000LL + std::uniform_int_distribution<int64_t>(0, 60)(rng) * kDay;
    p.updated_at = std::max(p.created_at, now - std::uniform_int_distribution<int64_t>(0, 700)(rng) * kDay);
    p.demo = true;
    return p;
  };
  return db_.transaction<void>([&](soci::session& s) -> Result<void> {
    if (repo_.count(s, true) > 0) return {};
    std::vector<Profile> batch;
    for (int i = 0; i < n; ++i) {
      batch.push_back(make(i));
      if (batch.size() == 1000 || i == n - 1) repo_.insert_many(s, batch), batch.clear();
    }
    for (size_t a = 0; a < accounts.size(); ++a) {
      if (repo_.of_user(s, accounts[a].second)) continue;
      Profile p = make(n + static_cast<int>(a));
      p.user_id = accounts[a].second;
      p.email = accounts[a].first;
      p.full_name = a == 0 ? "Soledad Achondo Ibarra" : "Rocío Valdivia Cárcamo";
      p.region_id = a == 0 ? "13" : "08";
      p.contactable = a == 0;  // the second one did not consent: a company sees no contact details
      p.board_years = a == 0 ? 6 : 0;
      p.board_training = true;
      p.updated_at = a == 0 ? now - 20 * kDay : now - 400 * kDay;  // the second one is stale: reminded
      repo_.insert(s, p);
    }
    return {};
  });
}

}  // namespace eq::directoras
