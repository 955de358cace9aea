"""Engine only: decisions per second on an in-memory object, no database.

Ours: `Engine.fire` (the transitions Machine with our guards and role checks) walking the review path.
Compared, in the same run: a bare `transitions.Machine` with the same states and events and no guards
(the library's own cost), and SpiffWorkflow completing the same user tasks in memory (no serialisation).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date
from types import SimpleNamespace
from typing import Any

from bench_common import REVIEW_PATH, TODAY, WORKFLOW, median
from transitions import Machine

from review_workflow.core.guards import Actor, CaseFacts, GuardContext
from review_workflow.runtime import load_workflows

HANDLER = Actor(
    id=1, name="张伟", agency_id=1, roles=frozenset({"handler"}), certificate_no="豫执41010001",
    certificate_valid_from=date(2020, 1, 1), certificate_valid_until=date(2099, 12, 31),
)
REVIEWER = Actor(id=2, name="王芳", agency_id=1, roles=frozenset({"reviewer"}), legal_qualification="A20171100001")


def ours_walk(settings: Any) -> Callable[[int], int]:
    workflows, _ = load_workflows(settings)
    engine = workflows[WORKFLOW].engine
    steps = [
        (event, HANDLER if role == "handler" else REVIEWER, payload, dest)
        for event, role, payload, dest in REVIEW_PATH
    ]

    def walk(cases: int) -> int:
        for i in range(cases):
            row = SimpleNamespace(state="drafting")
            for event, actor, payload, _ in steps:
                facts = CaseFacts(id=i, agency_id=1, handler_id=HANDLER.id, state=row.state)
                t = engine.check(row.state, event, actor, facts)
                engine.fire(row, t, GuardContext(actor, facts, payload, TODAY, event=event))
            assert row.state == "approved"
        return cases * len(steps)

    return walk


def bare_transitions_walk() -> Callable[[int], int]:
    sources = ("drafting", "under_review", "returned", "under_review")
    machine = Machine(
        model=None,
        states=["drafting", "under_review", "returned", "approved"],
        initial="drafting",
        transitions=[
            {"trigger": event, "source": src, "dest": dest}
            for (event, _, _, dest), src in zip(REVIEW_PATH, sources, strict=True)
        ],
        auto_transitions=False,
        send_event=True,
        model_attribute="state",
    )
    events = [machine.events[event] for event, *_ in REVIEW_PATH]

    def walk(cases: int) -> int:
        for _ in range(cases):
            row = SimpleNamespace(state="drafting")
            for ev in events:
                ev.trigger(row)
            assert row.state == "approved"
        return cases * len(events)

    return walk


def spiff_walk() -> Callable[[int], int]:
    from bench_spiff import complete, new_workflow

    def walk(cases: int) -> int:
        for _ in range(cases):
            wf = new_workflow()
            for event, role, payload, _ in REVIEW_PATH:
                complete(wf, event, role, payload)
            assert wf.is_completed()
        return cases * len(REVIEW_PATH)

    return walk


def rate(walk: Callable[[int], int], cases: int, rounds: int) -> tuple[float, list[float]]:
    """Median seconds per decision over `rounds`, after one warm-up call."""
    walk(max(1, cases // 10))
    per = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        n = walk(cases)
        per.append((time.perf_counter() - t0) / n)
    return median(per), per
