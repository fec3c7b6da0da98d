// The composition root: opens storage and keys, then loops over the list of modules (app/modules.h,
// each described once by its src/<module>/contract.cc): migrations, the key check, opening,
// home-page items, demo data, jobs, key rotation. It also writes the adapters between modules
// (which institution serves a comuna, names of users…): that knowledge of two modules at once is
// its job, and only its.
#pragma once
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "http/metrics.h"
#include "http/router.h"
#include "http/server.h"
#include "http/static_files.h"
#include "core/crypto.h"
#include "kernel/module.h"
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

class Cluster;

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
  int chat_retention_days = 90;  // chat transcripts purged this long after the conversation ended
  int whatsapp_retention_days = 90;   // WhatsApp conversations deleted this long after their last message
  int whatsapp_inbox_max = 20'000;    // webhook deliveries waiting for the inbox commit; beyond, 503 (Meta retries)
  int whatsapp_inbox_max_mib = 64;    // the same bound in MiB of raw bodies
  int whatsapp_test_hold_ms = 0;      // tests only (serve --demo): processing held after the inbox commit
  int whatsapp_test_hold_delete_ms = 0;  // tests only (serve --demo): inbox row's delete held after the lanes' commit
  int channels_retention_days = 730;  // a closed contact's account, number and notes erased this long after
  std::string mqtt;  // "host:port" of the broker devices publish to; empty: no MQTT ingest
  std::string smtp;  // "host:port" of the mail relay citizens' verification codes go through; empty: EQ_SMTP
  int care_answer_timeout_s = 4 * 3600;  // a house answers an offer of a place within (then an early alert)
  int care_entry_timeout_s = 48 * 3600;  // she arrives at the house within, once accepted
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

  // Background jobs of a serving instance (every module's kernel::Job; `every` is the interval
  // of those that do not set their own: alert deadlines and escalations).
  void start_jobs(std::chrono::seconds every);
  void stop_jobs();
  // `equidad keys rotate`: new master key, every encrypted field re-encrypted in one transaction.
  Result<int64_t> rotate_keys();

  auth::Service& auth();
  const crypto::Keys* keys() const { return keys_.get(); }
  audit::Log& audit();
  monitoring::Service& monitoring();
  // The modules, their services and the adapters between them.
  kernel::Context& context() { return *ctx_; }

 private:
  App() = default;
  Result<void> open_modules();
  Config config_;
  std::unique_ptr<store::Database> db_;
  http::Router router_;
  http::Metrics metrics_;
  // Gauges that must not be public: whether anyone is watching the monitoring console tells an
  // abuser when to strike. Served at GET /api/v1/system/metrics to a token with system.metrics.
  http::Metrics ops_metrics_;
  http::StaticFiles files_;
  std::unique_ptr<crypto::Keys> keys_;
  std::vector<kernel::Module> modules_;
  size_t opened_ = 0;  // modules whose open ran (closed in reverse order)
  std::unique_ptr<kernel::Context> ctx_;
  std::vector<std::jthread> jobs_;
  // PostgreSQL only: ownership of the engine and jobs, live events between instances (cluster.h).
  // Created by open, started by start_jobs (only a serving instance takes part).
  std::unique_ptr<Cluster> cluster_;
  // One connection-like sink per live hub that hands what is published to the cluster.
  std::vector<std::shared_ptr<void>> relay_sinks_;
  void start_cluster();
  void relayed(const std::string& hub, const std::string& topic, const std::string& message);
};

}  // namespace eq::app
