"""Deadlines (时限) opened, extended, paused, resumed and closed by transitions, as the YAML's `timers:` say.

Called inside the caller's transaction; never commits.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, lazyload

from ..core import records
from ..core.calendar import WorkCalendar, parse_rule
from ..core.definitions import Definition, RuleChoice, TimerSpec, TransitionSpec, pick_rule
from ..core.errors import CalendarNotPublished
from ..core.guards import OpenTimer
from ..runtime import Runtime
from ..storage import batch
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
        facts[row.timer] = OpenTimer(row.title, row.due, allowed - len(row.extensions), row.status == "paused")
    return facts


def _due(cal: WorkCalendar, start: date, rule: str) -> tuple[date, bool]:
    """A deadline never blocks the work: in an unpublished year it is computed provisionally and marked."""
    try:
        return cal.due(start, rule).date, False
    except CalendarNotPublished:
        return cal.due(start, rule, provisional=True).date, True


def _excluded(cal: WorkCalendar, row: Deadline) -> tuple[int, bool]:
    """How many days (of the rule's unit) the ended pauses take out of the period, and whether that
    count is provisional: a pause from P to R excludes the days after P up to and including R."""
    unit = parse_rule(row.rule).unit
    days, provisional = 0, False
    for start, end in row.pauses:
        if start is None or end is None:
            continue
        first, last = date.fromisoformat(start), date.fromisoformat(end)
        if unit == "d":
            days += (last - first).days
            continue
        try:
            days += cal.workdays_between(first, last)
        except CalendarNotPublished:
            days, provisional = days + cal.workdays_between(first, last, provisional=True), True
    return days, provisional


def schedule(cal: WorkCalendar, row: Deadline) -> tuple[date, date | None, bool]:
    """Due date, warning date and provisional flag of a deadline from its start, rule, pauses and
    extensions."""
    excluded, provisional = _excluded(cal, row)
    rule = parse_rule(row.rule)
    due, more = _due(cal, row.start, f"{rule.n + excluded}{rule.unit}")
    provisional = provisional or more
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


def _reschedule(cal: WorkCalendar, row: Deadline, today: date) -> None:
    """New dates after an extension or a pause ended; an overdue period given more time runs again, and
    a paused one stays paused."""
    row.due, row.warning, row.provisional = schedule(cal, row)
    if row.status == "paused":
        return
    if row.due >= today:
        row.status, row.overdue_at = "open", None
    else:
        row.status = "missed" if row.overdue_at else "open"


def close(row: Deadline, at: datetime, done_on: date, *, cancelled: bool = False) -> None:
    """Close the period: met when done on or before its due date (`done_on`: the day it was done)."""
    row.closed_at = at
    if cancelled:
        row.status = "cancelled"
        return
    row.closed_late = done_on > row.due
    row.status = "missed" if row.closed_late else "met"


def elapse(row: Deadline, at: datetime) -> None:
    """A party's window ran its course: closed as met, nobody late."""
    row.closed_at = at
    row.status, row.closed_late = "met", False


def _done_on(spec: TimerSpec, t: TransitionSpec, inst: Instance) -> date | None:
    """The legal date the closing event recorded (`closed_on`, e.g. the day the decision was served)."""
    if spec.closed_on is None:
        return None
    names = [spec.closed_on] if isinstance(spec.closed_on, str) else spec.closed_on
    value = records.first([f"{t.event}.{n}" for n in names], inst.data, inst.events)
    return date.fromisoformat(value) if isinstance(value, str) else None


def _end_pause(cal: WorkCalendar, row: Deadline, today: date) -> None:
    began = row.pauses[-1][0]
    row.pauses = [*row.pauses[:-1], [began, today.isoformat()]]
    row.status = "missed" if row.overdue_at else "open"
    _reschedule(cal, row, today)


def _opens(spec: TimerSpec, t: TransitionSpec, before: str, inst: Instance) -> bool:
    o = spec.opens
    entered = o.on_enter is not None and t.dest_from(before) == o.on_enter and before != o.on_enter
    if not (entered or t.event in o.on_events):
        return False
    return records.matches(o.when, inst.data, inst.events)


def responsible_for(
    inst: Instance, role: str, actor: User | None, owner_role: str, lookups: Lookups
) -> int | None:
    """The case's handler for the owner role; else the actor if they hold the role; else the agency's
    first active user with it."""
    if role == owner_role:
        return inst.handler_id
    if actor is not None and role in actor.roles and actor.agency_id == inst.agency_id:
        return actor.id
    return lookups.holder(inst.agency_id, role)


class _Opening:
    """Opening timers for one transition of one case."""

    def __init__(
        self, rt: Runtime, session: Session, inst: Instance, actor: User | None, at: datetime, lookups: Lookups
    ) -> None:
        self.session, self.inst, self.actor, self.at, self.lookups = session, inst, actor, at, lookups
        self.d = rt.workflow(inst.workflow).definition
        self.today = rt.clock.local(at).date()

    def open(self, name: str, running: list[Deadline]) -> list[Deadline]:
        """Start timer `name`, superseding a running one of the same name (a fresh period)."""
        spec = self.d.timers[name]
        for row in running:
            if row.timer == name:
                close(row, self.at, self.today, cancelled=True)
        inst = self.inst
        field = spec.opens.from_field
        start = records.first(field, inst.data, inst.events) if field else None
        choice = spec.rule.field if isinstance(spec.rule, RuleChoice) else None
        calendar = self.lookups.calendar()  # asked first: its query must not flush a row without its due date
        row = batch.add(
            self.session,
            Deadline,
            instance_id=self.inst.id,
            agency_id=self.inst.agency_id,
            timer=name,
            kind=spec.kind,
            title=spec.title,
            rule=pick_rule(spec.rule, {choice: records.read(choice, inst.data, inst.events)} if choice else {}),
            extensions=[],
            pauses=[],
            warn_before=spec.warn_before,
            start=date.fromisoformat(start) if isinstance(start, str) else self.today,
            responsible_id=responsible_for(
                self.inst, spec.responsible, self.actor, self.d.owner_role, self.lookups
            ),
            escalate_to=list(spec.escalate_to),
            status="open",
            opened_at=self.at,
        )
        row.due, row.warning, row.provisional = schedule(calendar, row)
        return [r for r in running if r.closed_at is None] + [row]


def open_on_start(
    rt: Runtime, session: Session, inst: Instance, actor: User | None, at: datetime, lookups: Lookups
) -> None:
    """Timers that run from the moment a case starts (e.g. the 15 days to file, from decision_date)."""
    opening = _Opening(rt, session, inst, actor, at, lookups)
    running: list[Deadline] = []
    for name, spec in opening.d.timers.items():
        if spec.opens.on_start and records.matches(spec.opens.when, inst.data, inst.events):
            running = opening.open(name, running)


def apply(
    rt: Runtime,
    session: Session,
    inst: Instance,
    t: TransitionSpec,
    before: str,
    actor: User | None,
    at: datetime,
    running: list[Deadline],
    lookups: Lookups,
) -> list[Deadline]:
    """Close, cancel, extend, pause, resume and open the case's timers for the transition `t` that just
    happened (its record already written); returns the deadlines still running."""
    opening = _Opening(rt, session, inst, actor, at, lookups)
    d, today = opening.d, opening.today
    final = d.is_final(inst.state)
    for row in running:
        spec = d.timers.get(row.timer)
        if spec is None:
            continue
        if row.status == "paused" and (t.event in spec.closed_by or t.event in spec.cancelled_by or final):
            _end_pause(lookups.calendar(), row, today)  # the time paused does not count against it
        if row.kind == "window" and today > row.due and row.status != "paused" and not spec.on_expiry:
            elapse(row, at)  # (a window that fires an event when it runs out is the sweep's to close)
        elif t.event in spec.closed_by:
            close(row, at, _done_on(spec, t, inst) or today)
        elif t.event in spec.cancelled_by or final:
            close(row, at, today, cancelled=True)
        elif spec.extend and t.event == spec.extend.event and len(row.extensions) < spec.extend.times:
            row.extensions = [*row.extensions, spec.extend.by]
            _reschedule(lookups.calendar(), row, today)
        elif spec.pause and t.event in spec.pause.by and row.status != "paused":
            row.pauses = [*row.pauses, [today.isoformat(), None]]
            row.status = "paused"
        elif spec.pause and t.event in spec.pause.resumed_by and row.status == "paused":
            _end_pause(lookups.calendar(), row, today)
    running = [row for row in running if row.closed_at is None]
    for name, spec in d.timers.items():
        if not final and _opens(spec, t, before, inst):
            running = opening.open(name, running)
    return running
