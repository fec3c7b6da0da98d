// The registry's side of "one protective order" (issue 12) on SQLite and PostgreSQL, with the
// monitoring module replaced by a fake callback: who may resolve a record into the order the
// monitoring centre watches, what it leaves in her access log and the audit, and the monitored
// orders shown beside her (incidents only to those who may see them). The same rules over HTTP with
// the real monitoring module: tests/integration/protective_order.test.mjs.
#include <gtest/gtest.h>

#include "../support/databases.h"
#include "audit/log.h"
#include "cases/module.h"
#include "core/time.h"
#include "store/query.h"

namespace eq::cases {
namespace {

using Json = nlohmann::json;

class NoTerritory : public territory::Service {
 public:
  Result<std::optional<territory::Comuna>> comuna(const std::string&) override { return std::optional<territory::Comuna>(); }
  Result<std::optional<territory::Region>> region(const std::string&) override { return std::optional<territory::Region>(); }
  std::optional<std::string> locate(double, double) const override { return std::nullopt; }
  void preload() override {}
};

constexpr int64_t kCourtInst = 1, kCourtUser = 11;     // the institution that records the order
constexpr int64_t kCentreInst = 5, kCentreUser = 55;   // the monitoring centre
constexpr int64_t kOtherInst = 7, kOtherUser = 77;     // anyone else

http::Principal principal(int64_t user, int64_t inst, std::set<std::string> permissions = {}) {
  http::Principal p;
  p.user_id = user;
  p.institution_id = inst;
  p.permissions = std::move(permissions);
  return p;
}

class ProtectiveOrder : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    ASSERT_TRUE(crypto::init());
    auto all = audit::migrations();
    for (auto& m : migrations()) all.push_back(std::move(m));
    auto db = eq::testing::migrated_database(GetParam(), all);
    ASSERT_TRUE(db) << db.error().message;
    db_ = std::move(*db);
    log_ = std::make_unique<audit::Log>(*db_);
    keys_ = std::make_unique<crypto::Keys>(crypto::Keys::from_master(std::string(32, 'k')));
    Directory dir;
    dir.institution_names = [](const std::set<int64_t>& ids) {
      std::map<int64_t, std::string> out;
      for (auto i : ids) out[i] = "Institución " + std::to_string(i);
      return out;
    };
    dir.monitored_orders = [this](int64_t person_id) -> Result<std::vector<MonitoredOrder>> {
      asked_.push_back(person_id);
      MonitoredOrder o;
      o.order_id = 3;
      o.record_id = telematic_;
      o.role = person_id == victim_ ? "victim" : "aggressor";
      o.status = "vigente";
      o.starts_at = now_ms() - 86'400'000;
      o.incidents.push_back({9, now_ms() - 3'600'000, "proximity_breach", "critical", "cerrada", "falsa_alarma"});
      return std::vector<MonitoredOrder>{o};
    };
    svc_ = std::make_unique<Service>(*db_, *keys_, *log_, std::make_shared<NoTerritory>(), dir, nullptr);
    ASSERT_TRUE(svc_->load_index());
    telematic_ = order("vigilancia_telematica", {{"given_names", "Marta"}, {"surname1", "Rojas"}, {"birth_date", "03-04-1990"}});
    leaving_home_ = order("salida_hogar", {{"person_id", victim_}});
    auto contact = svc_->submit_as(kCourtUser, kCourtInst,
                                   {{"kind", "contact"}, {"occurred_at", iso8601_utc(now_ms() - 60'000)},
                                    {"persons", {{{"role", "victim"}, {"person_id", victim_}}}},
                                    {"details", {{"channel", "presencial"}}}});
    ASSERT_TRUE(contact) << contact.error().message;
    contact_ = (*contact)["id"].get<int64_t>();
  }

  // A protective order recorded by the court's institution; the victim as `victim` (identity or person_id).
  int64_t order(const std::string& type, Json victim) {
    Json persons = Json::array();
    persons.push_back(victim.contains("person_id") ? Json{{"role", "victim"}, {"person_id", victim["person_id"]}}
                                                   : Json{{"role", "victim"}, {"identity", victim}});
    persons.push_back(victim.contains("person_id") ? Json{{"role", "aggressor"}, {"person_id", aggressor_}}
                                                   : Json{{"role", "aggressor"},
                                                          {"identity", {{"given_names", "Pedro"}, {"surname1", "Lagos"}, {"birth_date", "1985"}}}});
    Json details = {{"court", "Juzgado de Familia de Pudahuel"}, {"order_type", type}, {"starts_on", format_date_cl(now_ms() - 86'400'000)}};
    if (type == "vigilancia_telematica") details["distance_m"] = 300;
    auto r = svc_->submit_as(kCourtUser, kCourtInst,
                             {{"kind", "protective_order"}, {"occurred_at", iso8601_utc(now_ms() - 120'000)}, {"persons", persons},
                              {"details", details}});
    EXPECT_TRUE(r) << r.error().message;
    if (!r) return 0;
    for (const auto& p : (*r)["linkage"]) {
      if (p["role"] == "victim") victim_ = p["person_id"].get<int64_t>();
      if (p["role"] == "aggressor") aggressor_ = p["person_id"].get<int64_t>();
    }
    return (*r)["id"].get<int64_t>();
  }

  long long count(const std::string& sql) {
    auto lease = db_->lease();
    return store::Query(sql).scalar(**lease).value_or(-1);
  }
  Result<Json> person_view(int64_t user, int64_t inst, std::set<std::string> permissions = {}) {
    http::Request req;
    req.principal = principal(user, inst, std::move(permissions));
    return svc_->person(req, victim_);
  }

  std::unique_ptr<store::Database> db_;
  std::unique_ptr<audit::Log> log_;
  std::unique_ptr<crypto::Keys> keys_;
  std::unique_ptr<Service> svc_;
  int64_t victim_ = 0, aggressor_ = 0, telematic_ = 0, leaving_home_ = 0, contact_ = 0;
  std::vector<int64_t> asked_;
};

TEST_P(ProtectiveOrder, MonitoringCentreResolvesATelematicOrderAndSheLearnsOfIt) {
  auto o = svc_->court_order_for_monitoring(telematic_, principal(kCentreUser, kCentreInst, {"monitoring.manage"}));
  ASSERT_TRUE(o) << o.error().message;
  EXPECT_EQ(o->record_id, telematic_);
  EXPECT_EQ(o->victim_person_id, victim_);
  EXPECT_EQ(o->victim_name, "Marta Rojas");
  EXPECT_EQ(o->aggressor_person_id, aggressor_);
  EXPECT_EQ(o->aggressor_name, "Pedro Lagos");
  EXPECT_EQ(o->court, "Juzgado de Familia de Pudahuel");
  EXPECT_EQ(o->order_type, "vigilancia_telematica");
  EXPECT_EQ(o->distance_m, std::optional<int64_t>(300));
  EXPECT_GT(o->starts_at, 0);
  EXPECT_FALSE(o->ends_at);
  // Her access log and the audit say who read it, and for what.
  EXPECT_EQ(count("SELECT COUNT(*) FROM cases_access_log WHERE action = 'monitoring' AND user_id = 55 AND person_id = " +
                  std::to_string(victim_)),
            1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action = 'case.court_order_read' AND outcome = 'ok' AND detail = 'monitoring' "
                  "AND object = 'case_record:" + std::to_string(telematic_) + "'"),
            1);
}

TEST_P(ProtectiveOrder, MonitoringCentreMayNotResolveAnotherKindOfOrderNorAnotherRecord) {
  const auto centre = principal(kCentreUser, kCentreInst, {"monitoring.manage"});
  for (int64_t id : {leaving_home_, contact_, int64_t{999999}}) {
    auto o = svc_->court_order_for_monitoring(id, centre);
    ASSERT_FALSE(o) << id;
    EXPECT_EQ(o.error().status, 404) << id;
  }
  // The refusals of existing records are committed as evidence; nothing lands on her access log.
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action = 'case.court_order_read' AND outcome = 'denied'"), 2);
  EXPECT_EQ(count("SELECT COUNT(*) FROM cases_access_log WHERE user_id = 55"), 0);
  // Nor read her file: the permission opens the order, not the person.
  auto view = person_view(kCentreUser, kCentreInst, {"monitoring.manage"});
  ASSERT_FALSE(view);
  EXPECT_EQ(view.error().status, 404);
}

TEST_P(ProtectiveOrder, WithoutThePermissionOnlyTheOrdinaryNeedToKnow) {
  auto other = svc_->court_order_for_monitoring(telematic_, principal(kOtherUser, kOtherInst));
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().status, 404);
  // The institution that recorded it may resolve its own orders, of any kind…
  auto own = svc_->court_order_for_monitoring(leaving_home_, principal(kCourtUser, kCourtInst));
  ASSERT_TRUE(own) << own.error().message;
  EXPECT_EQ(own->order_type, "salida_hogar");
  EXPECT_FALSE(own->distance_m);
  EXPECT_EQ(count("SELECT COUNT(*) FROM cases_access_log WHERE action = 'record:" + std::to_string(leaving_home_) + "'"), 2);
  // …and is told clearly when a record is not an order.
  auto not_order = svc_->court_order_for_monitoring(contact_, principal(kCourtUser, kCourtInst));
  ASSERT_FALSE(not_order);
  EXPECT_EQ(not_order.error().status, 422);
  EXPECT_EQ(not_order.error().field, "record_id");
  EXPECT_NE(not_order.error().message.find("Contacto"), std::string::npos);
}

TEST_P(ProtectiveOrder, PersonViewShowsHerMonitoredOrdersIncidentsOnlyWithinNeedToKnow) {
  auto view = person_view(kCourtUser, kCourtInst);
  ASSERT_TRUE(view) << view.error().message;
  ASSERT_EQ(asked_, std::vector<int64_t>{victim_});
  const auto& m = (*view)["monitoring"];
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0]["order_id"], 3);
  EXPECT_EQ(m[0]["record_id"], telematic_);
  EXPECT_EQ(m[0]["role"], "victim");
  EXPECT_EQ(m[0]["status"], "vigente");
  EXPECT_EQ(m[0]["starts_on"], format_date_cl(now_ms() - 86'400'000));
  ASSERT_EQ(m[0]["incidents"].size(), 1u);
  const auto& i = m[0]["incidents"][0];
  EXPECT_EQ(i["type"], "proximity_breach");
  EXPECT_EQ(i["outcome"], "falsa_alarma");
  for (const char* k : {"lat", "lon", "loc", "position"}) EXPECT_FALSE(i.contains(k)) << k;

  // Someone who found her by search sees the shared minimum: the order, not its incidents.
  const auto searched = principal(kOtherUser, kOtherInst);
  {
    auto lease = db_->lease();
    svc_->repository().log_access(**lease, {0, victim_, kOtherUser, kOtherInst, now_ms(), "search", false});
  }
  auto masked = person_view(kOtherUser, kOtherInst);
  ASSERT_TRUE(masked) << masked.error().message;
  ASSERT_EQ((*masked)["monitoring"].size(), 1u);
  EXPECT_FALSE((*masked)["monitoring"][0].contains("incidents"));
  // The control centre (alerts.handle) sees the incidents it handles.
  auto centre = person_view(kOtherUser, kOtherInst, {"alerts.handle"});
  ASSERT_TRUE(centre) << centre.error().message;
  EXPECT_TRUE((*centre)["monitoring"][0].contains("incidents"));
  // A viewer who may not open her is never shown them, and monitoring is not even asked.
  asked_.clear();
  auto refused = person_view(kCentreUser, kCentreInst);
  ASSERT_FALSE(refused);
  EXPECT_TRUE(asked_.empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, ProtectiveOrder, ::testing::ValuesIn(eq::testing::backends()));

}  // namespace
}  // namespace eq::cases
