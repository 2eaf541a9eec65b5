// A request's target taken apart (path segments and query parameters, percent-decoded), and the
// table of query parameters each route accepts, checked before its handler runs: a handler
// reads only parameters that are known and well-formed.
//
// Pure; thread-safe.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "events/util/status.h"

namespace taskledger::server {

struct RequestTarget {
  std::string path;                          // decoded, without the query
  std::vector<std::string> segments;         // the path's segments, each decoded
  std::map<std::string, std::string> query;  // decoded; '+' is a space
};

// InvalidArgument naming what is wrong: a '%' not followed by two hex digits, a path or a
// parameter that is not UTF-8 or holds control characters, a parameter given twice.
Result<RequestTarget> ParseRequestTarget(std::string_view target);

// The segments of a route pattern or a decoded path ("/v1/tasks/{}" -> "v1", "tasks", "{}").
std::vector<std::string> SplitPath(std::string_view path);

// What one query parameter may hold.
enum class ParamKind {
  kText,      // UTF-8 without control characters, at most 4,000 bytes
  kDate,      // YYYY-MM-DD
  kBool,      // true or false
  kPosition,  // a log position: digits, at most 2^63 - 1
  kLimit,     // a page size: 1 to 1,000
  kCursor,    // an offset from a previous page's next_cursor: digits
  kEnum,      // one of `values`
  kSince,     // YYYY-MM-DD, or Unix milliseconds
};

struct QueryParam {
  std::string name;
  ParamKind kind = ParamKind::kText;
  std::vector<std::string> values;  // kEnum
};

// The first problem with `query` against `accepted`: a parameter the route does not take, or a
// value of the wrong form. The problem's message names the parameter; `*param` is set to it.
Status CheckQuery(const std::map<std::string, std::string>& query,
                  const std::vector<QueryParam>& accepted, std::string* param);

}  // namespace taskledger::server
