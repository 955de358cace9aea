"""The security log: every log-in, failure, lock, log-out, revocation, token and password change.

`record` adds a row to the caller's transaction (it never commits), so an event is written together
with the change it records, or not at all. Administrators read the log with `list_events`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal, get_args

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..core.errors import NotPermitted
from ..runtime import Runtime
from ..schemas import SecurityEventPublic, SecurityEventsPublic
from ..storage.db import UnitOfWork
from ..storage.models import SecurityEvent
from .actors import load_user
from .paging import check_page

Kind = Literal[
    "login_ok",
    "login_failed",  # wrong username or password
    "login_locked",  # too many failures: a lock begins
    "login_blocked",  # an attempt during a lock, refused unchecked
    "logout",
    "session_revoked",  # by an administrator, or the other sessions after a password change
    "token_created",
    "token_revoked",
    "token_refused",  # an expired or revoked bearer token was presented
    "password_changed",
    "password_change_failed",  # the current password was wrong
    # An administrator's changes to agencies and people (services/agencies.py, officers.py): `by` is who
    # made the change, the detail holds what changed (before and after). 执法证 changes have their own
    # history (certificate_events).
    "agency_created",
    "agency_changed",
    "user_created",
    "user_changed",  # name, 人员类别, e-mail, 法律职业资格, first legal review, training hours
    "roles_changed",
    "user_deactivated",
    "password_reset",
    "officers_imported",
]
KINDS: tuple[str, ...] = get_args(Kind)
CHANGE_KINDS = KINDS[KINDS.index("agency_created") :]  # an administrator's changes, not log-ins


def record(
    session: Session,
    at: datetime,
    kind: Kind,
    *,
    user_id: int | None = None,
    username: str | None = None,
    ip: str | None = None,
    **detail: Any,
) -> None:
    session.add(
        SecurityEvent(
            at=at,
            kind=kind,
            user_id=user_id,
            username=username[:80] if username else None,
            ip=ip[:64] if ip else None,
            detail=detail,
        )
    )


def require_admin(session: Session, actor_id: int, what: str) -> None:
    if "admin" not in load_user(session, actor_id).roles:
        raise NotPermitted(f"只有系统管理员可以{what}")


def list_events(
    rt: Runtime,
    actor_id: int,
    *,
    kind: str | None = None,
    user_id: int | None = None,
    page: int = 1,
    page_size: int = 20,
) -> SecurityEventsPublic:
    """The security log, newest first (administrators only)."""
    offset = check_page(page, page_size)
    query = select(SecurityEvent)
    if kind:
        query = query.where(SecurityEvent.kind == kind)
    if user_id is not None:
        query = query.where(SecurityEvent.user_id == user_id)
    with UnitOfWork(rt.reads) as session:
        require_admin(session, actor_id, "查看安全日志")
        count = session.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = session.scalars(query.order_by(SecurityEvent.id.desc()).offset(offset).limit(page_size))
        data = [
            SecurityEventPublic(
                id=r.id, at=r.at, kind=r.kind, user_id=r.user_id, username=r.username, ip=r.ip, detail=r.detail
            )
            for r in rows
        ]
    return SecurityEventsPublic(data=data, count=count, page=page, page_size=page_size)
