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
       "percent must be a whole number", "percent"},
      {"out of range", "POST", kTask + "/progress", kJson, R"({"percent": 140})", 400, "percent",
       "percent"},
      // Numbers no double holds, and integers that would wrap: 400s naming the field.
      {"number overflow in a text field", "POST", kTask + "/comments", kJson, R"({"text": 1e400})",
       400, "text is a number out of range", "text"},
      {"a 400-digit percent", "POST", kTask + "/progress", kJson,
       "{\"percent\": " + std::string(400, '9') + "}", 400, "percent", "percent"},
      {"a percent that wraps a 32-bit int", "POST", kTask + "/progress", kJson,
       R"({"percent": 4294967396})", 400, "percent", "percent"},
      {"an id of 1e999999", "POST", "/v1/agencies", kJson, R"({"id": 1e999999, "name": "x"})", 400,
       "id is a number out of range", "id"},
      {"an overflowing reminder hour", "POST", "/v1/webhooks", kJson,
       R"({"url": "https://example.org/h", "agency": "so-gddt-hp", "reminders": {"hour": -1e999}})",
       400, "reminders.hour", "reminders.hour"},
      // Lax input: refused, not guessed at.
      {"a command as text/plain", "POST", kTask + "/comments", "text/plain", R"({"text": "a"})",
       415, "text/plain", "Content-Type"},
      {"a command as XML", "POST", kTask + "/comments", "application/xml", "<text>a</text>", 415,
       "application/xml", "Content-Type"},
      {"a command without a content type", "POST", kTask + "/comments", "", R"({"text": "a"})", 415,
       "no Content-Type", "Content-Type"},
      {"JSON in another charset", "POST", kTask + "/comments", "application/json; charset=latin1",
       R"({"text": "a"})", 415, "latin1", "Content-Type"},
      {"a duplicate key", "POST", kTask + "/comments", kJson, R"({"text": "a", "text": "b"})", 400,
       "duplicate member 'text'", "text"},
      {"a nested duplicate key", "POST", "/v1/webhooks", kJson,
       R"({"url": "https://example.org/h", "reminders": {"hour": 7, "hour": 8}})", 400,
       "duplicate member 'hour'", "reminders.hour"},
      {"a trailing NUL", "POST", kTask + "/comments", kJson, std::string("{\"text\": \"a\"}\0", 14),
       400, "NUL byte at byte 13", nullptr},
      {"bytes after the value", "POST", kTask + "/comments", kJson,
       R"({"text": "a"} {"text": "b"})", 400, "malformed JSON", nullptr},
      {"a NUL inside a text", "POST", kTask + "/comments", kJson, R"({"text": "a\u0000b"})", 400,
       "control character", "text"},
      {"a NUL inside a name", "POST", "/v1/agencies", kJson,
       R"({"id": "x-y", "name": "Sở\u0000Giáo dục"})", 400, "control character", "name"},
      {"a control character in a list", "POST", kTask + "/assignment", kJson,
       R"({"lead": ["so-gddt-hp", "a\u0007"], "reason": "r"})", 400, "control character",
       "lead[1]"},
      {"a matrix as XML", "POST", "/v1/plans/hn-68-2025/import", "application/xml", "<x/>", 415,
       "text/csv", "Content-Type"},
      {"a deliverable as form-urlencoded", "POST", kTask + "/deliverables",
       "application/x-www-form-urlencoded", "name=x", 415, "multipart/form-data", "Content-Type"},
      // Query parameters: each a 400 that names it.
      {"a limit of 1e9", "GET", "/v1/events?limit=1e9", "", "", 400, "limit", "limit"},
      {"a limit of 100000", "GET", "/v1/events?limit=100000", "", "", 400, "1 to 1000", "limit"},
      {"a date as a log position", "GET", "/v1/events?after=2026-13-45", "", "", 400,
       "log position", "after"},
      {"an unknown status", "GET", "/v1/tasks?status=abc", "", "", 400, "status must be", "status"},
      {"overdue neither true nor false", "GET", "/v1/tasks?overdue=abc", "", "", 400,
       "true or false", "overdue"},
      {"an impossible date", "GET", "/v1/tasks?as_of=2026-02-30", "", "", 400, "YYYY-MM-DD",
       "as_of"},
      {"an unknown parameter", "GET", "/v1/tasks?as-of=2026-01-01", "", "", 400,
       "unknown query parameter 'as-of'", "as-of"},
      {"a parameter twice", "GET", "/v1/tasks?limit=5&limit=6", "", "", 400, "given twice",
       nullptr},
      {"a broken percent escape", "GET", "/v1/tasks?plan=%zz", "", "", 400, "two hex digits",
       nullptr},
      {"a NUL in the path", "GET", "/v1/tasks/a%00b", "", "", 400, "control characters", nullptr},
      {"a cursor that is not one", "GET", "/v1/tasks?cursor=-1", "", "", 400, "next_cursor",
       "cursor"},
      {"a stream from an unknown place", "GET", "/v1/events/stream?from=tail", "", "", 400,
       "from must be head", "from"},
      {"an export after a non-number", "GET", "/v1/audit/export?after=x", "", "", 400,
       "log position", "after"},
      {"a recovery since nonsense", "POST", "/v1/webhooks/wh_0/recover?since=yesterday", "", "",
       400, "since", "since"},
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

  // A deliverable id a client chose, shaped like a path: refused by the domain, nothing stored.
  const std::string boundary = "b0undary";
  const std::string form =
      "--" + boundary +
      "\r\nContent-Disposition: form-data; name=\"id\"\r\n\r\n"
      "../../../../etc/passwd\r\n--" +
      boundary +
      "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n"
      "Content-Type: text/plain\r\n\r\nhello\r\n--" +
      boundary + "--\r\n";
  const HttpResult up = f.Post(f.agency_hp, kTask + "/deliverables", form,
                               {{"Content-Type", "multipart/form-data; boundary=" + boundary}});
  INFO(up.body);
  CHECK(up.status == 422);
  CHECK(up.json()["errors"][0]["field"] == "deliverable.id");
  CHECK(f.HeadPosition() == head);

  // Framing HTTP/1.1 tells a server to refuse.
  const auto raw = [&](const std::string& extra) {
    return RawHttp(f.server->port(), "POST " + kTask +
                                         "/comments HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                         "Authorization: Bearer " +
                                         f.coordinator +
                                         "\r\n"
                                         "Content-Type: application/json\r\n" +
                                         extra);
  };
  const std::string body = R"({"text": "a"})";
  const HttpResult two_hosts = raw(
      "Host: evil.example\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
  CHECK(two_hosts.status == 400);
  CHECK(two_hosts.body.find("Host") != std::string::npos);
  const HttpResult gzip_chunked =
      raw("Transfer-Encoding: gzip, chunked\r\n\r\nd\r\n" + body + "\r\n0\r\n\r\n");
  CHECK(gzip_chunked.status == 501);
  const HttpResult both = raw("Transfer-Encoding: chunked\r\nContent-Length: 13\r\n\r\n" + body);
  CHECK(both.status == 400);
  const HttpResult no_host = RawHttp(f.server->port(), "GET /healthz HTTP/1.1\r\n\r\n");
  CHECK(no_host.status == 400);
  // Plain chunked is HTTP/1.1 and fine.
  const HttpResult chunked =
      raw("Transfer-Encoding: chunked\r\n\r\nd\r\n" + body + "\r\n0\r\n\r\n");
  CHECK(chunked.status == 201);
  CHECK(f.HeadPosition() == head + 1);
  const uint64_t after_chunked = f.HeadPosition();

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
  CHECK(f.HeadPosition() == after_chunked);
}
