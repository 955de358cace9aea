"""Demo penalty cases: one waiting for the agency head to approve 立案, one under investigation with the
party's window running, one major case decided (its filing and disclosure started), one minor penalty
decided and disclosed, one whose filing the 司法局 has accepted.

Every date is a legal fact and obeys the procedure: nothing happens before the step it follows, nothing
in the future. The cases move through the real services like every other demo case: the handler proposes,
the agency head decides (行政处罚法 arts. 54, 57), two certified officers act (art. 42), the party's
rights are heard or waived (arts. 44, 45, 63, 64).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from ..runtime import Runtime
from ..schemas import CasePublic
from . import demo_files, queries
from .attachments import attach_file
from .cases import fire, start_case

WF = "penalty_case"


def _step(rt: Runtime, case: CasePublic, event: str, who: int, payload: dict[str, Any]) -> CasePublic:
    return fire(rt, case.id, event, who, payload, case.version)


def _child(rt: Runtime, viewer: int, parent: CasePublic, workflow: str) -> CasePublic:
    link = next(c for c in queries.get_case(rt, viewer, parent.id).children if c.workflow == workflow)
    return queries.get_case(rt, viewer, link.id)


def _day(rt: Runtime, back: int = 0) -> str:
    return (rt.clock.today() - timedelta(days=back)).isoformat()


def _proposed_register(rt: Runtime, u: dict[str, int], handler: str, title: str, party: str, fields: dict[str, Any]) -> CasePublic:
    c = start_case(rt, u[handler], WF, title, party, fields)
    return _step(
        rt,
        c,
        "propose_register",
        u[handler],
        {
            "facts_brief": f"接群众举报，{party}涉嫌违法。",
            "register_basis": "《中华人民共和国行政处罚法》第五十四条",
            "investigators": [u["zhangwei"], u["liuyang"]],
            "discovered_on": _day(rt, 3),
        },
    )


def _notified(
    rt: Runtime, u: dict[str, int], handler: str, title: str, party: str, fields: dict[str, Any], fine: float,
    evidence: bool = False,
) -> CasePublic:
    """Registered by the agency head and notified today (the party's five working days run from today)."""
    c = _proposed_register(rt, u, handler, title, party, fields)
    c = _step(rt, c, "register", u["chenming"], {"opinion": "同意立案。"})
    if evidence:  # 调查取证: what the officers brought back, attached while investigating
        attach_file(rt, u[handler], c.id, "现场检查照片.png", [demo_files.png(64, 48)], "仓库内过期原料堆放情况")
        attach_file(rt, u[handler], c.id, "询问笔录（扫描件）.pdf", [demo_files.pdf("Interview record", pages=2)], "询问当事人法定代表人")
        c = queries.get_case(rt, u[handler], c.id)
    return _step(
        rt,
        c,
        "notify",
        u[handler],
        {
            "facts": f"{party}存在违法行为，事实清楚。",
            "evidence": ["现场检查笔录", "询问笔录", "检验报告"],
            "legal_basis": "《中华人民共和国食品安全法》第一百二十四条",
            "proposed_penalty": f"罚款人民币{fine:,.0f}元",
            "proposed_types": ["罚款"],
            "proposed_fine": fine,
            "officers": [u["zhangwei"], u["liuyang"]],
            "served_on": _day(rt),
        },
    )


def _proposal(fine: float, **extra: Any) -> dict[str, Any]:
    return {
        "outcome": "给予行政处罚",
        "facts": "当事人的违法事实清楚，证据确凿。",
        "legal_basis": "依据《中华人民共和国食品安全法》第一百二十四条第一款",
        "discretion": "适用本局行政处罚裁量基准一般情节。",
        "penalty_types": ["罚款"],
        "fine_amount": fine,
        "penalty_content": f"罚款人民币{fine:,.0f}元。",
        "review_body": "郑州市人民政府",
        "court": "郑州市中原区人民法院",
        "complex": False,
        **extra,
    }


def _waived_and_proposed(rt: Runtime, u: dict[str, int], c: CasePublic, fine: float) -> CasePublic:
    c = _step(rt, c, "waive_rights", u["zhangwei"], {"waived_on": _day(rt), "statement": "对违法事实无异议。"})
    return _step(rt, c, "propose_decision", u["zhangwei"], _proposal(fine))


def _major_decided(rt: Runtime, u: dict[str, int], title: str, party: str, evidence: bool = False) -> CasePublic:
    """¥200,000 on an organisation: reviewed by the legal office, discussed, decided by the agency head."""
    fields = {
        "party_type": "organization",
        "case_source": "投诉举报",
        "party_address": "郑州市金水区某路1号",
        "legal_representative": "钱某",
    }
    c = _notified(rt, u, "zhangwei", title, party, fields, 200000, evidence)
    c = _waived_and_proposed(rt, u, c, 200000)
    c = _step(rt, c, "submit_review", u["zhangwei"], {})
    review = _child(rt, u["zhangwei"], c, "major_decision_review")
    review = _step(
        rt,
        review,
        "submit",
        u["zhangwei"],
        {
            "summary": f"{party}违法事实清楚。",
            "proposed_decision": "罚款人民币二十万元",
            "materials": ["立案审批表", "调查终结报告", "行政处罚事先告知书及送达回证", "处罚决定审批表"],
        },
    )
    _step(rt, review, "approve", u["wangfang"], {"opinion": "事实清楚，证据确凿，程序合法，同意。"})
    c = queries.get_case(rt, u["zhangwei"], c.id)
    c = _step(rt, c, "refer_discussion", u["zhangwei"], {})
    c = _step(
        rt,
        c,
        "discuss",
        u["chenming"],
        {
            "held_on": _day(rt),
            "conclusion": "同意拟处理意见",
            "attendees": ["陈明", "李静", "张伟"],
            "minutes": "经集体讨论，同意拟处理意见。",
        },
    )
    return _step(rt, c, "decide_penalty", u["chenming"], {"decision_date": _day(rt), "opinion": "同意。"})


def load_penalty_demo(rt: Runtime, u: dict[str, int]) -> None:
    _proposed_register(
        rt, u, "liuyang", "某小作坊未取得许可生产食品案", "某食品加工小作坊", {"party_type": "individual"}
    )
    _notified(
        rt, u, "liuyang", "某商店销售无标签食品案", "郑州某商店", {"party_type": "organization"}, 3000
    )

    _major_decided(rt, u, "某乳业公司生产不符合安全标准乳制品案", "河南某乳业有限公司")

    individual = {
        "party_type": "individual",
        "party_id_no": "410105198703150012",
        "party_phone": "13812345678",
        "party_address": "郑州市二七区某街2号",
    }
    c = _notified(rt, u, "zhangwei", "王某某无证经营食品案", "王某某", individual, 5000)
    c = _waived_and_proposed(rt, u, c, 5000)
    c = _step(rt, c, "decide_penalty", u["chenming"], {"decision_date": _day(rt)})
    disclosure = _child(rt, u["zhangwei"], c, "enforcement_disclosure")
    _step(rt, disclosure, "publish", u["zhangwei"], {"channel": "政府网站"})

    c = _major_decided(rt, u, "某饮料公司使用过期原料案", "郑州某饮料有限公司", evidence=True)
    filing = _child(rt, u["zhangwei"], c, "major_penalty_filing")
    filing = _step(
        rt, filing, "file", u["zhangwei"], {"attachments": ["行政处罚决定书复印件", "案卷材料目录"]}
    )
    filing = _step(rt, filing, "receive", u["wuhua"], {})
    _step(rt, filing, "accept", u["wuhua"], {"opinion": "材料齐全，准予备案。"})
    disclosure = _child(rt, u["zhangwei"], c, "enforcement_disclosure")
    _step(rt, disclosure, "publish", u["zhangwei"], {"channel": "政府网站"})

