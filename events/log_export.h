// The log as JSON Lines, for auditors: what GET /v1/audit/export streams and
// `taskledger export` writes, and what `taskledger verify --file` checks without the server.
//
//   {"taskledger_export":1,"after":0,"previous_hash":"00…","head":{"position":N,"hash":"…"},…}
//   {"position":1,"stream":"…","version":0,"id":"…","type":"…","recorded_at_ms":…,"actor":"…",
//    "correlation_id":"…","causation_id":"…","hash":"…","data":{…}}
//   …
//   {"end":true,"count":N,"head":{"position":N,"hash":"…"}}
//
// `data` is the event's JSON exactly as stored and always the last member, so the verifier
// recomputes each hash from the very bytes that were chained.
#pragma once

#include <istream>
#include <nlohmann/json.hpp>
#include <string>

#include "events/event.h"
#include "events/event_store.h"

namespace taskledger {

std::string ExportHeader(uint64_t after, const Hash& previous, const Head& head, int64_t now_ms);
std::string ExportLine(const RecordedEvent& e);
// An event's members but its data and its correlation and causation ids (which carry
// idempotency keys' digests): what the API's event list shows beside the data.
nlohmann::json EventMeta(const RecordedEvent& e);
std::string ExportTrailer(uint64_t count, const Head& head);

// Writes positions (after, head] of `store` through `write` (false from it stops the export).
// Returns false if the store could not be read or `write` stopped it.
bool ExportLog(const EventStore& store, uint64_t after, int64_t now_ms,
               const std::function<bool(std::string)>& write);

struct ExportCheck {
  bool ok = false;
  uint64_t checked = 0;  // events whose hash was recomputed
  Head head;             // the last good record
  uint64_t line = 0;     // of the first problem
  std::string problem;
};
// Reads an export and recomputes its chain; complete only with its trailer.
ExportCheck VerifyExport(std::istream& in);

}  // namespace taskledger
