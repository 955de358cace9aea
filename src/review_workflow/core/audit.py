"""The audit trail's hash chain (全过程留痕、可回溯): each event's hash covers the previous hash and
every recorded field of the event, so an edited, inserted or removed row breaks the chain."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any


def canonical_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def event_hash(
    *,
    instance_id: int,
    seq: int,
    actor_id: int | None,
    event: str,
    from_state: str | None,
    to_state: str,
    payload: dict[str, Any],
    at: datetime,
    prev_hash: str | None,
) -> str:
    body = json.dumps(
        {
            "instance_id": instance_id,
            "seq": seq,
            "actor_id": actor_id,
            "event": event,
            "from": from_state,
            "to": to_state,
            "payload": payload,
            "at": canonical_time(at),
            "prev": prev_hash,
        },
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ChainBreak:
    instance_id: int
    event_id: int | None
    seq: int | None
    reason: str

    def describe(self) -> str:
        where = f"案件 {self.instance_id}"
        if self.event_id is not None:
            where += f" 的第 {self.seq} 个事件（audit_events.id={self.event_id}）"
        return f"{where}：{self.reason}"
