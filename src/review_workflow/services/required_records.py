"""音像记录事项清单: an event that `requires_records` is refused until the step it leaves has them attached.

A requirement is met by an attachment of its kind added to the case while it stood in the current state
and not superseded; two requirements of the same kind need two such attachments."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..core.definitions import RECORD_KIND_TITLES, RECORD_KINDS, TransitionSpec
from ..core.errors import RecordsMissing
from ..storage.models import Attachment, Instance


def live_count(session: Session, case_id: int, state: str, kinds: tuple[str, ...]) -> int:
    """Attachments of these kinds added to the case at this step and not superseded."""
    query = select(func.count(Attachment.id)).where(
        Attachment.instance_id == case_id,
        Attachment.state == state,
        Attachment.kind.in_(kinds),
        Attachment.superseded_at.is_(None),
    )
    return int(session.scalar(query) or 0)


def missing(session: Session, inst: Instance, t: TransitionSpec) -> list[str]:
    """The titles of the records still to attach before `t` (in the definition's order)."""
    if not t.requires_records:
        return []
    needed = Counter(r.kind for r in t.requires_records)
    have = {kind: live_count(session, inst.id, inst.state, RECORD_KINDS[kind]) for kind in needed}
    out: list[str] = []
    for r in t.requires_records:
        if have[r.kind] > 0:
            have[r.kind] -= 1
        else:
            out.append(f"{r.title}（{RECORD_KIND_TITLES[r.kind]}）")
    return out


def check(session: Session, inst: Instance, t: TransitionSpec) -> None:
    lacking = missing(session, inst, t)
    if lacking:
        raise RecordsMissing(
            f"“{t.title}”须先添加音像记录：尚缺 {'、'.join(lacking)}。请在本案“材料”中上传后再执行",
            details={"missing": lacking},
        )
