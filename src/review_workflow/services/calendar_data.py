"""The working-day calendar in use: chinese_calendar's years plus the arrangements loaded by an
administrator. Rebuilt only when the loaded years change (a cheap stamp query tells)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, inspect, select
from sqlalchemy.orm import Session

from ..core.calendar import WorkCalendar, YearArrangement, arrangements_from_chinese_calendar
from ..runtime import Runtime
from ..storage.models import CalendarYear


def to_arrangement(row: CalendarYear) -> YearArrangement:
    return YearArrangement(
        year=row.year,
        rest_days={date.fromisoformat(d): n for d, n in row.rest_days.items()},
        workdays={date.fromisoformat(d): n for d, n in row.workdays.items()},
        source=row.source,
    )


def _stamp(rt: Runtime, session: Session) -> tuple[object, ...]:
    """What changes whenever an administrator loads a year: one small query."""
    if not rt.calendar_table_seen:
        if not inspect(session.connection()).has_table(CalendarYear.__tablename__):
            return ("no table",)  # e.g. `calendar due` on a database never initialised
        rt.calendar_table_seen = True
    return tuple(session.execute(select(func.count(), func.max(CalendarYear.loaded_at))).one())


def current_calendar(rt: Runtime, session: Session) -> WorkCalendar:
    return calendar_for_stamp(rt, session, _stamp(rt, session))


def calendar_for_stamp(rt: Runtime, session: Session, stamp: tuple[object, ...]) -> WorkCalendar:
    """The calendar for the loaded years the stamp describes: the cached one unless they changed."""
    cached = rt.calendar_cache
    if cached is not None and cached[0] == stamp:
        return cached[1]
    loaded = (
        [] if stamp == ("no table",) else [to_arrangement(r) for r in session.scalars(select(CalendarYear))]
    )
    packaged = [a for a in arrangements_from_chinese_calendar() if a.year not in {x.year for x in loaded}]
    calendar = WorkCalendar([*packaged, *loaded])
    rt.calendar_cache = (stamp, calendar)
    return calendar
