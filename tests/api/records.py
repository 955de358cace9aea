"""Files a test attaches (the demo's own photo and PDF, and the first bytes of an MP4), and what a test
checks in the store after an upload."""

from __future__ import annotations

import struct
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from review_workflow.runtime import Runtime
from review_workflow.services.demo_files import pdf, png
from review_workflow.storage.db import UnitOfWork
from review_workflow.storage.models import Attachment
from tests.api.conftest import auth
from tests.conftest import Person

__all__ = ["attachment_count", "mp4", "pdf", "png", "raw_upload", "stored_files", "upload"]


def mp4(size: int = 4096) -> bytes:
    """Bytes an MP4 begins with ('ftyp' box, brand isom), padded: what the store sniffs as video/mp4."""
    box = struct.pack(">I", 24) + b"ftypisom" + b"\x00\x00\x02\x00" + b"isomiso2"
    return box + bytes(range(256)) * (size // 256)


def upload(
    client: TestClient, p: Person, case_id: int, name: str, content: bytes, caption: str = "", media: str = "application/octet-stream"
) -> Any:
    return client.post(
        f"/api/cases/{case_id}/attachments",
        files={"file": (name, content, media)},
        data={"caption": caption},
        headers=auth(p),
    )


def raw_upload(client: TestClient, p: Person, case_id: int, name: bytes, content: bytes) -> Any:
    """A multipart body written by hand: the file name's bytes as given (clients escape a NUL; attackers do not)."""
    body = (
        b"--b0undary\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + name + b"\"\r\n"
        b"Content-Type: image/png\r\n\r\n" + content + b"\r\n--b0undary--\r\n"
    )
    headers = {**auth(p), "Content-Type": "multipart/form-data; boundary=b0undary"}
    return client.post(f"/api/cases/{case_id}/attachments", content=body, headers=headers)


def stored_files(rt: Runtime) -> list[Path]:
    """Every file in the store, temporary ones included."""
    root = rt.settings.files_dir
    return sorted(f for f in root.rglob("*") if f.is_file()) if root.exists() else []


def attachment_count(rt: Runtime) -> int:
    with UnitOfWork(rt.sessions) as session:
        return int(session.scalar(select(func.count(Attachment.id))) or 0)
