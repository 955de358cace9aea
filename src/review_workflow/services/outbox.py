"""Queue notifications in the caller's transaction. Delivery happens after commit (services/delivery.py).

Each draft becomes one row per channel of its recipient, keyed `<key>:<recipient>:<channel>`; the key is
unique, so a draft queued twice (two sweeping processes, a retried transaction) is queued once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from ..runtime import Runtime
from ..storage.db import upsert_insert
from ..storage.models import Notification, User

# Rows per INSERT: 14 values each keeps a statement under SQLite's 32,766 bound parameters.
CHUNK = 1000


@dataclass(frozen=True)
class Draft:
    key: str  # what the notification is about, e.g. deadline:12:overdue
    kind: str  # warning, overdue, window_elapsed, due_changed
    recipient: User
    subject: str
    body: str
    data: dict[str, Any] = field(default_factory=dict)
    instance_id: int | None = None
    deadline_id: int | None = None


def channels_for(rt: Runtime, user: User) -> list[str]:
    chosen = ["in_app"]
    if rt.settings.smtp_host and user.email:
        chosen.append("email")
    if rt.settings.webhook_url:
        chosen.append("webhook")
    return chosen


def queue(rt: Runtime, session: Session, drafts: Iterable[Draft], at: datetime) -> int:
    """Insert the drafts' rows, skipping keys already queued; returns how many rows are new."""
    retry_clock = datetime.now(UTC)  # retries run on real time, even with a pinned clock
    rows = [
        {
            "key": f"{d.key}:{d.recipient.id}:{channel}",
            "kind": d.kind,
            "channel": channel,
            "recipient_id": d.recipient.id,
            "instance_id": d.instance_id,
            "deadline_id": d.deadline_id,
            "subject": d.subject,
            "body": d.body,
            "data": d.data,
            # In-app delivery is the row itself: it is there once the transaction commits.
            "status": "sent" if channel == "in_app" else "pending",
            "attempts": 0,
            "next_attempt_at": retry_clock,
            "created_at": at,
            "sent_at": at if channel == "in_app" else None,
        }
        for d in drafts
        for channel in channels_for(rt, d.recipient)
    ]
    added = 0
    for start in range(0, len(rows), CHUNK):
        stmt = (
            upsert_insert(session, Notification)
            .values(rows[start : start + CHUNK])
            .on_conflict_do_nothing(index_elements=[Notification.key])
            .returning(Notification.id)  # rowcount is unreliable for ON CONFLICT across drivers
        )
        added += len(session.execute(stmt).all())
    return added
