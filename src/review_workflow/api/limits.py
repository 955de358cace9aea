"""Bounds on every request body, before any of it is parsed: its size (413) and, for JSON, how deeply it
nests (422). A pure ASGI middleware, so a body too large is refused while it streams in, never held whole.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

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


async def _refuse(send: Callable[[Message], Any], status: int, code: str, message: str) -> None:
    body = json.dumps({"code": code, "message": message}, ensure_ascii=False).encode()
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
