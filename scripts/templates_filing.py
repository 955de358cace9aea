"""The templates of the filing of major penalties (重大行政处罚备案审查).

The deciding agency files a 备案报告 with the filing-review office (counterpart) within 15 days of
the decision; the office may answer with a 纠正通知书, which it issues itself (issuer).
"""

from __future__ import annotations

from collections.abc import Callable

from docx.document import Document as DocxDocument
from docx.shared import Length, Mm
from docx.table import _Cell
from docx_layout import (
    FORM_WIDTHS,
    addressee,
    body,
    form_row,
    grid,
    head,
    new_document,
    numbered,
    paragraph,
    sign_off,
    table,
    tag,
    tag_row,
)


def _sums_cell(cell: _Cell) -> None:
    """罚没金额: the fine, the illegal gains and the property confiscated, each apart, or 无."""
    tag(cell, "{%p if data.fine_amount %}")
    paragraph(cell, "罚款{{ data.fine_amount|yuan }}（{{ data.fine_amount|rmb_upper }}）")
    tag(cell, "{%p endif %}")
    tag(cell, "{%p if data.illegal_gains %}")
    paragraph(cell, "没收违法所得{{ data.illegal_gains|yuan }}（{{ data.illegal_gains|rmb_upper }}）")
    tag(cell, "{%p endif %}")
    tag(cell, "{%p if data.illegal_property %}")
    paragraph(
        cell,
        "没收非法财物：{{ data.illegal_property }}"
        "{% if data.illegal_property_value %}（价值{{ data.illegal_property_value|yuan }}）{% endif %}",
    )
    tag(cell, "{%p endif %}")
    tag(cell, "{%p if not data.fine_amount and not data.illegal_gains and not data.illegal_property %}")
    paragraph(cell, "无")
    tag(cell, "{%p endif %}")


def filing_report() -> DocxDocument:
    """重大行政处罚备案报告 (event file)."""
    doc = new_document("重大行政处罚备案报告")
    head(doc, "重大行政处罚备案报告", number_label="文号：")  # the 备案编号 is the office's to give
    addressee(doc, "{{ counterpart.name }}")
    body(doc, "根据重大行政处罚备案审查的有关规定，现将本机关作出的重大行政处罚决定报送备案。有关情况如下：")
    t = table(doc, FORM_WIDTHS)
    form_row(t, "处罚决定书文号", "{{ data.decision_no }}")
    form_row(t, "当事人", "{{ case.party }}")
    form_row(
        t,
        "{% if data.party_type == 'organization' %}统一社会信用代码{% else %}身份证件号码{% endif %}",
        "{{ data.party_id_no }}",
    )
    form_row(t, "住所（住址）", "{{ data.party_address }}")
    tag_row(t, "{%tr if data.party_type == 'organization' %}")
    form_row(t, "法定代表人（负责人）", "{{ data.legal_representative }}")
    tag_row(t, "{%tr endif %}")
    form_row(t, "案由", "{{ case.title }}")
    form_row(t, "违法事实", "{{ data.facts }}")
    form_row(t, "处罚依据", "{{ data.legal_basis }}")
    form_row(t, "处罚种类", "{{ data.penalty_types|join('、') }}")
    form_row(t, "罚没金额", _sums_cell)
    form_row(t, "处罚内容", "{{ data.penalty_content }}")
    form_row(t, "决定日期", "{{ data.decision_date|cn_date }}")
    tag(doc, "{%p if payload.note %}")
    body(doc, "需要说明的情况：{{ payload.note }}")
    tag(doc, "{%p endif %}")
    paragraph(doc)
    body(doc, "附件：")
    numbered(doc, "payload.attachments", var="a")
    sign_off(doc, "报送机关：{{ agency.name }}")
    body(doc, "（联系人：{{ case.handler_name }}）")
    return doc


def filing_receipt() -> DocxDocument:
    """重大行政处罚备案登记回执 (event receive): the office registers the filing and gives its 备案编号."""
    doc = new_document("重大行政处罚备案登记回执")
    head(doc, "重大行政处罚备案登记回执", issuer="issuer", number_label="备案编号：")
    addressee(doc, "{{ agency.name }}")
    body(
        doc,
        "你单位报送的重大行政处罚决定（{{ data.decision_no }}，当事人：{{ case.party }}）备案材料已收到，"
        "本机关已于{{ doc.date }}登记受理，备案编号为{{ doc.number }}。本机关将依法进行审查。",
    )
    tag(doc, "{%p if payload.note %}")
    body(doc, "{{ payload.note }}")
    tag(doc, "{%p endif %}")
    sign_off(doc, "{{ issuer.name }}")
    return doc


PROBLEM_WIDTHS: list[Length] = [Mm(16), Mm(50), Mm(90)]


def correction_notice() -> DocxDocument:
    """纠正通知书 (event require_correction), issued by the filing-review office."""
    doc = new_document("纠正通知书")
    head(doc, "纠正通知书", issuer="issuer", number_label="")
    addressee(doc, "{{ agency.name }}")
    body(
        doc,
        "你单位报送备案的行政处罚决定（{{ data.decision_no }}，当事人：{{ case.party }}"
        "{% if data.filing_no %}，备案编号：{{ data.filing_no }}{% endif %}），"
        "根据《河南省重大行政处罚备案审查办法》（河南省人民政府令第168号）的规定，经本机关审查，存在以下问题：",
    )
    grid(
        doc,
        PROBLEM_WIDTHS,
        ["序号", "审查事项", "存在问题"],
        "p in payload.problems",
        ["{{ loop.index }}", "{{ p.item }}", "{{ p.problem }}"],
    )
    paragraph(doc)
    body(
        doc,
        "请你单位依法予以纠正，并自本通知书发出之日起{{ deadlines.correction_period.period }}内"
        "（{{ deadlines.correction_period.due }}前）将纠正情况书面报告本机关。",
    )
    sign_off(doc, "{{ issuer.name }}")
    return doc


TEMPLATES: dict[str, Callable[[], DocxDocument]] = {
    "filing_report.docx": filing_report,
    "filing_receipt.docx": filing_receipt,
    "correction_notice.docx": correction_notice,
}
