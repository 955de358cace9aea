"""Deadline alerts: the sweep claims due warnings and overdue deadlines and queues their notifications.

Idempotent and safe to run in several processes at once: rows are claimed with
`SELECT … FOR UPDATE SKIP LOCKED` (PostgreSQL; SQLite serialises writers) and marked in the same
transaction that queues the notifications, whose key is unique. A process killed mid-sweep leaves its
transaction uncommitted, so its rows are claimed again by the next sweep. Delivery is services/delivery.py.
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session, lazyload

from ..core.errors import WorkflowError
from ..runtime import Runtime
from ..storage.db import UnitOfWork
from ..storage.models import Deadline, Instance, User
from . import annual_reports, certificates, outbox
from .delivery import DispatchResult, dispatch
from .moves import apply_event
from .timers import elapse

log = logging.getLogger(__name__)


class SweepResult(NamedTuple):
    warned: int
    overdue: int
    queued: int


def _text(kind: str, row: Deadline, case: Instance) -> tuple[str, str]:
    due = f"{row.due:%Y-%m-%d}" + ("（临时计算：该年度节假日安排未发布）" if row.provisional else "")
    if kind == "warning":
        subject = f"【期限提醒】{case.title}：{row.title}将于{row.due:%Y-%m-%d}到期"
        lead = "即将到期，请及时办理。"
    elif kind == "window_elapsed":
        subject = f"【期间届满】{case.title}：{row.title}已于{row.due:%Y-%m-%d}届满"
        lead = "当事人未在期间内提出，可以继续办理。"
    else:
        subject = f"【逾期警告】{case.title}：{row.title}已于{row.due:%Y-%m-%d}届满，尚未办结"
        lead = "已经逾期，请立即办理并说明原因。"
    body = (
        f"案件：{case.title}（编号 {case.id}）\n当事人：{case.party}\n期限：{row.title}（{row.rule}）\n"
        f"起算日：{row.start:%Y-%m-%d}\n到期日：{due}\n{lead}"
    )
    return subject, body


def _claim(session: Session, today: date, batch: int) -> list[Deadline]:
    """Up to `batch` deadlines to alert, overdue first. Each question is answered from its own partial
    index (an OR of the two would read the whole table); rows another process holds are skipped."""
    open_ = (Deadline.closed_at.is_(None), Deadline.status != "paused")
    questions = (
        select(Deadline)
        .where(*open_, Deadline.overdue_at.is_(None), Deadline.due < today)
        .order_by(Deadline.due, Deadline.id),
        select(Deadline)
        .where(*open_, Deadline.warned_at.is_(None), Deadline.warning <= today, Deadline.due >= today)
        .order_by(Deadline.warning, Deadline.id),
    )
    rows: list[Deadline] = []
    for query in questions:
        if len(rows) < batch:
            query = query.options(lazyload(Deadline.responsible)).limit(batch - len(rows))
            rows += session.scalars(query.with_for_update(skip_locked=True, of=Deadline)).all()
    return rows


class _People:
    """The users a batch of deadlines alerts, read in two queries instead of two per deadline."""

    def __init__(self, session: Session, rows: list[Deadline]) -> None:
        ids = {r.responsible_id for r in rows if r.responsible_id is not None}
        agencies = {r.agency_id for r in rows if r.escalate_to}
        found = select(User).where(User.id.in_(ids)) if ids else None
        self.by_id = {u.id: u for u in session.scalars(found).unique()} if found is not None else {}
        self.by_agency: dict[int, list[User]] = {}
        if agencies:
            query = select(User).where(User.agency_id.in_(agencies), User.active).order_by(User.id)
            for u in session.scalars(query).unique():
                self.by_agency.setdefault(u.agency_id, []).append(u)

    def for_(self, row: Deadline, roles: list[str]) -> list[User]:
        """The responsible officer, then everyone of the agency holding one of `roles`."""
        people: dict[int, User] = {}
        if row.responsible_id in self.by_id:
            people[row.responsible_id] = self.by_id[row.responsible_id]
        for u in self.by_agency.get(row.agency_id, []) if roles else []:
            if set(roles) & set(u.roles):
                people.setdefault(u.id, u)
        return list(people.values())


def _mark(row: Deadline, today: date, now: datetime) -> tuple[str, list[str]]:
    """Record on the row what is being alerted; returns the kind of alert and the roles to escalate to."""
    if row.kind == "window" and today > row.due:
        row.overdue_at = now
        elapse(row, now)  # the party's period ran out: nobody is late; the officer may carry on
        return "window_elapsed", []
    if today > row.due:
        row.overdue_at, row.status = now, "missed"
        row.warned_at = row.warned_at or now  # an overdue alert makes a late warning pointless
        return "overdue", list(row.escalate_to)
    row.warned_at = now
    return "warning", []


def _sweep_batch(
    rt: Runtime, session: Session, rows: list[Deadline], today: date, now: datetime
) -> SweepResult:
    cases = {
        c.id: c
        for c in session.scalars(
            select(Instance).where(Instance.id.in_({r.instance_id for r in rows}))
        ).unique()
    }
    people = _People(session, rows)
    drafts: list[outbox.Draft] = []
    kinds: list[str] = []
    for row in rows:
        case = cases[row.instance_id]
        kind, roles = _mark(row, today, now)
        kinds.append(kind)
        subject, body = _text(kind, row, case)
        data = {
            "case_id": case.id,
            "deadline_id": row.id,
            "kind": kind,
            "due": row.due.isoformat(),
            "timer": row.timer,
            "provisional": row.provisional,
        }
        drafts += [
            outbox.Draft(f"deadline:{row.id}:{kind}", kind, person, subject, body, data, case.id, row.id)
            for person in people.for_(row, roles)
        ]
    queued = outbox.queue(rt, session, drafts, now)
    for row, kind in zip(rows, kinds, strict=True):
        if kind != "warning":
            _expire(rt, session, cases[row.instance_id], row)
    return SweepResult(kinds.count("warning"), kinds.count("overdue"), queued)


def _expire(rt: Runtime, session: Session, case: Instance, row: Deadline) -> None:
    """A period that ran out and names an event (`on_expiry`, e.g. 视为受理): the engine fires it on the
    case, in the sweep's transaction. A case that has moved on where the event no longer applies is left
    as it is."""
    spec = rt.workflow(case.workflow).definition.timers.get(row.timer)
    if spec is None or spec.on_expiry is None:
        return
    session.refresh(case, with_for_update={"of": Instance})  # the case's row lock, as any transition takes
    try:
        with session.begin_nested():
            apply_event(rt, session, case, spec.on_expiry, None, {}, by_engine=True)
    except WorkflowError as exc:
        log.info("case %s: %s not fired when %s ran out: %s", case.id, spec.on_expiry, row.timer, exc.message)


def sweep(rt: Runtime, batch: int | None = None) -> SweepResult:
    """Queue every warning and overdue alert that is due now, a batch per transaction; returns the counts."""
    batch = batch or rt.settings.sweep_batch
    total = SweepResult(0, 0, 0)
    while True:
        with UnitOfWork(rt.sessions) as session:
            now, today = rt.clock.now(), rt.clock.today()
            rows = _claim(session, today, batch)
            if not rows:
                return total
            done = _sweep_batch(rt, session, rows, today, now)
            session.commit()
        total = SweepResult(*(a + b for a, b in zip(total, done, strict=True)))


def tick(rt: Runtime) -> tuple[SweepResult, DispatchResult]:
    """One scheduler tick: sweep (deadlines, then 执法证 about to expire, then 统计年报 due), then deliver. Errors are
    logged; the next tick tries again."""
    try:
        swept = sweep(rt)
    except Exception:
        log.exception("deadline sweep failed")
        swept = SweepResult(0, 0, 0)
    try:
        certificates.alert_expiring(rt)
    except Exception:
        log.exception("certificate expiry sweep failed")
    try:
        annual_reports.alert_due(rt)
    except Exception:
        log.exception("annual report deadline sweep failed")
    try:
        sent = dispatch(rt)
    except Exception:
        log.exception("notification dispatch failed")
        sent = DispatchResult(0, 0, 0)
    return swept, sent
