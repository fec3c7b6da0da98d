#include "app/app.h"
#include "core/log.h"

#include <unistd.h>

#include <sys/stat.h>

#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <thread>

#include "alerts/module.h"
#include "audit/routes.h"
#include "auth/encrypted_fields.h"
#include "cases/encrypted_fields.h"
#include "cases/module.h"
#include "risk/instrument.h"
#include "auth/demo.h"
#include "auth/repository.h"
#include "auth/routes.h"
#include "core/time.h"
#include "legislative/module.h"
#include "monitoring/module.h"
#include "monitoring/mqtt.h"
#include "policy/module.h"
#include "store/encrypted_fields.h"
#include "territory/module.h"

namespace eq::app {

namespace fs = std::filesystem;

struct App::Modules {
  std::shared_ptr<territory::Service> territory;
  std::shared_ptr<audit::Log> audit;
  std::shared_ptr<auth::Service> auth;
  std::shared_ptr<cases::Service> cases;
  std::shared_ptr<alerts::Service> alerts;
  std::shared_ptr<monitoring::Service> monitoring;
  std::jthread jobs;
  std::jthread monitoring_jobs;
  std::unique_ptr<monitoring::MqttBridge> mqtt;
};

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

std::vector<store::Migration> all_migrations() {
  std::vector<store::Migration> all;
  for (auto* module : {&territory::migrations, &audit::migrations, &auth::migrations, &legislative::migrations, &eq::policy::migrations,
                        &cases::migrations, &alerts::migrations, &monitoring::migrations})
    for (auto& m : (*module)()) all.push_back(std::move(m));
  return all;
}

// Every module's encrypted columns, as all_migrations lists every module's schema: rotation, the
// start-up key check and the backup note read this one list.
store::EncryptedFields all_encrypted_fields() {
  store::EncryptedFields all;
  for (auto* module : {&auth::encrypted_fields, &cases::encrypted_fields, &monitoring::encrypted_fields})
    for (auto& c : (*module)()) all.push_back(std::move(c));
  return all;
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
  if (modules_ && modules_->mqtt) modules_->mqtt->stop();
  stop_jobs();
  if (modules_ && modules_->monitoring) modules_->monitoring->stop();
}

// The pilot of the 1455 line with the security units of six municipalities (public account
// 2020–2021): there a dispatch goes to the municipal unit, elsewhere to the police.
static const std::set<std::string> kMunicipalPilot = {"13101", "13123", "13112", "13110", "13114", "13125"};

Result<void> App::open_monitoring(App& app) {
  auto& m = *app.modules_;
  monitoring::Directory dir;
  auto unit_of = [auth = m.auth](const std::string& type, const std::string& comuna) -> std::optional<monitoring::Unit> {
    auto all = auth->list_institutions("", "", "");
    if (!all) return std::nullopt;
    for (const auto& i : *all)
      if (i.active && i.type == type && (comuna.empty() || i.comuna_id == comuna))
        return monitoring::Unit{i.id, i.name, type == "police" ? "police" : "municipal"};
    return std::nullopt;
  };
  dir.police_unit = [unit_of] { return unit_of("police", ""); };
  dir.responsible_unit = [unit_of](const std::string& comuna) {
    if (kMunicipalPilot.count(comuna))
      if (auto u = unit_of("municipality", comuna)) return u;
    return unit_of("police", "");
  };
  dir.comuna_of = [territory = m.territory](double lat, double lon) { return territory->locate(lat, lon); };
  dir.comuna_exists = [territory = m.territory](const std::string& id) {
    auto c = territory->comuna(id);
    return c && c->has_value();
  };
  dir.user_names = [auth = m.auth](const std::set<int64_t>& ids) {
    auto names = auth->display_names(ids, {});
    return names ? names->first : std::map<int64_t, std::string>();
  };
  monitoring::ServiceOptions opt;
  opt.take_timeout_s = app.config_.monitoring_take_timeout_s;
  opt.accept_timeout_s = app.config_.monitoring_accept_timeout_s;
  opt.retention_days = app.config_.monitoring_retention_days;
  m.monitoring = std::make_shared<monitoring::Service>(*app.db_, *app.keys_, *m.audit, dir, opt);
  if (auto ok = m.monitoring->start(); !ok) return ok;
  monitoring::register_routes(app.router_, m.monitoring);
  m.auth->add_home_source([svc = m.monitoring](const http::Request& req) { return monitoring::home_items(*svc, req); });
  auto mon = m.monitoring.get();
  app.metrics_.add_gauge("equidad_monitoring_positions_received_total", "Positions received by the monitoring engine.",
                         [mon] { return static_cast<double>(mon->stats().received); });
  app.metrics_.add_gauge("equidad_monitoring_positions_rejected_total", "Positions rejected (coordinates, time, speed, unknown device).",
                         [mon] { return static_cast<double>(mon->stats().rejected_total()); });
  app.metrics_.add_gauge("equidad_monitoring_alerts_total", "Alerts raised by the monitoring engine, repeats included.",
                         [mon] { return static_cast<double>(mon->stats().alerts); });
  std::string mqtt = app.config_.mqtt;
  if (const char* v = std::getenv("EQ_MQTT"); mqtt.empty() && v && *v) mqtt = v;
  if (!mqtt.empty()) {
    monitoring::MqttOptions mo;
    auto colon = mqtt.rfind(':');
    mo.host = mqtt.substr(0, colon);
    if (colon != std::string::npos) mo.port = std::atoi(mqtt.c_str() + colon + 1);
    m.mqtt = std::make_unique<monitoring::MqttBridge>(
        mo, [svc = m.monitoring](const monitoring::Credentials& who, std::vector<monitoring::Position> ps, const std::string& client) {
          return svc->ingest(who, std::move(ps), client);
        });
    if (auto ok = m.mqtt->start(); !ok) return ok;
    auto bridge = m.mqtt.get();
    app.metrics_.add_gauge("equidad_monitoring_mqtt_connected", "1 while subscribed to the MQTT broker.",
                           [bridge] { return bridge->connected() ? 1.0 : 0.0; });
    app.metrics_.add_gauge("equidad_monitoring_mqtt_messages_total", "MQTT messages received from devices.",
                           [bridge] { return static_cast<double>(bridge->counters().messages); });
  }
  // No gauge of live connections: /metrics is public, and whether a control-centre console or a
  // unit is watching right now is exactly what someone planning an attack would like to know.
  return {};
}

Result<std::unique_ptr<App>> App::open(const Config& config) {
  std::unique_ptr<App> app(new App());
  app->config_ = config;
  store::Options opts;
  opts.url = config.db_url;
  opts.pool_size = config.pool_size;
  const std::string key_file = config.key_file.empty() ? default_key_file(config.db_url) : config.key_file;
  // Each file is made private by whoever creates it: the store (database, -wal, -shm), the keys
  // (key file), the audit seal (audit key).
  auto db = store::Database::open(opts);
  if (!db) return fail(db.error());
  app->db_ = std::move(*db);
  auto migrated = store::apply_migrations(*app->db_, all_migrations(), config.data_dir);
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
      if (auto ok = store::verify_keys(**lease, all_encrypted_fields(), *app->keys_); !ok) {
        auto e = ok.error();
        e.message += " (clave " + key_file + ", huella " + app->keys_->fingerprint() + ")";
        return fail(e);
      }
    } catch (const std::exception& e) {
      return fail(store::database_error(e));
    }
  }
  app->modules_ = std::make_unique<Modules>();
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
  router.add({"GET", "/api/v1/openapi.json", http::kPublic, "Descripción OpenAPI 3 de esta API", "system",
              [appp](http::Request&) -> Result<http::Response> { return http::Response::json(appp->router_.openapi()); }});
  app->metrics_.add_gauge("equidad_db_pool_size", "Database sessions in the pool.",
                          [appp] { return static_cast<double>(appp->db_->pool_size()); });
  app->metrics_.add_gauge("equidad_db_pool_in_use", "Database sessions leased right now.",
                          [appp] { return static_cast<double>(appp->db_->in_use()); });
  app->metrics_.add_gauge("equidad_db_pool_waits_total", "Times a request waited for a free session.",
                          [appp] { return static_cast<double>(appp->db_->wait_count()); });

  auto& m = *app->modules_;
  m.territory = territory::register_routes(router, *app->db_, config.data_dir);
  m.audit = std::make_shared<audit::Log>(*app->db_);
  auto seal = audit::Seal::load_or_create(audit::seal_path_for(config.key_file.empty() ? default_key_file(config.db_url) : config.key_file));
  if (!seal) return fail(seal.error());
  if (auto ok = m.audit->set_seal(std::make_shared<const audit::Seal>(*seal)); !ok) return fail(ok.error());
  auth::Policy policy;
  policy.secure_cookies = config.server.secure_cookies;
  m.auth = std::make_shared<auth::Service>(*app->db_, *app->keys_, *m.audit, m.territory, policy);
  auth::register_routes(router, m.auth);
  audit::register_routes(router, m.audit, [auth = m.auth](const std::set<int64_t>& u, const std::set<int64_t>& i) {
    return auth->display_names(u, i);
  });
  legislative::register_routes(router, *app->db_, m.audit);

  auto instrument = risk::Instrument::load(config.data_dir);
  if (!instrument) return fail(instrument.error());
  risk::register_routes(router, *instrument);
  cases::Directory directory;
  directory.institution_names = [auth = m.auth](const std::set<int64_t>& ids) {
    auto names = auth->display_names({}, ids);
    return names ? names->second : std::map<int64_t, std::string>();
  };
  directory.user_names = [auth = m.auth](const std::set<int64_t>& ids) {
    auto names = auth->display_names(ids, {});
    return names ? names->first : std::map<int64_t, std::string>();
  };
  directory.serving_institutions = [auth = m.auth]() {
    std::vector<std::tuple<int64_t, std::string, std::string>> out;
    static const std::set<std::string> serving = {"sernameg_centre", "police",  "prosecutor",  "court",         "forensic",
                                                  "health",          "municipality", "public_service", "civil_society"};
    if (auto all = auth->list_institutions("", "", ""))
      for (const auto& i : *all)
        if (i.active && serving.count(i.type)) out.emplace_back(i.id, i.name, i.type);
    return out;
  };
  m.cases = std::make_shared<cases::Service>(*app->db_, *app->keys_, *m.audit, m.territory, directory, *instrument);
  m.alerts = std::make_shared<alerts::Service>(*app->db_, *m.audit, *m.cases);
  m.cases->set_alerts(m.alerts);
  m.alerts->set_institution_names(directory.institution_names);
  if (auto loaded = m.cases->load_index(); !loaded) return fail(loaded.error());
  cases::register_routes(router, m.cases);
  m.auth->add_home_source([alerts = m.alerts](const http::Request& req) { return alerts::home_items(*alerts, req); });
  m.auth->add_home_source([cases = m.cases](const http::Request& req) { return cases->home_items(req); });
  alerts::register_routes(router, m.alerts);
  eq::policy::register_routes(router, *app->db_, m.audit, m.auth);
  m.auth->add_home_source([db = app->db_.get()](const http::Request& req) { return eq::policy::home_items(*db, req); });
  if (auto ok = open_monitoring(*app); !ok) return fail(ok.error());
  router.set_hooks({[auth = m.auth](http::Request& req) { return auth->authenticate(req); },
                    [audit = m.audit](const http::Request& req, const std::string& outcome) {
                      auto e = audit::Log::from(req, "http." + outcome, req.method + " " + req.route, "denied");
                      (void)audit->append(e);
                    }});
  app->files_.load(config.web_dir);
  return app;
}

Result<void> App::load_demo() {
  if (auto ok = auth::load_demo(*modules_->auth); !ok) return ok;
  if (auto ok = legislative::load_demo(*db_, *modules_->audit); !ok) return ok;
  if (auto ok = eq::policy::load_demo(*db_, *modules_->audit, *modules_->auth); !ok) return ok;
  auto centre = modules_->auth->find_user("caso@equidad.demo");
  auto police = modules_->auth->find_user("policia@equidad.demo");
  if (!centre) return fail(centre.error());
  if (!police) return fail(police.error());
  if (!*centre || !*police) return fail(Error::internal());
  if (auto ok = cases::load_demo(*modules_->cases, (*centre)->institution_id, (*centre)->id, (*police)->institution_id, (*police)->id); !ok)
    return ok;
  return monitoring::load_demo(*modules_->monitoring);
}


void App::start_jobs(std::chrono::seconds every) {
  // Time-based alert rules (deadlines) and escalations are found by a periodic sweep.
  // Monitoring: silence and escalations every second (their timeouts are seconds), retention hourly.
  modules_->monitoring_jobs = std::jthread([this](std::stop_token stop) {
    std::mutex m;
    std::condition_variable_any cv;
    int64_t next_purge = 0;
    while (!stop.stop_requested()) {
      const int64_t now = now_ms();
      modules_->monitoring->tick(now);
      if (now >= next_purge) {
        if (auto n = modules_->monitoring->purge_positions(now); !n) spdlog::error("monitoring purge: {}", n.error().message);
        next_purge = now + 3'600'000;
      }
      std::unique_lock lock(m);
      cv.wait_for(lock, stop, std::chrono::seconds(1), [] { return false; });
    }
  });
  modules_->jobs = std::jthread([this, every](std::stop_token stop) {
    std::mutex m;
    std::condition_variable_any cv;
    while (!stop.stop_requested()) {
      if (auto n = modules_->alerts->sweep(now_ms()); !n) spdlog::error("alerts sweep: {}", n.error().message);
      std::unique_lock lock(m);
      cv.wait_for(lock, stop, every, [] { return false; });
    }
  });
}

void App::stop_jobs() {
  if (!modules_) return;
  if (modules_->monitoring_jobs.joinable()) {
    modules_->monitoring_jobs.request_stop();
    modules_->monitoring_jobs.join();
  }
  if (modules_->jobs.joinable()) {
    modules_->jobs.request_stop();
    modules_->jobs.join();
  }
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
      const auto fields = all_encrypted_fields();
      int64_t rows = store::rekey(s, fields, *keys_, next);
      // Checked again under the new key before the commit: a column the new key cannot open
      // rolls everything back.
      if (auto ok = store::verify_keys(s, fields, next); !ok) throw std::runtime_error(ok.error().message);
      audit::Entry e;
      e.action = "keys.rotate";
      e.outcome = "ok";
      e.detail = std::to_string(rows) + " valores; clave retirada " + keys_->fingerprint() + ", clave nueva " + next.fingerprint();
      modules_->audit->append(s, e);
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
    const auto fields = all_encrypted_fields();
    if (auto ok = store::verify_keys(**lease, fields, *keys); !ok) return fail(ok.error());
    note = "Este respaldo necesita la clave con huella " + keys->fingerprint() + " (hoy en " + key_file +
           "; tras una rotación queda como «.retired-…»). Columnas cifradas con ella:\n";
    for (const auto& [column, n] : store::census(**lease, fields)) note += "  " + column + ": " + std::to_string(n) + "\n";
  } catch (const std::exception& e) {
    return fail(store::database_error(e));
  }
  return note;
}

void App::preload() { modules_->territory->preload(); }

auth::Service& App::auth() { return *modules_->auth; }
audit::Log& App::audit() { return *modules_->audit; }
monitoring::Service& App::monitoring() { return *modules_->monitoring; }

}  // namespace eq::app
