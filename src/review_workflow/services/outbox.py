"""Queue notifications in the caller's transaction. Delivery happens later (services/alerts.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from ..db import upsert_insert
from ..models import Notification, User
from ..runtime import Runtime


def channels_for(rt: Runtime, user: User) -> list[str]:
    chosen = ["in_app"]
    if rt.settings.smtp_host and user.email:
        chosen.append("email")
    if rt.settings.webhook_url:
        chosen.append("webhook")
    return chosen


def queue(
    rt: Runtime,
    session: Session,
    *,
    key: str,
    kind: str,
    recipient: User,
    subject: str,
    body: str,
    data: dict[str, Any],
    at: datetime,
    instance_id: int | None = None,
    deadline_id: int | None = None,
) -> int:
    """One row per channel; a key already queued is skipped. Returns how many rows were new."""
    added = 0
    for channel in channels_for(rt, recipient):
        stmt = (
            upsert_insert(session, Notification)
            .values(
                key=f"{key}:{recipient.id}:{channel}",
                kind=kind,
                channel=channel,
                recipient_id=recipient.id,
                instance_id=instance_id,
                deadline_id=deadline_id,
                subject=subject,
                body=body,
                data=data,
                # In-app delivery is the row itself: it is there once the transaction commits.
                status="sent" if channel == "in_app" else "pending",
                attempts=0,
                next_attempt_at=datetime.now(UTC),  # retries run on real time, even with a pinned clock
                created_at=at,
                sent_at=at if channel == "in_app" else None,
            )
            .on_conflict_do_nothing(index_elements=[Notification.key])
            .returning(Notification.id)  # rowcount is unreliable for ON CONFLICT across drivers
        )
        added += len(session.execute(stmt).all())
    return added
