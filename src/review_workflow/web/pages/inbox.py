"""待办: the cases waiting for the user, most urgent first, and the user's notifications."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from ...services import notifications, worklist
from ..common import PageRoute, PageUser, RowId, RuntimeDep, VerifiedForm, flash, render, safe_next

router = APIRouter(route_class=PageRoute, include_in_schema=False)
URGENCY_TITLES = {"overdue": "已逾期", "warning": "即将到期", "normal": "期限内", "none": "无期限"}


@router.get("/inbox")
def inbox(request: Request, rt: RuntimeDep, user: PageUser, unread: bool = False) -> Response:
    work = worklist.my_tasks(rt, user)
    notes = notifications.inbox(rt, user, unread=unread, page_size=20)
    context = {"work": work, "notes": notes, "unread_only": unread, "urgency_titles": URGENCY_TITLES}
    return render(request, "inbox.html", context, user_id=user)


@router.post("/notifications/{notification_id}/read")
def mark_read(
    request: Request, rt: RuntimeDep, user: PageUser, notification_id: RowId, form: VerifiedForm
) -> Response:
    notifications.mark_read(rt, user, notification_id)
    flash(request, "已标记为已读。")
    return RedirectResponse(safe_next(form.get("next")), status_code=303)
