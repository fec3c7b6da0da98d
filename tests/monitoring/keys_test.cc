// Key rotation and the start-up key check over a whole demo installation (every module), on SQLite
// and PostgreSQL: after `keys rotate` every ciphertext anywhere in the database opens with the new
// key and none with the retired one (so a column some module forgot to declare is caught here), the
// monitoring orders read back whole, and the retired key is refused at start.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "../support/databases.h"
#include "app/app.h"
#include "core/time.h"
#include "monitoring/service_impl.h"
#include "store/encrypted_fields.h"
#include "store/query.h"

namespace eq::monitoring {
namespace {

namespace fs = std::filesystem;

crypto::Keys key_from(const std::string& path) {
  auto k = crypto::Keys::load_or_create(path);
  EXPECT_TRUE(k);
  return *k;
}

// Every text value of every table that looks like field ciphertext ("v1." + base64url).
std::vector<std::tuple<std::string, std::string, std::string>> all_ciphertext(soci::session& s, const std::string& backend) {
  std::vector<std::string> tables;
  store::Query(backend == "sqlite" ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                                   : "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()")
      .each(s, [&](const soci::row& r) { tables.push_back(store::get_str(r, 0)); });
  std::vector<std::tuple<std::string, std::string, std::string>> out;
  for (const auto& t : tables)
    store::Query("SELECT * FROM " + t).each(s, [&](const soci::row& r) {
      for (size_t i = 0; i < r.size(); ++i) {
        if (r.get_indicator(i) == soci::i_null || r.get_properties(i).get_data_type() != soci::dt_string) continue;
        const std::string v = r.get<std::string>(i);
        if (v.rfind("v1.", 0) == 0 && v.size() > 40) out.emplace_back(t, r.get_properties(i).get_name(), v);
      }
    });
  return out;
}

class KeyRotation : public ::testing::TestWithParam<std::string> {};

TEST_P(KeyRotation, EveryEncryptedFieldOfEveryModuleSurvivesRotationAndTheRetiredKeyIsRefused) {
  ASSERT_TRUE(crypto::init());
  const std::string dir = eq::testing::temp_dir();
  fs::create_directories(dir);
  app::Config cfg;
  cfg.db_url = eq::testing::fresh_url(GetParam());
  cfg.data_dir = eq::testing::source_dir() + "/data";
  cfg.key_file = dir + "/equidad.key";
  int64_t incident = 0;
  {
    auto app = app::App::open(cfg);
    ASSERT_TRUE(app) << app.error().message;
    auto demo = (*app)->load_demo();
    ASSERT_TRUE(demo) << demo.error().message;
    // An operator's note and a dispatch note, so every encrypted monitoring column holds a value.
    auto& I = Internals::of((*app)->monitoring());
    auto ok = (*app)->db().transaction<void>([&](soci::session& s) -> Result<void> {
      incident = *store::Query("SELECT MIN(id) FROM monitoring_incidents").scalar(s);
      I.insert_action(s, incident, "nota", "La víctima está en casa de su hermana", "", std::nullopt, std::nullopt);
      I.insert_dispatch(s, incident, Unit{1, "Unidad", "police"}, "Portón verde", std::nullopt);
      store::Query("UPDATE monitoring_orders SET ended_reason = :r").bind("r", I.seal("Resolución del tribunal")).exec(s);
      return {};
    });
    ASSERT_TRUE(ok) << ok.error().message;
  }
  // The database files and the key are the owner's only.
  if (GetParam() == "sqlite") {
    for (const std::string& f : {cfg.db_url.substr(7), cfg.key_file}) {
      struct stat st {};
      ASSERT_EQ(stat(f.c_str(), &st), 0) << f;
      EXPECT_EQ(st.st_mode & 077, 0u) << f << " is readable by others";
    }
  }
  const auto old_key = key_from(cfg.key_file);
  {
    auto app = app::App::open(cfg);
    ASSERT_TRUE(app) << app.error().message;
    auto n = (*app)->rotate_keys();
    ASSERT_TRUE(n) << n.error().message;
    EXPECT_GT(*n, 100);
  }
  const auto new_key = key_from(cfg.key_file);
  ASSERT_NE(old_key.fingerprint(), new_key.fingerprint());
  std::string retired;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().filename().string().rfind("equidad.key.retired-", 0) == 0) retired = e.path().string();
  ASSERT_FALSE(retired.empty());

  {
    auto db = store::Database::open({cfg.db_url, 1});
    ASSERT_TRUE(db);
    auto lease = (*db)->lease();
    ASSERT_TRUE(lease);
    auto values = all_ciphertext(**lease, GetParam());
    std::set<std::string> columns;
    for (const auto& [table, column, value] : values) {
      columns.insert(table + "." + column);
      auto plain = new_key.decrypt(value);
      ASSERT_TRUE(plain) << table << "." << column << " was not re-encrypted under the new key";
      EXPECT_FALSE(old_key.decrypt(value)) << table << "." << column;
    }
    // The demo fills these; each must have been found and re-encrypted.
    for (const char* c : {"auth_users.totp_secret_enc", "cases_identities.data_enc", "cases_records.details_enc",
                          "monitoring_orders.victim_name", "monitoring_orders.victim_phone", "monitoring_orders.aggressor_name",
                          "monitoring_orders.aggressor_phone", "monitoring_orders.victim_home", "monitoring_orders.label",
                          "monitoring_orders.court", "monitoring_orders.ended_reason", "monitoring_zones.label",
                          "monitoring_zones.geom_enc", "monitoring_positions.loc_enc", "monitoring_incidents.loc_enc",
                          "monitoring_alerts.loc_enc", "monitoring_actions.note", "monitoring_dispatches.note"})
      EXPECT_TRUE(columns.count(c)) << c << " holds no ciphertext";
    // Nothing that locates a person is left in clear.
    for (const char* sql : {"SELECT COUNT(*) FROM monitoring_positions WHERE lat IS NOT NULL OR lon IS NOT NULL",
                            "SELECT COUNT(*) FROM monitoring_incidents WHERE lat IS NOT NULL OR lon IS NOT NULL",
                            "SELECT COUNT(*) FROM monitoring_alerts WHERE lat IS NOT NULL OR lon IS NOT NULL",
                            "SELECT COUNT(*) FROM monitoring_zones WHERE lat IS NOT NULL OR lon IS NOT NULL OR polygon IS NOT NULL",
                            "SELECT COUNT(*) FROM monitoring_zones WHERE label LIKE '%Domicilio%'",
                            "SELECT COUNT(*) FROM monitoring_orders WHERE label LIKE '%RIT%' OR court LIKE '%Juzgado%'"})
      EXPECT_EQ(store::Query(sql).scalar(**lease).value_or(-1), 0) << sql;
  }

  // Read back through the monitoring repository under the new key: nothing empty.
  {
    auto app = app::App::open(cfg);
    ASSERT_TRUE(app) << app.error().message;
    auto& I = Internals::of((*app)->monitoring());
    auto lease = (*app)->db().lease();
    ASSERT_TRUE(lease);
    auto orders = I.orders(**lease);
    ASSERT_EQ(orders.size(), 1u);
    const auto& o = orders[0];
    EXPECT_EQ(o.victim_name, "Ana María Rojas Pérez");
    EXPECT_EQ(o.victim_phone, "+56 9 8765 4321");
    EXPECT_EQ(o.aggressor_name, "Luis Alberto Soto Muñoz");
    EXPECT_EQ(o.aggressor_phone, "+56 9 1234 5678");
    EXPECT_EQ(o.label, "RIT F-1234-2026");
    EXPECT_EQ(o.court, "Juzgado de Familia de Santiago");
    EXPECT_EQ(o.ended_reason, "Resolución del tribunal");
    ASSERT_TRUE(o.victim_home && o.aggressor_home);
    EXPECT_NEAR(o.victim_home->lat, -33.4378, 1e-9);
    auto zones = I.zones(**lease, o.id);
    ASSERT_EQ(zones.size(), 2u);
    EXPECT_EQ(zones[0].label, "Domicilio de la víctima");
    EXPECT_NEAR(zones[0].center.lat, -33.4378, 1e-9);
    EXPECT_EQ(zones[1].polygon.size(), 4u);
    auto track = I.track_json(**lease, o.id, 0, now_ms() + 60'000);
    size_t points = 0;
    for (const auto& d : track["devices"]) points += d["points"].size();
    EXPECT_GE(points, 40u);
    auto inc = I.incident_json(**lease, incident);
    EXPECT_TRUE(inc["lat"].is_number()) << inc.dump();
    EXPECT_EQ(inc["order_label"], "RIT F-1234-2026");
    EXPECT_EQ(inc["dispatch"]["note"], "Portón verde");
    auto note = store::Query("SELECT note FROM monitoring_actions WHERE kind = 'nota'");
    std::string sealed;
    note.each(**lease, [&](const soci::row& r) { sealed = store::get_str(r, 0); });
    EXPECT_EQ(I.open_text(sealed), "La víctima está en casa de su hermana");
  }

  // The retired key is refused at start, with a message that says what is wrong.
  fs::copy_file(retired, cfg.key_file, fs::copy_options::overwrite_existing);
  auto refused = app::App::open(cfg);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("descifrar"), std::string::npos) << refused.error().message;
  EXPECT_NE(refused.error().message.find(old_key.fingerprint()), std::string::npos) << refused.error().message;
  // …and so is a backup's note, which would name a key that cannot open the data.
  EXPECT_FALSE(app::backup_key_note(cfg));
  fs::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(Backends, KeyRotation, ::testing::ValuesIn(eq::testing::backends()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace eq::monitoring
