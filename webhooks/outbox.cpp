#include "webhooks/outbox.h"

#include <charconv>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "events/util/sha256.h"
#include "webhooks/outbox_impl.h"
#include "webhooks/seal.h"

namespace taskledger::webhooks {

using nlohmann::json;

std::string_view ToString(MessageState s) {
  switch (s) {
    case MessageState::kPending:
      return "pending";
    case MessageState::kDelivered:
      return "delivered";
    case MessageState::kFailed:
      return "failed";
  }
  return "?";
}

std::string MessageIdFor(std::string_view endpoint, std::string_view key) {
  thread_local Sha256 sha;
  const Hash h = sha.Digest(endpoint, "\n" + std::string(key));
  return "msg_" + Hex(std::string_view(reinterpret_cast<const char*>(h.data()), 12));
}

std::string NewMessageId() { return "msg_" + Hex(RandomBytes(12)); }

std::string NewEndpointId() { return "wh_" + Hex(RandomBytes(8)); }

std::string PageCursor(const Message& m) { return std::to_string(m.created_ms) + "." + m.id; }

Outbox::Outbox(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Outbox::~Outbox() = default;

Result<std::unique_ptr<Outbox>> Outbox::Open(const std::string& dir, OutboxOptions options) {
  if (!options.store_uri.empty() && options.seal_key.size() != 32) {
    return Status::InvalidArgument(
        "an outbox in a shared database needs a secrets key (--secrets-key-file): the signing "
        "secrets are not stored there in clear");
  }
  auto kv = options.store_uri.empty() ? OpenRocksKv(dir, options)
                                      : OpenPgKv(options.store_uri, options.box);
  if (!kv.ok()) return kv.status();
  auto impl = std::make_unique<Impl>(std::move(*kv), std::move(options));
  if (Status s = impl->IndexDone(); !s.ok()) return s;
  return std::unique_ptr<Outbox>(new Outbox(std::move(impl)));
}

Result<size_t> Outbox::Copy(const std::string& from_dir, const std::string& to_dir,
                            const OutboxOptions& to) {
  auto from = OpenRocksKv(from_dir, {});
  if (!from.ok()) return from.status();
  auto target = Open(to_dir, to);
  if (!target.ok()) return target.status();
  KvStore& kv = *(*target)->impl_->kv;
  const std::string& seal = to.seal_key;
  KvBatch batch;
  size_t n = 0;
  Status failed;
  const auto flush = [&] {
    if (batch.Count() > 0) failed = kv.Write(batch, true, "copying an outbox");
    batch = KvBatch();
    return failed.ok();
  };
  Status s = (*from)->Scan("", "", [&](std::string_view k, std::string_view v) {
    const bool clear_secret = k.starts_with("s") && !seal.empty() && !IsSealed(v);
    batch.Put(k, clear_secret ? Seal(seal, v) : std::string(v));
    ++n;
    return batch.Count() < 1000 || flush();
  });
  if (s.ok() && failed.ok()) flush();
  if (!s.ok()) return s;
  if (!failed.ok()) return failed;
  return n;
}

Status Outbox::write_status() const { return impl_->kv->write_status(); }

bool Outbox::TryRecover() { return impl_->kv->TryRecover(); }

Result<std::vector<Message>> Outbox::Enqueue(std::vector<Message> messages, Cursors cursors,
                                             bool sync) {
  KvBatch batch;
  std::vector<Message> added;
  for (Message& m : messages) {
    if (!m.key.empty()) {
      const std::string dk = DedupeKey(m.endpoint, m.key);
      auto existing = impl_->kv->Get(dk);
      if (!existing.ok()) return existing.status();
      if (*existing) continue;  // enqueued before: never twice
      batch.Put(dk, m.id);
    }
    batch.Put(MessageKey(m.id), Encode(m));
    batch.Put(BodyKey(m.id), m.body);
    batch.Put(QueueKey(m.next_ms, m.id), "");
    batch.Put(EndpointKey(m), "");
    added.push_back(std::move(m));
  }
  if (cursors.log) batch.Put("c:log", BigEndian(*cursors.log));
  if (cursors.clock) batch.Put("c:clock", BigEndian(static_cast<uint64_t>(*cursors.clock)));
  if (batch.Count() == 0) return added;
  if (Status s = impl_->kv->Write(batch, sync, "enqueueing"); !s.ok()) return s;
  return added;
}

Status Outbox::Save(const Message& m, const Attempt* attempt, int64_t previous_next_ms, bool sync) {
  KvBatch batch;
  batch.Put(MessageKey(m.id), Encode(m));
  if (previous_next_ms > 0) batch.Delete(QueueKey(previous_next_ms, m.id));
  if (m.state == MessageState::kPending) {
    batch.Put(QueueKey(m.next_ms, m.id), "");
  } else {
    batch.Put(DoneKey(m.done_ms, m.id), "");
    // A task's notification (or a digest) that is done has its outcome to record in the log.
    if (!m.task.empty() || !m.about.empty()) batch.Put(UnrecordedKey(m.id), "");
  }
  if (attempt) {
    const std::string a = json{{"n", attempt->n},           {"at", attempt->at_ms},
                               {"status", attempt->status}, {"latency_ms", attempt->latency_ms},
                               {"error", attempt->error},   {"response", attempt->response}}
                              .dump(-1, ' ', false, json::error_handler_t::replace);
    batch.Put(AttemptPrefix(m.id) + BigEndian(static_cast<uint64_t>(attempt->n), 4), a);
  }
  return impl_->kv->Write(batch, sync, "saving message " + m.id);
}

Result<Message> Outbox::Get(const std::string& id) const { return impl_->Load(id, true); }

Result<std::vector<Message>> Outbox::Pending() const {
  return impl_->LoadAll("q", 9, /*bodies=*/true);  // to be sent: with what to send
}

Result<std::vector<std::string>> Outbox::PendingIds() const {
  std::vector<std::string> ids;
  Status s = impl_->kv->Scan("q", "", [&](std::string_view k, std::string_view) {
    ids.emplace_back(k.substr(9));
    return true;
  });
  if (!s.ok()) return s;
  return ids;
}

bool Outbox::shared() const { return !impl_->options.store_uri.empty(); }

Result<std::vector<Message>> Outbox::Unrecorded() const {
  return impl_->LoadAll("r", 1, /*bodies=*/false);
}

Status Outbox::MarkRecorded(const std::string& id) {
  KvBatch batch;
  batch.Delete(UnrecordedKey(id));
  return impl_->kv->Write(batch, false, "marking " + id);
}

Result<std::vector<Message>> Outbox::List(const std::string& endpoint, size_t limit,
                                          std::string_view cursor) const {
  const std::string prefix = EndpointPrefix(endpoint);
  std::string before;
  if (!cursor.empty()) {
    const size_t dot = cursor.find('.');
    int64_t created = 0;
    if (dot == std::string_view::npos ||
        std::from_chars(cursor.data(), cursor.data() + dot, created).ec != std::errc()) {
      return Status::InvalidArgument("after: not a cursor from a previous page");
    }
    before =
        prefix + BigEndian(static_cast<uint64_t>(created)) + std::string(cursor.substr(dot + 1));
  }
  std::vector<std::string> ids;
  Status s = impl_->kv->ScanBack(prefix, before, [&](std::string_view k, std::string_view) {
    ids.emplace_back(k.substr(prefix.size() + 8));
    return ids.size() < limit;
  });
  if (!s.ok()) return s;
  std::vector<Message> out;
  for (const std::string& id : ids) {
    auto m = impl_->Load(id, /*body=*/false);
    if (!m.ok()) return m.status();
    out.push_back(std::move(*m));
  }
  return out;
}

Status Outbox::ForEachSince(const std::string& endpoint, int64_t since_ms,
                            const std::function<void(const Message&)>& fn) const {
  const std::string prefix = EndpointPrefix(endpoint);
  std::vector<std::string> ids;
  Status s = impl_->kv->Scan(
      prefix, prefix + BigEndian(static_cast<uint64_t>(std::max<int64_t>(since_ms, 0))),
      [&](std::string_view k, std::string_view) {
        ids.emplace_back(k.substr(prefix.size() + 8));
        return true;
      });
  if (!s.ok()) return s;
  for (const std::string& id : ids) {
    auto m = impl_->Load(id, true);
    if (!m.ok()) return m.status();
    fn(*m);
  }
  return Status::Ok();
}

Result<std::vector<Attempt>> Outbox::Attempts(const std::string& id) const {
  std::vector<Attempt> out;
  Status s = impl_->kv->Scan(AttemptPrefix(id), "", [&](std::string_view, std::string_view v) {
    const json j = json::parse(v, nullptr, false);
    if (!j.is_object()) return true;
    out.push_back(Attempt{j.value("n", 0), j.value("at", int64_t{0}), j.value("status", 0),
                          j.value("latency_ms", int64_t{0}), j.value("error", ""),
                          j.value("response", "")});
    return true;
  });
  if (!s.ok()) return s;
  return out;
}

Outbox::Cursors Outbox::cursors() const {
  Cursors c;
  if (auto v = impl_->kv->Get("c:log"); v.ok() && *v) c.log = FromBigEndian(**v);
  if (auto v = impl_->kv->Get("c:clock"); v.ok() && *v) {
    c.clock = static_cast<int64_t>(FromBigEndian(**v));
  }
  return c;
}

Status Outbox::PutSecrets(const std::string& endpoint, const Secrets& s) {
  KvBatch batch;
  const std::string plain = json{
      {"current", s.current},
      {"previous", s.previous},
      {"previous_until",
       s.previous_until_ms}}.dump();
  const std::string& key = impl_->options.seal_key;
  batch.Put(Key('s', endpoint), key.empty() ? plain : Seal(key, plain));
  return impl_->kv->Write(batch, true, "storing a secret");
}

std::optional<Secrets> Outbox::GetSecrets(const std::string& endpoint) const {
  auto stored = impl_->kv->Get(Key('s', endpoint));
  if (!stored.ok() || !*stored) return std::nullopt;
  std::string v = std::move(**stored);
  if (IsSealed(v)) {
    auto plain = Unseal(impl_->options.seal_key, v);
    if (!plain.ok()) return std::nullopt;
    v = std::move(*plain);
  }
  const json j = json::parse(v, nullptr, false);
  if (!j.is_object()) return std::nullopt;
  return Secrets{j.value("current", ""), j.value("previous", ""),
                 j.value("previous_until", int64_t{0})};
}

Status Outbox::DeleteSecrets(const std::string& endpoint) {
  KvBatch batch;
  batch.Delete(Key('s', endpoint));
  return impl_->kv->Write(batch, true, "deleting a secret");
}

Status Outbox::PutHealth(const std::string& endpoint, const Health& h) {
  KvBatch batch;
  batch.Put(Key('h', endpoint), json{{"failing_since", h.failing_since_ms},
                                     {"last_success", h.last_success_ms},
                                     {"last_failure", h.last_failure_ms},
                                     {"last_error", h.last_error}}
                                    .dump(-1, ' ', false, json::error_handler_t::replace));
  return impl_->kv->Write(batch, false, "storing health");
}

Result<Health> Outbox::GetHealth(const std::string& endpoint) const {
  Health h;
  auto v = impl_->kv->Get(Key('h', endpoint));
  if (!v.ok()) return Status(v.status()).In("reading the health of " + endpoint);
  if (!*v) return h;
  const json j = json::parse(**v, nullptr, false);
  if (!j.is_object()) return Status::Corruption("the health of " + endpoint + " is unreadable");
  h.failing_since_ms = j.value("failing_since", int64_t{0});
  h.last_success_ms = j.value("last_success", int64_t{0});
  h.last_failure_ms = j.value("last_failure", int64_t{0});
  h.last_error = j.value("last_error", "");
  return h;
}

Result<PruneResult> Outbox::Prune(int64_t before_ms, size_t limit) {
  PruneResult r;
  KvBatch batch;
  const std::string end = DoneKey(before_ms, "");
  Status failed;
  Status s = impl_->kv->Scan("d", "", [&](std::string_view k, std::string_view) {
    if (k >= end || r.examined >= limit) {
      r.more = k < end;
      return false;
    }
    ++r.examined;
    const std::string key(k);
    const std::string id(k.substr(9));
    const int64_t done = static_cast<int64_t>(FromBigEndian(k.substr(1, 8)));
    auto m = impl_->Load(id, false);
    // An index entry that no longer describes its message (resent since, or gone) just goes.
    if (!m.ok() || m->state == MessageState::kPending || m->done_ms != done) {
      batch.Delete(key);
      return true;
    }
    // What the log does not record is never dropped: an outcome still to be recorded waits,
    // and a ping (about no task) is kept for good, leaving the index.
    auto unrecorded = impl_->kv->Get(UnrecordedKey(id));
    if (!unrecorded.ok()) {
      failed = unrecorded.status();
      return false;
    }
    if (*unrecorded) {
      ++r.kept;
      return true;
    }
    if (m->task.empty()) {
      batch.Delete(key);
      ++r.kept;
      return true;
    }
    batch.Delete(key);
    batch.Delete(MessageKey(id));
    batch.Delete(BodyKey(id));
    batch.Delete(EndpointKey(*m));
    if (!m->key.empty()) batch.Delete(DedupeKey(m->endpoint, m->key));
    const std::string attempts = AttemptPrefix(id);
    batch.DeleteRange(attempts, attempts.substr(0, attempts.size() - 1) + '\x01');
    ++r.pruned;
    return true;
  });
  if (!s.ok()) return s;
  if (!failed.ok()) return failed;
  if (batch.Count() == 0) return r;
  if (Status w = impl_->kv->Write(batch, false, "pruning old deliveries"); !w.ok()) return w;
  return r;
}

Status Outbox::Checkpoint(const std::string& dir) const { return impl_->kv->Checkpoint(dir); }

}  // namespace taskledger::webhooks
