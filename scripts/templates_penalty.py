"""The templates of the penalty case (行政处罚一般程序), after the Henan 行政处罚文书格式范本.

Context names: payload is the fields of the event that issues the document, data the case fields
(party_type, party_id_no, party_address, party_phone, legal_representative, case_source, decision_no),
events.<event> what each earlier event recorded (events.notify.facts; events.register.on, the day).
ISO dates go through cn_date; sums through yuan and rmb_upper.
"""

from __future__ import annotations

from collections.abc import Callable

from docx.document import Document as DocxDocument
from docx.enum.text import WD_PARAGRAPH_ALIGNMENT
from docx.table import _Cell
from docx_layout import (
    FORM_WIDTHS,
    addressee,
    body,
    form_row,
    head,
    heading1,
    heading2,
    keep_together,
    mark,
    meeting_lines,
    new_document,
    numbered,
    paragraph,
    sign_off,
    signature,
    signed_cell,
    table,
    tag,
    tag_row,
)

# The party as the case started it; a decision may restate the type.
PARTY_KIND = (
    "{% if data.party_type == 'organization' %}单位{% elif data.party_type == 'individual' %}个人{% endif %}"
)
CONTACT = "联系人：{{ case.handler_name }}"
ART_44_45 = (
    "根据《中华人民共和国行政处罚法》第四十四条、第四十五条的规定，你（单位）享有陈述、申辩的权利。"
    "如要求陈述、申辩，应当自收到本告知书之日起五个工作日内向本机关提出，逾期视为放弃此权利。"
)
ART_63_64 = (
    "根据《中华人民共和国行政处罚法》第六十三条、第六十四条的规定，你（单位）有权要求听证。"
    "如要求听证，应当自收到本告知书之日起五个工作日内向本机关提出，逾期视为放弃此权利。"
)


def _notice_facts(doc: DocxDocument) -> None:
    """Facts, evidence, basis and proposed penalty: shared by the prior notice and the hearing notice."""
    heading1(doc, "一、违法事实")
    body(doc, "{{ payload.facts }}")
    tag(doc, "{%p if payload.evidence %}")
    heading1(doc, "二、证据")
    body(doc, "上述事实，有下列证据证明：")
    numbered(doc, "payload.evidence", var="e")
    tag(doc, "{%p endif %}")
    heading1(doc, "{% if payload.evidence %}三{% else %}二{% endif %}、处罚依据")
    body(doc, "{{ payload.legal_basis }}")
    heading1(doc, "{% if payload.evidence %}四{% else %}三{% endif %}、拟作出的行政处罚")
    body(doc, "本机关拟对你（单位）作出如下行政处罚：")
    body(doc, "{{ payload.proposed_penalty }}")


# ---------------------------------------------------------------- 立案审批表


def register_approval() -> DocxDocument:
    """立案审批表 (event register)."""
    doc = new_document("立案审批表")
    head(doc, "立案审批表")
    t = table(doc, FORM_WIDTHS)
    form_row(t, "案由", "{{ case.title }}")
    form_row(t, "案件来源", "{{ data.case_source }}")
    form_row(t, "当事人", "{{ case.party }}")
    form_row(t, "当事人类型", PARTY_KIND)
    form_row(t, "证件号码", "{{ data.party_id_no }}")
    form_row(t, "住所（住址）", "{{ data.party_address }}")
    form_row(t, "联系电话", "{{ data.party_phone }}")
    tag_row(t, "{%tr if data.party_type == 'organization' %}")
    form_row(t, "法定代表人（负责人）", "{{ data.legal_representative }}")
    tag_row(t, "{%tr endif %}")
    form_row(t, "简要案情", "{{ payload.facts_brief }}")
    form_row(t, "立案依据", "{{ payload.register_basis }}")
    form_row(
        t, "承办人", "{{ case.handler_name }}{% if payload.co_handler %}、{{ payload.co_handler }}{% endif %}"
    )
    form_row(t, "是否重大案件", "{% if payload.major %}是{% else %}否{% endif %}")
    form_row(t, "是否复杂案件", "{% if payload.complex %}是{% else %}否{% endif %}")
    form_row(t, "承办人意见", signed_cell)
    form_row(t, "承办机构负责人意见", signed_cell)
    form_row(t, "机关负责人审批意见", signed_cell)
    form_row(t, "立案日期", "{{ doc.date }}")
    return doc


# ---------------------------------------------------------------- 告知书


def prior_notice() -> DocxDocument:
    """行政处罚事先告知书 (event notify; 行政处罚法 arts. 44, 45, 63, 64)."""
    doc = new_document("行政处罚事先告知书")
    head(doc, "行政处罚事先告知书", number_label="")
    addressee(doc, "{{ case.party }}")
    body(
        doc,
        "本机关对{{ case.title }}进行了调查。现将拟作出行政处罚的事实、理由、依据及你（单位）依法享有的权利告知如下：",
    )
    _notice_facts(doc)
    heading1(doc, "{% if payload.evidence %}五{% else %}四{% endif %}、你（单位）依法享有的权利")
    body(doc, ART_44_45)
    tag(doc, "{%p if payload.hearing_eligible %}")
    body(doc, ART_63_64)
    tag(doc, "{%p endif %}")
    body(doc, CONTACT)
    sign_off(doc)
    return doc


def hearing_notice() -> DocxDocument:
    """听证告知书 (event notify, when the proposed penalty allows a hearing; arts. 63, 64)."""
    doc = new_document("听证告知书")
    head(doc, "听证告知书", number_label="")
    addressee(doc, "{{ case.party }}")
    body(
        doc,
        "本机关对{{ case.title }}进行了调查，拟对你（单位）作出行政处罚。有关事实、依据和拟作出的处罚如下：",
    )
    _notice_facts(doc)
    heading1(doc, "{% if payload.evidence %}五{% else %}四{% endif %}、听证权利")
    body(
        doc,
        "根据《中华人民共和国行政处罚法》第六十三条、第六十四条的规定，你（单位）有要求举行听证的权利。"
        "如要求听证，应当自收到本告知书之日起五个工作日内向本机关提出。",
    )
    body(
        doc,
        "听证要求可以书面提出，也可以口头提出；口头提出的，本机关将记录在案，并由你（单位）签字或者盖章确认。",
    )
    body(
        doc,
        "本机关将在举行听证的七日前，通知你（单位）听证的时间、地点。你（单位）可以亲自参加听证，"
        "也可以委托一至二人代理。",
    )
    body(doc, "逾期未提出的，视为放弃听证权利。")
    body(doc, CONTACT)
    sign_off(doc)
    return doc


# ---------------------------------------------------------------- 重大复杂案件集体讨论笔录


def penalty_discussion_record() -> DocxDocument:
    """重大复杂案件集体讨论笔录 (event discuss; 行政处罚法 art. 57)."""
    doc = new_document("重大复杂案件集体讨论笔录")
    head(doc, "重大复杂案件集体讨论笔录")
    meeting_lines(doc)
    heading1(doc, "一、案件事实")
    body(doc, "{{ events.notify.facts }}")
    heading1(doc, "二、拟处罚意见")
    body(doc, "{{ events.notify.proposed_penalty }}")
    heading1(doc, "三、法制审核意见")
    body(doc, "{{ events.review_passed.review_opinion or '（无）' }}")
    heading1(doc, "四、讨论发言")
    tag(doc, "{%p for v in payload.views %}")
    heading2(doc, "（{{ loop.index|cn_number }}）{{ v.name }}")
    body(doc, "{{ v.view }}")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p if not payload.views %}")
    body(doc, "（无书面发言记录）")
    tag(doc, "{%p endif %}")
    heading1(doc, "五、讨论决定")
    body(doc, "{{ payload.conclusion }}")
    heading1(doc, "六、会议纪要")
    body(doc, "{{ payload.minutes }}")
    signed = mark(doc)
    paragraph(doc)
    signature(doc, "主持人签名：")
    signature(doc, "记录人签名：")
    signature(doc, "出席人员签名：")
    keep_together(doc, signed)
    return doc


# ---------------------------------------------------------------- 行政处罚决定书 and 信用修复告知书


def _sum_line(label: str, field: str) -> str:
    return label + "：{{ " + field + "|yuan }}（{{ " + field + "|rmb_upper }}）"


def penalty_decision() -> DocxDocument:
    """行政处罚决定书 (event decide_penalty; 行政处罚法 arts. 59, 67, 72, 73)."""
    doc = new_document("行政处罚决定书")
    head(doc, "行政处罚决定书", number_label="")
    tag(doc, "{%p set org = data.party_type == 'organization' %}")
    tag(doc, "{%p set sums = payload.fine_amount or payload.confiscation_amount %}")
    tag(doc, "{%p set perform = sums or payload.payment %}")
    body(doc, "当事人：{{ case.party }}", indent=False)
    tag(doc, "{%p if data.party_id_no %}")
    body(
        doc,
        "{% if org %}统一社会信用代码{% else %}身份证件号码{% endif %}：{{ data.party_id_no }}",
        indent=False,
    )
    tag(doc, "{%p endif %}")
    body(doc, "{% if org %}住所{% else %}住址{% endif %}：{{ data.party_address }}", indent=False)
    tag(doc, "{%p if org %}")
    body(doc, "法定代表人（负责人）：{{ data.legal_representative }}", indent=False)
    tag(doc, "{%p endif %}")
    paragraph(doc)
    body(
        doc,
        "{% if events.register %}本机关于{{ events.register.on|cn_date }}对{{ case.title }}立案调查"
        "{% else %}本机关对{{ case.title }}进行了立案调查{% endif %}，现已调查终结。",
    )
    tag(doc, "{%p if events.notify %}")
    body(
        doc,
        "本机关于{{ events.notify.on|cn_date }}向当事人告知了拟作出行政处罚的事实、理由、依据及当事人依法享有的权利。",
    )
    tag(doc, "{%p endif %}")
    heading1(doc, "一、违法事实和证据")
    body(doc, "{{ payload.facts or events.notify.facts }}")
    tag(doc, "{%p if events.notify.evidence %}")
    body(doc, "上述事实，有下列证据证明：")
    numbered(doc, "events.notify.evidence", var="e")
    tag(doc, "{%p endif %}")
    heading1(doc, "二、行政处罚的依据和内容")
    body(doc, "{{ payload.legal_basis or events.notify.legal_basis }}")
    body(doc, "本机关决定对当事人作出如下行政处罚：")
    body(doc, "处罚种类：{{ payload.penalty_types|join('、') }}")
    body(doc, "{{ payload.penalty_content }}")
    tag(doc, "{%p if payload.fine_amount %}")
    body(doc, _sum_line("罚款", "payload.fine_amount"))
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if payload.confiscation_amount %}")
    body(doc, _sum_line("没收违法所得（非法财物）", "payload.confiscation_amount"))
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if perform %}")
    heading1(doc, "三、履行方式和期限")
    tag(doc, "{%p if payload.payment %}")
    body(doc, "{{ payload.payment }}")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if sums %}")
    body(
        doc,
        "根据《中华人民共和国行政处罚法》第六十七条的规定，当事人应当自收到本决定书之日起十五日内，"
        "到指定的银行或者通过电子支付系统缴纳罚没款。到期不缴纳罚款的，本机关可以依据该法第七十二条的规定，"
        "每日按罚款数额的百分之三加处罚款，加处罚款的数额不得超出罚款的数额。",
    )
    tag(doc, "{%p endif %}")
    tag(doc, "{%p endif %}")
    heading1(doc, "{% if perform %}四{% else %}三{% endif %}、申请行政复议或者提起行政诉讼的途径和期限")
    body(
        doc,
        "当事人如不服本行政处罚决定，可以自收到本决定书之日起六十日内向{{ payload.review_body }}申请行政复议，"
        "也可以自收到本决定书之日起六个月内依法向{{ payload.court }}提起行政诉讼。",
    )
    body(doc, "申请行政复议或者提起行政诉讼期间，行政处罚不停止执行，法律另有规定的除外。")
    body(
        doc,
        "当事人逾期不申请行政复议、不提起行政诉讼，又不履行本行政处罚决定的，本机关将依法申请人民法院强制执行。",
    )
    sign_off(doc, date="{{ payload.decision_date|cn_date or doc.date }}")
    return doc


def credit_repair_notice() -> DocxDocument:
    """信用修复告知书, served with the decision (双书同达)."""
    doc = new_document("信用修复告知书")
    head(doc, "信用修复告知书", number_label="")
    addressee(doc, "{{ case.party }}")
    body(
        doc,
        "根据本机关作出的行政处罚决定{% if data.decision_no %}（{{ data.decision_no }}）{% endif %}，"
        "依照《中华人民共和国行政处罚法》第四十八条和国家有关信用信息公示的规定，"
        "该行政处罚信息将依法向社会公示。",
    )
    body(
        doc,
        "你（单位）履行行政处罚决定规定的全部义务、纠正违法行为后，自行政处罚决定作出之日起满最短公示期的，"
        "可以申请信用修复，提前停止公示该行政处罚信息。最短公示期和申请条件，依照国家和本省有关规定执行。",
    )
    body(
        doc,
        "申请信用修复的，可以通过“信用中国”网站或者向本机关提出，并提交信用修复申请、信用承诺书，"
        "以及已履行行政处罚决定、纠正违法行为的有关材料。",
    )
    body(doc, CONTACT)
    sign_off(doc)
    return doc


# ---------------------------------------------------------------- 送达回证


def service_receipt() -> DocxDocument:
    """送达回证 (event serve)."""
    doc = new_document("送达回证")
    head(doc, "送达回证")
    t = table(doc, FORM_WIDTHS)
    # One row per document served; {% vm %} merges the label cell down the rows of the loop.
    tag_row(t, "{%tr for d in payload.served_documents %}")
    form_row(t, "{% vm %}送达文书名称及文号", "{{ d }}")
    tag_row(t, "{%tr endfor %}")
    form_row(t, "受送达人", "{{ payload.recipient }}")
    form_row(t, "送达地点", "{{ payload.place }}")
    form_row(t, "送达方式", "{{ payload.method }}")
    form_row(t, "送达日期", "{{ payload.served_on|cn_date }}")
    form_row(t, "受送达人签名", _signature_cell)
    form_row(t, "送达人", "{{ case.handler_name }}")
    form_row(t, "备注", _service_remark)
    return doc


def _signature_cell(cell: _Cell) -> None:
    paragraph(cell)
    paragraph(cell, "年\u3000\u3000月\u3000\u3000日", align=WD_PARAGRAPH_ALIGNMENT.RIGHT)


def _service_remark(cell: _Cell) -> None:
    paragraph(
        cell,
        "{% if payload.method == '留置送达' %}受送达人拒绝签收，送达人已邀请有关基层组织或者所在单位的代表到场，"
        "说明情况，把文书留在受送达人的住所，并采用拍照、录像等方式记录送达过程。见证人签名："
        "{% elif payload.method == '邮寄送达' %}邮寄凭证附后，以回执上注明的收件日期为送达日期。"
        "{% elif payload.method == '公告送达' %}公告文本及刊登载体附后。{% endif %}",
    )


# ---------------------------------------------------------------- 结案审批表


def closing_approval() -> DocxDocument:
    """结案审批表 (event close)."""
    doc = new_document("结案审批表")
    head(doc, "结案审批表")
    t = table(doc, FORM_WIDTHS)
    form_row(t, "案由", "{{ case.title }}")
    form_row(t, "当事人", "{{ case.party }}")
    form_row(t, "立案日期", "{{ events.register.on|cn_date }}")
    form_row(t, "处罚决定书文号", "{{ data.decision_no }}")
    form_row(t, "处罚决定日期", "{{ events.decide_penalty.decision_date|cn_date }}")
    form_row(t, "处罚内容", "{{ events.decide_penalty.penalty_content }}")
    tag_row(t, "{%tr if events.decide_penalty.fine_amount %}")
    form_row(
        t,
        "罚款金额",
        "{{ events.decide_penalty.fine_amount|yuan }}（{{ events.decide_penalty.fine_amount|rmb_upper }}）",
    )
    tag_row(t, "{%tr endif %}")
    form_row(t, "执行情况", "{{ payload.execution }}")
    form_row(t, "结案理由", "{{ payload.closing_note }}")
    form_row(t, "承办人意见", signed_cell)
    form_row(t, "负责人审批意见", signed_cell)
    form_row(t, "结案日期", "{{ doc.date }}")
    return doc


TEMPLATES: dict[str, Callable[[], DocxDocument]] = {
    "register_approval.docx": register_approval,
    "prior_notice.docx": prior_notice,
    "hearing_notice.docx": hearing_notice,
    "penalty_discussion_record.docx": penalty_discussion_record,
    "penalty_decision.docx": penalty_decision,
    "credit_repair_notice.docx": credit_repair_notice,
    "service_receipt.docx": service_receipt,
    "closing_approval.docx": closing_approval,
}
