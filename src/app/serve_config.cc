#include "app/serve_config.h"

#include <spdlog/formatter.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "core/time.h"

namespace eq::app {

void add_database_options(CLI::App& sub, Config& cfg) {
  sub.add_option("--db", cfg.db_url, "sqlite:PATH or postgresql://user:pass@host:port/db (env EQ_DB)")->capture_default_str();
  sub.add_option("--data", cfg.data_dir, "Reference data folder (data/)")->capture_default_str();
  sub.add_option("--keys", cfg.key_file, "Key file for field encryption (default: beside the SQLite file; env EQ_KEY_FILE)");
}

void add_serve_options(CLI::App& serve, Config& cfg, ServeOptions& o) {
  // The file holds what the command line would (CLI11 reads configuration files for the main app
  // only, so apply_config_file reads this one after parsing).
  serve.add_option("--config", o.config_file,
                   "Configuration file: one 'option = value' per line, every serve option by its long name "
                   "(docs/OPERATIONS.md, deploy/equidad.conf); flags on the command line override it")
      ->envname("EQ_CONFIG")
      ->configurable(false);
  add_database_options(serve, cfg);
  serve.add_option("--web", cfg.web_dir, "Built web app folder (web/dist)")->capture_default_str();
  serve.add_option("--address", cfg.server.address, "Listen address")->capture_default_str();
  serve.add_option("--port", cfg.server.port, "Listen port (0 = any free port)")->capture_default_str();
  serve.add_option("--threads", cfg.server.threads, "Worker threads")->capture_default_str()->check(CLI::Range(1, 256));
  serve.add_option("--pool", cfg.pool_size, "Database connection pool size")->capture_default_str()->check(CLI::Range(1, 256));
  serve.add_option("--body-limit", cfg.server.body_limit, "Maximum request body in bytes")->capture_default_str();
  serve.add_option("--read-timeout", o.read_timeout_s, "Seconds a client has to send a whole request")->capture_default_str()
      ->check(CLI::Range(1, 3600));
  serve.add_option("--idle-timeout", o.idle_timeout_s, "Seconds an idle keep-alive connection is kept")->capture_default_str()
      ->check(CLI::Range(1, 3600));
  serve.add_flag("--no-access-log", o.no_access_log, "Do not print one line per request");
  serve.add_option("--log-format", o.log_format, "Diagnostics on standard error: text (one readable line) or json (one object per line)")
      ->capture_default_str()
      ->check(CLI::IsMember({"text", "json"}));
  serve.add_flag("--secure-cookies", cfg.server.secure_cookies,
                 "Mark session cookies Secure (set when TLS terminates in a proxy in front of Equidad)");
  serve.add_flag("--behind-tls", cfg.server.behind_tls,
                 "TLS terminates in a proxy in front of Equidad: cookies Secure and Strict-Transport-Security on every response");
  serve.add_option("--trusted-proxy", o.trusted_proxies,
                   "Address whose X-Forwarded-Proto: https is believed (repeat for several; default 127.0.0.1 and ::1)");
  auto* demo = serve.add_flag("--demo", o.demo, "Load the demo data set before serving");
  serve.add_option("--monitoring-take-timeout", cfg.monitoring_take_timeout_s, "Seconds before a monitoring alert nobody took escalates")
      ->capture_default_str()
      ->check(CLI::Range(1, 3600));
  serve.add_option("--monitoring-accept-timeout", cfg.monitoring_accept_timeout_s,
                   "Seconds before a dispatch nobody accepted escalates (a municipal one then goes to the police)")
      ->capture_default_str()
      ->check(CLI::Range(1, 3600));
  serve.add_option("--mqtt", cfg.mqtt, "MQTT broker (host:port) whose device positions are ingested (env EQ_MQTT)");
  serve.add_option("--smtp", cfg.smtp, "Mail relay (host:port, plain SMTP) for citizens' verification codes (env EQ_SMTP)");
  serve.add_option("--monitoring-retention-days", cfg.monitoring_retention_days, "Days positions are kept (except around incidents)")
      ->capture_default_str()
      ->check(CLI::Range(1, 3650));
  serve.add_option("--chat-retention-days", cfg.chat_retention_days, "Days a chat transcript is kept after the conversation ended")
      ->capture_default_str()
      ->check(CLI::Range(1, 3650));
  serve.add_option("--whatsapp-retention-days", cfg.whatsapp_retention_days,
                   "Days a WhatsApp conversation is kept after its last message (once its queue contact is closed)")
      ->capture_default_str()
      ->check(CLI::Range(1, 3650));
  serve.add_option("--whatsapp-inbox-max", cfg.whatsapp_inbox_max,
                   "WhatsApp webhook deliveries that may wait for the inbox's commit; beyond it Meta is answered 503 and retries")
      ->capture_default_str()
      ->check(CLI::Range(1, 1'000'000));
  serve.add_option("--whatsapp-inbox-max-mib", cfg.whatsapp_inbox_max_mib, "The same bound in MiB of raw bodies waiting")
      ->capture_default_str()
      ->check(CLI::Range(1, 4096));
  // Fault injection for the crash test (tests/integration/whatsapp_inbox.test.mjs): a pause between
  // the inbox commit and the processing, where the test kills the server. Only with --demo (a server
  // of demo data) and never from a configuration file, so a production server cannot carry it.
  serve.add_option("--whatsapp-test-hold-ms", cfg.whatsapp_test_hold_ms,
                   "TESTS ONLY (needs --demo): hold the WhatsApp inbox's processing this long after each commit to the inbox")
      ->check(CLI::Range(0, 600'000))
      ->needs(demo)
      ->configurable(false);
  // The same for the other crash window (PostgreSQL's lanes): a delivery processed and committed,
  // its inbox row not deleted yet.
  serve.add_option("--whatsapp-test-hold-delete-ms", cfg.whatsapp_test_hold_delete_ms,
                   "TESTS ONLY (needs --demo): hold the delete of a processed delivery's WhatsApp inbox row this long")
      ->check(CLI::Range(0, 600'000))
      ->needs(demo)
      ->configurable(false);
  serve.add_option("--channels-retention-days", cfg.channels_retention_days,
                   "Days a closed contact keeps what she said, her number and the notes (the statistics' columns stay)")
      ->capture_default_str()
      ->check(CLI::Range(1, 3650));
  serve.add_option("--care-answer-timeout", cfg.care_answer_timeout_s,
                   "Seconds a shelter has to accept or decline an offered place before the early-alert engine raises an alert")
      ->capture_default_str()
      ->check(CLI::Range(1, 7 * 24 * 3600));
  serve.add_option("--care-entry-timeout", cfg.care_entry_timeout_s,
                   "Seconds for her entry to a shelter once it accepted, before the early-alert engine raises an alert")
      ->capture_default_str()
      ->check(CLI::Range(1, 30 * 24 * 3600));
  if (const char* v = std::getenv("EQ_SWEEP_SECONDS"); v && std::atoi(v) > 0) o.sweep_seconds = std::atoi(v);
  serve.add_option("--sweep-seconds", o.sweep_seconds,
                   "Interval of the background jobs that do not set their own: alert deadlines and escalations (env EQ_SWEEP_SECONDS)")
      ->capture_default_str()
      ->check(CLI::Range(1, 3600));
}

Result<void> apply_config_file(CLI::App& serve, const ServeOptions& o) {
  if (o.config_file.empty()) return {};
  const auto bad = [&](const std::string& why, const std::string& key) {
    return fail(Error{2, "config", "Archivo de configuración " + o.config_file + (key.empty() ? "" : ", clave «" + key + "»") + ": " + why, key});
  };
  std::vector<CLI::ConfigItem> items;
  try {
    items = CLI::ConfigTOML().from_file(o.config_file);
  } catch (const std::exception& e) {
    return bad(std::string("no se pudo leer (") + e.what() + ").", "");
  }
  for (const auto& item : items) {
    const std::string key = item.fullname();
    // Sections are not used: every key is an option of serve.
    if (!item.parents.empty() || item.name == "++" || item.name == "--")
      return bad("las secciones [..] no se usan; escriba cada opción de «serve» sin sección.", key);
    CLI::Option* op = serve.get_option_no_throw("--" + item.name);
    if (op == nullptr || !op->get_configurable())
      // A misspelt key would otherwise be ignored and the server started with a default it did not mean.
      return bad("no es una opción de «equidad serve» (vea «equidad serve --help»; se escriben sin los guiones iniciales).", key);
    if (op->count() > 0) continue;  // given on the command line, which wins
    try {
      if (op->get_expected_min() == 0) {
        const std::string v = item.inputs.empty() ? "true" : item.inputs.front();
        if (v == "true" || v == "1" || v == "yes" || v == "on") op->add_result(std::string("true"));
        else if (v == "false" || v == "0" || v == "no" || v == "off") continue;
        else return bad("se espera true o false, no «" + v + "».", key);
      } else {
        op->add_result(item.inputs);
      }
      op->run_callback();
    } catch (const CLI::Error& e) {
      return bad(std::string("valor no válido (") + e.what() + ").", key);
    }
  }
  return {};
}

void apply_serve_options(Config& cfg, const ServeOptions& o) {
  cfg.server.read_timeout = std::chrono::seconds(o.read_timeout_s);
  cfg.server.idle_timeout = std::chrono::seconds(o.idle_timeout_s);
  cfg.server.access_log = !o.no_access_log;
  if (!o.trusted_proxies.empty()) cfg.server.trusted_proxies = o.trusted_proxies;
  // Session cookies are made in the auth module from this flag; the server adds Secure per request too.
  if (cfg.server.behind_tls) cfg.server.secure_cookies = true;
}

namespace {

class JsonFormatter : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(msg.time.time_since_epoch()).count();
    const auto level = spdlog::level::to_string_view(msg.level);
    const nlohmann::json line = {{"time", iso8601_utc(ms)},
                                 {"level", std::string(level.data(), level.size())},
                                 {"msg", std::string(msg.payload.data(), msg.payload.size())}};
    // A message with bytes that are not UTF-8 still makes a valid line.
    const std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    dest.append(text.data(), text.data() + text.size());
  }
  std::unique_ptr<spdlog::formatter> clone() const override { return std::make_unique<JsonFormatter>(); }
};

}  // namespace

void use_json_logs() { spdlog::default_logger()->set_formatter(std::make_unique<JsonFormatter>()); }

}  // namespace eq::app
