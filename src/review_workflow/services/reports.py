"""Figures for supervisors (行政执法监督): one read per figure, scoped like every read.

Supervisors see every agency; everyone else sees their own agency's figures and those of the cases
addressed to it (a filing office: the filings of the agencies that file with it), as they see the cases.
Nothing here writes. The shapes are public (pydantic), so the API can serve them as they are.

Deadlines are the agency's time limits (`kind: deadline`); a party's window (陈述申辩期间, 履行期限) is
not the agency's to meet, so it is neither "overdue" nor counted in an on-time rate.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from pydantic import BaseModel
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from ..runtime import Runtime
from ..schemas import DeadlinePublic, Named
from ..storage.db import UnitOfWork
from ..storage.models import Agency, Deadline, Instance, User
from .actors import load_user
from .scope import open_clause, supervises, where_visible
from .views import deadline_public


class StateCount(BaseModel):
    workflow: str
    workflow_title: str
    state: str
    state_title: str
    count: int


class AgencyCount(BaseModel):
    agency: Named
    count: int


class DeadlineItem(BaseModel):
    deadline: DeadlinePublic
    case_title: str
    workflow_title: str
    agency: Named


class MonthFigure(BaseModel):
    month: str  # YYYY-MM, in the agency time zone
    met: int  # closed on time
    late: int  # closed, but after the due date
    missing: int  # past due and still open
    rate: float | None  # met / (met + late + missing); None when nothing fell in the month


class OnTimeSeries(BaseModel):
    workflow: str
    workflow_title: str
    timer: str
    timer_title: str
    months: list[MonthFigure]
    met: int
    late: int
    missing: int
    rate: float | None


AGENCY_DEADLINE = Deadline.kind == "deadline"  # not a party's window


def scope_title(rt: Runtime, actor_id: int) -> str:
    """Whose figures the user sees: a supervisor's agency and those under it, or the user's own agency
    (and the cases addressed to it)."""
    with UnitOfWork(rt.reads) as session:
        user = load_user(session, actor_id)
        if supervises(user):
            return f"{user.agency.name}及所辖机关"
        addressed = session.scalar(
            select(func.count()).where(Instance.counterpart_agency_id == user.agency_id)
        )
        return f"{user.agency.name}（含报送本机关的案件）" if addressed else user.agency.name


def open_cases_by_state(rt: Runtime, actor_id: int) -> list[StateCount]:
    """Open cases per workflow and state, in the order the workflow declares its states."""
    with UnitOfWork(rt.reads) as session:
        user = load_user(session, actor_id)
        query = select(Instance.workflow, Instance.state, func.count()).where(open_clause(rt))
        query = where_visible(query, user).group_by(Instance.workflow, Instance.state)
        counts = {(w, s): n for w, s, n in session.execute(query)}
    figures = []
    for name, wf in rt.workflows.items():
        d = wf.definition
        for state in d.states:
            if (name, state) in counts:
                figures.append(
                    StateCount(
                        workflow=name,
                        workflow_title=d.title,
                        state=state,
                        state_title=d.state_title(state),
                        count=counts[name, state],
                    )
                )
    return figures


def open_cases_by_agency(rt: Runtime, actor_id: int) -> list[AgencyCount]:
    """Open cases per agency, most first."""
    with UnitOfWork(rt.reads) as session:
        user = load_user(session, actor_id)
        query = (
            select(Agency.id, Agency.name, func.count(Instance.id))
            .join(Instance, Instance.agency_id == Agency.id)
            .where(open_clause(rt))
        )
        query = where_visible(query, user).group_by(Agency.id, Agency.name)
        rows = session.execute(query).all()
    return [
        AgencyCount(agency=Named(id=i, name=name), count=n)
        for i, name, n in sorted(rows, key=lambda r: (-r[2], r[0]))
    ]


def _deadline_items(rt: Runtime, session: Session, user: User, *conditions: Any) -> list[DeadlineItem]:
    query = (
        select(Deadline, Instance)
        .join(Instance, Instance.id == Deadline.instance_id)
        .where(AGENCY_DEADLINE, *conditions)
    )
    query = where_visible(query, user).order_by(Deadline.due, Deadline.id)
    today = rt.clock.today()
    items = []
    for row, inst in session.execute(query).unique():
        d = rt.workflows.get(inst.workflow)
        items.append(
            DeadlineItem(
                deadline=deadline_public(row, today),
                case_title=inst.title,
                workflow_title=d.definition.title if d else inst.workflow,
                agency=Named(id=inst.agency.id, name=inst.agency.name),
            )
        )
    return items


def week_end(today: date) -> date:
    """The Sunday of the week that holds `today`."""
    return today + timedelta(days=6 - today.weekday())


def deadlines_due_this_week(rt: Runtime, actor_id: int) -> list[DeadlineItem]:
    """Running deadlines that fall due from today to Sunday (the overdue ones are a figure of their own)."""
    today = rt.clock.today()
    with UnitOfWork(rt.reads) as session:
        user = load_user(session, actor_id)
        return _deadline_items(
            rt,
            session,
            user,
            Deadline.closed_at.is_(None),
            Deadline.due >= today,
            Deadline.due <= week_end(today),
        )


def overdue_deadlines(rt: Runtime, actor_id: int) -> list[DeadlineItem]:
    """Deadlines past their due date and still running, the longest overdue first."""
    today = rt.clock.today()
    with UnitOfWork(rt.reads) as session:
        user = load_user(session, actor_id)
        return _deadline_items(rt, session, user, Deadline.closed_at.is_(None), Deadline.due < today)


def _month_starts(today: date, months: int) -> list[date]:
    first = today.replace(day=1)
    starts = [first]
    for _ in range(months - 1):
        first = (first - timedelta(days=1)).replace(day=1)
        starts.append(first)
    return list(reversed(starts))


def on_time_by_month(rt: Runtime, actor_id: int, months: int = 6) -> list[OnTimeSeries]:
    """On-time rate per workflow and timer, per month of the last `months`.

    A deadline counts in the month it was closed (on time, or late); one past due and still running
    counts as missing in the month it fell due. Cancelled ones do not count.
    """
    today = rt.clock.today()
    starts = _month_starts(today, max(1, months))
    since = datetime(starts[0].year, starts[0].month, 1, tzinfo=rt.clock.tz)
    with UnitOfWork(rt.reads) as session:
        user = load_user(session, actor_id)
        closed = and_(
            Deadline.closed_at.is_not(None),
            Deadline.status.in_(("met", "missed")),
            Deadline.closed_at >= since,
        )
        running_late = and_(Deadline.closed_at.is_(None), Deadline.due < today, Deadline.due >= starts[0])
        query = (
            select(Instance.workflow, Deadline.timer, Deadline.status, Deadline.closed_at, Deadline.due)
            .join(Instance, Instance.id == Deadline.instance_id)
            .where(AGENCY_DEADLINE, or_(closed, running_late))
        )
        rows = session.execute(where_visible(query, user)).all()
    keys = [f"{m:%Y-%m}" for m in starts]
    tally: dict[
        tuple[str, str], dict[str, list[int]]
    ] = {}  # (workflow, timer) → month → [met, late, missing]
    for workflow, timer, status, closed_at, due in rows:
        month = f"{rt.clock.local(closed_at):%Y-%m}" if closed_at is not None else f"{due:%Y-%m}"
        if month not in keys:
            continue
        per_month = tally.setdefault((workflow, timer), {k: [0, 0, 0] for k in keys})
        per_month[month][(0 if status == "met" else 1) if closed_at is not None else 2] += 1
    series = []
    for name, wf in rt.workflows.items():
        d = wf.definition
        own = [t for t, spec in d.timers.items() if spec.kind == "deadline"]
        timers = [*own, *sorted(t for w, t in tally if w == name and t not in d.timers)]
        for timer in timers:
            per_month = tally.get((name, timer), {k: [0, 0, 0] for k in keys})
            met, late, missing = (sum(v[i] for v in per_month.values()) for i in range(3))
            series.append(
                OnTimeSeries(
                    workflow=name,
                    workflow_title=d.title,
                    timer=timer,
                    timer_title=d.timers[timer].title if timer in d.timers else timer,
                    months=[
                        MonthFigure(month=k, met=v[0], late=v[1], missing=v[2], rate=_rate(*v))
                        for k, v in per_month.items()
                    ],
                    met=met,
                    late=late,
                    missing=missing,
                    rate=_rate(met, late, missing),
                )
            )
    return series


def _rate(met: int, late: int, missing: int) -> float | None:
    total = met + late + missing
    return met / total if total else None


class Measure(NamedTuple):
    """A compliance figure supervisors are scored on, and the time limit of the workflow behind it."""

    key: str
    title: str
    workflow: str
    timer: str
    legend: tuple[str, str, str]  # on time, closed late, overdue and still open


# 法制审核 (in 10 working days), 备案 (in 15 days; late or missing scored), 公示 (7 or 20 working days).
MEASURES = (
    Measure(
        "legal_review",
        "法制审核",
        "major_decision_review",
        "review_period",
        ("按期审结", "逾期审结", "逾期未审结"),
    ),
    Measure(
        "filing",
        "重大行政处罚备案",
        "major_penalty_filing",
        "filing_period",
        ("按时备案", "逾期备案", "逾期未备案"),
    ),
    Measure(
        "disclosure",
        "行政执法公示",
        "enforcement_disclosure",
        "disclosure_period",
        ("按时公示", "逾期公示", "逾期未公示"),
    ),
)


class ComplianceSeries(OnTimeSeries):
    key: str  # legal_review, filing, disclosure
    title: str
    legend: list[str]


def compliance_from(series: list[OnTimeSeries]) -> list[ComplianceSeries]:
    """The review, filing and disclosure series out of `on_time_by_month`, in that order (a workflow
    that is not loaded is left out)."""
    found = {(s.workflow, s.timer): s for s in series}
    return [
        ComplianceSeries(**s.model_dump(), key=m.key, title=m.title, legend=list(m.legend))
        for m in MEASURES
        if (s := found.get((m.workflow, m.timer))) is not None
    ]


def compliance_by_month(rt: Runtime, actor_id: int, months: int = 6) -> list[ComplianceSeries]:
    """On-time rates of legal review, filing and disclosure per month (issue 5: the supervisor's rates)."""
    return compliance_from(on_time_by_month(rt, actor_id, months))
