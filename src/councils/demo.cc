// The demo's councils, from the seed's facts (Cuenta Pública 2020–2021: «g. Consejo de la Sociedad
// Civil (COSOC)», «h. Consejo Asesor», «Mesa Mujer y Minería» and the table of the SEREMI of Arica y
// Parinacota). What the seed does not say (COSOC members' names, exact days, attendance) is
// generated and every record is labelled demo; tests/councils/councils_test.cc checks the facts
// below against the seed text.
#include "core/time.h"
#include "councils/module.h"

namespace eq::councils {

const char* SeedFacts::source() { return "Cuenta Pública Participativa 2020–2021 del Ministerio de la Mujer y la Equidad de Género"; }

const std::vector<std::string>& SeedFacts::consejo_asesor_members() {
  static const std::vector<std::string> v = {"Gina Ocqueteau", "Juan Carlos Eichholz", "Mercedes Ducci",      "Javiera Reyes",
                                             "Carla Kutz",     "David Bravo",          "Francisca Valdés",    "Francisca Junemann",
                                             "Hans Eben",      "Carmen Gloria Arroyo"};
  return v;
}

const std::vector<std::string>& SeedFacts::cosoc_session_months() {
  // «Desde junio del 2020 … se reunió en sesiones mensuales finalizando su programa de encuentros
  // anual en noviembre de 2020»; «En marzo de 2021 el COSOC realizó la primera sesión del año».
  static const std::vector<std::string> v = {"2020-06", "2020-07", "2020-08", "2020-09", "2020-10", "2020-11", "2021-03"};
  return v;
}

const std::vector<std::string>& SeedFacts::cosoc_topics() {
  static const std::vector<std::string> v = {
      "Compartir impresiones acerca de un vídeo que se remitirá a Carabineros de Chile con ocasión de los hechos acontecidos a partir del 18 de octubre de 2019",
      "Campaña Radial para Hombres, elaborada en conjunto con el Programa de las Naciones Unidas para el Desarrollo, PNUD, el Servicio Nacional de la Mujer y la Equidad de Género y el Ministerio",
      "Campaña de prevención de medidas cautelares y campaña comunicacional por el día internacional en contra de la Violencia de Género",
      "Campaña comunicacional por el Día Internacional en contra de la Violencia de Género"};
  return v;
}

namespace {

// Generated COSOC members: the seed does not name them ("las consejeras").
constexpr const char* kCosocNames[] = {"Ana Fuentes Rivas (demo)",   "Carolina Soto Pérez (demo)", "Daniela Muñoz Lagos (demo)",
                                       "Elena Rojas Vidal (demo)",   "Fernanda Díaz Toro (demo)",  "Gabriela Núñez Silva (demo)",
                                       "Isabel Contreras Paz (demo)", "Josefina Araya León (demo)", "Luisa Morales Tapia (demo)"};
constexpr const char* kCosocOrgs[] = {"Organización de mujeres rurales (demo)", "Fundación de apoyo a víctimas (demo)",
                                      "Agrupación de mujeres migrantes (demo)", "Red de mujeres con discapacidad (demo)",
                                      "Colectivo de mujeres indígenas (demo)",  "Asociación gremial de emprendedoras (demo)",
                                      "Centro de estudios de género (demo)",    "Organización juvenil feminista (demo)",
                                      "Junta de vecinas (demo)"};

int64_t day_ms(const std::string& iso);

// A deterministic roll call: mostly present, with an excused and an absent member moving along.
std::vector<Attendance> roll_call(const std::vector<Member>& members, size_t n) {
  std::vector<Attendance> out;
  for (size_t i = 0; i < members.size(); ++i) {
    std::string st = "presente";
    if (i == n % members.size()) st = "excusado";
    else if (i == (n + 3) % members.size() && n % 2 == 1) st = "ausente";
    out.push_back({members[i].id, st});
  }
  return out;
}

std::vector<Member> add_members(soci::session& s, int64_t body_id, const std::vector<Member>& list) {
  std::vector<Member> out;
  for (auto m : list) {
    m.body_id = body_id;
    m.demo = true;
    m.id = repo::insert_member(s, m);
    out.push_back(m);
  }
  return out;
}

int64_t demo_session(soci::session& s, int64_t body_id, const std::vector<Member>& members, size_t n, Session x) {
  x.body_id = body_id;
  x.demo = true;
  // Demo minutes are published a week after their session.
  if (!x.minutes.empty()) x.minutes_published_at = day_ms(x.held_on) + 7 * 86400000LL;
  const int64_t id = repo::insert_session(s, x);
  std::vector<Member> in_office;
  for (const auto& m : members)
    if (m.active_on(x.held_on)) in_office.push_back(m);
  repo::set_attendance(s, id, roll_call(in_office, n));
  return id;
}

void demo_agreement(soci::session& s, int64_t body_id, int64_t session_id, Agreement a, const std::vector<Update>& updates, int64_t now) {
  a.body_id = body_id;
  a.session_id = session_id;
  a.updated_at = now;
  a.demo = true;
  a.id = repo::insert_agreement(s, a);
  for (auto u : updates) {
    u.agreement_id = a.id;
    repo::insert_update(s, u);
  }
}

// Noon UTC of the day: the same calendar day in Chile whatever the season.
int64_t day_ms(const std::string& iso) { return parse_iso8601(iso + "T12:00:00Z", "day").value_or(0); }

}  // namespace

Result<void> Service::load_demo(int64_t now) {
  return db_.transaction<void>([&](soci::session& s) -> Result<void> {
    if (repo::count_demo(s) > 0) return {};
    const std::string demo_note = "Datos de demostración construidos a partir de la " + std::string(SeedFacts::source()) + ".";
    const std::string secretariat = "Subsecretaría de la Mujer y la Equidad de Género";

    // COSOC: its first period (the election of the second began in May 2021).
    const int64_t cosoc = repo::insert_body(
        s, {0, "cosoc", "Consejo de la Sociedad Civil (COSOC) del Ministerio", "Ley 20.500, art. 74",
            "Instancia consultiva de participación ciudadana. " + demo_note, "", "2020-06-01", true});
    std::vector<Member> cm;
    for (size_t i = 0; i < std::size(kCosocNames); ++i)
      cm.push_back({0, 0, kCosocNames[i], kCosocOrgs[i], i == 0 ? "presidenta" : (i == 1 ? "vicepresidenta" : "consejera"), "2020-06-01", "", true});
    cm = add_members(s, cosoc, cm);
    const auto& months = SeedFacts::cosoc_session_months();
    const auto& topics = SeedFacts::cosoc_topics();
    int64_t last_cosoc = 0;
    for (size_t i = 0; i < months.size(); ++i) {
      Session x;
      x.held_on = months[i] + "-15";
      x.kind = "ordinaria";
      x.modality = "remota";
      x.place = "Videoconferencia (demo)";
      if (i < topics.size()) x.topics.push_back(topics[i]);
      if (months[i] == "2021-03") x.topics.push_back("Primera sesión del año: las consejeras se reúnen con la Ministra y la Subsecretaria");
      if (i + 1 == months.size() - 1) x.topics.push_back("Cierre del programa anual de encuentros 2020");
      x.minutes = "Acta de demostración: la sesión trató " + std::to_string(x.topics.size() == 0 ? 1 : x.topics.size()) +
                  " tema(s) de la tabla. " + demo_note;
      if (x.topics.empty()) x.topics.push_back("Seguimiento de acuerdos (demo)");
      last_cosoc = demo_session(s, cosoc, cm, i, x);
      if (i == 1)
        demo_agreement(s, cosoc, last_cosoc,
                      {0, 0, 0, "Enviar al Ministerio comentarios y sugerencias a las tres campañas en elaboración", "Consejeras del COSOC",
                       "2020-09-30", "cumplido", 0, {}, true},
                      {{0, 0, day_ms("2020-07-15"), "pendiente", "Acuerdo registrado (demo)", "Carga de demostración"},
                       {0, 0, day_ms("2020-09-15"), "cumplido", "Comentarios entregados en la sesión de septiembre (demo)", "Carga de demostración"}},
                      now);
    }
    // «en mayo de 2021 se dará inicio al proceso de elección del segundo período»: recorded as
    // the March session's agreement; left in course so the overdue flag shows in the demo.
    demo_agreement(s, cosoc, last_cosoc,
                  {0, 0, 0, "Dar inicio al proceso de elección del segundo período del Consejo de la Sociedad Civil", secretariat, "2021-05-31",
                   "en_curso", 0, {}, true},
                  {{0, 0, day_ms("2021-03-15"), "pendiente", "Acuerdo registrado (demo)", "Carga de demostración"},
                   {0, 0, day_ms("2021-05-03"), "en_curso", "Convocatoria en preparación (demo)", "Carga de demostración"}},
                  now);

    // Consejo Asesor (Ley 20.820): the ten members the seed names; its first session in 2021.
    const int64_t asesor = repo::insert_body(
        s, {0, "consejo_asesor", "Consejo Asesor del Ministerio de la Mujer y la Equidad de Género", "Ley 20.820, art. 9",
            "Presta asesoría a la Ministra en igualdad de derechos y equidad de género; 10 integrantes designados por la Ministra, hasta 4 "
            "años en el cargo. " + demo_note,
            "", "2021-01-01", true});
    std::vector<Member> am;
    for (const auto& name : SeedFacts::consejo_asesor_members())
      am.push_back({0, 0, name, "Designación de la Ministra (Ley 20.820)", "consejera", "2021-01-01", "", true});
    am = add_members(s, asesor, am);
    demo_session(s, asesor, am, 0,
                {0, 0, "2021-04-20", "ordinaria", "presencial", "Ministerio de la Mujer y la Equidad de Género (demo)",
                 {"Primera sesión del Consejo Asesor (2021)", "Plan de trabajo del Consejo"}, "", std::nullopt, {}, true});

    // Mesa Mujer y Minería, national (since 2018) and the regional one of Arica y Parinacota.
    const int64_t mineria = repo::insert_body(
        s, {0, "mesa", "Mesa Nacional Mujer y Minería", "Mesa de trabajo público-privada",
            "Comparte buenas prácticas de género en el sector y busca aumentar la participación laboral femenina en la minería. " + demo_note,
            "", "2018-01-01", true});
    auto mm = add_members(s, mineria,
                          {{0, 0, "Encargada Nacional (demo)", "Ministerio de la Mujer y la Equidad de Género", "secretaria_tecnica", "2018-01-01", "", true},
                           {0, 0, "Representante (demo)", "Ministerio de Minería", "integrante", "2018-01-01", "", true},
                           {0, 0, "Representante (demo)", "Consejo de Competencias Mineras", "integrante", "2018-01-01", "", true}});
    const int64_t ms = demo_session(s, mineria, mm, 0,
                                   {0, 0, "2020-12-10", "ordinaria", "remota", "Videoconferencia (demo)",
                                    {"Documento «Mesa Nacional Mujer y Minería 2018-2020: Buenas Prácticas de Género para el sector»",
                                     "Participación laboral femenina en la minería: 11,7 %"},
                                    "", std::nullopt, {}, true});
    demo_agreement(s, mineria, ms,
                  {0, 0, 0, "Publicar el primer compilado de buenas prácticas de género de la industria minera", "Ministerio de la Mujer y la Equidad de Género",
                   "2020-12-31", "cumplido", 0, {}, true},
                  {{0, 0, day_ms("2020-12-10"), "cumplido", "Documento 2018-2020 publicado (demo)", "Carga de demostración"}}, now);

    const int64_t arica = repo::insert_body(
        s, {0, "mesa", "Mesa Mujer y Minería de Arica y Parinacota", "Mesa de trabajo público-privada regional",
            "Aumentar la empleabilidad de las mujeres de la región y eliminar barreras de acceso a los empleos vinculados a la minería. " + demo_note,
            "15", "2018-01-01", true});
    auto ra = add_members(s, arica,
                          {{0, 0, "Seremi (demo)", "Seremi de la Mujer y la Equidad de Género", "presidenta", "2018-01-01", "", true},
                           {0, 0, "Seremi (demo)", "Seremi de Minería", "integrante", "2018-01-01", "", true},
                           {0, 0, "Representante (demo)", "Pampa Camarones", "integrante", "2018-01-01", "", true},
                           {0, 0, "Representante (demo)", "Quiborax", "integrante", "2018-01-01", "", true},
                           {0, 0, "Representante (demo)", "Imerys", "integrante", "2018-01-01", "", true}});
    const int64_t a1 = demo_session(s, arica, ra, 1,
                                   {0, 0, "2020-09-02", "ordinaria", "remota", "Videoconferencia (demo)",
                                    {"Sensibilización NCh3262 «Igualdad de Género y Conciliación de la vida laboral, personal y familiar»"},
                                    "", std::nullopt, {}, true});
    demo_agreement(s, arica, a1,
                  {0, 0, 0, "Firmar un convenio de inserción laboral femenina con la empresa Quiborax", "Seremi de la Mujer y la Equidad de Género",
                   "2020-11-30", "cumplido", 0, {}, true},
                  {{0, 0, day_ms("2020-09-02"), "pendiente", "Acuerdo registrado (demo)", "Carga de demostración"},
                   {0, 0, day_ms("2020-11-03"), "cumplido", "Convenio firmado el 03-11-2020", "Carga de demostración"}},
                  now);
    demo_session(s, arica, ra, 2,
                {0, 0, "2020-11-12", "ordinaria", "mixta", "Arica (demo)",
                 {"Exposición de la experiencia exitosa de Minera El Abra, con la Subsecretaria Carolina Cuevas"},
                 "Acta de demostración. " + demo_note, std::nullopt, {}, true});
    return {};
  });
}

}  // namespace eq::councils
