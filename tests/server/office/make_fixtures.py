#!/usr/bin/python3
"""Writes the office files the import tests send, with independent writers: Debian's python3-docx
and python3-openpyxl (and Python's own zipfile and cp1258 codec for what they do not write).

    make_fixtures.py OUTDIR [DEMO_DIR]

Each file is one case of what real plan appendices contain; the test says what it must import as.
"""
import csv, io, os, sys, unicodedata, zipfile, zlib

import docx
from docx.enum.section import WD_ORIENT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Pt
import openpyxl
from openpyxl.styles import Alignment, Font

OUT = sys.argv[1]
DEMO = sys.argv[2] if len(sys.argv) > 2 else None
os.makedirs(OUT, exist_ok=True)
W = nsdecls("w")


def path(name):
    return os.path.join(OUT, name)


# ---- Word ---------------------------------------------------------------------------------------

def motto_block(d):
    """The authority / national-motto header every official document starts with."""
    t = d.add_table(rows=2, cols=2)
    t.cell(0, 0).text = "UBND THÀNH PHỐ HẢI PHÒNG\nSỞ GIÁO DỤC VÀ ĐÀO TẠO"
    t.cell(0, 1).text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"
    t.cell(1, 0).text = "Số: 01/KH-SGDĐT"
    t.cell(1, 1).text = "Hải Phòng, ngày 04 tháng 12 năm 2025"
    d.add_paragraph("KẾ HOẠCH").runs[0].bold = True
    d.add_paragraph("Phụ lục: Nhiệm vụ, giải pháp")


def signature_block(d):
    t = d.add_table(rows=1, cols=2)
    t.cell(0, 0).text = "Nơi nhận:\n- Như trên;\n- Lưu: VT."
    t.cell(0, 1).text = "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC\n\nNguyễn Văn A"


def add_numbering(d):
    """A list: level 0 upper roman "I", level 1 decimal "1." restarting under each level 0."""
    numbering = d.part.numbering_part.element
    abstract = parse_xml(
        f'<w:abstractNum {W} w:abstractNumId="90">'
        '<w:multiLevelType w:val="multilevel"/>'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="upperRoman"/><w:lvlText w:val="%1"/></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%2."/></w:lvl>'
        '</w:abstractNum>')
    num = parse_xml(f'<w:num {W} w:numId="90"><w:abstractNumId w:val="90"/></w:num>')
    first_num = numbering.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}num")
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        numbering.append(abstract)
    numbering.append(num)
    return "90"


def numbered(cell, num_id, level):
    """The cell's paragraph numbered automatically: the text itself has no number."""
    p = cell.paragraphs[0]
    p._p.get_or_add_pPr().append(parse_xml(
        f'<w:numPr {W}><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>'))


def tracked_title(cell, before, deleted, inserted):
    """A title edited with changes tracked: `deleted` struck out, `inserted` added."""
    p = cell.paragraphs[0]
    p.add_run(before)
    p._p.append(parse_xml(
        f'<w:del {W} w:id="101" w:author="Chuyên viên" w:date="2025-12-01T08:00:00Z">'
        f'<w:r><w:delText xml:space="preserve">{deleted}</w:delText></w:r></w:del>'))
    p._p.append(parse_xml(
        f'<w:ins {W} w:id="102" w:author="Chuyên viên" w:date="2025-12-01T08:00:00Z">'
        f'<w:r><w:t xml:space="preserve">{inserted}</w:t></w:r></w:ins>'))


def appendix_docx():
    """Everything at once, as real appendices come: motto block, a two-row header, a row of
    column numbers, sections merged across the width, automatic numbering, a lead agency and a
    deadline merged down, several paragraphs and a line break in a cell, bullets, tracked
    changes, a spacer row, and the signature block."""
    d = docx.Document()
    motto_block(d)
    num = add_numbering(d)
    t = d.add_table(rows=11, cols=6)
    t.style = "Table Grid"
    hdr = ["TT", "Nội dung nhiệm vụ", "Cơ quan thực hiện", None, "Sản phẩm", "Thời gian hoàn thành"]
    for i in (0, 1, 4, 5):
        t.cell(0, i).merge(t.cell(1, i))
    t.cell(0, 2).merge(t.cell(0, 3))
    for i, h in enumerate(hdr):
        if h:
            t.cell(0, i).text = h
    t.cell(1, 2).text = "Chủ trì"
    t.cell(1, 3).text = "Phối hợp"
    for i in range(6):
        t.cell(2, i).text = f"({i + 1})"
    # Row 4: section I, numbered automatically, its title merged across the rest.
    numbered(t.cell(3, 0), num, 0)
    t.cell(3, 1).merge(t.cell(3, 5)).text = "TUYÊN TRUYỀN, NÂNG CAO NHẬN THỨC"
    # Rows 5-6: tasks 1 and 2 share their lead and deadline (merged down).
    numbered(t.cell(4, 0), num, 1)
    tracked_title(t.cell(4, 1), "Xây dựng kế hoạch ", "truyền thông ", "thông tin, tuyên truyền")
    lead = t.cell(4, 2).merge(t.cell(5, 2))
    lead.text = "Sở GD&ĐT"
    t.cell(4, 3).text = "Sở Tài chính"
    t.cell(4, 4).text = "- Kế hoạch\n- Báo cáo"
    due = t.cell(4, 5).merge(t.cell(5, 5))
    due.text = "Năm 2026"
    numbered(t.cell(5, 0), num, 1)
    c = t.cell(5, 1)
    c.text = "Xây dựng chuyên mục trên Cổng thông tin"
    c.add_paragraph("(ngành giáo dục và đào tạo)")
    t.cell(5, 3).text = "Báo và Phát thanh, Truyền hình Hải Phòng"
    t.cell(5, 4).text = "Chuyên mục"
    # Row 7: a spacer.
    # Row 8: section II.
    numbered(t.cell(7, 0), num, 0)
    t.cell(7, 1).merge(t.cell(7, 5)).text = "CƠ CHẾ, CHÍNH SÁCH"
    numbered(t.cell(8, 0), num, 1)
    t.cell(8, 1).text = "Ban hành chính sách hỗ trợ giáo viên"
    t.cell(8, 2).text = "Sở Nội vụ"
    t.cell(8, 3).text = "Sở Tài chính; Sở Giáo dục và Đào tạo"
    t.cell(8, 4).text = "Nghị quyết"
    t.cell(8, 5).text = "Quý IV/2026"
    numbered(t.cell(9, 0), num, 1)
    t.cell(9, 1).text = "Tổng kết"
    t.cell(9, 2).text = "Phòng Khảo thí Mới"  # an agency the ledger does not know
    t.cell(9, 4).text = "Báo cáo"
    p = t.cell(9, 5).paragraphs[0]
    p.add_run("2026;")
    p.add_run().add_break()
    p.add_run("2028")
    # Row 11: a spacer at the end.
    signature_block(d)
    d.save(path("appendix.docx"))


def plain_docx(name, header, rows, two_tables=False):
    d = docx.Document()
    if two_tables:
        motto_block(d)
    t = d.add_table(rows=1 + len(rows), cols=len(header))
    for i, h in enumerate(header):
        t.cell(0, i).text = h
    for r, row in enumerate(rows, start=1):
        for i, v in enumerate(row):
            t.cell(r, i).text = v
    d.save(path(name))


def demo_docx(csv_path, name):
    """A demo plan's matrix as the Word appendix it came from: sections merged across the width."""
    with open(csv_path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    d = docx.Document()
    section = d.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    motto_block(d)
    t = d.add_table(rows=1 + len(body), cols=len(header))
    t.style = "Table Grid"
    for i, h in enumerate(header):
        t.cell(0, i).text = h
    for r, row in enumerate(body, start=1):
        filled = [i for i, v in enumerate(row) if v.strip()]
        if filled == [0, 1]:  # a section: its code, and its title across the rest
            t.cell(r, 0).text = row[0]
            t.cell(r, 1).merge(t.cell(r, len(header) - 1)).text = row[1]
            continue
        for i, v in enumerate(row):
            if v:
                t.cell(r, i).text = v
    signature_block(d)
    d.save(path(name))


# ---- Excel --------------------------------------------------------------------------------------

def workbook_xlsx():
    """A guidance sheet first; then the matrix under a title block, with merged title and section
    rows, a lead merged down, a deadline typed as a date, and several sheets."""
    wb = openpyxl.Workbook()
    guide = wb.active
    guide.title = "Hướng dẫn"
    guide["A1"] = "Điền các nhiệm vụ vào trang Phụ lục"
    ws = wb.create_sheet("Phụ lục")
    ws["A1"] = "PHỤ LỤC NHIỆM VỤ"
    ws.merge_cells("A1:F1")
    ws["A2"] = "(Kèm theo Kế hoạch số 01/KH-SGDĐT)"
    ws.merge_cells("A2:F2")
    ws.append([])
    ws.append(["STT", "Tên nhiệm vụ", "Đơn vị chủ trì", "Đơn vị phối hợp", "Kết quả, sản phẩm", "Tiến độ"])
    ws.append(["I", "Tuyên truyền"])
    ws.merge_cells("B5:F5")
    ws.append([1, "Kế hoạch tuyên truyền", "Sở Giáo dục và Đào tạo", "Sở Tài chính", "Kế hoạch", None])
    import datetime
    ws["F6"] = datetime.date(2026, 12, 31)
    ws["F6"].number_format = "dd/mm/yyyy"
    ws.append([2, "Chuyên mục", None, "Báo và Phát thanh, Truyền hình Hải Phòng", "Tin bài", "Thường xuyên"])
    ws.merge_cells("C6:C7")
    ws.append(["II", "Cơ chế"])
    ws.merge_cells("B8:F8")
    ws.append([1, "RICH", "Sở Nội vụ", None, "Nghị quyết", "Năm 2027"])
    for row in ws.iter_rows():
        for c in row:
            c.alignment = Alignment(wrap_text=True)
    ws["A4"].font = Font(bold=True)
    wb.save(path("workbook-plain.xlsx"))
    # openpyxl writes every string inline; Excel writes a shared string table, with rich-text
    # runs and phonetic hints. Make two cells shared strings, one of them rich text.
    import re
    with zipfile.ZipFile(path("workbook-plain.xlsx")) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    parts["xl/sharedStrings.xml"] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="2" uniqueCount="2">'
        '<si><r><t xml:space="preserve">Ban hành </t></r><r><rPr><b/></rPr><t>chính sách</t></r>'
        '<rPh sb="0" eb="1"><t>PHONETIC</t></rPh></si>'
        '<si><t>Sở Nội vụ</t></si></sst>').encode()
    sheet = parts["xl/worksheets/sheet2.xml"].decode()
    sheet, n1 = re.subn(r'<c r="B9"([^>]*?) t="inlineStr"><is><t>RICH</t></is></c>', r'<c r="B9"\1 t="s"><v>0</v></c>', sheet)
    sheet, n2 = re.subn(r'<c r="C9"([^>]*?) t="inlineStr"><is><t>[^<]*</t></is></c>', r'<c r="C9"\1 t="s"><v>1</v></c>', sheet)
    assert n1 == 1 and n2 == 1, (n1, n2)
    parts["xl/worksheets/sheet2.xml"] = sheet.encode()
    rels = parts["xl/_rels/workbook.xml.rels"].decode()
    parts["xl/_rels/workbook.xml.rels"] = rels.replace("</Relationships>",
        '<Relationship Id="rIdSS" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>').encode()
    types = parts["[Content_Types].xml"].decode()
    parts["[Content_Types].xml"] = types.replace("</Types>",
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sharedStrings+xml"/></Types>').encode()
    with zipfile.ZipFile(path("workbook.xlsx"), "w", zipfile.ZIP_DEFLATED) as z:
        for n, b in parts.items():
            z.writestr(n, b)
    os.remove(path("workbook-plain.xlsx"))


# ---- Text in the encodings offices use ----------------------------------------------------------

TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def cp1258(text):
    """As Vietnamese Windows writes it: a letter cp1258 lacks becomes its base (with its own
    marks such as ơ, â) plus a combining tone mark."""
    out = b""
    for ch in text:
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        nfd = unicodedata.normalize("NFD", ch)
        tone = "".join(c for c in nfd if c in TONES)
        base = unicodedata.normalize("NFC", "".join(c for c in nfd if c not in TONES))
        out += base.encode("cp1258") + tone.encode("cp1258")
    return out


MATRIX_CSV = ("TT;Nhiệm vụ;Cơ quan chủ trì;Cơ quan phối hợp;Kết quả/Sản phẩm;Thời gian hoàn thành\r\n"
              "I;Tuyên truyền về Đề án;;;;\r\n"
              "1;Kế hoạch thông tin, tuyên truyền;Sở Giáo dục và Đào tạo;Sở Tài chính;Kế hoạch;Năm 2026\r\n"
              "2;Bồi dưỡng giáo viên tiếng Anh;Sở Nội vụ;Sở Giáo dục và Đào tạo;Báo cáo;Hằng năm\r\n")


def text_files():
    with open(path("matrix-cp1258.csv"), "wb") as f:
        f.write(cp1258(MATRIX_CSV))
    with open(path("matrix-utf16.txt"), "wb") as f:
        f.write(b"\xff\xfe" + MATRIX_CSV.replace(";", "\t").encode("utf-16-le"))
    with open(path("matrix-utf8.csv"), "wb") as f:
        f.write(MATRIX_CSV.encode("utf-8"))


# ---- Files that must be refused -----------------------------------------------------------------

def bad_files():
    # A zip bomb: 200 MB of zeros as the document part (~200 KB compressed).
    with zipfile.ZipFile(path("bomb.docx"), "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("word/document.xml", "w", force_zip64=True) as f:
            block = b"\0" * (1 << 20)
            for _ in range(200):
                f.write(block)
    # Too many parts.
    with zipfile.ZipFile(path("many-parts.docx"), "w", zipfile.ZIP_STORED) as z:
        z.writestr("word/document.xml", "<w:document/>")
        for i in range(10_001):
            z.writestr(f"word/media/p{i}.bin", b"")
    # Entity tricks in the document part (billion laughs and an external entity).
    d = docx.Document()
    d.add_table(rows=1, cols=3)
    d.save(path("entities.docx"))
    with zipfile.ZipFile(path("entities.docx")) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    xml = parts["word/document.xml"].decode()
    decl_end = xml.index("?>") + 2
    xml = (xml[:decl_end] + '<!DOCTYPE w:document [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">'
           '<!ENTITY x SYSTEM "file:///etc/passwd">]>' + xml[decl_end:])
    parts["word/document.xml"] = xml.encode()
    with zipfile.ZipFile(path("entities.docx"), "w", zipfile.ZIP_DEFLATED) as z:
        for n, b in parts.items():
            z.writestr(n, b)
    # An encrypted (password-protected) Office file: a compound file whose streams are
    # EncryptionInfo and EncryptedPackage (MS-OFFCRYPTO), here only its header and directory names.
    names = b"".join(n.encode("utf-16-le") + b"\0\0" for n in ("EncryptionInfo", "EncryptedPackage"))
    with open(path("encrypted.docx"), "wb") as f:
        f.write(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1" + b"\0" * 504 + names + b"\0" * 1024)
    # A PDF, and a docx cut short.
    with open(path("plan.pdf"), "wb") as f:
        f.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    with open(path("appendix.docx"), "rb") as f:
        whole = f.read()
    with open(path("truncated.docx"), "wb") as f:
        f.write(whole[: len(whole) // 2])


def plan_fodt():
    """A flat OpenDocument text with the matrix, for LibreOffice to save as an old .doc."""
    cells = lambda row: "".join(
        f"<table:table-cell><text:p>{c}</text:p></table:table-cell>" for c in row)
    rows = [["TT", "Nhiệm vụ", "Cơ quan chủ trì", "Thời gian hoàn thành"],
            ["1", "Kế hoạch tuyên truyền", "Sở Giáo dục và Đào tạo", "Năm 2026"],
            ["2", "Tổng kết", "Sở Tài chính", "Năm 2027"]]
    body = "".join(f"<table:table-row>{cells(r)}</table:table-row>" for r in rows)
    with open(path("old-word.fodt"), "w", encoding="utf-8") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>'
                '<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
                'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
                'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" office:version="1.2" '
                'office:mimetype="application/vnd.oasis.opendocument.text"><office:body><office:text>'
                '<text:p>Phụ lục</text:p><table:table table:name="Matrix">'
                '<table:table-column table:number-columns-repeated="4"/>' + body +
                '</table:table></office:text></office:body></office:document>')


appendix_docx()
plan_fodt()
plain_docx("no-matrix.docx", ["Nơi nhận", "Ghi chú"], [["Sở Tài chính", "x"]], two_tables=True)
workbook_xlsx()
text_files()
bad_files()
if DEMO:
    for plan in ("hp-tieng-anh-2025", "bk-ngoai-ngu-2018", "hn-68-2025", "hp-cambridge-2026"):
        demo_docx(os.path.join(DEMO, plan + ".csv"), plan + ".docx")
print("ok")
