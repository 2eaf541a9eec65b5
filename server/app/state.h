// Everything the App folds from the log: the Ledger, the API tokens, the webhook subscriptions,
// the email addresses and the idempotency keys. One fold for all of it, used alike by the running
// server, by projection checkpoints (checkpoint.h) and by "as of" answers, so they cannot disagree.
//
// Thread-safety: none; the App guards its State with its mutex, and a checkpoint or a past day
// folds a State of its own.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <type_traits>

#include "domain/ledger.h"
#include "events/event.h"
#include "events/event_store.h"
#include "server/app/tokens.h"
#include "webhooks/mail/mail.h"
#include "webhooks/webhooks.h"

namespace taskledger {
class Progress;
}

namespace taskledger::server {

// The first request made with an Idempotency-Key, as its events recorded it.
struct IdemRecord {
  std::string stream;
  uint64_t first_position = 0;
  uint64_t last_position = 0;
  uint64_t version = 0;
  std::string fingerprint;  // digest of that request
};

// Idempotency keys travel in the events' correlation id, so they are durable with the events
// and rebuilt by folding: "idem:<token id>:<key digest>:<request digest>".
inline constexpr std::string_view kIdemPrefix = "idem:";

// How many channels reached an agency from a moment on: its email addresses that send (and do
// not fail) and its enabled webhooks, each time that number changed.
struct ChannelChange {
  int64_t at_ms = 0;
  int live = 0;
  bool operator==(const ChannelChange&) const = default;
};

struct State {
  domain::Ledger ledger;
  TokenTable tokens;
  webhooks::Registry webhooks;
  webhooks::mail::Mailboxes mailboxes;
  std::map<std::string, IdemRecord> idem;  // "token:key digest" -> first request
  // By agency, from its first channel on: when it could be told at all ("no channel from 07/12
  // to 20/12" is a stretch at 0), for auditors asking whether an agency was told.
  std::map<std::string, std::vector<ChannelChange>, std::less<>> channels;

  // Folds `e` into all five; an event the Ledger cannot fold is its error, and changes nothing
  // else.
  Status Apply(const EventView& e);
  uint64_t position() const { return ledger.position(); }
  // The table of type T, for App::Read<T...>: tokens, webhook subscriptions or email addresses.
  template <class T>
  const T& Get() const {
    if constexpr (std::is_same_v<T, TokenTable>) {
      return tokens;
    } else if constexpr (std::is_same_v<T, webhooks::Registry>) {
      return webhooks;
    } else {
      static_assert(std::is_same_v<T, webhooks::mail::Mailboxes>, "not a table of the State");
      return mailboxes;
    }
  }

  // Folds the log after this state's position up to `to`. `each` (optional) sees every event
  // once it is folded, with `progress` updated; it returns false to stop early (Ok, short of
  // `to`). An event that cannot be folded is kCorruption naming its position; a failed read,
  // kIOError (or the store's kCorruption).
  Status FoldLog(const EventStore& store, uint64_t to, Progress* progress = nullptr,
                 const std::function<bool(const EventView&)>& each = {});

  // The webhook subscriptions, the email addresses and the channels' timeline, in binary, for
  // checkpoints (each a string of its own); Decode() into empty ones.
  void EncodeChannels(std::string& out) const;
  Status DecodeChannels(std::string_view in);
  // The idempotency keys in binary, for checkpoints; Decode() into an empty map.
  void EncodeIdem(std::string& out) const;
  Status DecodeIdem(std::string_view in);
};

}  // namespace taskledger::server
