"""统计年报 at the 司法局: the 31 January deadline of every agency, its alerts, and the submission.

Seed 003 item 13 (国办发〔2018〕118号): each year's figures are published and reported by 31 January of the
next year — a calendar date, not a count of working days, so it is neither moved by holidays nor computed
by the work calendar. A deadline here is an `annual_reports` row, not a `deadlines` row (those belong to
a case); the scheduler's tick sweeps it as it sweeps 执法证 expiries: rows are claimed with SKIP LOCKED,
marked in the transaction that queues the alerts, and the outbox key is unique, so nothing is sent twice.
"""

from __future__ import annotations

from datetime import date, timedelta

from pydantic import BaseModel
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from ..core.errors import AlreadySubmitted, InvalidInput, NotFound, NotPermitted
from ..runtime import Runtime
from ..schemas import Named
from ..storage.db import UnitOfWork, upsert_insert
from ..storage.models import Agency, AnnualReport, User
from . import outbox
from .actors import load_user
from .scope import covers

# 法制机构: who prepares and submits the table, and is alerted about it.
LEGAL_OFFICE = ("legal_head", "reviewer")
READERS = frozenset({*LEGAL_OFFICE, "agency_head", "supervisor", "admin"})
WARN_DAYS = 10  # the first alert, calendar days before 31 January

STATE_TITLES = {
    "not_due": "未到报送期",
    "pending": "待报送",
    "overdue": "逾期未报送",
    "on_time": "已按时报送",
    "late": "已逾期报送",
}


class SubmissionPublic(BaseModel):
    year: int
    agency: Named
    due: date
    state: str  # not_due (the year still runs), pending, overdue, on_time, late
    state_title: str
    submitted_at: str | None = None  # ISO date-time, local
    submitted_by: Named | None = None


def due_date(year: int) -> date:
    return date(year + 1, 1, 31)


def readable_agency(session: Session, user: User, agency_id: int) -> Agency:
    """The agency whose reports the user may read: a supervisor or administrator those their level covers,
    the agency's own legal office and head their own; one not covered reads as missing."""
    agency = session.get(Agency, agency_id)
    if agency is None or not covers(session, user, agency_id):
        raise NotFound(f"机关 {agency_id} 不存在")
    if not READERS & set(user.roles):
        raise NotPermitted("只有法制机构、机关负责人和执法监督人员可以查看统计年报和考核评分")
    return agency


def _state(row: AnnualReport | None, year: int, today: date) -> str:
    if row is not None and row.submitted_at is not None:
        return "late" if row.late else "on_time"
    if today.year <= year:
        return "not_due"
    return "overdue" if today > due_date(year) else "pending"


def submission_of(rt: Runtime, session: Session, agency: Agency, year: int) -> SubmissionPublic:
    row = session.scalar(select(AnnualReport).where(AnnualReport.agency_id == agency.id, AnnualReport.year == year))
    state = _state(row, year, rt.clock.today())
    by = row.submitted_by if row is not None else None
    at = row.submitted_at if row is not None else None
    return SubmissionPublic(
        year=year,
        agency=Named(id=agency.id, name=agency.name),
        due=due_date(year),
        state=state,
        state_title=STATE_TITLES[state],
        submitted_at=rt.clock.local(at).isoformat(timespec="minutes") if at else None,
        submitted_by=Named(id=by.id, name=by.name) if by else None,
    )


def _ensure(session: Session, agency_ids: list[int], year: int) -> None:
    """The year's rows for these agencies, inserted where missing (two sweeps at once insert once)."""
    if not agency_ids:
        return
    values = [{"agency_id": a, "year": year, "due": due_date(year)} for a in agency_ids]
    stmt = upsert_insert(session, AnnualReport).values(values)
    session.execute(stmt.on_conflict_do_nothing(index_elements=[AnnualReport.agency_id, AnnualReport.year]))


def submit(rt: Runtime, actor_id: int, agency_id: int, year: int) -> SubmissionPublic:
    """Record that the agency's legal office submitted the year's table to the 司法局: who and when; late
    when after 31 January. Only once, and only after the year has ended."""
    with UnitOfWork(rt.sessions) as session:
        user = load_user(session, actor_id)
        agency = readable_agency(session, user, agency_id)
        if user.agency_id != agency_id or not set(LEGAL_OFFICE) & set(user.roles):
            raise NotPermitted("统计年报由本机关法制机构报送")
        now = rt.clock.now()
        today = rt.clock.local(now).date()
        if today.year <= year:
            raise InvalidInput(f"{year}年度尚未结束，不能报送该年度统计年报")
        _ensure(session, [agency_id], year)
        row = session.scalars(
            select(AnnualReport)
            .where(AnnualReport.agency_id == agency_id, AnnualReport.year == year)
            .with_for_update(of=AnnualReport)
        ).one()
        if row.submitted_at is not None:
            raise AlreadySubmitted(f"{agency.name}{year}年度统计年报已于{rt.clock.local(row.submitted_at):%Y-%m-%d}报送")
        row.submitted_at, row.submitted_on, row.submitted_by_id = now, today, user.id
        row.late = today > row.due
        session.flush()
        session.refresh(row)
        result = submission_of(rt, session, agency, year)
        session.commit()
        return result


def _text(agency: Agency, row: AnnualReport, kind: str) -> tuple[str, str]:
    if kind == "warning":
        subject = f"【期限提醒】{agency.name}{row.year}年度行政执法统计年报应于{row.due:%Y-%m-%d}前报送"
        lead = "请及时汇总本机关上年度行政执法数据，公开并报送本级司法行政部门。"
    else:
        subject = f"【逾期警告】{agency.name}{row.year}年度行政执法统计年报已于{row.due:%Y-%m-%d}届满，尚未报送"
        lead = "已经逾期，请立即报送；未按时报送的，考核中扣分。"
    body = f"机关：{agency.name}\n年度：{row.year}\n报送期限：{row.due:%Y-%m-%d}（每年1月31日前）\n{lead}"
    return subject, body


def _legal_office(session: Session, agency_ids: set[int]) -> dict[int, list[User]]:
    """Per agency: its legal office (法制机构), or its head where it has none."""
    people: dict[int, list[User]] = {}
    query = select(User).where(User.agency_id.in_(agency_ids), User.active).order_by(User.id)
    found = list(session.scalars(query).unique())
    for agency_id in agency_ids:
        own = [u for u in found if u.agency_id == agency_id]
        people[agency_id] = [u for u in own if set(LEGAL_OFFICE) & set(u.roles)] or [
            u for u in own if "agency_head" in u.roles
        ]
    return people


def alert_due(rt: Runtime, batch: int | None = None) -> int:
    """In January, make last year's rows for every 行政执法机关; then queue the alerts that are due: a
    warning from WARN_DAYS before 31 January, an overdue alert after it, each once. A row is not made
    after January (a system started in March does not alert about a table it never tracked; the rubric
    still reads that table as not submitted). Returns how many were queued."""
    batch = batch or rt.settings.sweep_batch
    queued = 0
    while True:
        with UnitOfWork(rt.sessions) as session:
            now, today = rt.clock.now(), rt.clock.today()
            year = today.year - 1
            if not queued and today <= due_date(year):  # opened in January, as a timer opens on its event
                agencies = session.scalars(select(Agency.id).where(Agency.kind == "enforcement"))
                _ensure(session, list(agencies), year)
            due_now = or_(
                and_(AnnualReport.warned_at.is_(None), AnnualReport.due <= today + timedelta(days=WARN_DAYS)),
                and_(AnnualReport.overdue_at.is_(None), AnnualReport.due < today),
            )
            rows = list(
                session.scalars(
                    select(AnnualReport)
                    .where(AnnualReport.submitted_at.is_(None), due_now)
                    .order_by(AnnualReport.id)
                    .limit(batch)
                    .with_for_update(skip_locked=True, of=AnnualReport)
                ).unique()
            )
            if not rows:
                session.commit()
                return queued
            office = _legal_office(session, {r.agency_id for r in rows})
            drafts = []
            for row in rows:
                kind = "overdue" if today > row.due else "warning"
                row.warned_at = row.warned_at or now
                if kind == "overdue":
                    row.overdue_at = now
                agency = session.get(Agency, row.agency_id)
                assert agency is not None
                subject, body = _text(agency, row, kind)
                data = {"kind": f"annual_report_{kind}", "agency_id": row.agency_id, "year": row.year, "due": row.due.isoformat()}
                drafts += [
                    outbox.Draft(f"annual_report:{row.agency_id}:{row.year}:{kind}", kind, who, subject, body, data)
                    for who in office[row.agency_id]
                ]
            queued += outbox.queue(rt, session, drafts, now)
            session.commit()
