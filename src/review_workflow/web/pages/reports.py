"""统计年报 and 考核评分 pages (issue 14): pick a year and an agency, read the figures, download the .xlsx,
and — the agency's legal office — record the table's submission to the 司法局.

Every figure comes from services.supervision; these pages only draw them.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from ...core.errors import InvalidInput, NotPermitted
from ...core.payloads import MAX_ID, YEAR_MAX, YEAR_MIN
from ...runtime import Runtime
from ...schemas import Named
from ...services import annual_reports, report_sheets, supervision
from ..common import PageRoute, PageUser, RuntimeDep, VerifiedForm, flash, render

router = APIRouter(route_class=PageRoute, include_in_schema=False)
Year = Annotated[int | None, Query(ge=YEAR_MIN, le=YEAR_MAX)]
AgencyId = Annotated[int | None, Query(ge=1, le=MAX_ID)]


def _choice(rt: Runtime, user: int, year: int | None, agency: int | None) -> tuple[int, int, list[Named]]:
    """The year (this year by default) and agency (the user's own, else the first they cover) to show."""
    choices = supervision.report_agencies(rt, user)
    if agency is None:
        if not choices:
            raise NotPermitted("只有法制机构、机关负责人和执法监督人员可以查看统计年报和考核评分")
        own = supervision.load_own_agency(rt, user)
        agency = own if any(a.id == own for a in choices) else choices[0].id
    return year or rt.clock.today().year, agency, choices


def _xlsx(name: str, content: bytes, fallback: str) -> Response:
    disposition = f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name)}"
    return Response(content, media_type=report_sheets.XLSX, headers={"Content-Disposition": disposition})


@router.get("/reports")
def reports_home(user: PageUser) -> Response:
    return RedirectResponse("/reports/annual", status_code=303)


@router.get("/reports/annual")
def annual_page(request: Request, rt: RuntimeDep, user: PageUser, year: Year = None, agency: AgencyId = None) -> Response:
    year, agency, choices = _choice(rt, user, year, agency)
    report = supervision.annual_report(rt, user, agency, year)
    context = {
        "report": report,
        "choices": choices,
        "year": year,
        "agency_id": agency,
        "may_submit": supervision.may_submit(rt, user, agency) and report.submission.state in ("pending", "overdue"),
        "tab": "annual",
    }
    return render(request, "annual_report.html", context, user_id=user)


@router.get("/reports/annual.xlsx")
def annual_xlsx(rt: RuntimeDep, user: PageUser, year: Year = None, agency: AgencyId = None) -> Response:
    year, agency, _ = _choice(rt, user, year, agency)
    name, content = report_sheets.annual_xlsx(supervision.annual_report(rt, user, agency, year))
    return _xlsx(name, content, f"annual-{agency}-{year}.xlsx")


@router.post("/reports/annual/submission")
def annual_submit(request: Request, rt: RuntimeDep, user: PageUser, form: VerifiedForm) -> Response:
    year, agency = form.get("year", ""), form.get("agency", "")
    if not (year.isdigit() and agency.isdigit() and YEAR_MIN <= int(year) <= YEAR_MAX and 0 < int(agency) <= MAX_ID):
        raise InvalidInput("年度或机关有误")
    done = annual_reports.submit(rt, user, int(agency), int(year))
    flash(request, f"已记录：{done.agency.name}{done.year}年度统计年报{done.state_title}（{done.submitted_at}）")
    return RedirectResponse(f"/reports/annual?year={year}&agency={agency}", status_code=303)


@router.get("/reports/rubric")
def rubric_page(request: Request, rt: RuntimeDep, user: PageUser, year: Year = None, agency: AgencyId = None) -> Response:
    year, agency, choices = _choice(rt, user, year, agency)
    result = supervision.rubric_of(rt, user, agency, year)
    context = {"rubric": result, "choices": choices, "year": year, "agency_id": agency, "tab": "rubric"}
    return render(request, "rubric.html", context, user_id=user)


@router.get("/reports/rubric.xlsx")
def rubric_xlsx(rt: RuntimeDep, user: PageUser, year: Year = None, agency: AgencyId = None) -> Response:
    year, agency, _ = _choice(rt, user, year, agency)
    name, content = report_sheets.rubric_xlsx(supervision.rubric_of(rt, user, agency, year))
    return _xlsx(name, content, f"rubric-{agency}-{year}.xlsx")
