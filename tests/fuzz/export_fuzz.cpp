// libFuzzer: what `taskledger verify --file` reads, an audit export in JSON Lines.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "events/log_export.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  const taskledger::ExportCheck r = taskledger::VerifyExport(in);
  if (!r.ok && r.problem.empty()) __builtin_trap();
  return 0;
}
