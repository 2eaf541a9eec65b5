// Facts that took effect before they were recorded: a completion recorded late counts from the
// day it took effect in the report "as now known", not in the report "as recorded then"; the
// history shows both dates.
#include <catch2/catch.hpp>

#include "tests/server/server_fixture.h"

using namespace taskledger::testing;
using nlohmann::json;

namespace {

// The category of task `code`'s only line in a report.
std::string CategoryOf(const json& report, const std::string& task) {
  for (const json& line : report["lines"]) {
    if (line["task"] == task) return line["category"];
  }
  return "absent";
}

}  // namespace

TEST_CASE("a completion recorded late counts from the day it took effect, 'as now known'",
          "[server][integration][effective]") {
  ApiFixture f("2026-01-05");
  const std::string id = "hp-tieng-anh-2025:I.1";  // due 2026-12-31, led by so-gddt-hp
  const std::string task = "/v1/tasks/" + id;
  f.Restart("2026-03-10");
  // Refused: in the future, without a reason, by an agency. Nothing is written.
  const uint64_t head = f.HeadPosition();
  HttpResult future = f.PostJson(f.coordinator, task + "/completion",
                                 {{"completed_on", "2026-03-11"}, {"reason", "x"}});
  CHECK(future.status == 422);
  CHECK(future.json()["code"] == "effective-in-future");
  HttpResult no_reason = f.PostJson(f.coordinator, task + "/completion",
                                    {{"completed_on", "2026-02-01"}, {"reason", ""}});
  CHECK(no_reason.status == 422);
  CHECK(no_reason.json()["code"] == "reason-required-effective");
  CHECK(f.PostJson(f.agency_hp, task + "/completion",
                   {{"completed_on", "2026-02-01"}, {"reason", "đã xong"}})
            .status == 403);
  CHECK(f.HeadPosition() == head);

  // Recorded on 10 March: completed on 1 February, on paper.
  REQUIRE(f.PostJson(f.coordinator, task + "/completion",
                     {{"completed_on", "2026-02-01"},
                      {"reason", "Hoàn thành trước khi kế hoạch được theo dõi trên hệ thống"}})
              .status == 201);
  const std::string base = "/v1/plans/hp-tieng-anh-2025/report?as_of=";
  // As recorded by 15 February: not completed yet. As now known: completed, on time.
  const json then = f.Get(f.coordinator, base + "2026-02-15").json();
  CHECK(then["known"] == "then");
  CHECK(CategoryOf(then, id) == "in_progress_within_deadline");
  const json now = f.Get(f.coordinator, base + "2026-02-15&known=now").json();
  CHECK(now["known"] == "now");
  CHECK(CategoryOf(now, id) == "completed_on_time");
  // Before the day it took effect, it was still open, as now known too.
  CHECK(CategoryOf(f.Get(f.coordinator, base + "2026-01-20&known=now").json(), id) ==
        "in_progress_within_deadline");
  // Today's report counts it.
  CHECK(CategoryOf(f.Get(f.coordinator, "/v1/plans/hp-tieng-anh-2025/report").json(), id) ==
        "completed_on_time");

  // The history shows both dates.
  const json history = f.Get(f.auditor, task + "/history").json();
  const json& last = history["events"].back();
  CHECK(last["type"] == "task.completion_recorded");
  CHECK(last["effective_on"] == "2026-02-01");
  CHECK(last["recorded_on"] == "2026-03-10");
  CHECK(last["data"]["reason"] == "Hoàn thành trước khi kế hoạch được theo dõi trên hệ thống");
  // A second record of the same occurrence is refused: it is completed.
  CHECK(f.PostJson(f.coordinator, task + "/completion",
                   {{"occurrence", "1"}, {"completed_on", "2026-02-02"}, {"reason", "lần hai"}})
            .status == 409);
}

TEST_CASE("an acceptance may take effect on a past day, judged on time or late by that day",
          "[server][integration][effective]") {
  ApiFixture f("2026-01-05");
  const std::string id = "hp-tieng-anh-2025:I.1";
  const std::string task = "/v1/tasks/" + id;
  REQUIRE(f.PostJson(f.agency_hp, task + "/deliverables", {{"id", "d1"}, {"name", "Kế hoạch.pdf"}})
              .status == 201);
  // Reviewed in 2027, after the due date (2026-12-31), but it was accepted in December on paper.
  f.Restart("2027-01-20");
  HttpResult returned = f.PostJson(f.coordinator, task + "/deliverables/d1/review",
                                   {{"decision", "returned"},
                                    {"comment", "x"},
                                    {"effective_on", "2026-12-20"},
                                    {"reason", "y"}});
  CHECK(returned.status == 422);
  REQUIRE(f.PostJson(f.coordinator, task + "/deliverables/d1/review",
                     {{"decision", "accepted"},
                      {"effective_on", "2026-12-20"},
                      {"reason", "Đã duyệt bằng văn bản số 12/SGDĐT ngày 20/12/2026"}})
              .status == 201);
  const json report = f.Get(f.coordinator, "/v1/plans/hp-tieng-anh-2025/report").json();
  CHECK(CategoryOf(report, id) == "completed_on_time");
  const json t = f.Get(f.coordinator, task).json();
  CHECK(t["occurrences"][0]["completed_on"] == "2026-12-20");
}
