// libFuzzer: task matrices as CSV (the first byte 0) or JSON (otherwise), and the agency names in
// a cell, read and planned against an empty ledger.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "domain/import.h"
#include "domain/ledger.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  using namespace taskledger::domain;
  static Ledger ledger;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::vector<ImportProblem> problems;
  const std::vector<MatrixRow> rows =
      data[0] == 0 ? ReadMatrixCsv(text, &problems) : ReadMatrixJson(text, &problems);
  for (const MatrixRow& row : rows) {
    (void)SplitAgencyNames(ledger, row.lead);
    (void)SplitAgencyNames(ledger, row.coordinating);
  }
  (void)PlanImportText(ledger, "p", text, data[0] == 0 ? MatrixFormat::kCsv : MatrixFormat::kJson,
                       ImportOptions{});
  return 0;
}
