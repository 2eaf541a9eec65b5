#include "events/event_store.h"

#include <rocksdb/utilities/checkpoint.h>

#include <chrono>
#include <cstring>
#include <unordered_map>

#include "events/record.h"
#include "events/rocksdb_options.h"
#include "events/store_impl.h"
#include "events/util/clock.h"

namespace taskledger {
namespace {

std::string PositionText(uint64_t p) { return "position " + std::to_string(p); }

}  // namespace

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

EventStore::Impl::Impl(std::string d, StoreOptions o)
    : dir(std::move(d)),
      options(std::move(o)),
      space(dir, options.min_free_bytes, options.free_bytes) {}

Result<std::shared_ptr<OpenDb>> EventStore::Impl::OpenRocks(Head* head) {
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

Result<std::shared_ptr<OpenDb>> EventStore::Impl::Reader() const {
  std::shared_ptr<OpenDb> d = dbs.Get();
  if (!d) return Status::Busy("the event store is reopening after a full disk; retry shortly");
  return d;
}

Result<std::optional<uint64_t>> EventStore::Impl::LastStreamVersion(const OpenDb& d,
                                                                    std::string_view stream) const {
  const std::string last = record::StreamKey(stream, UINT64_MAX);
  const rocksdb::Slice lower(last.data(), stream.size() + 1);  // "stream \0"
  rocksdb::ReadOptions read;
  read.iterate_lower_bound = &lower;
  std::unique_ptr<rocksdb::Iterator> it(d.db->NewIterator(read, d.streams));
  it->SeekForPrev(last);
  if (!it->Valid()) {
    if (!it->status().ok()) return FromRocks(it->status(), "reading the stream index");
    return std::optional<uint64_t>();
  }
  const std::string_view key = it->key().ToStringView();
  if (key.size() != last.size() || !key.starts_with(lower.ToStringView())) {
    return Status::Corruption("malformed stream index key for stream '" + std::string(stream) +
                              "'");
  }
  return std::optional<uint64_t>(record::FromBigEndian(key.substr(stream.size() + 1)));
}

Status EventStore::Impl::FromRocks(const rocksdb::Status& s, std::string_view what) const {
  const std::string m = std::string(what) + ": " + s.ToString();
  if (s.IsNotFound()) return Status::NotFound(m);
  if (s.IsCorruption()) return Status::Corruption(m);
  if (s.IsBusy() || s.IsTryAgain()) return Status::Busy(m);
  return Status::IOError(m);
}

int64_t EventStore::Impl::NowMs() const {
  return options.clock_ms ? options.clock_ms() : SystemNowMs();
}

void EventStore::Impl::Publish(const Head& h) {
  {
    std::lock_guard lock(head_mu);
    head = h;
  }
  head_cv.notify_all();
  std::lock_guard lock(subs_mu);
  for (auto& [id, fn] : subs) fn(h.position);
}

namespace {

// The stored record at `position`, decoded into `out` (owning copy).
Result<RecordedEvent> ReadRecord(const EventStore::Impl& s, const OpenDb& d, uint64_t position) {
  std::string value;
  const rocksdb::Status st =
      d.db->Get(rocksdb::ReadOptions(), d.log, record::BigEndian(position), &value);
  if (st.IsNotFound()) return Status::NotFound("no event at " + PositionText(position));
  if (!st.ok()) return s.FromRocks(st, "reading " + PositionText(position));
  EventView v;
  if (!record::Decode(value, &v) || v.position != position) {
    return Status::Corruption("unreadable record at " + PositionText(position));
  }
  return v.ToOwned();
}

}  // namespace

// Re-hashes the last `count` records and checks they end exactly at `head`.
Status CheckTail(EventStore::Impl& s, const OpenDb& d, const Head& head, uint64_t count) {
  std::unique_ptr<rocksdb::Iterator> it(d.db->NewIterator(rocksdb::ReadOptions(), d.log));
  it->SeekToLast();
  if (!it->status().ok()) return s.FromRocks(it->status(), "reading the log tail");
  if (head.position == 0) {
    if (it->Valid()) return Status::Corruption("the log holds records but no head metadata");
    return Status::Ok();
  }
  if (!it->Valid())
    return Status::Corruption("head metadata names " + PositionText(head.position) +
                              " but the log is empty");
  const uint64_t last = record::FromBigEndian(it->key().ToStringView());
  if (last != head.position) {
    return Status::Corruption("the log ends at " + PositionText(last) + " but its head is at " +
                              PositionText(head.position));
  }
  const uint64_t from = head.position > count ? head.position - count + 1 : 1;
  Hash prev{};
  if (from > 1) {
    auto before = ReadRecord(s, d, from - 1);
    if (!before.ok()) return before.status();
    prev = before->hash;
  }
  uint64_t expect = from;
  Sha256 hasher;  // its own: the store's is the committer's, and this may run beside it
  it->Seek(record::BigEndian(from));
  for (; it->Valid() && expect <= head.position; it->Next(), ++expect) {
    EventView e;
    const uint64_t key = record::FromBigEndian(it->key().ToStringView());
    if (key != expect) return Status::Corruption("the log skips " + PositionText(expect));
    if (!record::Decode(it->value().ToStringView(), &e) || e.position != key) {
      return Status::Corruption("unreadable record at " + PositionText(key));
    }
    const Hash h =
        hasher.Digest(std::string_view(reinterpret_cast<const char*>(prev.data()), prev.size()),
                      record::Body(it->value().ToStringView()));
    if (h != e.hash) return Status::Corruption("hash mismatch at " + PositionText(key));
    prev = h;
  }
  if (!it->status().ok()) return s.FromRocks(it->status(), "reading the log tail");
  if (expect != head.position + 1) return Status::Corruption("the log tail is incomplete");
  if (prev != head.hash) return Status::Corruption("the head hash does not match the last record");
  return Status::Ok();
}

EventStore::EventStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

EventStore::~EventStore() { Close(); }

void EventStore::Close() {
  {
    std::lock_guard lock(impl_->queue_mu);
    if (impl_->closed) return;
    impl_->closed = true;
    impl_->stopping = true;
  }
  impl_->queue_cv.notify_all();
  if (impl_->committer.joinable()) impl_->committer.join();
  {
    std::lock_guard lock(impl_->answer_mu);
    impl_->notifier_stopping = true;
  }
  impl_->answer_cv.notify_all();
  if (impl_->notifier.joinable()) impl_->notifier.join();
  // Flush memtables on a clean close so the next open has no WAL to replay. RocksDB does not do
  // this itself when the WAL is on; a crash instead replays at most max_total_wal_size.
  if (std::lock_guard lock(impl_->queue_mu); impl_->write_error.ok() && impl_->db) {
    rocksdb::FlushOptions flush;
    flush.allow_write_stall = true;
    impl_->db->db->Flush(flush, impl_->db->handles).PermitUncheckedError();
  }
  {
    std::lock_guard lock(impl_->head_mu);
    impl_->closing = true;
  }
  impl_->head_cv.notify_all();
}

Result<std::unique_ptr<EventStore>> EventStore::Open(const std::string& dir, StoreOptions options) {
  auto impl = std::make_unique<Impl>(dir, std::move(options));
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
  impl->head = head;
  impl->committer = std::thread([p = impl.get()] { p->RunCommitter(); });
  impl->notifier = std::thread([p = impl.get()] { p->RunNotifier(); });
  return std::unique_ptr<EventStore>(new EventStore(std::move(impl)));
}

Result<std::vector<RecordedEvent>> EventStore::ReadStream(std::string_view stream,
                                                          uint64_t from_version,
                                                          size_t max_count) const {
  std::vector<RecordedEvent> out;
  const std::string prefix = record::StreamKey(stream, 0).substr(0, stream.size() + 1);
  auto d = impl_->Reader();
  if (!d.ok()) return d.status();
  std::vector<std::string> keys;
  {
    std::unique_ptr<rocksdb::Iterator> it(
        (*d)->db->NewIterator(rocksdb::ReadOptions(), (*d)->streams));
    for (it->Seek(record::StreamKey(stream, from_version)); it->Valid() && keys.size() < max_count;
         it->Next()) {
      const std::string_view k = it->key().ToStringView();
      if (k.size() != prefix.size() + 8 || !k.starts_with(prefix)) break;
      keys.push_back(record::BigEndian(record::FromBigEndian(it->value().ToStringView())));
    }
    if (!it->status().ok()) return impl_->FromRocks(it->status(), "reading stream index");
  }
  out.reserve(keys.size());
  for (const std::string& k : keys) {
    auto e = ReadRecord(*impl_, **d, record::FromBigEndian(k));
    if (!e.ok()) return e.status();
    out.push_back(std::move(e).value());
  }
  return out;
}

Result<std::vector<RecordedEvent>> EventStore::ReadAll(uint64_t from_position,
                                                       size_t max_count) const {
  std::vector<RecordedEvent> out;
  const uint64_t to = head().position;
  if (max_count == 0 || from_position > to) return out;
  const uint64_t last = std::min(to, from_position + max_count - 1);
  Status s = Scan(from_position, last, [&](const EventView& e) {
    out.push_back(e.ToOwned());
    return true;
  });
  if (!s.ok()) return s;
  return out;
}

Result<RecordedEvent> EventStore::Get(uint64_t position) const {
  if (position == 0 || position > head().position) {
    return Status::NotFound("no event at " + PositionText(position));
  }
  auto d = impl_->Reader();
  if (!d.ok()) return d.status();
  return ReadRecord(*impl_, **d, position);
}

Status EventStore::Scan(uint64_t from_position, uint64_t to_position,
                        const std::function<bool(const EventView&)>& fn) const {
  if (to_position == 0) to_position = head().position;
  if (from_position == 0) from_position = 1;
  if (from_position > to_position) return Status::Ok();
  auto d = impl_->Reader();
  if (!d.ok()) return d.status();
  rocksdb::ReadOptions ro = ScanRead();
  const std::string upper = record::BigEndian(to_position + 1);
  rocksdb::Slice upper_slice(upper);
  ro.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it((*d)->db->NewIterator(ro, (*d)->log));
  uint64_t expect = from_position;
  EventView e;
  for (it->Seek(record::BigEndian(from_position)); it->Valid(); it->Next(), ++expect) {
    if (!record::Decode(it->value().ToStringView(), &e) || e.position != expect) {
      return Status::Corruption("unreadable or misplaced record at " + PositionText(expect));
    }
    if (!fn(e)) return Status::Ok();
  }
  if (!it->status().ok()) return impl_->FromRocks(it->status(), "scanning the log");
  if (expect != to_position + 1) return Status::Corruption("the log skips " + PositionText(expect));
  return Status::Ok();
}

Head EventStore::head() const {
  std::lock_guard lock(impl_->head_mu);
  return impl_->head;
}

Result<std::optional<uint64_t>> EventStore::StreamVersion(std::string_view stream) const {
  auto d = impl_->Reader();
  if (!d.ok()) return d.status();
  return impl_->LastStreamVersion(**d, stream);
}

Result<uint64_t> EventStore::PositionAt(int64_t unix_ms) const {
  // recorded_at never decreases along the log: binary search for the last record <= unix_ms.
  auto d = impl_->Reader();
  if (!d.ok()) return d.status();
  uint64_t lo = 0, hi = head().position;  // invariant: answer in [lo, hi]
  while (lo < hi) {
    const uint64_t mid = lo + (hi - lo + 1) / 2;
    auto e = ReadRecord(*impl_, **d, mid);
    if (!e.ok()) return e.status();
    if (e->recorded_at_ms <= unix_ms)
      lo = mid;
    else
      hi = mid - 1;
  }
  return lo;
}

uint64_t EventStore::WaitForAppend(uint64_t after, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(impl_->head_mu);
  impl_->head_cv.wait_for(lock, timeout,
                          [&] { return impl_->head.position > after || impl_->closing; });
  return impl_->head.position;
}

EventStore::SubscriptionId EventStore::Subscribe(std::function<void(uint64_t)> fn) {
  std::lock_guard lock(impl_->subs_mu);
  const SubscriptionId id = impl_->next_sub++;
  impl_->subs.emplace_back(id, std::move(fn));
  return id;
}

void EventStore::Unsubscribe(SubscriptionId id) {
  std::lock_guard lock(impl_->subs_mu);
  std::erase_if(impl_->subs, [id](const auto& s) { return s.first == id; });
}

VerifyReport EventStore::Verify(uint64_t from_position,
                               const std::function<void(uint64_t)>& progress) const {
  VerifyReport report;
  report.head = head();
  auto d = impl_->Reader();
  if (!d.ok()) {
    report.ok = false;
    report.problem = d.status().message();
    return report;
  }
  const OpenDb& db = **d;
  {  // The metadata head, not the published one, is what the store claims on disk.
    std::string v;
    if (db.db->Get(rocksdb::ReadOptions(), db.meta, kHeadKey, &v).ok()) {
      DecodeHead(v, &report.head);
    }
  }
  auto fail = [&](uint64_t at, std::string problem) {
    report.ok = false;
    report.first_bad_position = at;
    report.problem = std::move(problem);
    return report;
  };
  if (from_position == 0) from_position = 1;
  Hash prev{};
  if (from_position > 1) {
    auto before = ReadRecord(*impl_, db, from_position - 1);
    if (!before.ok()) return fail(from_position - 1, before.status().message());
    prev = before->hash;
  }
  Sha256 hasher;
  // Each stream's versions must appear in log order as 0, 1, 2 ... Only checkable from the start.
  std::unordered_map<std::string, uint64_t> next_version;
  const bool check_versions = from_position == 1;
  std::unique_ptr<rocksdb::Iterator> it(db.db->NewIterator(ScanRead(), db.log));
  uint64_t expect = from_position;
  for (it->Seek(record::BigEndian(from_position)); it->Valid(); it->Next(), ++expect) {
    const uint64_t key = record::FromBigEndian(it->key().ToStringView());
    if (key != expect)
      return fail(expect, "missing record (next stored is " + std::to_string(key) + ")");
    EventView e;
    if (!record::Decode(it->value().ToStringView(), &e)) return fail(key, "unreadable record");
    if (e.position != key) return fail(key, "record claims position " + std::to_string(e.position));
    const Hash h =
        hasher.Digest(std::string_view(reinterpret_cast<const char*>(prev.data()), prev.size()),
                      record::Body(it->value().ToStringView()));
    if (h != e.hash) return fail(key, "hash does not match the record's content and chain");
    if (check_versions) {
      uint64_t& v = next_version[std::string(e.stream)];
      if (e.version != v) {
        return fail(key, "stream '" + std::string(e.stream) + "' version " +
                             std::to_string(e.version) + ", expected " + std::to_string(v));
      }
      ++v;
    }
    prev = h;
    ++report.checked;
    if (progress) progress(report.checked);
  }
  if (!it->status().ok()) return fail(expect, "storage error: " + it->status().ToString());
  if (expect - 1 != report.head.position) {
    return fail(expect, "the log ends at " + std::to_string(expect - 1) + " but the head is at " +
                            std::to_string(report.head.position));
  }
  if (report.head.position > 0 && prev != report.head.hash) {
    return fail(report.head.position, "the head hash does not match the last record");
  }
  return report;
}

WriteStats EventStore::write_stats() const {
  return WriteStats{impl_->stat_appends.load(), impl_->stat_events.load(),
                    impl_->stat_groups.load(), impl_->stat_write_micros.load()};
}

Status EventStore::write_status() const {
  std::lock_guard lock(impl_->queue_mu);
  return impl_->write_error;
}

uint64_t EventStore::recoveries() const { return impl_->stat_recoveries.load(); }

Result<Head> EventStore::Checkpoint(const std::string& dir) const {
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
