// Task lists as the hottest answers: written without a JSON tree, reused while the ledger has not
// moved, revalidated with ETags. What is checked here is that none of that ever shows a stale or
// someone else's page.
#include <catch2/catch.hpp>

#include "server/api/page_cache.h"
#include "server/views/json_writer.h"
#include "tests/server/server_fixture.h"

using namespace taskledger;
using namespace taskledger::testing;
using nlohmann::json;

TEST_CASE("the JSON writer escapes exactly as nlohmann::json does", "[server][json]") {
  // Escapes on either side of the writer's eight-byte steps, Vietnamese text and every control
  // character.
  std::vector<std::string> texts = {"",
                                    "Sở Giáo dục và Đào tạo",
                                    "a\"b\\c",
                                    "1234567\"",
                                    "12345678\"",
                                    "123456789\\",
                                    "tab\there\nnew line\r\b\f",
                                    "Quý II/2026 — “trích dẫn”"};
  std::string controls;
  for (int c = 1; c < 0x20; ++c) controls.push_back(static_cast<char>(c));
  controls += "\x7f end";
  texts.push_back(controls);
  for (const std::string& t : texts) {
    std::string out;
    server::JsonWriter w(&out);
    w.String(t);
    INFO(t);
    CHECK(out == json(t).dump(-1, ' ', false));
  }

  std::string out;
  server::JsonWriter w(&out);
  w.BeginObject()
      .Field("a", std::string("x"))
      .Field("n", -42)
      .Field("ok", true)
      .Field("list", std::vector<std::string>{"một", "hai"})
      .Key("none")
      .Null()
      .Key("nested")
      .BeginArray()
      .BeginObject()
      .EndObject()
      .BeginArray()
      .EndArray()
      .Int(7)
      .EndArray()
      .Field("raw", json{{"k", 1}})
      .EndObject();
  CHECK(json::parse(out) == json{{"a", "x"},
                                 {"n", -42},
                                 {"ok", true},
                                 {"list", {"một", "hai"}},
                                 {"none", nullptr},
                                 {"nested", {json::object(), json::array(), 7}},
                                 {"raw", {{"k", 1}}}});
}

namespace {

std::shared_ptr<const server::ListPage> Page(uint64_t position, std::string body) {
  auto p = std::make_shared<server::ListPage>();
  p->position = p->since = position;
  p->body = std::move(body);
  return p;
}

// A figure from the server's /metrics.
uint64_t Metric(ApiFixture& f, const std::string& name) {
  const HttpResult m = f.Get(f.coordinator, "/metrics");
  REQUIRE(m.status == 200);
  const size_t at = m.body.find("\n" + name + " ");
  REQUIRE(at != std::string::npos);
  return std::stoull(m.body.substr(at + name.size() + 2));
}

}  // namespace

TEST_CASE("the page cache keeps the newest render of each page within its budget",
          "[server][cache]") {
  server::PageCache cache(1000);
  cache.Put("a", Page(10, "page a"));
  REQUIRE(cache.Find("a"));
  CHECK(cache.Find("a")->body == "page a");
  CHECK(cache.Find("a")->position == 10);
  CHECK_FALSE(cache.Find("b"));

  // An older render arriving late does not replace a newer one.
  cache.Put("a", Page(12, "page a at 12"));
  cache.Put("a", Page(11, "page a at 11"));
  REQUIRE(cache.Find("a"));
  CHECK(cache.Find("a")->body == "page a at 12");

  // Least recently used pages go once the budget is spent; pages over a quarter of it are not
  // kept at all.
  cache.Put("big", Page(12, std::string(300, 'x')));
  CHECK_FALSE(cache.Find("big"));
  for (int i = 0; i < 10; ++i) cache.Put("p" + std::to_string(i), Page(12, std::string(200, 'y')));
  CHECK_FALSE(cache.Find("p0"));
  CHECK(cache.Find("p9"));
}

TEST_CASE(
    "a list rendered after a change writes only the items that changed, and reads byte for "
    "byte as a render from nothing",
    "[server][integration][cache]") {
  ApiFixture f;
  const std::string target = "/v1/agencies/so-gddt-hp/tasks?limit=8";
  // The same page under keys never asked before (no-op parameters), so rendered from nothing.
  std::vector<std::string> fresh_targets;
  for (const char* extra :
       {"&q=", "&cursor=0", "&plan=", "&q=&cursor=0", "&q=&plan=", "&cursor=0&plan="}) {
    fresh_targets.push_back(target + extra);
  }
  size_t fresh_used = 0;
  const auto fresh = [&] {
    REQUIRE(fresh_used < fresh_targets.size());
    const HttpResult r = f.Get(f.coordinator, fresh_targets[fresh_used++]);
    REQUIRE(r.status == 200);
    return r.body;
  };
  const HttpResult first = f.Get(f.coordinator, target);
  REQUIRE(first.status == 200);
  CHECK(first.body == fresh());
  const json items = first.json()["items"];
  REQUIRE(items.size() == 8);
  const std::string on_page = items[3]["id"];

  // A comment on one task of the page: the next render writes that item and copies seven.
  uint64_t reused = Metric(f, "taskledger_list_items_reused_total");
  uint64_t written = Metric(f, "taskledger_list_items_written_total");
  REQUIRE(
      f.PostJson(f.agency_hp, "/v1/tasks/" + on_page + "/comments", {{"text", "Đã xem"}}).status ==
      201);
  const HttpResult after_comment =
      f.Get(f.coordinator, target, {{"If-None-Match", first.header("etag")}});
  REQUIRE(after_comment.status == 200);
  CHECK(after_comment.header("etag") != first.header("etag"));
  CHECK(Metric(f, "taskledger_list_items_reused_total") - reused == 7);
  CHECK(Metric(f, "taskledger_list_items_written_total") - written == 1);
  CHECK(after_comment.json()["items"][3]["version"] == items[3]["version"].get<int>() + 1);
  CHECK(after_comment.body == fresh());

  // Progress on another task of the page moves it in the list (its status and percent are shown
  // and filtered on): still exactly what a fresh render says.
  const std::string other = items[6]["id"];
  const HttpResult progress = f.PostJson(
      f.coordinator, "/v1/tasks/" + other + "/progress",
      {{"occurrence", items[6]["occurrence"]}, {"percent", 30}, {"narrative", "Đang triển khai"}});
  INFO(progress.body);
  REQUIRE(progress.status == 201);
  const HttpResult after_progress = f.Get(f.coordinator, target);
  CHECK(after_progress.body == fresh());
  const HttpResult in_progress =
      f.Get(f.coordinator, "/v1/agencies/so-gddt-hp/tasks?status=in_progress&limit=500");
  REQUIRE(in_progress.status == 200);
  bool found = false;
  const json progressing = in_progress.json()["items"];
  for (const json& item : progressing) found = found || item["id"] == other;
  CHECK(found);

  // An agency's record changed: whatever a task's view reads beside the task may have, so every
  // item is written afresh.
  HttpResult agency = f.Get(f.coordinator, "/v1/agencies/so-gddt-hp");
  REQUIRE(agency.status == 200);
  json record = agency.json();
  json update = {{"name", record["name"]}, {"kind", record["kind"]}};
  update["aliases"] = json::array({"Sở GD&ĐT Hải Phòng (đo bộ nhớ đệm)"});
  const HttpResult put = f.Send(f.coordinator, "PUT", "/v1/agencies/so-gddt-hp", update);
  INFO(put.body);
  REQUIRE(put.status / 100 == 2);
  reused = Metric(f, "taskledger_list_items_reused_total");
  written = Metric(f, "taskledger_list_items_written_total");
  const HttpResult after_agency = f.Get(f.coordinator, target);
  CHECK(Metric(f, "taskledger_list_items_reused_total") == reused);
  CHECK(Metric(f, "taskledger_list_items_written_total") - written == 8);
  CHECK(after_agency.body == fresh());

  // A comment on a task that is not on the page: the page reads the same, so its tag stays and a
  // poll with it is answered 304.
  const HttpResult whole = f.Get(f.coordinator, "/v1/agencies/so-gddt-hp/tasks?limit=500");
  INFO(whole.body.substr(0, 300));
  REQUIRE(whole.status == 200);
  std::string off_page;
  const json all = whole.json()["items"], listed_now = after_agency.json()["items"];
  for (const json& item : all) {
    bool listed = false;
    for (const json& i : listed_now) listed = listed || i["id"] == item["id"];
    if (!listed) off_page = item["id"];
  }
  REQUIRE_FALSE(off_page.empty());
  REQUIRE(
      f.PostJson(f.coordinator, "/v1/tasks/" + off_page + "/comments", {{"text", "Nhắc"}}).status ==
      201);
  const HttpResult poll =
      f.Get(f.coordinator, target, {{"If-None-Match", after_agency.header("etag")}});
  CHECK(poll.status == 304);
  CHECK(f.Get(f.coordinator, target).body == after_agency.body);
}

TEST_CASE("task lists carry an ETag, answer 304 until something changes, and never go stale",
          "[server][integration]") {
  ApiFixture f;
  const std::string target = "/v1/agencies/so-gddt-hp/tasks?limit=5";
  HttpResult first = f.Get(f.coordinator, target);
  REQUIRE(first.status == 200);
  const std::string tag = first.header("etag");
  REQUIRE_FALSE(tag.empty());
  CHECK(first.header("vary") == "Authorization");

  // Asked again: the same page (from the cache); with the tag: 304 and no body.
  HttpResult again = f.Get(f.coordinator, target);
  CHECK(again.body == first.body);
  CHECK(again.header("etag") == tag);
  HttpResult not_modified = f.Get(f.coordinator, target, {{"If-None-Match", tag}});
  CHECK(not_modified.status == 304);
  CHECK(not_modified.body.empty());

  // A change to the first task on the page: a new tag, and the page shows it at once.
  const json top = first.json()["items"][0];
  const std::string task = top["id"];
  HttpResult posted = f.PostJson(f.coordinator, "/v1/tasks/" + task + "/progress",
                                 {{"percent", 40}, {"narrative", "Đã hoàn thành khảo sát"}});
  INFO(posted.body);
  REQUIRE(posted.status == 201);
  HttpResult after = f.Get(f.coordinator, target, {{"If-None-Match", tag}});
  REQUIRE(after.status == 200);
  CHECK(after.header("etag") != tag);
  const json items = after.json()["items"];
  bool seen = false;
  for (const json& item : items) {
    if (item["id"] == task) {
      seen = true;
      CHECK(item["status"] == "in_progress");
    }
  }
  CHECK(seen);

  // The same URL under another token is that caller's page, not the cached one: /v1/tasks is
  // everything for the coordinator and only its own tasks for an agency.
  const HttpResult all = f.Get(f.coordinator, "/v1/tasks?limit=1000");
  const HttpResult own = f.Get(f.agency_bk, "/v1/tasks?limit=1000");
  REQUIRE(all.status == 200);
  REQUIRE(own.status == 200);
  CHECK(own.json()["items"].size() < all.json()["items"].size());
  const json own_items = own.json()["items"];
  for (const json& item : own_items) CHECK(item.contains("role"));
}
