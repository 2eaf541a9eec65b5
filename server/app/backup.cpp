#include "server/app/backup.h"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "events/pg_event_store.h"
#include "events/rocks_event_store.h"
#include "events/util/sha256.h"
#include "webhooks/mail/mail.h"
#include "webhooks/notifications.h"

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
          {"outbox", r.outbox},
          {"mail", r.mail}};
}

}  // namespace

namespace {

// Copies the outbox in <data_dir>/<name> into `copy`: the running service's, or opened here when
// none runs; false when there is none.
Result<bool> CopyOutbox(App& app, const std::string& name, const webhooks::Outbox* running,
                        const std::string& copy) {
  std::error_code ec;
  fs::remove_all(copy, ec);
  if (running) {
    if (Status s = running->Checkpoint(copy); !s.ok()) return s;
    return true;
  }
  const webhooks::OutboxOptions where = app.OutboxOptionsFor(name.c_str());
  if (where.store_uri.empty() && !fs::exists(app.data_dir() + "/" + name, ec)) return false;
  auto box = webhooks::Outbox::Open(app.data_dir() + "/" + name, where);
  if (!box.ok()) return box.status();
  if (Status s = (*box)->Checkpoint(copy); !s.ok()) return s;
  return true;
}

Status MoveInto(const std::string& copy, const std::string& to) {
  std::error_code ec;
  fs::rename(copy, to, ec);
  if (ec) return Status::IOError("moving the outbox copy into " + to + ": " + ec.message());
  fs::permissions(to, fs::perms::owner_all, fs::perm_options::replace, ec);
  return Status::Ok();
}

}  // namespace

Result<BackupResult> Backup(App& app, const std::string& to) {
  std::error_code ec;
  if (fs::exists(to, ec)) return Status::AlreadyExists("the backup directory " + to + " exists");
  const std::string outbox_copy = to + ".outbox-tmp", mail_copy = to + ".mail-tmp";
  const auto drop_copies = [&] {
    fs::remove_all(outbox_copy, ec);
    fs::remove_all(mail_copy, ec);
  };
  BackupResult r;
  r.dir = to;
  r.taken_at_ms = app.NowMs();
  {
    // Secret changes wait while the outboxes and then the log are copied (milliseconds: hard
    // links and a memtable flush).
    auto paused = app.PauseSecretChanges();
    webhooks::Service* hooks = app.webhooks();
    webhooks::mail::MailService* mail = app.mail();
    auto outbox = CopyOutbox(app, "webhooks", hooks ? &hooks->outbox() : nullptr, outbox_copy);
    auto mailbox = outbox.ok()
                       ? CopyOutbox(app, "mail", mail ? &mail->outbox() : nullptr, mail_copy)
                       : Result<bool>(outbox.status());
    if (!mailbox.ok()) {
      drop_copies();
      return mailbox.status();
    }
    r.outbox = *outbox;
    r.mail = *mailbox;
    auto head = app.store().Checkpoint(to);
    if (!head.ok()) {
      drop_copies();
      return head.status();
    }
    r.head = *head;
  }
  if (r.outbox) {
    if (Status s = MoveInto(outbox_copy, to + "/webhooks"); !s.ok()) return s;
  }
  if (r.mail) {
    if (Status s = MoveInto(mail_copy, to + "/mail"); !s.ok()) return s;
  }
  auto files = app.files().in_database() ? app.files().CopyTo(to + "/files")
                                         : CopyFiles(app.data_dir() + "/files", to + "/files");
  if (!files.ok()) return files.status();
  r.files = *files;
  std::ofstream(to + "/BACKUP.json") << Manifest(r).dump(2) << "\n";
  return r;
}

namespace {

// Copies the backup's log (a RocksDB store) into the empty database at `store_uri`, from a
// scratch copy of the backup (opening a store writes to its directory; the backup stays as it
// was).
Status RestoreLog(const std::string& from, const std::string& scratch,
                  const std::string& store_uri) {
  std::error_code ec;
  fs::copy(from, scratch, fs::copy_options::recursive, ec);
  if (ec) return Status::IOError("copying " + from + " to " + scratch + ": " + ec.message());
  fs::remove(scratch + "/LOCK", ec);
  RocksStoreOptions ro;
  ro.create_if_missing = false;
  auto source = OpenRocksEventStore(scratch, ro);
  if (!source.ok()) return source.status();
  auto target = OpenPgEventStore(store_uri);
  if (!target.ok()) return target.status();
  if ((*target)->head().position != 0) {
    return Status::AlreadyExists(RedactedUri(store_uri) +
                                 " holds a log already; restore into an empty database");
  }
  auto copied = CopyLog(**source, **target);
  return copied.ok() ? Status::Ok() : copied.status();
}

}  // namespace

Result<BackupResult> Restore(const std::string& from, const std::string& data_dir,
                             const std::string& store_uri, const std::string& secrets_key) {
  std::error_code ec;
  if (!fs::exists(from + "/CURRENT", ec)) {
    return Status::InvalidArgument(from + " is not a TaskLedger backup (no CURRENT file)");
  }
  if (fs::exists(data_dir, ec) && !fs::is_empty(data_dir, ec)) {
    return Status::AlreadyExists(data_dir +
                                 " exists and is not empty; restore into a new directory");
  }
  fs::create_directories(data_dir, ec);
  if (store_uri.empty()) {
    fs::copy(from, data_dir, fs::copy_options::recursive | fs::copy_options::overwrite_existing,
             ec);
    if (ec) return Status::IOError("copying " + from + " to " + data_dir + ": " + ec.message());
    fs::remove(data_dir + "/BACKUP.json", ec);
    fs::remove(data_dir + "/LOCK", ec);
  } else {
    const std::string scratch = data_dir + "/.restoring-log";
    Status s = RestoreLog(from, scratch, store_uri);
    fs::remove_all(scratch, ec);
    if (!s.ok()) return s;
    // The outboxes and the files go where the nodes read them: the database.
    for (const char* box : {"webhooks", "mail"}) {
      if (!fs::exists(from + "/" + box, ec)) continue;
      webhooks::OutboxOptions o;
      o.store_uri = store_uri;
      o.box = box;
      o.seal_key = secrets_key;
      auto copied = webhooks::Outbox::Copy(from + "/" + box, data_dir + "/" + box, o);
      if (!copied.ok()) return copied.status();
    }
    FileStoreOptions fo;
    fo.store_uri = store_uri;
    FileStore files(data_dir + "/files", fo);
    for (const auto& e : fs::recursive_directory_iterator(from + "/files", ec)) {
      if (!e.is_regular_file() || !IsFileName(e.path())) continue;
      auto bytes = ReadWholeFile(e.path().string());
      if (!bytes.ok()) return bytes.status();
      if (auto put = files.Put(*bytes); !put.ok()) return put.status();
    }
  }
  BackupResult r;
  r.dir = data_dir;
  {
    AppOptions o;
    o.data_dir = data_dir;
    o.store_uri = store_uri;
    o.secrets_key = secrets_key;
    auto app = App::Open(o);  // folds the whole log: the domain reads every event
    if (!app.ok()) return app.status();
    const VerifyReport v = (*app)->store().Verify();
    if (!v.ok) {
      return Status::Corruption("the restored log does not verify at position " +
                                std::to_string(v.first_bad_position) + ": " + v.problem);
    }
    r.head = (*app)->store().head();
  }
  for (auto [name, opened] : {std::pair{"/webhooks", &r.outbox}, std::pair{"/mail", &r.mail}}) {
    if (!fs::exists((store_uri.empty() ? data_dir : from) + name, ec)) continue;
    if (store_uri.empty()) {
      auto box = webhooks::Outbox::Open(data_dir + name);
      if (!box.ok()) return box.status();
    }
    *opened = true;
  }
  for (const auto& e : fs::recursive_directory_iterator(from + "/files", ec)) {
    if (e.is_regular_file() && IsFileName(e.path())) ++r.files;
  }
  return r;
}

}  // namespace taskledger::server
