"""The engine alone: one machine per definition, fired on plain rows, guards and roles, no database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from review_workflow.config import PROJECT_ROOT
from review_workflow.core.engine import Engine
from review_workflow.core.errors import GuardRejected, NotPermitted, TransitionNotAllowed
from review_workflow.core.guards import Actor, CaseFacts, GuardContext
from review_workflow.core.loader import load_definition, load_roles

TODAY = date(2026, 3, 2)


@pytest.fixture(scope="module")
def engine() -> Engine:
    titles = {name: r.title for name, r in load_roles(PROJECT_ROOT / "workflows").items()}
    return Engine(load_definition(PROJECT_ROOT / "workflows/major_decision_review.yaml", PROJECT_ROOT / "doc_templates"), titles)


@dataclass
class Row:
    state: str


HANDLER = Actor(1, "张伟", 10, frozenset({"handler"}), "豫执001", date(2024, 1, 1), date(2028, 12, 31))
REVIEWER = Actor(2, "王芳", 10, frozenset({"reviewer"}), legal_qualification="A2017")
HEAD = Actor(3, "陈明", 10, frozenset({"agency_head"}))


def ctx(actor: Actor, state: str, handler_id: int = 1, agency_id: int = 10) -> GuardContext:
    return GuardContext(actor, CaseFacts(7, agency_id, handler_id, state), {}, TODAY)


def fire(engine: Engine, row: Row, event: str, c: GuardContext) -> None:
    """Check who fires the event from the row's state, then move the row."""
    engine.fire(row, engine.check(row.state, event, c.actor, c.case), c)


def test_many_rows_share_one_machine_and_each_keeps_its_state(engine: Engine) -> None:
    a, b = Row("drafting"), Row("under_review")
    fire(engine, a, "submit", ctx(HANDLER, a.state))
    fire(engine, b, "approve", ctx(REVIEWER, b.state))
    assert (a.state, b.state) == ("under_review", "approved")
    assert engine.machine.models == []


def test_wrong_state_is_an_error_not_a_false(engine: Engine) -> None:
    with pytest.raises(TransitionNotAllowed, match="拟稿"):
        fire(engine, Row("drafting"), "approve", ctx(REVIEWER, "drafting"))


def test_role_is_checked_before_guards(engine: Engine) -> None:
    with pytest.raises(NotPermitted):
        fire(engine, Row("collective_discussion"), "decide", ctx(REVIEWER, "collective_discussion"))
    row = Row("collective_discussion")
    fire(engine, row, "decide", ctx(HEAD, row.state))
    assert row.state == "decided"


def test_a_user_of_another_agency_may_not_act(engine: Engine) -> None:
    with pytest.raises(NotPermitted, match="本机关"):
        fire(engine, Row("under_review"), "approve", ctx(REVIEWER, "under_review", agency_id=99))


def test_guard_rejection_leaves_the_row_unchanged(engine: Engine) -> None:
    expired = Actor(1, "马强", 10, frozenset({"handler"}), "豫执003", date(2020, 1, 1), date(2025, 12, 31))
    row = Row("drafting")
    with pytest.raises(GuardRejected, match="已过期"):
        fire(engine, row, "submit", ctx(expired, row.state))
    assert row.state == "drafting"


def test_available_events_follow_state_role_and_guards(engine: Engine) -> None:
    assert {t.event for t in engine.available(HANDLER, CaseFacts(7, 10, 1, "returned"), ctx(HANDLER, "returned"))} == {
        "resubmit", "object", "withdraw"
    }
    assert {t.event for t in engine.available(REVIEWER, CaseFacts(7, 10, 2, "under_review"), ctx(REVIEWER, "under_review", handler_id=2))} == set()
