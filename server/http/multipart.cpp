#include "server/http/multipart.h"

#include <algorithm>
#include <cctype>

#include "domain/text.h"

namespace taskledger::server {

namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// A parameter of a header value: name="quoted" or name=token. RFC 7578 filenames come quoted,
// UTF-8 as is (browsers), with \" for a quote.
std::optional<std::string> Param(std::string_view header, std::string_view name) {
  size_t at = 0;
  while ((at = header.find(';', at)) != std::string_view::npos) {
    ++at;
    while (at < header.size() && header[at] == ' ') ++at;
    const size_t eq = header.find('=', at);
    if (eq == std::string_view::npos) return std::nullopt;
    if (Lower(domain::Trim(header.substr(at, eq - at))) != name) continue;
    size_t v = eq + 1;
    if (v < header.size() && header[v] == '"') {
      std::string out;
      for (++v; v < header.size() && header[v] != '"'; ++v) {
        if (header[v] == '\\' && v + 1 < header.size()) ++v;
        out.push_back(header[v]);
      }
      return out;
    }
    const size_t end = header.find(';', v);
    return std::string(
        domain::Trim(header.substr(v, end == std::string_view::npos ? end : end - v)));
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> MultipartBoundary(std::string_view content_type) {
  if (!Lower(content_type).starts_with("multipart/form-data")) return std::nullopt;
  auto b = Param(content_type, "boundary");
  if (!b || b->empty() || b->size() > 70) return std::nullopt;
  return b;
}

Result<std::vector<FormPart>> ParseMultipart(std::string_view body, std::string_view boundary) {
  const std::string delimiter = "--" + std::string(boundary);
  std::vector<FormPart> parts;
  size_t at = body.find(delimiter);
  if (at == std::string_view::npos)
    return Status::InvalidArgument("body: no multipart boundary found");
  for (;;) {
    at += delimiter.size();
    if (body.substr(at, 2) == "--") return parts;  // the closing delimiter
    if (body.substr(at, 2) != "\r\n")
      return Status::InvalidArgument("body: a boundary line is malformed");
    at += 2;
    const size_t head_end = body.find("\r\n\r\n", at);
    if (head_end == std::string_view::npos)
      return Status::InvalidArgument("body: a part has no header end");
    FormPart part;
    std::string_view head = body.substr(at, head_end - at);
    while (!head.empty()) {
      const size_t eol = head.find("\r\n");
      const std::string_view line = head.substr(0, eol);
      head = eol == std::string_view::npos ? std::string_view() : head.substr(eol + 2);
      const size_t colon = line.find(':');
      if (colon == std::string_view::npos)
        return Status::InvalidArgument("body: a part header is malformed");
      const std::string field = Lower(domain::Trim(line.substr(0, colon)));
      const std::string_view value = domain::Trim(line.substr(colon + 1));
      if (field == "content-disposition") {
        if (!Lower(value).starts_with("form-data")) {
          return Status::InvalidArgument("body: a part is not form-data");
        }
        part.name = Param(value, "name").value_or("");
        part.filename = Param(value, "filename").value_or("");
      } else if (field == "content-type") {
        part.content_type = std::string(value);
      }
    }
    if (part.name.empty()) return Status::InvalidArgument("body: a part has no name");
    const size_t data_start = head_end + 4;
    const size_t next = body.find("\r\n" + delimiter, data_start);
    if (next == std::string_view::npos) {
      return Status::InvalidArgument("body: part '" + part.name +
                                     "' is not closed by the boundary");
    }
    part.data = body.substr(data_start, next - data_start);
    parts.push_back(std::move(part));
    at = next + 2;
  }
}

}  // namespace taskledger::server
