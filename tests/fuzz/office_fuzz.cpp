// libFuzzer: imported files as the server reads them (zip packages as .docx and .xlsx, old Office
// compound files, text in any encoding), and the matrix found in their tables.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "domain/import.h"
#include "domain/ledger.h"
#include "server/office/office.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace taskledger;
  static domain::Ledger ledger;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  office::ReadOptions options;
  options.zip.max_part_bytes = 4u << 20;  // the same guards, smaller, so runs stay quick
  options.zip.max_total_bytes = 16u << 20;
  auto doc = office::ReadMatrixDocument(bytes, "application/octet-stream", options);
  if (doc.ok() && !doc->tables.empty()) {
    (void)domain::PlanImportTables(ledger, "p", doc->tables, "", domain::ImportOptions{});
  }
  return 0;
}
