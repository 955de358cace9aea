"""Bounds on every request, before any route sees it. Pure ASGI middlewares:

- `BodyLimits`: a body's size (413, refused while it streams in, never held whole) and, for JSON, how
  deeply it nests (422).
- `TextLimits`: no control character (NUL and the like, which PostgreSQL refuses in text) nor lone
  surrogate anywhere a string comes in — the path, the query string, the headers, a JSON body (keys and
  values, at every depth; tab and line breaks allowed there, as in multi-line text) and a form post —
  refused with 422 `control_character`; a JSON body that does not parse, 422 `invalid_request` (as
  FastAPI answered it before, now also for bytes that are not UTF-8, which it answered with an English 400).
  A page (any path outside /api) gets the answer as a Chinese error page.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qsl

from ..core.payloads import has_control_characters

MAX_BODY_BYTES = 1024 * 1024
MAX_JSON_DEPTH = 32

_STRINGS = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKETS = re.compile(rb"[\[\]{}]")

Scope = dict[str, Any]
Message = dict[str, Any]


def json_depth(body: bytes) -> int:
    """How deeply a JSON text nests arrays and objects (brackets inside strings do not count)."""
    depth = deepest = 0
    for bracket in _BRACKETS.findall(_STRINGS.sub(b"", body)):
        if bracket in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


async def _refuse(
    send: Callable[[Message], Any], status: int, code: str, message: str, details: Any = None
) -> None:
    answer: dict[str, Any] = {"code": code, "message": message}
    if details is not None:
        answer["details"] = details
    body = json.dumps(answer, ensure_ascii=False).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


class BodyLimits:
    """Refuse a body over `max_bytes` with 413 and a JSON body nested deeper than `max_depth` with 422.
    `exempt(path)` names the paths with limits of their own (uploads)."""

    def __init__(
        self,
        app: Any,
        max_bytes: int = MAX_BODY_BYTES,
        max_depth: int = MAX_JSON_DEPTH,
        exempt: Callable[[str], bool] = lambda path: False,
    ) -> None:
        self.app, self.max_bytes, self.max_depth, self.exempt = app, max_bytes, max_depth, exempt

    async def __call__(self, scope: Scope, receive: Callable[[], Any], send: Callable[[Message], Any]) -> None:
        if scope["type"] != "http" or self.exempt(scope["path"]):
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length", b"").decode("latin-1")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await self._too_large(send)
            return
        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._too_large(send)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        if b"json" in headers.get(b"content-type", b"") and json_depth(body) > self.max_depth:
            await _refuse(
                send, 422, "too_deeply_nested", f"请求内容嵌套过深（不超过 {self.max_depth} 层），未予处理"
            )
            return
        await self.app(scope, _replay(body, receive), send)

    async def _too_large(self, send: Callable[[Message], Any]) -> None:
        await _refuse(
            send, 413, "body_too_large", f"请求内容过大（不超过 {self.max_bytes // 1024} KB），未予处理"
        )


def _replay(body: bytes, receive: Callable[[], Any]) -> Callable[[], Any]:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()  # after the body: wait for the client to go away

    return replay


async def _read_body(receive: Callable[[], Any]) -> bytes | None:
    """The whole body (BodyLimits, outside, has bounded it), or None if the client went away."""
    chunks, more = [], True
    while more:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunks.append(message.get("body", b""))
        more = message.get("more_body", False)
    return b"".join(chunks)


def _strings(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """Every string of a parsed JSON value, keys included, with where it sits (findings.0.problem)."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            yield where, key
            yield from _strings(item, where)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _strings(item, f"{path}.{i}" if path else str(i))


class BadInput(Exception):
    def __init__(self, status: int, code: str, message: str, details: Any = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.details = status, code, message, details


CONTROL_MESSAGE = "不能包含控制字符（如 NUL）"


def _refused_places(where: str, pairs: list[tuple[str, str]], *, multiline: bool) -> list[dict[str, str]]:
    return [
        {"field": f"{where}.{name}" if name else where, "type": "control_character", "message": CONTROL_MESSAGE}
        for name, text in pairs
        if has_control_characters(text, multiline=multiline)
    ]


def check_request(scope: Scope, body: bytes | None) -> None:
    """Raise BadInput naming every place of the request that carries a character no text may hold."""
    problems = _refused_places("path", [("", scope.get("path", ""))], multiline=False)
    query = scope.get("query_string", b"").decode("utf-8", "replace")
    pairs = parse_qsl(query, keep_blank_values=True, errors="replace")
    problems += _refused_places("query", [p for k, v in pairs for p in ((k, k), (k, v))], multiline=False)
    headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in scope.get("headers") or []]
    problems += _refused_places("header", [(k, v.replace("\t", " ")) for k, v in headers], multiline=False)
    content_type = dict(scope.get("headers") or []).get(b"content-type", b"").lower()
    if body and b"json" in content_type:
        try:
            parsed = json.loads(body)
        except (ValueError, RecursionError):
            raise BadInput(422, "invalid_request", "请求格式不正确：请求内容不是有效的 JSON（应为 UTF-8 编码的 JSON 文本）") from None
        problems += _refused_places("body", list(_strings(parsed)), multiline=True)
    elif body and content_type.startswith(b"application/x-www-form-urlencoded"):
        form = parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True, errors="replace")
        problems += _refused_places("form", [p for k, v in form for p in ((k, k), (k, v))], multiline=True)
    if problems:
        places = "、".join(p["field"] for p in problems[:5])
        raise BadInput(422, "control_character", f"请求中含有控制字符（如 NUL），未予处理：{places}", problems)


class TextLimits:
    """Refuse control characters anywhere a string comes in (see the module's docstring).

    Installed inside the session middleware, so that a page's refusal is a page with the site's layout."""

    def __init__(self, app: Any, page: Callable[[Scope, int, str], Any] | None = None) -> None:
        self.app, self.page = app, page

    async def __call__(self, scope: Scope, receive: Callable[[], Any], send: Callable[[Message], Any]) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # Only JSON and form bodies are read here (BodyLimits has bounded them); any other body — an upload's
        # multipart stream above all — goes on unread, so that it is never held whole in memory.
        content_type = dict(scope.get("headers") or []).get(b"content-type", b"").lower()
        buffered = b"json" in content_type or content_type.startswith(b"application/x-www-form-urlencoded")
        body = await _read_body(receive) if buffered else b""
        if body is None:
            return
        forward = _replay(body, receive) if buffered else receive
        try:
            check_request(scope, body)
        except BadInput as exc:
            if self.page is not None and not scope.get("path", "").startswith("/api"):
                response = self.page(scope, exc.status, exc.message)
                await response(scope, forward, send)
            else:
                await _refuse(send, exc.status, exc.code, exc.message, exc.details)
            return
        await self.app(scope, forward, send)
