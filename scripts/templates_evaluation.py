"""The templates of case-file evaluation (行政执法案卷评查).

The evaluator's sheet (一卷一表: every item of the scoring sheet with its mark) and the 司法局's notice
of the results to the evaluated agency (score, 0分案卷 flag, problems, rectification and its due date).
Both read the sheet's items from `sheets.case_file`, so a changed sheet needs no new template.
"""

from __future__ import annotations

from collections.abc import Callable

from docx.document import Document as DocxDocument
from docx.shared import Length, Mm
from docx_layout import (
    FORM_WIDTHS,
    addressee,
    body,
    form_row,
    grid,
    head,
    new_document,
    paragraph,
    sign_off,
    table,
    tag,
)

ITEM_WIDTHS: list[Length] = [Mm(14), Mm(102), Mm(40)]
GENERAL_WIDTHS: list[Length] = [Mm(14), Mm(84), Mm(28), Mm(30)]
PROBLEM_WIDTHS: list[Length] = [Mm(16), Mm(50), Mm(90)]


def _score_line(doc: DocxDocument) -> None:
    body(doc, "评查得分：{{ data.score }}分{% if data.zero_score %}（0分案卷）{% endif %}")
    tag(doc, "{%p if data.failed_basic %}")
    body(doc, "不符合的基础标准（任一项不符合，案卷得0分）：{{ data.failed_basic|join('；') }}")
    tag(doc, "{%p endif %}")


def evaluation_sheet() -> DocxDocument:
    """行政执法案卷评查评分表 (event score): one sheet per file, every item marked."""
    doc = new_document("行政执法案卷评查评分表")
    head(doc, "行政执法案卷评查评分表", issuer="issuer", number_label="")
    t = table(doc, FORM_WIDTHS)
    form_row(t, "被评查机关", "{{ agency.name }}")
    form_row(t, "案由", "{{ case.title }}")
    form_row(t, "当事人", "{{ case.party }}")
    form_row(t, "处罚决定书文号", "{{ data.decision_no }}")
    form_row(t, "评查年度", "{{ data.year }}")
    paragraph(doc)
    body(doc, "一、基础标准（任一项不符合，本案卷得0分）", indent=False)
    grid(
        doc,
        ITEM_WIDTHS,
        ["序号", "评查标准", "评查结论"],
        "i in sheets.case_file.basic",
        [
            "{{ loop.index }}",
            "{{ i.title }}",
            "{% if payload.marks.basic[i.key] %}符合{% else %}不符合{% endif %}",
        ],
    )
    paragraph(doc)
    body(doc, "二、一般标准（逐项扣分，扣完为止）", indent=False)
    grid(
        doc,
        GENERAL_WIDTHS,
        ["序号", "评查项目", "分值", "扣分"],
        "i in sheets.case_file.general",
        [
            "{{ loop.index }}",
            "{{ sheets.case_file.groups[i.group] }}：{{ i.title }}",
            "{{ '%g'|format(i.points) }}",
            "{{ '%g'|format(payload.marks.general[i.key]) }}",
        ],
    )
    paragraph(doc)
    _score_line(doc)
    tag(doc, "{%p if payload.problems %}")
    body(doc, "发现的问题：", indent=False)
    _problems(doc, "payload.problems")
    tag(doc, "{%p endif %}")
    body(doc, "评查意见：{{ payload.opinion }}")
    body(doc, "评查人员：{{ actor.name }}　　评查日期：{{ doc.date }}")
    return doc


def _problems(doc: DocxDocument, source: str) -> None:
    """The problems found, one row each (序号, 评查项目, 存在的问题), from the list at `source`."""
    grid(
        doc,
        PROBLEM_WIDTHS,
        ["序号", "评查项目", "存在的问题"],
        f"p in {source}",
        ["{{ loop.index }}", "{{ p.item }}", "{{ p.problem }}"],
    )


def evaluation_result() -> DocxDocument:
    """行政执法案卷评查结果通知书 (events send_results, send_results_no_rectification), issued by the 司法局."""
    doc = new_document("行政执法案卷评查结果通知书")
    head(doc, "行政执法案卷评查结果通知书", issuer="issuer", number_label="")
    addressee(doc, "{{ agency.name }}")
    body(
        doc,
        "根据《河南省行政执法案卷评查工作办法》，本机关对你单位{{ data.year }}年度办结的行政处罚案卷"
        "“{{ case.title }}”（{{ data.decision_no }}，当事人：{{ case.party }}）进行了评查。评查结果如下：",
    )
    _score_line(doc)
    tag(doc, "{%p if events.score.problems %}")
    _problems(doc, "events.score.problems")
    tag(doc, "{%p endif %}")
    body(doc, "评查意见：{{ events.score.opinion }}")
    tag(doc, "{%p if event == 'send_results' %}")
    body(
        doc,
        "整改要求：{{ payload.requirements }}请你单位于{{ deadlines.rectification_period.due }}前"
        "完成整改，并将整改情况书面报告本机关。",
    )
    tag(doc, "{%p else %}")
    body(doc, "本案卷无需整改。{{ payload.note }}")
    tag(doc, "{%p endif %}")
    sign_off(doc, "{{ issuer.name }}")
    return doc


TEMPLATES: dict[str, Callable[[], DocxDocument]] = {
    "evaluation_sheet.docx": evaluation_sheet,
    "evaluation_result.docx": evaluation_result,
}
