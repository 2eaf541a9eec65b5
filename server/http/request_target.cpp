#include "server/http/request_target.h"

#include <algorithm>

#include "domain/date.h"
#include "domain/text.h"

namespace taskledger::server {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decodes `s` ('+' is a space in a query, itself in a path) into `out`; false when a '%'
// is not followed by two hex digits.
bool Decode(std::string_view s, bool query, std::string* out) {
  out->clear();
  out->reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%') {
      if (i + 2 >= s.size()) return false;
      const int hi = HexValue(s[i + 1]), lo = HexValue(s[i + 2]);
      if (hi < 0 || lo < 0) return false;
      out->push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (query && s[i] == '+') {
      out->push_back(' ');
    } else {
      out->push_back(s[i]);
    }
  }
  return true;
}

// Text people or programs may put in a URL: UTF-8, no control characters at all.
bool Clean(std::string_view s) {
  return domain::IsUtf8(s) && std::none_of(s.begin(), s.end(), [](char c) {
           const auto u = static_cast<unsigned char>(c);
           return u < 0x20 || u == 0x7F;
         });
}

bool AllDigits(std::string_view s, size_t max_digits) {
  return !s.empty() && s.size() <= max_digits &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

Status Bad(const std::string& name, const std::string& what) {
  return Status::InvalidArgument(name + " " + what);
}

}  // namespace

std::vector<std::string> SplitPath(std::string_view path) {
  std::vector<std::string> out;
  size_t start = path.starts_with('/') ? 1 : 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    out.emplace_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return out;
}

Result<RequestTarget> ParseRequestTarget(std::string_view target) {
  RequestTarget t;
  const size_t q = target.find('?');
  const std::string_view raw_path = target.substr(0, q);
  if (!Decode(raw_path, /*query=*/false, &t.path)) {
    return Status::InvalidArgument("the path has a '%' that is not followed by two hex digits");
  }
  if (!Clean(t.path)) {
    return Status::InvalidArgument("the path is not UTF-8 or has control characters");
  }
  // Segments are decoded one by one, so an encoded '/' stays inside its segment.
  for (const std::string& raw : SplitPath(raw_path)) {
    std::string segment;
    Decode(raw, /*query=*/false, &segment);
    t.segments.push_back(std::move(segment));
  }
  if (q == std::string_view::npos) return t;
  std::string_view rest = target.substr(q + 1);
  while (!rest.empty()) {
    const size_t amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    if (pair.empty()) continue;  // "a=1&&b=2", a trailing '&'
    const size_t eq = pair.find('=');
    std::string name, value;
    if (!Decode(pair.substr(0, eq), true, &name) ||
        (eq != std::string_view::npos && !Decode(pair.substr(eq + 1), true, &value))) {
      return Status::InvalidArgument("the query has a '%' that is not followed by two hex digits");
    }
    if (!Clean(name) || name.size() > 100) {
      return Status::InvalidArgument("a query parameter's name is not UTF-8 or too long");
    }
    if (!Clean(value)) {
      return Status::InvalidArgument(name + " is not UTF-8 or has control characters");
    }
    if (!t.query.emplace(name, std::move(value)).second) {
      return Status::InvalidArgument(name + " is given twice");
    }
  }
  return t;
}

Status CheckQuery(const std::map<std::string, std::string>& query,
                  const std::vector<QueryParam>& accepted, std::string* param) {
  for (const auto& entry : query) {
    const std::string& name = entry.first;
    const std::string& value = entry.second;
    *param = name;
    const auto spec = std::find_if(accepted.begin(), accepted.end(),
                                   [&](const QueryParam& p) { return p.name == name; });
    if (spec == accepted.end()) {
      std::string known;
      for (const QueryParam& p : accepted) known += (known.empty() ? "" : ", ") + p.name;
      return Status::InvalidArgument(
          "unknown query parameter '" + name + "' (" +
          (known.empty() ? "this route takes none" : "this route takes " + known) + ")");
    }
    switch (spec->kind) {
      case ParamKind::kText:
        if (value.size() > 4000) return Bad(name, "is longer than 4,000 bytes");
        break;
      case ParamKind::kDate:
        if (!domain::ParseIsoDate(value)) {
          return Bad(name, "must be a date YYYY-MM-DD, not '" + value + "'");
        }
        break;
      case ParamKind::kBool:
        if (value != "true" && value != "false") return Bad(name, "must be true or false");
        break;
      case ParamKind::kPosition:
        if (!AllDigits(value, 19) || std::stoull(value) > static_cast<uint64_t>(INT64_MAX)) {
          return Bad(name, "must be a log position (a whole number)");
        }
        break;
      case ParamKind::kLimit:
        if (!AllDigits(value, 4) || std::stoul(value) < 1 || std::stoul(value) > 1000) {
          return Bad(name, "must be a whole number from 1 to 1000");
        }
        break;
      case ParamKind::kCursor:
        if (!AllDigits(value, 12)) return Bad(name, "must be a value from next_cursor");
        break;
      case ParamKind::kEnum:
        if (std::find(spec->values.begin(), spec->values.end(), value) == spec->values.end()) {
          std::string list;
          for (size_t i = 0; i < spec->values.size(); ++i) {
            list += (i == 0 ? "" : i + 1 == spec->values.size() ? " or " : ", ") + spec->values[i];
          }
          return Bad(name, "must be " + list);
        }
        break;
      case ParamKind::kSince:
        if (!domain::ParseIsoDate(value) && !AllDigits(value, 15)) {
          return Bad(name, "must be a date YYYY-MM-DD (Vietnam) or Unix milliseconds");
        }
        break;
    }
  }
  param->clear();
  return Status::Ok();
}

}  // namespace taskledger::server
