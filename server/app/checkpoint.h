// Projection checkpoints: a State folded up to a log position, saved in a file so that start-up
// and "as of" answers fold only the log after it. A checkpoint is a cache of the log, never a
// source of truth: it names the position it reflects and that event's chained hash, and is used
// only when both match the log and its format and fold version are this build's.
//
// File layout (integers little-endian):
//   header  "TLCKPT\r\n" | u32 format | u32 fold version | u64 position | hash[32]
//           | i64 recorded_at_ms of that event | i64 the day (days since 1970) it closes | u32 crc
//   sections, back to back: the Ledger's shared part (agencies, groups, names), tokens,
//           webhooks and email addresses, idempotency keys, then each plan, then each plan's tasks
//           (events/util/binary.h forms) each followed by its members' parts' details when it
//           has any, then each plan's report counts as of the day (domain::PlanCounts:
//           derived, so not part of the canonical state)
//   index   u64 count, then per section: u64 kind | str name (the plan) | u64 offset
//           | u64 stored size | u64 decoded size | u64 crc32 of the stored bytes
// Sections are stored compressed (zstd, level 1).
//   trailer u64 index offset | u32 index crc32 | "TLCKEND\n"
// Each section has its own CRC, so loading one plan reads and checks only its part.
#pragma once

#include <cstdint>
#include <functional>
#include <set>
#include <string>

#include "domain/date.h"
#include "events/event.h"
#include "events/util/status.h"
#include "server/app/state.h"

namespace rocksdb {
class FileSystem;
}

namespace taskledger::server {

// 2: sections compressed; 3: plans apart; 4: the webhooks by agency derived, not stored;
// 5: each plan's report counts; 6: email addresses beside the webhooks; 7: an address's own
// reminder days and its last digest; 8: members' parts, their details apart; the agencies'
// channels through time.
inline constexpr uint32_t kCheckpointFormat = 8;

struct CheckpointInfo {
  std::string path;
  uint32_t format = 0;
  uint32_t fold_version = 0;
  uint64_t position = 0;
  Hash hash{};
  int64_t recorded_at_ms = 0;
  domain::Date day;  // the day whose end it reflects (Vietnam time)
  uint64_t bytes = 0;
  rocksdb::FileSystem* fs = nullptr;  // where it is read from (ReadCheckpointInfo's)
};

// Writes `state` (folded to its position, whose event has `hash` and `recorded_at_ms`) as the
// checkpoint of the end of `day`, at `path`: into a temporary file, synced, then renamed, so a
// crash or power cut leaves the old file or the whole new one. Returns its size. All of its I/O
// goes through `fs`; nullptr (the default) is the real file system.
// With `reuse`, the plans unchanged since the checkpoint `state` was loaded from are copied from
// it as stored (compressed, checked against their CRC) rather than encoded and compressed again:
// a day's checkpoint costs what changed that day. The file is byte for byte the one a full
// write makes.
struct CheckpointReuse {
  CheckpointInfo from;
  std::set<std::string, std::less<>> changed;  // domain::Ledger::ChangedPlans() since `from`
};
Result<uint64_t> WriteCheckpoint(const State& state, const Hash& hash, int64_t recorded_at_ms,
                                 domain::Date day, const std::string& path,
                                 const CheckpointReuse* reuse = nullptr,
                                 rocksdb::FileSystem* fs = nullptr);

// A checkpoint's sections in order, each to `sink(kind, plan, bytes)`: kind 0-3 the Ledger's
// shared part, tokens, webhooks, idempotency keys (plan empty), then kind 5 each plan and kind 4
// each plan's tasks, each followed by kind 7, its parts' details, when it has any.
// The form is canonical: equal states give equal sections.
void EncodeSections(
    const State& state,
    const std::function<void(int kind, std::string_view plan, std::string_view bytes)>& sink);

// The header of the checkpoint at `path`: kCorruption when it is damaged or not a checkpoint.
// It and the loads below read through `fs` (nullptr: the real file system).
Result<CheckpointInfo> ReadCheckpointInfo(const std::string& path,
                                          rocksdb::FileSystem* fs = nullptr);

// The plans any of `agencies` took part in at the checkpoint (led, coordinated, or held a
// member's part of a task of): a past list of an agency's tasks loads only those. None: the
// checkpoint was written before it kept that (load every plan).
Result<std::optional<std::set<std::string, std::less<>>>> LoadAgencyPlans(
    const CheckpointInfo& info, const std::vector<std::string>& agencies);

// Loads the checkpoint at `path` into `state`, which must be new. With `plans`, only those plans'
// tasks are read (the state is then limited to them: Ledger::LimitToPlans). Without `details`,
// the members' parts' details are left out: a state for reports, which only count (a plan of
// 2,500 schools' parts loads several times faster). Leaves the ledger in a replay
// (Ledger::BeginReplay), for the caller to fold the tail and then EndReplay(). Any damage is
// kCorruption, and `state` must then be thrown away.
Status LoadCheckpoint(const CheckpointInfo& info, State& state,
                      const std::set<std::string, std::less<>>* plans = nullptr,
                      bool details = true);

// Moves a state limited to `plan` (in a replay) to the checkpoint's position by taking that plan
// and its tasks (without their parts' details) from it, and its agencies and groups, keeping
// the state's tokens and the rest: what a whole-plan report needs, and nothing it does not
// (Ledger::ReplacePlanPart).
Status LoadPlanPart(const CheckpointInfo& info, std::string_view plan, State& state);

// The report counts of `plan` as of the checkpoint's day, saved when it was written (none: the
// plan did not exist then).
Result<std::optional<domain::PlanCounts>> LoadCounts(const CheckpointInfo& info,
                                                     std::string_view plan);

}  // namespace taskledger::server
