// The live monitoring service on SQLite and PostgreSQL: alerts durable before ingest returns,
// resends neither stored nor alerted twice (also across a restart), device authentication,
// folding into incidents, escalation of untaken alerts and unanswered dispatches, retention that
// keeps evidence, and the evidence export's chain and signature.
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <poll.h>
#include <unistd.h>

#include <future>
#include <thread>

#include "../support/databases.h"
#include "audit/log.h"
#include "core/time.h"
#include "monitoring/cli.h"
#include "monitoring/service_impl.h"
#include "store/query.h"

namespace eq::monitoring {

namespace {

using store::Query;

constexpr double kHomeLat = -33.4378, kHomeLon = -70.6505;

class MonitoringService : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    ASSERT_TRUE(crypto::init());
    auto db = store::Database::open({eq::testing::fresh_url(GetParam()), 3});
    ASSERT_TRUE(db) << db.error().message;
    db_ = std::move(*db);
    auto all = audit::migrations();
    for (auto& m : migrations()) all.push_back(std::move(m));
    auto applied = store::apply_migrations(*db_, all, "");
    ASSERT_TRUE(applied) << applied.error().message;
    log_ = std::make_unique<audit::Log>(*db_);
    keys_ = std::make_unique<crypto::Keys>(crypto::Keys::from_master(std::string(32, 'k')));
    restart();
    // One order: victim home zone (300 m circle), 500 m distance, three devices.
    auto& I = Internals::of(*svc_);
    OrderRow o;
    o.label = "RIT T-1-2026";
    o.comuna_id = "13101";
    o.victim_name = "Víctima de prueba";
    o.victim_phone = "+56 9 1111 1111";
    o.aggressor_name = "Agresor de prueba";
    o.aggressor_phone = "+56 9 2222 2222";
    o.min_distance_m = 500;
    o.approach_m = 1000;
    o.starts_at = 0;
    Zone z;
    z.label = "Domicilio";
    z.center = {kHomeLat, kHomeLon};
    z.radius_m = 300;
    auto zones = db_->transaction<std::vector<Zone>>([&](soci::session& s) -> Result<std::vector<Zone>> {
      o.id = I.insert_order(s, o, 0);
      z.order_id = o.id;
      z.id = I.insert_zone(s, z);
      return std::vector<Zone>{z};
    });
    ASSERT_TRUE(zones) << zones.error().message;
    order_id_ = o.id;
    {
      std::lock_guard lock(I.mu);
      ASSERT_TRUE(I.add_to_engine(o, *zones));
    }
    for (auto [id, kind] : {std::pair{"tag", DeviceKind::aggressor_tag}, std::pair{"bracelet", DeviceKind::victim_bracelet}}) {
      Device d;
      d.id = id;
      d.kind = kind;
      d.order_id = o.id;
      audit::Entry e;
      e.action = "test";
      e.outcome = "ok";
      ASSERT_TRUE(I.register_device(d, std::string("secret-") + id, e));
    }
  }
  void TearDown() override {
    if (svc_) svc_->stop();
  }

  // A new service over the same database: what a restart (or kill -9 and start) sees.
  void restart(ServiceOptions opt = {}) {
    if (svc_) svc_->stop();
    Directory dir;
    dir.responsible_unit = [](const std::string&) { return std::optional<Unit>(Unit{7, "Seguridad Municipal de Santiago", "municipal"}); };
    dir.police_unit = [] { return std::optional<Unit>(Unit{9, "Carabineros de Chile", "police"}); };
    dir.dispatch_units = [] {
      return std::vector<Unit>{{9, "Carabineros de Chile", "police"}, {7, "Seguridad Municipal de Santiago", "municipal"},
                               {11, "Seguridad Municipal de Providencia", "municipal"}};
    };
    dir.comuna_exists = [](const std::string& c) { return c == "13101" || c == "13123"; };
    // A fake registry (the real one is the case registry's, wired by the composition root):
    // record 41 is a protective order the centre may watch, 42 is another kind of record.
    dir.court_order = [](int64_t record_id, const http::Principal&) -> Result<CourtOrder> {
      if (record_id == 42) return fail(Error::invalid("record_id", "El registro no es una medida de protección.", "not_protective_order"));
      if (record_id != 41) return fail(Error::not_found("No existe un registro con ese número."));
      CourtOrder c;
      c.record_id = 41;
      c.victim_person_id = 501;
      c.victim_name = "María Registro";
      c.aggressor_person_id = 502;
      c.aggressor_name = "Pedro Registro";
      c.court = "Juzgado de Familia de Providencia";
      c.order_type = "prohibicion_acercamiento";
      c.comuna_id = "13123";
      c.distance_m = 300;
      c.starts_at = now_ms() - 86'400'000;
      c.ends_at = now_ms() + 90LL * 86'400'000;
      return c;
    };
    svc_ = std::make_unique<Service>(*db_, *keys_, *log_, dir, opt);
    auto ok = svc_->start();
    ASSERT_TRUE(ok) << ok.error().message;
  }

  Position at(double lat, double lon, int64_t t, uint8_t alarms = alarm_none) {
    Position p;
    p.fix.at = t;
    p.fix.received_at = t;
    p.fix.lat = lat;
    p.fix.lon = lon;
    p.fix.alarms = alarms;
    return p;
  }

  Result<IngestSummary> send(const std::string& device, std::vector<Position> ps) {
    return svc_->ingest({device, "secret-" + device}, std::move(ps), "test");
  }

  long long count(const std::string& sql) {
    auto lease = db_->lease();
    return Query(sql).scalar(**lease).value_or(-1);
  }

  std::unique_ptr<store::Database> db_;
  std::unique_ptr<audit::Log> log_;
  std::unique_ptr<crypto::Keys> keys_;
  std::unique_ptr<Service> svc_;
  int64_t order_id_ = 0;
  const int64_t t0_ = now_ms() - 600'000;
};

TEST_P(MonitoringService, AlertIsCommittedBeforeIngestReturns) {
  auto r = send("tag", {at(-33.4800, -70.6505, t0_), at(kHomeLat, kHomeLon, t0_ + 60'000)});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->accepted, 2);
  EXPECT_GE(r->alerts, 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM monitoring_positions"), 2);
  EXPECT_EQ(count("SELECT COUNT(*) FROM monitoring_incidents WHERE type = 'zone_enter' AND state = 'nueva'"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM monitoring_alerts WHERE type = 'zone_enter'"), 1);
}

TEST_P(MonitoringService, WrongSecretOrUnknownDeviceIsRefusedAndStoresNothing) {
  auto bad = svc_->ingest({"tag", "wrong"}, {at(kHomeLat, kHomeLon, t0_)}, "test");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().status, 401);
  auto unknown = svc_->ingest({"nobody", "secret-nobody"}, {at(kHomeLat, kHomeLon, t0_)}, "test");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().status, 401);
  EXPECT_EQ(count("SELECT COUNT(*) FROM monitoring_positions"), 0);
}

TEST_P(MonitoringService, InvalidPositionsAreRejectedCountedAndNotStored) {
  auto r = send("tag", {at(NAN, -70.6, t0_), at(95, -70.6, t0_ + 1000), at(0, 0, t0_ + 2000), at(-33.48, -70.65, t0_ + 3000)});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->rejected, 3);
  EXPECT_EQ(r->accepted, 1);
  EXPECT_EQ(r->errors.size(), 3u);
  EXPECT_EQ(count("SELECT COUNT(*) FROM monitoring_positions"), 1);
  EXPECT_EQ(svc_->stats().rejected_total(), 3u);
}

TEST_P(MonitoringService, ResentPositionsAreNeitherStoredNorAlertedTwiceEvenAfterRestart) {
  std::vector<Position> batch = {at(-33.4450, -70.6505, t0_), at(kHomeLat, kHomeLon, t0_ + 30'000, alarm_tamper),
                                 at(kHomeLat, kHomeLon, t0_ + 60'000)};
  ASSERT_TRUE(send("tag", batch));
  const auto alerts = count("SELECT COUNT(*) FROM monitoring_alerts");
  const auto incidents = count("SELECT COUNT(*) FROM monitoring_incidents");
  ASSERT_GE(alerts, 2);  // zone entry and the strap alarm
  auto again = send("tag", batch);  // the device never saw the answer and sends everything again
  ASSERT_TRUE(again);
  EXPECT_EQ(again->duplicates, 3);
  restart();  // as after kill -9: the engine is rebuilt from the database
  auto after = send("tag", batch);
  ASSERT_TRUE(after);
  EXPECT_EQ(after->duplicates, 3);
  EXPECT_EQ(count("SELECT COUNT(*) FROM monitoring_positions"), 3);
  EXPECT_EQ(count("SELECT COUNT(*) FROM monitoring_alerts"), alerts);
  EXPECT_EQ(count("SELECT COUNT(*) FROM monitoring_incidents"), incidents);
  // The restored engine knows the aggressor is inside the zone: no new entry for the next fix.
  auto next = send("tag", {at(kHomeLat, kHomeLon, t0_ + 90'000)});
  ASSERT_TRUE(next);
  EXPECT_EQ(next->alerts, 0);
}

TEST_P(MonitoringService, RepeatedPanicFoldsIntoOneIncidentAcrossRestart) {
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(send("bracelet", {at(kHomeLat, kHomeLon, t0_ + i * 1000, alarm_panic)}));
  restart();
  for (int i = 5; i < 8; ++i) ASSERT_TRUE(send("bracelet", {at(kHomeLat, kHomeLon, t0_ + i * 1000, alarm_panic)}));
  EXPECT_EQ(count("SELECT COUNT(*) FROM monitoring_incidents WHERE type = 'panic'"), 1);
  EXPECT_EQ(count("SELECT count FROM monitoring_incidents WHERE type = 'panic'"), 8);
  EXPECT_EQ(count("SELECT COUNT(*) FROM monitoring_alerts WHERE type = 'panic'"), 8);
}

TEST_P(MonitoringService, BufferedBurstIsEvaluatedInDeviceTimeOrder) {
  // After a tunnel: newest first in the request, entering the zone in the middle.
  auto r = send("tag", {at(kHomeLat, kHomeLon, t0_ + 120'000), at(-33.4450, -70.6505, t0_ + 60'000), at(-33.4800, -70.6505, t0_)});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->accepted, 3);
  EXPECT_EQ(r->stale, 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM monitoring_incidents WHERE type = 'zone_enter'"), 1);
}

TEST_P(MonitoringService, UntakenAlertAndUnansweredDispatchEscalate) {
  ServiceOptions opt;
  opt.take_timeout_s = 1;
  opt.accept_timeout_s = 1;
  restart(opt);
  ASSERT_TRUE(send("bracelet", {at(kHomeLat, kHomeLon, t0_, alarm_panic)}));
  const int64_t incident = count("SELECT id FROM monitoring_incidents");
  svc_->tick(now_ms() + 5'000);
  EXPECT_EQ(count("SELECT escalated FROM monitoring_incidents"), 1);
  // A municipal unit is dispatched and never answers: the police are sent as well.
  auto& I = Internals::of(*svc_);
  auto d = db_->transaction<int64_t>([&](soci::session& s) -> Result<int64_t> {
    return I.insert_dispatch(s, incident, Unit{7, "Seguridad Municipal de Santiago", "municipal"}, "", std::nullopt);
  });
  ASSERT_TRUE(d);
  svc_->tick(now_ms() + 5'000);
  EXPECT_EQ(count("SELECT escalated FROM monitoring_dispatches WHERE id = " + std::to_string(*d)), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM monitoring_dispatches WHERE unit_kind = 'police' AND state = 'enviado'"), 1);
  svc_->tick(now_ms() + 10'000);  // once only
  EXPECT_EQ(count("SELECT COUNT(*) FROM monitoring_dispatches"), 2);
}

TEST_P(MonitoringService, PurgeKeepsPositionsAroundIncidents) {
  ServiceOptions opt;
  opt.retention_days = 1;
  restart(opt);
  const int64_t old = now_ms() - 10LL * 86'400'000;
  ASSERT_TRUE(send("tag", {at(-33.50, -70.6505, old)}));                           // old, far from any incident
  ASSERT_TRUE(send("bracelet", {at(kHomeLat, kHomeLon, old + 5 * 3'600'000)}));   // old, before a panic
  ASSERT_TRUE(send("bracelet", {at(kHomeLat, kHomeLon, old + 5 * 3'600'000 + 60'000, alarm_panic)}));
  ASSERT_TRUE(send("tag", {at(-33.50, -70.6505, now_ms())}));                     // recent
  // received_at is the device time in these tests' positions, as the test sets both.
  auto purged = svc_->purge_positions(now_ms());
  ASSERT_TRUE(purged) << purged.error().message;
  EXPECT_EQ(*purged, 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM monitoring_positions"), 3);
}

// A legal hold on the order (or on its victim or aggressor) keeps positions past the retention;
// the dry run counts what the run then deletes.
TEST_P(MonitoringService, PurgeKeepsPositionsOfAHeldOrder) {
  ServiceOptions opt;
  opt.retention_days = 1;
  restart(opt);
  const int64_t old = now_ms() - 10LL * 86'400'000;
  ASSERT_TRUE(send("tag", {at(-33.50, -70.6505, old), at(-33.50, -70.6506, old + 60'000)}));
  const std::string order = std::to_string(count("SELECT id FROM monitoring_orders"));
  std::vector<std::string> asked;
  const PurgeHeld held = [&](const std::string& record, const std::vector<int64_t>&) {
    asked.push_back(record);
    return record == order;
  };
  auto dry = svc_->purge_positions(now_ms(), held, true);
  ASSERT_TRUE(dry) << dry.error().message;
  EXPECT_EQ(dry->held, 2);
  EXPECT_EQ(dry->due, 0);
  auto kept = svc_->purge_positions(now_ms(), held, false);
  ASSERT_TRUE(kept) << kept.error().message;
  EXPECT_EQ(kept->purged, 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM monitoring_positions"), 2);
  EXPECT_EQ(asked.front(), order);
  // Released (nothing held): the dry run and the run agree.
  const PurgeHeld none = [](const std::string&, const std::vector<int64_t>&) { return false; };
  auto preview = svc_->purge_positions(now_ms(), none, true);
  ASSERT_TRUE(preview);
  EXPECT_EQ(preview->due, 2);
  auto gone = svc_->purge_positions(now_ms(), none, false);
  ASSERT_TRUE(gone);
  EXPECT_EQ(gone->purged, preview->due);
  EXPECT_EQ(count("SELECT COUNT(*) FROM monitoring_positions"), 0);
  // The module's own hourly purge asks ServiceOptions::holds: an unreadable hold list deletes nothing.
  ASSERT_TRUE(send("tag", {at(-33.50, -70.6505, old + 120'000)}));
  opt.holds = [](const std::string&) -> Result<PurgeHeld> { return fail(Error::unavailable()); };
  restart(opt);
  EXPECT_FALSE(svc_->purge_positions(now_ms()));
  EXPECT_EQ(count("SELECT COUNT(*) FROM monitoring_positions"), 1);
}

TEST_P(MonitoringService, EvidenceChainVerifiesAndTamperingIsDetected) {
  ASSERT_TRUE(send("tag", {at(-33.48, -70.6505, t0_), at(kHomeLat, kHomeLon, t0_ + 60'000)}));
  const int64_t incident = count("SELECT id FROM monitoring_incidents");
  auto lease = db_->lease();
  auto doc = evidence_document(Internals::of(*svc_), **lease, incident);
  ASSERT_FALSE(doc.is_null());
  ASSERT_GE(doc["entries"].size(), 3u);  // incident, alert, positions
  auto ok = verify_evidence(doc);
  EXPECT_TRUE(ok) << ok.error().message;
  auto moved = doc;
  moved["entries"][1]["data"]["lat"] = -33.0;  // a position moved
  EXPECT_FALSE(verify_evidence(moved));
  auto dropped = doc;
  dropped["entries"].erase(1);
  EXPECT_FALSE(verify_evidence(dropped));
  auto forged = doc;  // chain recomputed by someone without the key
  forged["signature"] = crypto::base64url(std::string(64, 'x'));
  EXPECT_FALSE(verify_evidence(forged));
}

TEST_P(MonitoringService, IdentifyingFieldsAreStoredEncrypted) {
  EXPECT_EQ(count("SELECT COUNT(*) FROM monitoring_orders WHERE victim_name LIKE '%prueba%' OR victim_phone LIKE '%1111%'"), 0);
  auto lease = db_->lease();
  auto o = Internals::of(*svc_).order(**lease, order_id_);
  ASSERT_TRUE(o);
  EXPECT_EQ(o->victim_name, "Víctima de prueba");
}

// Issue 11: behind NAT (or through the MQTT bridge, where every device is one client) failures
// of others must not silence a device that presents its own secret, least of all a panic press.
TEST_P(MonitoringService, PanicWithItsOwnSecretIsIngestedWhateverOthersFailedFromTheSameClient) {
  int throttled_wrong = 0, throttled_unknown = 0;
  for (int i = 0; i < 40; ++i) {
    auto wrong = svc_->ingest({"bracelet", "adivinanza-" + std::to_string(i)}, {at(kHomeLat, kHomeLon, t0_ + i)}, "mqtt");
    ASSERT_FALSE(wrong);
    throttled_wrong += wrong.error().status == 429;
    auto unknown = svc_->ingest({"nadie-" + std::to_string(i), "x"}, {at(kHomeLat, kHomeLon, t0_ + i)}, "mqtt");
    ASSERT_FALSE(unknown);
    throttled_unknown += unknown.error().status == 429;
  }
  EXPECT_GT(throttled_wrong, 0) << "wrong secrets for one device are throttled";
  EXPECT_GT(throttled_unknown, 0) << "unknown ids from one client are throttled";
  Position press;
  press.fix.at = press.fix.received_at = t0_ + 100'000;
  press.fix.has_fix = false;
  press.fix.alarms = alarm_panic;
  auto r = send("bracelet", {press});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->accepted, 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM monitoring_incidents WHERE type = 'panic' AND device_id = 'bracelet'"), 1);
  // The tag, same client, is not affected by the bracelet's throttle either.
  auto tag = svc_->ingest({"tag", "secret-tag"}, {at(-33.4800, -70.6505, t0_ + 100'000)}, "mqtt");
  ASSERT_TRUE(tag) << tag.error().message;
  // And a wrong secret for the bracelet is still throttled.
  auto again = svc_->ingest({"bracelet", "otra"}, {at(kHomeLat, kHomeLon, t0_ + 200'000)}, "mqtt");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().status, 429);
}

TEST_P(MonitoringService, CoordinatesLabelsAndNotesAreCiphertextAtRest) {
  ASSERT_TRUE(send("tag", {at(-33.4800, -70.6505, t0_), at(kHomeLat, kHomeLon, t0_ + 60'000)}));
  auto& I = Internals::of(*svc_);
  const int64_t incident = count("SELECT MIN(id) FROM monitoring_incidents");
  ASSERT_TRUE(db_->transaction<void>([&](soci::session& s) -> Result<void> {
    I.insert_action(s, incident, "nota", "Vive con su madre en Maipú", "", std::nullopt, std::nullopt);
    return {};
  }));
  EXPECT_EQ(count("SELECT COUNT(*) FROM monitoring_positions WHERE lat IS NOT NULL OR loc_enc NOT LIKE 'v1.%'"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM monitoring_incidents WHERE lat IS NOT NULL OR loc_enc NOT LIKE 'v1.%'"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM monitoring_alerts WHERE lat IS NOT NULL OR loc_enc NOT LIKE 'v1.%'"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM monitoring_zones WHERE lat IS NOT NULL OR label LIKE '%Domicilio%'"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM monitoring_orders WHERE label LIKE '%RIT%'"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM monitoring_actions WHERE note LIKE '%Maip%'"), 0);
  // …and read back in clear.
  auto lease = db_->lease();
  auto track = I.track_json(**lease, order_id_, 0, t0_ + 120'000);
  ASSERT_EQ(track["devices"][0]["points"].size(), 2u);
  EXPECT_DOUBLE_EQ(track["devices"][0]["points"][1]["lat"].get<double>(), kHomeLat);
  auto inc = I.incident_json(**lease, incident);
  EXPECT_DOUBLE_EQ(inc["lat"].get<double>(), kHomeLat);
  EXPECT_EQ(inc["zone_label"], "Domicilio");
  EXPECT_EQ(inc["order_label"], "RIT T-1-2026");
  auto doc = evidence_document(I, **lease, incident);
  bool note_found = false;
  for (const auto& e : doc["entries"])
    if (e["kind"] == "action") note_found = e["data"]["note"] == "Vive con su madre en Maipú";
  EXPECT_TRUE(note_found) << doc.dump();
}

TEST_P(MonitoringService, RowsWrittenInClearBeforeTheUpgradeAreSealedAtStart) {
  {
    auto lease = db_->lease();
    Query("INSERT INTO monitoring_positions(device_id, at, received_at, lat, lon, alarms, status) VALUES('tag', :at, :at2, -33.5, -70.6, 0, 'accepted')")
        .bind("at", static_cast<long long>(t0_))
        .bind("at2", static_cast<long long>(t0_))
        .exec(**lease);
    Query("INSERT INTO monitoring_zones(order_id, label, shape, lat, lon, radius_m, created_at) VALUES(:o, 'Colegio de los niños', 'circle', -33.44, -70.65, 200, 0)")
        .bind("o", static_cast<long long>(order_id_))
        .exec(**lease);
  }
  restart();
  EXPECT_EQ(count("SELECT COUNT(*) FROM monitoring_positions WHERE lat IS NOT NULL"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM monitoring_zones WHERE lat IS NOT NULL OR label LIKE 'Colegio%'"), 0);
  auto lease = db_->lease();
  auto zones = Internals::of(*svc_).zones(**lease, order_id_);
  ASSERT_EQ(zones.size(), 2u);
  EXPECT_EQ(zones[1].label, "Colegio de los niños");
  EXPECT_DOUBLE_EQ(zones[1].center.lat, -33.44);
  auto track = Internals::of(*svc_).track_json(**lease, order_id_, t0_ - 1, t0_ + 1);
  ASSERT_EQ(track["devices"][0]["points"].size(), 1u);
  EXPECT_DOUBLE_EQ(track["devices"][0]["points"][0]["lon"].get<double>(), -70.6);
}

Caller operator_caller() {
  Caller c;
  c.who.user_id = 3;
  c.who.institution_id = 1;
  c.who.permissions = {"monitoring.manage", "alerts.handle"};
  c.client_ip = "10.0.0.1";
  return c;
}

Caller unit_caller(int64_t institution) {
  Caller c;
  c.who.user_id = 20 + institution;
  c.who.institution_id = institution;
  c.who.permissions = {"dispatch.receive"};
  return c;
}

// Issue 12, one protective order: the monitored order is the registry's, with its persons.
TEST_P(MonitoringService, OrderCreatedFromARegistryRecordIsThatOrderAndOnlyOnce) {
  NewOrder cmd;
  cmd.record_id = 41;
  cmd.victim_phone = "+56 9 3333 3333";
  cmd.aggressor_phone = "+56 9 4444 4444";
  cmd.label = "RIT F-41-2026";
  cmd.victim_name = "Otro nombre";  // ignored: the registry's persons are the order's
  auto o = svc_->create_order(operator_caller(), cmd);
  ASSERT_TRUE(o) << o.error().message;
  EXPECT_EQ(o->order.record_id, 41);
  EXPECT_EQ(o->order.victim_person_id, 501);
  EXPECT_EQ(o->order.aggressor_person_id, 502);
  EXPECT_EQ(o->order.victim_name, "María Registro");
  EXPECT_EQ(o->order.court, "Juzgado de Familia de Providencia");
  EXPECT_EQ(o->order.comuna_id, "13123");
  EXPECT_DOUBLE_EQ(o->order.min_distance_m, 300);
  ASSERT_TRUE(o->order.ends_at);

  auto again = svc_->create_order(operator_caller(), cmd);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().status, 409);
  EXPECT_EQ(again.error().code, "record_already_monitored");
  EXPECT_NE(again.error().message.find("N° " + std::to_string(o->order.id)), std::string::npos) << again.error().message;
  EXPECT_EQ(count("SELECT COUNT(*) FROM monitoring_orders WHERE record_id = 41"), 1);

  cmd.record_id = 42;  // the registry's refusal is the answer, nothing written
  auto other = svc_->create_order(operator_caller(), cmd);
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().status, 422);
  EXPECT_EQ(count("SELECT COUNT(*) FROM monitoring_orders"), 2);

  // The person's timeline: the order and its incidents, newest first.
  auto victim = svc_->orders_of_person(501);
  ASSERT_TRUE(victim) << victim.error().message;
  ASSERT_EQ(victim->size(), 1u);
  EXPECT_EQ((*victim)[0].order_id, o->order.id);
  EXPECT_EQ((*victim)[0].record_id, 41);
  EXPECT_EQ((*victim)[0].role, "victim");
  EXPECT_EQ((*victim)[0].status, "vigente");
  auto aggressor = svc_->orders_of_person(502);
  ASSERT_TRUE(aggressor);
  ASSERT_EQ(aggressor->size(), 1u);
  EXPECT_EQ((*aggressor)[0].role, "aggressor");
  auto nobody = svc_->orders_of_person(999);
  ASSERT_TRUE(nobody);
  EXPECT_TRUE(nobody->empty());
}

TEST_P(MonitoringService, OrdersOfPersonListTheOrdersIncidentsWithoutPlaces) {
  NewOrder cmd;
  cmd.record_id = 41;
  cmd.victim_phone = "+56 9 3333 3333";
  cmd.aggressor_phone = "+56 9 4444 4444";
  auto o = svc_->create_order(operator_caller(), cmd);
  ASSERT_TRUE(o) << o.error().message;
  NewDevice d;
  d.order_id = o->order.id;
  d.device_id = "reg-bracelet";
  d.kind = DeviceKind::victim_bracelet;
  auto dev = svc_->add_device(operator_caller(), d);
  ASSERT_TRUE(dev) << dev.error().message;
  ASSERT_TRUE(svc_->ingest({"reg-bracelet", dev->secret}, {at(kHomeLat, kHomeLon, t0_, alarm_panic)}, "test"));
  auto mine = svc_->orders_of_person(501);
  ASSERT_TRUE(mine);
  ASSERT_EQ(mine->size(), 1u);
  ASSERT_EQ((*mine)[0].incidents.size(), 1u);
  EXPECT_EQ((*mine)[0].incidents[0].type, "panic");
  EXPECT_EQ((*mine)[0].incidents[0].state, "nueva");
}

// Issue 12: the operator chooses the unit (default: the comuna's) and can re-dispatch.
TEST_P(MonitoringService, OperatorChoosesTheUnitAndRedispatches) {
  ASSERT_TRUE(send("bracelet", {at(kHomeLat, kHomeLon, t0_, alarm_panic)}));
  const int64_t incident = count("SELECT id FROM monitoring_incidents");
  auto units = svc_->units_for(operator_caller(), incident);
  ASSERT_TRUE(units) << units.error().message;
  ASSERT_EQ(units->size(), 3u);
  EXPECT_EQ((*units)[0].institution_id, 7);
  EXPECT_TRUE((*units)[0].responsible);
  EXPECT_EQ((*units)[1].institution_id, 9);
  EXPECT_FALSE((*units)[1].responsible);

  DispatchStep step;
  step.incident_id = incident;
  auto first = svc_->dispatch(operator_caller(), step);
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(first->institution_id, 7);

  step.institution_id = 9;  // Carabineros instead, without saying it replaces the first: refused
  auto twice = svc_->dispatch(operator_caller(), step);
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().code, "already_dispatched");

  step.redispatch = true;
  step.institution_id = 12345;  // not a police or municipal institution
  auto bad = svc_->dispatch(operator_caller(), step);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().status, 422);
  EXPECT_EQ(bad.error().field, "institution_id");

  step.institution_id = 7;  // the same unit again
  auto same = svc_->dispatch(operator_caller(), step);
  ASSERT_FALSE(same);
  EXPECT_EQ(same.error().code, "same_unit");

  step.institution_id = 9;
  auto second = svc_->dispatch(operator_caller(), step);
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_EQ(second->institution_id, 9);
  EXPECT_EQ(second->state, "enviado");
  EXPECT_EQ(count("SELECT COUNT(*) FROM monitoring_dispatches WHERE cancelled_at IS NOT NULL AND institution_id = 7"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM monitoring_actions WHERE kind = 'redespacho'"), 1);

  // The relieved unit can no longer move its dispatch; the new one can.
  auto late = svc_->unit_step(unit_caller(7), UnitStep{first->id, "aceptado", "", ""});
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().code, "dispatch_cancelled");
  ASSERT_TRUE(svc_->unit_step(unit_caller(9), UnitStep{second->id, "aceptado", "", ""}));

  auto detail = svc_->incident(operator_caller(), incident);
  ASSERT_TRUE(detail);
  ASSERT_EQ(detail->dispatches.size(), 2u);
  EXPECT_EQ(detail->dispatches[0].state, "anulado");
  EXPECT_EQ(detail->incident.dispatch->institution_id, 9);
  // Nothing escalates for the cancelled dispatch.
  EXPECT_EQ(count("SELECT COUNT(*) FROM monitoring_dispatches WHERE state = 'enviado'"), 0);
}

// The console's live message of an alert is built from the committed row, with the operator's state.
TEST_P(MonitoringService, LiveIncidentMessageCarriesWhatOperatorsMadeOfIt) {
  ASSERT_TRUE(send("bracelet", {at(kHomeLat, kHomeLon, t0_, alarm_panic)}));
  const int64_t incident = count("SELECT id FROM monitoring_incidents");
  IncidentStep take;
  take.incident_id = incident;
  take.kind = "tomar";
  ASSERT_TRUE(svc_->act(operator_caller(), take));
  auto& I = Internals::of(*svc_);
  std::optional<IncidentRow> row;  // the open incident as ingest will fold the next alert into it
  {
    std::lock_guard lock(I.mu);
    for (const auto& [key, in] : I.open)
      if (in.id == incident) row = in;
  }
  ASSERT_TRUE(row);
  auto j = http::Json::parse(I.incident_message(*row));
  EXPECT_EQ(j["incident"]["state"], "en_gestion");
  EXPECT_EQ(j["incident"]["order_label"], "RIT T-1-2026");
  EXPECT_EQ(j["incident"]["device_kind"], "victim_bracelet");
  EXPECT_EQ(j["incident"]["type"], "panic");
}

// Two services over one database, as two instances (issue 20): the non-owner queues a device's
// request durably and acknowledges it; the owner evaluates it once (a resend through either is no
// second alert); a take-over rebuilds the engine where the other left it.
TEST_P(MonitoringService, ANonOwnerQueuesTheOwnerEvaluatesOnceAndATakeOverContinues) {
  Directory dir;
  dir.comuna_exists = [](const std::string&) { return true; };
  auto other = std::make_unique<Service>(*db_, *keys_, *log_, dir, ServiceOptions{});
  ASSERT_TRUE(other->start());
  ASSERT_TRUE(other->set_owner(false));
  EXPECT_FALSE(other->owner());
  EXPECT_TRUE(svc_->owner());

  // Refused like at the owner: a wrong secret, an unknown device; nothing queued.
  auto bad = other->ingest({"bracelet", "wrong"}, {at(kHomeLat, kHomeLon, t0_)}, "test");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().status, 401);
  auto unknown = other->ingest({"nobody", "secret-nobody"}, {at(kHomeLat, kHomeLon, t0_)}, "test");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().status, 401);
  EXPECT_EQ(count("SELECT COUNT(*) FROM monitoring_inbox"), 0);

  // A panic press through the non-owner, and the same request again (a retry).
  const std::vector<Position> press = {at(kHomeLat, kHomeLon, t0_, alarm_panic), at(kHomeLat, kHomeLon, t0_ + 1000)};
  for (int i = 0; i < 2; ++i) {
    auto r = other->ingest({"bracelet", "secret-bracelet"}, press, "test");
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->accepted, 2);
    EXPECT_EQ(r->alerts, 0);  // evaluated by the owner, not here
  }
  // The owner's drainer evaluates the queue within milliseconds; the rows go in the same commit.
  // Waited for until the inbox is empty too: the retry's rows may be queued again after the first
  // turn committed (the first rows were deleted by then), and are drained by a second turn.
  for (int i = 0; i < 500 && (count("SELECT COUNT(*) FROM monitoring_positions") < 2 || count("SELECT COUNT(*) FROM monitoring_inbox") > 0); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(count("SELECT COUNT(*) FROM monitoring_positions"), 2);
  EXPECT_EQ(count("SELECT COUNT(*) FROM monitoring_inbox"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM monitoring_alerts WHERE type = 'panic'"), 1);
  // Sent again through the owner: duplicates, no second alert.
  auto again = send("bracelet", press);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->duplicates, 2);
  EXPECT_EQ(count("SELECT COUNT(*) FROM monitoring_alerts WHERE type = 'panic'"), 1);

  // The owner goes; the other takes over: its engine is rebuilt from the database (the open panic
  // incident, the instants stored), so a repeat folds into the same incident and a resend is a duplicate.
  ASSERT_TRUE(svc_->set_owner(false));
  ASSERT_TRUE(other->set_owner(true));
  auto resend = other->ingest({"bracelet", "secret-bracelet"}, press, "test");
  ASSERT_TRUE(resend);
  EXPECT_EQ(resend->duplicates, 2);
  auto repeat = other->ingest({"bracelet", "secret-bracelet"}, {at(kHomeLat, kHomeLon, t0_ + 2000, alarm_panic)}, "test");
  ASSERT_TRUE(repeat);
  EXPECT_EQ(repeat->alerts, 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM monitoring_incidents WHERE type = 'panic'"), 1);
  EXPECT_EQ(count("SELECT count FROM monitoring_incidents WHERE type = 'panic'"), 2);
  // And the former owner now queues.
  auto queued = send("bracelet", {at(kHomeLat, kHomeLon, t0_ + 3000)});
  ASSERT_TRUE(queued);
  EXPECT_EQ(queued->accepted, 1);
  for (int i = 0; i < 500 && (count("SELECT COUNT(*) FROM monitoring_positions") < 4 || count("SELECT COUNT(*) FROM monitoring_inbox") > 0); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(count("SELECT COUNT(*) FROM monitoring_positions"), 4);
  EXPECT_EQ(count("SELECT COUNT(*) FROM monitoring_inbox"), 0);
  other->stop();
}

// A non-owner answers device requests after the writer's commit, and refuses (503, Retry-After
// added by the server) once 2.000 answers await a commit, as the owner does: nothing of a refused
// request is queued. Requests written in one transaction are answered each on its own: a wrong key
// refuses only its own request.
TEST_P(MonitoringService, ANonOwnerAnswersAfterTheCommitAndIsBounded) {
  Directory dir;
  dir.comuna_exists = [](const std::string&) { return true; };
  auto other = std::make_unique<Service>(*db_, *keys_, *log_, dir, ServiceOptions{});
  ASSERT_TRUE(other->start());
  ASSERT_TRUE(other->set_owner(false));
  ASSERT_TRUE(svc_->set_owner(false));  // nobody drains: the inbox keeps what was queued
  auto& I = Internals::of(*other);

  I.awaiting_commit = 2000;  // as if 2.000 answers were waiting for a stalled database
  std::promise<Result<IngestSummary>> refused;
  other->ingest_then({"bracelet", "secret-bracelet"}, {at(kHomeLat, kHomeLon, t0_)}, "test",
                     [&](Result<IngestSummary> r) { refused.set_value(std::move(r)); });
  auto r = refused.get_future().get();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().status, 503);
  EXPECT_EQ(count("SELECT COUNT(*) FROM monitoring_inbox"), 0);
  I.awaiting_commit = 0;

  std::vector<std::promise<Result<IngestSummary>>> answers(3);
  other->ingest_then({"bracelet", "secret-bracelet"}, {at(kHomeLat, kHomeLon, t0_)}, "test",
                     [&](Result<IngestSummary> r) { answers[0].set_value(std::move(r)); });
  other->ingest_then({"tag", "wrong"}, {at(kHomeLat, kHomeLon, t0_)}, "test",
                     [&](Result<IngestSummary> r) { answers[1].set_value(std::move(r)); });
  other->ingest_then({"tag", "secret-tag"}, {at(kHomeLat, kHomeLon, t0_), at(kHomeLat, kHomeLon, t0_ + 1000)}, "test",
                     [&](Result<IngestSummary> r) { answers[2].set_value(std::move(r)); });
  auto a = answers[0].get_future().get();
  auto b = answers[1].get_future().get();
  auto c = answers[2].get_future().get();
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(a->accepted, 1);
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error().status, 401);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->accepted, 2);
  // Durable when answered: the rows are in the inbox already.
  EXPECT_EQ(count("SELECT COUNT(*) FROM monitoring_inbox"), 3);
  EXPECT_EQ(I.awaiting_commit.load(), 0);
  other->stop();
}

// Issue 20, the queued path's hops: the owner's wake-up is sent with the non-owner's inbox
// transaction (PostgreSQL delivers it with the commit of the rows it announces, one transaction
// for both), and rows of a turn still committing are neither taken nor opened again by the next take.
TEST_P(MonitoringService, TheInboxWakeComesWithTheRowsAndRowsInFlightAreNotTakenAgain) {
  Directory dir;
  dir.comuna_exists = [](const std::string&) { return true; };
  auto other = std::make_unique<Service>(*db_, *keys_, *log_, dir, ServiceOptions{});
  ASSERT_TRUE(other->start());
  ASSERT_TRUE(other->set_owner(false));
  ASSERT_TRUE(svc_->set_owner(false));  // nobody drains: the inbox keeps what was queued
  PGconn* listener = nullptr;
  const std::string channel = "equidad_test_wake_" + std::to_string(::getpid());
  std::atomic<int> payloads{0};
  if (GetParam() == "postgresql") {  // one instance on SQLite: nobody to wake
    listener = PQconnectdb(store::postgres_keywords(eq::testing::pg_base_url())->c_str());
    ASSERT_EQ(PQstatus(listener), CONNECTION_OK);
    PQclear(PQexec(listener, ("LISTEN " + channel).c_str()));
    other->set_inbox_notify(channel, [&payloads] {
      ++payloads;
      return std::string("wake");
    });
  }
  auto r = other->ingest({"bracelet", "secret-bracelet"}, {at(kHomeLat, kHomeLon, t0_), at(kHomeLat, kHomeLon, t0_ + 1000)}, "test");
  ASSERT_TRUE(r) << r.error().message;
  auto r2 = other->ingest({"tag", "secret-tag"}, {at(kHomeLat, kHomeLon, t0_)}, "test");
  ASSERT_TRUE(r2) << r2.error().message;
  if (listener) {
    EXPECT_EQ(payloads.load(), 2);  // one per inbox transaction (both requests were answered in turn)
    int got = 0;
    for (int i = 0; i < 50 && got < 2; ++i) {
      pollfd fd{PQsocket(listener), POLLIN, 0};
      (void)::poll(&fd, 1, 100);
      PQconsumeInput(listener);
      while (PGnotify* n = PQnotifies(listener)) {
        EXPECT_STREQ(n->extra, "wake");
        ++got;
        PQfreemem(n);
      }
    }
    EXPECT_EQ(got, 2);
    PQfinish(listener);
  }
  EXPECT_EQ(count("SELECT COUNT(*) FROM monitoring_inbox"), 3);

  auto& I = Internals::of(*svc_);
  std::vector<int64_t> ids;
  {
    auto lease = db_->lease();
    ASSERT_TRUE(lease);
    for (const auto& row : I.inbox_take(**lease, 250, {})) ids.push_back(row.id);
  }
  ASSERT_EQ(ids.size(), 3u);
  {
    auto lease = db_->lease();
    ASSERT_TRUE(lease);
    auto rest = I.inbox_take(**lease, 250, {ids[0], ids[1]});  // the first two are committing
    ASSERT_EQ(rest.size(), 1u);
    EXPECT_EQ(rest[0].id, ids[2]);
    EXPECT_EQ(rest[0].position.device_id, "tag");
    EXPECT_EQ(I.inbox_take(**lease, 1, {ids[0]}).size(), 1u);  // the limit counts rows taken, not skipped
  }
  // The owner's turn: the rows in flight stay where they are; the others are evaluated and stored.
  {
    std::lock_guard lock(I.draining_mu);
    I.draining = {ids[0], ids[1]};
  }
  // Its drainer thread stopped, so that its own turns do not race this one.
  I.drain_stop = true;
  I.wake_drainer();
  if (I.drainer.joinable()) I.drainer.join();
  I.owner = true;
  auto turn = I.drain_once();
  ASSERT_TRUE(turn) << turn.error().message;
  EXPECT_EQ(*turn, 1u);
  for (int i = 0; i < 250 && count("SELECT COUNT(*) FROM monitoring_inbox") > 2; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(count("SELECT COUNT(*) FROM monitoring_inbox"), 2);
  I.owner = false;
  other->stop();
}

INSTANTIATE_TEST_SUITE_P(Backends, MonitoringService, ::testing::ValuesIn(eq::testing::backends()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace eq::monitoring
