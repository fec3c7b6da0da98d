// Demo data of the studies catalogue: the studies and surveys the ministry's public account
// 2020–2021 (data/seed/) names, with the facts it gives and nothing more: where the seed gives no
// sample, date or region, the field stays empty. Every figure keeps beside it the seed's own
// sentence (Finding::source); tests/studies/studies_test.cc checks that each sentence is in the
// seed verbatim and that the figure shown is the one it states. Each study is marked demo and
// names the seed as its source. The studies the seed reports as under way (results being
// processed) are drafts: the staff sees them, the public does not.
#include "core/time.h"
#include "studies/module.h"

namespace eq::studies {

namespace {
constexpr const char* kMinistry = "Ministerio de la Mujer y la Equidad de Género";
// The public account reports these studies among the achievements of 2020 and the first half of
// 2021 without a date each; the demo files them under 2020 unless the seed dates the fieldwork.
const std::string kSource = std::string("Demostración: datos tomados de la ") + kSeedSource +
                            " (capítulo «Estudios y capacitaciones»). Año 2020: la cuenta los informa entre los logros de 2020 y del primer semestre de 2021.";

Finding pct(std::string text, double value, int decimals, std::string source) {
  return {.text = std::move(text), .figure = value, .decimals = decimals, .unit = "porcentaje", .source = std::move(source)};
}
Finding count(std::string text, double value, std::string unit, std::string source) {
  return {.text = std::move(text), .figure = value, .decimals = 0, .unit = std::move(unit), .source = std::move(source)};
}
Finding plain(std::string text, std::string source) { return {.text = std::move(text), .source = std::move(source)}; }
}  // namespace

std::vector<Study> seed_studies() {
  std::vector<Study> out;
  auto base = [](std::string title, std::string kind, int64_t year, std::vector<std::string> themes, std::vector<std::string> partners) {
    return Study{.title = std::move(title), .kind = std::move(kind), .year = year, .themes = std::move(themes), .partners = std::move(partners)};
  };
  auto published = [&](Study& x) {
    x.status = "publicado";
    out.push_back(x);
  };
  {
    Study x = base("Encuesta de Evaluación Rápida sobre el Impacto del COVID-19", "encuesta", 2020, {"covid19", "autonomia_economica", "cuidados"}, {"ONU Mujeres", "Entel"});
    x.executor = kMinistry;
    x.summary = "Investigación realizada mediante un convenio con ONU Mujeres y Entel para conocer cómo se han visto afectadas las mujeres y los hombres, en diferentes ámbitos, por la emergencia sanitaria causada por el COVID-19. Abarca características sociodemográficas, conocimiento del COVID-19, empleo e ingresos, actividades y distribución de las tareas del hogar, acceso a servicios básicos y seguridad, y tecnología e internet (módulo exclusivo de Chile).";
    x.method.technique = "Encuesta de evaluación rápida elaborada por ONU Mujeres y puesta a disposición de los gobiernos, con un módulo de tecnología e internet exclusivo de Chile";
    x.findings = {
        pct("El 35,0 % de las mujeres señaló que su carga laboral aumentó durante la pandemia.", 35.0, 1,
            "el 35,0% de las mujeres señalaron que su carga laboral aumentó durante la pandemia"),
        pct("El 27,3 % de los hombres señaló que su carga laboral aumentó durante la pandemia.", 27.3, 1,
            "versus un 27,3% de los hombres"),
        plain("1 de cada 3 mujeres señala que con sus ingresos no les alcanza y tiene ciertas o grandes dificultades para vivir; las dificultades son mayores en mujeres sin pareja.",
              "1 de cada 3 mujeres señala que con sus ingresos no les alcanza y tienen ciertas o grandes dificultades para vivir"),
        plain("En las tareas del hogar y de cuidados, las mujeres declaran más que los hombres un aumento del tiempo dedicado durante la pandemia.",
              "En todas las otras actividades ligadas a tareas del hogar y de cuidados, las mujeres declaran más que ellos un aumento en el tiempo dedicado."),
        plain("4 de cada 5 hombres se declara «muy conforme» o «conforme» con la distribución de las tareas de su hogar, versus 3 de cada 5 mujeres.",
              "4 de cada 5 hombres declara estar “muy conforme” o “conforme”, versus 3 de cada 5 mujeres"),
    };
    published(x);
  }
  {
    Study x = base("Reapertura Colegios y Empleo Femenino", "documento_trabajo", 2020, {"educacion", "autonomia_economica", "covid19"}, {});
    x.executor = kMinistry;
    x.summary = "Documento de trabajo que presenta una revisión bibliográfica sobre el impacto de la cobertura educativa en la participación laboral femenina y las implicancias del cierre de escuelas por COVID-19 en la participación de las mujeres en el mundo del trabajo.";
    x.method.technique = "Revisión bibliográfica";
    x.findings = {
        plain("La participación laboral femenina aumentó fuertemente en las madres del país cuando se implementó la Jornada Escolar Completa en 1997.",
              "la participación laboral femenina aumentó fuertemente en las mujeres madres del país cuando se implementó la Jornada Escolar Completa en 1997"),
        plain("Los países con sociedades más igualitarias, donde la mujer cumple un rol más significativo, han tendido a apoyar la reapertura de escuelas.",
              "los países con sociedades más igualitarias y donde la mujer cumple un rol más significativo, han tendido a apoyar la reapertura de escuelas"),
        {.text = "En Canadá, las madres solteras (jefas de hogar) aumentaron su tasa de empleo después de la reapertura de las escuelas.",
         .figure = 20.7, .decimals = 1, .unit = "puntos_porcentuales",
         .source = "En el caso de Canadá, madres solteras (jefas de hogar) aumentaron en 20,7 puntos porcentuales su tasa de empleo después de la reapertura de las escuelas."},
    };
    published(x);
  }
  {
    Study x = base("Encuesta de opinión «Participación Política y Proceso Constituyente»", "encuesta", 2020, {"participacion_politica", "opinion"}, {"CADEM"});
    x.executor = kMinistry + std::string(" y CADEM");
    x.summary = "Encuesta dirigida a mujeres para conocer sus percepciones sobre participación política y el proceso constituyente: su opinión sobre el mundo político y su representación, y las prioridades constitucionales en temas de género.";
    x.method = {.technique = "Encuesta online autoaplicada", .universe = "Mujeres mayores de 18 años residentes de Chile", .sample_size = 700};
    x.findings = {
        pct("Derecho a igual remuneración por trabajo de igual valor: el tema de género más señalado para incluir en el nuevo texto constitucional.", 68, 0,
            "Derecho a igual remuneración por trabajo de igual valor (68%)"),
        pct("Reconocimiento de igualdad tanto en derechos como en deberes, para incluir en el nuevo texto constitucional.", 67, 0,
            "Reconocimiento de igualdad tanto en derechos como en deberes (67%)"),
        pct("Garantizar igualdad en acceso al empleo, para incluir en el nuevo texto constitucional.", 64, 0, "Garantizar igualdad en acceso al empleo (64%)"),
        pct("De las mujeres declaró haber votado alguna vez por una mujer.", 68, 0, "el 68% de las mujeres declaró haber votado alguna vez por una mujer"),
        pct("De las encuestadas afirmó que no consideraría postular alguna vez a un cargo de representación política.", 81, 0,
            "el 81% de las encuestadas afirmó que no consideraría postular alguna vez a un cargo de representación política"),
    };
    published(x);
  }
  {
    Study x = base("Encuesta «Segmentación de Perfiles de Mujeres»", "encuesta", 2020, {"opinion"}, {"CADEM"});
    x.fieldwork_start = "11-2020";
    x.fieldwork_end = "12-2020";
    x.executor = kMinistry + std::string(" y CADEM");
    x.summary = "Encuesta para perfilar a las mujeres de Chile según sus tramos etarios, grupos socioeconómicos, necesidades, preocupaciones, expectativas, percepciones y actitudes; un análisis de clúster las segmenta en 5 perfiles actitudinales.";
    x.method = {.technique = "Encuesta online; análisis estadístico de clúster", .universe = "Mujeres mayores de 18 años residentes de todo Chile", .sample_size = 1300};
    x.findings = {
        count("Perfiles actitudinales de las mujeres de Chile identificados por el análisis de clúster.", 5, "numero",
              "permitieron segmentar a las mujeres en 5 perfiles actitudinales"),
        pct("Conservadoras.", 14, 0, "Conservadoras (14%)"),
        pct("Tradicionales Pragmáticas.", 19, 0, "Tradicionales Pragmáticas (19%)"),
        pct("Sobrepasadas.", 16, 0, "Sobrepasadas (16%)"),
        pct("Feministas Moderadas.", 31, 0, "Feministas Moderadas (31%)"),
        pct("Feministas Movilizadas.", 21, 0, "Feministas Movilizadas (21%)"),
    };
    published(x);
  }
  {
    Study x = base("Reporte de Indicadores de Equidad de Género en las Empresas 2020", "informe", 2020, {"empresas", "autonomia_economica"}, {"Fundación ChileMujeres"});
    x.executor = kMinistry + std::string(" y Fundación ChileMujeres");
    x.summary = "Segunda versión del «Reporte de Indicadores de Género de las Empresas en Chile»: un diagnóstico de la situación laboral de las mujeres en todas las áreas de las empresas, para aumentar la incorporación de mujeres, disminuir la brecha salarial y avanzar en un cambio en la cultura laboral.";
    x.method = {.technique = "Análisis de información sistematizada reportada a la Comisión para el Mercado Financiero (CMF)", .universe = "Organizaciones que reportaron en 2020 a la CMF", .sample_size = 460};
    x.findings = {
        count("Organizaciones cuya información reportada a la CMF en 2020 fue analizada.", 460, "organizaciones",
              "mediante el análisis de información sistematizada de 460 organizaciones que reportaron en 2020 a la Comisión del Mercado Financiero (CMF)"),
        plain("Las cifras no evidencian avances respecto al Reporte de 2019: la proporción de mujeres en las organizaciones y en los directorios y la brecha salarial en los niveles administrativo, medio y ejecutivo presentan peores resultados.",
              "las cifras no evidencian avances respecto al Reporte realizado en 2019"),
        plain("La proporción de mujeres en gerencias de primera línea es el único indicador con una leve mejora respecto al reporte anterior.",
              "la proporción de mujeres en gerencias de primera línea es el único indicador que evidencia una leve mejora respecto al reporte anterior"),
    };
    published(x);
  }
  {
    Study x = base("Estudio regional sobre conciliación laboral y familiar en trabajo remoto", "encuesta", 2020, {"cuidados", "covid19"}, {"Universidad de Talca", "Universidad del Biobío", "Universidad Autónoma de Chile"});
    x.fieldwork_start = "09-2020";
    x.regions = {"07"};
    x.executor = "SEREMI de la Mujer y la Equidad de Género del Maule";
    x.summary = "Encuesta aplicada con académicos y académicas de tres universidades sobre lo que ha significado para funcionarios y funcionarias públicas trabajar en forma remota; sus resultados se presentaron en un seminario internacional.";
    x.method = {.technique = "Encuesta", .universe = "Personas que trabajan en instituciones públicas"};
    x.findings = {
        count("Más de 3.200 personas que trabajan en instituciones públicas respondieron la encuesta.", 3200, "personas",
              "La encuesta aplicada fue respondida por más de 3.200 personas que trabajan en instituciones públicas"),
        count("Personas recibieron los resultados en un seminario internacional.", 280, "personas",
              "cuyos resultados fueron entregados a 280 personas en un seminario internacional"),
    };
    published(x);
  }
  // Under way in the seed: drafts, seen by the studies staff only.
  {
    Study x = base("Encuesta Nacional de equidad de género para educadores/as de párvulo", "encuesta", 2021, {"educacion"}, {"Ministerio de Educación", "ONU Mujeres"});
    x.fieldwork_start = "12-2020";
    x.fieldwork_end = "01-2021";
    x.executor = "Ministerio de Educación";
    x.summary = "Convocatoria masiva a educadoras y educadores de párvulo para contestar la encuesta; los resultados se están sistematizando.";
    x.method = {.technique = "Encuesta", .universe = "Educadoras y educadores de párvulo"};
    out.push_back(x);
  }
  {
    Study x = base("Nudos críticos de la ruta institucional de las mujeres sobrevivientes de violencia de género", "estudio", 2020, {"violencia"}, {"Banco Mundial"});
    x.executor = "Banco Mundial";
    x.summary = "Estudio solicitado al Banco Mundial para identificar los principales nudos críticos de la ruta institucional que recorren las mujeres sobrevivientes de violencia de género y las mejoras posibles al circuito intersectorial.";
    out.push_back(x);
  }
  {
    Study x = base("Potencial económico de incorporar a más mujeres en la economía digital (Proyecto APEC)", "estudio", 2020, {"economia_digital", "autonomia_economica"}, {"APEC"});
    x.executor = kMinistry;
    x.summary = "Estudio liderado por Chile para estimar el potencial económico que podría tener incorporar a más mujeres en la economía digital de la región.";
    out.push_back(x);
  }
  for (auto& x : out) {
    x.source = kSource;
    x.demo = true;
  }
  return out;
}

Result<void> Service::load_demo() {
  return db_.transaction<void>([&](soci::session& s) -> Result<void> {
    if (repo::count_demo(s) > 0) return {};
    const int64_t now = now_ms();
    for (const auto& x : seed_studies()) {
      const int64_t id = repo::insert_study(s, x, now);
      if (x.status == "publicado") repo::set_status(s, id, "publicado", "", now);
    }
    return {};
  });
}

}  // namespace eq::studies
