"""Round trips per transition on a real PostgreSQL connection, counted with SQLAlchemy's
`before_cursor_execute` (each execute is one round trip with psycopg; COMMIT is not counted, as for
the benchmark's floor). A transition is one locked read of everything it needs (user, case, running
deadlines, calendar stamp, role holders), then one statement that writes everything it changed — the
audit row, the case with its version check, the deadlines it closes and opens (storage/batch.py): 2.
Documents and child cases read again (their 代字, their counters), so they add theirs."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from review_workflow.runtime import Runtime
from review_workflow.services.admin import NewUser, create_agency, create_user, verify_audit
from review_workflow.services.cases import fire, start_case
from tests.conftest import RETURN, SUBMISSION, VALID_CERT, People, make_runtime

PROJECT_ROOT = Path(__file__).resolve().parents[2]
PLAIN = """
name: plain_case
title: 只有状态变化的流程（测试）
initial: drafting
owner_role: handler
start_roles: [handler]
states:
  drafting: {title: 拟稿}
  checked:  {title: 已核对}
  done:     {title: 办结, final: true}
transitions:
  - event: check
    title: 核对
    sources: [drafting]
    dest: checked
    roles: [handler]
    payload:
      note: {type: str, title: 说明, max_length: 200}
  - event: finish
    title: 办结
    sources: [checked]
    dest: done
    roles: [handler]
timers:
  finish_period:
    title: 办结期限（测试）
    rule: 5wd
    opens: {on_events: [check]}
    closed_by: [finish]
    responsible: handler
"""

postgresql_only = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)


class Statements:
    """Every statement the engine's connections send, while listening."""

    def __init__(self, rt: Runtime) -> None:
        self.sent: list[str] = []
        self._rt = rt

    def _listen(self, conn: Any, cursor: Any, statement: str, *rest: Any) -> None:
        self.sent.append(statement.split(None, 1)[0].upper())

    def __enter__(self) -> Statements:
        event.listen(self._rt.db, "before_cursor_execute", self._listen)
        return self

    def __exit__(self, *exc: object) -> None:
        event.remove(self._rt.db, "before_cursor_execute", self._listen)


@pytest.fixture
def plain_rt(database_url: str, tmp_path: Path) -> Iterator[Runtime]:
    flows = tmp_path / "workflows"
    flows.mkdir()
    (flows / "plain_case.yaml").write_text(PLAIN, encoding="utf-8")
    shutil.copy(PROJECT_ROOT / "workflows" / "roles.yaml", flows)
    rt = make_runtime(database_url, workflows_dir=flows)
    yield rt
    rt.db.dispose()


@postgresql_only
def test_a_transition_is_a_read_and_one_write(plain_rt: Runtime) -> None:
    rt = plain_rt
    agency = create_agency(rt, "郑州市市场监督管理局", "郑市监")
    handler, _ = create_user(rt, NewUser("zhang", "张伟", agency, ("handler",), certificate_no="豫执001", **VALID_CERT))  # type: ignore[arg-type]
    warm = start_case(rt, handler, "plain_case", "某案", "某公司")
    fire(rt, warm.id, "check", handler, {"note": "已核对"}, warm.version)  # the calendar is read once, then kept
    case = start_case(rt, handler, "plain_case", "某案", "某公司")
    with Statements(rt) as counted:  # audit row, the case, and a deadline opened
        moved = fire(rt, case.id, "check", handler, {"note": "已核对"}, case.version)
    assert counted.sent == ["SELECT", "WITH"]  # the locked read; every write in one statement
    with Statements(rt) as counted:  # audit row, the case, and the deadline closed
        fire(rt, case.id, "finish", handler, {}, moved.version)
    assert counted.sent == ["SELECT", "WITH"]
    assert verify_audit(rt).breaks == []  # the hash chain holds over the batched writes


@postgresql_only
def test_a_transition_that_closes_and_opens_deadlines_reads_once(rt: Runtime, people: People) -> None:
    case = start_case(rt, people.handler.id, "major_decision_review", "某案", "某公司")
    submitted = fire(rt, case.id, "submit", people.handler.id, SUBMISSION, case.version)
    with Statements(rt) as counted:
        fire(rt, case.id, "return", people.reviewer.id, RETURN, submitted.version)
    # One read (the running review period came with the case), then the writes: audit row, the closed
    # deadline, the case; the return's own documents and its new deadline add theirs.
    assert counted.sent.count("SELECT") <= 2  # the locked read, and the 代字 of the return's document
    assert counted.sent[0] == "SELECT" and "SELECT" not in counted.sent[1:3]
