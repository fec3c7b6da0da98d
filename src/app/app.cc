#include "app/app.h"
#include "core/log.h"

#include <unistd.h>

#include <sys/stat.h>

#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <limits>
#include <mutex>
#include <thread>

#include "app/cluster.h"
#include "app/modules.h"
#include "app/protective_order.h"
#include "account/module.h"
#include "account/sources.h"
#include "alerts/module.h"
#include "legislative/module.h"
#include "audit/log.h"
#include "audit/routes.h"
#include "auth/repository.h"
#include "auth/service.h"
#include "care/module.h"
#include "cases/module.h"
#include "core/time.h"
#include "http/stages.h"
#include "indicators/sources.h"
#include "monitoring/module.h"
#include "policy/service.h"
#include "monitoring/mqtt.h"
#include "participation/editions.h"
#include "participation/module.h"
#include "channels/module.h"
#include "chat/module.h"
#include "channels/history.h"
#include "pharmacy/repository.h"
#include "dataprotection/holds.h"
#include "dataprotection/module.h"
#include "directoras/module.h"
#include "policy/xlsx.h"
#include "store/encrypted_fields.h"
#include "store/with_session.h"
#include "territory/module.h"
#include "whatsapp/module.h"

namespace eq::app {

namespace fs = std::filesystem;

namespace {

fs::path exe_dir() {
  std::error_code ec;
  auto p = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::current_path() : p.parent_path();
}

std::string find_up(const std::string& relative, const char* env) {
  if (const char* v = env ? std::getenv(env) : nullptr; v && *v) return v;
  for (fs::path dir = exe_dir(); !dir.empty(); dir = dir.parent_path()) {
    if (fs::exists(dir / relative)) return (dir / relative).string();
    if (dir == dir.root_path()) break;
  }
  return (fs::current_path() / relative).string();
}

}  // namespace

std::string default_data_dir() {
  if (const char* v = std::getenv("EQ_DATA_DIR"); v && *v) return v;
  return fs::path(find_up("data/territory", nullptr)).parent_path().string();
}
std::string default_web_dir() { return find_up("web/dist", "EQ_WEB_DIR"); }
std::string default_key_file(const std::string& db_url) {
  if (const char* v = std::getenv("EQ_KEY_FILE"); v && *v) return v;
  // Beside the SQLite file, so a demo database and its keys travel together.
  if (db_url.rfind("sqlite:", 0) == 0) {
    auto parent = fs::path(db_url.substr(7)).parent_path();
    return ((parent.empty() ? fs::path(".") : parent) / "equidad.key").string();
  }
  return "var/equidad.key";
}

std::string default_db_url() {
  if (const char* v = std::getenv("EQ_DB"); v && *v) return v;
  return "sqlite:var/equidad.db";
}

App::~App() {
  // Ownership and live events first: the callbacks name the modules closed below, and the hubs
  // (which may outlive this object in a connection) must not reach the cluster any more.
  relay_sinks_.clear();
  if (cluster_ && ctx_)
    if (auto c = ctx_->find<chat::Service>()) c->set_relay(nullptr);
  if (cluster_) cluster_->stop();
  stop_jobs();
  if (ctx_)
    for (size_t i = opened_; i-- > 0;)
      if (modules_[i].close) modules_[i].close(*ctx_);
}

namespace {

// How a module's adapter reaches the other instances (provided by App::start_cluster).
struct ClusterControl {
  std::function<void(const std::string& word)> send;
};

// The pilot of the 1455 line with the security units of six municipalities (public account
// 2020–2021): there a dispatch goes to the municipal unit, elsewhere to the police.
const std::set<std::string> kMunicipalPilot = {"13101", "13123", "13112", "13110", "13114", "13125"};

// A monitoring dispatch as the chat's pane shows a municipal escalation.
chat::DispatchState chat_dispatch_state(const monitoring::DispatchView& d) {
  return {d.id, d.state, monitoring::dispatch_state_labels().label(d.state), d.unit_name, d.accepted_at};
}

// The adapters between modules and each module's settings, provided before any module opens.
// Each adapter looks the other module's service up when it is called (the accounts module opens
// after the audit log that names its users, for instance).
void wire(kernel::Context& ctx, const Config& config) {
  kernel::Context* c = &ctx;
  auto auth = [c] { return c->need<auth::Service>(); };

  // Audit browser: names of users and institutions, from the accounts module.
  ctx.provide(std::make_shared<audit::NameResolver>(
      [auth](const std::set<int64_t>& u, const std::set<int64_t>& i) { return auth()->display_names(u, i); }));

  auth::Policy policy;
  policy.secure_cookies = config.server.secure_cookies;
  ctx.provide(std::make_shared<auth::Policy>(policy));

  // Demo data of a module written as a demo account (found by e-mail).
  ctx.provide(std::make_shared<kernel::FindDemoAccount>([auth](const std::string& email) -> Result<kernel::DemoAccount> {
    auto user = auth()->find_user(email);
    if (!user) return fail(user.error());
    if (!*user) return fail(Error::internal());
    return kernel::DemoAccount{(*user)->id, (*user)->institution_id};
  }));

  // The case registry's institutions.
  auto cases_dir = std::make_shared<cases::Directory>();
  cases_dir->institution_names = [auth](const std::set<int64_t>& ids) {
    auto names = auth()->display_names({}, ids);
    return names ? names->second : std::map<int64_t, std::string>();
  };
  cases_dir->user_names = [auth](const std::set<int64_t>& ids) {
    auto names = auth()->display_names(ids, {});
    return names ? names->first : std::map<int64_t, std::string>();
  };
  cases_dir->serving_institutions = [auth]() {
    std::vector<std::tuple<int64_t, std::string, std::string>> out;
    static const std::set<std::string> serving = {"sernameg_centre", "police",  "prosecutor",  "court",         "forensic",
                                                  "health",          "municipality", "public_service", "civil_society"};
    if (auto all = auth()->list_institutions("", "", ""))
      for (const auto& i : *all)
        if (i.active && serving.count(i.type)) out.emplace_back(i.id, i.name, i.type);
    return out;
  };

  // Monitoring's units (from the accounts module's institutions) and comunas (from territory).
  auto mon_dir = std::make_shared<monitoring::Directory>();
  auto unit_of = [auth](const std::string& type, const std::string& comuna) -> std::optional<monitoring::Unit> {
    auto all = auth()->list_institutions("", "", "");
    if (!all) return std::nullopt;
    for (const auto& i : *all)
      if (i.active && i.type == type && (comuna.empty() || i.comuna_id == comuna))
        return monitoring::Unit{i.id, i.name, type == "police" ? "police" : "municipal"};
    return std::nullopt;
  };
  mon_dir->police_unit = [unit_of] { return unit_of("police", ""); };
  mon_dir->responsible_unit = [unit_of](const std::string& comuna) {
    if (kMunicipalPilot.count(comuna))
      if (auto u = unit_of("municipality", comuna)) return u;
    return unit_of("police", "");
  };
  // Whom an operator may send instead of the comuna's unit: every active police or municipal institution.
  mon_dir->dispatch_units = [auth] {
    std::vector<monitoring::Unit> out;
    if (auto all = auth()->list_institutions("", "", ""))
      for (const auto& i : *all)
        if (i.active && (i.type == "police" || i.type == "municipality"))
          out.push_back({i.id, i.name, i.type == "police" ? "police" : "municipal"});
    return out;
  };
  mon_dir->comuna_of = [c](double lat, double lon) { return c->need<territory::Service>()->locate(lat, lon); };
  mon_dir->comuna_exists = [c](const std::string& id) {
    auto comuna = c->need<territory::Service>()->comuna(id);
    return comuna && comuna->has_value();
  };
  mon_dir->user_names = [auth](const std::set<int64_t>& ids) {
    auto names = auth()->display_names(ids, {});
    return names ? names->first : std::map<int64_t, std::string>();
  };
  // Orders, zones or devices changed on an instance that does not own the engine: the owner
  // rebuilds its engine (app/cluster.h). No cluster (SQLite, one instance): nothing to tell.
  mon_dir->engine_changed = [c] {
    if (auto control = c->find<ClusterControl>()) control->send("monitoring.reload");
  };

  // One protective order (protective_order.h): the registry's court orders and monitoring's orders
  // are linked between the two directories, each service found when it is called.
  link_protective_orders(*cases_dir, *mon_dir,
                         {[c] { return c->find<cases::Service>(); }, [c] { return c->find<monitoring::Service>(); }});
  ctx.provide(cases_dir);
  ctx.provide(mon_dir);

  // The network of care: the registry's need-to-know for a woman's file, institution, region and
  // comuna names (territory's reference data, read once), and the XLSX writer policy uses.
  struct Names {
    std::once_flag once;
    std::vector<std::pair<std::string, std::string>> regions;
    std::map<std::string, std::string> comunas;
  };
  auto names = std::make_shared<Names>();
  auto load_names = [c, names] {
    std::call_once(names->once, [&] {
      territory::Repository repo(c->db);
      if (auto rs = repo.regions())
        for (const auto& r : *rs) {
          names->regions.emplace_back(r.id, r.name);
          if (auto ps = repo.provinces(r.id))
            for (const auto& p : *ps)
              if (auto cs = repo.comunas_of_province(p.id))
                for (const auto& cm : *cs) names->comunas[cm.id] = cm.name;
        }
    });
    return names;
  };
  care::Registry care_reg;
  care_reg.check_person = [c](const http::Request& req, int64_t person_id) -> Result<void> {
    auto reg = c->find<cases::Service>();
    if (!reg) return fail(Error::unavailable());
    if (auto p = reg->person(req, person_id); !p) return fail(p.error());
    return {};
  };
  care_reg.institution_names = cases_dir->institution_names;
  care_reg.regions = [load_names] { return load_names()->regions; };
  care_reg.comuna_name = [load_names](const std::string& id) {
    auto n = load_names();
    auto it = n->comunas.find(id);
    return it == n->comunas.end() ? id : it->second;
  };
  care_reg.xlsx = [](const std::string& sheet, const std::vector<std::string>& header,
                     const std::vector<std::vector<std::variant<std::string, double>>>& rows) {
    return policy::xlsx_sheet(sheet, header, rows);
  };
  // Each step of a referral to a place goes to the early-alert engine with its deadline (issue 17).
  static const std::map<std::string, std::string> step_templates = {
      {"answer", "placement_unanswered"}, {"entry", "placement_no_entry"}, {"exit", "placement_overstay"}};
  care_reg.steps.watch = [c](soci::session& s, const care::StepWatch& w) {
    auto engine = c->find<alerts::Service>();
    if (!engine) return;
    alerts::Step step;
    step.key = w.key;
    step.template_id = step_templates.at(w.step);
    step.person_id = w.person_id;
    step.institution_id = w.from_institution_id;
    if (w.house_institution_id) step.also_visible_to.push_back(*w.house_institution_id);
    step.due_at = w.due_at;
    step.what = w.what;
    engine->watch_step(s, step);
  };
  care_reg.steps.done = [c](soci::session& s, const std::string& key, const std::string& how, int64_t now) {
    if (auto engine = c->find<alerts::Service>()) engine->step_done(s, key, how, now);
  };
  ctx.provide(std::make_shared<care::Registry>(care_reg));
  care::Options care_options;
  care_options.answer_seconds = config.care_answer_timeout_s;
  care_options.entry_seconds = config.care_entry_timeout_s;
  ctx.provide(std::make_shared<care::Options>(care_options));
  // The SEG catalogue's series computed from other modules (indicators/sources.h), and its
  // stewards' names. The PMG de Género: validated progress per year from the policy module's
  // published history (the annual period, or else the year's last semester).
  auto ind_sources = std::make_shared<indicators::PlatformSources>();
  ind_sources->institution_names = [auth](const std::set<int64_t>& ids) {
    auto names = auth()->display_names({}, ids);
    return names ? names->second : std::map<int64_t, std::string>();
  };
  ind_sources->series["policy_pmg_genero"] = [c, auth]() -> Result<indicators::SeriesPoints> {
    policy::Service policy(c->db, c->need<audit::Log>(), auth());
    auto history = policy.history(std::nullopt);
    if (!history) return fail(history.error());
    std::map<std::string, std::pair<std::string, double>> by_year;  // year → (label, progress)
    for (const auto& ins : (*history)["items"]) {
      if (ins["code"] != "pmg-genero") continue;
      for (const auto& p : ins["periods"]) {
        const std::string label = p["label"].get<std::string>();
        if (label.size() < 4 || !p.contains("progress")) continue;
        auto& slot = by_year[label.substr(0, 4)];
        if (slot.first.empty() || label.size() == 4 || (slot.first.size() != 4 && label > slot.first))
          slot = {label, p["progress"].get<double>()};
      }
    }
    indicators::SeriesPoints out;
    for (const auto& [year, v] : by_year) out.emplace_back(year, v.second);
    return out;
  };
  ctx.provide(ind_sources);

  monitoring::ServiceOptions mon;
  mon.take_timeout_s = config.monitoring_take_timeout_s;
  mon.accept_timeout_s = config.monitoring_accept_timeout_s;
  mon.retention_days = config.monitoring_retention_days;
  // A legal hold (dataprotection/holds.h) stops the module's own hourly purge too.
  mon.holds = [c](const std::string& kind) { return dataprotection::held_for(c->db, now_ms(), "monitoring", kind); };
  ctx.provide(std::make_shared<monitoring::ServiceOptions>(mon));
  // The silent chat: its settings, the municipal unit of her comuna for an escalation (the same
  // pilot comunas and institutions as monitoring's dispatch).
  chat::Options chat_opt;
  chat_opt.retention_days = config.chat_retention_days;
  chat_opt.holds = [c](const std::string& kind) { return dataprotection::held_for(c->db, now_ms(), "chat", kind); };
  ctx.provide(std::make_shared<chat::Options>(chat_opt));
  ctx.provide(std::make_shared<whatsapp::InboxSettings>(whatsapp::InboxSettings{
      static_cast<size_t>(config.whatsapp_inbox_max), static_cast<size_t>(config.whatsapp_inbox_max_mib) << 20, config.whatsapp_test_hold_ms,
      config.whatsapp_test_hold_delete_ms}));
  ctx.provide(std::make_shared<chat::Dispatch>(chat::Dispatch{[unit_of](const std::string& comuna) -> std::optional<chat::MunicipalUnit> {
    if (!kMunicipalPilot.count(comuna)) return std::nullopt;
    auto u = unit_of("municipality", comuna);
    if (!u) return std::nullopt;
    return chat::MunicipalUnit{u->institution_id, u->name};
  },
  // A municipal escalation is a real dispatch of the monitoring module (its unit sees it on its
  // dispatch screen); the chat shows where it stands and is told when the unit moves it.
  [c](const http::Request& by, const chat::DispatchRequest& r) -> Result<chat::DispatchState> {
    auto mon = c->find<monitoring::Service>();
    if (!mon) return fail(Error::unavailable("El módulo de monitoreo no está activo: la derivación municipal no es posible. Use el 133."));
    auto d = mon->raise_from_channel(monitoring::Caller{by.who(), by.client_ip},
                                     monitoring::ChannelAlert{"chat", r.ref, r.comuna_code, r.institution_id, r.urgent, r.note});
    if (!d) return fail(d.error());
    return chat_dispatch_state(*d);
  },
  [c](int64_t dispatch_id) -> Result<chat::DispatchState> {
    auto mon = c->find<monitoring::Service>();
    if (!mon) return fail(Error::unavailable());
    auto d = mon->channel_dispatch(dispatch_id);
    if (!d) return fail(d.error());
    return chat_dispatch_state(*d);
  }}));
  mon_dir->channel_dispatch_changed = [c](const monitoring::DispatchView& d) {
    if (d.origin != "chat") return;
    if (auto chat = c->find<chat::Service>()) chat->dispatch_changed(d.origin_ref, chat_dispatch_state(d));
  };

  std::string mqtt = config.mqtt;
  if (const char* v = std::getenv("EQ_MQTT"); mqtt.empty() && v && *v) mqtt = v;
  if (!mqtt.empty()) {
    monitoring::MqttOptions mo;
    auto colon = mqtt.rfind(':');
    mo.host = mqtt.substr(0, colon);
    if (colon != std::string::npos) mo.port = std::atoi(mqtt.c_str() + colon + 1);
    ctx.provide(std::make_shared<monitoring::MqttOptions>(mo));
  }

  // The help channels name operators for their supervisors, from the accounts module.
  auto channels_dir = std::make_shared<channels::Directory>();
  channels_dir->user_names = [auth](const std::set<int64_t>& ids) {
    auto names = auth()->display_names(ids, {});
    return names ? names->first : std::map<int64_t, std::string>();
  };
  ctx.provide(channels_dir);
  // The channels' statistics over time: «Mascarilla 19» requests counted by the pharmacy module
  // itself (its repository's activations), the policy module's XLSX writer, the region names.
  channels::HistorySources history;
  history.pharmacy_requests = [c](int64_t from, int64_t to) -> Result<std::map<std::string, int64_t>> {
    return store::with_session<std::map<std::string, int64_t>>(
        c->db, [&](soci::session& s) -> Result<std::map<std::string, int64_t>> { return pharmacy::repo::activations(s, from, to).by_region; });
  };
  history.xlsx = [](const std::string& sheet, const std::vector<std::string>& header,
                    const std::vector<std::vector<std::variant<std::string, double>>>& rows) { return policy::xlsx_sheet(sheet, header, rows); };
  history.regions = [load_names] { return load_names()->regions; };
  ctx.provide(std::make_shared<channels::HistorySources>(history));

  // The public account's live figures (account/sources.h): the legislative agenda, policy
  // tracking's published figures and history, and the help channels' contact counts.
  account::Sources acc;
  acc.bills = [c]() -> Result<nlohmann::json> {
    return store::with_session<nlohmann::json>(c->db, [](soci::session& s) -> Result<nlohmann::json> {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& b : legislative::Repository::list(s, "", ""))
        out.push_back({{"boletin", b.boletin ? nlohmann::json(*b.boletin) : nlohmann::json(nullptr)},
                       {"title", b.title},
                       {"stage", b.stage},
                       {"stage_name", legislative::stage_name_es(b.stage)},
                       {"law_number", b.law_number ? nlohmann::json(*b.law_number) : nlohmann::json(nullptr)},
                       {"published_on", b.published_at ? nlohmann::json(format_date_cl(*b.published_at)) : nlohmann::json(nullptr)}});
      return out;
    });
  };
  acc.instruments = [c, auth]() -> Result<nlohmann::json> {
    policy::Service policy(c->db, c->need<audit::Log>(), auth());
    auto list = policy.public_instruments();
    if (!list) return fail(list.error());
    auto history = policy.history(std::nullopt);
    if (!history) return fail(history.error());
    std::map<int64_t, nlohmann::json> periods;
    for (const auto& h : (*history)["items"]) {
      nlohmann::json ps = nlohmann::json::array();
      for (const auto& p : h["periods"]) ps.push_back({{"label", p["label"]}, {"progress_text", p.value("progress_text", "")}});
      periods[h["id"].get<int64_t>()] = ps;
    }
    nlohmann::json out = nlohmann::json::array();
    for (const auto& i : (*list)["items"]) {
      nlohmann::json declared = nlohmann::json::array();
      for (const auto& d : i.value("declared", nlohmann::json::array())) {
        nlohmann::json x = {{"label", d.value("label", "")}, {"text", d.value("text", "")}, {"source", d.value("source", nlohmann::json(nullptr))}};
        if (d.contains("check") && d["check"].is_object() && d["check"].contains("text")) {
          x["computed_text"] = d["check"]["text"];
          x["agrees"] = d["check"].value("agrees", false);
        }
        declared.push_back(x);
      }
      const int64_t id = i["id"].get<int64_t>();
      out.push_back({{"code", i["code"]},
                     {"name", i["name"]},
                     {"progress", i["progress"]},
                     {"progress_text", i["progress_text"]},
                     {"leaves", i["leaves"]},
                     {"reported", i["reported"]},
                     {"demo_data", i.value("demo_data", false)},
                     {"periods", periods.count(id) ? periods[id] : nlohmann::json::array()},
                     {"declared", declared}});
    }
    return out;
  };
  acc.channels = [c](int64_t from, int64_t to) -> Result<nlohmann::json> {
    auto ch = c->find<channels::Service>();
    if (!ch) return fail(Error::unavailable());
    return ch->statistics(channels::Actor{0, 0, true, ""}, from, to);  // counts only, as a supervisor sees them
  };
  acc.protection = [c](int64_t from, int64_t to) -> Result<nlohmann::json> {
    auto reg = c->find<cases::Service>();
    auto mon = c->find<monitoring::Service>();
    if (!reg || !mon) return fail(Error::unavailable());
    // The registry's figures as its statistics publish them: consent to statistical use, base cells
    // of 1–4 left out (null: «<5»); the account adds nothing finer than what that screen shows.
    auto st = reg->statistics(http::Request{}, from, to);
    if (!st) return fail(st.error());
    nlohmann::json rows = nlohmann::json::array();
    auto sum_kind = [&](const std::string& kind) -> nlohmann::json {
      int64_t n = 0;
      bool any = false, hidden = false;
      for (const auto& m : (*st).value("by_month", nlohmann::json::array())) {
        const auto& counts = m.value("counts", nlohmann::json::object());
        if (!counts.contains(kind)) continue;
        if (counts[kind].is_number()) n += counts[kind].get<int64_t>(), any = true;
        else hidden = true;
      }
      return !any && hidden ? nlohmann::json(nullptr) : nlohmann::json(n);
    };
    for (const auto& kind : cases::record_kinds())
      rows.push_back({{"group", "Registro único de casos"}, {"label", cases::kind_name_es(kind)}, {"count", sum_kind(kind)}});
    const nlohmann::json levels = (*st).value("risk_levels", nlohmann::json::object());  // items() of a temporary would dangle
    for (const auto& [level, n] : levels.items())
      rows.push_back({{"group", "Evaluaciones de riesgo"}, {"label", "Nivel " + level}, {"count", n}});
    int64_t alerts = 0;
    for (const auto& a : (*st).value("alerts", nlohmann::json::array()))
      if (a.value("count", nlohmann::json()).is_number()) alerts += a["count"].get<int64_t>();
    rows.push_back({{"group", "Alertas tempranas"}, {"label", "Alertas levantadas sobre registros con consentimiento"}, {"count", alerts}});
    auto t = mon->period_totals(from, to);
    if (!t) return fail(t.error());
    const char* g = "Monitoreo telemático";
    rows.push_back({{"group", g}, {"label", "Medidas con monitoreo iniciadas"}, {"count", t->orders_started}});
    rows.push_back({{"group", g}, {"label", "Medidas con monitoreo vigentes al cierre"}, {"count", t->orders_in_force}});
    for (const auto& [label, n] : t->incidents_by_type) rows.push_back({{"group", g}, {"label", "Alarmas: " + label}, {"count", n}});
    rows.push_back({{"group", g}, {"label", "Despachos a unidades de respuesta"}, {"count", t->dispatches}});
    rows.push_back({{"group", g}, {"label", "Alertas de canales de ayuda despachadas a su comuna"}, {"count", t->channel_incidents}});
    return nlohmann::json{{"rows", rows}, {"note", (*st).value("note", "")}};
  };
  ctx.provide(std::make_shared<account::Sources>(acc));

  // Citizens' participation reads the published editions (participation/editions.h). A published
  // edition is frozen, so each is parsed once and kept.
  participation::Editions eds;
  eds.published = [c, cache = std::make_shared<std::pair<std::mutex, std::map<int64_t, participation::PublishedEdition>>>()]()
      -> Result<std::vector<participation::PublishedEdition>> {
    auto svc = c->find<account::Service>();
    if (!svc) return fail(Error::unavailable());
    auto list = svc->editions(true);
    if (!list) return fail(list.error());
    std::vector<participation::PublishedEdition> out;
    for (const auto& item : (*list)["items"]) {
      const int64_t id = item["id"].get<int64_t>();
      {
        std::lock_guard lock(cache->first);
        if (auto it = cache->second.find(id); it != cache->second.end()) {
          out.push_back(it->second);
          continue;
        }
      }
      auto full = svc->edition(id, true);
      if (!full) return fail(full.error());
      participation::PublishedEdition e{id, item.value("period", ""), item.value("title", ""),
                                        item["published_at"].is_number() ? item["published_at"].get<int64_t>() : 0, item.value("demo", false), {}};
      for (const auto& sec : (*full)["document"]["sections"])
        e.sections.push_back({sec.value("key", ""), sec.value("title", ""), sec.value("text", "")});
      std::lock_guard lock(cache->first);
      cache->second[id] = e;
      out.push_back(std::move(e));
    }
    return out;
  };
  ctx.provide(std::make_shared<participation::Editions>(eds));
  participation::Options po;
  std::string smtp = config.smtp;
  if (const char* v = std::getenv("EQ_SMTP"); smtp.empty() && v && *v) smtp = v;
  if (!smtp.empty()) {
    auto colon = smtp.rfind(':');
    po.smtp.host = smtp.substr(0, colon);
    if (colon != std::string::npos) po.smtp.port = std::atoi(smtp.c_str() + colon + 1);
  }
  if (const char* v = std::getenv("EQ_SMTP_FROM"); v && *v) po.smtp.from = v;
  if (const char* v = std::getenv("EQ_PARTICIPATION_POW_BITS"); v && std::atoi(v) > 0) po.pow_bits = std::atoi(v);
  if (const char* v = std::getenv("EQ_PARTICIPATION_FLOOD"); v && std::atoi(v) > 0) po.flood_max = std::atoi(v);
  ctx.provide(std::make_shared<participation::Options>(po));

  // Ley 21.719: what each module holds about a person, by RUT, for the data-protection officer's
  // report; and every module's declared encrypted columns for the record of processing activities.
  dataprotection::PersonalDataSources dp_sources;
  dp_sources.push_back({"cases", [c, names = cases_dir->institution_names](const std::string& rut)
                                     -> Result<std::vector<dataprotection::Section>> {
    auto reg = c->find<cases::Service>();
    if (!reg) return fail(Error::unavailable());
    static const std::map<std::string, std::string> kinds = {
        {"contact", "Contacto"}, {"complaint", "Denuncia"}, {"risk_assessment", "Evaluación de riesgo"},
        {"protective_order", "Medida de protección"}, {"order_breach", "Incumplimiento de medida"}, {"referral", "Derivación"},
        {"shelter_entry", "Ingreso a casa de acogida"}, {"shelter_exit", "Egreso de casa de acogida"}, {"closure", "Cierre"}};
    static const std::map<std::string, std::string> roles = {{"victim", "víctima"}, {"aggressor", "persona denunciada"}, {"child", "niña o niño"}};
    return store::with_session<std::vector<dataprotection::Section>>(
        reg->db(), [&](soci::session& s) -> Result<std::vector<dataprotection::Section>> {
          cases::Repository repo(c->keys);
          std::vector<dataprotection::Section> out;
          for (auto pid : repo.persons_by_run(s, rut)) {
            const auto h = reg->history(s, pid);
            std::set<int64_t> inst;
            for (const auto& r : h.records) inst.insert(r.institution_id);
            const auto inst_names = names(inst);
            dataprotection::Section sec{"cases", "Registro único de casos (persona " + std::to_string(pid) + ")",
                                        std::to_string(h.records.size()) + " registros en los que aparece. El detalle de cada registro "
                                        "contiene datos de otras personas: se entrega revisado, no en este informe.", {}};
            for (const auto& r : h.records) {
              std::string role;
              for (const auto& p : r.persons)
                if (p.person_id == pid) role = roles.count(p.role) ? roles.at(p.role) : p.role;
              auto in = inst_names.find(r.institution_id);
              sec.items.push_back({{"record_id", r.id}, {"kind", r.kind}, {"kind_name", kinds.count(r.kind) ? kinds.at(r.kind) : r.kind},
                                   {"occurred", format_date_cl(r.occurred_at)}, {"role", role},
                                   {"institution", in == inst_names.end() ? std::string() : in->second}});
            }
            out.push_back(std::move(sec));
          }
          return out;
        });
  }});
  dp_sources.push_back({"directoras", [c](const std::string& rut) -> Result<std::vector<dataprotection::Section>> {
    auto reg = c->find<directoras::Service>();
    if (!reg) return fail(Error::unavailable());
    return store::with_session<std::vector<dataprotection::Section>>(
        reg->db(), [&](soci::session& s) -> Result<std::vector<dataprotection::Section>> {
          std::vector<dataprotection::Section> out;
          auto id = reg->repo().by_rut(s, rut);
          if (!id) return out;
          auto p = reg->repo().find(s, *id);
          if (!p) return out;
          const auto views = reg->repo().views(s, *id);
          dataprotection::Section sec{"directoras", "Registro de Directoras",
                                      "Perfil inscrito, con sus datos de contacto y las " + std::to_string(views.size()) +
                                          " consultas de empresas.", {}};
          sec.items.push_back({{"full_name", p->full_name}, {"email", p->email}, {"phone", p->phone}, {"birth_year", p->birth_year},
                               {"degree", p->degree}, {"region_id", p->region_id}, {"contactable", p->contactable},
                               {"updated", format_date_cl(p->updated_at)}});
          for (const auto& v : views)
            sec.items.push_back({{"viewed_at", format_datetime_cl(v.at)}, {"institution", v.institution_name}, {"kind", v.kind}});
          out.push_back(std::move(sec));
          return out;
        });
  }});
  // The accounts module keeps a user's RUN only as ciphertext and a blind index: it can say whether
  // an account holds this RUN, not list it by RUN (its repository has no look-up by RUN).
  dp_sources.push_back({"auth", [c](const std::string& rut) -> Result<std::vector<dataprotection::Section>> {
    return store::with_session<std::vector<dataprotection::Section>>(
        c->db, [&](soci::session& s) -> Result<std::vector<dataprotection::Section>> {
          std::vector<dataprotection::Section> out;
          if (auth::Repository(c->keys).run_taken(s, rut, 0))
            out.push_back({"auth", "Cuentas de la plataforma",
                           "Una cuenta de usuaria o usuario tiene este RUN: su nombre, correo, institución, roles y sesiones están en la "
                           "administración de usuarios, y sus accesos en la auditoría.", {}});
          return out;
        });
  }});
  // Pharmacy reports («Mascarilla 19») keep an alias and a phone, never a RUT: they cannot be found
  // by RUT and are not in this report.
  ctx.provide(std::make_shared<dataprotection::PersonalDataSources>(std::move(dp_sources)));
  // Retention per kind of data (dataprotection/retention.h): each module counts and purges its own
  // tables; the data-protection module runs them daily with the legal holds. The periods are this
  // server's configuration.
  auto service_gone = [] { return Result<PurgeTally>(fail(Error::unavailable("El módulo no está activo en este servidor."))); };
  dataprotection::Retentions retentions;
  // The legal basis of the help channels (checked 2026-12-07 against the published texts where the
  // sources allowed; what could not be checked is listed in src/dataprotection/LEGAL_BASES.md).
  const std::string kOrientationBasis =
      "Orientación y protección de mujeres víctimas de violencia, función del Ministerio (Ley 20.820) y deber del Estado "
      "(Ley 21.675, art. 7); tratamiento de un órgano público dentro de su competencia (Ley 19.628 reformada por la Ley 21.719, "
      "Título IV)";
  using Purge = std::function<Result<PurgeTally>(int64_t now, const PurgeHeld& held, bool dry_run)>;
  auto add_kind = [&](dataprotection::RetentionKind k, Purge purge) {
    retentions.push_back({std::move(k), [purge](int64_t now, const PurgeHeld& held) { return purge(now, held, true); },
                          [purge](int64_t now, const PurgeHeld& held) { return purge(now, held, false); }});
  };
  add_kind({"monitoring", "positions", "Posiciones de los dispositivos de monitoreo telemático", config.monitoring_retention_days,
            "desde su recepción",
            "Supervisión telemática de la prohibición de acercamiento que decreta un tribunal (Ley 20.066 y Ley 19.968, modificadas "
            "por la Ley 21.378, cuya administración la ley encarga a Gendarmería); tratamiento de un órgano público dentro de su "
            "competencia (Ley 19.628 reformada por la Ley 21.719, Título IV)",
            true,
            "las posiciones alrededor de un incidente (evidencia, ±60 minutos)", "--monitoring-retention-days"},
           [c, service_gone](int64_t now, const PurgeHeld& held, bool dry) -> Result<PurgeTally> {
             auto m = c->find<monitoring::Service>();
             return m ? m->purge_positions(now, held, dry) : service_gone();
           });
  add_kind({"chat", "transcripts", "Transcripciones del chat silencioso", config.chat_retention_days, "desde el fin de la conversación",
            kOrientationBasis + "; lo relevante queda en el registro del contacto",
            false, "", "--chat-retention-days"},
           [c, service_gone](int64_t now, const PurgeHeld& held, bool dry) -> Result<PurgeTally> {
             auto m = c->find<chat::Service>();
             return m ? m->purge(now, held, dry) : service_gone();
           });
  add_kind({"whatsapp", "conversations", "Conversaciones de la línea silenciosa de WhatsApp", config.whatsapp_retention_days,
            "desde el último mensaje", kOrientationBasis, false,
            "las conversaciones cuyo contacto sigue abierto en la cola", "--whatsapp-retention-days"},
           [c, service_gone, days = config.whatsapp_retention_days](int64_t now, const PurgeHeld& held, bool dry) -> Result<PurgeTally> {
             auto m = c->find<whatsapp::Service>();
             return m ? m->purge(now, days, held, dry) : service_gone();
           });
  add_kind({"channels", "contacts", "Relato, número y notas de los contactos del 1455 y los canales silenciosos",
            config.channels_retention_days, "desde el cierre del contacto",
            "Atención del Fono 1455 y de los canales silenciosos. " + kOrientationBasis +
                "; quedan canal, fechas, región y resultado para la estadística",
            false, "", "--channels-retention-days"},
           [c, service_gone, days = config.channels_retention_days](int64_t now, const PurgeHeld& held, bool dry) -> Result<PurgeTally> {
             auto m = c->find<channels::Service>();
             return m ? m->purge_contacts(now, days, held, dry) : service_gone();
           });
  ctx.provide(std::make_shared<dataprotection::Retentions>(std::move(retentions)));
  ctx.provide(std::make_shared<dataprotection::Inventory>([] {
    std::vector<dataprotection::DeclaredField> out;
    for (const auto& m : modules())
      if (m.encrypted_fields)
        for (const auto& f : m.encrypted_fields()) out.push_back({m.name, f.table, f.column, f.what, !f.blind_indexes.empty()});
    return out;
  }));
}

// Routes of the server itself (health, metrics, API description), public like a module's.
const std::vector<std::string> kSystemPublicRoutes = {"GET /healthz", "GET /metrics", "GET /api/v1/openapi.json"};

}  // namespace

Result<std::unique_ptr<App>> App::open(const Config& config) {
  std::unique_ptr<App> app(new App());
  app->config_ = config;
  app->modules_ = modules();
  store::Options opts;
  opts.url = config.db_url;
  opts.pool_size = config.pool_size;
  const std::string key_file = config.key_file.empty() ? default_key_file(config.db_url) : config.key_file;
  // Each file is made private by whoever creates it: the store (database, -wal, -shm), the keys
  // (key file), the audit seal (audit key).
  auto db = store::Database::open(opts);
  if (!db) return fail(db.error());
  app->db_ = std::move(*db);
  auto migrated = store::apply_migrations(*app->db_, kernel::migrations(app->modules_), config.data_dir);
  if (!migrated) return fail(migrated.error());

  if (!crypto::init()) return fail(Error{500, "crypto", "No se pudo iniciar libsodium.", {}});
  auto keys = crypto::Keys::load_or_create(key_file);
  if (!keys) return fail(keys.error());
  app->keys_ = std::make_unique<crypto::Keys>(*keys);
  // A key that does not open the data (a retired one, another installation's) is refused now,
  // before any module reads empty names or writes new rows under the wrong key.
  {
    auto lease = app->db_->lease();
    if (!lease) return fail(lease.error());
    try {
      if (auto ok = store::verify_keys(**lease, kernel::encrypted_fields(app->modules_), *app->keys_); !ok) {
        auto e = ok.error();
        e.message += " (clave " + key_file + ", huella " + app->keys_->fingerprint() + ")";
        return fail(e);
      }
    } catch (const std::exception& e) {
      return fail(store::database_error(e));
    }
  }
  auto& router = app->router_;
  auto* appp = app.get();
  router.add({"GET", "/healthz", http::kPublic, "Estado del servicio y de la base de datos", "system",
              [appp](http::Request&) -> Result<http::Response> {
                auto lease = appp->db_->lease(std::chrono::seconds(2));
                if (!lease) return fail(lease.error());
                try {
                  int one = 0;
                  **lease << "SELECT 1", soci::into(one);
                } catch (const std::exception& e) {
                  return fail(store::database_error(e));
                }
                return http::Response::json({{"status", "ok"}});
              }});
  router.add({"GET", "/metrics", http::kPublic, "Métricas en formato Prometheus", "system",
              [appp](http::Request&) -> Result<http::Response> {
                http::Response r;
                r.content_type = "text/plain; version=0.0.4; charset=utf-8";
                r.body = appp->metrics_.render();
                return r;
              }});
  router.add({"GET", "/api/v1/system/metrics", "system.metrics",
              "Métricas reservadas de operación en formato Prometheus (consolas conectadas); para un token de Prometheus", "system",
              [appp](http::Request&) -> Result<http::Response> {
                http::Response r;
                r.content_type = "text/plain; version=0.0.4; charset=utf-8";
                r.body = appp->ops_metrics_.render() + http::render_stages();
                return r;
              }});
  router.add({"GET", "/api/v1/openapi.json", http::kPublic, "Descripción OpenAPI 3 de esta API", "system",
              [appp](http::Request&) -> Result<http::Response> { return http::Response::json(appp->router_.openapi()); }});
  app->metrics_.add_gauge("equidad_db_pool_size", "Database sessions in the pool.",
                          [appp] { return static_cast<double>(appp->db_->pool_size()); });
  app->metrics_.add_gauge("equidad_db_pool_in_use", "Database sessions leased right now.",
                          [appp] { return static_cast<double>(appp->db_->in_use()); });
  app->metrics_.add_gauge("equidad_db_pool_waits_total", "Times a request waited for a free session.",
                          [appp] { return static_cast<double>(appp->db_->wait_count()); });

  app->ctx_ = std::make_unique<kernel::Context>(*app->db_, *app->keys_, router, app->metrics_, config.data_dir, key_file);
  wire(*app->ctx_, config);
  try {
    if (auto ok = app->open_modules(); !ok) return fail(ok.error());
  } catch (const std::logic_error& e) {
    return fail(Error{500, "modules", e.what(), {}});
  }
  // For the operations alerts (deploy/prometheus/equidad-alerts.yml, docs/OPERATIONS.md).
  // A weak reference: the metrics must not keep the service alive past the modules' closing.
  if (std::weak_ptr<monitoring::Service> mon = app->ctx_->find<monitoring::Service>(); !mon.expired())
    app->ops_metrics_.add_gauge("equidad_monitoring_live_connections",
                            "WebSocket connections to the monitoring live stream (operator consoles and field units).", [mon, appp] {
                              auto m = mon.lock();
                              // Not counting the cluster's relay (attached like a connection).
                              const size_t relay = appp->relay_sinks_.empty() ? 0 : 1;
                              return m && m->hub().size() > relay ? static_cast<double>(m->hub().size() - relay) : 0.0;
                            });
  // Referrals past a deadline (deploy/prometheus: "referral deadlines missed"): reserved like the
  // gauge above, since it reads the registry. NaN when the database cannot answer.
  if (std::weak_ptr<cases::Service> cs = app->ctx_->find<cases::Service>(); !cs.expired())
    app->ops_metrics_.add_gauge("equidad_referrals_overdue",
                                "Referrals between institutions past their acknowledgement or first-contact deadline.", [cs] {
                                  auto c = cs.lock();
                                  auto n = c ? c->overdue_referrals() : Result<int64_t>(0);
                                  return n ? static_cast<double>(*n) : std::numeric_limits<double>::quiet_NaN();
                                });
  // Several instances on one PostgreSQL (cluster.h): which one owns the engine and the jobs.
  // deploy/prometheus: "engine owner lost" is the sum over instances falling to 0.
  if (app->db_->backend() == store::Backend::postgresql) {
    ClusterOptions co;
    co.conninfo = store::postgres_keywords(config.db_url).value_or(config.db_url);
    char host[256] = {0};
    ::gethostname(host, sizeof host - 1);
    co.instance = std::string(host) + ":" + std::to_string(::getpid()) + ":" + crypto::random_token(6);
    app->cluster_ = std::make_unique<Cluster>(
        co,
        [appp](bool owner) {
          auto mon = appp->ctx_->find<monitoring::Service>();
          if (!mon) return true;
          auto ok = mon->set_owner(owner);
          if (!ok) spdlog::error("monitoring: take-over: {}", ok.error().message);
          return static_cast<bool>(ok);
        },
        [appp](const std::string& hub, const std::string& topic, const std::string& message) { appp->relayed(hub, topic, message); },
        [appp](const std::string& word) {
          if (word == "monitoring.reload")
            if (auto mon = appp->ctx_->find<monitoring::Service>(); mon && mon->owner()) mon->reload_later();
        });
  }
  app->metrics_.add_gauge("equidad_engine_owner",
                          "1 while this instance owns the monitoring engine and the background jobs (always 1 on SQLite).",
                          [appp] { return !appp->cluster_ || appp->cluster_->owner() ? 1.0 : 0.0; });
  if (app->db_->backend() == store::Backend::sqlite) {
    const std::string wal = config.db_url.substr(7) + "-wal";
    app->metrics_.add_gauge("equidad_sqlite_wal_bytes", "Size of the SQLite write-ahead log (checkpointed into the database in the background).",
                            [wal] {
                              std::error_code ec;
                              const auto n = fs::file_size(wal, ec);
                              return ec ? 0.0 : static_cast<double>(n);
                            });
  }
  app->files_.load(config.web_dir);
  return app;
}

Result<void> App::open_modules() {
  auto& ctx = *ctx_;
  for (auto& m : modules_) {
    ++opened_;  // counted before: close() also stops what a half-opened module started
    if (m.open)
      if (auto ok = m.open(ctx); !ok) return ok;
  }
  // A route served without a session is one its module declared as such (kernel::Module).
  if (auto extra = kernel::undeclared_public_routes(router_, modules_, kSystemPublicRoutes); !extra.empty()) {
    std::string list;
    for (const auto& r : extra) list += (list.empty() ? "" : ", ") + r;
    return fail(Error{500, "modules", "Rutas públicas no declaradas por su módulo: " + list + ".", {}});
  }
  auto auth = ctx.need<auth::Service>();
  for (auto& m : modules_)
    if (m.home_items) auth->add_home_source(m.home_items(ctx));
  router_.set_hooks({[auth](http::Request& req) { return auth->authenticate(req); },
                     [audit = ctx.need<audit::Log>()](const http::Request& req, const std::string& outcome) {
                       auto e = audit::Log::from(req, "http." + outcome, req.method + " " + req.route, "denied");
                       (void)audit->append(e);
                     }});
  return {};
}

Result<void> App::load_demo() {
  try {
    for (auto& m : modules_)
      if (m.load_demo)
        if (auto ok = m.load_demo(*ctx_); !ok) return ok;
  } catch (const std::logic_error& e) {
    return fail(Error{500, "modules", e.what(), {}});
  }
  return {};
}

namespace {

// Set while this thread re-publishes what another instance sent: not to be sent back.
thread_local bool t_relaying = false;

// Attached to a live hub like a connection: whatever is published there goes to the cluster.
class RelaySink : public http::Hub::Sink {
 public:
  RelaySink(Cluster& cluster, std::string hub) : cluster_(cluster), hub_(std::move(hub)) {}
  void deliver(const std::string& topic, std::shared_ptr<const std::string> message) override {
    if (!t_relaying) cluster_.publish(hub_, topic, *message);
  }

 private:
  Cluster& cluster_;
  std::string hub_;
};

}  // namespace

void App::start_cluster() {
  if (!cluster_) return;
  // The hubs whose messages every instance's consoles must see, by a name all instances share.
  std::vector<std::pair<std::string, std::shared_ptr<http::Hub>>> hubs;
  if (auto m = ctx_->find<monitoring::Service>()) hubs.emplace_back("monitoring", m->hub_ptr());
  // The chat relays its own events (ids, never her words: chat/module.h set_relay).
  if (auto c = ctx_->find<chat::Service>())
    c->set_relay([cl = cluster_.get()](const std::string& topic, const std::string& m) { cl->publish("chat", topic, m); });
  if (auto c = ctx_->find<channels::Service>()) hubs.emplace_back("channels", c->hub());
  Cluster* cl = cluster_.get();
  for (auto& [name, hub] : hubs) {
    auto sink = std::make_shared<RelaySink>(*cl, name);
    hub->attach(sink, nullptr);
    relay_sinks_.push_back(sink);
  }
  ctx_->provide(std::make_shared<ClusterControl>(ClusterControl{[cl](const std::string& word) { cl->control(word); }}));
  // Not the owner until the lease says so: positions are queued for whoever owns the engine.
  if (auto m = ctx_->find<monitoring::Service>()) {
    (void)m->set_owner(false);
    m->set_inbox_notify(cl->channel(), [cl] { return cl->payload("monitoring", monitoring::Service::kInboxWake, "{}"); });
  }
  cluster_->start();
}

void App::relayed(const std::string& hub, const std::string& topic, const std::string& message) {
  t_relaying = true;
  if (hub == "monitoring") {
    if (auto m = ctx_->find<monitoring::Service>()) m->relayed(topic, message);
  } else if (hub == "chat") {
    if (auto c = ctx_->find<chat::Service>()) c->relayed(topic, message);
  } else if (hub == "channels") {
    if (auto c = ctx_->find<channels::Service>()) c->hub()->publish(topic, message);
  }
  t_relaying = false;
}

void App::start_jobs(std::chrono::seconds every) {
  start_cluster();
  for (const auto& m : modules_)
    for (const auto& job : m.jobs)
      jobs_.emplace_back([this, job, every](std::stop_token stop) {
        const auto period = job.every ? *job.every : std::chrono::milliseconds(every);
        std::mutex m;
        std::condition_variable_any cv;
        while (!stop.stop_requested()) {
          // Several instances on one PostgreSQL: only the owner runs the jobs (one sweep, one purge).
          const bool run = !cluster_ || cluster_->owner();
          if (run)
            if (auto ok = job.run(*ctx_, now_ms()); !ok) spdlog::error("{}: {}", job.name, ok.error().message);
          std::unique_lock lock(m);
          // A non-owner looks again every second: after a take-over its jobs start at once.
          cv.wait_for(lock, stop, run ? period : std::min<std::chrono::milliseconds>(period, std::chrono::seconds(1)),
                      [] { return false; });
        }
      });
}

void App::stop_jobs() {
  for (auto& t : jobs_) t.request_stop();
  for (auto& t : jobs_)
    if (t.joinable()) t.join();
  jobs_.clear();
}

Result<int64_t> App::rotate_keys() {
  const std::string path = config_.key_file.empty() ? default_key_file(config_.db_url) : config_.key_file;
  const std::string master = crypto::random_bytes(32);
  const auto next = crypto::Keys::from_master(master);
  // The new key reaches the disk before any row uses it; the old one is kept beside it, because
  // backups taken before the rotation still need it (move it offline).
  const std::string next_path = path + ".next";
  {
    mode_t old = umask(077);
    std::ofstream out(next_path, std::ios::trunc);
    umask(old);
    out << crypto::hex(master) << "\n";
    if (!out) return fail(Error{500, "key_file", "No se pudo escribir " + next_path + ".", "keys"});
  }
  auto n = db_->transaction<int64_t>([&](soci::session& s) -> Result<int64_t> {
    try {
      const auto fields = kernel::encrypted_fields(modules_);
      int64_t rows = store::rekey(s, fields, *keys_, next);
      // Checked again under the new key before the commit: a column the new key cannot open
      // rolls everything back.
      if (auto ok = store::verify_keys(s, fields, next); !ok) throw std::runtime_error(ok.error().message);
      audit::Entry e;
      e.action = "keys.rotate";
      e.outcome = "ok";
      e.detail = std::to_string(rows) + " valores; clave retirada " + keys_->fingerprint() + ", clave nueva " + next.fingerprint();
      ctx_->need<audit::Log>()->append(s, e);
      return rows;
    } catch (const std::runtime_error& e) {
      return fail(Error{500, "rekey_failed", std::string("No se pudo volver a cifrar: ") + e.what(), "keys"});
    }
  });
  if (!n) {
    fs::remove(next_path);
    return n;
  }
  const std::string retired = path + ".retired-" + std::to_string(now_ms());
  std::error_code ec;
  fs::rename(path, retired, ec);
  if (!ec) fs::rename(next_path, path, ec);
  if (ec)
    return fail(Error{500, "key_file", "Los datos ya usan la clave nueva, que quedó en " + next_path + "; muévala a " + path +
                                           " antes de iniciar el servidor.", "keys"});
  *keys_ = next;
  return *n;
}

Result<std::string> backup_key_note(const Config& config) {
  const std::string key_file = config.key_file.empty() ? default_key_file(config.db_url) : config.key_file;
  std::error_code ec;
  if (!fs::exists(key_file, ec))
    return fail(Error{1, "key_file", "No se encuentra el archivo de claves " + key_file + ": el respaldo no serviría sin él.", "keys"});
  if (!crypto::init()) return fail(Error{500, "crypto", "No se pudo iniciar libsodium.", {}});
  auto keys = crypto::Keys::load_or_create(key_file);
  if (!keys) return fail(keys.error());
  store::Options opts;
  opts.url = config.db_url;
  opts.pool_size = 1;
  auto db = store::Database::open(opts);
  if (!db) return fail(db.error());
  auto lease = (*db)->lease();
  if (!lease) return fail(lease.error());
  std::string note;
  try {
    // The same list the server opens with: the note cannot miss a module the server serves.
    const auto fields = kernel::encrypted_fields(modules());
    if (auto ok = store::verify_keys(**lease, fields, *keys); !ok) return fail(ok.error());
    note = "Este respaldo necesita la clave con huella " + keys->fingerprint() + " (hoy en " + key_file +
           "; tras una rotación queda como «.retired-…»). Columnas cifradas con ella:\n";
    for (const auto& [column, n] : store::census(**lease, fields)) note += "  " + column + ": " + std::to_string(n) + "\n";
  } catch (const std::exception& e) {
    return fail(store::database_error(e));
  }
  return note;
}

void App::preload() {
  for (size_t i = 0; i < opened_; ++i)
    if (modules_[i].preload) modules_[i].preload(*ctx_);
}

auth::Service& App::auth() { return *ctx_->need<auth::Service>(); }
audit::Log& App::audit() { return *ctx_->need<audit::Log>(); }
monitoring::Service& App::monitoring() { return *ctx_->need<monitoring::Service>(); }

}  // namespace eq::app
