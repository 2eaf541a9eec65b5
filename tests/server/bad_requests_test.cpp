// A table of bad requests: each gets a precise 4xx problem, and none of them appends anything.
#include <catch2/catch.hpp>

#include "tests/server/server_fixture.h"

using namespace taskledger::testing;
using nlohmann::json;

namespace {

struct Bad {
  const char* what;
  const char* method;
  std::string target;
  std::string content_type;
  std::string body;
  int status;
  const char* detail_has;  // a phrase the detail must contain
  const char* field;       // the field named in errors[], or nullptr
};

const std::string kTask = "/v1/tasks/hp-tieng-anh-2025:I.1";
const std::string kJson = "application/json";

}  // namespace

TEST_CASE("bad requests are refused precisely and append nothing", "[server][integration]") {
  ApiFixture f;
  const std::string big(1024 * 1024 + 10, 'a');
  const std::vector<Bad> table = {
      {"malformed JSON", "POST", kTask + "/comments", kJson, "{\"text\": \"a\",}", 400,
       "malformed JSON at byte", nullptr},
      {"not an object", "POST", kTask + "/comments", kJson, "[1]", 400, "JSON object", nullptr},
      {"wrong type", "POST", kTask + "/progress", kJson, R"({"percent": "năm mươi"})", 400,
       "percent must be an integer", "percent"},
      {"out of range", "POST", kTask + "/progress", kJson, R"({"percent": 140})", 422, "percent",
       "percent"},
      {"unknown field", "POST", kTask + "/comments", kJson, R"({"text": "a", "txet": "b"})", 400,
       "unknown field 'txet'", "txet"},
      {"missing field", "POST", kTask + "/comments", kJson, "{}", 400, "text is required", "text"},
      {"bad UTF-8", "POST", kTask + "/comments", kJson, "{\"text\": \"\xC3\x28\"}", 400, "UTF-8",
       nullptr},
      {"unknown deadline phrase", "POST", kTask + "/deadline", kJson,
       R"({"deadline": "khi nào xong", "reason": "thử"})", 422, "khi nào xong", "deadline"},
      {"bad date", "POST", kTask + "/extension-requests", kJson,
       R"({"due": "31/12/2026", "reason": "thiếu kinh phí"})", 400, "YYYY-MM-DD", "due"},
      {"bad status", "POST", kTask + "/status", kJson, R"({"status": "done"})", 400,
       "status must be", "status"},
      {"unknown task", "POST", "/v1/tasks/không-có/comments", kJson, R"({"text": "a"})", 404,
       "không-có", nullptr},
      {"unknown deliverable", "POST", kTask + "/deliverables/nope/review", kJson,
       R"({"decision": "accepted"})", 404, "nope", nullptr},
      {"oversize body", "POST", kTask + "/comments", kJson, big, 413, "1048586 bytes", nullptr},
      {"bad query date", "GET", "/v1/tasks?due_before=tomorrow", "", "", 400, "YYYY-MM-DD",
       "due_before"},
      {"bad limit", "GET", "/v1/tasks?limit=0", "", "", 400, "limit", "limit"},
      {"bad role filter", "GET", "/v1/tasks?role=owner", "", "", 400, "role", "role"},
      {"bad report format", "GET", "/v1/plans/hn-68-2025/report?format=pdf", "", "", 400, "format",
       "format"},
      {"unknown route", "GET", "/v1/nothing", "", "", 404, "/v1/nothing", nullptr},
      {"wrong method", "DELETE", kTask, "", "", 405, "DELETE", nullptr},
      {"plan without period", "POST", "/v1/plans", kJson, R"({"id": "p", "title": "t"})", 400,
       "period", "period"},
      {"duplicate plan", "POST", "/v1/plans", kJson,
       R"({"id": "hn-68-2025", "title": "t", "period": {"start": "2026-01-01", "end": "2026-12-31"}})",
       409, "hn-68-2025", nullptr},
      {"import with unknown agency", "POST", "/v1/plans/hn-68-2025/import", "text/csv",
       "TT,Nhiệm vụ,Cơ quan chủ trì,Thời gian hoàn thành\n1,Việc mới,Sở Không Tồn Tại,Năm 2026\n",
       422, "row 2", nullptr},
      {"import with a bad deadline", "POST", "/v1/plans/hn-68-2025/import", "text/csv",
       "TT,Nhiệm vụ,Cơ quan chủ trì,Thời gian hoàn thành\n1,Việc mới,Sở GD&ĐT,sớm nhất có thể\n",
       422, "sớm nhất có thể", nullptr},
  };

  const uint64_t head = f.HeadPosition();
  for (const Bad& b : table) {
    INFO(b.what);
    std::vector<std::pair<std::string, std::string>> headers = {
        {"Authorization", "Bearer " + f.coordinator}};
    if (!b.content_type.empty()) headers.emplace_back("Content-Type", b.content_type);
    const HttpResult r = HttpCall(f.server->port(), b.method, b.target, b.body, headers);
    INFO(r.body);
    CHECK(r.status == b.status);
    CHECK(r.header("content-type") == "application/problem+json");
    const json p = r.json();
    CHECK(p["status"] == b.status);
    CHECK(p["detail"].get<std::string>().find(b.detail_has) != std::string::npos);
    if (b.field) {
      REQUIRE(p.contains("errors"));
      CHECK(p["errors"][0]["field"] == b.field);
    }
  }
  CHECK(f.HeadPosition() == head);

  // An import's problems name their row and column.
  const HttpResult r = f.Post(f.coordinator, "/v1/plans/hn-68-2025/import",
                              "TT,Nhiệm vụ,Cơ quan chủ trì,Thời gian hoàn thành\n"
                              "1,Việc một,Sở GD&ĐT,Năm 2026\n"
                              "2,Việc hai,Sở GD&ĐT,khi rảnh\n",
                              {{"Content-Type", "text/csv"}});
  REQUIRE(r.status == 422);
  const json p = r.json();
  REQUIRE(p["errors"].size() == 1);
  CHECK(p["errors"][0]["row"] == 3);
  CHECK(p["errors"][0]["column"] == "Thời gian hoàn thành");
  CHECK(f.HeadPosition() == head);
}
