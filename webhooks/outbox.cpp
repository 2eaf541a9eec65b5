#include "webhooks/outbox.h"

#include <openssl/rand.h>
#include <charconv>
#include <filesystem>
#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <nlohmann/json.hpp>

#include "events/sha256.h"

namespace taskledger::webhooks {

using nlohmann::json;

namespace {

// Keys, one letter of kind first:
//   m<id>                          message (JSON)
//   b<id>                          its body, as sent
//   q<BE next_ms><id>              pending, by next attempt
//   r<id>                          outcome not yet in the event log
//   e<endpoint>\0<BE created><id>  an endpoint's messages, by creation
//   k<endpoint>\0<key>             -> id: every keyed message ever enqueued
//   a<id>\0<BE n>                  attempt (JSON)
//   s<endpoint>                    secrets (JSON)
//   h<endpoint>                    health (JSON)
//   c:log, c:clock                 cursors
std::string BigEndian(uint64_t v, int bytes = 8) {
  std::string out(bytes, '\0');
  for (int i = bytes - 1; i >= 0; --i, v >>= 8) out[i] = static_cast<char>(v & 0xFF);
  return out;
}

uint64_t FromBigEndian(std::string_view s) {
  uint64_t v = 0;
  for (char c : s) v = (v << 8) | static_cast<unsigned char>(c);
  return v;
}

// A key of one letter of kind and `parts` after it. (Appending, rather than "m" + string, also
// keeps GCC 12's false -Wrestrict quiet.)
template <class... Parts>
std::string Key(char kind, const Parts&... parts) {
  std::string k(1, kind);
  (k.append(parts), ...);
  return k;
}

std::string MessageKey(std::string_view id) { return Key('m', id); }
std::string QueueKey(int64_t next_ms, std::string_view id) {
  return Key('q', BigEndian(static_cast<uint64_t>(next_ms)), id);
}
std::string UnrecordedKey(std::string_view id) { return Key('r', id); }
// The body, as sent, stored once beside the record (which changes with every attempt).
std::string BodyKey(std::string_view id) { return Key('b', id); }
std::string EndpointPrefix(std::string_view endpoint) {
  std::string k = Key('e', endpoint);
  k.push_back('\0');
  return k;
}
std::string EndpointKey(const Message& m) {
  return EndpointPrefix(m.endpoint) + BigEndian(static_cast<uint64_t>(m.created_ms)) + m.id;
}
std::string DedupeKey(std::string_view endpoint, std::string_view key) {
  std::string k = Key('k', endpoint);
  k.push_back('\0');
  return k + std::string(key);
}
std::string AttemptPrefix(std::string_view id) {
  std::string k = Key('a', id);
  k.push_back('\0');
  return k;
}

std::string Encode(const Message& m) {
  return json{{"id", m.id},           {"endpoint", m.endpoint},  {"agency", m.agency},
              {"type", m.type},       {"task", m.task},          {"occurrence", m.occurrence},
              {"key", m.key},         {"created", m.created_ms},
              {"due", m.due_ms},      {"state", ToString(m.state)}, {"attempts", m.attempts},
              {"round", m.round_base}, {"next", m.next_ms},    {"status", m.last_status}, {"error", m.last_error},
              {"done", m.done_ms}}
      .dump(-1, ' ', false, json::error_handler_t::replace);
}

Result<Message> Decode(std::string_view text) {
  const json j = json::parse(text, nullptr, false);
  if (!j.is_object()) return Status::Corruption("outbox: unreadable message");
  Message m;
  m.id = j.value("id", "");
  m.endpoint = j.value("endpoint", "");
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

std::string Hex(const unsigned char* bytes, size_t n) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    out.push_back(digits[bytes[i] >> 4]);
    out.push_back(digits[bytes[i] & 15]);
  }
  return out;
}

rocksdb::WriteOptions Write(bool sync) {
  rocksdb::WriteOptions w;
  w.sync = sync;
  return w;
}

}  // namespace

std::string_view ToString(MessageState s) {
  switch (s) {
    case MessageState::kPending: return "pending";
    case MessageState::kDelivered: return "delivered";
    case MessageState::kFailed: return "failed";
  }
  return "?";
}

std::string MessageIdFor(std::string_view endpoint, std::string_view key) {
  thread_local Sha256 sha;
  const Hash h = sha.Digest(endpoint, "\n" + std::string(key));
  return "msg_" + Hex(h.data(), 12);
}

std::string NewMessageId() {
  unsigned char bytes[12];
  if (RAND_bytes(bytes, sizeof bytes) != 1) throw std::runtime_error("RAND_bytes failed");
  return "msg_" + Hex(bytes, sizeof bytes);
}

std::string NewEndpointId() {
  unsigned char bytes[8];
  if (RAND_bytes(bytes, sizeof bytes) != 1) throw std::runtime_error("RAND_bytes failed");
  return "wh_" + Hex(bytes, sizeof bytes);
}

struct Outbox::Impl {
  std::unique_ptr<rocksdb::DB> db;

  Status From(const rocksdb::Status& s, std::string_view what) const {
    if (s.ok()) return Status::Ok();
    return Status::IOError("webhook outbox: " + std::string(what) + ": " + s.ToString());
  }

  // The message `id`; its body too when `body`.
  Result<Message> Load(const std::string& id, bool body) const {
    std::string value;
    const auto s = db->Get(rocksdb::ReadOptions(), MessageKey(id), &value);
    if (s.IsNotFound()) return Status::NotFound("no delivery '" + id + "'");
    if (Status st = From(s, "reading a message"); !st.ok()) return st;
    auto m = Decode(value);
    if (!m.ok() || !body) return m;
    const auto b = db->Get(rocksdb::ReadOptions(), BodyKey(id), &m->body);
    if (!b.ok() && !b.IsNotFound()) return From(b, "reading a message body");
    return m;
  }

  // The messages an index names: keys starting with `prefix`, the id from byte `id_at` on.
  Result<std::vector<Message>> LoadAll(const std::string& prefix, size_t id_at, bool bodies) const {
    std::vector<Message> out;
    Status failed = Status::Ok();
    Status s = Scan(prefix, "", [&](std::string_view k, std::string_view) {
      auto m = Load(std::string(k.substr(id_at)), bodies);
      if (!m.ok()) failed = m.status();
      if (m.ok()) out.push_back(std::move(*m));
      return failed.ok();
    });
    if (!s.ok()) return s;
    if (!failed.ok()) return failed;
    return out;
  }

  // Calls fn(key, value) for keys starting with `prefix` from `start` on; fn returns false to
  // stop.
  template <class F>
  Status Scan(const std::string& prefix, const std::string& start, F fn) const {
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions()));
    for (it->Seek(start.empty() ? prefix : start); it->Valid(); it->Next()) {
      const std::string_view k = it->key().ToStringView();
      if (!k.starts_with(prefix)) break;
      if (!fn(k, it->value().ToStringView())) break;
    }
    return From(it->status(), "scanning");
  }
};

Outbox::Outbox(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Outbox::~Outbox() = default;

Result<std::unique_ptr<Outbox>> Outbox::Open(const std::string& dir) {
  auto impl = std::make_unique<Impl>();
  // The signing secrets are in here: owner only, whatever the umask.
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  std::filesystem::permissions(dir, std::filesystem::perms::owner_all,
                               std::filesystem::perm_options::replace, ec);
  if (ec) return Status::IOError("webhook outbox: cannot restrict " + dir + ": " + ec.message());
  rocksdb::Options o;
  o.create_if_missing = true;
  o.keep_log_file_num = 3;
  o.max_manifest_file_size = 64 << 20;
  rocksdb::DB* raw = nullptr;
  if (Status s = impl->From(rocksdb::DB::Open(o, dir, &raw), "opening " + dir); !s.ok()) return s;
  impl->db.reset(raw);
  return std::unique_ptr<Outbox>(new Outbox(std::move(impl)));
}

Result<std::vector<Message>> Outbox::Enqueue(std::vector<Message> messages, Cursors cursors,
                                             bool sync) {
  rocksdb::WriteBatch batch;
  std::vector<Message> added;
  std::string existing;
  for (Message& m : messages) {
    if (!m.key.empty()) {
      const std::string dk = DedupeKey(m.endpoint, m.key);
      const auto s = impl_->db->Get(rocksdb::ReadOptions(), dk, &existing);
      if (s.ok()) continue;  // enqueued before: never twice
      if (!s.IsNotFound()) return impl_->From(s, "reading a dedupe key");
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
  if (Status s = impl_->From(impl_->db->Write(Write(sync), &batch), "enqueueing"); !s.ok()) {
    return s;
  }
  return added;
}

Status Outbox::Save(const Message& m, const Attempt* attempt, int64_t previous_next_ms,
                    bool sync) {
  rocksdb::WriteBatch batch;
  batch.Put(MessageKey(m.id), Encode(m));
  if (previous_next_ms > 0) batch.Delete(QueueKey(previous_next_ms, m.id));
  if (m.state == MessageState::kPending) batch.Put(QueueKey(m.next_ms, m.id), "");
  // A task's notification that is done has its outcome to record in the event log.
  if (m.state != MessageState::kPending && !m.task.empty()) batch.Put(UnrecordedKey(m.id), "");
  if (attempt) {
    const std::string a = json{{"n", attempt->n},
                               {"at", attempt->at_ms},
                               {"status", attempt->status},
                               {"latency_ms", attempt->latency_ms},
                               {"error", attempt->error},
                               {"response", attempt->response}}
                              .dump(-1, ' ', false, json::error_handler_t::replace);
    batch.Put(AttemptPrefix(m.id) + BigEndian(static_cast<uint64_t>(attempt->n), 4), a);
  }
  return impl_->From(impl_->db->Write(Write(sync), &batch), "saving message " + m.id);
}

Result<Message> Outbox::Get(const std::string& id) const { return impl_->Load(id, true); }

Result<std::vector<Message>> Outbox::Pending() const {
  return impl_->LoadAll("q", 9, /*bodies=*/true);  // to be sent: with what to send
}

Result<std::vector<Message>> Outbox::Unrecorded() const {
  return impl_->LoadAll("r", 1, /*bodies=*/false);
}

std::string PageCursor(const Message& m) {
  return std::to_string(m.created_ms) + "." + m.id;
}

Status Outbox::MarkRecorded(const std::string& id) {
  return impl_->From(impl_->db->Delete(Write(false), UnrecordedKey(id)), "marking " + id);
}

Result<std::vector<Message>> Outbox::List(const std::string& endpoint, size_t limit,
                                          std::string_view cursor) const {
  const std::string prefix = EndpointPrefix(endpoint);
  std::vector<Message> out;
  std::unique_ptr<rocksdb::Iterator> it(impl_->db->NewIterator(rocksdb::ReadOptions()));
  if (!cursor.empty()) {
    const size_t dot = cursor.find('.');
    int64_t created = 0;
    if (dot == std::string_view::npos ||
        std::from_chars(cursor.data(), cursor.data() + dot, created).ec != std::errc()) {
      return Status::InvalidArgument("after: not a cursor from a previous page");
    }
    const std::string at = prefix + BigEndian(static_cast<uint64_t>(created)) +
                           std::string(cursor.substr(dot + 1));
    it->SeekForPrev(at);
    if (it->Valid() && it->key().ToStringView() == at) it->Prev();
  } else {
    std::string end = prefix;
    end.back() = '\x01';
    it->SeekForPrev(end);
  }
  for (; it->Valid() && out.size() < limit; it->Prev()) {
    const std::string_view k = it->key().ToStringView();
    if (!k.starts_with(prefix)) break;
    auto m = impl_->Load(std::string(k.substr(prefix.size() + 8)), /*body=*/false);
    if (!m.ok()) return m.status();
    out.push_back(std::move(*m));
  }
  if (Status s = impl_->From(it->status(), "listing deliveries"); !s.ok()) return s;
  return out;
}

Status Outbox::ForEachSince(const std::string& endpoint, int64_t since_ms,
                            const std::function<void(const Message&)>& fn) const {
  const std::string prefix = EndpointPrefix(endpoint);
  Status failed = Status::Ok();
  Status s = impl_->Scan(prefix, prefix + BigEndian(static_cast<uint64_t>(std::max<int64_t>(since_ms, 0))),
                         [&](std::string_view k, std::string_view) {
                           auto m = Get(std::string(k.substr(prefix.size() + 8)));
                           if (!m.ok()) {
                             failed = m.status();
                             return false;
                           }
                           fn(*m);
                           return true;
                         });
  return s.ok() ? failed : s;
}

Result<std::vector<Attempt>> Outbox::Attempts(const std::string& id) const {
  std::vector<Attempt> out;
  Status s = impl_->Scan(AttemptPrefix(id), "", [&](std::string_view, std::string_view v) {
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
  std::string v;
  if (impl_->db->Get(rocksdb::ReadOptions(), "c:log", &v).ok()) c.log = FromBigEndian(v);
  if (impl_->db->Get(rocksdb::ReadOptions(), "c:clock", &v).ok()) {
    c.clock = static_cast<int64_t>(FromBigEndian(v));
  }
  return c;
}

Status Outbox::PutSecrets(const std::string& endpoint, const Secrets& s) {
  const std::string v = json{{"current", s.current},
                             {"previous", s.previous},
                             {"previous_until", s.previous_until_ms}}
                            .dump();
  return impl_->From(impl_->db->Put(Write(true), Key('s', endpoint), v), "storing a secret");
}

std::optional<Secrets> Outbox::GetSecrets(const std::string& endpoint) const {
  std::string v;
  if (!impl_->db->Get(rocksdb::ReadOptions(), Key('s', endpoint), &v).ok()) return std::nullopt;
  const json j = json::parse(v, nullptr, false);
  if (!j.is_object()) return std::nullopt;
  return Secrets{j.value("current", ""), j.value("previous", ""),
                 j.value("previous_until", int64_t{0})};
}

Status Outbox::DeleteSecrets(const std::string& endpoint) {
  return impl_->From(impl_->db->Delete(Write(true), Key('s', endpoint)), "deleting a secret");
}

Status Outbox::PutHealth(const std::string& endpoint, const Health& h) {
  const std::string v = json{{"failing_since", h.failing_since_ms},
                             {"last_success", h.last_success_ms},
                             {"last_failure", h.last_failure_ms},
                             {"last_error", h.last_error}}
                            .dump(-1, ' ', false, json::error_handler_t::replace);
  return impl_->From(impl_->db->Put(Write(false), Key('h', endpoint), v), "storing health");
}

Health Outbox::GetHealth(const std::string& endpoint) const {
  std::string v;
  Health h;
  if (!impl_->db->Get(rocksdb::ReadOptions(), Key('h', endpoint), &v).ok()) return h;
  const json j = json::parse(v, nullptr, false);
  if (!j.is_object()) return h;
  h.failing_since_ms = j.value("failing_since", int64_t{0});
  h.last_success_ms = j.value("last_success", int64_t{0});
  h.last_failure_ms = j.value("last_failure", int64_t{0});
  h.last_error = j.value("last_error", "");
  return h;
}

}  // namespace taskledger::webhooks
