// A random history for checkpoint tests: the domain's own commands (deadline changes,
// reassignments, extensions, reviews, notifications), tokens minted and revoked, webhooks created,
// changed and deleted, and Idempotency-Keys, recorded by a real App over simulated weeks; and
// the folds and canonical forms the tests compare.
#pragma once

#include <atomic>
#include <catch2/catch.hpp>
#include <future>
#include <nlohmann/json.hpp>
#include <random>

#include "domain/date.h"
#include "server/app/app.h"
#include "server/app/checkpoint.h"
#include "webhooks/mail/mailbox.h"
#include "webhooks/subscription.h"

namespace taskledger::testing {

using namespace taskledger::server;
using namespace taskledger::domain;

inline const Actor kHistoryCoordinator{ActorRole::kCoordinator, "", "test"};
inline const Actor kHistorySystem{ActorRole::kSystem, "", "webhooks"};
inline const char* const kHistoryAgencies[] = {"so-gddt", "so-tc", "truong-a", "truong-b",
                                               "ubnd-q1"};
inline const char* const kHistoryDeadlines[] = {
    "Năm 2026",          "Hàng năm",     "2025; 2026; 2027",
    "tháng 6/2026",      "Thường xuyên", "Quý III/2026",
    "Năm học 2026-2027", "31/12/2025",   "Theo lộ trình của Bộ GDĐT"};

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
    for (const char* id : kHistoryAgencies) {
      Do(RegisterAgency{
          {id, std::string("Cơ quan ") + id, "", AgencyKind::kDepartment, "", {}, {}}});
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

  void Do(const Command& c, const Actor& a = kHistoryCoordinator) {
    std::promise<Result<CommandOutcome>> done;
    CommandOptions options;
    if (Pick(6) == 0) {  // now and then with an Idempotency-Key, some of them sent twice
      options.idempotency_key = "key-" + std::to_string(Pick(20));
      options.fingerprint = options.idempotency_key;
      options.token_id = "tok";
    }
    app_->Execute(c, a, options, [&](Result<CommandOutcome> r) { done.set_value(std::move(r)); });
    (void)done.get_future().get();  // refused commands are part of a random history too
  }

  void NewTask() {
    CreateTask c;
    c.plan = Pick(2) ? "plan-a" : "plan-b";
    c.code = "T" + std::to_string(tasks_.size() + 1);
    c.title = "Nhiệm vụ " + c.code;
    c.section = Pick(2) ? "I" : "II";
    // A third given to the group (its schools' parts), the rest to an agency it coordinates.
    if (Pick(3) == 0) {
      c.lead = {"nhom-truong"};
      c.coordinating = {Agency()};
    } else {
      c.lead = {Agency()};
      c.coordinating = {Agency(), "nhom-truong"};
    }
    c.deliverable = "Báo cáo";
    c.deadline = kHistoryDeadlines[Pick(std::size(kHistoryDeadlines))];
    Do(c);
    tasks_.push_back(c.plan + ":" + c.code);
  }

  // One random step, a few hours after the last.
  void Step() {
    now_ += static_cast<int64_t>(1 + Pick(30)) * 3600 * 1000;
    const std::string task = tasks_[Pick(tasks_.size())];
    std::string occurrence = "1", lead = "so-gddt";
    app_->Read([&](const Ledger& l) {
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
    if (Pick(3) == 0) return PartStep(task, occurrence);
    switch (Pick(17)) {
      case 0:
        return NewTask();
      case 1:
        return Do(Reassign{task, {Agency()}, {Agency()}, "đổi đơn vị"});
      case 2:
        return Do(
            ChangeDeadline{task, kHistoryDeadlines[Pick(std::size(kHistoryDeadlines))], "lùi hạn"});
      case 3:
        return Do(StartWork{task, occurrence}, agency);
      case 4:
        return Do(ReportProgress{task, occurrence, static_cast<int>(Pick(100)), "tiến độ", "{}"},
                  agency);
      case 5:
        return Do(SubmitDeliverable{task,
                                    occurrence,
                                    {"d" + std::to_string(Pick(1 << 20)), "Báo cáo.pdf", "", 0,
                                     "gửi Sở"}},
                  agency);
      case 6: {
        const std::string deliverable = Latest(task, occurrence, [](const Occurrence& o) {
          return o.deliverables.empty() ? "" : o.deliverables.back().id;
        });
        return Do(ReviewDeliverable{task, occurrence, deliverable, Pick(3) != 0, "ý kiến"});
      }
      case 7:
        return Do(RequestExtension{task, occurrence, "x" + std::to_string(Pick(1 << 20)),
                                   AddDays({2026, 6, 30}, static_cast<int64_t>(Pick(400))),
                                   "cần thêm thời gian"},
                  agency);
      case 8: {
        const std::string request = Latest(task, occurrence, [](const Occurrence& o) {
          return o.extensions.empty() ? "" : o.extensions.back().id;
        });
        return Do(DecideExtension{task, occurrence, request, Pick(2) == 0, std::nullopt, "ok"});
      }
      case 9:
        return Do(CancelOccurrence{task, occurrence, "không còn phù hợp"});
      case 10:
        return Do(AddComment{task, occurrence, "Đề nghị khẩn trương"}, agency);
      case 11:
        return Do(EditTask{task, "Tên mới " + std::to_string(Pick(99)), {}, {}, {}, "sửa"});
      case 12: {
        Notification n;
        n.message = "msg_" + std::to_string(Pick(1 << 20));
        n.endpoint = "wh_1";
        n.agency = lead;
        n.type = "task.deadline.approaching";
        n.delivered = Pick(2) == 0;
        n.attempts = 1 + static_cast<int>(Pick(3));
        n.at_ms = now_;
        return Do(RecordNotification{task, occurrence, n}, kHistorySystem);
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
      case 15:
        return Pick(2) == 0 ? Webhook() : Mailbox();
      default:
        return Do(RegisterAgency{{Agency(),
                                  "Tên mới",
                                  "",
                                  AgencyKind::kDepartment,
                                  "",
                                  {"Bí danh " + std::to_string(Pick(9))},
                                  {}},
                                 true});
    }
  }

  int64_t now() const { return now_; }
  void set_now(int64_t ms) { now_ = ms; }

  // One step on the members' parts of a group's task: a school's own progress, deliverable or
  // request; the coordinator's review, decision, completion recorded for a past day, exemption,
  // rule or reminder; the group's members changing.
  void PartStep(const std::string& task, const std::string& occurrence) {
    const std::string member = kMembers[Pick(std::size(kMembers))];
    const Actor school{ActorRole::kAgency, member, "desk"};
    const Date today = DateAtUtcMs(now_);
    switch (Pick(12)) {
      case 0:
        return Do(
            ReportProgress{task, occurrence, static_cast<int>(Pick(100)), "phần của trường", "{}"},
            school);
      case 1:
        return Do(StartWork{task, occurrence}, school);
      case 2:
        return Do(SubmitDeliverable{task,
                                    occurrence,
                                    {"p" + std::to_string(Pick(1 << 20)), "Báo cáo trường.pdf", "",
                                     0, ""}},
                  school);
      case 3: {
        const std::string d = OfPart(task, occurrence, member, [](const Part& p) {
          return p.deliverables().empty() ? "" : p.deliverables().back().id;
        });
        return Do(ReviewDeliverable{task, occurrence, d, Pick(3) != 0, "ý kiến", {}, "", member});
      }
      case 4:
        return Do(RequestExtension{task, occurrence, "px" + std::to_string(Pick(1 << 20)),
                                   AddDays({2026, 6, 30}, static_cast<int64_t>(Pick(400))),
                                   "trường xin thêm thời gian"},
                  school);
      case 5: {
        const std::string r = OfPart(task, occurrence, member, [](const Part& p) {
          return p.extensions().empty() ? "" : p.extensions().back().id;
        });
        return Do(DecideExtension{task, occurrence, r, Pick(2) == 0, std::nullopt, "ok", member});
      }
      case 6:
        return Do(RecordCompletion{
            task, occurrence, AddDays(today, -static_cast<int64_t>(Pick(60))), "bản giấy", member});
      case 7:
        return Do(CancelOccurrence{task, occurrence, "không áp dụng", member});
      case 8: {
        const RuleKind kinds[] = {RuleKind::kAllParts, RuleKind::kThreshold,
                                  RuleKind::kLeadAcceptance, RuleKind::kDefault};
        return Do(SetCompletionRule{
            task, {kinds[Pick(4)], 1 + static_cast<int>(Pick(100))}, "đổi cách đánh giá"});
      }
      case 9:
        return Do(RemindParts{task, occurrence, {member}, "đôn đốc"});
      case 10:
        return Do(AddComment{task, occurrence, "ý kiến của trường"}, school);
      default: {
        // The group gains or loses a school, now or from a past day.
        std::vector<std::string> members;
        for (const char* m : kMembers) {
          if (Pick(3) != 0) members.push_back(m);
        }
        RegisterAgency c{{"nhom-truong", "Các trường", "", AgencyKind::kGroup, "", {}, members},
                         true};
        if (Pick(2) == 0) {
          c.effective_on = AddDays(today, -static_cast<int64_t>(Pick(30)));
          c.reason = "quyết định sáp nhập";
        }
        return Do(c);
      }
    }
  }

 private:
  static constexpr const char* kMembers[] = {"truong-a", "truong-b", "ubnd-q1"};

  // `pick(part)` of `member`'s part of the occurrence as it stands; empty when there is none.
  std::string OfPart(const std::string& task, const std::string& occurrence,
                     const std::string& member, std::string (*pick)(const Part&)) {
    std::string out;
    app_->Read([&](const Ledger& l) {
      const Task* t = l.FindTask(task);
      const Occurrence* o = t ? t->Find(occurrence) : nullptr;
      if (const Part* p = o ? l.PartOf(member, *o) : nullptr) out = pick(*p);
    });
    return out;
  }

  size_t Pick(size_t n) { return static_cast<size_t>(rng_() % n); }
  std::string Agency() { return kHistoryAgencies[Pick(std::size(kHistoryAgencies))]; }

  // `pick(occurrence)` of the task's occurrence as it stands; empty when there is none.
  std::string Latest(const std::string& task, const std::string& occurrence,
                     std::string (*pick)(const Occurrence&)) {
    std::string out;
    app_->Read([&](const Ledger& l) {
      const Task* t = l.FindTask(task);
      if (const Occurrence* o = t ? t->Find(occurrence) : nullptr) out = pick(*o);
    });
    return out;
  }

  void Webhook() {
    const std::string id = "wh_" + std::to_string(1000 + Pick(3));
    webhooks::SubscriptionSpec spec;
    spec.url = "https://example.org/hook/" + std::to_string(Pick(9));
    spec.agency = Agency();
    spec.description = "hệ thống";
    const Actor actor = kHistoryCoordinator;
    auto decision =
        app_->Read<webhooks::Registry>([&](const Ledger& l, const webhooks::Registry& r) {
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

  // An email address subscribed, changed, confirmed (by link or coordinator), unsubscribed,
  // marked failing, sent a digest, or removed.
  void Mailbox() {
    const std::string id = "em_" + std::to_string(1000 + Pick(3));
    const Actor system{ActorRole::kSystem, "", "mail"};
    auto decision = app_->Read<webhooks::mail::Mailboxes>([&](const Ledger& l,
                                                              const webhooks::mail::Mailboxes& r) {
      const webhooks::mail::Mailbox* m = r.Find(id);
      webhooks::mail::MailboxSpec spec;
      if (!m || m->deleted) {
        if (m) return Result<Decision>(Status::AlreadyExists("used"));
        spec.agency = Agency();
        spec.address = "vanthu" + std::to_string(Pick(9)) + "@so.gov.vn";
        spec.confirmed = Pick(2) == 0;
        spec.digest = static_cast<webhooks::mail::Digest>(Pick(3));
        return webhooks::DecideCreate(r, l, id, spec, kHistoryCoordinator);
      }
      switch (Pick(7)) {
        case 0:
          return webhooks::mail::DecideConfirm(r, id, m->address, "link", system);
        case 5:
          return webhooks::mail::DecideDigestSent(
              r, id,
              nlohmann::json{
                  {"message", "msg_" + std::to_string(Pick(1000))},
                  {"tasks", nlohmann::json::array(
                                {tasks_.empty() ? std::string() : tasks_[Pick(tasks_.size())]})},
                  {"delivered", Pick(2) == 0},
                  {"at_ms", now_.load()}},
              system);
        case 1:
          return webhooks::mail::DecideUnsubscribe(r, id, m->address, "one-click", system);
        case 2:
          return webhooks::mail::DecideFailing(r, id, "SMTP 550", system);
        case 3:
          return webhooks::DecideDelete(r, id, kHistoryCoordinator);
        default:
          spec.address = "vanphong" + std::to_string(Pick(9)) + "@so.gov.vn";
          spec.enabled = Pick(2) == 0;
          spec.language = Pick(2) == 0 ? "vi" : "en";
          return webhooks::DecideUpdate(r, l, id, spec, kHistoryCoordinator);
      }
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
inline std::unique_ptr<State> FoldFromZero(const EventStore& store, uint64_t to) {
  auto s = std::make_unique<State>();
  s->ledger.BeginReplay();
  if (to > 0) {
    REQUIRE(store.Scan(1, to, [&](const EventView& e) { return s->Apply(e).ok(); }).ok());
  }
  REQUIRE(s->position() == to);
  return s;
}

inline void FoldTail(const EventStore& store, State& s, uint64_t to) {
  if (to > s.position()) {
    REQUIRE(
        store.Scan(s.position() + 1, to, [&](const EventView& e) { return s.Apply(e).ok(); }).ok());
  }
}

// Every part of a state, in its canonical binary form.
inline std::string Canonical(const State& s) {
  std::string out;
  EncodeSections(s, [&](int kind, std::string_view plan, std::string_view bytes) {
    out += std::to_string(kind) + ":" + std::string(plan) + ":" + std::string(bytes) + "\n";
  });
  return out;
}

// What the indexes answer (each agency's list, each plan's report), rebuilt after a replay.
inline std::string Answers(const Ledger& l, const std::vector<std::string>& plans, Date today) {
  std::string out;
  for (const Agency* a : l.Agencies()) {
    out += a->id + ":";
    for (const AgencyItem& item : l.AgencyTasks(a->id, today, {std::nullopt, 1000, true})) {
      if (std::find(plans.begin(), plans.end(), item.task->plan) == plans.end()) continue;
      out += " " + item.task->id + "/" + item.occurrence->key;
      if (item.part) {
        out += "/part:" + std::string(ToString(item.part->status)) + ":" +
               std::to_string(item.days_left.value_or(9999));
      }
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
             std::string(ToString(line.category)) + " " +
             std::string(ToString(line.occurrence->status));
      if (line.parts.total() > 0) {
        out += " parts";
        for (int n : line.parts.counts) out += " " + std::to_string(n);
      }
      out += "\n";
    }
  }
  return out;
}

}  // namespace taskledger::testing
