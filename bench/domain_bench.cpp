// Domain benchmarks: folding a realistic event mix into every projection, and answering
// "open occurrences of agency X ordered by due" over 100,000 tasks.
#include "bench/domain_bench.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>

#include "bench/bench_util.h"
#include "domain/commands.h"
#include "domain/ledger.h"
#include "events/rocks_event_store.h"

namespace taskledger::bench {
namespace {

using namespace taskledger::domain;

// Decides commands against a Ledger and records their events, as the server would.
class Generator {
 public:
  void Do(const Command& c, const Actor& a, int64_t now_ms) {
    auto d = Decide(ledger_, c, a, now_ms);
    if (!d.ok()) {
      std::fprintf(stderr, "generate: %s\n", d.status().ToString().c_str());
      std::exit(1);
    }
    for (NewEvent& e : d->events) {
      RecordedEvent r;
      r.position = log_.size() + 1;
      r.stream = d->stream;
      r.version = versions_[d->stream]++;
      r.type = std::move(e.type);
      r.recorded_at_ms = now_ms;
      r.actor = std::move(e.actor);
      r.data = std::move(e.data);
      log_.push_back(std::move(r));
      if (!ledger_.Apply(ViewOf(log_.back())).ok()) std::exit(1);
    }
  }
  Ledger& ledger() { return ledger_; }
  std::vector<RecordedEvent>& log() { return log_; }

 private:
  Ledger ledger_;
  std::vector<RecordedEvent> log_;
  std::unordered_map<std::string, uint64_t> versions_;
};

constexpr int kAgencies = 200;
constexpr int kPlans = 10;

std::string AgencyId(int i) { return "agency-" + std::to_string(i); }

}  // namespace

std::vector<RecordedEvent> MakeDomainLog(uint64_t tasks, uint64_t total_events) {
  Generator g;
  std::mt19937_64 rng(42);
  const Actor coordinator{ActorRole::kCoordinator, "", "bench"};
  int64_t now = StartOfDayUtcMs({2025, 1, 2});
  for (int i = 0; i < kAgencies; ++i) {
    g.Do(RegisterAgency{{AgencyId(i),
                         "Cơ quan số " + std::to_string(i),
                         "",
                         AgencyKind::kDepartment,
                         "",
                         {},
                         {}}},
         coordinator, now);
  }
  for (int p = 0; p < kPlans; ++p) {
    domain::Plan plan;
    plan.id = "plan-" + std::to_string(p);
    plan.title = "Kế hoạch triển khai số " + std::to_string(p);
    plan.period = {{2025, 1, 1}, {2029, 12, 31}};
    for (int s = 1; s <= 9; ++s)
      plan.sections.push_back({std::to_string(s), "Mục " + std::to_string(s), ""});
    g.Do(CreatePlan{plan}, coordinator, now);
  }
  static const char* kDeadlines[] = {"Năm 2026",          "Hàng năm",           "2025; 2027; 2029",
                                     "tháng 6/2026",      "Thường xuyên",       "Quý III/2027",
                                     "Năm học 2026-2027", "Giai đoạn 2025-2030"};
  std::vector<std::string> task_ids;
  for (uint64_t t = 0; t < tasks; ++t) {
    CreateTask c;
    c.plan = "plan-" + std::to_string(t % kPlans);
    c.code = std::to_string(t % 9 + 1) + "." + std::to_string(t);
    c.section = std::to_string(t % 9 + 1);
    c.title =
        "Triển khai hoạt động tuyên truyền, bồi dưỡng giáo viên tiếng Anh số " + std::to_string(t);
    const int lead = static_cast<int>(rng() % kAgencies);
    c.lead = {AgencyId(lead)};
    c.coordinating = {AgencyId((lead + 1 + rng() % 50) % kAgencies),
                      AgencyId((lead + 51 + rng() % 50) % kAgencies)};
    c.deliverable = "Báo cáo kết quả thực hiện";
    c.deadline = kDeadlines[t % 8];
    g.Do(c, coordinator, now);
    task_ids.push_back(c.plan + ":" + c.code);
  }
  // The rest: progress reports mostly, then the lifecycle steps, across the tasks.
  const std::string narrative =
      "Đã tổ chức tập huấn cho cán bộ quản lý và giáo viên; hoàn thành khảo sát năng lực tiếng "
      "Anh tại các trường trung học phổ thông trên địa bàn, tổng hợp số liệu gửi Sở";
  while (g.log().size() < total_events) {
    const std::string& id = task_ids[rng() % task_ids.size()];
    const Task* t = g.ledger().FindTask(id);
    const Occurrence* o = nullptr;
    for (const Occurrence& x : t->occurrences) {
      if (x.open()) {
        o = &x;
        break;
      }
    }
    now += 1000;
    if (!o) {  // everything done: a comment on the task as a whole keeps the mix going
      g.Do(AddComment{id, "", "Đã hoàn thành, lưu hồ sơ"}, coordinator, now);
      continue;
    }
    const Actor lead{ActorRole::kAgency, t->lead.front(), "bench"};
    const uint64_t dice = rng() % 100;
    if (dice < 70) {
      g.Do(ReportProgress{id, o->key, static_cast<int>(rng() % 100), narrative,
                          R"({"schools":)" + std::to_string(rng() % 500) + "}"},
           lead, now);
    } else if (dice < 80 && o->status == OccurrenceStatus::kNotStarted) {
      g.Do(StartWork{id, o->key}, lead, now);
    } else if (dice < 88 && o->status != OccurrenceStatus::kSubmitted) {
      g.Do(
          SubmitDeliverable{
              id, o->key, {"d" + std::to_string(g.log().size()), "Báo cáo.pdf", "", 0, ""}},
          lead, now);
    } else if (dice < 94 && o->status == OccurrenceStatus::kSubmitted) {
      g.Do(ReviewDeliverable{id, o->key, o->deliverables.back().id, rng() % 4 != 0, "Cần bổ sung"},
           coordinator, now);
    } else {
      g.Do(AddComment{id, o->key, "Đề nghị đơn vị khẩn trương hoàn thành"}, lead, now);
    }
  }
  return std::move(g.log());
}

void FoldBench(uint64_t tasks, uint64_t events, const std::string& dir) {
  Stopwatch gen_clock;
  std::vector<RecordedEvent> log = MakeDomainLog(tasks, events);
  size_t bytes = 0;
  for (const auto& r : log) bytes += r.data.size();
  std::printf("   (generated %zu events through Decide in %.1f s, avg data %zu bytes)\n",
              log.size(), gen_clock.Seconds(), bytes / log.size());

  ResetPeakRss();
  {
    Ledger ledger;
    Stopwatch clock;
    for (const RecordedEvent& r : log) {
      if (!ledger.Apply(ViewOf(r)).ok()) std::exit(1);
    }
    PrintRow("6a. fold, indexes kept current", log.size(), clock.Seconds(), "events",
             std::to_string(ledger.task_count()) + " tasks");
  }
  {
    Ledger ledger;
    Stopwatch clock;
    ledger.BeginReplay();
    double created_seconds = 0;
    for (const RecordedEvent& r : log) {
      const bool created = r.type == "task.created";
      const auto start =
          created ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point{};
      if (!ledger.Apply(ViewOf(r)).ok()) std::exit(1);
      if (created) {
        created_seconds +=
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      }
    }
    Stopwatch index_clock;
    ledger.EndReplay();
    const double index_seconds = index_clock.Seconds();
    char note[128];
    std::snprintf(note, sizeof note, "of which task.created %.2f s, index build %.2f s",
                  created_seconds, index_seconds);
    PrintRow("6b. fold, indexes built at the end", log.size(), clock.Seconds(), "events", note);
  }

  // The same events through the store: scan + decode + fold, the server's start-up replay.
  std::filesystem::remove_all(dir);
  {
    // Queued asynchronously, in log order, so group commit writes them in large batches.
    auto store = OpenRocksEventStore(dir).value();
    std::atomic<size_t> pending{log.size()};
    for (const RecordedEvent& r : log) {
      store->AppendAsync(r.stream, ExpectedVersion::Any(),
                         {NewEvent{{}, r.type, r.data, r.actor, "", ""}}, [&](AppendResult res) {
                           if (!res.ok()) std::exit(1);
                           --pending;
                         });
    }
  }  // the destructor commits everything queued
  auto store = OpenRocksEventStore(dir).value();
  ResetPeakRss();
  Ledger ledger;
  Stopwatch clock;
  ledger.BeginReplay();
  Status s = store->Scan(1, 0, [&](const EventView& e) { return ledger.Apply(e).ok(); });
  ledger.EndReplay();
  PrintRow("7. replay from the store + fold", store->head().position, clock.Seconds(), "events",
           s.ok() ? "ok" : s.ToString());

  // "Who owns what, due when" for random agencies.
  std::mt19937_64 rng(7);
  std::vector<double> micros;
  size_t items = 0;
  for (int q = 0; q < 20000; ++q) {
    const std::string agency = AgencyId(static_cast<int>(rng() % kAgencies));
    Stopwatch one;
    AgencyQuery query;
    query.limit = 50;
    items += ledger.AgencyTasks(agency, {2026, 1, 1}, query).size();
    micros.push_back(one.Seconds() * 1e6);
  }
  std::sort(micros.begin(), micros.end());
  std::printf("%-34s %10d queries  p50 %6.1f us  p99 %6.1f us  max %7.1f us  (%zu items each)\n",
              "8. agency's open tasks by due (50)", 20000, micros[micros.size() / 2],
              micros[micros.size() * 99 / 100], micros.back(), items / 20000);
  micros.clear();
  for (int q = 0; q < 2000; ++q) {
    const std::string agency = AgencyId(static_cast<int>(rng() % kAgencies));
    Stopwatch one;
    AgencyQuery query;
    query.limit = SIZE_MAX;
    items = ledger.AgencyTasks(agency, {2026, 1, 1}, query).size();
    micros.push_back(one.Seconds() * 1e6);
  }
  std::sort(micros.begin(), micros.end());
  std::printf("%-34s %10d queries  p50 %6.1f us  p99 %6.1f us  max %7.1f us  (~%zu items)\n",
              "8b. ... all of them", 2000, micros[micros.size() / 2],
              micros[micros.size() * 99 / 100], micros.back(), items);
}

}  // namespace taskledger::bench
