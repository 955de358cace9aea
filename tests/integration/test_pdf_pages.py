"""Pages that hold: every template, rendered short and at several lengths, converted to PDF by LibreOffice
(the same way as a PDF download, adapters/pdf.py) and read page by page with pypdf.

No page may hold only the sign-off (agency, date, seal, signature lines) or a single table row; a row
never splits across pages; the sign-off stays on one page; a line of body text holds 28 characters.
Needs LibreOffice (the `soffice` fixture: skipped without it, a failure under CI=true).
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import docx
import pytest

from review_workflow.adapters.pdf import PdfSettings, convert_files, for_libreoffice
from review_workflow.core.documents import render_document
from tests.unit.test_layout import CONTEXTS, SIGNATURE, TEMPLATES, lengthened

LENGTHS = (1, 2, 3, 4, 6)
PAGE_NUMBER = re.compile(r"^—\d+—$")
CJK_ONLY = re.compile(r"^[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”]+$")
# Closing punctuation may not start a line (禁则): it is squeezed onto the end of the line before.
CLOSING = "。，、；：？！）》」』”’"


def squeeze(text: str) -> str:
    return "".join(text.split())


class Rendered:
    """One rendered document: what its sign-off and its table rows read, and the text of its pages."""

    def __init__(self, template: Path, times: int, data: bytes) -> None:
        self.name = f"{template.stem}-x{times}"
        document = docx.Document(io.BytesIO(data))
        paragraphs = [squeeze(p.text) for p in document.paragraphs]
        starts = [i for i, t in enumerate(paragraphs) if SIGNATURE.search(t)]
        self.sign_off = [t for t in paragraphs[starts[0] :] if t] if starts else []
        if template.stem == "filing_report":
            self.sign_off = self.sign_off[:-1]  # the contact line after the date
        self.rows: list[str] = []
        self.last_rows: list[str] = []  # the last row of each table
        self.headers: list[str] = []
        for table in document.tables:
            seen: list[Any] = []  # a merged cell prints once: in its first row
            for row in table.rows:
                cells = [c for c in row.cells if not (c._tc in seen or seen.append(c._tc))]
                text = squeeze("".join(c.text for c in cells))
                self.rows.append(text)
                if row._tr.trPr is not None and row._tr.trPr.find(docx.oxml.ns.qn("w:tblHeader")) is not None:
                    self.headers.append(text)
            self.last_rows.append(self.rows[-1])
        self.has_tables = bool(document.tables)
        self.pages: list[list[str]] = []

    def read(self, pdf: Path) -> None:
        from pypdf import PdfReader

        for page in PdfReader(pdf).pages:
            lines = [squeeze(line) for line in page.extract_text().splitlines()]
            self.pages.append([line for line in lines if line and not PAGE_NUMBER.match(line)])


@pytest.fixture(scope="module")
def documents(soffice: str, tmp_path_factory: pytest.TempPathFactory) -> list[Rendered]:
    folder = tmp_path_factory.mktemp("pages")
    rendered, files = [], []
    for template in TEMPLATES:
        for times in LENGTHS:
            data = render_document(template, lengthened(CONTEXTS[template](), times))
            doc = Rendered(template, times, data)
            path = folder / f"{doc.name}.docx"
            path.write_bytes(for_libreoffice(data))
            rendered.append(doc)
            files.append(path)
    for doc, pdf in zip(rendered, convert_files(files, folder, PdfSettings(converter=soffice, timeout_seconds=300)), strict=True):
        doc.read(pdf)
    return rendered


def test_no_page_holds_only_the_sign_off(documents: list[Rendered]) -> None:
    for doc in documents:
        if not doc.sign_off:
            continue
        for n, lines in enumerate(doc.pages):
            assert not set(lines) <= set(doc.sign_off), f"{doc.name}: page {n + 1} holds only {lines}"
        block = "\n".join(doc.sign_off)
        assert any(block in "\n".join(lines) for lines in doc.pages), f"{doc.name}: the sign-off is split"


def test_no_page_holds_a_single_table_row_and_no_row_splits(documents: list[Rendered]) -> None:
    """A row alone on a page is the last row of its table left over (a row in the middle is alone only
    when it is too tall to share a page, and then nothing can be done)."""
    for doc in documents:
        pages = ["".join(lines) for lines in doc.pages]
        for n, text in enumerate(pages):
            for header in doc.headers:  # a header row repeated at the top does not count
                text = text.removeprefix(header)
            assert text not in doc.last_rows, f"{doc.name}: page {n + 1} holds a single row: {text}"
        for row in doc.rows:
            assert any(row in text for text in pages), f"{doc.name}: the row {row} is split across pages"


def test_a_line_holds_28_characters_and_a_page_22_lines(documents: list[Rendered]) -> None:
    longest = 0
    for doc in documents:
        for lines in doc.pages:
            full_width = [line.rstrip(CLOSING) for line in lines if CJK_ONLY.match(line)]
            assert all(len(line) <= 28 for line in full_width), (doc.name, max(full_width, key=len))
            longest = max([longest, *map(len, full_width)])
            if not doc.has_tables:  # in a table, cells side by side make more text lines than lines
                assert len(lines) <= 22, f"{doc.name}: {len(lines)} lines"
    assert longest == 28
