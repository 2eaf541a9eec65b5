// Projection checkpoints: a checkpoint plus the log after it is the state folded from zero, at any
// cut; a damaged, foreign or half-written checkpoint is set aside and the answers stay right.
#include "server/app/checkpoint.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <future>
#include <random>

#include "domain/date.h"
#include "server/app/app.h"
#include "server/app/checkpointer.h"
#include "tests/server/random_history.h"
#include "tests/support/temp_dir.h"

using namespace taskledger;
using namespace taskledger::server;
using namespace taskledger::domain;
using taskledger::testing::TempDir;
namespace fs = std::filesystem;

using namespace taskledger::testing;

namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Options for an App on `data` whose clock stands at `now`.
AppOptions Options(const std::string& data, int64_t now, bool checkpoints = true) {
  AppOptions o;
  o.data_dir = data;
  o.clock_ms = [now] { return now; };
  o.checkpoints.enabled = checkpoints;
  return o;
}

// Opens `data` (with checkpoints, or folding the whole log) and returns what the running state
// answers.
std::string OpenedState(const std::string& data, int64_t now,
                        std::optional<CheckpointInfo>* used = nullptr, bool checkpoints = true) {
  auto app = App::Open(Options(data, now, checkpoints));
  REQUIRE(app.ok());
  if (used) *used = (*app)->opened().checkpoint;
  std::string out;
  (*app)->Read([&](const Ledger& l) { out = Answers(l, {"plan-a", "plan-b"}, {2026, 7, 1}); });
  return out;
}

// One agency's open occurrences as its list shows them, every plan's.
std::string AgencyList(const Ledger& l, const std::string& agency, Date today) {
  std::string out;
  for (const AgencyItem& item : l.AgencyTasks(agency, today, {std::nullopt, 1000, true})) {
    out += item.task->id + "/" + item.occurrence->key + "/" + std::string(ToString(item.role)) +
           "/" + item.via + "/" + std::to_string(item.days_left.value_or(9999)) + "\n";
  }
  return out;
}

}  // namespace

TEST_CASE("a checkpoint plus the log after it is the state folded from zero, at any cut",
          "[server][checkpoint]") {
  for (uint64_t seed : {1u, 2u, 3u}) {
    TempDir dir;
    History h(dir.path() + "/data", seed);
    for (int i = 0; i < 400; ++i) h.Step();
    const EventStore& store = h.app().store();
    const uint64_t head = store.head().position;
    const Date today{2026, 7, 1};
    std::mt19937_64 rng(seed * 77);
    for (int round = 0; round < 6; ++round) {
      const uint64_t cut = 1 + rng() % head;
      auto at_cut = FoldFromZero(store, cut);
      auto event = store.Get(cut);
      REQUIRE(event.ok());
      const std::string path = dir.path() + "/cut.ckpt";
      REQUIRE(WriteCheckpoint(*at_cut, event->hash, event->recorded_at_ms,
                              DateAtUtcMs(event->recorded_at_ms), path)
                  .ok());
      auto info = ReadCheckpointInfo(path);
      REQUIRE(info.ok());
      CHECK(info->position == cut);
      for (int k = 0; k < 3; ++k) {
        const uint64_t to = cut + rng() % (head - cut + 1);
        INFO("seed " << seed << ", checkpoint at " << cut << ", folded to " << to);
        auto expected = FoldFromZero(store, to);
        State loaded;
        REQUIRE(LoadCheckpoint(*info, loaded).ok());
        FoldTail(store, loaded, to);
        CHECK(Canonical(loaded) == Canonical(*expected));
        expected->ledger.EndReplay();
        loaded.ledger.EndReplay();
        CHECK(Answers(loaded.ledger, {"plan-a", "plan-b"}, today) ==
              Answers(expected->ledger, {"plan-a", "plan-b"}, today));
        // One plan's part alone answers for that plan alike.
        const std::set<std::string, std::less<>> only{"plan-a"};
        State one;
        REQUIRE(LoadCheckpoint(*info, one, &only).ok());
        FoldTail(store, one, to);
        one.ledger.EndReplay();
        CHECK(Answers(one.ledger, {"plan-a"}, today) ==
              Answers(expected->ledger, {"plan-a"}, today));
        // Without the parts' details (a state for reports), the answers are the same too.
        State lean;
        REQUIRE(LoadCheckpoint(*info, lean, &only, /*details=*/false).ok());
        FoldTail(store, lean, to);
        lean.ledger.EndReplay();
        CHECK(Answers(lean.ledger, {"plan-a"}, today) ==
              Answers(expected->ledger, {"plan-a"}, today));
      }
    }
  }
}

TEST_CASE(
    "a checkpoint that copies the plans unchanged since the last is the full one, byte for byte",
    "[server][checkpoint]") {
  int copies = 0;
  for (uint64_t seed : {4u, 5u, 6u, 7u}) {
    TempDir dir;
    History h(dir.path() + "/data", seed);
    for (int i = 0; i < 300; ++i) h.Step();
    const EventStore& store = h.app().store();
    const uint64_t head = store.head().position;
    std::mt19937_64 rng(seed * 31);
    for (int round = 0; round < 4; ++round) {
      const uint64_t first = 1 + rng() % head;
      // A short day (a few plans touched) and a long one (most of them, groups changing).
      const uint64_t second = std::min(head, first + 1 + rng() % (round % 2 ? 200 : 8));
      INFO("seed " << seed << ", from " << first << " to " << second);
      const auto write = [&](const State& s, uint64_t at, const std::string& path,
                             const CheckpointReuse* reuse) {
        auto e = store.Get(at);
        REQUIRE(e.ok());
        REQUIRE(WriteCheckpoint(s, e->hash, e->recorded_at_ms, DateAtUtcMs(e->recorded_at_ms), path,
                                reuse)
                    .ok());
      };
      const std::string base_path = dir.path() + "/base.ckpt";
      write(*FoldFromZero(store, first), first, base_path, nullptr);
      auto base = ReadCheckpointInfo(base_path);
      REQUIRE(base.ok());
      State s;
      REQUIRE(LoadCheckpoint(*base, s).ok());
      s.ledger.TrackChanges();
      FoldTail(store, s, second);
      const std::string full = dir.path() + "/full.ckpt", copied = dir.path() + "/copied.ckpt";
      write(*FoldFromZero(store, second), second, full, nullptr);
      const auto changed = s.ledger.ChangedPlans();
      if (!changed) continue;  // a group's members changed: every plan is written afresh
      CheckpointReuse reuse{*base, *changed};
      write(s, second, copied, &reuse);
      CHECK(ReadFile(copied) == ReadFile(full));
      if (changed->size() < 2) ++copies;  // of History's two plans, one (or both) copied
    }
  }
  CHECK(copies > 0);  // the rounds did copy plans, not only write them afresh
}

TEST_CASE("the log folded again up to any event answers as the live state did then, parts and all",
          "[server][checkpoint][parts]") {
  for (uint64_t seed : {4u, 5u}) {
    TempDir dir;
    History h(dir.path() + "/data", seed);
    // What the live state answered right after each step, at the position it had folded.
    std::vector<std::pair<uint64_t, std::string>> live;
    std::vector<Date> days;
    for (int i = 0; i < 250; ++i) {
      h.Step();
      const Date today = DateAtUtcMs(h.now());
      h.app().Read([&](const Ledger& l) {
        live.emplace_back(l.position(), Answers(l, {"plan-a", "plan-b"}, today));
      });
      days.push_back(today);
    }
    const EventStore& store = h.app().store();
    size_t parts = 0;
    for (size_t i = 0; i < live.size(); ++i) {
      INFO("seed " << seed << ", step " << i << ", position " << live[i].first);
      auto again = FoldFromZero(store, live[i].first);
      again->ledger.EndReplay();
      CHECK(Answers(again->ledger, {"plan-a", "plan-b"}, days[i]) == live[i].second);
      parts += live[i].second.find("/part:") != std::string::npos;
    }
    CHECK(parts > 50);  // the history did reach members' parts
  }
}

TEST_CASE("checkpoints are written at day ends and month ends, and 'as of' answers do not change",
          "[server][checkpoint]") {
  TempDir dir;
  const std::string data = dir.path() + "/data";
  History h(data, 9);
  for (int i = 0; i < 200; ++i) h.Step();  // about four months
  const int64_t end = h.now();
  Date first = DateAtUtcMs(StartOfDayUtcMs({2025, 12, 1}));
  Date last = DateAtUtcMs(end);
  // The answers of a full fold, for several past days.
  std::vector<Date> days;
  for (Date d = AddDays(first, 3); d < last; d = AddDays(d, 11)) days.push_back(d);
  std::vector<std::string> full;
  for (Date d : days) {
    auto l = h.app().LedgerAsOf(d, "");
    REQUIRE(l.ok());
    full.push_back(Answers(**l, {"plan-a", "plan-b"}, d));
  }
  h.Close();

  const int64_t later = end + 24 * 3600 * 1000;
  AppOptions o = Options(data, later);
  o.past_cache = 0;
  o.checkpoints.recent_days = 10;
  o.jump_events = 0;  // any checkpoint nearer than the state is worth loading: every one is used
  {
    auto app = App::Open(o);
    REQUIRE(app.ok());
    CHECK_FALSE((*app)->opened().checkpoint);
    auto written = (*app)->checkpoints().CatchUp(false);
    REQUIRE(written.ok());
    CHECK(*written > 3);
    // Kept: month ends, and the last ten days.
    const Date today = DateAtUtcMs(later);
    for (const CheckpointInfo& c : (*app)->checkpoints().List()) {
      INFO(ToIso(c.day));
      CHECK(Checkpoints::Kept(c.day, today, 10));
    }
    // Nothing is missing: a second pass writes nothing.
    CHECK(*(*app)->checkpoints().CatchUp(false) == 0);
    // A gap (one removed from the middle) is filled again, with the same bytes.
    const std::vector<CheckpointInfo> all = (*app)->checkpoints().List();
    REQUIRE(all.size() > 3);
    const std::string middle = all[all.size() / 2].path;
    const std::string bytes = ReadFile(middle);
    fs::remove(middle);
    CHECK(*(*app)->checkpoints().CatchUp(false) == 1);
    CHECK(ReadFile(middle) == bytes);
  }
  auto app = App::Open(o);
  REQUIRE(app.ok());
  REQUIRE((*app)->opened().checkpoint);
  CHECK((*app)->opened().events_folded < (*app)->store().head().position / 4);
  int fewer = 0;
  for (size_t i = 0; i < days.size(); ++i) {
    INFO(ToIso(days[i]));
    auto whole = (*app)->LedgerAsOf(days[i], "");
    REQUIRE(whole.ok());
    CHECK(Answers(**whole, {"plan-a", "plan-b"}, days[i]) == full[i]);
    auto one = (*app)->LedgerAsOf(days[i], "plan-b");
    REQUIRE(one.ok());
    CHECK(Answers(**one, {"plan-b"}, days[i]) == Answers(**whole, {"plan-b"}, days[i]));
    // An agency's list from only the plans the checkpoint says it took part in is its list
    // from every plan.
    for (const Agency* a : (*whole)->Agencies()) {
      INFO(a->id);
      auto mine = (*app)->AgencyAsOf(days[i], a->id);
      REQUIRE(mine.ok());
      CHECK(AgencyList(**mine, a->id, days[i]) == AgencyList(**whole, a->id, days[i]));
      fewer += (*mine)->Plans().size() < (*whole)->Plans().size();
    }
  }
  CHECK(fewer > 0);  // some lists did load fewer plans
  // A series, jumping between checkpoints (whole ones, or the plan's part alone), sees what each
  // day's fold sees.
  for (const bool plan_only : {false, true}) {
    INFO("plan only: " << plan_only);
    std::vector<std::string> series;
    REQUIRE((*app)
                ->FoldThrough(
                    days, "plan-a",
                    [&](size_t i, const Ledger& l) {
                      series.push_back(Answers(l, {"plan-a"}, days[i]));
                    },
                    plan_only)
                .ok());
    for (size_t i = 0; i < days.size(); ++i) {
      auto whole = (*app)->LedgerAsOf(days[i], "");
      CHECK(series[i] == Answers(**whole, {"plan-a"}, days[i]));
    }
  }
  // Each checkpoint saved each plan's counts as of its day: those a full fold reports.
  int saved = 0;
  for (const CheckpointInfo& c : (*app)->checkpoints().List()) {
    INFO(ToIso(c.day));
    auto whole = (*app)->LedgerAsOf(c.day, "");
    REQUIRE(whole.ok());
    for (const char* plan : {"plan-a", "plan-b"}) {
      auto report = (**whole).Report(plan, c.day);
      const std::optional<PlanCounts> counts = (*app)->CountsAt(c.day, plan);
      REQUIRE(counts.has_value() == report.ok());
      if (!counts) continue;
      CHECK(*counts == CountsOf(*report));
      CHECK(counts->totals.tasks.total() == static_cast<int>(report->lines.size()));
      saved += counts->totals.tasks.total() > 0;
    }
  }
  CHECK(saved > 3);
  // A day without a checkpoint of its own has none (it is folded).
  CHECK_FALSE((*app)->CountsAt(AddDays(first, 1), "plan-a"));
}

namespace {

void Patch(const std::string& path, size_t at, char byte) {
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  f.seekp(static_cast<std::streamoff>(at));
  f.put(byte);
}

}  // namespace

TEST_CASE("a damaged, foreign or other-version checkpoint is set aside and start-up stays right",
          "[server][checkpoint]") {
  TempDir dir;
  const std::string data = dir.path() + "/data";
  History h(data, 5);
  for (int i = 0; i < 120; ++i) h.Step();
  const int64_t later = h.now() + 24 * 3600 * 1000;
  h.Close();
  const std::string truth = OpenedState(data, later, nullptr, /*checkpoints=*/false);
  std::string newest;
  const auto write_all = [&] {
    fs::remove_all(data + "/checkpoints");
    auto app = App::Open(Options(data, later));
    REQUIRE(app.ok());
    REQUIRE((*app)->checkpoints().CatchUp(false).ok());
    auto all = (*app)->checkpoints().List();
    REQUIRE(all.size() >= 2);
    newest = all.back().path;
    return all;
  };

  SECTION("a flipped byte in a section") {
    auto all = write_all();
    Patch(all.back().path, all.back().bytes / 2, '\x5a');
  }
  SECTION("a truncated file") {
    auto all = write_all();
    fs::resize_file(all.back().path, all.back().bytes - 100);
  }
  SECTION("another format version, with a header that checks") {
    auto all = write_all();
    std::string bytes;
    {
      std::ifstream in(all.back().path, std::ios::binary);
      bytes.assign(std::istreambuf_iterator<char>(in), {});
    }
    bytes[12] = static_cast<char>(bytes[12] + 1);  // the fold version
    uLong crc = crc32(0L, Z_NULL, 0);
    crc = crc32(crc, reinterpret_cast<const Bytef*>(bytes.data()), 72);
    for (int i = 0; i < 4; ++i) bytes[72 + i] = static_cast<char>((crc >> (8 * i)) & 0xFF);
    std::ofstream(all.back().path, std::ios::binary | std::ios::trunc) << bytes;
  }
  SECTION("a checkpoint of another log at the same position") {
    auto all = write_all();
    // The same history's first steps on another seed: same position, other events.
    TempDir other;
    History o(other.path() + "/data", 6);
    while (o.app().store().head().position < all.back().position) o.Step();
    auto state = FoldFromZero(o.app().store(), all.back().position);
    auto e = o.app().store().Get(all.back().position);
    REQUIRE(
        WriteCheckpoint(*state, e->hash, e->recorded_at_ms, all.back().day, all.back().path).ok());
  }
  std::optional<CheckpointInfo> used;
  CHECK(OpenedState(data, later, &used) == truth);
  // It was set aside, with its name, and an older one used instead.
  CHECK(fs::exists(data + "/checkpoints/set-aside/" + fs::path(newest).filename().string()));
  CHECK_FALSE(fs::exists(newest));
  REQUIRE(used);
  CHECK(used->path != newest);
  CHECK(OpenedState(data, later) == truth);
}

TEST_CASE("kill -9 while checkpoints are being written: start-up is right",
          "[server][checkpoint]") {
  TempDir dir;
  const std::string data = dir.path() + "/data";
  History h(data, 11);
  for (int i = 0; i < 250; ++i) h.Step();
  const int64_t later = h.now() + 24 * 3600 * 1000;
  h.Close();
  const std::string truth = OpenedState(data, later, nullptr, /*checkpoints=*/false);
  std::mt19937_64 rng(3);
  for (int round = 0; round < 6; ++round) {
    fs::remove_all(data + "/checkpoints");
    const pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
      // Writes every checkpoint again and again until killed.
      auto app = App::Open(Options(data, later));
      if (!app.ok()) _exit(3);
      for (;;) {
        fs::remove_all(data + "/checkpoints");
        (void)(*app)->checkpoints().CatchUp(false);
      }
    }
    usleep(static_cast<useconds_t>(20'000 + rng() % 150'000));
    kill(child, SIGKILL);
    int status = 0;
    waitpid(child, &status, 0);
    REQUIRE(WIFSIGNALED(status));
    INFO("round " << round);
    CHECK(OpenedState(data, later) == truth);
  }
}
