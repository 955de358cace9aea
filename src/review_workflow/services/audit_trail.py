"""Write one audit event in the caller's transaction, and verify the chains."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..adapters.file_store import FileStore
from ..core.audit import ChainBreak, event_hash
from ..storage import batch
from ..storage.models import Attachment, AuditEvent, Instance


def record(
    session: Session,
    instance: Instance,
    *,
    actor_id: int | None,
    event: str,
    from_state: str | None,
    to_state: str,
    payload: dict[str, Any],
    at: datetime,
) -> AuditEvent:
    """Append to the case's chain. The caller holds the case's row (lock or version), so its tip is ours."""
    seq = instance.audit_seq + 1
    fields: dict[str, Any] = dict(
        instance_id=instance.id,
        seq=seq,
        actor_id=actor_id,
        event=event,
        from_state=from_state,
        to_state=to_state,
        payload=payload,
        at=at,
        prev_hash=instance.last_event_hash,
    )
    row = batch.add(session, AuditEvent, **fields, hash=event_hash(**fields))
    instance.last_event_hash, instance.audit_seq = row.hash, seq
    return row


def find_breaks(session: Session, case_ids: list[int] | None = None) -> Iterator[ChainBreak]:
    """Walk every case's chain (or those of `case_ids`) in order; yield each place it does not hold."""
    query = select(Instance.id, Instance.last_event_hash).order_by(Instance.id)
    if case_ids is not None:
        query = query.where(Instance.id.in_(case_ids))
    instances = session.execute(query).all()
    for instance_id, tip in instances:
        prev: str | None = None
        expected_seq = 1
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.instance_id == instance_id).order_by(AuditEvent.seq)
        )
        for ev in events:
            if ev.seq != expected_seq:
                yield ChainBreak(instance_id, ev.id, ev.seq, f"事件序号不连续（应为 {expected_seq}）")
                break
            if ev.prev_hash != prev:
                yield ChainBreak(instance_id, ev.id, ev.seq, "前一事件的哈希不符，链条断裂")
                break
            recomputed = event_hash(
                instance_id=ev.instance_id,
                seq=ev.seq,
                actor_id=ev.actor_id,
                event=ev.event,
                from_state=ev.from_state,
                to_state=ev.to_state,
                payload=ev.payload,
                at=ev.at,
                prev_hash=ev.prev_hash,
            )
            if recomputed != ev.hash:
                yield ChainBreak(instance_id, ev.id, ev.seq, "事件内容与其哈希不符（记录被改动）")
                break
            prev = ev.hash
            expected_seq += 1
        else:
            if prev != tip:
                yield ChainBreak(
                    instance_id, None, None, "最后一个事件与案件记录的链尾哈希不符（事件被删除或插入）"
                )


def attachment_breaks(session: Session, files: FileStore) -> Iterator[ChainBreak]:
    """Each attachment whose chained hash differs from its row, or whose stored bytes are missing or no
    longer hash to it (re-read in full), named by its file name."""
    rows = session.execute(
        select(Attachment, AuditEvent).join(AuditEvent, AuditEvent.id == Attachment.audit_event_id).order_by(Attachment.id)
    ).unique()
    for row, ev in rows:
        where = f"附件“{row.file_name}”（attachments.id={row.id}，sha256 {row.sha256[:12]}…）"
        if ev.instance_id != row.instance_id or ev.payload.get("sha256") != row.sha256:
            yield ChainBreak(row.instance_id, ev.id, ev.seq, f"{where}的记录与审计链中登记的哈希不符")
        elif not files.exists(row.sha256):
            yield ChainBreak(row.instance_id, ev.id, ev.seq, f"{where}的文件缺失")
        elif not files.verify(row.sha256):
            yield ChainBreak(row.instance_id, ev.id, ev.seq, f"{where}的文件内容已被改动（哈希不符）")
