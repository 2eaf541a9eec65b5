// The outbox's keys and its store. Private to webhooks/.
//
// Keys, one letter of kind first:
//   m<id>                          message (JSON)
//   b<id>                          its body, as sent
//   q<BE next_ms><id>              pending, by next attempt
//   r<id>                          outcome not yet in the event log
//   d<BE done_ms><id>              finished (delivered or given up), by when: for retention
//   e<endpoint>\0<BE created><id>  an endpoint's messages, by creation
//   k<endpoint>\0<key>             -> id: every keyed message enqueued (until pruned)
//   a<id>\0<BE n>                  attempt (JSON)
//   s<endpoint>                    secrets (JSON)
//   h<endpoint>                    health (JSON)
//   c:log, c:clock                 cursors
//   c:done-index                   the d keys cover every finished message
#pragma once

#include <memory>
#include <string>

#include "events/util/coding.h"
#include "webhooks/kv.h"
#include "webhooks/outbox.h"

namespace taskledger::webhooks {

// A key of one letter of kind and `parts` after it. (Appending, rather than "m" + string, also
// keeps GCC 12's false -Wrestrict quiet.)
template <class... Parts>
std::string Key(char kind, const Parts&... parts) {
  std::string k(1, kind);
  (k.append(parts), ...);
  return k;
}

inline std::string MessageKey(std::string_view id) { return Key('m', id); }
inline std::string QueueKey(int64_t next_ms, std::string_view id) {
  return Key('q', BigEndian(static_cast<uint64_t>(next_ms)), id);
}
inline std::string UnrecordedKey(std::string_view id) { return Key('r', id); }
inline std::string DoneKey(int64_t done_ms, std::string_view id) {
  return Key('d', BigEndian(static_cast<uint64_t>(std::max<int64_t>(done_ms, 0))), id);
}
// The body, as sent, stored once beside the record (which changes with every attempt).
inline std::string BodyKey(std::string_view id) { return Key('b', id); }
inline std::string EndpointPrefix(std::string_view endpoint) {
  std::string k = Key('e', endpoint);
  k.push_back('\0');
  return k;
}
inline std::string EndpointKey(const Message& m) {
  return EndpointPrefix(m.endpoint) + BigEndian(static_cast<uint64_t>(m.created_ms)) + m.id;
}
inline std::string DedupeKey(std::string_view endpoint, std::string_view key) {
  std::string k = Key('k', endpoint);
  k.push_back('\0');
  return k + std::string(key);
}
inline std::string AttemptPrefix(std::string_view id) {
  std::string k = Key('a', id);
  k.push_back('\0');
  return k;
}
inline constexpr std::string_view kDoneIndexKey = "c:done-index";

std::string Encode(const Message& m);
Result<Message> Decode(std::string_view text);

// The outbox's store (kv.h) and how it reads messages.
// Thread-safety: used from any thread; the store is thread-safe.
struct Outbox::Impl {
  Impl(std::unique_ptr<KvStore> kv, OutboxOptions options)
      : kv(std::move(kv)), options(std::move(options)) {}

  // The message `id`; its body too when `body`.
  Result<Message> Load(const std::string& id, bool body) const;
  // The messages an index names: keys starting with `prefix`, the id from byte `id_at` on.
  Result<std::vector<Message>> LoadAll(const std::string& prefix, size_t id_at, bool bodies) const;
  // Adds d keys for finished messages stored before the retention index existed (once).
  Status IndexDone();

  std::unique_ptr<KvStore> kv;
  const OutboxOptions options;
};

}  // namespace taskledger::webhooks
