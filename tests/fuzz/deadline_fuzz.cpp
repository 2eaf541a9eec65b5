// libFuzzer: deadline phrases as people type them, and the schedules they expand to.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "domain/date.h"
#include "domain/deadline.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto schedule = taskledger::domain::ParseDeadline(text);
  if (schedule.ok()) {
    using taskledger::domain::Date;
    // A plan's period, as long as a real one gets.
    (void)taskledger::domain::Expand(*schedule, {Date{2017, 1, 1}, Date{2035, 12, 31}});
  }
  return 0;
}
