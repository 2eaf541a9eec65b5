// Small helpers for the XML parts of Office files, read with pugixml. Parts are matched on local
// names ("tbl" for "w:tbl"): writers choose prefixes, and Strict OOXML uses other namespaces.
#pragma once

#include <pugixml.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "events/util/status.h"

namespace taskledger::office {

// Parses `text`, the part `part` of a package. A document type declaration is refused outright
// (Office never writes one; it is how entity tricks start), and pugixml expands no entities
// beyond XML's five and character references.
Status ParseXml(const std::string& text, std::string_view part, pugi::xml_document* doc);

// The name without its prefix: "w:tbl" -> "tbl".
std::string_view Local(const char* name);
inline bool Is(const pugi::xml_node& n, std::string_view local) { return Local(n.name()) == local; }
// The first child with that local name.
pugi::xml_node ChildOf(const pugi::xml_node& n, std::string_view local);
// The attribute with that local name ("w:val", "val", "r:id" for "id").
std::string AttrOf(const pugi::xml_node& n, std::string_view local);

// A part's relationships (its _rels/<name>.rels): relationship type suffix ("officeDocument",
// "numbering", "worksheet", …) and id -> target part name, resolved against the part's folder.
struct Relationship {
  std::string id, type, target;
};
std::string RelsPartOf(std::string_view part);
std::string ResolveTarget(std::string_view part, std::string_view target);

}  // namespace taskledger::office

namespace taskledger::office {
class ZipReader;
// The relationships of `part` ("" for the package's own, _rels/.rels); none when absent.
Result<std::vector<Relationship>> ReadRels(ZipReader& zip, std::string_view part);
// The target of the first relationship whose type ends with "/<type>"; empty when none.
std::string TargetOfType(const std::vector<Relationship>& rels, std::string_view type);
// The package's main part (its officeDocument relationship, else `fallback`), parsed into
// `doc`, its name into `*name`; kInvalidArgument "the package has no <what>" when it is absent.
Status ReadMainPart(ZipReader& zip, std::string_view fallback, std::string_view what,
                    pugi::xml_document* doc, std::string* name);
// The part `rels` relate by `type` (else `fallback`), parsed into `doc`; false when the package
// does not have it (numbering, styles and shared strings are optional).
Result<bool> ReadRelatedPart(ZipReader& zip, const std::vector<Relationship>& rels,
                             std::string_view type, std::string_view fallback,
                             pugi::xml_document* doc);
}  // namespace taskledger::office
