"""Layout helpers for the .docx templates: GB/T 9704-2012 page, fonts, paragraphs, tables.

A4, 37/28 mm margins, a 156 × 225 mm text block, 22 lines of 3号 仿宋_GB2312. Every Jinja tag is
written as one whole run so docxtpl sees it intact; every run carries its East-Asian font and language,
because python-docx's font.name sets only the Latin font. The builders in templates_*.py use these.
"""

from __future__ import annotations

import datetime as dt
import io
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


def paragraph(
    container: Container,
    text: str = "",
    *,
    font: str = FANGSONG,
    size_pt: float = BODY_PT,
    align: WD_PARAGRAPH_ALIGNMENT | None = WD_PARAGRAPH_ALIGNMENT.JUSTIFY,
    indent: bool = False,
    right_indent_chars: int = 0,
) -> Paragraph:
    """One paragraph with direct formatting, so a table style cannot change the line grid."""
    p = container.add_paragraph()
    fmt = p.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(LINE_PT)
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    if align is not None:
        fmt.alignment = align
    if indent:
        fmt.first_line_indent = Pt(BODY_PT * 2)
    if right_indent_chars:
        fmt.right_indent = Pt(BODY_PT * right_indent_chars)
    if text:
        run(p, text, font=font, size_pt=size_pt)
    return p


def tag(container: Container, jinja: str) -> Paragraph:
    """A docxtpl paragraph/row tag ({%p ...%}, {%tr ...%}); docxtpl removes its whole paragraph or row."""
    return paragraph(container, jinja, align=None)


def title(doc: DocxDocument, text: str) -> Paragraph:
    return paragraph(doc, text, font=TITLE_FONT, size_pt=TITLE_PT, align=WD_PARAGRAPH_ALIGNMENT.CENTER)


def heading1(doc: DocxDocument, text: str) -> Paragraph:
    return paragraph(doc, text, font=HEITI, indent=True)


def heading2(doc: DocxDocument, text: str) -> Paragraph:
    return paragraph(doc, text, font=KAITI, indent=True)


def body(container: Container, text: str, *, indent: bool = True) -> Paragraph:
    return paragraph(container, text, indent=indent)


def number_line(doc: DocxDocument) -> Paragraph:
    paragraph(doc)  # GB/T 9704: one blank line below the title
    return paragraph(doc, "编号：{{ doc.number }}", align=WD_PARAGRAPH_ALIGNMENT.RIGHT)


def signature(doc: DocxDocument, label: str) -> Paragraph:
    # Underscores rather than underlined spaces: Word does not underline trailing spaces.
    return paragraph(doc, label + "_" * 16, align=WD_PARAGRAPH_ALIGNMENT.LEFT)


def date_line(doc: DocxDocument) -> Paragraph:
    # GB/T 9704 7.3.5.1: the date sits right-aligned, four characters in from the margin.
    return paragraph(doc, "{{ doc.date }}", align=WD_PARAGRAPH_ALIGNMENT.RIGHT, right_indent_chars=4)


def head(doc: DocxDocument, doc_title: str, *, issuer: str = "agency", number_label: str = "编号：") -> None:
    """The issuing agency's name and the document title (2号 小标宋), a blank line, the number line.

    Forms read "编号：…"; a letter to the party carries its bare 文号 (number_label="").
    """
    title(doc, "{{ " + issuer + ".name }}")
    title(doc, doc_title)
    paragraph(doc)
    paragraph(doc, number_label + "{{ doc.number }}", align=WD_PARAGRAPH_ALIGNMENT.RIGHT)


def addressee(doc: DocxDocument, name: str) -> Paragraph:
    """The salutation of a letter (主送机关 or the party), flush left and followed by a full-width colon."""
    return paragraph(doc, name + "：", align=WD_PARAGRAPH_ALIGNMENT.LEFT)


def numbered(container: Container, items: str, *, var: str = "item", indent: bool = True) -> None:
    """One paragraph per list item: "1. …"."""
    tag(container, "{%p for " + var + " in " + items + " %}")
    paragraph(container, "{{ loop.index }}. {{ " + var + " }}", indent=indent)
    tag(container, "{%p endfor %}")


def sign_off(
    doc: DocxDocument, name: str = "{{ agency.name }}", date: str = "{{ doc.date }}", *, seal: bool = True
) -> None:
    """The issuing agency and the date, right-aligned four characters in (GB/T 9704 7.3.5.1), and
    where the seal goes."""
    paragraph(doc)
    paragraph(doc, name, align=WD_PARAGRAPH_ALIGNMENT.RIGHT, right_indent_chars=4)
    paragraph(doc, date, align=WD_PARAGRAPH_ALIGNMENT.RIGHT, right_indent_chars=4)
    if seal:
        paragraph(doc, "（印章）", align=WD_PARAGRAPH_ALIGNMENT.RIGHT, right_indent_chars=4)


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


def add_row(t: Table, widths: list[Length]) -> list[_Cell]:
    cells = t.add_row().cells
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
    """A table with a 黑体 header row and one row per item of `loop` ("f in payload.findings")."""
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
    ppr = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr"))
    spacing = ppr.find(qn("w:spacing"))
    spacing.attrib.clear()
    spacing.set(qn("w:before"), "0")
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:line"), str(Pt(LINE_PT).twips))
    spacing.set(qn("w:lineRule"), "exact")

    normal = doc.styles["Normal"]
    _set_fonts(normal.element.get_or_add_rPr(), FANGSONG, BODY_PT)
    fmt = normal.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(LINE_PT)
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    fmt.alignment = WD_PARAGRAPH_ALIGNMENT.JUSTIFY


def _page_setup(doc: DocxDocument) -> None:
    section = doc.sections[0]
    section.page_width = Mm(210)
    section.page_height = Mm(297)
    section.top_margin = Mm(37)
    section.bottom_margin = Mm(35)
    section.left_margin = Mm(28)
    section.right_margin = Mm(26)
    section.header_distance = Mm(15)
    # The page number sits about 7 mm below the text block (GB/T 9704 7.5).
    section.footer_distance = Mm(23)
    # Line pitch only, no snapping grid: exact line spacing already gives 22 lines, and a "lines"
    # grid makes LibreOffice give the 2号 title two grid lines.
    section._sectPr.find(qn("w:docGrid")).set(qn("w:linePitch"), str(Pt(LINE_PT).twips))


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


def _page_number_footer(doc: DocxDocument) -> None:
    """Footer "— N —": a PAGE field between em dashes, 4号 宋体, centred."""
    footer = doc.sections[0].footer
    footer.is_linked_to_previous = False
    p = footer.paragraphs[0]
    p.paragraph_format.alignment = WD_PARAGRAPH_ALIGNMENT.CENTER
    run(p, "— ", font=PAGE_NUMBER_FONT, size_pt=PAGE_NUMBER_PT)
    _field_run(p, fld_char="begin")
    _field_run(p, instr=" PAGE ")
    _field_run(p, fld_char="separate")
    run(p, "1", font=PAGE_NUMBER_FONT, size_pt=PAGE_NUMBER_PT)
    _field_run(p, fld_char="end")
    run(p, " —", font=PAGE_NUMBER_FONT, size_pt=PAGE_NUMBER_PT)


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
    _page_number_footer(doc)
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


# ---------------------------------------------------------------- saving


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
        "时间：{{ doc.date }}",
        "地点：{{ payload.place }}",
        "主持人：{{ payload.host }}",
        "出席人员：{{ payload.attendees|join('、') }}",
        "汇报人：{{ payload.reporter }}",
        "记录人：{{ payload.recorder }}",
    ):
        body(doc, line, indent=False)
