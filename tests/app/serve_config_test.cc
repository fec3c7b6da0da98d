// The configuration file of `equidad serve` (app/serve_config.h): every key is an option of serve,
// the command line overrides the file, and an unknown key, a refused value, a section or an
// unreadable file is an error naming what is wrong.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "app/serve_config.h"

namespace eq::app {
namespace {

namespace fs = std::filesystem;

class ServeConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("equidad-serve-config-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string file(const std::string& text) {
    const auto p = (dir_ / ("c" + std::to_string(++n_) + ".conf")).string();
    std::ofstream(p) << text;
    return p;
  }
  // Parses `args` (after "serve") and then the file they name; returns the file's error, if any.
  Result<void> run(std::vector<std::string> args) {
    cli_ = std::make_unique<CLI::App>("test");
    cfg_ = Config{};
    cfg_.db_url = "sqlite:default.db";
    o_ = ServeOptions{};
    auto* serve = cli_->add_subcommand("serve");
    add_serve_options(*serve, cfg_, o_);
    args.insert(args.begin(), "serve");
    std::vector<const char*> argv{"equidad"};
    for (const auto& a : args) argv.push_back(a.c_str());
    cli_->parse(static_cast<int>(argv.size()), argv.data());
    auto ok = apply_config_file(*serve, o_);
    if (ok) apply_serve_options(cfg_, o_);
    return ok;
  }

  fs::path dir_;
  int n_ = 0;
  std::unique_ptr<CLI::App> cli_;
  Config cfg_;
  ServeOptions o_;
};

TEST_F(ServeConfigTest, EveryKindOfOptionIsReadFromTheFile) {
  const auto f = file(
      "# /etc/equidad/equidad.conf\n"
      "db = \"postgresql://equidad@127.0.0.1:5432/equidad\"\n"
      "keys = /etc/equidad/equidad.key\n"
      "address = 0.0.0.0\n"
      "port = 8443\n"
      "threads = 8\n"
      "pool = 12\n"
      "read-timeout = 20\n"
      "no-access-log = true\n"
      "behind-tls = true\n"
      "trusted-proxy = [\"10.0.0.5\", \"10.0.0.6\"]\n"
      "log-format = json\n"
      "chat-retention-days = 45\n"
      "monitoring-retention-days = 365\n"
      "sweep-seconds = 15\n");
  ASSERT_TRUE(run({"--config", f}));
  EXPECT_EQ(cfg_.db_url, "postgresql://equidad@127.0.0.1:5432/equidad");
  EXPECT_EQ(cfg_.key_file, "/etc/equidad/equidad.key");
  EXPECT_EQ(cfg_.server.address, "0.0.0.0");
  EXPECT_EQ(cfg_.server.port, 8443);
  EXPECT_EQ(cfg_.server.threads, 8);
  EXPECT_EQ(cfg_.pool_size, 12);
  EXPECT_EQ(cfg_.server.read_timeout, std::chrono::seconds(20));
  EXPECT_FALSE(cfg_.server.access_log);
  EXPECT_TRUE(cfg_.server.behind_tls);
  EXPECT_TRUE(cfg_.server.secure_cookies) << "behind-tls implies Secure cookies";
  EXPECT_EQ(cfg_.server.trusted_proxies, (std::vector<std::string>{"10.0.0.5", "10.0.0.6"}));
  EXPECT_EQ(o_.log_format, "json");
  EXPECT_EQ(cfg_.chat_retention_days, 45);
  EXPECT_EQ(cfg_.monitoring_retention_days, 365);
  EXPECT_EQ(o_.sweep_seconds, 15);
}

TEST_F(ServeConfigTest, TheCommandLineOverridesTheFile) {
  const auto f = file("port = 8443\ndb = \"sqlite:/var/lib/equidad/equidad.db\"\nbehind-tls = false\n");
  ASSERT_TRUE(run({"--config", f, "--port", "9000", "--behind-tls"}));
  EXPECT_EQ(cfg_.server.port, 9000);
  EXPECT_TRUE(cfg_.server.behind_tls);
  EXPECT_EQ(cfg_.db_url, "sqlite:/var/lib/equidad/equidad.db");
}

TEST_F(ServeConfigTest, NoFileLeavesTheDefaults) {
  ASSERT_TRUE(run({}));
  EXPECT_EQ(cfg_.db_url, "sqlite:default.db");
  EXPECT_TRUE(cfg_.server.access_log);
}

TEST_F(ServeConfigTest, AnUnknownKeyIsRefusedByName) {
  auto r = run({"--config", file("port = 8443\nprot = 9\n")});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, "prot");
  EXPECT_NE(r.error().message.find("no es una opción"), std::string::npos) << r.error().message;
  // The command-line spelling is not a key either, and neither is the file option itself.
  EXPECT_FALSE(run({"--config", file("--port = 8443\n")}));
  EXPECT_FALSE(run({"--config", file("config = /etc/other.conf\n")}));
}

TEST_F(ServeConfigTest, ARefusedValueNamesItsKey) {
  auto r = run({"--config", file("threads = 999\n")});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, "threads");
  auto f = run({"--config", file("log-format = xml\n")});
  ASSERT_FALSE(f);
  EXPECT_EQ(f.error().field, "log-format");
  auto b = run({"--config", file("behind-tls = quizás\n")});
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error().field, "behind-tls");
}

TEST_F(ServeConfigTest, SectionsAndMissingFilesAreRefused) {
  EXPECT_FALSE(run({"--config", file("[serve]\nport = 8443\n")}));
  auto r = run({"--config", (dir_ / "missing.conf").string()});
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("no se pudo leer"), std::string::npos) << r.error().message;
}

// The WhatsApp inbox's crash-test hold is a fault injection: only for a server of demo data, and
// a configuration file (a production server's) cannot carry it.
TEST_F(ServeConfigTest, TheWhatsappTestHoldNeedsDemoAndIsNotReadFromTheFile) {
  EXPECT_THROW(run({"--whatsapp-test-hold-ms", "1000"}), CLI::RequiresError);
  ASSERT_TRUE(run({"--demo", "--whatsapp-test-hold-ms", "1000"}));
  EXPECT_EQ(cfg_.whatsapp_test_hold_ms, 1000);
  auto r = run({"--demo", "--config", file("whatsapp-test-hold-ms = 1000\n")});
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("whatsapp-test-hold-ms"), std::string::npos) << r.error().message;
  EXPECT_EQ(cfg_.whatsapp_test_hold_ms, 0);
  ASSERT_TRUE(run({"--config", file("whatsapp-inbox-max = 5\nwhatsapp-inbox-max-mib = 2\n")}));
  EXPECT_EQ(cfg_.whatsapp_inbox_max, 5);
  EXPECT_EQ(cfg_.whatsapp_inbox_max_mib, 2);
}

}  // namespace
}  // namespace eq::app
