"""案卷评查 in tests: the shipped scoring sheet, marks for it, and closed penalty files to draw from."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from review_workflow.core.loader import parse_definition
from review_workflow.runtime import Runtime
from review_workflow.services.moves import create_instance
from review_workflow.storage.db import UnitOfWork
from review_workflow.storage.models import User
from tests.conftest import People, Person, add_person

SHEET = parse_definition(Path("workflows/case_file_evaluation.yaml")).sheets["case_file"]


def marks(failed: tuple[str, ...] = (), deductions: dict[str, float] | None = None) -> dict[str, Any]:
    """Every item marked: the basic ones 符合 unless named, the general ones with the given deductions."""
    return {
        "basic": {i.key: i.key not in failed for i in SHEET.basic},
        "general": {i.key: (deductions or {}).get(i.key, 0) for i in SHEET.general},
    }


def closed_files(rt: Runtime, people: People, n: int, closed_on: str = "2026-03-02") -> list[int]:
    """`n` penalty cases of the agency as the engine leaves a closed one (state, the 结案 record): the
    draw reads only these; driving each through its 20 steps would only slow the test."""
    d = rt.workflow("penalty_case").definition
    ids = []
    with UnitOfWork(rt.sessions) as session:
        for k in range(n):
            inst = create_instance(
                rt, session, d, agency_id=people.agency_id, handler_id=people.handler.id, title=f"抽样案件{k}",
                party=f"当事人{k}", data={"party_type": "individual", "decision_no": f"郑市监罚〔2026〕{k + 1}号"}, actor=None,
            )
            inst.state, inst.events = "closed", {"close": {"on": closed_on, "by": people.agency_head.id, "seq": 9}}
            ids.append(inst.id)
        session.commit()
    return ids


def add_evaluator(rt: Runtime, people: People) -> Person:
    """A 评查人员 of the province's 司法厅, where the supervisor who draws works."""
    with UnitOfWork(rt.sessions) as session:
        supervisor = session.get(User, people.supervisor.id)
        assert supervisor is not None
        agency_id = supervisor.agency_id
    return add_person(rt, "pingcha", agency_id, ("evaluator",), name="郑评查")
