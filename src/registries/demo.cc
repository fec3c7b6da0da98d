// Demo data of the ministry's registries.
//
// Certified organisations: GENERATED (names from word lists, RUTs from the 76.9 million range with
// valid check digits), each marked demo, in the numbers the seed gives: 62 IPG Chile adherents and
// 15 in the process of signing, 36 organisations certified under NCh3262 at April 2021 (all under
// the 2012 edition then in force; the 2021 edition was still before the INN council). The seed gives
// no count for the Sello Iguala-Conciliación, which the ministry grants from the certification: the
// demo gives it to each certified organisation and says so. No certifier, scope or date is given by
// the seed: they stay "sin información".
//
// Agreements: the seed's (Cuenta Pública 2020–2021, "Convenios celebrados"), with ONLY the facts it
// gives (parties, the month or year of signature, the Walmart end date 31-12-2021, what was done);
// what it does not give stays unknown. One more agreement, titled as a demo, has dates counted from
// today so that the expiry and missed-obligation alerts can be seen.
#include "core/rut.h"
#include "core/time.h"
#include "registries/module.h"

namespace eq::registries {

namespace {
const char* kFirst[] = {"Andes", "Pacífico", "Austral", "Cordillera", "Altiplano", "Litoral", "Araucaria", "Copihue", "Maipo", "Biobío",
                        "Atacama", "Patagonia", "Valle Central", "Huemul", "Quillay"};
const char* kSector[] = {"Energía", "Minera", "Retail", "Servicios Financieros", "Alimentos", "Construcción", "Logística", "Salud",
                         "Telecomunicaciones", "Seguros", "Forestal", "Sanitaria"};
const char* kForm[] = {"S.A.", "SpA", "Ltda."};

constexpr const char* kSeedAgreements = "Cuenta Pública 2020–2021, capítulo «Convenios celebrados»";
constexpr const char* kMinistry = "Ministerio de la Mujer y la Equidad de Género";
constexpr const char* kSernameg = "Servicio Nacional de la Mujer y la Equidad de Género";

std::vector<Agreement> seed_agreements(int64_t now) {
  std::vector<Agreement> out;
  auto add = [&](Agreement a) {
    a.source = std::string(kSeedAgreements) + (a.source.empty() ? "" : ": " + a.source);
    a.updated_at = now;
    a.demo = true;
    out.push_back(std::move(a));
  };
  add({.title = "Programa de Capacitación Renace",
       .purpose = "Apoyar la plena reinserción social de mujeres privadas de libertad en recintos de Gendarmería de Chile, con "
                  "capacitación no estereotipada (áreas STEM).",
       .status = "en_ejecucion",
       .source = "fecha de firma y vigencia no informadas",
       .parties = {kMinistry, "Gendarmería de Chile"},
       .obligations = {{0, "Capacitación a capacitadores en orientación vocacional no estereotipada", "Sin información", "", "cumplida"},
                       {0, "Piloto socioeducativo en las nuevas unidades penales y alianzas con empresas", "Sin información", "", "pendiente"}}});
  add({.title = "Feria Mujer Emprende (Walmart Chile)",
       .purpose = "Ferias regionales de comercialización para promocionar emprendimientos liderados por mujeres.",
       .status = "suscrito",
       .source = "suscrito en 2019; desde junio de 2020 no fue posible programar ferias regionales",
       .parties = {"Walmart Chile", kMinistry},
       .signed_on = "2019",
       .obligations = {{0, "Ferias regionales de comercialización", "Walmart Chile y Ministerio", "", "pendiente"}}});
  add({.title = "Espacios Solidarios Permanentes (Walmart Chile)",
       .purpose = "Dejar establecidos espacios permanentes de comercialización para emprendedoras (San Fernando y Rengo), sumados a "
                  "las ferias regionales comprometidas.",
       .status = "en_ejecucion",
       .source = "firmado en enero de 2021, con vigencia hasta el 31 de diciembre de 2021",
       .parties = {"Walmart Chile", kMinistry},
       .signed_on = "01-2021",
       .ends_on = "31-12-2021",
       .obligations = {{0, "Espacios permanentes de comercialización en San Fernando y Rengo", "Walmart Chile", "", "pendiente"}}});
  add({.title = "Convenio de Subsidio Habitacional de Mujeres Víctimas de Violencia",
       .purpose = "Acceso a la vivienda (arriendo primero, luego vivienda definitiva) para mujeres víctimas de violencia atendidas "
                  "por centros y casas SernamEG.",
       .status = "suscrito",
       .source = "firmado en noviembre de 2020; en elaboración del protocolo de implementación",
       .parties = {"Ministerio de Vivienda y Urbanismo", kSernameg, kMinistry},
       .signed_on = "11-2020",
       .obligations = {{0, "Mesa técnica de las tres instituciones", "Las tres instituciones", "", "cumplida"},
                       {0, "Protocolo de implementación", "Mesa técnica", "", "pendiente"}}});
  add({.title = "Convenio de colaboración con el Ministerio de Bienes Nacionales",
       .purpose = "Herramientas para que las participantes de los programas de SernamEG accedan a la regularización de la pequeña "
                  "propiedad raíz.",
       .status = "en_ejecucion",
       .source = "firmado en septiembre de 2020",
       .parties = {"Ministerio de Bienes Nacionales", kMinistry},
       .signed_on = "09-2020",
       .obligations = {{0, "Procedimiento de derivación de casos y de regularización", "Sin información", "", "cumplida"},
                       {0, "Material de difusión", "Sin información", "", "cumplida"},
                       {0, "Capacitación a profesionales del Ministerio y de SernamEG", "Sin información", "", "cumplida"}}});
  add({.title = "Convenio de Colaboración Interinstitucional de asistencia jurídica",
       .purpose = "Acciones coordinadas para la oportuna asistencia jurídica a mujeres víctimas de vulneraciones de derechos humanos.",
       .status = "en_ejecucion",
       .source = "firmado en octubre de 2020",
       .parties = {"Ministerio de Justicia y Derechos Humanos", kMinistry, kSernameg, "Corporación de Asistencia Judicial"},
       .signed_on = "10-2020",
       .obligations = {{0, "Talleres sobre violencia contra las mujeres para profesionales de las CAJ (Tarapacá, Antofagasta, "
                           "Valparaíso, Metropolitana y Biobío)",
                        "Ministerio y SernamEG", "", "pendiente"}}});
  add({.title = "Convenio de colaboración para relevar el rol de la mujer indígena",
       .purpose = "Cooperación para políticas y programas con perspectiva de género que releven el rol de la mujer indígena.",
       .status = "suscrito",
       .source = "firmado el 5 de septiembre de 2020",
       .parties = {kMinistry, "Ministerio de Desarrollo Social y Familia", "Corporación Nacional de Desarrollo Indígena"},
       .signed_on = "05-09-2020"});
  // Not in the seed: dates counted from today, so the alerts show. Its title says it is a demo.
  const std::string in45 = format_date_cl(now + 45 * 86400000LL), ago10 = format_date_cl(now - 10 * 86400000LL);
  out.push_back({.title = "Convenio de demostración (ficticio): alertas de vencimiento",
                 .purpose = "Convenio ficticio para ver las alertas: vence en 45 días y tiene una obligación con plazo vencido.",
                 .status = "en_ejecucion",
                 .source = "Ficticio: no proviene de la cuenta pública.",
                 .parties = {kMinistry, "Organización de demostración"},
                 .signed_on = format_date_cl(now - 300 * 86400000LL),
                 .starts_on = format_date_cl(now - 300 * 86400000LL),
                 .ends_on = in45,
                 .obligations = {{0, "Informe de avance semestral", "Organización de demostración", ago10, "pendiente"},
                                 {0, "Plan de trabajo anual", kMinistry, format_date_cl(now - 200 * 86400000LL), "cumplida"}},
                 .documents = {{0, "Texto del convenio (enlace de demostración)", "https://www.minmujeryeg.gob.cl/", "texto"}},
                 .updated_at = now,
                 .demo = true});
  return out;
}
}  // namespace

Result<void> Service::load_demo() {
  const int64_t now = now_ms();
  return db_.transaction<void>([&](soci::session& s) -> Result<void> {
    if (repo::count_demo(s) > 0) return {};
    const int total = kSeedIpgAdhered + kSeedIpgInProcess;
    for (int i = 0; i < total; ++i) {
      Organisation o;
      o.name = std::string(kFirst[i % 15]) + " " + kSector[(i / 15 * 5 + i % 15) % 12] + " " + kForm[i % 3];
      const long number = 76'900'000L + i * 1'301L;
      o.rut = rut_canonical({number, rut_check_digit(number)});
      o.demo = true;
      o.id = repo::insert_org(s, o);
      auto add = [&](const std::string& program, const std::string& status, const std::string& edition) {
        Certification c;
        c.org = o;
        c.program = program;
        c.status = status;
        c.edition = edition;
        c.updated_at = now;
        c.demo = true;
        c.id = repo::insert_cert(s, c);
        repo::insert_history(s, c.id, {now, status, "Carga de demostración (cifras de la cuenta pública 2020–2021)", "Carga de demostración", std::nullopt});
      };
      add("ipg", i < kSeedIpgAdhered ? "adherida" : "en_proceso_firma", "");
      if (i < kSeedNch3262Certified) {
        add("nch3262", "certificada", "NCh3262:2012");
        add("sello_iguala", "otorgado", "");
      }
    }
    for (const auto& a : seed_agreements(now)) repo::insert_agreement(s, a);
    return {};
  });
}

}  // namespace eq::registries
