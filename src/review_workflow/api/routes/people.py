"""Agencies, people and their 执法证, for administrators (supervisors may read)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, File, Path, Query, Request, Response, UploadFile

from ...core.payloads import YEAR_MAX, YEAR_MIN
from ...schemas_people import (
    AgenciesPublic,
    AgencyCreate,
    AgencyPublic,
    AgencyUpdate,
    CertificateChange,
    CertificateIssue,
    Deactivation,
    ImportResult,
    OfficerCreate,
    OfficerCreated,
    OfficerDetail,
    OfficersPublic,
    OfficerUpdate,
    PasswordReset,
    RolesUpdate,
    TrainingUpdate,
)
from ...services import agencies, certificates, officer_sheets, officers
from ..deps import CurrentUser, PageNo, PageSize, QueryId, RowId, RuntimeDep, client_ip
from ..errors import error_responses

router = APIRouter(prefix="/api/admin", tags=["people"])
ERRORS = error_responses(401, 403, 404, 422)
Year = Annotated[int, Path(ge=YEAR_MIN, le=YEAR_MAX, description="年度")]


def attachment(filename: str, fallback: str) -> dict[str, str]:
    return {"Content-Disposition": f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"}


# -- agencies ---------------------------------------------------------------------------------------


@router.get("/agencies", summary="机关列表（管理员、执法监督）", responses=ERRORS)
def list_agencies(rt: RuntimeDep, user: CurrentUser) -> AgenciesPublic:
    return agencies.list_agencies(rt, user)


@router.post("/agencies", status_code=201, summary="新建机关（管理员）", responses=ERRORS)
def create_agency(request: Request, rt: RuntimeDep, user: CurrentUser, body: AgencyCreate) -> AgencyPublic:
    return agencies.create_agency(rt, user, body, client_ip(request))


@router.get("/agencies/{agency_id}", summary="机关（管理员、执法监督）", responses=ERRORS)
def get_agency(rt: RuntimeDep, user: CurrentUser, agency_id: RowId) -> AgencyPublic:
    return agencies.get_agency(rt, user, agency_id)


@router.patch("/agencies/{agency_id}", summary="修改机关：只改所给字段（管理员）", responses=ERRORS)
def update_agency(
    request: Request, rt: RuntimeDep, user: CurrentUser, agency_id: RowId, body: AgencyUpdate
) -> AgencyPublic:
    return agencies.update_agency(rt, user, agency_id, body, client_ip(request))


@router.get(
    "/agencies/{agency_id}/officers.xlsx",
    summary="导出本机关执法人员名册：执法证、人员类别、培训学时（管理员、执法监督）",
    responses={**ERRORS, 200: {"content": {officer_sheets.XLSX: {}}}},
    response_class=Response,
)
def export_officers(rt: RuntimeDep, user: CurrentUser, agency_id: RowId) -> Response:
    filename, content = officer_sheets.export_officers(rt, user, agency_id)
    return Response(content, media_type=officer_sheets.XLSX, headers=attachment(filename, f"officers-{agency_id}.xlsx"))


@router.post(
    "/agencies/{agency_id}/officers.xlsx",
    summary="按名册格式导入执法人员：新建或更新；任何一行有误则全部不导入，details 列出每一行的行号和原因（管理员）",
    responses=ERRORS,
)
def import_officers(
    request: Request,
    rt: RuntimeDep,
    user: CurrentUser,
    agency_id: RowId,
    file: Annotated[UploadFile, File(description="由导出功能生成、或按其格式填写的 .xlsx")],
) -> ImportResult:
    return officer_sheets.import_officers(rt, user, agency_id, file.file.read(), client_ip(request))


# -- people -----------------------------------------------------------------------------------------


@router.get("/users", summary="人员列表：按机关、姓名、用户名、执法证号查找（管理员、执法监督）", responses=ERRORS)
def list_users(
    rt: RuntimeDep,
    user: CurrentUser,
    agency_id: Annotated[QueryId | None, Query(description="机关编号")] = None,
    q: Annotated[str, Query(max_length=80, description="用户名、姓名或执法证号中的文字")] = "",
    active: Annotated[bool | None, Query(description="true 在用（默认）；false 已停用；不填为全部")] = True,
    page: PageNo = 1,
    page_size: PageSize = 20,
) -> OfficersPublic:
    return officers.list_officers(rt, user, agency_id=agency_id, q=q, active=active, page=page, page_size=page_size)


@router.post("/users", status_code=201, summary="新建人员：返回只显示一次的初始密码（管理员）", responses=ERRORS)
def create_user(
    request: Request, response: Response, rt: RuntimeDep, user: CurrentUser, body: OfficerCreate
) -> OfficerCreated:
    response.headers["Cache-Control"] = "no-store"  # a one-time password
    return officers.create_officer(rt, user, body, client_ip(request))


@router.get("/users/{user_id}", summary="人员：执法证及其变更记录、培训学时（管理员、执法监督）", responses=ERRORS)
def get_user(rt: RuntimeDep, user: CurrentUser, user_id: RowId) -> OfficerDetail:
    return officers.get_officer(rt, user, user_id)


@router.patch("/users/{user_id}", summary="修改人员信息：只改所给字段（管理员）", responses=ERRORS)
def update_user(
    request: Request, rt: RuntimeDep, user: CurrentUser, user_id: RowId, body: OfficerUpdate
) -> OfficerDetail:
    return officers.update_officer(rt, user, user_id, body, client_ip(request))


@router.put("/users/{user_id}/roles", summary="设置角色（管理员）", responses=ERRORS)
def set_roles(request: Request, rt: RuntimeDep, user: CurrentUser, user_id: RowId, body: RolesUpdate) -> OfficerDetail:
    return officers.set_roles(rt, user, user_id, body.roles, client_ip(request))


@router.put("/users/{user_id}/training/{year}", summary="登记某年度的培训学时（管理员）", responses=ERRORS)
def set_training(
    request: Request, rt: RuntimeDep, user: CurrentUser, user_id: RowId, year: Year, body: TrainingUpdate
) -> OfficerDetail:
    return officers.set_training_hours(rt, user, user_id, year, body.hours, client_ip(request))


@router.post("/users/{user_id}/deactivate", summary="停用人员：其执法证同时注销（管理员）", responses=ERRORS)
def deactivate(
    request: Request, rt: RuntimeDep, user: CurrentUser, user_id: RowId, body: Deactivation
) -> OfficerDetail:
    return officers.deactivate(rt, user, user_id, body.reason, client_ip(request))


@router.post("/users/{user_id}/password", summary="重置密码：返回只显示一次的新密码（管理员）", responses=ERRORS)
def reset_password(
    request: Request, response: Response, rt: RuntimeDep, user: CurrentUser, user_id: RowId
) -> PasswordReset:
    response.headers["Cache-Control"] = "no-store"  # a one-time password
    return officers.reset_password(rt, user, user_id, client_ip(request))


# -- 执法证 ------------------------------------------------------------------------------------------


@router.post("/users/{user_id}/certificate", summary="核发或换发执法证（管理员）", responses=ERRORS)
def issue_certificate(rt: RuntimeDep, user: CurrentUser, user_id: RowId, body: CertificateIssue) -> OfficerDetail:
    return certificates.issue_certificate(rt, user, user_id, body)


@router.post("/users/{user_id}/certificate/suspend", summary="暂扣执法证：该人员即时不得办理案件（管理员）", responses=ERRORS)
def suspend_certificate(rt: RuntimeDep, user: CurrentUser, user_id: RowId, body: CertificateChange) -> OfficerDetail:
    return certificates.suspend_certificate(rt, user, user_id, body.reason)


@router.post("/users/{user_id}/certificate/reinstate", summary="恢复暂扣的执法证（管理员）", responses=ERRORS)
def reinstate_certificate(
    rt: RuntimeDep, user: CurrentUser, user_id: RowId, body: CertificateChange
) -> OfficerDetail:
    return certificates.reinstate_certificate(rt, user, user_id, body.reason)


@router.post("/users/{user_id}/certificate/cancel", summary="注销执法证：记录保留（管理员）", responses=ERRORS)
def cancel_certificate(rt: RuntimeDep, user: CurrentUser, user_id: RowId, body: CertificateChange) -> OfficerDetail:
    return certificates.cancel_certificate(rt, user, user_id, body.reason)
