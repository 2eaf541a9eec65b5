// The log leaving the server: Server-Sent Events that resume, JSON Lines exports an auditor can
// verify offline, and the rate limit on a token.
#include <catch2/catch.hpp>
#include <fstream>
#include <thread>

#include "tests/server/server_fixture.h"

using namespace taskledger::testing;
using nlohmann::json;

namespace {

const std::string kComments = "/v1/tasks/hp-tieng-anh-2025:I.1/comments";

std::vector<std::pair<std::string, std::string>> Auth(const std::string& token) {
  return {{"Authorization", "Bearer " + token}};
}

}  // namespace

TEST_CASE("the event stream catches up from Last-Event-ID, then goes live, and resumes",
          "[server][integration][sse]") {
  ApiFixture f;
  const uint64_t head = f.HeadPosition();
  uint64_t last = 0;
  {
    auto h = Auth(f.auditor);
    h.emplace_back("Last-Event-ID", std::to_string(head - 2));
    SseClient sse(f.server->port(), "/v1/events/stream", h);
    REQUIRE(sse.status() == 200);
    CHECK(sse.head().find("text/event-stream") != std::string::npos);
    // Catch-up: exactly the two last events, in order.
    for (uint64_t want : {head - 1, head}) {
      auto e = sse.Next();
      REQUIRE(e);
      CHECK(e->id == std::to_string(want));
      CHECK(json::parse(e->data)["position"] == want);
    }
    // Live: a comment made now arrives with its type, actor and Vietnamese text intact.
    REQUIRE(f.PostJson(f.agency_hp, kComments, {{"text", "Đã nộp báo cáo quý"}}).status == 201);
    auto e = sse.Next();
    REQUIRE(e);
    CHECK(e->id == std::to_string(head + 1));
    CHECK(e->type == "task.commented");
    const json data = json::parse(e->data);
    CHECK(data["data"]["text"] == "Đã nộp báo cáo quý");
    CHECK(data["actor"].get<std::string>().find("so-gddt-hp") != std::string::npos);
    last = head + 1;
  }  // the client goes away
  // Two more while it is disconnected; it resumes after the last it saw: no gap, no repeat.
  REQUIRE(f.PostJson(f.agency_hp, kComments, {{"text", "một"}}).status == 201);
  REQUIRE(f.PostJson(f.agency_hp, kComments, {{"text", "hai"}}).status == 201);
  auto h = Auth(f.coordinator);
  h.emplace_back("Last-Event-ID", std::to_string(last));
  SseClient sse(f.server->port(), "/v1/events/stream", h);
  for (const char* text : {"một", "hai"}) {
    auto e = sse.Next();
    REQUIRE(e);
    CHECK(e->id == std::to_string(++last));
    CHECK(json::parse(e->data)["data"]["text"] == text);
  }
  CHECK_FALSE(sse.Next(300));

  // A stream stays open across a graceful stop only until the stop: the server exits 0.
  CHECK(f.server->Stop() == 0);
}

TEST_CASE("an agency's event stream holds only what it may see", "[server][integration][sse]") {
  ApiFixture f;
  SseClient sse(f.server->port(), "/v1/events/stream?after=0", Auth(f.agency_bk));
  REQUIRE(sse.status() == 200);
  int tasks = 0;
  while (auto e = sse.Next(500)) {
    const json j = json::parse(e->data);
    const std::string stream = j["stream"];
    CHECK(stream.rfind("token-", 0) != 0);
    if (stream.rfind("task-", 0) == 0) {
      ++tasks;
      CHECK(j["data"]["plan"] == "bk-ngoai-ngu-2018");
    }
  }
  CHECK(tasks > 10);

  SseClient bad(f.server->port(), "/v1/events/stream",
                {{"Authorization", "Bearer " + f.auditor}, {"Last-Event-ID", "abc"}});
  CHECK(bad.status() == 400);
  SseClient none(f.server->port(), "/v1/events/stream", {});
  CHECK(none.status() == 401);
}

TEST_CASE(
    "streams beyond --max-event-streams are refused with Retry-After, and a freed one is reused",
    "[server][integration][sse]") {
  ApiFixture f("2026-03-02", {"--max-event-streams", "2"});
  auto a = std::make_unique<SseClient>(f.server->port(), "/v1/events/stream?from=head",
                                       Auth(f.agency_bk));
  SseClient b(f.server->port(), "/v1/events/stream?from=head", Auth(f.agency_hp));
  REQUIRE(a->status() == 200);
  REQUIRE(b.status() == 200);
  SseClient c(f.server->port(), "/v1/events/stream?from=head", Auth(f.coordinator));
  CHECK(c.status() == 503);
  CHECK(c.head().find("Retry-After: 5") != std::string::npos);
  // Both open streams still get what happens.
  REQUIRE(
      f.PostJson(f.agency_hp, "/v1/tasks/hp-tieng-anh-2025:I.1/comments", {{"text", "x"}}).status ==
      201);
  auto e = b.Next();
  REQUIRE(e);
  CHECK(e->type == "task.commented");
  // A closed stream frees its place (the feed notices within a round).
  a.reset();
  int status = 0;
  for (int i = 0; i < 50 && status != 200; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    SseClient d(f.server->port(), "/v1/events/stream?from=head", Auth(f.coordinator));
    status = d.status();
  }
  CHECK(status == 200);
}

TEST_CASE("the exported log verifies offline, and a changed byte is found",
          "[server][integration][audit]") {
  ApiFixture f;
  REQUIRE(f.PostJson(f.agency_hp, kComments, {{"text", "Kiểm tra chuỗi băm"}}).status == 201);
  const uint64_t head = f.HeadPosition();
  const HttpResult r = f.Get(f.auditor, "/v1/audit/export");
  REQUIRE(r.status == 200);
  CHECK(r.header("content-type").rfind("application/x-ndjson", 0) == 0);
  const std::string path = f.dir.Sub("log.jsonl");
  std::ofstream(path, std::ios::binary) << r.body;

  ToolRun ok = RunTool({"verify", "--file", path});
  INFO(ok.out);
  CHECK(ok.exit_code == 0);
  CHECK(ok.out.rfind("ok: " + std::to_string(head) + " events checked", 0) == 0);
  CHECK(ok.out.find(f.Get(f.auditor, "/v1/audit/head").json()["hash"].get<std::string>()) !=
        std::string::npos);

  // One letter of one comment changed: the chain breaks there.
  std::string tampered = r.body;
  const size_t at = tampered.find("Kiểm tra chuỗi băm");
  REQUIRE(at != std::string::npos);
  tampered[at] = 'k';
  std::ofstream(path, std::ios::binary | std::ios::trunc) << tampered;
  ToolRun bad = RunTool({"verify", "--file", path});
  INFO(bad.out);
  CHECK(bad.exit_code == 1);
  CHECK(bad.out.find("position " + std::to_string(head)) != std::string::npos);

  // Cut short: the trailer is missing.
  std::ofstream(path, std::ios::binary | std::ios::trunc) << r.body.substr(0, r.body.size() / 2);
  CHECK(RunTool({"verify", "--file", path}).exit_code == 1);

  // Agencies do not export.
  CHECK(f.Get(f.agency_hp, "/v1/audit/export").status == 403);
}

TEST_CASE("a token over its request rate gets 429 with Retry-After",
          "[server][integration][security]") {
  ApiFixture f("2026-03-02", {"--rate-limit", "0.5", "--rate-burst", "3"});
  for (int i = 0; i < 3; ++i) CHECK(f.Get(f.agency_hp, "/v1/agencies").status == 200);
  const HttpResult r = f.Get(f.agency_hp, "/v1/agencies");
  REQUIRE(r.status == 429);
  CHECK(r.header("retry-after") == "2");
  CHECK(r.json()["type"] == "https://taskledger.dev/problems/rate-limited");
  // Other tokens have their own allowance; health is not limited.
  CHECK(f.Get(f.agency_bk, "/v1/agencies").status == 200);
  for (int i = 0; i < 5; ++i) CHECK(f.Get("", "/healthz").status == 200);
}
