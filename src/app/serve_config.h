// The options of `equidad serve`, declared once for the command line and the configuration file
// (`--config /etc/equidad/equidad.conf`): every option is a key of the file under its long name
// (`port = 8080`, `behind-tls = true`, `trusted-proxy = ["10.0.0.5", "10.0.0.6"]`), a flag given on
// the command line overrides the file, and a key that is not an option is refused.
#pragma once
#include <CLI/CLI.hpp>

#include <string>
#include <vector>

#include "app/app.h"

namespace eq::app {

// What `serve` takes beyond app::Config.
struct ServeOptions {
  int read_timeout_s = 10;
  int idle_timeout_s = 30;
  bool no_access_log = false;
  std::vector<std::string> trusted_proxies;
  bool demo = false;
  std::string log_format = "text";  // "json": diagnostics as one JSON object per line
  int sweep_seconds = 30;           // interval of the jobs that do not set their own
  std::string config_file;          // --config FILE (env EQ_CONFIG)
};

// --db, --data, --keys: every command that opens the database has them.
void add_database_options(CLI::App& sub, Config& cfg);

// Every option of `serve` (the database ones included) and --config FILE.
void add_serve_options(CLI::App& serve, Config& cfg, ServeOptions& o);

// After the command line is parsed: reads o.config_file (when given) into every option the command
// line did not set. A key that is not an option of `serve`, a value an option refuses, or an
// unreadable file is an error naming the key.
Result<void> apply_config_file(CLI::App& serve, const ServeOptions& o);

// Copies what ServeOptions holds into cfg once parsing is done (timeouts, access log, proxies).
void apply_serve_options(Config& cfg, const ServeOptions& o);

// Diagnostics as JSON lines ({"time":…,"level":…,"msg":…}) for log collectors.
void use_json_logs();

}  // namespace eq::app
