"""Render the .docx documents of a case from doc_templates/ and number them (文号).

No database here: a context dict goes in, the bytes of a .docx come out.

A template is compiled once (per file version) and then rendered many times. Compiling reads the
package, gives every run of the parts that print (document, headers, footers, footnotes) its East-Asian
font and zh-CN, turns their XML into Jinja text with docxtpl's own tag rules (`{%p %}`, `{%tr %}`,
`{% vm %}`, …: docxtpl.DocxTemplate.patch_xml) and compiles that once. A render runs the compiled Jinja,
splits multi-line text into paragraphs, repairs the tables a loop may have emptied, and writes a new zip
in which every other part is copied as it is, still compressed. docxtpl itself parses and re-serialises
the whole package on every render; the text that comes out is the same (tests/unit/test_renderer.py).
"""

from __future__ import annotations

import datetime as dt
import io
import posixpath
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, NamedTuple

from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph
from docxtpl import DocxTemplate  # type: ignore[import-untyped]
from jinja2 import ChainableUndefined, Environment, Template, Undefined, nodes
from lxml import etree  # type: ignore[import-untyped]

from .masking import mask_id_number, mask_personal_info

# The names a template may use and what each holds; the renderer passes exactly these (paperwork.py).
# `agency` owns the case; `issuer` issues the document (the same agency, except a filing office's
# correction notice). None: the keys depend on the definition (its case fields, its events' records,
# its timers), which the loader checks per template.
DOCUMENT_CONTEXT: dict[str, frozenset[str] | None] = {
    "doc": frozenset({"number", "title", "date"}),
    "agency": frozenset({"name", "doc_code", "legal_office"}),
    "issuer": frozenset({"name", "doc_code", "legal_office"}),
    "counterpart": frozenset({"name", "doc_code", "legal_office"}),
    "case": frozenset({"id", "title", "party", "workflow_title", "handler_name", "state_title"}),
    "actor": frozenset({"name", "roles", "legal_qualification", "certificate_no"}),
    "event": frozenset(),
    "event_title": frozenset(),
    "payload": None,  # the fields of the event that issues the document
    "data": None,  # the case fields
    "events": None,  # each event's record: events.notify.served_on, events.notify.on
    "deadlines": None,  # each running timer: title, due, period
    "people": None,  # the people the case's `user` fields name, by id: name, certificate_no
    "issued": None,  # every document of the same move: kind, title, number (e.g. 双书同达)
    "choices": None,  # every field's choices, by path: choices['return.findings.item']
    "sheets": None,  # the definition's scoring sheets, by name: sheets.case_file.basic, .general, .groups
}
CONTEXT_KEYS = frozenset(DOCUMENT_CONTEXT)
DEADLINE_KEYS = frozenset({"title", "due", "period"})

DEFAULT_EAST_ASIA_FONT = "仿宋_GB2312"
EAST_ASIA_LANG = "zh-CN"

# Characters XML 1.0 forbids; one pasted from another program would make the part unreadable.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_CN_DIGITS = "零一二三四五六七八九"
_UPPER_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_UPPER_UNITS = ("", "拾", "佰", "仟")
_UPPER_GROUPS = ("", "万", "亿", "万亿")
_FEN = Decimal("0.01")

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


def _blank(value: Any) -> bool:
    return value is None or isinstance(value, Undefined) or value == ""


def cn_date(value: Any) -> str:
    """An ISO date ("2026-02-13", a date or a datetime) → 2026年2月13日; empty → "".

    Text that is not an ISO date (already 2026年2月13日, say) is returned as it is.
    """
    if _blank(value):
        return ""
    if isinstance(value, dt.datetime):
        return format_chinese_date(value.date())
    if isinstance(value, dt.date):
        return format_chinese_date(value)
    try:
        return format_chinese_date(dt.datetime.fromisoformat(str(value).strip()).date())
    except ValueError:
        return str(value)


def _amount(value: Any) -> Decimal | None:
    """A sum of money in yuan, rounded half up to the fen; None when blank."""
    if _blank(value):
        return None
    if isinstance(value, bool):
        raise ValueError(f"不是金额：{value!r}")
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except InvalidOperation:
        raise ValueError(f"不是金额：{value!r}") from None
    if not amount.is_finite():
        raise ValueError(f"不是金额：{value!r}")
    return amount.quantize(_FEN, rounding=ROUND_HALF_UP)


def yuan(value: Any) -> str:
    """200000 → 200,000.00元; blank → ""."""
    amount = _amount(value)
    return "" if amount is None else f"{amount:,.2f}元"


def _upper_group(n: int) -> str:
    """0 < n < 10000 in capital numerals, one 零 for each run of inner zeros: 1010 → 壹仟零壹拾."""
    out = ""
    zero = False
    for pos in range(3, -1, -1):
        digit = n // 10**pos % 10
        if digit == 0:
            zero = bool(out)
            continue
        if zero:
            out += "零"
            zero = False
        out += _UPPER_DIGITS[digit] + _UPPER_UNITS[pos]
    return out


def rmb_upper(value: Any) -> str:
    """A sum in capital Chinese numerals as written on a decision or a bank form.

    200000 → 人民币贰拾万元整; 1234567.89 → 人民币壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分;
    0.5 → 人民币伍角; 0 → 人民币零元整. 整 follows 元 only (支付结算办法: optional after 角).
    """
    amount = _amount(value)
    if amount is None:
        return ""
    if amount < 0:
        raise ValueError(f"金额不能为负数：{value!r}")
    fen_total = int(amount * 100)
    yuan_part, cents = divmod(fen_total, 100)
    jiao, fen = divmod(cents, 10)
    if yuan_part >= 10**16:
        raise ValueError(f"金额过大：{value!r}")
    words = ""
    groups = []
    rest = yuan_part
    while rest:
        rest, group = divmod(rest, 10000)
        groups.append(group)
    pending_zero = False
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            pending_zero = bool(words)
            continue
        if words and (pending_zero or group < 1000):
            words += "零"
        words += _upper_group(group) + _UPPER_GROUPS[index]
        pending_zero = False
    if words:
        words += "元"
    if not jiao and not fen:
        return "人民币" + (words or "零元") + "整"
    if jiao:
        words += _UPPER_DIGITS[jiao] + "角"
    elif words:
        words += "零"  # 1.05 → 壹元零伍分
    if fen:
        words += _UPPER_DIGITS[fen] + "分"
    return "人民币" + words


def make_jinja_env() -> Environment:
    """A new Jinja environment as templates are rendered with: autoescaped, our filters, and a missing
    key at any depth rendering empty (ChainableUndefined) instead of failing the transition."""
    env = Environment(
        autoescape=True,
        undefined=ChainableUndefined,
        finalize=lambda v: "" if v is None else v,
    )
    env.filters["cn_number"] = cn_number
    env.filters["cn_date"] = cn_date
    env.filters["yuan"] = yuan
    env.filters["rmb_upper"] = rmb_upper
    env.filters["mask_id"] = mask_id_number
    env.filters["mask_personal"] = mask_personal_info
    return env


@cache
def _jinja_env() -> Environment:
    return make_jinja_env()


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


# ---------------------------------------------------------------- compiling a template

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_OFFICE_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
# The parts of the main document that docxtpl renders besides the document itself.
_RENDERED_RELS = {
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/header",
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer",
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes",
}
_XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_DOS_DATE = (1980 - 1980) << 9 | 1 << 5 | 1  # 1980-01-01, 00:00: a render's bytes depend on its input only


@dataclass(frozen=True)
class _Entry:
    """One part of the package: copied as it is (its compressed bytes), or rendered from `template`."""

    name: bytes
    method: int
    crc: int
    size: int
    data: bytes  # compressed as stored in the template, for a copied part
    template: Template | None = None
    source: str = ""  # the Jinja text of a rendered part


@dataclass(frozen=True)
class CompiledTemplate:
    entries: tuple[_Entry, ...]

    @property
    def sources(self) -> list[str]:
        """The Jinja text of every rendered part (document, headers, footers, footnotes)."""
        return [e.source for e in self.entries if e.template is not None]


def _rels_targets(z: zipfile.ZipFile, part: str, types: set[str]) -> list[str]:
    """Package names of the internal targets of `part`'s relationships of the given types."""
    folder, base = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", base + ".rels")
    if rels not in z.namelist():
        return []
    out = []
    for rel in etree.fromstring(z.read(rels)).iter(f"{{{_REL}}}Relationship"):
        if rel.get("Type") in types and rel.get("TargetMode") != "External":
            target = rel.get("Target", "")
            out.append(target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target)))
    return out


def _rendered_parts(z: zipfile.ZipFile) -> list[str]:
    main = _rels_targets(z, "", {_OFFICE_DOCUMENT}) or ["word/document.xml"]
    return main[:1] + _rels_targets(z, main[0], _RENDERED_RELS)


def _jinja_source(part_xml: bytes) -> str:
    """A part's XML as the Jinja text to compile: every run with its East-Asian font and zh-CN, then
    docxtpl's tag rules, then each paragraph on its own line (as docxtpl does, so an error's line number
    points near the paragraph)."""
    root = etree.fromstring(part_xml)
    for r in root.iter(qn("w:r")):
        _ensure_east_asian(r)
    patched = _patcher().patch_xml(etree.tostring(root, encoding="unicode"))
    return re.sub(r"<w:p([ >])", r"\n<w:p\1", patched)


@cache
def _patcher() -> DocxTemplate:
    return DocxTemplate("")  # patch_xml uses no state of the instance


def _raw_data(path: Path, info: zipfile.ZipInfo) -> bytes:
    """The stored (compressed) bytes of one zip entry, read past its local header."""
    with path.open("rb") as f:
        f.seek(info.header_offset)
        header = f.read(30)
        if header[:4] != b"PK\x03\x04":
            raise zipfile.BadZipFile(f"{path}: bad local header for {info.filename}")
        name_len, extra_len = struct.unpack("<HH", header[26:30])
        f.seek(info.header_offset + 30 + name_len + extra_len)
        return f.read(info.compress_size)


def compile_template(path: Path) -> CompiledTemplate:
    """Read and compile a template; a Jinja syntax error raises TemplateSyntaxError."""
    env = _jinja_env()
    entries = []
    with zipfile.ZipFile(path) as z:
        rendered = set(_rendered_parts(z))
        for info in z.infolist():
            name = info.filename.encode("utf-8")
            data = z.read(info)
            text = data.decode("utf-8", "replace") if info.filename == "docProps/core.xml" else ""
            if info.filename in rendered:
                source = _jinja_source(data)
                entries.append(_Entry(name, 0, 0, 0, b"", env.from_string(source), source))
            elif "{{" in text or "{%" in text:  # properties (title, subject …) written with Jinja
                entries.append(_Entry(name, 0, 0, 0, b"", env.from_string(text), text))
            elif info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                entries.append(_Entry(name, zipfile.ZIP_DEFLATED, info.CRC, info.file_size, zlib.compress(data, 6)[2:-4]))
            else:
                raw = _raw_data(path, info)
                entries.append(_Entry(name, info.compress_type, info.CRC, info.file_size, raw))
    return CompiledTemplate(tuple(entries))


_COMPILED: dict[Path, tuple[tuple[int, int], CompiledTemplate]] = {}


def compiled_template(path: Path) -> CompiledTemplate:
    """The compiled template, compiled again when the file changes (its mtime or size)."""
    st = path.stat()
    stamp = (st.st_mtime_ns, st.st_size)
    hit = _COMPILED.get(path)
    if hit is not None and hit[0] == stamp:
        return hit[1]
    compiled = compile_template(path)
    if len(_COMPILED) >= 256:  # a bound, should templates be edited while running
        _COMPILED.clear()
    _COMPILED[path] = (stamp, compiled)
    return compiled


# ---------------------------------------------------------------- rendering

_LISTING = re.compile("[\a\t\f]")
_PPR = re.compile(r"<w:pPr>.*?</w:pPr>", re.DOTALL)
_RPR = re.compile(r"<w:rPr>.*?</w:rPr>", re.DOTALL)
_RUN = re.compile(r"<w:r(?: [^>]*)?>.*?</w:r>", re.DOTALL)
_TEXT = re.compile(r"<w:t(?: [^>]*)?>.*?</w:t>", re.DOTALL)
_KEEP_NEXT = re.compile(r"<w:keepNext(?: [^>]*)?/>")
# What _repair_tables looks for: a cell that ends without a paragraph, a table without rows.
_BROKEN_TABLE = re.compile(r"(?:<w:tc>|</w:tcPr>|</w:tbl>)\s*</w:tc>|</w:tblGrid>\s*</w:tbl>|<w:tblGrid/>\s*</w:tbl>")


def _split_paragraph(p_xml: str) -> str:
    """One paragraph whose text holds \\a (a line of a multi-line value), \\t or \\f, as docxtpl's
    resolve_listing writes it: \\a starts a new paragraph with the same paragraph and run properties,
    \\t is a tab, \\f a page break. A keep-with-next stays on the last of the new paragraphs only, so a
    long text does not become one block that cannot break across pages."""
    found = _PPR.search(p_xml)
    ppr = found.group(0) if found else ""
    loose = _KEEP_NEXT.sub("", ppr)
    breaks = p_xml.count("\a") + p_xml.count("\f")
    if breaks and loose != ppr:
        p_xml = p_xml.replace(ppr, loose, 1)
    seen = 0

    def new_paragraph(rpr: str, page_break: bool = False) -> str:
        nonlocal seen
        seen += 1
        props = ppr if seen == breaks else loose
        head = '<w:p><w:r><w:br w:type="page"/></w:r></w:p>' if page_break else ""
        return f'</w:t></w:r></w:p>{head}<w:p>{props}<w:r>{rpr}<w:t xml:space="preserve">'

    def run(m: re.Match[str]) -> str:
        found_rpr = _RPR.search(m.group(0))
        rpr = found_rpr.group(0) if found_rpr else ""

        def text(t: re.Match[str]) -> str:
            out = []
            for ch in t.group(0):
                if ch in "\a\f":
                    out.append(new_paragraph(rpr, page_break=ch == "\f"))
                elif ch == "\t":
                    out.append(f'</w:t></w:r><w:r>{rpr}<w:tab/></w:r><w:r>{rpr}<w:t xml:space="preserve">')
                else:
                    out.append(ch)
            return "".join(out)

        return _TEXT.sub(text, m.group(0))

    return _RUN.sub(run, p_xml)


def _resolve_listing(xml: str) -> str:
    """Split the paragraphs whose text holds \\a, \\t or \\f (see _split_paragraph); the rest is untouched."""
    out, pos = [], 0
    for m in _LISTING.finditer(xml):
        if m.start() < pos:
            continue
        start = max(xml.rfind("<w:p>", 0, m.start()), xml.rfind("<w:p ", 0, m.start()))
        end = xml.find("</w:p>", m.start()) + len("</w:p>")
        out.append(xml[pos:start])
        out.append(_split_paragraph(xml[start:end]))
        pos = end
    out.append(xml[pos:])
    return "".join(out)


def _render_part(template: Template, context: dict[str, Any]) -> bytes:
    xml = template.render(context)
    xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", xml)
    xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
    if _LISTING.search(xml):
        xml = _resolve_listing(xml)
    if _BROKEN_TABLE.search(xml):
        root = etree.fromstring(xml)
        _repair_tables(root)
        xml = etree.tostring(root, encoding="unicode")
    if not xml.startswith("<?xml"):
        xml = _XML_DECLARATION + xml
    return xml.encode("utf-8")


def _zip(entries: list[tuple[_Entry, bytes | None]]) -> bytes:
    """A zip of the entries: a copied entry as stored, a rendered one deflated. No data descriptors, no
    extra fields, fixed timestamps."""
    out = bytearray()
    central = bytearray()
    for entry, rendered in entries:
        if rendered is None:
            method, crc, size, data = entry.method, entry.crc, entry.size, entry.data
        else:
            method, crc, size = zipfile.ZIP_DEFLATED, zlib.crc32(rendered), len(rendered)
            deflate = zlib.compressobj(6, zlib.DEFLATED, -15)
            data = deflate.compress(rendered) + deflate.flush()
        offset = len(out)
        fields = (20, 0, method, 0, _DOS_DATE, crc, len(data), size, len(entry.name))
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, *fields, 0) + entry.name + data
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, *fields, 0, 0, 0, 0, 0, offset) + entry.name
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(central), len(out), 0)
    return bytes(out + central + end)


def render_document(template_path: Path, context: dict[str, Any]) -> bytes:
    """Render one template with the case context; every run has an East-Asian font and zh-CN."""
    compiled = compiled_template(template_path)
    ctx = _clean(context)
    return _zip([(e, None if e.template is None else _render_part(e.template, ctx)) for e in compiled.entries])


def render_with_docxtpl(template_path: Path, context: dict[str, Any]) -> bytes:
    """The same document rendered by docxtpl itself (parse, render, re-serialise the whole package):
    the reference the tests and the benchmark compare render_document with."""
    tpl = DocxTemplate(str(template_path))
    tpl.render(_clean(context), jinja_env=make_jinja_env(), autoescape=True)
    for root in _story_roots(tpl.docx):
        _repair_tables(root)
        for r in list(root.iter(qn("w:r"))):
            _ensure_east_asian(r)
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()


def _story_roots(docx: Any) -> list[Any]:
    roots = [docx.element]
    for rel in docx.part.rels.values():
        if rel.reltype in (RT.HEADER, RT.FOOTER) and not rel.is_external:
            roots.append(rel.target_part.element)
    return roots


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


class TemplateUse(NamedTuple):
    """What a template refers to: each chain of names it reads (("events", "notify", "on")), and the
    filters and tests it applies."""

    chains: frozenset[tuple[str, ...]]
    filters: frozenset[str]
    tests: frozenset[str]


def _chain(node: nodes.Node) -> tuple[str, ...] | None:
    """payload.findings → ("payload", "findings"); data["x"] → ("data", "x"); None if not rooted in a name."""
    parts: list[str] = []
    while True:
        if isinstance(node, nodes.Getattr):
            parts.append(node.attr)
            node = node.node
        elif isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
            parts.append(node.arg.value)
            node = node.node
        elif isinstance(node, nodes.Name):
            return (node.name, *reversed(parts))
        else:
            return None


@lru_cache(maxsize=256)
def _sources_of(template_path: Path, stamp: tuple[int, int]) -> tuple[str, ...]:
    with zipfile.ZipFile(template_path) as z:
        return tuple(_jinja_source(z.read(name)) for name in _rendered_parts(z))


def _template_sources(template_path: Path) -> tuple[str, ...]:
    """The Jinja text of a template's document, headers, footers and footnotes: what render_document
    compiles (parsed here without compiling, so a syntax error is reported, not raised at load)."""
    st = template_path.stat()
    return _sources_of(template_path, (st.st_mtime_ns, st.st_size))


def template_use(template_path: Path) -> TemplateUse:
    """Parse a template and list what it refers to; a syntax error raises TemplateSyntaxError."""
    env = _jinja_env()
    chains: set[tuple[str, ...]] = set()
    filters: set[str] = set()
    tests: set[str] = set()
    for source in _template_sources(template_path):
        tree = env.parse(source)
        local = {n.name for n in tree.find_all(nodes.Name) if n.ctx in ("store", "param")} | {"loop"}
        for node in tree.find_all((nodes.Getattr, nodes.Getitem, nodes.Name)):
            chain = _chain(node)
            if chain and chain[0] not in local:
                chains.add(chain)
        filters |= {f.name for f in tree.find_all(nodes.Filter)}
        tests |= {t.name for t in tree.find_all(nodes.Test)}
    return TemplateUse(frozenset(chains), frozenset(filters), frozenset(tests))


def template_problems(use: TemplateUse, allowed: dict[str, frozenset[str] | None]) -> list[str]:
    """What a parsed template uses that does not exist: a name, filter or test. `allowed` maps each
    context key to its known attributes (None: any)."""
    env = _jinja_env()
    problems = []
    for chain in sorted(use.chains):
        if chain[0] not in allowed:
            problems.append(f"使用了未知的名称 {chain[0]!r}")
        elif len(chain) > 1 and (keys := allowed[chain[0]]) is not None and chain[1] not in keys:
            problems.append(f"使用了未知的名称 {'.'.join(chain[:2])!r}")
    problems += [f"使用了未知的过滤器 {f!r}" for f in sorted(use.filters - set(env.filters))]
    problems += [f"使用了未知的测试 {t!r}" for t in sorted(use.tests - set(env.tests))]
    return problems


_COLUMN_LOOP = re.compile(r"{%-?\s*tc\s")


def has_column_loop(template_path: Path) -> bool:
    """docxtpl's {%tc %} repeats table cells and then fixes the table's column count; render_document
    does not do that fix, so such a template is refused at load."""
    with zipfile.ZipFile(template_path) as z:
        texts = [re.sub(r"<[^>]+>", "", z.read(name).decode("utf-8", "replace")) for name in _rendered_parts(z)]
    return any(_COLUMN_LOOP.search(text) for text in texts)


__all__ = [
    "CONTEXT_KEYS",
    "CompiledTemplate",
    "cn_date",
    "cn_number",
    "compile_template",
    "compiled_template",
    "document_text",
    "format_chinese_date",
    "format_document_number",
    "make_jinja_env",
    "render_document",
    "render_with_docxtpl",
    "rmb_upper",
    "template_problems",
    "template_use",
    "yuan",
]
