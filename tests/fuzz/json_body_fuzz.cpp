// libFuzzer: request bodies through the strict JSON parser. What it accepts must be a value
// that re-parses to itself; what it refuses must say why.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "server/http/strict_json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const taskledger::server::StrictJson r = taskledger::server::ParseStrictJson(text);
  if (r.error) {
    if (r.error->message.empty()) std::abort();
    return 0;
  }
  const std::string again = r.value.dump();
  const taskledger::server::StrictJson back = taskledger::server::ParseStrictJson(again);
  if (back.error || back.value != r.value) std::abort();
  return 0;
}
