"""Receive one file from a multipart body as it streams in: parsed piece by piece (python-multipart's push
parser), written to the store's temporary file and hashed on the way, never held whole in memory.

The type is read from the first bytes as soon as they arrive and the size is checked with every piece,
so a disallowed or oversized file is refused without reading the rest. Whatever goes wrong (a refusal, a
malformed body, the client going away mid-upload) the temporary file is removed before the error leaves.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request

from ..adapters.file_store import FileStore, PendingFile
from ..core.errors import EmptyFile, FileTooLarge, InvalidFileName, InvalidUpload
from ..core.media import SNIFF_BYTES, name_problem

FILE_FIELD = "file"
FIELD_MAX = 4096  # a text field (caption, csrf_token) is short
PARTS_MAX = 8
OVERHEAD = 64 * 1024  # multipart boundaries and headers beside the file itself
BATCH = 1024 * 1024  # the server hands the body over in pieces of ~64 KB; one thread hop per megabyte

# The paths whose bodies are files: the 1 MB body limit (api/limits.py) does not apply to them.
UPLOAD_PATHS = re.compile(r"^/(api/)?cases/\d+/attachments/?$")


def is_upload_path(path: str) -> bool:
    return bool(UPLOAD_PATHS.match(path))


@dataclass
class Received:
    pending: PendingFile
    file_name: str
    fields: dict[str, str] = field(default_factory=dict)


class _Parts:
    """The callbacks of the push parser: one file part to the store, short text fields kept."""

    def __init__(self, store: FileStore, max_bytes: int, check: Callable[[bytes, int], Any]) -> None:
        self.store, self.max_bytes, self.check = store, max_bytes, check
        self.pending: PendingFile | None = None
        self.file_name = ""
        self.fields: dict[str, str] = {}
        self.parts = 0
        self._header_field = b""
        self._headers: dict[bytes, bytes] = {}
        self._name = ""
        self._text: bytearray | None = None
        self._writing: PendingFile | None = None
        self._checked = False

    @property
    def unfinished(self) -> bool:
        """The file part began and never ended (the body stopped short)."""
        return self._writing is not None

    def callbacks(self) -> dict[str, Any]:
        return {
            "on_part_begin": self.part_begin,
            "on_header_field": lambda data, start, end: setattr(self, "_header_field", self._header_field + data[start:end]),
            "on_header_value": self.header_value,
            "on_headers_finished": self.headers_finished,
            "on_part_data": self.part_data,
            "on_part_end": self.part_end,
        }

    def part_begin(self) -> None:
        self.parts += 1
        if self.parts > PARTS_MAX:
            raise InvalidUpload(f"表单部分过多（不超过 {PARTS_MAX} 个）")
        self._headers, self._header_field, self._text, self._writing = {}, b"", None, None

    def header_value(self, data: bytes, start: int, end: int) -> None:
        key = self._header_field.lower()
        self._headers[key] = self._headers.get(key, b"") + data[start:end]
        if len(self._headers[key]) > FIELD_MAX:
            raise InvalidUpload("表单部分的头过长")

    def headers_finished(self) -> None:
        self._header_field = b""
        _, options = parse_options_header(self._headers.get(b"content-disposition", b""))
        self._name = options.get(b"name", b"").decode("utf-8", "replace")
        if b"filename" not in options:
            self._text = bytearray()
            return
        if self._name != FILE_FIELD or self.pending is not None:
            raise InvalidUpload(f"只能上传一个文件（表单字段 {FILE_FIELD}）")
        try:
            name = options[b"filename"].decode("utf-8")
        except UnicodeDecodeError:
            raise InvalidFileName("文件名不是有效的 UTF-8 文本") from None
        problem = name_problem(name)
        if problem:
            raise InvalidFileName(f"{problem}：{name[:80]!r}")
        self.file_name = name
        self.pending = self._writing = self.store.begin()

    def part_data(self, data: bytes, start: int, end: int) -> None:
        if self._writing is None:
            if self._text is not None:
                self._text += data[start:end]
                if len(self._text) > FIELD_MAX:
                    raise InvalidUpload(f"表单字段 {self._name} 过长（不超过 {FIELD_MAX} 字节）")
            return
        self._writing.write(data[start:end])
        if self._writing.size > self.max_bytes:
            raise FileTooLarge(f"文件过大：不超过 {self.max_bytes // (1024 * 1024)} MB")
        if len(self._writing.head) >= SNIFF_BYTES or self._checked:
            self._checked = True
            self.check(self._writing.head, self._writing.size)  # refuses the type or the size at once

    def part_end(self) -> None:
        if self._text is not None:
            try:
                self.fields[self._name] = self._text.decode("utf-8")
            except UnicodeDecodeError:
                raise InvalidUpload(f"表单字段 {self._name} 不是有效的 UTF-8 文本") from None
        self._writing, self._text = None, None


def _boundary(request: Request) -> bytes:
    kind, options = parse_options_header(request.headers.get("content-type", ""))
    if kind != b"multipart/form-data" or not options.get(b"boundary"):
        raise InvalidUpload("请以 multipart/form-data 上传文件（表单字段 file，可附 caption 说明）")
    return options[b"boundary"]


async def receive(request: Request, store: FileStore, max_bytes: int, check: Callable[[bytes, int], Any]) -> Received:
    """The one file of the body in the store's temporary area (the caller commits or aborts it) and the
    text fields beside it. Raises with nothing left behind when anything is wrong."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes + OVERHEAD:
        raise FileTooLarge(f"文件过大：不超过 {max_bytes // (1024 * 1024)} MB")
    parts = _Parts(store, max_bytes, check)
    parser = MultipartParser(_boundary(request), parts.callbacks())  # type: ignore[arg-type]
    def feed(pieces: list[bytes]) -> None:
        for piece in pieces:
            parser.write(piece)

    try:
        batch: list[bytes] = []
        batched = 0
        async for chunk in request.stream():
            batch.append(chunk)
            batched += len(chunk)
            if batched >= BATCH:  # hashing and disk writes off the event loop, a megabyte at a time
                await run_in_threadpool(feed, batch)
                batch, batched = [], 0
        await run_in_threadpool(feed, batch)
        parser.finalize()
        if parts.pending is None:
            raise InvalidUpload(f"请求中没有文件（表单字段 {FILE_FIELD}）")
        if parts.unfinished:
            raise InvalidUpload("上传不完整：文件部分没有结束")
        if parts.pending.size == 0:
            raise EmptyFile(f"文件 {parts.file_name} 是空的（0 字节），未保存")
        parts.check(parts.pending.head, parts.pending.size)
    except ClientDisconnect:
        if parts.pending is not None:
            parts.pending.abort()
        raise InvalidUpload("上传中断：连接在文件传完之前断开，未保存任何内容") from None
    except BaseException:
        if parts.pending is not None:
            parts.pending.abort()
        raise
    return Received(parts.pending, parts.file_name, parts.fields)
