"""Bearer tokens of the API (`api_tokens`): named, several per user, each with an expiry; revocable.

Only a token's SHA-256 is stored: the token itself is shown once, when it is issued. Presenting an
expired or revoked token is refused (401) and written to the security log.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..core.errors import InvalidInput, NotAuthenticated, NotFound, TokenExpired, TokenRevoked
from ..runtime import Runtime
from ..schemas import ApiTokenPublic
from ..storage.db import UnitOfWork
from ..storage.models import ApiToken, User
from . import security
from .actors import hash_token, new_token

DEFAULT_NAME = "默认令牌"  # the token every new user gets (and the demo writes out)
MIGRATED_NAME = "原用户令牌"  # a users.token_hash from before api_tokens
MAX_NAME = 80
MAX_DAYS = 3650
TOUCH_EVERY = timedelta(seconds=60)  # last_used_at is written at most once a minute
UNKNOWN = "令牌无效或已停用，请重新获取"


def issue(session: Session, user_id: int, name: str, now: datetime, days: int) -> tuple[ApiToken, str]:
    """Add a token row to the caller's transaction (flushed, so it has its id); returns it and the token."""
    token = new_token()
    row = ApiToken(
        name=name,
        token_hash=hash_token(token),
        user_id=user_id,
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    session.add(row)
    session.flush()
    security.record(
        session, now, "token_created", user_id=user_id, token_id=row.id, name=name, expires_at=row.expires_at.isoformat()
    )
    return row, token


def create_token(rt: Runtime, username: str, name: str, days: int | None = None) -> tuple[ApiTokenPublic, str]:
    """A new named token for a user, expiring after `days` (default `token_days`); the token is
    returned this once."""
    name = _check_name(name)
    days = rt.settings.token_days if days is None else days
    if not 1 <= days <= MAX_DAYS:
        raise InvalidInput(f"有效天数须在 1 到 {MAX_DAYS} 之间")
    with UnitOfWork(rt.sessions) as session:
        user = session.scalars(select(User).where(User.username == username.strip())).one_or_none()
        if user is None:
            raise InvalidInput(f"用户“{username}”不存在")
        if not user.active:
            raise InvalidInput(f"用户“{username}”已停用，不能签发令牌")
        row, token = issue(session, user.id, name, rt.clock.now(), days)
        public = _public(row, rt.clock.now())
        session.commit()
        return public, token


def list_tokens(rt: Runtime, username: str | None = None) -> list[ApiTokenPublic]:
    """Every token (or one user's), newest first, with its state; never the token itself."""
    query = select(ApiToken).join(User).order_by(ApiToken.id.desc())
    with UnitOfWork(rt.reads) as session:
        if username is not None:
            if session.scalars(select(User.id).where(User.username == username)).first() is None:
                raise InvalidInput(f"用户“{username}”不存在")
            query = query.where(User.username == username)
        now = rt.clock.now()
        return [_public(row, now) for row in session.scalars(query)]


def revoke_token(rt: Runtime, token_id: int) -> ApiTokenPublic:
    """Revoke a token for good: from now on it is refused (401) wherever it is presented."""
    with UnitOfWork(rt.sessions) as session:
        row = session.get(ApiToken, token_id)
        if row is None:
            raise NotFound(f"没有编号为 {token_id} 的令牌")
        if row.revoked_at is not None:
            raise InvalidInput(f"令牌 {token_id}（{row.name}）已于 {rt.clock.local(row.revoked_at):%Y-%m-%d %H:%M} 吊销")
        now = rt.clock.now()
        row.revoked_at = now
        security.record(
            session, now, "token_revoked", user_id=row.user_id, username=row.user.username, token_id=row.id, name=row.name
        )
        public = _public(row, now)
        session.commit()
        return public


def authenticate(rt: Runtime, token: str, ip: str | None = None) -> int:
    """The user a bearer token stands for. An expired or revoked token is refused and logged.
    A read: only the rare refusal logged or `last_used_at` moved on takes a write transaction."""
    now = rt.clock.now()
    with UnitOfWork(rt.reads) as session:
        row = session.scalars(select(ApiToken).where(ApiToken.token_hash == hash_token(token))).one_or_none()
        if row is None or not row.user.active:
            raise NotAuthenticated(UNKNOWN)
        refused = _refusal(rt, row, now)
        touch = row.last_used_at is None or now - row.last_used_at >= TOUCH_EVERY
        token_id, user_id, username, name = row.id, row.user_id, row.user.username, row.name
    if refused is not None:
        with UnitOfWork(rt.sessions) as session:
            security.record(
                session, now, "token_refused", user_id=user_id, username=username, ip=ip,
                token_id=token_id, name=name, reason=refused.code,
            )
            session.commit()
        raise refused
    if touch:
        with UnitOfWork(rt.sessions) as session:
            session.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=now))
            session.commit()
    return user_id


def adopt_user_tokens(session: Session, now: datetime, days: int) -> int:
    """Move the one-per-user tokens of `users.token_hash` (before api_tokens) into api_tokens, named
    MIGRATED_NAME and expiring like a new token; the old column is cleared. Idempotent."""
    users = session.scalars(select(User).where(User.token_hash.is_not(None))).all()
    for user in users:
        assert user.token_hash is not None
        if session.scalars(select(ApiToken.id).where(ApiToken.token_hash == user.token_hash)).first() is None:
            session.add(
                ApiToken(
                    name=MIGRATED_NAME,
                    token_hash=user.token_hash,
                    user_id=user.id,
                    created_at=now,
                    expires_at=now + timedelta(days=days),
                )
            )
            security.record(session, now, "token_created", user_id=user.id, name=MIGRATED_NAME, migrated=True)
        user.token_hash = None
    return len(users)


def _refusal(rt: Runtime, row: ApiToken, now: datetime) -> NotAuthenticated | None:
    if row.revoked_at is not None:
        return TokenRevoked(f"令牌“{row.name}”已被吊销，请向管理员申请新的令牌")
    if now >= row.expires_at:
        when = f"{rt.clock.local(row.expires_at):%Y-%m-%d %H:%M}"
        return TokenExpired(f"令牌“{row.name}”已于 {when} 过期，请向管理员申请新的令牌")
    return None


def _check_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > MAX_NAME or not name.isprintable():
        raise InvalidInput(f"令牌名称须为 1 到 {MAX_NAME} 个可见字符，如“数据对接”")
    return name


def _public(row: ApiToken, now: datetime) -> ApiTokenPublic:
    status: Literal["active", "expired", "revoked"] = (
        "revoked" if row.revoked_at is not None else ("expired" if now >= row.expires_at else "active")
    )
    return ApiTokenPublic(
        id=row.id,
        name=row.name,
        user_id=row.user_id,
        username=row.user.username,
        created_at=row.created_at,
        expires_at=row.expires_at,
        last_used_at=row.last_used_at,
        revoked_at=row.revoked_at,
        status=status,
    )
