"""The legal-review documents: rendered from doc_templates/, laid out per GB/T 9704-2012."""

from __future__ import annotations

import copy
import datetime as dt
import io
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.document import Document as DocxDocument
from docx.enum.text import WD_LINE_SPACING, WD_PARAGRAPH_ALIGNMENT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from lxml import etree  # type: ignore[import-untyped]

from review_workflow.config import PROJECT_ROOT
from review_workflow.core.documents import (
    CONTEXT_KEYS,
    cn_number,
    document_text,
    format_chinese_date,
    format_document_number,
    render_document,
    template_use,
)
from review_workflow.core.loader import load_definition
from review_workflow.services.paperwork import field_choices
from tests.unit.engine_shaped import split

TEMPLATES = Path(__file__).resolve().parents[2] / "doc_templates"
SUBMISSION = TEMPLATES / "review_submission_form.docx"
OPINION = TEMPLATES / "review_opinion.docx"
DISCUSSION = TEMPLATES / "collective_discussion_record.docx"
ALL_TEMPLATES = [SUBMISSION, OPINION, DISCUSSION]

HOSTILE = "<script>&\"'"


REVIEW = load_definition(PROJECT_ROOT / "workflows" / "major_decision_review.yaml", PROJECT_ROOT / "doc_templates")
CHECKLIST = field_choices(REVIEW)["return.findings.item"]


def base_context() -> dict[str, Any]:
    return {
        "doc": {"number": "郑市监〔2026〕3号", "title": "法制审核意见书", "date": "2026年3月5日"},
        "agency": {"name": "郑州市市场监督管理局", "doc_code": "郑市监", "legal_office": "郑州市市场监督管理局法制科"},
        "case": {
            "id": 12,
            "title": "（案由）某公司销售不合格产品案",
            "party": f"某某{HOSTILE}有限公司",
            "workflow_title": "重大执法决定法制审核",
            "handler_name": "张三",
            "state_title": "法制审核中",
        },
        "actor": {
            "name": "李四",
            "roles": ["reviewer"],
            "legal_qualification": "A20161234",
            "certificate_no": "",
        },
        "event": "approve",
        "event_title": "同意",
        "payload": {},
        "data": {
            "summary": "经查，当事人销售的电热水壶经抽检不合格。\n货值金额一万二千元。",
            "proposed_decision": "没收违法所得，并处货值金额三倍罚款",
        },
        "events": {
            "submit": {
                "summary": "经查，当事人销售的电热水壶经抽检不合格。\n货值金额一万二千元。",
                "proposed_decision": "没收违法所得，并处货值金额三倍罚款",
                "materials": ["立案审批表", "调查终结报告"],
                "on": "2026-03-01",
            },
            "return": {"opinion": "事实清楚，证据充分，同意拟作出的决定。", "on": "2026-03-03"},
            "object": {"reason": "证据已经充分，裁量适当。", "on": "2026-03-04"},
        },
        "choices": field_choices(REVIEW),
    }


def fired(ctx: dict[str, Any]) -> dict[str, Any]:
    """The context after the engine recorded the event: its record, and the case fields it updates."""
    data, events = split(ctx["event"], ctx["payload"], {}, "major_decision_review")
    ctx["data"] = {**ctx["data"], **data}
    ctx["events"] = {**ctx["events"], **events}
    return ctx


def submit_context() -> dict[str, Any]:
    ctx = base_context()
    ctx.update(event="resubmit", event_title="重新送审")
    ctx["payload"] = {
        "summary": "第一段：当事人销售不合格产品。\n第二段：货值金额一万二千元。",
        "proposed_decision": "罚款三万六千元",
        "materials": ["立案审批表", "调查终结报告", "行政处罚事先告知书及送达回证"],
        "response": "已按退回意见补充听证笔录。",
    }
    return fired(ctx)


def return_context() -> dict[str, Any]:
    ctx = base_context()
    ctx.update(event="return", event_title="退回")
    ctx["payload"] = {
        "opinion": f"证据不足{HOSTILE}，请补充。",
        "findings": [
            {"item": "程序是否合法", "problem": "未送达事先告知书", "suggestion": "补充送达回证"},
            {"item": "适用法律是否准确、裁量基准运用是否适当", "problem": "未说明从重理由"},
        ],
        "needs_supplement": True,
    }
    return fired(ctx)


def approve_context() -> dict[str, Any]:
    ctx = base_context()
    ctx["payload"] = {"opinion": f"同意{HOSTILE}。"}
    return fired(ctx)


def decide_context() -> dict[str, Any]:
    ctx = base_context()
    ctx.update(event="decide", event_title="集体讨论决定")
    ctx["payload"] = {
        "conclusion": "同意",
        "attendees": ["王局长", "赵副局长", "钱主任"],
        "minutes": "会议认为事实清楚。\n同意按拟作出的决定执行。\n由承办机构送达。",
        "place": "局三楼会议室",
        "host": "王局长",
        "reporter": "张三",
        "recorder": "孙六",
        "views": [{"name": "王局长", "view": "同意。"}, {"name": "赵副局长", "view": "同意，注意送达期限。"}],
    }
    return fired(ctx)


# Each review template with the event that produces it in practice (the penalty ones: REALISTIC in
# test_penalty_documents.py).
REVIEW_REALISTIC = {SUBMISSION: submit_context, OPINION: return_context, DISCUSSION: decide_context}


def lines(data: bytes) -> list[str]:
    return document_text(data).split("\n")


def after(all_lines: list[str], label: str) -> str:
    return all_lines[all_lines.index(label) + 1]


def open_docx(data: bytes) -> DocxDocument:
    return docx.Document(io.BytesIO(data))


def story_roots(document: DocxDocument) -> Iterator[Any]:
    yield document.element.body
    for rel in document.part.rels.values():
        if rel.reltype in (RT.HEADER, RT.FOOTER):
            yield rel.target_part.element


def all_runs(document: DocxDocument) -> list[Any]:
    return [r for root in story_roots(document) for r in root.iter(qn("w:r"))]


def east_asia(run_element: Any) -> str | None:
    fonts = run_element.find(qn("w:rPr") + "/" + qn("w:rFonts"))
    return None if fonts is None else fonts.get(qn("w:eastAsia"))


def paragraph_with(document: DocxDocument, text: str) -> Any:
    for p in document.paragraphs:
        if p.text == text:
            return p
    raise AssertionError(f"no paragraph reads {text!r}")


def render_realistic(template: Path) -> bytes:
    """Each template with the event that produces it in practice."""
    return render_document(template, REVIEW_REALISTIC[template]())


# ---------------------------------------------------------------- numbers and dates


def test_document_number_reads_code_full_year_in_tortoise_brackets_and_unpadded_serial() -> None:
    assert format_document_number("郑市监", 2026, 12) == "郑市监\u30142026\u301512号"
    assert format_document_number("豫司", 2025, 3) == "豫司〔2025〕3号"


@pytest.mark.parametrize(("code", "year", "serial"), [("", 2026, 1), ("郑市监", 26, 1), ("郑市监", 2026, 0)])
def test_document_number_refuses_impossible_parts(code: str, year: int, serial: int) -> None:
    with pytest.raises(ValueError):
        format_document_number(code, year, serial)


def test_chinese_date_has_no_leading_zeros() -> None:
    assert format_chinese_date(dt.date(2026, 3, 5)) == "2026年3月5日"
    assert format_chinese_date(dt.date(2026, 12, 31)) == "2026年12月31日"


def test_second_level_heading_numbers_are_chinese() -> None:
    assert [cn_number(n) for n in (1, 9, 10, 11, 20, 23)] == ["一", "九", "十", "十一", "二十", "二十三"]


# ---------------------------------------------------------------- 法制审核送审表


def test_submission_form_shows_every_submitted_field() -> None:
    text = lines(render_document(SUBMISSION, submit_context()))
    assert after(text, "送审单位") == "郑州市市场监督管理局"
    assert after(text, "承办人") == "张三"
    assert after(text, "案由") == "（案由）某公司销售不合格产品案"
    assert after(text, "当事人") == f"某某{HOSTILE}有限公司"
    assert after(text, "拟作出的决定") == "罚款三万六千元"
    assert after(text, "对退回意见的说明") == "已按退回意见补充听证笔录。"
    assert after(text, "送审日期") == "2026年3月5日"
    assert "编号：郑市监〔2026〕3号" in text
    materials = text[text.index("送审材料") + 1 : text.index("送审材料") + 4]
    assert materials == ["1. 立案审批表", "2. 调查终结报告", "3. 行政处罚事先告知书及送达回证"]


def test_each_line_of_a_multi_line_text_becomes_its_own_indented_paragraph() -> None:
    document = open_docx(render_document(DISCUSSION, decide_context()))
    first = paragraph_with(document, "会议认为事实清楚。")
    third = paragraph_with(document, "由承办机构送达。")
    assert third.paragraph_format.first_line_indent == first.paragraph_format.first_line_indent
    for p in (first, third):  # two characters of the grid
        assert p._p.pPr.find(qn("w:ind")).get(qn("w:firstLineChars")) == "200"
    assert {east_asia(r._r) for r in third.runs} == {"仿宋_GB2312"}


def test_first_submission_has_no_response_row() -> None:
    ctx = submit_context()
    del ctx["payload"]["response"]
    text = lines(render_document(SUBMISSION, ctx))
    assert "对退回意见的说明" not in text
    assert "送审日期" in text


def test_resubmission_with_only_a_response_takes_the_rest_from_case_data() -> None:
    ctx = submit_context()
    ctx["payload"] = {"response": "已补充。"}
    ctx["data"] = base_context()["data"]
    text = lines(render_document(SUBMISSION, ctx))
    assert after(text, "拟作出的决定") == "没收违法所得，并处货值金额三倍罚款"
    assert after(text, "案情摘要") == "经查，当事人销售的电热水壶经抽检不合格。"
    assert text[text.index("送审材料") + 1 : text.index("送审材料") + 3] == [
        "1. 立案审批表",
        "2. 调查终结报告",
    ]


def test_the_receipt_date_is_the_latest_submission_and_the_record_states_the_returned_opinion() -> None:
    # The engine keeps the day of each event in its record (events.<event>.on).
    events = {
        "submit": {"on": "2026-02-02"},
        "resubmit": {"on": "2026-02-09"},
        "return": {"opinion": "同意。", "on": "2026-02-05"},
    }
    opinion = return_context()
    opinion["events"] = {**events, "return": opinion["events"]["return"]}
    assert after(lines(render_document(OPINION, opinion)), "收案日期") == "2026年2月9日"
    record = decide_context()
    record["events"] = {**events, "decide": record["events"]["decide"]}
    assert after(lines(render_document(DISCUSSION, record)), "三、法制审核意见") == "同意。"


def test_empty_materials_still_leave_every_table_cell_with_a_paragraph() -> None:
    ctx = submit_context()
    ctx["payload"]["materials"] = []
    ctx["events"]["submit"]["materials"] = []
    document = open_docx(render_document(SUBMISSION, ctx))
    cells = list(document.element.body.iter(qn("w:tc")))
    assert cells
    assert all(tc.find(qn("w:p")) is not None for tc in cells)


# ---------------------------------------------------------------- 法制审核意见书


def test_opinion_for_approve_concludes_agree() -> None:
    text = lines(render_document(OPINION, approve_context()))
    assert after(text, "一、审核结论") == "同意"
    assert after(text, "四、是否需要补充材料") == "否"
    assert after(text, "法制机构") == "郑州市市场监督管理局法制科"


def test_opinion_for_return_concludes_problems_and_asks_for_materials() -> None:
    text = lines(render_document(OPINION, return_context()))
    assert after(text, "一、审核结论") == "存在问题"
    assert after(text, "三、审核意见") == f"证据不足{HOSTILE}，请补充。"
    assert after(text, "四、是否需要补充材料") == "是"


def test_opinion_shows_case_reviewer_and_dates() -> None:
    text = lines(render_document(OPINION, return_context()))
    assert after(text, "收案日期") == "2026年3月1日"
    assert after(text, "拟作出的决定") == "没收违法所得，并处货值金额三倍罚款"
    assert after(text, "当事人") == f"某某{HOSTILE}有限公司"
    assert "审核人：李四" in text
    assert "法律职业资格证号：A20161234" in text
    assert any(line.startswith("法制机构负责人（签名）：") for line in text)
    assert text[-1] == "2026年3月5日"


def _checklist(ctx: dict[str, Any]) -> list[list[str]]:
    document = open_docx(render_document(OPINION, ctx))
    [findings] = [t for t in document.tables if t.rows[0].cells[1].text == "审核事项"]
    return [[c.text for c in row.cells] for row in findings.rows]


def test_opinion_goes_through_every_checklist_item_and_states_each_problem() -> None:
    rows = _checklist(return_context())
    assert rows[0] == ["序号", "审核事项", "审核结论", "存在的问题及修改建议"]
    assert [r[1] for r in rows[1:]] == CHECKLIST  # every item of art. 58's checklist, in order
    by_item = {r[1]: (r[2], r[3]) for r in rows[1:]}
    assert by_item["程序是否合法"] == ("存在问题", "未送达事先告知书（修改建议：补充送达回证）")
    assert by_item["适用法律是否准确、裁量基准运用是否适当"] == ("存在问题", "未说明从重理由")
    assert by_item["执法主体是否合法"] == ("符合", "")


def test_an_approval_finds_every_item_in_order() -> None:
    rows = _checklist(approve_context())
    assert [(r[1], r[2]) for r in rows[1:]] == [(item, "符合") for item in CHECKLIST]


# ---------------------------------------------------------------- 集体讨论记录


def test_discussion_record_shows_meeting_speakers_and_conclusion() -> None:
    text = lines(render_document(DISCUSSION, decide_context()))
    for expected in (
        "案由：（案由）某公司销售不合格产品案",
        "时间：2026年3月5日",
        "地点：局三楼会议室",
        "主持人：王局长",
        "出席人员：王局长、赵副局长、钱主任",
        "汇报人：张三",
        "记录人：孙六",
    ):
        assert expected in text
    assert after(text, "一、案情摘要") == "经查，当事人销售的电热水壶经抽检不合格。"
    assert after(text, "二、拟作出的决定") == "没收违法所得，并处货值金额三倍罚款"
    assert after(text, "三、法制审核意见") == "事实清楚，证据充分，同意拟作出的决定。"
    assert after(text, "四、承办机构的异议") == "证据已经充分，裁量适当。"
    assert after(text, "（一）王局长") == "同意。"
    assert after(text, "（二）赵副局长") == "同意，注意送达期限。"
    assert after(text, "六、讨论结论") == "同意"
    i = text.index("七、会议纪要")
    assert text[i + 1 : i + 4] == ["会议认为事实清楚。", "同意按拟作出的决定执行。", "由承办机构送达。"]
    assert any(line.startswith("主持人签名：") for line in text)
    assert any(line.startswith("出席人员签名：") for line in text)


def test_headings_use_heiti_and_kaiti() -> None:
    document = open_docx(render_document(DISCUSSION, decide_context()))
    first = paragraph_with(document, "一、案情摘要")
    second = paragraph_with(document, "（一）王局长")
    assert {east_asia(r._r) for r in first.runs} == {"黑体"}
    assert {east_asia(r._r) for r in second.runs} == {"楷体_GB2312"}
    body = paragraph_with(document, "同意。")
    assert {east_asia(r._r) for r in body.runs} == {"仿宋_GB2312"}


# ---------------------------------------------------------------- escaping, missing keys, odd input


@pytest.mark.parametrize(("template", "make"), [(SUBMISSION, submit_context), (OPINION, return_context)])
def test_markup_characters_in_user_text_are_shown_literally(template: Path, make: Any) -> None:
    data = render_document(template, make())
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        etree.fromstring(z.read("word/document.xml"))  # well-formed
    text = document_text(data)
    assert f"某某{HOSTILE}有限公司" in text
    assert "&amp;" not in text and "&#" not in text


@pytest.mark.parametrize("template", ALL_TEMPLATES, ids=lambda t: t.stem)
def test_missing_optional_keys_render_blank(template: Path) -> None:
    ctx = base_context()
    ctx["data"] = ctx["events"] = {}
    ctx["payload"] = {}
    del ctx["event_title"]
    text = lines(render_document(template, ctx))
    assert "None" not in "".join(text)
    assert "郑州市市场监督管理局" in text


def test_missing_data_dict_and_none_values_render_blank() -> None:
    ctx = return_context()
    del ctx["data"], ctx["events"]
    ctx["actor"]["legal_qualification"] = None
    text = lines(render_document(OPINION, ctx))
    assert after(text, "收案日期") == ""
    assert "法律职业资格证号：无（2021年7月15日前已从事法制审核）" in text


def test_control_characters_pasted_into_a_field_are_dropped() -> None:
    ctx = submit_context()
    ctx["case"]["party"] = "某某\x01公司\x0c"
    ctx["data"]["summary"] = "甲\r\n乙"
    text = lines(render_document(SUBMISSION, ctx))
    assert after(text, "当事人") == "某某公司"
    assert text[text.index("案情摘要") + 1 : text.index("案情摘要") + 3] == ["甲", "乙"]


def test_template_names_only_context_keys() -> None:
    used = {t.name: {c[0] for c in template_use(t).chains} for t in ALL_TEMPLATES}
    assert used["review_submission_form.docx"] == {"doc", "agency", "case", "actor", "payload", "data", "events", "people"}
    assert used["review_opinion.docx"] == {"doc", "agency", "case", "actor", "event", "payload", "data", "events", "choices"}
    assert used["collective_discussion_record.docx"] == {"doc", "agency", "case", "payload", "data", "events"}
    assert all(names <= CONTEXT_KEYS for names in used.values())


# ---------------------------------------------------------------- GB/T 9704 layout and Chinese fonts


@pytest.mark.parametrize("template", ALL_TEMPLATES, ids=lambda t: t.stem)
def test_page_follows_gbt_9704(template: Path) -> None:
    section = open_docx(render_realistic(template)).sections[0]
    expected = {
        "page_width": 210,
        "page_height": 297,
        "top_margin": 37,
        "left_margin": 28,
        "right_margin": 26,
        "bottom_margin": 35,
    }
    for name, mm in expected.items():
        assert abs(getattr(section, name).mm - mm) <= 0.5, name
    got = {name: getattr(section, name).mm for name in expected}
    assert abs(got["page_width"] - got["left_margin"] - got["right_margin"] - 156) <= 0.5
    assert abs(got["page_height"] - got["top_margin"] - got["bottom_margin"] - 225) <= 0.5


@pytest.mark.parametrize("template", ALL_TEMPLATES, ids=lambda t: t.stem)
def test_body_line_spacing_gives_22_lines_a_page(template: Path) -> None:
    document = docx.Document(str(template))
    fmt = document.styles["Normal"].paragraph_format
    assert fmt.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert int(Mm(225) / fmt.line_spacing) == 22
    for p in document.paragraphs:
        assert p.paragraph_format.line_spacing in (None, fmt.line_spacing), p.text


@pytest.mark.parametrize("template", ALL_TEMPLATES, ids=lambda t: t.stem)
def test_every_rendered_run_has_east_asian_font_and_zh_cn(template: Path) -> None:
    runs = all_runs(open_docx(render_realistic(template)))
    assert len(runs) > 20
    for r in runs:
        assert east_asia(r), etree.tostring(r, encoding="unicode")
        lang = r.find(qn("w:rPr") + "/" + qn("w:lang"))
        assert lang is not None and lang.get(qn("w:eastAsia")) == "zh-CN"


@pytest.mark.parametrize("template", sorted(TEMPLATES.glob("*.docx")), ids=lambda t: t.stem)
def test_template_runs_carry_fonts_for_every_script(template: Path) -> None:
    # Checked on the template itself: render_document would otherwise hide a careless template.
    for r in all_runs(docx.Document(str(template))):
        fonts = r.find(qn("w:rPr") + "/" + qn("w:rFonts"))
        assert fonts is not None
        assert fonts.get(qn("w:eastAsia")) == fonts.get(qn("w:ascii")) == fonts.get(qn("w:hAnsi"))
        assert r.find(qn("w:rPr") + "/" + qn("w:lang")).get(qn("w:eastAsia")) == "zh-CN"


@pytest.mark.parametrize("template", ALL_TEMPLATES, ids=lambda t: t.stem)
def test_document_defaults_are_fangsong_3hao_and_zh_cn(template: Path) -> None:
    styles = docx.Document(str(template)).styles
    default_rpr = styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
    normal_rpr = styles["Normal"].element.find(qn("w:rPr"))
    for rpr in (default_rpr, normal_rpr):
        fonts = rpr.find(qn("w:rFonts"))
        assert fonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
        assert fonts.get(qn("w:eastAsiaTheme")) is None
        assert rpr.find(qn("w:sz")).get(qn("w:val")) == "32"
        assert rpr.find(qn("w:lang")).get(qn("w:eastAsia")) == "zh-CN"


@pytest.mark.parametrize(
    ("template", "name"),
    [(SUBMISSION, "法制审核送审表"), (OPINION, "法制审核意见书"), (DISCUSSION, "集体讨论记录")],
)
def test_title_is_2hao_fangzheng_xiaobiaosong_centred(template: Path, name: str) -> None:
    document = open_docx(render_realistic(template))
    for text in ("郑州市市场监督管理局", name):
        title = document.paragraphs[[p.text for p in document.paragraphs].index(text)]
        assert title.alignment == WD_PARAGRAPH_ALIGNMENT.CENTER
        assert title.runs
        for r in title.runs:
            assert r.font.size == Pt(22)
            assert east_asia(r._r) == "方正小标宋简体"


@pytest.mark.parametrize("template", ALL_TEMPLATES, ids=lambda t: t.stem)
def test_footer_numbers_pages_between_dashes_in_4hao_songti_odd_right_even_left(template: Path) -> None:
    document = docx.Document(str(template))
    assert document.settings.odd_and_even_pages_header_footer
    section = document.sections[0]
    for footer, align, side in (
        (section.footer, WD_PARAGRAPH_ALIGNMENT.RIGHT, "right_indent"),
        (section.even_page_footer, WD_PARAGRAPH_ALIGNMENT.LEFT, "left_indent"),
    ):
        p = footer.paragraphs[0]
        assert p.alignment == align
        assert getattr(p.paragraph_format, side) == Pt(14)  # one 4号 character in from the edge
        instr = "".join(t.text for t in p._p.iter(qn("w:instrText")))
        assert instr.strip() == "PAGE"
        assert p.text.startswith("— ") and p.text.endswith(" —")
        for r in p.runs:
            assert r.font.size == Pt(14)
            assert east_asia(r._r) == "宋体"


# ---------------------------------------------------------------- the run normaliser on any template


def test_render_gives_bare_runs_fangsong_and_keeps_a_chosen_font(tmp_path: Path) -> None:
    document = docx.Document()
    p = document.add_paragraph()
    p.add_run("{{ doc.number }}")
    chosen = p.add_run("黑体标题")
    chosen._r.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "黑体")
    path = tmp_path / "bare.docx"
    document.save(str(path))

    runs = all_runs(open_docx(render_document(path, base_context())))
    assert [east_asia(r) for r in runs] == ["仿宋_GB2312", "黑体"]
    for r in runs:
        assert r.find(qn("w:rPr") + "/" + qn("w:lang")).get(qn("w:eastAsia")) == "zh-CN"


def test_render_does_not_change_the_callers_context() -> None:
    ctx = decide_context()
    before = copy.deepcopy(ctx)
    render_document(DISCUSSION, ctx)
    assert ctx == before
