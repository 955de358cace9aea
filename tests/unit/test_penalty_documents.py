"""The documents of the penalty case, the filing of major penalties and the disclosure."""

from __future__ import annotations

import copy
import datetime as dt
import importlib.util
import io
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.enum.text import WD_LINE_SPACING, WD_PARAGRAPH_ALIGNMENT
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from lxml import etree  # type: ignore[import-untyped]

from review_workflow.core.documents import (
    CONTEXT_KEYS,
    cn_date,
    document_text,
    render_document,
    rmb_upper,
    template_use,
    yuan,
)
from tests.unit.engine_shaped import split
from tests.unit.test_documents import (
    ALL_TEMPLATES,
    HOSTILE,
    TEMPLATES,
    after,
    all_runs,
    east_asia,
    lines,
    open_docx,
    paragraph_with,
)
from tests.unit.test_masking import CREDIT_CODE, ID_CARD

# ---------------------------------------------------------------- filters: dates and sums of money


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-02-13", "2026年2月13日"),
        ("2026-12-01", "2026年12月1日"),
        (dt.date(2026, 3, 5), "2026年3月5日"),
        (dt.datetime(2026, 3, 5, 9, 30, tzinfo=dt.UTC), "2026年3月5日"),
        ("2026年2月13日", "2026年2月13日"),  # data.<event>_on arrives already written the Chinese way
        (None, ""),
        ("", ""),
    ],
)
def test_cn_date_writes_iso_dates_the_chinese_way(value: Any, expected: str) -> None:
    assert cn_date(value) == expected


@pytest.mark.parametrize(
    ("amount", "figures", "capitals"),
    [
        (0, "0.00元", "人民币零元整"),
        (1, "1.00元", "人民币壹元整"),
        (10, "10.00元", "人民币壹拾元整"),
        (10000, "10,000.00元", "人民币壹万元整"),
        (100000, "100,000.00元", "人民币壹拾万元整"),
        (200000, "200,000.00元", "人民币贰拾万元整"),
        (1234567.89, "1,234,567.89元", "人民币壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分"),
        (0.5, "0.50元", "人民币伍角"),
        (0.05, "0.05元", "人民币伍分"),
        (1.05, "1.05元", "人民币壹元零伍分"),
        (1010, "1,010.00元", "人民币壹仟零壹拾元整"),
        (100010, "100,010.00元", "人民币壹拾万零壹拾元整"),
        (1000001, "1,000,001.00元", "人民币壹佰万零壹元整"),
        (100010000, "100,010,000.00元", "人民币壹亿零壹万元整"),
        (100000000, "100,000,000.00元", "人民币壹亿元整"),
        (Decimal("36000"), "36,000.00元", "人民币叁万陆仟元整"),
        ("12000", "12,000.00元", "人民币壹万贰仟元整"),
    ],
)
def test_fine_in_figures_and_in_capitals(amount: Any, figures: str, capitals: str) -> None:
    assert yuan(amount) == figures
    assert rmb_upper(amount) == capitals


def test_a_sum_is_rounded_half_up_to_the_fen() -> None:
    assert yuan(0.125) == "0.13元"
    assert rmb_upper(2.675) == "人民币贰元陆角捌分"  # the float 2.675 is a hair below: read as written


@pytest.mark.parametrize("value", [None, ""])
def test_blank_sum_renders_blank(value: Any) -> None:
    assert yuan(value) == rmb_upper(value) == ""


@pytest.mark.parametrize("value", ["十万", True, float("nan")])
def test_a_sum_that_is_not_a_number_is_refused(value: Any) -> None:
    with pytest.raises(ValueError):
        yuan(value)


def test_a_negative_sum_has_no_capitals() -> None:
    with pytest.raises(ValueError):
        rmb_upper(-1)


# ---------------------------------------------------------------- contexts

REGISTER = TEMPLATES / "register_approval.docx"
PRIOR = TEMPLATES / "prior_notice.docx"
HEARING = TEMPLATES / "hearing_notice.docx"
PENALTY_DISCUSSION = TEMPLATES / "penalty_discussion_record.docx"
DECISION = TEMPLATES / "penalty_decision.docx"
CREDIT = TEMPLATES / "credit_repair_notice.docx"
RECEIPT = TEMPLATES / "service_receipt.docx"
CLOSING = TEMPLATES / "closing_approval.docx"
FILING = TEMPLATES / "filing_report.docx"
CORRECTION = TEMPLATES / "correction_notice.docx"
DISCLOSURE = TEMPLATES / "disclosure_notice.docx"
HEARING_SCHEDULE = TEMPLATES / "hearing_schedule.docx"
HEARING_RECORD = TEMPLATES / "hearing_record.docx"
DECISION_APPROVAL = TEMPLATES / "decision_approval.docx"
NO_PENALTY = TEMPLATES / "no_penalty_decision.docx"
NEW_TEMPLATES = [
    REGISTER,
    HEARING_SCHEDULE,
    HEARING_RECORD,
    DECISION_APPROVAL,
    NO_PENALTY,
    PRIOR,
    HEARING,
    PENALTY_DISCUSSION,
    DECISION,
    CREDIT,
    RECEIPT,
    CLOSING,
    FILING,
    CORRECTION,
    DISCLOSURE,
]
AGENCY = "郑州市市场监督管理局"
PARTY = f"郑州某某{HOSTILE}有限公司"

ORGANISATION = {
    "party_type": "organization",
    "party_id_no": CREDIT_CODE,
    "party_address": f"郑州市金水区某路1号{HOSTILE}",
    "party_phone": "0371-12345678",
    "legal_representative": "钱七",
    "case_source": "投诉举报",
    "register_on": "2026年1月5日",
}
INDIVIDUAL = {
    "party_type": "individual",
    "party_id_no": ID_CARD,
    "party_address": "郑州市二七区某街2号",
    "party_phone": "13800138000",
    "case_source": "监督检查",
    "register_on": "2026年1月5日",
}
PROPOSE_REGISTER = {
    "facts_brief": "群众投诉当事人销售不合格电热水壶。",
    "register_basis": "《市场监督管理行政处罚程序规定》第十八条",
    "investigators": [1, 2],
    "discovered_on": "2026-01-04",
    "propose_register_on": "2026年1月5日",
}
PEOPLE = {1: {"name": "张三", "certificate_no": "豫A001"}, 2: {"name": "赵六", "certificate_no": "豫A002"}}
NOTIFY = {
    "facts": f"当事人销售的电热水壶经抽样检验不合格{HOSTILE}。\n货值金额一万二千元。",
    "evidence": ["现场检查笔录", "抽样检验报告", "进货单据"],
    "legal_basis": "《中华人民共和国产品质量法》第四十九条",
    "proposed_penalty": "罚款二十万元，没收违法所得一万二千元",
    "proposed_types": ["罚款", "没收违法所得"],
    "proposed_fine": 200000,
    "officers": [1, 2],
    "served_on": "2026-01-20",
    "notify_on": "2026年1月20日",
}
PROPOSAL = {
    "outcome": "给予行政处罚",
    "facts": f"当事人销售的电热水壶经抽样检验不合格{HOSTILE}。\n货值金额一万二千元。",
    "legal_basis": "《中华人民共和国产品质量法》第四十九条",
    "discretion": "适用裁量基准一般情节。",
    "penalty_types": ["罚款", "没收违法所得"],
    "fine_amount": 200000,
    "illegal_gains": 12000,
    "penalty_content": "罚款贰拾万元，没收违法所得壹万贰仟元。",
    "payment": "通过电子支付系统缴纳至指定账户",
    "review_body": "郑州市人民政府",
    "court": "郑州市中原区人民法院",
    "complex": False,
    "propose_decision_on": "2026年2月9日",
}
DECIDE = {"decision_date": "2026-02-10"}
DECIDED = {
    **ORGANISATION,
    **NOTIFY,
    **PROPOSAL,
    **DECIDE,
    "decide_penalty_on": "2026年2月10日",
    "decision_no": "郑市监罚〔2026〕12号",
}


def case_context(event: str, payload: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    agency = {"name": AGENCY, "doc_code": "郑市监"}
    return {
        "doc": {"number": "郑市监〔2026〕13号", "title": "", "date": "2026年2月13日"},
        "agency": agency,
        "issuer": dict(agency),
        "case": {
            "id": 7,
            "title": "郑州某某有限公司销售不合格产品案",
            "party": PARTY,
            "workflow_title": "行政处罚一般程序",
            "handler_name": "张三",
            "state_title": "",
        },
        "actor": {
            "name": "张三",
            "roles": ["handler"],
            "legal_qualification": "",
            "certificate_no": "豫A001",
        },
        "event": event,
        "event_title": "",
        "payload": copy.deepcopy(payload),
        # case fields and each event's record, as the engine keeps them
        **dict(zip(("data", "events"), copy.deepcopy(split(event, payload, data)), strict=True)),
        "people": copy.deepcopy(PEOPLE),
        "issued": [],
    }


def register_context(opinion: str | None = None, **proposed: Any) -> dict[str, Any]:
    """立案: the agency head approves (payload: opinion) what the handler proposed."""
    ctx = case_context("register", {"opinion": opinion} if opinion else {}, {**ORGANISATION, **PROPOSE_REGISTER, **proposed})
    ctx["actor"]["name"] = "王局长"
    return ctx


def notify_context(hearing: bool = True, **payload: Any) -> dict[str, Any]:
    """告知; with `hearing`, the 听证告知书 is issued in the same move (the proposed penalty gives a right to one)."""
    ctx = case_context("notify", {**NOTIFY, **payload}, {**ORGANISATION, **PROPOSE_REGISTER})
    ctx["issued"] = [{"kind": "prior_notice"}] + ([{"kind": "hearing_notice"}] if hearing else [])
    return ctx


def discuss_context(**data: Any) -> dict[str, Any]:
    payload = {
        "held_on": "2026-02-10",
        "conclusion": "同意拟处理意见",
        "attendees": ["王局长", "赵副局长", "钱主任"],
        "minutes": "会议认为事实清楚。\n同意拟处理意见。",
        "place": "局三楼会议室",
        "host": "王局长",
        "reporter": "张三",
        "recorder": "孙六",
        "views": [{"name": "王局长", "view": "同意。"}, {"name": "赵副局长", "view": "注意送达期限。"}],
    }
    base = {**ORGANISATION, **NOTIFY, **PROPOSAL, "review_opinion": "事实清楚，证据充分，同意。"}
    return case_context("discuss", payload, {**base, **data})


def decide_context(data: dict[str, Any] | None = None, decision_date: str = "2026-02-10", **proposal: Any) -> dict[str, Any]:
    """决定: the agency head decides (payload: decision_date) on the proposal, amended by `proposal`."""
    base = {**ORGANISATION, **PROPOSE_REGISTER, **NOTIFY} if data is None else data
    proposed = {k: v for k, v in {**PROPOSAL, **proposal}.items() if v is not None}
    return case_context("decide_penalty", {"decision_date": decision_date} if decision_date else {}, {**base, **proposed})


def serve_context(**payload: Any) -> dict[str, Any]:
    fields = {
        "served_on": "2026-02-13",
        "method": "直接送达",
        "recipient": f"钱七{HOSTILE}",
        "served_documents": ["行政处罚决定书 郑市监罚〔2026〕12号", "信用修复告知书 郑市监信修〔2026〕12号"],
        "place": "当事人住所",
    }
    return case_context("serve", {**fields, **payload}, DECIDED)


def close_context() -> dict[str, Any]:
    """结案: the agency head approves what the handler proposed, after execution."""
    done = {
        "execution": "当事人已于2026年2月20日缴清罚没款。",
        "closing_note": "行政处罚决定已执行完毕。",
        "propose_close_on": "2026年2月21日",
        "served_on": "2026-02-13",
        "executed_on": "2026-02-20",
        "execution_method": "自觉履行",
        "paid_amount": 212000,
    }
    ctx = case_context("close", {"opinion": "同意结案。"}, {**DECIDED, **done})
    ctx["actor"]["name"] = "王局长"
    return ctx


def filing_data(**extra: Any) -> dict[str, Any]:
    data = {
        "decision_no": "郑市监〔2026〕12号",
        "decision_date": "2026-02-10",
        "party_type": "organization",
        "party_id_no": CREDIT_CODE,
        "party_address": "郑州市金水区某路1号",
        "legal_representative": "钱七",
        "facts": "当事人销售不合格电热水壶。",
        "legal_basis": "《中华人民共和国产品质量法》第四十九条",
        "penalty_types": ["罚款", "没收违法所得"],
        "fine_amount": 200000,
        "illegal_gains": 12000,
        "penalty_content": "罚款贰拾万元，没收违法所得壹万贰仟元。",
    }
    return {k: v for k, v in {**data, **extra}.items() if v is not None}


def file_context(**data: Any) -> dict[str, Any]:
    payload = {"attachments": ["行政处罚决定书复印件", "案件材料目录"], "note": "本案已经法制审核。"}
    ctx = case_context("file", payload, filing_data(**data))
    ctx["counterpart"] = {"name": "郑州市司法局", "doc_code": "郑司"}
    return ctx


def correction_context() -> dict[str, Any]:
    payload = {
        "problems": [
            {"item": "程序是否合法", "problem": f"未告知听证权利{HOSTILE}"},
            {"item": "备案是否及时", "problem": "超过十五日报送"},
        ],
    }
    ctx = case_context("require_correction", payload, filing_data())
    ctx["issuer"] = ctx["counterpart"] = {"name": "郑州市司法局", "doc_code": "郑司"}
    ctx["deadlines"] = {"correction_period": {"title": "纠正期限", "due": "2026年3月15日", "period": "30日"}}
    return ctx


def publish_context(**data: Any) -> dict[str, Any]:
    fields = {
        "category": "行政处罚",
        "decision_no": "郑市监〔2026〕12号",
        "decision_date": "2026-02-10",
        "party_type": "individual",
        "party_id_no": ID_CARD,
        "conclusion": f"罚款二万元{HOSTILE}。当事人联系电话13800138000，身份证号{ID_CARD}。",
        "legal_basis": "《中华人民共和国产品质量法》第四十九条",
        "agency_name": AGENCY,
    }
    ctx = case_context("publish", {}, {**fields, **data})
    ctx["case"]["party"] = "李某某"
    return ctx


HEARING_NOTICE = {
    "notified_on": "2026-01-22",
    "hearing_date": "2026-02-03",
    "hearing_time": "上午9时",
    "hearing_place": "本局第一听证室",
    "host": 3,
    "public": True,
}


def hearing_schedule_context() -> dict[str, Any]:
    ctx = case_context("notify_hearing", HEARING_NOTICE, {**ORGANISATION, **NOTIFY, "requested_on": "2026-01-21"})
    ctx["people"][3] = {"name": "李主持", "certificate_no": ""}
    return ctx


def hearing_record_context(**payload: Any) -> dict[str, Any]:
    held = {
        "held_on": "2026-02-03",
        "attendees": [PARTY, "张三", "赵六"],
        "investigator_case": "当事人销售不合格产品。",
        "party_defence": f"货值计算有误{HOSTILE}。",
        "record_summary": "调查人员出示证据，当事人质证。",
        "opinion": "建议维持拟处罚意见。",
        "signed": True,
        **payload,
    }
    ctx = case_context("hold_hearing", held, {**ORGANISATION, **NOTIFY, **HEARING_NOTICE})
    ctx["people"][3] = {"name": "李主持", "certificate_no": ""}
    return ctx


def decision_approval_context(**proposal: Any) -> dict[str, Any]:
    fields = {k: v for k, v in {**PROPOSAL, **proposal}.items() if v is not None and not k.endswith("_on")}
    return case_context("propose_decision", fields, {**ORGANISATION, **PROPOSE_REGISTER, **NOTIFY, "register_on": "2026年1月5日"})


def no_penalty_context(discussed: bool = False) -> dict[str, Any]:
    proposal = {**PROPOSAL, "outcome": "不予行政处罚", "penalty_content": "违法行为轻微并及时改正，没有造成危害后果。"}
    for key in ("penalty_types", "fine_amount", "illegal_gains", "payment"):
        proposal.pop(key)
    flat = {**ORGANISATION, **PROPOSE_REGISTER, **NOTIFY, **proposal}
    if discussed:
        flat.update(conclusion="不予行政处罚", minutes="经集体讨论，决定不予行政处罚。", discuss_on="2026年2月9日")
    return case_context("decide_no_penalty", {"decision_date": "2026-02-10"}, flat)


REALISTIC = {
    REGISTER: register_context,
    HEARING_SCHEDULE: hearing_schedule_context,
    HEARING_RECORD: hearing_record_context,
    DECISION_APPROVAL: decision_approval_context,
    NO_PENALTY: no_penalty_context,
    PRIOR: notify_context,
    HEARING: notify_context,
    PENALTY_DISCUSSION: discuss_context,
    DECISION: decide_context,
    CREDIT: decide_context,
    RECEIPT: serve_context,
    CLOSING: close_context,
    FILING: file_context,
    CORRECTION: correction_context,
    DISCLOSURE: publish_context,
}


def render(template: Path, ctx: dict[str, Any] | None = None) -> list[str]:
    return lines(render_document(template, REALISTIC[template]() if ctx is None else ctx))


def sign_off(text: list[str]) -> list[str]:
    """The last lines of a letter: the issuing agency, the date, and the seal area printed above them."""
    i = len(text) - 1 - text[::-1].index("（印章）")
    return [text[i + 1], text[i + 2], text[i]]


# ---------------------------------------------------------------- 立案审批表


def test_register_approval_shows_case_party_and_handlers() -> None:
    text = render(REGISTER)
    assert "立案审批表" in text
    assert "编号：郑市监〔2026〕13号" in text
    assert after(text, "案由") == "郑州某某有限公司销售不合格产品案"
    assert after(text, "案件来源") == "投诉举报"
    assert after(text, "当事人") == PARTY
    assert after(text, "当事人类型") == "单位"
    assert after(text, "证件号码") == CREDIT_CODE
    assert after(text, "住所（住址）") == f"郑州市金水区某路1号{HOSTILE}"
    assert after(text, "法定代表人（负责人）") == "钱七"
    assert after(text, "简要案情") == "群众投诉当事人销售不合格电热水壶。"
    assert after(text, "立案依据") == "《市场监督管理行政处罚程序规定》第十八条"
    assert after(text, "发现违法行为日期") == "2026年1月4日"
    i = text.index("办案人员")
    assert text[i + 1 : i + 3] == ["张三（执法证号：豫A001）", "赵六（执法证号：豫A002）"]  # art. 42
    assert after(text, "立案日期") == "2026年2月13日"


def test_register_approval_records_the_handlers_proposal_and_the_heads_approval() -> None:
    text = render(REGISTER, register_context("同意立案调查。"))
    i = text.index("承办人意见")
    assert text[i + 1 : i + 3] == ["建议立案调查。", "承办人：张三\u3000\u30002026年1月5日"]
    i = text.index("机关负责人审批意见")
    assert text[i + 1 : i + 3] == ["同意立案调查。", "负责人：王局长\u3000\u30002026年2月13日"]
    i = text.index("承办机构负责人意见")  # signed on paper
    assert text[i + 3] == "签名：\u3000\u3000\u3000\u3000\u3000\u3000年\u3000\u3000月\u3000\u3000日"


def test_register_approval_of_an_individual_has_no_legal_representative() -> None:
    ctx = register_context()
    ctx["data"].update(INDIVIDUAL)
    ctx["data"].pop("legal_representative", None)
    text = render(REGISTER, ctx)
    assert after(text, "当事人类型") == "个人"
    assert after(text, "证件号码") == ID_CARD  # an internal form: the full number
    assert "法定代表人（负责人）" not in text
    assert after(text, "机关负责人审批意见") == "同意立案。"


# ---------------------------------------------------------------- 行政处罚事先告知书 and 听证告知书


def test_prior_notice_tells_the_party_facts_evidence_basis_and_penalty() -> None:
    text = render(PRIOR)
    assert text[:4] == [AGENCY, "行政处罚事先告知书", "", "郑市监〔2026〕13号"]
    assert text[4] == f"{PARTY}："
    i = text.index("一、违法事实")
    assert text[i + 1 : i + 3] == [f"当事人销售的电热水壶经抽样检验不合格{HOSTILE}。", "货值金额一万二千元。"]
    i = text.index("二、证据")
    assert text[i + 2 : i + 5] == ["1. 现场检查笔录", "2. 抽样检验报告", "3. 进货单据"]
    assert after(text, "三、处罚依据") == "《中华人民共和国产品质量法》第四十九条"
    i = text.index("四、拟作出的行政处罚")
    assert text[i + 2] == "罚款二十万元，没收违法所得一万二千元"


def test_prior_notice_gives_five_working_days_to_state_and_defend() -> None:
    text = render(PRIOR)
    rights = after(text, "五、你（单位）依法享有的权利")
    assert "第四十四条、第四十五条" in rights
    assert "陈述、申辩" in rights
    assert "自收到本告知书之日起五个工作日内" in rights
    assert "逾期视为放弃此权利" in rights
    assert "联系人：张三" in text
    assert sign_off(text) == [AGENCY, "2026年2月13日", "（印章）"]


@pytest.mark.parametrize("eligible", [True, False])
def test_prior_notice_offers_a_hearing_only_when_the_penalty_allows_one(eligible: bool) -> None:
    text = document_text(render_document(PRIOR, notify_context(hearing=eligible)))
    assert ("第六十三条、第六十四条" in text) is eligible
    assert ("有权要求听证" in text) is eligible
    assert "第四十四条、第四十五条" in text


def test_notice_without_evidence_numbers_its_headings_without_a_gap() -> None:
    text = render(PRIOR, notify_context(evidence=[]))
    assert "二、证据" not in text
    assert [line for line in text if line[1:2] == "、" and line[0] in "一二三四五"] == [
        "一、违法事实",
        "二、处罚依据",
        "三、拟作出的行政处罚",
        "四、你（单位）依法享有的权利",
    ]


def test_hearing_notice_explains_how_and_by_when_to_ask_for_a_hearing() -> None:
    text = render(HEARING)
    assert text[:2] == [AGENCY, "听证告知书"]
    assert text[4] == f"{PARTY}："
    assert after(text, "四、拟作出的行政处罚") == "本机关拟对你（单位）作出如下行政处罚："
    i = text.index("五、听证权利")
    rights = "".join(text[i + 1 : i + 5])
    assert "第六十三条、第六十四条" in rights
    assert "自收到本告知书之日起五个工作日内" in rights
    assert "可以书面提出，也可以口头提出" in rights
    assert "逾期未提出的，视为放弃听证权利。" in text
    assert sign_off(text) == [AGENCY, "2026年2月13日", "（印章）"]


# ---------------------------------------------------------------- 听证通知书, 听证笔录 (arts. 64, 65)


def test_the_hearing_notice_gives_time_place_host_and_the_partys_rights() -> None:
    text = render(HEARING_SCHEDULE)
    assert text[:2] == [AGENCY, "听证通知书"]
    assert text[4] == f"{PARTY}："
    assert "本机关决定于2026年2月3日上午9时在本局第一听证室公开举行听证，听证主持人为李主持。" in text[5]
    rights = "".join(text[6:9])
    assert "委托一至二人代理" in rights and "申请回避" in rights and "视为放弃听证权利" in rights
    assert sign_off(text) == [AGENCY, "2026年2月13日", "（印章）"]


def test_the_hearing_record_keeps_what_each_side_said_and_the_hosts_opinion() -> None:
    text = render(HEARING_RECORD)
    assert text[:2] == [AGENCY, "听证笔录"]
    assert after(text, "听证日期") == "2026年2月3日上午9时"
    assert after(text, "听证地点") == "本局第一听证室"
    assert after(text, "听证方式") == "公开"
    assert after(text, "听证主持人") == "李主持"
    assert after(text, "当事人陈述申辩和质证") == f"货值计算有误{HOSTILE}。"
    assert after(text, "听证主持人意见") == "建议维持拟处罚意见。"
    assert after(text, "当事人核对意见") == "以上笔录已经核对，与所述一致。"
    unsigned = render(HEARING_RECORD, hearing_record_context(signed=False))
    assert "拒绝签字或者盖章" in after(unsigned, "当事人核对意见")


# ---------------------------------------------------------------- 处罚决定审批表 (art. 57)


def test_the_decision_approval_form_carries_the_proposal_for_the_head_to_decide() -> None:
    text = render(DECISION_APPROVAL)
    assert text[:2] == [AGENCY, "处罚决定审批表"]
    assert after(text, "违法事实") == f"当事人销售的电热水壶经抽样检验不合格{HOSTILE}。"
    assert after(text, "裁量理由") == "适用裁量基准一般情节。"
    assert after(text, "陈述申辩和听证情况") == "当事人在法定期限内未提出陈述、申辩意见。"
    assert after(text, "拟处理意见") == "给予行政处罚"
    assert after(text, "处罚种类") == "罚款、没收违法所得"
    assert after(text, "罚没金额") == "罚款200,000.00元；没收违法所得12,000.00元；"
    assert after(text, "是否情节复杂") == "否"
    for label in ("承办机构负责人意见", "法制审核意见", "机关负责人审批意见"):  # signed by hand
        assert text[text.index(label) + 3].startswith("签名：")


def test_a_no_penalty_proposal_has_no_penalty_rows() -> None:
    text = render(DECISION_APPROVAL, decision_approval_context(outcome="不予行政处罚", penalty_types=None, fine_amount=None, illegal_gains=None))
    assert after(text, "拟处理意见") == "不予行政处罚"
    assert "处罚种类" not in text and "罚没金额" not in text


# ---------------------------------------------------------------- 不予行政处罚决定书


def test_the_no_penalty_decision_states_facts_grounds_and_remedies() -> None:
    text = render(NO_PENALTY)
    assert text[:2] == [AGENCY, "不予行政处罚决定书"]
    assert text[4] == f"当事人：{PARTY}"
    assert after(text, "一、查明的事实") == f"当事人销售的电热水壶经抽样检验不合格{HOSTILE}。"
    assert after(text, "二、不予行政处罚的理由和依据") == "《中华人民共和国产品质量法》第四十九条"
    assert "本机关决定对当事人不予行政处罚。违法行为轻微并及时改正，没有造成危害后果。" in text
    routes = after(text, "三、申请行政复议或者提起行政诉讼的途径和期限")
    assert "郑州市人民政府" in routes and "郑州市中原区人民法院" in routes
    assert sign_off(text) == [AGENCY, "2026年2月10日", "（印章）"]


def test_a_no_penalty_decided_in_collective_discussion_says_so() -> None:
    text = render(NO_PENALTY, no_penalty_context(discussed=True))
    assert "经本机关负责人集体讨论，决定不予行政处罚。经集体讨论，决定不予行政处罚。" in text


# ---------------------------------------------------------------- 重大复杂案件集体讨论笔录


def test_penalty_discussion_record_shows_meeting_proposed_penalty_and_views() -> None:
    text = render(PENALTY_DISCUSSION)
    assert text[:2] == [AGENCY, "重大复杂案件集体讨论笔录"]
    for expected in (
        "案由：郑州某某有限公司销售不合格产品案",
        f"当事人：{PARTY}",
        "时间：2026年2月10日",  # the day it was held
        "地点：局三楼会议室",
        "主持人：王局长",
        "出席人员：王局长、赵副局长、钱主任",
        "汇报人：张三",
        "记录人：孙六",
    ):
        assert expected in text
    assert after(text, "一、案件事实") == f"当事人销售的电热水壶经抽样检验不合格{HOSTILE}。"
    assert after(text, "二、拟处理意见") == "给予行政处罚：罚款贰拾万元，没收违法所得壹万贰仟元。"
    assert text[text.index("二、拟处理意见") + 2] == "陈述申辩和听证情况：当事人在法定期限内未提出陈述、申辩意见。"
    assert after(text, "三、法制审核意见") == "事实清楚，证据充分，同意。"
    assert after(text, "（一）王局长") == "同意。"
    assert after(text, "（二）赵副局长") == "注意送达期限。"
    assert after(text, "五、讨论决定") == "同意拟处理意见"
    i = text.index("六、会议纪要")
    assert text[i + 1 : i + 3] == ["会议认为事实清楚。", "同意拟处理意见。"]
    assert any(line.startswith("出席人员签名：") for line in text)


def test_discussion_without_a_review_opinion_or_views_says_so() -> None:
    ctx = discuss_context(review_opinion="")
    ctx["payload"]["views"] = []
    ctx["payload"].pop("recorder")
    text = render(PENALTY_DISCUSSION, ctx)
    assert after(text, "三、法制审核意见") == "（无）"
    assert after(text, "四、讨论发言") == "（无书面发言记录）"
    assert "记录人：" in text


# ---------------------------------------------------------------- 行政处罚决定书


def test_decision_names_an_organisation_by_credit_code_address_and_legal_representative() -> None:
    text = render(DECISION)
    assert text[:4] == [AGENCY, "行政处罚决定书", "", "郑市监〔2026〕13号"]
    assert text[4:8] == [
        f"当事人：{PARTY}",
        f"统一社会信用代码：{CREDIT_CODE}",
        f"住所：郑州市金水区某路1号{HOSTILE}",
        "法定代表人（负责人）：钱七",
    ]


def test_decision_names_an_individual_by_id_number_and_has_no_legal_representative() -> None:
    data = {**INDIVIDUAL, **NOTIFY}
    text = render(DECISION, decide_context(data, party_type="individual"))
    assert text[4:7] == [f"当事人：{PARTY}", f"身份证件号码：{ID_CARD}", "住址：郑州市二七区某街2号"]
    assert not any(line.startswith("法定代表人") for line in text)


def test_decision_without_an_id_number_has_no_id_line() -> None:
    data = {**ORGANISATION, **NOTIFY}
    del data["party_id_no"]
    text = render(DECISION, decide_context(data))
    assert text[5] == f"住所：郑州市金水区某路1号{HOSTILE}"
    assert not any(line.startswith("统一社会信用代码") for line in text)


def test_decision_states_facts_evidence_and_the_penalty_with_its_basis() -> None:
    text = render(DECISION)
    assert "本机关于2026年1月5日对郑州某某有限公司销售不合格产品案立案调查，现已调查终结。" in text
    told = next(line for line in text if line.startswith("本机关于2026年1月20日向当事人送达了行政处罚事先告知书"))
    assert told.endswith("当事人在法定期限内未提出陈述、申辩意见。")  # art. 59: what became of the party's rights
    assert after(text, "一、违法事实和证据") == f"当事人销售的电热水壶经抽样检验不合格{HOSTILE}。"
    i = text.index("上述事实，有下列证据证明：")
    assert text[i + 1 : i + 4] == ["1. 现场检查笔录", "2. 抽样检验报告", "3. 进货单据"]
    assert after(text, "二、行政处罚的依据和内容") == "《中华人民共和国产品质量法》第四十九条"
    assert "处罚种类：罚款、没收违法所得" in text
    assert "罚款贰拾万元，没收违法所得壹万贰仟元。" in text


def test_decision_states_the_facts_and_basis_of_the_proposal_the_head_decided_on() -> None:
    text = render(
        DECISION, decide_context(facts="经复核，货值金额一万元。", legal_basis="《产品质量法》第五十条")
    )
    assert after(text, "一、违法事实和证据") == "经复核，货值金额一万元。"
    assert after(text, "二、行政处罚的依据和内容") == "《产品质量法》第五十条"


def test_decision_states_the_outcome_of_statements_and_of_the_hearing() -> None:
    heard = {
        "received_on": "2026-01-22",
        "statement": "违法情节轻微",
        "adopted": "不予采纳，理由是货值较大",
        "held_on": "2026-02-03",
        "opinion": "建议维持",
        "requested_on": "2026-01-21",
    }
    ctx = decide_context({**ORGANISATION, **PROPOSE_REGISTER, **NOTIFY, **heard})
    told = next(line for line in render(DECISION, ctx) if line.startswith("本机关于2026年1月20日"))
    assert "当事人于2026年1月22日提出陈述、申辩意见：违法情节轻微。复核意见：不予采纳，理由是货值较大" in told
    assert told.endswith("本机关于2026年2月3日举行了听证，听证主持人意见：建议维持")


def test_decision_lists_confiscated_gains_and_property_apart() -> None:
    text = render(DECISION, decide_context(illegal_property="假冒电热水壶200台", illegal_property_value=30000))
    assert "没收违法所得：12,000.00元（人民币壹万贰仟元整）" in text
    assert "没收非法财物：假冒电热水壶200台（价值30,000.00元）" in text


def test_decision_writes_the_fine_in_figures_and_in_capitals() -> None:
    text = render(DECISION, decide_context(fine_amount=1234567.89, illegal_gains=0.5))
    assert "罚款：1,234,567.89元（人民币壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分）" in text
    assert "没收违法所得：0.50元（人民币伍角）" in text


def test_decision_says_how_and_by_when_to_pay() -> None:
    text = render(DECISION, decide_context(payment=None))
    i = text.index("三、履行方式和期限")
    assert "第六十七条" in text[i + 1] and "自收到本决定书之日起十五日内" in text[i + 1]
    assert "每日按罚款数额的百分之三加处罚款" in text[i + 2]


def test_a_payment_method_given_replaces_the_standard_bank_paragraph() -> None:
    text = render(DECISION)
    i = text.index("三、履行方式和期限")
    assert text[i + 1] == "通过电子支付系统缴纳至指定账户"
    assert not any("到指定的银行" in line for line in text)  # no contradiction with the method given
    assert "每日按罚款数额的百分之三加处罚款" in text[i + 2]


def test_decision_gives_the_routes_to_review_and_to_court() -> None:
    text = render(DECISION)
    routes = after(text, "四、申请行政复议或者提起行政诉讼的途径和期限")
    assert "自收到本决定书之日起六十日内向郑州市人民政府申请行政复议" in routes
    assert "自收到本决定书之日起六个月内依法向郑州市中原区人民法院提起行政诉讼" in routes
    assert sign_off(text) == [AGENCY, "2026年2月10日", "（印章）"]  # dated the day of the decision


def test_decision_without_sums_or_payment_has_no_payment_section() -> None:
    ctx = decide_context(penalty_types=["警告"], fine_amount=0, illegal_gains=None, payment=None, penalty_content="警告。")
    text = render(DECISION, ctx)
    assert "三、履行方式和期限" not in text
    assert not any(line.startswith("罚款：") for line in text)
    assert not any("十五日内" in line for line in text)
    assert "三、申请行政复议或者提起行政诉讼的途径和期限" in text


def test_decision_with_a_duty_but_no_sum_to_pay_has_no_payment_deadline() -> None:
    ctx = decide_context(
        penalty_types=["责令停产停业"], fine_amount=0, illegal_gains=None, payment="自收到本决定书之日起停产停业三个月。"
    )
    text = render(DECISION, ctx)
    assert after(text, "三、履行方式和期限") == "自收到本决定书之日起停产停业三个月。"
    assert not any("十五日内" in line or "加处罚款" in line for line in text)
    assert "四、申请行政复议或者提起行政诉讼的途径和期限" in text


def test_decision_without_a_decision_date_is_dated_the_day_it_is_issued() -> None:
    text = render(DECISION, decide_context(decision_date=""))
    assert sign_off(text) == [AGENCY, "2026年2月13日", "（印章）"]


# ---------------------------------------------------------------- 信用修复告知书


def test_credit_repair_notice_cites_the_decision_and_explains_disclosure_and_repair() -> None:
    ctx = decide_context()
    ctx["data"]["decision_no"] = "郑市监〔2026〕12号"
    text = render(CREDIT, ctx)
    assert text[:4] == [AGENCY, "信用修复告知书", "", "郑市监〔2026〕13号"]
    assert text[4] == f"{PARTY}："
    assert text[5].startswith("根据本机关作出的行政处罚决定（郑市监〔2026〕12号），")
    assert "公示" in text[5]
    assert "信用修复" in text[6] and "最短公示期" in text[6] and "履行" in text[6]
    assert sign_off(text) == [AGENCY, "2026年2月13日", "（印章）"]


def test_credit_repair_notice_without_a_decision_number_reads_cleanly() -> None:
    text = render(CREDIT)
    assert text[5].startswith("根据本机关作出的行政处罚决定，依照")


# ---------------------------------------------------------------- 送达回证


def test_service_receipt_lists_each_served_document_in_its_own_row() -> None:
    document = open_docx(render_document(RECEIPT, serve_context()))
    rows = document.tables[0].rows
    served = [r for r in rows if r.cells[0].text == "送达文书名称及文号"]
    assert [r.cells[1].text for r in served] == [
        "行政处罚决定书 郑市监罚〔2026〕12号",
        "信用修复告知书 郑市监信修〔2026〕12号",
    ]
    merges = [r._tr.tc_lst[0].find(qn("w:tcPr") + "/" + qn("w:vMerge")) for r in served]
    assert [m.get(qn("w:val")) for m in merges] == ["restart", "continue"]


def test_service_receipt_shows_recipient_place_method_date_and_server() -> None:
    text = render(RECEIPT)
    assert after(text, "受送达人") == f"钱七{HOSTILE}"
    assert after(text, "送达地点") == "当事人住所"
    assert after(text, "送达方式") == "直接送达"
    assert after(text, "送达日期") == "2026年2月13日"
    assert after(text, "送达人") == "张三"
    assert after(text, "受送达人签名") == ""
    assert after(text, "备注") == ""


def test_lodged_service_asks_for_a_witness() -> None:
    text = render(RECEIPT, serve_context(method="留置送达"))
    assert after(text, "送达方式") == "留置送达"
    assert "见证人签名" in after(text, "备注")


# ---------------------------------------------------------------- 结案审批表


def test_closing_approval_shows_decision_execution_and_blanks_to_sign() -> None:
    text = render(CLOSING)
    assert text[:2] == [AGENCY, "结案审批表"]
    assert after(text, "案由") == "郑州某某有限公司销售不合格产品案"
    assert after(text, "当事人") == PARTY
    assert after(text, "立案日期") == "2026年1月5日"
    assert after(text, "决定书文号") == "郑市监罚〔2026〕12号"
    assert after(text, "决定日期") == "2026年2月10日"
    assert after(text, "处理结果") == "罚款贰拾万元，没收违法所得壹万贰仟元。"
    assert after(text, "罚款") == "200,000.00元（人民币贰拾万元整）"
    assert after(text, "没收违法所得") == "12,000.00元（人民币壹万贰仟元整）"
    assert after(text, "送达日期") == "2026年2月13日"
    assert after(text, "执行方式") == "自觉履行"
    assert after(text, "履行完毕日期") == "2026年2月20日"
    assert after(text, "实缴罚没款") == "212,000.00元"
    assert after(text, "执行情况") == "当事人已于2026年2月20日缴清罚没款。"
    i = text.index("承办人意见")
    assert text[i + 1 : i + 3] == ["行政处罚决定已执行完毕。", "承办人：张三\u3000\u30002026年2月21日"]
    i = text.index("机关负责人审批意见")
    assert text[i + 1 : i + 3] == ["同意结案。", "负责人：王局长\u3000\u30002026年2月13日"]
    assert after(text, "结案日期") == "2026年2月13日"


# ---------------------------------------------------------------- 重大行政处罚备案报告 and 纠正通知书


def test_filing_report_is_addressed_to_the_office_and_describes_the_penalty() -> None:
    text = render(FILING)
    assert text[:4] == [AGENCY, "重大行政处罚备案报告", "", "文号：郑市监〔2026〕13号"]  # 备案编号 is the office's
    assert text[4] == "郑州市司法局："
    assert after(text, "处罚决定书文号") == "郑市监〔2026〕12号"
    assert after(text, "当事人") == PARTY
    assert after(text, "统一社会信用代码") == CREDIT_CODE
    assert after(text, "住所（住址）") == "郑州市金水区某路1号"
    assert after(text, "法定代表人（负责人）") == "钱七"
    assert after(text, "违法事实") == "当事人销售不合格电热水壶。"
    assert after(text, "处罚依据") == "《中华人民共和国产品质量法》第四十九条"
    assert after(text, "处罚种类") == "罚款、没收违法所得"
    i = text.index("罚没金额")
    assert text[i + 1 : i + 3] == [
        "罚款200,000.00元（人民币贰拾万元整）",
        "没收违法所得12,000.00元（人民币壹万贰仟元整）",
    ]
    assert after(text, "决定日期") == "2026年2月10日"
    assert "需要说明的情况：本案已经法制审核。" in text
    assert text[text.index("附件：") + 1 : text.index("附件：") + 3] == [
        "1. 行政处罚决定书复印件",
        "2. 案件材料目录",
    ]
    assert sign_off(text) == [f"报送机关：{AGENCY}", "2026年2月13日", "（印章）"]
    assert text[-1] == "（联系人：张三）"


def test_filing_report_without_a_fine_shows_only_what_was_confiscated_or_none() -> None:
    text = render(FILING, file_context(fine_amount=None))
    assert after(text, "罚没金额") == "没收违法所得12,000.00元（人民币壹万贰仟元整）"
    text = render(FILING, file_context(fine_amount=None, illegal_gains=None, illegal_property="假冒商品一批", illegal_property_value=150000))
    assert after(text, "罚没金额") == "没收非法财物：假冒商品一批（价值150,000.00元）"
    text = render(FILING, file_context(fine_amount=None, illegal_gains=None))
    assert after(text, "罚没金额") == "无"


def test_correction_notice_is_issued_by_the_filing_office_to_the_deciding_agency() -> None:
    text = render(CORRECTION)
    assert text[:2] == ["郑州市司法局", "纠正通知书"]
    assert text[4] == f"{AGENCY}："
    assert "（郑市监〔2026〕12号，当事人：" + PARTY + "）" in text[5]
    assert "自本通知书发出之日起30日内（2026年3月15日前）将纠正情况书面报告本机关" in "".join(text)
    assert sign_off(text) == ["郑州市司法局", "2026年2月13日", "（印章）"]


def test_correction_notice_lists_each_problem_in_a_table_row() -> None:
    document = open_docx(render_document(CORRECTION, correction_context()))
    assert len(document.tables) == 1
    rows = [[c.text for c in row.cells] for row in document.tables[0].rows]
    assert rows == [
        ["序号", "审查事项", "存在问题"],
        ["1", "程序是否合法", f"未告知听证权利{HOSTILE}"],
        ["2", "备案是否及时", "超过十五日报送"],
    ]


# ---------------------------------------------------------------- 公示信息


def test_disclosure_shows_every_published_item() -> None:
    text = render(DISCLOSURE)
    assert text[:2] == [AGENCY, "行政执法公示信息"]
    assert after(text, "执法机关") == AGENCY
    assert after(text, "执法类别") == "行政处罚"
    assert after(text, "决定文书号") == "郑市监〔2026〕12号"
    assert after(text, "行政相对人") == "李某某"
    assert after(text, "依据") == "《中华人民共和国产品质量法》第四十九条"
    assert after(text, "决定日期") == "2026年2月10日"
    assert after(text, "公示日期") == "2026年2月13日"


def test_disclosure_never_shows_an_individuals_full_id_or_mobile_number() -> None:
    data = render_document(DISCLOSURE, publish_context())
    text = lines(data)
    assert after(text, "证件号码") == "410102********1230"
    assert (
        after(text, "执法结论")
        == f"罚款二万元{HOSTILE}。当事人联系电话138****8000，身份证号410102********1230。"
    )
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        xml = b"".join(z.read(name) for name in z.namelist()).decode("utf-8", "replace")
    assert ID_CARD not in xml and "13800138000" not in xml


def test_disclosure_masks_numbers_written_into_the_party_name() -> None:
    ctx = publish_context()
    ctx["case"]["party"] = f"李某某（{ID_CARD}）"
    assert after(render(DISCLOSURE, ctx), "行政相对人") == "李某某（410102********1230）"


def test_disclosure_keeps_an_organisations_credit_code() -> None:
    text = render(DISCLOSURE, publish_context(party_type="organization", party_id_no=CREDIT_CODE))
    assert after(text, "统一社会信用代码") == CREDIT_CODE


# ---------------------------------------------------------------- every new template


EXPECTED_NAMES = {
    "register_approval.docx": {"doc", "agency", "case", "actor", "payload", "data", "events", "people"},
    "hearing_schedule.docx": {"doc", "agency", "case", "payload", "people"},
    "hearing_record.docx": {"doc", "agency", "case", "payload", "events", "people"},
    "decision_approval.docx": {"doc", "agency", "case", "actor", "payload", "data", "events"},
    "no_penalty_decision.docx": {"doc", "agency", "case", "payload", "data", "events"},
    "prior_notice.docx": {"doc", "agency", "case", "payload", "issued"},
    "hearing_notice.docx": {"doc", "agency", "case", "payload"},
    "penalty_discussion_record.docx": {"doc", "agency", "case", "payload", "events"},
    "penalty_decision.docx": {"doc", "agency", "case", "payload", "data", "events"},
    "credit_repair_notice.docx": {"doc", "agency", "case", "data"},
    "service_receipt.docx": {"doc", "agency", "case", "payload", "people"},
    "closing_approval.docx": {"doc", "agency", "case", "actor", "payload", "data", "events"},
    "filing_report.docx": {"doc", "agency", "counterpart", "case", "payload", "data"},
    "correction_notice.docx": {"doc", "agency", "issuer", "case", "payload", "data", "deadlines"},
    "disclosure_notice.docx": {"doc", "agency", "case", "data", "events", "event", "payload"},
}


def test_each_template_names_only_context_keys() -> None:
    used = {t.name: {c[0] for c in template_use(t).chains} for t in NEW_TEMPLATES}
    assert used == EXPECTED_NAMES
    assert all(names <= CONTEXT_KEYS for names in used.values())
    assert "issuer" in CONTEXT_KEYS


@pytest.mark.parametrize("template", NEW_TEMPLATES, ids=lambda t: t.stem)
def test_every_jinja_tag_sits_whole_in_one_run(template: Path) -> None:
    for r in all_runs(docx.Document(str(template))):
        text = "".join(t.text or "" for t in r.iter(qn("w:t")))
        for opening, closing in (("{{", "}}"), ("{%", "%}")):
            assert text.count(opening) == text.count(closing), text


@pytest.mark.parametrize("template", NEW_TEMPLATES, ids=lambda t: t.stem)
def test_markup_in_user_text_is_shown_literally_in_well_formed_xml(template: Path) -> None:
    data = render_document(template, REALISTIC[template]())
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        etree.fromstring(z.read("word/document.xml"))
    text = document_text(data)
    assert HOSTILE in text
    assert "&amp;" not in text and "&#" not in text and "<w:" not in text


@pytest.mark.parametrize("template", NEW_TEMPLATES, ids=lambda t: t.stem)
def test_missing_fields_render_blank_not_none(template: Path) -> None:
    ctx = case_context("x", {}, {})
    text = document_text(render_document(template, ctx))
    assert "None" not in text and "Undefined" not in text
    assert "{{" not in text and "{%" not in text
    assert "郑州市市场监督管理局" in text


@pytest.mark.parametrize("template", NEW_TEMPLATES, ids=lambda t: t.stem)
def test_every_rendered_run_has_east_asian_font_and_zh_cn(template: Path) -> None:
    runs = all_runs(open_docx(render_document(template, REALISTIC[template]())))
    assert len(runs) > 15
    for r in runs:
        assert east_asia(r), etree.tostring(r, encoding="unicode")
        lang = r.find(qn("w:rPr") + "/" + qn("w:lang"))
        assert lang is not None and lang.get(qn("w:eastAsia")) == "zh-CN"


@pytest.mark.parametrize("template", NEW_TEMPLATES, ids=lambda t: t.stem)
def test_page_text_block_and_line_pitch_follow_gbt_9704(template: Path) -> None:
    document = docx.Document(str(template))
    section = document.sections[0]
    mm = {
        name: getattr(section, name).mm
        for name in (
            "page_width",
            "page_height",
            "top_margin",
            "bottom_margin",
            "left_margin",
            "right_margin",
        )
    }
    assert abs(mm["page_width"] - 210) <= 0.5 and abs(mm["page_height"] - 297) <= 0.5
    assert abs(mm["top_margin"] - 37) <= 0.5 and abs(mm["left_margin"] - 28) <= 0.5
    assert abs(mm["page_width"] - mm["left_margin"] - mm["right_margin"] - 156) <= 0.5
    assert abs(mm["page_height"] - mm["top_margin"] - mm["bottom_margin"] - 225) <= 0.5
    fmt = document.styles["Normal"].paragraph_format
    assert fmt.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert int(Mm(225) / fmt.line_spacing) == 22
    for p in document.paragraphs:
        assert p.paragraph_format.line_spacing in (None, fmt.line_spacing), p.text


@pytest.mark.parametrize("template", NEW_TEMPLATES, ids=lambda t: t.stem)
def test_agency_and_title_lines_are_2hao_xiaobiaosong_centred_and_body_is_fangsong(template: Path) -> None:
    document = open_docx(render_document(template, REALISTIC[template]()))
    for p in document.paragraphs[:2]:
        assert p.alignment == WD_PARAGRAPH_ALIGNMENT.CENTER
        assert p.runs
        for r in p.runs:
            assert r.font.size == Pt(22)
            assert east_asia(r._r) == "方正小标宋简体"
    number = document.paragraphs[3]
    assert number.text.endswith("郑市监〔2026〕13号")
    assert number.alignment == WD_PARAGRAPH_ALIGNMENT.RIGHT
    assert {east_asia(r._r) for r in number.runs} == {"仿宋_GB2312"}
    assert {r.font.size for r in number.runs} == {Pt(16)}


def test_headings_are_heiti_and_speakers_kaiti() -> None:
    document = open_docx(render_document(PENALTY_DISCUSSION, discuss_context()))
    assert {east_asia(r._r) for r in paragraph_with(document, "二、拟处理意见").runs} == {"黑体"}
    assert {east_asia(r._r) for r in paragraph_with(document, "（一）王局长").runs} == {"楷体_GB2312"}
    decision = open_docx(render_document(DECISION, decide_context()))
    assert {east_asia(r._r) for r in paragraph_with(decision, "三、履行方式和期限").runs} == {"黑体"}


# ---------------------------------------------------------------- the builder


def test_builder_reproduces_every_committed_template_byte_for_byte(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """doc_templates/ is generated: an edit to the builder that is not regenerated (or the reverse) fails."""
    scripts = Path(__file__).resolve().parents[2] / "scripts"
    monkeypatch.syspath_prepend(str(scripts))
    spec = importlib.util.spec_from_file_location("make_doc_templates", scripts / "make_doc_templates.py")
    assert spec is not None and spec.loader is not None
    builder = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(builder)
    written = builder.main(tmp_path)
    assert {p.name for p in written} >= {t.name for t in NEW_TEMPLATES + ALL_TEMPLATES}
    for path in written:
        assert path.read_bytes() == (TEMPLATES / path.name).read_bytes(), path.name
