"""The province's rubric (seed 000, 豫法政办〔2018〕15号 创建标准), the items the system can see, computed for
one agency and year.

The rubric is a list of item functions. Each takes the year's `Evidence` and returns an `Item`: its key,
Chinese title, maximum points, deduction (never more than the maximum: 扣完为止), the findings behind it
(each with its case or officer ids and its own points) and a sentence a person reads. Adding an item is
adding one function to ITEMS (the two 案卷评查 items come from services/evaluations.py).

How each item is judged from the data is written in docs/statistics.md.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..runtime import Runtime
from ..schemas import Named
from ..storage.models import Agency, AuditEvent, Instance, User
from . import annual_statistics as stats
from . import audit_trail, evaluations
from .annual_reports import SubmissionPublic, submission_of

SAMPLE_SIZE = 5  # 随机抽取5份行政处罚决定书 / 5人 (seed 000)


class Finding(BaseModel):
    """One fact behind a deduction: what, how many points, and the cases or officers it is about."""

    text: str
    points: int
    case_ids: list[int] = []
    officer_ids: list[int] = []


class Item(BaseModel):
    key: str
    title: str
    max_points: int
    deduction: int  # at most max_points, except a 0分案卷 (扣100分, seed 000)
    score: int  # max_points - deduction
    detail: str
    findings: list[Finding] = []


class SampleOfficer(BaseModel):
    id: int
    name: str
    certificate_no: str | None
    active_in_year: bool


class SampleDecision(BaseModel):
    id: int
    title: str
    decision_no: str | None
    decision_date: str | None
    closed_on: str | None


class Sample(BaseModel):
    """The inspection sample, drawn reproducibly: random.Random(f"{year}:{agency_id}") over the ids sorted."""

    seed: str
    decisions: list[SampleDecision]
    officers: list[SampleOfficer]


class Rubric(BaseModel):
    year: int
    agency: Named
    items: list[Item]
    max_points: int
    deduction: int
    review_rate: float | None  # 法制审核率
    disclosure_rate: float | None  # 公示率
    statistics: stats.AnnualStatistics
    submission: SubmissionPublic
    sample: Sample


@dataclass
class Evidence:
    """What the items read: the year's figures, cases and sample, loaded once."""

    rt: Runtime
    session: Session
    agency: Agency
    year: int
    today: date
    figures: stats.AnnualStatistics
    cases: stats.Cases
    submission: SubmissionPublic
    sample: Sample


def _item(key: str, title: str, max_points: int, findings: list[Finding], detail: str) -> Item:
    deduction = min(max_points, sum(f.points for f in findings))
    return Item(
        key=key,
        title=title,
        max_points=max_points,
        deduction=deduction,
        score=max_points - deduction,
        detail=detail,
        findings=findings,
    )


def major_penalty_filing(e: Evidence) -> Item:
    """重大行政处罚备案 (6分): 应备案未备案的，发现1起扣6分；超期备案的，发现1起扣2分. Every major penalty of the
    year is checked (the system sees them all; the inspector's five are marked in the sample)."""
    f = e.figures.filings
    parents = {c.id: c.parent_id for c in stats.filings_of(e.cases, e.year)}

    def cases(filing_id: int) -> list[int]:  # the penalty case, then its filing
        return [p for p in (parents.get(filing_id), filing_id) if p is not None]

    findings = [
        Finding(text=f"重大行政处罚应备案未备案（备案案件 {i}）", points=6, case_ids=cases(i)) for i in f.missing_ids
    ] + [Finding(text=f"重大行政处罚超期备案（备案案件 {i}）", points=2, case_ids=cases(i)) for i in f.late_ids]
    detail = f"本年度重大行政处罚 {f.total} 件：按时备案 {f.on_time}，超期备案 {f.late}，应备案未备案 {f.missing}，尚在期限内 {f.pending}。"
    return _item("major_penalty_filing", "重大行政处罚备案审查制度", 6, findings, detail)


def statistics_report(e: Evidence) -> Item:
    """行政执法情况统计报告 (2分): 未报送本年度统计表的扣2分；未按时报送的扣1分."""
    s = e.submission
    findings = []
    if s.state == "overdue":
        findings.append(Finding(text=f"{e.year}年度统计年报逾期未报送（期限 {s.due:%Y-%m-%d}）", points=2))
    elif s.state == "late":
        findings.append(Finding(text=f"{e.year}年度统计年报未按时报送（{s.submitted_at}报送，期限 {s.due:%Y-%m-%d}）", points=1))
    detail = f"{e.year}年度统计年报：{s.state_title}（期限 {s.due:%Y-%m-%d}）。"
    return _item("statistics_report", "行政执法情况统计报告制度", 2, findings, detail)


def officers_active(e: Evidence) -> Item:
    """依法履职 (2分): 随机抽取5名持证人员，发现有一人本年度未参与行政执法的，扣1分."""
    idle = [o for o in e.sample.officers if not o.active_in_year]
    findings = [
        Finding(text=f"抽查的持证人员{o.name}（{o.certificate_no}）本年度未参与行政执法", points=1, officer_ids=[o.id])
        for o in idle
    ]
    detail = f"抽查持证人员 {len(e.sample.officers)} 人，本年度未参与行政执法 {len(idle)} 人。"
    return _item("officers_active", "行政执法人员依法履职", 2, findings, detail)


def _broken_chains(e: Evidence) -> list[int]:
    """The agency's cases with events in the year whose audit chain does not verify."""
    start, end = stats.year_bounds(e.rt, e.year)
    ids = list(
        e.session.scalars(
            select(AuditEvent.instance_id)
            .join(Instance, Instance.id == AuditEvent.instance_id)
            .where(Instance.agency_id == e.agency.id, AuditEvent.at >= start, AuditEvent.at < end)
            .distinct()
        )
    )
    return sorted({b.instance_id for b in audit_trail.find_breaks(e.session, ids)}) if ids else []


def three_systems(e: Evidence) -> Item:
    """三项制度 (9分): “三项制度”中有一项制度没有落实的，扣3分. Not running, from the data: 公示 — a decision of
    the year whose disclosure is past due and not published; 全过程记录 — a case whose audit chain does not
    verify; 法制审核 — a decision of the year that needed legal review and was taken without it."""
    findings = []
    d = e.figures.disclosures
    if d.missing_ids:
        findings.append(
            Finding(text=f"行政执法公示制度未落实：{len(d.missing_ids)} 件决定逾期未公示", points=3, case_ids=d.missing_ids)
        )
    broken = _broken_chains(e)
    if broken:
        findings.append(
            Finding(text=f"执法全过程记录制度未落实：{len(broken)} 件案件的记录链校验不通过", points=3, case_ids=broken)
        )
    r = e.figures.reviews
    if r.required > r.reviewed:
        unreviewed = [
            c.id
            for c in stats.decided_in(e.cases, e.year)
            if c.id in {f.parent_id for f in e.cases.of(stats.FILING)} and "review_passed" not in c.events
        ]
        findings.append(
            Finding(text=f"重大执法决定法制审核制度未落实：{len(unreviewed)} 件决定未经法制审核", points=3, case_ids=unreviewed)
        )
    detail = (
        f"公示率 {_percent(d.rate)}，法制审核率 {_percent(r.rate)}；"
        f"{3 - len(findings)} 项制度运行正常，{len(findings)} 项未落实。"
    )
    return _item("three_systems", "推行“三项制度”（公示、全过程记录、法制审核）", 9, findings, detail)


def _percent(rate: float | None) -> str:
    return "—（无应计事项）" if rate is None else f"{rate:.1%}"


def _evaluation(key: str) -> Callable[[Evidence], Item]:
    """One of the items services/evaluations.py judges from the year's 案卷评查, as a rubric item."""

    def item(e: Evidence) -> Item:
        [d] = [d for d in evaluations.evaluation_rubric_items(e.session, e.agency.id, e.year) if d["key"] == key]
        findings = [Finding(text=d["detail"], points=d["deduction"], case_ids=d["cases"])] if d["deduction"] else []
        return Item(
            key=key,
            title=d["title"],
            max_points=d["max_points"],
            deduction=d["deduction"],  # 扣100分 for a 0分案卷 goes past the item's own points, as seed 000 says
            score=max(0, d["max_points"] - d["deduction"]),
            detail=d["detail"],
            findings=findings,
        )

    item.__name__ = key
    return item


ITEMS: list[Callable[[Evidence], Item]] = [
    major_penalty_filing,
    statistics_report,
    officers_active,
    three_systems,
    _evaluation("case_file_zero_score"),
    _evaluation("case_file_evaluation_yearly"),
]


def _active_officers(e_rt: Runtime, session: Session, agency_id: int, year: int, ids: list[int]) -> set[int]:
    """Officers who took part in enforcement in the year: fired an event on one of the agency's cases, or
    were named as an investigator or acting officer (立案、告知) on a case whose step is dated in the year."""
    start, end = stats.year_bounds(e_rt, year)
    acted: set[int] = set()
    acted |= set(
        session.scalars(
            select(AuditEvent.actor_id)
            .join(Instance, Instance.id == AuditEvent.instance_id)
            .where(Instance.agency_id == agency_id, AuditEvent.actor_id.in_(ids), AuditEvent.actor_id.is_not(None))
            .where(AuditEvent.at >= start, AuditEvent.at < end)
            .distinct()
        )
    )
    named = select(Instance).where(Instance.agency_id == agency_id, Instance.workflow == stats.PENALTY)
    for c in session.scalars(named).unique():
        for event, field in (("propose_register", "investigators"), ("notify", "officers")):
            record = c.events.get(event, {})
            if str(record.get("on", "")).startswith(str(year)):
                acted |= {i for i in record.get(field) or [] if i in ids}
    return acted


def draw(year: int, agency_id: int, ids: list[int]) -> list[int]:
    """SAMPLE_SIZE of the ids (all of them when fewer), the same every time for the year and agency."""
    ordered = sorted(ids)
    chosen = random.Random(f"{year}:{agency_id}").sample(ordered, min(SAMPLE_SIZE, len(ordered)))
    return sorted(chosen)


def _sample(rt: Runtime, session: Session, agency: Agency, year: int, cases: stats.Cases) -> Sample:
    closed = [c for c in cases.of(stats.PENALTY) if str(c.events.get("close", {}).get("on", "")).startswith(str(year))]
    closed_by_id = {c.id: c for c in closed}
    holders = stats.certificate_holders(session, agency.id, stats.period_end(rt, year))
    officer_ids = draw(year, agency.id, holders)
    active = _active_officers(rt, session, agency.id, year, officer_ids)
    officers = {u.id: u for u in session.scalars(select(User).where(User.id.in_(officer_ids))).unique()}
    return Sample(
        seed=f"{year}:{agency.id}",
        decisions=[
            SampleDecision(
                id=i,
                title=closed_by_id[i].title,
                decision_no=closed_by_id[i].data.get("decision_no"),
                decision_date=closed_by_id[i].events.get("decide_penalty", {}).get("decision_date")
                or closed_by_id[i].events.get("decide_no_penalty", {}).get("decision_date"),
                closed_on=closed_by_id[i].events.get("close", {}).get("on"),
            )
            for i in draw(year, agency.id, list(closed_by_id))
        ],
        officers=[
            SampleOfficer(
                id=i, name=officers[i].name, certificate_no=officers[i].certificate_no, active_in_year=i in active
            )
            for i in officer_ids
        ],
    )


def compute(rt: Runtime, session: Session, agency: Agency, year: int) -> Rubric:
    """The rubric for one agency and year (the caller has checked who may read it)."""
    cases = stats.load_cases(rt, session, agency.id, year)
    figures = stats.compute(rt, session, agency, year)
    evidence = Evidence(
        rt=rt,
        session=session,
        agency=agency,
        year=year,
        today=rt.clock.today(),
        figures=figures,
        cases=cases,
        submission=submission_of(rt, session, agency, year),
        sample=_sample(rt, session, agency, year, cases),
    )
    items = [item(evidence) for item in ITEMS]
    return Rubric(
        year=year,
        agency=Named(id=agency.id, name=agency.name),
        items=items,
        max_points=sum(i.max_points for i in items),
        deduction=sum(i.deduction for i in items),
        review_rate=figures.reviews.rate,
        disclosure_rate=figures.disclosures.rate,
        statistics=figures,
        submission=evidence.submission,
        sample=evidence.sample,
    )
