"""Attachments of a case (执法全过程记录): add one (its hash into the case's audit chain), list them, read one
(logged in the 调阅 log), supersede one with a reason. Nothing is ever deleted."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..adapters.file_store import PendingFile
from ..core import payloads
from ..core.errors import (
    EmptyFile,
    FileTooLarge,
    FileTypeNotAllowed,
    InvalidFileName,
    InvalidInput,
    NotFound,
    NotPermitted,
)
from ..core.media import KIND_TITLES, Sniffed, name_problem, sniff
from ..runtime import Runtime
from ..schemas import Named
from ..schemas_records import AttachmentPublic, AttachmentsPublic
from ..storage.db import UnitOfWork
from ..storage.models import Attachment, Instance, User
from . import access_log, audit_trail
from .actors import load_user
from .cases import load_case

ATTACH_EVENT = "attach"  # the audit event that puts a file's hash into the chain
SUPERSEDE_EVENT = "supersede_attachment"
CAPTION_MAX = 500
MB = 1024 * 1024


def limit_bytes(rt: Runtime, kind: str) -> int:
    return rt.settings.upload_max_mb.get(kind, 0) * MB


def max_upload_bytes(rt: Runtime) -> int:
    """The largest file of any kind: a body declared larger is refused before a byte is read."""
    return max(rt.settings.upload_max_mb.values(), default=0) * MB


def check_content(rt: Runtime, head: bytes, size: int) -> Sniffed:
    """What the file is by its first bytes, and whether its kind and size are allowed (raises if not)."""
    found = sniff(head)
    allowed = ", ".join(f"{KIND_TITLES[k]} {v} MB" for k, v in rt.settings.upload_max_mb.items() if k in KIND_TITLES)
    if found is None or limit_bytes(rt, found.kind) <= 0:
        raise FileTypeNotAllowed(
            f"不接受此类型的文件（按文件内容识别，不按扩展名）：只接受 JPEG/PNG/WebP 照片、PDF、MP4/WebM/Ogg 等视频和录音（{allowed}）"
        )
    if size > limit_bytes(rt, found.kind):
        raise FileTooLarge(f"{KIND_TITLES[found.kind]}过大：不超过 {rt.settings.upload_max_mb[found.kind]} MB")
    return found


def _may_attach(user: User, inst: Instance) -> None:
    """The people of the case's agency (and of the agency it is addressed to) add its records; a
    supervisor above reads them."""
    if user.agency_id not in (inst.agency_id, inst.counterpart_agency_id):
        raise NotPermitted("只有办理本案的机关可以添加材料")


def check_may_attach(rt: Runtime, actor_id: int, case_id: int) -> None:
    """Asked before the body is read: an upload to a case one may not touch is refused at once."""
    with UnitOfWork(rt.reads) as session:
        user = load_user(session, actor_id)
        _may_attach(user, load_case(session, user, case_id))


def _clean_caption(caption: str) -> str:
    caption = caption.strip()
    if len(caption) > CAPTION_MAX:
        raise InvalidInput(f"说明过长（不超过 {CAPTION_MAX} 字）")
    if payloads.has_control_characters(caption.replace("\n", "").replace("\r", "")):
        raise InvalidInput("说明不能包含控制字符（如 NUL）")
    return caption


def add(
    rt: Runtime, actor_id: int, case_id: int, pending: PendingFile, file_name: str, caption: str
) -> AttachmentPublic:
    """Keep the streamed file and its row, and chain its hash into the case's audit trail, all or
    nothing: when the transaction fails, a file this upload put in the store is taken out again."""
    sniffed = check_content(rt, pending.head, pending.size)
    caption = _clean_caption(caption)
    sha = pending.digest()
    existed = rt.files.exists(sha)  # the same bytes attached before (to any case): keep them
    stored = False
    try:
        with UnitOfWork(rt.sessions) as session:
            user = load_user(session, actor_id)
            inst = load_case(session, user, case_id, for_update=True)
            _may_attach(user, inst)
            now = rt.clock.now()
            closed = rt.workflow(inst.workflow).definition.states[inst.state].final
            fields = {"sha256": sha, "size": pending.size, "media_type": sniffed.media_type, "kind": sniffed.kind}
            ev = audit_trail.record(
                session, inst, actor_id=user.id, event=ATTACH_EVENT, from_state=inst.state, to_state=inst.state,
                payload={**fields, "file_name": file_name, "caption": caption, "after_closing": closed}, at=now,
            )
            session.flush()
            row = Attachment(
                instance_id=inst.id, audit_event_id=ev.id, file_name=file_name, caption=caption, uploaded_by=user,
                uploaded_at=now, state=inst.state, after_closing=closed, **fields,
            )
            session.add(row)
            session.flush()
            pending.commit()
            stored = True
            session.commit()
            return attachment_public(rt, inst, row)
    except BaseException:
        if stored and not existed and not _referenced(rt, sha):  # another upload of the same bytes may have won
            rt.files.discard(sha)
        raise


def _referenced(rt: Runtime, sha256: str) -> bool:
    with UnitOfWork(rt.reads) as session:
        return session.scalar(select(Attachment.id).where(Attachment.sha256 == sha256).limit(1)) is not None


def attach_file(
    rt: Runtime, actor_id: int, case_id: int, file_name: str, chunks: Iterable[bytes], caption: str = ""
) -> AttachmentPublic:
    """`add` for a file read here rather than streamed over HTTP (the demo, the command line, tests)."""
    problem = name_problem(file_name)
    if problem:
        raise InvalidFileName(problem)
    check_may_attach(rt, actor_id, case_id)
    pending = rt.files.begin()
    try:
        for chunk in chunks:
            pending.write(chunk)
            if pending.size > max_upload_bytes(rt):
                raise FileTooLarge(f"文件过大：不超过 {max_upload_bytes(rt) // MB} MB")
        if pending.size == 0:
            raise EmptyFile(f"文件 {file_name} 是空的（0 字节），未保存")
        return add(rt, actor_id, case_id, pending, file_name, caption)
    finally:
        pending.abort()


def attachment_public(rt: Runtime, inst: Instance, row: Attachment) -> AttachmentPublic:
    state = rt.workflow(inst.workflow).definition.states.get(row.state)
    return AttachmentPublic(
        id=row.id,
        case_id=row.instance_id,
        sha256=row.sha256,
        size=row.size,
        media_type=row.media_type,
        kind=row.kind,
        file_name=row.file_name,
        caption=row.caption,
        uploaded_by=Named(id=row.uploaded_by.id, name=row.uploaded_by.name),
        uploaded_at=row.uploaded_at,
        state=row.state,
        state_title=state.title if state else row.state,
        after_closing=row.after_closing,
        superseded_at=row.superseded_at,
        superseded_by_id=row.superseded_by_id,
        superseded_reason=row.superseded_reason,
        url=f"/api/cases/{row.instance_id}/attachments/{row.id}",
    )


def rows_of(session: Session, case_ids: list[int]) -> list[Attachment]:
    """The attachments of these cases in the order they were attached."""
    query = select(Attachment).where(Attachment.instance_id.in_(case_ids)).order_by(Attachment.id)
    return list(session.scalars(query).unique())


def list_attachments(rt: Runtime, actor_id: int, case_id: int) -> AttachmentsPublic:
    with UnitOfWork(rt.reads) as session:
        inst = load_case(session, load_user(session, actor_id), case_id)
        user = load_user(session, actor_id)
        data = [attachment_public(rt, inst, row) for row in rows_of(session, [inst.id])]
        may = user.agency_id in (inst.agency_id, inst.counterpart_agency_id)
        return AttachmentsPublic(data=data, count=len(data), may_attach=may)


def _attachment(session: Session, case_id: int, attachment_id: int) -> Attachment:
    row = session.get(Attachment, attachment_id)
    if row is None or row.instance_id != case_id:
        raise NotFound(f"案件 {case_id} 没有编号为 {attachment_id} 的附件")
    return row


@dataclass(frozen=True)
class Opened:
    """An attachment to send: its row as the public sees it, and where its bytes are."""

    attachment: AttachmentPublic
    path: object  # a local Path for Range requests, or None (then `open` streams it)

    def open(self, rt: Runtime) -> BinaryIO:
        return rt.files.open(self.attachment.sha256)


def open_attachment(rt: Runtime, actor_id: int, case_id: int, attachment_id: int, *, action: str | None) -> Opened:
    """One attachment of a case the user may see; `action` (view, download) is written to the 调阅 log
    (None: a further piece of the same playback, not logged again)."""
    with UnitOfWork(rt.sessions) as session:
        user = load_user(session, actor_id)
        inst = load_case(session, user, case_id)
        row = _attachment(session, case_id, attachment_id)
        public = attachment_public(rt, inst, row)
        if action:
            access_log.write(session, user, inst, action, "attachment", row.id, row.file_name, rt.clock.now())
            session.commit()
        return Opened(public, rt.files.path(row.sha256))


def supersede(
    rt: Runtime, actor_id: int, case_id: int, attachment_id: int, reason: str, replaced_by: int | None
) -> AttachmentPublic:
    """Mark an attachment as replaced (it stays, with the reason and the replacement, in file and chain)."""
    if payloads.has_control_characters(reason) or not reason.strip():
        raise InvalidInput("替换原因不能为空，也不能包含控制字符")
    with UnitOfWork(rt.sessions) as session:
        user = load_user(session, actor_id)
        inst = load_case(session, user, case_id, for_update=True)
        _may_attach(user, inst)
        row = _attachment(session, case_id, attachment_id)
        if row.superseded_at is not None:
            raise InvalidInput(f"附件 {attachment_id} 已于此前被替换")
        if replaced_by is not None:
            replacement = _attachment(session, case_id, replaced_by)
            if replacement.id == row.id:
                raise InvalidInput("附件不能替换它自己")
        now = rt.clock.now()
        row.superseded_at, row.superseded_by_id, row.superseded_reason = now, replaced_by, reason.strip()
        audit_trail.record(
            session, inst, actor_id=user.id, event=SUPERSEDE_EVENT, from_state=inst.state, to_state=inst.state,
            payload={"attachment_id": row.id, "sha256": row.sha256, "replaced_by": replaced_by, "reason": row.superseded_reason},
            at=now,
        )
        session.commit()
        return attachment_public(rt, inst, row)

