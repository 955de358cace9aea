"""Who may see what, and which cases are open: one rule each, in SQL (a query of cases) and for a loaded
case, side by side so that they cannot drift apart.

A user sees the cases of their own agency and the cases addressed to it (a filing sent to the 司法局 is
the 司法局's to see). A supervisor (执法监督) sees what their level of government covers: the cases of their
own agency and of every agency under it — the agencies that file with it (`filing_office_id`), the ones
that file with those, and so on: a city's 司法局 sees its city's agencies, not another city's; a province's
sees every city below it. The people of an agency (officers, certificates) are read the same way; an
administrator reads every agency's.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, exists, false, or_, select, true
from sqlalchemy.orm import Session

from ..runtime import Runtime
from ..storage.models import Agency, Instance, User


def supervises(user: User) -> bool:
    """Supervisors (行政执法监督) read across the agencies under their own."""
    return "supervisor" in user.roles


def covered_agencies(user: User) -> Any:
    """The ids of the user's agency and of every agency under it, as a subquery (UNION, not UNION ALL:
    a loop in the records ends instead of running for ever)."""
    tree = select(Agency.id).where(Agency.id == user.agency_id).cte("covered", recursive=True)
    tree = tree.union(select(Agency.id).where(Agency.filing_office_id == tree.c.id))
    return select(tree.c.id)


def agencies_clause(user: User, column: Any) -> Any:
    """Whose people and records the user may read (agencies, officers, certificates), as a condition on
    `column` (an agency id): an administrator every agency; a supervisor those their level covers."""
    if "admin" in user.roles:
        return true()
    return column.in_(covered_agencies(user))


def covers(session: Session, user: User, agency_id: int) -> bool:
    """`agencies_clause` for one agency."""
    if "admin" in user.roles or agency_id == user.agency_id:
        return True
    return agency_id in set(session.scalars(covered_agencies(user)))


def concerns_clause(user: User) -> Any:
    """The case is the user's agency's own, or addressed to it: a condition on Instance."""
    return or_(Instance.agency_id == user.agency_id, Instance.counterpart_agency_id == user.agency_id)


def visible_clause(user: User) -> Any:
    """Which cases the user may see, as a condition on Instance."""
    if not supervises(user):
        return concerns_clause(user)
    covered = covered_agencies(user)
    return or_(Instance.agency_id.in_(covered), Instance.counterpart_agency_id.in_(covered))


def where_visible(query: Any, user: User) -> Any:
    """The query (which reads Instance) narrowed to the cases the user may see."""
    return query.where(visible_clause(user))


def can_see(session: Session, user: User, inst: Instance) -> bool:
    """`visible_clause` for one loaded case (no query unless the user is a supervisor)."""
    if user.agency_id in (inst.agency_id, inst.counterpart_agency_id):
        return True
    if not supervises(user):
        return False
    return bool(session.scalar(select(exists().where(Instance.id == inst.id, visible_clause(user)))))


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
