// Setting up without curl: what the dashboard's Plans, Agencies and Access pages do, over HTTP.
#include <catch2/catch.hpp>

#include "tests/server/server_fixture.h"

using namespace taskledger::testing;
using nlohmann::json;

TEST_CASE("a coordinator corrects a plan's particulars, each change an event with its reason",
          "[server][integration][setup]") {
  ApiFixture f;
  const std::string plan = "/v1/plans/hn-68-2025";
  const json before = f.Get(f.coordinator, plan).json();
  const uint64_t head = f.HeadPosition();

  HttpResult edited = f.Send(f.coordinator, "PATCH", plan,
                             {{"number", "68/KH-SGDĐT (bản ký)"},
                              {"period", {{"start", "2025-01-01"}, {"end", "2031-12-31"}}},
                              {"reason", "kế hoạch đã ký"}});
  REQUIRE(edited.status == 201);
  const json after = f.Get(f.coordinator, plan).json();
  CHECK(after["number"] == "68/KH-SGDĐT (bản ký)");
  CHECK(after["period"]["end"] == "2031-12-31");
  CHECK(after["title"] == before["title"]);  // untouched
  CHECK(f.HeadPosition() == head + 1);
  const json events = f.Get(f.coordinator, "/v1/events?after=" + std::to_string(head)).json();
  REQUIRE(events["items"].size() == 1);
  CHECK(events["items"][0]["type"] == "plan.edited");
  CHECK(events["items"][0]["data"]["reason"] == "kế hoạch đã ký");
  CHECK(!events["items"][0]["data"].contains("title"));

  // Survives a restart (the fold reads it back).
  f.Restart();
  CHECK(f.Get(f.coordinator, plan).json()["number"] == "68/KH-SGDĐT (bản ký)");

  // Nothing to change, bad input, the wrong role, an unknown plan: refused, nothing written.
  const uint64_t now = f.HeadPosition();
  CHECK(f.Send(f.coordinator, "PATCH", plan, {{"number", "68/KH-SGDĐT (bản ký)"}}).status == 409);
  CHECK(f.Send(f.coordinator, "PATCH", plan,
               {{"period", {{"start", "2026-01-01"}, {"end", "2025-01-01"}}}})
            .status == 422);
  CHECK(f.Send(f.coordinator, "PATCH", plan, {{"title", ""}}).status == 422);
  CHECK(f.Send(f.coordinator, "PATCH", plan, {{"colour", "red"}}).status == 400);
  CHECK(f.Send(f.agency_hp, "PATCH", plan, {{"title", "x"}}).status == 403);
  CHECK(f.Send(f.coordinator, "PATCH", "/v1/plans/nope", {{"title", "x"}}).status == 404);
  CHECK(f.HeadPosition() == now);
}

TEST_CASE("a plan's authority must be an agency on file, when created and when corrected",
          "[server][integration][setup]") {
  ApiFixture f;
  const std::vector<std::pair<std::string, std::string>> en = {
      {"Accept-Language", "en"}, {"Content-Type", "application/json"}};
  const uint64_t head = f.HeadPosition();
  // The problem a coordinator can act on: the field, the id that is not an agency.
  const auto refused = [&](const HttpResult& r) {
    INFO(r.body);
    REQUIRE(r.status == 422);
    CHECK(r.header("content-type") == "application/problem+json");
    const json p = r.json();
    CHECK(p["code"] == "unknown-agency");
    CHECK(p["params"]["agency"] == "khong-co-that");
    CHECK(p["detail"] == "There is no agency 'khong-co-that' (authority).");
    REQUIRE(p["errors"].size() == 1);
    CHECK(p["errors"][0]["field"] == "authority");
  };
  const json plan = {{"id", "kh-moi"},
                     {"title", "Kế hoạch mới"},
                     {"authority", "khong-co-that"},
                     {"period", {{"start", "2026-01-01"}, {"end", "2026-12-31"}}}};
  refused(f.Post(f.coordinator, "/v1/plans", plan.dump(), en));
  // (Send asks in no language: English.)
  refused(f.Send(f.coordinator, "PATCH", "/v1/plans/hn-68-2025", {{"authority", "khong-co-that"}}));
  CHECK(f.HeadPosition() == head);

  // An agency on file is taken, and heads the plan from then on.
  REQUIRE(f.Send(f.coordinator, "PATCH", "/v1/plans/hn-68-2025",
                 {{"authority", "ubnd-hp"}, {"reason", "cơ quan ban hành ghi nhầm"}})
              .status == 201);
  CHECK(f.Get(f.coordinator, "/v1/plans/hn-68-2025").json()["authority"] == "ubnd-hp");
}

TEST_CASE("agencies are edited whole: aliases, parent, a group's members",
          "[server][integration][setup]") {
  ApiFixture f;
  REQUIRE(f.PostJson(f.coordinator, "/v1/agencies",
                     {{"id", "truong-thu"}, {"name", "Trường Thử"}, {"kind", "institution"}})
              .status == 201);
  HttpResult put = f.Send(f.coordinator, "PUT", "/v1/agencies/truong-thu",
                          {{"name", "Trường THPT Thử"},
                           {"kind", "institution"},
                           {"parent", "so-gddt-hp"},
                           {"aliases", {"Trường Thử"}}});
  REQUIRE(put.status == 201);
  const json a = f.Get(f.coordinator, "/v1/agencies/truong-thu").json();
  CHECK(a["name"] == "Trường THPT Thử");
  CHECK(a["parent"] == "so-gddt-hp");
  CHECK(a["aliases"] == json::array({"Trường Thử"}));

  // A group and its members.
  REQUIRE(f.PostJson(f.coordinator, "/v1/agencies",
                     {{"id", "nhom-thu"}, {"name", "Các trường thử"}, {"kind", "group"}})
              .status == 201);
  REQUIRE(f.Send(f.coordinator, "PUT", "/v1/agencies/nhom-thu",
                 {{"name", "Các trường thử"}, {"kind", "group"}, {"members", {"truong-thu"}}})
              .status == 201);
  CHECK(f.Get(f.coordinator, "/v1/agencies/nhom-thu").json()["members"] ==
        json::array({"truong-thu"}));

  const uint64_t now = f.HeadPosition();
  CHECK(f.Send(f.coordinator, "PUT", "/v1/agencies/nope", {{"name", "x"}}).status == 404);
  CHECK(f.Send(f.coordinator, "PUT", "/v1/agencies/truong-thu", {{"id", "other"}, {"name", "x"}})
            .status == 400);
  CHECK(f.Send(f.coordinator, "PUT", "/v1/agencies/truong-thu", {{"name", "x"}, {"kind", "zoo"}})
            .status == 400);
  CHECK(f.Send(f.agency_hp, "PUT", "/v1/agencies/truong-thu", {{"name", "x"}}).status == 403);
  CHECK(f.HeadPosition() == now);
}

TEST_CASE("an agency's token comes with a sign-in sheet: the link and its QR code",
          "[server][integration][setup]") {
  ApiFixture f;
  HttpResult issued = f.PostJson(f.coordinator, "/v1/tokens",
                                 {{"role", "agency"},
                                  {"agency", "so-gddt-hp"},
                                  {"name", "văn thư"},
                                  {"dashboard_url", "https://taskledger.example.vn/"}});
  REQUIRE(issued.status == 201);
  const json t = issued.json();
  const std::string token = t["token"];
  CHECK(t["sign_in"]["url"] == "https://taskledger.example.vn/#/signin/" + token);
  const json& qr = t["sign_in"]["qr"];
  const int size = qr["size"];
  CHECK(size >= 21);
  CHECK((size - 17) % 4 == 0);  // a QR version's size
  REQUIRE(qr["rows"].size() == static_cast<size_t>(size));
  // The three finder patterns: a dark 7x7 ring at three corners.
  for (auto [x, y] : {std::pair{0, 0}, {size - 7, 0}, {0, size - 7}}) {
    CHECK(qr["rows"][y].get<std::string>().substr(x, 7) == "1111111");
    CHECK(qr["rows"][y + 1].get<std::string>().substr(x, 7) == "1000001");
  }
  // The token signs in.
  CHECK(f.Get(token, "/v1/me").json()["agency"] == "so-gddt-hp");

  // Without an address (no --public-url, none given) there is no sheet; a bad address is refused.
  HttpResult plain = f.PostJson(f.coordinator, "/v1/tokens", {{"role", "auditor"}});
  REQUIRE(plain.status == 201);
  CHECK(!plain.json().contains("sign_in"));
  CHECK(f.PostJson(f.coordinator, "/v1/tokens",
                   {{"role", "auditor"}, {"dashboard_url", "javascript:alert(1)"}})
            .status == 400);
}
