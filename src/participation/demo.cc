// Demo data: one consultation process on the published demo edition, open now, with a few demo
// citizens' comments anchored to real passages of that edition's text and questions, some
// answered. Every figure shown («N de M respondidas a tiempo») is computed from these records.
#include "core/time.h"
#include "participation/module.h"

namespace eq::participation {

Result<void> Service::load_demo(int64_t now) {
  auto all = editions_.published();
  if (!all) return fail(all.error());
  const PublishedEdition* demo = nullptr;
  for (const auto& e : *all)
    if (e.demo) demo = &e;
  if (!demo) return {};  // no demo edition: nothing to consult on
  constexpr int64_t day = 86400000LL;
  return db_.transaction<void>([&](soci::session& s) -> Result<void> {
    if (Repository::has_demo(s)) return {};
    Process p;
    p.period = demo->period;
    p.title = "Consulta ciudadana sobre la Cuenta Pública " + demo->period + " (datos de demostración)";
    p.consult_from = now - 5 * day;
    p.answers_from = now + 20 * day;
    p.final_from = now + 40 * day;
    p.answer_days = 10;
    p.phase = phase_at(p, now);
    p.phase_at = now;
    p.demo = true;
    p.id = Repository::insert_process(s, p);

    const char* names[] = {"Carolina", "Javiera", "Francisca", "Marcela", "Antonia"};
    std::vector<int64_t> citizens;
    for (int i = 0; i < 5; ++i) {
      const std::string email = "participante" + std::to_string(i + 1) + "@participacion.demo";
      citizens.push_back(Repository::insert_citizen(s, keys_.encrypt(email), keys_.blind_index(email), names[i], true, now - 5 * day));
    }
    // A comment on the first sentence of each section that has text, by turns.
    int n = 0;
    for (const auto& sec : demo->sections) {
      const auto end = sec.text.find(". ");
      if (sec.text.empty() || end == std::string::npos || end < 20) continue;
      Post c;
      c.process_id = p.id;
      c.citizen_id = citizens[n % citizens.size()];
      c.kind = "comentario";
      c.section_key = sec.key;
      c.quote = sec.text.substr(0, end + 1);
      c.quote_offset = 0;
      c.edition_id = demo->id;
      c.body = "Comentario de demostración sobre la sección «" + sec.title + "»: ¿cómo se medirá el avance de esta línea en las regiones?";
      c.created_at = now - (4 - n % 4) * day;
      c.demo = true;
      Repository::insert_post(s, c);
      if (++n == 4) break;
    }
    // Questions by topic and region; the first two answered within their due date.
    const std::vector<std::tuple<std::string, std::string, std::string>> qs = {
        {"violencia", "13", "¿Cuántos Centros de la Mujer nuevos abrirán en la Región Metropolitana el próximo año?"},
        {"autonomia_economica", "08", "¿Qué programas de empleo para mujeres jefas de hogar hay en la Región del Biobío?"},
        {"corresponsabilidad", "", "¿Se ampliará la sala cuna a las trabajadoras independientes?"},
        {"participacion", "10", "¿Cómo puedo integrar el consejo de la sociedad civil del Ministerio?"}};
    for (size_t i = 0; i < qs.size(); ++i) {
      Post q;
      q.process_id = p.id;
      q.citizen_id = citizens[(i + 1) % citizens.size()];
      q.kind = "pregunta";
      std::tie(q.topic, q.region_id, q.body) = qs[i];
      q.body += " (pregunta de demostración)";
      q.created_at = now - static_cast<int64_t>(3 - i % 3) * day;
      q.due_at = add_business_days(std::max(q.created_at, p.answers_from), p.answer_days);
      q.demo = true;
      q.id = Repository::insert_post(s, q);
      if (i < 2)
        Repository::answer(s, q.id, "Respuesta de demostración del Ministerio: la información de esta pregunta se publicará en la sección regional de la cuenta.",
                           "Ministerio de la Mujer y la Equidad de Género", now - day);
    }
    audit::Entry e;
    e.action = "participation.demo_loaded";
    e.object = "proceso:" + std::to_string(p.id);
    e.outcome = "ok";
    audit_->append(s, e);
    return {};
  });
}

}  // namespace eq::participation
