// Clocks, passed in rather than read: whatever decides with the time takes a Clock, so tests and
// `--clock-start` can say what time it is. This is the one place that reads the system clock.
#pragma once

#include <cstdint>
#include <functional>

namespace taskledger {

// UTC milliseconds since the Unix epoch.
using Clock = std::function<int64_t()>;

// The system's clock, now.
int64_t SystemNowMs();

// `clock`, or the system's when it is empty.
inline Clock OrSystemClock(Clock clock) { return clock ? std::move(clock) : Clock(SystemNowMs); }

}  // namespace taskledger
