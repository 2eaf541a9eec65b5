// multipart/form-data (RFC 7578) bodies, as browsers and curl -F send them: parts separated by
// the boundary from the Content-Type, each with Content-Disposition (name, filename) and an
// optional Content-Type. Views into the body; no copies of file contents.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "events/util/status.h"

namespace taskledger::server {

struct FormPart {
  std::string name;
  std::string filename;      // empty for a plain field
  std::string content_type;  // as sent; empty if none
  std::string_view data;     // into the body
};

// The boundary parameter of a multipart/form-data Content-Type, if it is one.
std::optional<std::string> MultipartBoundary(std::string_view content_type);

// Parts of `body`; InvalidArgument naming what is malformed.
Result<std::vector<FormPart>> ParseMultipart(std::string_view body, std::string_view boundary);

}  // namespace taskledger::server
