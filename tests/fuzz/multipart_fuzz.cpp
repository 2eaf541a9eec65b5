// libFuzzer: multipart/form-data bodies. The first line is the Content-Type, the rest the body;
// every part's data must lie inside the body.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "server/http/multipart.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view all(reinterpret_cast<const char*>(data), size);
  const size_t eol = all.find('\n');
  if (eol == std::string_view::npos) return 0;
  const std::string_view content_type = all.substr(0, eol), body = all.substr(eol + 1);
  const auto boundary = taskledger::server::MultipartBoundary(content_type);
  if (!boundary) return 0;
  auto parts = taskledger::server::ParseMultipart(body, *boundary);
  if (!parts.ok()) return 0;
  for (const auto& p : *parts) {
    if (p.data.data() < body.data() || p.data.data() + p.data.size() > body.data() + body.size()) {
      std::abort();
    }
  }
  return 0;
}
