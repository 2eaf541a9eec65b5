// Workbooks written with libxlsxwriter, for the views that are spreadsheets (private to
// server/views). libxlsxwriter 1.1.4 (Debian 12) writes to a file only, so each workbook goes
// through a private temporary file that is read back and removed.
#pragma once

#include <xlsxwriter.h>

#include <string>

#include "domain/date.h"
#include "events/util/status.h"

namespace taskledger::server::xlsx {

// A workbook being written: the first error libxlsxwriter reports is kept, later calls go on
// harmlessly, and Finish() says whether the file is whole.
class Book {
 public:
  Book();
  ~Book();
  Book(const Book&) = delete;
  Book& operator=(const Book&) = delete;

  lxw_workbook* get() const { return book_; }
  bool ok() const { return book_ && error_ == LXW_NO_ERROR; }
  void Check(lxw_error e) {
    if (e != LXW_NO_ERROR && error_ == LXW_NO_ERROR) error_ = e;
  }
  lxw_worksheet* Sheet(const char* name) {
    lxw_worksheet* s = book_ ? workbook_add_worksheet(book_, name) : nullptr;
    if (!s) Check(LXW_ERROR_MEMORY_MALLOC_FAILED);
    return s;
  }
  lxw_format* Format() { return workbook_add_format(book_); }
  void Properties(const std::string& title);
  Result<std::string> Finish();

 private:
  std::string path_;
  lxw_workbook* book_ = nullptr;
  lxw_error error_ = LXW_NO_ERROR;
};

// The formats every sheet here uses: Times New Roman 12, thin borders, wrapped text.
struct Formats {
  lxw_format* title;
  lxw_format* subtitle;
  lxw_format* header;
  lxw_format* cell;
  lxw_format* number;
  lxw_format* date;
  lxw_format* section;
  lxw_format* overdue;
  lxw_format* total;
  lxw_format* percent;
};
Formats MakeFormats(Book& b);

lxw_datetime AsDatetime(domain::Date d);
// A4 landscape, one page wide, the header row repeated on each page.
void PrintSetup(lxw_worksheet* s, lxw_row_t header_row);

}  // namespace taskledger::server::xlsx
