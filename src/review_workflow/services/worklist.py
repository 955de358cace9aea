"""待办 by urgency, and the counting behind a deadline.

A task is a case the user can act on now (queries.list_tasks); its urgency is its most pressing running
deadline: overdue (past due), warning (inside the warning lead), normal, or none (no deadline running).
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel
from sqlalchemy import select

from ..core.calendar import Explanation
from ..core.errors import CalendarNotPublished
from ..runtime import Runtime
from ..schemas import CasePublic, DeadlinePublic, EventPublic
from ..storage.db import UnitOfWork
from ..storage.models import Deadline
from . import calendar_admin, queries
from .views import deadline_public

Urgency = Literal["overdue", "warning", "normal", "none", "closed"]
URGENCY_RANK = {"overdue": 0, "warning": 1, "normal": 2, "none": 3, "closed": 4}


class RunningDeadline(BaseModel):
    deadline: DeadlinePublic
    urgency: Urgency


class TaskItem(BaseModel):
    case: CasePublic
    events: list[EventPublic]
    deadlines: list[RunningDeadline]  # soonest first
    urgency: Urgency
    next_due: date | None


class Worklist(BaseModel):
    today: date
    data: list[TaskItem]
    count: int


def deadline_urgency(d: DeadlinePublic, today: date, kind: str = "deadline") -> Urgency:
    """How pressing a deadline is. A party's window (`kind: window`) past its end is over, not overdue:
    the sweep closes it as elapsed, and until then nobody is late."""
    if d.closed_at is not None or d.status == "cancelled":
        return "closed"
    if kind == "window" and today > d.due:
        return "closed"
    if today > d.due:
        return "overdue"
    if d.warning is not None and today >= d.warning:
        return "warning"
    return "normal"


def my_tasks(rt: Runtime, actor_id: int) -> Worklist:
    """The user's 待办, most urgent first: overdue, then inside the warning lead, then by due date."""
    tasks = queries.list_tasks(rt, actor_id)
    today = rt.clock.today()
    case_ids = [t.case.id for t in tasks.data]
    running: dict[int, list[RunningDeadline]] = {i: [] for i in case_ids}
    if case_ids:
        with UnitOfWork(rt.reads) as session:
            rows = session.scalars(
                select(Deadline)
                .where(Deadline.instance_id.in_(case_ids), Deadline.closed_at.is_(None))
                .order_by(Deadline.due, Deadline.id)
            ).unique()
            for row in rows:
                d = deadline_public(row, today)
                pressing = deadline_urgency(d, today, row.kind)
                if pressing != "closed":  # a party's window that has run out presses nobody
                    running[row.instance_id].append(RunningDeadline(deadline=d, urgency=pressing))
    items = []
    for t in tasks.data:
        deadlines = running[t.case.id]
        urgencies = [r.urgency for r in deadlines]
        urgency: Urgency = min(urgencies, key=URGENCY_RANK.__getitem__) if urgencies else "none"
        items.append(
            TaskItem(
                case=t.case,
                events=t.events,
                deadlines=deadlines,
                urgency=urgency,
                next_due=min((r.deadline.due for r in deadlines), default=None),
            )
        )
    items.sort(key=lambda i: (URGENCY_RANK[i.urgency], i.next_due or date.max, i.case.updated_at))
    return Worklist(today=today, data=items, count=len(items))


def explain_deadline(rt: Runtime, d: DeadlinePublic) -> list[Explanation]:
    """How the due date was counted: the base rule from the start day, then each extension from the
    previous due date (as services.timers.schedule computes it)."""
    segments = [(d.start, d.rule)]
    due = calendar_admin.due(rt, d.start, d.rule, provisional=True).date
    for extra in d.extensions:
        segments.append((due, extra))
        due = calendar_admin.due(rt, due, extra, provisional=True).date
    explained = []
    for start, rule in segments:
        try:
            explained.append(calendar_admin.explain(rt, start, rule, d.provisional))
        except CalendarNotPublished:
            explained.append(calendar_admin.explain(rt, start, rule, provisional=True))
    return explained
