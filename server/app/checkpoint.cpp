#include "server/app/checkpoint.h"

#include <rocksdb/file_system.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <vector>

#include "events/file_io.h"
#include "events/rocksdb_guard.h"
#include "events/util/binary.h"

namespace taskledger::server {
namespace {

constexpr std::string_view kMagic = "TLCKPT\r\n";
constexpr std::string_view kEndMagic = "TLCKEND\n";
constexpr size_t kHeaderBytes = 8 + 4 + 4 + 8 + 32 + 8 + 8 + 4;
constexpr size_t kTrailerBytes = 8 + 4 + 8;

enum class Kind : uint64_t {
  kShared,
  kTokens,
  kChannels,  // the notification channels: webhook subscriptions and email addresses
  kIdem,
  kTasks,
  kPlan,
  kCounts,
  kPartDetails,  // a plan's members' parts' words, files and requests: what reports never read
  kAgencyPlans,  // by agency, the plans it takes part in (lead, coordinating, a member's part)
};

struct Entry {
  Kind kind;
  std::string name;
  uint64_t offset = 0;
  uint64_t size = 0;      // stored (compressed)
  uint64_t raw_size = 0;  // decoded
  uint64_t crc = 0;       // of the stored bytes
};

// Sections are compressed with zstd at its fastest level: the state's text (titles, names,
// narratives) shrinks several times, and decompresses at well over a gigabyte a second.
std::string Compress(std::string_view raw) {
  std::string out(ZSTD_compressBound(raw.size()), '\0');
  const size_t n = ZSTD_compress(out.data(), out.size(), raw.data(), raw.size(), 1);
  if (ZSTD_isError(n)) throw std::runtime_error(ZSTD_getErrorName(n));  // only on a bug
  out.resize(n);
  return out;
}

bool Decompress(std::string_view stored, uint64_t raw_size, std::string& out) {
  out.resize(raw_size);
  const size_t n = ZSTD_decompress(out.data(), out.size(), stored.data(), stored.size());
  return !ZSTD_isError(n) && n == raw_size;
}

void PutFixed(std::string& out, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i, v >>= 8) out.push_back(static_cast<char>(v & 0xFF));
}
uint64_t GetFixed(std::string_view in, size_t at, int bytes) {
  uint64_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(in[at + i]);
  return v;
}
uint32_t Crc(std::string_view bytes) {
  uLong crc = crc32(0L, Z_NULL, 0);
  // zlib takes at most 4 GiB a call.
  while (!bytes.empty()) {
    const size_t n = std::min<size_t>(bytes.size(), 1u << 30);
    crc = crc32(crc, reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uInt>(n));
    bytes.remove_prefix(n);
  }
  return static_cast<uint32_t>(crc);
}

// A failed read or write as a Status: kNoSpace when the disk is full, kIOError otherwise.
Status Failed(const rocksdb::IOStatus& s, const std::string& what) {
  std::string m = what + ": " + s.ToString();
  return IsNoSpace(s) ? Status::NoSpace(std::move(m)) : Status::IOError(std::move(m));
}

// A file written whole or not at all: into `path`.tmp, synced, renamed over `path`, and the
// directory synced, so that a crash or power cut leaves the old file or the whole new one.
// Through `fs` (the real file system, or a test's that can fail or lose power); any error is
// kept and returned by Commit(), which then leaves `path` as it was.
class Output {
 public:
  Output(rocksdb::FileSystem* fs, std::string path)
      : fs_(fs), path_(std::move(path)), tmp_(path_ + ".tmp") {
    rocksdb::FileOptions options;
    // RangeSync then waits for the writeback it started last before starting the next
    // (sync_file_range with SYNC_FILE_RANGE_WAIT_BEFORE over the file so far). Default: false.
    options.strict_bytes_per_sync = true;
    rocksdb::IOStatus s = fs_->NewWritableFile(tmp_, options, &file_, nullptr);
    if (!s.ok()) status_ = Failed(s, "creating " + tmp_);
  }
  ~Output() {
    if (file_) file_->Close(rocksdb::IOOptions(), nullptr).PermitUncheckedError();
    if (!committed_) fs_->DeleteFile(tmp_, rocksdb::IOOptions(), nullptr).PermitUncheckedError();
  }
  void Write(std::string_view bytes) {
    if (!status_.ok()) return;
    rocksdb::IOStatus s =
        file_->Append(rocksdb::Slice(bytes.data(), bytes.size()), rocksdb::IOOptions(), nullptr);
    if (!s.ok()) {
      status_ = Failed(s, "writing " + tmp_);
      return;
    }
    written_ += bytes.size();
    // Out to the disk a megabyte at a time, each waiting for the one before: a 30 MiB burst at
    // the final fsync queued ahead of the log's own syncs and held commands up for tens of
    // milliseconds.
    if (written_ - synced_ >= kSyncEvery) {
      s = file_->RangeSync(synced_, written_ - synced_, rocksdb::IOOptions(), nullptr);
      if (!s.ok()) status_ = Failed(s, "writing " + tmp_ + " out");
      synced_ = written_;
    }
  }
  Status Commit() {
    if (!status_.ok()) return status_;
    rocksdb::IOStatus s = file_->Fsync(rocksdb::IOOptions(), nullptr);
    if (!s.ok()) return Failed(s, "syncing " + tmp_);
    s = file_->Close(rocksdb::IOOptions(), nullptr);
    file_.reset();
    if (!s.ok()) return Failed(s, "closing " + tmp_);
    s = fs_->RenameFile(tmp_, path_, rocksdb::IOOptions(), nullptr);
    if (!s.ok()) return Failed(s, "renaming " + tmp_);
    committed_ = true;
    const std::string dir = std::filesystem::path(path_).parent_path().string();
    s = SyncDirectory(*fs_, dir);
    return s.ok() ? Status::Ok() : Failed(s, "syncing " + dir);
  }

 private:
  static constexpr uint64_t kSyncEvery = 1 << 20;
  rocksdb::FileSystem* fs_;
  std::string path_, tmp_;
  std::unique_ptr<rocksdb::FSWritableFile> file_;
  uint64_t written_ = 0, synced_ = 0;
  Status status_ = Status::Ok();
  bool committed_ = false;
};

// A checkpoint open for reading, through `fs` (nullptr: the real file system).
class Input {
 public:
  Input(rocksdb::FileSystem* fs, std::string path) : path_(std::move(path)) {
    if (!fs) fs = rocksdb::FileSystem::Default().get();
    rocksdb::IOStatus s = fs->GetFileSize(path_, rocksdb::IOOptions(), &size_, nullptr);
    if (s.ok()) s = fs->NewRandomAccessFile(path_, rocksdb::FileOptions(), &file_, nullptr);
    if (!s.ok()) status_ = Failed(s, "opening " + path_);
  }
  // Ok when the file is open.
  const Status& status() const { return status_; }
  uint64_t size() const { return size_; }
  // Bytes [offset, offset + size); kCorruption when the file ends before.
  Result<std::string> Read(uint64_t offset, uint64_t size) const {
    if (!status_.ok()) return status_;
    std::string out(size, '\0');
    size_t done = 0;
    while (done < size) {
      rocksdb::Slice got;
      const rocksdb::IOStatus s = file_->Read(offset + done, size - done, rocksdb::IOOptions(),
                                              &got, out.data() + done, nullptr);
      if (!s.ok()) return Failed(s, "reading " + path_);
      if (got.empty()) return Status::Corruption(path_ + " is shorter than its index says");
      if (got.data() != out.data() + done) std::memcpy(out.data() + done, got.data(), got.size());
      done += got.size();
    }
    return out;
  }

 private:
  std::string path_;
  std::unique_ptr<rocksdb::FSRandomAccessFile> file_;
  uint64_t size_ = 0;
  Status status_ = Status::Ok();
};

// The index of a checkpoint (below).
Result<std::vector<Entry>> ReadIndex(const CheckpointInfo& info, const Input& in);

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

namespace {

// The index of the checkpoint open as `in`: each section checked to lie between the header and
// the index, the shared four first and in order.
Result<std::vector<Entry>> ReadIndex(const CheckpointInfo& info, const Input& in) {
  const std::string& path = info.path;
  if (info.format != kCheckpointFormat || info.fold_version != domain::Ledger::kFoldVersion) {
    return Status::Corruption(path + " is of another format or fold version");
  }
  if (!in.status().ok()) return in.status();
  auto trailer = in.Read(info.bytes - kTrailerBytes, kTrailerBytes);
  if (!trailer.ok()) return trailer.status();
  if (!std::string_view(*trailer).ends_with(kEndMagic)) {
    return Status::Corruption(path + " is not whole (no end mark)");
  }
  const uint64_t index_at = GetFixed(*trailer, 0, 8);
  if (index_at < kHeaderBytes || index_at > info.bytes - kTrailerBytes) {
    return Status::Corruption(path + ": its index is out of place");
  }
  auto index_bytes = in.Read(index_at, info.bytes - kTrailerBytes - index_at);
  if (!index_bytes.ok()) return index_bytes.status();
  if (Crc(*index_bytes) != GetFixed(*trailer, 8, 4)) {
    return Status::Corruption(path + ": its index is damaged");
  }
  BinaryReader r(*index_bytes);
  std::vector<Entry> index(r.Count(6));
  for (size_t i = 0; i < index.size(); ++i) {
    Entry& e = index[i];
    e.kind = static_cast<Kind>(r.U64());
    e.name = r.Str();
    e.offset = r.U64();
    e.size = r.U64();
    e.raw_size = r.U64();
    e.crc = r.U64();
    if (e.kind > Kind::kAgencyPlans || e.offset + e.size > index_at || e.offset < kHeaderBytes) {
      return Status::Corruption(path + ": its index is damaged");
    }
    // The four shared sections come first, in order; then plans, tasks and counts.
    if (i < 4 ? e.kind != static_cast<Kind>(i) : e.kind < Kind::kTasks) {
      return Status::Corruption(path + ": its sections are out of order");
    }
  }
  if (!r.ok() || !r.done() || index.size() < 4) {
    return Status::Corruption(path + ": its index is damaged");
  }
  return index;
}

// One section's bytes, decoded into `raw`.
Status ReadSection(const CheckpointInfo& info, const Input& in, const Entry& e, std::string& raw) {
  auto stored = in.Read(e.offset, e.size);
  if (!stored.ok()) return stored.status();
  // A damaged index could name any size: no section is larger than the file times zstd's best
  // ratio.
  if (Crc(*stored) != e.crc || e.raw_size > (e.size + 1) * 1024 ||
      !Decompress(*stored, e.raw_size, raw)) {
    return Status::Corruption(info.path + ": a section (" + e.name + ") is damaged");
  }
  return Status::Ok();
}

}  // namespace

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
