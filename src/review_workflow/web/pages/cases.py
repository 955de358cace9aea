"""Cases: the list, a case's page with its event forms, starting a case, downloading documents."""

from __future__ import annotations

from functools import partial
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from ...api import uploads
from ...api.routes.records import attachment_response, case_file_response, first_piece
from ...core.errors import (
    InvalidPayload,
    NotFound,
    NotPermitted,
    StaleVersion,
    TransitionNotAllowed,
    WorkflowError,
)
from ...services import accounts, attachments, case_file, cases, paging, queries
from .. import forms
from ..case_view import case_page, field_list
from ..common import PageRoute, PageUser, RowId, RuntimeDep, VerifiedForm, check_csrf, flash, render

router = APIRouter(route_class=PageRoute, include_in_schema=False)
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@router.get("/cases")
def case_list(
    request: Request,
    rt: RuntimeDep,
    user: PageUser,
    q: str = "",
    state: str = "",
    page: Annotated[int, Query(ge=1, le=paging.MAX_PAGE)] = 1,
) -> Response:
    found = queries.list_cases(rt, user, q=q or None, state=state or None, page=page)
    states = {name: s.title for wf in rt.workflows.values() for name, s in wf.definition.states.items()}
    pages = max(1, -(-found.count // found.page_size))
    context = {"found": found, "q": q, "state": state, "states": states, "pages": pages}
    return render(request, "cases.html", context, user_id=user)


# /cases/new before /cases/{case_id}, which would take "new" for an id.
def _new_case_page(
    request: Request,
    rt: RuntimeDep,
    user: int,
    workflow: str | None,
    state: forms.FormState,
    status_code: int = 200,
) -> Response:
    startable = accounts.startable_workflows(rt, user)
    if not startable:
        raise NotPermitted("您的角色不能发起任何流程")
    names = [w.name for w in startable]
    chosen = workflow if workflow in names else (names[0] if len(names) == 1 else None)
    fields = field_list(dict(rt.workflow(chosen).definition.case_fields)) if chosen else []
    context = {"startable": startable, "chosen": chosen, "fields": fields, "state": state}
    return render(request, "case_new.html", context, status_code=status_code, user_id=user)


@router.get("/cases/new", name="new_case")
def new_case(request: Request, rt: RuntimeDep, user: PageUser, workflow: str | None = None) -> Response:
    return _new_case_page(request, rt, user, workflow, forms.FormState())


@router.post("/cases/new")
def start_case(request: Request, rt: RuntimeDep, user: PageUser, form: VerifiedForm) -> Response:
    workflow = form.get("workflow", "")
    state = forms.FormState(values=form)
    if workflow not in rt.workflows:
        state.general = ["请选择要发起的流程"]
        return _new_case_page(request, rt, user, None, state, 422)
    fields = field_list(dict(rt.workflow(workflow).definition.case_fields))
    parsed = forms.parse(fields, form)
    try:
        case = cases.start_case(
            rt, user, workflow, form.get("title", ""), form.get("party", ""), parsed.payload
        )
    except InvalidPayload as exc:
        state.errors, state.general = forms.errors_by_input(exc.details, parsed)
        return _new_case_page(request, rt, user, workflow, state, 422)
    except WorkflowError as exc:
        state.general = [exc.message]
        return _new_case_page(
            request, rt, user, workflow, state, exc.status if 400 <= exc.status < 500 else 400
        )
    flash(request, f"已发起案件“{case.title}”。")
    return RedirectResponse(f"/cases/{case.id}", status_code=303)


def _case(
    request: Request,
    user: int,
    case_id: int,
    *,
    status_code: int = 200,
    message: tuple[str, str] | None = None,
    kept: tuple[str, forms.FormState] | None = None,
) -> Response:
    rt = request.app.state.runtime
    page = case_page(rt, user, case_id, kept)
    context = {"page": page, "case": page.case, "message": message}
    return render(request, "case.html", context, status_code=status_code, user_id=user)


@router.get("/cases/{case_id}")
def case_detail(request: Request, user: PageUser, case_id: RowId) -> Response:
    return _case(request, user, case_id)


@router.post("/cases/{case_id}/events/{event}")
def fire_event(
    request: Request, rt: RuntimeDep, user: PageUser, case_id: RowId, event: str, form: VerifiedForm
) -> Response:
    case = queries.get_case(rt, user, case_id)
    t = rt.workflow(case.workflow).definition.transition(event)
    if t is None:
        raise NotFound(f"该流程没有“{event}”这一操作")
    fields = field_list(dict(t.payload), rt.workflow(case.workflow).definition.sheets)
    parsed = forms.parse(fields, form, forms.checklists_for(fields))
    state = forms.FormState(values=form)
    version = form.get("version", "")
    if not version.isdigit():
        return _case(
            request,
            user,
            case_id,
            status_code=400,
            kept=(event, state),
            message=("error", "表单缺少案件版本号，操作未执行。请在下面的最新页面上重新操作。"),
        )
    try:
        moved = cases.fire(rt, case_id, event, user, parsed.payload, int(version))
    except (StaleVersion, TransitionNotAllowed) as exc:
        why = "该案件刚刚已被他人更新" if isinstance(exc, StaleVersion) else exc.message
        text = f"{why}，您提交的“{t.title}”未执行。下面显示的是案件的最新情况，请核对后再决定是否操作。"
        return _case(request, user, case_id, status_code=409, kept=(event, state), message=("warn", text))
    except InvalidPayload as exc:
        state.errors, state.general = forms.errors_by_input(exc.details, parsed)
        return _case(
            request,
            user,
            case_id,
            status_code=422,
            kept=(event, state),
            message=("error", f"“{t.title}”未执行：请按提示修改后重新提交。"),
        )
    except (NotPermitted, WorkflowError) as exc:
        status = exc.status if 400 <= exc.status < 500 else 400
        return _case(
            request,
            user,
            case_id,
            status_code=status,
            kept=(event, state),
            message=("error", f"“{t.title}”未执行：{exc.message}"),
        )
    flash(request, f"已{t.title}。案件现处于“{moved.state_title}”。")
    return RedirectResponse(f"/cases/{case_id}", status_code=303)


@router.get("/cases/{case_id}/documents/{doc_id}")
def download(rt: RuntimeDep, user: PageUser, case_id: RowId, doc_id: RowId) -> Response:
    filename, content = queries.get_document(rt, user, case_id, doc_id)
    disposition = f"attachment; filename=\"document-{doc_id}.docx\"; filename*=UTF-8''{quote(filename)}"
    return Response(content, media_type=DOCX, headers={"Content-Disposition": disposition})


@router.post("/cases/{case_id}/attachments")
async def attach(request: Request, rt: RuntimeDep, user: PageUser, case_id: RowId) -> Response:
    """The case page's 添加材料 form (multipart): streamed to the store like the API's upload."""
    try:
        await run_in_threadpool(attachments.check_may_attach, rt, user, case_id)
        received = await uploads.receive(
            request, rt.files, attachments.max_upload_bytes(rt), partial(attachments.check_content, rt)
        )
        try:
            check_csrf(request, received.fields.get("csrf_token", ""))
            caption = received.fields.get("caption", "")
            added = await run_in_threadpool(attachments.add, rt, user, case_id, received.pending, received.file_name, caption)
        finally:
            received.pending.abort()
    except WorkflowError as exc:
        status = exc.status if 400 <= exc.status < 500 else 400
        message = ("error", f"材料未保存：{exc.message}")
        return await run_in_threadpool(partial(_case, request, user, case_id, status_code=status, message=message))
    flash(request, f"已添加材料“{added.file_name}”（SHA-256 {added.sha256[:12]}…，已记入审计链）。")
    return RedirectResponse(f"/cases/{case_id}#attachments-h", status_code=303)


@router.get("/cases/{case_id}/attachments/{attachment_id}")
def attachment(
    request: Request, rt: RuntimeDep, user: PageUser, case_id: RowId, attachment_id: RowId, download: bool = False
) -> Response:
    """Shown on the page (<img>, <video> with Range) or downloaded; each view and download is logged."""
    action = ("download" if download else "view") if first_piece(request) else None
    opened = attachments.open_attachment(rt, user, case_id, attachment_id, action=action)
    return attachment_response(rt, request, opened, download)


@router.get("/cases/{case_id}/file")
def download_case_file(rt: RuntimeDep, user: PageUser, case_id: RowId) -> Response:
    """The 下载案卷 button: the ZIP the API gives."""
    return case_file_response(case_file.export(rt, user, case_id))
