"""Four `review-workflow worker` processes sweep one PostgreSQL database at once, and one of them is killed
with SIGKILL in the middle of a sweep: still exactly one overdue alert per recipient and channel.

The kill lands mid-sweep by construction, not by luck: the test holds an uncommitted notification row
whose key the first worker is about to insert, so that worker blocks inside its sweep transaction while
holding its claimed deadline rows; the test sees it waiting in pg_stat_activity and kills it there.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import create_engine, func, select, text

from review_workflow.runtime import Runtime
from review_workflow.services.cases import fire, start_case
from review_workflow.storage.models import Deadline, Notification
from tests.conftest import SUBMISSION, People
from tests.servers import SmtpSink, WebhookSink

CASES = 40
BATCH = 10
SECRET = "worker-test-secret"
OVERDUE_NOW = "2026-03-17T09:00:00+08:00"  # every review submitted on 3-02 was due 3-16


def wait_for(what: str, check: Callable[[], bool], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


@pytest.fixture
def sinks() -> Iterator[tuple[SmtpSink, WebhookSink]]:
    with SmtpSink() as smtp, WebhookSink(SECRET) as hook:
        yield smtp, hook


def start_worker(rt: Runtime, smtp: SmtpSink, hook: WebhookSink) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "REVIEW_WORKFLOW_DATABASE_URL": rt.settings.database_url,
        "REVIEW_WORKFLOW_NOW": OVERDUE_NOW,
        "REVIEW_WORKFLOW_SWEEP_BATCH": str(BATCH),
        "REVIEW_WORKFLOW_SMTP_HOST": smtp.host,
        "REVIEW_WORKFLOW_SMTP_PORT": str(smtp.port),
        "REVIEW_WORKFLOW_WEBHOOK_URL": hook.url,
        "REVIEW_WORKFLOW_WEBHOOK_SECRET": SECRET,
        "REVIEW_WORKFLOW_NOTIFY_RETRY_SECONDS": "0",
    }
    command = [sys.executable, "-m", "review_workflow.cli", "worker", "--interval", "0.3"]
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def blocked_backends(rt: Runtime) -> int:
    """Sessions of the test database waiting for a lock (pg_stat_activity is a per-transaction snapshot)."""
    query = text("select count(*) from pg_stat_activity where datname = :db and wait_event_type = 'Lock'")
    with rt.db.connect() as conn:
        return int(conn.execute(query, {"db": rt.db.url.database}).scalar() or 0)


def count(rt: Runtime, model: Any, *where: Any) -> int:
    """Rows matching, read in a fresh transaction (the workers commit in other processes)."""
    with rt.sessions() as s:
        return int(s.scalar(select(func.count()).select_from(model).where(*where)) or 0)


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_four_workers_one_killed_mid_sweep_alert_exactly_once(
    rt: Runtime, people: People, sinks: tuple[SmtpSink, WebhookSink]
) -> None:
    smtp, hook = sinks
    for i in range(CASES):
        c = start_case(rt, people.handler.id, "major_decision_review", f"案件{i}", "某公司")
        fire(rt, c.id, "submit", people.handler.id, SUBMISSION, c.version)
    with rt.sessions() as s:
        first_deadline = s.scalar(select(func.min(Deadline.id)))

    # Hold the key the first worker will insert first (its first deadline, the responsible officer, in-app).
    blocker = create_engine(rt.db.url).connect()
    blocking = blocker.begin()
    blocker.execute(
        Notification.__table__.insert().values(
            key=f"deadline:{first_deadline}:overdue:{people.legal_head.id}:in_app",
            kind="overdue",
            channel="in_app",
            recipient_id=people.legal_head.id,
            subject="x",
            body="x",
            data={},
            status="sent",
            attempts=0,
            next_attempt_at=datetime.now(UTC),
            created_at=datetime.now(UTC),
        )
    )
    workers: list[subprocess.Popen[bytes]] = []
    try:
        victim = start_worker(rt, smtp, hook)
        workers.append(victim)
        wait_for("the first worker to block inside its sweep", lambda: blocked_backends(rt) == 1)
        workers += [start_worker(rt, smtp, hook) for _ in range(3)]
        # The other three sweep everything the blocked one has not claimed, and nothing it has.
        claimed_by_victim = Deadline.id < first_deadline + BATCH
        wait_for(
            "the other workers to alert the rest",
            lambda: count(rt, Deadline, ~claimed_by_victim, Deadline.overdue_at.is_(None)) == 0,
        )
        assert count(rt, Deadline, claimed_by_victim, Deadline.overdue_at.isnot(None)) == 0
        victim.send_signal(signal.SIGKILL)
        assert victim.wait(timeout=10) == -signal.SIGKILL
        blocking.rollback()  # the dead worker's transaction can only abort now

        expected_rows = CASES * 2 * 3  # legal office head + agency head, each in-app, e-mail, webhook

        wait_for(
            "every alert to be queued and delivered",
            lambda: (
                count(rt, Notification, Notification.status == "sent") == expected_rows
                and count(rt, Deadline, Deadline.overdue_at.is_(None)) == 0
            ),
        )
        time.sleep(1.0)  # a few more ticks of every survivor: nothing more may appear
    finally:
        blocker.close()
        for w in workers:
            if w.poll() is None:
                w.send_signal(signal.SIGTERM)
        for w in workers:
            try:
                w.wait(timeout=10)
            except subprocess.TimeoutExpired:
                w.kill()

    with rt.sessions() as s:
        rows = list(s.scalars(select(Notification)).unique())
    assert len(rows) == expected_rows
    per_recipient_channel = Counter((r.deadline_id, r.recipient_id, r.channel) for r in rows)
    assert set(per_recipient_channel.values()) == {1}
    assert len({r.deadline_id for r in rows}) == CASES
    mail_ids = [m.message["Message-ID"] for m in smtp.messages]
    assert len(mail_ids) == CASES * 2 and len(set(mail_ids)) == len(mail_ids)
    hook_keys = [d.key for d in hook.deliveries]
    assert len(hook_keys) == CASES * 2 and len(set(hook_keys)) == len(hook_keys)
