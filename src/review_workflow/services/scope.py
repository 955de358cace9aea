"""Who may see what, and which cases are open: one rule each, in Python (a loaded case) and in SQL
(a query of cases), side by side so that they cannot drift apart.

A user sees the cases of their own agency and the cases addressed to it (a filing sent to the 司法局 is
the 司法局's to see); supervisors (执法监督) see every agency's.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, false, or_

from ..runtime import Runtime
from ..storage.models import Instance, User


def sees_all(user: User) -> bool:
    """Supervisors (行政执法监督) read across agencies."""
    return "supervisor" in user.roles


def concerns(user: User, inst: Instance) -> bool:
    """The case is the user's agency's own, or addressed to it."""
    return user.agency_id in (inst.agency_id, inst.counterpart_agency_id)


def can_see(user: User, inst: Instance) -> bool:
    return sees_all(user) or concerns(user, inst)


def concerns_clause(user: User) -> Any:
    """`concerns` as a condition on Instance."""
    return or_(Instance.agency_id == user.agency_id, Instance.counterpart_agency_id == user.agency_id)


def visible_clause(user: User) -> Any | None:
    """`can_see` as a condition on Instance; None when the user sees every case."""
    return None if sees_all(user) else concerns_clause(user)


def where_visible(query: Any, user: User) -> Any:
    """The query (which reads Instance) narrowed to the cases the user may see."""
    condition = visible_clause(user)
    return query if condition is None else query.where(condition)


def open_clause(rt: Runtime) -> Any:
    """Cases in a state that is not final in their workflow."""
    conditions = [
        and_(
            Instance.workflow == name,
            Instance.state.in_([s for s, spec in wf.definition.states.items() if not spec.final]),
        )
        for name, wf in rt.workflows.items()
    ]
    return or_(*conditions) if conditions else false()
