// Demo instruments from the Ministry's 2020–2021 public account ("Cuenta Pública", sections
// "Transversalización del enfoque de género", "Agenda Mujer", "Proyección 2021-2022" and the
// regional tables), and nothing the account does not say:
// - figures the account states (counts, percentages) are loaded as declared figures, shown
//   beside the computed progress and never mixed into it;
// - items are only those the account names (the Agenda Mujer's four areas, the ministries and
//   the two kinds of ministerial commitments, the PMG years, the 16 regional agendas) plus the
//   Plan's 105 goals as numbered placeholders: the account gives their number, not their text;
// - the individual 23 commitments / 27 initiatives of the Agenda Mujer, the Plan's goals' text
//   and sectors, the PMG services and the 8 PMG measures are not in the account: left out.
// - no report is loaded: every figure starts at 0 % with all its items "sin reporte".
// The reporting calendar is the account's (regional semester report in August, annual report in
// January); one extra period open today is added so the demo can be used (see `demo_period`).
#include "core/time.h"
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

}  // namespace

Result<void> load_demo(store::Database& db, audit::Log& audit, auth::Service& auth) {
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
  // Ministries whose gender sector leads met the regional teams in 2020 (the account's list).
  const std::vector<std::string> ministries = {
      "Ministerio de Vivienda y Urbanismo", "Ministerio de Educación", "Ministerio del Interior y Seguridad Pública",
      "Ministerio del Trabajo y Previsión Social", "Ministerio de Minería", "Ministerio de Justicia y Derechos Humanos",
      "Ministerio de Obras Públicas", "Ministerio de Transportes y Telecomunicaciones", "Ministerio del Medio Ambiente",
      "Ministerio de Salud", "Ministerio de Economía, Fomento y Turismo", "Ministerio de Agricultura",
      "Ministerio de Desarrollo Social y Familia"};
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

  return db.transaction<void>([&](soci::session& s) -> Result<void> {
    int added = 0;
    int64_t pos = 0;
    if (!Repository::instrument_id_by_code(s, "agenda-mujer")) {
      auto id = add_instrument(s, "agenda-mujer", "Agenda Mujer", "agenda", 2018, 2022,
                               "Dada a conocer por el Presidente de la República el 23 de mayo de 2018: 23 compromisos que se traducen "
                               "en 27 iniciativas (13 legislativas y 14 de gestión), en cuatro áreas de trabajo. La Cuenta Pública no "
                               "detalla cada compromiso ni su área; por eso las áreas figuran sin compromisos.");
      const char* areas[] = {
          "Igualdad de derechos, deberes y oportunidades entre mujeres y hombres, eliminando todas las desigualdades ante la ley",
          "Tolerancia cero a la violencia contra las mujeres en todas sus formas",
          "Promoción de la autonomía de las mujeres, con especial foco en la autonomía económica y corresponsabilidad",
          "Promoción del liderazgo femenino para aumentar la presencia de mujeres en posiciones de alta responsabilidad"};
      const char* roman[] = {"i", "ii", "iii", "iv"};
      for (int k = 0; k < 4; ++k)
        add_item(s, id, std::nullopt, "eje", roman[k], areas[k], {*ministry_of_women}, k,
                 "La Cuenta Pública no detalla los compromisos de esta área.");
      add_figures(s, id, std::nullopt,
                  {{"Compromisos", 23, {}, {}, "compromisos", ""},
                   {"Iniciativas", 27, {}, {}, "iniciativas", ""},
                   {"Iniciativas legislativas", 13, {}, {}, "iniciativas", ""},
                   {"Iniciativas de gestión", 14, {}, {}, "iniciativas", ""},
                   {"Compromisos cumplidos a la fecha de la Cuenta Pública", {}, {}, {}, "%", "más del 70 %"}},
                  pos);
      add_period(s, id, "anual", 2020, 0, "01-01-2021", "01-02-2021", 0);
      demo_period(s, id);
      ++added;
    }
    if (!Repository::instrument_id_by_code(s, "plan-igualdad")) {
      auto id = add_instrument(s, "plan-igualdad", "Plan Nacional de Igualdad entre Mujeres y Hombres 2018-2030", "plan", 2018, 2030,
                               "Hoja de ruta para eliminar toda forma de discriminación arbitraria contra las mujeres. 105 metas; 23 "
                               "puntos focales ministeriales reportan las acciones realizadas respecto de las metas comprometidas por "
                               "cada servicio. La Cuenta Pública no transcribe el texto de las metas ni sus sectores responsables: "
                               "figuran numeradas, sin responsable, hasta que se carguen.");
      for (int k = 1; k <= 105; ++k)
        add_item(s, id, std::nullopt, "meta", std::to_string(k), "Meta N° " + std::to_string(k) + " del Plan", {}, k - 1,
                 "Texto y sector responsable no incluidos en la Cuenta Pública.");
      add_figures(s, id, std::nullopt,
                  {{"Metas del Plan", 105, {}, {}, "metas", ""},
                   {"Puntos focales ministeriales capacitados para reportar", 23, {}, {}, "puntos focales", ""}},
                  pos);
      ++added;
    }
    if (!Repository::instrument_id_by_code(s, "plan-violencia")) {
      add_instrument(s, "plan-violencia", "Plan Nacional de Acción contra la Violencia hacia las Mujeres 2021-2030", "plan", 2021, 2030,
                     "Publicado en diciembre de 2020. Articula la acción conjunta del Estado y la sociedad civil para una respuesta "
                     "integral a la violencia contra las mujeres. La Cuenta Pública no detalla sus ejes ni acciones.");
      ++added;
    }
    if (!Repository::instrument_id_by_code(s, "compromisos-ministeriales")) {
      auto id = add_instrument(s, "compromisos-ministeriales", "Compromisos Ministeriales de Igualdad de Género 2018-2022", "compromisos",
                               2018, 2022,
                               "Solicitados por Oficio N° 723 (4 de septiembre de 2018): compromisos transversales a todas las carteras "
                               "y específicos de cada sector, con reporte semestral de avance. Se cargan los ministerios que la Cuenta "
                               "Pública nombra; no detalla cada compromiso ni qué ministerios están al 100 %.");
      for (size_t k = 0; k < ministries.size(); ++k) {
        auto m = add_item(s, id, std::nullopt, "eje", "", ministries[k], {ministry_ids[k]}, static_cast<int64_t>(k));
        add_item(s, id, m, "compromiso", "T", "Compromisos transversales", {ministry_ids[k]}, 0,
                 "Compromisos comunes a todas las carteras; su detalle no está en la Cuenta Pública.");
        add_item(s, id, m, "compromiso", "E", "Compromisos específicos del sector", {ministry_ids[k]}, 1,
                 "Su detalle no está en la Cuenta Pública.");
      }
      add_figures(s, id, std::nullopt,
                  {{"Ministerios que remitieron formalmente sus compromisos (septiembre 2018 a marzo 2021)", 80, {}, {}, "%", ""},
                   {"Ministerios con 100 % de avance en sus compromisos transversales (en proceso o terminados)", 14, {}, {},
                    "ministerios", ""}},
                  pos);
      add_period(s, id, "semestre", 2020, 1, "01-08-2020", "01-09-2020", 0);
      add_period(s, id, "anual", 2020, 0, "01-01-2021", "01-02-2021", 0);
      demo_period(s, id);
      ++added;
    }
    if (!Repository::instrument_id_by_code(s, "pmg-genero")) {
      auto id = add_instrument(s, "pmg-genero", "Indicador de Género del Programa de Mejoramiento de la Gestión (PMG)", "pmg", 2020, 2021,
                               "Por servicio y año: medidas comprometidas (desde 2021, como máximo 5 de 8), programa de trabajo, "
                               "informe de avance, informe de cumplimiento, validación y resultado. La Cuenta Pública da los totales; "
                               "no nombra a cada servicio ni las 8 medidas.");
      Item y2020;
      y2020.instrument_id = id;
      y2020.level = "meta";
      y2020.code = "2020";
      y2020.title = "Indicador de género PMG 2020";
      y2020.start_year = y2020.end_year = 2020;
      y2020.indicator_name = "Servicios aprobados en la evaluación";
      y2020.indicator_unit = "%";
      y2020.numerator = 148;
      y2020.denominator = 150;
      y2020.institutions = {*ministry_of_women};
      auto i2020 = Repository::insert_item(s, y2020);
      Item y2021 = y2020;
      y2021.code = "2021";
      y2021.title = "Indicador de género PMG 2021";
      y2021.start_year = y2021.end_year = 2021;
      y2021.position = 1;
      y2021.indicator_name = "Compromisos por servicio";
      y2021.indicator_unit = "compromisos por servicio";
      y2021.numerator = 414;
      y2021.denominator = 157;
      auto i2021 = Repository::insert_item(s, y2021);
      add_figures(s, id, i2020,
                  {{"Servicios que comprometieron el indicador en 2020", 150, {}, {}, "servicios", ""},
                   {"… del nivel central", 111, {}, {}, "servicios", ""},
                   {"… del nivel regional", 39, {}, {}, "servicios", ""},
                   {"Servicios aprobados en la evaluación 2020", {}, 148, 150, "%", ""},
                   {"Servicios que no cumplieron el 100 % de su programa de trabajo 2020", 2, {}, {}, "servicios", ""},
                   {"Servicios que comprometieron la medida de protocolos de maltrato y acoso (MALS)", 105, {}, {}, "servicios", ""},
                   {"Reuniones de asistencia técnica, talleres o jornadas (junio a diciembre de 2020)", 69, {}, {}, "", ""}},
                  pos);
      add_figures(s, id, i2021,
                  {{"Servicios que comprometieron el indicador en 2021", 157, {}, {}, "servicios", ""},
                   {"… del nivel central", 114, {}, {}, "servicios", ""},
                   {"… del nivel regional", 43, {}, {}, "servicios", ""},
                   {"Compromisos específicos 2021", 414, {}, {}, "compromisos", ""},
                   {"Promedio de compromisos por servicio", {}, 414, 157, "compromisos por servicio", ""},
                   {"Servicios con acciones MALS comprometidas en 2021", 28, {}, {}, "servicios", ""}},
                  pos);
      ++added;
    }
    if (!Repository::instrument_id_by_code(s, "agendas-regionales")) {
      auto id = add_instrument(s, "agendas-regionales", "Agendas Regionales de Igualdad de Derechos y Equidad de Género 2018-2022",
                               "agenda_regional", 2018, 2022,
                               "Una agenda por región, con plan de trabajo 2020 (junio), informe de avance semestral (agosto de 2020) e "
                               "informe anual (enero de 2021). La Cuenta Pública da cifras de algunas regiones; los compromisos de cada "
                               "agenda no están detallados.");
      std::map<std::string, int64_t> by_region;
      for (size_t k = 0; k < regions->size(); ++k) {
        const auto& r = (*regions)[k];
        by_region[r.id] = add_item(s, id, std::nullopt, "eje", r.id, "Agenda regional de " + r.short_name, {seremi_ids[k]},
                                   static_cast<int64_t>(k), "", r.id);
      }
      auto fig = [&](const char* region, std::vector<DemoFigure> figs) {
        if (by_region.count(region)) add_figures(s, id, by_region[region], figs, pos);
      };
      fig("03", {{"Atacama: compromisos de la Agenda Mujer Regional cumplidos (2020)", 70, {}, {}, "%", ""}});
      fig("07", {{"Maule: compromisos del plan de trabajo 2020 del comité regional", 78, {}, {}, "compromisos", ""},
                 {"Maule: actividades comprometidas por los sectores para 2021", 81, {}, {}, "actividades", ""}});
      fig("14", {{"Los Ríos: compromisos de género cumplidos (2020)", 112, {}, {}, "compromisos", ""}});
      fig("12", {{"Magallanes: compromisos de la Agenda Mujer Regional cumplidos (2020)", 70, {}, {}, "%", ""}});
      add_period(s, id, "semestre", 2020, 1, "01-08-2020", "01-09-2020", 0);
      add_period(s, id, "anual", 2020, 0, "01-01-2021", "01-02-2021", 0);
      demo_period(s, id);
      ++added;
    }
    for (const auto& i : Repository::instruments(s)) refresh_figures(s, i.id);
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
