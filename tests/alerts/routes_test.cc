// The alert API through the router: permissions, visibility (404), transitions (409), validation
// (422), and the audit of reads.
#include <gtest/gtest.h>

#include "../support/databases.h"
#include "alerts/module.h"
#include "histories.h"
#include "store/query.h"

namespace eq::alerts {
namespace {

using nlohmann::json;
using namespace eq::alerts::testing;

class OneWoman : public HistorySource {
 public:
  cases::History h{kWoman, "13101", {}};
  cases::History history(soci::session&, int64_t id) override { return id == kWoman ? h : cases::History{id, "", {}}; }
  std::vector<int64_t> person_ids(soci::session&) override { return {kWoman}; }
  std::vector<int64_t> institutions_serving(soci::session&, int64_t) override { return {1}; }
};

class AlertRoutes : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = store::Database::open({eq::testing::fresh_sqlite_url(), 2});
    ASSERT_TRUE(db);
    db_ = std::move(*db);
    auto all = audit::migrations();
    for (auto& m : migrations()) all.push_back(std::move(m));
    ASSERT_TRUE(store::apply_migrations(*db_, all, ""));
    log_ = std::make_unique<audit::Log>(*db_);
    svc_ = std::make_shared<Service>(*db_, *log_, source_);
    register_routes(router_, svc_);
    router_.set_hooks({[this](http::Request& r) -> Result<std::optional<http::Principal>> {
                         auto it = people_.find(r.header("authorization"));
                         if (it == people_.end()) return std::optional<http::Principal>();
                         return std::optional<http::Principal>(it->second);
                       },
                       [](const http::Request&, const std::string&) {}});
    auto person = [](int64_t user, int64_t inst, std::set<std::string> perms) {
      http::Principal p;
      p.user_id = user;
      p.institution_id = inst;
      p.token_id = user;  // API token: no CSRF header needed
      p.permissions = std::move(perms);
      return p;
    };
    people_["worker"] = person(11, 1, {"alerts.respond"});
    people_["stranger"] = person(33, 3, {"alerts.respond"});
    people_["admin"] = person(1, 7, {"alerts.configure"});

    // Recent, so live evaluation raises it (older conditions are left to the dry run).
    auto breach = record(2, "order_breach", now_ms() - kHour, 1, {{kWoman, "victim"}, {kMan, "aggressor"}});
    breach.details = {{"order_record_id", 1}};
    source_.h.records.push_back(breach);
    auto raised = db_->transaction<std::vector<Alert>>([&](soci::session& s) -> Result<std::vector<Alert>> {
      return svc_->on_record(s, breach, now_ms());
    });
    ASSERT_TRUE(raised);
    ASSERT_EQ(raised->size(), 1u);
    id_ = std::to_string((*raised)[0].id);
  }
  http::Response call(const std::string& who, const std::string& method, const std::string& path, const std::string& body = "",
                      std::map<std::string, std::string> query = {}) {
    http::Request r;
    r.method = method;
    r.path = path;
    r.target = path;
    r.query = std::move(query);
    r.headers = {{"authorization", who}};
    if (!body.empty()) r.headers["content-type"] = "application/json";
    r.body = body;
    r.client_ip = "127.0.0.1";
    return router_.dispatch(r);
  }
  int64_t count(const std::string& sql) {
    auto lease = db_->lease();
    return store::Query(sql).scalar(**lease).value_or(-1);
  }

  OneWoman source_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<audit::Log> log_;
  std::shared_ptr<Service> svc_;
  http::Router router_;
  std::map<std::string, http::Principal> people_;
  std::string id_;
};

TEST_F(AlertRoutes, InboxListsVisibleAlertsAndAuditsTheRead) {
  auto r = call("worker", "GET", "/api/v1/alerts");
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = json::parse(r.body);
  EXPECT_EQ(j["total"], 1);
  EXPECT_EQ(j["items"][0]["severity_name"], "crítica");
  EXPECT_EQ(j["items"][0]["state_name"], "nueva");
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action = 'alert.read' AND object = 'person:100' AND actor_user_id = 11"), 1);

  EXPECT_EQ(json::parse(call("stranger", "GET", "/api/v1/alerts").body)["total"], 0);
  EXPECT_EQ(call("worker", "GET", "/api/v1/alerts", "", {{"severity", "urgente"}}).status, 400);
  EXPECT_EQ(call("worker", "GET", "/api/v1/alerts", "", {{"escalated", "si"}}).status, 400);
  EXPECT_EQ(call("admin", "GET", "/api/v1/alerts").status, 403);  // configuring is not answering
}

TEST_F(AlertRoutes, DetailTakeAndCloseOnlyForVisibleAlerts) {
  EXPECT_EQ(call("stranger", "GET", "/api/v1/alerts/" + id_).status, 404);
  EXPECT_EQ(call("stranger", "POST", "/api/v1/alerts/" + id_ + "/take", "{}").status, 404);
  auto detail = call("worker", "GET", "/api/v1/alerts/" + id_);
  ASSERT_EQ(detail.status, 200);
  auto d = json::parse(detail.body);
  EXPECT_EQ(d["events"].size(), 1u);
  EXPECT_NE(d["explanation"].get<std::string>().find("Regla «Incumplimiento"), std::string::npos);

  auto close_new = call("worker", "POST", "/api/v1/alerts/" + id_ + "/close", R"({"outcome":"contacto_realizado","note":"x"})");
  EXPECT_EQ(close_new.status, 409);
  EXPECT_NE(json::parse(close_new.body)["error"]["message"].get<std::string>().find("tómela"), std::string::npos);
  EXPECT_EQ(call("worker", "POST", "/api/v1/alerts/" + id_ + "/take", R"({"note":"Voy"})").status, 200);
  EXPECT_EQ(call("worker", "POST", "/api/v1/alerts/" + id_ + "/take", "").status, 409);
  auto missing = call("worker", "POST", "/api/v1/alerts/" + id_ + "/close", R"({"outcome":"contacto_realizado"})");
  EXPECT_EQ(missing.status, 422);
  EXPECT_EQ(json::parse(missing.body)["error"]["field"], "note");
  auto closed = call("worker", "POST", "/api/v1/alerts/" + id_ + "/close",
                     R"({"outcome":"contacto_realizado","note":"Se acordó plan de seguridad"})");
  ASSERT_EQ(closed.status, 200) << closed.body;
  EXPECT_EQ(json::parse(closed.body)["state"], "cerrada");
  EXPECT_EQ(json::parse(closed.body)["events"].size(), 3u);
}

TEST_F(AlertRoutes, AdminsEditRulesAsNewVersions) {
  EXPECT_EQ(call("worker", "GET", "/api/v1/alerts/rules").status, 403);
  auto list = call("admin", "GET", "/api/v1/alerts/rules");
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(json::parse(list.body)["items"].size(), 10u);
  EXPECT_EQ(json::parse(list.body)["templates"].size(), 10u);

  auto put = call("admin", "PUT", "/api/v1/alerts/rules/2", R"({"params":{"min":4},"take_within_minutes":60})");
  ASSERT_EQ(put.status, 200) << put.body;
  auto j = json::parse(put.body);
  EXPECT_EQ(j["version"], 2);
  EXPECT_EQ(j["versions"].size(), 2u);
  auto bad = call("admin", "PUT", "/api/v1/alerts/rules/2", R"({"params":{"ventana":4}})");
  EXPECT_EQ(bad.status, 422);
  EXPECT_EQ(json::parse(bad.body)["error"]["field"], "params.ventana");
  EXPECT_EQ(call("admin", "PUT", "/api/v1/alerts/rules/77", R"({"enabled":false})").status, 404);
  auto one = call("admin", "GET", "/api/v1/alerts/rules/2");
  ASSERT_EQ(one.status, 200);
  EXPECT_EQ(json::parse(one.body)["versions"][1]["params"]["min"], 3);
}

TEST_F(AlertRoutes, DryRunReportsWithoutStoringAlerts) {
  const int64_t before = count("SELECT COUNT(*) FROM alerts");
  auto r = call("admin", "POST", "/api/v1/alerts/rules/dry-run", R"({"template":"order_breach","severity":"alta"})");
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = json::parse(r.body);
  EXPECT_EQ(j["total"], 1);
  EXPECT_EQ(j["examples"].size(), 1u);
  EXPECT_EQ(count("SELECT COUNT(*) FROM alerts"), before);
  auto bad = call("admin", "POST", "/api/v1/alerts/rules/dry-run", R"({"template":"order_breach","severity":"alta","x":1})");
  EXPECT_EQ(bad.status, 422);
  auto tpl = call("admin", "POST", "/api/v1/alerts/rules/dry-run", R"({"template":"magia","severity":"alta"})");
  EXPECT_EQ(json::parse(tpl.body)["error"]["field"], "template");
}

}  // namespace
}  // namespace eq::alerts
