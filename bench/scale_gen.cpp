// scale_gen: a store shaped like national use, for bench/scale.sh. Agencies (schools, committees,
// departments), plans of thousands of tasks each, then the work on them (progress reports,
// starts, deliverables and reviews, deadline changes, reassignments, extensions, comments)
// spread evenly over simulated years, every event decided by the domain's own commands and
// streamed into the store in durable batches: the log is never held in memory, only the ledger
// the decisions need.
//
//   scale_gen --data-dir DIR [--events 20000000] [--agencies 45000] [--tasks 450000]
//             [--plans 45] [--start 2024-01-01] [--years 3]
#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <random>
#include <unordered_map>

#include "bench/bench_util.h"
#include "bench/store_writer.h"
#include "domain/commands.h"
#include "domain/ledger.h"
#include "events/rocks_event_store.h"
#include "events/util/progress.h"

using namespace taskledger;
using namespace taskledger::domain;

namespace {

const Actor kCoordinator{ActorRole::kCoordinator, "", "scale"};

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"a TaskLedger store shaped like national use"};
  std::string dir, start_text = "2024-01-01";
  uint64_t events = 20'000'000, tasks = 450'000;
  int agencies = 45'000, plans = 45, years = 3;
  cli.add_option("--data-dir", dir, "a new store's directory")->required();
  cli.add_option("--events", events)->capture_default_str();
  cli.add_option("--agencies", agencies)->capture_default_str();
  cli.add_option("--tasks", tasks)->capture_default_str();
  cli.add_option("--plans", plans)->capture_default_str();
  cli.add_option("--start", start_text, "the simulated first day")->capture_default_str();
  cli.add_option("--years", years, "simulated years the events spread over")->capture_default_str();
  CLI11_PARSE(cli, argc, argv);
  const auto start_day = ParseIsoDate(start_text);
  if (!start_day) return std::fprintf(stderr, "--start wants YYYY-MM-DD\n"), 2;

  std::atomic<int64_t> clock{StartOfDayUtcMs(*start_day) + 8 * 3600 * 1000};
  RocksStoreOptions so;
  so.clock_ms = [&clock] { return clock.load(); };
  so.max_events_per_append = 1 << 20;
  so.max_group_bytes = 64u << 20;
  // Every append looks up its streams' heads; with 450,000 streams the default 64 MiB cache
  // cannot hold the tables' indexes and each lookup decompresses one again.
  so.block_cache_bytes = size_t{1} << 30;
  auto store = OpenRocksEventStore(dir, so);
  if (!store.ok()) return std::fprintf(stderr, "%s\n", store.status().ToString().c_str()), 1;
  if ((*store)->head().position != 0) return std::fprintf(stderr, "the store is not empty\n"), 2;
  bench::StoreWriter w(**store, clock);
  std::mt19937_64 rng(2024);
  const auto pick = [&](uint64_t n) { return rng() % n; };
  bench::Stopwatch watch;
  Progress progress = Progress::Terminal("generating", events);

  // Agencies: a department per 100 schools and committees, the rest schools.
  const int64_t origin = clock;
  int64_t now = origin;
  const auto agency = [](int i) { return "dv-" + std::to_string(i); };
  for (int i = 0; i < agencies; ++i) {
    const bool department = i % 100 == 0;
    w.Do(RegisterAgency{{agency(i),
                         (department ? "Sở Giáo dục và Đào tạo số " : "Trường THPT số ") +
                             std::to_string(i),
                         "",
                         department ? AgencyKind::kDepartment : AgencyKind::kInstitution,
                         department ? "" : agency(i / 100 * 100),
                         {},
                         {}}},
         kCoordinator, now);
  }
  for (int p = 0; p < plans; ++p) {
    Plan plan;
    plan.id = "kh-" + std::to_string(p);
    plan.title = "Kế hoạch thực hiện Đề án ngoại ngữ, tỉnh số " + std::to_string(p);
    plan.number = std::to_string(p + 1) + "/KH-UBND";
    plan.period = {*start_day, AddDays(*start_day, 365 * years + 365)};
    for (int s = 1; s <= 9; ++s) {
      plan.sections.push_back({std::to_string(s), "Nhóm nhiệm vụ " + std::to_string(s), ""});
    }
    w.Do(CreatePlan{plan}, kCoordinator, now);
  }
  static const char* kDeadlines[] = {
      "Năm 2024",     "Năm 2025",         "Năm 2026",     "Hàng năm",   "tháng 6/2025",
      "Quý III/2025", "2024; 2025; 2026", "Thường xuyên", "31/12/2026", "Năm học 2025-2026"};
  std::vector<std::string> ids;
  ids.reserve(tasks);
  // Tasks over the first month, as plans are imported.
  const int64_t month_ms = 30LL * 24 * 3600 * 1000;
  for (uint64_t t = 0; t < tasks; ++t) {
    CreateTask c;
    c.plan = "kh-" + std::to_string(t % plans);
    c.code = std::to_string(t % 9 + 1) + "." + std::to_string(t / plans + 1);
    c.section = std::to_string(t % 9 + 1);
    c.title =
        "Tổ chức bồi dưỡng năng lực tiếng Anh cho giáo viên, nhiệm vụ số " + std::to_string(t);
    const int lead = static_cast<int>(pick(agencies));
    c.lead = {agency(lead)};
    c.coordinating = {agency(lead / 100 * 100 == lead ? lead + 1 : lead / 100 * 100)};
    c.deliverable = "Báo cáo kết quả";
    c.deadline = kDeadlines[t % std::size(kDeadlines)];
    const int64_t at = origin + month_ms * static_cast<int64_t>(t) / static_cast<int64_t>(tasks);
    // An hour's commands share a batch.
    if (w.Do(c, kCoordinator, at / 3'600'000 * 3'600'000)) {
      ids.push_back(c.plan + ":" + c.code);
    } else if (ids.empty() && t > 100) {
      return std::fprintf(stderr, "scale_gen: tasks are refused\n"), 1;
    }
    progress.Update(w.position());
  }

  // The work, spread evenly over the years.
  const int64_t from = origin + month_ms;
  const int64_t span = 365LL * 24 * 3600 * 1000 * years - month_ms;
  const uint64_t first = w.position();
  const std::string narrative =
      "Đã tổ chức tập huấn cho cán bộ quản lý và giáo viên; hoàn thành khảo sát năng lực tiếng Anh "
      "tại các trường trên địa bàn, tổng hợp số liệu gửi Sở";
  uint64_t serial = 0;
  while (w.position() < events) {
    const uint64_t done = w.position() - first;
    const int64_t at = from + static_cast<int64_t>(static_cast<double>(span) * done /
                                                   static_cast<double>(events - first));
    now = at / 3'600'000 * 3'600'000;  // an hour of commands share a batch
    const std::string& id = ids[pick(ids.size())];
    const Task* t = w.ledger().FindTask(id);
    const Occurrence* o = nullptr;
    for (const Occurrence& x : t->occurrences) {
      if (x.open()) {
        o = &x;
        break;
      }
    }
    const Actor lead{ActorRole::kAgency, t->lead.front(), "van-thu"};
    if (!o) {
      w.Do(AddComment{id, "", "Đã hoàn thành, lưu hồ sơ"}, kCoordinator, now);
      continue;
    }
    const std::string key = o->key;
    const uint64_t dice = pick(100);
    if (dice < 60) {
      w.Do(ReportProgress{id, key, static_cast<int>(pick(100)), narrative,
                          R"({"schools":)" + std::to_string(pick(500)) + "}"},
           lead, now);
    } else if (dice < 68 && o->status == OccurrenceStatus::kNotStarted) {
      w.Do(StartWork{id, key}, lead, now);
    } else if (dice < 76 && o->status != OccurrenceStatus::kSubmitted) {
      w.Do(SubmitDeliverable{id, key, {"sp-" + std::to_string(++serial), "Báo cáo.pdf", "", 0, ""}},
           lead, now);
    } else if (dice < 84 && o->status == OccurrenceStatus::kSubmitted) {
      w.Do(ReviewDeliverable{id, key, o->deliverables.back().id, pick(4) != 0, "Cần bổ sung"},
           kCoordinator, now);
    } else if (dice < 87) {
      w.Do(ChangeDeadline{id, kDeadlines[pick(std::size(kDeadlines))], "điều chỉnh kế hoạch"},
           kCoordinator, now);
    } else if (dice < 90) {
      const int other = static_cast<int>(pick(agencies));
      w.Do(Reassign{id, {agency(other)}, {agency(other / 100 * 100)}, "phân công lại"},
           kCoordinator, now);
    } else if (dice < 93 && o->due) {
      w.Do(RequestExtension{id, key, "gh-" + std::to_string(++serial), AddDays(*o->due, 90),
                            "cần thêm thời gian"},
           lead, now);
    } else if (dice < 96 && !o->extensions.empty() && o->extensions.back().decision.empty()) {
      w.Do(DecideExtension{id, key, o->extensions.back().id, pick(3) != 0, std::nullopt, ""},
           kCoordinator, now);
    } else if (dice < 97) {
      w.Do(CancelOccurrence{id, key, "không còn phù hợp"}, kCoordinator, now);
    } else {
      w.Do(AddComment{id, key, "Đề nghị đơn vị khẩn trương hoàn thành"}, lead, now);
    }
    progress.Update(w.position());
  }
  w.Flush();
  progress.Finish();
  std::printf(
      "generated %llu events (%d agencies, %llu tasks, %d plans) over %d years in %.0f s "
      "(%.0f events/s), generator peak RSS %.0f MiB\n",
      static_cast<unsigned long long>(w.position()), agencies,
      static_cast<unsigned long long>(tasks), plans, years, watch.Seconds(),
      static_cast<double>(w.position()) / watch.Seconds(), bench::PeakRssMiB());
  return 0;
}
