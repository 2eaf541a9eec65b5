// Appending to the PostgreSQL store: checks on the caller's thread, the queue, and one committer
// thread writing each group in one transaction ordered by the head row's lock (pg_event_store.h).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <unordered_map>

#include "events/pg_store_impl.h"
#include "events/record.h"

namespace taskledger {
namespace {

// The binary COPY stream's header and a tuple's fields (PostgreSQL's COPY BINARY format).
constexpr char kCopyHeader[] = "PGCOPY\n\377\r\n\0";

void CopyField(std::string& out, std::string_view bytes) {
  pg::AppendBigEndian(out, bytes.size(), 4);
  out.append(bytes);
}

void CopyInt8(std::string& out, uint64_t v) {
  pg::AppendBigEndian(out, 8, 4);
  pg::AppendBigEndian(out, v, 8);
}

}  // namespace

void PgEventStore::Impl::Enqueue(std::unique_ptr<Writer> w) {
  {
    std::lock_guard lock(queue_mu);
    if (stopping) {
      w->result = AppendResult{Status::ReadOnly("the event store is closing")};
    } else {
      writers.push_back(std::move(w));
    }
  }
  if (w) {
    w->done(std::move(w->result));
    return;
  }
  queue_cv.notify_one();
}

void PgEventStore::AppendAsync(std::string_view stream, ExpectedVersion expected,
                               std::vector<NewEvent> events,
                               std::function<void(AppendResult)> done) {
  auto w = MakeWriter(impl_->options, stream, expected, std::move(events), impl_->NowMs());
  if (!w.ok()) return done(AppendResult{w.status()});
  (*w)->done = std::move(done);
  impl_->Enqueue(std::move(*w));
}

void PgEventStore::AppendManyAsync(std::vector<StreamAppend> parts,
                                   std::function<void(AppendResult)> done) {
  auto w = MakeManyWriter(impl_->options, std::move(parts), impl_->NowMs());
  if (!w.ok()) return done(AppendResult{w.status()});
  (*w)->done = std::move(done);
  impl_->Enqueue(std::move(*w));
}

void PgEventStore::AppendRecordsAsync(std::vector<RecordedEvent> records,
                                      std::function<void(AppendResult)> done) {
  auto w = MakeRecordsWriter(impl_->options, std::move(records));
  if (!w.ok()) return done(AppendResult{w.status()});
  (*w)->done = std::move(done);
  impl_->Enqueue(std::move(*w));
}

Result<pg::PgConn*> PgEventStore::Impl::WriteConn() {
  if (conn && conn->healthy()) return conn.get();
  conn.reset();
  const auto now = std::chrono::steady_clock::now();
  if (now < next_connect) {
    std::lock_guard lock(queue_mu);
    return write_error.ok() ? Status::Unavailable("the database cannot be reached") : write_error;
  }
  next_connect = now + options.poll_interval;
  auto c = pg::PgConn::Connect(uri, options.application_name);
  if (!c.ok()) return c.status();
  conn = std::move(*c);
  ++stat_reconnects;
  return conn.get();
}

Status PgEventStore::Impl::CommitStaged(const std::vector<std::unique_ptr<Writer>>& group,
                                        StagedGroup* staged) {
  auto c = WriteConn();
  if (!c.ok()) return c.status();
  pg::PgConn& db = **c;
  // The head row's lock orders this transaction after every other process's append.
  auto locked = ReadHead(db, /*begin_and_lock=*/true);
  if (locked.ok() && locked->position < tail.position) {
    (void)db.Exec("ROLLBACK");
    // The database lost acknowledged events (restored from an older backup, or failed over to
    // a standby that did not have them): nothing written now could be trusted to follow them.
    return Status::ReadOnly("the database's log ends at position " +
                            std::to_string(locked->position) + ", before position " +
                            std::to_string(tail.position) +
                            " which this process had acknowledged; writes are refused until "
                            "an operator restarts it");
  }
  if (!locked.ok()) return locked.status();
  if (locked->position != tail.position) {
    // Another process appended: what this one remembers of streams may be stale.
    stream_versions.clear();
    tail = *locked;
    watch.Publish(tail, /*forward_only=*/true);
  }

  // Everything the group asks of what is stored, in two queries: the streams' last versions
  // and the records holding the ids it brings.
  std::vector<std::string_view> streams, ids;
  std::vector<std::string> id_texts;
  for (const auto& w : group) {
    const auto want = [&](std::string_view s) {
      if (!stream_versions.contains(std::string(s))) streams.push_back(s);
    };
    want(w->stream);
    for (const Writer& part : w->more) want(part.stream);
    for (const RecordedEvent& r : w->records) {
      want(r.stream);
      id_texts.push_back(r.id.ToString());
    }
    if (!w->fresh_ids && w->records.empty()) {
      for (const NewEvent& e : w->events) id_texts.push_back(e.id.ToString());
    }
  }
  std::sort(streams.begin(), streams.end());
  streams.erase(std::unique(streams.begin(), streams.end()), streams.end());
  std::unordered_map<std::string_view, std::optional<uint64_t>> versions;
  if (!streams.empty()) {
    auto r = db.Query(
        "SELECT s, (SELECT max(version) FROM taskledger_events WHERE stream = s) "
        "FROM unnest($1::text[]) AS s",
        {pg::TextArray(streams)});
    if (!r.ok()) return r.status();
    for (int i = 0; i < PQntuples(r->get()); ++i) {
      const std::string_view s = streams[i];
      versions[s] = PQgetisnull(r->get(), i, 1)
                        ? std::nullopt
                        : std::optional<uint64_t>(std::stoull(PQgetvalue(r->get(), i, 1)));
    }
  }
  std::unordered_map<Uuid, RecordedEvent, UuidHash> held;
  if (!id_texts.empty()) {
    for (const std::string& t : id_texts) ids.push_back(t);
    auto r = db.Query("SELECT record FROM taskledger_events WHERE id = ANY($1::uuid[])",
                      {pg::TextArray(ids)}, /*binary=*/true);
    if (!r.ok()) return r.status();
    for (int i = 0; i < PQntuples(r->get()); ++i) {
      EventView e;
      if (!record::Decode(std::string_view(PQgetvalue(r->get(), i, 0), PQgetlength(r->get(), i, 0)),
                          &e)) {
        return Status::Corruption("unreadable record for a stored id");
      }
      held.emplace(e.id, e.ToOwned());
    }
  }
  StoredLookups stored;
  stored.stream_version = [&](std::string_view s) -> Result<std::optional<uint64_t>> {
    if (auto c = stream_versions.find(std::string(s)); c != stream_versions.end()) {
      return std::optional<uint64_t>(c->second);
    }
    if (auto v = versions.find(s); v != versions.end()) return v->second;
    return Status::IOError("stream '" + std::string(s) + "' was not looked up");
  };
  stored.record_of = [&](const Uuid& id) -> Result<std::optional<RecordedEvent>> {
    auto it = held.find(id);
    return it == held.end() ? std::optional<RecordedEvent>() : std::optional(it->second);
  };

  std::string copy(kCopyHeader, sizeof(kCopyHeader) - 1);
  pg::AppendBigEndian(copy, 0, 4);  // flags
  pg::AppendBigEndian(copy, 0, 4);  // header extension
  *staged =
      StageGroup(group, tail, NowMs(), hasher, stored, [&](const EventView& e, std::string value) {
        pg::AppendBigEndian(copy, 7, 2);
        CopyInt8(copy, e.position);
        CopyField(copy, e.stream);
        CopyInt8(copy, e.version);
        CopyField(copy, e.id.AsBytes());
        CopyField(copy, e.type);
        CopyInt8(copy, static_cast<uint64_t>(e.recorded_at_ms));
        CopyField(copy, value);
      });
  const Head& next = staged->next;
  if (next.position == tail.position) return db.Exec("ROLLBACK").status();
  pg::AppendBigEndian(copy, 0xffff, 2);  // the trailer: -1
  if (Status s = db.CopyIn(
          "COPY taskledger_events (position, stream, version, id, type, recorded_at_ms, record) "
          "FROM STDIN (FORMAT binary)",
          copy);
      !s.ok()) {
    (void)db.Exec("ROLLBACK");
    return s;
  }
  const std::string pos = std::to_string(next.position);
  const std::string hash(reinterpret_cast<const char*>(next.hash.data()), next.hash.size());
  return db
      .Exec("UPDATE taskledger_head SET position = " + pos + ", hash = " + pg::ByteaLiteral(hash) +
            ", recorded_at_ms = " + std::to_string(next.recorded_at_ms) +
            "; SELECT pg_notify('taskledger_log', '" + pos + "'); COMMIT")
      .status();
}

void PgEventStore::Impl::CommitGroup(const std::vector<std::unique_ptr<Writer>>& group) {
  const auto start = std::chrono::steady_clock::now();
  StagedGroup staged;
  const Status s = CommitStaged(group, &staged);
  stat_write_micros += std::chrono::duration_cast<std::chrono::microseconds>(
                           std::chrono::steady_clock::now() - start)
                           .count();
  {
    std::lock_guard lock(queue_mu);
    if (write_error.code() != Status::Code::kReadOnly) write_error = s;
  }
  if (!s.ok()) {
    // Nothing, or (a commit the server did not confirm) perhaps everything, was written: the
    // next group reads the head again. The writers retry; ids make the retry safe.
    if (conn && PQtransactionStatus(conn->get()) != PQTRANS_IDLE) (void)conn->Exec("ROLLBACK");
    stream_versions.clear();
    Status told = s;
    if (s.code() == Status::Code::kUnavailable) {
      told = Status::Unavailable("the database did not confirm the append (" + s.message() +
                                 "); it may or may not be in the log");
      readers.Clear();
    }
    for (const auto& w : group) {
      // Refusals decided before the write stand (a wrong version, a conflict).
      if (w->result.ok()) w->result = AppendResult{told};
    }
    for (Writer* w : staged.in_batch) w->result = AppendResult{told};
    return;
  }
  if (staged.next.position == tail.position) return;
  if (stream_versions.size() + staged.versions.size() > kMaxCachedStreams) stream_versions.clear();
  for (const auto& [stream, version] : staged.versions) {
    if (version) stream_versions[std::string(stream)] = *version;
  }
  stat_groups += 1;
  stat_events += staged.next.position - tail.position;
  for (Writer* w : staged.in_batch) stat_appends += w->result.duplicate ? 0 : 1;
  tail = staged.next;
  watch.Publish(tail, /*forward_only=*/true);
}

void PgEventStore::Impl::RunCommitter() {
  std::vector<std::unique_ptr<Writer>> group;
  for (;;) {
    {
      std::unique_lock lock(queue_mu);
      queue_cv.wait(lock, [this] { return stopping || !writers.empty(); });
      if (writers.empty()) return;  // stopping, and everything queued has been answered
      size_t bytes = 0;
      while (!writers.empty() &&
             (group.empty() || bytes + writers.front()->bytes <= options.max_group_bytes)) {
        bytes += writers.front()->bytes;
        group.push_back(std::move(writers.front()));
        writers.pop_front();
      }
    }
    Status refused;
    {
      std::lock_guard lock(queue_mu);
      if (write_error.code() == Status::Code::kReadOnly) refused = write_error;
    }
    if (refused.ok()) {
      CommitGroup(group);
    } else {
      for (const auto& w : group) w->result = AppendResult{refused};
    }
    answers.Push(std::move(group));
    group.clear();
  }
}

}  // namespace taskledger
