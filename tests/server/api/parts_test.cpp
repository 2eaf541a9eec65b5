// A task given to a group, tracked school by school through the server: each school's own
// progress, deliverables and review, never shown as another's; the coordinator's list of parts
// with its filters, its export and the reminder to the late ones; the report's counts of parts in
// every format; the rule that judges the task done.
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <thread>

#include "tests/server/server_fixture.h"
#include "tests/server/webhook_receiver.h"

using namespace taskledger::testing;
using nlohmann::json;

namespace {

// Two of the demo's Hải Phòng schools, in a group of their own (the tests' counts do not depend
// on how many schools the demo's own groups hold).
constexpr const char* kTranPhu = "thpt-tran-phu-hp";
constexpr const char* kNgoQuyen = "thpt-ngo-quyen-hp";
constexpr const char* kTask = "nhom-hp:1";

// A plan of Hải Phòng's with one task the group leads, due 10/03/2026, and a token for each
// school.
struct GroupFixture {
  ApiFixture f;
  std::string tran_phu, ngo_quyen;

  explicit GroupFixture(std::vector<std::string> extra = {}) : f("2026-03-02", std::move(extra)) {
    REQUIRE(f.PostJson(f.coordinator, "/v1/agencies",
                       {{"id", "nhom-thu-hp"},
                        {"name", "Các trường thử nghiệm"},
                        {"kind", "group"},
                        {"parent", "so-gddt-hp"},
                        {"members", {kTranPhu, kNgoQuyen}}})
                .status == 201);
    REQUIRE(f.PostJson(f.coordinator, "/v1/plans",
                       {{"id", "nhom-hp"},
                        {"title", "Kế hoạch thử các trường"},
                        {"number", "12/KH-SGDĐT"},
                        {"authority", "so-gddt-hp"},
                        {"period", {{"start", "2026-01-01"}, {"end", "2026-12-31"}}}})
                .status == 201);
    const std::string csv =
        "TT,Nhiệm vụ,Cơ quan chủ trì,Cơ quan phối hợp,Kết quả/Sản phẩm,Thời gian hoàn thành\n"
        "1,Tổ chức chuyên đề dạy học tiếng Anh,Các trường thử nghiệm,,Báo cáo chuyên "
        "đề,10/03/2026\n";
    REQUIRE(f.Post(f.coordinator, "/v1/plans/nhom-hp/import", csv, {{"Content-Type", "text/csv"}})
                .status == 201);
    tran_phu = Token(kTranPhu);
    ngo_quyen = Token(kNgoQuyen);
  }

  std::string Token(const std::string& agency) {
    HttpResult r = f.PostJson(f.coordinator, "/v1/tokens",
                              {{"role", "agency"}, {"agency", agency}, {"name", "Văn thư"}});
    REQUIRE(r.status == 201);
    return r.json()["token"];
  }

  // The task as `token`'s list shows it.
  json Listed(const std::string& token, const std::string& agency) {
    const json page = f.Get(token, "/v1/agencies/" + agency + "/tasks?plan=nhom-hp").json();
    for (const json& item : page["items"]) {
      if (item["id"] == kTask) return item;
    }
    return nullptr;
  }

  const json* Line(const json& report) {
    for (const json& line : report["lines"]) {
      if (line["task"] == kTask) return &line;
    }
    return nullptr;
  }
};

std::string Multipart(const std::string& name, const std::string& content) {
  return "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + name +
         "\"\r\nContent-Type: application/pdf\r\n\r\n" + content + "\r\n--XyZ--\r\n";
}

}  // namespace

TEST_CASE(
    "two schools of one group: what one reports, submits or is granted never shows as the "
    "other's",
    "[server][integration][parts]") {
  GroupFixture g;
  ApiFixture& f = g.f;
  const std::string task = std::string("/v1/tasks/") + kTask;

  REQUIRE(f.PostJson(g.tran_phu, task + "/progress",
                     {{"percent", 30}, {"narrative", "Đã tổ chức 2 tiết dạy mẫu"}})
              .status == 201);
  HttpResult up =
      f.Post(g.tran_phu, task + "/deliverables", Multipart("Báo cáo Trần Phú.pdf", "%PDF-1"),
             {{"Content-Type", "multipart/form-data; boundary=XyZ"}});
  REQUIRE(up.status == 201);
  // The answer is Trần Phú's view: its own part.
  CHECK(up.json()["task"]["status"] == "submitted");
  CHECK(up.json()["task"]["as_part"] == true);
  const std::string deliverable =
      up.json()["task"]["occurrences"][0]["part"]["deliverables"][0]["id"];

  // Ngô Quyền's card, list and task: nothing submitted, 0%, none of Trần Phú's words or files.
  const json b = g.Listed(g.ngo_quyen, kNgoQuyen);
  REQUIRE(b.is_object());
  CHECK(b["status"] == "not_started");
  CHECK(b["percent"] == 0);
  CHECK_FALSE(b.contains("last_progress"));
  CHECK_FALSE(b.contains("deliverables_awaiting_review"));
  const json a = g.Listed(g.tran_phu, kTranPhu);
  CHECK(a["status"] == "submitted");
  CHECK(a["percent"] == 30);
  CHECK(a["via"] == "nhom-thu-hp");
  HttpResult seen = f.Get(g.ngo_quyen, task);
  REQUIRE(seen.status == 200);
  CHECK(seen.body.find("Trần Phú") == std::string::npos);
  CHECK(seen.body.find("2 tiết dạy mẫu") == std::string::npos);
  CHECK(seen.json()["occurrences"][0]["part"]["status"] == "not_started");
  CHECK_FALSE(seen.json()["occurrences"][0].contains("parts"));
  CHECK(f.Get(g.ngo_quyen, task + "/deliverables/" + deliverable + "/file").status == 404);
  CHECK(f.Get(g.tran_phu, task + "/deliverables/" + deliverable + "/file").body == "%PDF-1");
  const json history = f.Get(g.ngo_quyen, task + "/history").json();
  for (const json& e : history["events"]) CHECK(e["type"] == "task.created");
  // Neither acts on the other's part.
  CHECK(f.PostJson(g.ngo_quyen, task + "/progress", {{"percent", 50}, {"part", kTranPhu}}).status ==
        403);

  // The coordinator's list of parts: both, Trần Phú's awaiting review.
  json parts = f.Get(f.coordinator, task + "/parts").json();
  CHECK(parts["total"] == 2);
  CHECK(parts["summary"]["counted"] == 2);
  CHECK(parts["summary"]["awaiting_review"] == 1);
  CHECK(parts["rule"]["kind"] == "all_parts");
  CHECK(parts["rule"]["chosen"] == false);
  parts = f.Get(f.coordinator, task + "/parts?state=awaiting_review").json();
  REQUIRE(parts["items"].size() == 1);
  CHECK(parts["items"][0]["member"] == kTranPhu);
  CHECK(parts["items"][0]["name"] == "Trường THPT chuyên Trần Phú");
  CHECK(f.Get(g.tran_phu, task + "/parts").status == 403);
  CHECK(f.Get(f.auditor, task + "/parts?state=late").status == 200);
  CHECK(f.Get(f.coordinator, task + "/parts?state=nope").status == 400);

  // Accepted without naming the part: the server finds whose deliverable it is.
  REQUIRE(f.PostJson(f.coordinator, task + "/deliverables/" + deliverable + "/review",
                     {{"decision", "accepted"}, {"comment", "Đạt"}})
              .status == 201);
  CHECK(g.Listed(g.tran_phu, kTranPhu).is_null());  // done: off its list
  CHECK(g.Listed(g.ngo_quyen, kNgoQuyen)["status"] == "not_started");

  // Ngô Quyền asks for more time; granted to it alone.
  HttpResult asked = f.PostJson(g.ngo_quyen, task + "/extension-requests",
                                {{"due", "2026-03-25"}, {"reason", "Giáo viên đi tập huấn"}});
  REQUIRE(asked.status == 201);
  const std::string request =
      asked.json()["task"]["occurrences"][0]["part"]["extension_requests"][0]["id"];
  REQUIRE(f.PostJson(f.coordinator, task + "/extension-requests/" + request + "/decision",
                     {{"decision", "granted"}, {"comment", "Đồng ý"}})
              .status == 201);
  CHECK(g.Listed(g.ngo_quyen, kNgoQuyen)["next_due"] == "2026-03-25");
  const json whole = f.Get(f.coordinator, task).json();
  CHECK(whole["occurrences"][0]["due"] == "2026-03-10");  // the task's own date stands
  CHECK(whole["occurrences"][0]["parts"]["done"] == 1);
}

TEST_CASE("the report counts each school's part: one done, one late, in every format",
          "[server][integration][parts][report]") {
  GroupFixture g;
  ApiFixture& f = g.f;
  const std::string task = std::string("/v1/tasks/") + kTask;
  REQUIRE(
      f.PostJson(f.coordinator, task + "/completion",
                 {{"completed_on", "2026-03-02"}, {"reason", "Nộp bản giấy"}, {"part", kTranPhu}})
          .status == 201);
  f.Restart("2026-03-20");  // past the due date: Ngô Quyền is late

  const json report = f.Get(f.coordinator, "/v1/plans/nhom-hp/report").json();
  const json* line = g.Line(report);
  REQUIRE(line);
  CHECK((*line)["category"] == "overdue");  // all parts: not yet
  CHECK((*line)["parts"]["counted"] == 2);
  CHECK((*line)["parts"]["done"] == 1);
  CHECK((*line)["parts"]["categories"]["overdue"] == 1);
  CHECK(report["parts"]["totals"]["completed_on_time"] == 1);
  CHECK(report["parts"]["by_lead"]["nhom-thu-hp"]["overdue"] == 1);
  // CSV: the parts columns; the printed page and the Word file: "1/2 đơn vị hoàn thành".
  const std::string csv = f.Get(f.coordinator, "/v1/plans/nhom-hp/report?format=csv").body;
  CHECK(csv.find("Đơn vị thành viên hoàn thành") != std::string::npos);
  const std::string html = f.Get(f.coordinator, "/v1/plans/nhom-hp/report?format=html").body;
  CHECK(html.find("1/2 đơn vị hoàn thành, 1 quá hạn") != std::string::npos);
  HttpResult docx = f.Get(f.coordinator, "/v1/plans/nhom-hp/report?format=docx");
  REQUIRE(docx.status == 200);
  CHECK(docx.body.substr(0, 2) == "PK");

  // The coordinator's list of the late ones, as a workbook, and one reminder to them.
  const json late = f.Get(f.coordinator, task + "/parts?state=late").json();
  REQUIRE(late["items"].size() == 1);
  CHECK(late["items"][0]["member"] == kNgoQuyen);
  CHECK(late["items"][0]["days_left"] == -10);
  HttpResult xlsx = f.Get(f.coordinator, task + "/parts?state=late&format=xlsx");
  REQUIRE(xlsx.status == 200);
  CHECK(xlsx.header("content-type").find("spreadsheetml") != std::string::npos);
  CHECK(xlsx.body.substr(0, 2) == "PK");
  const std::string parts_csv = f.Get(f.coordinator, task + "/parts?format=csv").body;
  CHECK(parts_csv.find("Trường THPT Ngô Quyền") != std::string::npos);
  CHECK(parts_csv.find("Trường THPT chuyên Trần Phú") != std::string::npos);
  HttpResult reminded =
      f.PostJson(f.coordinator, task + "/parts/remind", {{"message", "Đề nghị nộp ngay"}});
  REQUIRE(reminded.status == 201);
  const json history = f.Get(f.coordinator, task + "/history").json();
  const json& last = history["events"].back();
  CHECK(last["type"] == "task.parts_reminded");
  CHECK(last["data"]["members"] == json::array({kNgoQuyen}));
  // Nobody left to remind once none is late.
  CHECK(f.PostJson(f.coordinator, task + "/parts/remind",
                   {{"state", "not_started"}, {"members", json::array()}})
            .status == 201);  // Ngô Quyền has not started either
  CHECK(f.PostJson(g.tran_phu, task + "/parts/remind", json::object()).status == 403);

  // A threshold of half: the task is done, on the day Trần Phú's part was.
  REQUIRE(f.Send(f.coordinator, "PUT", task + "/rule",
                 {{"rule", "threshold"}, {"percent", 50}, {"reason", "Đạt 50% là hoàn thành"}})
              .status == 201);
  const json after = f.Get(f.coordinator, "/v1/plans/nhom-hp/report").json();
  CHECK((*g.Line(after))["category"] == "completed_on_time");
  CHECK(f.Get(f.coordinator, task).json()["rule"]["chosen"] == true);
  CHECK(f.Send(f.coordinator, "PUT", task + "/rule", {{"rule", "threshold"}, {"reason", "x"}})
            .status == 400);  // a threshold needs its percent
}

TEST_CASE(
    "a school added to the group mid-plan holds parts from that day; one removed keeps its "
    "history",
    "[server][integration][parts][membership]") {
  GroupFixture g;
  ApiFixture& f = g.f;
  const std::string task = std::string("/v1/tasks/") + kTask;
  REQUIRE(f.PostJson(g.ngo_quyen, task + "/progress", {{"percent", 40}, {"narrative", "Đang làm"}})
              .status == 201);
  json group = f.Get(f.coordinator, "/v1/agencies/nhom-thu-hp").json();
  group.erase("groups");
  group["members"] = json::array({kTranPhu, "thpt-ngo-quyen-hp", "so-tc-hp"});
  REQUIRE(f.Send(f.coordinator, "PUT", "/v1/agencies/nhom-thu-hp", group).status == 201);
  CHECK(f.Get(f.coordinator, task + "/parts").json()["total"] == 3);
  group["members"] = json::array({kTranPhu, "so-tc-hp"});
  group["effective_on"] = "2026-03-01";
  group["reason"] = "Trường chuyển về quận quản lý";
  REQUIRE(f.Send(f.coordinator, "PUT", "/v1/agencies/nhom-thu-hp", group).status == 201);
  CHECK(f.Get(f.coordinator, task + "/parts").json()["total"] == 2);
  // Ngô Quyền's part is kept in the log and the task, no longer counted or listed.
  CHECK(g.Listed(g.ngo_quyen, kNgoQuyen).is_null());
  const json report = f.Get(f.coordinator, "/v1/plans/nhom-hp/report").json();
  CHECK((*g.Line(report))["parts"]["counted"] == 2);
  // As of 28 February (as now known) Ngô Quyền still counts.
  const json feb =
      f.Get(f.coordinator, "/v1/plans/nhom-hp/report?as_of=2026-02-28&known=now").json();
  CHECK((*g.Line(feb))["parts"]["counted"] == 2);  // Trần Phú and Ngô Quyền; Sở Tài chính not yet
  group["effective_on"] = "2026-03-05";
  CHECK(f.Send(f.coordinator, "PUT", "/v1/agencies/nhom-thu-hp", group).status == 422);
}

TEST_CASE(
    "reminders reach only the members whose parts are open; a reminder to the late ones "
    "reaches them alone",
    "[server][integration][parts][webhooks]") {
  WebhookReceiver tran_phu_hook, ngo_quyen_hook;
  GroupFixture g(
      {"--webhook-addresses", "loopback", "--webhook-retry", "0,200ms", "--webhook-jitter", "0"});
  ApiFixture& f = g.f;
  const std::string task = std::string("/v1/tasks/") + kTask;
  for (auto [token, receiver] :
       {std::pair{&g.tran_phu, &tran_phu_hook}, std::pair{&g.ngo_quyen, &ngo_quyen_hook}}) {
    HttpResult r = f.PostJson(*token, "/v1/webhooks",
                              {{"url", receiver->url()},
                               {"types", {"task.deadline.approaching", "task.reminder"}},
                               {"reminders", {{"days_before", {1}}, {"overdue_every_days", 0}}}});
    INFO(r.body);
    REQUIRE(r.status == 201);
  }
  REQUIRE(
      f.PostJson(f.coordinator, task + "/completion",
                 {{"completed_on", "2026-03-02"}, {"reason", "Nộp bản giấy"}, {"part", kTranPhu}})
          .status == 201);
  // 09/03 08:00, the day before it is due: Ngô Quyền is reminded of its part; Trần Phú, done,
  // is not.
  f.Restart("2026-03-09");
  REQUIRE(ngo_quyen_hook.WaitForCount(1));
  json body = json::parse(ngo_quyen_hook.hits()[0].body);
  CHECK(body["type"] == "task.deadline.approaching");
  CHECK(body["data"]["part"]["status"] == "not_started");
  // The coordinator reminds the ones not started: Ngô Quyền alone again.
  REQUIRE(f.PostJson(f.coordinator, task + "/parts/remind",
                     {{"state", "not_started"}, {"message", "Đề nghị hoàn thành trước 10/3"}})
              .status == 201);
  REQUIRE(ngo_quyen_hook.WaitForCount(2));
  body = json::parse(ngo_quyen_hook.hits()[1].body);
  CHECK(body["type"] == "task.reminder");
  CHECK(body["data"]["change"]["data"]["message"] == "Đề nghị hoàn thành trước 10/3");
  std::this_thread::sleep_for(std::chrono::milliseconds(800));  // a few ticks for anything else
  CHECK(tran_phu_hook.hits().empty());
  CHECK(ngo_quyen_hook.hits().size() == 2);
  // Both outcomes are on the task's record, for Ngô Quyền; Trần Phú does not read them.
  json told;
  for (int i = 0; i < 100; ++i) {
    told = f.Get(f.coordinator, task).json()["notifications"];
    if (told.size() >= 2) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  REQUIRE(told.size() == 2);
  for (const json& n : told) CHECK(n["agency"] == kNgoQuyen);
  const json history = f.Get(g.tran_phu, task + "/history").json();
  for (const json& e : history["events"]) CHECK(e["type"] != "task.notification_delivered");
}

TEST_CASE("the report's table by lead agency counts every lead, co-leads too, in every format",
          "[server][integration][report]") {
  ApiFixture f;
  // A.I.3.1-3 are led by Sở Lao động, Thương binh và Xã hội with Sở Y tế, and groups beside them.
  const json task = f.Get(f.coordinator, "/v1/tasks/bk-ngoai-ngu-2018:A.I.3.1").json();
  REQUIRE(task["lead"].size() >= 2);
  CHECK(std::find(task["lead"].begin(), task["lead"].end(), "so-yt-bk") != task["lead"].end());
  const std::string base = "/v1/plans/bk-ngoai-ngu-2018/report";
  const json report = f.Get(f.coordinator, base).json();
  REQUIRE(report["by_lead"].contains("so-yt-bk"));
  CHECK(report["by_lead"]["so-yt-bk"]["total"] >= 3);
  // Each lead of a task counts it: the rows add up to more than the plan when tasks share leads.
  int rows = 0;
  for (const auto& [lead, counts] : report["by_lead"].items()) rows += counts["total"].get<int>();
  CHECK(rows > report["totals"]["total"].get<int>());
  // The printed page's and the Word report's tables by lead agency name Sở Y tế.
  const std::string html = f.Get(f.coordinator, base + "?format=html").body;
  const size_t section = html.find("Theo cơ quan chủ trì");
  REQUIRE(section != std::string::npos);
  CHECK(html.find("Sở Y tế", section) != std::string::npos);
  HttpResult docx = f.Get(f.coordinator, base + "?format=docx");
  REQUIRE(docx.status == 200);
  TempDir dir;
  const std::string path = dir.path() + "/r.docx";
  { std::ofstream(path, std::ios::binary) << docx.body; }
  const std::string text = path + ".txt";
  const std::string cmd =
      "/usr/bin/python3 -c \"import docx, sys; d = docx.Document(sys.argv[1]); "
      "print('\\n'.join(c.text for t in d.tables for r in t.rows for c in r.cells))\" " +
      path + " > " + text + " 2>/dev/null";
  if (std::system(cmd.c_str()) == 0) {
    std::ifstream in(text);
    const std::string cells((std::istreambuf_iterator<char>(in)), {});
    CHECK(cells.find("Sở Y tế") != std::string::npos);
  } else {
    WARN("python3-docx is needed to read the Word report back");
  }
}
