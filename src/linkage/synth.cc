// Synthetic persons and noisy records. Frequencies are rough (Zipf-like over common names), enough
// to make blocks as uneven as real ones; the error model mirrors what registries show: typos,
// surnames swapped or cut, RUN missing or with a wrong check digit, day/month swaps, partial dates,
// nicknames, moves between comunas, missing phones.
#include "linkage/synth.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "core/rut.h"

namespace eq::linkage {
namespace {

class Rng {
 public:
  explicit Rng(uint64_t seed) : s_(seed * 0x9e3779b97f4a7c15ULL + 0x632be59bd9b4e019ULL) {}
  uint64_t next() {
    uint64_t z = (s_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  size_t below(size_t n) { return static_cast<size_t>(uniform() * static_cast<double>(n)); }
  int range(int lo, int hi) { return lo + static_cast<int>(below(static_cast<size_t>(hi - lo + 1))); }
  bool chance(double p) { return uniform() < p; }

 private:
  uint64_t s_;
};

// Picks from a list with Zipf-like weights 1/(rank + offset): the first names are common, the tail rare.
class Zipf {
 public:
  Zipf(std::vector<std::string_view> items, double offset) : items_(std::move(items)) {
    double acc = 0;
    for (size_t i = 0; i < items_.size(); ++i) {
      acc += 1.0 / (static_cast<double>(i) + offset);
      cum_.push_back(acc);
    }
  }
  std::string_view pick(Rng& r) const {
    const double x = r.uniform() * cum_.back();
    return items_[static_cast<size_t>(std::upper_bound(cum_.begin(), cum_.end(), x) - cum_.begin())];
  }

 private:
  std::vector<std::string_view> items_;
  std::vector<double> cum_;
};

const Zipf& chilean_surnames() {
  static const Zipf z(
      {"González", "Muñoz", "Rojas", "Díaz", "Pérez", "Soto", "Contreras", "Silva", "Martínez", "Sepúlveda",
       "Morales", "Rodríguez", "López", "Fuentes", "Hernández", "Torres", "Araya", "Flores", "Espinoza",
       "Valenzuela", "Castillo", "Tapia", "Reyes", "Gutiérrez", "Castro", "Pizarro", "Álvarez", "Vásquez",
       "Sánchez", "Fernández", "Ramírez", "Carrasco", "Gómez", "Cortés", "Herrera", "Núñez", "Jara", "Vergara",
       "Rivera", "Figueroa", "Riquelme", "García", "Miranda", "Bravo", "Vera", "Molina", "Vega", "Campos",
       "Sandoval", "Orellana", "Cárdenas", "Olivares", "Alarcón", "Gallardo", "Ortiz", "Garrido", "Salazar",
       "Guzmán", "Henríquez", "Saavedra", "Navarro", "Aguilera", "Parra", "Romero", "Aravena", "Vargas", "Vidal",
       "Cáceres", "Yáñez", "Leiva", "Escobar", "Ruiz", "Valdés", "Salinas", "Zúñiga", "Peña", "Godoy", "Lagos",
       "Maldonado", "Bustos", "Medina", "Pino", "Palma", "Moreno", "Sanhueza", "Carvajal", "Navarrete", "Sáez",
       "Alvarado", "Donoso", "Poblete", "Bustamante", "Toro", "Ortega", "Venegas", "Guerrero", "Paredes",
       "Farías", "San Martín", "Quiroz", "Jiménez", "Mella", "Ibarra", "Llanos", "Cifuentes", "Acevedo",
       "Quezada", "Arancibia", "Cerda", "Lillo", "Huenchullán", "Millán", "Painemal", "Catrileo", "Ñancupil",
       "Quiroga", "Villalobos", "Ulloa", "Becerra", "Cofré", "Troncoso", "Ossandón", "de la Fuente", "Mardones",
       "Inostroza", "Retamal", "Zamora", "Valdebenito", "Osorio", "Jorquera", "Rebolledo", "Burgos",
       "Uribe", "Oyarzún", "Barrientos", "Gálvez", "Hidalgo", "Ramos", "Cárcamo", "Pacheco", "Céspedes",
       "Vilches", "Manríquez", "Aguirre", "Calderón", "Muñoz de la Barra", "Echeverría", "Larraín", "Errázuriz"},
      10);
  return z;
}

const Zipf& female_given() {
  static const Zipf z(
      {"María José", "Constanza", "Camila", "Javiera", "Catalina", "Valentina", "Francisca", "Daniela", "Carolina",
       "Fernanda", "María", "Josefa", "Antonia", "Isidora", "Sofía", "Paula", "Macarena", "Claudia", "Patricia",
       "Marcela", "Andrea", "Paola", "Lorena", "Verónica", "Alejandra", "Karina", "Gabriela", "Natalia",
       "Pamela", "Ximena", "Jimena", "Cecilia", "Rosa", "Juana", "María Teresa", "Margarita", "Gloria", "Silvia",
       "Mónica", "Elizabeth", "Jacqueline", "Yolanda", "Luisa", "Isabel", "Pilar", "Soledad", "Carmen",
       "Victoria", "Trinidad", "Florencia", "Agustina", "Martina", "Emilia", "Amanda", "Belén", "Bárbara",
       "Yasna", "Scarlett", "Nicole", "Tamara", "Vanessa", "Consuelo", "María Ignacia", "María Paz",
       "María Fernanda", "María Jesús", "Ana María", "María Elena", "Ana", "Rocío", "Valeria", "Romina",
       "Maite", "Millaray", "Ayelén", "Danitza", "Yesenia", "Evelyn", "Katherine", "Leticia"},
      8);
  return z;
}

const Zipf& male_given() {
  static const Zipf z(
      {"José", "Juan", "Luis", "Carlos", "Jorge", "Francisco", "Ignacio", "Guillermo", "Manuel", "Pedro",
       "Cristián", "Rodrigo", "Sebastián", "Matías", "Nicolás", "Benjamín", "Felipe", "Diego", "Tomás",
       "Vicente", "Gonzalo", "Patricio", "Mauricio", "Alejandro", "Claudio", "Héctor", "Víctor", "Raúl",
       "Sergio", "Ricardo", "Marcelo", "Andrés", "Pablo", "Fernando", "Eduardo", "Hugo", "Alberto", "Daniel",
       "Joaquín", "Agustín", "Maximiliano", "Bastián", "Javier", "Óscar", "Roberto", "Gabriel", "Mario", "Iván",
       "Esteban", "Juan Pablo", "Juan Carlos", "José Luis", "Luis Alberto", "Juan Francisco", "José Miguel",
       "Juan José", "Carlos Alberto", "Jorge Luis", "Enrique", "Rafael", "Álvaro", "Cristóbal", "Martín",
       "Lautaro", "Gaspar", "Ángel", "Emilio", "Domingo", "Renato", "Franco"},
      8);
  return z;
}

const Zipf& second_given(bool female) {
  static const Zipf f({"Andrea", "Alejandra", "Paz", "Ignacia", "Belén", "Soledad", "Isabel", "Antonia", "Beatriz",
                       "Fernanda", "Elena", "Paulina", "Carolina", "Victoria", "Francisca", "Cecilia", "Inés",
                       "Eugenia", "Angélica", "Margarita"},
                      5);
  static const Zipf m({"Andrés", "Alejandro", "Antonio", "Ignacio", "Esteban", "Eduardo", "Javier", "Alberto",
                       "Felipe", "Enrique", "Patricio", "Rodrigo", "Hernán", "Ernesto", "Octavio", "Humberto",
                       "Arturo", "Gustavo", "Segundo", "Agustín"},
                      5);
  return female ? f : m;
}

struct Nationality {
  Zipf female, male, surnames;
  bool one_surname;  // Haitian records usually carry a single surname
};

const std::vector<Nationality>& nationalities() {
  static const std::vector<Nationality> n = {
      {Zipf({"Yorgelis", "Yusmary", "Oriana", "Yuleisy", "Génesis", "Andreína", "Daniela", "Mariangel", "Yelitza",
             "Eglis", "Rosmery", "Dayana"}, 4),
       Zipf({"Yonaiker", "Jesús", "Luis", "José", "Carlos", "Yorman", "Wilmer", "Jhonny", "Deivis", "Eleazar"}, 4),
       Zipf({"Rodríguez", "González", "Hernández", "Pérez", "García", "Martínez", "Ramírez", "Mendoza", "Rivas",
             "Blanco", "Chirinos", "Briceño", "Colmenares", "Urdaneta"}, 4),
       false},
      {Zipf({"Marie", "Rose", "Mirlande", "Nadège", "Wislande", "Jacqueline", "Guerline", "Roseline", "Fabienne",
             "Nathalie"}, 4),
       Zipf({"Jean", "Pierre", "Jean-Baptiste", "Fritznel", "Wilner", "Jean Robert", "Frantz", "Wilson", "Ricardo",
             "Emmanuel"}, 4),
       Zipf({"Joseph", "Jean", "Pierre", "Louis", "Charles", "Baptiste", "Saint-Fleur", "Dorvil", "Exantus",
             "Désir", "François", "Augustin", "Petit-Frère", "Célestin"}, 4),
       true},
      {Zipf({"Rosa", "Milagros", "Yesenia", "Luz", "Edith", "Maribel", "Gladys", "Nelly", "Flor", "Yovana"}, 4),
       Zipf({"Juan", "Jhon", "Wilfredo", "Edwin", "Percy", "Alfredo", "Richard", "Elmer", "Walter", "Julio"}, 4),
       Zipf({"Quispe", "Mamani", "Huamán", "Flores", "Ccori", "Condori", "Chávez", "Vásquez", "Ramos", "Torres",
             "Huanca", "Apaza"}, 4),
       false},
      {Zipf({"Yuliana", "Leidy", "Sandra", "Paola", "Marcela", "Yesica", "Angie", "Katerine", "Luz Dary", "Diana"}, 4),
       Zipf({"Jhon", "Brayan", "Andrés", "Jhon Jairo", "Wilson", "Fabián", "Éider", "Harold", "Duván", "Camilo"}, 4),
       Zipf({"Cárdenas", "Ospina", "Valencia", "Mosquera", "Rentería", "Gómez", "Restrepo", "Córdoba", "Palacios",
             "Zapata"}, 4),
       false},
  };
  return n;
}

struct ComunaRef {
  const char* code;
  const char* name;
};
constexpr ComunaRef kComunas[] = {
    {"13101", "Santiago"},      {"13110", "La Florida"},     {"13201", "Puente Alto"},  {"13119", "Maipú"},
    {"13401", "San Bernardo"},  {"13124", "Pudahuel"},       {"13122", "Peñalolén"},    {"13120", "Ñuñoa"},
    {"13114", "Las Condes"},    {"13127", "Recoleta"},       {"13106", "Estación Central"}, {"13112", "La Pintana"},
    {"13105", "El Bosque"},     {"13128", "Renca"},          {"13125", "Quilicura"},    {"13103", "Cerro Navia"},
    {"13111", "La Granja"},     {"13104", "Conchalí"},       {"13116", "Lo Espejo"},    {"13117", "Lo Prado"},
    {"13108", "Independencia"}, {"13126", "Quinta Normal"},  {"13109", "La Cisterna"},  {"13121", "Pedro Aguirre Cerda"},
    {"13130", "San Miguel"},    {"13118", "Macul"},          {"13129", "San Joaquín"},  {"13102", "Cerrillos"},
    {"13107", "Huechuraba"},    {"13123", "Providencia"},    {"13113", "La Reina"},     {"13132", "Vitacura"},
    {"05101", "Valparaíso"},    {"05109", "Viña del Mar"},   {"08101", "Concepción"},   {"08110", "Talcahuano"},
    {"09101", "Temuco"},        {"02101", "Antofagasta"},    {"01101", "Iquique"},      {"15101", "Arica"},
    {"04101", "La Serena"},     {"04102", "Coquimbo"},       {"06101", "Rancagua"},     {"07101", "Talca"},
    {"10101", "Puerto Montt"},  {"12101", "Punta Arenas"},   {"03101", "Copiapó"},      {"14101", "Valdivia"},
    {"11101", "Coyhaique"},     {"16101", "Chillán"}};
constexpr size_t kComunaCount = sizeof kComunas / sizeof kComunas[0];

size_t pick_comuna(Rng& r) {
  // Roughly by population: the first ones (Santiago's big comunas) are the most common.
  const double x = r.uniform();
  return std::min(kComunaCount - 1, static_cast<size_t>(std::pow(x, 1.6) * kComunaCount));
}

const Zipf& streets() {
  static const Zipf z({"Los Aromos", "Las Acacias", "Los Alerces", "Bernardo O'Higgins", "Arturo Prat", "Manuel Rodríguez",
                       "Independencia", "Gabriela Mistral", "Pablo Neruda", "Los Copihues", "Las Violetas",
                       "El Roble", "Vicuña Mackenna", "Santa Rosa", "Gran Avenida", "Los Pinos", "Lautaro",
                       "Caupolicán", "Colo Colo", "Valparaíso", "San Martín", "Freire", "Carrera", "Balmaceda",
                       "Las Rosas", "Los Jazmines", "El Almendro", "Los Quillayes", "Padre Hurtado", "Esmeralda"},
                      6);
  return z;
}

// Full given names and their usual hypocorisms, as records write them.
const std::vector<std::pair<std::string_view, std::vector<std::string_view>>>& nicknames() {
  static const std::vector<std::pair<std::string_view, std::vector<std::string_view>>> n = {
      {"María José", {"Cote"}},   {"María Teresa", {"Maite"}}, {"Francisca", {"Pancha", "Fran", "Panchita"}},
      {"Josefa", {"Pepa"}},       {"Consuelo", {"Chelo"}},     {"Constanza", {"Coni"}},
      {"Javiera", {"Javi"}},      {"Valentina", {"Vale"}},     {"Catalina", {"Cata"}},
      {"Juana", {"Juanita"}},     {"Luis", {"Lucho"}},         {"Francisco", {"Pancho"}},
      {"José", {"Pepe"}},         {"Ignacio", {"Nacho"}},      {"Guillermo", {"Memo"}},
      {"Macarena", {"Maca"}},     {"Pilar", {"Pili"}},         {"Camila", {"Cami"}},
      {"Isabel", {"Chabela"}},    {"Soledad", {"Sole"}},       {"Sebastián", {"Seba"}},
      {"Gonzalo", {"Gonza"}},     {"Rodrigo", {"Rodri"}},      {"Natalia", {"Nati"}},
      {"Carolina", {"Caro"}},     {"Fernanda", {"Feña"}},      {"Benjamín", {"Benja"}},
      {"Vicente", {"Vicho"}},     {"Tomás", {"Tomi"}}};
  return n;
}

bool ascii_lower(char c) { return c >= 'a' && c <= 'z'; }

// One keyboard or spelling slip in an ASCII lower-case position (accented letters are left alone
// so the text stays valid UTF-8).
void typo(std::string& s, Rng& r, size_t from = 1) {
  std::vector<size_t> pos;
  for (size_t i = from; i < s.size(); ++i)
    if (ascii_lower(s[i])) pos.push_back(i);
  if (pos.empty()) return;
  const size_t i = pos[r.below(pos.size())];
  const double k = r.uniform();
  static const char kLetters[] = "abcdefghijlmnopqrstuvyz";
  if (k < 0.20) {  // spelling variants a Chilean ear does not distinguish
    static const std::pair<const char*, const char*> kSwaps[] = {{"v", "b"}, {"b", "v"}, {"s", "z"}, {"z", "s"},
                                                                 {"ll", "y"}, {"y", "ll"}, {"ce", "se"}, {"ci", "si"},
                                                                 {"ge", "je"}, {"gi", "ji"}, {"h", ""}};
    for (int attempt = 0; attempt < 11; ++attempt) {
      const auto& [from, to] = kSwaps[r.below(11)];
      const size_t at = s.find(from, 1);
      if (at != std::string::npos) {
        s.replace(at, std::char_traits<char>::length(from), to);
        return;
      }
    }
    s[i] = kLetters[r.below(sizeof kLetters - 1)];
  } else if (k < 0.45) {
    s[i] = kLetters[r.below(sizeof kLetters - 1)];
  } else if (k < 0.65) {
    if (s.size() > 3) s.erase(i, 1);
  } else if (k < 0.85) {
    s.insert(s.begin() + static_cast<long>(i), kLetters[r.below(sizeof kLetters - 1)]);
  } else if (i + 1 < s.size() && ascii_lower(s[i + 1])) {
    std::swap(s[i], s[i + 1]);
  } else {
    s[i] = kLetters[r.below(sizeof kLetters - 1)];
  }
}

// Upper case for the Spanish letters records use (UTF-8 two-byte á…ñ → Á…Ñ).
std::string upper(std::string_view s) {
  std::string out(s);
  for (size_t i = 0; i < out.size(); ++i) {
    const auto c = static_cast<unsigned char>(out[i]);
    if (c >= 'a' && c <= 'z') out[i] = static_cast<char>(c - 32);
    else if (c == 0xC3 && i + 1 < out.size()) {
      const auto d = static_cast<unsigned char>(out[i + 1]);
      if (d >= 0xA0 && d <= 0xBE) out[i + 1] = static_cast<char>(d - 0x20);
      ++i;
    }
  }
  return out;
}

std::string strip_accents(std::string_view s) {
  static const std::pair<const char*, char> kMap[] = {{"á", 'a'}, {"é", 'e'}, {"í", 'i'}, {"ó", 'o'}, {"ú", 'u'},
                                                      {"ñ", 'n'}, {"Á", 'A'}, {"É", 'E'}, {"Í", 'I'}, {"Ó", 'O'},
                                                      {"Ú", 'U'}, {"Ñ", 'N'}};
  std::string out;
  for (size_t i = 0; i < s.size();) {
    bool done = false;
    if (i + 1 < s.size())
      for (const auto& [from, to] : kMap)
        if (s[i] == from[0] && s[i + 1] == from[1]) {
          out.push_back(to);
          i += 2;
          done = true;
          break;
        }
    if (!done) out.push_back(s[i++]);
  }
  return out;
}

std::string format_run(uint32_t number, char dv, Rng& r) {
  const std::string digits = std::to_string(number);
  const double k = r.uniform();
  if (k < 0.5) {
    std::string grouped;
    const size_t lead = digits.size() % 3 == 0 ? 3 : digits.size() % 3;
    grouped = digits.substr(0, lead);
    for (size_t i = lead; i < digits.size(); i += 3) grouped += "." + digits.substr(i, 3);
    return grouped + "-" + dv;
  }
  if (k < 0.9) return digits + "-" + dv;
  return digits + static_cast<char>(dv == 'K' ? 'k' : dv);
}

int days_in(int year, int month) {
  static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2 && ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0)) return 29;
  return d[month - 1];
}

std::string new_phone(Rng& r) { return "+569" + std::to_string(r.range(10000000, 99999999)); }

std::string new_address(Rng& r) {
  const double k = r.uniform();
  std::string type = k < 0.55 ? "Calle " : k < 0.8 ? "Pasaje " : "Avenida ";
  std::string a = type + std::string(streets().pick(r)) + " " + std::to_string(r.range(10, 9999));
  if (r.chance(0.2)) a += ", depto " + std::to_string(r.range(11, 2208));
  return a;
}

std::string vary_address(const std::string& a, Rng& r) {
  std::string out = a;
  auto rep = [&](std::string_view from, std::string_view to) {
    const size_t at = out.find(from);
    if (at != std::string::npos) out.replace(at, from.size(), to);
  };
  if (r.chance(0.5)) {
    rep("Avenida ", r.chance(0.5) ? "Av. " : "Avda. ");
    rep("Pasaje ", r.chance(0.5) ? "Pje. " : "Psje. ");
    rep("Calle ", "");
    rep("depto", r.chance(0.5) ? "dpto." : "Dpto");
  }
  if (r.chance(0.2)) {
    const size_t sp = out.find_last_of(' ');
    if (sp != std::string::npos && sp + 1 < out.size() && out[sp + 1] >= '0' && out[sp + 1] <= '9')
      out.insert(sp + 1, "#");
  }
  return out;
}

struct PersonGen {
  Rng& r;
  const SynthOptions& o;
  std::unordered_set<uint32_t> runs;

  std::pair<uint32_t, char> new_run(int birth_year, bool migrant) {
    while (true) {
      uint32_t n;
      if (migrant) {
        n = static_cast<uint32_t>(r.range(20'000'000, 27'999'999));
      } else {
        // Numbers roughly follow registration order: older persons have lower RUNs.
        const int base = std::clamp(1'000'000 + (birth_year - 1930) * 290'000, 1'000'000, 27'000'000);
        n = static_cast<uint32_t>(base + r.range(0, 600'000));
      }
      if (runs.insert(n).second) return {n, rut_check_digit(n)};
    }
  }

  void birth(Identity& p, int lo, int hi) {
    p.birth_year = r.range(lo, hi);
    p.birth_month = r.range(1, 12);
    p.birth_day = r.range(1, days_in(p.birth_year, p.birth_month));
  }

  std::string given(bool female) {
    std::string g(female ? female_given().pick(r) : male_given().pick(r));
    if (g.find(' ') == std::string::npos && r.chance(0.6)) g += " " + std::string(second_given(female).pick(r));
    return g;
  }

  Identity person(const std::vector<Identity>& earlier, std::vector<char>& migrant_flags) {
    Identity p;
    const double sx = r.uniform();
    p.sex = sx < 0.58 ? 'F' : sx < 0.997 ? 'M' : 'X';
    const bool female = p.sex != 'M' ? (p.sex == 'F' || r.chance(0.5)) : false;
    const bool family = !earlier.empty() && r.chance(o.family_share);
    bool migrant = false;
    if (family) {
      const size_t j = r.below(earlier.size());
      const Identity& rel = earlier[j];
      migrant = migrant_flags[j];
      const bool sibling = r.chance(0.5) || rel.sex != 'F' || migrant;
      if (sibling) {
        p.surname1 = rel.surname1;
        p.surname2 = rel.surname2;
        birth(p, std::clamp(rel.birth_year - 8, 1930, 2022), std::clamp(rel.birth_year + 8, 1930, 2023));
      } else {  // child of a woman: her first surname comes second
        p.surname1 = std::string(chilean_surnames().pick(r));
        p.surname2 = rel.surname1;
        birth(p, std::clamp(rel.birth_year + 17, 1930, 2023), std::clamp(rel.birth_year + 40, 1930, 2024));
      }
      p.comuna = rel.comuna;
      if (r.chance(0.7)) p.address = rel.address;
      if (r.chance(0.4)) p.phone = rel.phone;
      if (!p.address.empty() && p.phone.empty() && r.chance(0.5)) p.phone = new_phone(r);
    } else {
      migrant = r.chance(o.migrant_share);
      const double age = r.uniform();
      if (migrant) birth(p, 1965, 2015);
      else if (age < 0.75) birth(p, 1950, 2004);
      else if (age < 0.92) birth(p, 2005, 2023);
      else birth(p, 1930, 1949);
      p.comuna = kComunas[pick_comuna(r)].code;
      if (r.chance(0.85)) p.address = new_address(r);
      if (r.chance(0.8)) p.phone = new_phone(r);
    }
    if (migrant) {
      const auto& nat = nationalities()[r.below(nationalities().size())];
      p.given_names = std::string(female ? nat.female.pick(r) : nat.male.pick(r));
      if (!family) {
        p.surname1 = std::string(nat.surnames.pick(r));
        p.surname2 = nat.one_surname ? "" : std::string(nat.surnames.pick(r));
      }
      if (r.chance(0.4)) {
        const auto [n, dv] = new_run(p.birth_year, true);
        p.run = std::to_string(n) + "-" + dv;
      }
      if (p.run.empty() || r.chance(0.5)) {
        static const char kL[] = "ABCDEFGHJKLMNPRSTVXYZ";
        p.other_document = std::string(1, kL[r.below(sizeof kL - 1)]) + kL[r.below(sizeof kL - 1)] +
                           std::to_string(r.range(1000000, 9999999));
      }
    } else {
      p.given_names = given(female);
      if (!family) {
        p.surname1 = std::string(chilean_surnames().pick(r));
        do p.surname2 = std::string(chilean_surnames().pick(r));
        while (p.surname2 == p.surname1 && r.chance(0.9));
      }
      if (r.chance(0.97)) {
        const auto [n, dv] = new_run(p.birth_year, false);
        p.run = std::to_string(n) + "-" + dv;
      }
    }
    migrant_flags.push_back(migrant);
    return p;
  }
};

// A foreign document number as Chilean institutions copy them: a passport (two letters and seven
// digits) or a national identity number of 8 to 10 digits.
std::string foreign_document(Rng& r) {
  static const char kL[] = "ABCDEFGHJKLMNPRSTVXYZ";
  if (r.chance(0.4))
    return std::string(1, kL[r.below(sizeof kL - 1)]) + kL[r.below(sizeof kL - 1)] + std::to_string(r.range(1000000, 9999999));
  const int len = r.range(8, 10);
  std::string d = std::to_string(r.range(1, 9));
  while (static_cast<int>(d.size()) < len) d.push_back(static_cast<char>('0' + r.below(10)));
  return d;
}

Identity foreign_person(Rng& r, const SynthOptions& o, const std::vector<Identity>& earlier) {
  Identity p;
  p.sex = r.chance(0.62) ? 'F' : 'M';
  const bool female = p.sex == 'F';
  const auto& nat = nationalities()[r.below(nationalities().size())];
  p.given_names = std::string(female ? nat.female.pick(r) : nat.male.pick(r));
  if (r.chance(0.45)) {
    const std::string second(female ? nat.female.pick(r) : nat.male.pick(r));
    if (second != p.given_names) p.given_names += " " + second;
  }
  auto birth = [&](int lo, int hi) {
    p.birth_year = r.range(lo, hi);
    p.birth_month = r.range(1, 12);
    p.birth_day = r.range(1, days_in(p.birth_year, p.birth_month));
  };
  if (!earlier.empty() && r.chance(o.family_share)) {  // a sibling: same surnames, often the same address
    const Identity& rel = earlier[r.below(earlier.size())];
    p.surname1 = rel.surname1;
    p.surname2 = rel.surname2;
    birth(std::clamp(rel.birth_year - 8, 1950, 2020), std::clamp(rel.birth_year + 8, 1950, 2020));
    p.address = r.chance(0.7) ? rel.address : new_address(r);
  } else {
    p.surname1 = std::string(nat.surnames.pick(r));
    p.surname2 = nat.one_surname ? "" : std::string(nat.surnames.pick(r));
    birth(1960, 2015);
    if (r.chance(0.9)) p.address = new_address(r);
  }
  p.other_document = foreign_document(r);
  return p;
}

// One digit of a number typed wrong, or two adjacent digits swapped.
std::string digit_typo(std::string s, Rng& r) {
  std::vector<size_t> pos;
  for (size_t i = 0; i < s.size(); ++i)
    if (s[i] >= '0' && s[i] <= '9') pos.push_back(i);
  if (pos.empty()) return s;
  const size_t i = pos[r.below(pos.size())];
  if (r.chance(0.3) && i + 1 < s.size() && s[i + 1] >= '0' && s[i + 1] <= '9' && s[i] != s[i + 1]) {
    std::swap(s[i], s[i + 1]);
  } else {
    char c;
    do c = static_cast<char>('0' + r.below(10));
    while (c == s[i]);
    s[i] = c;
  }
  return s;
}

// Errors of the foreign shape: every field may be typed wrong or left out, and several at once.
Identity perturb_foreign(const Identity& clean, double e, Rng& r) {
  Identity x = clean;
  if (r.chance(e / 2)) {
    const size_t sp = x.given_names.find(' ');
    if (sp != std::string::npos) x.given_names.resize(sp);
  }
  if (r.chance(e / 2)) typo(x.given_names, r);
  if (r.chance(e / 2)) typo(x.surname1, r);
  if (r.chance(e / 2)) typo(x.surname2, r);
  if (r.chance(e / 3)) x.surname2.clear();
  if (r.chance(e / 5)) std::swap(x.surname1, x.surname2);
  if (r.chance(e / 3)) x.other_document.clear();
  else if (r.chance(e / 3)) x.other_document = digit_typo(x.other_document, r);
  if (x.birth_day && x.birth_day <= 12 && x.birth_day != x.birth_month && r.chance(e / 4))
    std::swap(x.birth_day, x.birth_month);
  if (r.chance(e / 3)) {  // one part of the date typed wrong
    const double k = r.uniform();
    if (k < 0.4) x.birth_day = std::stoi(digit_typo(std::to_string(x.birth_day), r)) % 29 + 1;
    else if (k < 0.6) x.birth_month = std::stoi(digit_typo(std::to_string(x.birth_month), r)) % 12 + 1;
    else x.birth_year = std::clamp(std::stoi(digit_typo(std::to_string(x.birth_year), r)), 1900, 2025);
  }
  if (r.chance(e / 4)) {
    x.birth_day = 0;
    if (r.chance(0.5)) x.birth_month = 0;
  }
  if (r.chance(e / 6)) x.birth_year = x.birth_month = x.birth_day = 0;
  if (r.chance(e / 4)) x.sex = 0;
  if (r.chance(e / 2)) x.address.clear();
  else if (!x.address.empty()) {
    if (r.chance(e / 3)) typo(x.address, r);
    x.address = vary_address(x.address, r);
  }
  const double style = r.uniform();
  for (std::string* s : {&x.given_names, &x.surname1, &x.surname2}) {
    if (style < 0.3) *s = upper(*s);
    else if (style < 0.5) *s = strip_accents(*s);
  }
  return x;
}

Identity perturb_with(const Identity& clean, double e, Rng& r) {
  Identity x = clean;
  // Names.
  if (!x.given_names.empty() && r.chance(e / 2)) {
    for (const auto& [full, nicks] : nicknames()) {
      if (x.given_names.rfind(full, 0) == 0 &&
          (x.given_names.size() == full.size() || x.given_names[full.size()] == ' ')) {
        x.given_names = std::string(nicks[r.below(nicks.size())]);
        break;
      }
    }
  }
  if (r.chance(e / 2)) {
    const size_t sp = x.given_names.find(' ');
    // Compound names ("María José") lose their second word less often than a plain second name.
    if (sp != std::string::npos && (x.given_names.rfind("María ", 0) != 0 || r.chance(0.3)))
      x.given_names.resize(sp);
  }
  if (r.chance(e / 3)) typo(x.given_names, r);
  if (r.chance(e / 3)) typo(x.surname1, r);
  if (r.chance(e / 3)) typo(x.surname2, r);
  if (r.chance(e / 3)) x.surname2.clear();
  if (r.chance(e / 5)) std::swap(x.surname1, x.surname2);
  // RUN: missing, or typed with a wrong check digit, in one of the usual spellings.
  if (!x.run.empty()) {
    const uint32_t number = static_cast<uint32_t>(std::stoul(x.run.substr(0, x.run.size() - 2)));
    char dv = x.run.back();
    if (r.chance(e)) {
      x.run.clear();
    } else {
      if (r.chance(e / 3)) {
        const char* kDigits = "0123456789K";
        char wrong;
        do wrong = kDigits[r.below(11)];
        while (wrong == dv);
        dv = wrong;
      }
      x.run = format_run(number, dv, r);
    }
  }
  if (!x.other_document.empty() && r.chance(e / 2)) x.other_document.clear();
  // Dates.
  if (x.birth_day && x.birth_day <= 12 && x.birth_day != x.birth_month && r.chance(e / 4))
    std::swap(x.birth_day, x.birth_month);
  if (r.chance(e / 3)) {
    x.birth_day = 0;
    if (r.chance(0.5)) x.birth_month = 0;
  }
  if (r.chance(e / 10)) x.birth_year = x.birth_month = x.birth_day = 0;
  if (r.chance(e / 4)) x.sex = 0;
  // Moves: another comuna, usually with another address.
  if (r.chance(e / 2)) {
    x.comuna = kComunas[pick_comuna(r)].code;
    x.address = r.chance(0.8) ? new_address(r) : "";
  }
  if (!x.comuna.empty() && r.chance(0.1)) {
    for (const auto& c : kComunas)
      if (x.comuna == c.code) x.comuna = c.name;
  }
  if (r.chance(e)) x.phone.clear();
  else if (!x.phone.empty() && r.chance(e / 4)) x.phone = new_phone(r);
  else if (!x.phone.empty() && r.chance(0.3)) x.phone = x.phone.substr(3);  // "9XXXXXXXX"
  if (r.chance(e)) x.address.clear();
  else if (!x.address.empty()) x.address = vary_address(x.address, r);
  // How each institution types names.
  const double style = r.uniform();
  auto restyle = [&](std::string& s) {
    if (style < 0.25) s = upper(s);
    else if (style < 0.35) s = strip_accents(s);
  };
  restyle(x.given_names);
  restyle(x.surname1);
  restyle(x.surname2);
  return x;
}

}  // namespace

Identity perturb(const Identity& clean, double error_rate, uint64_t seed) {
  Rng r(seed);
  return perturb_with(clean, error_rate, r);
}

Identity perturb(const Identity& clean, const SynthOptions& o, uint64_t seed) {
  Rng r(seed);
  return o.shape == SynthShape::foreign ? perturb_foreign(clean, o.error_rate, r) : perturb_with(clean, o.error_rate, r);
}

std::string synth_typo(const std::string& s, uint64_t seed, bool anywhere) {
  Rng r(seed);
  std::string base = s;
  const bool capital = anywhere && !base.empty() && base[0] >= 'A' && base[0] <= 'Z';
  if (capital) base[0] = static_cast<char>(base[0] - 'A' + 'a');  // so that typo() may pick it
  std::string out = base;
  for (int attempt = 0; attempt < 8 && out == base; ++attempt) typo(out, r, anywhere ? 0 : 1);
  if (capital && !out.empty() && ascii_lower(out[0])) out[0] = static_cast<char>(out[0] - 'a' + 'A');
  return out;
}

SynthData synthesize(const SynthOptions& o) {
  SynthData d;
  Rng r(o.seed);
  PersonGen gen{r, o, {}};
  gen.runs.reserve(o.persons * 2);
  std::vector<char> migrant;
  d.persons.reserve(o.persons);
  const bool foreign = o.shape == SynthShape::foreign;
  for (size_t i = 0; i < o.persons; ++i)
    d.persons.push_back(foreign ? foreign_person(r, o, d.persons) : gen.person(d.persons, migrant));
  if (o.persons == 0) return d;
  d.records.reserve(o.records);
  d.true_person.reserve(o.records);
  for (size_t i = 0; i < o.records; ++i) {
    // First a record per person, then repeats concentrated on some persons (recurring cases).
    const size_t who = i < o.persons ? i : static_cast<size_t>(std::pow(r.uniform(), 2.0) * static_cast<double>(o.persons));
    d.records.push_back(foreign ? perturb_foreign(d.persons[who], o.error_rate, r)
                                : perturb_with(d.persons[who], o.error_rate, r));
    d.true_person.push_back(static_cast<int64_t>(who));
  }
  for (size_t i = d.records.size(); i > 1; --i) {
    const size_t j = r.below(i);
    std::swap(d.records[i - 1], d.records[j]);
    std::swap(d.true_person[i - 1], d.true_person[j]);
  }
  return d;
}

PairQuality pair_quality(const std::vector<int64_t>& predicted, const std::vector<int64_t>& truth) {
  PairQuality q;
  auto pairs = [](uint64_t k) { return k * (k - 1) / 2; };
  std::unordered_map<int64_t, uint64_t> pc, tc;
  std::unordered_map<uint64_t, uint64_t> both;
  for (size_t i = 0; i < predicted.size() && i < truth.size(); ++i) {
    ++pc[predicted[i]];
    ++tc[truth[i]];
    ++both[(static_cast<uint64_t>(predicted[i]) << 32) ^ static_cast<uint64_t>(truth[i])];
  }
  for (const auto& [k, v] : pc) q.predicted_pairs += pairs(v);
  for (const auto& [k, v] : tc) q.true_pairs += pairs(v);
  for (const auto& [k, v] : both) q.correct_pairs += pairs(v);
  q.precision = q.predicted_pairs ? static_cast<double>(q.correct_pairs) / q.predicted_pairs : 1.0;
  q.recall = q.true_pairs ? static_cast<double>(q.correct_pairs) / q.true_pairs : 1.0;
  return q;
}

}  // namespace eq::linkage
