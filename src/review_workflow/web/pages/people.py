"""人员管理: agencies, people and their 执法证 (services/agencies, officers, certificates, officer_sheets
decide everything; administrators change, supervisors read). A form that is refused shows the page again
with the reason beside that form and what was typed."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, TypeVar
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, ValidationError

from ...core import certificates as rules
from ...core.errors import InvalidInput, NotFound, NotPermitted, WorkflowError
from ...core.payloads import MAX_ID
from ...schemas_people import (
    AgencyCreate,
    AgencyUpdate,
    CertificateIssue,
    OfficerCreate,
    OfficerUpdate,
)
from ...services import agencies, certificates, officer_sheets, officers, paging, queries
from ..common import PageRoute, PageUser, RowId, RuntimeDep, VerifiedForm, client_ip, flash, render
from ..forms import MultiForm

router = APIRouter(route_class=PageRoute, include_in_schema=False)
M = TypeVar("M", bound=BaseModel)

TITLES = {
    "name": "名称或姓名",
    "doc_code": "代字",
    "kind": "机关类别",
    "level": "层级",
    "filing_office_id": "备案审查机关",
    "legal_office": "法制机构",
    "username": "用户名（字母、数字、下划线、点或连字符，2 到 80 个）",
    "agency_id": "所属机关",
    "roles": "角色",
    "staff_type": "人员类别",
    "email": "电子邮箱",
    "legal_qualification": "法律职业资格证书编号",
    "first_review_on": "初次从事法制审核日期",
    "number": "执法证号",
    "valid_from": "发证日期",
    "valid_until": "有效期至",
    "reason": "原因",
    "hours": "培训学时",
}


def _model(cls: type[M], data: dict[str, Any]) -> M:
    """A form's values as the service's input (every field of the form is sent: a blank one clears it);
    what does not fit is an InvalidInput naming the fields."""
    try:
        return cls.model_validate(data)
    except ValidationError as exc:
        names = dict.fromkeys(TITLES.get(str(e["loc"][0]), str(e["loc"][0])) for e in exc.errors() if e.get("loc"))
        raise InvalidInput(f"请检查：{'、'.join(names)}") from exc


def _blank(form: MultiForm, name: str) -> str | None:
    value = form.get(name, "").strip()
    return value or None


def _is_admin(rt: Any, user: int) -> bool:
    return "admin" in queries.me(rt, user).roles


@router.get("/admin")
def admin_home(user: PageUser) -> Response:
    return RedirectResponse("/admin/users", status_code=303)


# -- agencies ---------------------------------------------------------------------------------------


def _agencies_page(
    request: Request, rt: RuntimeDep, user: int, error: str = "", values: MultiForm | None = None, status: int = 200
) -> Response:
    found = agencies.list_agencies(rt, user)
    context = {
        "found": found,
        "offices": [a for a in found.data if a.kind == "filing_review"],
        "kinds": agencies.KIND_TITLES,
        "levels": agencies.LEVEL_TITLES,
        "can_edit": _is_admin(rt, user),
        "error": error,
        "values": values or MultiForm(),
    }
    return render(request, "admin_agencies.html", context, status_code=status, user_id=user)


@router.get("/admin/agencies")
def agency_list(request: Request, rt: RuntimeDep, user: PageUser) -> Response:
    return _agencies_page(request, rt, user)


def _agency_fields(form: MultiForm) -> dict[str, Any]:
    return {
        "name": form.get("name", ""),
        "doc_code": form.get("doc_code", ""),
        "kind": form.get("kind", ""),
        "level": _blank(form, "level"),
        "filing_office_id": _blank(form, "filing_office_id"),
        "legal_office": _blank(form, "legal_office"),
    }


@router.post("/admin/agencies")
def agency_create(request: Request, rt: RuntimeDep, user: PageUser, form: VerifiedForm) -> Response:
    try:
        created = agencies.create_agency(rt, user, _model(AgencyCreate, _agency_fields(form)), client_ip(request))
    except InvalidInput as exc:
        return _agencies_page(request, rt, user, exc.message, form, 422)
    flash(request, f"已新建机关：{created.name}")
    return RedirectResponse(f"/admin/agencies/{created.id}", status_code=303)


def _agency_page(
    request: Request,
    rt: RuntimeDep,
    user: int,
    agency_id: int,
    *,
    error: str = "",
    problems: list[dict[str, Any]] | None = None,
    values: MultiForm | None = None,
    status: int = 200,
) -> Response:
    agency = agencies.get_agency(rt, user, agency_id)
    offices = [a for a in agencies.list_agencies(rt, user).data if a.kind == "filing_review" and a.id != agency_id]
    people = officers.list_officers(rt, user, agency_id=agency_id, page_size=paging.MAX_PAGE_SIZE)
    context = {
        "agency": agency,
        "offices": offices,
        "people": people,
        "kinds": agencies.KIND_TITLES,
        "levels": agencies.LEVEL_TITLES,
        "can_edit": _is_admin(rt, user),
        "error": error,
        "problems": problems or [],
        "values": values,
    }
    return render(request, "admin_agency.html", context, status_code=status, user_id=user)


@router.get("/admin/agencies/{agency_id}")
def agency_view(request: Request, rt: RuntimeDep, user: PageUser, agency_id: RowId) -> Response:
    return _agency_page(request, rt, user, agency_id)


@router.post("/admin/agencies/{agency_id}")
def agency_update(request: Request, rt: RuntimeDep, user: PageUser, agency_id: RowId, form: VerifiedForm) -> Response:
    try:
        changes = _model(AgencyUpdate, _agency_fields(form))
        agencies.update_agency(rt, user, agency_id, changes, client_ip(request))
    except InvalidInput as exc:
        return _agency_page(request, rt, user, agency_id, error=exc.message, values=form, status=422)
    flash(request, "机关信息已保存")
    return RedirectResponse(f"/admin/agencies/{agency_id}", status_code=303)


@router.get("/admin/agencies/{agency_id}/officers.xlsx")
def agency_export(rt: RuntimeDep, user: PageUser, agency_id: RowId) -> Response:
    filename, content = officer_sheets.export_officers(rt, user, agency_id)
    disposition = f"attachment; filename=\"officers-{agency_id}.xlsx\"; filename*=UTF-8''{quote(filename)}"
    return Response(content, media_type=officer_sheets.XLSX, headers={"Content-Disposition": disposition})


@router.post("/admin/agencies/{agency_id}/officers.xlsx")
async def agency_import(
    request: Request, rt: RuntimeDep, user: PageUser, agency_id: RowId, form: VerifiedForm
) -> Response:
    upload = (await request.form()).get("file")  # the same parsed form the CSRF check read
    content = await upload.read() if upload is not None and not isinstance(upload, str) else b""
    if not content:
        return await run_in_threadpool(
            _agency_page, request, rt, user, agency_id, error="请选择要导入的 .xlsx 文件", status=422
        )
    try:
        done = await run_in_threadpool(
            officer_sheets.import_officers, rt, user, agency_id, content, client_ip(request)
        )
    except InvalidInput as exc:
        problems = exc.details if isinstance(exc.details, list) else []
        return await run_in_threadpool(
            _agency_page, request, rt, user, agency_id, error=exc.message, problems=problems, status=422
        )
    flash(request, f"导入完成：新建 {done.created} 人，更新 {done.updated} 人，未变 {done.unchanged} 人")
    return RedirectResponse(f"/admin/agencies/{agency_id}", status_code=303)


# -- people -----------------------------------------------------------------------------------------


@router.get("/admin/users")
def user_list(
    request: Request,
    rt: RuntimeDep,
    user: PageUser,
    q: Annotated[str, Query(max_length=80)] = "",
    agency: Annotated[str, Query(alias="agency_id", max_length=12)] = "",  # "" from 全部机关
    inactive: bool = False,
    page: Annotated[int, Query(ge=1, le=paging.MAX_PAGE)] = 1,
) -> Response:
    agency_id = int(agency) if agency.isascii() and agency.isdigit() and 0 < int(agency) <= MAX_ID else None
    found = officers.list_officers(rt, user, agency_id=agency_id, q=q, active=not inactive, page=page)
    context = {
        "found": found,
        "q": q,
        "agency_id": agency_id,
        "inactive": inactive,
        "agencies": agencies.list_agencies(rt, user).data,
        "pages": max(1, -(-found.count // found.page_size)),
        "can_edit": _is_admin(rt, user),
    }
    return render(request, "admin_users.html", context, user_id=user)


def _new_user_page(
    request: Request, rt: RuntimeDep, user: int, values: MultiForm, error: str = "", status: int = 200
) -> Response:
    if not _is_admin(rt, user):
        raise NotPermitted("只有系统管理员可以新建人员")
    context = {
        "agencies": agencies.list_agencies(rt, user).data,
        "staff_types": rules.STAFF_TYPES,
        "values": values,
        "error": error,
    }
    return render(request, "admin_user_new.html", context, status_code=status, user_id=user)


@router.get("/admin/users/new")
def user_new(request: Request, rt: RuntimeDep, user: PageUser, agency_id: int | None = None) -> Response:
    return _new_user_page(request, rt, user, MultiForm([("agency_id", str(agency_id or ""))]))


@router.post("/admin/users/new")
def user_create(request: Request, rt: RuntimeDep, user: PageUser, form: VerifiedForm) -> Response:
    data = {
        "username": form.get("username", "").strip(),
        "name": form.get("name", ""),
        "agency_id": _blank(form, "agency_id"),
        "roles": form.getlist("roles"),
        "staff_type": _blank(form, "staff_type"),
        "email": _blank(form, "email"),
        "legal_qualification": _blank(form, "legal_qualification"),
        "first_review_on": _blank(form, "first_review_on"),
    }
    try:
        created = officers.create_officer(rt, user, _model(OfficerCreate, data), client_ip(request))
    except InvalidInput as exc:
        return _new_user_page(request, rt, user, form, exc.message, 422)
    # The one-time password is shown in this answer only: never put in the (signed, readable) cookie.
    return _no_store(_user_page(request, rt, user, created.officer.id, password=created.password, created=True))


def _no_store(answer: Response) -> Response:
    """A page carrying a one-time password is kept by no cache and no browser history store."""
    answer.headers["Cache-Control"] = "no-store"
    return answer


def _user_page(
    request: Request,
    rt: RuntimeDep,
    user: int,
    officer_id: int,
    *,
    errors: dict[str, str] | None = None,
    values: MultiForm | None = None,
    password: str | None = None,
    created: bool = False,
    status: int = 200,
) -> Response:
    officer = officers.get_officer(rt, user, officer_id)
    today = rt.clock.today()
    context = {
        "o": officer,
        "c": officer.certificate,
        "staff_types": rules.STAFF_TYPES,
        "ineligible": rules.INELIGIBLE,
        "roles": {name: spec for name, spec in rt.roles.items()},
        "can_edit": _is_admin(rt, user),
        "errors": errors or {},
        "values": values,
        "password": password,
        "created": created,
        "this_year": today.year,
        "suggest_until": date(today.year + 3, today.month, min(today.day, 28)),
        "today": today,
    }
    return render(request, "admin_user.html", context, status_code=status, user_id=user)


@router.get("/admin/users/{officer_id}")
def user_view(request: Request, rt: RuntimeDep, user: PageUser, officer_id: RowId) -> Response:
    return _user_page(request, rt, user, officer_id)


def _act(
    request: Request, rt: RuntimeDep, user: int, officer_id: int, form: MultiForm, which: str, done: str, action: Any
) -> Response:
    """Run one form's use case: on success back to the page with a message; refused, the page again with
    the reason beside that form."""
    try:
        action()
    except WorkflowError as exc:
        if exc.status >= 500 or exc.status in (401, 403, 404):
            raise
        return _user_page(
            request, rt, user, officer_id, errors={which: exc.message}, values=form, status=exc.status
        )
    flash(request, done)
    return RedirectResponse(f"/admin/users/{officer_id}#{which}", status_code=303)


@router.post("/admin/users/{officer_id}/profile")
def user_profile(request: Request, rt: RuntimeDep, user: PageUser, officer_id: RowId, form: VerifiedForm) -> Response:
    def run() -> None:
        data = {
            "name": form.get("name", ""),
            "staff_type": _blank(form, "staff_type"),
            "email": _blank(form, "email"),
            "legal_qualification": _blank(form, "legal_qualification"),
            "first_review_on": _blank(form, "first_review_on"),
        }
        officers.update_officer(rt, user, officer_id, _model(OfficerUpdate, data), client_ip(request))

    return _act(request, rt, user, officer_id, form, "profile", "人员信息已保存", run)


@router.post("/admin/users/{officer_id}/roles")
def user_roles(request: Request, rt: RuntimeDep, user: PageUser, officer_id: RowId, form: VerifiedForm) -> Response:
    return _act(
        request, rt, user, officer_id, form, "roles", "角色已保存",
        lambda: officers.set_roles(rt, user, officer_id, form.getlist("roles"), client_ip(request)),
    )


@router.post("/admin/users/{officer_id}/certificate")
def user_certificate(
    request: Request, rt: RuntimeDep, user: PageUser, officer_id: RowId, form: VerifiedForm
) -> Response:
    data = {
        "number": form.get("number", ""),
        "valid_from": _blank(form, "valid_from"),
        "valid_until": _blank(form, "valid_until"),
        "reason": _blank(form, "reason"),
    }
    return _act(
        request, rt, user, officer_id, form, "certificate", "执法证已登记",
        lambda: certificates.issue_certificate(rt, user, officer_id, _model(CertificateIssue, data)),
    )


STATUS_ACTIONS = {
    "suspend": (certificates.suspend_certificate, "执法证已暂扣：该人员即日起不得办理案件"),
    "reinstate": (certificates.reinstate_certificate, "执法证已恢复"),
    "cancel": (certificates.cancel_certificate, "执法证已注销"),
}


@router.post("/admin/users/{officer_id}/certificate/{action}")
def user_certificate_status(
    request: Request, rt: RuntimeDep, user: PageUser, officer_id: RowId, action: str, form: VerifiedForm
) -> Response:
    if action not in STATUS_ACTIONS:
        raise NotFound("没有这项操作")
    use_case, done = STATUS_ACTIONS[action]
    return _act(
        request, rt, user, officer_id, form, f"certificate-{action}", done,
        lambda: use_case(rt, user, officer_id, form.get("reason", "")),
    )


@router.post("/admin/users/{officer_id}/training")
def user_training(request: Request, rt: RuntimeDep, user: PageUser, officer_id: RowId, form: VerifiedForm) -> Response:
    def run() -> None:
        year, hours = form.get("year", "").strip(), form.get("hours", "").strip()
        if not year.isdigit() or not hours.isdigit():
            raise InvalidInput("请填写年度和培训学时（整数）")
        officers.set_training_hours(rt, user, officer_id, int(year), int(hours), client_ip(request))

    return _act(request, rt, user, officer_id, form, "training", "培训学时已登记", run)


@router.post("/admin/users/{officer_id}/deactivate")
def user_deactivate(
    request: Request, rt: RuntimeDep, user: PageUser, officer_id: RowId, form: VerifiedForm
) -> Response:
    return _act(
        request, rt, user, officer_id, form, "account", "人员已停用，其执法证已注销",
        lambda: officers.deactivate(rt, user, officer_id, form.get("reason", ""), client_ip(request)),
    )


@router.post("/admin/users/{officer_id}/password")
def user_password(request: Request, rt: RuntimeDep, user: PageUser, officer_id: RowId, form: VerifiedForm) -> Response:
    try:
        reset = officers.reset_password(rt, user, officer_id, client_ip(request))
    except InvalidInput as exc:
        return _user_page(request, rt, user, officer_id, errors={"account": exc.message}, status=422)
    return _no_store(_user_page(request, rt, user, officer_id, password=reset.password))
