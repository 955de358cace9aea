"""What a user reads of their notifications, and what an admin sees of failed deliveries."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, select

from ..core.errors import NotFound, NotPermitted
from ..runtime import Runtime
from ..schemas import NotificationPublic, NotificationsPublic
from ..storage.db import UnitOfWork
from ..storage.models import Notification
from .actors import load_user
from .paging import check_page


def _public(row: Notification) -> NotificationPublic:
    return NotificationPublic(
        id=row.id,
        kind=row.kind,
        channel=row.channel,
        subject=row.subject,
        body=row.body,
        data=row.data,
        status=row.status,
        attempts=row.attempts,
        last_error=row.last_error,
        created_at=row.created_at,
        sent_at=row.sent_at,
        read_at=row.read_at,
        recipient_id=row.recipient_id,
    )


def _page(rt: Runtime, query: Select[Any], page: int, page_size: int) -> NotificationsPublic:
    offset = check_page(page, page_size)
    with UnitOfWork(rt.reads) as session:
        count = session.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = session.scalars(query.order_by(Notification.id.desc()).offset(offset).limit(page_size))
        return NotificationsPublic(
            data=[_public(r) for r in rows.unique()], count=count, page=page, page_size=page_size
        )


def inbox(
    rt: Runtime, actor_id: int, *, unread: bool = False, page: int = 1, page_size: int = 20
) -> NotificationsPublic:
    query = select(Notification).where(
        Notification.recipient_id == actor_id, Notification.channel == "in_app"
    )
    if unread:
        query = query.where(Notification.read_at.is_(None))
    return _page(rt, query, page, page_size)


def mark_read(rt: Runtime, actor_id: int, notification_id: int) -> NotificationPublic:
    with UnitOfWork(rt.sessions) as session:
        row = session.get(Notification, notification_id)
        if row is None or row.recipient_id != actor_id or row.channel != "in_app":
            raise NotFound(f"没有编号为 {notification_id} 的站内通知")
        row.read_at = row.read_at or rt.clock.now()
        session.commit()
        return _public(row)


def deliveries(
    rt: Runtime, actor_id: int, *, status: str | None = None, page: int = 1, page_size: int = 20
) -> NotificationsPublic:
    """All outgoing notifications (e-mail, webhook) for an admin; `status=failed` shows what needs attention."""
    with UnitOfWork(rt.reads) as session:
        if "admin" not in load_user(session, actor_id).roles:
            raise NotPermitted("只有系统管理员可以查看通知投递情况")
    query = select(Notification).where(Notification.channel != "in_app")
    if status:
        query = query.where(Notification.status == status)
    return _page(rt, query, page, page_size)
