from __future__ import annotations

from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Body, Query, Response

from ...schemas import CaseCreate, CaseDetail, CasePublic, CasesPublic, ErrorPublic, TasksPublic
from ...services import cases, queries
from ..deps import CurrentUser, ExpectedVersion, PageNo, PageSize, RowId, RuntimeDep
from ..errors import error_responses

router = APIRouter(prefix="/api")
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"
ERRORS = error_responses(401, 403, 404, 409, 422, 428)


@router.post("/cases", status_code=201, summary="发起案件", responses=ERRORS)
def create_case(rt: RuntimeDep, user: CurrentUser, body: CaseCreate) -> CasePublic:
    return cases.start_case(rt, user, body.workflow, body.title, body.party, dict(body.model_extra or {}))


@router.get("/cases", summary="可见的案件（筛选、分页）", responses=ERRORS)
def list_cases(
    rt: RuntimeDep,
    user: CurrentUser,
    workflow: str | None = None,
    state: str | None = None,
    q: Annotated[str | None, Query(description="按案由或当事人检索")] = None,
    page: PageNo = 1,
    page_size: PageSize = 20,
) -> CasesPublic:
    return queries.list_cases(rt, user, workflow=workflow, state=state, q=q, page=page, page_size=page_size)


@router.get("/cases/{case_id}", summary="案件详情：状态、可执行事件、历史、文书、期限", responses=ERRORS)
def get_case(rt: RuntimeDep, user: CurrentUser, case_id: RowId) -> CaseDetail:
    return queries.get_case(rt, user, case_id)


@router.post("/cases/{case_id}/events/{event}", summary="执行事件（需 If-Match 版本号）", responses=ERRORS)
def fire_event(
    rt: RuntimeDep,
    user: CurrentUser,
    case_id: RowId,
    event: str,
    version: ExpectedVersion,
    payload: Annotated[dict[str, Any] | None, Body()] = None,
) -> CasePublic:
    return cases.fire(rt, case_id, event, user, payload or {}, version)


PDF_UNAVAILABLE = {
    "model": ErrorPublic,
    "description": "服务器未安装 LibreOffice，无法转换为 PDF（code: pdf_unavailable）；.docx 仍可下载",
}
PDF_FAILED = {"model": ErrorPublic, "description": "转换失败或超时（code: pdf_conversion_failed）"}


@router.get(
    "/cases/{case_id}/documents/{doc_id}",
    summary="下载文书（.docx，或 ?format=pdf 转换为 PDF）",
    response_class=Response,
    responses={
        200: {"content": {DOCX: {}, PDF: {}}, "description": "文书文件"},
        **ERRORS,
        501: PDF_UNAVAILABLE,
        503: PDF_FAILED,
    },
)
def download_document(
    rt: RuntimeDep,
    user: CurrentUser,
    case_id: RowId,
    doc_id: RowId,
    format: Annotated[Literal["docx", "pdf"], Query(description="docx（默认，存档原件）或 pdf（由 LibreOffice 转换）")] = "docx",
) -> Response:
    filename, content = queries.get_document(rt, user, case_id, doc_id, as_pdf=format == "pdf")
    return Response(
        content,
        media_type=PDF if format == "pdf" else DOCX,
        headers={
            "Content-Disposition": f"attachment; filename=\"document-{doc_id}.{format}\"; filename*=UTF-8''{quote(filename)}"
        },
    )


@router.get("/tasks", summary="待办：当前用户现在可以处理的案件", responses=ERRORS)
def list_tasks(rt: RuntimeDep, user: CurrentUser) -> TasksPublic:
    return queries.list_tasks(rt, user)
