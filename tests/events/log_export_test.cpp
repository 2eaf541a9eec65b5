#include "events/log_export.h"

#include <catch2/catch.hpp>
#include <sstream>

#include "tests/events/store_fixture.h"

using namespace taskledger;
using namespace taskledger::testing;

namespace {

std::string ExportOf(EventStore& store) {
  std::string out;
  REQUIRE(ExportLog(store, 0, 1700000000000, [&](std::string chunk) {
    out += chunk;
    return true;
  }));
  return out;
}

ExportCheck Verify(const std::string& text) {
  std::istringstream in(text);
  return VerifyExport(in);
}

// The export with its first line replaced.
std::string WithHeader(const std::string& text, const std::string& header) {
  return header + text.substr(text.find('\n'));
}

}  // namespace

TEST_CASE("an export verifies, and a changed byte in any event's data does not",
          "[events][export]") {
  StoreFixture f;
  f.MustAppend("task-1", "task.created", R"({"title":"Năm 2026"})");
  f.MustAppend("task-1", "task.assigned", R"({"lead":"Sở Giáo dục và Đào tạo"})");
  const std::string text = ExportOf(f.store());

  const ExportCheck good = Verify(text);
  CHECK(good.ok);
  CHECK(good.checked == 2);
  CHECK(good.head.hash == f.store().head().hash);

  std::string changed = text;
  changed.replace(changed.find("Năm 2026"), 4, "Năm 2027");
  const ExportCheck bad = Verify(changed);
  CHECK_FALSE(bad.ok);
  CHECK(bad.line == 2);

  CHECK_FALSE(Verify(text.substr(0, text.rfind("\n{") + 1)).ok);  // no trailer
}

TEST_CASE("an export's header and trailer of the wrong types are refused, not thrown",
          "[events][export]") {
  StoreFixture f;
  f.MustAppend("task-1");
  const std::string text = ExportOf(f.store());
  const std::string zero(64, '0');
  for (const std::string& header : {
           R"({"taskledger_export":1,"after":0,"previous_hash":")" + zero +
               R"(","head":{"hash":2}})",
           R"({"taskledger_export":1,"after":0,"previous_hash":7,"head":{"position":1,"hash":")" +
               zero + R"("}})",
           R"({"taskledger_export":1,"after":"0","previous_hash":")" + zero +
               R"(","head":{"position":1,"hash":")" + zero + R"("}})",
           R"({"taskledger_export":1,"after":-1,"previous_hash":")" + zero +
               R"(","head":{"position":1,"hash":")" + zero + R"("}})",
           R"({"taskledger_export":1,"after":0,"previous_hash":")" + zero +
               R"(","head":{"position":"1","hash":")" + zero + R"("}})",
           R"({"taskledger_export":1,"after":0,"previous_hash":")" + zero + R"(","head":[1]})",
           std::string(R"([1,2])"),
       }) {
    INFO(header);
    ExportCheck r;
    REQUIRE_NOTHROW(r = Verify(WithHeader(text, header)));
    CHECK_FALSE(r.ok);
    CHECK(r.line == 1);
  }
  std::string trailer = text;
  const size_t count = trailer.find("\"count\":1");
  REQUIRE(count != std::string::npos);
  trailer.replace(count, 9, "\"count\":\"1\"");
  ExportCheck r;
  REQUIRE_NOTHROW(r = Verify(trailer));
  CHECK_FALSE(r.ok);
}
