// Projection checkpoints: a checkpoint plus the log after it is the state folded from zero, at any
// cut; a damaged, foreign or half-written checkpoint is set aside and the answers stay right.
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
#include "server/app/checkpoint.h"
#include "server/app/checkpointer.h"
#include "tests/support/temp_dir.h"
#include "webhooks/subscription.h"

using namespace taskledger;
using namespace taskledger::server;
using namespace taskledger::domain;
using taskledger::testing::TempDir;
namespace fs = std::filesystem;

namespace {

const Actor kCoordinator{ActorRole::kCoordinator, "", "test"};
const Actor kSystem{ActorRole::kSystem, "", "webhooks"};
const char* const kAgencies[] = {"so-gddt", "so-tc", "truong-a", "truong-b", "ubnd-q1"};
const char* const kDeadlines[] = {"Năm 2026", "Hàng năm", "2025; 2026; 2027", "tháng 6/2026",
                                  "Thường xuyên", "Quý III/2026", "Năm học 2026-2027",
                                  "31/12/2025", "Theo lộ trình của Bộ GDĐT"};

// A random history made of the domain's own commands (and tokens, webhooks, idempotency keys),
// recorded by a real App over simulated weeks.
class History {
 public:
  History(const std::string& dir, uint64_t seed) : rng_(seed) {
    AppOptions o;
    o.data_dir = dir;
    o.clock_ms = [this] { return now_.load(); };
    o.checkpoints.enabled = false;  // the tests write and read them explicitly
    auto app = App::Open(o);
    REQUIRE(app.ok());
    app_ = std::move(*app);
    for (const char* id : kAgencies) {
      Do(RegisterAgency{{id, std::string("Cơ quan ") + id, "", AgencyKind::kDepartment, "", {}, {}}});
    }
    Do(RegisterAgency{
        {"nhom-truong", "Các trường", "", AgencyKind::kGroup, "", {}, {"truong-a", "truong-b"}}});
    for (const char* id : {"plan-a", "plan-b"}) {
      domain::Plan p;
      p.id = id;
      p.title = std::string("Kế hoạch ") + id;
      p.period = {{2025, 1, 1}, {2027, 12, 31}};
      p.sections = {{"I", "Tuyên truyền", ""}, {"II", "Cơ chế", ""}};
      Do(CreatePlan{p});
    }
    for (int i = 0; i < 8; ++i) NewTask();
  }

  App& app() { return *app_; }
  void Close() { app_.reset(); }

  void Do(const Command& c, const Actor& a = kCoordinator) {
    std::promise<Result<CommandOutcome>> done;
    CommandOptions options;
    if (Pick(6) == 0) {  // now and then with an Idempotency-Key, some of them sent twice
      options.idempotency_key = "key-" + std::to_string(Pick(20));
      options.fingerprint = options.idempotency_key;
      options.token_id = "tok";
    }
    app_->Execute(c, a, options, [&](Result<CommandOutcome> r) { done.set_value(std::move(r)); });
    done.get_future().get();  // refused commands are part of a random history too
  }

  void NewTask() {
    CreateTask c;
    c.plan = Pick(2) ? "plan-a" : "plan-b";
    c.code = "T" + std::to_string(tasks_.size() + 1);
    c.title = "Nhiệm vụ " + c.code;
    c.section = Pick(2) ? "I" : "II";
    c.lead = {Agency()};
    c.coordinating = {Agency(), "nhom-truong"};
    c.deliverable = "Báo cáo";
    c.deadline = kDeadlines[Pick(std::size(kDeadlines))];
    Do(c);
    tasks_.push_back(c.plan + ":" + c.code);
  }

  // One random step, a few hours after the last.
  void Step() {
    now_ += static_cast<int64_t>(1 + Pick(30)) * 3600 * 1000;
    const std::string task = tasks_[Pick(tasks_.size())];
    std::string occurrence = "1", lead = "so-gddt";
    app_->Read([&](const Ledger& l, const TokenTable&) {
      if (const Task* t = l.FindTask(task)) {
        lead = t->lead.front();
        std::vector<std::string> open;
        for (const Occurrence& o : t->occurrences) {
          if (o.open()) open.push_back(o.key);
        }
        if (!open.empty()) occurrence = open[Pick(open.size())];
      }
    });
    const Actor agency{ActorRole::kAgency, lead, "desk"};
    switch (Pick(17)) {
      case 0: return NewTask();
      case 1: return Do(Reassign{task, {Agency()}, {Agency()}, "đổi đơn vị"});
      case 2: return Do(ChangeDeadline{task, kDeadlines[Pick(std::size(kDeadlines))], "lùi hạn"});
      case 3: return Do(StartWork{task, occurrence}, agency);
      case 4:
        return Do(ReportProgress{task, occurrence, static_cast<int>(Pick(100)), "tiến độ", "{}"},
                  agency);
      case 5:
        return Do(SubmitDeliverable{task, occurrence,
                                    {"d" + std::to_string(Pick(1 << 20)), "Báo cáo.pdf", "", 0,
                                     "gửi Sở"}},
                  agency);
      case 6: {
        std::string deliverable;
        app_->Read([&](const Ledger& l, const TokenTable&) {
          const Task* t = l.FindTask(task);
          const Occurrence* o = t ? t->Find(occurrence) : nullptr;
          if (o && !o->deliverables.empty()) deliverable = o->deliverables.back().id;
        });
        return Do(ReviewDeliverable{task, occurrence, deliverable, Pick(3) != 0, "ý kiến"});
      }
      case 7:
        return Do(RequestExtension{task, occurrence, "x" + std::to_string(Pick(1 << 20)),
                                   AddDays({2026, 6, 30}, static_cast<int64_t>(Pick(400))),
                                   "cần thêm thời gian"},
                  agency);
      case 8: {
        std::string request;
        app_->Read([&](const Ledger& l, const TokenTable&) {
          const Task* t = l.FindTask(task);
          const Occurrence* o = t ? t->Find(occurrence) : nullptr;
          if (o && !o->extensions.empty()) request = o->extensions.back().id;
        });
        return Do(DecideExtension{task, occurrence, request, Pick(2) == 0, std::nullopt, "ok"});
      }
      case 9: return Do(CancelOccurrence{task, occurrence, "không còn phù hợp"});
      case 10: return Do(AddComment{task, occurrence, "Đề nghị khẩn trương"}, agency);
      case 11: return Do(EditTask{task, "Tên mới " + std::to_string(Pick(99)), {}, {}, {}, "sửa"});
      case 12: {
        Notification n;
        n.message = "msg_" + std::to_string(Pick(1 << 20));
        n.endpoint = "wh_1";
        n.agency = lead;
        n.type = "task.deadline.approaching";
        n.delivered = Pick(2) == 0;
        n.attempts = 1 + static_cast<int>(Pick(3));
        n.at_ms = now_;
        return Do(RecordNotification{task, occurrence, n}, kSystem);
      }
      case 13: {
        NewToken t = MintToken(ActorRole::kAgency, Agency(), "desk", "coordinator:test");
        REQUIRE(app_->AppendAndFold(t.stream, ExpectedVersion::NoStream(), {t.event}).ok());
        tokens_.push_back(t.record.id);
        return;
      }
      case 14:
        if (tokens_.empty()) return;
        (void)app_->AppendAndFold(TokenStream(tokens_.back()), ExpectedVersion::Any(),
                                  {RevokeEvent(tokens_.back(), "coordinator:test")});
        tokens_.pop_back();
        return;
      case 15: return Webhook();
      default:
        return Do(RegisterAgency{{Agency(), "Tên mới", "", AgencyKind::kDepartment, "",
                                  {"Bí danh " + std::to_string(Pick(9))}, {}},
                                 true});
    }
  }

  int64_t now() const { return now_; }
  void set_now(int64_t ms) { now_ = ms; }

 private:
  size_t Pick(size_t n) { return static_cast<size_t>(rng_() % n); }
  std::string Agency() { return kAgencies[Pick(std::size(kAgencies))]; }

  void Webhook() {
    const std::string id = "wh_" + std::to_string(1000 + Pick(3));
    webhooks::SubscriptionSpec spec;
    spec.url = "https://example.org/hook/" + std::to_string(Pick(9));
    spec.agency = Agency();
    spec.description = "hệ thống";
    const Actor actor = kCoordinator;
    auto decision = app_->ReadWebhooks([&](const Ledger& l, const webhooks::Registry& r) {
      const bool exists = r.Find(id) && !r.Find(id)->deleted;
      if (!exists) return webhooks::DecideCreate(r, l, id, spec, actor);
      if (Pick(3) == 0) return webhooks::DecideDelete(r, id, actor);
      spec.agency.reset();
      return webhooks::DecideUpdate(r, l, id, spec, actor);
    });
    if (!decision.ok()) return;
    std::promise<void> done;
    app_->Submit(std::move(*decision), [&](Result<CommandOutcome>) { done.set_value(); });
    done.get_future().get();
  }

  std::mt19937_64 rng_;
  std::atomic<int64_t> now_{StartOfDayUtcMs({2025, 12, 1}) + 9 * 3600 * 1000};
  std::unique_ptr<App> app_;
  std::vector<std::string> tasks_;
  std::vector<std::string> tokens_;
};

// The state the log up to `to` folds into, from nothing.
std::unique_ptr<State> FoldFromZero(const EventStore& store, uint64_t to) {
  auto s = std::make_unique<State>();
  s->ledger.BeginReplay();
  if (to > 0) {
    REQUIRE(store.Scan(1, to, [&](const EventView& e) { return s->Apply(e).ok(); }).ok());
  }
  REQUIRE(s->position() == to);
  return s;
}

void FoldTail(const EventStore& store, State& s, uint64_t to) {
  if (to > s.position()) {
    REQUIRE(store.Scan(s.position() + 1, to, [&](const EventView& e) { return s.Apply(e).ok(); })
                .ok());
  }
}

// Every part of a state, in its canonical binary form.
std::string Canonical(const State& s) {
  std::string out;
  EncodeSections(s, [&](int kind, std::string_view plan, std::string_view bytes) {
    out += std::to_string(kind) + ":" + std::string(plan) + ":" + std::string(bytes) + "\n";
  });
  return out;
}

// What the indexes answer (each agency's list, each plan's report), rebuilt after a replay.
std::string Answers(const Ledger& l, const std::vector<std::string>& plans, Date today) {
  std::string out;
  for (const Agency* a : l.Agencies()) {
    out += a->id + ":";
    for (const AgencyItem& item : l.AgencyTasks(a->id, today, {std::nullopt, 1000, true})) {
      if (std::find(plans.begin(), plans.end(), item.task->plan) == plans.end()) continue;
      out += " " + item.task->id + "/" + item.occurrence->key;
    }
    out += "\n";
  }
  for (const std::string& p : plans) {
    auto r = l.Report(p, today);
    if (!r.ok()) {  // not created yet
      out += p + ": " + r.status().message() + "\n";
      continue;
    }
    for (const ReportLine& line : r->lines) {
      out += line.task->id + "/" + line.occurrence->key + "=" +
             std::string(ToString(line.category)) + "\n";
    }
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
      }
    }
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

  AppOptions o;
  o.data_dir = data;
  const int64_t later = end + 24 * 3600 * 1000;
  o.clock_ms = [later] { return later; };
  o.past_cache = 0;
  o.checkpoints.recent_days = 10;
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
  }
  auto app = App::Open(o);
  REQUIRE(app.ok());
  REQUIRE((*app)->opened().checkpoint);
  CHECK((*app)->opened().events_folded < (*app)->store().head().position / 4);
  for (size_t i = 0; i < days.size(); ++i) {
    INFO(ToIso(days[i]));
    auto whole = (*app)->LedgerAsOf(days[i], "");
    REQUIRE(whole.ok());
    CHECK(Answers(**whole, {"plan-a", "plan-b"}, days[i]) == full[i]);
    auto one = (*app)->LedgerAsOf(days[i], "plan-b");
    REQUIRE(one.ok());
    CHECK(Answers(**one, {"plan-b"}, days[i]) ==
          Answers(**whole, {"plan-b"}, days[i]));
  }
  // A series, jumping between checkpoints, sees what each day's fold sees.
  std::vector<std::string> series;
  REQUIRE((*app)
              ->FoldThrough(days, "plan-a",
                            [&](size_t i, const Ledger& l) {
                              series.push_back(Answers(l, {"plan-a"}, days[i]));
                            })
              .ok());
  for (size_t i = 0; i < days.size(); ++i) {
    auto whole = (*app)->LedgerAsOf(days[i], "");
    CHECK(series[i] == Answers(**whole, {"plan-a"}, days[i]));
  }
}

namespace {

// Opens `data` with checkpoints and returns the running state's canonical form.
std::string OpenedState(const std::string& data, int64_t now,
                        std::optional<CheckpointInfo>* used = nullptr) {
  AppOptions o;
  o.data_dir = data;
  o.clock_ms = [now] { return now; };
  auto app = App::Open(o);
  REQUIRE(app.ok());
  if (used) *used = (*app)->opened().checkpoint;
  std::string out;
  (*app)->Read([&](const Ledger& l, const TokenTable&) {
    out = Answers(l, {"plan-a", "plan-b"}, {2026, 7, 1});
  });
  return out;
}

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
  const std::string truth = [&] {
    AppOptions o;
    o.data_dir = data;
    o.clock_ms = [later] { return later; };
    o.checkpoints.enabled = false;
    auto app = App::Open(o);
    REQUIRE(app.ok());
    std::string out;
    (*app)->Read([&](const Ledger& l, const TokenTable&) {
      out = Answers(l, {"plan-a", "plan-b"}, {2026, 7, 1});
    });
    return out;
  }();
  std::string newest;
  const auto write_all = [&] {
    fs::remove_all(data + "/checkpoints");
    AppOptions o;
    o.data_dir = data;
    o.clock_ms = [later] { return later; };
    auto app = App::Open(o);
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
    REQUIRE(WriteCheckpoint(*state, e->hash, e->recorded_at_ms, all.back().day,
                            all.back().path)
                .ok());
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

TEST_CASE("kill -9 while checkpoints are being written: start-up is right", "[server][checkpoint]") {
  TempDir dir;
  const std::string data = dir.path() + "/data";
  History h(data, 11);
  for (int i = 0; i < 250; ++i) h.Step();
  const int64_t later = h.now() + 24 * 3600 * 1000;
  h.Close();
  std::string truth;
  {
    AppOptions o;
    o.data_dir = data;
    o.checkpoints.enabled = false;
    auto app = App::Open(o);
    REQUIRE(app.ok());
    (*app)->Read([&](const Ledger& l, const TokenTable&) {
      truth = Answers(l, {"plan-a", "plan-b"}, {2026, 7, 1});
    });
  }
  std::mt19937_64 rng(3);
  for (int round = 0; round < 6; ++round) {
    fs::remove_all(data + "/checkpoints");
    const pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
      // Writes every checkpoint again and again until killed.
      AppOptions o;
      o.data_dir = data;
      o.clock_ms = [later] { return later; };
      auto app = App::Open(o);
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
