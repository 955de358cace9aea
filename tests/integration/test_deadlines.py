"""Deadlines (时限) of the legal review, opened, extended and closed by transitions, on SQLite and PostgreSQL.

The clock is pinned at Monday 2026-03-02 09:30 (Beijing); March 2026 has no holidays.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from review_workflow.config import PROJECT_ROOT
from review_workflow.core.errors import GuardRejected, InvalidInput, NotPermitted
from review_workflow.runtime import Runtime
from review_workflow.schemas import CasePublic, DeadlinePublic
from review_workflow.services import calendar_admin, queries
from review_workflow.services.cases import fire, start_case
from review_workflow.storage.models import AuditEvent, Notification
from tests.conftest import RETURN, SUBMISSION, People, pin_clock

WF = "major_decision_review"
EXAMPLE_2027 = PROJECT_ROOT / "docs" / "calendar-arrangement-example.yaml"


def submitted(rt: Runtime, people: People) -> CasePublic:
    c = start_case(rt, people.handler.id, WF, "某公司销售过期食品案", "郑州某食品有限公司")
    return fire(rt, c.id, "submit", people.handler.id, SUBMISSION, c.version)


def deadlines(rt: Runtime, people: People, case_id: int) -> list[DeadlinePublic]:
    return queries.get_case(rt, people.handler.id, case_id).deadlines


def only_open(rt: Runtime, people: People, case_id: int) -> DeadlinePublic:
    [row] = [d for d in deadlines(rt, people, case_id) if d.status == "open"]
    return row


def test_submit_opens_a_ten_working_day_review_period_owned_by_the_legal_office_head(
    rt: Runtime, people: People
) -> None:
    c = submitted(rt, people)
    row = only_open(rt, people, c.id)
    assert (row.timer, row.rule, row.start) == ("review_period", "10wd", date(2026, 3, 2))
    assert row.due == date(2026, 3, 16)  # 3-3..3-6, 3-9..3-13, 3-16
    assert row.warning == date(2026, 3, 12)  # 2 working days before the due date
    assert row.responsible is not None and row.responsible.id == people.legal_head.id
    assert not row.provisional and not row.overdue


def test_approval_on_time_is_met_and_a_late_one_is_missed(rt: Runtime, people: People) -> None:
    on_time = submitted(rt, people)
    late = submitted(rt, people)
    pin_clock(rt, "2026-03-16T17:00:00")  # the due date itself still counts as on time
    fire(rt, on_time.id, "approve", people.reviewer.id, {"opinion": "同意"}, on_time.version)
    pin_clock(rt, "2026-03-17T09:00:00")
    assert only_open(rt, people, late.id).overdue
    fire(rt, late.id, "approve", people.reviewer.id, {"opinion": "同意"}, late.version)
    [met] = deadlines(rt, people, on_time.id)
    [missed] = deadlines(rt, people, late.id)
    assert (met.status, met.closed_late) == ("met", False)
    assert (missed.status, missed.closed_late) == ("missed", True)


def test_legal_head_extends_the_review_once_by_three_working_days(rt: Runtime, people: People) -> None:
    c = submitted(rt, people)
    with pytest.raises(NotPermitted):
        fire(rt, c.id, "extend", people.reviewer.id, {"reason": "案情复杂"}, c.version)
    c = fire(rt, c.id, "extend", people.legal_head.id, {"reason": "案情复杂，需补充调查"}, c.version)
    assert c.state == "under_review"
    row = only_open(rt, people, c.id)
    assert (row.due, row.extensions) == (date(2026, 3, 19), ["3wd"])
    assert row.warning == date(2026, 3, 17)
    with pytest.raises(GuardRejected, match="已延长过"):
        fire(rt, c.id, "extend", people.legal_head.id, {"reason": "再次延长"}, c.version)
    assert "extend" not in [
        e.event for e in queries.get_case(rt, people.legal_head.id, c.id).available_events
    ]


def test_a_return_that_needs_supplement_gives_the_handler_three_working_days(
    rt: Runtime, people: People
) -> None:
    c = submitted(rt, people)
    pin_clock(rt, "2026-03-04T10:00:00")
    c = fire(rt, c.id, "return", people.reviewer.id, RETURN, c.version)
    review, supplement = deadlines(rt, people, c.id)
    assert (review.timer, review.status) == ("review_period", "met")
    assert (supplement.timer, supplement.status, supplement.due) == (
        "supplement_period",
        "open",
        date(2026, 3, 9),
    )
    assert supplement.responsible is not None and supplement.responsible.id == people.handler.id
    pin_clock(rt, "2026-03-06T10:00:00")
    c = fire(rt, c.id, "resubmit", people.handler.id, {"response": "已补充检验报告"}, c.version)
    rows = deadlines(rt, people, c.id)
    assert [(r.timer, r.status) for r in rows] == [
        ("review_period", "met"),
        ("supplement_period", "met"),
        ("review_period", "open"),
    ]
    assert rows[2].start == date(2026, 3, 6) and rows[2].due == date(2026, 3, 20)


def test_a_return_without_supplement_opens_no_supplement_period(rt: Runtime, people: People) -> None:
    c = submitted(rt, people)
    c = fire(rt, c.id, "return", people.reviewer.id, {**RETURN, "needs_supplement": False}, c.version)
    assert [r.timer for r in deadlines(rt, people, c.id)] == ["review_period"]


def test_objecting_or_withdrawing_cancels_what_is_running(rt: Runtime, people: People) -> None:
    c = submitted(rt, people)
    c = fire(rt, c.id, "return", people.reviewer.id, RETURN, c.version)
    c = fire(rt, c.id, "object", people.handler.id, {"reason": "不同意退回意见"}, c.version)
    assert [r.status for r in deadlines(rt, people, c.id)] == ["met", "cancelled"]
    other = submitted(rt, people)
    fire(rt, other.id, "withdraw", people.handler.id, {"reason": "当事人已主动改正"}, other.version)
    [row] = deadlines(rt, people, other.id)
    assert row.status == "cancelled" and row.closed_late is None


def test_deadline_list_filters_by_status_due_date_and_responsible(rt: Runtime, people: People) -> None:
    first = submitted(rt, people)
    pin_clock(rt, "2026-03-10T09:00:00")
    second = submitted(rt, people)
    fire(rt, first.id, "return", people.reviewer.id, RETURN, first.version)
    assert queries.list_deadlines(rt, people.supervisor.id).count == 3  # supervisors see every agency
    listed = queries.list_deadlines(rt, people.legal_head.id, status="open")
    assert [(d.case_id, d.timer) for d in listed.data] == [
        (first.id, "supplement_period"),
        (second.id, "review_period"),
    ]
    listed = queries.list_deadlines(rt, people.legal_head.id, due_before=date(2026, 3, 17))
    assert {d.timer for d in listed.data} == {"review_period", "supplement_period"}
    assert all(d.due < date(2026, 3, 17) for d in listed.data)
    mine = queries.list_deadlines(rt, people.handler.id, responsible=people.handler.id)
    assert [d.timer for d in mine.data] == ["supplement_period"]
    page = queries.list_deadlines(rt, people.legal_head.id, page=2, page_size=1)
    assert page.count == 3 and len(page.data) == 1
    assert queries.list_deadlines(rt, people.outsider.id).count == 0
    with pytest.raises(InvalidInput):
        queries.list_deadlines(rt, people.legal_head.id, status="late")


def test_a_period_reaching_an_unpublished_year_is_provisional_until_the_year_is_loaded(
    rt: Runtime, people: People
) -> None:
    pin_clock(rt, "2026-12-18T10:00:00")
    c = submitted(rt, people)
    row = only_open(rt, people, c.id)
    assert row.provisional and row.due == date(2027, 1, 1)  # weekends only: 12-21..12-31, then Fri 1-1
    result = calendar_admin.load_arrangement(rt, EXAMPLE_2027.read_text(encoding="utf-8"), "yaml")
    assert (result.year, result.recomputed, result.moved) == (2027, 1, 1)
    row = only_open(rt, people, c.id)
    assert not row.provisional and row.due == date(2027, 1, 4)  # 1-1..1-3 are 元旦 in the example
    with rt.sessions() as s:
        [audit] = s.scalars(select(AuditEvent).where(AuditEvent.event == "deadline_recomputed")).all()
        assert audit.payload["old_due"] == "2027-01-01" and audit.payload["new_due"] == "2027-01-04"
        [told] = s.scalars(select(Notification).where(Notification.kind == "due_changed")).all()
        assert told.recipient_id == people.legal_head.id and "2027-01-04" in told.subject
    # Loading the same year again moves nothing and tells nobody twice.
    again = calendar_admin.load_arrangement(rt, EXAMPLE_2027.read_text(encoding="utf-8"), "yaml")
    assert (again.recomputed, again.moved) == (1, 0)


def test_only_an_admin_loads_an_arrangement_and_a_bad_file_changes_nothing(
    rt: Runtime, people: People, tmp_path: Path
) -> None:
    text = EXAMPLE_2027.read_text(encoding="utf-8")
    with pytest.raises(NotPermitted):
        calendar_admin.load_arrangement(rt, text, "yaml", actor_id=people.legal_head.id)
    with pytest.raises(InvalidInput, match="调休上班日只能是周六或周日"):
        calendar_admin.load_arrangement(
            rt, "date,kind,name\n2027-01-01,rest,元旦\n2027-02-15,work,春节调休\n", "csv"
        )
    assert calendar_admin.loaded_years(rt) == []
    calendar_admin.load_arrangement(rt, text, "yaml", actor_id=people.admin.id)
    assert [y.year for y in calendar_admin.loaded_years(rt)] == [2027]
