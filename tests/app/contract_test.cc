// The module contract (kernel/module.h) holds: every folder under src/ is a module with a
// descriptor or a named piece of infrastructure; every column holding ciphertext after a full demo
// load is declared by the module that owns its table, so key rotation (which reads the same list
// the server opens) re-encrypts it; a public route that no module declared is caught.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <set>

#include "../support/databases.h"
#include "app/app.h"
#include "app/modules.h"
#include "store/query.h"

namespace eq {
namespace {

namespace fs = std::filesystem;

TEST(ModuleContract, EveryFolderUnderSrcIsAModuleWithOneDescriptorOrNamedInfrastructure) {
  const auto mods = app::modules();
  std::set<std::string> names;
  for (const auto& m : mods) EXPECT_TRUE(names.insert(m.name).second) << m.name << " is listed twice";
  const std::set<std::string> infrastructure(app::not_modules().begin(), app::not_modules().end());
  const fs::path src = fs::path(testing::source_dir()) / "src";
  std::set<std::string> folders;
  for (const auto& e : fs::directory_iterator(src))
    if (e.is_directory()) folders.insert(e.path().filename().string());
  for (const auto& f : folders) {
    if (infrastructure.count(f)) continue;
    EXPECT_TRUE(names.count(f)) << "src/" << f << "/ has no descriptor in app::modules() (app/modules.h)";
    EXPECT_TRUE(fs::exists(src / f / "contract.cc")) << "src/" << f << "/contract.cc is missing";
  }
  for (const auto& n : names) {
    EXPECT_TRUE(folders.count(n)) << n << " names no folder under src/";
    EXPECT_FALSE(infrastructure.count(n)) << n;
  }
  for (const auto& m : mods) {
    ASSERT_TRUE(m.open) << m.name << " has no open()";
    // A module's schema and encrypted columns are its own tables.
    if (m.migrations) {
      for (const auto& mig : m.migrations()) EXPECT_EQ(mig.module, m.name) << mig.name;
    }
    if (m.encrypted_fields) {
      for (const auto& c : m.encrypted_fields()) EXPECT_EQ(c.table.rfind(m.name + "_", 0), 0u) << m.name << " declares " << c.table;
    }
  }
}

TEST(ModuleContract, APublicRouteNoModuleDeclaredIsFound) {
  http::Router router;
  auto ok = [](http::Request&) -> Result<http::Response> { return http::Response::json({}); };
  router.add({"GET", "/api/v1/territory/regions", http::kPublic, "", "territory", ok});
  router.add({"GET", "/api/v1/auth/me", "cases.read", "", "auth", ok});
  router.add({"POST", "/api/v1/auth/login", http::kPublic, "", "auth", ok});
  router.add({"GET", "/api/v1/cases/persons", http::kPublic, "", "cases", ok});
  const auto extra = kernel::undeclared_public_routes(router, app::modules(), {});
  EXPECT_EQ(extra, std::vector<std::string>{"GET /api/v1/cases/persons"});
}

// Columns of a table holding at least one "v1.…" field ciphertext.
std::set<std::string> ciphertext_columns(soci::session& s, const std::string& backend) {
  std::vector<std::pair<std::string, std::string>> columns;
  if (backend == "sqlite") {
    std::vector<std::string> tables;
    store::Query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").each(s, [&](const soci::row& r) {
      tables.push_back(store::get_str(r, 0));
    });
    for (const auto& t : tables)
      store::Query("SELECT name FROM pragma_table_info('" + t + "')").each(s, [&](const soci::row& r) {
        columns.emplace_back(t, store::get_str(r, 0));
      });
  } else {
    store::Query(
        "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema() "
        "AND data_type IN ('text', 'character varying')")
        .each(s, [&](const soci::row& r) { columns.emplace_back(store::get_str(r, 0), store::get_str(r, 1)); });
  }
  std::set<std::string> out;
  for (const auto& [t, c] : columns) {
    const std::string cast = backend == "sqlite" ? "CAST(" + c + " AS TEXT)" : c;
    if (store::Query("SELECT COUNT(*) FROM " + t + " WHERE " + cast + " LIKE 'v1.%' AND LENGTH(" + cast + ") > 40").scalar(s).value_or(0) >
        0)
      out.insert(t + "." + c);
  }
  return out;
}

class EncryptedColumns : public ::testing::TestWithParam<std::string> {};

TEST_P(EncryptedColumns, EveryColumnHoldingCiphertextIsDeclaredByItsModuleAndRotationReencryptsIt) {
  ASSERT_TRUE(crypto::init());
  const std::string dir = testing::temp_dir();
  fs::create_directories(dir);
  app::Config cfg;
  cfg.db_url = testing::fresh_url(GetParam());
  cfg.data_dir = testing::source_dir() + "/data";
  cfg.key_file = dir + "/equidad.key";
  cfg.web_dir = dir;

  std::map<std::string, std::string> owner;  // table.column → module
  for (const auto& m : app::modules())
    if (m.encrypted_fields)
      for (const auto& c : m.encrypted_fields()) owner[c.table + "." + c.column] = m.name;

  auto app = app::App::open(cfg);
  ASSERT_TRUE(app) << app.error().message;
  auto demo = (*app)->load_demo();
  ASSERT_TRUE(demo) << demo.error().message;

  // Every value of every declared column before the rotation.
  auto values = [&](soci::session& s) {
    std::map<std::string, std::vector<std::string>> out;
    for (const auto& [col, module] : owner) {
      const auto dot = col.find('.');
      store::Query("SELECT " + col.substr(dot + 1) + " FROM " + col.substr(0, dot) + " WHERE " + col.substr(dot + 1) + " LIKE 'v1.%'")
          .each(s, [&](const soci::row& r) { out[col].push_back(store::get_str(r, 0)); });
    }
    return out;
  };
  std::map<std::string, std::vector<std::string>> before;
  {
    auto lease = (*app)->db().lease();
    ASSERT_TRUE(lease);
    const auto found = ciphertext_columns(**lease, GetParam());
    ASSERT_FALSE(found.empty());
    for (const auto& col : found) EXPECT_TRUE(owner.count(col)) << col << " holds ciphertext but no module's contract declares it";
    before = values(**lease);
  }
  // The demo writes ciphertext for every module that declares encrypted columns.
  std::set<std::string> filled;
  for (const auto& [col, v] : before) filled.insert(owner[col]);
  for (const auto& [col, module] : owner) EXPECT_TRUE(filled.count(module)) << module << ": the demo encrypts nothing";

  const auto old_key = *(*app)->keys();
  auto n = (*app)->rotate_keys();
  ASSERT_TRUE(n) << n.error().message;
  const auto new_key = *(*app)->keys();
  ASSERT_NE(old_key.fingerprint(), new_key.fingerprint());
  auto lease = (*app)->db().lease();
  ASSERT_TRUE(lease);
  const auto after = values(**lease);
  for (const auto& [col, old_values] : before) {
    ASSERT_TRUE(after.count(col)) << col;
    const std::set<std::string> old_set(old_values.begin(), old_values.end());
    EXPECT_EQ(after.at(col).size(), old_values.size()) << col;
    for (const auto& v : after.at(col)) {
      EXPECT_FALSE(old_set.count(v)) << col << " kept a value of the retired key";
      EXPECT_TRUE(new_key.decrypt(v)) << col << " does not open with the new key";
      EXPECT_FALSE(old_key.decrypt(v)) << col;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, EncryptedColumns, ::testing::ValuesIn(testing::backends()), [](const auto& info) { return info.param; });

}  // namespace
}  // namespace eq
