"""Penalty cases driven over HTTP the way the people who run them would: the handler proposes, the agency
head approves and decides, two certified officers act, the party's rights are heard.

2026 Spring Festival: rest 2-15..2-23, make-up workdays Sat 2-14 and Sat 2-28.
"""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.api.conftest import auth, child, detail, move, ok
from tests.conftest import SUBMISSION, People, pin_clock

ORG = "郑州某化工有限公司"
ORG_FIELDS = {"party_type": "organization", "party_address": "郑州市金水区某路1号", "legal_representative": "钱某"}
PERSON = "王某某"
PERSON_ID = "410105198703150012"
PERSON_FIELDS = {"party_type": "individual", "party_address": "郑州市二七区某街2号", "party_id_no": PERSON_ID}


def clock(client: TestClient, moment: str) -> None:
    pin_clock(client.app.state.runtime, moment)  # type: ignore[attr-defined]


def registered(client: TestClient, people: People, *, party: str = ORG, **fields: Any) -> dict[str, Any]:
    """Proposed by the handler with two certified officers and approved by the agency head on 2026-01-05."""
    clock(client, "2026-01-05T09:00:00")
    body = {"workflow": "penalty_case", "title": f"{party}违法案", "party": party, **(fields or ORG_FIELDS)}
    case = ok(client.post("/api/cases", json=body, headers=auth(people.handler)), 201)
    case = move(
        client,
        people.handler,
        case,
        "propose_register",
        {
            "facts_brief": "群众举报。",
            "register_basis": "《环境保护法》第六十三条",
            "investigators": [people.handler.id, people.handler2.id],
            "discovered_on": "2026-01-04",
        },
    )
    return move(client, people.agency_head, case, "register", {"opinion": "同意立案。"})


def notice(
    people: People, fine: float = 200000, types: list[str] | None = None, served_on: str = "2026-01-05", **extra: Any
) -> dict[str, Any]:
    return {
        "facts": "超标排放水污染物。",
        "evidence": ["监测报告", "现场检查笔录"],
        "legal_basis": "《水污染防治法》第八十三条",
        "proposed_penalty": f"罚款{fine:.0f}元",
        "proposed_types": types or ["罚款"],
        "proposed_fine": fine,
        "officers": [people.handler.id, people.handler2.id],
        "served_on": served_on,
        **extra,
    }


def notified(
    client: TestClient, people: People, fine: float = 200000, *, party: str = ORG, fields: dict[str, Any] | None = None, **extra: Any
) -> dict[str, Any]:
    """Registered and notified on 2026-01-05; the party's five working days run to 2026-01-12."""
    case = registered(client, people, party=party, **(fields or {}))
    return move(client, people.handler, case, "notify", notice(people, fine, **extra))


def proposal(fine: float, types: list[str] | None = None, **extra: Any) -> dict[str, Any]:
    return {
        "outcome": "给予行政处罚",
        "facts": "超标排放水污染物，经监测确认。",
        "legal_basis": "依据《水污染防治法》第八十三条第二项",
        "discretion": "适用裁量基准一般情节。",
        "penalty_types": types or ["罚款"],
        "fine_amount": fine,
        "penalty_content": f"罚款人民币{fine:.0f}元。",
        "review_body": "郑州市人民政府",
        "court": "郑州市中原区人民法院",
        "complex": False,
        **extra,
    }


def proposed(client: TestClient, people: People, case: dict[str, Any], fine: float, **extra: Any) -> dict[str, Any]:
    """The handler's 处罚决定审批表 on 2026-01-13, the party's window having run out."""
    clock(client, "2026-01-13T09:00:00")
    return move(client, people.handler, case, "propose_decision", proposal(fine, **extra))


def reviewed(client: TestClient, people: People, case: dict[str, Any]) -> dict[str, Any]:
    """Sent to legal review and approved by the legal office; back with the agency head."""
    case = move(client, people.handler, case, "submit_review", {})
    review = child(client, people.handler, case["id"], "major_decision_review")
    review = move(client, people.handler, review, "submit", SUBMISSION)
    move(client, people.reviewer, review, "approve", {"opinion": "事实清楚，证据确凿，同意。"})
    return detail(client, people.handler, case["id"])


def discussed(client: TestClient, people: People, case: dict[str, Any], conclusion: str = "同意拟处理意见") -> dict[str, Any]:
    case = move(client, people.handler, case, "refer_discussion", {})
    return move(
        client,
        people.agency_head,
        case,
        "discuss",
        {"held_on": "2026-01-13", "conclusion": conclusion, "attendees": ["陈明", "李静", "张伟"], "minutes": "经集体讨论。"},
    )


def decided_major(client: TestClient, people: People) -> dict[str, Any]:
    """¥200,000 on an organisation: reviewed, discussed, and decided by the agency head on Fri 2026-02-13."""
    case = proposed(client, people, notified(client, people), 200000)
    case = discussed(client, people, reviewed(client, people, case))
    clock(client, "2026-02-13T10:00:00")
    return move(client, people.agency_head, case, "decide_penalty", {"decision_date": "2026-02-13"})


def decided_minor(client: TestClient, people: People, fine: float = 5000) -> dict[str, Any]:
    """¥5,000 on an individual, decided on 2026-01-13 without review or discussion."""
    case = notified(client, people, fine, party=PERSON, fields=PERSON_FIELDS)
    case = proposed(client, people, case, fine)
    return move(client, people.agency_head, case, "decide_penalty", {"decision_date": "2026-01-13"})
