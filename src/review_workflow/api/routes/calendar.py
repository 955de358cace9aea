from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from ...core.calendar import Explanation
from ...schemas import (
    ArrangementUpload,
    CalendarYearPublic,
    DuePublic,
    ExplainedDayPublic,
    ExplanationPublic,
    LoadResultPublic,
)
from ...services import calendar_admin
from ..deps import CurrentUser, RuntimeDep
from ..errors import error_responses

router = APIRouter(prefix="/api/calendar", tags=["calendar"])
ERRORS = error_responses(401, 403, 422)
WEEKDAYS = "一二三四五六日"

Start = Annotated[date, Query(description="起算日（当日不计入），YYYY-MM-DD")]
Rule = Annotated[str, Query(description="期限规则：Nwd（工作日）或 Nd（自然日）", examples=["7wd", "15d"])]
Provisional = Annotated[bool, Query(description="未发布年度按周末临时计算，结果标记为临时")]


@router.get("/due", summary="计算到期日", responses=ERRORS)
def due(rt: RuntimeDep, start: Start, rule: Rule, provisional: Provisional = False) -> DuePublic:
    d = calendar_admin.due(rt, start, rule, provisional)
    return DuePublic(start=d.start, rule=d.rule, due=d.date, provisional=d.provisional)


def _explanation(e: Explanation) -> ExplanationPublic:
    return ExplanationPublic(
        start=e.start,
        rule=str(e.rule),
        due=e.due.date,
        provisional=e.due.provisional,
        days=[
            ExplainedDayPublic(
                date=x.date,
                weekday=f"星期{WEEKDAYS[x.date.weekday()]}",
                counted=x.counted,
                ordinal=x.ordinal,
                reason=x.reason,
                provisional=x.provisional,
            )
            for x in e.days
        ],
        text=e.as_text(),
    )


@router.get("/explain", summary="说明期限的计算过程（计入的日期与跳过的休息日）", responses=ERRORS)
def explain(rt: RuntimeDep, start: Start, rule: Rule, provisional: Provisional = False) -> ExplanationPublic:
    return _explanation(calendar_admin.explain(rt, start, rule, provisional))


@router.get("/years", summary="管理员导入的年度节假日安排")
def years(rt: RuntimeDep) -> list[CalendarYearPublic]:
    return calendar_admin.loaded_years(rt)


@router.post("/years", summary="导入一年的节假日安排（管理员），并重算受影响的期限", responses=ERRORS)
def load_year(rt: RuntimeDep, user: CurrentUser, body: ArrangementUpload) -> LoadResultPublic:
    r = calendar_admin.load_arrangement(rt, body.content, body.format, body.source, actor_id=user)
    return LoadResultPublic(
        year=r.year, rest_days=r.rest_days, workdays=r.workdays, recomputed=r.recomputed, moved=r.moved
    )
