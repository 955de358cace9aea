"""The 卷宗封面 and the 卷内目录 of a case file, as .docx (python-docx): what the Henan 立卷规范 puts before the
documents. Pure rendering: it is given the rows and writes them, it looks nothing up."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from docx import Document as new_docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt


@dataclass(frozen=True)
class IndexRow:
    """One line of the 卷内目录."""

    serial: int
    title: str
    number: str  # 文号, empty when the entry has none
    date: str  # YYYY-MM-DD
    pages: int | None  # None: not known (a .docx before conversion, a recording)
    note: str  # 备注: the section, the child case it comes from, 已被替换, 结案后补充
    path: str  # the entry's name in the archive


def _docx_bytes(document: object) -> bytes:
    out = io.BytesIO()
    document.save(out)  # type: ignore[attr-defined]
    return out.getvalue()


def cover(agency: str, title: str, party: str, case_no: str, facts: Sequence[tuple[str, str]]) -> bytes:
    """卷宗封面: the agency, 案由, 当事人, 案号 and the dates of the case."""
    doc = new_docx()
    heading = doc.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run(f"{agency}\n行政执法案卷")
    run.bold, run.font.size = True, Pt(26)
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in (("案由", title), ("当事人", party), ("案号", case_no or "—"), *facts):
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, value
    return _docx_bytes(doc)


def contents(title: str, rows: Sequence[IndexRow], frozen_note: str) -> bytes:
    """卷内目录: 序号, 题名, 文号, 日期, 页数, 备注 — one row per entry of the archive, in its order."""
    doc = new_docx()
    heading = doc.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run("卷内目录")
    run.bold, run.font.size = True, Pt(22)
    doc.add_paragraph(f"案由：{title}")
    if frozen_note:
        doc.add_paragraph(frozen_note)
    table = doc.add_table(rows=1, cols=6)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ("序号", "题名", "文号", "日期", "页数", "备注"), strict=True):
        cell.text = text
    for row in rows:
        cells = table.add_row().cells
        values = (str(row.serial), row.title, row.number, row.date, "" if row.pages is None else str(row.pages), row.note)
        for cell, text in zip(cells, values, strict=True):
            cell.text = text
    return _docx_bytes(doc)
