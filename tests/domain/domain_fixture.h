// An in-memory log and a Ledger, so a domain test reads like a script: agencies, a plan, tasks,
// then commands by different actors at chosen instants.
#pragma once

#include <catch2/catch.hpp>
#include <map>
#include <string>
#include <vector>

#include "domain/commands.h"
#include "domain/ledger.h"

namespace taskledger::testing {

using namespace taskledger::domain;

inline int64_t At(Date d, int hour = 12) {
  return StartOfDayUtcMs(d) + static_cast<int64_t>(hour) * 3600 * 1000;
}

inline const Actor kCoordinator{ActorRole::kCoordinator, "", "test"};
inline const Actor kAuditor{ActorRole::kAuditor, "", "audit"};
inline Actor AgencyActor(std::string id) { return Actor{ActorRole::kAgency, std::move(id), "t"}; }

class DomainFixture {
 public:
  // Decides `c` at `now_ms` and, when allowed, appends and folds its events.
  Result<Decision> Try(const Command& c, const Actor& a, int64_t now_ms) {
    auto d = Decide(ledger_, c, a, now_ms);
    if (!d.ok()) return d;
    std::optional<uint64_t> current;
    if (auto v = versions_.find(d->stream); v != versions_.end()) current = v->second;
    REQUIRE(d->expected.Matches(current));
    for (const NewEvent& e : d->events) {
      RecordedEvent r;
      r.position = log_.size() + 1;
      r.stream = d->stream;
      r.version = current ? *current + 1 : 0;
      current = r.version;
      r.type = e.type;
      r.recorded_at_ms = now_ms;
      r.actor = e.actor;
      r.data = e.data;
      log_.push_back(r);
      REQUIRE(ledger_.Apply(ViewOf(log_.back())).ok());
    }
    versions_[d->stream] = *current;
    return d;
  }
  void Do(const Command& c, const Actor& a = kCoordinator, int64_t now_ms = At({2025, 1, 2})) {
    auto d = Try(c, a, now_ms);
    if (!d.ok()) FAIL(d.status().ToString());
  }
  Status Fails(const Command& c, const Actor& a, int64_t now_ms = At({2025, 1, 2})) {
    const size_t before = log_.size();
    auto d = Try(c, a, now_ms);
    CHECK(log_.size() == before);  // refused commands write nothing
    return d.ok() ? Status::Ok() : d.status();
  }

  // A Ledger folded from the events recorded up to `unix_ms` only.
  std::unique_ptr<Ledger> AsOf(int64_t unix_ms) const {
    auto l = std::make_unique<Ledger>();
    l->BeginReplay();
    for (const RecordedEvent& r : log_) {
      if (r.recorded_at_ms > unix_ms) break;
      REQUIRE(l->Apply(ViewOf(r)).ok());
    }
    l->EndReplay();
    return l;
  }

  // Two agencies, a group holding the second, and a plan for 2025-2027.
  void Seed() {
    Do(RegisterAgency{{"so-gddt",
                       "Sở Giáo dục và Đào tạo",
                       "Department of Education",
                       AgencyKind::kDepartment,
                       "",
                       {"Sở GD&ĐT"},
                       {}}});
    Do(RegisterAgency{
        {"so-tc", "Sở Tài chính", "Department of Finance", AgencyKind::kDepartment, "", {}, {}}});
    Do(RegisterAgency{{"truong-a", "Trường THPT A", "", AgencyKind::kInstitution, "", {}, {}}});
    Do(RegisterAgency{{"co-so-gd",
                       "Cơ sở giáo dục",
                       "Educational institutions",
                       AgencyKind::kGroup,
                       "",
                       {},
                       {"truong-a"}}});
    domain::Plan p;
    p.id = "hp-ta";
    p.title = "Kế hoạch tiếng Anh";
    p.number = "01/KH-UBND";
    p.period = {{2025, 1, 1}, {2027, 12, 31}};
    p.sections = {{"I", "Tuyên truyền", ""}, {"II", "Cơ chế", ""}};
    Do(CreatePlan{p});
  }

  CreateTask NewTask(std::string code, std::string deadline,
                     std::vector<std::string> lead = {"so-gddt"},
                     std::vector<std::string> coordinating = {"so-tc"}) {
    CreateTask c;
    c.plan = "hp-ta";
    c.code = std::move(code);
    c.title = "Nhiệm vụ " + c.code;
    c.section = "I";
    c.lead = std::move(lead);
    c.coordinating = std::move(coordinating);
    c.deliverable = "Kế hoạch";
    c.deadline = std::move(deadline);
    return c;
  }

  Ledger& ledger() { return ledger_; }
  const std::vector<RecordedEvent>& log() const { return log_; }

 private:
  Ledger ledger_;
  std::vector<RecordedEvent> log_;
  std::map<std::string, uint64_t> versions_;
};

}  // namespace taskledger::testing
