// Demo cases: fictional people (names combined at random from common Chilean names; RUNs built
// with a valid check digit from numbers no real person is likely to hold), recorded by two
// institutions so the masking, the referral inbox, the review queue and every shipped alert rule
// have something to show. Dates are relative to the day the demo is loaded.
#include <random>

#include "cases/module.h"
#include "core/rut.h"
#include "core/time.h"
#include "risk/instrument.h"

namespace eq::cases {

using Json = nlohmann::json;

namespace {

constexpr int64_t kDay = 24LL * 3600 * 1000;

std::string run_of(long number) { return std::to_string(number) + "-" + std::string(1, rut_check_digit(number)); }

Json person(const std::string& role, Json identity) { return {{"role", role}, {"identity", std::move(identity)}}; }
Json person_id(const std::string& role, int64_t id) { return {{"role", role}, {"person_id", id}}; }

Json record(const std::string& kind, int64_t at, const std::string& comuna, Json persons, Json details, bool consent = true) {
  return {{"kind", kind}, {"occurred_at", iso8601_utc(at)}, {"comuna_id", comuna}, {"consent_statistics", consent},
          {"persons", std::move(persons)}, {"details", std::move(details)}};
}

int64_t first_person(const Json& submitted, const std::string& role) {
  for (const auto& p : submitted["linkage"])
    if (p["role"] == role) return p["person_id"].get<int64_t>();
  return 0;
}

}  // namespace

Result<void> load_demo(Service& svc, int64_t inst_a, int64_t user_a, int64_t inst_b, int64_t user_b) {
  {
    auto lease = svc.db().lease();
    if (!lease) return fail(lease.error());
    if (!svc.person_ids(**lease).empty()) return {};  // already loaded
  }
  const int64_t now = now_ms();
  auto add = [&](int64_t inst, int64_t user, const Json& body) -> Result<Json> { return svc.submit_as(user, inst, body); };
  auto days_ago = [&](double d) { return now - static_cast<int64_t>(d * kDay); };

  // 1. Three contacts in 30 days across both institutions → "tres contactos en 30 días".
  Json ana = {{"run", run_of(19876543)}, {"given_names", "Ana María"}, {"surname1", "Soto"}, {"surname2", "Vergara"},
              {"birth_date", "14-03-1991"}, {"sex", "F"}, {"nationality", "chilena"}, {"comuna_id", "13101"},
              {"phone", "+56 9 6123 4567"}, {"address", "Pasaje Los Aromos 1234, Santiago"}};
  auto r1 = add(inst_a, user_a, record("contact", days_ago(20), "13101", {person("victim", ana)},
                                       {{"channel", "linea_1455"}, {"summary", "Llama por violencia psicológica de su pareja."}}));
  if (!r1) return fail(r1.error());
  const int64_t ana_id = first_person(*r1, "victim");
  // The police identify her by her RUN (so they serve her too; a probable match on names alone
  // would give them only the shared minimum).
  Json ana_typo = {{"run", ana["run"]}};
  Json aggressor = {{"given_names", "Luis Alberto"}, {"surname1", "Carrasco"}, {"surname2", "Paredes"}, {"birth_date", "1987"},
                    {"sex", "M"}, {"comuna_id", "13101"}};
  auto r2 = add(inst_b, user_b, record("complaint", days_ago(12), "13101", {person("victim", ana_typo), person("aggressor", aggressor)},
                                       {{"offence", "Lesiones leves en contexto de violencia intrafamiliar"},
                                        {"summary", "Denuncia en la 3.ª Comisaría de Santiago Central."}}));
  if (!r2) return fail(r2.error());
  const int64_t luis_id = first_person(*r2, "aggressor");
  auto r3 = add(inst_a, user_a, record("contact", days_ago(3), "13101", {person_id("victim", ana_id)},
                                       {{"channel", "presencial"}, {"summary", "Acude al centro con moretones; teme represalias."}}));
  if (!r3) return fail(r3.error());

  // 2. Vital risk, a protective order and its breach.
  // Every item answered with its first (lowest) answer; the professional raises the level with a reason.
  Json answers = Json::object();
  if (svc.instrument())
    for (const auto& item : svc.instrument()->items())
      if (!item.answers.empty()) answers[item.id] = item.answers.front().id;
  auto ra = add(inst_a, user_a,
                record("risk_assessment", days_ago(2), "13101", {person_id("victim", ana_id)},
                       {{"answers", answers}, {"level", "vital"},
                        {"raise_reason", "Amenaza de muerte con arma blanca relatada en la entrevista."}}));
  if (!ra) return fail(ra.error());
  auto order = add(inst_b, user_b,
                   record("protective_order", days_ago(10), "13101", {person_id("victim", ana_id), person_id("aggressor", luis_id)},
                          {{"court", "Juzgado de Familia de Santiago (1.º)"}, {"order_type", "prohibicion_acercamiento"},
                           {"distance_m", 200}, {"places", Json::array({"domicilio de la víctima", "lugar de trabajo"})},
                           {"starts_on", format_date_cl(days_ago(10))}, {"ends_on", format_date_cl(now + 170 * kDay)}}));
  if (!order) return fail(order.error());
  auto breach = add(inst_b, user_b,
                    record("order_breach", days_ago(1), "13101", {person_id("victim", ana_id), person_id("aggressor", luis_id)},
                           {{"order_record_id", (*order)["id"]}, {"description", "Se presenta en el domicilio de la víctima de noche."}}));
  if (!breach) return fail(breach.error());

  // 3. The same aggressor with a second victim → "agresor con dos o más víctimas".
  Json rosa = {{"run", run_of(21345678)}, {"given_names", "Rosa Elena"}, {"surname1", "Muñoz"}, {"surname2", "Tapia"},
               {"birth_date", "02-11-1995"}, {"sex", "F"}, {"comuna_id", "13112"}, {"phone", "+56 9 7222 1133"}};
  auto r5 = add(inst_b, user_b, record("complaint", days_ago(40), "13112", {person("victim", rosa), person_id("aggressor", luis_id)},
                                       {{"offence", "Amenazas"}, {"summary", "Denuncia por amenazas reiteradas de su expareja."}}));
  if (!r5) return fail(r5.error());
  const int64_t rosa_id = first_person(*r5, "victim");

  // 4. Rosa also calls the centre, which identifies her by her RUN (so it serves her), and refers
  //    her to the police; the referral is not acknowledged in time.
  auto r5b = add(inst_a, user_a, record("contact", days_ago(3), "13112", {person("victim", Json{{"run", rosa["run"]}, {"phone", rosa["phone"]}})},
                                        {{"channel", "linea_1455"}, {"summary", "Llama para pedir orientación; teme a su expareja."}}));
  if (!r5b) return fail(r5b.error());
  auto ref = add(inst_a, user_a, record("referral", days_ago(2.5), "13112", {person_id("victim", rosa_id)},
                                        {{"to_institution_id", inst_b}, {"consent", true},
                                         {"reason", "Requiere medidas de protección urgentes; consiente compartir sus datos."}}));
  if (!ref) return fail(ref.error());

  // 5. A migrant woman without RUN, twice with spelling differences: the centre's record of her is
  //    uncertain enough to go to the centre's review queue.
  Json yelitza = {{"other_document", "V-24567890"}, {"document_type", "pasaporte"}, {"given_names", "Yelitza"},
                  {"surname1", "Rodríguez"}, {"surname2", "Pérez"}, {"birth_date", "07-1993"}, {"sex", "F"},
                  {"nationality", "venezolana"}, {"comuna_id", "13101"}};
  auto r6 = add(inst_b, user_b, record("contact", days_ago(30), "13101", {person("victim", yelitza)},
                                       {{"channel", "presencial"}, {"summary", "Consulta en comisaría; no desea denunciar aún."}}));
  if (!r6) return fail(r6.error());
  Json yelitza2 = {{"given_names", "Yelitza"}, {"surname1", "Rodrigues"}, {"surname2", "Pérez"}, {"birth_date", "07-1993"},
                   {"sex", "F"}, {"nationality", "venezolana"}, {"comuna_id", "13101"}};
  auto r7 = add(inst_a, user_a, record("contact", days_ago(6), "13114", {person("victim", yelitza2)},
                                       {{"channel", "chat_silencioso"}, {"summary", "Escribe por el chat silencioso pidiendo orientación."}}));
  if (!r7) return fail(r7.error());

  // 6. Half a year of consented contacts, most in four comunas, for the statistics screen: its
  //    cells are one month × one comuna, and cells of 1–4 are left out (see Service::statistics).
  static const char* given[] = {"Camila", "Valentina", "Francisca", "Constanza", "Javiera", "Catalina", "Fernanda",
                                "Daniela", "Carolina", "Paula", "Marcela", "Claudia", "Patricia", "Carmen", "Josefa"};
  static const char* surnames[] = {"González", "Muñoz", "Rojas", "Díaz", "Pérez", "Soto", "Contreras", "Silva",
                                   "Martínez", "Sepúlveda", "Morales", "Rodríguez", "López", "Fuentes", "Hernández"};
  static const char* comunas[] = {"13101", "13110", "13112", "13201", "13123", "13114", "05101", "08101"};
  static const char* channels[] = {"linea_1455", "chat_silencioso", "whatsapp", "presencial", "mascarilla_19", "municipal"};
  std::mt19937 rng(2021);
  for (int i = 0; i < 240; ++i) {
    const char* comuna = comunas[rng() % 10 < 8 ? rng() % 4 : 4 + rng() % 4];
    Json who = {{"run", run_of(22000000 + static_cast<long>(rng() % 900000))}, {"given_names", given[rng() % 15]},
                {"surname1", surnames[rng() % 15]}, {"surname2", surnames[rng() % 15]},
                {"birth_date", std::to_string(1960 + rng() % 45)}, {"sex", "F"}, {"comuna_id", comuna}};
    const double ago = 5 + (rng() % 180);
    const bool a = rng() % 2;
    const bool contact = rng() % 3 != 0;
    Json details = contact ? Json{{"channel", channels[rng() % 6]}} : Json{{"offence", "Violencia intrafamiliar"}};
    auto r = add(a ? inst_a : inst_b, a ? user_a : user_b,
                 record(contact ? "contact" : "complaint", days_ago(ago), comuna, {person("victim", who)}, details, rng() % 10 != 0));
    if (!r) return fail(r.error());
  }
  return {};
}

}  // namespace eq::cases
