// Office documents in and out. In: a task matrix sent as a Word document, an Excel workbook, a
// CSV file in any encoding an office uses, or JSON, told apart by its bytes and checked against
// the media type it was sent as. The readers are Debian's libraries (libzip, pugixml, ICU),
// guarded: caps on parts, sizes, rows and columns, no DTDs, no encrypted files.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "domain/import.h"
#include "events/util/status.h"
#include "server/office/zip.h"

namespace taskledger::office {

enum class DocumentKind { kCsv, kJson, kDocx, kXlsx };
const char* KindName(DocumentKind kind);  // "csv", "json", "docx", "xlsx"

struct MatrixDocument {
  DocumentKind kind = DocumentKind::kCsv;
  std::string text;                         // csv (UTF-8, NFC) and json
  std::vector<domain::SourceTable> tables;  // docx and xlsx
  std::string encoding;                     // csv: what it was decoded from
  bool converted = false;                   // an old binary file converted by LibreOffice
};

struct ReadOptions {
  ZipLimits zip;
  // LibreOffice's soffice, to convert old .doc and .xls files; empty: refuse them with 415.
  std::string soffice;
  int convert_timeout_s = 60;
};

// Reads the body of an import. `media_type` is the Content-Type without parameters ("" or
// application/octet-stream: judged by the bytes alone). kUnsupported (415) for a kind of file
// we do not read, or bytes that are not what the media type says; kInvalidArgument (422) for
// a file of the right kind that cannot be read (damaged, encrypted, too big, not UTF-8 JSON).
Result<MatrixDocument> ReadMatrixDocument(std::string_view bytes, std::string_view media_type,
                                          const ReadOptions& options = {});

// The tables of a .docx or .xlsx package.
Result<std::vector<domain::SourceTable>> ReadDocxTables(ZipReader& zip);
Result<std::vector<domain::SourceTable>> ReadXlsxTables(ZipReader& zip);

// Whether ReadMatrixDocument takes files sent as `media` at all (then it judges the bytes).
bool IsReadableMediaType(std::string_view media);

// A media type for a file from its name (.docx, .xlsx, .csv, .json, .doc, .xls), for files sent
// as application/octet-stream or read from disk; `media` itself when it says more.
std::string MediaTypeFromName(std::string_view name, std::string_view media = {});
// LibreOffice's soffice on this machine ("" when it is not installed): where old .doc and .xls
// files can be converted.
std::string FindSoffice();

// Media types.
inline constexpr std::string_view kDocxType =
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
inline constexpr std::string_view kXlsxType =
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

}  // namespace taskledger::office
