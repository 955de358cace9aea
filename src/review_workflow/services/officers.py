"""People (执法人员 and every other user): list and search, create, edit, roles, training hours,
deactivate, reset a password. One use case, one transaction each.

Administrators change; supervisors (执法监督) read. Every change is written to the security log in the
same transaction (`user_created`, `user_changed`, `roles_changed`, `user_deactivated`,
`password_reset`), with what it was before. Nobody is deleted: one who leaves is deactivated, and their
执法证 注销 (services/certificates.py).
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from ..core import certificates as rules
from ..core.errors import InvalidInput, NotFound
from ..runtime import Runtime
from ..schemas_people import (
    OfficerCreate,
    OfficerCreated,
    OfficerDetail,
    OfficersPublic,
    OfficerUpdate,
    PasswordReset,
)
from ..storage.db import UnitOfWork
from ..storage.models import Agency, ApiToken, TrainingHours, User
from . import security
from .accounts import demo_password, hash_password
from .agencies import clean, require_admin, require_reader
from .certificates import change_status, holds_certificate, locked_user
from .paging import check_page
from .people_views import officer_detail, officer_public
from .scope import agencies_clause, covers
from .web_sessions import revoke_all

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
YEARS = (2000, 2100)  # training hours are recorded for years in this range


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def list_officers(
    rt: Runtime,
    actor_id: int,
    *,
    agency_id: int | None = None,
    q: str = "",
    active: bool | None = True,
    page: int = 1,
    page_size: int | None = None,
) -> OfficersPublic:
    """People by agency and name; `q` matches the username, the name or the 执法证号. Active only by
    default (`active=None`: everyone)."""
    page_size = page_size or rt.settings.page_size
    offset = check_page(page, page_size)
    query = select(User)
    if agency_id is not None:
        query = query.where(User.agency_id == agency_id)
    if active is not None:
        query = query.where(User.active.is_(active))
    text = (q or "").strip()[:80]
    if text:
        like = _like(text)
        query = query.where(
            or_(
                User.username.ilike(like, escape="\\"),
                User.name.ilike(like, escape="\\"),
                User.certificate_no.ilike(like, escape="\\"),
            )
        )
    with UnitOfWork(rt.reads) as session:
        query = query.where(agencies_clause(require_reader(session, actor_id), User.agency_id))
        count = session.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = session.scalars(query.order_by(User.agency_id, User.id).offset(offset).limit(page_size)).unique()
        today = rt.clock.today()
        return OfficersPublic(
            data=[officer_public(u, today) for u in rows], count=count, page=page, page_size=page_size
        )


def _user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"没有编号为 {user_id} 的人员")
    return user


def get_officer(rt: Runtime, actor_id: int, user_id: int) -> OfficerDetail:
    with UnitOfWork(rt.reads) as session:
        reader, user = require_reader(session, actor_id), _user(session, user_id)
        if not covers(session, reader, user.agency_id):
            raise NotFound(f"没有编号为 {user_id} 的人员")
        return officer_detail(session, user, rt.clock.today())


def _roles(rt: Runtime, roles: list[str]) -> list[str]:
    unknown = [r for r in roles if r not in rt.roles]
    if unknown or not roles:
        titles = "、".join(f"{name}（{spec.title}）" for name, spec in rt.roles.items())
        raise InvalidInput(f"未知或缺少角色：{'、'.join(unknown) or '（空）'}；可用角色：{titles}")
    return list(dict.fromkeys(roles))


def _email(value: str | None) -> str | None:
    text = clean(value, "电子邮箱", 200, required=False)
    if text is not None and not EMAIL.match(text):
        raise InvalidInput(f"电子邮箱格式不正确：{text}")
    return text


def new_user(rt: Runtime, session: Session, spec: OfficerCreate) -> User:
    """A new person in the caller's transaction, without a password or token (never commits)."""
    if session.scalars(select(User.id).where(User.username == spec.username)).first() is not None:
        raise InvalidInput(f"用户名“{spec.username}”已存在")
    if session.get(Agency, spec.agency_id) is None:
        raise InvalidInput(f"机关 {spec.agency_id} 不存在")
    user = User(
        username=spec.username,
        name=clean(spec.name, "姓名", 80),
        agency_id=spec.agency_id,
        roles=_roles(rt, spec.roles),
        staff_type=spec.staff_type,
        email=_email(spec.email),
        legal_qualification=clean(spec.legal_qualification, "法律职业资格证书编号", 60, required=False),
        first_review_on=spec.first_review_on,
        active=True,
    )
    session.add(user)
    session.flush()
    return user


def create_officer(rt: Runtime, actor_id: int, spec: OfficerCreate, ip: str | None = None) -> OfficerCreated:
    """A new person with a one-time password, shown this once (only its hash is kept). Their 执法证 is
    issued separately (services/certificates.py), once their 人员类别 allows it."""
    password = demo_password()
    hashed = hash_password(password)
    with UnitOfWork(rt.sessions) as session:
        require_admin(session, actor_id, "新建人员")
        user = new_user(rt, session, spec)
        user.password_hash = hashed
        security.record(
            session, rt.clock.now(), "user_created", user_id=user.id, username=user.username, ip=ip, by=actor_id,
            after=_state(user),
        )
        session.commit()
        return OfficerCreated(officer=officer_detail(session, user, rt.clock.today()), password=password)


def _state(user: User) -> dict[str, Any]:
    return {
        "name": user.name,
        "agency_id": user.agency_id,
        "roles": list(user.roles),
        "staff_type": user.staff_type,
        "email": user.email,
        "legal_qualification": user.legal_qualification,
        "first_review_on": user.first_review_on.isoformat() if user.first_review_on else None,
    }


def _log_change(
    session: Session, rt: Runtime, kind: security.Kind, user: User, before: dict[str, Any], actor_id: int,
    ip: str | None, **extra: Any,
) -> bool:
    after = _state(user)
    if after == before:
        return False
    security.record(
        session, rt.clock.now(), kind, user_id=user.id, username=user.username, ip=ip, by=actor_id,
        before={k: v for k, v in before.items() if after[k] != v},
        after={k: v for k, v in after.items() if before[k] != v},
        **extra,
    )
    return True


def apply_update(user: User, changes: OfficerUpdate) -> None:
    """Change what was sent (in the caller's transaction). A 人员类别 that may not hold a 执法证 is refused
    while the person still holds one (有效 or 暂扣): it must be 注销 first."""
    sent = changes.model_fields_set
    if "name" in sent:
        user.name = clean(changes.name, "姓名", 80) or user.name
    if "staff_type" in sent:
        refused = rules.ineligible_reason(user.name, changes.staff_type)
        if refused and holds_certificate(user):
            raise InvalidInput(f"{refused}；{user.name}仍持有执法证（{user.certificate_no}），请先注销")
        if changes.staff_type is None and holds_certificate(user):
            raise InvalidInput(f"{user.name}持有执法证，须登记人员类别")
        user.staff_type = changes.staff_type
    if "email" in sent:
        user.email = _email(changes.email)
    if "legal_qualification" in sent:
        user.legal_qualification = clean(changes.legal_qualification, "法律职业资格证书编号", 60, required=False)
    if "first_review_on" in sent:
        user.first_review_on = changes.first_review_on


def update_officer(
    rt: Runtime, actor_id: int, user_id: int, changes: OfficerUpdate, ip: str | None = None
) -> OfficerDetail:
    with UnitOfWork(rt.sessions) as session:
        require_admin(session, actor_id, "修改人员信息")
        user = locked_user(session, user_id)
        before = _state(user)
        apply_update(user, changes)
        _log_change(session, rt, "user_changed", user, before, actor_id, ip)
        session.commit()
        return officer_detail(session, user, rt.clock.today())


def set_roles(rt: Runtime, actor_id: int, user_id: int, roles: list[str], ip: str | None = None) -> OfficerDetail:
    """The roles come from workflows/roles.yaml (and the processes' own). An administrator cannot take
    away their own 系统管理员 role (someone must be left to manage)."""
    chosen = _roles(rt, roles)
    with UnitOfWork(rt.sessions) as session:
        require_admin(session, actor_id, "设置角色")
        user = locked_user(session, user_id)
        if user.id == actor_id and "admin" not in chosen:
            raise InvalidInput("不能取消自己的系统管理员角色；请由其他管理员办理")
        before = _state(user)
        user.roles = chosen
        _log_change(session, rt, "roles_changed", user, before, actor_id, ip)
        session.commit()
        return officer_detail(session, user, rt.clock.today())


def record_training(
    session: Session, rt: Runtime, user: User, year: int, hours: int, actor_id: int | None
) -> int | None:
    """Set the officer's training hours for a year (caller's transaction); returns the previous value."""
    if not YEARS[0] <= year <= YEARS[1]:
        raise InvalidInput(f"培训年度须在 {YEARS[0]} 到 {YEARS[1]} 之间")
    if not 0 <= hours <= 2000:
        raise InvalidInput("培训学时须在 0 到 2000 之间")
    row = session.get(TrainingHours, (user.id, year))
    before = row.hours if row else None
    if row is None:
        session.add(
            TrainingHours(user_id=user.id, year=year, hours=hours, updated_at=rt.clock.now(), updated_by_id=actor_id)
        )
    elif row.hours != hours:
        row.hours, row.updated_at, row.updated_by_id = hours, rt.clock.now(), actor_id
    return before


def set_training_hours(
    rt: Runtime, actor_id: int, user_id: int, year: int, hours: int, ip: str | None = None
) -> OfficerDetail:
    with UnitOfWork(rt.sessions) as session:
        require_admin(session, actor_id, "登记培训学时")
        user = locked_user(session, user_id)
        before = record_training(session, rt, user, year, hours, actor_id)
        if before != hours:
            security.record(
                session, rt.clock.now(), "user_changed", user_id=user.id, username=user.username, ip=ip,
                by=actor_id, training_year=year, before={"hours": before}, after={"hours": hours},
            )
        session.commit()
        return officer_detail(session, user, rt.clock.today())


def deactivate(rt: Runtime, actor_id: int, user_id: int, reason: str, ip: str | None = None) -> OfficerDetail:
    """One who leaves (调离、退休…): the account stops (log-ins, sessions and tokens end), and the 执法证
    they hold is 注销 with the reason — kept, never deleted."""
    reason = clean(reason, "停用原因", 500) or ""
    with UnitOfWork(rt.sessions) as session:
        require_admin(session, actor_id, "停用人员")
        user = locked_user(session, user_id)
        if user.id == actor_id:
            raise InvalidInput("不能停用自己的账号")
        if not user.active:
            raise InvalidInput(f"{user.name}已停用")
        now = rt.clock.now()
        cancelled = holds_certificate(user)
        if cancelled:
            change_status(session, user, "cancelled", f"人员停用：{reason}", actor_id, now)
        user.active = False
        sessions = revoke_all(session, user.id, now, "admin")
        session.execute(
            update(ApiToken)
            .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
            .values(revoked_at=now)
            .execution_options(synchronize_session=False)
        )
        security.record(
            session, now, "user_deactivated", user_id=user.id, username=user.username, ip=ip, by=actor_id,
            reason=reason, certificate_cancelled=cancelled, sessions_revoked=sessions,
        )
        session.commit()
        return officer_detail(session, user, rt.clock.today())


def reset_password(rt: Runtime, actor_id: int, user_id: int, ip: str | None = None) -> PasswordReset:
    """A new one-time password, returned this once (only its hash is kept); the person's web sessions
    end. They change it on 修改密码 after logging in."""
    password = demo_password()
    hashed = hash_password(password)
    with UnitOfWork(rt.sessions) as session:
        require_admin(session, actor_id, "重置密码")
        user = locked_user(session, user_id)
        if not user.active:
            raise InvalidInput(f"{user.name}已停用，不能重置密码")
        now = rt.clock.now()
        user.password_hash = hashed
        ended = revoke_all(session, user.id, now, "admin")
        security.record(
            session, now, "password_reset", user_id=user.id, username=user.username, ip=ip, by=actor_id,
            sessions_revoked=ended,
        )
        session.commit()
        return PasswordReset(user_id=user.id, password=password)


def agency_officers(session: Session, agency_id: int) -> list[User]:
    """The agency's active people, by id (the roster the sheet exports)."""
    return list(
        session.scalars(select(User).where(User.agency_id == agency_id, User.active).order_by(User.id)).unique()
    )

