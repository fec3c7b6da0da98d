#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/csv.h"
#include "monitoring/cli.h"

namespace eq::monitoring {
namespace {

namespace fs = std::filesystem;

class MonitoringReplay : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("eq-monitor-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
    write("orders.csv",
          "order_id,min_distance_m,approach_m,starts_at,ends_at,aggressor_home_lat,aggressor_home_lon\n"
          "1,200,500,,,-33.4501,-70.6502\n");
    write("zones.csv",
          "zone_id,order_id,label,shape,lat,lon,radius_m,wkt\n"
          "10,1,domicilio víctima,circle,-33.45,-70.65,300,\n"
          "11,1,colegio,polygon,,,,\"POLYGON((-70.62 -33.43, -70.618 -33.43, -70.618 -33.428, -70.62 -33.428, -70.62 -33.43))\"\n");
    write("devices.csv",
          "device_id,kind,person_id,order_id\n"
          "A,aggressor_tag,100,1\n"
          "B,victim_bracelet,200,1\n"
          "M,victim_mobile,200,1\n");
  }
  void TearDown() override { fs::remove_all(dir_); }
  void write(const std::string& name, const std::string& text) { std::ofstream(dir_ / name, std::ios::binary) << text; }
  std::string read(const std::string& name) { return *eq::read_file((dir_ / name).string()); }
  ReplayCommand command() {
    ReplayCommand c;
    c.orders = (dir_ / "orders.csv").string();
    c.zones = (dir_ / "zones.csv").string();
    c.devices = (dir_ / "devices.csv").string();
    c.positions = (dir_ / "positions.csv").string();
    c.out = (dir_ / "alerts.csv").string();
    return c;
  }
  fs::path dir_;
};

// T0 = 1795500000 = 2026-11-24T06:00:00Z.
const char* kPositions =
    "device_id,timestamp,lat,lon,speed_kmh,battery,alarm\n"
    "M,1795500000,-33.4500,-70.6000,,80,\n"
    "A,1795500000,-33.4400,-70.6000,,90,\n"
    "A,1795500030,-33.4470,-70.6000,,90,\n"          // ~333 m from her: warning
    "A,2026-11-24T06:01:00Z,-33.4490,-70.6000,,90,\n"  // ~111 m: breach
    "A,1795500060,-33.4490,-70.6000,,90,\n"          // the tracker resent it: duplicate
    "A,1795500050,-33.4500,-70.6500,,90,\n"          // late and inside the home zone: history only
    "B,1795500070,,,,60,sos\n"                       // bracelet without GPS: panic at her mobile's place
    "A,1795500090,NaN,-70.6000,,90,\n"               // rejected
    "A,1795500120,-33.4600,-70.6000,,90,\n"
    "A,1795500200,-33.4505,-70.6480,,90,\n"          // inside the home zone
    "A,1795500230,-33.4505,-70.6480,,90,tampering\n"
    "A,1795500240,-33.4505,-70.6480,,90,tampering\n"
    "A,1795500250,-33.4505,-70.6480,,12,tampering\n"
    "M,1795501000,-33.4500,-70.6000,,80,\n";

TEST_F(MonitoringReplay, GoldenAlerts) {
  write("positions.csv", kPositions);
  std::ostringstream out, err;
  ASSERT_EQ(run_replay(command(), out, err), 0) << err.str();
  const std::string expected =
      "incident,type,severity,device_id,person_id,order_id,zone_id,victim_person_id,first_at,last_at,count,lat,lon,distance_m,repeat,label\n"
      "1,proximity_warning,high,A,100,1,,200,2026-11-24T06:00:30.000Z,2026-11-24T06:00:30.000Z,1,-33.447000,-70.600000,332.7,0,Aviso de acercamiento\n"
      "2,proximity_breach,critical,A,100,1,,200,2026-11-24T06:01:00.000Z,2026-11-24T06:01:00.000Z,1,-33.449000,-70.600000,110.9,0,Quebrantamiento de distancia\n"
      "3,panic,critical,B,200,1,,,2026-11-24T06:01:10.000Z,2026-11-24T06:01:10.000Z,1,-33.450000,-70.600000,,0,Botón de pánico\n"
      "4,zone_enter,high,A,100,1,10,,2026-11-24T06:03:20.000Z,2026-11-24T06:03:20.000Z,1,-33.450500,-70.648000,,0,Ingreso a zona de exclusión\n"
      "5,tamper,critical,A,100,1,,,2026-11-24T06:03:50.000Z,2026-11-24T06:04:10.000Z,3,-33.450500,-70.648000,,0,Manipulación o corte de correa\n"
      "6,low_battery,medium,A,100,1,,,2026-11-24T06:04:10.000Z,2026-11-24T06:04:10.000Z,1,-33.450500,-70.648000,,0,Batería baja\n"
      "7,silence,medium,M,200,1,,,2026-11-24T06:10:00.000Z,2026-11-24T06:10:00.000Z,1,-33.450000,-70.600000,,0,Sin señal\n"
      "8,silence,medium,B,200,1,,,2026-11-24T06:12:00.000Z,2026-11-24T06:12:00.000Z,1,,,,0,Sin señal\n"
      "9,silence,high,A,100,1,,,2026-11-24T06:15:00.000Z,2026-11-24T06:15:00.000Z,1,-33.450500,-70.648000,,0,Sin señal\n";
  EXPECT_EQ(read("alerts.csv"), expected);
  EXPECT_NE(err.str().find("1 duplicadas"), std::string::npos) << err.str();
  EXPECT_NE(err.str().find("1 atrasadas"), std::string::npos) << err.str();
  EXPECT_NE(err.str().find("coordenadas inválidas: 1"), std::string::npos) << err.str();
  // The order warning: his registered home lies inside her home zone.
  EXPECT_NE(err.str().find("aviso: medida 1: El domicilio registrado del agresor queda dentro de la zona de exclusión «domicilio víctima»"),
            std::string::npos)
      << err.str();
}

TEST_F(MonitoringReplay, AllModeWritesEveryRaisedAlert) {
  write("positions.csv", kPositions);
  auto c = command();
  c.every_alert = true;
  c.quiet = true;
  std::ostringstream out, err;
  ASSERT_EQ(run_replay(c, out, err), 0) << err.str();
  const std::string text = read("alerts.csv");
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1 + 11);  // 9 incidents + 2 folded tamper repeats
  EXPECT_NE(text.find("5,tamper,critical,A,100,1,,,2026-11-24T06:04:00.000Z,2026-11-24T06:04:00.000Z,2,-33.450500,-70.648000,,1,"), std::string::npos) << text;
}

TEST_F(MonitoringReplay, ErrorsNameFileLineAndColumn) {
  write("positions.csv", "device_id,timestamp,lat,lon\nA,1795500000,-33.45,-70.6\nA,1795500010,-33.4.5,-70.6\n");
  std::ostringstream out, err;
  EXPECT_EQ(run_replay(command(), out, err), 2);
  EXPECT_NE(err.str().find("positions.csv, línea 3, columna lat: «-33.4.5» no es un número") , std::string::npos) << err.str();

  write("positions.csv", "device_id,timestamp,lat,lon\nA,ayer,-33.45,-70.6\n");
  err.str("");
  EXPECT_EQ(run_replay(command(), out, err), 2);
  EXPECT_NE(err.str().find("positions.csv, línea 2, columna timestamp:"), std::string::npos) << err.str();

  write("positions.csv", "device_id,lat,lon\n");
  err.str("");
  EXPECT_EQ(run_replay(command(), out, err), 2);
  EXPECT_NE(err.str().find("positions.csv: falta la columna «timestamp»"), std::string::npos) << err.str();

  write("zones.csv", "zone_id,order_id,shape,lat,lon,radius_m\n10,1,circle,-33.45,-70.65,-5\n");
  err.str("");
  EXPECT_EQ(run_replay(command(), out, err), 2);
  EXPECT_NE(err.str().find("zones.csv, línea 2, columna radius_m: El radio"), std::string::npos) << err.str();

  write("zones.csv", "zone_id,order_id,shape,lat,lon,radius_m\n10,1,square,-33.45,-70.65,5\n");
  err.str("");
  EXPECT_EQ(run_replay(command(), out, err), 2);
  EXPECT_NE(err.str().find("zones.csv, línea 2, columna shape: forma «square» desconocida"), std::string::npos) << err.str();

  write("zones.csv", "zone_id,order_id,shape,lat,lon,radius_m\n");
  write("devices.csv", "device_id,kind,person_id,order_id\nA,tobillera,1,1\n");
  err.str("");
  EXPECT_EQ(run_replay(command(), out, err), 2);
  EXPECT_NE(err.str().find("devices.csv, línea 2, columna kind: Tipo de dispositivo desconocido «tobillera»"), std::string::npos) << err.str();
}

TEST_F(MonitoringReplay, SynthOutputReplays) {
  SynthCommand s;
  s.synth.orders = 50;
  s.synth.positions = 20000;
  s.synth.approaching_share = 0.2;
  s.synth.noise = 0.01;
  s.out_dir = dir_.string();
  std::ostringstream out, err;
  ASSERT_EQ(run_synth(s, out, err), 0) << err.str();
  ReplayCommand c = command();
  std::ostringstream out2, err2;
  ASSERT_EQ(run_replay(c, out2, err2), 0) << err2.str();
  const std::string text = read("alerts.csv");
  EXPECT_NE(text.find(",proximity_"), std::string::npos);
  EXPECT_NE(text.find(",panic,"), std::string::npos);
  EXPECT_NE(err2.str().find("rechazadas"), std::string::npos);
}

}  // namespace
}  // namespace eq::monitoring
