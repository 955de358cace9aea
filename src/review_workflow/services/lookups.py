"""Answers a transition may need that cost a query each: the working-day calendar in use, who in an
agency holds a role (the officer responsible for a deadline), and the case's running deadlines.

The query that loads and locks the case fetches them in the same round trip (`columns`, and the
deadlines outer-joined by `case_load._load_statement`), so a transition reads once before it writes;
anything not fetched ahead is asked lazily.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import String, cast, func, literal, select
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.elements import Label

from ..core.calendar import WorkCalendar
from ..runtime import Runtime
from ..storage.models import CalendarYear, Deadline, Instance, User
from .calendar_data import calendar_for_stamp, current_calendar


def _holds(user: Any, role: str) -> Any:
    # roles is a JSON list in both dialects; its text holds each role in double quotes. The pattern is
    # written into the SQL, not bound: SQLite re-prepares a statement whose LIKE pattern is a parameter
    # each time it is bound (for its LIKE optimisation), which cost the transition's read 100 µs.
    return cast(user.roles, String).like(literal(f'%"{role}"%', literal_execute=True))


def responsible_roles(rt: Runtime) -> list[str]:
    """Roles that are made responsible for a deadline and are not simply the case's handler."""
    roles = {
        spec.responsible
        for wf in rt.workflows.values()
        for spec in wf.definition.timers.values()
        if spec.responsible != wf.definition.owner_role
    }
    return sorted(roles)


def columns(rt: Runtime) -> list[Label[Any]]:
    """Scalar subqueries to select beside the case row: the calendar stamp and each role's holder."""
    stamp = [
        select(func.count()).select_from(CalendarYear).scalar_subquery().label("calendar_count"),
        select(func.max(CalendarYear.loaded_at)).scalar_subquery().label("calendar_loaded_at"),
    ]
    other = aliased(User)  # the outer query selects the acting user from `users` too
    holders = [
        select(func.min(other.id))
        .where(other.agency_id == Instance.agency_id, other.active, _holds(other, role))
        .correlate(Instance)
        .scalar_subquery()
        .label(f"holder_{role}")
        for role in responsible_roles(rt)
    ]
    return stamp + holders


class Lookups:
    """Per transaction: seeded from `columns` when the case was loaded with them, else asked on demand."""

    def __init__(
        self,
        rt: Runtime,
        session: Session,
        fetched: dict[str, Any] | None = None,
        running: dict[int, list[Deadline]] | None = None,
    ) -> None:
        self.rt, self.session = rt, session
        self._running = dict(running or {})
        fetched = fetched or {}
        self._stamp = (
            (fetched["calendar_count"], fetched["calendar_loaded_at"])
            if "calendar_count" in fetched
            else None
        )
        self._holders: dict[tuple[int | None, str], int | None] = {
            (fetched.get("agency_id"), key.removeprefix("holder_")): value
            for key, value in fetched.items()
            if key.startswith("holder_")
        }
        self._calendar: WorkCalendar | None = None

    def running(self, instance_id: int) -> list[Deadline] | None:
        """The case's running deadlines if they were fetched with it (handed out once: after that the
        move keeps the list current itself), else None."""
        return self._running.pop(instance_id, None)

    def calendar(self) -> WorkCalendar:
        if self._calendar is None:
            self._calendar = (
                calendar_for_stamp(self.rt, self.session, self._stamp)
                if self._stamp is not None
                else current_calendar(self.rt, self.session)
            )
        return self._calendar

    def holder(self, agency_id: int, role: str) -> int | None:
        """The agency's first active user with `role`, or None."""
        key = (agency_id, role)
        if key not in self._holders:
            query = (
                select(User.id, User.roles).where(User.agency_id == agency_id, User.active).order_by(User.id)
            )
            self._holders[key] = next((i for i, roles in self.session.execute(query) if role in roles), None)
        return self._holders[key]
