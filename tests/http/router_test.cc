#include "http/router.h"

#include <gtest/gtest.h>

namespace eq::http {
namespace {

Handler ok_handler() {
  return [](Request& r) -> Result<Response> { return Response::json({{"id", r.params["id"]}}); };
}

class RouterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router.add({"GET", "/api/v1/things/{id}", "things.read", "una cosa", "test", ok_handler()});
    router.add({"POST", "/api/v1/things", "things.write", "crear", "test", ok_handler()});
    router.add({"GET", "/api/v1/open", kPublic, "público", "test", ok_handler()});
    router.add({"GET", "/api/v1/wrong-type", kPublic, "tipo", "test", [](Request&) -> Result<Response> {
                  Json body = {{"name", 42}};
                  return Response::json({{"name", body["name"].get<std::string>()}});
                }});
    router.add({"GET", "/api/v1/boom", kPublic, "falla", "test", [](Request&) -> Result<Response> { throw std::runtime_error("secret detail"); }});
    router.set_hooks({[this](Request& r) -> Result<std::optional<Principal>> {
                        if (r.header("authorization") == "alice") return std::optional<Principal>(alice);
                        return std::optional<Principal>();
                      },
                      [this](const Request&, const std::string& outcome) { denials.push_back(outcome); }});
    alice.user_id = 1;
    alice.session_id = 9;
    alice.csrf_token = "csrf-123";
    alice.permissions = {"things.read"};
  }
  Response call(std::string method, std::string path, std::map<std::string, std::string> headers = {}) {
    Request r;
    r.method = std::move(method);
    r.path = std::move(path);
    r.headers = std::move(headers);
    r.client_ip = "127.0.0.1";
    return router.dispatch(r);
  }
  Router router;
  Principal alice;
  std::vector<std::string> denials;
};

TEST_F(RouterTest, RouteWithoutPermissionIsRefusedAtRegistration) {
  EXPECT_THROW(router.add({"GET", "/api/v1/x", "", "", "test", ok_handler()}), std::logic_error);
  EXPECT_THROW(router.add({"GET", "/api/v1/open", kPublic, "", "test", ok_handler()}), std::logic_error);
}

TEST_F(RouterTest, AnonymousGets401AndIsAudited) {
  auto r = call("GET", "/api/v1/things/5");
  EXPECT_EQ(r.status, 401);
  EXPECT_NE(r.body.find("\"unauthenticated\""), std::string::npos);
  ASSERT_EQ(denials.size(), 1u);
  EXPECT_EQ(denials[0], "unauthenticated");
}

TEST_F(RouterTest, MissingPermissionGets403) {
  auto r = call("POST", "/api/v1/things", {{"authorization", "alice"}, {"x-csrf-token", "csrf-123"}});
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(denials.back(), "denied");
}

TEST_F(RouterTest, PermissionGrantsAndPathParamsArrive) {
  auto r = call("GET", "/api/v1/things/5", {{"authorization", "alice"}});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"id":"5"})");
}

TEST_F(RouterTest, StateChangeWithSessionNeedsMatchingCsrfToken) {
  alice.permissions.insert("things.write");
  EXPECT_EQ(call("POST", "/api/v1/things", {{"authorization", "alice"}}).status, 403);
  EXPECT_EQ(call("POST", "/api/v1/things", {{"authorization", "alice"}, {"x-csrf-token", "wrong-12"}}).status, 403);
  EXPECT_EQ(denials.back(), "csrf");
  EXPECT_EQ(call("POST", "/api/v1/things", {{"authorization", "alice"}, {"x-csrf-token", "csrf-123"}}).status, 200);
  // Machine tokens carry no cookie a browser could replay, so they need no CSRF token.
  alice.session_id = 0;
  alice.token_id = 4;
  EXPECT_EQ(call("POST", "/api/v1/things", {{"authorization", "alice"}}).status, 200);
}

TEST_F(RouterTest, MachineTokensCannotUsePersonalRoutes) {
  router.add({"POST", "/api/v1/me/logout-all", kAuthenticated, "personal", "test", ok_handler()});
  alice.session_id = 0;
  alice.token_id = 4;
  EXPECT_EQ(call("POST", "/api/v1/me/logout-all", {{"authorization", "alice"}}).status, 403);
  alice.session_id = 9;
  alice.token_id = 0;
  EXPECT_EQ(call("POST", "/api/v1/me/logout-all", {{"authorization", "alice"}, {"x-csrf-token", "csrf-123"}}).status, 200);
}

TEST_F(RouterTest, UnknownPathIs404AndWrongMethodIs405) {
  EXPECT_EQ(call("GET", "/api/v1/nothing").status, 404);
  auto r = call("DELETE", "/api/v1/open");
  EXPECT_EQ(r.status, 405);
  ASSERT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(r.headers[0].second, "GET");
}

TEST_F(RouterTest, HandlerExceptionIs500WithoutInternals) {
  auto r = call("GET", "/api/v1/boom");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body.find("secret detail"), std::string::npos);
  EXPECT_NE(r.body.find("\"internal\""), std::string::npos);
}

TEST_F(RouterTest, JsonTypeErrorInHandlerIs422InSpanish) {
  auto r = call("GET", "/api/v1/wrong-type");
  EXPECT_EQ(r.status, 422);
  EXPECT_NE(r.body.find("invalid_type"), std::string::npos);
  EXPECT_NE(r.body.find("tipo de dato"), std::string::npos);
  EXPECT_EQ(r.body.find("type must be"), std::string::npos) << "no library text leaks";
}

TEST_F(RouterTest, OpenApiListsEveryRouteWithItsPermission) {
  Json doc = router.openapi();
  EXPECT_EQ(doc["openapi"], "3.0.3");
  size_t operations = 0;
  for (auto& [path, ops] : doc["paths"].items())
    for (auto& [method, op] : ops.items()) {
      ++operations;
      EXPECT_TRUE(op.contains("x-permission")) << method << " " << path;
    }
  EXPECT_EQ(operations, router.routes().size());
  EXPECT_EQ(doc["paths"]["/api/v1/things/{id}"]["get"]["x-permission"], "things.read");
  EXPECT_EQ(doc["paths"]["/api/v1/things/{id}"]["get"]["parameters"][0]["name"], "id");
}

TEST(RateLimiter, AllowsBurstThenRefuses) {
  RateLimiter limiter(3, 1);
  EXPECT_TRUE(limiter.allow("a"));
  EXPECT_TRUE(limiter.allow("a"));
  EXPECT_TRUE(limiter.allow("a"));
  EXPECT_FALSE(limiter.allow("a"));
  EXPECT_TRUE(limiter.allow("b")) << "buckets are per client";
}

}  // namespace
}  // namespace eq::http
