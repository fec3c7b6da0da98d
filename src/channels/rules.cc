// The help channels' vocabularies, the short risk screen and the opening hours: pure, no IO.
#include <date/tz.h>

#include <algorithm>
#include <cstdio>

#include "channels/module.h"

namespace eq::channels {

const Vocabulary& channel_names() {
  static const Vocabulary v = {{"phone", "Fono 1455"}, {"chat", "Chat silencioso"}, {"whatsapp", "WhatsApp"}, {"pharmacy", "Mascarilla 19"}};
  return v;
}

// Aselo's lesson: a silence, a hang-up, a wrong number, a test or an abusive caller are recorded
// outcomes, not lost contacts, so the statistics count them.
const Vocabulary& outcomes() {
  static const Vocabulary v = {{"orientacion", "Orientación entregada"},
                               {"derivacion", "Derivación a la red"},
                               {"emergencia", "Emergencia: derivada a 133 o al centro de control"},
                               {"informacion", "Solo información"},
                               {"silencio", "Silencio"},
                               {"corto", "Cortó"},
                               {"numero_equivocado", "Número equivocado"},
                               {"prueba", "Prueba"},
                               {"abusivo", "Llamada abusiva"}};
  return v;
}

bool data_outcome(const std::string& outcome) {
  return outcome == "orientacion" || outcome == "derivacion" || outcome == "emergencia" || outcome == "informacion";
}

const Vocabulary& violence_types() {
  static const Vocabulary v = {{"fisica", "Física"},       {"psicologica", "Psicológica"}, {"sexual", "Sexual"},
                               {"economica", "Económica"}, {"digital", "Digital"},         {"otra", "Otra"},
                               {"no_aplica", "No aplica"}};
  return v;
}

const Vocabulary& reasons() {
  static const Vocabulary v = {{"violencia_pareja", "Violencia de pareja o expareja"},
                               {"violencia_familiar", "Violencia intrafamiliar"},
                               {"violencia_sexual", "Violencia sexual"},
                               {"acoso", "Acoso"},
                               {"consulta_derechos", "Consulta sobre derechos o trámites"},
                               {"tercera_persona", "Llama por otra persona"},
                               {"otro", "Otro motivo"}};
  return v;
}

const Vocabulary& presences() {
  static const Vocabulary v = {{"disponible", "Disponible"}, {"ocupada", "Ocupada"}, {"pausa", "En pausa"}, {"desconectada", "Desconectada"}};
  return v;
}

const std::vector<ScreenQuestion>& risk_screen() {
  static const std::vector<ScreenQuestion> q = {
      {"agresor_presente", "¿La persona agresora está ahí ahora o puede llegar pronto?", 3},
      {"amenaza_muerte", "¿La ha amenazado de muerte o con un arma?", 3},
      {"lesiones", "¿Tiene lesiones o necesita atención médica?", 2},
      {"violencia_aumento", "¿La violencia ha aumentado en frecuencia o gravedad?", 1},
      {"ninos_riesgo", "¿Hay niñas, niños o adolescentes en riesgo?", 1},
  };
  return q;
}

std::string screen_level(const std::vector<std::string>& yes) {
  int total = 0, top = 0;
  for (const auto& q : risk_screen())
    if (std::find(yes.begin(), yes.end(), q.id) != yes.end()) {
      total += q.weight;
      top = std::max(top, q.weight);
    }
  if (top >= 3) return "vital";
  if (total >= 3) return "alto";
  if (total >= 1) return "medio";
  return "bajo";
}

namespace {
const char* kDays[] = {"", "lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"};
std::string hhmm(int m) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d:%02d", (m / 60) % 100, m % 60);
  return buf;
}
}  // namespace

Result<Hours> Hours::parse(const std::string& spec) {
  Hours h;
  auto bad = [&] {
    return fail(Error::invalid("hours", "El horario debe escribirse «1-5 08:00-24:00» (días ISO, hora de Santiago) o «24/7».", "invalid_hours"));
  };
  if (spec == "24/7") {
    h.always = true;
  } else {
    int d1, d2, h1, m1, h2, m2;
    char tail;
    if (std::sscanf(spec.c_str(), "%d-%d %d:%d-%d:%d%c", &d1, &d2, &h1, &m1, &h2, &m2, &tail) != 6) return bad();
    if (d1 < 1 || d1 > 7 || d2 < d1 || d2 > 7 || h1 < 0 || h1 > 23 || m1 < 0 || m1 > 59 || h2 < 0 || h2 > 24 || m2 < 0 || m2 > 59)
      return bad();
    h.first_day = d1;
    h.last_day = d2;
    h.open_minute = h1 * 60 + m1;
    h.close_minute = h2 * 60 + m2;
    if (h.close_minute <= h.open_minute || h.close_minute > 24 * 60) return bad();
  }
  h.message = "El Fono 1455 atiende " + h.describe() +
              ". Si está en peligro ahora, llame al 133 (Carabineros). También puede escribir al WhatsApp +56 9 9700 7000.";
  return h;
}

std::string Hours::describe() const {
  if (always) return "todos los días, las 24 horas";
  std::string days = first_day == last_day ? kDays[first_day] : std::string(kDays[first_day]) + " a " + kDays[last_day];
  return days + ", de " + hhmm(open_minute) + " a " + hhmm(close_minute) + " horas";
}

bool Hours::open_at(int64_t utc_ms) const {
  if (always) return true;
  static const date::time_zone* const zone = date::locate_zone("America/Santiago");
  const auto local = zone->to_local(date::sys_time<std::chrono::milliseconds>{std::chrono::milliseconds{utc_ms}});
  const auto day = date::floor<date::days>(local);
  const int weekday = static_cast<int>(date::weekday{day}.iso_encoding());
  const int minute = static_cast<int>(std::chrono::duration_cast<std::chrono::minutes>(local - day).count());
  return weekday >= first_day && weekday <= last_day && minute >= open_minute && minute < close_minute;
}

int local_hour(int64_t utc_ms) {
  static const date::time_zone* const zone = date::locate_zone("America/Santiago");
  const auto local = zone->to_local(date::sys_time<std::chrono::milliseconds>{std::chrono::milliseconds{utc_ms}});
  return static_cast<int>(std::chrono::duration_cast<std::chrono::hours>(local - date::floor<date::days>(local)).count());
}

}  // namespace eq::channels
