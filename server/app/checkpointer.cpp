#include "server/app/checkpointer.h"

#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <map>

#include "events/util/disk_space.h"
#include "events/util/progress.h"

namespace taskledger::server {
namespace fs = std::filesystem;
using domain::Date;

namespace {

bool IsMonthEnd(Date d) { return d.day == domain::LastDayOfMonth(d.year, d.month); }

}  // namespace

Checkpoints::Checkpoints(std::string dir, const EventStore& store, std::function<int64_t()> clock,
                         CheckpointOptions options)
    : dir_(std::move(dir)), store_(store), clock_(std::move(clock)), options_(options) {}

Checkpoints::~Checkpoints() { Stop(); }

bool Checkpoints::Kept(Date day, Date today, int recent_days) {
  const int64_t ago = domain::DaysBetween(day, today);
  return IsMonthEnd(day) || ago <= recent_days || domain::Weekday(day) == 6;
}

std::string Checkpoints::PathFor(Date day, uint64_t position) const {
  char name[64];
  std::snprintf(name, sizeof name, "%s-%012llu.ckpt", domain::ToIso(day).c_str(),
                static_cast<unsigned long long>(position));
  return dir_ + "/" + name;
}

std::vector<CheckpointInfo> Checkpoints::List() const {
  {
    std::lock_guard lock(list_mu_);
    if (listed_) return *listed_;
  }
  std::vector<CheckpointInfo> out;
  std::vector<std::pair<CheckpointInfo, std::string>> bad;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir_, ec)) {
    if (entry.path().extension() != ".ckpt") continue;
    auto info = ReadCheckpointInfo(entry.path().string(), options_.fs);
    if (info.ok()) {
      out.push_back(std::move(*info));
    } else if (info.status().code() == Status::Code::kCorruption) {
      CheckpointInfo b;
      b.path = entry.path().string();
      bad.emplace_back(std::move(b), info.status().message());
    }
  }
  for (const auto& [info, why] : bad) SetAside(info, why);
  std::sort(out.begin(), out.end(),
            [](const auto& a, const auto& b) { return a.position < b.position; });
  std::lock_guard lock(list_mu_);
  listed_ = out;
  return out;
}

void Checkpoints::Forget() const {
  std::lock_guard lock(list_mu_);
  listed_.reset();
}

void Checkpoints::SetAside(const CheckpointInfo& info, const std::string& why) const {
  const fs::path from(info.path);
  const fs::path to = from.parent_path() / "set-aside" / from.filename();
  std::error_code ec;
  fs::create_directories(to.parent_path(), ec);
  fs::rename(from, to, ec);
  Forget();
  if (ec) return;  // another reader set it aside first, or pruning removed it
  spdlog::warn("checkpoint {} set aside, the log will be folded from an older one: {}",
               from.filename().string(), why);
}

std::optional<CheckpointInfo> Checkpoints::LoadNearest(
    uint64_t position, std::unique_ptr<State>& state,
    const std::set<std::string, std::less<>>* plans, bool details) const {
  state = std::make_unique<State>();
  if (options_.enabled) {
    std::vector<CheckpointInfo> all = List();
    for (auto it = all.rbegin(); it != all.rend(); ++it) {
      if (it->position > position) continue;
      if (!Usable(*it)) continue;
      Status s = LoadCheckpoint(*it, *state, plans, details);
      if (s.ok()) return *it;
      if (s.code() == Status::Code::kCorruption) {
        SetAside(*it, s.message());
      } else {
        spdlog::warn("checkpoint {} not used: {}", it->path, s.message());
      }
      state = std::make_unique<State>();
    }
  }
  if (plans) state->ledger.LimitToPlans(*plans);
  state->ledger.BeginReplay();
  return std::nullopt;
}

bool Checkpoints::Usable(const CheckpointInfo& info) const {
  if (!options_.enabled) return false;
  if (info.format != kCheckpointFormat || info.fold_version != domain::Ledger::kFoldVersion) {
    SetAside(info, "written by another version of TaskLedger (format " +
                       std::to_string(info.format) + ", fold " + std::to_string(info.fold_version) +
                       ")");
    return false;
  }
  const Result<bool> matches = Matches(info);
  if (!matches.ok()) {
    spdlog::warn("checkpoint {} not used: {}", info.path, matches.status().message());
    return false;
  }
  if (!*matches) {
    SetAside(info, "the log's event at position " + std::to_string(info.position) +
                       " is not the one it was taken at (another hash, or the log is shorter)");
    return false;
  }
  return true;
}

Result<bool> Checkpoints::Matches(const CheckpointInfo& info) const {
  auto event = store_.Get(info.position);
  if (!event.ok()) {
    if (event.status().code() == Status::Code::kNotFound) return false;
    return event.status();
  }
  return event->hash == info.hash;
}

Result<int> Checkpoints::CatchUp(bool log_progress) {
  if (!options_.enabled) return 0;
  std::lock_guard guard(write_mu_);
  const uint64_t head = store_.head().position;
  const Date today = domain::DateAtUtcMs(clock_());
  if (head == 0) return 0;
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec) return Status::IOError("creating " + dir_ + ": " + ec.message());
  Forget();  // what is on disk now, whoever changed it

  // Every kept day from the log's first to yesterday that has no checkpoint: the newest days,
  // and any gap (a checkpoint set aside, or days this rule keeps that an older one did not).
  const std::vector<CheckpointInfo> have = List();
  std::map<Date, uint64_t> on_disk;
  for (const CheckpointInfo& c : have) on_disk[c.day] = c.position;
  auto first = store_.Get(1);
  if (!first.ok()) return first.status();
  struct Cut {
    Date day;
    uint64_t position;
  };
  std::vector<Cut> cuts;
  uint64_t previous = 0;
  for (Date d = domain::DateAtUtcMs(first->recorded_at_ms); d < today; d = domain::AddDays(d, 1)) {
    if (!Kept(d, today, options_.recent_days)) continue;
    if (auto it = on_disk.find(d); it != on_disk.end()) {
      previous = it->second;
      continue;
    }
    auto at = store_.PositionAt(domain::EndOfDayUtcMs(d));
    if (!at.ok()) return at.status();
    // A day without events is the day before it, except at a month's end, kept for good.
    if (*at == 0 || (*at == previous && !IsMonthEnd(d))) continue;
    cuts.push_back({d, *at});
    previous = *at;
  }
  int written = 0;
  if (!cuts.empty()) {
    // Not on the live server's disk floor: a checkpoint is only ever a saving.
    const uint64_t need = (have.empty() ? 0 : have.back().bytes) * 2 + DefaultFloorBytes(dir_);
    if (auto free = FreeBytes(dir_); free.ok() && *free < need) {
      return Status::NoSpace("not writing checkpoints: " + MiB(*free) + " free, " + MiB(need) +
                             " wanted");
    }
    Progress progress =
        log_progress ? Progress::Log("folding the log for checkpoints", cuts.back().position,
                                     [](const std::string& line) { spdlog::info("{}", line); })
                     : Progress();
    std::unique_ptr<State> state;
    // The checkpoint `state` was loaded from or last written as: the plans unchanged since are
    // copied from it rather than encoded again.
    std::optional<CheckpointInfo> base;
    for (const Cut& c : cuts) {
      // From the nearest checkpoint when one is nearer than the state folded so far.
      bool load = !state || state->position() > c.position;
      for (const CheckpointInfo& k : List()) {
        if (load) break;
        load = k.position > state->position() && k.position <= c.position;
      }
      if (load) {
        base = LoadNearest(c.position, state);
        state->ledger.TrackChanges();
      }
      Status s = state->FoldLog(store_, c.position, &progress,
                                [&](const EventView&) { return !stopping_.load(); });
      if (!s.ok()) return s;
      if (stopping_) break;
      auto event = store_.Get(c.position);
      if (!event.ok()) return event.status();
      const std::string path = PathFor(c.day, c.position);
      std::optional<CheckpointReuse> reuse;
      if (auto changed = state->ledger.ChangedPlans(); base && changed) {
        reuse = CheckpointReuse{*base, std::move(*changed)};
      }
      auto bytes = WriteCheckpoint(*state, event->hash, event->recorded_at_ms, c.day, path,
                                   reuse ? &*reuse : nullptr, options_.fs);
      if (!bytes.ok() && reuse) {
        // The one to copy from could not be read whole: write everything afresh.
        spdlog::warn("checkpoint of {}: {}; encoding every plan", domain::ToIso(c.day),
                     bytes.status().message());
        bytes = WriteCheckpoint(*state, event->hash, event->recorded_at_ms, c.day, path, nullptr,
                                options_.fs);
      }
      if (!bytes.ok()) return bytes.status();
      auto written_info = ReadCheckpointInfo(path, options_.fs);
      base = written_info.ok() ? std::optional<CheckpointInfo>(*written_info) : std::nullopt;
      state->ledger.TrackChanges();
      spdlog::info("checkpoint of {} written: position {}, {}", domain::ToIso(c.day), c.position,
                   MiB(*bytes));
      Forget();
      ++written;
    }
    progress.Finish();
  }
  Prune(today);
  return written;
}

Result<std::string> Checkpoints::CompareWithFold(const CheckpointInfo& info,
                                                 Progress* progress) const {
  State saved;
  if (Status s = LoadCheckpoint(info, saved); !s.ok()) return s;
  State fresh;
  fresh.ledger.BeginReplay();
  if (Status s = fresh.FoldLog(store_, info.position, progress); !s.ok()) return s;
  if (const Result<bool> matches = Matches(info); !matches.ok() || !*matches) {
    return std::string("its hash is not the log's at position " + std::to_string(info.position));
  }
  // Section by section: which part differs, and for tasks which plan's.
  static constexpr const char* kNames[] = {"agencies", "tokens", "webhooks and email addresses",
                                           "idempotency keys"};
  const auto sections = [](const State& st) {
    std::map<std::string, std::string> out;
    EncodeSections(st, [&](int kind, std::string_view plan, std::string_view bytes) {
      out[kind < 4    ? kNames[kind]
          : kind == 4 ? "tasks of plan " + std::string(plan)
                      : "plan " + std::string(plan)] = std::string(bytes);
    });
    return out;
  };
  const auto a = sections(saved), b = sections(fresh);
  std::string differs;
  for (const auto& [name, bytes] : b) {
    auto it = a.find(name);
    if (it == a.end() || it->second != bytes) differs += (differs.empty() ? "" : ", ") + name;
  }
  for (const auto& [name, bytes] : a) {
    if (!b.contains(name)) differs += (differs.empty() ? "" : ", ") + name + " (not in the log)";
  }
  return differs;
}

void Checkpoints::Prune(Date today) const {
  std::vector<CheckpointInfo> all = List();
  for (size_t i = 0; i + 1 < all.size(); ++i) {  // the newest always stays
    if (Kept(all[i].day, today, options_.recent_days)) continue;
    std::error_code ec;
    fs::remove(all[i].path, ec);
    Forget();
  }
  // What a crash left half-written (CatchUp holds write_mu_: nothing is being written now).
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir_, ec)) {
    if (entry.path().extension() == ".tmp") fs::remove(entry.path(), ec);
  }
}

void Checkpoints::Start() {
  if (!options_.enabled || thread_.joinable()) return;
  thread_ = std::thread([this] {
    // The lowest priority: a checkpoint is a saving, commands and reads come first. On a busy
    // server it takes longer; it never makes them wait for a CPU.
    if (::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), 19) != 0) {
      spdlog::debug("checkpoints: could not lower the writer's priority");
    }
    std::unique_lock lock(mu_);
    while (!stop_) {
      lock.unlock();
      if (auto r = CatchUp(); !r.ok() && !stopping_) {
        spdlog::warn("checkpoints: {}", r.status().message());
      }
      lock.lock();
      cv_.wait_for(lock, std::chrono::milliseconds(options_.check_every_ms),
                   [this] { return stop_; });
    }
  });
}

void Checkpoints::Stop() {
  stopping_ = true;
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace taskledger::server
