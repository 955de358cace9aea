"""Commands on cases: start one, fire an event. One use case, one transaction each."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from ..core import guards, payloads
from ..core.errors import GuardRejected, InvalidInput, NotFound, NotPermitted, StaleVersion
from ..core.guards import CaseFacts, GuardContext
from ..runtime import Runtime
from ..schemas import CasePublic
from ..storage import batch
from ..storage.db import UnitOfWork
from ..storage.models import Instance, User
from . import case_load, case_refs
from .actors import as_actor, load_user
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
        user, inst, found = case_load.actor_and_locked_case(rt, session, actor_id, case_id)
        if expected_version is not None and inst.version != expected_version:
            raise StaleVersion(
                f"案件已被他人更新（当前版本 {inst.version}，提交的版本 {expected_version}），请刷新后重试"
            )
        try:
            apply_event(rt, session, inst, event, user, payload, lookups=found)
            batch.flush(session)
            session.commit()
        except StaleDataError as exc:
            raise StaleVersion("案件已被他人更新，请刷新后重试") from exc
        return case_public(rt, inst)
