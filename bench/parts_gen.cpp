// parts_gen: the store of bench/parts.sh (issue 28): a department's plan of 500 tasks, each given
// to its group of 2,500 schools — 1,250,000 parts — and a year of the schools' work on them,
// every command decided by the domain's own Decide() as each school and the coordinator would
// send it, streamed into the log in durable batches (bench/store_writer.h).
//
// Each part follows its own schedule around its task's due date (a hash of task and school
// decides it): most schools start six weeks ahead and report progress, four in five submit a
// deliverable (a third of those after the due date), the coordinator reviews it within days
// (one in ten returned, then submitted again), a few ask for more time and are granted a month,
// a few are exempted, some never do theirs. Mid-year 25 schools join the group and in the autumn
// 25 leave it.
//
//   parts_gen --data-dir DIR [--tasks 500] [--schools 2500]
#include <CLI/CLI.hpp>
#include <atomic>
#include <cstdio>

#include "bench/bench_util.h"
#include "bench/store_writer.h"
#include "events/rocks_event_store.h"
#include "events/util/progress.h"

using namespace taskledger;
using namespace taskledger::domain;

namespace {

const Actor kCoordinator{ActorRole::kCoordinator, "", "Phòng Giáo dục Trung học"};
constexpr const char* kPlan = "kh-truong-2026";
constexpr const char* kGroup = "cac-truong";

std::string School(int i) {
  char id[32];
  std::snprintf(id, sizeof id, "truong-%04d", i);
  return id;
}

uint64_t Mix(uint64_t x) {  // splitmix64: a part's schedule from its task and school
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

// The days (from the due date) a part's work happens on; kNone when it does not.
constexpr int kNone = INT32_MIN;
struct PartWork {
  int start = kNone, progress = kNone, ask = kNone, submit = kNone, review = kNone,
      resubmit = kNone, accept = kNone, exempt = kNone;
  bool returned = false;
};

PartWork WorkOf(uint64_t h) {
  PartWork s;
  const auto roll = [&](int n) {
    const int v = static_cast<int>(h % static_cast<uint64_t>(n));
    h /= static_cast<uint64_t>(n);
    return v;
  };
  if (roll(200) == 0) {  // 0.5%: exempted
    s.exempt = -70;
    return s;
  }
  if (roll(100) >= 85) return s;  // 15% never start
  s.start = -45 + roll(30);
  if (roll(2) == 0) s.progress = -15 + roll(10);
  const bool extended = roll(100) < 3;
  if (extended) s.ask = -6;
  if (roll(100) >= 80) return s;  // a fifth of those never submit
  s.submit = (extended ? 8 : -14) + roll(21);
  s.review = s.submit + 1 + roll(4);
  s.returned = roll(10) == 0;
  if (s.returned) {
    s.resubmit = s.review + 3;
    s.accept = s.resubmit + 2;
  } else {
    s.accept = s.review;
  }
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"a department's plan given to 2,500 schools, and a year of their work"};
  std::string dir;
  int tasks = 500, schools = 2500;
  cli.add_option("--data-dir", dir, "a new store's directory")->required();
  cli.add_option("--tasks", tasks)->capture_default_str();
  cli.add_option("--schools", schools)->capture_default_str();
  CLI11_PARSE(cli, argc, argv);

  const Date first_day{2026, 1, 2}, last_day{2026, 12, 31};
  std::atomic<int64_t> clock{StartOfDayUtcMs(first_day) + 8 * 3600 * 1000};
  RocksStoreOptions so;
  so.clock_ms = [&clock] { return clock.load(); };
  so.max_events_per_append = 1 << 20;
  so.max_group_bytes = 64u << 20;
  auto store = OpenRocksEventStore(dir, so);
  if (!store.ok()) return std::fprintf(stderr, "%s\n", store.status().ToString().c_str()), 1;
  if ((*store)->head().position != 0) return std::fprintf(stderr, "the store is not empty\n"), 2;
  bench::StoreWriter w(**store, clock);
  bench::Stopwatch watch;
  const uint64_t expected = static_cast<uint64_t>(tasks) * schools * 4;
  Progress progress = Progress::Terminal("generating", expected);

  // The agencies: the province, its department, the schools and their group (25 more schools
  // join in July).
  int64_t now = clock;
  w.Do(
      RegisterAgency{
          {"ubnd-tinh", "Ủy ban nhân dân tỉnh Thử Nghiệm", "", AgencyKind::kCommittee, "", {}, {}}},
      kCoordinator, now);
  w.Do(RegisterAgency{{"so-gddt",
                       "Sở Giáo dục và Đào tạo",
                       "",
                       AgencyKind::kDepartment,
                       "ubnd-tinh",
                       {"Sở GD&ĐT"},
                       {}}},
       kCoordinator, now);
  const int joining = 25;
  std::vector<std::string> members;
  for (int i = 0; i < schools + joining; ++i) {
    w.Do(RegisterAgency{{School(i),
                         "Trường THPT số " + std::to_string(i),
                         "",
                         AgencyKind::kInstitution,
                         "so-gddt",
                         {},
                         {}}},
         kCoordinator, now);
    if (i < schools) members.push_back(School(i));
  }
  // The group as it stands with `members`; `update` for a change of a registered one.
  const auto group = [](const std::vector<std::string>& members, bool update) {
    return RegisterAgency{{kGroup,
                           "Các trường trung học phổ thông",
                           "",
                           AgencyKind::kGroup,
                           "so-gddt",
                           {"các trường THPT"},
                           members},
                          update};
  };
  w.Do(group(members, false), kCoordinator, now);
  domain::Plan plan;
  plan.id = kPlan;
  plan.title = "Kế hoạch nâng cao chất lượng dạy học tiếng Anh năm 2026";
  plan.number = "125/KH-SGDĐT";
  plan.authority = "so-gddt";
  plan.period = {{2026, 1, 1}, {2026, 12, 31}};
  for (int s = 1; s <= 5; ++s) {
    plan.sections.push_back({std::to_string(s), "Nhóm nhiệm vụ " + std::to_string(s), ""});
  }
  w.Do(CreatePlan{plan}, kCoordinator, now);
  std::vector<Date> due(tasks);
  for (int t = 0; t < tasks; ++t) {
    CreateTask c;
    c.plan = kPlan;
    c.section = std::to_string(t % 5 + 1);
    c.code = c.section + "." + std::to_string(t / 5 + 1);
    c.title = "Tổ chức chuyên đề dạy học tiếng Anh, nội dung số " + std::to_string(t + 1);
    c.lead = {kGroup};
    c.coordinating = {"so-gddt"};
    c.deliverable = "Báo cáo kết quả của trường";
    const int month = 2 + t % 11;
    c.deadline = "tháng " + std::to_string(month) + "/2026";
    due[t] = {2026, month, LastDayOfMonth(2026, month)};
    if (!w.Do(c, kCoordinator, now)) return std::fprintf(stderr, "a task was refused\n"), 1;
  }
  const auto task_id = [&](int t) {
    return std::string(kPlan) + ":" + std::to_string(t % 5 + 1) + "." + std::to_string(t / 5 + 1);
  };

  const std::string narrative = "Đã tổ chức chuyên đề cấp trường, dự giờ và rút kinh nghiệm";
  uint64_t serial = 0;
  for (Date day = first_day; !(last_day < day); day = AddDays(day, 1)) {
    // The day's commands in hourly batches from 08:00.
    int64_t n = 0;
    const auto at = [&] { return StartOfDayUtcMs(day) + (8 + (n++ / 2000) % 9) * 3'600'000LL; };
    if (day == Date{2026, 7, 1} || day == Date{2026, 9, 15}) {
      // Schools join in July; in September others leave (merged into their neighbours).
      if (day.month == 7) {
        for (int i = schools; i < schools + joining; ++i) members.push_back(School(i));
      } else {
        members.erase(members.begin(), members.begin() + joining);
      }
      w.Do(group(members, true), kCoordinator, at());
    }
    for (int t = 0; t < tasks; ++t) {
      const int64_t offset = DaysBetween(due[t], day);
      if (offset < -70 || offset > 45) continue;
      const std::string id = task_id(t);
      for (const std::string& school : members) {
        const int s = std::stoi(school.substr(7));
        const PartWork p = WorkOf(Mix(static_cast<uint64_t>(t) << 32 | static_cast<uint64_t>(s)));
        const Actor a{ActorRole::kAgency, school, "Văn thư"};
        const std::string sp = "sp-" + std::to_string(t) + "-" + std::to_string(s);
        char sha[65];
        std::snprintf(sha, sizeof sha, "%016llx%016llx%016llx%016llx",
                      static_cast<unsigned long long>(Mix(serial + 1)),
                      static_cast<unsigned long long>(Mix(serial + 2)),
                      static_cast<unsigned long long>(Mix(serial + 3)),
                      static_cast<unsigned long long>(Mix(serial + 4)));
        if (offset == p.exempt) {
          w.Do(CancelOccurrence{id, "", "Trường không có lớp chuyên", school}, kCoordinator, at());
        }
        if (offset == p.start) w.Do(ReportProgress{id, "", 20, narrative, "{}"}, a, at());
        if (offset == p.progress) w.Do(ReportProgress{id, "", 60, narrative, "{}"}, a, at());
        if (offset == p.ask) {
          w.Do(RequestExtension{id, "", "gh-" + sp, AddDays(due[t], 30), "Giáo viên đi tập huấn"},
               a, at());
        }
        if (offset == p.ask + 1) {
          w.Do(DecideExtension{id, "", "gh-" + sp, true, std::nullopt, "Đồng ý", school},
               kCoordinator, at());
        }
        if (offset == p.submit || offset == p.resubmit) {
          ++serial;
          w.Do(SubmitDeliverable{id,
                                 "",
                                 {sp + (offset == p.resubmit ? "-2" : ""), "Báo cáo chuyên đề.pdf",
                                  sha, 180'000 + static_cast<int64_t>(serial % 90'000), ""}},
               a, at());
        }
        if (offset == p.review && p.returned) {
          w.Do(ReviewDeliverable{id, "", sp, false, "Bổ sung biên bản dự giờ", {}, "", school},
               kCoordinator, at());
        }
        if (offset == p.accept) {
          w.Do(ReviewDeliverable{id, "", p.returned ? sp + "-2" : sp, true, "Đạt", {}, "", school},
               kCoordinator, at());
        }
      }
    }
    progress.Update(w.position());
  }
  w.Flush();
  progress.Finish();
  std::printf(
      "generated %llu events (%d tasks given to %d schools: %llu parts, a year of their work) in "
      "%.0f s (%.0f events/s), generator peak RSS %.0f MiB\n",
      static_cast<unsigned long long>(w.position()), tasks, schools,
      static_cast<unsigned long long>(tasks) * schools, watch.Seconds(),
      static_cast<double>(w.position()) / watch.Seconds(), bench::PeakRssMiB());
  return 0;
}
