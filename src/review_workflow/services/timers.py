"""Deadlines (时限) opened, extended and closed by transitions, as the YAML's `timers:` say.

Called inside the caller's transaction; never commits.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..calendar import WorkCalendar
from ..definitions import Definition, RuleChoice, TimerSpec, TransitionSpec
from ..errors import CalendarNotPublished
from ..guards import OpenTimer
from ..models import Deadline, Instance, User
from ..runtime import Runtime
from .calendar_data import current_calendar


def open_deadlines(session: Session, instance_id: int) -> list[Deadline]:
    query = select(Deadline).where(Deadline.instance_id == instance_id, Deadline.closed_at.is_(None))
    return list(session.scalars(query.order_by(Deadline.id)).unique())


def timer_facts(session: Session, inst: Instance, d: Definition) -> dict[str, OpenTimer]:
    """The case's running timers, as the guards see them (due date, extensions still allowed)."""
    facts = {}
    for row in open_deadlines(session, inst.id):
        spec = d.timers.get(row.timer)
        allowed = spec.extend.times if spec and spec.extend else 0
        facts[row.timer] = OpenTimer(row.title, row.due, allowed - len(row.extensions))
    return facts


def _due(cal: WorkCalendar, start: date, rule: str) -> tuple[date, bool]:
    """A deadline never blocks the work: in an unpublished year it is computed provisionally and marked."""
    try:
        return cal.due(start, rule).date, False
    except CalendarNotPublished:
        return cal.due(start, rule, provisional=True).date, True


def schedule(cal: WorkCalendar, row: Deadline) -> tuple[date, date | None, bool]:
    """Due date, warning date and provisional flag of a deadline from its start and rules."""
    due, provisional = _due(cal, row.start, row.rule)
    for extra in row.extensions:
        due, more = _due(cal, due, extra)
        provisional = provisional or more
    warning = None
    if row.warn_before:
        try:
            warning = cal.warning_date(due, row.warn_before)
        except CalendarNotPublished:
            warning, provisional = cal.warning_date(due, row.warn_before, provisional=True), True
    return due, warning, provisional


def close(row: Deadline, at: datetime, today: date, *, cancelled: bool = False) -> None:
    row.closed_at = at
    if cancelled:
        row.status = "cancelled"
        return
    row.closed_late = today > row.due
    row.status = "missed" if row.closed_late else "met"


def elapse(row: Deadline, at: datetime) -> None:
    """A party's window ran its course: closed as met, nobody late."""
    row.closed_at = at
    row.status, row.closed_late = "met", False


def _opens(spec: TimerSpec, t: TransitionSpec, before: str, facts: Mapping[str, Any]) -> bool:
    o = spec.opens
    entered = o.on_enter is not None and t.dest == o.on_enter and before != t.dest
    if not (entered or t.event in o.on_events):
        return False
    return all(facts.get(k) == v for k, v in o.when.items())


def responsible_for(session: Session, inst: Instance, role: str, actor: User, owner_role: str) -> int | None:
    """The case's handler for the owner role; else the actor if they hold the role; else the agency's
    first active user with it."""
    if role == owner_role:
        return inst.handler_id
    if role in actor.roles and actor.agency_id == inst.agency_id:
        return actor.id
    users = session.scalars(
        select(User).where(User.agency_id == inst.agency_id, User.active).order_by(User.id)
    )
    return next((u.id for u in users.unique() if role in u.roles), None)


def _open(
    cal: WorkCalendar,
    session: Session,
    inst: Instance,
    d: Definition,
    name: str,
    facts: Mapping[str, Any],
    actor: User,
    at: datetime,
    today: date,
) -> None:
    """Start timer `name`, superseding a running one of the same name (a fresh period)."""
    spec = d.timers[name]
    for row in open_deadlines(session, inst.id):
        if row.timer == name:
            close(row, at, today, cancelled=True)
    field = spec.opens.from_field
    row = Deadline(
        instance_id=inst.id,
        agency_id=inst.agency_id,
        timer=name,
        kind=spec.kind,
        title=spec.title,
        rule=spec.rule.pick(facts) if isinstance(spec.rule, RuleChoice) else spec.rule,
        extensions=[],
        warn_before=spec.warn_before,
        start=date.fromisoformat(str(facts[field])) if field else today,
        responsible_id=responsible_for(session, inst, spec.responsible, actor, d.owner_role),
        escalate_to=list(spec.escalate_to),
        status="open",
        opened_at=at,
    )
    row.due, row.warning, row.provisional = schedule(cal, row)
    session.add(row)


def open_on_start(rt: Runtime, session: Session, inst: Instance, actor: User, at: datetime) -> None:
    """Timers that run from the moment a case starts (e.g. the 15 days to file, from decision_date)."""
    d = rt.workflow(inst.workflow).definition
    starting = [name for name, spec in d.timers.items() if spec.opens.on_start]
    if not starting:
        return
    cal, today = current_calendar(rt, session), rt.clock.local(at).date()
    for name in starting:
        if all(inst.data.get(k) == v for k, v in d.timers[name].opens.when.items()):
            _open(cal, session, inst, d, name, inst.data, actor, at, today)
    session.flush()


def apply(
    rt: Runtime,
    session: Session,
    inst: Instance,
    t: TransitionSpec,
    before: str,
    payload: dict[str, object],
    actor: User,
    at: datetime,
) -> None:
    """Close, cancel, extend and open the case's timers for the transition `t` that just happened."""
    d = rt.workflow(inst.workflow).definition
    if not d.timers:
        return
    cal = current_calendar(rt, session)
    today = rt.clock.local(at).date()
    final = d.is_final(inst.state)
    for row in open_deadlines(session, inst.id):
        spec = d.timers.get(row.timer)
        if spec is None:
            continue
        if row.kind == "window" and today > row.due:
            elapse(row, at)
        elif t.event in spec.closed_by:
            close(row, at, today)
        elif t.event in spec.cancelled_by or final:
            close(row, at, today, cancelled=True)
        elif spec.extend and t.event == spec.extend.event:
            row.extensions = [*row.extensions, spec.extend.by]
            row.due, row.warning, row.provisional = schedule(cal, row)
            if row.status == "missed" and row.due >= today:
                row.status, row.overdue_at = "open", None
    facts = {**inst.data, **payload}
    for name, spec in d.timers.items():
        if not final and _opens(spec, t, before, facts):
            _open(cal, session, inst, d, name, facts, actor, at, today)
    session.flush()
