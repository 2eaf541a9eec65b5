// Request bodies as JSON, strictly. RFC 8259 leaves some choices to the parser; a body that
// depends on one of them is ambiguous, and an ambiguous command must not reach the log. Refused:
// duplicate member names (which one did the client mean?), numbers outside a double's range,
// NUL bytes anywhere, control characters other than tab, LF and CR inside strings (escaped or
// not), anything but whitespace after the value, nesting deeper than kMaxJsonDepth, and text
// that is not UTF-8.
//
// Pure; thread-safe.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace taskledger::server {

inline constexpr int kMaxJsonDepth = 32;

struct JsonError {
  std::string message;  // "duplicate member 'text'", "malformed JSON at byte 14: …"
  std::string field;    // where: "text", "reminders.hour", "lead[1]"; empty: the body
};

struct StrictJson {
  nlohmann::json value;
  std::optional<JsonError> error;  // set when the text is refused; `value` is then null
};

StrictJson ParseStrictJson(std::string_view text);

}  // namespace taskledger::server
