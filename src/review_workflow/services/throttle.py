"""Log-in throttling: failures counted per username and per client address, locks that grow.

`login_max_failures` failures of one username within `login_window_minutes` (or
`login_max_failures_per_address` from one address) lock it for `login_lock_minutes`; each further lock
waits twice as long, up to `login_lock_max_minutes`. The count of locks starts over after a correct
password, or once a whole maximum wait has passed since the last lock ended. During a lock every
attempt is refused unchecked, the right password too.

These helpers work inside the caller's transaction and never commit. `hold` locks the rows (FOR UPDATE
on PostgreSQL; SQLite's write lock covers the whole transaction), so parallel guesses at one username
are judged one after the other and cannot slip past the count.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..config import Settings
from ..storage.db import upsert_insert
from ..storage.models import LoginThrottle

ADDRESS = "address:"
MAX_DOUBLINGS = 30  # 2**30 minutes is far past any maximum: stop multiplying there


def username_key(username: str) -> str:
    return f"user:{username[:80]}"


def address_key(ip: str | None) -> list[str]:
    return [f"{ADDRESS}{ip[:64]}"] if ip else []


def hold(session: Session, keys: Sequence[str]) -> list[LoginThrottle]:
    """The rows for `keys`, created if new and locked for this transaction (always in key order)."""
    ordered = sorted(set(keys))
    session.execute(
        upsert_insert(session, LoginThrottle.__table__)
        .values([{"key": k, "failures": 0, "locks": 0} for k in ordered])
        .on_conflict_do_nothing(index_elements=["key"])
    )
    query = select(LoginThrottle).where(LoginThrottle.key.in_(ordered)).order_by(LoginThrottle.key)
    return list(session.scalars(query.with_for_update()))


def refusal(rows: Sequence[LoginThrottle], now: datetime) -> int | None:
    """Seconds until the longest lock among `rows` ends; None when none is locked."""
    waits = [r.locked_until - now for r in rows if r.locked_until is not None and r.locked_until > now]
    return math.ceil(max(waits).total_seconds()) if waits else None


def failed(rows: Sequence[LoginThrottle], settings: Settings, now: datetime) -> tuple[int, list[str]] | None:
    """Count a failure on every row; when that locks some, (the wait in seconds, the keys locked)."""
    locked: dict[str, int] = {}
    for row in rows:
        wait = _count(row, settings, now)
        if wait is not None:
            locked[row.key] = wait
    return (max(locked.values()), sorted(locked)) if locked else None


def succeeded(rows: Sequence[LoginThrottle]) -> None:
    """A correct password clears its username's record; an address keeps counting (one correct
    account must not buy more guesses at the others)."""
    for row in rows:
        if not row.key.startswith(ADDRESS):
            row.failures, row.window_start, row.locks = 0, None, 0


def _count(row: LoginThrottle, s: Settings, now: datetime) -> int | None:
    limit = s.login_max_failures_per_address if row.key.startswith(ADDRESS) else s.login_max_failures
    if row.window_start is None or now - row.window_start >= timedelta(minutes=s.login_window_minutes):
        row.window_start, row.failures = now, 0
    row.failures += 1
    if row.failures < limit:
        return None
    if row.locked_until is not None and now - row.locked_until >= timedelta(minutes=s.login_lock_max_minutes):
        row.locks = 0
    minutes = min(s.login_lock_minutes * 2 ** min(row.locks, MAX_DOUBLINGS), s.login_lock_max_minutes)
    row.locks += 1
    row.locked_until = now + timedelta(minutes=minutes)
    row.failures, row.window_start = 0, None
    return minutes * 60
