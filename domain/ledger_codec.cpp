// The Ledger in a compact binary form, for projection checkpoints (ledger.h).
//
// Every field of the model is written, in declaration order; the static_asserts below stop the
// build when a struct grows, so a new field cannot be folded but silently left out of
// checkpoints (add it here and bump Ledger::kFoldVersion).
#include <algorithm>

#include "domain/codec_binary.h"
#include "domain/ledger.h"
#include "events/util/binary.h"

namespace taskledger::domain {
namespace {

using codec::GetDate;
using codec::GetEnum;
using codec::GetOptionalDate;
using codec::Put;

static_assert(sizeof(Agency) == 208, "Agency changed: encode the new field, bump kFoldVersion");
static_assert(sizeof(Plan) == 280, "Plan changed: encode the new field, bump kFoldVersion");
static_assert(sizeof(Task) == 456, "Task changed: encode the new field, bump kFoldVersion");
// Occurrence's tally is derived (counted afresh at decode), never written.
static_assert(sizeof(Occurrence) == 312, "Occurrence changed: encode it, bump kFoldVersion");
static_assert(sizeof(Part) == 32, "Part changed: encode it, bump kFoldVersion");
static_assert(sizeof(ReportParticulars) == 392, "ReportParticulars changed: encode it");
static_assert(sizeof(PartDetail) == 80, "PartDetail changed: encode it, bump kFoldVersion");
static_assert(sizeof(Deliverable) == 240, "Deliverable changed: encode it, bump kFoldVersion");
static_assert(sizeof(ExtensionRequest) == 184, "ExtensionRequest changed: encode it");
static_assert(sizeof(Notification) == 280, "Notification changed: encode it, bump kFoldVersion");
static_assert(sizeof(Schedule) == 104, "Schedule changed: encode it, bump kFoldVersion");

void Put(BinaryWriter& w, const Agency& a) {
  for (const std::string* s : {&a.id, &a.name, &a.name_en}) w.Str(*s);
  w.U64(static_cast<uint64_t>(a.kind));
  w.Str(a.parent);
  w.Strs(a.aliases);
  w.Strs(a.members);
  w.U64(a.joined.size());
  for (Day d : a.joined) w.I64(d);
}
std::unique_ptr<Agency> GetAgency(BinaryReader& r) {
  auto a = std::make_unique<Agency>();
  for (std::string* s : {&a->id, &a->name, &a->name_en}) *s = r.Str();
  a->kind = GetEnum(r, AgencyKind::kGroup);
  a->parent = r.Str();
  a->aliases = r.Strs();
  a->members = r.Strs();
  a->joined.resize(r.Count(1));
  for (Day& d : a->joined) d = static_cast<Day>(r.I64());
  if (a->joined.size() != a->members.size()) r.Raw(SIZE_MAX);  // marks the reader failed
  return a;
}

void Put(BinaryWriter& w, const Plan& p) {
  for (const std::string* s : {&p.id, &p.title, &p.number, &p.authority}) w.Str(*s);
  Put(w, p.issued);
  Put(w, p.period.start);
  Put(w, p.period.end);
  w.U64(p.sections.size());
  for (const Section& s : p.sections) {
    w.Str(s.code);
    w.Str(s.title);
    w.Str(s.parent);
  }
  w.Strs(p.targets);
  w.Strs(p.task_ids);
  w.I64(p.created_at_ms);
  w.Bool(p.open_to_participants);
  w.U64(p.reports.size());
  for (const ReportParticulars& r : p.reports) {
    Put(w, r.as_of);
    w.Str(r.issuer);
    w.Str(r.number);
    w.Str(r.place);
    Put(w, r.dated);
    for (const std::string* s :
         {&r.signer_title, &r.signer_name, &r.recipients, &r.assessment, &r.shortcomings,
          &r.recommendations, &r.proposals, &r.prepared_by}) {
      w.Str(*s);
    }
    w.I64(r.prepared_at_ms);
  }
}
std::unique_ptr<Plan> GetPlan(BinaryReader& r) {
  auto p = std::make_unique<Plan>();
  for (std::string* s : {&p->id, &p->title, &p->number, &p->authority}) *s = r.Str();
  p->issued = GetOptionalDate(r);
  p->period.start = GetDate(r);
  p->period.end = GetDate(r);
  p->sections.resize(r.Count(3));
  for (Section& s : p->sections) {
    s.code = r.Str();
    s.title = r.Str();
    s.parent = r.Str();
  }
  p->targets = r.Strs();
  p->task_ids = r.Strs();
  p->created_at_ms = r.I64();
  p->open_to_participants = r.Bool();
  p->reports.resize(r.Count(13));
  for (ReportParticulars& x : p->reports) {
    x.as_of = GetDate(r);
    x.issuer = r.Str();
    x.number = r.Str();
    x.place = r.Str();
    x.dated = GetOptionalDate(r);
    for (std::string* s : {&x.signer_title, &x.signer_name, &x.recipients, &x.assessment,
                           &x.shortcomings, &x.recommendations, &x.proposals, &x.prepared_by}) {
      *s = r.Str();
    }
    x.prepared_at_ms = r.I64();
  }
  return p;
}

// An unordered map of string lists, in key order so that equal ledgers encode equally.
template <class Map>
void PutIndex(BinaryWriter& w, const Map& map) {
  std::vector<const typename Map::value_type*> entries;
  for (const auto& entry : map) entries.push_back(&entry);
  std::sort(entries.begin(), entries.end(), [](auto* a, auto* b) { return a->first < b->first; });
  w.U64(entries.size());
  for (const auto* entry : entries) {
    w.Str(entry->first);
    w.Strs(entry->second);
  }
}

}  // namespace

void Ledger::EncodeShared(std::string& out) const {
  BinaryWriter w(out);
  w.U64(position_);
  w.I64(last_recorded_at_ms_);
  w.U64(next_task_seq_);
  w.U64(agencies_.size());
  for (const auto& [id, a] : agencies_) Put(w, *a);
  w.Strs(agency_ids_);  // the numbering parts name members by
  PutIndex(w, groups_of_);
  PutIndex(w, agency_names_);  // last: a load for some plans skips it
}

void Ledger::EncodePlans(
    const std::function<void(std::string_view plan, std::string_view bytes)>& sink,
    const std::function<bool(std::string_view plan)>& want) const {
  std::string out;
  for (const auto& [id, p] : plans_) {
    if (want && !want(id)) continue;
    out.clear();
    BinaryWriter w(out);
    Put(w, *p);
    sink(id, out);
  }
}

Status Ledger::DecodePlan(std::string_view in) {
  BinaryReader r(in);
  auto p = GetPlan(r);
  if (!r.ok() || !r.done()) return Status::Corruption("the checkpoint's plan is damaged");
  const std::string id = p->id;
  plans_[id] = std::move(p);
  return Status::Ok();
}

Status Ledger::DecodeAgencies(BinaryReader& r) {
  agencies_.clear();
  groups_of_.clear();
  for (size_t n = r.Count(7); n > 0 && r.ok(); --n) {
    auto a = GetAgency(r);
    const std::string id = a->id;
    agencies_[id] = std::move(a);
  }
  agency_ids_ = r.Strs();
  agency_nos_.clear();
  for (uint32_t i = 0; i < agency_ids_.size(); ++i) agency_nos_.emplace(agency_ids_[i], i);
  for (size_t n = r.Count(2); n > 0 && r.ok(); --n) {
    std::string key = r.Str();
    groups_of_[std::move(key)] = r.Strs();
  }
  if (!r.ok() || agency_nos_.size() != agencies_.size()) {
    return Status::Corruption("the checkpoint's shared state is damaged");
  }
  return Status::Ok();
}

Status Ledger::DecodeShared(std::string_view in, bool with_names) {
  if (!replaying_ || !tasks_.empty() || !agencies_.empty()) {
    return Status::FailedPrecondition("a checkpoint loads into an empty ledger, in a replay");
  }
  BinaryReader r(in);
  position_ = r.U64();
  last_recorded_at_ms_ = r.I64();
  next_task_seq_ = static_cast<uint32_t>(r.U64());
  if (Status s = DecodeAgencies(r); !s.ok()) return s;
  if (!with_names) return Status::Ok();  // names are looked up by imports and pickers only
  for (size_t n = r.Count(2); n > 0 && r.ok(); --n) {
    std::string key = r.Str();
    agency_names_[std::move(key)] = r.Strs();
  }
  if (!r.ok() || !r.done()) return Status::Corruption("the checkpoint's shared state is damaged");
  return Status::Ok();
}

Status Ledger::ReplacePlanPart(std::string_view shared, std::string_view plan,
                               std::string_view tasks) {
  if (!replaying_ || !scope_)
    return Status::FailedPrecondition("a plan's part replaces a replay's");
  ++context_;
  BinaryReader r(shared);
  position_ = r.U64();
  last_recorded_at_ms_ = r.I64();
  next_task_seq_ = static_cast<uint32_t>(r.U64());
  if (!r.ok()) return Status::Corruption("the checkpoint's shared state is damaged");
  // The agencies too, as they stood then: parts are numbered by them, and folding the events
  // after the checkpoint (members joining, tasks given to groups) reads their groups.
  if (Status s = DecodeAgencies(r); !s.ok()) return s;
  tasks_.clear();
  if (Status s = DecodePlan(plan); !s.ok()) return s;
  if (!tasks.empty()) {
    if (Status s = DecodeTasks(tasks); !s.ok()) return s;
  }
  return Status::Ok();
}

void Ledger::TrackChanges() {
  tracking_ = true;
  all_changed_ = false;
  changed_plans_.clear();
}

std::optional<std::set<std::string, std::less<>>> Ledger::ChangedPlans() const {
  if (!tracking_ || all_changed_) return std::nullopt;
  return changed_plans_;
}

void Ledger::LimitToPlans(std::set<std::string, std::less<>> plans) { scope_ = std::move(plans); }

namespace {

void Put(BinaryWriter& w, const CategoryCounts& c) {
  for (int n : c.counts) w.I64(n);
}
void Get(BinaryReader& r, CategoryCounts& c) {
  for (int& n : c.counts) n = static_cast<int>(r.I64());
}
void Put(BinaryWriter& w, const ReportCounts& c) {
  Put(w, c.tasks);
  Put(w, c.parts);
}
void Get(BinaryReader& r, ReportCounts& c) {
  Get(r, c.tasks);
  Get(r, c.parts);
}

}  // namespace

void EncodeCounts(const PlanCounts& counts, std::string& out) {
  BinaryWriter w(out);
  Put(w, counts.totals);
  w.I64(counts.due);
  w.U64(counts.by_lead.size());
  for (const auto& [agency, c] : counts.by_lead) {
    w.Str(agency);
    Put(w, c);
  }
}

Result<PlanCounts> DecodeCounts(std::string_view in) {
  BinaryReader r(in);
  PlanCounts counts;
  Get(r, counts.totals);
  counts.due = static_cast<int>(r.I64());
  for (size_t n = r.Count(1 + 2 * kCategoryCount); n > 0 && r.ok(); --n) {
    std::string agency = r.Str();
    Get(r, counts.by_lead[std::move(agency)]);
  }
  if (!r.ok() || !r.done()) return Status::Corruption("plan counts are damaged");
  return counts;
}

}  // namespace taskledger::domain
