#!/usr/bin/env python3
"""Extracts the task matrix of Bắc Kạn's plan (seed 003, QĐ 1436/QĐ-UBND, 24/8/2018) into
deploy/demo/bk-ngoai-ngu-2018.csv, the importer's format, so the demo data can be checked
against (and regenerated from) the seed text.

The seed is a Word table flattened to text: a line starting with a tab starts a cell, untabbed
lines continue it, blank and no-break-space lines are padding. Each row has six cells — TT,
Nhiệm vụ, Sản phẩm, Cơ quan chủ trì, Cơ quan phối hợp, Thời gian — except the first, a merged
header whose code is lost. Merged section rows repeat their title across the row; ladder rows
(one per year of a target ladder) have neither code nor task. Everything kept is as written,
NFC-normalised; the corrections are listed in CORRECTIONS below.

Usage: bac-kan-matrix.py SEED.txt > bk-ngoai-ngu-2018.csv
"""
import csv
import re
import sys
import unicodedata

# The matrix sits between the paragraph that introduces it and the budget table after it.
FIRST_LINE = "Xây dựng, hoàn thiện, thực hiện lộ trình triển khai các chương trình"
END_MARK = "KINH PHÍ THỰC HIỆN ĐỀ ÁN"

# The seed loses the first group's letter and title (the merged header row keeps only the
# subgroup's text). Restored from the Đề án's eight task groups, whose first — as the plan's own
# budget table (group I) writes it — is "Triển khai chương trình, tài liệu dạy và học ngoại ngữ".
SECTION_A = ("A", "Triển khai chương trình, tài liệu dạy và học ngoại ngữ")
CORRECTIONS = {
    "4.6.": "4.6",                                    # a stray full stop after A.I.4.6's number
    "Triểm khai": "Triển khai",                      # F.II.1, a typing slip
    "Sở Giáo dục\nvà Đào tạo": "Sở Giáo dục và Đào tạo",  # D.I.2, a name broken over two lines
}
LETTERS = "ABCDEFGH"
ROMAN = re.compile(r"^(I|II|III|IV|V|VI|VII|VIII|IX|X)$")
ARABIC = re.compile(r"^\d+(\.\d+)*$")


def clean(text):
    text = unicodedata.normalize("NFC", text.replace("\u00a0", " "))
    lines = [re.sub(r"[ \t]+", " ", l).strip() for l in text.split("\n")]
    return "\n".join(l for l in lines if l)


def cells_of(lines):
    cells, current = [], None
    for line in lines:
        if line.startswith("\t") or line.startswith(" \t"):
            if current is not None:
                cells.append(clean(current))
            current = line.split("\t", 1)[1]
        elif line.replace("\u00a0", "").strip() and current is not None:
            current += "\n" + line
    if current is not None:
        cells.append(clean(current))
    return cells


def main(path):
    lines = open(path, encoding="utf-8").read().split("\n")
    start = next(i for i, l in enumerate(lines) if l.strip().startswith(FIRST_LINE))
    end = next(i for i, l in enumerate(lines) if i > start and END_MARK in l)
    cells = cells_of(lines[start:end])
    rows = [[""] + cells[:5]]
    rows += [cells[i:i + 6] for i in range(5, len(cells), 6)]
    if len(rows[-1]) != 6:
        sys.exit("the matrix does not split into rows of six cells")

    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["TT", "Nhiệm vụ", "Kết quả/Sản phẩm", "Cơ quan chủ trì", "Cơ quan phối hợp",
                  "Thời gian hoàn thành"])
    out.writerow(list(SECTION_A) + [""] * 4)
    letter, roman = "A", ""
    for row in rows:
        for wrong, right in CORRECTIONS.items():
            row = [right if c == wrong else c.replace(wrong, right) if "\n" in wrong or " " in wrong
                   else c for c in row]
        code, task, product, lead, coordinating, deadline = row
        deadline = deadline.replace("\n", " ")
        # Merged rows repeat their title across the row, or leave the rest empty.
        merged = all(c in ("", task) for c in (product, lead, coordinating, deadline))
        if merged and code and code in LETTERS:   # a group: B … H
            letter, roman = code, ""
            out.writerow([code, task, "", "", "", ""])
        elif merged and (ROMAN.match(code) or not code and roman == ""):
            roman = code or "I"                  # the lost header row is group A's first part
            out.writerow([f"{letter}.{roman}", task, "", "", "", ""])
        elif merged and ARABIC.match(code):      # a numbered subsection inside a part
            out.writerow([f"{letter}.{roman}.{code}", task.replace("\n", " "), "", "", "", ""])
        elif merged:                             # an unnumbered heading ("Lớp 1 và lớp 2")
            out.writerow(["", task.replace("\n", " "), "", "", "", ""])
        elif code:                               # a task
            if not ARABIC.match(code):
                sys.exit(f"unexpected task code {code!r}")
            out.writerow([f"{letter}.{roman}.{code}", task.replace("\n", " "), product, lead,
                          coordinating, deadline])
        else:                                    # a rung of the ladder above
            out.writerow(["", "", product, lead, coordinating, deadline])


if __name__ == "__main__":
    main(sys.argv[1])
