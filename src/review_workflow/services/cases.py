"""Commands on cases: start one, fire an event. One use case, one transaction each."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, and_, bindparam, select, true
from sqlalchemy.orm import Session, lazyload
from sqlalchemy.orm.exc import StaleDataError

from ..core import guards, payloads
from ..core.errors import GuardRejected, InvalidInput, NotFound, NotPermitted, StaleVersion
from ..core.guards import CaseFacts, GuardContext
from ..runtime import Runtime
from ..schemas import CasePublic
from ..storage.db import UnitOfWork
from ..storage.models import Deadline, Instance, User
from . import case_refs, lookups
from .actors import as_actor, load_user
from .lookups import Lookups
from .moves import apply_event, create_instance
from .scope import can_see
from .views import case_public

TITLE_MAX = 300  # the columns' width (案由, 当事人)


def _clean_text(value: Any, label: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(f"{label}不能为空")
    if len(value.strip()) > TITLE_MAX:
        raise InvalidInput(f"{label}过长（不超过 {TITLE_MAX} 字）")
    if payloads.has_control_characters(value):
        raise InvalidInput(f"{label}不能包含控制字符（如 NUL）")
    return value.strip()


def load_case(session: Session, user: User, case_id: int, *, for_update: bool = False) -> Instance:
    query = select(Instance).where(Instance.id == case_id)
    if for_update:
        query = query.with_for_update(of=Instance)
    inst = session.scalars(query).unique().one_or_none()
    if inst is None or not can_see(session, user, inst):
        raise NotFound(f"案件 {case_id} 不存在或无权查看")
    return inst


def _load_statement(rt: Runtime) -> Select[Any]:
    stmt = rt.statements.get("fire.load")
    if stmt is None:
        stmt = rt.statements["fire.load"] = (
            select(User, Instance, Instance.agency_id, *lookups.columns(rt), Deadline)
            .select_from(User)
            .join(Instance, true())  # one user row beside one case row: a deliberate cross join
            .outerjoin_from(
                Instance, Deadline, and_(Deadline.instance_id == Instance.id, Deadline.closed_at.is_(None))
            )
            .where(User.id == bindparam("actor_id"), Instance.id == bindparam("case_id"))
            .options(lazyload(Deadline.responsible))
            .order_by(Deadline.id)
            .with_for_update(of=Instance)
        )
    return stmt


def _actor_and_locked_case(
    rt: Runtime, session: Session, actor_id: int, case_id: int
) -> tuple[User, Instance, Lookups]:
    """The acting user and the case, its row locked until commit, with its running deadlines (one row
    each, outer-joined) and what its transition may look up (the calendar, who holds a role): one round
    trip, so that a transition is this read, then its writes (docs/benchmarks.md)."""
    rows = (
        session.execute(_load_statement(rt), {"actor_id": actor_id, "case_id": case_id}).unique().all()
    )
    if not rows or not rows[0][0].active:
        load_user(session, actor_id)  # refuses an unknown or inactive user; else the case is what is missing
        raise NotFound(f"案件 {case_id} 不存在或无权查看")
    found = rows[0]
    user, inst = found[0], found[1]
    if not can_see(session, user, inst):
        raise NotFound(f"案件 {case_id} 不存在或无权查看")
    running = [row[-1] for row in rows if row[-1] is not None]
    return user, inst, lookups.Lookups(rt, session, dict(found._mapping), running={inst.id: running})


def start_case(
    rt: Runtime, actor_id: int, workflow: str, title: str, party: str, fields: dict[str, Any] | None = None
) -> CasePublic:
    wf = rt.workflow(workflow)
    d = wf.definition
    title, party = _clean_text(title, "案由（title）"), _clean_text(party, "当事人（party）")
    with UnitOfWork(rt.sessions) as session:
        user = load_user(session, actor_id)
        actor = as_actor(user)
        if not set(d.start_roles) & actor.roles:
            raise NotPermitted(
                f"只有{'、'.join(rt.role_title(r) for r in d.start_roles)}可以发起“{d.title}”"
            )
        data = payloads.validate(wf.case_model, fields or {}, d.case_fields)
        case_refs.check(rt, session, user, d.case_fields, data)
        ctx = GuardContext(
            actor, CaseFacts(None, user.agency_id, user.id, d.initial, data), data, rt.clock.today()
        )
        refused = guards.reasons(d.start_guards, ctx)
        if refused:
            raise GuardRejected("；".join(refused))
        inst = create_instance(
            rt,
            session,
            d,
            agency_id=user.agency_id,
            handler_id=user.id,
            title=title,
            party=party,
            data=data,
            actor=user,
        )
        session.commit()
        return case_public(rt, inst)


def fire(
    rt: Runtime, case_id: int, event: str, actor_id: int, payload: Any, expected_version: int | None
) -> CasePublic:
    """Fire `event` on the case: check, move, and write every effect in one transaction."""
    with UnitOfWork(rt.sessions) as session:
        user, inst, found = _actor_and_locked_case(rt, session, actor_id, case_id)
        if expected_version is not None and inst.version != expected_version:
            raise StaleVersion(
                f"案件已被他人更新（当前版本 {inst.version}，提交的版本 {expected_version}），请刷新后重试"
            )
        try:
            apply_event(rt, session, inst, event, user, payload, lookups=found)
            session.commit()
        except StaleDataError as exc:
            raise StaleVersion("案件已被他人更新，请刷新后重试") from exc
        return case_public(rt, inst)
