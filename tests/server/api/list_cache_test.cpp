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

TEST_CASE("a cached page is served only at the position it was rendered at", "[server][cache]") {
  server::PageCache cache(1000);
  cache.Put("a", 10, std::make_shared<const std::string>("page a"));
  REQUIRE(cache.Find("a", 10));
  CHECK(*cache.Find("a", 10) == "page a");
  CHECK_FALSE(cache.Find("a", 11));  // an event was folded since
  CHECK_FALSE(cache.Find("b", 10));

  // An older render arriving late does not replace a newer one.
  cache.Put("a", 12, std::make_shared<const std::string>("page a at 12"));
  cache.Put("a", 11, std::make_shared<const std::string>("page a at 11"));
  REQUIRE(cache.Find("a", 12));
  CHECK(*cache.Find("a", 12) == "page a at 12");

  // Least recently used pages go once the budget is spent; pages over a quarter of it are not
  // kept at all.
  cache.Put("big", 12, std::make_shared<const std::string>(std::string(300, 'x')));
  CHECK_FALSE(cache.Find("big", 12));
  for (int i = 0; i < 10; ++i) {
    cache.Put("p" + std::to_string(i), 12,
              std::make_shared<const std::string>(std::string(200, 'y')));
  }
  CHECK_FALSE(cache.Find("p0", 12));
  CHECK(cache.Find("p9", 12));
  CHECK(cache.hits() > 0);
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
