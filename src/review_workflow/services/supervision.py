"""The supervisor's annual reads (issue 14): the 统计年报 of an agency and year, and the rubric computed.

Who may read: `annual_reports.readable_agency` (a supervisor what their level covers, an agency's legal
office and head their own; another city's agency reads as missing).
"""

from __future__ import annotations

from sqlalchemy import select

from ..runtime import Runtime
from ..schemas import Named
from ..storage.db import UnitOfWork
from ..storage.models import Agency
from . import annual_statistics, rubric
from .actors import load_user
from .annual_reports import LEGAL_OFFICE, READERS, SubmissionPublic, readable_agency, submission_of
from .scope import agencies_clause, supervises


class AnnualReportPublic(annual_statistics.AnnualStatistics):
    submission: SubmissionPublic  # where the table stands at the 司法局 (31 January of the next year)


def annual_report(rt: Runtime, actor_id: int, agency_id: int, year: int) -> AnnualReportPublic:
    with UnitOfWork(rt.reads) as session:
        agency = readable_agency(session, load_user(session, actor_id), agency_id)
        figures = annual_statistics.compute(rt, session, agency, year)
        return AnnualReportPublic(**figures.model_dump(), submission=submission_of(rt, session, agency, year))


def rubric_of(rt: Runtime, actor_id: int, agency_id: int, year: int) -> rubric.Rubric:
    with UnitOfWork(rt.reads) as session:
        agency = readable_agency(session, load_user(session, actor_id), agency_id)
        return rubric.compute(rt, session, agency, year)


def report_agencies(rt: Runtime, actor_id: int) -> list[Named]:
    """The 行政执法机关 whose reports the user may read, for a picker: a supervisor's or administrator's
    covered agencies, or the user's own."""
    with UnitOfWork(rt.reads) as session:
        user = load_user(session, actor_id)
        if not READERS & set(user.roles):
            return []
        query = select(Agency).where(Agency.kind == "enforcement").order_by(Agency.id)
        if supervises(user) or "admin" in user.roles:
            query = query.where(agencies_clause(user, Agency.id))
        else:
            query = query.where(Agency.id == user.agency_id)
        return [Named(id=a.id, name=a.name) for a in session.scalars(query)]


def may_submit(rt: Runtime, actor_id: int, agency_id: int) -> bool:
    """Whether the user is of the agency's legal office (法制机构), who submits its table."""
    with UnitOfWork(rt.reads) as session:
        user = load_user(session, actor_id)
        return user.agency_id == agency_id and bool(set(LEGAL_OFFICE) & set(user.roles))


def load_own_agency(rt: Runtime, actor_id: int) -> int:
    with UnitOfWork(rt.reads) as session:
        return load_user(session, actor_id).agency_id
