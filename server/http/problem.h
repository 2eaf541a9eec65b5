// Errors as RFC 9457 problem details (application/problem+json). Every error the API returns is
// built here, by name, and Status codes map to HTTP statuses in exactly one place (FromStatus).
// The `type` slugs are stable, for programs to branch on:
//   invalid-request 400   malformed request: syntax, a query parameter, a field's type
//   unauthorized 401      no valid token          forbidden 403   not the caller's to do
//   not-found 404         method-not-allowed 405  state-conflict 409 (already revoked, …)
//   already-exists 409    version-conflict 412    too-large 413   unsupported-media-type 415
//   validation 422        import-invalid 422      idempotency-conflict 422
//   rate-limited 429      request-header-fields-too-large 431    internal 500
//   not-implemented 501   unavailable 503 (a limit, a service off)  busy 503
//   storage-full 503 (the disk is full)          storage 503 (the disk failed)
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "events/util/status.h"
#include "server/http/http_server.h"

namespace taskledger::server {

// One offending input: a JSON field ("lead[1]"), a query parameter, or a row and column of an
// imported file.
struct ProblemItem {
  std::string field;
  int row = 0;  // 0: not a row
  std::string column;
  std::string message;
  int table = 0;      // a Word document's table (1-based)
  std::string sheet;  // a workbook's sheet
  std::string cell;   // a sheet's cell ("C7")
  // The item's own code and params (an import's problems each have one), like Problem's.
  std::string code;
  nlohmann::json params = nlohmann::json::object();
};

struct Problem {
  http::status status = http::status::bad_request;
  std::string type;  // a short slug; the body's "type" is "https://taskledger.dev/problems/<type>"
  std::string title;
  std::string detail;
  std::vector<ProblemItem> errors;
  nlohmann::json extra = nlohmann::json::object();  // more members ("current_version": 3)
  int retry_after_s = 0;  // > 0: sent as Retry-After (503s the client should retry)
  // A stable name for what went wrong and its parameters (the body's "code" and "params"), for
  // clients that word problems themselves; from Status::reason() and args().
  std::string code;
  nlohmann::json params = nlohmann::json::object();

  Response ToResponse(unsigned version = 11) const;
};

Problem MakeProblem(http::status status, std::string type, std::string title, std::string detail);
Problem BadRequest(std::string detail, std::string field = {});
Problem NotFound(std::string detail);
Problem Unauthorized(std::string detail);
Problem Forbidden(std::string detail);
// 415: the body's Content-Type is `got`; the route takes `accepted` (a list in words).
Problem UnsupportedMediaType(std::string_view got, std::string_view accepted);
// 405: `method` is not answered on `path` (or the dashboard's files: `detail`).
Problem MethodNotAllowed(std::string detail);
// 409: not possible as things stand ("Already revoked", "a backup is running").
Problem Conflict(std::string title, std::string detail);
// 429 with Retry-After.
Problem TooManyRequests(std::string detail, int retry_after_s);
// 503 for a limit reached or a part of the server that is off, with Retry-After when given.
Problem Unavailable(std::string title, std::string detail, int retry_after_s = 0);
// 500: the handler failed; nothing was written unless a 2xx says so.
Problem Internal();
// 422: an imported matrix's problems, each with its row and column.
Problem InvalidMatrix(std::string detail);
// What the HTTP layer answers before a handler runs (400, 413, 431, 501, 503).
Problem Refusal(http::status status, std::string detail);
// The one mapping from a Status to an HTTP problem. "field: message" details (the domain's
// convention for bad input) name the field; a Status's reason and args become code and params.
Problem FromStatus(const Status& status);

}  // namespace taskledger::server
