"""Render the .docx documents of a case from doc_templates/ and number them (文号).

No database here: a context dict goes in, the bytes of a .docx come out.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph
from docxtpl import DocxTemplate  # type: ignore[import-untyped]
from jinja2 import ChainableUndefined, Environment

# The names a template may use; the renderer passes exactly these.
CONTEXT_KEYS = frozenset({"doc", "agency", "case", "actor", "event", "event_title", "payload", "data"})

DEFAULT_EAST_ASIA_FONT = "仿宋_GB2312"
EAST_ASIA_LANG = "zh-CN"

# Characters XML 1.0 forbids; one pasted from another program would make the part unreadable.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_CN_DIGITS = "零一二三四五六七八九"

# w:rPr children that must come after w:lang (schema order).
_AFTER_LANG = {qn("w:eastAsianLayout"), qn("w:specVanish"), qn("w:oMath"), qn("w:rPrChange")}


def format_document_number(doc_code: str, year: int, serial: int) -> str:
    """代字〔年份〕序号号, e.g. 郑市监〔2026〕12号: full year, no zero padding."""
    if not doc_code:
        raise ValueError("文号代字不能为空")
    if not 1000 <= year <= 9999:
        raise ValueError(f"年份应为四位数：{year}")
    if serial < 1:
        raise ValueError(f"文号序号应从1开始：{serial}")
    return f"{doc_code}\u3014{year}\u3015{serial}号"


def format_chinese_date(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def cn_number(n: int) -> str:
    """1 → 一, 12 → 十二, 20 → 二十: for second-level headings （一）."""
    n = int(n)
    if not 0 < n < 100:
        return str(n)
    tens, units = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _CN_DIGITS[tens] + "十")
    return head + (_CN_DIGITS[units] if units else "")


def _jinja_env() -> Environment:
    # ChainableUndefined: a missing key at any depth renders empty instead of failing the transition.
    env = Environment(
        autoescape=True,
        undefined=ChainableUndefined,
        finalize=lambda v: "" if v is None else v,
    )
    env.filters["cn_number"] = cn_number
    return env


def _clean(value: Any) -> Any:
    """Copy the context with text made safe for XML; each line of a text becomes its own paragraph.

    docxtpl turns "\\a" into a new paragraph that keeps the paragraph's and the run's formatting,
    so a multi-line summary keeps its first-line indent on every line.
    """
    if isinstance(value, str):
        text = _XML_ILLEGAL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
        return text.replace("\n", "\a")
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    return value


def _ensure_east_asian(r: Any) -> None:
    rpr = r.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        r.insert(0, rpr)
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        at_style = rpr.find(qn("w:rStyle")) is not None
        rpr.insert(1 if at_style else 0, fonts)
        for attr in ("ascii", "hAnsi"):
            fonts.set(qn(f"w:{attr}"), DEFAULT_EAST_ASIA_FONT)
    if not fonts.get(qn("w:eastAsia")):
        fonts.set(qn("w:eastAsia"), DEFAULT_EAST_ASIA_FONT)
        fonts.attrib.pop(qn("w:eastAsiaTheme"), None)  # the theme would win over eastAsia
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        later = [i for i, child in enumerate(rpr) if child.tag in _AFTER_LANG]
        if later:
            rpr.insert(later[0], lang)
        else:
            rpr.append(lang)
    lang.set(qn("w:eastAsia"), EAST_ASIA_LANG)


def _repair_tables(root: Any) -> None:
    """A loop or condition may leave a cell without a paragraph or a table without rows; Word
    refuses both, so give the cell an empty paragraph and drop the empty table."""
    for tc in list(root.iter(qn("w:tc"))):
        blocks = [c for c in tc if c.tag != qn("w:tcPr")]
        if not blocks or blocks[-1].tag == qn("w:tbl"):
            tc.append(OxmlElement("w:p"))
    for tbl in list(root.iter(qn("w:tbl"))):
        if tbl.find(qn("w:tr")) is None:
            tbl.getparent().remove(tbl)


def _story_roots(docx: Any) -> list[Any]:
    roots = [docx.element]
    for rel in docx.part.rels.values():
        if rel.reltype in (RT.HEADER, RT.FOOTER) and not rel.is_external:
            roots.append(rel.target_part.element)
    return roots


def render_document(template_path: Path, context: dict[str, Any]) -> bytes:
    """Render one template with the case context; every run ends up with an East-Asian font and zh-CN."""
    tpl = DocxTemplate(str(template_path))
    tpl.render(_clean(context), jinja_env=_jinja_env(), autoescape=True)
    for root in _story_roots(tpl.docx):
        _repair_tables(root)
        for r in list(root.iter(qn("w:r"))):
            _ensure_east_asian(r)
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()


def _block_text(container: Any, seen: set[Any]) -> list[str]:
    lines: list[str] = []
    for item in container.iter_inner_content():
        if isinstance(item, Paragraph):
            lines.append(item.text)
        elif isinstance(item, Table):
            for row in item.rows:
                for cell in row.cells:
                    if cell._tc not in seen:  # a merged cell is listed once per grid column
                        seen.add(cell._tc)
                        lines.extend(_block_text(cell, seen))
    return lines


def document_text(data: bytes) -> str:
    """The text of every body paragraph and table cell, one paragraph per line, in reading order."""
    doc = Document(io.BytesIO(data))
    return "\n".join(_block_text(doc, set()))


def template_variables(template_path: Path) -> set[str]:
    """The top-level names a template uses, to check against CONTEXT_KEYS when workflows load."""
    return set(DocxTemplate(str(template_path)).get_undeclared_template_variables(jinja_env=_jinja_env()))


__all__ = [
    "CONTEXT_KEYS",
    "cn_number",
    "document_text",
    "format_chinese_date",
    "format_document_number",
    "render_document",
    "template_variables",
]
