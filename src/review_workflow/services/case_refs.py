"""Fields of type `case`: a case that names another (the 案卷评查 of a penalty case names that case).

The payload validation checks the shape (an id between 1 and 2^31−1); here, inside the caller's
transaction, that the case exists, the acting user may see it (`scope.can_see`) and it is of the workflow
the field declares. The other way round, `case_of` lists the cases that name a given case.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core.definitions import FieldSpec
from ..core.errors import InvalidPayload
from ..runtime import Runtime
from ..storage.models import Instance, User
from .scope import can_see, visible_clause


def check(
    rt: Runtime, session: Session, user: User, specs: Mapping[str, FieldSpec], values: Mapping[str, Any]
) -> None:
    """Every `case` field given names a case the user may see, of the declared workflow; else 422."""
    details = []
    for name, spec in specs.items():
        if spec.type != "case" or values.get(name) is None:
            continue
        target = session.get(Instance, values[name])
        title = spec.title or name
        if target is None or not can_see(session, user, target):
            details.append(
                {
                    "field": name,
                    "type": "case_not_found",
                    "message": f"{title}（{name}）：案件 {values[name]} 不存在或无权查看",
                }
            )
        elif target.workflow != spec.workflow:
            wanted = rt.workflow(spec.workflow or "").definition.title
            details.append(
                {
                    "field": name,
                    "type": "case_workflow",
                    "message": f"{title}（{name}）：案件 {values[name]} 不是“{wanted}”",
                }
            )
    if details:
        raise InvalidPayload(f"提交的内容不符合要求：{details[0]['message']}", details=details)


def case_of(rt: Runtime, session: Session, user: User, inst: Instance) -> list[tuple[str, str, Instance]]:
    """The cases the user may see whose `case` fields name `inst`: (workflow title, field title, case)."""
    found: list[tuple[str, str, Instance]] = []
    for name, wf in rt.workflows.items():
        d = wf.definition
        for field, spec in d.case_fields.items():
            if spec.type != "case" or spec.workflow != inst.workflow:
                continue
            rows = session.scalars(
                select(Instance)
                .where(
                    Instance.workflow == name,
                    Instance.data[field].as_integer() == inst.id,
                    visible_clause(user),
                )
                .order_by(Instance.id)
            ).unique()
            found += [(d.title, spec.title or field, row) for row in rows]
    return found
