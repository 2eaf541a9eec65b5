// Domain benchmarks (domain_bench.cpp).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "events/event.h"

namespace taskledger::bench {

// A realistic log: agencies, plans, `tasks` tasks, then progress and lifecycle events up to
// `total_events`, every event decided by the domain's own commands.
std::vector<RecordedEvent> MakeDomainLog(uint64_t tasks, uint64_t total_events);
// Modes 6-8: fold in memory, replay from a store in `dir`, and agency queries.
void FoldBench(uint64_t tasks, uint64_t events, const std::string& dir);

}  // namespace taskledger::bench
