// Errors as RFC 9457 problem details (application/problem+json). Every error the API returns is
// built here, and Status codes map to HTTP statuses in exactly one place (FromStatus).
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
};

struct Problem {
  http::status status = http::status::bad_request;
  std::string type;  // a short slug; the body's "type" is "https://taskledger.dev/problems/<type>"
  std::string title;
  std::string detail;
  std::vector<ProblemItem> errors;
  nlohmann::json extra = nlohmann::json::object();  // more members ("current_version": 3)
  int retry_after_s = 0;  // > 0: sent as Retry-After (503s the client should retry)

  Response ToResponse(unsigned version = 11) const;
};

Problem MakeProblem(http::status status, std::string type, std::string title, std::string detail);
Problem BadRequest(std::string detail, std::string field = {});
Problem NotFound(std::string detail);
Problem Unauthorized(std::string detail);
Problem Forbidden(std::string detail);
// 415: the body's Content-Type is `got`; the route takes `accepted` (a list in words).
Problem UnsupportedMediaType(std::string_view got, std::string_view accepted);
// The one mapping from a Status to an HTTP problem. "field: message" details (the domain's
// convention for bad input) name the field.
Problem FromStatus(const Status& status);

}  // namespace taskledger::server
