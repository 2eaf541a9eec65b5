// The outbox's RocksDB instance: opening, the write guard, reopening after a full disk, reads.
#include <rocksdb/options.h>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "webhooks/outbox_impl.h"

namespace taskledger::webhooks {

using nlohmann::json;

std::string Encode(const Message& m) {
  return json{{"id", m.id},
              {"endpoint", m.endpoint},
              {"agency", m.agency},
              {"type", m.type},
              {"task", m.task},
              {"occurrence", m.occurrence},
              {"key", m.key},
              {"created", m.created_ms},
              {"due", m.due_ms},
              {"state", ToString(m.state)},
              {"attempts", m.attempts},
              {"round", m.round_base},
              {"next", m.next_ms},
              {"status", m.last_status},
              {"error", m.last_error},
              {"done", m.done_ms},
              {"to", m.to},
              {"about", m.about}}
      .dump(-1, ' ', false, json::error_handler_t::replace);
}

Result<Message> Decode(std::string_view text) {
  const json j = json::parse(text, nullptr, false);
  if (!j.is_object()) return Status::Corruption("outbox: unreadable message");
  Message m;
  m.id = j.value("id", "");
  m.endpoint = j.value("endpoint", "");
  m.to = j.value("to", "");
  m.about = j.value("about", std::vector<std::string>{});
  m.agency = j.value("agency", "");
  m.type = j.value("type", "");
  m.task = j.value("task", "");
  m.occurrence = j.value("occurrence", "");
  m.key = j.value("key", "");
  m.created_ms = j.value("created", int64_t{0});
  m.due_ms = j.value("due", int64_t{0});
  const std::string state = j.value("state", "pending");
  m.state = state == "delivered" ? MessageState::kDelivered
            : state == "failed"  ? MessageState::kFailed
                                 : MessageState::kPending;
  m.attempts = j.value("attempts", 0);
  m.next_ms = j.value("next", int64_t{0});
  m.last_status = j.value("status", 0);
  m.last_error = j.value("error", "");
  m.done_ms = j.value("done", int64_t{0});
  m.round_base = j.value("round", 0);
  return m;
}

Outbox::Impl::Impl(std::string d, OutboxOptions o)
    : dir(std::move(d)),
      options(std::move(o)),
      space(dir, options.min_free_bytes, options.free_bytes) {}

Status Outbox::Impl::From(const rocksdb::Status& s, std::string_view what) const {
  if (s.ok()) return Status::Ok();
  if (IsNoSpace(s))
    return Status::NoSpace("webhook outbox: the disk is full (" + std::string(what) + ")");
  return Status::IOError("webhook outbox: " + std::string(what) + ": " + s.ToString());
}

Status Outbox::Impl::Open() {
  rocksdb::Options o;
  o.create_if_missing = true;
  o.keep_log_file_num = 3;
  o.max_manifest_file_size = 64 << 20;
  o.listeners.push_back(listener);
  if (options.env) o.env = options.env;
  o.info_log = MakeInfoLog(dir);
  rocksdb::DB* raw = nullptr;
  if (Status s = From(rocksdb::DB::Open(o, dir, &raw), "opening " + dir); !s.ok()) return s;
  // Closing it (once the last reader lets go) is part of dropping the last reference.
  dbs.Install(std::shared_ptr<rocksdb::DB>(raw, [](rocksdb::DB* db) {
    db->Close().PermitUncheckedError();
    delete db;
  }));
  return Status::Ok();
}

Result<std::shared_ptr<rocksdb::DB>> Outbox::Impl::Db() const {
  auto db = dbs.Get();
  if (!db) return Status::Busy("the webhook outbox is reopening after a full disk; retry shortly");
  return db;
}

Status Outbox::Impl::write_status() const {
  std::lock_guard lock(write_mu);
  return write_error;
}

Status Outbox::Impl::Write(rocksdb::WriteBatch& batch, bool sync, std::string_view what) {
  std::lock_guard lock(write_mu);
  if (write_error.ok() && listener->failed()) {  // a flush or compaction failed meanwhile
    write_error = From(listener->error(), "a background flush or compaction");
    recoverable = write_error.code() == Status::Code::kNoSpace;
    listener->Clear();
  }
  if (!write_error.ok()) return write_error;
  if (Status s = space.Check(batch.GetDataSize()); !s.ok()) return s;
  auto db = Db();
  if (!db.ok()) return db.status();
  rocksdb::WriteOptions w;
  w.sync = sync;
  const rocksdb::Status st = (*db)->Write(w, &batch);
  if (st.ok()) return Status::Ok();
  // Nothing may write to this instance again (rocksdb_guard.h).
  write_error = From(st, what);
  recoverable = write_error.code() == Status::Code::kNoSpace;
  spdlog::error("webhooks: {}; {}", write_error.ToString(),
                recoverable ? "deliveries pause until space is freed"
                            : "the outbox refuses writes until the server restarts");
  return write_error;
}

bool Outbox::Impl::TryRecover() {
  std::lock_guard lock(write_mu);
  if (!recoverable) return false;
  uint64_t wal = 0;
  std::error_code ec;
  for (const auto& f : std::filesystem::directory_iterator(dir, ec)) {
    if (f.path().extension() == ".log") wal += f.file_size(ec);
  }
  if (!space.Check(wal).ok()) return false;
  dbs.Retire();  // readers wait for the new instance
  if (Status s = Open(); !s.ok()) {
    spdlog::warn("webhooks: the outbox could not reopen after a full disk: {}", s.ToString());
    return false;
  }
  listener->Clear();
  write_error = Status::Ok();
  recoverable = false;
  spdlog::info("webhooks: the outbox has room again; deliveries resume");
  return true;
}

Result<Message> Outbox::Impl::Load(rocksdb::DB& db, const std::string& id, bool body) const {
  std::string value;
  const auto s = db.Get(rocksdb::ReadOptions(), MessageKey(id), &value);
  if (s.IsNotFound()) return Status::NotFound("no delivery '" + id + "'");
  if (Status st = From(s, "reading a message"); !st.ok()) return st;
  auto m = Decode(value);
  if (!m.ok() || !body) return m;
  const auto b = db.Get(rocksdb::ReadOptions(), BodyKey(id), &m->body);
  if (!b.ok() && !b.IsNotFound()) return From(b, "reading a message body");
  return m;
}

Result<std::vector<Message>> Outbox::Impl::LoadAll(const std::string& prefix, size_t id_at,
                                                   bool bodies) const {
  auto db = Db();
  if (!db.ok()) return db.status();
  std::vector<Message> out;
  Status failed = Status::Ok();
  Status s = Scan(**db, prefix, "", [&](std::string_view k, std::string_view) {
    auto m = Load(**db, std::string(k.substr(id_at)), bodies);
    if (!m.ok()) failed = m.status();
    if (m.ok()) out.push_back(std::move(*m));
    return failed.ok();
  });
  if (!s.ok()) return s;
  if (!failed.ok()) return failed;
  return out;
}

Status Outbox::Impl::Scan(rocksdb::DB& db, const std::string& prefix, const std::string& start,
                          const std::function<bool(std::string_view, std::string_view)>& fn) const {
  std::unique_ptr<rocksdb::Iterator> it(db.NewIterator(rocksdb::ReadOptions()));
  for (it->Seek(start.empty() ? prefix : start); it->Valid(); it->Next()) {
    const std::string_view k = it->key().ToStringView();
    if (!k.starts_with(prefix)) break;
    if (!fn(k, it->value().ToStringView())) break;
  }
  return From(it->status(), "scanning");
}

Status Outbox::Impl::IndexDone() {
  auto db = Db();
  if (!db.ok()) return db.status();
  std::string marker;
  if ((*db)->Get(rocksdb::ReadOptions(), std::string(kDoneIndexKey), &marker).ok())
    return Status::Ok();
  rocksdb::WriteBatch batch;
  Status s = Scan(**db, "m", "", [&](std::string_view, std::string_view v) {
    auto m = Decode(v);
    if (m.ok() && m->state != MessageState::kPending) batch.Put(DoneKey(m->done_ms, m->id), "");
    return true;
  });
  if (!s.ok()) return s;
  batch.Put(std::string(kDoneIndexKey), "1");
  return Write(batch, true, "indexing finished messages");
}

}  // namespace taskledger::webhooks
