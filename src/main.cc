// equidad: the server and its administration commands.
#include <CLI/CLI.hpp>

#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "app/app.h"
#include "store/database.h"

namespace {

int report(const eq::Error& e) {
  std::cerr << "error: " << e.message << (e.field.empty() ? "" : " (" + e.field + ")") << std::endl;
  return e.status == 503 ? 3 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"Equidad — sistema de información del Ministerio de la Mujer y la Equidad de Género"};
  cli.require_subcommand(1);
  eq::app::Config cfg;
  cfg.db_url = eq::app::default_db_url();
  cfg.data_dir = eq::app::default_data_dir();
  cfg.web_dir = eq::app::default_web_dir();

  auto add_db = [&](CLI::App* sub) {
    sub->add_option("--db", cfg.db_url, "sqlite:PATH or postgresql://user:pass@host:port/db (env EQ_DB)")->capture_default_str();
    sub->add_option("--data", cfg.data_dir, "Reference data folder (data/)")->capture_default_str();
  };

  auto* serve = cli.add_subcommand("serve", "Start the HTTP server (applies pending migrations first)");
  add_db(serve);
  serve->add_option("--web", cfg.web_dir, "Built web app folder (web/dist)")->capture_default_str();
  serve->add_option("--address", cfg.server.address, "Listen address")->capture_default_str();
  serve->add_option("--port", cfg.server.port, "Listen port (0 = any free port)")->capture_default_str();
  serve->add_option("--threads", cfg.server.threads, "Worker threads")->capture_default_str()->check(CLI::Range(1, 256));
  serve->add_option("--pool", cfg.pool_size, "Database connection pool size")->capture_default_str()->check(CLI::Range(1, 256));
  serve->add_option("--body-limit", cfg.server.body_limit, "Maximum request body in bytes")->capture_default_str();
  int read_timeout = 10, idle_timeout = 30;
  serve->add_option("--read-timeout", read_timeout, "Seconds a client has to send a whole request")->capture_default_str();
  serve->add_option("--idle-timeout", idle_timeout, "Seconds an idle keep-alive connection is kept")->capture_default_str();
  bool no_access_log = false;
  serve->add_flag("--no-access-log", no_access_log, "Do not print one line per request");
  bool with_demo = false;
  serve->add_flag("--demo", with_demo, "Load the demo data set before serving");

  auto* migrate = cli.add_subcommand("migrate", "Apply pending database migrations and exit");
  add_db(migrate);
  auto* demo = cli.add_subcommand("demo", "Load the demo data set (idempotent)");
  add_db(demo);
  auto* backup = cli.add_subcommand("backup", "Write a consistent snapshot (SQLite: VACUUM INTO; PostgreSQL: pg_dump)");
  add_db(backup);
  std::string backup_out;
  backup->add_option("--out", backup_out, "Output file")->required();
  auto* version = cli.add_subcommand("version", "Print the version");

  CLI11_PARSE(cli, argc, argv);

  if (version->parsed()) {
    std::cout << "equidad " << EQ_VERSION << std::endl;
    return 0;
  }
  if (backup->parsed()) {
    if (std::filesystem::exists(backup_out)) return report(eq::Error::conflict("exists", "El archivo de respaldo ya existe: " + backup_out, "out"));
    if (cfg.db_url.rfind("sqlite:", 0) == 0) {
      eq::store::Options o{cfg.db_url, 1};
      auto db = eq::store::Database::open(o);
      if (!db) return report(db.error());
      auto lease = (*db)->lease();
      if (!lease) return report(lease.error());
      try {
        **lease << "VACUUM INTO :out", soci::use(backup_out);
      } catch (const std::exception& e) {
        return report(eq::Error{1, "backup_failed", std::string("No se pudo escribir el respaldo: ") + e.what(), "out"});
      }
    } else {
      // pg_dump speaks libpq URLs; arguments go through the environment, not a shell string.
      setenv("EQ_PGURL", cfg.db_url.c_str(), 1);
      setenv("EQ_BACKUP_OUT", backup_out.c_str(), 1);
      int rc = std::system("pg_dump --no-owner --format=custom --file=\"$EQ_BACKUP_OUT\" \"$EQ_PGURL\"");
      if (rc != 0) return report(eq::Error{1, "backup_failed", "pg_dump terminó con error.", "db"});
    }
    std::cout << "respaldo escrito en " << backup_out << std::endl;
    return 0;
  }

  cfg.server.read_timeout = std::chrono::seconds(read_timeout);
  cfg.server.idle_timeout = std::chrono::seconds(idle_timeout);
  cfg.server.access_log = !no_access_log;
  auto app = eq::app::App::open(cfg);
  if (!app) return report(app.error());

  if (migrate->parsed()) {
    std::cout << "migraciones al día (" << (*app)->db().url_for_display() << ")" << std::endl;
    return 0;
  }
  if (demo->parsed() || with_demo) {
    auto loaded = (*app)->load_demo();
    if (!loaded) return report(loaded.error());
    if (demo->parsed()) {
      std::cout << "datos de demostración cargados en " << (*app)->db().url_for_display() << std::endl;
      return 0;
    }
  }
  if (serve->parsed()) {
    eq::http::Server server(cfg.server, (*app)->router(), (*app)->files(), (*app)->metrics());
    auto port = server.bind();
    if (!port) return report(port.error());
    if ((*app)->files().empty())
      std::cerr << "aviso: no se encontró la aplicación web en " << cfg.web_dir << " (solo la API está disponible)" << std::endl;
    std::cerr << "Equidad escuchando en http://" << cfg.server.address << ":" << *port << "/  (base de datos: "
              << (*app)->db().url_for_display() << ")" << std::endl;
    server.run();
    std::cerr << "Equidad detenido." << std::endl;
  }
  return 0;
}
