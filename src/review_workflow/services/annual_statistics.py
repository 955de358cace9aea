"""统计年报: an agency's enforcement figures for one calendar year, counted from its cases.

Each rule is written article by article in docs/statistics.md. In short: a decision counts in the year its
decision date (a calendar date the officer records, on the local calendar) falls in; one decision is one
宗, filed under its heaviest penalty type; a filing or a disclosure counts in the year of the decision it
is about, and is on time, late, missing or still within its period as its deadline row says.

Reads only. Who may read is `report_scope.readable` (supervisors what their level covers; an agency's legal
office and head their own).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from pydantic import BaseModel
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ..runtime import Runtime
from ..schemas import Named
from ..storage.models import Agency, Deadline, Instance, User
from .agencies import certified_on

PENALTY = "penalty_case"
FILING = "major_penalty_filing"
DISCLOSURE = "enforcement_disclosure"
REVIEW = "major_decision_review"

# 行政处罚法第九条 types, light → heavy: a decision counts once, under its heaviest type (the 大同 order of
# supervision-formats.md §2 Table 2, rule 2; 没收违法所得 and 没收非法财物 share one column, as in the tables).
HEAVINESS = (
    "警告",
    "通报批评",
    "罚款",
    "没收违法所得、没收非法财物",
    "暂扣许可证件",
    "降低资质等级",
    "限制开展生产经营活动",
    "责令停产停业",
    "责令关闭、限制从业",
    "吊销许可证件",
    "行政拘留",
    "其他行政处罚",
)
_COLUMN = {
    "没收违法所得": "没收违法所得、没收非法财物",
    "没收非法财物": "没收违法所得、没收非法财物",
    "责令关闭": "责令关闭、限制从业",
    "限制从业": "责令关闭、限制从业",
}


class TypeCount(BaseModel):
    type: str
    count: int


class PenaltyFigures(BaseModel):
    decisions: int  # 行政处罚决定 (宗) whose decision date falls in the year
    by_type: list[TypeCount]  # each decision under its heaviest type, in HEAVINESS order
    fines: float  # 罚款 (元) of those decisions
    confiscations: float  # 没收违法所得 + 没收非法财物价值 (元), where stated
    no_penalty: int  # 不予行政处罚决定
    major: int  # 重大行政处罚 (those that started a filing)
    case_ids: list[int]


class ReviewFigures(BaseModel):
    concluded: int  # 法制审核 cases concluded in the year (审核通过 or 集体讨论决定)
    returned: int  # of the year's reviews, those returned at least once (纠错)
    required: int  # penalty decisions of the year that needed legal review
    reviewed: int  # of those, reviewed and passed before the decision
    rate: float | None  # 法制审核率 = reviewed / required


class PeriodFigures(BaseModel):
    """Filings or disclosures of the year's decisions, by how their deadline stands."""

    total: int
    on_time: int
    late: int
    missing: int  # past due and not done
    pending: int  # still within the period
    withdrawn: int = 0  # disclosures published and later withdrawn (also counted on time or late)
    rate: float | None  # (on_time + late) / (total - pending): 公示率 for disclosures
    on_time_ids: list[int] = []
    late_ids: list[int] = []
    missing_ids: list[int] = []


class OfficerFigures(BaseModel):
    active: int  # active people of the agency
    certified: int  # holding a valid 执法证 on 31 December (or today, for the running year)
    rate: float | None  # 持证率
    certified_ids: list[int]


class AnnualStatistics(BaseModel):
    year: int
    agency: Named
    period_end: date  # the day the figures are counted to: 31 December, or today in the running year
    licences: int  # 行政许可 decisions, as recorded (disclosures of category 行政许可)
    enforcement_measures: int  # 行政强制, as recorded (disclosures of category 行政强制)
    penalties: PenaltyFigures
    reviews: ReviewFigures
    filings: PeriodFigures
    disclosures: PeriodFigures
    hearings: int  # 听证 held in the year
    officers: OfficerFigures


def year_bounds(rt: Runtime, year: int) -> tuple[datetime, datetime]:
    """The year's first and last instant on the local calendar (Asia/Shanghai), as aware datetimes."""
    tz = rt.clock.tz
    return datetime.combine(date(year, 1, 1), time(), tz), datetime.combine(date(year + 1, 1, 1), time(), tz)


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _in(year: int, value: Any) -> bool:
    day = _day(value)
    return day is not None and day.year == year


def _amount(value: Any) -> float:
    return float(value) if isinstance(value, int | float) else 0.0


def heaviest(types: Iterable[str]) -> str:
    """The column a decision counts under: its heaviest type; 其他 only when nothing defined is given."""
    columns = [_COLUMN.get(t, t) for t in types]
    defined = [c for c in columns if c in HEAVINESS and c != "其他行政处罚"]
    if not defined:
        return "其他行政处罚"
    return max(defined, key=HEAVINESS.index)


@dataclass
class Cases:
    """The agency's cases that may hold something of the year, read once and grouped by workflow."""

    by_workflow: dict[str, list[Instance]]
    deadlines: dict[int, Deadline]  # case id → its main period (filing or disclosure), the latest row

    def of(self, workflow: str) -> list[Instance]:
        return self.by_workflow.get(workflow, [])


MAIN_TIMER = {FILING: "filing_period", DISCLOSURE: "disclosure_period"}


def load_cases(rt: Runtime, session: Session, agency_id: int, year: int) -> Cases:
    _, end = year_bounds(rt, year)
    rows = session.scalars(
        select(Instance)
        .where(Instance.agency_id == agency_id, Instance.created_at < end)
        .where(Instance.workflow.in_((PENALTY, FILING, DISCLOSURE, REVIEW)))
        .order_by(Instance.id)
    ).unique()
    grouped: dict[str, list[Instance]] = {}
    for inst in rows:
        grouped.setdefault(inst.workflow, []).append(inst)
    ids = [c.id for w in (FILING, DISCLOSURE) for c in grouped.get(w, [])]
    deadlines: dict[int, Deadline] = {}
    if ids:
        timers = or_(*(Deadline.timer == t for t in MAIN_TIMER.values()))
        for row in session.scalars(
            select(Deadline).where(Deadline.instance_id.in_(ids), timers).order_by(Deadline.id)
        ).unique():
            deadlines[row.instance_id] = row  # the latest period of the case
    return Cases(grouped, deadlines)


def decided_in(cases: Cases, year: int) -> list[Instance]:
    """Penalty cases whose 行政处罚决定 is dated in the year."""
    return [c for c in cases.of(PENALTY) if _in(year, c.events.get("decide_penalty", {}).get("decision_date"))]


def _penalties(cases: Cases, year: int) -> PenaltyFigures:
    decided = decided_in(cases, year)
    major_parents = {c.parent_id for c in cases.of(FILING)}
    tally = dict.fromkeys(HEAVINESS, 0)
    fines = confiscations = 0.0
    for c in decided:
        proposal = c.events.get("propose_decision", {})
        tally[heaviest(proposal.get("penalty_types") or [])] += 1
        fines += _amount(proposal.get("fine_amount"))
        confiscations += _amount(proposal.get("illegal_gains")) + _amount(proposal.get("illegal_property_value"))
    no_penalty = [c for c in cases.of(PENALTY) if _in(year, c.events.get("decide_no_penalty", {}).get("decision_date"))]
    return PenaltyFigures(
        decisions=len(decided),
        by_type=[TypeCount(type=t, count=n) for t, n in tally.items()],
        fines=round(fines, 2),
        confiscations=round(confiscations, 2),
        no_penalty=len(no_penalty),
        major=sum(1 for c in decided if c.id in major_parents),
        case_ids=[c.id for c in decided],
    )


def _reviews(cases: Cases, year: int) -> ReviewFigures:
    concluded = [
        r
        for r in cases.of(REVIEW)
        if _in(year, r.events.get("approve", {}).get("on")) or _in(year, r.events.get("decide", {}).get("on"))
    ]
    major_parents = {c.parent_id for c in cases.of(FILING)}
    decided = decided_in(cases, year)
    required = [c for c in decided if c.id in major_parents or "review_passed" in c.events]
    reviewed = [c for c in required if "review_passed" in c.events]
    return ReviewFigures(
        concluded=len(concluded),
        returned=sum(1 for r in concluded if "return" in r.events),
        required=len(required),
        reviewed=len(reviewed),
        rate=len(reviewed) / len(required) if required else None,
    )


def classify(cases: Cases, children: list[Instance], today: date) -> PeriodFigures:
    """Filings or disclosures by their period: met, closed late, past due and open, or still running.
    A period cancelled (a filing withdrawn, a disclosure withheld by law or its decision revoked before
    publication) is not counted."""
    buckets: dict[str, list[int]] = {"on_time": [], "late": [], "missing": [], "pending": []}
    withdrawn = 0
    for c in children:
        row = cases.deadlines.get(c.id)
        if row is None or row.status == "cancelled":
            continue
        if row.closed_at is not None:
            buckets["late" if row.closed_late else "on_time"].append(c.id)
        elif row.due < today:
            buckets["missing"].append(c.id)
        else:
            buckets["pending"].append(c.id)
        withdrawn += c.state == "withdrawn"
    done = len(buckets["on_time"]) + len(buckets["late"])
    judged = done + len(buckets["missing"])
    return PeriodFigures(
        total=judged + len(buckets["pending"]),
        on_time=len(buckets["on_time"]),
        late=len(buckets["late"]),
        missing=len(buckets["missing"]),
        pending=len(buckets["pending"]),
        withdrawn=withdrawn,
        rate=done / judged if judged else None,
        on_time_ids=buckets["on_time"],
        late_ids=buckets["late"],
        missing_ids=buckets["missing"],
    )


def filings_of(cases: Cases, year: int) -> list[Instance]:
    return [c for c in cases.of(FILING) if _in(year, c.data.get("decision_date"))]


def disclosures_of(cases: Cases, year: int, category: str | None = None) -> list[Instance]:
    return [
        c
        for c in cases.of(DISCLOSURE)
        if _in(year, c.data.get("decision_date")) and (category is None or c.data.get("category") == category)
    ]


def period_end(rt: Runtime, year: int) -> date:
    """31 December of the year, or today while the year runs."""
    return min(date(year, 12, 31), rt.clock.today())


def certificate_holders(session: Session, agency_id: int, day: date) -> list[int]:
    """The agency's active officers holding a valid 执法证 on `day`, by id."""
    query = select(User.id).where(User.agency_id == agency_id, User.active, certified_on(day))
    return list(session.scalars(query.order_by(User.id)))


def _officers(session: Session, agency_id: int, day: date) -> OfficerFigures:
    active = session.scalar(select(func.count()).where(User.agency_id == agency_id, User.active)) or 0
    holders = certificate_holders(session, agency_id, day)
    return OfficerFigures(
        active=active, certified=len(holders), rate=len(holders) / active if active else None, certified_ids=holders
    )


def compute(rt: Runtime, session: Session, agency: Agency, year: int) -> AnnualStatistics:
    """The year's figures for one agency (the caller has checked who may read them)."""
    cases = load_cases(rt, session, agency.id, year)
    today = rt.clock.today()
    hearings = [c for c in cases.of(PENALTY) if _in(year, c.events.get("hold_hearing", {}).get("held_on"))]
    return AnnualStatistics(
        year=year,
        agency=Named(id=agency.id, name=agency.name),
        period_end=period_end(rt, year),
        licences=len(disclosures_of(cases, year, "行政许可")),
        enforcement_measures=len(disclosures_of(cases, year, "行政强制")),
        penalties=_penalties(cases, year),
        reviews=_reviews(cases, year),
        filings=classify(cases, filings_of(cases, year), today),
        disclosures=classify(cases, disclosures_of(cases, year), today),
        hearings=len(hearings),
        officers=_officers(session, agency.id, period_end(rt, year)),
    )
