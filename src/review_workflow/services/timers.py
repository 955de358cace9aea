"""Deadlines (时限) opened, extended and closed by transitions, as the YAML's `timers:` say.

Called inside the caller's transaction; never commits.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, lazyload

from ..core.calendar import WorkCalendar
from ..core.definitions import Definition, RuleChoice, TimerSpec, TransitionSpec
from ..core.errors import CalendarNotPublished
from ..core.guards import OpenTimer
from ..runtime import Runtime
from ..storage.models import Deadline, Instance, User
from .lookups import Lookups

_OPEN_DEADLINES = (
    select(Deadline)
    .where(Deadline.instance_id == bindparam("instance_id"), Deadline.closed_at.is_(None))
    .options(lazyload(Deadline.responsible))
    .order_by(Deadline.id)
)


def open_deadlines(session: Session, instance_id: int) -> list[Deadline]:
    """The case's running deadlines: read once per transaction, then passed along and kept current."""
    return list(session.scalars(_OPEN_DEADLINES, {"instance_id": instance_id}))


def timer_facts(d: Definition, running: list[Deadline]) -> dict[str, OpenTimer]:
    """The case's running timers, as the guards see them (due date, extensions still allowed)."""
    facts = {}
    for row in running:
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


def responsible_for(inst: Instance, role: str, actor: User, owner_role: str, lookups: Lookups) -> int | None:
    """The case's handler for the owner role; else the actor if they hold the role; else the agency's
    first active user with it."""
    if role == owner_role:
        return inst.handler_id
    if role in actor.roles and actor.agency_id == inst.agency_id:
        return actor.id
    return lookups.holder(inst.agency_id, role)


class _Opening:
    """Opening timers for one transition of one case."""

    def __init__(
        self, rt: Runtime, session: Session, inst: Instance, actor: User, at: datetime, lookups: Lookups
    ) -> None:
        self.session, self.inst, self.actor, self.at, self.lookups = session, inst, actor, at, lookups
        self.d = rt.workflow(inst.workflow).definition
        self.today = rt.clock.local(at).date()

    def open(self, name: str, facts: Mapping[str, Any], running: list[Deadline]) -> list[Deadline]:
        """Start timer `name`, superseding a running one of the same name (a fresh period)."""
        spec = self.d.timers[name]
        for row in running:
            if row.timer == name:
                close(row, self.at, self.today, cancelled=True)
        field = spec.opens.from_field
        row = Deadline(
            instance_id=self.inst.id,
            agency_id=self.inst.agency_id,
            timer=name,
            kind=spec.kind,
            title=spec.title,
            rule=spec.rule.pick(facts) if isinstance(spec.rule, RuleChoice) else spec.rule,
            extensions=[],
            warn_before=spec.warn_before,
            start=date.fromisoformat(str(facts[field])) if field else self.today,
            responsible_id=responsible_for(
                self.inst, spec.responsible, self.actor, self.d.owner_role, self.lookups
            ),
            escalate_to=list(spec.escalate_to),
            status="open",
            opened_at=self.at,
        )
        row.due, row.warning, row.provisional = schedule(self.lookups.calendar(), row)
        self.session.add(row)
        return [r for r in running if r.closed_at is None] + [row]


def open_on_start(
    rt: Runtime, session: Session, inst: Instance, actor: User, at: datetime, lookups: Lookups
) -> None:
    """Timers that run from the moment a case starts (e.g. the 15 days to file, from decision_date)."""
    opening = _Opening(rt, session, inst, actor, at, lookups)
    running: list[Deadline] = []
    for name, spec in opening.d.timers.items():
        if spec.opens.on_start and all(inst.data.get(k) == v for k, v in spec.opens.when.items()):
            running = opening.open(name, inst.data, running)


def apply(
    rt: Runtime,
    session: Session,
    inst: Instance,
    t: TransitionSpec,
    before: str,
    payload: dict[str, object],
    actor: User,
    at: datetime,
    running: list[Deadline],
    lookups: Lookups,
) -> list[Deadline]:
    """Close, cancel, extend and open the case's timers for the transition `t` that just happened;
    returns the deadlines still running."""
    opening = _Opening(rt, session, inst, actor, at, lookups)
    d, today = opening.d, opening.today
    final = d.is_final(inst.state)
    for row in running:
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
            row.due, row.warning, row.provisional = schedule(lookups.calendar(), row)
            if row.status == "missed" and row.due >= today:
                row.status, row.overdue_at = "open", None
    running = [row for row in running if row.closed_at is None]
    facts = {**inst.data, **payload}
    for name, spec in d.timers.items():
        if not final and _opens(spec, t, before, facts):
            running = opening.open(name, facts, running)
    return running
