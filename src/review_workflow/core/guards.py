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
class OpenTimer:
    title: str
    due: date
    extensions_left: int


@dataclass(frozen=True)
class CaseFacts:
    id: int | None
    agency_id: int
    handler_id: int
    state: str
    data: dict[str, Any] = field(default_factory=dict)
    open_timers: dict[str, OpenTimer] = field(default_factory=dict)
    # The other agency the case is addressed to (e.g. the filing-review office), if any.
    counterpart_agency_id: int | None = None


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
    if ctx.case.open_timers[timer].extensions_left <= 0:
        return "该期限已延长过，不能再次延长"
    return None


@guard
def window_elapsed(ctx: GuardContext, timer: str) -> str | None:
    """The party's period (陈述申辩, 听证申请) has run out or been closed: the case may move on."""
    running = ctx.case.open_timers.get(timer)
    if running is not None and ctx.today <= running.due:
        return f"{running.title}至{running.due.isoformat()}届满，期间届满前不得继续办理"
    return None


@guard
def data_equals(ctx: GuardContext, field: str, value: Any, message: str) -> str | None:
    """A fact of the case (from its data, or this event's payload) has the given value."""
    actual = ctx.payload.get(field, ctx.case.data.get(field))
    return None if actual == value else message


@guard
def reviewed_if_major(
    ctx: GuardContext, individual_fine: float, organization_fine: float, major_types: list[str], reviewed_by: str
) -> str | None:
    """行政处罚法 art. 58: a major penalty is not decided before it passed legal review (the event
    `reviewed_by` happened on this case), whatever the case was flagged as when it was registered."""
    if penalty_is_major(ctx, individual_fine, organization_fine, major_types) is not None:
        return None
    if f"{reviewed_by}_on" in ctx.case.data:
        return None
    return "拟作出的处罚属于重大行政处罚，未经法制审核或者审核未通过的，不得作出决定"


@guard
def penalty_is_major(
    ctx: GuardContext, individual_fine: float, organization_fine: float, major_types: list[str]
) -> str | None:
    """重大行政处罚 (Henan 168号令; thresholds from the YAML): a fine or confiscation at or above the
    threshold for the party type, or a penalty type that is major in itself (吊销, 停产停业 …)."""
    facts = {**ctx.case.data, **ctx.payload}
    threshold = organization_fine if facts.get("party_type") == "organization" else individual_fine
    amounts = [facts.get("fine_amount") or 0, facts.get("confiscation_amount") or 0]
    if any(float(a) >= threshold for a in amounts):
        return None
    if set(facts.get("penalty_types") or ()) & set(major_types):
        return None
    return "不属于重大行政处罚"
