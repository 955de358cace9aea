"""Web log-in: passwords (scrypt, a salt per user, never stored in clear), the throttled log-in that
opens a session, the password change, and what a user may start.

A stored hash reads `scrypt$<n>$<r>$<p>$<salt hex>$<hash hex>`, so the cost can be raised later
without invalidating the hashes already stored.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..core import certificates
from ..core.errors import InvalidInput, NotAuthenticated, TooManyAttempts
from ..runtime import Runtime
from ..schemas import Me, Named, WorkflowSummary
from ..storage.db import UnitOfWork
from ..storage.models import LoginThrottle, Notification, User
from . import security, throttle, web_sessions
from .actors import load_user
from .filing_office import WORKFLOW as FILING_WORKFLOW
from .filing_office import may_see_queue
from .views import workflow_summary

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1  # 16 MiB and ~50 ms per check on this hardware
SALT_BYTES, KEY_BYTES = 16, 32
MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 256
WRONG = "用户名或密码不正确"


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=KEY_BYTES, maxmem=128 * r * n * 2
    )


def hash_password(password: str) -> str:
    if not MIN_PASSWORD_LENGTH <= len(password) <= MAX_PASSWORD_LENGTH:
        raise InvalidInput(f"密码长度须在 {MIN_PASSWORD_LENGTH} 到 {MAX_PASSWORD_LENGTH} 个字符之间")
    salt = secrets.token_bytes(SALT_BYTES)
    digest = _scrypt(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str | None) -> bool:
    """True when `password` matches the stored hash; a malformed or missing hash never matches."""
    if not stored or len(password) > MAX_PASSWORD_LENGTH:
        return False
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        computed = _scrypt(password, bytes.fromhex(salt), int(n), int(r), int(p))
    except ValueError:
        return False
    return hmac.compare_digest(computed, bytes.fromhex(digest))


# Checked when the username is unknown, so a wrong name costs the same time as a wrong password.
_DUMMY_HASH = f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${'00' * SALT_BYTES}${'00' * KEY_BYTES}"


def user_named(session: Session, username: str) -> User | None:
    return session.scalars(select(User).where(User.username == username.strip())).unique().one_or_none()


def password_matches(user: User | None, password: str) -> bool:
    """True for an active user with this password. An unknown user costs the same time as a known one."""
    stored = user.password_hash if user is not None else None
    matches = verify_password(password, stored or _DUMMY_HASH)
    return user is not None and user.active and stored is not None and matches


def authenticate_password(rt: Runtime, username: str, password: str) -> int:
    """The user id for a correct username and password; one message for every kind of failure.
    A check only: the log-in of the pages is `log_in` (throttled, audited, a session)."""
    with UnitOfWork(rt.reads) as session:
        user = user_named(session, username)
        if user is None or not password_matches(user, password):
            raise NotAuthenticated(WRONG)
        return user.id


def log_in(
    rt: Runtime, username: str, password: str, *, ip: str | None = None, user_agent: str | None = None
) -> tuple[int, str]:
    """Check the password under the throttle (services/throttle.py); on success open a web session.
    Returns the user id and the session id for the cookie. Every outcome is in the security log."""
    username = username.strip()
    with UnitOfWork(rt.sessions) as session:
        now = rt.clock.now()
        rows = throttle.hold(session, [throttle.username_key(username), *throttle.address_key(ip)])
        wait = throttle.refusal(rows, now)
        if wait is not None:
            security.record(session, now, "login_blocked", username=username, ip=ip, retry_after=wait)
            session.commit()
            raise TooManyAttempts(wait)
        user = user_named(session, username)
        if user is None or not password_matches(user, password):
            security.record(session, now, "login_failed", user_id=user.id if user else None, username=username, ip=ip)
            _count_failure(session, rows, rt, now, user, username, ip)
            raise NotAuthenticated(WRONG)
        throttle.succeeded(rows)
        session_id = web_sessions.open_session(session, rt.settings, user.id, now, ip, user_agent)
        security.record(session, now, "login_ok", user_id=user.id, username=username, ip=ip)
        session.commit()
        return user.id, session_id


def _count_failure(
    session: Session, rows: list[LoginThrottle], rt: Runtime, now: datetime, user: User | None, username: str, ip: str | None
) -> None:
    """Count the failure and commit it; a lock it starts is logged and answered 429 at once."""
    locked = throttle.failed(rows, rt.settings, now)
    if locked is not None:
        wait, keys = locked
        security.record(
            session, now, "login_locked", user_id=user.id if user else None, username=username, ip=ip, retry_after=wait, keys=keys
        )
    session.commit()
    if locked is not None:
        raise TooManyAttempts(locked[0])


def change_password(
    rt: Runtime, user_id: int, current: str, new: str, repeat: str, *, keep_session: str | None = None, ip: str | None = None
) -> int:
    """Change one's own password knowing the current one; every other web session of the user ends
    (the one whose cookie id is `keep_session` stays). Wrong current passwords are throttled like
    log-ins, on a key of their own. Returns how many sessions were ended."""
    if new != repeat:
        raise InvalidInput("两次输入的新密码不一致")
    hashed = hash_password(new)  # the length rules, in Chinese
    with UnitOfWork(rt.sessions) as session:
        now = rt.clock.now()
        user = load_user(session, user_id)
        rows = throttle.hold(session, [f"password:{user_id}"])
        wait = throttle.refusal(rows, now)
        if wait is not None:
            security.record(session, now, "password_change_failed", user_id=user_id, ip=ip, retry_after=wait)
            session.commit()
            raise TooManyAttempts(wait)
        if not password_matches(user, current):
            security.record(session, now, "password_change_failed", user_id=user_id, ip=ip, reason="wrong_current")
            _count_failure(session, rows, rt, now, user, user.username, ip)
            raise InvalidInput("当前密码不正确")
        if verify_password(new, user.password_hash):
            raise InvalidInput("新密码不能与当前密码相同")
        user.password_hash = hashed
        throttle.succeeded(rows)
        ended = web_sessions.revoke_all(session, user_id, now, "password_changed", keep=keep_session)
        security.record(session, now, "password_changed", user_id=user_id, username=user.username, ip=ip)
        security.record(
            session, now, "session_revoked", user_id=user_id, username=user.username, ip=ip,
            count=ended, reason="password_changed",
        )
        session.commit()
        return ended


def set_password(rt: Runtime, user_id: int, password: str) -> None:
    hashed = hash_password(password)
    with UnitOfWork(rt.sessions) as session:
        user = session.get(User, user_id)
        if user is None:
            raise InvalidInput(f"用户 {user_id} 不存在")
        user.password_hash = hashed
        session.commit()


DEMO_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/l/I


def demo_password() -> str:
    """A fresh password for a demo user: 12 letters and digits, none that look alike."""
    return "".join(secrets.choice(DEMO_ALPHABET) for _ in range(12))


def startable_workflows(rt: Runtime, actor_id: int) -> list[WorkflowSummary]:
    """The workflows whose `start_roles` the user holds (guards are checked when the case starts)."""
    with UnitOfWork(rt.reads) as session:
        return _startable(rt, set(load_user(session, actor_id).roles))


def _startable(rt: Runtime, roles: set[str]) -> list[WorkflowSummary]:
    return [
        workflow_summary(wf.definition)
        for wf in rt.workflows.values()
        if roles & set(wf.definition.start_roles)
    ]


@dataclass(frozen=True)
class SessionInfo:
    """What the header of every page shows: who is logged in, what they may start, unread notices."""

    me: Me
    startable: list[WorkflowSummary]
    unread: int
    filing_queue: bool = False  # may read the filing-review queue (备案审查)
    # Why the user's own 执法证 stops them acting today (暂扣, 注销, 过期), for a holder of one; else None.
    certificate_problem: str | None = None


def session_info(rt: Runtime, actor_id: int) -> SessionInfo:
    with UnitOfWork(rt.reads) as session:
        user = load_user(session, actor_id)
        unread = session.scalar(
            select(func.count()).where(
                Notification.recipient_id == user.id,
                Notification.channel == "in_app",
                Notification.read_at.is_(None),
            )
        )
        me = Me(
            id=user.id,
            username=user.username,
            name=user.name,
            roles=list(user.roles),
            agency=Named(id=user.agency.id, name=user.agency.name),
        )
        startable = _startable(rt, set(user.roles))
        filing_queue = may_see_queue(user) and FILING_WORKFLOW in rt.workflows
        problem = (
            certificates.problem(
                user.name, user.certificate_no, user.certificate_valid_from, user.certificate_valid_until,
                user.certificate_status, rt.clock.today(),
            )
            if user.certificate_no
            else None
        )
    return SessionInfo(
        me=me, startable=startable, unread=unread or 0, filing_queue=filing_queue, certificate_problem=problem
    )
