"""Persisted transitions: our services.cases.fire against the floor and against SpiffWorkflow.

Every contestant walks the same review path (submit → return → resubmit → approve) on fresh cases of
the same database, one transaction per transition. Rounds interleave the contestants (the order rotates)
so drift on the machine and the growth of the tables touch them alike; the figure is the median over
the rounds of the time per transition.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from bench_common import PINNED_NOW, REVIEW_PATH, WORKFLOW, Cast, median
from sqlalchemy import Engine, insert, select, update

from review_workflow.core.audit import event_hash
from review_workflow.runtime import Runtime
from review_workflow.services.cases import fire, start_case
from review_workflow.storage.models import AuditEvent, Instance


class Contestant(Protocol):
    name: str

    def prepare(self, count: int) -> list[Any]: ...

    def run(self, cases: list[Any]) -> int: ...


# -- the floor: raw SQLAlchemy Core -----------------------------------------------------------------

FLOOR_MOVES = {(source, event): dest for (event, _, _, dest), source in zip(
    REVIEW_PATH, ("drafting", "under_review", "returned", "under_review"), strict=True)}
instances, audit = Instance.__table__, AuditEvent.__table__


class Floor:
    """The least a persisted transition can do: read the row (locked), decide from a dict, UPDATE with
    the version check, INSERT the audit row with its sha256 chain; one transaction."""

    name = "floor"

    def __init__(self, db: Engine, c: Cast, now: datetime = PINNED_NOW) -> None:
        self.db, self.cast, self.now = db, c, now

    def prepare(self, count: int) -> list[Any]:
        row = dict(
            workflow="floor", definition_hash="-", agency_id=self.cast.agency_id, handler_id=self.cast.handler_id,
            title="某公司销售过期食品案", party="某食品有限公司", state="drafting", version=1, data={},
            created_at=self.now, updated_at=self.now,
        )
        with self.db.begin() as conn:
            return list(conn.execute(insert(instances).returning(instances.c.id), [row] * count).scalars())

    def transition(self, case_id: int, event: str, actor_id: int, payload: dict[str, Any]) -> None:
        with self.db.begin() as conn:
            row = conn.execute(
                select(instances.c.state, instances.c.version, instances.c.last_event_hash)
                .where(instances.c.id == case_id)
                .with_for_update()
            ).one()
            dest = FLOOR_MOVES[(row.state, event)]
            fields = dict(
                instance_id=case_id, seq=row.version, actor_id=actor_id, event=event, from_state=row.state,
                to_state=dest, payload=payload, at=self.now, prev_hash=row.last_event_hash,
            )
            digest = event_hash(**fields)
            done = conn.execute(
                update(instances)
                .where(instances.c.id == case_id, instances.c.version == row.version)
                .values(state=dest, version=row.version + 1, updated_at=self.now, last_event_hash=digest)
            )
            if done.rowcount != 1:
                raise RuntimeError("floor: stale version")
            conn.execute(insert(audit).values(**fields, hash=digest))

    def run(self, cases: list[Any]) -> int:
        for case_id in cases:
            for event, role, payload, _ in REVIEW_PATH:
                self.transition(case_id, event, self.cast.actor(role), payload)
        return len(cases) * len(REVIEW_PATH)


# -- ours: services.cases.fire ------------------------------------------------------------------------


class Ours:
    def __init__(self, name: str, rt: Runtime, c: Cast) -> None:
        self.name, self.rt, self.cast = name, rt, c

    def prepare(self, count: int) -> list[Any]:
        return [
            start_case(self.rt, self.cast.handler_id, WORKFLOW, "某公司销售过期食品案", "某食品有限公司").id
            for _ in range(count)
        ]

    def run(self, cases: list[Any]) -> int:
        for case_id in cases:
            version = 1
            for event, role, payload, _ in REVIEW_PATH:
                case = fire(self.rt, case_id, event, self.cast.actor(role), payload, version)
                version = case.version
            if case.state != "approved":
                raise RuntimeError(f"ours: case {case_id} ended in {case.state}")
        return len(cases) * len(REVIEW_PATH)


# -- SpiffWorkflow ------------------------------------------------------------------------------------


class Spiff:
    name = "spiff"

    def __init__(self, db: Engine, c: Cast) -> None:
        from bench_spiff import SpiffStore

        self.store, self.cast = SpiffStore(db, PINNED_NOW), c

    def prepare(self, count: int) -> list[Any]:
        return self.store.create(count)

    def run(self, cases: list[Any]) -> int:
        for case_id in cases:
            for event, role, payload, _ in REVIEW_PATH:
                self.store.step(case_id, event, role, self.cast.actor(role), payload)
        return len(cases) * len(REVIEW_PATH)

    def verify(self, cases: list[Any]) -> None:
        if not self.store.finished(cases[-1]):
            raise RuntimeError("spiff: the workflow did not complete")


# -- rounds -----------------------------------------------------------------------------------------


@dataclass
class Timing:
    per_transition: list[float] = field(default_factory=list)  # seconds, one per round
    cpu: list[float] = field(default_factory=list)  # this process's CPU seconds per transition

    @property
    def median(self) -> float:
        return median(self.per_transition)

    @property
    def cpu_median(self) -> float:
        return median(self.cpu)


def interleaved(
    contestants: list[Contestant], cases: dict[str, int], rounds: int, warmup: int = 1,
    clock: Callable[[], float] | None = None,
) -> dict[str, Timing]:
    """`warmup` rounds not counted, then `rounds` counted; each round prepares every contestant's cases
    (untimed), then runs them in an order that rotates from round to round."""
    import time

    clock = clock or time.perf_counter
    out = {c.name: Timing() for c in contestants}
    for r in range(warmup + rounds):
        prepared = {c.name: c.prepare(cases[c.name]) for c in contestants}
        shift = r % len(contestants)
        for c in contestants[shift:] + contestants[:shift]:
            t0, c0 = clock(), time.process_time()
            n = c.run(prepared[c.name])
            elapsed, cpu = clock() - t0, time.process_time() - c0
            if r >= warmup:
                out[c.name].per_transition.append(elapsed / n)
                out[c.name].cpu.append(cpu / n)
            verify = getattr(c, "verify", None)
            if verify is not None:  # untimed
                verify(prepared[c.name])
    return out


def engine_of(contestant: Any) -> Engine:
    return contestant.rt.db if isinstance(contestant, Ours) else contestant.store.db if isinstance(contestant, Spiff) else contestant.db


def statements(contestant: Contestant) -> dict[str, float]:
    """SQL statements per transition on one fresh case, by verb (BEGIN included; COMMIT is not a
    statement to the driver)."""
    from sqlalchemy import event

    verbs: dict[str, int] = {}

    def listen(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
        verb = statement.split(None, 1)[0].upper()
        verbs[verb] = verbs.get(verb, 0) + 1

    db = engine_of(contestant)
    cases = contestant.prepare(1)
    event.listen(db, "before_cursor_execute", listen)
    try:
        n = contestant.run(cases)
    finally:
        event.remove(db, "before_cursor_execute", listen)
    return {verb: count / n for verb, count in sorted(verbs.items(), key=lambda kv: -kv[1])}
