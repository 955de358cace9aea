"""河南省行政执法证: issue or renew (核发、换发), suspend (暂扣), reinstate (恢复), cancel (注销), and the
30-day expiry alerts.

The certificate lives on the officer's row (`users.certificate_*`, which the guards read through
`actors.as_actor`), so a 暂扣 or 注销 stops the officer at their very next event. Every change writes a
`certificate_events` row — when, what, the status after it, why, by whom — in the same transaction.
The helpers (`issue`, `change_status`) take the caller's session and never commit; import and
deactivation reuse them.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ..core import certificates as rules
from ..core.errors import InvalidInput, NotFound
from ..runtime import Runtime
from ..schemas_people import CertificateIssue, OfficerDetail
from ..storage.db import UnitOfWork
from ..storage.models import CertificateEvent, User
from . import outbox
from .agencies import clean, require_admin
from .people_views import officer_detail

log = logging.getLogger(__name__)


def locked_user(session: Session, user_id: int) -> User:
    """The officer's row, locked until commit (two administrators never change one certificate at once)."""
    user = session.scalars(select(User).where(User.id == user_id).with_for_update(of=User)).unique().one_or_none()
    if user is None:
        raise NotFound(f"没有编号为 {user_id} 的人员")
    return user


def holds_certificate(user: User) -> bool:
    """A certificate in hand: 有效 or 暂扣 (a row from before statuses counts as 有效)."""
    return bool(user.certificate_no) and (user.certificate_status or rules.VALID) in rules.HELD


def _record(session: Session, user: User, action: str, reason: str, by_id: int | None, at: datetime) -> None:
    assert user.certificate_no and user.certificate_status
    session.add(
        CertificateEvent(
            user_id=user.id,
            at=at,
            action=action,
            status=user.certificate_status,
            reason=reason,
            by_id=by_id,
            certificate_no=user.certificate_no,
            valid_from=user.certificate_valid_from,
            valid_until=user.certificate_valid_until,
        )
    )


def issue(
    session: Session,
    user: User,
    number: str,
    valid_from: date,
    valid_until: date,
    reason: str | None,
    by_id: int | None,
    at: datetime,
) -> str | None:
    """核发 a certificate to one who has none (or whose last was 注销), or 换发 the one they hold; returns
    the action, or None when nothing changes. Refused for one who may not hold it (人员类别), while it is
    暂扣, for a number another officer holds, and for dates out of order."""
    number = clean(number, "执法证号", 60) or ""
    if not user.active:
        raise InvalidInput(f"{user.name}已停用，不能核发执法证")
    if user.staff_type is None:
        raise InvalidInput(f"请先登记{user.name}的人员类别（身份、编制），再核发执法证")
    refused = rules.ineligible_reason(user.name, user.staff_type)
    if refused:
        raise InvalidInput(refused)
    if valid_until <= valid_from:
        raise InvalidInput("执法证有效期至应晚于发证日期")
    if user.certificate_status == rules.SUSPENDED:
        raise InvalidInput(f"{user.name}的执法证暂扣中，不能换发；请先恢复或注销")
    if user.certificate_status == rules.CANCELLED and number == user.certificate_no:
        raise InvalidInput(f"执法证（{number}）已注销，不能恢复使用；重新核发须使用新的证号")
    other = session.scalars(
        select(User.name).where(User.certificate_no == number, User.id != user.id)
    ).first()
    if other is not None:
        raise InvalidInput(f"执法证号“{number}”已登记在{other}名下")
    held = holds_certificate(user)
    same = (user.certificate_no, user.certificate_valid_from, user.certificate_valid_until) == (
        number,
        valid_from,
        valid_until,
    )
    if held and same and user.certificate_status == rules.VALID:
        return None
    action = "renewed" if held else "issued"
    user.certificate_no, user.certificate_valid_from, user.certificate_valid_until = number, valid_from, valid_until
    user.certificate_status = rules.VALID
    _record(session, user, action, clean(reason, "说明", 500, required=False) or rules.ACTIONS[action], by_id, at)
    return action


# action → (the statuses it may start from, the status it leaves)
MOVES = {
    "suspended": ((rules.VALID,), rules.SUSPENDED),
    "reinstated": ((rules.SUSPENDED,), rules.VALID),
    "cancelled": ((rules.VALID, rules.SUSPENDED), rules.CANCELLED),
}


def change_status(
    session: Session, user: User, action: str, reason: str, by_id: int | None, at: datetime
) -> None:
    """暂扣, 恢复 or 注销 the officer's certificate, with the reason."""
    reason = clean(reason, "原因", 500) or ""
    sources, target = MOVES[action]
    status = user.certificate_status or (rules.VALID if user.certificate_no else None)
    if not user.certificate_no or status not in sources:
        now = rules.STATUS_TITLES.get(status or "", "无证") if user.certificate_no else "未持证"
        raise InvalidInput(f"{user.name}的执法证当前为“{now}”，不能{rules.ACTIONS[action]}")
    if action == "reinstated":
        refused = rules.ineligible_reason(user.name, user.staff_type)
        if refused:
            raise InvalidInput(refused)
    user.certificate_status = target
    _record(session, user, action, reason, by_id, at)


def issue_certificate(rt: Runtime, actor_id: int, user_id: int, spec: CertificateIssue) -> OfficerDetail:
    with UnitOfWork(rt.sessions) as session:
        require_admin(session, actor_id, "核发或换发执法证")
        user = locked_user(session, user_id)
        issue(session, user, spec.number, spec.valid_from, spec.valid_until, spec.reason, actor_id, rt.clock.now())
        session.commit()
        return officer_detail(session, user, rt.clock.today())


def _status_use_case(rt: Runtime, actor_id: int, user_id: int, action: str, reason: str) -> OfficerDetail:
    with UnitOfWork(rt.sessions) as session:
        require_admin(session, actor_id, f"{rules.ACTIONS[action]}执法证")
        user = locked_user(session, user_id)
        change_status(session, user, action, reason, actor_id, rt.clock.now())
        session.commit()
        return officer_detail(session, user, rt.clock.today())


def suspend_certificate(rt: Runtime, actor_id: int, user_id: int, reason: str) -> OfficerDetail:
    """暂扣: the officer may not act until it is reinstated (the guards read the status)."""
    return _status_use_case(rt, actor_id, user_id, "suspended", reason)


def reinstate_certificate(rt: Runtime, actor_id: int, user_id: int, reason: str) -> OfficerDetail:
    return _status_use_case(rt, actor_id, user_id, "reinstated", reason)


def cancel_certificate(rt: Runtime, actor_id: int, user_id: int, reason: str) -> OfficerDetail:
    """注销: for good (a new certificate is a new 核发); the record stays."""
    return _status_use_case(rt, actor_id, user_id, "cancelled", reason)


# -- expiry alerts ---------------------------------------------------------------------------------


def _text(user: User, today: date) -> tuple[str, str]:
    until = user.certificate_valid_until
    assert until is not None
    days = (until - today).days
    subject = f"【执法证到期提醒】{user.name}的行政执法证将于{until:%Y-%m-%d}到期"
    body = (
        f"人员：{user.name}（{user.agency.name}）\n执法证号：{user.certificate_no}\n有效期至：{until:%Y-%m-%d}"
        f"（还有 {days} 天）\n请及时办理换发手续；过期后不得从事行政执法活动。"
    )
    return subject, body


def _claim(session: Session, today: date, horizon: date, batch: int) -> list[User]:
    """Active officers holding a 有效 certificate that expires within the lead, not yet alerted for this
    expiry date; rows another process holds are skipped."""
    query = (
        select(User)
        .where(
            User.active,
            User.certificate_no.is_not(None),
            or_(User.certificate_status.is_(None), User.certificate_status == rules.VALID),
            User.certificate_valid_until >= today,
            User.certificate_valid_until <= horizon,
            or_(User.certificate_warned_for.is_(None), User.certificate_warned_for != User.certificate_valid_until),
        )
        .order_by(User.certificate_valid_until, User.id)
        .limit(batch)
        .with_for_update(skip_locked=True, of=User)
    )
    return list(session.scalars(query))


def _admins(session: Session, agency_ids: set[int]) -> dict[int | None, list[User]]:
    """Active administrators by agency (key None: all of them, for an agency that has none)."""
    found: dict[int | None, list[User]] = {None: []}
    for u in session.scalars(select(User).where(User.active).order_by(User.id)).unique():
        if "admin" in u.roles:
            found[None].append(u)
            if u.agency_id in agency_ids:
                found.setdefault(u.agency_id, []).append(u)
    return found


def alert_expiring(rt: Runtime, batch: int | None = None) -> int:
    """Queue the 30-day expiry alerts (`certificate_warn_days`) to each officer and their agency's
    administrators (every administrator, where the agency has none), once per certificate expiry date:
    the row is marked in the transaction that queues them, and the outbox key is unique. Returns how
    many notifications were queued."""
    batch = batch or rt.settings.sweep_batch
    queued = 0
    while True:
        with UnitOfWork(rt.sessions) as session:
            now, today = rt.clock.now(), rt.clock.today()
            rows = _claim(session, today, today + timedelta(days=rt.settings.certificate_warn_days), batch)
            if not rows:
                return queued
            admins = _admins(session, {u.agency_id for u in rows})
            drafts = []
            for user in rows:
                subject, body = _text(user, today)
                until = user.certificate_valid_until
                assert until is not None
                data = {"kind": "certificate_expiring", "officer_id": user.id, "valid_until": until.isoformat()}
                told = {user.id: user} | {a.id: a for a in admins.get(user.agency_id) or admins[None]}
                drafts += [
                    outbox.Draft(f"certificate:{user.id}:{until.isoformat()}:expiring", "certificate_expiring", who, subject, body, data)
                    for who in told.values()
                ]
                user.certificate_warned_for = until
            queued += outbox.queue(rt, session, drafts, now)
            session.commit()
