"""The supervisor's annual reads (issue 14): the 统计年报 of an agency and year, and the rubric computed.

Who may read: `annual_reports.readable_agency` (a supervisor what their level covers, an agency's legal
office and head their own; another city's agency reads as missing).
"""

from __future__ import annotations

from ..runtime import Runtime
from ..storage.db import UnitOfWork
from . import annual_statistics, rubric
from .actors import load_user
from .annual_reports import SubmissionPublic, readable_agency, submission_of


class AnnualReportPublic(annual_statistics.AnnualStatistics):
    submission: SubmissionPublic  # where the table stands at the 司法局 (31 January of the next year)


def annual_report(rt: Runtime, actor_id: int, agency_id: int, year: int) -> AnnualReportPublic:
    with UnitOfWork(rt.sessions) as session:
        agency = readable_agency(session, load_user(session, actor_id), agency_id)
        figures = annual_statistics.compute(rt, session, agency, year)
        return AnnualReportPublic(**figures.model_dump(), submission=submission_of(rt, session, agency, year))


def rubric_of(rt: Runtime, actor_id: int, agency_id: int, year: int) -> rubric.Rubric:
    with UnitOfWork(rt.sessions) as session:
        agency = readable_agency(session, load_user(session, actor_id), agency_id)
        return rubric.compute(rt, session, agency, year)
