#include "server/app/backup.h"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "events/util/sha256.h"
#include "webhooks/outbox.h"

namespace taskledger::server {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

bool IsFileName(const fs::path& p) {
  const std::string n = p.filename().string();
  return n.size() == 64 && n.find_first_not_of("0123456789abcdef") == std::string::npos;
}

// Deliverable files are immutable and named by their hash: a hard link is a consistent copy
// (a copy when the backup is on another filesystem). Files being written (".tmp") are skipped.
Result<size_t> CopyFiles(const std::string& from, const std::string& to) {
  std::error_code ec;
  if (!fs::exists(from, ec)) return size_t{0};
  size_t n = 0;
  for (const auto& e : fs::recursive_directory_iterator(from, ec)) {
    if (!e.is_regular_file() || !IsFileName(e.path())) continue;
    const fs::path target = fs::path(to) / fs::relative(e.path(), from);
    fs::create_directories(target.parent_path(), ec);
    if (ec)
      return Status::IOError("creating " + target.parent_path().string() + ": " + ec.message());
    fs::create_hard_link(e.path(), target, ec);
    if (ec) {
      ec.clear();
      fs::copy_file(e.path(), target, ec);
    }
    if (ec) return Status::IOError("copying " + e.path().string() + ": " + ec.message());
    ++n;
  }
  if (ec) return Status::IOError("reading " + from + ": " + ec.message());
  return n;
}

json Manifest(const BackupResult& r) {
  return {{"format", 1},
          {"taken_at_ms", r.taken_at_ms},
          {"head", {{"position", r.head.position}, {"hash", ToHex(r.head.hash)}}},
          {"files", r.files},
          {"outbox", r.outbox}};
}

}  // namespace

Result<BackupResult> Backup(App& app, const std::string& to) {
  std::error_code ec;
  if (fs::exists(to, ec)) return Status::AlreadyExists("the backup directory " + to + " exists");
  const std::string outbox_copy = to + ".outbox-tmp";
  fs::remove_all(outbox_copy, ec);
  BackupResult r;
  r.dir = to;
  r.taken_at_ms = app.NowMs();
  {
    // Secret changes wait while the outbox and then the log are copied (milliseconds: hard
    // links and a memtable flush).
    auto paused = app.PauseSecretChanges();
    if (webhooks::Service* svc = app.webhooks()) {
      if (Status s = svc->outbox().Checkpoint(outbox_copy); !s.ok()) return s;
      r.outbox = true;
    } else if (fs::exists(app.data_dir() + "/webhooks", ec)) {
      auto box = webhooks::Outbox::Open(app.data_dir() + "/webhooks");
      if (!box.ok()) return box.status();
      if (Status s = (*box)->Checkpoint(outbox_copy); !s.ok()) return s;
      r.outbox = true;
    }
    auto head = app.store().Checkpoint(to);
    if (!head.ok()) {
      fs::remove_all(outbox_copy, ec);
      return head.status();
    }
    r.head = *head;
  }
  if (r.outbox) {
    fs::rename(outbox_copy, to + "/webhooks", ec);
    if (ec) return Status::IOError("moving the outbox copy into " + to + ": " + ec.message());
    fs::permissions(to + "/webhooks", fs::perms::owner_all, fs::perm_options::replace, ec);
  }
  auto files = CopyFiles(app.data_dir() + "/files", to + "/files");
  if (!files.ok()) return files.status();
  r.files = *files;
  std::ofstream(to + "/BACKUP.json") << Manifest(r).dump(2) << "\n";
  return r;
}

Result<BackupResult> Restore(const std::string& from, const std::string& data_dir) {
  std::error_code ec;
  if (!fs::exists(from + "/CURRENT", ec)) {
    return Status::InvalidArgument(from + " is not a TaskLedger backup (no CURRENT file)");
  }
  if (fs::exists(data_dir, ec) && !fs::is_empty(data_dir, ec)) {
    return Status::AlreadyExists(data_dir +
                                 " exists and is not empty; restore into a new directory");
  }
  fs::create_directories(data_dir, ec);
  fs::copy(from, data_dir, fs::copy_options::recursive | fs::copy_options::overwrite_existing, ec);
  if (ec) return Status::IOError("copying " + from + " to " + data_dir + ": " + ec.message());
  fs::remove(data_dir + "/BACKUP.json", ec);
  fs::remove(data_dir + "/LOCK", ec);
  BackupResult r;
  r.dir = data_dir;
  {
    AppOptions o;
    o.data_dir = data_dir;
    auto app = App::Open(o);  // folds the whole log: the domain reads every event
    if (!app.ok()) return app.status();
    const VerifyReport v = (*app)->store().Verify();
    if (!v.ok) {
      return Status::Corruption("the restored log does not verify at position " +
                                std::to_string(v.first_bad_position) + ": " + v.problem);
    }
    r.head = (*app)->store().head();
  }
  if (fs::exists(data_dir + "/webhooks", ec)) {
    auto box = webhooks::Outbox::Open(data_dir + "/webhooks");
    if (!box.ok()) return box.status();
    r.outbox = true;
  }
  for (const auto& e : fs::recursive_directory_iterator(data_dir + "/files", ec)) {
    if (e.is_regular_file() && IsFileName(e.path())) ++r.files;
  }
  return r;
}

}  // namespace taskledger::server
