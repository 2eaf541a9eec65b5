// Reading the PostgreSQL event store: the log in chunks of stored records, a stream, a position
// as of a time, and verify (pg_event_store.h).
#include <unordered_map>

#include "events/pg_store_impl.h"
#include "events/record.h"

namespace taskledger {
namespace {

// How many records one read of the log fetches.
constexpr uint64_t kScanChunk = 2000;

Status Malformed(uint64_t position) {
  return Status::Corruption("unreadable record at position " + std::to_string(position));
}

}  // namespace

Status PgEventStore::Impl::ScanRaw(uint64_t from, uint64_t to,
                                   const std::function<bool(std::string_view)>& fn) const {
  auto conn = readers.Acquire();
  if (!conn.ok()) return conn.status();
  for (uint64_t at = std::max<uint64_t>(from, 1); at <= to;) {
    const uint64_t last = std::min(to, at + kScanChunk - 1);
    auto r = (*conn)->Query(
        "SELECT position, record FROM taskledger_events WHERE position BETWEEN $1 AND $2 "
        "ORDER BY position",
        {std::to_string(at), std::to_string(last)}, /*binary=*/true);
    if (!r.ok()) return r.status();
    const int rows = PQntuples(r->get());
    for (int i = 0; i < rows; ++i, ++at) {
      const uint64_t position = pg::ReadBigEndian64(PQgetvalue(r->get(), i, 0));
      if (position != at) {
        return Status::Corruption("the log skips position " + std::to_string(at));
      }
      if (!fn(std::string_view(PQgetvalue(r->get(), i, 1), PQgetlength(r->get(), i, 1)))) {
        return Status::Ok();
      }
    }
    if (at <= last) return Status::Corruption("the log skips position " + std::to_string(at));
  }
  return Status::Ok();
}

Result<std::vector<RecordedEvent>> PgEventStore::ReadStream(std::string_view stream,
                                                            uint64_t from_version,
                                                            size_t max_count) const {
  std::vector<RecordedEvent> out;
  if (max_count == 0) return out;
  auto conn = impl_->readers.Acquire();
  if (!conn.ok()) return conn.status();
  auto r = (*conn)->Query(
      "SELECT record FROM taskledger_events WHERE stream = $1 AND version >= $2 "
      "AND position <= $3 ORDER BY version LIMIT $4",
      {std::string(stream), std::to_string(from_version), std::to_string(head().position),
       std::to_string(std::min<size_t>(max_count, INT64_MAX))},
      /*binary=*/true);
  if (!r.ok()) return r.status();
  const int rows = PQntuples(r->get());
  out.reserve(rows);
  for (int i = 0; i < rows; ++i) {
    EventView e;
    if (!record::Decode(std::string_view(PQgetvalue(r->get(), i, 0), PQgetlength(r->get(), i, 0)),
                        &e)) {
      return Status::Corruption("unreadable record of stream '" + std::string(stream) + "'");
    }
    out.push_back(e.ToOwned());
  }
  return out;
}

Result<RecordedEvent> PgEventStore::Get(uint64_t position) const {
  if (position == 0 || position > head().position) {
    return Status::NotFound("position " + std::to_string(position) + " is past the head");
  }
  Result<RecordedEvent> out = Status::NotFound("position " + std::to_string(position));
  Status s = impl_->ScanRaw(position, position, [&](std::string_view value) {
    EventView e;
    out = record::Decode(value, &e) ? Result<RecordedEvent>(e.ToOwned())
                                    : Result<RecordedEvent>(Malformed(position));
    return false;
  });
  if (!s.ok()) return s;
  return out;
}

Status PgEventStore::Scan(uint64_t from_position, uint64_t to_position,
                          const std::function<bool(const EventView&)>& fn) const {
  const uint64_t to = to_position == 0 ? head().position : to_position;
  uint64_t at = std::max<uint64_t>(from_position, 1);
  Status bad;
  Status s = impl_->ScanRaw(at, to, [&](std::string_view value) {
    EventView e;
    if (!record::Decode(value, &e)) {
      bad = Malformed(at);
      return false;
    }
    ++at;
    return fn(e);
  });
  return bad.ok() ? s : bad;
}

Head PgEventStore::head() const { return impl_->watch.Get(); }

Result<Head> PgEventStore::LatestHead() const {
  auto conn = impl_->readers.Acquire();
  if (!conn.ok()) return conn.status();
  auto h = Impl::ReadHead(**conn);
  if (!h.ok()) return h.status();
  impl_->watch.Publish(*h, /*forward_only=*/true);
  return head();
}

Result<std::optional<uint64_t>> PgEventStore::StreamVersion(std::string_view stream) const {
  auto conn = impl_->readers.Acquire();
  if (!conn.ok()) return conn.status();
  auto r = (*conn)->Query(
      "SELECT max(version) FROM taskledger_events WHERE stream = $1 AND position <= $2",
      {std::string(stream), std::to_string(head().position)});
  if (!r.ok()) return r.status();
  if (PQgetisnull(r->get(), 0, 0)) return std::optional<uint64_t>();
  return std::optional<uint64_t>(std::stoull(PQgetvalue(r->get(), 0, 0)));
}

Result<uint64_t> PgEventStore::PositionAt(int64_t unix_ms) const {
  auto conn = impl_->readers.Acquire();
  if (!conn.ok()) return conn.status();
  auto r = (*conn)->Query(
      "SELECT position FROM taskledger_events WHERE recorded_at_ms <= $1 AND position <= $2 "
      "ORDER BY recorded_at_ms DESC, position DESC LIMIT 1",
      {std::to_string(unix_ms), std::to_string(head().position)});
  if (!r.ok()) return r.status();
  if (PQntuples(r->get()) == 0) return uint64_t{0};
  return static_cast<uint64_t>(std::stoull(PQgetvalue(r->get(), 0, 0)));
}

uint64_t PgEventStore::WaitForAppend(uint64_t after, std::chrono::milliseconds timeout) const {
  return impl_->watch.WaitForAppend(after, timeout);
}

EventStore::SubscriptionId PgEventStore::Subscribe(std::function<void(uint64_t)> fn) {
  return impl_->watch.Subscribe(std::move(fn));
}

void PgEventStore::Unsubscribe(SubscriptionId id) { impl_->watch.Unsubscribe(id); }

VerifyReport PgEventStore::Verify(uint64_t from_position,
                                  const std::function<void(uint64_t)>& progress) const {
  VerifyReport report;
  auto fail = [&](uint64_t at, std::string problem) {
    report.ok = false;
    report.first_bad_position = at;
    report.problem = std::move(problem);
    return report;
  };
  {  // The stored head, not the one this process saw last, is what the database claims.
    auto conn = impl_->readers.Acquire();
    if (!conn.ok()) return fail(0, conn.status().message());
    auto h = Impl::ReadHead(**conn);
    if (!h.ok()) return fail(0, h.status().message());
    report.head = *h;
  }
  if (from_position == 0) from_position = 1;
  Hash prev{};
  if (from_position > 1) {
    auto before = Get(from_position - 1);
    if (!before.ok()) return fail(from_position - 1, before.status().message());
    prev = before->hash;
  }
  Sha256 hasher;
  // Each stream's versions must appear in log order as 0, 1, 2 ... Only checkable from the start.
  std::unordered_map<std::string, uint64_t> next_version;
  const bool check_versions = from_position == 1;
  uint64_t expect = from_position;
  std::string problem;
  Status s = impl_->ScanRaw(from_position, report.head.position, [&](std::string_view value) {
    EventView e;
    if (!record::Decode(value, &e)) {
      problem = "unreadable record";
      return false;
    }
    if (e.position != expect) {
      problem = "record claims position " + std::to_string(e.position);
      return false;
    }
    const Hash h =
        hasher.Digest(std::string_view(reinterpret_cast<const char*>(prev.data()), prev.size()),
                      record::Body(value));
    if (h != e.hash) {
      problem = "hash does not match the record's content and chain";
      return false;
    }
    if (check_versions) {
      uint64_t& v = next_version[std::string(e.stream)];
      if (e.version != v) {
        problem = "stream '" + std::string(e.stream) + "' version " + std::to_string(e.version) +
                  ", expected " + std::to_string(v);
        return false;
      }
      ++v;
    }
    prev = h;
    ++expect;
    ++report.checked;
    if (progress) progress(report.checked);
    return true;
  });
  if (!problem.empty()) return fail(expect, problem);
  if (!s.ok()) return fail(expect, s.message());
  if (report.head.position > 0 && expect - 1 == report.head.position && prev != report.head.hash) {
    return fail(report.head.position, "the head hash does not match the last record");
  }
  return report;
}

}  // namespace taskledger
