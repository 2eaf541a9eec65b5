// Opening and closing the RocksDB event store, its head, subscriptions, statistics and
// checkpoints. Reads and verify: rocks_event_store_read.cpp.
#include "events/rocks_event_store.h"

#include <rocksdb/utilities/checkpoint.h>

#include <chrono>
#include <cstring>

#include "events/rocksdb_options.h"
#include "events/store_impl.h"
#include "events/util/clock.h"

namespace taskledger {

std::string EncodeHead(const Head& h) {
  std::string v(48, '\0');
  std::memcpy(v.data(), &h.position, 8);
  std::memcpy(v.data() + 8, h.hash.data(), 32);
  std::memcpy(v.data() + 40, &h.recorded_at_ms, 8);
  return v;
}

bool DecodeHead(std::string_view v, Head* out) {
  if (v.size() != 48) return false;
  std::memcpy(&out->position, v.data(), 8);
  std::memcpy(out->hash.data(), v.data() + 8, 32);
  std::memcpy(&out->recorded_at_ms, v.data() + 40, 8);
  return true;
}

OpenDb::~OpenDb() {
  if (!db) return;
  for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
  db->Close().PermitUncheckedError();
}

RocksEventStore::Impl::Impl(std::string d, RocksStoreOptions o)
    : dir(std::move(d)),
      options(std::move(o)),
      space(dir, options.min_free_bytes, options.free_bytes) {}

Result<std::shared_ptr<OpenDb>> RocksEventStore::Impl::OpenRocks(Head* head) {
  RocksDbSetup setup = MakeRocksDbSetup(options);
  setup.db.listeners.push_back(listener);
  setup.db.info_log = MakeInfoLog(dir);
  auto d = std::make_shared<OpenDb>();
  rocksdb::DB* raw = nullptr;
  const rocksdb::Status st = rocksdb::DB::Open(setup.db, dir, setup.families, &d->handles, &raw);
  if (!st.ok()) return FromRocks(st, "opening the event store in " + dir);
  d->db.reset(raw);
  d->log = d->handles[0];
  d->streams = d->handles[1];
  d->ids = d->handles[2];
  d->meta = d->handles[3];
  *head = Head{};
  std::string value;
  const rocksdb::Status hs = d->db->Get(rocksdb::ReadOptions(), d->meta, kHeadKey, &value);
  if (hs.ok()) {
    if (!DecodeHead(value, head)) return Status::Corruption("unreadable head metadata in " + dir);
  } else if (!hs.IsNotFound()) {
    return FromRocks(hs, "reading the head metadata");
  }
  return d;
}

Result<std::shared_ptr<OpenDb>> RocksEventStore::Impl::Reader() const {
  std::shared_ptr<OpenDb> d = dbs.Get();
  if (!d) return Status::Busy("the event store is reopening after a full disk; retry shortly");
  return d;
}

Status RocksEventStore::Impl::FromRocks(const rocksdb::Status& s, std::string_view what) const {
  const std::string m = std::string(what) + ": " + s.ToString();
  if (s.IsNotFound()) return Status::NotFound(m);
  if (s.IsCorruption()) return Status::Corruption(m);
  if (s.IsBusy() || s.IsTryAgain()) return Status::Busy(m);
  return Status::IOError(m);
}

int64_t RocksEventStore::Impl::NowMs() const {
  return options.clock_ms ? options.clock_ms() : SystemNowMs();
}

RocksEventStore::RocksEventStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

RocksEventStore::~RocksEventStore() { Close(); }

void RocksEventStore::Close() {
  {
    std::lock_guard lock(impl_->queue_mu);
    if (impl_->closed) return;
    impl_->closed = true;
    impl_->stopping = true;
  }
  impl_->queue_cv.notify_all();
  if (impl_->committer.joinable()) impl_->committer.join();
  impl_->answers.Stop();
  if (impl_->notifier.joinable()) impl_->notifier.join();
  // Flush memtables on a clean close so the next open has no WAL to replay. RocksDB does not do
  // this itself when the WAL is on; a crash instead replays at most max_total_wal_size.
  if (std::lock_guard lock(impl_->queue_mu); impl_->write_error.ok() && impl_->db) {
    rocksdb::FlushOptions flush;
    flush.allow_write_stall = true;
    impl_->db->db->Flush(flush, impl_->db->handles).PermitUncheckedError();
  }
  impl_->watch.Close();
}

Result<std::unique_ptr<EventStore>> OpenRocksEventStore(const std::string& dir,
                                                        RocksStoreOptions options) {
  auto impl = std::make_unique<RocksEventStore::Impl>(dir, std::move(options));
  Head head;
  auto d = impl->OpenRocks(&head);
  if (!d.ok()) return d.status();
  Status tail = CheckTail(*impl, **d, head, impl->options.tail_check_records);
  if (!tail.ok()) {
    if (!impl->options.allow_damaged || tail.code() != Status::Code::kCorruption) {
      return Status::Corruption("refusing to serve a damaged log in " + dir + ": " +
                                tail.message());
    }
    impl->write_error = Status::ReadOnly("opened damaged (" + tail.message() + ")");
  }
  impl->db = *d;
  impl->dbs.Install(std::move(*d));
  impl->tail = head;
  impl->watch.Reset(head);
  impl->committer = std::thread([p = impl.get()] { p->RunCommitter(); });
  impl->notifier = std::thread([p = impl.get()] { p->answers.Run(); });
  return std::unique_ptr<EventStore>(std::make_unique<RocksEventStore>(std::move(impl)));
}

Head RocksEventStore::head() const { return impl_->watch.Get(); }

uint64_t RocksEventStore::WaitForAppend(uint64_t after, std::chrono::milliseconds timeout) const {
  return impl_->watch.WaitForAppend(after, timeout);
}

EventStore::SubscriptionId RocksEventStore::Subscribe(std::function<void(uint64_t)> fn) {
  return impl_->watch.Subscribe(std::move(fn));
}

void RocksEventStore::Unsubscribe(SubscriptionId id) { impl_->watch.Unsubscribe(id); }

WriteStats RocksEventStore::write_stats() const {
  return WriteStats{impl_->stat_appends.load(), impl_->stat_events.load(),
                    impl_->stat_groups.load(), impl_->stat_write_micros.load()};
}

Status RocksEventStore::write_status() const {
  std::lock_guard lock(impl_->queue_mu);
  return impl_->write_error;
}

std::string RocksEventStore::location() const { return impl_->dir; }

uint64_t RocksEventStore::recoveries() const { return impl_->stat_recoveries.load(); }

Result<Head> RocksEventStore::Checkpoint(const std::string& dir) const {
  {
    auto d = impl_->Reader();
    if (!d.ok()) return d.status();
    rocksdb::Checkpoint* raw = nullptr;
    rocksdb::Status st = rocksdb::Checkpoint::Create((*d)->db.get(), &raw);
    if (!st.ok()) return impl_->FromRocks(st, "creating checkpoint");
    std::unique_ptr<rocksdb::Checkpoint> cp(raw);
    st = cp->CreateCheckpoint(dir);
    if (!st.ok()) return impl_->FromRocks(st, "writing checkpoint to " + dir);
  }
  // What the copy holds: its head, and a tail that hashes to it.
  RocksDbSetup setup = MakeRocksDbSetup(impl_->options);
  setup.db.info_log = MakeInfoLog(dir);
  OpenDb copy;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status st =
      rocksdb::DB::OpenForReadOnly(setup.db, dir, setup.families, &copy.handles, &raw);
  if (!st.ok()) return impl_->FromRocks(st, "reading the checkpoint in " + dir);
  copy.db.reset(raw);
  copy.log = copy.handles[0];
  copy.streams = copy.handles[1];
  copy.ids = copy.handles[2];
  copy.meta = copy.handles[3];
  Head head;
  std::string value;
  st = copy.db->Get(rocksdb::ReadOptions(), copy.meta, kHeadKey, &value);
  if (st.ok() && !DecodeHead(value, &head))
    return Status::Corruption("unreadable head in the checkpoint");
  if (!st.ok() && !st.IsNotFound()) return impl_->FromRocks(st, "reading the checkpoint's head");
  if (Status s = CheckTail(*impl_, copy, head, impl_->options.tail_check_records); !s.ok()) {
    return Status::Corruption("the checkpoint does not verify: " + s.message());
  }
  return head;
}

}  // namespace taskledger
