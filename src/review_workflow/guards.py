"""Named guards the YAML may reference. Pure: plain values in, a reason out.

A guard returns None when the move may go ahead, or a Chinese sentence saying why not. Thresholds and
other numbers come from the YAML as `params`, never from here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass(frozen=True)
class Actor:
    id: int
    name: str
    agency_id: int
    roles: frozenset[str]
    certificate_no: str | None = None
    certificate_valid_from: date | None = None
    certificate_valid_until: date | None = None
    legal_qualification: str | None = None


@dataclass(frozen=True)
class CaseFacts:
    id: int | None
    agency_id: int
    handler_id: int
    state: str
    data: dict[str, Any] = field(default_factory=dict)
    # Open timers of the case → extensions still allowed on each.
    open_timers: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class GuardContext:
    actor: Actor
    case: CaseFacts
    payload: dict[str, Any]
    today: date


Guard = Callable[..., str | None]
GUARDS: dict[str, Guard] = {}


def guard(fn: Guard) -> Guard:
    GUARDS[fn.__name__] = fn
    return fn


@guard
def handler_certificate_valid(ctx: GuardContext) -> str | None:
    """持证上岗: the acting handler holds an enforcement certificate (执法证) valid on the day."""
    a = ctx.actor
    if not a.certificate_no:
        return f"{a.name}未持有行政执法证，不得办理案件"
    if a.certificate_valid_from and ctx.today < a.certificate_valid_from:
        return f"{a.name}的行政执法证（{a.certificate_no}）尚未生效"
    if a.certificate_valid_until is None or ctx.today > a.certificate_valid_until:
        return f"{a.name}的行政执法证（{a.certificate_no}）已过期或有效期不明"
    return None


@guard
def reviewer_legally_qualified(ctx: GuardContext) -> str | None:
    """行政处罚法 art. 58: legal-review staff hold the national legal professional qualification."""
    if not ctx.actor.legal_qualification:
        return f"{ctx.actor.name}未取得法律职业资格，不得从事法制审核"
    return None


@guard
def reviewer_not_handler(ctx: GuardContext) -> str | None:
    """分岗设权: the reviewer of a case is never its handler."""
    if ctx.actor.id == ctx.case.handler_id:
        return "案件承办人不得审核本人承办的案件"
    return None


@guard
def deadline_extendable(ctx: GuardContext, timer: str) -> str | None:
    """A period may be extended only while it runs, and only as often as its YAML allows."""
    if timer not in ctx.case.open_timers:
        return "该期限未在计算中，无需延长"
    if ctx.case.open_timers[timer] <= 0:
        return "该期限已延长过，不能再次延长"
    return None
