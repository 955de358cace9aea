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
    officers_cell,
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
    tag(doc, "{%p if payload.proposed_types %}")
    body(
        doc,
        "（处罚种类：{{ payload.proposed_types|join('、') }}"
        "{% if payload.proposed_fine %}；拟罚款{{ payload.proposed_fine|yuan }}{% endif %}"
        "{% if payload.proposed_illegal_gains %}；拟没收违法所得{{ payload.proposed_illegal_gains|yuan }}{% endif %}"
        "{% if payload.proposed_illegal_property_value %}；拟没收非法财物价值{{ payload.proposed_illegal_property_value|yuan }}{% endif %}）",
    )
    tag(doc, "{%p endif %}")


# ---------------------------------------------------------------- 立案审批表


def _opinion_cell(text: str, who: str, date: str) -> Callable[[_Cell], None]:
    """An opinion given in the system: the text, then who gave it and when."""

    def fill(cell: _Cell) -> None:
        paragraph(cell, text)
        paragraph(cell, who + "\u3000\u3000" + date, align=WD_PARAGRAPH_ALIGNMENT.RIGHT)

    return fill


def register_approval() -> DocxDocument:
    """立案审批表 (event register: the agency head approves what the handler proposed; 行政处罚法 art. 54)."""
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
    form_row(t, "发现违法行为日期", "{{ events.propose_register.discovered_on|cn_date }}")
    form_row(t, "简要案情", "{{ events.propose_register.facts_brief }}")
    form_row(t, "立案依据", "{{ events.propose_register.register_basis }}")
    form_row(t, "办案人员", lambda cell: officers_cell(cell, "events.propose_register.investigators"))
    form_row(
        t,
        "承办人意见",
        _opinion_cell("建议立案调查。", "承办人：{{ case.handler_name }}", "{{ events.propose_register.on|cn_date }}"),
    )
    form_row(t, "承办机构负责人意见", signed_cell)
    form_row(
        t,
        "机关负责人审批意见",
        _opinion_cell("{{ payload.opinion or '同意立案。' }}", "负责人：{{ actor.name }}", "{{ doc.date }}"),
    )
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
    tag(doc, "{%p if issued|selectattr('kind', 'equalto', 'hearing_notice')|list %}")
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


# ---------------------------------------------------------------- 听证通知书 and 听证笔录


def hearing_schedule() -> DocxDocument:
    """听证通知书 (event notify_hearing; 行政处罚法 art. 64: time and place, at least seven days ahead)."""
    doc = new_document("听证通知书")
    head(doc, "听证通知书", number_label="")
    addressee(doc, "{{ case.party }}")
    body(
        doc,
        "你（单位）要求听证的申请收悉。根据《中华人民共和国行政处罚法》第六十四条的规定，本机关决定于"
        "{{ payload.hearing_date|cn_date }}{{ payload.hearing_time }}在{{ payload.hearing_place }}"
        "{% if payload.public %}公开{% else %}不公开{% endif %}举行听证，"
        "听证主持人为{{ people[payload.host].name }}。",
    )
    body(
        doc,
        "你（单位）可以亲自参加听证，也可以委托一至二人代理；委托代理人参加的，应当提交授权委托书。"
        "你（单位）认为主持人与本案有直接利害关系的，有权申请回避。",
    )
    body(
        doc,
        "你（单位）无正当理由拒不出席听证或者未经许可中途退出听证的，视为放弃听证权利，本机关终止听证。",
    )
    body(doc, CONTACT)
    sign_off(doc)
    return doc


def hearing_record() -> DocxDocument:
    """听证笔录 (event hold_hearing; 行政处罚法 art. 64 (十), art. 65)."""
    doc = new_document("听证笔录")
    head(doc, "听证笔录")
    t = table(doc, FORM_WIDTHS)
    form_row(t, "案由", "{{ case.title }}")
    form_row(t, "当事人", "{{ case.party }}")
    form_row(t, "听证日期", "{{ payload.held_on|cn_date }}{{ events.notify_hearing.hearing_time }}")
    form_row(t, "听证地点", "{{ events.notify_hearing.hearing_place }}")
    form_row(t, "听证方式", "{% if events.notify_hearing.public %}公开{% else %}不公开{% endif %}")
    form_row(t, "听证主持人", "{{ people[events.notify_hearing.host].name }}")
    form_row(t, "听证参加人", "{{ payload.attendees|join('、') }}")
    form_row(t, "调查人员意见", "{{ payload.investigator_case }}")
    form_row(t, "当事人陈述申辩和质证", "{{ payload.party_defence }}")
    form_row(t, "听证记录", "{{ payload.record_summary }}")
    form_row(t, "听证主持人意见", "{{ payload.opinion }}")
    form_row(
        t,
        "当事人核对意见",
        "{% if payload.signed %}以上笔录已经核对，与所述一致。{% else %}（当事人或者其代理人拒绝签字或者盖章的，由听证主持人在笔录中注明）{% endif %}",
    )
    signed = mark(doc)
    paragraph(doc)
    signature(doc, "当事人（代理人）签名：")
    signature(doc, "听证主持人签名：")
    signature(doc, "记录人签名：")
    keep_together(doc, signed)
    return doc


# ---------------------------------------------------------------- 处罚决定审批表

# What the party said and how the hearing went, as the decision and its approval form state it.
RIGHTS_OUTCOME = (
    "{% if events.record_statement %}当事人于{{ events.record_statement.received_on|cn_date }}提出陈述、申辩意见："
    "{{ events.record_statement.statement }}。复核意见：{{ events.record_statement.adopted }}"
    "{% elif events.waive_rights %}当事人于{{ events.waive_rights.waived_on|cn_date }}书面放弃陈述、申辩和听证的权利。"
    "{% else %}当事人在法定期限内未提出陈述、申辩意见。{% endif %}"
    "{% if events.hold_hearing %}本机关于{{ events.hold_hearing.held_on|cn_date }}举行了听证，"
    "听证主持人意见：{{ events.hold_hearing.opinion }}"
    "{% elif events.abandon_hearing %}当事人{{ events.abandon_hearing.reason }}，视为放弃听证。"
    "{% elif events.request_hearing %}当事人申请了听证。{% endif %}"
)


def decision_approval() -> DocxDocument:
    """处罚决定审批表 (event propose_decision: the handler proposes, the agency head decides; art. 57)."""
    doc = new_document("处罚决定审批表")
    head(doc, "处罚决定审批表")
    t = table(doc, FORM_WIDTHS)
    form_row(t, "案由", "{{ case.title }}")
    form_row(t, "当事人", "{{ case.party }}（" + PARTY_KIND + "）")
    form_row(t, "立案日期", "{{ events.register.on|cn_date }}")
    form_row(t, "违法事实", "{{ payload.facts }}")
    form_row(t, "处罚依据", "{{ payload.legal_basis }}")
    form_row(t, "裁量理由", "{{ payload.discretion }}")
    form_row(t, "陈述申辩和听证情况", RIGHTS_OUTCOME)
    form_row(t, "拟处理意见", "{{ payload.outcome }}")
    tag_row(t, "{%tr if payload.outcome == '给予行政处罚' %}")
    form_row(t, "处罚种类", "{{ (payload.penalty_types or [])|join('、') }}")
    form_row(
        t,
        "罚没金额",
        "{% if payload.fine_amount %}罚款{{ payload.fine_amount|yuan }}；{% endif %}"
        "{% if payload.illegal_gains %}没收违法所得{{ payload.illegal_gains|yuan }}；{% endif %}"
        "{% if payload.illegal_property %}没收非法财物{{ payload.illegal_property }}"
        "{% if payload.illegal_property_value %}（价值{{ payload.illegal_property_value|yuan }}）{% endif %}{% endif %}",
    )
    tag_row(t, "{%tr endif %}")
    form_row(t, "处理决定内容", "{{ payload.penalty_content }}")
    form_row(
        t,
        "法制审核",
        "{% if payload.review_grounds %}须经法制审核：{{ payload.review_grounds|join('、') }}{% else %}按规定确定{% endif %}",
    )
    form_row(t, "是否情节复杂", "{% if payload.complex %}是（须集体讨论）{% else %}否{% endif %}")
    form_row(t, "承办人意见", _opinion_cell("建议{{ payload.outcome }}。", "承办人：{{ actor.name }}", "{{ doc.date }}"))
    form_row(t, "承办机构负责人意见", signed_cell)
    form_row(t, "法制审核意见", signed_cell)
    form_row(t, "机关负责人审批意见", signed_cell)
    return doc


# ---------------------------------------------------------------- 重大复杂案件集体讨论笔录


def penalty_discussion_record() -> DocxDocument:
    """重大复杂案件集体讨论笔录 (event discuss; 行政处罚法 art. 57)."""
    doc = new_document("重大复杂案件集体讨论笔录")
    head(doc, "重大复杂案件集体讨论笔录")
    meeting_lines(doc)
    heading1(doc, "一、案件事实")
    body(doc, "{{ events.propose_decision.facts }}")
    heading1(doc, "二、拟处理意见")
    body(doc, "{{ events.propose_decision.outcome }}：{{ events.propose_decision.penalty_content }}")
    body(doc, "陈述申辩和听证情况：" + RIGHTS_OUTCOME)
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


def _party_lines(doc: DocxDocument) -> None:
    """当事人, its identifier, address and (for an organisation) legal representative (art. 59 (一))."""
    tag(doc, "{%p set org = data.party_type == 'organization' %}")
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


def _history(doc: DocxDocument) -> None:
    """立案, 告知 and what the party said (陈述申辩, 听证)."""
    body(
        doc,
        "{% if events.register %}本机关于{{ events.register.on|cn_date }}对{{ case.title }}立案调查"
        "{% else %}本机关对{{ case.title }}进行了立案调查{% endif %}，现已调查终结。",
    )
    tag(doc, "{%p if events.notify %}")
    body(
        doc,
        "本机关于{{ events.notify.served_on|cn_date }}向当事人送达了行政处罚事先告知书，告知了拟作出行政处罚的事实、"
        "理由、依据及当事人依法享有的权利。" + RIGHTS_OUTCOME,
    )
    tag(doc, "{%p endif %}")


def _remedies(doc: DocxDocument, heading: str) -> None:
    heading1(doc, heading)
    body(
        doc,
        "当事人如不服本决定，可以自收到本决定书之日起六十日内向{{ events.propose_decision.review_body }}申请行政复议，"
        "也可以自收到本决定书之日起六个月内依法向{{ events.propose_decision.court }}提起行政诉讼。",
    )


def penalty_decision() -> DocxDocument:
    """行政处罚决定书 (event decide_penalty; 行政处罚法 arts. 59, 67, 72, 73)."""
    doc = new_document("行政处罚决定书")
    head(doc, "行政处罚决定书", number_label="")
    tag(doc, "{%p set p = events.propose_decision %}")
    tag(doc, "{%p set sums = p.fine_amount or p.illegal_gains %}")
    tag(doc, "{%p set perform = sums or p.payment %}")
    _party_lines(doc)
    _history(doc)
    heading1(doc, "一、违法事实和证据")
    body(doc, "{{ p.facts }}")
    tag(doc, "{%p if events.notify.evidence %}")
    body(doc, "上述事实，有下列证据证明：")
    numbered(doc, "events.notify.evidence", var="e")
    tag(doc, "{%p endif %}")
    heading1(doc, "二、行政处罚的依据和内容")
    body(doc, "{{ p.legal_basis }}")
    tag(doc, "{%p if p.discretion %}")
    body(doc, "{{ p.discretion }}")
    tag(doc, "{%p endif %}")
    body(doc, "本机关决定对当事人作出如下行政处罚：")
    body(doc, "处罚种类：{{ (p.penalty_types or [])|join('、') }}")
    body(doc, "{{ p.penalty_content }}")
    tag(doc, "{%p if p.fine_amount %}")
    body(doc, _sum_line("罚款", "p.fine_amount"))
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if p.illegal_gains %}")
    body(doc, _sum_line("没收违法所得", "p.illegal_gains"))
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if p.illegal_property %}")
    body(
        doc,
        "没收非法财物：{{ p.illegal_property }}"
        "{% if p.illegal_property_value %}（价值{{ p.illegal_property_value|yuan }}）{% endif %}",
    )
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if perform %}")
    heading1(doc, "三、履行方式和期限")
    tag(doc, "{%p if p.payment %}")
    body(doc, "{{ p.payment }}")
    tag(doc, "{%p elif sums %}")
    body(
        doc,
        "根据《中华人民共和国行政处罚法》第六十七条的规定，当事人应当自收到本决定书之日起十五日内，"
        "到指定的银行或者通过电子支付系统缴纳罚没款。",
    )
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if p.fine_amount %}")
    body(
        doc,
        "到期不缴纳罚款的，本机关可以依据《中华人民共和国行政处罚法》第七十二条的规定，每日按罚款数额的百分之三"
        "加处罚款，加处罚款的数额不得超出罚款的数额。",
    )
    tag(doc, "{%p endif %}")
    tag(doc, "{%p endif %}")
    _remedies(doc, "{% if perform %}四{% else %}三{% endif %}、申请行政复议或者提起行政诉讼的途径和期限")
    body(doc, "申请行政复议或者提起行政诉讼期间，行政处罚不停止执行，法律另有规定的除外。")
    body(
        doc,
        "当事人逾期不申请行政复议、不提起行政诉讼，又不履行本行政处罚决定的，本机关将依法申请人民法院强制执行。",
    )
    sign_off(doc, date="{{ payload.decision_date|cn_date or doc.date }}")
    return doc


def no_penalty_decision() -> DocxDocument:
    """不予行政处罚决定书 (event decide_no_penalty; 行政处罚法 arts. 33, 57)."""
    doc = new_document("不予行政处罚决定书")
    head(doc, "不予行政处罚决定书", number_label="")
    tag(doc, "{%p set p = events.propose_decision %}")
    _party_lines(doc)
    _history(doc)
    heading1(doc, "一、查明的事实")
    body(doc, "{{ p.facts }}")
    heading1(doc, "二、不予行政处罚的理由和依据")
    body(doc, "{{ p.legal_basis }}")
    tag(doc, "{%p if p.discretion %}")
    body(doc, "{{ p.discretion }}")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if events.discuss and events.discuss.conclusion == '不予行政处罚' %}")
    body(doc, "经本机关负责人集体讨论，决定不予行政处罚。{{ events.discuss.minutes }}")
    tag(doc, "{%p else %}")
    body(doc, "本机关决定对当事人不予行政处罚。{{ p.penalty_content }}")
    tag(doc, "{%p endif %}")
    _remedies(doc, "三、申请行政复议或者提起行政诉讼的途径和期限")
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
    tag_row(t, "{%tr if payload.witnesses %}")
    form_row(t, "见证人", "{{ payload.witnesses|join('、') }}")
    tag_row(t, "{%tr endif %}")
    form_row(t, "送达日期", "{{ payload.served_on|cn_date }}")
    form_row(t, "受送达人签名", _signature_cell)
    form_row(
        t,
        "送达人",
        "{% if payload.servers %}{% for id in payload.servers %}{{ people[id].name }}{% if not loop.last %}、{% endif %}"
        "{% endfor %}{% else %}{{ case.handler_name }}{% endif %}",
    )
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
    """结案审批表 (event close: the agency head approves what the handler proposed)."""
    doc = new_document("结案审批表")
    head(doc, "结案审批表")
    tag(doc, "{%p set p = events.propose_decision %}")
    tag(doc, "{%p set decided = events.decide_penalty or events.decide_no_penalty %}")
    t = table(doc, FORM_WIDTHS)
    form_row(t, "案由", "{{ case.title }}")
    form_row(t, "当事人", "{{ case.party }}")
    form_row(t, "立案日期", "{{ events.register.on|cn_date }}")
    form_row(t, "决定书文号", "{{ data.decision_no }}")
    form_row(t, "决定日期", "{{ decided.decision_date|cn_date }}")
    form_row(t, "处理结果", "{% if events.decide_penalty %}{{ p.penalty_content }}{% else %}不予行政处罚{% endif %}")
    tag_row(t, "{%tr if events.decide_penalty and p.fine_amount %}")
    form_row(t, "罚款", "{{ p.fine_amount|yuan }}（{{ p.fine_amount|rmb_upper }}）")
    tag_row(t, "{%tr endif %}")
    tag_row(t, "{%tr if events.decide_penalty and p.illegal_gains %}")
    form_row(t, "没收违法所得", "{{ p.illegal_gains|yuan }}（{{ p.illegal_gains|rmb_upper }}）")
    tag_row(t, "{%tr endif %}")
    tag_row(t, "{%tr if events.decide_penalty and p.illegal_property %}")
    form_row(
        t,
        "没收非法财物",
        "{{ p.illegal_property }}{% if p.illegal_property_value %}（价值{{ p.illegal_property_value|yuan }}）{% endif %}",
    )
    tag_row(t, "{%tr endif %}")
    form_row(t, "送达日期", "{{ events.serve.served_on|cn_date }}")
    tag_row(t, "{%tr if events.execute %}")
    form_row(t, "执行方式", "{{ events.execute.execution_method }}")
    form_row(t, "履行完毕日期", "{{ events.execute.executed_on|cn_date }}")
    form_row(t, "实缴罚没款", "{% if events.execute.paid_amount %}{{ events.execute.paid_amount|yuan }}{% endif %}")
    tag_row(t, "{%tr endif %}")
    form_row(t, "执行情况", "{{ events.propose_close.execution }}")
    form_row(
        t,
        "承办人意见",
        _opinion_cell("{{ events.propose_close.closing_note }}", "承办人：{{ case.handler_name }}", "{{ events.propose_close.on|cn_date }}"),
    )
    form_row(
        t,
        "机关负责人审批意见",
        _opinion_cell("{{ payload.opinion or '同意结案。' }}", "负责人：{{ actor.name }}", "{{ doc.date }}"),
    )
    form_row(t, "结案日期", "{{ doc.date }}")
    return doc


TEMPLATES: dict[str, Callable[[], DocxDocument]] = {
    "register_approval.docx": register_approval,
    "prior_notice.docx": prior_notice,
    "hearing_notice.docx": hearing_notice,
    "hearing_schedule.docx": hearing_schedule,
    "hearing_record.docx": hearing_record,
    "decision_approval.docx": decision_approval,
    "penalty_discussion_record.docx": penalty_discussion_record,
    "penalty_decision.docx": penalty_decision,
    "no_penalty_decision.docx": no_penalty_decision,
    "credit_repair_notice.docx": credit_repair_notice,
    "service_receipt.docx": service_receipt,
    "closing_approval.docx": closing_approval,
}
