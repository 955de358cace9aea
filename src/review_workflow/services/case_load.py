"""One transition's read: the acting user, the case with its row locked, its running deadlines and
what the move may look up (the calendar in use, who holds a role), in one statement — so that a
transition is this read, then its writes sent together (storage/batch.py, docs/benchmarks.md).

The rows are read with Core, not the ORM, and held in the transaction's write batch, which writes back
what the move changes.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Row, Select, and_, bindparam, select, true
from sqlalchemy.orm import Session, aliased

from ..core.errors import NotFound
from ..runtime import Runtime
from ..storage import batch
from ..storage.models import Agency, Deadline, Instance, User
from . import lookups
from .actors import load_user
from .lookups import Lookups
from .scope import can_see

# The tables one transition's read joins, each under its own prefix in the row (see `_load_statement`),
# with the columns the move uses: all of the case, its deadlines and agencies; of the acting user what
# makes an Actor (and `active`), of the handler the name. A row read in part raises on the rest
# (WriteBatch.load), so a column added to what a move reads must be added here.
_ACTOR, _HANDLER = aliased(User.__table__, name="actor"), aliased(User.__table__, name="handler")
_CASE, _CASE_AGENCY = Instance.__table__, aliased(Agency.__table__, name="case_agency")
_COUNTERPART, _RUNNING = aliased(Agency.__table__, name="counterpart"), Deadline.__table__
_ACTOR_COLUMNS = (
    "id", "name", "agency_id", "roles", "active", "certificate_no", "certificate_valid_from",
    "certificate_valid_until", "legal_qualification", "first_review_on", "certificate_status",
)  # fmt: skip
_PREFIXED = {
    "u": (_ACTOR, _ACTOR_COLUMNS),
    "c": (_CASE, tuple(_CASE.c.keys())),
    "ca": (_CASE_AGENCY, tuple(_CASE_AGENCY.c.keys())),
    "h": (_HANDLER, ("id", "name", "agency_id")),
    "cp": (_COUNTERPART, tuple(_COUNTERPART.c.keys())),
    "d": (_RUNNING, tuple(_RUNNING.c.keys())),
}


def _slices() -> dict[str, tuple[slice, tuple[str, ...]]]:
    """Where each prefix's columns sit in a row: they come first, in this order; the lookups follow."""
    where, start = {}, 0
    for prefix, (_, keys) in _PREFIXED.items():
        where[prefix] = (slice(start, start + len(keys)), keys)
        start += len(keys)
    return where


_SLICES = _slices()
_LOOKUPS_FROM = sum(len(keys) for _, keys in _PREFIXED.values())


def _load_statement(rt: Runtime) -> Select[Any]:
    stmt = rt.statements.get("fire.load")
    if stmt is None:
        columns = [table.c[key].label(f"{prefix}_{key}") for prefix, (table, keys) in _PREFIXED.items() for key in keys]
        stmt = rt.statements["fire.load"] = (
            select(*columns, *lookups.columns(rt))
            .select_from(_ACTOR)
            .join(_CASE, true())  # one user row beside one case row: a deliberate cross join
            .join(_CASE_AGENCY, _CASE_AGENCY.c.id == _CASE.c.agency_id)
            .join(_HANDLER, _HANDLER.c.id == _CASE.c.handler_id)
            .outerjoin(_COUNTERPART, _COUNTERPART.c.id == _CASE.c.counterpart_agency_id)
            .outerjoin(_RUNNING, and_(_RUNNING.c.instance_id == _CASE.c.id, _RUNNING.c.closed_at.is_(None)))
            .where(_ACTOR.c.id == bindparam("actor_id"), _CASE.c.id == bindparam("case_id"))
            .order_by(_RUNNING.c.id)
            .with_for_update(of=_CASE)
        )
    return stmt


def _part(row: Row[Any], prefix: str) -> dict[str, Any] | None:
    """The columns of one joined table in a row of `_load_statement`; None where an outer join found none."""
    where, keys = _SLICES[prefix]
    values = dict(zip(keys, row[where], strict=True))
    return values if values["id"] is not None else None


def actor_and_locked_case(
    rt: Runtime, session: Session, actor_id: int, case_id: int
) -> tuple[User, Instance, Lookups]:
    """The acting user and the case, its row locked until commit, with its running deadlines (one row
    each, outer-joined) and the lookups seeded; the case and its deadlines are tracked by the
    transaction's write batch."""
    conn: Connection = session.connection()
    result = conn.execute(_load_statement(rt), {"actor_id": actor_id, "case_id": case_id})
    rows = result.all()
    if not rows or not rows[0].u_active:
        load_user(session, actor_id)  # refuses an unknown or inactive user; else the case is what is missing
        raise NotFound(f"案件 {case_id} 不存在或无权查看")
    held, first = batch.begin(session, conn), rows[0]
    user, inst = held.load(User, _part(first, "u") or {}, track=False), held.load(Instance, _part(first, "c") or {})
    agency = held.load(Agency, _part(first, "ca") or {}, track=False)
    counterpart_row = _part(first, "cp")
    counterpart = held.load(Agency, counterpart_row, track=False) if counterpart_row is not None else None
    inst.__dict__.update(  # what the move reads of them and never writes
        agency=agency, handler=held.load(User, _part(first, "h") or {}, track=False), counterpart_agency=counterpart
    )
    if not can_see(session, user, inst):
        raise NotFound(f"案件 {case_id} 不存在或无权查看")
    # The acting user's agency (the issuer of the move's documents): the case's or its counterpart's,
    # but for a supervisor of another agency.
    user.__dict__["agency"] = next(
        (a for a in (agency, counterpart) if a is not None and a.id == user.agency_id), None
    ) or session.get(Agency, user.agency_id)
    running = [held.load(Deadline, deadline) for r in rows if (deadline := _part(r, "d")) is not None]
    looked_up = list(result.keys())[_LOOKUPS_FROM:]
    fetched = {**dict(zip(looked_up, first[_LOOKUPS_FROM:], strict=True)), "agency_id": inst.agency_id}
    return user, inst, lookups.Lookups(rt, session, fetched, running={inst.id: running})
