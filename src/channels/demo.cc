// Demo contacts: the last three days of the line, computed from a seeded generator (no typed
// figures), plus two calls waiting now so the console has something to take. Demo data only.
#include <random>

#include "channels/repository.h"
#include "core/time.h"

namespace eq::channels {

// The seed's figure (Cuenta Pública 2020–2021, "Plan de Emergencia COVID-19"): 126.645 calls to
// Fono 1455 in 2020, a leap year. The demo's daily volume is a small fraction of that day rate,
// computed here and checked in tests/channels/queue_test.cc.
int64_t seed_calls_2020() { return 126'645; }
int64_t seed_calls_per_day_2020() { return (seed_calls_2020() + 183) / 366; }
int64_t demo_contacts_per_day() { return seed_calls_per_day_2020() / 10; }

Result<void> Service::load_demo(int64_t operator_user, int64_t institution, int64_t now) {
  return db_.transaction<void>([&](soci::session& s) -> Result<void> {
    Repository repo(keys_);
    if (repo.any_with_ref_prefix(s, "demo-")) return {};
    std::mt19937 rng(1455);
    auto pick = [&](const Vocabulary& v, size_t limit) { return v.terms()[rng() % std::min(limit, v.terms().size())].id; };
    const int64_t day = 86'400'000;
    for (int d = 3; d >= 1; --d) {
      // The line opens at 08:00 in Santiago: that day's local midnight plus eight hours.
      auto midnight = parse_date_cl(format_date_cl(now - d * day), "date");
      if (!midnight) return fail(midnight.error());
      const int64_t start = *midnight + 8 * 3'600'000LL;
      for (int64_t i = 0; i < demo_contacts_per_day(); ++i) {
        Contact c;
        c.channel = rng() % 10 < 8 ? "phone" : "chat";
        c.external_ref = "demo-" + std::to_string(d) + "-" + std::to_string(i);
        c.state = "waiting";
        c.urgent = rng() % 12 == 0;
        c.priority = c.urgent ? 2 : 0;
        // Spread over the opening hours' 16 hours, busier in the afternoon.
        c.created_at = start + static_cast<int64_t>((rng() % 16) * 3'600'000 + rng() % 3'600'000);
        c.caller_hash = caller_hash("demo", std::to_string(rng() % 400));
        c.id = repo.insert_contact(s, c);
        auto stored = repo.contact(s, c.id);
        if (rng() % 100 < 7) {  // hung up while waiting
          stored->state = "abandoned";
          stored->left_at = stored->closed_at = c.created_at + static_cast<int64_t>(20'000 + rng() % 240'000);
          stored->left_why = "colgó antes de ser atendida";
        } else {
          stored->state = "closed";
          stored->holder_user_id = operator_user;
          stored->holder_institution_id = institution;
          stored->taken_at = c.created_at + static_cast<int64_t>(5'000 + rng() % (c.urgent ? 30'000 : 300'000));
          stored->closed_at = *stored->taken_at + static_cast<int64_t>(120'000 + rng() % 1'500'000);
          const int kind = static_cast<int>(rng() % 10);
          if (kind < 2) {
            stored->outcome = pick(outcomes(), outcomes().terms().size());
            if (data_outcome(stored->outcome)) stored->outcome = "silencio";
          } else {
            stored->reason = pick(reasons(), reasons().terms().size());
            stored->violence_type = pick(violence_types(), 5);
            stored->outcome = kind < 8 ? "orientacion" : "informacion";
            std::vector<std::string> yes;
            for (const auto& q : risk_screen())
              if (rng() % 5 == 0) yes.push_back(q.id);
            stored->risk_yes = yes;
            stored->risk_level = screen_level(yes);
            stored->orientation = "Orientación de demostración: red de apoyo y derechos.";
          }
        }
        repo.save_contact(s, *stored);
        repo.event(s, c.id, c.created_at, "opened", std::nullopt, "demostración");
      }
    }
    // Two calls waiting now (one urgent), for the console.
    for (int i = 1; i <= 2; ++i) {
      Contact c;
      c.channel = "phone";
      c.external_ref = "demo-waiting-" + std::to_string(i);
      c.state = "waiting";
      c.urgent = i == 1;
      c.priority = c.urgent ? 2 : 0;
      c.created_at = now - i * 45'000;
      c.opening_text = i == 1 ? "Demostración: llamada marcada como urgente por la central." : "";
      c.id = repo.insert_contact(s, c);
      repo.event(s, c.id, c.created_at, "opened", std::nullopt, "demostración");
    }
    return {};
  });
}

}  // namespace eq::channels
