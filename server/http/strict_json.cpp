#include "server/http/strict_json.h"

#include <set>
#include <vector>

#include "domain/text.h"

namespace taskledger::server {

using nlohmann::json;

namespace {

// Where the parser is: one frame per open object or array.
struct Frame {
  bool object = false;
  std::set<std::string> keys;  // objects: members seen so far
  std::string key;             // objects: the member being read
  size_t index = 0;            // arrays: the element being read
};

// Thrown from the parser's callback to stop at the first refusal.
struct Refused {
  JsonError error;
};

std::string PathOf(const std::vector<Frame>& stack) {
  std::string path;
  for (const Frame& f : stack) {
    if (f.object) {
      if (f.key.empty()) continue;
      if (!path.empty()) path += '.';
      path += f.key;
    } else {
      path += '[' + std::to_string(f.index) + ']';
    }
  }
  return path;
}

// nlohmann's messages start "[json.exception.parse_error.101] parse error at line 1, column 5: ".
std::string Tail(const char* what) {
  const std::string text(what);
  const size_t colon = text.find(": ");
  return colon == std::string::npos ? text : text.substr(colon + 2);
}

}  // namespace

StrictJson ParseStrictJson(std::string_view text) {
  StrictJson out;
  const auto refuse = [&](std::string message, std::string field = {}) {
    out.value = nullptr;
    out.error = JsonError{std::move(message), std::move(field)};
    return out;
  };
  if (const size_t nul = text.find('\0'); nul != std::string_view::npos) {
    // nlohmann's lexer takes a NUL for the end of input and would ignore what follows it.
    return refuse("the body has a NUL byte at byte " + std::to_string(nul));
  }
  if (!domain::IsUtf8(text)) return refuse("the body is not valid UTF-8");

  std::vector<Frame> stack;
  // After a value ends, the array holding it moves on to its next element.
  const auto ended = [&stack] {
    if (!stack.empty() && !stack.back().object) ++stack.back().index;
  };
  const json::parser_callback_t check = [&](int depth, json::parse_event_t event, json& parsed) {
    using E = json::parse_event_t;
    switch (event) {
      case E::object_start:
      case E::array_start:
        if (depth >= kMaxJsonDepth) {
          throw Refused{
              {"the body is nested more than " + std::to_string(kMaxJsonDepth) + " levels deep",
               PathOf(stack)}};
        }
        stack.push_back(Frame{event == E::object_start});
        break;
      case E::key: {
        Frame& f = stack.back();
        std::string key = parsed.get<std::string>();
        if (domain::HasForbiddenControl(key)) {
          throw Refused{{"a member name has a control character", PathOf(stack)}};
        }
        if (!f.keys.insert(key).second) {
          f.key = key;
          throw Refused{{"duplicate member '" + key + "'", PathOf(stack)}};
        }
        f.key = std::move(key);
        break;
      }
      case E::object_end:
      case E::array_end:
        stack.pop_back();
        ended();
        break;
      case E::value:
        if (parsed.is_string() &&
            domain::HasForbiddenControl(parsed.get_ref<const std::string&>())) {
          const std::string where = PathOf(stack);
          throw Refused{{(where.empty() ? std::string("the value") : where) +
                             " has a control character (U+0000-U+001F other than tab and line "
                             "breaks, or U+007F)",
                         where}};
        }
        ended();
        break;
    }
    return true;
  };
  try {
    out.value = json::parse(text.begin(), text.end(), check);
  } catch (const Refused& r) {
    return refuse(r.error.message, r.error.field);
  } catch (const json::parse_error& e) {
    return refuse("malformed JSON at byte " + std::to_string(e.byte) + ": " + Tail(e.what()));
  } catch (const json::out_of_range& e) {
    // A number beyond a double's range (1e400, a 400-digit integer): named by where it stood.
    const std::string where = PathOf(stack);
    return refuse((where.empty() ? std::string("the value") : where) + " is a number out of range",
                  where);
  } catch (const json::exception& e) {
    return refuse("malformed JSON: " + Tail(e.what()), PathOf(stack));
  }
  return out;
}

}  // namespace taskledger::server
