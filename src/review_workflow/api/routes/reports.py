"""统计年报 and the rubric of an agency and year (issue 14), as JSON or .xlsx, and the table's submission."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from ...core.payloads import MAX_ID, YEAR_MAX, YEAR_MIN
from ...services import annual_reports, report_sheets, supervision
from ...services.annual_reports import SubmissionPublic
from ...services.rubric import Rubric
from ...services.supervision import AnnualReportPublic
from ..deps import CurrentUser, RuntimeDep
from ..errors import error_responses
from .people import attachment

router = APIRouter(prefix="/api/reports", tags=["reports"])
ERRORS = error_responses(401, 403, 404, 422)
Year = Annotated[int, Query(ge=YEAR_MIN, le=YEAR_MAX, description="年度（公历年）")]
AgencyId = Annotated[int, Query(ge=1, le=MAX_ID, description="机关编号")]  # the column is 32-bit
Format = Annotated[Literal["json", "xlsx"], Query(description="json（默认）或 xlsx")]
XLSX_RESPONSE: dict[int | str, dict[str, Any]] = {200: {"content": {"application/json": {}, report_sheets.XLSX: {}}}}


class SubmissionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    year: int = Field(ge=YEAR_MIN, le=YEAR_MAX, description="统计年度")
    agency: int = Field(ge=1, le=MAX_ID, description="机关编号")


@router.get(
    "/annual",
    summary="统计年报：许可、处罚（按种类，罚没金额）、强制、法制审核、备案、公示、听证、持证人员；format=xlsx 为统计表",
    responses={**ERRORS, **XLSX_RESPONSE},
    response_model=AnnualReportPublic,
)
def annual(rt: RuntimeDep, user: CurrentUser, year: Year, agency: AgencyId, format: Format = "json") -> object:
    report = supervision.annual_report(rt, user, agency, year)
    if format == "xlsx":
        name, content = report_sheets.annual_xlsx(report)
        return Response(content, media_type=report_sheets.XLSX, headers=attachment(name, f"annual-{agency}-{year}.xlsx"))
    return report


@router.post(
    "/annual/submission",
    status_code=201,
    summary="记录统计年报已报送司法局（本机关法制机构；每年1月31日前，逾期记为逾期报送）",
    responses=error_responses(401, 403, 404, 409, 422),
)
def submit_annual(rt: RuntimeDep, user: CurrentUser, body: SubmissionCreate) -> SubmissionPublic:
    return annual_reports.submit(rt, user, body.agency, body.year)


@router.get(
    "/rubric",
    summary="考核评分（系统可见的项目）：每项的扣分及其依据的案件、人员，法制审核率、公示率，抽查样本；format=xlsx",
    responses={**ERRORS, **XLSX_RESPONSE},
    response_model=Rubric,
)
def rubric(rt: RuntimeDep, user: CurrentUser, year: Year, agency: AgencyId, format: Format = "json") -> object:
    result = supervision.rubric_of(rt, user, agency, year)
    if format == "xlsx":
        name, content = report_sheets.rubric_xlsx(result)
        return Response(content, media_type=report_sheets.XLSX, headers=attachment(name, f"rubric-{agency}-{year}.xlsx"))
    return result
