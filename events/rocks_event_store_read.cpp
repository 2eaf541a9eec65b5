// Reading the RocksDB event store: streams, the log, positions by time, and the hash chain
// (Verify, and the tail check made on open).
#include <algorithm>
#include <string>
#include <unordered_map>

#include "events/record.h"
#include "events/rocksdb_options.h"
#include "events/store_impl.h"

namespace taskledger {

Result<std::optional<uint64_t>> RocksEventStore::Impl::LastStreamVersion(
    const OpenDb& d, std::string_view stream) const {
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

Result<RecordedEvent> ReadRecord(const RocksEventStore::Impl& s, const OpenDb& d,
                                 uint64_t position) {
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

Status CheckTail(RocksEventStore::Impl& s, const OpenDb& d, const Head& head, uint64_t count) {
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

Result<std::vector<RecordedEvent>> RocksEventStore::ReadStream(std::string_view stream,
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

Result<RecordedEvent> RocksEventStore::Get(uint64_t position) const {
  if (position == 0 || position > head().position) {
    return Status::NotFound("no event at " + PositionText(position));
  }
  auto d = impl_->Reader();
  if (!d.ok()) return d.status();
  return ReadRecord(*impl_, **d, position);
}

Status RocksEventStore::Scan(uint64_t from_position, uint64_t to_position,
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

Result<std::optional<uint64_t>> RocksEventStore::StreamVersion(std::string_view stream) const {
  auto d = impl_->Reader();
  if (!d.ok()) return d.status();
  return impl_->LastStreamVersion(**d, stream);
}

Result<uint64_t> RocksEventStore::PositionAt(int64_t unix_ms) const {
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

VerifyReport RocksEventStore::Verify(uint64_t from_position,
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

}  // namespace taskledger
