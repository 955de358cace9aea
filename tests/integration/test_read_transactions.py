"""Reads do not take the write lock: on a real SQLite file in WAL mode a read transaction (`rt.reads`)
runs while another connection holds the write lock, and sees the last committed state; writes
(`rt.sessions`) still queue behind each other. A read transaction refuses to write, on both databases."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import select, update
from sqlalchemy.exc import DBAPIError

from review_workflow.runtime import Runtime
from review_workflow.services.cases import start_case
from review_workflow.services.queries import get_case
from review_workflow.storage.db import UnitOfWork
from review_workflow.storage.models import Instance
from tests.conftest import People

# The lock behaviour is SQLite's (PostgreSQL never locks a reader): run these two on the file only.
sqlite_only = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@sqlite_only
def test_a_read_proceeds_while_a_writer_holds_the_lock(rt: Runtime, people: People) -> None:
    case = start_case(rt, people.handler.id, "major_decision_review", "某案", "某公司")
    with UnitOfWork(rt.sessions) as writer:  # BEGIN IMMEDIATE: the file's write lock, held until the end
        writer.execute(update(Instance).where(Instance.id == case.id).values(title="改过的案由"))
        started = time.monotonic()
        seen = get_case(rt, people.handler.id, case.id)  # a second connection, in a read transaction
        assert time.monotonic() - started < 5  # a write lock would have made it wait busy_timeout (30 s)
        assert seen.title == "某案"  # the last committed state, not the writer's uncommitted one
        writer.commit()
    assert get_case(rt, people.handler.id, case.id).title == "改过的案由"


@sqlite_only
def test_writes_still_queue_behind_the_write_lock(rt: Runtime, people: People) -> None:
    case = start_case(rt, people.handler.id, "major_decision_review", "某案", "某公司")
    began = threading.Event()
    order: list[str] = []

    def second_writer() -> None:
        began.set()
        with UnitOfWork(rt.sessions) as session:  # blocks at BEGIN IMMEDIATE until the first commits
            title = session.scalars(select(Instance.title).where(Instance.id == case.id)).one()
            order.append(f"second saw {title}")
            session.commit()

    with UnitOfWork(rt.sessions) as first:
        first.execute(update(Instance).where(Instance.id == case.id).values(title="第一个写入"))
        thread = threading.Thread(target=second_writer)
        thread.start()
        began.wait()
        thread.join(timeout=0.5)
        assert thread.is_alive()  # still waiting for the lock
        order.append("first commits")
        first.commit()
    thread.join(timeout=30)
    assert order == ["first commits", "second saw 第一个写入"]


def test_a_read_transaction_refuses_to_write(rt: Runtime, people: People) -> None:
    case = start_case(rt, people.handler.id, "major_decision_review", "某案", "某公司")
    with UnitOfWork(rt.reads) as session, pytest.raises(DBAPIError, match="(?i)read.?only|readonly"):
        session.execute(update(Instance).where(Instance.id == case.id).values(title="不该写入"))
    assert get_case(rt, people.handler.id, case.id).title == "某案"
