#include "server/views/xlsx_book.h"

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace taskledger::server::xlsx {

Book::Book() {
  std::string pattern =
      (std::filesystem::temp_directory_path() / "taskledger-xlsx-XXXXXX").string();
  const int fd = mkstemp(pattern.data());
  if (fd < 0) return;
  close(fd);
  path_ = pattern;
  book_ = workbook_new(path_.c_str());
}

Book::~Book() {
  if (book_) workbook_close(book_);  // after a failure: only frees
  if (!path_.empty()) unlink(path_.c_str());
}

void Book::Properties(const std::string& title) {
  lxw_doc_properties p = {};
  p.title = const_cast<char*>(title.c_str());
  p.author = const_cast<char*>("TaskLedger");
  p.company = const_cast<char*>("");
  Check(workbook_set_properties(book_, &p));
}

Result<std::string> Book::Finish() {
  if (!book_) return Status::IOError("cannot create a temporary file for the spreadsheet");
  const lxw_error closed = workbook_close(book_);
  book_ = nullptr;
  Check(closed);
  if (error_ != LXW_NO_ERROR) {
    return Status::IOError(std::string("cannot write the spreadsheet: ") + lxw_strerror(error_));
  }
  std::ifstream f(path_, std::ios::binary);
  std::ostringstream bytes;
  bytes << f.rdbuf();
  if (!f) return Status::IOError("cannot read back the spreadsheet");
  return bytes.str();
}

Formats MakeFormats(Book& b) {
  const auto base = [&] {
    lxw_format* f = b.Format();
    format_set_font_name(f, "Times New Roman");
    format_set_font_size(f, 12);
    return f;
  };
  const auto boxed = [&] {
    lxw_format* f = base();
    format_set_border(f, LXW_BORDER_THIN);
    format_set_text_wrap(f);
    format_set_align(f, LXW_ALIGN_VERTICAL_TOP);
    return f;
  };
  Formats f;
  f.title = base();
  format_set_bold(f.title);
  format_set_font_size(f.title, 14);
  format_set_align(f.title, LXW_ALIGN_CENTER);
  f.subtitle = base();
  format_set_italic(f.subtitle);
  format_set_align(f.subtitle, LXW_ALIGN_CENTER);
  f.header = boxed();
  format_set_bold(f.header);
  format_set_align(f.header, LXW_ALIGN_CENTER);
  format_set_align(f.header, LXW_ALIGN_VERTICAL_CENTER);
  format_set_bg_color(f.header, 0xE7E6E6);
  f.cell = boxed();
  f.number = boxed();
  format_set_align(f.number, LXW_ALIGN_RIGHT);
  f.date = boxed();
  format_set_num_format(f.date, "dd/mm/yyyy");
  f.section = boxed();
  format_set_bold(f.section);
  format_set_bg_color(f.section, 0xF2F2F2);
  f.overdue = boxed();
  format_set_font_color(f.overdue, 0xC00000);
  format_set_bold(f.overdue);
  f.total = boxed();
  format_set_bold(f.total);
  format_set_align(f.total, LXW_ALIGN_RIGHT);
  f.percent = boxed();
  format_set_num_format(f.percent, "0.0%");
  return f;
}

lxw_datetime AsDatetime(domain::Date d) { return {d.year, d.month, d.day, 0, 0, 0}; }

void PrintSetup(lxw_worksheet* s, lxw_row_t header_row) {
  worksheet_set_landscape(s);
  worksheet_set_paper(s, 9);  // A4
  worksheet_fit_to_pages(s, 1, 0);
  worksheet_repeat_rows(s, header_row, header_row);
}

}  // namespace taskledger::server::xlsx
