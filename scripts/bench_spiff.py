"""SpiffWorkflow running the same review path, from scripts/bpmn/major_decision_review.bpmn.

As its users do: the workflow is serialised to JSON with BpmnWorkflowSerializer and kept in a table of
the same database; each step loads the row, deserialises, completes the ready user task of the acting
lane, runs the engine steps, serialises, and writes the JSON back (UPDATE with a version check) with a
hash-chained audit row, in one transaction.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from SpiffWorkflow.bpmn.parser import BpmnParser  # type: ignore[import-untyped]
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer  # type: ignore[import-untyped]
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow  # type: ignore[import-untyped]
from SpiffWorkflow.util.task import TaskState  # type: ignore[import-untyped]
from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Engine,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    insert,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import JSONB

from review_workflow.core.audit import event_hash

BPMN = Path(__file__).resolve().parent / "bpmn" / "major_decision_review.bpmn"
PROCESS = "major_decision_review"

# Our event → (the BPMN user task, the data the task completes with beyond the payload).
STEPS = {
    "submit": ("submit", {}),
    "return": ("review", {"outcome": "return"}),
    "resubmit": ("resubmit", {}),
    "approve": ("review", {"outcome": "approve"}),
}

metadata = MetaData()
JSONType = JSON().with_variant(JSONB(), "postgresql")
spiff_instances = Table(
    "spiff_instances",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("version", Integer, nullable=False),
    Column("serialization", Text, nullable=False),  # BpmnWorkflowSerializer.serialize_json
    Column("last_event_hash", String(64)),
    Column("updated_at", DateTime(timezone=True)),
)
spiff_audit = Table(
    "spiff_audit_events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("instance_id", ForeignKey("spiff_instances.id"), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("actor_id", Integer),
    Column("event", String(80)),
    Column("task", String(80)),
    Column("payload", JSONType),
    Column("at", DateTime(timezone=True)),
    Column("prev_hash", String(64)),
    Column("hash", String(64)),
    UniqueConstraint("instance_id", "seq"),
)


@cache
def specs() -> tuple[Any, dict[str, Any]]:
    """Parse the BPMN once per process, as an application would at start."""
    parser = BpmnParser()
    parser.add_bpmn_file(str(BPMN))
    return parser.get_spec(PROCESS), parser.get_subprocess_specs(PROCESS)


def new_workflow() -> Any:
    spec, subprocesses = specs()
    wf = BpmnWorkflow(spec, subprocesses)
    wf.do_engine_steps()
    return wf


def complete(wf: Any, event: str, lane: str, payload: dict[str, Any]) -> str:
    """Complete the ready user task of `lane` for `event`; returns the task's name."""
    name, extra = STEPS[event]
    ready = [t for t in wf.get_tasks(state=TaskState.READY, manual=True) if t.task_spec.lane == lane]
    if not ready or ready[0].task_spec.name != name:
        raise RuntimeError(f"spiff: no ready {name!r} task in lane {lane!r}")
    task = ready[0]
    task.data.update(payload)
    task.data.update(extra)
    task.run()
    wf.do_engine_steps()
    return str(name)


class SpiffStore:
    """The Spiff contestant: workflows as JSON rows, one transaction per step."""

    def __init__(self, db: Engine, now: datetime) -> None:
        self.db = db
        self.now = now
        self.serializer = BpmnWorkflowSerializer()
        metadata.create_all(db)

    def create(self, count: int) -> list[int]:
        blob = self.serializer.serialize_json(new_workflow())
        with self.db.begin() as conn:
            rows = [{"version": 1, "serialization": blob, "updated_at": self.now} for _ in range(count)]
            result = conn.execute(insert(spiff_instances).returning(spiff_instances.c.id), rows)
            return [r.id for r in result]

    def step(self, instance_id: int, event: str, lane: str, actor_id: int, payload: dict[str, Any]) -> None:
        with self.db.begin() as conn:
            row = conn.execute(
                select(spiff_instances.c.serialization, spiff_instances.c.version, spiff_instances.c.last_event_hash)
                .where(spiff_instances.c.id == instance_id)
                .with_for_update()
            ).one()
            wf = self.serializer.deserialize_json(row.serialization)
            task = complete(wf, event, lane, payload)
            blob = self.serializer.serialize_json(wf)
            fields = dict(
                instance_id=instance_id, seq=row.version, actor_id=actor_id, event=event, from_state=task,
                to_state=task, payload=payload, at=self.now, prev_hash=row.last_event_hash,
            )
            digest = event_hash(**fields)
            done = conn.execute(
                update(spiff_instances)
                .where(spiff_instances.c.id == instance_id, spiff_instances.c.version == row.version)
                .values(serialization=blob, version=row.version + 1, last_event_hash=digest, updated_at=self.now)
            )
            if done.rowcount != 1:
                raise RuntimeError("spiff: stale version")
            conn.execute(
                insert(spiff_audit).values(
                    instance_id=instance_id, seq=row.version, actor_id=actor_id, event=event, task=task,
                    payload=payload, at=self.now, prev_hash=row.last_event_hash, hash=digest,
                )
            )

    def finished(self, instance_id: int) -> bool:
        with self.db.connect() as conn:
            blob = conn.execute(
                select(spiff_instances.c.serialization).where(spiff_instances.c.id == instance_id)
            ).scalar_one()
        return bool(self.serializer.deserialize_json(blob).is_completed())
