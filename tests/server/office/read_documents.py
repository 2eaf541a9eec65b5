#!/usr/bin/env python3
"""Reads a .docx or .xlsx that TaskLedger wrote, with independent readers (python3-docx,
python3-openpyxl), and prints what a test checks as JSON on stdout.

  read_documents.py docx FILE   paragraphs, tables (cell texts), page setup, default font
  read_documents.py xlsx FILE   sheets (cell values), frozen panes, merged ranges, dates
"""
import datetime
import json
import sys


def read_docx(path):
    import docx
    d = docx.Document(path)
    s = d.sections[0]
    rpr = d.styles.element.find(
        ".//{http://schemas.openxmlformats.org/wordprocessingml/2006/main}rFonts")
    header = [p.text for p in s.header.paragraphs]
    first_header = [p.text for p in s.first_page_header.paragraphs]
    page_field = "PAGE" in s.header._element.xml
    tables = []
    for t in d.tables:
        rows = [[c.text for c in r.cells] for r in t.rows]
        repeated = [r._tr.trPr is not None and r._tr.trPr.find(
            "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tblHeader") is not None
            for r in t.rows]
        tables.append({"rows": rows, "header_repeats": repeated})
    return {
        "paragraphs": [p.text for p in d.paragraphs],
        "tables": tables,
        "page": {"width_mm": round(s.page_width.mm), "height_mm": round(s.page_height.mm),
                 "left_mm": round(s.left_margin.mm), "right_mm": round(s.right_margin.mm),
                 "top_mm": round(s.top_margin.mm), "different_first_page":
                 bool(s.different_first_page_header_footer)},
        "header_has_page_number": page_field,
        "first_page_header": first_header,
        "font": rpr.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}ascii")
        if rpr is not None else None,
        "title": d.core_properties.title,
    }


def value(v):
    if isinstance(v, datetime.datetime):
        return {"date": v.date().isoformat()}
    return v


def read_xlsx(path):
    import openpyxl
    wb = openpyxl.load_workbook(path)
    out = {"sheets": {}, "freeze": {}, "merged": {}}
    for ws in wb.worksheets:
        out["sheets"][ws.title] = [[value(v) for v in row] for row in ws.iter_rows(values_only=True)]
        out["freeze"][ws.title] = ws.freeze_panes
        out["merged"][ws.title] = sorted(str(r) for r in ws.merged_cells.ranges)
    return out


if __name__ == "__main__":
    kind, path = sys.argv[1], sys.argv[2]
    json.dump(read_docx(path) if kind == "docx" else read_xlsx(path), sys.stdout,
              ensure_ascii=False)
