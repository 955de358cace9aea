from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query

from ...schemas import DeadlinesPublic, NotificationPublic, NotificationsPublic
from ...services import notifications, queries
from ..deps import CurrentUser, PageNo, PageSize, QueryId, RowId, RuntimeDep
from ..errors import error_responses

router = APIRouter(prefix="/api", tags=["deadlines"])
ERRORS = error_responses(401, 403, 404, 422)


@router.get("/deadlines", summary="期限列表（可见案件的，按到期日排序）", responses=ERRORS)
def list_deadlines(
    rt: RuntimeDep,
    user: CurrentUser,
    status: Literal["open", "met", "missed", "cancelled"] | None = None,
    due_before: Annotated[date | None, Query(description="到期日早于此日")] = None,
    responsible: Annotated[QueryId | None, Query(description="责任人用户编号")] = None,
    page: PageNo = 1,
    page_size: PageSize = 20,
) -> DeadlinesPublic:
    return queries.list_deadlines(
        rt,
        user,
        status=status,
        due_before=due_before,
        responsible=responsible,
        page=page,
        page_size=page_size,
    )


@router.get("/notifications", summary="我的站内通知", responses=ERRORS)
def my_notifications(
    rt: RuntimeDep, user: CurrentUser, unread: bool = False, page: PageNo = 1, page_size: PageSize = 20
) -> NotificationsPublic:
    return notifications.inbox(rt, user, unread=unread, page=page, page_size=page_size)


@router.post("/notifications/{notification_id}/read", summary="标记为已读", responses=ERRORS)
def mark_read(rt: RuntimeDep, user: CurrentUser, notification_id: RowId) -> NotificationPublic:
    return notifications.mark_read(rt, user, notification_id)


@router.get(
    "/admin/notifications", summary="外发通知的投递情况（管理员；status=failed 查看失败的）", responses=ERRORS
)
def deliveries(
    rt: RuntimeDep,
    user: CurrentUser,
    status: Literal["pending", "sent", "failed"] | None = None,
    page: PageNo = 1,
    page_size: PageSize = 20,
) -> NotificationsPublic:
    return notifications.deliveries(rt, user, status=status, page=page, page_size=page_size)
