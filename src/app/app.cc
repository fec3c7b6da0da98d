#include "app/app.h"

#include <unistd.h>

#include <filesystem>

#include "audit/routes.h"
#include "auth/demo.h"
#include "auth/routes.h"
#include "core/time.h"
#include "legislative/module.h"
#include "territory/module.h"

namespace eq::app {

namespace fs = std::filesystem;

struct App::Modules {
  std::shared_ptr<territory::Service> territory;
  std::shared_ptr<audit::Log> audit;
  std::shared_ptr<auth::Service> auth;
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
  for (auto* module : {&territory::migrations, &audit::migrations, &auth::migrations, &legislative::migrations})
    for (auto& m : (*module)()) all.push_back(std::move(m));
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

App::~App() = default;

Result<std::unique_ptr<App>> App::open(const Config& config) {
  std::unique_ptr<App> app(new App());
  app->config_ = config;
  store::Options opts;
  opts.url = config.db_url;
  opts.pool_size = config.pool_size;
  auto db = store::Database::open(opts);
  if (!db) return fail(db.error());
  app->db_ = std::move(*db);
  auto migrated = store::apply_migrations(*app->db_, all_migrations(), config.data_dir);
  if (!migrated) return fail(migrated.error());

  if (!crypto::init()) return fail(Error{500, "crypto", "No se pudo iniciar libsodium.", {}});
  auto keys = crypto::Keys::load_or_create(config.key_file.empty() ? default_key_file(config.db_url) : config.key_file);
  if (!keys) return fail(keys.error());
  app->keys_ = std::make_unique<crypto::Keys>(*keys);
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
  auth::Policy policy;
  policy.secure_cookies = config.server.secure_cookies;
  m.auth = std::make_shared<auth::Service>(*app->db_, *app->keys_, *m.audit, m.territory, policy);
  auth::register_routes(router, m.auth);
  audit::register_routes(router, m.audit, [auth = m.auth](const std::set<int64_t>& u, const std::set<int64_t>& i) {
    return auth->display_names(u, i);
  });
  legislative::register_routes(router, *app->db_, m.audit);
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
  return legislative::load_demo(*db_, *modules_->audit);
}

void App::preload() { modules_->territory->preload(); }

auth::Service& App::auth() { return *modules_->auth; }
audit::Log& App::audit() { return *modules_->audit; }

}  // namespace eq::app
