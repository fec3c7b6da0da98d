// Demo agenda: the laws and bills of the Ministry's 2020–2021 public account ("Cuenta Pública",
// section AGENDA LEGISLATIVA and "Programación 2021-2022"), and nothing the account does not say.
// Where it gives no date, the date is left empty rather than invented; where it gives no stage,
// the assumption is written below and in the bill's timeline.
#include "core/time.h"
#include "legislative/module.h"

namespace eq::legislative {

namespace {

struct DemoEvent {
  const char* kind;
  const char* date;  // dd-mm-aaaa, "" when the source gives none
  const char* stage;
  const char* urgency;
  const char* note;
};

struct DemoBill {
  const char* boletin;  // "" when the source omits it (both laws)
  const char* title;
  const char* kind;            // "" = not stated in the source
  const char* origin_chamber;  // "" = not stated and not inferable
  const char* entered_on;      // "" = not stated
  const char* stage;
  const char* committee;
  const char* law_number;
  const char* published_on;
  std::vector<DemoEvent> events;
};

const std::vector<DemoBill>& demo_bills() {
  static const std::vector<DemoBill> all = {
      {"", "Amplía el marco legal del femicidio («Ley Gabriela»)", "", "", "", "publicada", "", "21.212", "04-03-2020",
       {{"stage", "04-03-2020", "publicada", "", "Publicada en el Diario Oficial el 4 de marzo de 2020."}}},
      // The account says "publicada en septiembre de 2020" without the day: no publication date.
      {"", "Suprime el impedimento de segundas nupcias de las mujeres («Ley de Segundas Nupcias»)", "", "", "", "publicada", "",
       "21.264", "",
       {{"stage", "", "publicada", "", "Publicada en septiembre de 2020 (la Cuenta Pública no indica el día)."}}},
      // Second stage in the Senate, so it came from the Chamber of Deputies. Suma urgency, undated.
      {"11077-07", "Sobre el derecho de las mujeres a una vida libre de violencia", "", "camara", "", "segundo_tramite",
       "Comisión de Constitución, Legislación, Justicia y Reglamento del Senado", "", "",
       {{"stage", "", "segundo_tramite", "",
         "Despachado por la comisión especial de la mujer y la igualdad de género a la Comisión de Constitución del Senado "
         "para su discusión en particular."},
        {"urgency_set", "", "", "suma", "Con suma urgencia según la Cuenta Pública 2021, que no indica la fecha de cuenta."}}},
      {"7567-07", "Modifica el régimen patrimonial de sociedad conyugal", "", "camara", "", "segundo_tramite",
       "Comisión especial encargada de conocer iniciativas y tramitar proyectos de ley relacionados con la mujer y la "
       "igualdad de género (Senado)", "", "",
       {{"stage", "", "segundo_tramite", "", ""}}},
      {"11758-07", "Reforma constitucional que establece el deber del Estado de promover la igualdad de derechos entre mujeres y hombres",
       "", "camara", "", "segundo_tramite", "Comisión de Constitución, Legislación, Justicia y Reglamento del Senado", "", "",
       {{"stage", "", "segundo_tramite", "", "En espera del proceso constituyente."}}},
      // First stage in the Senate, so the Senate is the chamber of origin. Suma urgency, undated.
      {"12026-13", "Sala Cuna Universal", "", "senado", "", "primer_tramite", "Comisión de Hacienda del Senado", "", "",
       {{"stage", "", "primer_tramite", "", ""},
        {"urgency_set", "", "", "suma", "Con suma urgencia según la Cuenta Pública 2021, que no indica la fecha de cuenta."}}},
      {"12473-07", "Sanciona el acoso en cualquier medio, incluidos el acoso cibernético y la exhibición de imágenes con contenido sexual",
       "", "camara", "", "primer_tramite",
       "Comisión de Constitución, Legislación, Justicia y Reglamento de la Cámara de Diputados", "", "",
       {{"stage", "", "primer_tramite", "", ""}}},
      // ASSUMPTION: the account only lists it as "en tramitación", so it is shown in the first
      // stage. The account's paragraph on a presidential message of 09-03-2021 on alimony (with
      // simple urgency) names no boletín, so it is not attached to this one.
      {"13330-07", "Abandono de familia y pago de pensiones de alimentos", "", "", "", "primer_tramite", "", "", "",
       {{"stage", "", "primer_tramite", "", "La Cuenta Pública 2021 no indica la etapa; se registra en primer trámite."}}},
      // ASSUMPTION: entered 27-05-2020 (stated); stage not stated, shown in the first stage.
      {"13541-07",
       "Establece una modalidad alternativa de cumplimiento de la prisión preventiva y regula el monitoreo telemático en el Código "
       "Procesal Penal y en la Ley N° 20.066", "", "", "27-05-2020", "primer_tramite", "", "", "",
       {{"stage", "27-05-2020", "primer_tramite", "", "Ingreso al Congreso Nacional. La Cuenta Pública 2021 no indica la etapa actual."}}},
      // Third stage, sent by the Senate to a joint committee: in the third stage the chamber of
      // origin votes the other's amendments, so the Senate is the chamber of origin.
      {"9715-07", "Control telemático de la prohibición de acercamiento a la víctima en sede de familia", "", "senado", "",
       "comision_mixta", "Comisión Mixta", "", "",
       {{"stage", "", "tercer_tramite", "", ""},
        {"stage", "", "comision_mixta", "",
         "Despachado por el Senado a Comisión Mixta, donde se presentará una indicación sustitutiva que recoja las ideas del "
         "boletín 13541-07."}}},
  };
  return all;
}

std::optional<int64_t> day_ms(const char* text) {
  if (!*text) return std::nullopt;
  auto ms = parse_date_cl(text, "demo");
  if (!ms) throw std::runtime_error(std::string("fecha de demostración inválida: ") + text);
  return *ms;
}

}  // namespace

Result<void> load_demo(store::Database& db, audit::Log& audit) {
  return db.transaction<void>([&](soci::session& s) -> Result<void> {
    int added = 0;
    for (const auto& d : demo_bills()) {
      const bool exists = *d.boletin ? Repository::bill_id_by_boletin(s, d.boletin).has_value()
                                     : Repository::bill_id_by_law(s, d.law_number).has_value();
      if (exists) continue;
      Bill b;
      if (*d.boletin) b.boletin = d.boletin;
      b.title = d.title;
      b.kind = d.kind;
      b.origin_chamber = d.origin_chamber;
      b.entered_at = day_ms(d.entered_on);
      b.stage = d.stage;
      b.committee = d.committee;
      if (*d.law_number) b.law_number = d.law_number;
      b.published_at = day_ms(d.published_on);
      b.id = Repository::insert_bill(s, b);
      std::string prev;
      for (const auto& de : d.events) {
        Event e;
        e.bill_id = b.id;
        e.kind = de.kind;
        e.at = day_ms(de.date);
        e.stage = de.stage;
        if (e.kind == "stage") {
          e.from_stage = prev;
          prev = e.stage;
          if (e.stage == b.stage) e.committee = b.committee;
        }
        e.urgency = de.urgency;
        e.note = de.note;
        Repository::insert_event(s, e, std::nullopt);
      }
      ++added;
    }
    if (added > 0) {
      audit::Entry entry;
      entry.action = "legislative.demo_load";
      entry.outcome = "ok";
      entry.detail = std::to_string(added) + " proyectos y leyes de demostración";
      audit.append(s, entry);
    }
    return {};
  });
}

}  // namespace eq::legislative
