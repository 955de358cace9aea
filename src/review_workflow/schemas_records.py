"""Public shapes of 执法全过程记录: attachments, their replacement, and the 调阅 log."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from .schemas import Named


class AttachmentPublic(BaseModel):
    id: int
    case_id: int
    sha256: str
    size: int
    media_type: str
    kind: str  # photo video audio pdf
    file_name: str
    caption: str
    uploaded_by: Named
    uploaded_at: datetime
    state: str  # the step of the case when it was attached
    state_title: str
    after_closing: bool  # attached after the case was closed (not part of the frozen file)
    superseded_at: datetime | None = None
    superseded_by_id: int | None = None
    superseded_reason: str | None = None
    url: str  # the bytes (Range requests answered)


class AttachmentsPublic(BaseModel):
    data: list[AttachmentPublic]
    count: int
    may_attach: bool = False  # the reader may add attachments to this case


class SupersedeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=500, description="替换原因（写入审计记录）")
    replaced_by: int | None = Field(default=None, ge=1, le=2**63 - 1, description="替换它的附件编号（同一案件）")


class AccessEntryPublic(BaseModel):
    at: datetime
    user: Named
    action: str  # view download
    target: str  # attachment document case_file
    target_id: int | None
    title: str


class AccessLogPublic(BaseModel):
    data: list[AccessEntryPublic]
    count: int
