"""Each agency's own values for the rule sets its workflows declare (`rules:` in the YAML: thresholds and
amounts the law leaves to a province or an agency — 重大行政处罚 for filing, 听证的较大数额, the 法制审核目录清单).

An administrator sets them; each change is a new version; the guards read the version in force, and the
event they decided records it (`events.<event>.rules`). With no version of its own an agency uses the
definition's defaults (version 0).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..core.definitions import Definition, RuleSet
from ..core.errors import InvalidInput, NotFound, NotPermitted, StaleVersion
from ..runtime import Runtime
from ..storage.db import UnitOfWork
from ..storage.models import Agency, AgencyRule, User
from .actors import load_user

NOTE_MAX = 500


def in_force(session: Session, d: Definition, agency_id: int) -> dict[str, tuple[int, dict[str, Any]]]:
    """Every rule set of `d` as the agency has it now: name -> (version, values). In the caller's
    transaction; one query, and none for a definition without rule sets."""
    found = {name: (0, dict(spec.params)) for name, spec in d.rules.items()}
    if not found:
        return found
    latest = (
        select(AgencyRule.rule, func.max(AgencyRule.version))
        .where(AgencyRule.agency_id == agency_id, AgencyRule.workflow == d.name)
        .group_by(AgencyRule.rule)
        .subquery()
    )
    rows = session.scalars(
        select(AgencyRule).join(
            latest, (AgencyRule.rule == latest.c.rule) & (AgencyRule.version == latest.c[1])
        ).where(AgencyRule.agency_id == agency_id, AgencyRule.workflow == d.name)
    )
    for row in rows:
        if row.rule in found:
            found[row.rule] = (row.version, {**found[row.rule][1], **row.params})
    return found


class RuleVersion(BaseModel):
    version: int
    params: dict[str, Any]
    note: str
    by: str | None
    at: str | None


class RulePublic(BaseModel):
    workflow: str
    rule: str
    title: str
    source: str = Field(description="默认值的依据")
    defaults: dict[str, Any]
    version: int = Field(description="现行版本；0 为流程定义中的默认值")
    params: dict[str, Any] = Field(description="现行取值")
    history: list[RuleVersion]


def _may_read(user: User) -> None:
    if not {"admin", "supervisor", "legal_head", "agency_head"} & set(user.roles):
        raise NotPermitted("只有系统管理员、法制机构负责人、机关负责人和执法监督人员可以查看机关规则")


def list_rules(rt: Runtime, actor_id: int, agency_id: int) -> list[RulePublic]:
    """Every rule set of every workflow, as the agency has it, with its history."""
    with UnitOfWork(rt.reads) as session:
        user = load_user(session, actor_id)
        _may_read(user)
        if session.get(Agency, agency_id) is None:
            raise NotFound(f"机关 {agency_id} 不存在")
        rows = session.scalars(
            select(AgencyRule).where(AgencyRule.agency_id == agency_id).order_by(AgencyRule.version)
        ).all()
        names = {u.id: u.name for u in session.scalars(select(User).where(User.id.in_({r.created_by_id for r in rows}))).unique()}
        out = []
        for wf in rt.workflows.values():
            d = wf.definition
            for name, spec in d.rules.items():
                mine = [r for r in rows if r.workflow == d.name and r.rule == name]
                history = [
                    RuleVersion(
                        version=r.version,
                        params=r.params,
                        note=r.note,
                        by=names.get(r.created_by_id or 0),
                        at=rt.clock.local(r.created_at).isoformat(timespec="minutes"),
                    )
                    for r in mine
                ]
                current = history[-1] if history else None
                out.append(
                    RulePublic(
                        workflow=d.name,
                        rule=name,
                        title=spec.title,
                        source=spec.source,
                        defaults=dict(spec.params),
                        version=current.version if current else 0,
                        params={**spec.params, **(current.params if current else {})},
                        history=history,
                    )
                )
        return out


def _check_values(spec: RuleSet, params: Any) -> dict[str, Any]:
    """The same keys as the defaults, each of the same kind (a number, or a list of texts); null turns an
    amount off."""
    if not isinstance(params, dict):
        raise InvalidInput("规则的取值应为对象（与默认值的键相同）")
    unknown = sorted(set(params) - set(spec.params))
    if unknown:
        raise InvalidInput(f"规则没有这些项：{'、'.join(unknown)}（可设置：{'、'.join(spec.params)}）")
    for key, value in params.items():
        default = spec.params[key]
        if isinstance(default, (int, float)) or default is None:
            ok = value is None or (isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value <= 1e12)
        elif isinstance(default, list):
            ok = isinstance(value, list) and len(value) <= 50 and all(isinstance(v, str) and 0 < len(v) <= 100 for v in value)
        else:
            ok = type(value) is type(default)
        if not ok:
            raise InvalidInput(f"规则项 {key} 的取值不符合要求（应与默认值 {default!r} 同类）")
    return params


def set_rule(
    rt: Runtime, actor_id: int, agency_id: int, workflow: str, rule: str, params: Any, note: str
) -> RulePublic:
    """A new version of an agency's values for a rule set; decisions from now on are taken under it."""
    d = rt.workflow(workflow).definition
    spec = d.rules.get(rule)
    if spec is None:
        raise NotFound(f"流程“{d.title}”没有规则 {rule!r}")
    values = _check_values(spec, params)
    note = (note or "").strip()
    if not note or len(note) > NOTE_MAX:
        raise InvalidInput(f"请写明调整的依据或理由（不超过 {NOTE_MAX} 字）")
    with UnitOfWork(rt.sessions) as session:
        user = load_user(session, actor_id)
        if "admin" not in user.roles:
            raise NotPermitted("只有系统管理员可以调整机关规则")
        if session.get(Agency, agency_id) is None:
            raise NotFound(f"机关 {agency_id} 不存在")
        version, _ = in_force(session, d, agency_id)[rule]
        session.add(
            AgencyRule(
                agency_id=agency_id,
                workflow=d.name,
                rule=rule,
                version=version + 1,
                params=values,
                note=note,
                created_by_id=user.id,
                created_at=rt.clock.now(),
            )
        )
        try:
            session.commit()
        except IntegrityError as exc:  # someone else set a version of the same rule at the same moment
            raise StaleVersion("该规则刚刚已被他人调整，请刷新后重试") from exc
    return next(r for r in list_rules(rt, actor_id, agency_id) if r.workflow == d.name and r.rule == rule)
