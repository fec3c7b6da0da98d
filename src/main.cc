// equidad: the server and its administration commands.
#include <CLI/CLI.hpp>

#include <cstdlib>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <iostream>
#include <thread>

#include <sys/stat.h>

#include "app/app.h"
#include "app/backup.h"
#include "app/serve_config.h"
#include "core/log.h"
#include "audit/log.h"
#include "auth/demo.h"
#include "auth/service.h"
#include "core/rut.h"
#include "http/body.h"
#include "core/time.h"
#include "linkage/cli.h"
#include "monitoring/cli.h"
#include "store/database.h"

namespace {

int report(const eq::Error& e) {
  std::cerr << "error: " << e.message << (e.field.empty() ? "" : " (" + e.field + ")") << std::endl;
  return e.status == 503 ? 3 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  // Every file this program creates (database, -wal/-shm, keys, backups, exports) is for the
  // server's own account only: they hold victims' data.
  ::umask(077);
  eq::logging::init();  // before anything logs: diagnostics to stderr, never mixed into a command's output
  CLI::App cli{"Equidad — sistema de información del Ministerio de la Mujer y la Equidad de Género"};
  cli.require_subcommand(1);
  eq::app::Config cfg;
  cfg.db_url = eq::app::default_db_url();
  cfg.data_dir = eq::app::default_data_dir();
  cfg.web_dir = eq::app::default_web_dir();

  auto add_db = [&](CLI::App* sub) { eq::app::add_database_options(*sub, cfg); };

  auto* serve = cli.add_subcommand("serve", "Start the HTTP server (applies pending migrations first)");
  eq::app::ServeOptions serve_opts;
  eq::app::add_serve_options(*serve, cfg, serve_opts);
  const bool& with_demo = serve_opts.demo;

  auto* migrate = cli.add_subcommand("migrate", "Apply pending database migrations and exit");
  add_db(migrate);
  auto* demo = cli.add_subcommand("demo", "Load the demo data set (idempotent)");
  add_db(demo);
  auto* backup = cli.add_subcommand(
      "backup", "Write a consistent, portable snapshot of every table (gzip'd JSON lines; encrypted fields stay encrypted; no key inside)");
  add_db(backup);
  std::string backup_out, restore_in;
  backup->add_option("--out", backup_out, "Output file (refused if it exists)")->required();
  auto* restore = cli.add_subcommand(
      "restore", "Restore a backup into an EMPTY database, SQLite or PostgreSQL (checksum, key fingerprint and migrations checked first)");
  add_db(restore);
  restore->add_option("--in", restore_in, "Backup file written by 'equidad backup'")->required();
  auto* version = cli.add_subcommand("version", "Print the version");

  // Accounts and tokens. Passwords come on standard input, never in argv (visible in ps and history).
  auto* user = cli.add_subcommand("user", "Manage user accounts");
  user->require_subcommand(1);
  eq::auth::NewUser nu;
  auto* user_add = user->add_subcommand("add", "Create an account (password read from standard input)");
  add_db(user_add);
  user_add->add_option("--email", nu.email, "E-mail (login)")->required();
  user_add->add_option("--name", nu.name, "Full name")->required();
  user_add->add_option("--institution", nu.institution_id, "Institution id")->required();
  user_add->add_option("--role", nu.roles, "Role (repeat for several)")->required();
  user_add->add_option("--run", nu.run, "RUN, e.g. 12.345.678-5");
  user_add->add_option("--region", nu.region_id, "Region code (two digits)");
  user_add->add_option("--comuna", nu.comuna_id, "Comuna code (five digits)");
  std::string target_email;
  auto* user_passwd = user->add_subcommand("passwd", "Set a new password (read from standard input); ends the user's sessions");
  add_db(user_passwd);
  user_passwd->add_option("--email", target_email, "E-mail")->required();
  auto* user_disable = user->add_subcommand("disable", "Disable an account and end its sessions");
  add_db(user_disable);
  user_disable->add_option("--email", target_email, "E-mail")->required();
  auto* user_enable = user->add_subcommand("enable", "Enable a disabled account");
  add_db(user_enable);
  user_enable->add_option("--email", target_email, "E-mail")->required();
  auto* user_list = user->add_subcommand("list", "List accounts");
  add_db(user_list);

  auto* token = cli.add_subcommand("token", "Manage API tokens for machine clients");
  token->require_subcommand(1);
  std::string token_name;
  std::vector<std::string> scopes;
  long long token_id = 0;
  auto* token_add = token->add_subcommand("add", "Create a token acting as a user, limited to the given permissions");
  add_db(token_add);
  token_add->add_option("--name", token_name, "What the token is for")->required();
  token_add->add_option("--user", target_email, "Owner's e-mail")->required();
  token_add->add_option("--scope", scopes, "Permission (repeat for several)")->required();
  int token_days = 90;
  token_add->add_option("--expires-days", token_days, "Days until the token stops working (1-730)")->capture_default_str();
  auto* token_revoke = token->add_subcommand("revoke", "Revoke a token");
  add_db(token_revoke);
  token_revoke->add_option("--id", token_id, "Token id")->required();
  auto* token_list = token->add_subcommand("list", "List tokens");
  add_db(token_list);

  auto* audit_cmd = cli.add_subcommand("audit", "Audit log");
  audit_cmd->require_subcommand(1);
  auto* audit_verify = audit_cmd->add_subcommand("verify", "Check the hash chain; prints OK or the first broken entry");
  add_db(audit_verify);
  std::string checkpoint_in, checkpoint_out;
  audit_verify->add_option("--checkpoint", checkpoint_in,
                           "A checkpoint file written by 'audit checkpoint': also detects entries deleted or rewritten up to it");
  auto* audit_checkpoint = audit_cmd->add_subcommand(
      "checkpoint", "Write the chain's head, signed (Ed25519), to a file to keep outside the database");
  add_db(audit_checkpoint);
  audit_checkpoint->add_option("--out", checkpoint_out, "Output file")->required();

  auto* keys_cmd = cli.add_subcommand("keys", "Field-encryption keys");
  keys_cmd->require_subcommand(1);
  auto* keys_rotate = keys_cmd->add_subcommand(
      "rotate", "New master key; every encrypted field and blind index re-made in one transaction (stop the server first)");
  add_db(keys_rotate);

  // Record linkage (`link`, `synth`): no database; they run and exit from their parse callbacks.
  eq::linkage::add_commands(cli);
  eq::monitoring::add_commands(cli);

  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return cli.exit(e);
  }

  if (version->parsed()) {
    std::cout << "equidad " << EQ_VERSION << std::endl;
    return 0;
  }
  if (backup->parsed()) {
    auto done = eq::app::write_backup(cfg, backup_out);
    if (!done) return report(done.error());
    // The note beside the file names the key it needs (never the key itself).
    {
      std::ofstream note(backup_out + ".clave.txt");
      note << done->note;
    }
    std::cout << "respaldo escrito en " << backup_out << " (" << done->tables << " tablas, " << done->rows << " filas, SHA-256 "
              << done->sha256 << ")\n"
              << done->note << std::flush;
    return 0;
  }
  if (restore->parsed()) {
    auto done = eq::app::restore_backup(cfg, restore_in);
    if (!done) return report(done.error());
    std::cout << "respaldo restaurado (" << done->tables << " tablas, " << done->rows
              << " filas; clave con huella " << done->fingerprint << ")" << std::endl;
    std::cerr << done->note << std::flush;  // warnings about the secrets beside the key, if any
    return 0;
  }

  if (serve->parsed())
    if (auto ok = eq::app::apply_config_file(*serve, serve_opts); !ok) {
      std::cerr << "error: " << ok.error().message << std::endl;
      return 2;
    }
  eq::app::apply_serve_options(cfg, serve_opts);
  if (serve->parsed() && serve_opts.log_format == "json") eq::app::use_json_logs();
  auto app = eq::app::App::open(cfg);
  if (!app) return report(app.error());

  auto read_password = []() {
    std::string line;
    std::getline(std::cin, line);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return line;
  };
  auto& auth = (*app)->auth();
  if (user_add->parsed()) {
    nu.password = read_password();
    auto id = auth.add_user_console(nu);
    if (!id) return report(id.error());
    std::cout << "cuenta creada: " << *id << std::endl;
    return 0;
  }
  if (user_passwd->parsed()) {
    auto ok = auth.set_password_console(target_email, read_password());
    if (!ok) return report(ok.error());
    std::cout << "contraseña actualizada; sesiones cerradas" << std::endl;
    return 0;
  }
  if (user_disable->parsed() || user_enable->parsed()) {
    auto ok = auth.set_active_console(target_email, user_enable->parsed());
    if (!ok) return report(ok.error());
    std::cout << (user_enable->parsed() ? "cuenta activada" : "cuenta desactivada; sesiones cerradas") << std::endl;
    return 0;
  }
  if (user_list->parsed()) {
    auto lease = (*app)->db().lease();
    if (!lease) return report(lease.error());
    eq::auth::Repository repo(*(*app)->keys());
    for (const auto& u : repo.users(**lease, {})) {
      std::string roles;
      for (const auto& r : u.roles) roles += (roles.empty() ? "" : ",") + r;
      std::cout << u.id << "\t" << u.email << "\t" << u.name << "\t" << u.institution_name << "\t" << roles
                << (u.active ? "" : "\tdesactivada") << (u.totp_enabled ? "\tTOTP" : "") << "\n";
    }
    return 0;
  }
  if (token_add->parsed()) {
    auto t = auth.add_token_console(token_name, target_email, scopes, token_days);
    if (!t) return report(t.error());
    std::cout << "token " << t->first << ", vence en " << token_days << " días (guárdelo ahora; no se volverá a mostrar):\n" << t->second
              << std::endl;
    return 0;
  }
  if (token_revoke->parsed()) {
    auto ok = auth.revoke_token_console(token_id);
    if (!ok) return report(ok.error());
    std::cout << "token revocado" << std::endl;
    return 0;
  }
  if (token_list->parsed()) {
    auto list = auth.tokens_console();
    if (!list) return report(list.error());
    for (const auto& t : *list)
      std::cout << t.id << "\t" << t.name << "\tuser:" << t.user_id << "\t" << t.scopes << "\t" << eq::format_datetime_cl(t.created_at)
                << "\tvence " << eq::format_datetime_cl(t.expires_at) << (t.expires_at <= eq::now_ms() ? " (vencido)" : "")
                << (t.revoked ? "\trevocado" : "") << "\n";
    return 0;
  }
  if (audit_checkpoint->parsed()) {
    if (std::filesystem::exists(checkpoint_out))
      return report(eq::Error::conflict("exists", "El archivo ya existe: " + checkpoint_out, "out"));
    auto c = (*app)->audit().checkpoint();
    if (!c) return report(c.error());
    std::ofstream out(checkpoint_out);
    out << eq::audit::to_json(*c).dump(2) << "\n";
    if (!out.flush()) return report(eq::Error{1, "write_failed", "No se pudo escribir " + checkpoint_out, "out"});
    std::cout << "Punto de control: entrada " << c->seq << ", hash " << c->hash << "\nclave pública " << c->public_key
              << "\nGuárdelo fuera de este servidor." << std::endl;
    return 0;
  }
  if (audit_verify->parsed()) {
    std::optional<eq::audit::Checkpoint> cp;
    if (!checkpoint_in.empty()) {
      std::ifstream in(checkpoint_in);
      if (!in) return report(eq::Error{1, "unreadable", "No se pudo leer " + checkpoint_in, "checkpoint"});
      const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      auto doc = eq::http::parse_json(text);
      auto parsed = doc ? eq::audit::checkpoint_from_json(*doc) : eq::Result<eq::audit::Checkpoint>(eq::fail(doc.error()));
      if (!parsed) {
        std::cerr << "error: " << checkpoint_in << ": " << parsed.error().message << std::endl;
        return 2;
      }
      cp = *parsed;
    }
    auto v = (*app)->audit().verify(cp);
    if (!v) {
      if (v.error().status == 422) {
        std::cout << "BROKEN: " << v.error().message << std::endl;
        return 2;
      }
      return report(v.error());
    }
    if (v->ok) {
      std::cout << "OK (" << v->count << " entradas" << (v->unsealed ? ", " + std::to_string(v->unsealed) + " anteriores al sello" : "")
                << (cp ? ", coincide con el punto de control " + std::to_string(cp->seq) : "") << ")" << std::endl;
      return 0;
    }
    std::cout << "BROKEN at entry " << *v->first_broken_seq << ": " << v->reason << std::endl;
    return 2;
  }

  if (keys_rotate->parsed()) {
    auto n = (*app)->rotate_keys();
    if (!n) return report(n.error());
    std::cout << "clave rotada: " << *n << " valores cifrados de nuevo. La clave anterior quedó junto a la nueva con el sufijo "
              << "«.retired-…»: guárdela fuera de línea (la necesitan los respaldos anteriores) y bórrela del servidor." << std::endl;
    return 0;
  }
  if (migrate->parsed()) {
    std::cout << "migraciones al día (" << (*app)->db().url_for_display() << ")" << std::endl;
    return 0;
  }
  if (demo->parsed() || with_demo) {
    auto loaded = (*app)->load_demo();
    if (!loaded) return report(loaded.error());
    if (demo->parsed()) {
      std::cout << "datos de demostración cargados en " << (*app)->db().url_for_display() << std::endl;
      eq::auth::print_demo_logins(std::cout);
      return 0;
    }
  }
  if (serve->parsed()) {
    eq::http::Server server(cfg.server, (*app)->router(), (*app)->files(), (*app)->metrics());
    auto port = server.bind();
    if (!port) return report(port.error());
    if ((*app)->files().empty())
      spdlog::warn("no se encontró la aplicación web en {} (solo la API está disponible)", cfg.web_dir);
    if (with_demo) eq::auth::print_demo_logins(std::cerr);
    std::cerr << "Equidad escuchando en http://" << cfg.server.address << ":" << *port << "/  (base de datos: "
              << (*app)->db().url_for_display() << ")" << std::endl;
    std::thread warm([&] { (*app)->preload(); });
    (*app)->start_jobs(std::chrono::seconds(serve_opts.sweep_seconds));
    server.run();
    (*app)->stop_jobs();
    warm.join();
    std::cerr << "Equidad detenido." << std::endl;
  }
  return 0;
}
