from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from ...schemas import SecurityEventsPublic, SessionsRevoked
from ...services import security, web_sessions
from ..deps import CurrentUser, PageNo, PageSize, QueryId, RowId, RuntimeDep, client_ip
from ..errors import error_responses

router = APIRouter(prefix="/api/admin", tags=["security"])
ERRORS = error_responses(401, 403, 404, 422)


@router.post(
    "/users/{user_id}/sessions/revoke",
    summary="注销某用户的全部网页登录会话（管理员；该用户须重新登录）",
    responses=ERRORS,
)
def revoke_sessions(request: Request, rt: RuntimeDep, user: CurrentUser, user_id: RowId) -> SessionsRevoked:
    return web_sessions.revoke_user_sessions(rt, user, user_id, client_ip(request))


@router.get("/security-events", summary="安全日志：登录、退出、锁定、会话与令牌、改密（管理员）", responses=ERRORS)
def security_events(
    rt: RuntimeDep,
    user: CurrentUser,
    kind: Annotated[security.Kind | None, Query(description="事件类型")] = None,
    user_id: Annotated[QueryId | None, Query(description="用户编号")] = None,
    page: PageNo = 1,
    page_size: PageSize = 20,
) -> SecurityEventsPublic:
    return security.list_events(rt, user, kind=kind, user_id=user_id, page=page, page_size=page_size)
