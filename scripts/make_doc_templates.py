"""Build the docxtpl templates of the legal-review process into doc_templates/.

Layout follows GB/T 9704-2012 (A4, 37/28 mm margins, 156 × 225 mm text block, 22 lines of 3号 仿宋).
Every Jinja tag is written as one whole run so docxtpl sees it intact; every run carries its
East-Asian font and language, because python-docx's font.name sets only the Latin font.

Run: python scripts/make_doc_templates.py [output_dir]
"""

from __future__ import annotations

import datetime as dt
import io
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
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

OUT_DIR = Path(__file__).resolve().parent.parent / "doc_templates"

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


# ---------------------------------------------------------------- the three templates


def materials_cell(cell: _Cell) -> None:
    tag(cell, "{%p for m in payload.materials or data.materials %}")
    paragraph(cell, "{{ loop.index }}. {{ m }}")
    tag(cell, "{%p endfor %}")


def head_of_unit_cell(cell: _Cell) -> None:
    paragraph(cell)
    paragraph(cell, "签名：", align=None)


def review_submission_form() -> DocxDocument:
    """法制审核送审表."""
    doc = new_document("法制审核送审表")
    title(doc, "{{ agency.name }}")
    title(doc, "法制审核送审表")
    number_line(doc)
    t = table(doc, FORM_WIDTHS)
    form_row(t, "送审单位", "{{ agency.name }}")
    form_row(t, "承办人", "{{ case.handler_name }}")
    form_row(t, "案由", "{{ case.title }}")
    form_row(t, "当事人", "{{ case.party }}")
    # A resubmission may carry only its response: the rest comes from the case data.
    form_row(t, "案情摘要", "{{ payload.summary or data.summary }}")
    form_row(t, "拟作出的决定", "{{ payload.proposed_decision or data.proposed_decision }}")
    form_row(t, "送审材料", materials_cell)
    tag_row(t, "{%tr if payload.response %}")
    form_row(t, "对退回意见的说明", "{{ payload.response }}")
    tag_row(t, "{%tr endif %}")
    form_row(t, "送审日期", "{{ doc.date }}")
    form_row(t, "承办机构负责人意见", head_of_unit_cell)
    return doc


def findings_table(doc: DocxDocument) -> None:
    widths: list[Length] = [Mm(16), Mm(40), Mm(50), Mm(50)]
    t = table(doc, widths)
    for cell, text in zip(add_row(t, widths), ["序号", "审核事项", "存在问题", "修改建议"], strict=True):
        paragraph(cell, text, font=HEITI, align=WD_PARAGRAPH_ALIGNMENT.CENTER)
    tag_row(t, "{%tr for f in payload.findings %}", widths)
    cells = add_row(t, widths)
    paragraph(cells[0], "{{ loop.index }}", align=WD_PARAGRAPH_ALIGNMENT.CENTER)
    paragraph(cells[1], "{{ f.item }}")
    paragraph(cells[2], "{{ f.problem }}")
    paragraph(cells[3], "{{ f.suggestion }}")
    tag_row(t, "{%tr endfor %}", widths)


def review_opinion() -> DocxDocument:
    """法制审核意见书."""
    doc = new_document("法制审核意见书")
    title(doc, "{{ agency.name }}")
    title(doc, "法制审核意见书")
    number_line(doc)
    t = table(doc, FORM_WIDTHS)
    form_row(t, "送审单位", "{{ agency.name }}")
    form_row(t, "承办人", "{{ case.handler_name }}")
    form_row(t, "案由", "{{ case.title }}")
    form_row(t, "当事人", "{{ case.party }}")
    # The engine records each event's date as data.<event>_on; the latest submission is the receipt.
    form_row(t, "收案日期", "{{ data.submitted_at or data.resubmit_on or data.submit_on }}")
    form_row(t, "拟作出的决定", "{{ data.proposed_decision }}")
    heading1(doc, "一、审核结论")
    body(doc, "{% if event == 'approve' %}同意{% else %}存在问题{% endif %}")
    heading1(doc, "二、审核意见")
    body(doc, "{{ payload.opinion }}")
    heading1(doc, "三、是否需要补充材料")
    body(doc, "{% if payload.needs_supplement %}是{% else %}否{% endif %}")
    tag(doc, "{%p if payload.findings %}")
    heading1(doc, "四、审核发现的问题及修改建议")
    findings_table(doc)
    tag(doc, "{%p endif %}")
    paragraph(doc)
    body(doc, "审核人：{{ actor.name }}", indent=False)
    body(doc, "法律职业资格证号：{{ actor.legal_qualification }}", indent=False)
    signature(doc, "法制机构负责人（签名）：")
    date_line(doc)
    return doc


def collective_discussion_record() -> DocxDocument:
    """集体讨论记录."""
    doc = new_document("集体讨论记录")
    title(doc, "{{ agency.name }}")
    title(doc, "集体讨论记录")
    number_line(doc)
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
    heading1(doc, "一、案情摘要")
    body(doc, "{{ data.summary }}")
    heading1(doc, "二、法制审核意见")
    body(doc, "{{ data.review_opinion or data.opinion }}")
    heading1(doc, "三、讨论发言")
    tag(doc, "{%p for v in payload.views %}")
    heading2(doc, "（{{ loop.index|cn_number }}）{{ v.name }}")
    body(doc, "{{ v.view }}")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p if not payload.views %}")
    body(doc, "（无书面发言记录）")
    tag(doc, "{%p endif %}")
    heading1(doc, "四、讨论结论")
    body(doc, "{{ payload.conclusion }}")
    heading1(doc, "五、会议纪要")
    body(doc, "{{ payload.minutes }}")
    paragraph(doc)
    signature(doc, "主持人签名：")
    signature(doc, "记录人签名：")
    signature(doc, "出席人员签名：")
    paragraph(doc)
    paragraph(doc)
    return doc


TEMPLATES: dict[str, Callable[[], DocxDocument]] = {
    "review_submission_form.docx": review_submission_form,
    "review_opinion.docx": review_opinion,
    "collective_discussion_record.docx": collective_discussion_record,
}


def _deterministic_bytes(doc: DocxDocument) -> bytes:
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


def main(out_dir: Path = OUT_DIR) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, build in TEMPLATES.items():
        path = out_dir / name
        path.write_bytes(_deterministic_bytes(build()))
        written.append(path)
    return written


if __name__ == "__main__":
    for p in main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT_DIR):
        print(p)
