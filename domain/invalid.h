// The one way a field is refused: "field: what is wrong" as InvalidArgument, with the reason
// "invalid" and its field and wording, so the API can word it in the reader's language
// (server/api/messages.cpp). The domain's commands and the notifications' channels (webhooks/)
// both refuse fields this way.
#pragma once

#include <string>
#include <string_view>

#include "events/util/status.h"

namespace taskledger::domain {

inline Status Invalid(std::string_view field, std::string_view what) {
  return Status::InvalidArgument(std::string(field) + ": " + std::string(what))
      .With("invalid", {{"field", std::string(field)}, {"what", std::string(what)}});
}

}  // namespace taskledger::domain
