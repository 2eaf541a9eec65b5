// Backups while the server runs: POST /v1/backups writes one into --backup-dir, GET lists them.
#include <filesystem>
#include <fstream>

#include "domain/date.h"
#include "events/util/sha256.h"
#include "server/api/api.h"
#include "server/api/api_util.h"
#include "server/app/backup.h"

namespace taskledger::server {

using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// "backup-20261201T083000Z": when, in UTC, sortable.
std::string BackupName(int64_t now_ms) {
  const domain::UtcTime t = domain::UtcTimeAt(now_ms);
  char name[64];
  std::snprintf(name, sizeof name, "backup-%04d%02d%02dT%02d%02d%02dZ", t.date.year, t.date.month,
                t.date.day, t.hour, t.minute, t.second);
  return name;
}

json View(const std::string& name, const BackupResult& r) {
  return {
      {"name", name},     {"head", {{"position", r.head.position}, {"hash", ToHex(r.head.hash)}}},
      {"files", r.files}, {"outbox", r.outbox},
      {"mail", r.mail},   {"taken_at_ms", r.taken_at_ms}};
}

}  // namespace

void Api::AddBackupRoutes() {
  // Writes a backup into --backup-dir and answers once it is complete: the log (with the head
  // it holds, read back from the copy), the webhook outbox and the deliverable files.
  Add(http::verb::post, "/v1/backups", [this](Call& c) {
    if (!RequireRole(c, {domain::ActorRole::kCoordinator})) return;
    if (options_.backup_dir.empty()) {
      return c.Fail(Unavailable("Backups are off", "this server has no --backup-dir"));
    }
    if (backing_up_.exchange(true)) {
      return c.Fail(
          Conflict("A backup is running", "a backup is being written; retry when it is done"));
    }
    std::error_code ec;
    fs::create_directories(options_.backup_dir, ec);
    fs::permissions(options_.backup_dir, fs::perms::owner_all, fs::perm_options::replace, ec);
    std::string name = BackupName(app_.NowMs());
    for (int n = 2; fs::exists(options_.backup_dir + "/" + name, ec); ++n) {
      name = BackupName(app_.NowMs()) + "-" + std::to_string(n);
    }
    auto r = Backup(app_, options_.backup_dir + "/" + name);
    backing_up_ = false;
    if (!r.ok()) return c.Fail(FromStatus(r.status()));
    c.Json(http::status::created, View(name, *r));
  });

  Add(http::verb::get, "/v1/backups", [this](Call& c) {
    if (!RequireRole(c, {domain::ActorRole::kCoordinator, domain::ActorRole::kAuditor})) return;
    json items = json::array();
    std::error_code ec;
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(options_.backup_dir, ec)) {
      if (e.is_directory() && fs::exists(e.path() / "BACKUP.json")) {
        names.push_back(e.path().filename().string());
      }
    }
    std::sort(names.rbegin(), names.rend());  // newest first
    for (const std::string& name : names) {
      std::ifstream in(options_.backup_dir + "/" + name + "/BACKUP.json");
      json m = json::parse(in, nullptr, false);
      if (!m.is_object()) continue;
      m.erase("format");
      m["name"] = name;
      items.push_back(std::move(m));
    }
    c.Json(http::status::ok, {{"items", std::move(items)}});
  });
}

}  // namespace taskledger::server
