"""Dependencies, declared once as Annotated aliases; tests override them through `app.state`."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Path, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from ..core.errors import NotAuthenticated, VersionRequired
from ..core.payloads import MAX_ID
from ..runtime import Runtime
from ..services import paging, tokens

bearer = HTTPBearer(
    auto_error=False,
    description="API 令牌：review-workflow tokens create 签发，有效期届满或被吊销后不再可用"
    "（review-workflow demo 会写出演示用户的令牌）",
)


def get_runtime(request: Request) -> Runtime:
    return request.app.state.runtime  # type: ignore[no-any-return]


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


def client_ip(request: Request) -> str | None:
    return request.client.host if request.client else None


def current_user_id(
    request: Request,
    rt: RuntimeDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> int:
    if credentials is None or credentials.scheme.lower() != "bearer" or not credentials.credentials:
        raise NotAuthenticated("需要登录：请在 Authorization 头中提供 Bearer 令牌")
    return tokens.authenticate(rt, credentials.credentials, client_ip(request))


CurrentUser = Annotated[int, Depends(current_user_id)]


def expected_version(if_match: Annotated[str | None, Header(description="案件当前版本号")] = None) -> int:
    """`If-Match: 3` (an ETag-style `"3"` or `W/"3"` is accepted too). ASCII digits only, at most 18 of
    them: `str.isdigit` alone would let "²" through to `int()`, and 5,000 digits would overflow it."""
    if if_match is None or not if_match.strip():
        raise VersionRequired("请在 If-Match 头中提供案件的当前版本号，以免覆盖他人的修改")
    raw = if_match.strip().removeprefix("W/").strip('"')
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 18):
        raise VersionRequired(f"If-Match 应为案件版本号（整数），收到：{if_match!r}")
    return int(raw)


ExpectedVersion = Annotated[int, Depends(expected_version)]


# Ids as the id columns hold them (32-bit). One rule (docs/api.md): an id in the path outside 1..MAX_ID
# names nothing, 404 (api/errors.py); an id in the query outside it is a bad parameter, 422.
RowId = Annotated[int, Path(ge=1, le=MAX_ID, description="编号（1 至 2147483647）")]
QueryId = Annotated[int, Query(ge=1, le=MAX_ID)]
PageNo = Annotated[int, Query(ge=1, le=paging.MAX_PAGE, description="页码，从 1 开始")]
PageSize = Annotated[int, Query(ge=1, le=paging.MAX_PAGE_SIZE, description="每页条数")]
