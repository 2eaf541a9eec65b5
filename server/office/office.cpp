#include "server/office/office.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "domain/text.h"
#include "events/util/coding.h"
#include "server/office/text_decode.h"
#include "server/office/xml.h"

namespace taskledger::office {
namespace {

enum class Sniffed { kZip, kCompound, kPdf, kText };

Sniffed Sniff(std::string_view b) {
  if (b.starts_with("PK\x03\x04") || b.starts_with("PK\x05\x06")) return Sniffed::kZip;
  if (b.starts_with("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")) return Sniffed::kCompound;
  if (b.starts_with("%PDF")) return Sniffed::kPdf;
  return Sniffed::kText;
}

// Whether an OLE compound file holds a stream of this name (names are UTF-16LE in its
// directory).
bool HasStream(std::string_view bytes, std::string_view name) {
  std::string utf16;
  for (char c : name) {
    utf16.push_back(c);
    utf16.push_back('\0');
  }
  return bytes.find(utf16) != std::string_view::npos;
}

const char* kSaveAs = "save it as .docx (Word) or .xlsx (Excel) and send that";

bool IsText(std::string_view m) {
  return m == "text/csv" || m == "application/csv" || m == "text/plain" ||
         m == "text/tab-separated-values";
}
bool IsJson(std::string_view m) { return m == "application/json" || m.ends_with("+json"); }
bool IsAny(std::string_view m) {
  // Browsers on Windows call a .csv application/vnd.ms-excel; tools that know nothing say
  // octet-stream or nothing at all.
  return m.empty() || m == "application/octet-stream" || m == "application/vnd.ms-excel" ||
         m == "application/zip" || m == "application/x-zip-compressed";
}

Status Mismatch(std::string_view media, std::string_view actual) {
  return Status::Unsupported("the file is " + std::string(actual) + " but was sent as " +
                             std::string(media) + ": send it with its own type, or as " +
                             "application/octet-stream");
}

// soffice --convert-to, in a scratch directory, killed after `timeout_s`.
Result<std::string> Convert(std::string_view bytes, const char* from_ext, const char* to_ext,
                            const ReadOptions& o) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path dir = fs::temp_directory_path(ec) / ("taskledger-convert-" + Hex(RandomBytes(8)));
  if (ec || !fs::create_directories(dir / "profile", ec)) {
    return Status::IOError("no scratch directory for the conversion");
  }
  struct Cleanup {
    fs::path dir;
    ~Cleanup() {
      std::error_code ec;
      fs::remove_all(dir, ec);
    }
  } cleanup{dir};
  const fs::path in = dir / (std::string("in.") + from_ext);
  {
    std::ofstream f(in, std::ios::binary);
    f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!f) return Status::IOError("could not write the file to convert");
  }
  const std::string profile = "-env:UserInstallation=file://" + (dir / "profile").string();
  const std::string outdir = dir.string();
  const pid_t pid = fork();
  if (pid < 0) return Status::IOError("could not start LibreOffice");
  if (pid == 0) {
    const int devnull = open("/dev/null", O_RDWR);
    if (devnull >= 0) {
      dup2(devnull, 0);
      dup2(devnull, 1);
      dup2(devnull, 2);
    }
    setpgid(0, 0);
    execl(o.soffice.c_str(), "soffice", "--headless", "--norestore", "--nolockcheck",
          profile.c_str(), "--convert-to", to_ext, "--outdir", outdir.c_str(), in.c_str(),
          static_cast<char*>(nullptr));
    _exit(127);
  }
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(o.convert_timeout_s);
  int status = 0;
  for (;;) {
    const pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) break;
    if (std::chrono::steady_clock::now() > deadline) {
      kill(-pid, SIGKILL);
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      return Status::InvalidArgument("LibreOffice did not convert the file within " +
                                     std::to_string(o.convert_timeout_s) + " s; " + kSaveAs);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  const fs::path out = dir / (std::string("in.") + to_ext);
  std::ifstream f(out, std::ios::binary);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || !f) {
    return Status::InvalidArgument(std::string("LibreOffice could not read the .") + from_ext +
                                   " file; " + kSaveAs);
  }
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

Result<MatrixDocument> ReadPackage(std::string_view bytes, std::string_view media,
                                   const ReadOptions& o) {
  auto zip = ZipReader::Open(bytes, o.zip);
  if (!zip.ok()) return zip.status();
  MatrixDocument doc;
  bool word = (*zip)->Has("word/document.xml");
  bool excel = (*zip)->Has("xl/workbook.xml");
  if (!word && !excel) {
    // Not where Word and Excel put them: ask the package which part is the document.
    pugi::xml_document d;
    std::string main;
    if (ReadMainPart(**zip, "", "document", &d, &main).ok()) {
      word = Is(d.document_element(), "document");
      excel = Is(d.document_element(), "workbook");
    }
    if (!word && !excel) {
      if ((*zip)->Has("content.xml")) {
        return Status::Unsupported("the file is an OpenDocument (.odt/.ods) file; " +
                                   std::string(kSaveAs));
      }
      return Status::Unsupported(std::string("the file is a zip archive, not a Word or Excel "
                                             "document; ") +
                                 kSaveAs);
    }
  }
  if (word) {
    if (media == kXlsxType) return Mismatch(media, "a Word document (.docx)");
    doc.kind = DocumentKind::kDocx;
    auto t = ReadDocxTables(**zip);
    if (!t.ok()) return t.status();
    doc.tables = std::move(*t);
  } else {
    if (media == kDocxType) return Mismatch(media, "an Excel workbook (.xlsx)");
    doc.kind = DocumentKind::kXlsx;
    auto t = ReadXlsxTables(**zip);
    if (!t.ok()) return t.status();
    doc.tables = std::move(*t);
  }
  return doc;
}

}  // namespace

bool IsReadableMediaType(std::string_view m) {
  return IsAny(m) || IsText(m) || IsJson(m) || m == kDocxType || m == kXlsxType ||
         m == "application/msword";
}

std::string MediaTypeFromName(std::string_view name, std::string_view media) {
  if (!media.empty() && media != "application/octet-stream") return std::string(media);
  std::string lower(name);
  for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (lower.ends_with(".docx")) return std::string(kDocxType);
  if (lower.ends_with(".xlsx")) return std::string(kXlsxType);
  if (lower.ends_with(".csv") || lower.ends_with(".txt")) return "text/csv";
  if (lower.ends_with(".json")) return "application/json";
  if (lower.ends_with(".doc")) return "application/msword";
  return std::string(media);
}

std::string FindSoffice() {
  for (const char* path : {"/usr/bin/soffice", "/usr/lib/libreoffice/program/soffice",
                           "/usr/local/bin/soffice", "/opt/libreoffice/program/soffice"}) {
    if (access(path, X_OK) == 0) return path;
  }
  return {};
}

const char* KindName(DocumentKind kind) {
  switch (kind) {
    case DocumentKind::kCsv:
      return "csv";
    case DocumentKind::kJson:
      return "json";
    case DocumentKind::kDocx:
      return "docx";
    case DocumentKind::kXlsx:
      return "xlsx";
  }
  return "?";
}

Result<MatrixDocument> ReadMatrixDocument(std::string_view bytes, std::string_view media,
                                          const ReadOptions& o) {
  const bool package_type = media == kDocxType || media == kXlsxType;
  const bool old_type = media == "application/msword";
  if (!IsReadableMediaType(media)) {
    return Status::Unsupported("files of type " + std::string(media) +
                               " are not read; send .docx, .xlsx, .csv or JSON");
  }
  if (bytes.empty()) return Status::InvalidArgument("the file is empty");
  switch (Sniff(bytes)) {
    case Sniffed::kZip:
      if (IsText(media) || IsJson(media) || old_type) {
        return Mismatch(media, "a zip package (.docx or .xlsx?)");
      }
      return ReadPackage(bytes, media, o);
    case Sniffed::kCompound: {
      if (HasStream(bytes, "EncryptedPackage") || HasStream(bytes, "EncryptionInfo")) {
        return Status::InvalidArgument(
            "the file is password-protected (encrypted): open it, remove the password "
            "(File > Info > Protect Document), save and send it again");
      }
      const bool is_word = HasStream(bytes, "WordDocument");
      const bool is_excel = HasStream(bytes, "Workbook") || HasStream(bytes, "Book");
      if (!is_word && !is_excel) {
        return Status::Unsupported("the file is an old Office compound file we do not read; " +
                                   std::string(kSaveAs));
      }
      if (IsText(media) || IsJson(media) || package_type) {
        return Mismatch(media,
                        is_word ? "an old Word document (.doc)" : "an old Excel file (.xls)");
      }
      if (o.soffice.empty()) {
        return Status::Unsupported(std::string("old .") + (is_word ? "doc" : "xls") +
                                   " files are not read here; " + kSaveAs);
      }
      auto converted = Convert(bytes, is_word ? "doc" : "xls", is_word ? "docx" : "xlsx", o);
      if (!converted.ok()) return converted.status();
      auto doc = ReadPackage(*converted, "", o);
      if (doc.ok()) doc->converted = true;
      return doc;
    }
    case Sniffed::kPdf:
      return Status::Unsupported(
          "the file is a PDF: its tables cannot be read reliably; send the Word or Excel file "
          "it was made from (.docx or .xlsx)");
    case Sniffed::kText:
      break;
  }
  if (package_type || old_type) return Mismatch(media, "text, not an Office document");
  MatrixDocument doc;
  const std::string_view start = domain::Trim(bytes.substr(0, 64));
  const bool json =
      IsJson(media) || (IsAny(media) && (start.starts_with('{') || start.starts_with('[')));
  if (json) {
    if (!domain::IsUtf8(bytes)) return Status::InvalidArgument("the JSON is not valid UTF-8");
    doc.kind = DocumentKind::kJson;
    doc.text = std::string(bytes);
    doc.encoding = "UTF-8";
    return doc;
  }
  auto text = DecodeText(bytes);
  if (!text.ok()) return text.status();
  doc.kind = DocumentKind::kCsv;
  doc.text = std::move(text->text);
  doc.encoding = std::move(text->encoding);
  return doc;
}

}  // namespace taskledger::office
