"""Layout that holds: every template, rendered with its realistic context and with a much longer one,
carries the properties that keep pages whole (GB/T 9704-2012) in its XML.

The page-by-page check of what these properties do is tests/integration/test_pdf_pages.py (LibreOffice).
"""

from __future__ import annotations

import copy
import io
import math
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from lxml import etree  # type: ignore[import-untyped]

from review_workflow.core.documents import render_document
from tests.unit.test_documents import REVIEW_REALISTIC
from tests.unit.test_penalty_documents import REALISTIC

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
CONTEXTS: dict[Path, Callable[[], dict[str, Any]]] = {**REVIEW_REALISTIC, **REALISTIC}
TEMPLATES = sorted(CONTEXTS, key=lambda t: t.name)
TITLE_FONT, HEADING_FONTS = "方正小标宋简体", {"黑体", "楷体_GB2312"}
SIGNATURE = re.compile(r"^（印章）$|签名：_+$|^审核人：")
_DATE_LIKE = re.compile(r"^\d{4}-\d{2}-\d{2}$|^\d{4}年")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def lengthened(ctx: dict[str, Any], times: int) -> dict[str, Any]:
    """The same case written at length: each free text of the event, the case and the earlier events
    `times` times over, each list (of findings, evidence, speakers …) `times` times as many items, each
    item as it was. Dates, numbers and names stay as they are."""

    def longer(value: Any, key: str = "") -> Any:
        if isinstance(value, str):
            free_text = len(value) >= 8 and _CJK.search(value) and not _DATE_LIKE.match(value)
            return value * times if free_text and key not in ("decision_no", "name", "party") else value
        if isinstance(value, dict):
            return {k: longer(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return copy.deepcopy(value) * times
        return value

    out = copy.deepcopy(ctx)
    for key in ("payload", "data", "events"):
        if key in out:
            out[key] = longer(out[key])
    return out


def part(data: bytes, name: str) -> Any:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return etree.fromstring(z.read(name))


def on(el: Any) -> bool:
    """A w:keepNext-like switch: present and not turned off."""
    return el is not None and el.get(f"{W}val") not in ("0", "false", "off")


def text(el: Any) -> str:
    return "".join(t.text or "" for t in el.iter(f"{W}t"))


def fonts(p: Any) -> set[str]:
    return {f.get(f"{W}eastAsia") for f in p.iter(f"{W}rFonts")} - {None}


def keeps(p: Any) -> bool:
    return on(p.find(f"{W}pPr/{W}keepNext"))


RENDERS = [(t, n) for t in TEMPLATES for n in (1, 4)]


@pytest.fixture(scope="module", params=RENDERS, ids=lambda tn: f"{tn[0].stem}-x{tn[1]}")
def rendered(request: pytest.FixtureRequest) -> tuple[Path, bytes]:
    template, times = request.param
    return template, render_document(template, lengthened(CONTEXTS[template](), times))


def test_the_grid_holds_22_lines_of_28_characters(rendered: tuple[Path, bytes]) -> None:
    document = part(rendered[1], "word/document.xml")
    sect = document.find(f"{W}body/{W}sectPr")
    grid = sect.find(f"{W}docGrid")
    assert grid.get(f"{W}type") == "linesAndChars"
    size, margins = sect.find(f"{W}pgSz"), sect.find(f"{W}pgMar")
    text_pt = (int(size.get(f"{W}w")) - int(margins.get(f"{W}left")) - int(margins.get(f"{W}right"))) / 20
    block_pt = (int(size.get(f"{W}h")) - int(margins.get(f"{W}top")) - int(margins.get(f"{W}bottom"))) / 20
    pitch = 16 + int(grid.get(f"{W}charSpace")) / 4096  # 3号 + charSpace in 1/4096 pt
    assert math.floor(text_pt / pitch) == 28
    assert math.floor(block_pt / (int(grid.get(f"{W}linePitch")) / 20)) == 22
    # the letter spacing makes the same 28 fit where the grid is not applied (LibreOffice)
    styles = part(rendered[1], "word/styles.xml")
    spacing = int(styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}spacing").get(f"{W}val"))
    assert math.floor(text_pt / (16 + spacing / 20)) == 28


def test_page_numbers_odd_right_even_left(rendered: tuple[Path, bytes]) -> None:
    data = rendered[1]
    assert on(part(data, "word/settings.xml").find(f"{W}evenAndOddHeaders"))
    rels = {
        r.get("Id"): r.get("Target")
        for r in part(data, "word/_rels/document.xml.rels")
        if r.get("Type", "").endswith("/footer")
    }
    sect = part(data, "word/document.xml").find(f"{W}body/{W}sectPr")
    refs = {ref.get(f"{W}type"): rels[ref.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")]
            for ref in sect.findall(f"{W}footerReference")}
    for kind, align, side in (("default", "right", "right"), ("even", "left", "left")):
        p = part(data, "word/" + refs[kind]).find(f"{W}p")
        assert p.find(f"{W}pPr/{W}jc").get(f"{W}val") == align
        assert p.find(f"{W}pPr/{W}ind").get(f"{W}{side}") == "280"  # one 4号 character (14 pt)
        assert text(p).startswith("— ") and text(p).endswith(" —")


def test_titles_and_headings_are_kept_with_the_next_paragraph(rendered: tuple[Path, bytes]) -> None:
    body = part(rendered[1], "word/document.xml").find(f"{W}body")
    paragraphs = body.findall(f"{W}p")  # outside tables
    titles = [p for p in paragraphs if fonts(p) == {TITLE_FONT}]
    headings = [p for p in paragraphs if fonts(p) & HEADING_FONTS and text(p)]
    assert len(titles) == 2
    for p in titles + headings:
        assert keeps(p), text(p)
    # the title block runs on to the number line, which stays with what follows
    number = paragraphs[paragraphs.index(titles[1]) + 2]
    assert "〔2026〕" in text(number) and keeps(number) and keeps(paragraphs[paragraphs.index(titles[1]) + 1])


def test_the_sign_off_stays_together_and_with_the_text_before_it(rendered: tuple[Path, bytes]) -> None:
    template, data = rendered
    body = part(data, "word/document.xml").find(f"{W}body")
    blocks = [el for el in body if el.tag in (f"{W}p", f"{W}tbl")]
    starts = [i for i, el in enumerate(blocks) if el.tag == f"{W}p" and SIGNATURE.search(text(el))]
    if not starts:  # a form: signed in its table
        assert template.stem.endswith(("_approval", "_form", "_receipt", "_notice"))
        return
    first = starts[0]
    last = max(i for i, el in enumerate(blocks) if el.tag == f"{W}p" and text(el))
    if template.stem in ("filing_report",):  # the contact line after the date is not signed
        last -= 1
    for el in blocks[first:last]:
        assert keeps(el), text(el)
    before = next(el for el in reversed(blocks[:first]) if el.tag == f"{W}tbl" or text(el))
    if before.tag == f"{W}tbl":  # the last row of a table before it
        last_row = before.findall(f"{W}tr")[-1]
        assert all(keeps(p) for p in last_row.iter(f"{W}p"))
    else:
        assert keeps(before), text(before)
    if template.stem not in ("review_opinion", "collective_discussion_record", "penalty_discussion_record", "hearing_record"):
        seal, agency, date = (text(el) for el in blocks[first : first + 3])
        assert seal == "（印章）"  # the seal area above the agency and the date it is pressed over
        assert agency.endswith(("郑州市市场监督管理局", "郑州市司法局")) and date.startswith("2026年")


def test_table_rows_never_split_header_rows_repeat_and_the_last_two_stay_together(
    rendered: tuple[Path, bytes],
) -> None:
    body = part(rendered[1], "word/document.xml").find(f"{W}body")
    for tbl in body.iter(f"{W}tbl"):
        rows = tbl.findall(f"{W}tr")
        assert rows
        for i, tr in enumerate(rows):
            assert on(tr.find(f"{W}trPr/{W}cantSplit")), text(tr)
            header = on(tr.find(f"{W}trPr/{W}tblHeader"))
            heiti = {f for p in tr.iter(f"{W}p") for f in fonts(p)} == {"黑体"}
            assert header == (i == 0 and heiti), text(tr)  # the 黑体 column titles of a list
        if len(rows) > 1:  # the last two together, unless the last goes with the text after the table
            kept = [all(keeps(p) for p in tr.iter(f"{W}p")) for tr in rows[-2:]]
            assert kept in ([True, False], [False, True]), text(rows[-2])
        for tr in rows[:-2]:
            if not on(tr.find(f"{W}trPr/{W}tblHeader")):
                assert not any(keeps(p) for p in tr.iter(f"{W}p")), text(tr)


def test_no_jinja_is_left_in_the_properties(rendered: tuple[Path, bytes]) -> None:
    with zipfile.ZipFile(io.BytesIO(rendered[1])) as z:
        for name in z.namelist():
            if name.endswith(".xml"):
                xml = z.read(name).decode()
                assert "{{" not in xml and "{%" not in xml, name


def test_a_long_text_keeps_only_its_last_paragraph_with_the_next() -> None:
    """A multi-line value in a paragraph kept with the next (the minutes before the signatures) becomes
    many paragraphs: only the last stays with what follows, or the whole text would be one block."""
    template = next(t for t in TEMPLATES if t.stem == "collective_discussion_record")
    ctx = lengthened(CONTEXTS[template](), 3)
    body = part(render_document(template, ctx), "word/document.xml").find(f"{W}body")
    paragraphs = [p for p in body.findall(f"{W}p") if text(p)]
    minutes = paragraphs.index(next(p for p in paragraphs if text(p) == "七、会议纪要"))
    count = ctx["payload"]["minutes"].count("\n") + 1
    lines = paragraphs[minutes + 1 : minutes + 1 + count]
    assert count == 7 and [keeps(p) for p in lines] == [False] * 6 + [True]
    assert keeps(paragraphs[minutes + 1 + count])  # the signatures, kept together
