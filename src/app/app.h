// The composition root: opens storage, applies every module's migrations, registers every module's
// routes. The only place that knows the list of modules.
#pragma once
#include <chrono>
#include <memory>
#include <string>

#include "http/metrics.h"
#include "http/router.h"
#include "http/server.h"
#include "http/static_files.h"
#include "core/crypto.h"
#include "store/database.h"

namespace eq::auth {
class Service;
}
namespace eq::audit {
class Log;
}
namespace eq::monitoring {
class Service;
}

namespace eq::app {

struct Config {
  std::string db_url;
  std::string data_dir;
  std::string web_dir;
  std::string key_file;  // secret keys for field encryption and blind indexes
  int pool_size = 4;
  http::ServerOptions server;
  int monitoring_take_timeout_s = 60;
  int monitoring_accept_timeout_s = 120;
  int monitoring_retention_days = 180;
  std::string mqtt;  // "host:port" of the broker devices publish to; empty: no MQTT ingest
};

// Where data/ and web/dist are when not given: next to the binary's source tree or the working folder.
std::string default_data_dir();
std::string default_web_dir();
std::string default_db_url();
std::string default_key_file(const std::string& db_url);
// For `equidad backup`: checks that the key file opens every declared encrypted column of the
// database and says which key (by fingerprint) the backup will need, with the columns it covers.
Result<std::string> backup_key_note(const Config& config);

class App {
 public:
  static Result<std::unique_ptr<App>> open(const Config& config);
  ~App();

  store::Database& db() { return *db_; }
  http::Router& router() { return router_; }
  http::Metrics& metrics() { return metrics_; }
  http::StaticFiles& files() { return files_; }
  const Config& config() const { return config_; }

  // Work that would otherwise delay the first requests; run beside the server while it starts.
  void preload();

  // Loads the demo data set of every module (idempotent).
  Result<void> load_demo();

  // Background jobs of a serving instance (alert deadlines and escalations).
  void start_jobs(std::chrono::seconds every);
  void stop_jobs();
  // `equidad keys rotate`: new master key, every encrypted field re-encrypted in one transaction.
  Result<int64_t> rotate_keys();

  auth::Service& auth();
  const crypto::Keys* keys() const { return keys_.get(); }
  audit::Log& audit();
  monitoring::Service& monitoring();
  struct Modules;

 private:
  App() = default;
  static Result<void> open_monitoring(App& app);
  Config config_;
  std::unique_ptr<store::Database> db_;
  http::Router router_;
  http::Metrics metrics_;
  http::StaticFiles files_;
  std::unique_ptr<crypto::Keys> keys_;
  std::unique_ptr<Modules> modules_;
};

}  // namespace eq::app
