// The outbox: what is due to be sent, what became of each attempt, and the signing secrets, in a
// store of its own beside the event log and never inside it: RocksDB in <data dir>/webhooks, or,
// with the log on PostgreSQL, a table in the same database that every node shares (kv.h), its
// secrets sealed with a key from the configuration.
//
// Durability. Everything the outbox holds is either derived from the log (notifications of log
// events and reminders, enqueued in one batch with the cursor that says how far the log and the
// clock were read) or a record of work done (attempts). RocksDB recovers a consistent prefix of
// its writes, so a lost tail is re-derived on start-up from the cursors, and a delivery whose
// record was lost is sent again under the same webhook-id: at least once, never lost. Writes a
// user is told about (a new secret, a redelivery asked for) are synced.
//
// A full disk: writes are refused below a free-space floor; a write that fails anyway fails the
// outbox (no later write touches that RocksDB instance, rocksdb_guard.h) until TryRecover()
// reopens it once there is room. Reads go on.
//
// Retention: finished messages whose outcome the event log records may be pruned (Prune), so
// the outbox does not keep every attempt forever; the log keeps each outcome.
//
// Thread-safety: all methods may be called from any thread; read-modify-write of one message is
// the caller's to serialise (the delivery engine owns pending messages).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "events/util/disk_space.h"
#include "events/util/status.h"

namespace rocksdb {
class Env;
}

namespace taskledger::webhooks {

enum class MessageState { kPending, kDelivered, kFailed };
std::string_view ToString(MessageState s);

struct Message {
  std::string id;        // "msg_…": the webhook-id, the same on every attempt
  std::string endpoint;  // the subscription's id
  std::string agency;
  std::string type;              // "task.overdue", "webhook.ping", …
  std::string task, occurrence;  // what it is about; empty for pings
  std::string key;               // what makes it unique for its endpoint; empty: nothing (pings)
  std::string body;              // the JSON sent (a mail: the whole message)
  std::string to;                // a mail's recipient address; empty for webhooks
  // A mail about no single task (a digest): the tasks it lists. Its outcome, like a task's
  // notification, is unrecorded until MarkRecorded (it goes on the address's stream).
  std::vector<std::string> about;
  int64_t created_ms = 0;  // enqueued
  int64_t due_ms = 0;      // when it was meant to go out (a reminder's instant, a change's time)
  MessageState state = MessageState::kPending;
  int attempts = 0;
  int round_base = 0;   // attempts made before the latest redelivery: the schedule restarts
  int64_t next_ms = 0;  // pending: when the next attempt is due
  int last_status = 0;  // the last HTTP status; 0: none
  std::string last_error;
  int64_t done_ms = 0;  // delivered or given up at
};

struct Attempt {
  int n = 0;  // 1, 2, …
  int64_t at_ms = 0;
  int status = 0;  // HTTP status; 0: no answer
  int64_t latency_ms = 0;
  std::string error;     // timeout, refused, TLS, …; empty on 2xx
  std::string response;  // the start of the answer's body
};

// The signing secrets of one endpoint: during a rotation the previous one signs too, until
// `previous_until_ms`.
struct Secrets {
  std::string current, previous;
  int64_t previous_until_ms = 0;
};

// How an endpoint has been doing: failing since the first failure after its last success.
struct Health {
  int64_t failing_since_ms = 0;  // 0: not failing
  int64_t last_success_ms = 0;
  int64_t last_failure_ms = 0;
  std::string last_error;
};

struct OutboxOptions {
  // Keep the outbox in this PostgreSQL database (the log's), as box `box` of table taskledger_kv,
  // shared by every node; empty: RocksDB in the directory Open is given.
  std::string store_uri;
  std::string box = "webhooks";
  // 32 bytes: secrets (PutSecrets) are stored sealed with it (AES-256-GCM, seal.h); empty: as
  // they are (a RocksDB outbox, owner-only on the node's disk). A database outbox needs one.
  std::string seal_key;
  // RocksDB environment, for fault injection in tests. Default: nullptr (the default Env).
  rocksdb::Env* env = nullptr;
  // Writes are refused with kNoSpace while the disk has less free space than this (as the
  // event log's floor). Default: 64 MiB, or 5% of the filesystem if that is less.
  std::optional<uint64_t> min_free_bytes;
  FreeBytesFn free_bytes;  // default: statvfs
};

// What one Prune() did.
struct PruneResult {
  size_t examined = 0;  // finished messages looked at
  size_t pruned = 0;    // removed with their bodies, attempts and index entries
  size_t kept = 0;      // old, but not recorded in the log (yet, or ever: pings)
  bool more = false;    // stopped at the limit with more to look at
};

class Outbox {
 public:
  // The outbox in `dir`, or in options.store_uri when set.
  static Result<std::unique_ptr<Outbox>> Open(const std::string& dir, OutboxOptions options = {});
  ~Outbox();

  // Ok, or why writes are refused: kNoSpace after a write met a full disk (TryRecover heals
  // it), kIOError after another failure (until restart). Reads go on either way.
  Status write_status() const;
  // After a write failed on a full disk, once there is room again: closes the RocksDB instance
  // and opens it afresh, so writes resume. True when it did.
  bool TryRecover();
  // Removes messages finished (delivered or given up) before `before_ms`, looking at `limit`
  // at most, with their bodies, attempts and index entries; never one whose outcome the event
  // log does not record yet, nor a ping (its outcome is nowhere else).
  Result<PruneResult> Prune(int64_t before_ms, size_t limit);
  // Copies every entry of the outbox in directory `from_dir` (a backup's) into the outbox
  // `to` opens (a database's, which should be empty), secrets sealed as `to` keeps them. The
  // number of entries copied.
  static Result<size_t> Copy(const std::string& from_dir, const std::string& to_dir,
                             const OutboxOptions& to);
  // A consistent copy in `dir` (a RocksDB store), for backups.
  Status Checkpoint(const std::string& dir) const;

  // Adds `messages` except those whose (endpoint, key) was ever enqueued before, and moves the
  // cursors given, in one write. Returns the messages actually added.
  struct Cursors {
    std::optional<uint64_t> log;   // log positions up to here are turned into messages
    std::optional<int64_t> clock;  // reminders due up to this instant are enqueued
  };
  Result<std::vector<Message>> Enqueue(std::vector<Message> messages, Cursors cursors, bool sync);
  // Stores `m` (its new state), `attempt` if any, and keeps the pending and unrecorded indexes
  // in step (a finished message about a task is unrecorded until MarkRecorded); `previous_next_ms`
  // is the pending index entry to drop (0: none).
  Status Save(const Message& m, const Attempt* attempt, int64_t previous_next_ms, bool sync);

  Result<Message> Get(const std::string& id) const;
  // All pending messages, by next attempt.
  Result<std::vector<Message>> Pending() const;
  // The ids of the pending messages, by next attempt (no message read): for an engine to pick
  // up what other nodes enqueued into a shared outbox.
  Result<std::vector<std::string>> PendingIds() const;
  // Whether the outbox is shared with other nodes (a database outbox).
  bool shared() const;
  // Messages (without bodies) whose outcome is not in the event log yet.
  Result<std::vector<Message>> Unrecorded() const;
  // The outcome of `id` is in the event log now.
  Status MarkRecorded(const std::string& id);
  // An endpoint's messages (without bodies), newest first, after `cursor` (empty: from the
  // newest). A page's cursor is PageCursor() of its last message.
  Result<std::vector<Message>> List(const std::string& endpoint, size_t limit,
                                    std::string_view cursor = {}) const;
  // Calls fn on the endpoint's messages created at or after `since_ms`, oldest first.
  Status ForEachSince(const std::string& endpoint, int64_t since_ms,
                      const std::function<void(const Message&)>& fn) const;
  Result<std::vector<Attempt>> Attempts(const std::string& id) const;

  Cursors cursors() const;

  Status PutSecrets(const std::string& endpoint, const Secrets& s);  // synced
  std::optional<Secrets> GetSecrets(const std::string& endpoint) const;
  Status DeleteSecrets(const std::string& endpoint);  // synced

  Status PutHealth(const std::string& endpoint, const Health& h);
  // An endpoint's health; none recorded yet: all zero. A failed read is its error, not a healthy
  // endpoint.
  Result<Health> GetHealth(const std::string& endpoint) const;

 private:
  struct Impl;
  explicit Outbox(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The id of a keyed message: the same (endpoint, key) always names the same message.
std::string MessageIdFor(std::string_view endpoint, std::string_view key);
// Where a listing that ended with `m` goes on from: "<created ms>.<id>".
std::string PageCursor(const Message& m);
// A fresh random message id (pings).
std::string NewMessageId();
// A fresh endpoint (subscription) id: "wh_" + 16 hex digits.
std::string NewEndpointId();

}  // namespace taskledger::webhooks
