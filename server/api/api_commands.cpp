// Write routes: every one decides a domain command as the caller and answers once its events are
// durable and folded. If-Match (the task's version, from its ETag) and Idempotency-Key apply.
#include "domain/csv.h"
#include "domain/import.h"
#include "domain/text.h"
#include "events/util/sha256.h"
#include "server/api/api.h"
#include "server/api/api_util.h"
#include "server/app/use_cases.h"
#include "server/http/multipart.h"
#include "server/views/views.h"

namespace taskledger::server {

using nlohmann::json;
using namespace domain;

namespace {

// Whose part a coordinator decides on when the body names none: the occurrence's own record
// when it holds `id` (a deliverable, or an extension request), else the one member's part that
// does. Sends 400 and returns none when several do.
std::optional<std::string> PartHolding(App& app, const Call& c, const std::string& occurrence,
                                       const std::string& id, bool deliverable) {
  std::vector<std::string> holders;
  bool own = false;
  app.Read([&](const Ledger& l) {
    const Task* t = l.FindTask(c.params[0]);
    const Occurrence* o = t ? t->Find(occurrence) : nullptr;
    if (!o) return;
    const auto has = [&](const auto& list) {
      return std::any_of(list.begin(), list.end(), [&](const auto& x) { return x.id == id; });
    };
    own = deliverable ? has(o->deliverables) : has(o->extensions);
    for (const Part& p : o->parts) {
      if (deliverable ? has(p.deliverables()) : has(p.extensions())) {
        holders.push_back(l.AgencyIdOf(p.member));
      }
    }
  });
  if (own || holders.empty()) return std::string();  // Decide says when there is none
  if (holders.size() == 1) return holders.front();
  c.Fail(BadRequest("several members' parts have '" + id + "': say whose (part)", "part"));
  return std::nullopt;
}

}  // namespace

void Api::AddCommandRoutes() {
  // Commands on a task's occurrence. `occurrence` defaults to the task's only one.
  const auto occurrence = [this](const Call& c, const json& j) -> std::optional<std::string> {
    auto key = Text(c, j, "occurrence", false);
    if (!key) return std::nullopt;
    if (!key->empty()) return key;
    auto only = app_.Read([&](const Ledger& l) -> std::optional<std::string> {
      const Task* t = l.FindTask(c.params[0]);
      if (!t) return std::string("1");  // Decide will say the task does not exist
      std::vector<std::string> open;
      for (const Occurrence& o : t->occurrences)
        if (o.open()) open.push_back(o.key);
      if (open.size() == 1) return open.front();
      return std::nullopt;
    });
    if (!only)
      c.Fail(BadRequest("this task has several open occurrences; say which", "occurrence"));
    return only;
  };

  // Every command on an occurrence takes "part": the member whose part it acts on (an agency
  // seeing the task through a group acts on its own, named or not).
  Add(http::verb::post, "/v1/tasks/{}/status", [this, occurrence](Call& c) {
    auto j = JsonBody(c, {"occurrence", "status", "reason", "part"});
    if (!j) return;
    auto status = Text(c, *j, "status", true), reason = Text(c, *j, "reason", false),
         part = Text(c, *j, "part", false);
    if (!status || !reason || !part) return;
    auto occ = occurrence(c, *j);
    if (!occ) return;
    if (*status == "in_progress")
      return RunCommand(app_, post_, c, StartWork{c.params[0], *occ, *part}, c.params[0]);
    if (*status == "cancelled") {
      return RunCommand(app_, post_, c, CancelOccurrence{c.params[0], *occ, *reason, *part},
                        c.params[0]);
    }
    c.Fail(
        BadRequest("status must be in_progress or cancelled (completion is a review of a "
                   "deliverable)",
                   "status"));
  });
  Add(http::verb::post, "/v1/tasks/{}/progress", [this, occurrence](Call& c) {
    auto j = JsonBody(c, {"occurrence", "percent", "narrative", "indicators", "part"});
    if (!j) return;
    const auto percent = Integer(c, *j, "percent", 0, 100);
    if (!percent) return;
    auto narrative = Text(c, *j, "narrative", false), part = Text(c, *j, "part", false);
    if (!narrative || !part) return;
    if (j->contains("indicators") && !(*j)["indicators"].is_object()) {
      return c.Fail(BadRequest("indicators must be an object", "indicators"));
    }
    auto occ = occurrence(c, *j);
    if (!occ) return;
    ReportProgress cmd{c.params[0],
                       *occ,
                       static_cast<int>(*percent),
                       *narrative,
                       j->contains("indicators") ? (*j)["indicators"].dump() : "{}",
                       *part};
    RunCommand(app_, post_, c, cmd, c.params[0]);
  });
  // A deliverable: JSON metadata (the file is elsewhere), or multipart/form-data with the file
  // itself (part "file", up to 20 MiB), stored by its SHA-256 before the event is appended.
  Add(http::verb::post, "/v1/tasks/{}/deliverables", [this, occurrence](Call& c) {
    Deliverable d;
    std::string occ_key, part;
    if (auto boundary = MultipartBoundary(c.req[http::field::content_type])) {
      auto parts = ParseMultipart(c.req.body(), *boundary);
      if (!parts.ok()) return c.Fail(BadRequest(parts.status().message()));
      json fields = json::object();
      const FormPart* file = nullptr;
      for (const FormPart& p : *parts) {
        if (p.name == "file") {
          file = &p;
        } else if (p.name == "occurrence" || p.name == "id" || p.name == "note" ||
                   p.name == "name" || p.name == "part") {
          fields[p.name] = std::string(p.data);
        } else {
          return c.Fail(BadRequest(
              "unknown part '" + p.name + "' (file, name, note, occurrence, id, part)", p.name));
        }
      }
      if (!file) return c.Fail(BadRequest("the form has no 'file' part", "file"));
      if (file->data.empty()) return c.Fail(BadRequest("the file is empty", "file"));
      for (const auto& [k, v] : fields.items()) {
        if (!domain::IsUtf8(v.get<std::string>()))
          return c.Fail(BadRequest(k + " is not UTF-8", k));
      }
      const std::string name = fields.value("name", file->filename);
      if (name.empty() || !domain::IsUtf8(name)) {
        return c.Fail(
            BadRequest("the file part needs a UTF-8 filename (or send a 'name' part)", "file"));
      }
      auto o = occurrence(c, fields);
      if (!o) return;
      occ_key = *o;
      // Refuse before storing anything if the command cannot succeed for this caller.
      const bool visible = app_.Read([&](const Ledger& l) {
        const Task* t = l.FindTask(c.params[0]);
        return t && CanSee(c, l, *t);
      });
      if (!visible) return c.Fail(NotFound("no task '" + c.params[0] + "' of yours"));
      auto sha = app_.files().Put(file->data);
      if (!sha.ok()) return c.Fail(FromStatus(sha.status()));
      d.id = fields.value("id", std::string());
      d.name = name;
      d.sha256 = *sha;
      d.size = static_cast<int64_t>(file->data.size());
      d.note = fields.value("note", std::string());
      part = fields.value("part", std::string());
    } else {
      if (!IsJsonContentType(c.req[http::field::content_type])) {
        return c.Fail(UnsupportedMediaType(c.req[http::field::content_type],
                                           "multipart/form-data (a file) or application/json"));
      }
      auto j = JsonBody(c, {"occurrence", "id", "name", "sha256", "size", "note", "part"});
      if (!j) return;
      auto id = Text(c, *j, "id", false), name = Text(c, *j, "name", true),
           sha = Text(c, *j, "sha256", false), note = Text(c, *j, "note", false),
           member = Text(c, *j, "part", false);
      if (!id || !name || !sha || !note || !member) return;
      part = *member;
      std::optional<int64_t> size = 0;
      if (j->contains("size")) size = Integer(c, *j, "size", 0, INT64_MAX);
      if (!size) return;
      auto o = occurrence(c, *j);
      if (!o) return;
      occ_key = *o;
      d.id = *id;
      d.name = *name;
      d.sha256 = *sha;
      d.size = *size;
      d.note = *note;
    }
    if (d.id.empty()) d.id = Uuid::NewV7(app_.NowMs()).ToString();
    RunCommand(app_, post_, c, SubmitDeliverable{c.params[0], occ_key, d, part}, c.params[0]);
  });
  Add(http::verb::post, "/v1/tasks/{}/deliverables/{}/review", [this, occurrence](Call& c) {
    auto j = JsonBody(c, {"occurrence", "decision", "comment", "effective_on", "reason", "part"});
    if (!j) return;
    auto decision = Text(c, *j, "decision", true), comment = Text(c, *j, "comment", false),
         reason = Text(c, *j, "reason", false), part = Text(c, *j, "part", false);
    if (!decision || !comment || !reason || !part) return;
    if (*decision != "accepted" && *decision != "returned") {
      return c.Fail(BadRequest("decision must be accepted or returned", "decision"));
    }
    auto effective_on = DateMember(c, *j, "effective_on", false);
    if (!effective_on) return;
    auto occ = occurrence(c, *j);
    if (!occ) return;
    if (part->empty()) part = PartHolding(app_, c, *occ, c.params[1], /*deliverable=*/true);
    if (!part) return;
    ReviewDeliverable cmd{c.params[0], *occ, c.params[1], *decision == "accepted", *comment};
    if (*effective_on != Date{}) cmd.effective_on = *effective_on;
    cmd.reason = *reason;
    cmd.part = *part;
    RunCommand(app_, post_, c, cmd, c.params[0]);
  });
  // Completed on a past day, its work done before the plan was tracked here (coordinators).
  Add(http::verb::post, "/v1/tasks/{}/completion", [this, occurrence](Call& c) {
    auto j = JsonBody(c, {"occurrence", "completed_on", "reason", "part"});
    if (!j) return;
    auto reason = Text(c, *j, "reason", true), part = Text(c, *j, "part", false);
    if (!reason || !part) return;
    auto day = DateMember(c, *j, "completed_on", true);
    if (!day) return;
    auto occ = occurrence(c, *j);
    if (!occ) return;
    RunCommand(app_, post_, c, RecordCompletion{c.params[0], *occ, *day, *reason, *part},
               c.params[0]);
  });
  Add(http::verb::post, "/v1/tasks/{}/assignment", [this](Call& c) {
    auto j = JsonBody(c, {"lead", "coordinating", "reason"});
    if (!j) return;
    auto lead = TextList(c, *j, "lead", true),
         coordinating = TextList(c, *j, "coordinating", false);
    auto reason = Text(c, *j, "reason", true);
    if (!lead || !coordinating || !reason) return;
    RunCommand(app_, post_, c, Reassign{c.params[0], *lead, *coordinating, *reason}, c.params[0]);
  });
  Add(http::verb::post, "/v1/tasks/{}/deadline", [this](Call& c) {
    auto j = JsonBody(c, {"deadline", "reason"});
    if (!j) return;
    auto deadline = Text(c, *j, "deadline", true), reason = Text(c, *j, "reason", true);
    if (!deadline || !reason) return;
    RunCommand(app_, post_, c, ChangeDeadline{c.params[0], *deadline, *reason}, c.params[0]);
  });
  Add(http::verb::post, "/v1/tasks/{}/extension-requests", [this, occurrence](Call& c) {
    auto j = JsonBody(c, {"occurrence", "id", "due", "reason", "part"});
    if (!j) return;
    auto id = Text(c, *j, "id", false), reason = Text(c, *j, "reason", true),
         part = Text(c, *j, "part", false);
    if (!id || !reason || !part) return;
    auto due = DateMember(c, *j, "due", true);
    if (!due) return;
    auto occ = occurrence(c, *j);
    if (!occ) return;
    const std::string rid = id->empty() ? Uuid::NewV7(app_.NowMs()).ToString() : *id;
    RunCommand(app_, post_, c, RequestExtension{c.params[0], *occ, rid, *due, *reason, *part},
               c.params[0]);
  });
  Add(http::verb::post, "/v1/tasks/{}/extension-requests/{}/decision", [this, occurrence](Call& c) {
    auto j = JsonBody(c, {"occurrence", "decision", "due", "comment", "part"});
    if (!j) return;
    auto decision = Text(c, *j, "decision", true), comment = Text(c, *j, "comment", false),
         part = Text(c, *j, "part", false);
    if (!decision || !comment || !part) return;
    if (*decision != "granted" && *decision != "refused") {
      return c.Fail(BadRequest("decision must be granted or refused", "decision"));
    }
    auto due = DateMember(c, *j, "due", false);
    if (!due) return;
    auto occ = occurrence(c, *j);
    if (!occ) return;
    if (part->empty()) part = PartHolding(app_, c, *occ, c.params[1], /*deliverable=*/false);
    if (!part) return;
    DecideExtension cmd{c.params[0],
                        *occ,
                        c.params[1],
                        *decision == "granted",
                        *due == Date{} ? std::nullopt : std::optional<Date>(*due),
                        *comment,
                        *part};
    RunCommand(app_, post_, c, cmd, c.params[0]);
  });
  Add(http::verb::post, "/v1/tasks/{}/comments", [this](Call& c) {
    auto j = JsonBody(c, {"occurrence", "text", "part"});
    if (!j) return;
    auto text = Text(c, *j, "text", true), occ = Text(c, *j, "occurrence", false),
         part = Text(c, *j, "part", false);
    if (!text || !occ || !part) return;
    RunCommand(app_, post_, c, AddComment{c.params[0], *occ, *text, *part}, c.params[0]);
  });
}

}  // namespace taskledger::server
