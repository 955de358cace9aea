"""案卷评查 (case-file evaluation): the 司法局 draws an agency's closed penalty files of a year at random,
one evaluation case per file (一卷一表, workflows/case_file_evaluation.yaml); the results and what the
province's rubric deducts for them (seed 000).

The draw is reproducible: the agency's files closed that year (行政处罚一般程序, state 已结案, the day of
批准结案 in the year), sorted by id, are shuffled by `random.Random("<year>:<agency id>")`; a draw of N takes
the first N of that order. Drawing again starts nothing twice (`evaluation_draws` is unique per year,
agency and file): a larger N adds the next files of the same order.
"""

from __future__ import annotations

import random
from typing import Any

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..core import payloads, records
from ..core.errors import InvalidInput, NotFound, NotPermitted, StaleVersion
from ..core.payloads import YEAR_MAX, YEAR_MIN
from ..runtime import Runtime
from ..storage.db import UnitOfWork
from ..storage.models import Agency, EvaluationDraw, Instance, User
from . import case_refs
from .actors import load_user
from .moves import create_instance
from .scope import covers, supervises

WORKFLOW = "case_file_evaluation"
EVALUATED = "penalty_case"  # 普通程序 penalty files (the 2022 standard applies to them only)
EVALUATED_END = ("closed", "close")  # the final state of a closed file, and the event that closed it
MAX_DRAW = 50
CANCELLED = "cancelled"


class DrawnFile(BaseModel):
    position: int
    case_id: int
    evaluation_id: int
    title: str
    new: bool  # started by this draw (False: drawn before)


class DrawResult(BaseModel):
    year: int
    agency_id: int
    pool: int  # files closed that year
    drawn: list[DrawnFile]


class EvaluationResult(BaseModel):
    evaluation_id: int
    evaluated_case_id: int
    title: str
    score: float | None  # None until scored
    zero_score: bool
    state: str
    state_title: str


def seeded_order(case_ids: list[int], year: int, agency_id: int) -> list[int]:
    """The year's order of the agency's files: the same ids always come out in the same order."""
    order = sorted(case_ids)
    random.Random(f"{year}:{agency_id}").shuffle(order)
    return order


def _pool(session: Session, agency_id: int, year: int) -> list[Instance]:
    """The agency's penalty files closed in `year` (the day 批准结案 was recorded)."""
    state, event = EVALUATED_END
    rows = session.scalars(
        select(Instance).where(
            Instance.workflow == EVALUATED, Instance.agency_id == agency_id, Instance.state == state
        )
    ).unique()
    return [r for r in rows if (on := records.happened_on(r.events, event)) is not None and on.year == year]


def _check_year(year: int) -> None:
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise InvalidInput(f"评查年度（year）应在 {YEAR_MIN} 至 {YEAR_MAX} 之间")


def _check_draw(session: Session, user: User, year: int, agency_id: int, count: int) -> Agency:
    if not supervises(user):
        raise NotPermitted("只有执法监督人员（司法局）可以抽取案卷")
    _check_year(year)
    if not 1 <= count <= MAX_DRAW:
        raise InvalidInput(f"抽取数量（count）应在 1 至 {MAX_DRAW} 之间")
    agency = session.get(Agency, agency_id)
    if agency is None or not covers(session, user, agency_id):
        raise NotFound(f"机关 {agency_id} 不存在或不在本机关的监督范围内")
    return agency


def draw(rt: Runtime, actor_id: int, year: int, agency_id: int, count: int) -> DrawResult:
    """Draw `count` files of the agency's year and start one evaluation case per file not drawn before."""
    wf = rt.workflow(WORKFLOW)
    with UnitOfWork(rt.sessions) as session:
        user = load_user(session, actor_id)
        _check_draw(session, user, year, agency_id, count)
        pool = {c.id: c for c in _pool(session, agency_id, year)}
        before = {
            d.case_id: d
            for d in session.scalars(
                select(EvaluationDraw).where(
                    EvaluationDraw.year == year, EvaluationDraw.agency_id == agency_id
                )
            )
        }
        try:
            drawn = _draw_files(rt, session, wf, user, pool, before, year, agency_id, count)
            session.commit()
        except IntegrityError as exc:  # another draw of the same files got there first
            raise StaleVersion("同一批案卷正被他人抽取，请刷新后重试") from exc
        return DrawResult(year=year, agency_id=agency_id, pool=len(pool), drawn=drawn)


def _draw_files(
    rt: Runtime,
    session: Session,
    wf: Any,
    user: User,
    pool: dict[int, Instance],
    before: dict[int, EvaluationDraw],
    year: int,
    agency_id: int,
    count: int,
) -> list[DrawnFile]:
    """The first `count` files of the year's order, each with its evaluation (started if new)."""
    drawn = []
    for position, case_id in enumerate(seeded_order(list(pool), year, agency_id)[:count], start=1):
        done = before.get(case_id) or _start(rt, session, wf, user, pool[case_id], year, position)
        drawn.append(
            DrawnFile(
                position=position,
                case_id=case_id,
                evaluation_id=done.evaluation_id,
                title=pool[case_id].title,
                new=case_id not in before,
            )
        )
    return drawn


def _start(
    rt: Runtime, session: Session, wf: Any, user: User, case: Instance, year: int, position: int
) -> EvaluationDraw:
    d = wf.definition
    fields = {
        "evaluated_case": case.id,
        "year": year,
        **({"decision_no": case.data["decision_no"]} if case.data.get("decision_no") else {}),
    }
    data = payloads.validate(wf.case_model, fields, d.case_fields)
    case_refs.check(rt, session, user, d.case_fields, data)
    evaluation = create_instance(
        rt,
        session,
        d,
        agency_id=case.agency_id,
        handler_id=user.id,
        title=f"{year}年度案卷评查：{case.title}",
        party=case.party,
        data=data,
        actor=user,
    )
    row = EvaluationDraw(
        year=year,
        agency_id=case.agency_id,
        case_id=case.id,
        evaluation_id=evaluation.id,
        position=position,
        drawn_by_id=user.id,
        drawn_at=rt.clock.now(),
    )
    session.add(row)
    session.flush()
    return row


# -- results, and what the rubric reads from them -----------------------------------------------------


def evaluation_results(
    session: Session, agency_id: int, year: int, rt: Runtime | None = None
) -> list[EvaluationResult]:
    """Every file of the agency drawn for `year`, with its score (once scored), its 0分 flag and state."""
    rows = session.execute(
        select(EvaluationDraw, Instance)
        .join(Instance, Instance.id == EvaluationDraw.evaluation_id)
        .where(EvaluationDraw.agency_id == agency_id, EvaluationDraw.year == year)
        .order_by(EvaluationDraw.position)
    ).unique()
    out = []
    for draw_row, inst in rows:
        title = rt.workflow(inst.workflow).definition.state_title(inst.state) if rt else inst.state
        out.append(
            EvaluationResult(
                evaluation_id=inst.id,
                evaluated_case_id=draw_row.case_id,
                title=inst.title,
                score=inst.data.get("score"),
                zero_score=inst.data.get("zero_score") is True,
                state=inst.state,
                state_title=title,
            )
        )
    return out


def _evaluation_years(session: Session, agency_id: int, years: list[int]) -> dict[int, list[int]]:
    """For each year, the evaluations (not cancelled) the agency took part in: its files evaluated, or
    evaluations it conducted (a 司法局: the counterpart of the evaluation)."""
    rows = session.execute(
        select(EvaluationDraw.year, Instance.id)
        .join(Instance, Instance.id == EvaluationDraw.evaluation_id)
        .where(
            EvaluationDraw.year.in_(years),
            Instance.state != CANCELLED,
            (EvaluationDraw.agency_id == agency_id) | (Instance.counterpart_agency_id == agency_id),
        )
        .order_by(Instance.id)
    )
    found: dict[int, list[int]] = {y: [] for y in years}
    for year, evaluation_id in rows:
        found[year].append(evaluation_id)
    return found


def evaluation_rubric_items(session: Session, agency_id: int, year: int) -> list[dict[str, Any]]:
    """What seed 000 deducts for case-file evaluation, for the rubric of `year`:

    - 规范行政执法程序：根据行政执法案卷评查情况计算得分；出现0分案卷，扣100分 (基础标准);
    - 每年开展或者参加行政执法案卷评查（6分）：查看近三年 … 评查材料每缺一年，扣2分.
    """
    results = [r for r in evaluation_results(session, agency_id, year) if r.state != CANCELLED]
    zero = [r.evaluation_id for r in results if r.zero_score]
    scored = [r.score for r in results if r.score is not None]
    average = f"，平均得分 {sum(scored) / len(scored):.2f} 分" if scored else ""
    years = [year - 2, year - 1, year]
    took_part = _evaluation_years(session, agency_id, years)
    missing = [y for y in years if not took_part[y]]
    return [
        {
            "key": "case_file_zero_score",
            "title": "规范行政执法程序：出现0分案卷",
            "max_points": 20,
            "deduction": 100 if zero else 0,
            "cases": zero,
            "detail": f"{year}年度评查案卷 {len(results)} 卷，已评分 {len(scored)} 卷{average}；0分案卷 {len(zero)} 卷"
            + ("，扣100分" if zero else ""),
        },
        {
            "key": "case_file_evaluation_yearly",
            "title": "每年开展或者参加行政执法案卷评查",
            "max_points": 6,
            "deduction": min(2 * len(missing), 6),
            "cases": [i for y in years for i in took_part[y]],
            "detail": "；".join(
                f"{y}年：{'有（' + str(len(took_part[y])) + '卷）' if took_part[y] else '缺'}" for y in years
            )
            + (f"；缺 {len(missing)} 年，扣{2 * len(missing)}分" if missing else ""),
        },
    ]


def results_for(rt: Runtime, actor_id: int, agency_id: int, year: int) -> list[EvaluationResult]:
    """`evaluation_results` for a user whose scope covers the agency (a supervisor's level, or its own)."""
    with UnitOfWork(rt.reads) as session:
        user = load_user(session, actor_id)
        _check_year(year)
        if session.get(Agency, agency_id) is None or not (
            covers(session, user, agency_id) if supervises(user) else user.agency_id == agency_id
        ):
            raise NotFound(f"机关 {agency_id} 不存在或不在本机关的监督范围内")
        return evaluation_results(session, agency_id, year, rt)
