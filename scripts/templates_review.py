"""The templates of the legal-review process (重大执法决定法制审核)."""

from __future__ import annotations

from collections.abc import Callable

from docx.document import Document as DocxDocument
from docx.enum.text import WD_PARAGRAPH_ALIGNMENT
from docx.shared import Length, Mm
from docx.table import _Cell
from docx_layout import (
    FORM_WIDTHS,
    HEITI,
    add_row,
    body,
    date_line,
    form_row,
    heading1,
    heading2,
    keep_together,
    mark,
    meeting_lines,
    new_document,
    number_line,
    officers_cell,
    paragraph,
    signature,
    table,
    tag,
    tag_row,
    title,
)


def materials_cell(cell: _Cell) -> None:
    tag(cell, "{%p for m in payload.materials or events.submit.materials %}")
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
    form_row(
        t, "承办人", "{{ case.handler_name }}{% if actor.certificate_no %}（执法证号：{{ actor.certificate_no }}）{% endif %}"
    )
    # A review started by a penalty case names the case's officers (copied from its 立案审批表).
    tag_row(t, "{%tr if data.officers %}")
    form_row(t, "办案人员", lambda cell: officers_cell(cell, "data.officers"))
    tag_row(t, "{%tr endif %}")
    form_row(t, "案由", "{{ case.title }}")
    form_row(t, "当事人", "{{ case.party }}")
    # Submitting and resubmitting update the case fields summary and proposed_decision.
    form_row(t, "案情摘要", "{{ data.summary }}")
    form_row(t, "拟作出的决定", "{{ data.proposed_decision }}")
    form_row(t, "送审材料", materials_cell)
    tag_row(t, "{%tr if payload.response %}")
    form_row(t, "对退回意见的说明", "{{ payload.response }}")
    tag_row(t, "{%tr endif %}")
    form_row(t, "送审日期", "{{ doc.date }}")
    form_row(t, "承办机构负责人意见", head_of_unit_cell)
    return doc


def findings_table(doc: DocxDocument) -> None:
    """Each item of the legal-review checklist (行政处罚法第五十八条): 符合, or the problems found with their
    suggestions. The items are the choices of the return form's findings.item."""
    widths: list[Length] = [Mm(14), Mm(46), Mm(22), Mm(74)]
    t = table(doc, widths)
    for cell, text in zip(add_row(t, widths), ["序号", "审核事项", "审核结论", "存在的问题及修改建议"], strict=True):
        paragraph(cell, text, font=HEITI, align=WD_PARAGRAPH_ALIGNMENT.CENTER)
    tag_row(t, "{%tr for item in choices['return.findings.item'] %}", widths)
    cells = add_row(t, widths)
    paragraph(cells[0], "{{ loop.index }}", align=WD_PARAGRAPH_ALIGNMENT.CENTER)
    paragraph(cells[1], "{{ item }}")
    paragraph(
        cells[2],
        "{% if (payload.findings or [])|selectattr('item', 'equalto', item)|list %}存在问题{% else %}符合{% endif %}",
        align=WD_PARAGRAPH_ALIGNMENT.CENTER,
    )
    paragraph(
        cells[3],
        "{% for f in (payload.findings or [])|selectattr('item', 'equalto', item) %}{{ f.problem }}"
        "{% if f.suggestion %}（修改建议：{{ f.suggestion }}）{% endif %}{% if not loop.last %}；{% endif %}{% endfor %}",
    )
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
    # The engine records the day of each event (events.<event>.on); the latest submission is the receipt.
    form_row(t, "收案日期", "{{ (events.resubmit.on or events.submit.on)|cn_date }}")
    form_row(t, "拟作出的决定", "{{ data.proposed_decision }}")
    form_row(t, "法制机构", "{{ agency.legal_office or agency.name ~ '法制机构' }}")
    heading1(doc, "一、审核结论")
    body(doc, "{% if event == 'approve' %}同意{% else %}存在问题{% endif %}")
    heading1(doc, "二、逐项审核情况")
    findings_table(doc)
    heading1(doc, "三、审核意见")
    body(doc, "{{ payload.opinion }}")
    heading1(doc, "四、是否需要补充材料")
    body(doc, "{% if payload.needs_supplement %}是{% else %}否{% endif %}")
    paragraph(doc)
    signed = mark(doc)
    body(doc, "审核人：{{ actor.name }}", indent=False)
    body(
        doc,
        "法律职业资格证号：{{ actor.legal_qualification or '无（2021年7月15日前已从事法制审核）' }}",
        indent=False,
    )
    signature(doc, "法制机构负责人（签名）：")
    date_line(doc)
    keep_together(doc, signed)
    return doc


def collective_discussion_record() -> DocxDocument:
    """集体讨论记录."""
    doc = new_document("集体讨论记录")
    title(doc, "{{ agency.name }}")
    title(doc, "集体讨论记录")
    number_line(doc)
    meeting_lines(doc)
    heading1(doc, "一、案情摘要")
    body(doc, "{{ data.summary }}")
    heading1(doc, "二、拟作出的决定")
    body(doc, "{{ data.proposed_decision }}")
    heading1(doc, "三、法制审核意见")
    body(doc, "{{ events['return'].opinion }}")
    heading1(doc, "四、承办机构的异议")
    body(doc, "{{ events.object.reason }}")
    tag(doc, "{%p if events.settle %}")
    body(doc, "协商情况：{{ events.settle.note }}")
    tag(doc, "{%p endif %}")
    heading1(doc, "五、讨论发言")
    tag(doc, "{%p for v in payload.views %}")
    heading2(doc, "（{{ loop.index|cn_number }}）{{ v.name }}")
    body(doc, "{{ v.view }}")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p if not payload.views %}")
    body(doc, "（无书面发言记录）")
    tag(doc, "{%p endif %}")
    heading1(doc, "六、讨论结论")
    body(doc, "{{ payload.conclusion }}")
    heading1(doc, "七、会议纪要")
    body(doc, "{{ payload.minutes }}")
    signed = mark(doc)
    paragraph(doc)
    signature(doc, "主持人签名：")
    signature(doc, "记录人签名：")
    signature(doc, "出席人员签名：")
    paragraph(doc)
    paragraph(doc)
    keep_together(doc, signed)
    return doc


TEMPLATES: dict[str, Callable[[], DocxDocument]] = {
    "review_submission_form.docx": review_submission_form,
    "review_opinion.docx": review_opinion,
    "collective_discussion_record.docx": collective_discussion_record,
}
