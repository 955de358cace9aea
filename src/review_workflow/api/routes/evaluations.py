"""案卷评查: the 司法局 draws an agency's files of a year; anyone whose scope covers the agency reads the results."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from ...core.payloads import MAX_ID, YEAR_MAX, YEAR_MIN
from ...services import evaluations
from ..deps import CurrentUser, RuntimeDep
from ..errors import error_responses

router = APIRouter(prefix="/api/evaluations", tags=["evaluations"])
Year = Annotated[int, Field(strict=True, ge=YEAR_MIN, le=YEAR_MAX, description="评查年度（案卷办结的年度）")]
AgencyId = Annotated[int, Field(strict=True, ge=1, le=MAX_ID, description="被评查机关编号")]


class DrawRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    year: Year
    agency: AgencyId
    count: Annotated[int, Field(strict=True, ge=1, le=evaluations.MAX_DRAW, description="抽取案卷数")]


@router.post(
    "/draw",
    summary="随机抽取机关当年办结的行政处罚案卷，每卷发起一件案卷评查（一卷一表；同一年度重复抽取不重复发起）",
    responses=error_responses(401, 403, 404, 409, 422),
)
def draw(rt: RuntimeDep, user: CurrentUser, body: DrawRequest) -> evaluations.DrawResult:
    return evaluations.draw(rt, user, body.year, body.agency, body.count)


@router.get("", summary="机关某年度被评查案卷的得分、0分标记与状态", responses=error_responses(401, 404, 422))
def results(
    rt: RuntimeDep,
    user: CurrentUser,
    year: Annotated[int, Query(ge=YEAR_MIN, le=YEAR_MAX)],
    agency: Annotated[int, Query(ge=1, le=MAX_ID)],
) -> list[evaluations.EvaluationResult]:
    return evaluations.results_for(rt, user, agency, year)
