"""One place maps errors to HTTP: `{code, message}` always, never a bare 500."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException

from ..core.errors import TooManyAttempts, WorkflowError
from ..schemas import ErrorPublic
from .openapi import method_answer

log = logging.getLogger(__name__)

_HTTP_CODES = {
    400: ("malformed_request", "请求内容无法解析（如损坏的表单或上传文件）"),
    404: ("not_found", "请求的资源不存在"),
    405: ("method_not_allowed", "不支持该请求方法"),
}


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for the error statuses a route may answer, all shaped {code, message}."""
    return {status: {"model": ErrorPublic} for status in statuses}


def _body(code: str, message: str, details: object = None) -> dict[str, object]:
    body: dict[str, object] = {"code": code, "message": message}
    if details is not None:
        body["details"] = details
    return body


def install(app: FastAPI) -> None:
    @app.exception_handler(WorkflowError)
    async def workflow_error(_: Request, exc: WorkflowError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        if isinstance(exc, TooManyAttempts):
            headers = {"Retry-After": str(exc.retry_after)}
        return JSONResponse(
            _body(exc.code, exc.message, exc.details), status_code=exc.status, headers=headers
        )

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, exc: RequestValidationError) -> JSONResponse:
        if any(e["loc"][:1] == ("path",) for e in exc.errors()):
            # A path that can name nothing (an id out of 1..2^31-1, a name too long) is simply not there.
            return JSONResponse(_body("not_found", "请求的资源不存在：地址中的编号或名称无效"), status_code=404)
        details = [
            {"field": ".".join(str(p) for p in e["loc"] if p != "body"), "message": e["msg"]}
            for e in exc.errors()
        ]
        summary = "；".join(f"{d['field']}：{d['message']}" for d in details[:3])
        return JSONResponse(_body("invalid_request", f"请求格式不正确：{summary}", details), status_code=422)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        if exc.status_code == 405:
            status, allowed = method_answer(app, request)
            headers = {"Allow": ", ".join(allowed)}
            if status == 204:
                return Response(status_code=204, headers=headers)
            return JSONResponse(_body(*_HTTP_CODES[405]), status_code=405, headers=headers)
        code, message = _HTTP_CODES.get(exc.status_code, ("http_error", str(exc.detail)))
        return JSONResponse(_body(code, message), status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(Exception)
    async def unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", exc_info=exc)
        return JSONResponse(_body("internal_error", "服务器内部错误，已记录，请联系管理员"), status_code=500)
