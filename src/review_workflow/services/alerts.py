"""Deadline alerts: the sweep claims due warnings and overdue deadlines and queues notifications; the
dispatcher delivers queued notifications with retries and backoff.

Both are idempotent and safe to run in several processes at once: the sweep claims rows with
`SELECT … FOR UPDATE SKIP LOCKED` (PostgreSQL; SQLite serialises writers) and marks them in the same
transaction that queues the notifications, whose key is unique. A process killed mid-sweep leaves its
transaction uncommitted, so its rows are claimed again by the next sweep.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from ..channels import DeliveryFailed, Message, SmtpSettings, WebhookSettings, send_email, send_webhook
from ..db import UnitOfWork
from ..models import Deadline, Instance, Notification, User
from ..runtime import Runtime
from . import outbox
from .timers import elapse

log = logging.getLogger(__name__)


class SweepResult(NamedTuple):
    warned: int
    overdue: int
    queued: int


def _recipients(session: Session, row: Deadline, roles: list[str]) -> list[User]:
    people: dict[int, User] = {}
    if row.responsible is not None:
        people[row.responsible.id] = row.responsible
    if roles:
        users = session.scalars(
            select(User).where(User.agency_id == row.agency_id, User.active).order_by(User.id)
        )
        for u in users.unique():
            if set(roles) & set(u.roles):
                people.setdefault(u.id, u)
    return list(people.values())


def _text(kind: str, row: Deadline, case: Instance) -> tuple[str, str]:
    due = f"{row.due:%Y-%m-%d}" + ("（临时计算：该年度节假日安排未发布）" if row.provisional else "")
    if kind == "warning":
        subject = f"【期限提醒】{case.title}：{row.title}将于{row.due:%Y-%m-%d}到期"
        lead = "即将到期，请及时办理。"
    elif kind == "window_elapsed":
        subject = f"【期间届满】{case.title}：{row.title}已于{row.due:%Y-%m-%d}届满"
        lead = "当事人未在期间内提出，可以继续办理。"
    else:
        subject = f"【逾期警告】{case.title}：{row.title}已于{row.due:%Y-%m-%d}届满，尚未办结"
        lead = "已经逾期，请立即办理并说明原因。"
    body = (
        f"案件：{case.title}（编号 {case.id}）\n当事人：{case.party}\n期限：{row.title}（{row.rule}）\n"
        f"起算日：{row.start:%Y-%m-%d}\n到期日：{due}\n{lead}"
    )
    return subject, body


def _claim(session: Session, today: object, batch: int) -> list[Deadline]:
    due_for_warning = and_(Deadline.warned_at.is_(None), Deadline.warning <= today)
    overdue = and_(Deadline.overdue_at.is_(None), Deadline.due < today)
    query = (
        select(Deadline)
        .where(Deadline.closed_at.is_(None), or_(due_for_warning, overdue))
        .order_by(Deadline.id)
        .limit(batch)
        .with_for_update(skip_locked=True, of=Deadline)
    )
    return list(session.scalars(query).unique())


def sweep(rt: Runtime, batch: int | None = None) -> SweepResult:
    """Queue every warning and overdue alert that is due now; returns the counts."""
    batch = batch or rt.settings.sweep_batch
    warned = overdue = queued = 0
    while True:
        with UnitOfWork(rt.sessions) as session:
            now = rt.clock.now()
            today = rt.clock.today()
            rows = _claim(session, today, batch)
            if not rows:
                return SweepResult(warned, overdue, queued)
            for row in rows:
                case = session.get(Instance, row.instance_id)
                assert case is not None
                if row.kind == "window" and today > row.due:
                    # The party's period ran out: nobody is late; the officer may carry on.
                    kind, roles = "window_elapsed", []
                    row.overdue_at = now
                    elapse(row, now)
                elif today > row.due:
                    kind, roles = "overdue", list(row.escalate_to)
                    row.overdue_at, row.status = now, "missed"
                    row.warned_at = row.warned_at or now  # an overdue alert makes a late warning pointless
                    overdue += 1
                else:
                    kind, roles = "warning", []
                    row.warned_at = now
                    warned += 1
                subject, body = _text(kind, row, case)
                for person in _recipients(session, row, roles):
                    queued += outbox.queue(
                        rt,
                        session,
                        key=f"deadline:{row.id}:{kind}",
                        kind=kind,
                        recipient=person,
                        subject=subject,
                        body=body,
                        at=now,
                        instance_id=case.id,
                        deadline_id=row.id,
                        data={
                            "case_id": case.id,
                            "deadline_id": row.id,
                            "kind": kind,
                            "due": row.due.isoformat(),
                            "timer": row.timer,
                            "provisional": row.provisional,
                        },
                    )
            session.commit()


# -- delivery -----------------------------------------------------------------------------------


class DispatchResult(NamedTuple):
    sent: int
    retrying: int
    failed: int


def _claim_outgoing(rt: Runtime, batch: int) -> list[int]:
    """Lease pending rows to this process; the lease expires if it dies before it finishes."""
    now = datetime.now(UTC)
    with UnitOfWork(rt.sessions) as session:
        query = (
            select(Notification)
            .where(
                Notification.status == "pending",
                Notification.next_attempt_at <= now,
                or_(Notification.locked_until.is_(None), Notification.locked_until < now),
            )
            .order_by(Notification.id)
            .limit(batch)
            .with_for_update(skip_locked=True, of=Notification)
        )
        rows = list(session.scalars(query).unique())
        for row in rows:
            row.locked_until = now + timedelta(seconds=rt.settings.notify_lease_seconds)
            row.attempts += 1
        session.commit()
        return [row.id for row in rows]


def _deliver(rt: Runtime, row: Notification) -> None:
    s = rt.settings
    message = Message(
        recipient_name=row.recipient.name,
        recipient_email=row.recipient.email,
        subject=row.subject,
        body=row.body,
        data={**row.data, "notification_id": row.id, "recipient_id": row.recipient_id},
    )
    if row.channel == "email":
        smtp = SmtpSettings(
            host=s.smtp_host,
            port=s.smtp_port,
            sender=s.smtp_sender,
            username=s.smtp_username or None,
            password=s.smtp_password or None,
            starttls=s.smtp_starttls,
        )
        send_email(smtp, message, delivery_key=row.key)
    elif row.channel == "webhook":
        send_webhook(
            WebhookSettings(url=s.webhook_url, secret=s.webhook_secret), message, row.key, datetime.now(UTC)
        )
    else:
        raise DeliveryFailed(f"未知的通知渠道 {row.channel}", permanent=True)


def dispatch(rt: Runtime, batch: int = 50) -> DispatchResult:
    """Send what is due; a failure is retried with doubling delays, then marked failed for an admin."""
    sent = retrying = failed = 0
    for notification_id in _claim_outgoing(rt, batch):
        with UnitOfWork(rt.sessions) as session:
            row = session.get(Notification, notification_id)
            assert row is not None
            try:
                _deliver(rt, row)
            except DeliveryFailed as exc:
                row.last_error = exc.reason
                row.locked_until = None
                if row.attempts >= rt.settings.notify_max_attempts:
                    row.status = "failed"
                    failed += 1
                    log.warning("notification %s failed for good: %s", row.id, exc.reason)
                else:
                    delay = rt.settings.notify_retry_seconds * 2 ** (row.attempts - 1)
                    row.next_attempt_at = datetime.now(UTC) + timedelta(seconds=delay)
                    retrying += 1
            else:
                row.status, row.sent_at, row.locked_until, row.last_error = (
                    "sent",
                    datetime.now(UTC),
                    None,
                    None,
                )
                sent += 1
            session.commit()
    return DispatchResult(sent, retrying, failed)


def tick(rt: Runtime) -> tuple[SweepResult, DispatchResult]:
    """One scheduler tick: sweep, then deliver. Errors are logged; the next tick tries again."""
    try:
        swept = sweep(rt)
    except Exception:
        log.exception("deadline sweep failed")
        swept = SweepResult(0, 0, 0)
    try:
        sent = dispatch(rt)
    except Exception:
        log.exception("notification dispatch failed")
        sent = DispatchResult(0, 0, 0)
    return swept, sent
