// Demo data of outreach, every figure COMPUTED from generated records and kept beside the seed's.
//
// Trainings: individual participants are GENERATED (cohort, institution, sex drawn from a fixed
// pseudo-random sequence) and folded into each session's counts by institution and sex, so the
// platform's sums are what the screens show: 4.286 for the 2020 e-learning «Chile elige equidad»
// (the seed's figure), the primary-care workshops against the seed's target of 2.500 with its
// first workshop at the seed's «aproximadamente» 350, Carabineros' 2020 plan («más de dos mil»:
// the demo generates 2.064), and the conscripts' single session of 40.
//
// Campaigns: the seed's («Campañas comunicacionales»), with only the period and channels it gives.
//
// Talks: the seed's «Nosotras» (23 talks, 4.458 registered): the eight topics the seed names and
// fifteen more titled as demo topics; 4.458 registrants GENERATED (made-up names, e-mails at
// correo.demo, real comuna codes) and spread over the talks within their seats; about six in ten
// marked as attended. One upcoming talk (series «Charlas abiertas», so the seed's count stays 23)
// is open for registration.
#include <map>

#include "core/time.h"
#include "outreach/module.h"
#include "store/query.h"

namespace eq::outreach {

namespace {

constexpr const char* kMinistry = "Ministerio de la Mujer y la Equidad de Género";
constexpr const char* kHealth = "Ministerio de Salud";

// A fixed sequence (xorshift), so every load of the demo generates the same people.
struct Draw {
  uint64_t x;
  uint64_t next() {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x;
  }
  int below(int n) { return static_cast<int>(next() % static_cast<uint64_t>(n)); }
};

const std::vector<std::string> kPublicBodies = {
    "Ministerio de Hacienda", "Ministerio de Educación", "Ministerio de Salud", "Ministerio del Trabajo y Previsión Social",
    "Ministerio de Desarrollo Social y Familia", "Ministerio de Vivienda y Urbanismo", "Ministerio de Obras Públicas",
    "Ministerio de Justicia y Derechos Humanos", "Ministerio del Interior y Seguridad Pública", "Ministerio de Economía, Fomento y Turismo",
    kMinistry, "Servicio Nacional de la Mujer y la Equidad de Género"};
const std::vector<std::string> kHealthCentres = {"CESFAM", "CECOSF", "SAPU", "Consultorio general urbano", "Posta de salud rural"};

// Generates `people` participants over `sessions`, each one's institution from `bodies` and her
// sex from `women_per_mille`, and folds them into counts per session.
std::vector<std::vector<Count>> generate(Draw& d, int people, int sessions, const std::vector<std::string>& bodies, int women_per_mille,
                                         const std::vector<int>& fixed = {}) {
  std::vector<std::map<std::pair<std::string, std::string>, int64_t>> fold(sessions);
  auto place = [&](int session) {
    const std::string& body = bodies[d.below(static_cast<int>(bodies.size()))];
    const std::string sex = d.below(1000) < women_per_mille ? "mujer" : (d.below(50) == 0 ? "no_informado" : "hombre");
    ++fold[session][{body, sex}];
  };
  // Sessions whose size the seed gives get exactly that many; the rest are drawn.
  int left = people, first_free = 0;
  for (size_t i = 0; i < fixed.size(); ++i, ++first_free)
    for (int k = 0; k < fixed[i]; ++k, --left) place(static_cast<int>(i));
  for (int k = 0; k < left; ++k) place(first_free + d.below(sessions - first_free));
  std::vector<std::vector<Count>> out(sessions);
  for (int i = 0; i < sessions; ++i)
    for (const auto& [key, n] : fold[i]) out[i].push_back({key.first, key.second, n});
  return out;
}

struct CourseSpec {
  Course course;
  int people;
  std::vector<std::string> starts;  // one session per date
  std::string place;
  std::vector<std::string> bodies;
  int women_per_mille;
  std::vector<int> fixed;
};

const char* kTopics[] = {
    // The topics the seed names.
    "Conciencia plena y meditación", "Crianza en el 2020", "Emprender en tiempos difíciles",
    "Marca personal y presencia en redes sociales", "Estrategias para acompañar a los niños en esta pandemia",
    "Solicitud de retención del 10 % por deudas de pensiones alimenticias", "Nueva Constitución y género",
    "¿Eres emprendedora? Potencia tu negocio con redes sociales",
    // Demo topics (the seed says «entre otras»).
    "Finanzas personales (tema de demostración)", "Autocuidado y salud mental (tema de demostración)",
    "Derechos laborales de las mujeres (tema de demostración)", "Corresponsabilidad en el hogar (tema de demostración)",
    "Liderazgo femenino (tema de demostración)", "Prevención de la violencia digital (tema de demostración)",
    "Salud sexual y reproductiva (tema de demostración)", "Herramientas digitales para el trabajo (tema de demostración)",
    "Postulación a fondos concursables (tema de demostración)", "Teletrabajo y conciliación (tema de demostración)",
    "Ciberseguridad para emprendedoras (tema de demostración)", "Mujeres en ciencia y tecnología (tema de demostración)",
    "Pensiones y previsión (tema de demostración)", "Participación política de las mujeres (tema de demostración)",
    "Orientación sobre violencia contra las mujeres (tema de demostración)"};

const char* kGiven[] = {"María", "Camila", "Javiera", "Francisca", "Constanza", "Valentina", "Catalina", "Daniela", "Fernanda", "Paula",
                        "Carolina", "Macarena", "Isidora", "Antonia", "Josefa", "Rocío", "Marcela", "Claudia", "Patricia", "Andrea"};
const char* kSurname[] = {"González", "Muñoz", "Rojas", "Díaz", "Pérez", "Soto", "Contreras", "Silva", "Martínez", "Sepúlveda",
                          "Morales", "Rodríguez", "López", "Fuentes", "Hernández", "Torres", "Araya", "Flores", "Espinoza", "Valenzuela"};
const char* kComunas[] = {"13101", "13110", "13201", "13119", "05101", "05109", "08101", "08110", "02101", "09101", "10101", "04101"};

}  // namespace

Result<void> Service::load_demo(int64_t ministry, int64_t health) {
  const int64_t now = now_ms();
  return db_.transaction<void>([&](soci::session& s) -> Result<void> {
    if (repo_.count_demo(s) > 0) return {};
    Draw d{0x9E3779B97F4A7C15ULL};
    const std::string seed = std::string(kSeedSource);
    std::vector<CourseSpec> specs;
    specs.push_back({{.institution_id = ministry, .institution_name = kMinistry,
                      .name = "Chile elige equidad: inducción a las políticas proequidad de género", .modality = "e_learning",
                      .population = "Funcionarias y funcionarios de la Administración Central del Estado",
                      .description = "Curso e-learning de la División de Estudios y Capacitación en Género. Demo: cohortes de 2020 con "
                                     "participantes generados; su suma se compara con la cifra de la cuenta pública.",
                      .capacity = 700},
                     kSeedElearning2020,
                     {"03-2020", "04-2020", "05-2020", "06-2020", "07-2020", "08-2020", "09-2020", "10-2020", "11-2020", "12-2020"},
                     "Plataforma e-learning",
                     kPublicBodies,
                     640,
                     {}});
    specs.push_back({{.institution_id = health, .institution_name = kHealth,
                      .name = "Talleres de abordaje de la violencia contra las mujeres para la red de Atención Primaria de Salud (APS)",
                      .modality = "mixta", .population = "Funcionarias y funcionarios de consultorios, CESFAM y otros centros de la red APS",
                      .description = "Junto a SernamEG y la red APS, talleres mensuales desde marzo de 2021. La cuenta pública no informa "
                                     "la modalidad. Demo: el primer taller con las 350 personas que informa la cuenta pública, los "
                                     "siguientes generados.",
                      .capacity = 400, .target = kSeedApsTarget, .target_source = seed + ": «se espera llegar a un total de 2.500 personas capacitadas de la red APS»"},
                     kSeedApsFirst + 3 * 330,
                     {"03-2021", "04-2021", "05-2021", "06-2021"},
                     "Taller en línea y en servicios de salud",
                     kHealthCentres,
                     760,
                     {kSeedApsFirst}});
    specs.push_back({{.institution_id = ministry, .institution_name = kMinistry,
                      .name = "Violencia de género, enfoque de género, derechos humanos y primera acogida (Carabineros de Chile)",
                      .modality = "mixta", .population = "Funcionarias y funcionarios de Carabineros de Chile",
                      .description = "Plan de capacitación 2020. La cuenta pública dice «más de dos mil»; la demo genera 2.064 "
                                     "participantes.",
                      .capacity = 300},
                     2064,
                     {"03-2020", "05-2020", "06-2020", "08-2020", "09-2020", "10-2020", "11-2020", "12-2020"},
                     "Carabineros de Chile (virtual y presencial)",
                     {"Carabineros de Chile"},
                     350,
                     {}});
    specs.push_back({{.institution_id = ministry, .institution_name = kMinistry,
                      .name = "Equidad de género y violencia contra las mujeres para conscriptos",
                      .modality = "presencial", .population = "Conscriptos que realizan el servicio militar (convenio con el Ministerio de Defensa Nacional)",
                      .description = "Instancia única. Demo: los 40 participantes que informa la cuenta pública, con sexo generado.",
                      .capacity = 40},
                     kSeedConscripts,
                     {"2020"},
                     "Unidad militar (lugar no informado)",
                     {"Ministerio de Defensa Nacional"},
                     300,
                     {}});
    for (auto& spec : specs) {
      spec.course.demo = true;
      const int64_t course_id = repo_.insert_course(s, spec.course);
      const auto counts = generate(d, spec.people, static_cast<int>(spec.starts.size()), spec.bodies, spec.women_per_mille, spec.fixed);
      for (size_t i = 0; i < spec.starts.size(); ++i) {
        Session x;
        x.course_id = course_id;
        x.institution_id = spec.course.institution_id;
        x.institution_name = spec.course.institution_name;
        x.starts_on = spec.starts[i];
        x.place = spec.place;
        x.capacity = spec.course.capacity;
        x.demo = true;
        repo_.replace_counts(s, repo_.insert_session(s, x), counts[i]);
      }
    }

    // Campaigns: period and channels only as the seed gives them.
    const std::vector<Campaign> campaigns = {
        {.name = "#HazloPorEllas", .description = "Prevención de la violencia contra las mujeres durante el confinamiento.",
         .starts_on = "03-2020", .source = "«A comienzos de la pandemia … fue difundida a través de redes sociales con spot y gráficas.»",
         .channels = {"redes_sociales"}},
        {.name = "#TareasCompartidas", .description = "Corresponsabilidad en las labores domésticas durante Fiestas Patrias.",
         .starts_on = "09-2020", .source = "«En septiembre de 2020 se lanzó la campaña #TareasCompartidas …» (canales no informados)"},
        {.name = "#NoMás", .description = "Día internacional de la eliminación de la violencia contra las mujeres: spot que deja de normalizar la violencia.",
         .starts_on = "25-11-2020", .source = "«El 25 de noviembre … se lanzó la campaña #NoMás» (canales no informados)"},
        {.name = "Todo Chile Alerta", .description = "Sensibilización de toda la población; capacitaciones abiertas desde su sitio web.",
         .starts_on = "11-2020", .source = "«Durante el mes de Noviembre de 2020 … a través del sitio web de Todo Chile Alerta …»",
         .channels = {"web"}},
        {.name = "Campaña radial con la Asociación de Radiodifusores de Chile (ARCHI)",
         .description = "Frases radiales de prevención y abordaje de la violencia contra las mujeres.", .starts_on = "01-2021",
         .ends_on = "03-2021", .source = "«… en enero 2021 … tuvieron una permanencia de 3 meses al aire.»", .channels = {"radio"}},
        {.name = "Contémoslo, apoyémonos y denunciemos la violencia contra las mujeres",
         .description = "Campaña informativa con foco en zonas rurales y de baja densidad poblacional (con la Subsecretaría de Derechos Humanos y ONU Mujeres).",
         .starts_on = "02-2021", .source = "«… prepararon en febrero de 2021 una campaña informativa …» (canales no informados)"},
        {.name = "#MujeresConCoraje", .description = "Campaña 8M: 16 mujeres, una por región.", .starts_on = "2021",
         .source = "La cuenta pública dice «el sábado 6 de enero» dentro de la Campaña 8M; se guarda solo el año.",
         .channels = {"redes_sociales"}},
    };
    for (auto c : campaigns) {
      c.institution_id = ministry;
      c.institution_name = kMinistry;
      c.source = "Demo con datos de la " + seed + ": " + c.source;
      c.demo = true;
      repo_.insert_campaign(s, c);
    }

    // «Nosotras»: 23 talks from May 2020, fortnightly, online, 300 seats each.
    const int64_t first = *parse_date_cl("07-05-2020", "date") + 18LL * 3600000;  // 18:00
    std::vector<int64_t> talks;
    for (int i = 0; i < kSeedNosotrasTalks; ++i) {
      Talk t;
      t.institution_id = ministry;
      t.institution_name = kMinistry;
      t.series = "Nosotras";
      t.title = kTopics[i];
      t.speaker = "Experta invitada (demo)";
      t.place = "En línea (transmisión de la plataforma Nosotras)";
      t.starts_at = first + i * 14LL * 86400000LL;
      t.capacity = 300;
      t.demo = true;
      talks.push_back(repo_.insert_talk(s, t));
    }
    std::vector<int> seats(talks.size(), 0);
    std::vector<Registration> regs;
    for (int k = 0; k < kSeedNosotrasRegistered; ++k) {
      int i = d.below(static_cast<int>(talks.size()));
      while (seats[i] >= 300) i = (i + 1) % static_cast<int>(talks.size());
      ++seats[i];
      Registration r;
      r.talk_id = talks[i];
      const std::string given = kGiven[d.below(20)], surname = kSurname[d.below(20)];
      r.name = given + " " + surname + " " + kSurname[d.below(20)];
      r.email = "inscrita" + std::to_string(k + 1) + "@correo.demo";
      r.comuna_id = kComunas[d.below(12)];
      r.code = crypto::random_token(9);
      r.registered_at = first + i * 14LL * 86400000LL - (1 + d.below(10)) * 86400000LL;
      if (d.below(10) < 6) r.attended_at = first + i * 14LL * 86400000LL + 5400000;
      r.demo = true;
      regs.push_back(std::move(r));
    }
    repo_.insert_registrations(s, regs);
    // An upcoming talk, open for registration (not part of the seed's series).
    Talk open;
    open.institution_id = ministry;
    open.institution_name = kMinistry;
    open.series = "Charlas abiertas";
    open.title = "Autonomía económica y emprendimiento (charla de demostración)";
    open.speaker = "Equipo del Ministerio (demo)";
    open.place = "En línea";
    open.starts_at = *parse_date_cl(format_date_cl(now + 14LL * 86400000LL), "date") + 18LL * 3600000;
    open.capacity = 120;
    open.demo = true;
    repo_.insert_talk(s, open);
    store::Query("UPDATE outreach_talks SET registered = (SELECT COUNT(*) FROM outreach_registrations r WHERE r.talk_id = outreach_talks.id)")
        .exec(s);
    return {};
  });
}

}  // namespace eq::outreach
