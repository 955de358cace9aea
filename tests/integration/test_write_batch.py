"""storage/batch.py on SQLite and PostgreSQL: what a move's write batch sends, and what it refuses.

The batch replaces the ORM's unit of work for the case a transition moves: these tests hold it to what
the ORM guaranteed — only changed columns written, the version checked, ids assigned, column defaults
applied, nothing written twice — and to the move's own rule that a row changed after a send is written
again at the next."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from review_workflow.runtime import Runtime
from review_workflow.services.cases import fire, start_case
from review_workflow.storage import batch
from review_workflow.storage.db import UnitOfWork
from review_workflow.storage.models import AuditEvent, Deadline, Instance
from tests.conftest import SUBMISSION, People

NOW = datetime(2026, 3, 2, 1, 30, tzinfo=UTC)


def _case_row(rt: Runtime, case_id: int) -> dict[str, Any]:
    with UnitOfWork(rt.reads) as session:
        return _row(session, Instance, case_id)


def _row(session: Session, model: Any, row_id: int) -> dict[str, Any]:
    table = model.__table__
    return dict(session.connection().execute(select(table).where(table.c.id == row_id)).mappings().one())


def _held_case(session: Session, case_id: int) -> tuple[batch.WriteBatch, Instance]:
    held = batch.begin(session, session.connection())
    return held, held.load(Instance, _row(session, Instance, case_id))


def test_only_changed_columns_are_written_with_the_version_checked(rt: Runtime, people: People) -> None:
    case = start_case(rt, people.handler.id, "major_decision_review", "某案", "某公司")
    with UnitOfWork(rt.sessions) as session:
        held, inst = _held_case(session, case.id)
        inst.title = "改后的案由"
        inst.version += 1
        held.send()
        session.commit()
    row = _case_row(rt, case.id)
    assert (row["title"], row["version"], row["party"]) == ("改后的案由", case.version + 1, "某公司")


def test_a_case_changed_under_the_move_is_stale_and_nothing_is_written(rt: Runtime, people: People) -> None:
    case = start_case(rt, people.handler.id, "major_decision_review", "某案", "某公司")
    with UnitOfWork(rt.sessions) as session:
        held, inst = _held_case(session, case.id)
        # Another writer's change, inside this transaction so that neither database blocks on it.
        session.execute(update(Instance).where(Instance.id == case.id).values(version=Instance.version + 5))
        inst.state = "under_review"
        inst.version += 1
        held.add(AuditEvent(instance_id=case.id, seq=99, event="x", to_state="y", payload={}, at=NOW, hash="h"))
        with pytest.raises(StaleDataError):
            held.send()
    assert _case_row(rt, case.id)["state"] == case.state  # rolled back: the case as it was
    with UnitOfWork(rt.reads) as session:
        assert session.scalar(select(AuditEvent.id).where(AuditEvent.seq == 99)) is None


def test_added_rows_get_their_ids_and_defaults_and_a_later_change_is_an_update(
    rt: Runtime, people: People
) -> None:
    case = start_case(rt, people.handler.id, "major_decision_review", "某案", "某公司")
    with UnitOfWork(rt.sessions) as session:
        held = batch.begin(session, session.connection())
        row = batch.add(  # no extensions, pauses or escalate_to given: the column defaults apply
            session, Deadline, instance_id=case.id, agency_id=people.agency_id, timer="t", kind="deadline",
            title="期限", rule="5wd", warn_before="1wd", start=date(2026, 3, 2), due=date(2026, 3, 9),
            warning=date(2026, 3, 6), provisional=False, status="open", opened_at=NOW,
        )
        held.send()
        assert isinstance(row.id, int) and row.id > 0
        row.status, row.closed_at = "closed", NOW
        held.send()
        held.send()  # nothing left to write: no statement, no error
        session.commit()
    with UnitOfWork(rt.reads) as session:
        saved = _row(session, Deadline, row.id)
    assert (saved["status"], saved["closed_at"]) == ("closed", NOW)
    assert (saved["extensions"], saved["pauses"], saved["escalate_to"]) == ([], [], [])


def test_without_a_batch_rows_go_through_the_orm(rt: Runtime, people: People) -> None:
    case = start_case(rt, people.handler.id, "major_decision_review", "某案", "某公司")
    with UnitOfWork(rt.sessions) as session:
        row = batch.add(
            session, AuditEvent, instance_id=case.id, seq=50, event="x", to_state="y", payload={"a": 1}, at=NOW, hash="h"
        )
        assert row in session.new
        batch.flush(session)
        assert row.id is not None


def test_a_move_reads_back_what_it_wrote(rt: Runtime, people: People) -> None:
    """Through `fire`: the case, its audit chain and its deadline as the database holds them."""
    case = start_case(rt, people.handler.id, "major_decision_review", "某案", "某公司")
    moved = fire(rt, case.id, "submit", people.handler.id, SUBMISSION, case.version)
    row = _case_row(rt, case.id)
    assert (row["state"], row["version"], row["audit_seq"]) == ("under_review", moved.version, 2)
    assert row["events"]["submit"]["summary"] == SUBMISSION["summary"]
    with UnitOfWork(rt.reads) as session:
        events = session.execute(
            select(AuditEvent.seq, AuditEvent.hash).where(AuditEvent.instance_id == case.id).order_by(AuditEvent.seq)
        ).all()
        running = session.scalars(
            select(Deadline.timer).where(Deadline.instance_id == case.id, Deadline.closed_at.is_(None))
        ).all()
    assert [seq for seq, _ in events] == [1, 2] and events[-1][1] == row["last_event_hash"]
    assert running == ["review_period"]
