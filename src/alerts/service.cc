// Storage and workflow of early alerts. Every change is written with its event and its audit
// entry in the same transaction, so the inbox, the alert's history and the audit log never
// disagree.
#include <algorithm>
#include <map>
#include <regex>
#include <set>

#include "alerts/access.h"
#include "alerts/module.h"
#include "core/text.h"
#include "core/time.h"
#include "store/query.h"

namespace eq::alerts {

namespace {

using nlohmann::json;
using store::get_int;
using store::get_opt_int;
using store::get_str;
using store::Query;

constexpr int64_t kMinuteMs = 60LL * 1000;

const char* kAlertColumns =
    "SELECT a.id, a.rule_id, a.rule_version, r.name_es, a.template, a.severity, a.person_id, a.explanation, a.dedup_key, "
    "a.institution_id, a.comuna_id, a.record_ids, a.trigger_at, a.raised_at, a.state, a.escalation_level, a.escalated_at, "
    "a.take_within_minutes, a.take_due_at, a.taken_by, a.taken_at, a.closed_by, a.closed_at, a.outcome "
    "FROM alerts a JOIN alerts_rules r ON r.id = a.rule_id AND r.version = a.rule_version";

// Who sees which alert: alerts/access.h (one rule for the inbox and the registry's person view).
const char* kVisible = access::visible_sql();

const char* kRuleColumns =
    "SELECT id, version, name_es, template, params, severity, enabled, take_within_minutes, created_at, created_by "
    "FROM alerts_rules";

long long ll(int64_t v) { return static_cast<long long>(v); }

// A stored JSON array of ids (record ids, institutions).
std::vector<int64_t> ids_of(const std::string& text) {
  std::vector<int64_t> out;
  json ids = json::parse(text, nullptr, false);
  if (ids.is_array())
    for (const auto& v : ids)
      if (v.is_number_integer()) out.push_back(v.get<int64_t>());
  return out;
}

Alert alert_from(const soci::row& r) {
  Alert a;
  a.id = get_int(r, 0);
  a.rule_id = get_int(r, 1);
  a.rule_version = static_cast<int>(get_int(r, 2));
  a.rule_name = get_str(r, 3);
  a.template_id = get_str(r, 4);
  a.severity = get_str(r, 5);
  a.person_id = get_int(r, 6);
  a.explanation = get_str(r, 7);
  a.dedup_key = get_str(r, 8);
  a.institution_id = get_int(r, 9);
  a.comuna_id = get_str(r, 10);
  a.record_ids = ids_of(get_str(r, 11));
  a.trigger_at = get_int(r, 12);
  a.raised_at = get_int(r, 13);
  a.state = get_str(r, 14);
  a.escalation_level = static_cast<int>(get_int(r, 15));
  a.escalated_at = get_opt_int(r, 16);
  a.take_within_minutes = static_cast<int>(get_int(r, 17));
  a.take_due_at = get_int(r, 18);
  a.taken_by = get_opt_int(r, 19);
  a.taken_at = get_opt_int(r, 20);
  a.closed_by = get_opt_int(r, 21);
  a.closed_at = get_opt_int(r, 22);
  a.outcome = get_str(r, 23);
  return a;
}

RuleVersion rule_from(const soci::row& r) {
  RuleVersion v;
  v.id = get_int(r, 0);
  v.version = static_cast<int>(get_int(r, 1));
  v.name_es = get_str(r, 2);
  v.template_id = get_str(r, 3);
  v.params = json::parse(get_str(r, 4), nullptr, false);
  if (v.params.is_discarded()) v.params = json::object();
  v.severity = get_str(r, 5);
  v.enabled = store::get_bool(r, 6);
  v.take_within_minutes = static_cast<int>(get_int(r, 7));
  v.created_at = get_int(r, 8);
  v.created_by = get_opt_int(r, 9);
  return v;
}

std::optional<Alert> load(soci::session& s, int64_t id) {
  std::optional<Alert> out;
  Query(kAlertColumns + std::string(" WHERE a.id = :id")).bind("id", ll(id)).each(s, [&](const soci::row& r) {
    out = alert_from(r);
  });
  return out;
}

void insert_event(soci::session& s, const Event& e) {
  Query("INSERT INTO alerts_events(alert_id, at, kind, user_id, institution_id, note, outcome, escalation_level) "
        "VALUES(:alert, :at, :kind, :user, :inst, :note, :outcome, :level)")
      .bind("alert", ll(e.alert_id))
      .bind("at", ll(e.at))
      .bind("kind", e.kind)
      .bind_opt("user", e.user_id ? std::optional<long long>(*e.user_id) : std::nullopt)
      .bind_opt("inst", e.institution_id ? std::optional<long long>(*e.institution_id) : std::nullopt)
      .bind_opt("note", e.note.empty() ? std::nullopt : std::optional<std::string>(e.note))
      .bind_opt("outcome", e.outcome.empty() ? std::nullopt : std::optional<std::string>(e.outcome))
      .bind("level", static_cast<long long>(e.escalation_level))
      .exec(s);
}

audit::Entry entry(const Actor& who, std::string action, std::string object, std::string detail) {
  audit::Entry e;
  if (who.user_id) e.actor_user_id = who.user_id;
  if (who.institution_id) e.actor_institution_id = who.institution_id;
  e.client_ip = who.client_ip;
  e.action = std::move(action);
  e.object = std::move(object);
  e.outcome = "ok";
  e.detail = std::move(detail);
  return e;
}

void see(soci::session& s, int64_t person_id, int64_t institution_id, int64_t now) {
  if (!institution_id) return;
  Query("INSERT INTO alerts_person_institutions(person_id, institution_id, since) VALUES(:p, :i, :now) "
        "ON CONFLICT (person_id, institution_id) DO NOTHING")
      .bind("p", ll(person_id))
      .bind("i", ll(institution_id))
      .bind("now", ll(now))
      .exec(s);
}

std::string month_of(int64_t ms) {
  std::string d = format_date_cl(ms);  // dd-mm-aaaa
  return d.substr(6, 4) + "-" + d.substr(3, 2);
}

}  // namespace

const std::vector<std::string>& states() {
  static const std::vector<std::string> s = {"nueva", "en_gestion", "cerrada"};
  return s;
}
std::string state_name_es(const std::string& s) {
  return s == "nueva" ? "nueva" : s == "en_gestion" ? "en gestión" : s == "cerrada" ? "cerrada" : s;
}

const Vocabulary& outcomes() {
  static const Vocabulary v = {{"contacto_realizado", "Se contactó a la mujer y se acordó un plan de seguridad"},
                               {"medida_proteccion_solicitada", "Se solicitó una medida de protección"},
                               {"derivacion_gestionada", "Se gestionó la derivación"},
                               {"ingreso_casa_acogida", "Ingreso a casa de acogida"},
                               {"sin_riesgo_actual", "Evaluada: sin riesgo actual"},
                               {"no_localizada", "No fue posible localizarla"},
                               {"falsa_alarma", "Falsa alarma (datos erróneos)"},
                               {"duplicada", "Duplicada de otra alerta"}};
  return v;
}

std::string outcome_name_es(const std::string& outcome) {
  return outcome == kStepDone ? "Paso cumplido: se registró lo que faltaba (cierre automático)" : outcomes().label(outcome);
}

Service::Service(store::Database& db, audit::Log& audit, HistorySource& source, Options options)
    : db_(db), audit_(audit), source_(source), options_(options) {}

std::vector<Rule> Service::enabled_rules(soci::session& s) {
  std::vector<Rule> out;
  for (auto& r : rules(s))
    if (r.enabled) out.push_back(static_cast<Rule&>(r));
  return out;
}

std::string Service::named(std::string text) const {
  if (!institution_names_) return text;
  static const std::regex ref("institución (\\d+)");
  std::set<int64_t> ids;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), ref); it != std::sregex_iterator(); ++it)
    ids.insert(std::stoll((*it)[1].str()));
  if (ids.empty()) return text;
  auto names = institution_names_(ids);
  std::string out;
  size_t last = 0;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), ref); it != std::sregex_iterator(); ++it) {
    out += text.substr(last, it->position() - last);
    auto n = names.find(std::stoll((*it)[1].str()));
    // "a la institución 6" keeps its noun ("a la institución Carabineros de Chile"); "(…, institución 4)" becomes the name.
    const bool after_article = out.size() >= 3 && out.compare(out.size() - 3, 3, "la ") == 0;
    out += n == names.end() ? it->str() : (after_article ? "institución " : "") + n->second;
    last = it->position() + it->length();
  }
  return out + text.substr(last);
}

std::optional<int64_t> Service::store_raised(soci::session& s, const Raised& x, const std::vector<Rule>& rules, int64_t now) {
  const Rule* rule = nullptr;
  for (const auto& r : rules)
    if (r.id == x.rule_id) rule = &r;
  const int take = rule ? rule->take_within_minutes : 60;
  auto id = Query("INSERT INTO alerts(rule_id, rule_version, template, severity, severity_rank, person_id, explanation, "
                  "dedup_key, institution_id, comuna_id, record_ids, trigger_at, raised_at, state, escalation_level, "
                  "take_within_minutes, take_due_at) VALUES(:rule, :ver, :tpl, :sev, :rank, :person, :expl, :key, :inst, "
                  ":comuna, :recs, :trig, :now, 'nueva', 0, :take, :due) ON CONFLICT (dedup_key) DO NOTHING RETURNING id")
                .bind("rule", ll(x.rule_id))
                .bind("ver", static_cast<long long>(x.rule_version))
                .bind("tpl", x.template_id)
                .bind("sev", x.severity)
                .bind("rank", static_cast<long long>(severity_rank(x.severity)))
                .bind("person", ll(x.person_id))
                .bind("expl", named(x.explanation))
                .bind("key", x.dedup_key)
                .bind("inst", ll(x.institution_id))
                .bind_opt("comuna", x.comuna_id.empty() ? std::nullopt : std::optional<std::string>(x.comuna_id))
                .bind("recs", json(x.record_ids).dump())
                .bind("trig", ll(x.at))
                .bind("now", ll(now))
                .bind("take", static_cast<long long>(take))
                .bind("due", ll(now + take * kMinuteMs))
                .scalar(s);
  if (!id) return std::nullopt;
  Event e;
  e.alert_id = *id;
  e.at = now;
  e.kind = "raised";
  insert_event(s, e);
  audit_.append(s, entry({}, "alert.raise", "alert:" + std::to_string(*id),
                         "regla " + std::to_string(x.rule_id) + " v" + std::to_string(x.rule_version) + ", persona " +
                             std::to_string(x.person_id)));
  return id;
}

std::vector<Alert> Service::refresh(soci::session& s, int64_t person_id, const std::vector<Rule>& rules, int64_t now,
                                    int64_t extra_institution) {
  cases::History h = source_.history(s, person_id);
  h.person_id = person_id;
  std::vector<Alert> out;
  std::set<int64_t> visible_to;
  for (const auto& x : evaluate(rules, h, now, now - options_.lookback_ms)) {
    auto id = store_raised(s, x, rules, now);
    if (!id) continue;  // raised before: the same condition never raises twice
    visible_to.insert(x.institution_id);
    visible_to.insert(x.also_visible_to.begin(), x.also_visible_to.end());
    if (auto a = load(s, *id)) out.push_back(std::move(*a));
  }
  // The institutions that serve her see her alerts; the author of a record does only if that record
  // makes it serve her (a record attached under emergency access does not: cases/access.h).
  if (!out.empty()) {
    for (int64_t inst : source_.institutions_serving(s, person_id)) visible_to.insert(inst);
    for (int64_t inst : visible_to) see(s, person_id, inst, now);
  } else if (extra_institution &&
             Query("SELECT 1 FROM alerts WHERE person_id = :p LIMIT 1").bind("p", ll(person_id)).scalar(s)) {
    // A new institution now serves a person with alerts: it must see them too.
    auto serving = source_.institutions_serving(s, person_id);
    if (std::find(serving.begin(), serving.end(), extra_institution) != serving.end()) see(s, person_id, extra_institution, now);
  }
  if (auto due = next_deadline(rules, h, now)) {
    Query("INSERT INTO alerts_watches(person_id, due_at) VALUES(:p, :due) "
          "ON CONFLICT (person_id) DO UPDATE SET due_at = excluded.due_at")
        .bind("p", ll(person_id))
        .bind("due", ll(*due))
        .exec(s);
  } else {
    Query("DELETE FROM alerts_watches WHERE person_id = :p").bind("p", ll(person_id)).exec(s);
  }
  return out;
}

void Service::watch_step(soci::session& s, const Step& step) {
  json visible = step.also_visible_to;
  Query("INSERT INTO alerts_steps(step_key, template, person_id, institution_id, visible_to, due_at, what) "
        "VALUES(:key, :tpl, :p, :inst, :vis, :due, :what) ON CONFLICT (step_key) DO UPDATE SET template = excluded.template, "
        "person_id = excluded.person_id, institution_id = excluded.institution_id, visible_to = excluded.visible_to, "
        "due_at = excluded.due_at, what = excluded.what, raised_at = NULL")
      .bind("key", step.key)
      .bind("tpl", step.template_id)
      .bind("p", ll(step.person_id))
      .bind("inst", ll(step.institution_id))
      .bind("vis", visible.dump())
      .bind("due", ll(step.due_at))
      .bind("what", step.what)
      .exec(s);
}

int Service::step_done(soci::session& s, const std::string& key, const std::string& how, int64_t now) {
  Query("DELETE FROM alerts_steps WHERE step_key = :key").bind("key", key).exec(s);
  // The alert the step raised, if any, closes by itself: what it asked for was done. A human may
  // have closed it already (then nothing changes).
  std::vector<Alert> open;
  Query(kAlertColumns + std::string(" WHERE a.dedup_key = :key AND a.state <> 'cerrada'")).bind("key", "step:" + key).each(s, [&](const soci::row& r) {
    open.push_back(alert_from(r));
  });
  for (const auto& a : open) {
    Query("UPDATE alerts SET state = 'cerrada', closed_at = :now, outcome = :outcome WHERE id = :id")
        .bind("now", ll(now))
        .bind("outcome", std::string(kStepDone))
        .bind("id", ll(a.id))
        .exec(s);
    Event e;
    e.alert_id = a.id;
    e.at = now;
    e.kind = "closed";
    e.note = how;
    e.outcome = kStepDone;
    e.escalation_level = a.escalation_level;
    insert_event(s, e);
    audit_.append(s, entry({}, "alert.step_done", "alert:" + std::to_string(a.id), "persona " + std::to_string(a.person_id) + ", " + key));
  }
  return static_cast<int>(open.size());
}

std::vector<Alert> Service::on_record(soci::session& s, const cases::Record& r, int64_t now) {
  auto rules = enabled_rules(s);
  std::vector<Alert> out;
  std::set<int64_t> done;
  for (const auto& p : r.persons) {
    if (!done.insert(p.person_id).second) continue;
    auto raised = refresh(s, p.person_id, rules, now, r.institution_id);
    out.insert(out.end(), std::make_move_iterator(raised.begin()), std::make_move_iterator(raised.end()));
  }
  return out;
}

Result<int> Service::sweep(int64_t now) {
  std::vector<int64_t> due_persons, due_alerts;
  std::vector<Rule> rules;
  {
    auto lease = db_.lease();
    if (!lease) return fail(lease.error());
    try {
      rules = enabled_rules(**lease);
      Query("SELECT person_id FROM alerts_watches WHERE due_at <= :now ORDER BY due_at LIMIT :lim")
          .bind("now", ll(now))
          .bind("lim", static_cast<long long>(options_.sweep_batch))
          .each(**lease, [&](const soci::row& r) { due_persons.push_back(get_int(r, 0)); });
      Query("SELECT id FROM alerts WHERE state = 'nueva' AND take_due_at <= :now ORDER BY take_due_at")
          .bind("now", ll(now))
          .each(**lease, [&](const soci::row& r) { due_alerts.push_back(get_int(r, 0)); });
    } catch (const std::exception& e) {
      return fail(store::database_error(e));
    }
  }
  int count = 0;
  if (auto n = sweep_steps(rules, now); !n) return fail(n.error());
  else count += *n;
  // One transaction per person and per alert: a sweep never holds the write lock for long.
  for (int64_t pid : due_persons) {
    auto n = db_.transaction<int>([&](soci::session& s) -> Result<int> {
      // Another instance may have handled it already.
      if (!Query("SELECT 1 FROM alerts_watches WHERE person_id = :p AND due_at <= :now")
               .bind("p", ll(pid))
               .bind("now", ll(now))
               .scalar(s))
        return 0;
      return static_cast<int>(refresh(s, pid, rules, now, 0).size());
    });
    if (!n) return fail(n.error());
    count += *n;
  }
  for (int64_t id : due_alerts) {
    auto n = db_.transaction<int>([&](soci::session& s) -> Result<int> {
      auto a = load(s, id);
      if (!a || a->state != "nueva" || a->take_due_at > now) return 0;
      const int level = a->escalation_level + 1;
      // Next escalation one more period later, so an alert nobody takes keeps climbing.
      Query("UPDATE alerts SET escalation_level = :lvl, escalated_at = :now, take_due_at = :due "
            "WHERE id = :id AND state = 'nueva' AND escalation_level = :old")
          .bind("lvl", static_cast<long long>(level))
          .bind("now", ll(now))
          .bind("due", ll(now + static_cast<int64_t>(a->take_within_minutes) * kMinuteMs))
          .bind("id", ll(id))
          .bind("old", static_cast<long long>(a->escalation_level))
          .exec(s);
      Event e;
      e.alert_id = id;
      e.at = now;
      e.kind = "escalated";
      e.escalation_level = level;
      e.note = "Sin tomar dentro de " + std::to_string(a->take_within_minutes) + " minutos; escalamiento nivel " +
               std::to_string(level) + ".";
      insert_event(s, e);
      audit_.append(s, entry({}, "alert.escalate", "alert:" + std::to_string(id), "nivel " + std::to_string(level)));
      return 1;
    });
    if (!n) return fail(n.error());
    count += *n;
  }
  return count;
}

Result<int> Service::sweep_steps(const std::vector<Rule>& rules, int64_t now) {
  std::vector<std::string> due;
  {
    auto lease = db_.lease();
    if (!lease) return fail(lease.error());
    try {
      Query("SELECT step_key FROM alerts_steps WHERE raised_at IS NULL AND due_at <= :now ORDER BY due_at LIMIT :lim")
          .bind("now", ll(now))
          .bind("lim", static_cast<long long>(options_.sweep_batch))
          .each(**lease, [&](const soci::row& r) { due.push_back(get_str(r, 0)); });
    } catch (const std::exception& e) {
      return fail(store::database_error(e));
    }
  }
  int count = 0;
  for (const auto& key : due) {
    auto n = db_.transaction<int>([&](soci::session& s) -> Result<int> {
      std::optional<Step> step;
      Query("SELECT template, person_id, institution_id, visible_to, due_at, what FROM alerts_steps "
            "WHERE step_key = :key AND raised_at IS NULL")
          .bind("key", key)
          .each(s, [&](const soci::row& r) {
            Step st;
            st.key = key;
            st.template_id = get_str(r, 0);
            st.person_id = get_int(r, 1);
            st.institution_id = get_int(r, 2);
            st.also_visible_to = ids_of(get_str(r, 3));
            st.due_at = get_int(r, 4);
            st.what = get_str(r, 5);
            step = st;
          });
      if (!step) return 0;  // done meanwhile, or another instance raised it
      // Not yet (a rule's grace, or its rule disabled): the step stays on the list for the next sweep.
      auto raised = evaluate_step(rules, *step, now);
      if (raised.empty()) return 0;
      Query("UPDATE alerts_steps SET raised_at = :now WHERE step_key = :key").bind("now", ll(now)).bind("key", key).exec(s);
      int stored = 0;
      for (const auto& x : raised) {
        if (!store_raised(s, x, rules, now)) continue;
        ++stored;
        // Who handles it: the referring institution (responsible), the house's, and those serving her.
        std::set<int64_t> visible_to(x.also_visible_to.begin(), x.also_visible_to.end());
        visible_to.insert(x.institution_id);
        for (int64_t inst : source_.institutions_serving(s, x.person_id)) visible_to.insert(inst);
        for (int64_t inst : visible_to) see(s, x.person_id, inst, now);
      }
      return stored;
    });
    if (!n) return fail(n.error());
    count += *n;
  }
  return count;
}

std::vector<Alert> Service::open_alerts(soci::session& s, int64_t person_id, int64_t viewer) {
  std::vector<Alert> out;
  Query q(kAlertColumns + std::string(" WHERE a.person_id = :p AND a.state <> 'cerrada' AND") + kVisible);
  q.bind("p", ll(person_id));
  access::bind_visible(q, viewer);
  q.sql(" ORDER BY a.severity_rank DESC, a.raised_at DESC, a.id DESC").each(s, [&](const soci::row& r) { out.push_back(alert_from(r)); });
  return out;
}

std::vector<Alert> Service::raised_between(soci::session& s, int64_t from, int64_t to) {
  std::vector<Alert> out;
  Query(kAlertColumns + std::string(" WHERE a.raised_at >= :f AND a.raised_at < :t ORDER BY a.id"))
      .bind("f", ll(from))
      .bind("t", ll(to))
      .each(s, [&](const soci::row& r) { out.push_back(alert_from(r)); });
  return out;
}

Page Service::list(soci::session& s, int64_t viewer, const ListFilter& f) {
  auto filtered = [&](Query& q) {
    access::bind_visible(q, viewer);
    if (!f.comuna_id.empty()) q.sql(" AND a.comuna_id = :comuna").bind("comuna", f.comuna_id);
    if (!f.severity.empty()) q.sql(" AND a.severity = :sev").bind("sev", f.severity);
    if (!f.state.empty()) q.sql(" AND a.state = :state").bind("state", f.state);
    if (f.escalated) q.sql(*f.escalated ? " AND a.escalation_level > 0" : " AND a.escalation_level = 0");
    if (f.person_id) q.sql(" AND a.person_id = :person").bind("person", ll(*f.person_id));
  };
  Page page;
  Query count("SELECT COUNT(*) FROM alerts a WHERE" + std::string(kVisible));
  filtered(count);
  page.total = count.scalar(s).value_or(0);
  Query q(kAlertColumns + std::string(" WHERE") + kVisible);
  filtered(q);
  q.sql(" ORDER BY a.severity_rank DESC, a.raised_at DESC, a.id DESC LIMIT :lim OFFSET :off")
      .bind("lim", static_cast<long long>(f.per_page))
      .bind("off", static_cast<long long>((f.page - 1) * f.per_page));
  q.each(s, [&](const soci::row& r) { page.items.push_back(alert_from(r)); });
  return page;
}

std::optional<Alert> Service::get(soci::session& s, int64_t id, int64_t viewer) {
  std::optional<Alert> out;
  Query q(kAlertColumns + std::string(" WHERE a.id = :id AND") + kVisible);
  q.bind("id", ll(id));
  access::bind_visible(q, viewer);
  q.each(s, [&](const soci::row& r) { out = alert_from(r); });
  return out;
}

std::vector<Event> Service::events(soci::session& s, int64_t alert_id) {
  std::vector<Event> out;
  Query("SELECT id, alert_id, at, kind, user_id, institution_id, note, outcome, escalation_level FROM alerts_events "
        "WHERE alert_id = :id ORDER BY id")
      .bind("id", ll(alert_id))
      .each(s, [&](const soci::row& r) {
        Event e;
        e.id = get_int(r, 0);
        e.alert_id = get_int(r, 1);
        e.at = get_int(r, 2);
        e.kind = get_str(r, 3);
        e.user_id = get_opt_int(r, 4);
        e.institution_id = get_opt_int(r, 5);
        e.note = get_str(r, 6);
        e.outcome = get_str(r, 7);
        e.escalation_level = static_cast<int>(get_int(r, 8));
        out.push_back(std::move(e));
      });
  return out;
}

Result<Alert> Service::take(soci::session& s, int64_t id, const Actor& who, const std::string& note_in, int64_t now) {
  auto a = get(s, id, viewer_of(who));
  if (!a) return fail(Error::not_found("No existe una alerta con ese identificador entre las de su institución."));
  if (a->state == "en_gestion")
    return fail(Error::conflict("invalid_transition", "La alerta ya está en gestión; no puede tomarse de nuevo.", "state"));
  if (a->state == "cerrada")
    return fail(Error::conflict("invalid_transition", "La alerta ya está cerrada; no puede tomarse.", "state"));
  const std::string note = trim(note_in);
  // Guarded by state, so two people taking it at once cannot both succeed.
  if (Query("UPDATE alerts SET state = 'en_gestion', taken_by = :user, taken_at = :now WHERE id = :id AND state = 'nueva'")
          .bind("user", ll(who.user_id))
          .bind("now", ll(now))
          .bind("id", ll(id))
          .exec(s) != 1)
    return fail(Error::conflict("invalid_transition", "Otra persona tomó la alerta recién; actualice la bandeja.", "state"));
  Event e;
  e.alert_id = id;
  e.at = now;
  e.kind = "taken";
  e.user_id = who.user_id;
  e.institution_id = who.institution_id;
  e.note = note;
  e.escalation_level = a->escalation_level;
  insert_event(s, e);
  audit_.append(s, entry(who, "alert.take", "alert:" + std::to_string(id), "persona " + std::to_string(a->person_id)));
  return *load(s, id);
}

Result<Alert> Service::close(soci::session& s, int64_t id, const Actor& who, const std::string& outcome,
                             const std::string& note_in, int64_t now) {
  if (!outcomes().contains(outcome))
    return fail(Error::invalid("outcome", "Indique el resultado de la alerta: " + outcomes().ids_text() + ".", "invalid_outcome"));
  const std::string note = trim(note_in);
  if (note.empty()) return fail(Error::invalid("note", "Describa brevemente lo realizado para cerrar la alerta.", "required"));
  auto a = get(s, id, viewer_of(who));
  if (!a) return fail(Error::not_found("No existe una alerta con ese identificador entre las de su institución."));
  if (a->state == "nueva")
    return fail(Error::conflict("invalid_transition",
                                "La alerta está nueva: tómela primero (pasa a «en gestión») y luego ciérrela.", "state"));
  if (a->state == "cerrada") return fail(Error::conflict("invalid_transition", "La alerta ya está cerrada.", "state"));
  if (Query("UPDATE alerts SET state = 'cerrada', closed_by = :user, closed_at = :now, outcome = :outcome "
            "WHERE id = :id AND state = 'en_gestion'")
          .bind("user", ll(who.user_id))
          .bind("now", ll(now))
          .bind("outcome", outcome)
          .bind("id", ll(id))
          .exec(s) != 1)
    return fail(Error::conflict("invalid_transition", "Otra persona cerró la alerta recién; actualice la bandeja.", "state"));
  Event e;
  e.alert_id = id;
  e.at = now;
  e.kind = "closed";
  e.user_id = who.user_id;
  e.institution_id = who.institution_id;
  e.note = note;
  e.outcome = outcome;
  e.escalation_level = a->escalation_level;
  insert_event(s, e);
  audit_.append(s, entry(who, "alert.close", "alert:" + std::to_string(id),
                         "persona " + std::to_string(a->person_id) + ", resultado " + outcome));
  return *load(s, id);
}

std::vector<RuleVersion> Service::rules(soci::session& s) {
  std::vector<RuleVersion> out;
  Query(kRuleColumns + std::string(" r WHERE version = (SELECT MAX(version) FROM alerts_rules x WHERE x.id = r.id) ORDER BY id"))
      .each(s, [&](const soci::row& r) { out.push_back(rule_from(r)); });
  return out;
}

std::vector<RuleVersion> Service::rule_versions(soci::session& s, int64_t rule_id) {
  std::vector<RuleVersion> out;
  Query(kRuleColumns + std::string(" WHERE id = :id ORDER BY version DESC")).bind("id", ll(rule_id)).each(s, [&](const soci::row& r) {
    out.push_back(rule_from(r));
  });
  return out;
}

Result<RuleVersion> Service::update_rule(soci::session& s, int64_t rule_id, const json& changes, const Actor& who, int64_t now) {
  auto versions = rule_versions(s, rule_id);
  if (versions.empty()) return fail(Error::not_found("No existe una regla de alerta con ese identificador."));
  const RuleVersion& current = versions.front();
  Rule next = current;
  for (auto it = changes.begin(); it != changes.end(); ++it) {
    const std::string& k = it.key();
    const json& v = *it;
    if (k == "name_es") {
      if (!v.is_string()) return fail(Error::invalid(k, "El nombre debe ser un texto.", "invalid_type"));
      next.name_es = v.get<std::string>();
    } else if (k == "params") {
      if (!v.is_object()) return fail(Error::invalid(k, "Los parámetros deben ser un objeto JSON.", "invalid_type"));
      next.params = v;
    } else if (k == "severity") {
      if (!v.is_string()) return fail(Error::invalid(k, "La severidad debe ser «critica», «alta» o «media».", "invalid_type"));
      next.severity = v.get<std::string>();
    } else if (k == "enabled") {
      if (!v.is_boolean()) return fail(Error::invalid(k, "«enabled» debe ser verdadero o falso.", "invalid_type"));
      next.enabled = v.get<bool>();
    } else if (k == "take_within_minutes") {
      if (!v.is_number_integer() || v.get<int64_t>() < 1 || v.get<int64_t>() > 100000)
        return fail(Error::invalid(k, "El plazo para tomar la alerta debe ser un número entero de minutos.", "invalid_type"));
      next.take_within_minutes = v.get<int>();
    } else if (k == "template") {
      // A rule keeps its template: alerts it raised must stay explainable by the same logic.
      if (!v.is_string() || v.get<std::string>() != current.template_id)
        return fail(Error::invalid(k, "La plantilla de una regla no se puede cambiar; cree una regla nueva.", "immutable"));
    } else {
      return fail(Error::invalid(k, "El campo «" + k + "» no es reconocido.", "unknown_field"));
    }
  }
  auto valid = validate_rule(next);
  if (!valid) return fail(valid.error());
  next = *valid;
  if (next.name_es == current.name_es && next.params == current.params && next.severity == current.severity &&
      next.enabled == current.enabled && next.take_within_minutes == current.take_within_minutes)
    return current;  // nothing changed: no new version
  RuleVersion out;
  static_cast<Rule&>(out) = next;
  out.version = current.version + 1;
  out.created_at = now;
  if (who.user_id) out.created_by = who.user_id;
  Query("INSERT INTO alerts_rules(id, version, name_es, template, params, severity, enabled, take_within_minutes, created_at, "
        "created_by) VALUES(:id, :ver, :name, :tpl, :params, :sev, :enabled, :take, :now, :by)")
      .bind("id", ll(rule_id))
      .bind("ver", static_cast<long long>(out.version))
      .bind("name", out.name_es)
      .bind("tpl", out.template_id)
      .bind("params", out.params.dump())
      .bind("sev", out.severity)
      .bind("enabled", static_cast<long long>(out.enabled ? 1 : 0))
      .bind("take", static_cast<long long>(out.take_within_minutes))
      .bind("now", ll(now))
      .bind_opt("by", out.created_by ? std::optional<long long>(*out.created_by) : std::nullopt)
      .exec(s);
  audit_.append(s, entry(who, "alert_rule.update", "alert_rule:" + std::to_string(rule_id),
                         "versión " + std::to_string(out.version) + ": " + out.params.dump()));
  return out;
}

Result<json> Service::dry_run(const Rule& rule_in, int64_t now) {
  Rule rule = rule_in;
  rule.enabled = true;
  // A hypothetical rule: no stored id or version (explanations then omit the version).
  rule.id = 0;
  rule.version = 0;
  auto valid = validate_rule(rule);
  if (!valid) return fail(valid.error());
  rule = *valid;
  auto lease = db_.lease();
  if (!lease) return fail(lease.error());
  try {
    soci::session& s = **lease;
    int64_t total = 0, persons_scanned = 0;
    std::set<int64_t> persons;
    std::map<std::string, int64_t> by_month;
    std::vector<Raised> examples;
    const std::vector<Rule> rules = {rule};
    for (int64_t pid : source_.person_ids(s)) {
      cases::History h = source_.history(s, pid);
      h.person_id = pid;
      ++persons_scanned;
      // One evaluation at `now` is the record-by-record replay: every template dates each condition
      // at the instant it became true and looks only at records up to that instant (see rules.h).
      for (auto& x : evaluate(rules, h, now)) {
        ++total;
        persons.insert(pid);
        ++by_month[month_of(x.at)];
        examples.push_back(std::move(x));
      }
    }
    // The 50 most recent, newest first.
    std::sort(examples.begin(), examples.end(), [](const Raised& a, const Raised& b) { return a.at > b.at; });
    if (examples.size() > 50) examples.resize(50);
    json months = json::array();
    for (const auto& [m, n] : by_month) months.push_back({{"month", m}, {"count", n}});
    json ex = json::array();
    for (const auto& x : examples)
      ex.push_back({{"person_id", x.person_id},
                    {"at", x.at},
                    {"date", format_datetime_cl(x.at)},
                    {"explanation", named(x.explanation)},
                    {"institution_id", x.institution_id},
                    {"comuna_id", x.comuna_id.empty() ? json(nullptr) : json(x.comuna_id)},
                    {"record_ids", x.record_ids}});
    return json{{"rule", {{"template", rule.template_id}, {"params", rule.params}, {"severity", rule.severity},
                          {"name_es", rule.name_es}}},
                {"total", total},
                {"persons", persons.size()},
                {"persons_scanned", persons_scanned},
                {"by_month", months},
                {"examples", ex}};
  } catch (const std::exception& e) {
    return fail(store::database_error(e));
  }
}

json to_json(const Alert& a) {
  auto opt = [](const std::optional<int64_t>& v) { return v ? json(*v) : json(nullptr); };
  return {{"id", a.id},
          {"rule", {{"id", a.rule_id}, {"version", a.rule_version}, {"name", a.rule_name}}},
          {"template", a.template_id},
          {"severity", a.severity},
          {"severity_name", severity_name_es(a.severity)},
          {"person_id", a.person_id},
          {"explanation", a.explanation},
          {"institution_id", a.institution_id},
          {"comuna_id", a.comuna_id.empty() ? json(nullptr) : json(a.comuna_id)},
          {"record_ids", a.record_ids},
          {"trigger_at", a.trigger_at},
          {"trigger_date", format_datetime_cl(a.trigger_at)},
          {"raised_at", a.raised_at},
          {"raised_date", format_datetime_cl(a.raised_at)},
          {"state", a.state},
          {"state_name", state_name_es(a.state)},
          {"escalation_level", a.escalation_level},
          {"escalated", a.escalation_level > 0},
          {"escalated_at", opt(a.escalated_at)},
          {"take_within_minutes", a.take_within_minutes},
          {"take_due_at", a.state == "nueva" ? json(a.take_due_at) : json(nullptr)},
          {"taken_by", opt(a.taken_by)},
          {"taken_at", opt(a.taken_at)},
          {"closed_by", opt(a.closed_by)},
          {"closed_at", opt(a.closed_at)},
          {"outcome", a.outcome.empty() ? json(nullptr) : json(a.outcome)},
          {"outcome_name", a.outcome.empty() ? json(nullptr) : json(outcome_name_es(a.outcome))}};
}

json to_json(const Event& e) {
  auto opt = [](const std::optional<int64_t>& v) { return v ? json(*v) : json(nullptr); };
  return {{"id", e.id},
          {"at", e.at},
          {"date", format_datetime_cl(e.at)},
          {"kind", e.kind},
          {"user_id", opt(e.user_id)},
          {"institution_id", opt(e.institution_id)},
          {"note", e.note.empty() ? json(nullptr) : json(e.note)},
          {"outcome", e.outcome.empty() ? json(nullptr) : json(e.outcome)},
          {"escalation_level", e.escalation_level}};
}

json to_json(const RuleVersion& r) {
  return {{"id", r.id},
          {"version", r.version},
          {"name_es", r.name_es},
          {"template", r.template_id},
          {"template_name", template_name_es(r.template_id)},
          {"time_based", time_based(r.template_id)},
          {"params", r.params},
          {"severity", r.severity},
          {"severity_name", severity_name_es(r.severity)},
          {"enabled", r.enabled},
          {"take_within_minutes", r.take_within_minutes},
          {"created_at", r.created_at},
          {"created_by", r.created_by ? json(*r.created_by) : json(nullptr)}};
}

}  // namespace eq::alerts
