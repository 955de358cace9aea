"""Layout helpers for the .docx templates: GB/T 9704-2012 page, fonts, paragraphs, tables.

A4, 37/28 mm margins, a 156 × 225 mm text block, a grid of 22 lines × 28 characters of 3号 仿宋_GB2312.
Every Jinja tag is written as one whole run so docxtpl sees it intact; every run carries its East-Asian
font and language, because python-docx's font.name sets only the Latin font. The builders in
templates_*.py use these.

What keeps the layout whole when the text grows (checked page by page in LibreOffice by the tests):
titles, headings, the number line and the salutation are kept with the next paragraph; the sign-off
(seal area, agency, date) and any signature lines are kept together and with the paragraph before them;
table rows never split, a header row repeats on every page, and the last two rows of a table stay together
(`finish` applies the table rules to the whole document before it is saved).
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import zipfile
from collections.abc import Callable
from typing import Any

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_LINE_SPACING, WD_PARAGRAPH_ALIGNMENT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Length, Mm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from docx.text.run import Run

FANGSONG = "仿宋_GB2312"
HEITI = "黑体"
KAITI = "楷体_GB2312"
TITLE_FONT = "方正小标宋简体"
PAGE_NUMBER_FONT = "宋体"

BODY_PT = 16  # 3号
TITLE_PT = 22  # 2号
PAGE_NUMBER_PT = 14  # 4号
LINE_PT = 28.95  # exact spacing: 225 mm / 22 lines
LABEL_WIDTH = Mm(40)
TEXT_WIDTH = Mm(156)

# The page in whole twips (1/20 pt), as Word stores it: A4 is 11,906 × 16,838; margins top 37 mm = 2,098,
# bottom 35 mm = 1,984, left (binding) 28 mm = 1,587, right 26 mm = 1,474.
PAGE_MM = (210, 297)
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
CHARS_PER_LINE = 28
LINES_PER_PAGE = 22


def _twips(mm: float) -> int:
    return int(Mm(mm).twips)


TEXT_TWIPS = _twips(PAGE_MM[0]) - _twips(MARGINS_MM["left"]) - _twips(MARGINS_MM["right"])  # 8,845
BLOCK_TWIPS = _twips(PAGE_MM[1]) - _twips(MARGINS_MM["top"]) - _twips(MARGINS_MM["bottom"])  # 12,756

# The document grid (w:docGrid type="linesAndChars"), so that a line holds 28 characters, not 27.
# Line pitch: 12,756 twips / 22 lines = 579.8; 579 twips (28.95 pt, LINE_PT) so that 22 lines fit
#   (22 × 579 = 12,738 ≤ 12,756).
# Character pitch: Word sets each East-Asian character in a cell of (default font size + charSpace / 4096)
#   points; the default size is 3号 = 16 pt. The line is 8,845 twips = 442.25 pt, so 28 cells need a pitch
#   of at most 442.25 / 28 = 15.7946 pt: charSpace ≤ (15.7946 − 16) × 4096 = −841.3, rounded down to −842
#   (pitch 15.7944 pt; 28 cells = 442.24 pt, which fits). Unrounded 3号 characters (16 pt) give 27.6,
#   hence the 27 characters a line without the grid.
LINE_PITCH_TWIPS = int(Pt(LINE_PT).twips)  # 579
assert LINES_PER_PAGE * LINE_PITCH_TWIPS <= BLOCK_TWIPS < (LINES_PER_PAGE + 1) * LINE_PITCH_TWIPS
CHAR_PITCH_PT = TEXT_TWIPS / 20 / CHARS_PER_LINE
CHAR_SPACE = math.floor((CHAR_PITCH_PT - BODY_PT) * 4096)
# An indent of n characters is n grid cells: Word reads w:firstLineChars/w:rightChars (hundredths of a
# cell); w:firstLine/w:right carry the same in twips, rounded down so the rest of the line still holds
# whole cells, for readers that ignore the *Chars form.
CHAR_TWIPS = TEXT_TWIPS / CHARS_PER_LINE  # 315.9
# Letter spacing of every run (w:spacing in the default run properties), in twentieths of a point: a 3号
# character then advances 16 − 0.25 = 15.75 pt, at most the grid's 15.79 pt, so 28 characters fit the
# line (28 × 15.75 = 441 pt ≤ 442.25 pt; 29 would need 456.75) even where the character grid is not
# applied: LibreOffice lays a character wider than a grid cell in two cells, so its PDF conversion
# (adapters/pdf.py) turns the character grid off and relies on this. −4 would give 15.8 pt: 27.
LETTER_SPACING_TWENTIETHS = math.floor((CHAR_PITCH_PT - BODY_PT) * 20)  # −5

# Fixed so that re-running the script leaves the committed .docx files byte-identical.
FIXED_TIME = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)

Container = DocxDocument | _Cell


# ---------------------------------------------------------------- fonts and paragraphs


# Schema order of w:rPr children (CT_RPr); Word rejects a run whose properties are out of order.
RPR_ORDER = (
    "rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss imprint noProof"
    " snapToGrid vanish webHidden color spacing w kern position sz szCs highlight u effect bdr shd"
    " fitText vertAlign rtl cs em lang eastAsianLayout specVanish oMath"
).split()


def _child(rpr: Any, name: str) -> Any:
    """Find or create w:<name> in rpr at its schema position."""
    el = rpr.find(qn(f"w:{name}"))
    if el is not None:
        return el
    el = OxmlElement(f"w:{name}")
    rank = RPR_ORDER.index(name)
    later = {qn(f"w:{n}") for n in RPR_ORDER[rank + 1 :]} | {qn("w:rPrChange")}
    for i, existing in enumerate(rpr):
        if existing.tag in later:
            rpr.insert(i, el)
            return el
    rpr.append(el)
    return el


def _set_fonts(rpr: Any, east_asia: str, size_pt: float) -> None:
    """Write rFonts (all scripts), size and the zh-CN East-Asian language into an rPr element."""
    fonts = _child(rpr, "rFonts")
    for attr in list(fonts.attrib):
        if attr.lower().endswith("theme"):  # a theme font would override the explicit one
            del fonts.attrib[attr]
    for attr in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{attr}"), east_asia)
    for name in ("sz", "szCs"):
        _child(rpr, name).set(qn("w:val"), str(round(size_pt * 2)))
    lang = _child(rpr, "lang")
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")


def run(
    paragraph: Paragraph,
    text: str,
    *,
    font: str = FANGSONG,
    size_pt: float = BODY_PT,
) -> Run:
    r = paragraph.add_run(text)
    _set_fonts(r._r.get_or_add_rPr(), font, size_pt)
    return r


def _indent_chars(p: Paragraph, side: str, chars: int) -> None:
    """An indent of whole grid cells: w:<side>Chars in hundredths of a cell (Word), w:<side> in twips
    rounded down (LibreOffice and other readers)."""
    ind = p._p.get_or_add_pPr().get_or_add_ind()
    ind.set(qn(f"w:{side}"), str(math.floor(chars * CHAR_TWIPS)))
    ind.set(qn(f"w:{side}Chars"), str(chars * 100))


def paragraph(
    container: Container,
    text: str = "",
    *,
    font: str = FANGSONG,
    size_pt: float = BODY_PT,
    align: WD_PARAGRAPH_ALIGNMENT | None = WD_PARAGRAPH_ALIGNMENT.JUSTIFY,
    indent: bool = False,
    right_indent_chars: int = 0,
    keep_next: bool = False,
) -> Paragraph:
    """One paragraph with direct formatting, so a table style cannot change the line grid."""
    p = container.add_paragraph()
    fmt = p.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(LINE_PT)
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    if keep_next:
        fmt.keep_with_next = True
    if align is not None:
        fmt.alignment = align
    if indent:
        _indent_chars(p, "firstLine", 2)
    if right_indent_chars:
        _indent_chars(p, "right", right_indent_chars)
    if text:
        run(p, text, font=font, size_pt=size_pt)
    return p


def tag(container: Container, jinja: str) -> Paragraph:
    """A docxtpl paragraph/row tag ({%p ...%}, {%tr ...%}); docxtpl removes its whole paragraph or row."""
    return paragraph(container, jinja, align=None)


# w:pPr children after w:snapToGrid (schema order of CT_PPr).
_AFTER_SNAP = tuple(
    f"w:{n}"
    for n in (
        "spacing ind contextualSpacing mirrorIndents suppressOverlap jc textDirection textAlignment"
        " textboxTightWrap outlineLvl divId cnfStyle rPr sectPr pPrChange"
    ).split()
)


def title(doc: DocxDocument, text: str) -> Paragraph:
    """2号 小标宋, centred, kept with what follows. Off the character grid: a 22 pt line would otherwise
    take two grid lines in LibreOffice; the exact line spacing still gives it one 28.95 pt line."""
    p = paragraph(
        doc, text, font=TITLE_FONT, size_pt=TITLE_PT, align=WD_PARAGRAPH_ALIGNMENT.CENTER, keep_next=True
    )
    snap = OxmlElement("w:snapToGrid")
    snap.set(qn("w:val"), "0")
    ppr = p._p.get_or_add_pPr()
    ppr.insert_element_before(snap, *_AFTER_SNAP)
    return p


def heading1(doc: DocxDocument, text: str) -> Paragraph:
    return paragraph(doc, text, font=HEITI, indent=True, keep_next=True)


def heading2(doc: DocxDocument, text: str) -> Paragraph:
    return paragraph(doc, text, font=KAITI, indent=True, keep_next=True)


def body(container: Container, text: str, *, indent: bool = True) -> Paragraph:
    return paragraph(container, text, indent=indent)


def number_line(doc: DocxDocument) -> Paragraph:
    paragraph(doc, keep_next=True)  # GB/T 9704: one blank line below the title
    # An unnumbered form (series: null) prints no number line text at all.
    return paragraph(
        doc, "{% if doc.number %}编号：{{ doc.number }}{% endif %}", align=WD_PARAGRAPH_ALIGNMENT.RIGHT, keep_next=True
    )


def signature(doc: DocxDocument, label: str) -> Paragraph:
    # Underscores rather than underlined spaces: Word does not underline trailing spaces.
    return paragraph(doc, label + "_" * 16, align=WD_PARAGRAPH_ALIGNMENT.LEFT)


def date_line(doc: DocxDocument) -> Paragraph:
    # GB/T 9704 7.3.5.1: the date sits right-aligned, four characters in from the margin.
    return paragraph(doc, "{{ doc.date }}", align=WD_PARAGRAPH_ALIGNMENT.RIGHT, right_indent_chars=4)


def head(doc: DocxDocument, doc_title: str, *, issuer: str = "agency", number_label: str = "编号：") -> None:
    """The issuing agency's name and the document title (2号 小标宋), a blank line, the number line;
    all kept with the first line of the text.

    Forms read "编号：…"; a letter to the party carries its bare 文号 (number_label="").
    """
    title(doc, "{{ " + issuer + ".name }}")
    title(doc, doc_title)
    paragraph(doc, keep_next=True)
    number = "{% if doc.number %}" + number_label + "{{ doc.number }}{% endif %}"  # unnumbered: no label either
    paragraph(doc, number, align=WD_PARAGRAPH_ALIGNMENT.RIGHT, keep_next=True)


def addressee(doc: DocxDocument, name: str) -> Paragraph:
    """The salutation of a letter (主送机关 or the party), flush left and followed by a full-width colon;
    kept with the first paragraph it addresses."""
    return paragraph(doc, name + "：", align=WD_PARAGRAPH_ALIGNMENT.LEFT, keep_next=True)


def numbered(container: Container, items: str, *, var: str = "item", indent: bool = True) -> None:
    """One paragraph per list item: "1. …"."""
    tag(container, "{%p for " + var + " in " + items + " %}")
    paragraph(container, "{{ loop.index }}. {{ " + var + " }}", indent=indent)
    tag(container, "{%p endfor %}")


# ---------------------------------------------------------------- blocks kept together

_OPENS = ("{%p for ", "{%p if ")
_CLOSES = ("{%p endfor", "{%p endif")


def _text(p: Any) -> str:
    return "".join(t.text or "" for t in p.iter(qn("w:t"))).strip()


def _tag_text(p: Any) -> str | None:
    text = _text(p)
    return text if text.startswith("{%p ") else None


def _keep_row(tr: Any, when: str = "") -> None:
    """Keep a table row with the row (or paragraph) after it: w:keepNext on each of its paragraphs.
    `when`, a Jinja condition, makes it so only in the iterations of a row loop where it holds: the
    condition is written into w:val and rendered with the rest of the XML."""
    for p in tr.iter(qn("w:p")):
        Paragraph(p, None).paragraph_format.keep_with_next = True
        if when:
            p.find(qn("w:pPr")).find(qn("w:keepNext")).set(qn("w:val"), "{{ 1 if " + when + " else 0 }}")


def _printed_rows(tbl: Any) -> list[tuple[Any, bool]]:
    """The rows that print (not docxtpl's {%tr …%} rows), each with whether it repeats in a row loop."""
    rows, in_loop = [], False
    for tr in tbl.findall(qn("w:tr")):
        tag = _row_tag(tr)
        if tag is None:
            rows.append((tr, in_loop))
        elif tag.startswith("{%tr for "):
            in_loop = True
        elif tag.startswith("{%tr endfor"):
            in_loop = False
    return rows


def _keep_last_rows(tbl: Any, first: int, last: int) -> None:
    """Keep with what follows each printed row whose place from the end of the table is first..last
    (1: the last row). A loop row takes the condition on loop.revindex; rows before a loop are left."""
    after = 0  # printed rows after this one
    for tr, in_loop in reversed(_printed_rows(tbl)):
        if in_loop:
            _keep_row(tr, f"{first} <= loop.revindex + {after} <= {last}")
            return
        after += 1
        if first <= after <= last:
            _keep_row(tr)
        if after >= last:
            return


def _last_row_kept(tbl: Any) -> bool:
    rows = _printed_rows(tbl)
    return bool(rows) and rows[-1][0].find(f".//{qn('w:keepNext')}") is not None


def _blocks(doc: DocxDocument) -> list[Any]:
    """The body's paragraphs and tables, without the section properties that close it."""
    return [c for c in doc.element.body if c.tag in (qn("w:p"), qn("w:tbl"))]


def mark(doc: DocxDocument) -> int:
    """Where a block starts: pass it to keep_together once the block is written."""
    return len(_blocks(doc))


_JINJA = re.compile(r"{{.*?}}|{%.*?%}")


def _printed_length(text: str) -> int:
    """At least how many characters a paragraph prints: its fixed text, and a line for a value it shows
    (a value may be long: a paragraph with one stops the walk of keep_with_previous)."""
    return len(_JINJA.sub("", text)) + CHARS_PER_LINE * len(re.findall(r"{{.*?}}", text))


def _keep_paragraph(p: Any, when: str = "") -> None:
    """w:keepNext on a paragraph, only in the loop iterations where `when` holds (see _keep_row); an
    unconditional keep already there stays."""
    keep = p.find(f"{qn('w:pPr')}/{qn('w:keepNext')}")
    if keep is not None and keep.get(qn("w:val")) is None:
        return
    Paragraph(p, None).paragraph_format.keep_with_next = True
    if when:
        p.find(f"{qn('w:pPr')}/{qn('w:keepNext')}").set(qn("w:val"), "{{ 1 if " + when + " else 0 }}")


def keep_with_previous(doc: DocxDocument, before: int | None = None) -> None:
    """Keep what comes next (at `before`, or the end of the body) with the text printed before it: at
    least two lines of it, so a page never starts with a lone short line and what it is kept with.

    Walks back over blank lines and docxtpl's paragraph tags. Of a condition ({%p if %}) it keeps the
    last paragraph and goes on before it (the condition may not print); of a loop ({%p for %}), the last
    paragraph in the last iteration only (loop.last); of a table, its last row.
    """
    stack: list[list[Any]] = []  # the constructs we are inside, innermost last: [kind, kept one yet]
    printed = 0  # characters of text kept so far outside any construct
    for child in reversed(_blocks(doc)[:before]):
        if child.tag == qn("w:tbl"):
            if stack and stack[-1][1]:
                continue
            _keep_last_rows(child, 1, 1)
            if not stack:
                return
            stack[-1][1] = True
            continue
        tag_text = _tag_text(child)
        if tag_text is not None:
            if tag_text.startswith(_CLOSES):
                stack.append(["for" if tag_text.startswith("{%p endfor") else "if", False])
            elif tag_text.startswith(_OPENS) and stack:
                stack.pop()
            continue
        text = _text(child)
        if stack and stack[-1][1]:
            continue
        in_loop = any(kind == "for" for kind, _ in stack)
        _keep_paragraph(child, "loop.last" if in_loop and text else "")
        if not text:  # a blank line is spacing: go on to the text before it
            continue
        if stack:
            stack[-1][1] = True
            continue
        printed += _printed_length(text)
        if printed >= CHARS_PER_LINE:
            return


def keep_together(doc: DocxDocument, start: int) -> None:
    """The paragraphs written since `start` (from mark) stay on one page, with the paragraph before them."""
    block = [c for c in _blocks(doc)[start:] if c.tag == qn("w:p")]
    for p in block[:-1]:
        Paragraph(p, None).paragraph_format.keep_with_next = True
    keep_with_previous(doc, start)


def sign_off(
    doc: DocxDocument, name: str = "{{ agency.name }}", date: str = "{{ doc.date }}", *, seal: bool = True
) -> None:
    """The sign-off of a letter (GB/T 9704 7.3.5.1): a blank line, the seal area (印章), then the issuing
    agency and the date, right-aligned four characters in. The seal is pressed over the agency and the
    date, its top within a line of the text; the block stays on one page with the paragraph before it."""
    start = mark(doc)
    paragraph(doc)
    if seal:
        paragraph(doc, "（印章）", align=WD_PARAGRAPH_ALIGNMENT.RIGHT, right_indent_chars=5)
    paragraph(doc, name, align=WD_PARAGRAPH_ALIGNMENT.RIGHT, right_indent_chars=4)
    paragraph(doc, date, align=WD_PARAGRAPH_ALIGNMENT.RIGHT, right_indent_chars=4)
    keep_together(doc, start)


# Full-width spaces leave room to sign and date by hand.
SIGN_AND_DATE = "签名：\u3000\u3000\u3000\u3000\u3000\u3000年\u3000\u3000月\u3000\u3000日"


# ---------------------------------------------------------------- tables


def _full_width(table: Table) -> None:
    width = table._tbl.tblPr.find(qn("w:tblW"))  # python-docx always writes one (auto, 0)
    width.set(qn("w:w"), str(TEXT_WIDTH.twips))
    width.set(qn("w:type"), "dxa")


def table(doc: DocxDocument, widths: list[Length]) -> Table:
    t = doc.add_table(rows=0, cols=len(widths))
    t.style = doc.styles["Table Grid"]
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    t.autofit = False  # fixed layout: Word keeps the column widths below
    _full_width(t)
    for col, w in zip(t.columns, widths, strict=True):
        col.width = w
    return t


def _row_flag(tr: Any, name: str) -> None:
    """w:cantSplit or w:tblHeader in the row's w:trPr (python-docx keeps trPr's children in order)."""
    trpr = tr.get_or_add_trPr()
    if trpr.find(qn(f"w:{name}")) is None:
        trpr.insert_element_before(OxmlElement(f"w:{name}"), *_AFTER_IN_TRPR[name])


# w:trPr children after each flag we set (schema order: … cantSplit, trHeight, tblHeader, tblCellSpacing, jc …).
_AFTER_IN_TRPR = {
    "cantSplit": ("w:trHeight", "w:tblHeader", "w:tblCellSpacing", "w:jc", "w:hidden", "w:ins", "w:del"),
    "tblHeader": ("w:tblCellSpacing", "w:jc", "w:hidden", "w:ins", "w:del", "w:trPrChange"),
}


def add_row(t: Table, widths: list[Length]) -> list[_Cell]:
    """A row that never splits across pages (w:cantSplit): a row moves to the next page whole."""
    row = t.add_row()
    _row_flag(row._tr, "cantSplit")
    cells = row.cells
    for cell, w in zip(cells, widths, strict=True):
        cell.width = w
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        # add_row leaves an empty paragraph; drop it so each cell holds only what we add.
        for p in list(cell._tc.iter(qn("w:p"))):
            cell._tc.remove(p)
    return cells


FORM_WIDTHS: list[Length] = [LABEL_WIDTH, Length(TEXT_WIDTH - LABEL_WIDTH)]


def form_row(t: Table, label: str, fill: Callable[[_Cell], None] | str) -> None:
    label_cell, value_cell = add_row(t, FORM_WIDTHS)
    paragraph(label_cell, label, align=WD_PARAGRAPH_ALIGNMENT.CENTER)
    if isinstance(fill, str):
        paragraph(value_cell, fill)
    else:
        fill(value_cell)


def officers_cell(cell: _Cell, field: str) -> None:
    """The officers a `list[user]` field names, each with the number of their 执法证."""
    tag(cell, "{%p for id in " + field + " %}")
    paragraph(cell, "{{ people[id].name }}（执法证号：{{ people[id].certificate_no }}）")
    tag(cell, "{%p endfor %}")


def tag_row(t: Table, jinja: str, widths: list[Length] = FORM_WIDTHS) -> None:
    cells = add_row(t, widths)
    tag(cells[0], jinja)
    for cell in cells[1:]:
        paragraph(cell)


def signed_cell(cell: _Cell) -> None:
    """An opinion written by hand: blank lines, then the signature and the date."""
    paragraph(cell)
    paragraph(cell)
    paragraph(cell, SIGN_AND_DATE, align=WD_PARAGRAPH_ALIGNMENT.RIGHT)


def grid(doc: DocxDocument, widths: list[Length], headers: list[str], loop: str, cells: list[str]) -> Table:
    """A table with a 黑体 header row, repeated on every page, and one row per item of `loop`
    ("f in payload.findings")."""
    t = table(doc, widths)
    for cell, text in zip(add_row(t, widths), headers, strict=True):
        paragraph(cell, text, font=HEITI, align=WD_PARAGRAPH_ALIGNMENT.CENTER)
    tag_row(t, "{%tr for " + loop + " %}", widths)
    for i, (cell, text) in enumerate(zip(add_row(t, widths), cells, strict=True)):
        paragraph(
            cell, text, align=WD_PARAGRAPH_ALIGNMENT.CENTER if i == 0 else WD_PARAGRAPH_ALIGNMENT.JUSTIFY
        )
    tag_row(t, "{%tr endfor %}", widths)
    return t


# ---------------------------------------------------------------- document set-up


def _document_defaults(doc: DocxDocument) -> None:
    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_fonts(rpr, FANGSONG, BODY_PT)
    _child(rpr, "spacing").set(qn("w:val"), str(LETTER_SPACING_TWENTIETHS))
    ppr = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr"))
    spacing = ppr.find(qn("w:spacing"))
    spacing.attrib.clear()
    spacing.set(qn("w:before"), "0")
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:line"), str(Pt(LINE_PT).twips))
    spacing.set(qn("w:lineRule"), "exact")

    normal = doc.styles["Normal"]
    _set_fonts(normal.element.get_or_add_rPr(), FANGSONG, BODY_PT)
    _child(normal.element.get_or_add_rPr(), "spacing").set(qn("w:val"), str(LETTER_SPACING_TWENTIETHS))
    fmt = normal.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(LINE_PT)
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    fmt.alignment = WD_PARAGRAPH_ALIGNMENT.JUSTIFY


def _page_setup(doc: DocxDocument) -> None:
    section = doc.sections[0]
    section.page_width = Mm(PAGE_MM[0])
    section.page_height = Mm(PAGE_MM[1])
    section.top_margin = Mm(MARGINS_MM["top"])
    section.bottom_margin = Mm(MARGINS_MM["bottom"])
    section.left_margin = Mm(MARGINS_MM["left"])
    section.right_margin = Mm(MARGINS_MM["right"])
    section.header_distance = Mm(15)
    # The page number sits about 7 mm below the text block (GB/T 9704 7.5).
    section.footer_distance = Mm(23)
    # 22 lines × 28 characters: the pitches are worked out beside CHAR_SPACE above.
    grid_el = section._sectPr.find(qn("w:docGrid"))
    grid_el.attrib.clear()
    grid_el.set(qn("w:type"), "linesAndChars")
    grid_el.set(qn("w:linePitch"), str(LINE_PITCH_TWIPS))
    grid_el.set(qn("w:charSpace"), str(CHAR_SPACE))


def _field_run(p: Paragraph, *, fld_char: str | None = None, instr: str | None = None) -> None:
    r = run(p, "", font=PAGE_NUMBER_FONT, size_pt=PAGE_NUMBER_PT)
    if fld_char:
        el = OxmlElement("w:fldChar")
        el.set(qn("w:fldCharType"), fld_char)
    else:
        el = OxmlElement("w:instrText")
        el.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        el.text = instr
    r._r.append(el)


def _page_number(p: Paragraph, *, odd: bool) -> None:
    """"— N —" in 4号 宋体: odd pages at the right, even pages at the left, each one character (one 4号
    character, 14 pt) in from the edge of the text block (GB/T 9704 7.5)."""
    fmt = p.paragraph_format
    fmt.alignment = WD_PARAGRAPH_ALIGNMENT.RIGHT if odd else WD_PARAGRAPH_ALIGNMENT.LEFT
    if odd:
        fmt.right_indent = Pt(PAGE_NUMBER_PT)
    else:
        fmt.left_indent = Pt(PAGE_NUMBER_PT)
    run(p, "— ", font=PAGE_NUMBER_FONT, size_pt=PAGE_NUMBER_PT)
    _field_run(p, fld_char="begin")
    _field_run(p, instr=" PAGE ")
    _field_run(p, fld_char="separate")
    run(p, "1" if odd else "2", font=PAGE_NUMBER_FONT, size_pt=PAGE_NUMBER_PT)
    _field_run(p, fld_char="end")
    run(p, " —", font=PAGE_NUMBER_FONT, size_pt=PAGE_NUMBER_PT)


def _page_number_footers(doc: DocxDocument) -> None:
    """Odd and even footers (w:evenAndOddHeaders in the settings): the default footer serves odd pages."""
    doc.settings.odd_and_even_pages_header_footer = True
    section = doc.sections[0]
    for footer, odd in ((section.footer, True), (section.even_page_footer, False)):
        footer.is_linked_to_previous = False
        _page_number(footer.paragraphs[0], odd=odd)


def _drop_thumbnail(doc: DocxDocument) -> None:
    # python-docx's stock template ships a thumbnail of an English page; Explorer would show it.
    rels = doc.part.package.rels
    for r_id, rel in list(rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            del rels[r_id]


def new_document(doc_title: str) -> DocxDocument:
    doc = Document()
    # The stock template body holds one empty paragraph before sectPr; remove it.
    for p in doc.element.body.findall(qn("w:p")):
        doc.element.body.remove(p)
    _document_defaults(doc)
    _page_setup(doc)
    _page_number_footers(doc)
    _drop_thumbnail(doc)
    lang = doc.settings.element.find(qn("w:themeFontLang"))
    if lang is not None:
        lang.set(qn("w:eastAsia"), "zh-CN")
    props = doc.core_properties
    props.title = doc_title
    props.author = "review-workflow"
    props.last_modified_by = "review-workflow"
    props.language = "zh-CN"
    props.created = props.modified = FIXED_TIME
    props.revision = 1
    return doc


# ---------------------------------------------------------------- finishing and saving


def _row_tag(tr: Any) -> str | None:
    text = "".join(t.text or "" for t in tr.iter(qn("w:t"))).strip()
    return text if text.startswith("{%tr ") else None


def finish(doc: DocxDocument) -> DocxDocument:
    """The table rules, applied to every table of the body once it is built:

    - the last two printed rows stay on one page (the one before the last is kept with it), so a form
      never leaves a single row, its date say, alone on the next page; in a table that ends in a row
      loop, the iteration before the last (unless the last row is already kept with the paragraph
      after the table, see keep_with_previous: then that row goes along with it);
    - a first row followed by a row loop ({%tr for …%}) is a header row: it repeats at the top of each
      page the table runs onto (w:tblHeader) and stays with the first row under it;
    - the paragraph just before a table stays with its first row.
    """
    for tbl in doc.element.body.findall(qn("w:tbl")):
        if not _last_row_kept(tbl):
            _keep_last_rows(tbl, 2, 2)
        rows = tbl.findall(qn("w:tr"))
        if len(rows) > 1 and (_row_tag(rows[1]) or "").startswith("{%tr for "):
            _row_flag(rows[0], "tblHeader")
            _keep_row(rows[0])
        previous = tbl.getprevious()
        if previous is not None and previous.tag == qn("w:p") and _tag_text(previous) is None:
            Paragraph(previous, None).paragraph_format.keep_with_next = True
    return doc


def deterministic_bytes(doc: DocxDocument) -> bytes:
    """Re-zip with fixed timestamps so an unchanged template gives an unchanged file."""
    raw = io.BytesIO()
    doc.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def meeting_lines(doc: DocxDocument) -> None:
    """The opening lines of a collective-discussion record (集体讨论记录, 重大复杂案件集体讨论笔录)."""
    for line in (
        "案由：{{ case.title }}",
        "当事人：{{ case.party }}",
        "时间：{{ payload.held_on|cn_date or doc.date }}",
        "地点：{{ payload.place }}",
        "主持人：{{ payload.host }}",
        "出席人员：{{ payload.attendees|join('、') }}",
        "汇报人：{{ payload.reporter }}",
        "记录人：{{ payload.recorder }}",
    ):
        body(doc, line, indent=False)
