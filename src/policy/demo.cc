// Demo instruments from the Ministry's 2020–2021 public account ("Cuenta Pública": "Transversalización
// del enfoque de género", "Agenda Mujer", "Instructivo presidencial de acoso", the regional tables,
// "Proyección 2021-2022") with a SYNTHETIC history of items, reports, validations and outcomes from
// which the platform computes the account's figures. Rules:
// - the account's figures are loaded as declared figures, each with the metric that computes it
//   from the records (seed_check.h); the dashboard shows both and whether they agree. Nothing here
//   types a result: counts and percentages come from the generated records.
// - where the account names things (the Agenda's four areas, its bills and laws, the actions taken
//   to advance it, the ministries, the two PMG workshops) its words are used; where it only counts,
//   the items say «ilustrativo»; every generated report says «[Demostración]».
// - the PMG services are reference data (data/policy/pmg_servicios.csv, see data/policy/README.md).
// - two of the account's percentages do not follow from any records (80 % of 23 ministries; 197 of
//   209 procedures said to be 95 %): the generated records keep the account's counts, so the check
//   shows a warning there instead of bending the data.
// The reporting calendar is the account's (semester report in August, annual report in January);
// one extra period open today is added so the demo can be used (see `demo_period`).
#include <algorithm>
#include <cmath>
#include <set>

#include "core/crypto.h"
#include "core/csv.h"
#include "core/time.h"
#include "legislative/module.h"
#include "policy/module.h"
#include "policy/repository.h"
#include "territory/module.h"

namespace eq::policy {

namespace {

const char* kSource = "Cuenta Pública 2021 del Ministerio de la Mujer y la Equidad de Género";

struct DemoFigure {
  const char* label;
  std::optional<double> value, numerator, denominator;
  const char* unit;
  const char* text;
  std::string metric = {};  // seed_check.h; empty: not computed
  const char* agreement = "exacto";
};

Declared declared(int64_t instrument, std::optional<int64_t> item, const DemoFigure& f) {
  Declared d;
  d.instrument_id = instrument;
  d.item_id = item;
  d.label = f.label;
  d.value = f.value;
  d.numerator = f.numerator;
  d.denominator = f.denominator;
  d.unit = f.unit;
  d.value_text = f.text;
  d.source = kSource;
  d.metric = f.metric;
  d.agreement = f.agreement;
  return d;
}

int64_t add_instrument(soci::session& s, const char* code, const char* name, const char* kind, std::optional<int64_t> from,
                       std::optional<int64_t> to, const char* description) {
  Instrument i;
  i.code = code;
  i.name = name;
  i.kind = kind;
  i.start_year = from;
  i.end_year = to;
  i.description = description;
  i.source = kSource;
  return Repository::insert_instrument(s, i);
}

int64_t add_item(soci::session& s, int64_t instrument, std::optional<int64_t> parent, const char* level, const std::string& code,
                 const std::string& title, std::vector<int64_t> institutions, int64_t position, const std::string& note = {},
                 const std::string& region = {}) {
  Item i;
  i.instrument_id = instrument;
  i.parent_id = parent;
  i.level = level;
  i.code = code;
  i.title = title;
  i.institutions = std::move(institutions);
  i.position = position;
  i.source_note = note;
  i.region_id = region;
  return Repository::insert_item(s, i);
}

void add_figures(soci::session& s, int64_t instrument, std::optional<int64_t> item, const std::vector<DemoFigure>& figs, int64_t& pos) {
  for (const auto& f : figs) Repository::insert_figure(s, declared(instrument, item, f), pos++);
}

int64_t day(const char* text) { return *parse_date_cl(text, "demo"); }

void add_period(soci::session& s, int64_t instrument, const char* kind, int year, int semester, const char* opens, const char* closes_next,
                int grace) {
  Period p;
  p.instrument_id = instrument;
  p.kind = kind;
  p.year = year;
  p.semester = semester;
  p.label = *period_label(kind, year, semester);
  p.opens_at = day(opens);
  p.closes_at = day(closes_next);
  p.grace_days = grace;
  Repository::insert_period(s, p);
}

// A period open on the day the demo is loaded (the current semester; window from the first day of
// this month to the last day of next month, 5 grace days), so that focal points can report in the
// demo. Not from the account: it is demo scaffolding, labelled as the semester it falls in.
void demo_period(soci::session& s, int64_t instrument) {
  auto today = format_date_cl(now_ms());  // dd-mm-aaaa
  int month = std::stoi(today.substr(3, 2)), year = std::stoi(today.substr(6, 4));
  Period p;
  p.instrument_id = instrument;
  p.kind = "semestre";
  p.year = year;
  p.semester = month <= 6 ? 1 : 2;
  p.label = *period_label(p.kind, p.year, p.semester);
  for (const auto& other : Repository::periods(s, instrument))
    if (other.label == p.label) return;
  char buf[40];
  std::snprintf(buf, sizeof buf, "01-%02d-%04d", month, year);
  p.opens_at = day(buf);
  int m2 = month + 2, y2 = year;
  if (m2 > 12) {
    m2 -= 12;
    ++y2;
  }
  std::snprintf(buf, sizeof buf, "01-%02d-%04d", m2, y2);
  p.closes_at = day(buf);
  p.grace_days = 5;
  Repository::insert_period(s, p);
}

// ---------------------------------------------------------------- the synthetic history

// Who the generated reports are submitted and validated by (the demo's focal point and analyst
// when they exist; 0 otherwise) and a counter that makes every evidence file distinct.
struct History {
  soci::session& s;
  int64_t submitter = 0, reviewer = 0;
  int64_t at = 0;  // when the generated reports are said to be sent
  int files = 0;
  // Means of verification are generated where the screens show them per report (Agenda Mujer,
  // Compromisos Ministeriales, PMG); the long lists of regional commitments and procedures go
  // without, to keep the demo's start short on PostgreSQL.
  bool evidence = true;
};

std::string status_for(int progress) { return progress == 0 ? "no_iniciado" : progress >= 100 ? "terminado" : "en_proceso"; }

void add_evidence(History& h, int64_t report, int64_t version, const std::string& what) {
  std::string bytes = "[Demostración] Medio de verificación generado para la demo: " + what + " (n.º " + std::to_string(++h.files) + ").\n";
  Evidence e;
  e.report_id = report;
  e.version = version;
  e.filename = "medio_de_verificacion_" + std::to_string(h.files) + ".txt";
  e.content_type = "text/plain";
  e.size = static_cast<int64_t>(bytes.size());
  e.sha256 = crypto::sha256_hex(bytes);
  e.uploaded_by = h.submitter;
  e.uploaded_at = h.at;
  Repository::insert_evidence(h.s, e, bytes);
}

// A report on a leaf for a period. `rounds`: 1 = validated at once; 2 = the first version was
// returned with observations and the second validated; 0 = sent and waiting for validation.
void report(History& h, int64_t item, int64_t period, int64_t institution, int progress, const std::string& narrative, int rounds = 1,
            const std::string& observations = {}) {
  Report r;
  r.item_id = item;
  r.period_id = period;
  r.institution_id = institution;
  r.current_version = rounds == 2 ? 2 : 1;
  r.state = rounds == 0 ? "enviado" : "validado";
  if (rounds > 0) {
    r.validated_version = r.current_version;
    r.validated_progress = progress;
  }
  r.id = Repository::insert_report(h.s, r);
  for (int64_t v = 1; v <= r.current_version; ++v) {
    Version ver;
    ver.report_id = r.id;
    ver.version = v;
    const bool returned = rounds == 2 && v == 1;
    const int p = returned ? std::max(0, progress - 30) : progress;
    ver.status = status_for(p);
    ver.progress = p;
    ver.narrative = "[Demostración] " + narrative;
    ver.submitted_by = h.submitter;
    ver.submitted_at = h.at + (v - 1) * 86400000LL * 10;
    if (rounds > 0) {
      ver.decision = returned ? "devuelto" : "validado";
      ver.reviewed_by = h.reviewer;
      ver.reviewed_at = ver.submitted_at + 86400000LL * 5;
      ver.review_comments = returned ? observations : "Validado (demostración).";
    }
    Repository::insert_version(h.s, ver);
    // The version that counts carries its means of verification (the returned one lacked it).
    if (v == r.current_version && h.evidence) add_evidence(h, r.id, v, narrative);
  }
}

std::optional<int64_t> period_id(soci::session& s, int64_t instrument, const std::string& label) {
  for (const auto& p : Repository::periods(s, instrument))
    if (p.label == label) return p.id;
  return std::nullopt;
}

struct PmgService {
  std::string code, name, ministry, level, region;
  bool in2020 = false, in2021 = false;
};

Result<std::vector<PmgService>> read_pmg_services(const std::string& data_dir) {
  auto text = read_file(data_dir + "/policy/pmg_servicios.csv");
  if (!text) return fail(text.error());
  auto rows = csv_records(*text);
  if (!rows) return fail(rows.error());
  std::vector<PmgService> out;
  for (size_t k = 1; k < rows->size(); ++k) {
    const auto& r = (*rows)[k];
    if (r.size() < 6) continue;
    out.push_back({r[0], r[1], r[2], r[3], r[4], r[5].find("2020") != std::string::npos, r[5].find("2021") != std::string::npos});
  }
  return out;
}

// The 8 measures of the gender indicator from 2021 (DIPRES, Programa Marco del PMG 2021, as
// recalled here: the account names only the third). A service commits at most 5 (rules.h).
const char* kMeasures[8] = {
    "Planificación estratégica institucional incorporando perspectiva de género",
    "Política institucional de gestión de personas con perspectiva de género",
    "Protocolos y/o procedimientos en caso de maltrato, acoso sexual y/o laboral con perspectiva de género",
    "Capacitación a funcionarias/os del servicio en materia de género, nivel básico o avanzado",
    "Comunicaciones y difusión interna y externa con perspectiva de género",
    "Políticas y/o programas públicos elaborados por el servicio con perspectiva de género",
    "Legislación y/o normativa con perspectiva de género",
    "Estudios, datos y estadísticas con información desagregada por sexo"};

// A bill's stage as progress of the legislative initiative that follows it.
int stage_progress(const std::string& stage) {
  static const std::map<std::string, int> p = {{"primer_tramite", 25}, {"segundo_tramite", 50}, {"tercer_tramite", 65},
                                               {"comision_mixta", 70},  {"tribunal_constitucional", 80}, {"promulgacion", 90},
                                               {"publicada", 100}, {"archivada", 0}};
  auto it = p.find(stage);
  return it == p.end() ? 10 : it->second;
}

}  // namespace

Result<void> load_demo(store::Database& db, audit::Log& audit, auth::Service& auth, const std::string& data_dir) {
  // Institutions first, through the auth module (it owns them), outside our transaction.
  auto inst = [&](const std::string& name, const std::string& type, const std::string& region) -> Result<int64_t> {
    auth::Institution i;
    i.name = name;
    i.type = type;
    i.region_id = region;
    return auth.ensure_institution(i);
  };
  auto ministry_of_women = inst("Ministerio de la Mujer y la Equidad de Género", "ministry", "");
  if (!ministry_of_women) return fail(ministry_of_women.error());
  // The ministries asked for their commitments by Oficio N° 723 (all but the Ministry of Women,
  // the 23 whose focal points the account counts), the 13 the account names first.
  const std::vector<std::string> ministries = {
      "Ministerio de Vivienda y Urbanismo", "Ministerio de Educación", "Ministerio del Interior y Seguridad Pública",
      "Ministerio del Trabajo y Previsión Social", "Ministerio de Minería", "Ministerio de Justicia y Derechos Humanos",
      "Ministerio de Obras Públicas", "Ministerio de Transportes y Telecomunicaciones", "Ministerio del Medio Ambiente",
      "Ministerio de Salud", "Ministerio de Economía, Fomento y Turismo", "Ministerio de Agricultura",
      "Ministerio de Desarrollo Social y Familia", "Ministerio de Hacienda", "Ministerio Secretaría General de la Presidencia",
      "Ministerio Secretaría General de Gobierno", "Ministerio de Energía", "Ministerio de las Culturas, las Artes y el Patrimonio",
      "Ministerio de Relaciones Exteriores", "Ministerio de Defensa Nacional", "Ministerio de Bienes Nacionales",
      "Ministerio del Deporte", "Ministerio de Ciencia, Tecnología, Conocimiento e Innovación"};
  const size_t kSent = 18;  // the first 18 sent theirs (78,3 %; the account says 80 %); which 5 did not is illustrative
  std::vector<int64_t> ministry_ids;
  for (const auto& m : ministries) {
    auto id = inst(m, "ministry", "");
    if (!id) return fail(id.error());
    ministry_ids.push_back(*id);
  }
  auto regions = territory::Repository(db).regions();
  if (!regions) return fail(regions.error());
  std::vector<int64_t> seremi_ids;
  for (const auto& r : *regions) {
    std::string name = r.id == "13" ? "SEREMI de la Mujer y la Equidad de Género, Región Metropolitana"
                                    : "SEREMI de la Mujer y la Equidad de Género, " + r.name;
    auto id = inst(name, "seremi", r.id);
    if (!id) return fail(id.error());
    seremi_ids.push_back(*id);
  }
  auto services = read_pmg_services(data_dir);
  if (!services) return fail(services.error());
  std::vector<int64_t> service_ids;
  for (const auto& sv : *services) {
    auto id = inst(sv.name, "public_service", sv.region);
    if (!id) return fail(id.error());
    service_ids.push_back(*id);
  }
  int64_t submitter = 0, reviewer = 0;
  if (auto u = auth.find_user("enlace@equidad.demo"); u && *u) submitter = (*u)->id;
  if (auto u = auth.find_user("analista@equidad.demo"); u && *u) reviewer = (*u)->id;

  return db.transaction<void>([&](soci::session& s) -> Result<void> {
    int added = 0;
    int64_t pos = 0;
    History h{s, submitter, reviewer, day("15-01-2021")};

    // ------------------------------------------------------------ Agenda Mujer
    if (!Repository::instrument_id_by_code(s, "agenda-mujer")) {
      auto id = add_instrument(s, "agenda-mujer", "Agenda Mujer", "agenda", 2018, 2022,
                               "Dada a conocer por el Presidente de la República el 23 de mayo de 2018: 23 compromisos que se traducen "
                               "en 27 iniciativas (13 legislativas y 14 de gestión), en cuatro áreas de trabajo. Los compromisos "
                               "legislativos siguen la etapa real de sus proyectos en la agenda legislativa; los de gestión llevan el "
                               "nombre de las acciones de la Cuenta Pública. Historia de reportes: datos de demostración.");
      add_period(s, id, "anual", 2020, 0, "01-01-2021", "01-02-2021", 0);
      demo_period(s, id);
      const int64_t y2020 = *period_id(s, id, "2020");
      const char* areas[] = {
          "Igualdad de derechos, deberes y oportunidades entre mujeres y hombres, eliminando todas las desigualdades ante la ley",
          "Tolerancia cero a la violencia contra las mujeres en todas sus formas",
          "Promoción de la autonomía de las mujeres, con especial foco en la autonomía económica y corresponsabilidad",
          "Promoción del liderazgo femenino para aumentar la presencia de mujeres en posiciones de alta responsabilidad"};
      const char* roman[] = {"i", "ii", "iii", "iv"};
      std::vector<int64_t> area;
      for (int k = 0; k < 4; ++k) area.push_back(add_item(s, id, std::nullopt, "eje", roman[k], areas[k], {*ministry_of_women}, k));
      auto bills = legislative::Repository::list(s, "", "");
      auto bill = [&](const std::string& words) -> std::optional<legislative::Bill> {
        for (const auto& b : bills)
          if (b.title.find(words) != std::string::npos) return b;
        return std::nullopt;
      };
      int c = 0, n = 0;
      // A commitment whose initiatives are bills: each initiative's progress is its bill's stage.
      auto legislative_commitment = [&](int a, const std::string& title, const std::vector<std::string>& bill_words) {
        ++c;
        auto cid = add_item(s, id, area[a], "compromiso", std::to_string(c), title, {*ministry_of_women}, c);
        for (const auto& w : bill_words) {
          auto b = bill(w);
          std::string t = b ? "Proyecto de ley: " + b->title + (b->boletin ? " (boletín " + *b->boletin + ")" : "") : w;
          ++n;
          auto leaf = add_item(s, id, cid, "accion", "L" + std::to_string(n), t, {*ministry_of_women}, n,
                               "Iniciativa legislativa: su avance es la etapa del proyecto en la agenda legislativa.");
          if (b) {
            Repository::link_bill(s, leaf, b->id, reviewer);
            report(h, leaf, y2020, *ministry_of_women, stage_progress(b->stage),
                   "Etapa del proyecto en la agenda legislativa: " + legislative::stage_name_es(b->stage) + ".");
          }
        }
      };
      legislative_commitment(0, "Suprimir el impedimento de segundas nupcias de las mujeres", {"Segundas Nupcias"});
      legislative_commitment(0, "Modificar el régimen patrimonial de sociedad conyugal", {"sociedad conyugal"});
      legislative_commitment(0, "Consagrar en la Constitución el deber del Estado de promover la igualdad de derechos entre mujeres y hombres",
                             {"Reforma constitucional"});
      legislative_commitment(1, "Ampliar el marco legal del femicidio", {"femicidio"});
      legislative_commitment(1, "Reconocer el derecho de las mujeres a una vida libre de violencia",
                             {"vida libre de violencia", "acoso en cualquier medio", "Control telemático"});
      legislative_commitment(2, "Sala Cuna Universal", {"Sala Cuna"});
      legislative_commitment(2, "Asegurar el pago de las pensiones de alimentos", {"pensiones de alimentos"});
      // The account gives 13 legislative initiatives and names 9 bills: four are illustrative.
      for (int k = 1; k <= 4; ++k) {
        ++c;
        auto cid = add_item(s, id, area[k == 4 ? 3 : k - 1], "compromiso", std::to_string(c),
                            "Compromiso legislativo ilustrativo " + std::to_string(k) + " (la Cuenta Pública solo da el número)",
                            {*ministry_of_women}, c);
        ++n;
        auto leaf = add_item(s, id, cid, "accion", "L" + std::to_string(n),
                             "Iniciativa legislativa ilustrativa " + std::to_string(k), {*ministry_of_women}, n,
                             "Ilustrativa: la Cuenta Pública cuenta 13 iniciativas legislativas y nombra 9 proyectos.");
        report(h, leaf, y2020, *ministry_of_women, 100, "Iniciativa ilustrativa cumplida.");
      }
      // Management initiatives: the account's «Acciones para avanzar en la Agenda Mujer».
      struct Action {
        int area;
        const char* title;
        int progress;
      };
      const Action actions[] = {
          {2, "Norma Chilena NCh3262:2012, «Sistemas de gestión, gestión de igualdad de género y conciliación de la vida laboral, familiar y personal»", 80},
          {2, "Índice de Paridad de Género Chile (IPG Chile)", 100},
          {0, "Agenda Mujeres indígenas", 100},
          {2, "Agenda Mujeres Rurales", 100},
          {1, "Agenda Mujeres Privadas de Libertad", 100},
          {3, "Agenda Mujeres en STEM – Equipo Interministerial CTI+G", 100},
          {3, "Registro de Mujeres para Directorios 2.0", 100},
          {0, "Consejo por la Diversidad", 100},
          {2, "Programa Piloto Integra Mujer, Compromiso País", 100},
          {2, "Plataforma Mujeres a la Obra", 100},
          {1, "Mesas de trabajo intersectorial", 100}};
      for (const auto& a : actions) {
        ++c;
        auto cid = add_item(s, id, area[a.area], "compromiso", std::to_string(c), a.title, {*ministry_of_women}, c);
        ++n;
        auto leaf = add_item(s, id, cid, "accion", "G" + std::to_string(n), a.title, {*ministry_of_women}, n);
        report(h, leaf, y2020, *ministry_of_women, a.progress, "Avance informado de la acción «" + std::string(a.title) + "».");
      }
      // 14 management initiatives, 11 named: the last commitment groups three illustrative ones.
      ++c;
      auto cid = add_item(s, id, area[2], "compromiso", std::to_string(c),
                          "Compromiso de gestión ilustrativo (la Cuenta Pública solo da el número)", {*ministry_of_women}, c);
      for (int k = 1; k <= 3; ++k) {
        ++n;
        auto leaf = add_item(s, id, cid, "accion", "G" + std::to_string(n), "Iniciativa de gestión ilustrativa " + std::to_string(k),
                             {*ministry_of_women}, n);
        report(h, leaf, y2020, *ministry_of_women, 100, "Iniciativa ilustrativa cumplida.");
      }
      add_figures(s, id, std::nullopt,
                  {{"Compromisos", 23, {}, {}, "compromisos", "", "count level=compromiso"},
                   {"Iniciativas", 27, {}, {}, "iniciativas", "", "count level=accion"},
                   {"Iniciativas legislativas", 13, {}, {}, "iniciativas", "", "count level=accion,code_prefix=L"},
                   {"Iniciativas de gestión", 14, {}, {}, "iniciativas", "", "count level=accion,code_prefix=G"},
                   {"Áreas de trabajo", 4, {}, {}, "áreas", "", "count level=eje"},
                   {"Compromisos cumplidos a la fecha de la Cuenta Pública", 70, {}, {}, "%", "más del 70 %",
                    "percent level=compromiso,done / level=compromiso", "mas_de"}},
                  pos);
      ++added;
    }

    // ------------------------------------------------------------ Plan Nacional de Igualdad
    if (!Repository::instrument_id_by_code(s, "plan-igualdad")) {
      auto id = add_instrument(s, "plan-igualdad", "Plan Nacional de Igualdad entre Mujeres y Hombres 2018-2030", "plan", 2018, 2030,
                               "Hoja de ruta para eliminar toda forma de discriminación arbitraria contra las mujeres. 105 metas; 23 "
                               "puntos focales ministeriales reportan las acciones realizadas respecto de las metas comprometidas por "
                               "cada servicio. La Cuenta Pública no transcribe el texto de las metas: las metas de la demostración son "
                               "ilustrativas, agrupadas en las cuatro áreas de la Agenda Mujer y asignadas a los 23 ministerios.");
      // Themes of the account's own sections, to give each illustrative goal a plausible subject.
      const char* themes[4][6] = {
          {"igualdad ante la ley", "no discriminación", "mujeres indígenas", "mujeres migrantes", "diversidad", "estadísticas de género"},
          {"prevención de la violencia", "atención a víctimas", "acoso sexual", "violencia en el pololeo", "femicidio",
           "acceso a la justicia"},
          {"participación laboral", "corresponsabilidad", "sala cuna", "emprendimiento", "mujeres rurales", "pensiones de alimentos"},
          {"directorios", "STEM", "liderazgo público", "participación política", "mujeres en la ciencia", "alta dirección pública"}};
      const char* axis[4] = {"Igualdad de derechos", "Vida libre de violencia", "Autonomía económica y corresponsabilidad",
                             "Liderazgo y toma de decisiones"};
      std::vector<int64_t> ejes;
      for (int k = 0; k < 4; ++k) ejes.push_back(add_item(s, id, std::nullopt, "eje", std::to_string(k + 1), axis[k], {}, k));
      for (int k = 1; k <= 105; ++k) {
        int a = (k - 1) % 4;
        const std::string theme = themes[a][(k - 1) / 4 % 6];
        add_item(s, id, ejes[a], "meta", std::to_string(k), "Meta ilustrativa " + std::to_string(k) + ": " + theme,
                 {ministry_ids[(k - 1) % ministry_ids.size()]}, k - 1,
                 "Ilustrativa: la Cuenta Pública da el número de metas (105), no su texto.");
      }
      add_figures(s, id, std::nullopt,
                  {{"Metas del Plan", 105, {}, {}, "metas", "", "count level=meta"},
                   {"Puntos focales ministeriales capacitados para reportar", 23, {}, {}, "puntos focales", ""}},
                  pos);
      ++added;
    }
    if (!Repository::instrument_id_by_code(s, "plan-violencia")) {
      add_instrument(s, "plan-violencia", "Plan Nacional de Acción contra la Violencia hacia las Mujeres 2021-2030", "plan", 2021, 2030,
                     "Publicado en diciembre de 2020. Articula la acción conjunta del Estado y la sociedad civil para una respuesta "
                     "integral a la violencia contra las mujeres. La Cuenta Pública no detalla sus ejes ni acciones: se cargarán "
                     "cuando se disponga del texto del Plan.");
      ++added;
    }

    // ------------------------------------------------------------ Compromisos Ministeriales
    if (!Repository::instrument_id_by_code(s, "compromisos-ministeriales")) {
      auto id = add_instrument(s, "compromisos-ministeriales", "Compromisos Ministeriales de Igualdad de Género 2018-2022", "compromisos",
                               2018, 2022,
                               "Solicitados por Oficio N° 723 (4 de septiembre de 2018) a los ministerios: compromisos transversales a "
                               "todas las carteras y específicos de cada sector, con reporte semestral de avance. Qué ministerios no "
                               "remitieron y el texto de cada compromiso son ilustrativos. Historia de reportes: datos de demostración.");
      add_period(s, id, "semestre", 2020, 1, "01-08-2020", "01-09-2020", 0);
      add_period(s, id, "anual", 2020, 0, "01-01-2021", "01-02-2021", 0);
      demo_period(s, id);
      const int64_t y2020 = *period_id(s, id, "2020");
      for (size_t k = 0; k < ministries.size(); ++k) {
        auto m = add_item(s, id, std::nullopt, "eje", "", ministries[k], {ministry_ids[k]}, static_cast<int64_t>(k),
                          k < kSent ? "" : "Sin compromisos remitidos (ilustrativo: la Cuenta Pública no dice qué ministerios).");
        if (k >= kSent) continue;
        auto t = add_item(s, id, m, "compromiso", "T", "Compromisos transversales", {ministry_ids[k]}, 0);
        auto e = add_item(s, id, m, "compromiso", "E", "Compromisos específicos del sector", {ministry_ids[k]}, 1);
        // 14 ministries have every transversal commitment «en proceso» or «terminado».
        for (int j = 1; j <= 3; ++j) {
          auto leaf = add_item(s, id, t, "accion", "T" + std::to_string(j), "Compromiso transversal ilustrativo " + std::to_string(j),
                               {ministry_ids[k]}, j);
          int progress = k < 14 ? (j == 1 ? 100 : 40 + 10 * j) : (j == 3 ? 0 : 50);
          report(h, leaf, y2020, ministry_ids[k], progress, "Avance semestral del compromiso transversal.", k % 5 == 0 && j == 2 ? 2 : 1,
                 "Adjunte el medio de verificación de las actividades informadas.");
        }
        for (int j = 1; j <= 2; ++j) {
          auto leaf = add_item(s, id, e, "accion", "E" + std::to_string(j), "Compromiso sectorial ilustrativo " + std::to_string(j),
                               {ministry_ids[k]}, j);
          report(h, leaf, y2020, ministry_ids[k], 25 * j + static_cast<int>(k % 3) * 10, "Avance del compromiso sectorial.");
        }
      }
      add_figures(s, id, std::nullopt,
                  {{"Ministerios que remitieron formalmente sus compromisos (septiembre 2018 a marzo 2021)", 80, {}, {}, "%", "",
                    "percent level=eje,has_children / level=eje"},
                   {"Ministerios con 100 % de avance en sus compromisos transversales (en proceso o terminados)", 14, {}, {},
                    "ministerios", "", "count level=compromiso,code=T,started"}},
                  pos);
      ++added;
    }

    // ------------------------------------------------------------ PMG de Género
    if (!Repository::instrument_id_by_code(s, "pmg-genero")) {
      auto id = add_instrument(s, "pmg-genero", "Indicador de Género del Programa de Mejoramiento de la Gestión (PMG)", "pmg", 2020, 2021,
                               "Por servicio y año: medidas comprometidas (desde 2021, como máximo 5 de 8) con sus compromisos "
                               "específicos, informe de avance e informe de cumplimiento con medios de verificación, revisión técnica "
                               "del Ministerio (observaciones y segunda vuelta) y resultado (cumple / no cumple). Servicios: lista de "
                               "referencia (data/policy/pmg_servicios.csv); medidas, compromisos, reportes y resultados: datos de "
                               "demostración.");
      add_period(s, id, "anual", 2020, 0, "01-01-2021", "01-02-2021", 0);
      add_period(s, id, "semestre", 2021, 1, "01-08-2021", "01-09-2021", 0);
      demo_period(s, id);
      const int64_t p2020 = *period_id(s, id, "2020"), p2021 = *period_id(s, id, "2021-S1");
      auto year_item = [&](int year, int position) {
        Item y;
        y.instrument_id = id;
        y.level = "meta";
        y.code = std::to_string(year);
        y.title = "Indicador de género PMG " + std::to_string(year);
        y.start_year = y.end_year = year;
        y.position = position;
        y.institutions = {*ministry_of_women};
        return Repository::insert_item(s, y);
      };
      auto service_item = [&](int64_t year_id, int year, size_t k, int position) {
        Item sv;
        sv.instrument_id = id;
        sv.parent_id = year_id;
        sv.level = "compromiso";
        sv.code = (*services)[k].code;
        sv.title = (*services)[k].name;
        sv.start_year = sv.end_year = year;
        sv.position = position;
        sv.region_id = (*services)[k].region;
        sv.source_note = (*services)[k].ministry;
        // The service answers for its PMG; its ministry's enlace coordinates the sector's services
        // and may file for them (the focal-point role: «su ministerio o servicio»).
        sv.institutions = {service_ids[k]};
        for (size_t m = 0; m < ministries.size(); ++m)
          if (ministries[m] == (*services)[k].ministry) sv.institutions.push_back(ministry_ids[m]);
        return Repository::insert_item(s, sv);
      };
      auto measure_item = [&](int64_t parent, size_t k, int m, int position) {
        return add_item(s, id, parent, "medida", "M" + std::to_string(m + 1), kMeasures[m], {service_ids[k]}, position);
      };
      // The service's filings through the technical review (pmg_review.cc), generated as the
      // workflow leaves them: `rounds` 2 = observed in round 1 (the observation answered) and
      // decided in round 2; `state` the filing's state now. Observations name the service's
      // first commitment. Generated filings carry no focal point (filed_by empty) and say «demo».
      auto filing = [&](int64_t sv, int64_t inst, int64_t about, const char* stage, int64_t filed, int rounds, const std::string& state,
                        const std::string& observation, const std::string& note = {}) {
        Filing f;
        f.service_item_id = sv;
        f.institution_id = inst;
        f.stage = stage;
        f.state = state;
        f.round = rounds;
        f.narrative = std::string("[Demostración] ") + (std::string(stage) == "programa" ? "Programa de trabajo del servicio con sus compromisos y plazos."
                                                         : std::string(stage) == "avance" ? "Informe de avance de los compromisos del programa de trabajo."
                                                                                          : "Informe de cumplimiento de los compromisos con sus medios de verificación.");
        f.evidence = std::string(stage) == "cumplimiento" ? "[Demostración] Medios de verificación por compromiso (actas, listas, resoluciones)." : "";
        f.filed_at = filed;
        const int64_t day_ms = 86400000LL;
        f.waiting_since = filed + (rounds - 1) * 20 * day_ms;
        const bool decided = state == "aprobado" || state == "rechazado";
        if (state != "enviado") f.reviewer_id = reviewer ? std::optional<int64_t>(reviewer) : std::nullopt;
        if (decided) {
          f.decided_by = f.reviewer_id;
          f.decided_at = f.waiting_since + 7 * day_ms;
          f.decision_note = note;
        }
        f.demo = true;
        f.updated_at = decided ? *f.decided_at : f.waiting_since;
        f.id = Repository::insert_filing(s, f);
        if (rounds == 2 || state == "observado") {
          Observation o;
          o.filing_id = f.id;
          o.round = 1;
          o.item_id = about;
          o.text = observation;
          o.written_by = f.reviewer_id;
          o.written_at = filed + 7 * day_ms;
          if (rounds == 2) {
            o.answer = "[Demostración] Se corrigió lo observado y se adjunta el respaldo.";
            o.answered_at = filed + 15 * day_ms;
          }
          Repository::insert_observation(s, o);
        }
        return f.state;
      };
      // 2020: 150 services; 105 commit the MALS measure (7 elaboración, 10 actualización, 88
      // implementación, the account's split); 148 fulfil their work programme, two do not.
      auto i2020 = year_item(2020, 0);
      int pos2020 = 0, mals = 0;
      std::vector<size_t> in2020;
      for (size_t k = 0; k < services->size(); ++k)
        if ((*services)[k].in2020) in2020.push_back(k);
      for (size_t j = 0; j < in2020.size(); ++j) {
        const size_t k = in2020[j];
        auto sv = service_item(i2020, 2020, k, pos2020++);
        const bool fails = j == 40 || j == 130;  // which two: illustrative
        std::vector<int> ms = {static_cast<int>(j % 2 == 0 ? 0 : 3)};
        if (mals < 105) {
          ms.push_back(2);
          ++mals;
        }
        int p = 0;
        for (int m : ms) {
          auto leaf = measure_item(sv, k, m, p++);
          std::string what = m == 2 ? (mals <= 7 ? "elaboración del procedimiento MALS" : mals <= 17 ? "actualización del procedimiento MALS"
                                                                                                  : "implementación del procedimiento MALS (difusión y plan de prevención)")
                                    : "programa de trabajo 2020";
          report(h, leaf, p2020, service_ids[k], fails && p == 1 ? 60 : 100, "Informe de cumplimiento: " + what + ".",
                 j % 9 == 0 ? 2 : 1, "Falta el medio de verificación de la difusión; corrija y reenvíe.");
        }
        // The year's filings: programme and progress report approved (some in a second round); the
        // compliance report approved, or, for the two that fail, rejected in the second round.
        filing(sv, service_ids[k], sv, "programa", day("30-04-2020"), j % 7 == 3 ? 2 : 1, "aprobado",
               "[Demostración] Precise los plazos y los medios de verificación de cada compromiso.");
        filing(sv, service_ids[k], sv, "avance", day("14-08-2020"), j % 11 == 5 ? 2 : 1, "aprobado",
               "[Demostración] El avance informado no coincide con las actividades del programa.");
        const std::string compliance =
            filing(sv, service_ids[k], sv, "cumplimiento", day("15-01-2021"), fails || j % 9 == 0 ? 2 : 1, fails ? "rechazado" : "aprobado",
                   "[Demostración] Falta el medio de verificación de la difusión; corrija y reenvíe.",
                   fails ? "[Demostración] Los medios de verificación no acreditan el 100 % de lo comprometido." : "");
        // The outcome follows the compliance report's review, as decide_outcome (pmg.cc) requires.
        Outcome o;
        o.item_id = sv;
        o.outcome = compliance == "aprobado" ? "cumple" : "no_cumple";
        o.reason = fails ? "No cumplió el 100 % de lo comprometido en su programa de trabajo anual (ilustrativo: la Cuenta Pública no "
                           "nombra a los dos servicios)."
                         : "Cumplió el 100 % de su programa de trabajo 2020 (demostración).";
        o.decided_by = reviewer;
        o.decided_at = day("15-03-2021");
        Repository::save_outcome(s, o);
      }
      // 2021: 157 services, 414 specific commitments (100 services with 3, 57 with 2), at most 5
      // of the 8 measures each; 28 commit actions on MALS.
      auto i2021 = year_item(2021, 1);
      int pos2021 = 0, j = 0, commitments = 0;
      const int pool[7] = {0, 1, 3, 4, 5, 6, 7};
      for (size_t k = 0; k < services->size(); ++k) {
        if (!(*services)[k].in2021) continue;
        auto sv = service_item(i2021, 2021, k, pos2021++);
        const int n = j < 100 ? 3 : 2;
        std::vector<int> ms;
        if (j < 28) ms.push_back(2);
        for (int t = 0; static_cast<int>(ms.size()) < n; ++t) ms.push_back(pool[(j + t) % 7]);
        int p = 0;
        for (int m : ms) {
          auto medida = measure_item(sv, k, m, p);
          ++p;
          auto leaf = add_item(s, id, medida, "accion", "C" + std::to_string(p),
                               "Compromiso específico ilustrativo de la medida «" + std::string(kMeasures[m]) + "»", {service_ids[k]}, p);
          ++commitments;
          // The progress report of the first semester: most validated, some in a second round,
          // some still waiting for the reviewer.
          if (j % 4 != 3) report(h, leaf, p2021, service_ids[k], 30 + 10 * ((j + p) % 5), "Informe de avance 2021.", j % 6 == 0 ? 2 : 1,
                                 "Las actividades informadas no corresponden al compromiso; precise el avance.");
          else if (p == 1 && j % 8 == 3) report(h, leaf, p2021, service_ids[k], 40, "Informe de avance 2021.", 0);
        }
        // 2021's filings: every programme approved; the progress report at every step of the
        // review, so that the reviewer's queue and «Mi PMG» show each state. The ones still
        // waiting are dated in the last weeks (like demo_period: demo scaffolding, so that the
        // queue's «días de espera» reads as a working queue, not as years).
        filing(sv, service_ids[k], sv, "programa", day("30-04-2021"), j % 5 == 0 ? 2 : 1, "aprobado",
               "[Demostración] Precise el indicador de cada compromiso específico.");
        const int64_t recent = now_ms() - static_cast<int64_t>(25 + j % 25) * 86400000LL;
        static const char* kAvance[6] = {"aprobado", "aprobado", "aprobado", "en_revision", "observado", "corregido"};
        const std::string st = j % 12 == 11 ? "enviado" : kAvance[j % 6];
        filing(sv, service_ids[k], sv, "avance", st == "aprobado" ? day("16-08-2021") : recent, st == "corregido" ? 2 : 1, st,
               "[Demostración] Las actividades informadas no corresponden al compromiso; precise el avance.");
        ++j;
      }
      // Technical assistance, June–December 2020: the account names two workshops and two regional
      // videoconferences and counts 69 sessions; the other 65 are illustrative meetings.
      auto assist = [&](const std::string& date, const char* kind, const std::string& topic, const std::string& who, bool illustrative) {
        Assistance a;
        a.instrument_id = id;
        a.held_on = day(date.c_str());
        a.kind = kind;
        a.topic = topic;
        a.participants = who;
        a.illustrative = illustrative;
        Repository::insert_assistance(s, a, std::nullopt);
      };
      assist("15-07-2020", "taller", "Orientaciones y énfasis que se deben observar en la implementación del programa 2020",
             "Servicios que comprometieron el indicador 2020", false);
      assist("10-09-2020", "taller", "Indicaciones para el proceso de formulación PMG 2021", "Servicios que comprometen el indicador 2021",
             false);
      assist("20-08-2020", "videoconferencia", "Videoconferencia regional sobre el indicador de género", "Equipos regionales", false);
      assist("22-10-2020", "videoconferencia", "Videoconferencia regional sobre el indicador de género", "Equipos regionales", false);
      for (int k = 0; k < 65; ++k) {
        const int64_t when = day("01-06-2020") + static_cast<int64_t>(k) * 3 * 86400000LL + 12 * 3600000LL;
        assist(format_date_cl(when), "reunion", "Reunión de asistencia técnica (ilustrativa) sobre el indicador de género",
               (*services)[(static_cast<size_t>(k) * 7) % services->size()].name, true);
      }
      add_figures(s, id, i2020,
                  {{"Servicios que comprometieron el indicador en 2020", 150, {}, {}, "servicios", "", "count level=compromiso"},
                   {"… del nivel central", 111, {}, {}, "servicios", "", "count level=compromiso,scope=central"},
                   {"… del nivel regional", 39, {}, {}, "servicios", "", "count level=compromiso,scope=regional"},
                   {"Servicios aprobados en la evaluación 2020", {}, 148, 150, "%", "",
                    "percent level=compromiso,status=cumplido / level=compromiso"},
                   {"Servicios que no cumplieron el 100 % de su programa de trabajo 2020", 2, {}, {}, "servicios", "",
                    "count level=compromiso,status=no_cumplido"},
                   {"Servicios que comprometieron la medida de protocolos de maltrato y acoso (MALS)", 105, {}, {}, "servicios", "",
                    "count level=medida,code=M3"},
                   {"Reuniones de asistencia técnica, talleres o jornadas (junio a diciembre de 2020)", 69, {}, {}, "", "",
                    "assistance 01-06-2020 31-12-2020"}},
                  pos);
      add_figures(s, id, i2021,
                  {{"Servicios que comprometieron el indicador en 2021", 157, {}, {}, "servicios", "", "count level=compromiso"},
                   {"… del nivel central", 114, {}, {}, "servicios", "", "count level=compromiso,scope=central"},
                   {"… del nivel regional", 43, {}, {}, "servicios", "", "count level=compromiso,scope=regional"},
                   {"Compromisos específicos 2021", 414, {}, {}, "compromisos", "", "count level=accion"},
                   {"Promedio de compromisos por servicio", {}, 414, 157, "compromisos por servicio", "",
                    "ratio level=accion / level=compromiso"},
                   {"Servicios con acciones MALS comprometidas en 2021", 28, {}, {}, "servicios", "", "count level=medida,code=M3"}},
                  pos);
      (void)commitments;
      ++added;
    }

    // ------------------------------------------------------------ Agendas regionales
    h.evidence = false;
    if (!Repository::instrument_id_by_code(s, "agendas-regionales")) {
      auto id = add_instrument(s, "agendas-regionales", "Agendas Regionales de Igualdad de Derechos y Equidad de Género 2018-2022",
                               "agenda_regional", 2018, 2022,
                               "Una agenda por región, con plan de trabajo 2020 (junio), informe de avance semestral (agosto de 2020) e "
                               "informe anual (enero de 2021). La Cuenta Pública da cifras de algunas regiones; los compromisos de cada "
                               "agenda son ilustrativos y su historia de reportes, datos de demostración.");
      add_period(s, id, "semestre", 2020, 1, "01-08-2020", "01-09-2020", 0);
      add_period(s, id, "anual", 2020, 0, "01-01-2021", "01-02-2021", 0);
      demo_period(s, id);
      const int64_t y2020 = *period_id(s, id, "2020");
      // Per region: how many commitments, how many fulfilled (reported at 100 %), and the 2021
      // activities; from the account where it gives them (Atacama, Maule, Los Ríos, Magallanes).
      struct Shape {
        int commitments, fulfilled, activities2021;
      };
      const std::map<std::string, Shape> given = {{"03", {10, 7, 0}}, {"07", {78, 60, 81}}, {"14", {120, 112, 0}}, {"12", {10, 7, 0}}};
      for (size_t k = 0; k < regions->size(); ++k) {
        const auto& r = (*regions)[k];
        auto root = add_item(s, id, std::nullopt, "eje", r.id, "Agenda regional de " + r.short_name, {seremi_ids[k]},
                             static_cast<int64_t>(k), "", r.id);
        Shape shape = given.count(r.id) ? given.at(r.id) : Shape{6, 4, 0};
        for (int c = 1; c <= shape.commitments; ++c) {
          auto leaf = add_item(s, id, root, "compromiso", std::to_string(c),
                               "Compromiso regional ilustrativo " + std::to_string(c) + " (" + r.short_name + ")", {seremi_ids[k]}, c, "", r.id);
          report(h, leaf, y2020, seremi_ids[k], c <= shape.fulfilled ? 100 : 50, "Informe anual 2020 de la agenda regional.");
        }
        if (shape.activities2021 > 0) {
          auto plan = add_item(s, id, root, "meta", "2021", "Actividades comprometidas por los sectores para 2021", {seremi_ids[k]},
                               shape.commitments + 1, "", r.id);
          for (int a = 1; a <= shape.activities2021; ++a)
            add_item(s, id, plan, "accion", std::to_string(a), "Actividad sectorial ilustrativa " + std::to_string(a), {seremi_ids[k]}, a, "",
                     r.id);
        }
      }
      auto root_of = [&](const std::string& region) -> std::optional<int64_t> {
        for (const auto& it : Repository::items_of(s, id, false))
          if (!it.parent_id && it.region_id == region) return it.id;
        return std::nullopt;
      };
      auto fig = [&](const char* region, std::vector<DemoFigure> figs) {
        if (auto root = root_of(region)) add_figures(s, id, *root, figs, pos);
      };
      fig("03", {{"Atacama: compromisos de la Agenda Mujer Regional cumplidos (2020)", 70, {}, {}, "%", "",
                  "percent level=compromiso,done / level=compromiso"}});
      fig("07", {{"Maule: compromisos del plan de trabajo 2020 del comité regional", 78, {}, {}, "compromisos", "", "count level=compromiso"},
                 {"Maule: actividades comprometidas por los sectores para 2021", 81, {}, {}, "actividades", "", "count level=accion"}});
      fig("14", {{"Los Ríos: compromisos de género cumplidos (2020)", 112, {}, {}, "compromisos", "", "count level=compromiso,done"}});
      fig("12", {{"Magallanes: compromisos de la Agenda Mujer Regional cumplidos (2020)", 70, {}, {}, "%", "",
                  "percent level=compromiso,done / level=compromiso"}});
      ++added;
    }

    // ------------------------------------------------------------ Instructivo Presidencial
    if (!Repository::instrument_id_by_code(s, "instructivo-acoso")) {
      auto id = add_instrument(s, "instructivo-acoso", "Instructivo Presidencial sobre acoso sexual, laboral y maltrato en el sector público",
                               "otro", 2018, 2021,
                               "Procedimientos de denuncia, investigación y sanción del maltrato, acoso laboral y acoso sexual de las "
                               "instituciones públicas, actualizados a los contenidos mínimos del Instructivo. El Servicio de Gobierno "
                               "Interior tiene un solo procedimiento para 72 instituciones. Qué procedimientos están actualizados: datos "
                               "de demostración.");
      add_period(s, id, "anual", 2020, 0, "01-01-2021", "01-02-2021", 0);
      demo_period(s, id);
      const int64_t y2020 = *period_id(s, id, "2020");
      auto root = add_item(s, id, std::nullopt, "eje", "P", "Procedimientos MALS de las instituciones públicas", {*ministry_of_women}, 0);
      int n = 0;
      auto procedure = [&](const std::string& title, std::vector<int64_t> who, double institutions, int progress, const std::string& note) {
        Item i;
        i.instrument_id = id;
        i.parent_id = root;
        i.level = "accion";
        ++n;
        i.code = std::to_string(n);
        i.title = title;
        i.position = n;
        i.indicator_name = "Instituciones que cubre";
        i.indicator_unit = "instituciones";
        i.indicator_value = institutions;
        i.source_note = note;
        i.institutions = who;
        auto leaf = Repository::insert_item(s, i);
        report(h, leaf, y2020, who.empty() ? *ministry_of_women : who.front(), progress,
               progress >= 100 ? "Procedimiento actualizado: cumple los contenidos mínimos del Instructivo."
                               : "Procedimiento en actualización.");
      };
      for (size_t k = 0; k < services->size(); ++k) {
        const auto& sv = (*services)[k];
        if (sv.name.rfind("Gobierno Regional", 0) == 0) continue;  // covered by the Servicio de Gobierno Interior's procedure
        const bool sgi = sv.name == "Servicio de Gobierno Interior";
        procedure("Procedimiento de " + sv.name, {service_ids[k]}, sgi ? 72 : 1, 100,
                  sgi ? "Un solo procedimiento para los Gobiernos Regionales e Intendencias: 72 instituciones (Cuenta Pública)." : "");
      }
      // The account counts 209 procedures; the rest are illustrative, 12 of them not yet updated.
      // (`procedure` counts each one it adds in n; k bounds the loop in case it ever adds none.)
      for (int k = 1; k <= 209 && n < 209; ++k)
        procedure("Procedimiento de institución pública ilustrativa " + std::to_string(k), {*ministry_of_women}, 1, k <= 12 ? 50 : 100,
                  "Ilustrativo: la Cuenta Pública cuenta los procedimientos, no los nombra.");
      add_figures(s, id, std::nullopt,
                  {{"Procedimientos actualizados que cumplen los contenidos mínimos", 197, {}, {}, "procedimientos", "",
                    "count level=accion,done"},
                   {"Procedimientos en total", 209, {}, {}, "procedimientos", "", "count level=accion"},
                   {"Procedimientos actualizados", 95, {}, {}, "%", "", "percent level=accion,done / level=accion"},
                   {"Instituciones públicas que cubren", 280, {}, {}, "instituciones", "", "sum level=accion"}},
                  pos);
      ++added;
    }

    // The instruments whose history the demo generates say so on every screen.
    const std::set<std::string> generated = {"agenda-mujer", "compromisos-ministeriales", "pmg-genero", "agendas-regionales",
                                             "instructivo-acoso"};
    for (const auto& i : Repository::instruments(s)) {
      if (generated.count(i.code)) Repository::mark_demo_history(s, i.id);
      refresh_figures(s, i.id);
    }
    if (added > 0) {
      audit::Entry entry;
      entry.action = "policy.demo_load";
      entry.outcome = "ok";
      entry.detail = std::to_string(added) + " instrumentos de demostración";
      audit.append(s, entry);
    }
    return {};
  });
}

}  // namespace eq::policy
