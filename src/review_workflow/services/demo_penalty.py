"""Demo penalty cases: one under investigation, one major case decided (its filing and disclosure
started), one minor penalty decided and disclosed, one whose filing the 司法局 has accepted.

Dates are set back from today so that the party's 5-working-day window has run out; the cases move
through the real services like every other demo case.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from ..runtime import Runtime
from ..schemas import CasePublic
from . import queries
from .cases import fire, start_case

WF = "penalty_case"


def _step(rt: Runtime, case: CasePublic, event: str, who: int, payload: dict[str, Any]) -> CasePublic:
    return fire(rt, case.id, event, who, payload, case.version)


def _child(rt: Runtime, viewer: int, parent: CasePublic, workflow: str) -> CasePublic:
    link = next(c for c in queries.get_case(rt, viewer, parent.id).children if c.workflow == workflow)
    return queries.get_case(rt, viewer, link.id)


def _notified(
    rt: Runtime, handler: int, title: str, party: str, fields: dict[str, Any], major: bool
) -> CasePublic:
    served = (rt.clock.today() - timedelta(days=30)).isoformat()
    c = start_case(rt, handler, WF, title, party, fields)
    c = _step(
        rt,
        c,
        "register",
        handler,
        {
            "facts_brief": f"接群众举报，{party}涉嫌违法。",
            "register_basis": "《中华人民共和国行政处罚法》第五十四条",
            "major": major,
            "complex": False,
        },
    )
    return _step(
        rt,
        c,
        "notify",
        handler,
        {
            "facts": f"{party}存在违法行为，事实清楚。",
            "evidence": ["现场检查笔录", "询问笔录", "检验报告"],
            "legal_basis": "《中华人民共和国食品安全法》第一百二十四条",
            "proposed_penalty": "罚款人民币二十万元",
            "hearing_eligible": major,
            "served_on": served,
        },
    )


def _decision(rt: Runtime, party_type: str, fine: float) -> dict[str, Any]:
    return {
        "decision_date": rt.clock.today().isoformat(),
        "party_type": party_type,
        "penalty_types": ["罚款"],
        "fine_amount": fine,
        "penalty_content": f"罚款人民币{fine:,.0f}元。",
        "review_body": "郑州市人民政府",
        "court": "郑州市中原区人民法院",
    }


def _major_decided(rt: Runtime, u: dict[str, int], title: str, party: str) -> CasePublic:
    handler = u["zhangwei"]
    c = _notified(
        rt, handler, title, party, {"party_type": "organization", "case_source": "投诉举报"}, major=True
    )
    c = _step(rt, c, "submit_review", handler, {})
    review = _child(rt, handler, c, "major_decision_review")
    review = _step(
        rt,
        review,
        "submit",
        handler,
        {
            "summary": f"{party}违法事实清楚。",
            "proposed_decision": "罚款人民币二十万元",
            "materials": ["立案审批表", "调查终结报告", "行政处罚事先告知书及送达回证"],
        },
    )
    _step(rt, review, "approve", u["wangfang"], {"opinion": "事实清楚，证据确凿，程序合法，同意。"})
    c = queries.get_case(rt, handler, c.id)
    c = _step(
        rt,
        c,
        "discuss",
        u["chenming"],
        {
            "conclusion": "同意拟处罚意见",
            "attendees": ["陈明", "李静", "张伟"],
            "minutes": "经集体讨论，同意拟处罚意见。",
        },
    )
    return _step(rt, c, "decide_penalty", handler, _decision(rt, "organization", 200000))


def load_penalty_demo(rt: Runtime, u: dict[str, int]) -> None:
    _notified(
        rt, u["liuyang"], "某商店销售无标签食品案", "郑州某商店", {"party_type": "organization"}, major=False
    )

    _major_decided(rt, u, "某乳业公司生产不符合安全标准乳制品案", "河南某乳业有限公司")

    c = _notified(
        rt,
        u["zhangwei"],
        "王某某无证经营食品案",
        "王某某",
        {"party_type": "individual", "party_id_no": "410105198703150012", "party_phone": "13812345678"},
        major=False,
    )
    c = _step(rt, c, "ready_for_decision", u["zhangwei"], {})
    c = _step(rt, c, "decide_penalty", u["zhangwei"], _decision(rt, "individual", 5000))
    disclosure = _child(rt, u["zhangwei"], c, "enforcement_disclosure")
    _step(rt, disclosure, "publish", u["zhangwei"], {"channel": "政府网站"})

    c = _major_decided(rt, u, "某饮料公司使用过期原料案", "郑州某饮料有限公司")
    filing = _child(rt, u["zhangwei"], c, "major_penalty_filing")
    filing = _step(
        rt, filing, "file", u["zhangwei"], {"attachments": ["行政处罚决定书复印件", "案卷材料目录"]}
    )
    filing = _step(rt, filing, "receive", u["wuhua"], {})
    _step(rt, filing, "accept", u["wuhua"], {"opinion": "材料齐全，准予备案。"})
    disclosure = _child(rt, u["zhangwei"], c, "enforcement_disclosure")
    _step(rt, disclosure, "publish", u["zhangwei"], {"channel": "政府网站"})
