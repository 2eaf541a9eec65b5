// The OpenAPI document describes exactly the routes the server answers.
#include <catch2/catch.hpp>
#include <regex>
#include <set>

#include "server/api/api.h"
#include "tests/server/server_fixture.h"

using namespace taskledger;
using nlohmann::json;

TEST_CASE("every route is in the OpenAPI document, and every documented route exists",
          "[server][openapi]") {
  testing::TempDir dir;
  server::AppOptions o;
  o.data_dir = dir.Sub("data");
  auto app = server::App::Open(o);
  REQUIRE(app.ok());
  server::Api api(**app);
  const std::vector<std::string> routes = api.RouteNames();
  const std::set<std::string> served(routes.begin(), routes.end());

  const json doc = json::parse(server::OpenApiJson());
  CHECK(doc["openapi"] == "3.1.0");
  std::set<std::string> documented;
  for (const auto& [path, ops] : doc["paths"].items()) {
    const std::string pattern = std::regex_replace(path, std::regex(R"(\{[^}]+\})"), "{}");
    for (const auto& [method, op] : ops.items()) {
      std::string m = method;
      for (char& ch : m) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      documented.insert(m + " " + pattern);
      CHECK(op.contains("responses"));
    }
  }
  for (const std::string& r : served) {
    INFO(r);
    CHECK(documented.count(r) == 1);
  }
  for (const std::string& d : documented) {
    INFO(d);
    CHECK(served.count(d) == 1);
  }

  // Each route's query parameters, as its table in the router says (the router refuses others).
  auto taken = api.RouteQueries();
  for (const auto& [path, ops] : doc["paths"].items()) {
    const std::string pattern = std::regex_replace(path, std::regex(R"(\{[^}]+\})"), "{}");
    for (const auto& [method, op] : ops.items()) {
      std::string m = method;
      for (char& ch : m) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      std::set<std::string> in_doc;
      for (const json& p : op.value("parameters", json::array())) {
        if (p["in"] == "query") in_doc.insert(p["name"].get<std::string>());
      }
      const auto& list = taken[m + " " + pattern];
      const std::set<std::string> in_router(list.begin(), list.end());
      INFO(m << " " << pattern);
      CHECK(in_doc == in_router);
      // Every write may meet a full disk, and every body has a media type.
      if (m != "GET") CHECK(op["responses"].contains("503"));
      if (op.contains("requestBody")) CHECK(op["responses"].contains("415"));
    }
  }
}

TEST_CASE("the OpenAPI document is served without a token", "[server][integration][openapi]") {
  testing::ApiFixture f;
  const testing::HttpResult r = f.Get("", "/v1/openapi.json");
  REQUIRE(r.status == 200);
  CHECK(r.json()["info"]["title"] == "TaskLedger API");
}
