"""Deliver queued notifications after commit: e-mail and webhooks, with retries and backoff.

Safe in several processes at once: each leases pending rows (`FOR UPDATE SKIP LOCKED`, then a lease
time), so a process that dies mid-delivery leaves rows that are retried once the lease runs out. A
failed try is retried with doubling delays; after the last it is marked `failed`, where an admin sees it.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from sqlalchemy import or_, select

from ..adapters.channels import (
    DeliveryFailed,
    Message,
    SmtpSettings,
    WebhookSettings,
    send_email,
    send_webhook,
)
from ..runtime import Runtime
from ..storage.db import UnitOfWork
from ..storage.models import Notification

log = logging.getLogger(__name__)


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
