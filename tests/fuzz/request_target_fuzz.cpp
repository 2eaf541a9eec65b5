// libFuzzer: request targets (paths and query strings), the query table check, and what the
// request log shows of them.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "domain/text.h"
#include "server/http/log_sink.h"
#include "server/http/request_target.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace taskledger::server;
  const std::string_view target(reinterpret_cast<const char*>(data), size);
  static const std::vector<QueryParam> accepted = {
      {"as_of", ParamKind::kDate},     {"overdue", ParamKind::kBool},
      {"after", ParamKind::kPosition}, {"limit", ParamKind::kLimit},
      {"cursor", ParamKind::kCursor},  {"status", ParamKind::kEnum, {"not_started", "completed"}},
      {"since", ParamKind::kSince},    {"plan", ParamKind::kText}};
  auto t = ParseRequestTarget(target);
  if (t.ok()) {
    // A target that parses is UTF-8 without control characters everywhere.
    if (!taskledger::domain::IsUtf8(t->path)) __builtin_trap();
    std::string param;
    (void)CheckQuery(t->query, accepted, &param);
  }
  (void)RedactTarget(target);
  return 0;
}
