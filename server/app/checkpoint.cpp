#include "server/app/checkpoint.h"

#include <algorithm>
#include <map>
#include <optional>
#include <vector>

#include "events/util/binary.h"
#include "server/app/checkpoint_file.h"

namespace taskledger::server {

using namespace ckpt;

namespace {

// The sections every checkpoint encodes afresh: the Ledger's shared part, tokens, channels and
// idempotency keys.
void EncodeStateSections(const State& state,
                         const std::function<void(int, std::string_view, std::string_view)>& sink) {
  std::string bytes;
  state.ledger.EncodeShared(bytes);
  sink(static_cast<int>(Kind::kShared), "", bytes);
  bytes.clear();
  state.tokens.Encode(bytes);
  sink(static_cast<int>(Kind::kTokens), "", bytes);
  bytes.clear();
  state.EncodeChannels(bytes);
  sink(static_cast<int>(Kind::kChannels), "", bytes);
  bytes.clear();
  state.EncodeIdem(bytes);
  sink(static_cast<int>(Kind::kIdem), "", bytes);
}

}  // namespace

namespace {

// By agency (sorted), the plans whose tasks it leads, coordinates or holds a member's part of.
void EncodeAgencyPlans(const domain::Ledger& l, std::string& out) {
  std::map<std::string_view, std::set<std::string_view>> plans;
  for (const domain::Plan* p : l.Plans()) {
    for (const std::string& id : p->task_ids) {
      const domain::Task* t = l.FindTask(id);
      if (!t) continue;
      for (const std::string& a : t->lead) plans[a].insert(p->id);
      for (const std::string& a : t->coordinating) plans[a].insert(p->id);
      for (const domain::Occurrence& o : t->occurrences) {
        for (const domain::Part& part : o.parts) plans[l.AgencyIdOf(part.member)].insert(p->id);
      }
    }
  }
  BinaryWriter w(out);
  w.U64(plans.size());
  for (const auto& [agency, in] : plans) {
    w.Str(agency);
    w.U64(in.size());
    for (std::string_view plan : in) w.Str(plan);
  }
}

}  // namespace

void EncodeSections(const State& state,
                    const std::function<void(int, std::string_view, std::string_view)>& sink) {
  EncodeStateSections(state, sink);
  state.ledger.EncodePlans([&](std::string_view plan, std::string_view bytes) {
    sink(static_cast<int>(Kind::kPlan), plan, bytes);
  });
  state.ledger.EncodeTasks(
      [&](std::string_view plan, std::string_view tasks, std::string_view details) {
        sink(static_cast<int>(Kind::kTasks), plan, tasks);
        if (!details.empty()) sink(static_cast<int>(Kind::kPartDetails), plan, details);
      });
}

Result<uint64_t> WriteCheckpoint(const State& state, const Hash& hash, int64_t recorded_at_ms,
                                 domain::Date day, const std::string& path,
                                 const CheckpointReuse* reuse, rocksdb::FileSystem* fs) {
  Output out(fs ? fs : rocksdb::FileSystem::Default().get(), path);
  std::string header(kMagic);
  PutFixed(header, kCheckpointFormat, 4);
  PutFixed(header, domain::Ledger::kFoldVersion, 4);
  PutFixed(header, state.position(), 8);
  header.append(reinterpret_cast<const char*>(hash.data()), hash.size());
  PutFixed(header, static_cast<uint64_t>(recorded_at_ms), 8);
  PutFixed(header, static_cast<uint64_t>(domain::DaysFromCivil(day)), 8);
  PutFixed(header, Crc(header), 4);
  out.Write(header);

  std::vector<Entry> index;
  uint64_t offset = header.size();
  const auto section = [&](Kind kind, std::string_view name, std::string_view bytes) {
    const std::string stored = Compress(bytes);
    out.Write(stored);
    index.push_back({kind, std::string(name), offset, stored.size(), bytes.size(), Crc(stored)});
    offset += stored.size();
  };
  EncodeStateSections(state, [&](int kind, std::string_view plan, std::string_view bytes) {
    section(static_cast<Kind>(kind), plan, bytes);
  });

  // The plans unchanged since the checkpoint this state was loaded from: their sections as
  // stored there, in its (canonical) order, merged with the changed ones encoded here.
  std::optional<Input> base;
  std::vector<Entry> copies;
  std::set<std::string, std::less<>> copied;
  if (reuse) {
    base.emplace(reuse->from.fs ? reuse->from.fs : fs, reuse->from.path);
    auto from = ReadIndex(reuse->from, *base);
    if (!from.ok()) return from.status();
    for (const Entry& e : *from) {
      if (e.kind == Kind::kPlan && !reuse->changed.contains(e.name) &&
          state.ledger.FindPlan(e.name)) {
        copied.insert(e.name);
      }
    }
    for (const Entry& e : *from) {
      if ((e.kind == Kind::kPlan || e.kind == Kind::kTasks || e.kind == Kind::kPartDetails) &&
          copied.contains(e.name)) {
        copies.push_back(e);
      }
    }
  }
  Status copy_failed = Status::Ok();
  size_t next = 0;  // the next of `copies` to write
  // Copies the waiting sections of `kinds` up to (not including) plan `before`; all: nullopt.
  const auto copy_until = [&](std::initializer_list<Kind> kinds,
                              std::optional<std::string_view> before) {
    for (; next < copies.size() && copy_failed.ok(); ++next) {
      const Entry& e = copies[next];
      if (std::find(kinds.begin(), kinds.end(), e.kind) == kinds.end()) return;
      if (before && e.name >= *before) return;
      auto stored = base->Read(e.offset, e.size);
      if (!stored.ok()) return void(copy_failed = stored.status());
      if (Crc(*stored) != e.crc) {
        copy_failed =
            Status::Corruption(reuse->from.path + ": a section (" + e.name + ") is damaged");
        return;
      }
      out.Write(*stored);
      index.push_back({e.kind, e.name, offset, e.size, e.raw_size, e.crc});
      offset += e.size;
    }
  };
  const auto fresh = [&](std::string_view plan) { return !copied.contains(plan); };
  state.ledger.EncodePlans(
      [&](std::string_view plan, std::string_view bytes) {
        copy_until({Kind::kPlan}, plan);
        section(Kind::kPlan, plan, bytes);
      },
      fresh);
  copy_until({Kind::kPlan}, std::nullopt);
  state.ledger.EncodeTasks(
      [&](std::string_view plan, std::string_view tasks, std::string_view details) {
        copy_until({Kind::kTasks, Kind::kPartDetails}, plan);
        section(Kind::kTasks, plan, tasks);
        if (!details.empty()) section(Kind::kPartDetails, plan, details);
      },
      fresh);
  copy_until({Kind::kTasks, Kind::kPartDetails}, std::nullopt);
  if (!copy_failed.ok()) return copy_failed;
  // Each plan's report counts as of the day: the points of a series that falls on this day.
  std::string counts;
  for (const domain::Plan* plan : state.ledger.Plans()) {
    auto report = state.ledger.Report(plan->id, day);
    if (!report.ok()) continue;
    counts.clear();
    domain::EncodeCounts(domain::CountsOf(*report), counts);
    section(Kind::kCounts, plan->id, counts);
  }
  // Who takes part in which plan: a past list of one agency's tasks loads only those plans.
  std::string taking_part;
  EncodeAgencyPlans(state.ledger, taking_part);
  section(Kind::kAgencyPlans, "", taking_part);

  std::string tail;
  BinaryWriter w(tail);
  w.U64(index.size());
  for (const Entry& e : index) {
    w.U64(static_cast<uint64_t>(e.kind));
    w.Str(e.name);
    w.U64(e.offset);
    w.U64(e.size);
    w.U64(e.raw_size);
    w.U64(e.crc);
  }
  const uint32_t index_crc = Crc(tail);
  PutFixed(tail, offset, 8);
  PutFixed(tail, index_crc, 4);
  tail.append(kEndMagic);
  out.Write(tail);
  if (Status s = out.Commit(); !s.ok()) return s;
  return offset + tail.size();
}

Result<CheckpointInfo> ReadCheckpointInfo(const std::string& path, rocksdb::FileSystem* fs) {
  if (!fs) fs = rocksdb::FileSystem::Default().get();
  Input in(fs, path);
  if (!in.status().ok()) return in.status();
  if (in.size() < kHeaderBytes + kTrailerBytes) {
    return Status::Corruption(path + " is too short to be a checkpoint");
  }
  auto header = in.Read(0, kHeaderBytes);
  if (!header.ok()) return header.status();
  const std::string_view h = *header;
  if (!h.starts_with(kMagic)) return Status::Corruption(path + " is not a checkpoint");
  if (GetFixed(h, kHeaderBytes - 4, 4) != Crc(h.substr(0, kHeaderBytes - 4))) {
    return Status::Corruption(path + ": its header is damaged");
  }
  CheckpointInfo info;
  info.path = path;
  info.format = static_cast<uint32_t>(GetFixed(h, 8, 4));
  info.fold_version = static_cast<uint32_t>(GetFixed(h, 12, 4));
  info.position = GetFixed(h, 16, 8);
  std::memcpy(info.hash.data(), h.data() + 24, 32);
  info.recorded_at_ms = static_cast<int64_t>(GetFixed(h, 56, 8));
  info.day = domain::CivilFromDays(static_cast<int64_t>(GetFixed(h, 64, 8)));
  info.bytes = in.size();
  info.fs = fs;
  return info;
}

Status LoadCheckpoint(const CheckpointInfo& info, State& state,
                      const std::set<std::string, std::less<>>* plans, bool details) {
  Input in(info.fs, info.path);
  auto index = ReadIndex(info, in);
  if (!index.ok()) return index.status();
  state.ledger.BeginReplay();
  std::string raw;
  for (size_t i = 0; i < index->size(); ++i) {
    const Entry& e = (*index)[i];
    if (e.kind == Kind::kCounts || e.kind == Kind::kAgencyPlans ||
        (e.kind == Kind::kPartDetails && !details) ||
        (i >= 4 && plans && !plans->contains(e.name))) {
      continue;
    }
    if (Status s = ReadSection(info, in, e, raw); !s.ok()) return s;
    Status s = Status::Ok();
    switch (e.kind) {
      case Kind::kShared:
        s = state.ledger.DecodeShared(raw, /*with_names=*/plans == nullptr);
        if (s.ok() && plans) state.ledger.LimitToPlans(*plans);
        break;
      case Kind::kTokens:
        s = state.tokens.Decode(raw);
        break;
      case Kind::kChannels:
        s = state.DecodeChannels(raw);
        break;
      case Kind::kIdem:
        s = state.DecodeIdem(raw);
        break;
      case Kind::kTasks:
        s = state.ledger.DecodeTasks(raw);
        break;
      case Kind::kPlan:
        s = state.ledger.DecodePlan(raw);
        break;
      case Kind::kPartDetails:  // after its plan's tasks, as written
        s = state.ledger.DecodePartDetails(raw);
        break;
      case Kind::kCounts:
      case Kind::kAgencyPlans:
        break;
    }
    if (!s.ok()) return Status::Corruption(info.path + ": " + s.message());
  }
  if (state.position() != info.position) {
    return Status::Corruption(info.path + ": its state is not at the position its header names");
  }
  return Status::Ok();
}

Status LoadPlanPart(const CheckpointInfo& info, std::string_view plan, State& state) {
  Input in(info.fs, info.path);
  auto index = ReadIndex(info, in);
  if (!index.ok()) return index.status();
  std::string shared, plan_bytes, tasks;
  for (const Entry& e : *index) {
    std::string* into = e.kind == Kind::kShared                    ? &shared
                        : e.kind == Kind::kPlan && e.name == plan  ? &plan_bytes
                        : e.kind == Kind::kTasks && e.name == plan ? &tasks
                                                                   : nullptr;
    if (into) {
      if (Status s = ReadSection(info, in, e, *into); !s.ok()) return s;
    }
  }
  if (plan_bytes.empty()) return Status::NotFound(info.path + " has no plan " + std::string(plan));
  if (Status s = state.ledger.ReplacePlanPart(shared, plan_bytes, tasks); !s.ok()) {
    return Status::Corruption(info.path + ": " + s.message());
  }
  if (state.position() != info.position) {
    return Status::Corruption(info.path + ": its state is not at the position its header names");
  }
  return Status::Ok();
}

Result<std::optional<domain::PlanCounts>> LoadCounts(const CheckpointInfo& info,
                                                     std::string_view plan) {
  Input in(info.fs, info.path);
  auto index = ReadIndex(info, in);
  if (!index.ok()) return index.status();
  for (const Entry& e : *index) {
    if (e.kind != Kind::kCounts || e.name != plan) continue;
    std::string raw;
    if (Status s = ReadSection(info, in, e, raw); !s.ok()) return s;
    auto counts = domain::DecodeCounts(raw);
    if (!counts.ok()) return Status::Corruption(info.path + ": " + counts.status().message());
    return std::optional<domain::PlanCounts>(std::move(*counts));
  }
  return std::optional<domain::PlanCounts>();
}

Result<std::optional<std::set<std::string, std::less<>>>> LoadAgencyPlans(
    const CheckpointInfo& info, const std::vector<std::string>& agencies) {
  Input in(info.fs, info.path);
  auto index = ReadIndex(info, in);
  if (!index.ok()) return index.status();
  for (const Entry& e : *index) {
    if (e.kind != Kind::kAgencyPlans) continue;
    std::string raw;
    if (Status s = ReadSection(info, in, e, raw); !s.ok()) return s;
    std::set<std::string, std::less<>> out;
    BinaryReader r(raw);
    for (size_t n = r.Count(2); n > 0 && r.ok(); --n) {
      const std::string agency = r.Str();
      const bool wanted = std::find(agencies.begin(), agencies.end(), agency) != agencies.end();
      for (size_t k = r.Count(1); k > 0 && r.ok(); --k) {
        std::string plan = r.Str();
        if (wanted) out.insert(std::move(plan));
      }
    }
    if (!r.ok() || !r.done())
      return Status::Corruption(info.path + ": who takes part where is damaged");
    return std::optional(std::move(out));
  }
  return std::optional<std::set<std::string, std::less<>>>();  // written before the section was
}

}  // namespace taskledger::server
