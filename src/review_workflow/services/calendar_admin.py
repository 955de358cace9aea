"""Working-day calendar use cases: compute and explain due dates, load a year's arrangement.

Loading a year recomputes every open deadline it touches, records each change in the case's audit
trail and tells the responsible officer when a due date moved — all in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Literal

from sqlalchemy import and_, delete, or_, select
from sqlalchemy.orm import Session

from ..core.calendar import DueDate, Explanation, parse_arrangement
from ..core.errors import NotPermitted
from ..runtime import Runtime
from ..schemas import CalendarYearPublic
from ..storage.db import UnitOfWork
from ..storage.models import CalendarYear, Deadline, Instance
from . import audit_trail, outbox
from .actors import load_user
from .calendar_data import current_calendar
from .timers import schedule


def due(rt: Runtime, start: date, rule: str, provisional: bool = False) -> DueDate:
    with UnitOfWork(rt.reads) as session:
        return current_calendar(rt, session).due(start, rule, provisional)


def explain(rt: Runtime, start: date, rule: str, provisional: bool = False) -> Explanation:
    with UnitOfWork(rt.reads) as session:
        return current_calendar(rt, session).explain(start, rule, provisional)


def loaded_years(rt: Runtime) -> list[CalendarYearPublic]:
    """The arrangements an administrator loaded (years newer than chinese_calendar, or corrections)."""
    with UnitOfWork(rt.reads) as session:
        return [
            CalendarYearPublic(
                year=y.year,
                source=y.source,
                rest_days=len(y.rest_days),
                workdays=len(y.workdays),
                loaded_at=y.loaded_at,
            )
            for y in session.scalars(select(CalendarYear).order_by(CalendarYear.year))
        ]


def covered_years(rt: Runtime) -> list[tuple[int, str]]:
    """Every year the calendar can count on, with where its arrangement came from."""
    with UnitOfWork(rt.reads) as session:
        cal = current_calendar(rt, session)
        return [(y, arr.source if (arr := cal.arrangement(y)) else "") for y in cal.years()]


@dataclass(frozen=True)
class LoadResult:
    year: int
    rest_days: int
    workdays: int
    recomputed: int
    moved: int


def load_arrangement(
    rt: Runtime,
    text: str,
    fmt: Literal["yaml", "csv"],
    source: str | None = None,
    actor_id: int | None = None,
) -> LoadResult:
    """Store a year's arrangement (replacing an earlier one) and recompute the open deadlines it touches."""
    arrangement = parse_arrangement(text, fmt, source)
    year = arrangement.year
    with UnitOfWork(rt.sessions) as session:
        if actor_id is not None and "admin" not in load_user(session, actor_id).roles:
            raise NotPermitted("只有系统管理员可以导入节假日安排")
        session.execute(delete(CalendarYear).where(CalendarYear.year == year))
        session.add(
            CalendarYear(
                year=year,
                source=arrangement.source,
                rest_days={d.isoformat(): n for d, n in arrangement.rest_days.items()},
                workdays={d.isoformat(): n for d, n in arrangement.workdays.items()},
                loaded_at=datetime.now(UTC),  # real time: the cache stamp must change even on a pinned clock
                loaded_by_id=actor_id,
            )
        )
        session.flush()
        reason = f"导入{year}年节假日安排（{arrangement.source}）"
        recomputed, moved = _recompute_open_deadlines(rt, session, year, reason, actor_id)
        session.commit()
        return LoadResult(year, len(arrangement.rest_days), len(arrangement.workdays), recomputed, moved)


def _recompute_open_deadlines(
    rt: Runtime, session: Session, year: int, reason: str, actor_id: int | None
) -> tuple[int, int]:
    """Reschedule every open deadline the year can touch; audit each change, tell who is responsible."""
    cal = current_calendar(rt, session)
    now, today = rt.clock.now(), rt.clock.today()
    touched = select(Deadline).where(
        Deadline.closed_at.is_(None),
        or_(
            Deadline.provisional,
            and_(Deadline.start <= date(year, 12, 31), Deadline.due >= date(year - 1, 12, 1)),
        ),
    )
    recomputed = moved = 0
    for row in list(session.scalars(touched.order_by(Deadline.id)).unique()):
        inst = session.scalars(
            select(Instance).where(Instance.id == row.instance_id).with_for_update(of=Instance)
        ).one()
        old_due, old_provisional = row.due, row.provisional
        row.due, row.warning, row.provisional = schedule(cal, row)
        recomputed += 1
        if (row.due, row.provisional) == (old_due, old_provisional):
            continue
        if row.status == "missed" and row.due >= today:
            row.status, row.overdue_at = "open", None
        audit_trail.record(
            session,
            inst,
            actor_id=actor_id,
            event="deadline_recomputed",
            from_state=inst.state,
            to_state=inst.state,
            at=now,
            payload={
                "deadline_id": row.id,
                "timer": row.timer,
                "old_due": old_due.isoformat(),
                "new_due": row.due.isoformat(),
                "provisional": row.provisional,
                "reason": reason,
            },
        )
        if row.due != old_due:
            moved += 1
            _tell_due_moved(rt, session, inst, row, old_due, reason, now)
    return recomputed, moved


def _tell_due_moved(
    rt: Runtime, session: Session, inst: Instance, row: Deadline, old_due: date, reason: str, now: datetime
) -> None:
    if row.responsible is None:
        return
    draft = outbox.Draft(
        key=f"deadline:{row.id}:due_changed:{row.due.isoformat()}",
        kind="due_changed",
        recipient=row.responsible,
        subject=f"【期限变更】{inst.title}：{row.title}到期日调整为{row.due:%Y-%m-%d}",
        body=f"因{reason}，{row.title}的到期日由{old_due:%Y-%m-%d}调整为{row.due:%Y-%m-%d}。",
        data={
            "case_id": inst.id,
            "deadline_id": row.id,
            "kind": "due_changed",
            "old_due": old_due.isoformat(),
            "due": row.due.isoformat(),
        },
        instance_id=inst.id,
        deadline_id=row.id,
    )
    outbox.queue(rt, session, [draft], now)
