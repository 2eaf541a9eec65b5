#include "server/cli/tools.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "domain/date.h"
#include "domain/import.h"
#include "events/log_export.h"
#include "events/pg_event_store.h"
#include "events/util/disk_space.h"
#include "events/util/progress.h"
#include "events/util/sha256.h"
#include "server/app/backup.h"
#include "server/app/demo.h"
#include "server/app/file_store.h"
#include "server/app/use_cases.h"
#include "server/views/views.h"

namespace taskledger::server::tools {

using namespace domain;
using nlohmann::json;

namespace {

int Fail(const std::string& what, int code = 1) {
  std::cerr << "taskledger: " << what << "\n";
  return code;
}

std::string Pretty(const json& j) { return j.dump(2, ' ', false, json::error_handler_t::replace); }

}  // namespace

std::unique_ptr<App> OpenOrExit(const Where& where, std::function<int64_t()> clock,
                                std::optional<uint64_t> min_free_bytes,
                                CheckpointOptions checkpoints, size_t block_cache_bytes) {
  AppOptions o;
  o.data_dir = where.data_dir;
  o.store_uri = where.store_uri;
  o.secrets_key = where.secrets_key;
  const std::string dir = where.store_uri.empty() ? where.data_dir : RedactedUri(where.store_uri);
  o.checkpoints = checkpoints;
  o.store.block_cache_bytes = block_cache_bytes;
  o.clock_ms = std::move(clock);
  o.store.min_free_bytes = min_free_bytes;
  o.files.min_free_bytes = min_free_bytes;
  auto app = App::Open(o);
  if (!app.ok()) {
    std::cerr << "taskledger: cannot open " << dir << ": " << app.status().ToString()
              << (app.status().message().find("lock") != std::string::npos
                      ? " (is a server running on it? offline commands need it stopped)"
                      : "")
              << "\n";
    std::exit(2);
  }
  return std::move(*app);
}

int LoadDemoTool(App& app, const std::string& demo_dir) {
  auto r = LoadDemo(app, demo_dir);
  if (!r.ok()) return Fail("demo: " + r.status().ToString());
  std::cout << *r << "\n";
  return 0;
}

int CreateToken(App& app, const std::string& role, const std::string& agency,
                const std::string& name) {
  auto r = ParseRole(role);
  if (!r) return Fail("--role must be coordinator, agency or auditor", 2);
  auto t = server::CreateToken(app, {*r, agency, name, ""},
                               Actor{ActorRole::kCoordinator, "", "cli:token"});
  if (!t.ok()) {
    const bool usage = t.status().code() == Status::Code::kInvalidArgument ||
                       t.status().code() == Status::Code::kNotFound;
    return Fail(t.status().message(), usage ? 2 : 1);
  }
  // Scripts take the last word.
  std::cout << role << (agency.empty() ? "" : " " + agency) << " token (id " << t->record.id
            << ", shown once): " << t->token << "\n";
  return 0;
}

int RevokeToken(App& app, const std::string& id) {
  const Status s = server::RevokeToken(app, id, Actor{ActorRole::kCoordinator, "", "cli:token"});
  if (s.code() == Status::Code::kNotFound || s.code() == Status::Code::kFailedPrecondition) {
    return Fail(s.message(), 2);
  }
  if (!s.ok()) return Fail(s.ToString());
  std::cout << "revoked " << id << "\n";
  return 0;
}

int VerifyStore(App& app) {
  Progress bar = Progress::Terminal("verify", app.store().head().position);
  const VerifyReport r = app.store().Verify(1, [&](uint64_t done) { bar.Update(done); });
  bar.Finish();
  std::cout << (r.ok ? "ok" : "BAD") << ": " << r.checked << " events checked, head "
            << r.head.position << " " << ToHex(r.head.hash) << "\n";
  if (!r.ok) {
    std::cout << "first bad position " << r.first_bad_position << ": " << r.problem << "\n";
    return 1;
  }
  // The newest checkpoint against a fresh fold of the log up to its position.
  const std::vector<CheckpointInfo> all = app.checkpoints().List();
  if (all.empty()) {
    std::cout << "no checkpoints to compare\n";
    return 0;
  }
  const CheckpointInfo& newest = all.back();
  Progress fold = Progress::Terminal("fold", newest.position);
  auto differs = app.checkpoints().CompareWithFold(newest, &fold);
  fold.Finish();
  if (!differs.ok()) return Fail("checkpoint " + newest.path + ": " + differs.status().ToString());
  std::cout << "checkpoint of " << ToIso(newest.day) << " (position " << newest.position << "): "
            << (differs->empty() ? "equals a fresh fold of the log" : "DIFFERS: " + *differs)
            << "\n";
  return differs->empty() ? 0 : 1;
}

int WriteCheckpoints(App& app) {
  auto written = app.checkpoints().CatchUp(false);
  if (!written.ok()) return Fail(written.status().ToString());
  std::cout << *written << " checkpoints written\n";
  for (const CheckpointInfo& c : app.checkpoints().List()) {
    std::cout << ToIso(c.day) << "  position " << c.position << "  " << MiB(c.bytes) << "\n";
  }
  return 0;
}

int VerifyFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Fail("cannot read " + path, 2);
  const ExportCheck r = VerifyExport(in);
  std::cout << (r.ok ? "ok" : "BAD") << ": " << r.checked << " events checked, head "
            << r.head.position << " " << ToHex(r.head.hash) << "\n";
  if (!r.ok) std::cout << r.problem << "\n";
  return r.ok ? 0 : 1;
}

int Backup(App& app, const std::string& to) {
  auto r = server::Backup(app, to);
  if (!r.ok()) return Fail(r.status().ToString());
  std::cout << "backup of position " << r->head.position << " (" << ToHex(r->head.hash) << "), "
            << r->files << " files" << (r->outbox ? ", the webhook outbox" : "")
            << (r->mail ? ", the mail outbox" : "") << " in " << to << "\n";
  return 0;
}

int Restore(const std::string& from, const Where& to) {
  const std::string& data_dir = to.data_dir;
  const std::string& store_uri = to.store_uri;
  auto r = server::Restore(from, data_dir, store_uri, to.secrets_key);
  if (!r.ok()) return Fail(r.status().ToString(), 2);
  std::cout << "restored position " << r->head.position << " (" << ToHex(r->head.hash)
            << "), chain verified, " << r->files << " files"
            << (r->outbox ? ", the webhook outbox" : "") << (r->mail ? ", the mail outbox" : "")
            << " into " << data_dir
            << (store_uri.empty() ? "" : ", the log into " + RedactedUri(store_uri)) << "\n";
  return 0;
}

namespace {

// A log to copy from (it must exist) or to (created when missing).
Result<std::unique_ptr<EventStore>> OpenLog(const std::string& where, bool create) {
  if (IsPostgresUri(where)) {
    PgStoreOptions o;
    o.create_if_missing = create;
    o.application_name = "taskledger migrate";
    return OpenPgEventStore(where, o);
  }
  RocksStoreOptions o;
  o.create_if_missing = create;
  return OpenRocksEventStore(where, o);
}

std::string Named(const std::string& where) {
  return IsPostgresUri(where) ? RedactedUri(where) : where;
}

}  // namespace

int Migrate(const std::string& from, const std::string& to) {
  auto source = OpenLog(from, /*create=*/false);
  if (!source.ok())
    return Fail("cannot open " + Named(from) + ": " + source.status().ToString(), 2);
  auto target = OpenLog(to, /*create=*/true);
  if (!target.ok()) return Fail("cannot open " + Named(to) + ": " + target.status().ToString(), 2);
  const uint64_t head = (*source)->head().position, start = (*target)->head().position;
  Progress bar = Progress::Terminal("migrate", head > start ? head - start : 0);
  auto copied = CopyLog(**source, **target, head, [&](uint64_t n) { bar.Update(n); });
  bar.Finish();
  if (!copied.ok()) return Fail("copying the log: " + copied.status().ToString());
  // Both sides walk their whole chain: the copy is the same log, byte for byte.
  using Side = std::pair<EventStore*, const std::string*>;
  for (const auto& [store, name] : {Side{source->get(), &from}, Side{target->get(), &to}}) {
    const VerifyReport v = store->Verify();
    if (!v.ok) {
      return Fail(Named(*name) + " does not verify at position " +
                  std::to_string(v.first_bad_position) + ": " + v.problem);
    }
  }
  const Head a = (*source)->head(), b = (*target)->head();
  if (b.position != head || (head > 0 && b.hash != (*source)->Get(head)->hash)) {
    return Fail("the copy ends at position " + std::to_string(b.position) + ", not " +
                std::to_string(head));
  }
  std::cout << "migrated " << (head - start) << " events (positions " << (start + 1) << "-" << head
            << ") from " << Named(from) << " to " << Named(to) << "; both verify, head "
            << ToHex(b.hash) << "\n";
  if (a.position > head) {
    std::cout << "note: " << Named(from) << " took " << (a.position - head)
              << " more events during the copy; run migrate again to copy them\n";
  }
  return 0;
}

int Export(App& app, uint64_t after, const std::string& out) {
  std::ofstream file;
  std::ostream* os = &std::cout;
  if (out != "-") {
    file.open(out, std::ios::binary | std::ios::trunc);
    if (!file) return Fail("cannot write " + out, 2);
    os = &file;
  }
  // A bar on a terminal's stderr (one line per event in the export), never in the output.
  const uint64_t head = app.store().head().position;
  Progress bar = Progress::Terminal("export", head > after ? head - after : 0);
  uint64_t lines = 0;
  const bool ok = ExportLog(app.store(), after, app.NowMs(), [&](std::string chunk) {
    os->write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    lines += static_cast<uint64_t>(std::count(chunk.begin(), chunk.end(), '\n'));
    bar.Update(lines);
    return static_cast<bool>(*os);
  });
  bar.Finish();
  os->flush();
  if (!ok || !*os) return Fail("the export failed");
  if (out != "-") {
    std::cerr << "exported positions " << after + 1 << "-" << app.store().head().position << " to "
              << out << "\n";
  }
  return 0;
}

int Import(App& app, const ImportArgs& a) {
  auto bytes = ReadWholeFile(a.file);
  if (!bytes.ok()) return Fail(bytes.status().message(), 2);
  ImportRequest r;
  r.plan = a.plan;
  r.bytes = std::move(*bytes);
  r.media_type = office::MediaTypeFromName(a.file);
  r.sheet = a.sheet;
  r.dry_run = a.dry_run;
  r.options.create_unknown_agencies = a.create_agencies;
  r.options.reason = a.reason;
  for (const std::string& m : a.aliases) {
    const size_t eq = m.rfind('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == m.size()) {
      return Fail("--alias wants \"Name as the file writes it=agency-id\", not \"" + m + "\"", 2);
    }
    r.options.aliases[m.substr(0, eq)] = m.substr(eq + 1);
  }
  r.options.create.insert(a.create.begin(), a.create.end());
  r.read.soffice = a.soffice;
  auto done = ImportMatrix(app, r, Actor{ActorRole::kCoordinator, "", "cli:import"});
  if (!done.ok()) {
    return Fail(done.status().message(), done.status().code() == Status::Code::kNotFound ? 2 : 1);
  }
  const ImportPlan& plan = done->plan;
  for (const ImportProblem& p : plan.problems) {
    std::cerr << a.file << ":";
    if (!p.sheet.empty()) std::cerr << " sheet \"" << p.sheet << "\",";
    if (p.table) std::cerr << " table " << p.table << ",";
    std::cerr << " row " << p.row << (p.column.empty() ? "" : ", " + p.column)
              << (p.cell.empty() ? "" : " (" + p.cell + ")") << ": " << p.message << "\n";
  }
  if (!plan.unknown_agencies.empty()) {
    std::cerr << "unknown agencies (map each with --alias \"Name=agency-id\" or --create "
                 "\"Name\"):\n";
    for (const std::string& n : plan.unknown_agencies) std::cerr << "  " << n << "\n";
  }
  if (!plan.problems.empty()) {
    return Fail(std::to_string(plan.problems.size()) + " problem(s); nothing imported", 2);
  }
  for (const std::string& w : plan.warnings) std::cerr << "warning: " << w << "\n";
  std::cout << (a.dry_run ? "would create " : "created ") << plan.tasks_created << " tasks, change "
            << plan.tasks_changed << ", leave " << plan.tasks_unchanged << " unchanged; "
            << plan.sections_added << " sections and " << plan.new_agencies.size()
            << " agencies added\n";
  if (a.dry_run) return 0;
  std::cout << done->events << " events recorded; head " << done->head << "\n";
  return 0;
}

int Replay(App& app, const ReplayArgs& a) {
  const auto day = ParseIsoDate(a.as_of);
  if (!day) return Fail("--as-of wants YYYY-MM-DD", 2);
  if (a.plan.empty() + a.task.empty() + a.agency.empty() != 2) {
    return Fail("say one of --plan, --task or --agency", 2);
  }
  auto past = app.LedgerAsOf(*day, a.plan);
  if (!past.ok()) return Fail(past.status().ToString());
  const Ledger& l = **past;
  if (!a.plan.empty()) {
    auto report = l.Report(a.plan, *day);
    if (!report.ok()) return Fail(report.status().ToString(), 2);
    if (a.format == "csv") {
      std::cout << ReportCsv(l, *report);
    } else {
      std::cout << Pretty(ReportView(*report)) << "\n";
    }
    return 0;
  }
  if (!a.task.empty()) {
    const Task* t = l.FindTask(a.task);
    if (!t) return Fail("task '" + a.task + "' did not exist on " + a.as_of, 2);
    std::cout << Pretty(TaskView(*t, *day, true)) << "\n";
    return 0;
  }
  if (!l.FindAgency(a.agency))
    return Fail("agency '" + a.agency + "' did not exist on " + a.as_of, 2);
  AgencyQuery q;
  q.limit = SIZE_MAX;
  json items = json::array();
  for (const AgencyItem& item : l.AgencyTasks(a.agency, *day, q)) {
    json v = TaskView(*item.task, *day, false);
    v["role"] = ToString(item.role);
    v["occurrence_due"] = item.occurrence->due ? json(ToIso(*item.occurrence->due)) : json(nullptr);
    items.push_back(std::move(v));
  }
  std::cout << Pretty({{"agency", a.agency}, {"as_of", a.as_of}, {"items", items}}) << "\n";
  return 0;
}

}  // namespace taskledger::server::tools
