// What people ask of TaskLedger that is more than one command, written once for every door it
// comes through (the HTTP API and the offline command line): tokens, imports.
//
// Thread-safety: as App's. The forms taking `done` return at once and call it when the events are
// durable and folded (on the store's notifier thread), or at once when refused: the HTTP API's,
// whose I/O threads never wait on an fsync. The others block until then: the command line's.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "domain/commands.h"
#include "domain/import.h"
#include "server/app/app.h"
#include "server/app/tokens.h"
#include "server/office/office.h"

namespace taskledger::server {

struct TokenRequest {
  domain::ActorRole role = domain::ActorRole::kAuditor;
  std::string agency;  // for an agency token, and only then
  std::string name;    // who holds it
  std::string scope;   // "" the API; kCalendarScope one agency's calendar feed
};
// A new token, recorded (its hash only) before it is returned. kInvalidArgument naming the field
// for a role without its agency (or an agency without its role), kNotFound for an unknown agency.
void CreateToken(App& app, const TokenRequest& request, const domain::Actor& by,
                 std::function<void(Result<NewToken>)> done);
Result<NewToken> CreateToken(App& app, const TokenRequest& request, const domain::Actor& by);

// Revokes token `id`, if `ours(record)` says the caller may (default: any token): kNotFound when
// there is no such token of theirs, kFailedPrecondition when it is revoked already.
void RevokeToken(App& app, const std::string& id, const domain::Actor& by,
                 const std::function<bool(const TokenRecord&)>& ours,
                 std::function<void(Status)> done);
Status RevokeToken(App& app, const std::string& id, const domain::Actor& by,
                   const std::function<bool(const TokenRecord&)>& ours = {});

struct ImportRequest {
  std::string plan;
  std::string bytes;       // the file as sent
  std::string media_type;  // its Content-Type without parameters; "" to judge by the bytes
  std::string sheet;       // a workbook's sheet to read; "": the one with the matrix
  domain::ImportOptions options;
  bool dry_run = false;
  office::ReadOptions read;
};
struct ImportOutcome {
  domain::ImportPlan plan;  // what was (or, on a dry run, would be) written; problems: nothing
  office::DocumentKind kind = office::DocumentKind::kCsv;
  std::string encoding;  // of a CSV file
  size_t events = 0;     // events recorded
  uint64_t head = 0;     // the log's head after them
};
// Reads the file (.docx, .xlsx, CSV, JSON), plans the import of its task matrix and, unless it
// is a dry run or has problems, records it all at once: every event of the import or none.
// kNotFound when the plan does not exist (and the file could be read at all); kUnsupported and
// kInvalidArgument when the file cannot be read (see office::ReadMatrixDocument).
Result<ImportOutcome> ImportMatrix(App& app, const ImportRequest& request, const domain::Actor& by);

}  // namespace taskledger::server
