"""The OpenAPI tells the truth: the answers every /api operation may give are declared here, in one place,
from what the operation takes (its security, parameters and body) — not copied by hand onto each route,
which is how they were missed.

- every route: 422 (a control character in the path, the query or a header; a bad parameter);
- a route that needs a token: 401, with its `WWW-Authenticate` header;
- a route with a path parameter: 404 (nothing there, not visible to the user, or an id out of range);
- a route with a body: 400 (a form or upload that does not parse) and 413 (over 1 MB);
- a route that takes `If-Match`: the header is required, 409 (stale version) and 428 (missing).

Business answers a route adds of its own (403, 409, 501, 503) stay on the route's `responses=`.
Also here: OPTIONS answers 204 with the methods the path really has in `Allow`, and 405 says the same.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.openapi.utils import get_openapi
from starlette.routing import Match

from ..schemas import ErrorPublic

DESCRIPTIONS = {
    400: "请求内容无法解析，如损坏的表单或上传文件（code: malformed_request）",
    401: "未提供令牌，或令牌无效、已过期、已吊销（code: not_authenticated、token_expired、token_revoked）",
    403: "无权执行，或条件不满足（code: not_permitted、guard_rejected）",
    404: "不存在或无权查看；地址中的编号超出范围（1 至 2147483647）同样如此（code: not_found）",
    409: "案件已被他人修改，或当前状态不能执行该事件（code: stale_version、transition_not_allowed）",
    413: "请求内容过大（不超过 1 MB，code: body_too_large）",
    422: "请求内容不符合要求（code: invalid_request、invalid_payload、invalid_input、control_character、"
    "too_deeply_nested、calendar_not_published）",
    428: "缺少 If-Match 版本号（code: version_required）",
}
ERROR_REF = {"$ref": "#/components/schemas/ErrorPublic"}
WWW_AUTHENTICATE = {
    "WWW-Authenticate": {"description": "认证方式：Bearer", "schema": {"type": "string"}, "required": True}
}


def declared_statuses(operation: dict[str, Any]) -> set[int]:
    """The statuses any operation of this shape may answer, whatever its service says."""
    parameters = operation.get("parameters", [])
    statuses = {422}
    if operation.get("security"):
        statuses.add(401)
    if any(p["in"] == "path" for p in parameters):
        statuses.add(404)
    if "requestBody" in operation:
        statuses |= {400, 413}
    if _if_match(operation) is not None:
        statuses |= {409, 428}
    return statuses


def _if_match(operation: dict[str, Any]) -> dict[str, Any] | None:
    for parameter in operation.get("parameters", []):
        if parameter["in"] == "header" and parameter["name"].lower() == "if-match":
            return parameter  # type: ignore[no-any-return]
    return None


def _error(status: int, existing: dict[str, Any] | None) -> dict[str, Any]:
    answer = dict(existing or {})
    answer["description"] = DESCRIPTIONS.get(status, answer.get("description", ""))
    answer.setdefault("content", {"application/json": {"schema": ERROR_REF}})
    if status == 401:
        answer["headers"] = WWW_AUTHENTICATE
    return answer


def truthful_openapi(app: FastAPI) -> dict[str, Any]:
    schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
    schema.setdefault("components", {}).setdefault("schemas", {}).setdefault(
        "ErrorPublic", ErrorPublic.model_json_schema(ref_template="#/components/schemas/{model}")
    )
    for path, operations in schema["paths"].items():
        if not path.startswith("/api"):
            continue
        for operation in operations.values():
            responses = operation["responses"]
            named = {int(s) for s in responses if s.isdigit() and int(s) in DESCRIPTIONS}
            for status in sorted(declared_statuses(operation) | named):
                responses[str(status)] = _error(status, responses.get(str(status)))
            if_match = _if_match(operation)
            if if_match is not None:  # optional in the signature only so that its absence is our 428
                if_match["required"] = True
                if_match["schema"] = {"type": "string", "pattern": r'^\s*(W/)?"?[0-9]{1,18}"?\s*$'}
                if_match["description"] = "案件当前版本号（GET 案件时返回的 version），如 3"
    return schema


METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def allowed_methods(app: FastAPI, scope: MutableMapping[str, Any]) -> list[str]:
    """Every method some route answers at this path (Starlette's own 405 names only the first route's)."""
    methods = {
        method
        for method in METHODS
        if any(route.matches({**scope, "method": method})[0] == Match.FULL for route in app.router.routes)
    }
    if "GET" in methods:
        methods.add("HEAD")
    return sorted(methods | {"OPTIONS"}) if methods else []


def install(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = truthful_openapi(app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def method_answer(app: FastAPI, request: Request) -> tuple[int, list[str]]:
    """For a method the path does not take: OPTIONS → 204, anything else → 405; with the real Allow."""
    allowed = allowed_methods(app, request.scope)
    return (204 if request.method == "OPTIONS" and allowed else 405), allowed
