// POST /v1/plans/{id}/import: a task matrix from the plan's own document (.docx, .xlsx), a CSV
// file in any office encoding, or JSON; as the body, or as the "file" part of a form with a
// "mapping" of unknown agency names. A dry run answers the preview: every row as understood.
#include "domain/import.h"
#include "domain/text.h"
#include "server/api/api.h"
#include "server/api/api_util.h"
#include "server/app/use_cases.h"
#include "server/http/multipart.h"
#include "server/http/strict_json.h"
#include "server/views/views.h"

namespace taskledger::server {

using nlohmann::json;
using namespace domain;

namespace {

// {"aliases": {"name": "agency-id", …}, "create": ["name", …]} into the options; a 400 names
// what is wrong.
std::optional<Problem> ReadMapping(std::string_view text, ImportOptions* o) {
  StrictJson j = ParseStrictJson(text);
  if (j.error) return BadRequest("mapping: " + j.error->message, "mapping");
  if (!j.value.is_object()) return BadRequest("mapping must be a JSON object", "mapping");
  for (const auto& [key, value] : j.value.items()) {
    if (key == "aliases") {
      if (!value.is_object())
        return BadRequest("mapping.aliases must be an object", "mapping.aliases");
      for (const auto& [name, id] : value.items()) {
        if (!id.is_string() || Trim(name).empty() || HasForbiddenControl(name)) {
          return BadRequest("mapping.aliases: each name maps to an agency id", "mapping.aliases");
        }
        o->aliases[std::string(Trim(name))] = id.get<std::string>();
      }
    } else if (key == "create") {
      if (!value.is_array())
        return BadRequest("mapping.create must be a list of names", "mapping.create");
      for (const json& name : value) {
        if (!name.is_string() || Trim(name.get<std::string>()).empty()) {
          return BadRequest("mapping.create: each entry is an agency name", "mapping.create");
        }
        o->create.insert(std::string(Trim(name.get<std::string>())));
      }
    } else {
      return BadRequest("mapping: unknown member '" + key + "' (aliases, create)", "mapping");
    }
  }
  return std::nullopt;
}

json PreviewJson(const Ledger& l, const ImportPlan& plan) {
  json rows = json::array();
  const auto names = [&](const std::vector<std::string>& ids) {
    json out = json::array();
    for (const std::string& id : ids) {
      const Agency* a = l.FindAgency(id);
      out.push_back({{"id", id}, {"name", a ? a->name : id}});
    }
    return out;
  };
  for (const PreviewRow& r : plan.preview) {
    json x = {{"row", r.row}, {"kind", r.kind}, {"code", r.code}, {"title", r.title}};
    if (r.table) x["table"] = r.table;
    if (!r.sheet.empty()) x["sheet"] = r.sheet;
    if (!r.change.empty()) x["change"] = r.change;
    if (r.kind == "task") {
      json occurrences = json::array();
      for (const Date& d : r.occurrences) occurrences.push_back(ToIso(d));
      x["section"] = r.section;
      x["lead"] = names(r.lead);
      x["coordinating"] = names(r.coordinating);
      x["unknown_agencies"] = r.unknown;
      x["deliverable"] = r.deliverable;
      x["deadline"] = r.deadline;
      x["occurrences"] = std::move(occurrences);
      x["targets"] = r.targets;
      x["occurrence_targets"] = r.occurrence_targets;
    }
    rows.push_back(std::move(x));
  }
  return rows;
}

json DocumentJson(const ImportOutcome& done) {
  const MatrixLayout& l = done.plan.layout;
  json d = {{"kind", office::KindName(done.kind)}};
  if (!done.encoding.empty()) d["encoding"] = done.encoding;
  if (l.table) d["table"] = l.table;
  if (!l.sheet.empty()) d["sheet"] = l.sheet;
  if (l.header_row) d["header_row"] = l.header_row;
  json columns = json::array();
  for (const MatrixLayout::Column& c : l.columns) {
    columns.push_back({{"column", c.canonical}, {"header", c.header}, {"index", c.index}});
  }
  d["columns"] = std::move(columns);
  if (!l.seen.empty()) d["tables_seen"] = l.seen;
  return d;
}

}  // namespace

void Api::AddImportRoutes() {
  Add(http::verb::post, "/v1/plans/{}/import",
      [this](Call& c) {
        if (!RequireRole(c, {ActorRole::kCoordinator})) return;
        ImportRequest r;
        r.plan = c.params[0];
        r.dry_run = c.query.count("dry_run") && c.query.at("dry_run") == "true";
        r.options.create_unknown_agencies =
            c.query.count("create_agencies") && c.query.at("create_agencies") == "true";
        if (c.query.count("reason")) r.options.reason = c.query.at("reason");
        if (c.query.count("sheet")) r.sheet = c.query.at("sheet");
        r.read = options_.import;
        const std::string_view content_type = c.req[http::field::content_type];
        if (auto boundary = MultipartBoundary(content_type)) {
          auto parts = ParseMultipart(c.req.body(), *boundary);
          if (!parts.ok()) return c.Fail(BadRequest(parts.status().message()));
          const FormPart* file = nullptr;
          for (const FormPart& p : *parts) {
            if (p.name == "file" && !file) {
              file = &p;
            } else if (p.name == "mapping") {
              if (auto bad = ReadMapping(p.data, &r.options)) return c.Fail(*bad);
            } else if (p.name == "sheet" && IsUtf8(p.data)) {
              r.sheet = std::string(p.data);
            } else {
              return c.Fail(BadRequest(
                  "unknown or repeated part '" + p.name + "' (file, mapping, sheet)", p.name));
            }
          }
          if (!file) return c.Fail(BadRequest("the form has no 'file' part", "file"));
          r.bytes = std::string(file->data);
          r.media_type = office::MediaTypeFromName(file->filename, MediaType(file->content_type));
        } else {
          r.bytes = c.req.body();
          r.media_type = MediaType(content_type);
        }
        if (!office::IsReadableMediaType(r.media_type)) {
          return c.Fail(UnsupportedMediaType(
              r.media_type,
              "a .docx, .xlsx, .csv (text/csv) or JSON file, or multipart/form-data "
              "with one in its 'file' part"));
        }
        // Reading a Word file, planning and recording the import: on a render thread, which may
        // wait for the append; an I/O thread never does.
        Render(c, [this, r = std::move(r)](Call& c) {
          auto done = ImportMatrix(app_, r, c.actor);
          if (!done.ok()) {
            if (done.status().code() == Status::Code::kUnsupported) {
              Problem p = FromStatus(done.status());
              p.errors.push_back({"file", 0, {}, done.status().message()});
              return c.Fail(p);
            }
            if (done.status().code() == Status::Code::kInvalidArgument) {
              Problem p = InvalidMatrix(done.status().message());
              p.errors.push_back({"file", 0, {}, done.status().message()});
              return c.Fail(p);
            }
            return c.Fail(FromStatus(done.status()));
          }
          const ImportPlan& plan = done->plan;
          const json preview = app_.Read([&](const Ledger& l) { return PreviewJson(l, plan); });
          if (!plan.problems.empty()) {
            const ImportProblem& first = plan.problems.front();
            std::string where;
            const auto add = [&](const std::string& part) {
              where += (where.empty() ? "" : ", ") + part;
            };
            if (!first.sheet.empty()) add("sheet \"" + first.sheet + "\"");
            if (first.table) add("table " + std::to_string(first.table));
            if (first.row) add("row " + std::to_string(first.row));
            if (!first.column.empty()) add(first.column);
            Problem p = InvalidMatrix(std::to_string(plan.problems.size()) +
                                      " problem(s), first: " + (where.empty() ? "" : where + ": ") +
                                      first.message);
            for (const ImportProblem& x : plan.problems) {
              ProblemItem item{{}, x.row, x.column, x.message, x.table, x.sheet, x.cell};
              item.code = x.code;
              for (const auto& [k, v] : x.params) item.params[k] = v;
              p.errors.push_back(std::move(item));
            }
            p.code = "import-problems";
            p.params = {{"count", std::to_string(plan.problems.size())}};
            p.extra["dry_run"] = r.dry_run;
            p.extra["document"] = DocumentJson(*done);
            p.extra["unknown_agencies"] = plan.unknown_agencies;
            p.extra["warnings"] = plan.warnings;
            if (r.dry_run) p.extra["preview"] = preview;
            return c.Fail(p);
          }
          json summary = {{"dry_run", r.dry_run},
                          {"document", DocumentJson(*done)},
                          {"sections_added", plan.sections_added},
                          {"tasks_created", plan.tasks_created},
                          {"tasks_changed", plan.tasks_changed},
                          {"tasks_unchanged", plan.tasks_unchanged},
                          {"new_agencies", plan.new_agencies},
                          {"aliases_added", plan.aliases_added},
                          {"unknown_agencies", plan.unknown_agencies},
                          {"warnings", plan.warnings}};
          if (r.dry_run) {
            summary["preview"] = preview;
            return c.Json(http::status::ok, summary);
          }
          summary["events"] = done->events;
          summary["head"] = done->head;
          c.Json(http::status::created, summary);
        });
      },
      {{"dry_run", ParamKind::kBool},
       {"create_agencies", ParamKind::kBool},
       {"reason", ParamKind::kText},
       {"sheet", ParamKind::kText}});
}

}  // namespace taskledger::server
