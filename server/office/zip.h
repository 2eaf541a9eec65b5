// Reading the parts of an Office Open XML package (a zip) with libzip, as untrusted input: the
// number of entries and the bytes each part and all of them inflate to are capped before and while
// reading, so a zip bomb costs at most the caps; encrypted entries are refused.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "events/util/status.h"

namespace taskledger::office {

struct ZipLimits {
  uint64_t max_entries = 10'000;
  uint64_t max_part_bytes = 64ull << 20;    // one part, inflated
  uint64_t max_total_bytes = 256ull << 20;  // every part read, inflated
};

class ZipReader {
 public:
  // kInvalidArgument when `bytes` is not a readable zip or breaks the limits. `bytes` must outlive
  // the reader.
  static Result<std::unique_ptr<ZipReader>> Open(std::string_view bytes, ZipLimits limits = {});
  ~ZipReader();
  ZipReader(const ZipReader&) = delete;
  ZipReader& operator=(const ZipReader&) = delete;

  // Part names compare without case, as OPC says; a leading '/' is ignored.
  bool Has(std::string_view name) const;
  // kNotFound when the part is absent; kInvalidArgument when it is encrypted, damaged or too big.
  Result<std::string> Read(std::string_view name);

 private:
  struct Impl;
  explicit ZipReader(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// A package from its parts, in order (put "[Content_Types].xml" first, as Office does), each
// deflated; names are stored as UTF-8. The bytes of a .docx or .xlsx.
using ZipPart = std::pair<std::string, std::string>;  // name, content
Result<std::string> WriteZip(const std::vector<ZipPart>& parts);

}  // namespace taskledger::office
