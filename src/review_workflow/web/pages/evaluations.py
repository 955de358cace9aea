"""案卷评查: the supervisor's draw form and the results of a year's files (services.evaluations decides
what is drawn and who may see it); each evaluation links to its case page, where evaluators score it on the
sheet and the results and the rectification move on with the forms the workflow gives."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from ...core.errors import WorkflowError
from ...services import agencies, evaluations
from ..common import PageRoute, PageUser, RuntimeDep, VerifiedForm, flash, render
from ..forms import MultiForm

router = APIRouter(route_class=PageRoute, include_in_schema=False)
DEFAULT_COUNT = 5  # seed 000 samples five decisions a year


def _int(text: str | None) -> int | None:
    text = (text or "").strip()
    return int(text) if text.isdigit() and len(text) < 11 else None


def _page(
    request: Request, rt: RuntimeDep, user: int, values: MultiForm, error: str = "", status: int = 200
) -> Response:
    year, agency = _int(values.get("year")) or rt.clock.today().year, _int(values.get("agency"))
    enforcement = [a for a in agencies.list_agencies(rt, user).data if a.kind == "enforcement"]
    results = evaluations.results_for(rt, user, agency, year) if agency and not error else []
    context = {
        "agencies": enforcement, "year": year, "agency": agency, "count": values.get("count") or DEFAULT_COUNT,
        "results": results, "error": error, "chosen": next((a for a in enforcement if a.id == agency), None),
    }
    return render(request, "evaluations.html", context, status_code=status, user_id=user)


@router.get("/evaluations")
def evaluations_page(request: Request, rt: RuntimeDep, user: PageUser) -> Response:
    return _page(request, rt, user, MultiForm.of(request.query_params))


@router.post("/evaluations/draw")
def draw(request: Request, rt: RuntimeDep, user: PageUser, form: VerifiedForm) -> Response:
    year, agency, count = _int(form.get("year")), _int(form.get("agency")), _int(form.get("count"))
    if year is None or agency is None or count is None:
        return _page(request, rt, user, form, "请填写评查年度、被评查机关和抽取数量（整数）", 422)
    try:
        done = evaluations.draw(rt, user, year, agency, count)
    except WorkflowError as exc:
        if exc.status in (401, 403) or exc.status >= 500:
            raise
        return _page(request, rt, user, form, exc.message, exc.status)
    new = sum(1 for f in done.drawn if f.new)
    flash(request, f"本年度可抽案卷 {done.pool} 卷，抽取 {len(done.drawn)} 卷，新发起评查 {new} 件")
    return RedirectResponse(f"/evaluations?year={year}&agency={agency}", status_code=303)
