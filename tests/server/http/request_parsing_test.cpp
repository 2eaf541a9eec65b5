// The pure pieces that read what a client sends: strict JSON bodies, request targets and query
// parameters, and what the request log shows of a target.
#include <catch2/catch.hpp>

#include "server/http/log_sink.h"
#include "server/http/request_target.h"
#include "server/http/strict_json.h"

using namespace taskledger;
using namespace taskledger::server;

TEST_CASE("strict JSON takes what RFC 8259 means and refuses what it leaves open",
          "[server][json]") {
  CHECK_FALSE(ParseStrictJson(R"({"text": "Sở GD&ĐT\nline two\ttab", "n": [1, 2.5, -3]})").error);
  CHECK_FALSE(ParseStrictJson("  [ {\"a\": {\"b\": []}} ]  ").error);

  struct Case {
    std::string text;
    std::string message_has;
    std::string field;
  };
  const std::vector<Case> refused = {
      {R"({"a": 1, "a": 2})", "duplicate member 'a'", "a"},
      {R"({"x": {"a": 1, "b": {"c": 1, "c": 2}}})", "duplicate member 'c'", "x.b.c"},
      {R"({"a": 1e400})", "out of range", "a"},
      {R"({"l": [1, 2, -1e400]})", "out of range", "l[2]"},
      {"{\"a\": " + std::string(400, '7') + "}", "out of range", "a"},
      {R"({"a": "x\u0000y"})", "control character", "a"},
      {R"({"l": ["ok", "\u001b[31m"]})", "control character", "l[1]"},
      {R"({"a": "\u007f"})", "control character", "a"},
      {R"({"a\u0000": 1})", "control character", ""},
      {std::string("{}\0{}", 5), "NUL byte at byte 2", ""},
      {"{} x", "malformed JSON at byte", ""},
      {"{\"a\": \"\xC3\x28\"}", "UTF-8", ""},
      {std::string(40, '[') + std::string(40, ']'), "nested more than 32",
       [] {
         std::string where;
         for (int i = 0; i < 32; ++i) where += "[0]";
         return where;
       }()},
  };
  for (const Case& c : refused) {
    INFO(c.text.substr(0, 80));
    const StrictJson r = ParseStrictJson(c.text);
    REQUIRE(r.error);
    CHECK(r.error->message.find(c.message_has) != std::string::npos);
    CHECK(r.error->field == c.field);
    CHECK(r.value.is_null());
  }
}

TEST_CASE("a request target is decoded once, strictly", "[server][http]") {
  auto t =
      ParseRequestTarget("/v1/tasks/hp%3AI.1/history?as_of=2026-01-31&plan=h%C3%A0+n%E1%BB%99i");
  REQUIRE(t.ok());
  CHECK(t->path == "/v1/tasks/hp:I.1/history");
  CHECK(t->segments == std::vector<std::string>{"v1", "tasks", "hp:I.1", "history"});
  CHECK(t->query.at("as_of") == "2026-01-31");
  CHECK(t->query.at("plan") == "hà nội");
  // '+' is a space in a query, itself in a path; an encoded '/' stays inside its segment.
  t = ParseRequestTarget("/v1/a+b/c%2Fd");
  REQUIRE(t.ok());
  CHECK(t->segments == std::vector<std::string>{"v1", "a+b", "c/d"});

  for (const char* bad : {"/v1/%zz", "/v1/%4", "/v1/x?a=%", "/v1/%00", "/v1/%C3%28",
                          "/v1/x?a=1&a=2", "/v1/x?a=%0a", "/v1/x?%ff=1"}) {
    INFO(bad);
    CHECK_FALSE(ParseRequestTarget(bad).ok());
  }
}

TEST_CASE("query parameters are checked against the route's table", "[server][http]") {
  const std::vector<QueryParam> accepted = {{"as_of", ParamKind::kDate},
                                            {"overdue", ParamKind::kBool},
                                            {"after", ParamKind::kPosition},
                                            {"limit", ParamKind::kLimit},
                                            {"format", ParamKind::kEnum, {"json", "csv"}},
                                            {"since", ParamKind::kSince}};
  std::string param;
  CHECK(CheckQuery({{"as_of", "2026-12-31"},
                    {"overdue", "false"},
                    {"after", "0"},
                    {"limit", "1000"},
                    {"format", "csv"},
                    {"since", "1767225600000"}},
                   accepted, &param)
            .ok());
  CHECK(param.empty());
  const std::vector<std::pair<std::string, std::string>> bad = {{"as_of", "2026-13-01"},
                                                                {"overdue", "yes"},
                                                                {"after", "-1"},
                                                                {"after", "1e3"},
                                                                {"after", "99999999999999999999"},
                                                                {"limit", "0"},
                                                                {"limit", "1001"},
                                                                {"format", "pdf"},
                                                                {"since", "last week"},
                                                                {"unknown", "1"}};
  for (const auto& [name, value] : bad) {
    INFO(name << "=" << value);
    const Status s = CheckQuery({{name, value}}, accepted, &param);
    CHECK_FALSE(s.ok());
    CHECK(param == name);
    CHECK(s.message().find(name) != std::string::npos);
  }
}

TEST_CASE("the request log never shows a token or key, wherever it was sent",
          "[server][security]") {
  const std::string token = "tl_9383b3c6bb0d_Qm9vb0kN3xZ8rT2pLw7yHvE1sA4dFgJ6kUiO9nMbC0x";
  const std::string key = "Qm9vb0kN3xZ8rT2pLw7yHvE1sA4dFgJ6kUiO9nMbC0x";
  CHECK(RedactTarget("/v1/agencies/so-gddt-hp/calendar-keys/" + token) ==
        "/v1/agencies/so-gddt-hp/calendar-keys/[redacted]");
  CHECK(RedactTarget("/v1/agencies/so-gddt-hp/calendar.ics?key=" + token) ==
        "/v1/agencies/so-gddt-hp/calendar.ics?key=[redacted]");
  CHECK(RedactTarget("/v1/x?token=short&as_of=2026-01-01") ==
        "/v1/x?token=[redacted]&as_of=2026-01-01");
  CHECK(RedactTarget("/v1/x/" + key + "?q=" + key) == "/v1/x/[redacted]?q=[redacted]");
  CHECK(RedactTarget("/v1/x/tl%5F" + key) == "/v1/x/[redacted]");
  CHECK(RedactTarget("/v1/webhooks/whsec_abc") == "/v1/webhooks/[redacted]");
  // Ids, slugs, codes and UUIDs stay readable.
  for (const std::string plain :
       {"/v1/tasks/hp-tieng-anh-2025:I.1/history", "/v1/plans/bk-ngoai-ngu-2018-2025-giai-doan",
        "/v1/tasks/t/extension-requests/0190f2a1-7c3e-7b2a-9f10-3c4d5e6f7a8b/decision",
        "/v1/tasks?plan=hn-68-2025&limit=50", "/v1/webhooks/wh_0123456789abcdef"}) {
    CHECK(RedactTarget(plain) == plain);
  }
}
