"""执法全过程记录: attachments (upload, list, read with Range, supersede) and the 调阅 log."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, Response, StreamingResponse
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool

from ...schemas_records import AccessLogPublic, AttachmentPublic, AttachmentsPublic, SupersedeRequest
from ...services import access_log, attachments, case_file
from .. import uploads
from ..deps import CurrentUser, PageNo, RowId, RuntimeDep
from ..errors import error_responses

router = APIRouter(prefix="/api")
ERRORS = error_responses(401, 403, 404, 409, 413, 415, 422)


@router.post(
    "/cases/{case_id}/attachments",
    status_code=201,
    summary="上传附件（multipart：file 文件，caption 说明）：证据照片、扫描件、音像记录",
    responses=ERRORS,
)
async def upload_attachment(request: Request, rt: RuntimeDep, user: CurrentUser, case_id: RowId) -> AttachmentPublic:
    await run_in_threadpool(attachments.check_may_attach, rt, user, case_id)
    received = await uploads.receive(
        request, rt.files, attachments.max_upload_bytes(rt), partial(attachments.check_content, rt)
    )
    try:
        caption = received.fields.get("caption", "")
        return await run_in_threadpool(attachments.add, rt, user, case_id, received.pending, received.file_name, caption)
    finally:
        received.pending.abort()  # after a commit there is nothing left to remove


@router.get("/cases/{case_id}/attachments", summary="案件的附件（含已被替换的）", responses=ERRORS)
def list_attachments(rt: RuntimeDep, user: CurrentUser, case_id: RowId) -> AttachmentsPublic:
    return attachments.list_attachments(rt, user, case_id)


def first_piece(request: Request) -> bool:
    """A player asks for a file in pieces (Range); only the request that starts it is a new view."""
    wanted = request.headers.get("range", "")
    return not wanted or wanted.replace(" ", "").startswith("bytes=0-")


def attachment_response(rt: RuntimeDep, request: Request, opened: attachments.Opened, download: bool) -> Response:
    a = opened.attachment
    disposition = f"{'attachment' if download else 'inline'}; filename*=UTF-8''{quote(a.file_name)}"
    headers = {"Content-Disposition": disposition, "X-Content-Type-Options": "nosniff"}
    if isinstance(opened.path, Path):  # FileResponse answers Range requests (206) itself
        return FileResponse(opened.path, media_type=a.media_type, headers=headers)
    stream = opened.open(rt)
    return StreamingResponse(iter(lambda: stream.read(1024 * 1024), b""), media_type=a.media_type, headers=headers)


@router.get(
    "/cases/{case_id}/attachments/{attachment_id}",
    summary="附件内容（支持 Range；?download=true 作为下载），写入调阅记录",
    response_class=Response,
    responses=ERRORS,
)
def read_attachment(
    request: Request,
    rt: RuntimeDep,
    user: CurrentUser,
    case_id: RowId,
    attachment_id: RowId,
    download: Annotated[bool, Query(description="true：下载；false：在页面中查看或播放")] = False,
) -> Response:
    action = ("download" if download else "view") if first_piece(request) else None
    opened = attachments.open_attachment(rt, user, case_id, attachment_id, action=action)
    return attachment_response(rt, request, opened, download)


@router.post(
    "/cases/{case_id}/attachments/{attachment_id}/supersede",
    summary="替换附件（原件保留，注明原因和替换它的附件）",
    responses=ERRORS,
)
def supersede_attachment(
    rt: RuntimeDep, user: CurrentUser, case_id: RowId, attachment_id: RowId, body: SupersedeRequest
) -> AttachmentPublic:
    return attachments.supersede(rt, user, case_id, attachment_id, body.reason, body.replaced_by)


@router.get("/cases/{case_id}/access-log", summary="调阅记录：谁在何时查看或下载了本案的哪些材料", responses=ERRORS)
def read_access_log(rt: RuntimeDep, user: CurrentUser, case_id: RowId, page: PageNo = 1) -> AccessLogPublic:
    return access_log.read(rt, user, case_id, page)


def case_file_response(file: case_file.CaseFile) -> FileResponse:
    """The archive, removed from the temporary directory once sent."""
    media = "application/pdf" if file.path.suffix == ".pdf" else "application/zip"
    return FileResponse(
        file.path,
        media_type=media,
        headers={"Content-Disposition": f"attachment; filename=\"case-file{file.path.suffix}\"; filename*=UTF-8''{quote(file.file_name)}"},
        background=BackgroundTask(file.path.unlink, missing_ok=True),
    )


@router.get(
    "/cases/{case_id}/file",
    summary="案卷：封面、卷内目录、文书（按程序顺序）、证据材料、音像记录及 SHA-256 清单（ZIP，或 ?format=pdf）",
    response_class=Response,
    responses={200: {"content": {"application/zip": {}, "application/pdf": {}}}, **error_responses(401, 404, 422, 501, 503)},
)
def export_case_file(
    rt: RuntimeDep,
    user: CurrentUser,
    case_id: RowId,
    format: Annotated[Literal["zip", "pdf"], Query(description="zip（默认）或 pdf（需 LibreOffice）")] = "zip",
) -> Response:
    return case_file_response(case_file.export(rt, user, case_id, as_pdf=format == "pdf"))
