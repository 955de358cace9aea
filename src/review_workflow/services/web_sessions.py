"""Web log-in sessions kept on the server (`web_sessions`), so that log-out and revocation are final.

The browser's cookie carries a random session id; the table keeps only its SHA-256. A session ends
at log-out or revocation, after `session_idle_minutes` without a request, and `session_max_hours`
after the log-in. The log-in itself (password, throttling) is `accounts.log_in`.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..config import Settings
from ..core.errors import NotAuthenticated, NotFound
from ..runtime import Runtime
from ..schemas import SessionsRevoked
from ..storage.db import UnitOfWork
from ..storage.models import User, WebSession
from . import security
from .actors import hash_token

# last_seen_at is written at most this often (not on every page): the idle time is exact to a minute.
TOUCH_EVERY = timedelta(seconds=60)
ENDED = "您的登录已失效（已退出或已被注销），请重新登录"


def open_session(
    session: Session, settings: Settings, user_id: int, now: datetime, ip: str | None, user_agent: str | None
) -> str:
    """A new session row in the caller's transaction; returns the id for the cookie (shown only once)."""
    raw = secrets.token_urlsafe(32)
    session.add(
        WebSession(
            id_hash=hash_token(raw),
            user_id=user_id,
            created_at=now,
            last_seen_at=now,
            expires_at=now + timedelta(hours=settings.session_max_hours),
            ip=ip[:64] if ip else None,
            user_agent=user_agent[:300] if user_agent else None,
        )
    )
    return raw


def revoke_all(
    session: Session, user_id: int, now: datetime, reason: str, keep: str | None = None
) -> int:
    """Revoke the user's live sessions (all but the one whose cookie id is `keep`); returns how many."""
    statement = update(WebSession).where(
        WebSession.user_id == user_id, WebSession.revoked_at.is_(None), WebSession.expires_at > now
    )
    if keep:
        statement = statement.where(WebSession.id_hash != hash_token(keep))
    result = session.execute(
        statement.values(revoked_at=now, revoked_reason=reason), execution_options={"synchronize_session": False}
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def session_user(rt: Runtime, raw: str, *, touch: bool = True) -> int:
    """The user of a live session. An ended one raises NotAuthenticated saying why, in Chinese.
    A read: only moving `last_seen_at` on (once a minute) takes a write transaction."""
    s = rt.settings
    now = rt.clock.now()
    with UnitOfWork(rt.reads) as session:
        found = session.execute(
            select(WebSession, User.active).join(User).where(WebSession.id_hash == hash_token(raw))
        ).one_or_none()
        if found is None or found[0].revoked_at is not None or not found[1]:
            raise NotAuthenticated(ENDED)
        row = found[0]
        if now >= row.expires_at:
            raise NotAuthenticated(f"登录已满 {s.session_max_hours} 小时，请重新登录")
        if now - row.last_seen_at >= timedelta(minutes=s.session_idle_minutes):
            raise NotAuthenticated(f"超过 {s.session_idle_minutes} 分钟未操作，登录已失效，请重新登录")
        session_id, user_id = row.id, row.user_id
        touch = touch and now - row.last_seen_at >= TOUCH_EVERY
    if touch:
        with UnitOfWork(rt.sessions) as session:
            session.execute(update(WebSession).where(WebSession.id == session_id).values(last_seen_at=now))
            session.commit()
    return user_id


def log_out(rt: Runtime, raw: str, ip: str | None = None) -> None:
    """End the session for good: its cookie, even a copy of it, opens nothing afterwards."""
    with UnitOfWork(rt.sessions) as session:
        now = rt.clock.now()
        row = session.scalars(select(WebSession).where(WebSession.id_hash == hash_token(raw))).one_or_none()
        if row is None or row.revoked_at is not None:
            return
        row.revoked_at, row.revoked_reason = now, "logout"
        security.record(session, now, "logout", user_id=row.user_id, ip=ip, session_id=row.id)
        session.commit()


def revoke_user_sessions(rt: Runtime, actor_id: int, user_id: int, ip: str | None = None) -> SessionsRevoked:
    """An administrator ends every live web session of a user (they must log in again)."""
    with UnitOfWork(rt.sessions) as session:
        security.require_admin(session, actor_id, "注销用户的登录会话")
        user = session.get(User, user_id)
        if user is None:
            raise NotFound(f"没有编号为 {user_id} 的用户")
        now = rt.clock.now()
        count = revoke_all(session, user_id, now, "admin")
        security.record(
            session, now, "session_revoked", user_id=user_id, username=user.username, ip=ip,
            count=count, reason="admin", by=actor_id,
        )
        session.commit()
    return SessionsRevoked(user_id=user_id, revoked=count)
