#include "server/office/xml.h"

#include <algorithm>
#include <cctype>

#include "server/office/zip.h"

namespace taskledger::office {

Status ParseXml(const std::string& text, std::string_view part, pugi::xml_document* doc) {
  const auto declares = [&](std::string_view what) {
    return std::search(text.begin(), text.end(), what.begin(), what.end(), [](char a, char b) {
             return std::toupper(static_cast<unsigned char>(a)) == b;
           }) != text.end();
  };
  if (declares("<!DOCTYPE") || declares("<!ENTITY")) {
    return Status::InvalidArgument("part " + std::string(part) +
                                   " declares a document type or entities, which Office files "
                                   "never do; the file is refused");
  }
  const pugi::xml_parse_result r =
      doc->load_buffer(text.data(), text.size(), pugi::parse_default | pugi::parse_ws_pcdata_single,
                       pugi::encoding_auto);
  if (!r) {
    return Status::InvalidArgument("part " + std::string(part) + " is not well-formed XML (" +
                                   r.description() + " at byte " + std::to_string(r.offset) + ")");
  }
  return Status::Ok();
}

std::string_view Local(const char* name) {
  std::string_view n(name);
  const size_t colon = n.find(':');
  return colon == std::string_view::npos ? n : n.substr(colon + 1);
}

pugi::xml_node ChildOf(const pugi::xml_node& n, std::string_view local) {
  for (pugi::xml_node c : n.children()) {
    if (c.type() == pugi::node_element && Local(c.name()) == local) return c;
  }
  return {};
}

std::string AttrOf(const pugi::xml_node& n, std::string_view local) {
  for (pugi::xml_attribute a : n.attributes()) {
    if (Local(a.name()) == local) return a.value();
  }
  return {};
}

std::string RelsPartOf(std::string_view part) {
  if (part.starts_with('/')) part.remove_prefix(1);
  const size_t slash = part.rfind('/');
  const std::string dir =
      slash == std::string_view::npos ? "" : std::string(part.substr(0, slash + 1));
  const std::string file(slash == std::string_view::npos ? part : part.substr(slash + 1));
  return dir + "_rels/" + file + ".rels";
}

std::string ResolveTarget(std::string_view part, std::string_view target) {
  if (target.starts_with('/')) return std::string(target.substr(1));
  if (part.starts_with('/')) part.remove_prefix(1);
  const size_t slash = part.rfind('/');
  std::string path = slash == std::string_view::npos ? "" : std::string(part.substr(0, slash + 1));
  path += target;
  // Fold "a/b/../c" to "a/c".
  std::string out;
  size_t start = 0;
  while (start <= path.size()) {
    const size_t end = std::min(path.find('/', start), path.size());
    const std::string_view seg(path.data() + start, end - start);
    if (seg == "..") {
      const size_t cut = out.rfind('/', out.empty() ? 0 : out.size() - 2);
      out = cut == std::string::npos ? "" : out.substr(0, cut + 1);
    } else if (!seg.empty() && seg != ".") {
      out += std::string(seg) + (end < path.size() ? "/" : "");
    }
    start = end + 1;
  }
  return out;
}

Result<std::vector<Relationship>> ReadRels(ZipReader& zip, std::string_view part) {
  const std::string name = part.empty() ? "_rels/.rels" : RelsPartOf(part);
  auto text = zip.Read(name);
  if (!text.ok()) {
    if (text.status().code() == Status::Code::kNotFound) return std::vector<Relationship>{};
    return text.status();
  }
  pugi::xml_document doc;
  if (Status s = ParseXml(*text, name, &doc); !s.ok()) return s;
  std::vector<Relationship> out;
  for (pugi::xml_node r : doc.document_element().children()) {
    if (!Is(r, "Relationship") || AttrOf(r, "TargetMode") == "External") continue;
    out.push_back({AttrOf(r, "Id"), AttrOf(r, "Type"), ResolveTarget(part, AttrOf(r, "Target"))});
  }
  return out;
}

std::string TargetOfType(const std::vector<Relationship>& rels, std::string_view type) {
  for (const Relationship& r : rels) {
    if (r.type.ends_with("/" + std::string(type))) return r.target;
  }
  return {};
}

Status ReadMainPart(ZipReader& zip, std::string_view fallback, std::string_view what,
                    pugi::xml_document* doc, std::string* name) {
  auto package = ReadRels(zip, "");
  if (!package.ok()) return package.status();
  *name = TargetOfType(*package, "officeDocument");
  if (name->empty()) *name = fallback;
  auto text = zip.Read(*name);
  if (!text.ok()) {
    return text.status().code() == Status::Code::kNotFound
               ? Status::InvalidArgument("the package has no " + std::string(what))
               : text.status();
  }
  return ParseXml(*text, *name, doc);
}

Result<bool> ReadRelatedPart(ZipReader& zip, const std::vector<Relationship>& rels,
                             std::string_view type, std::string_view fallback,
                             pugi::xml_document* doc) {
  std::string part = TargetOfType(rels, type);
  if (part.empty()) part = fallback;
  auto text = zip.Read(part);
  if (!text.ok()) {
    if (text.status().code() == Status::Code::kNotFound) return false;
    return text.status();
  }
  if (Status s = ParseXml(*text, part, doc); !s.ok()) return s;
  return true;
}

}  // namespace taskledger::office
