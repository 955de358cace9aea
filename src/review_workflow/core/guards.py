"""Named guards and conditions the YAML may reference. Pure: plain values in, an answer out.

- A **guard** returns None when the move may go ahead, or a Chinese sentence saying why not.
- A **condition** returns True or False; conditions decide whether a child case starts (`conditions:`)
  and whether a guard applies at all (`only_if:`).

What they read are facts only the engine writes (the case's fields, its event records, its running
timers, its child cases) or the payload of the event being fired, which its definition declares. Numbers
and paths come from the YAML as `params`; the loader checks every name and parameter at load.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property
from typing import Any

from .calendar import WorkCalendar, parse_rule
from .definitions import GuardRef
from .errors import CalendarNotPublished
from .records import read


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
    paused: bool = False


@dataclass(frozen=True)
class ChildFact:
    """A child case as its parent's guards see it."""

    id: int
    workflow: str
    state: str
    final: bool


@dataclass(frozen=True)
class CaseFacts:
    id: int | None
    agency_id: int
    handler_id: int
    state: str
    data: Mapping[str, Any] = field(default_factory=dict)
    events: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    open_timers: Mapping[str, OpenTimer] = field(default_factory=dict)
    # The other agency the case is addressed to (e.g. the filing-review office), if any.
    counterpart_agency_id: int | None = None
    # Asked only by a guard that needs them (a query): the case's child cases, oldest first.
    load_children: Callable[[], Sequence[ChildFact]] = field(default=lambda: (), compare=False, repr=False)

    @cached_property
    def children(self) -> Sequence[ChildFact]:
        return self.load_children()


@dataclass(frozen=True)
class GuardContext:
    actor: Actor
    case: CaseFacts
    payload: Mapping[str, Any]
    today: date
    event: str = ""  # the event being fired ("" when a case starts)
    load_calendar: Callable[[], WorkCalendar] | None = field(default=None, compare=False, repr=False)

    def value(self, path: str) -> Any:
        """A value of the case by path; the event being fired reads as its payload (on: today)."""
        events = self.case.events
        if self.event:
            events = {**events, self.event: {**self.payload, "on": self.today.isoformat()}}
        return read(path, self.case.data, events)

    @cached_property
    def calendar(self) -> WorkCalendar:
        if self.load_calendar is None:
            raise RuntimeError("this guard needs the working-day calendar, and none was given")
        return self.load_calendar()


Guard = Callable[..., str | None]
Condition = Callable[..., bool]


@dataclass(frozen=True)
class Named:
    """A registered guard or condition: the function, its parameters and which of them are paths."""

    fn: Callable[..., Any]
    required: frozenset[str]
    optional: frozenset[str]
    paths: frozenset[str]


GUARDS: dict[str, Named] = {}
CONDITIONS: dict[str, Named] = {}


def _register(table: dict[str, Named], fn: Callable[..., Any], paths: tuple[str, ...]) -> None:
    params = list(inspect.signature(fn).parameters.values())[1:]  # after ctx
    table[fn.__name__] = Named(
        fn,
        frozenset(p.name for p in params if p.default is inspect.Parameter.empty),
        frozenset(p.name for p in params if p.default is not inspect.Parameter.empty),
        frozenset(paths),
    )


def guard(*paths: str) -> Callable[[Guard], Guard]:
    """Register a guard; `paths` names the parameters that are paths of the case (checked at load)."""

    def register(fn: Guard) -> Guard:
        _register(GUARDS, fn, paths)
        return fn

    return register


def condition(*paths: str) -> Callable[[Condition], Condition]:
    def register(fn: Condition) -> Condition:
        _register(CONDITIONS, fn, paths)
        return fn

    return register


def holds(refs: Sequence[GuardRef], ctx: GuardContext) -> bool:
    """Every condition holds."""
    return all(CONDITIONS[ref.name].fn(ctx, **ref.params) for ref in refs)


def reasons(refs: Sequence[GuardRef], ctx: GuardContext) -> list[str]:
    """Why the move may not go ahead: one sentence per guard that says no (those whose `only_if` does not
    hold do not apply). Empty: it may."""
    out = []
    for ref in refs:
        if ref.only_if and not holds(ref.only_if, ctx):
            continue
        reason = GUARDS[ref.name].fn(ctx, **ref.params)
        if reason:
            out.append(reason)
    return out


# -- people ---------------------------------------------------------------------------------------


@guard()
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


@guard()
def reviewer_legally_qualified(ctx: GuardContext) -> str | None:
    """行政处罚法 art. 58: legal-review staff hold the national legal professional qualification."""
    if not ctx.actor.legal_qualification:
        return f"{ctx.actor.name}未取得法律职业资格，不得从事法制审核"
    return None


@guard()
def reviewer_not_handler(ctx: GuardContext) -> str | None:
    """分岗设权: the reviewer of a case is never its handler."""
    if ctx.actor.id == ctx.case.handler_id:
        return "案件承办人不得审核本人承办的案件"
    return None


# -- time -----------------------------------------------------------------------------------------


@guard()
def deadline_extendable(ctx: GuardContext, timer: str) -> str | None:
    """A period may be extended only while it runs, and only as often as its YAML allows."""
    if timer not in ctx.case.open_timers:
        return "该期限未在计算中，无需延长"
    if ctx.case.open_timers[timer].extensions_left <= 0:
        return "该期限已延长过，不能再次延长"
    return None


@guard()
def window_elapsed(ctx: GuardContext, timer: str) -> str | None:
    """The party's period (陈述申辩, 听证申请) has run out or been closed: the case may move on."""
    running = ctx.case.open_timers.get(timer)
    if running is not None and ctx.today <= running.due:
        return f"{running.title}至{running.due.isoformat()}届满，期间届满前不得继续办理"
    return None


def _as_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    return date.fromisoformat(value) if isinstance(value, str) and value else None


@guard("later", "earlier")
def date_at_least(ctx: GuardContext, later: str, earlier: str, gap: str, message: str = "") -> str | None:
    """`later` is at least `gap` after `earlier` (`7wd`: working days on the statutory calendar; `7d`:
    calendar days), e.g. a hearing at least 7 working days after its notice (行政处罚法 art. 64).

    `later` may be no earlier than the day on which the period from `earlier` ends (the start day not
    counted). A gap in calendar days is a plain count: no rolling over rest days, which makes a period
    end later, never a gap shorter."""
    first, second = _as_date(ctx.value(earlier)), _as_date(ctx.value(later))
    if first is None or second is None:
        return None  # a date not given is the payload validation's answer, not this guard's
    rule = parse_rule(gap)
    if rule.unit == "d":
        earliest = first + timedelta(days=rule.n)
    else:
        try:
            earliest = ctx.calendar.due(first, gap).date
        except CalendarNotPublished:
            earliest = ctx.calendar.due(first, gap, provisional=True).date
    if second >= earliest:
        return None
    return message or f"两个日期之间应至少间隔{rule.describe()}（不早于{earliest.isoformat()}）"


# -- the record -----------------------------------------------------------------------------------


@guard("path")
def value_is(ctx: GuardContext, path: str, value: Any, message: str) -> str | None:
    """A value of the case (a case field, an event's record, or this event's payload) is as given."""
    return None if ctx.value(path) == value else message


@guard()
def child_outcome(ctx: GuardContext, workflow: str, fire: str, message: str) -> str | None:
    """The case's latest child case of `workflow` has ended, and its end fired `fire` on this case
    (e.g. the legal review ended approved). Read from the child case and the engine's record of the
    event, never from a value a client could send."""
    latest = next((c for c in reversed(ctx.case.children) if c.workflow == workflow), None)
    if latest is None or not latest.final:
        return message
    return None if ctx.case.events.get(fire, {}).get("child_id") == latest.id else message


@condition("path")
def equals(ctx: GuardContext, path: str, value: Any) -> bool:
    return bool(ctx.value(path) == value)


# -- penalties ------------------------------------------------------------------------------------


@condition("party_type", "fine", "confiscation", "penalty_types")
def penalty_is_major(
    ctx: GuardContext,
    party_type: str,
    fine: str,
    confiscation: str,
    penalty_types: str,
    individual_fine: float,
    organization_fine: float,
    major_types: list[str],
) -> bool:
    """重大行政处罚 (Henan 168号令 art. 3; thresholds from the YAML): a fine or confiscation at or above
    the threshold for the party type, or a penalty type that is major in itself (停产停业 …)."""
    threshold = organization_fine if ctx.value(party_type) == "organization" else individual_fine
    amounts = [ctx.value(fine) or 0, ctx.value(confiscation) or 0]
    if any(float(a) >= threshold for a in amounts):
        return True
    return bool(set(ctx.value(penalty_types) or ()) & set(major_types))


def describe_params(named: Named) -> str:
    """`a, b=…` for error messages."""
    return "、".join(sorted(named.required) + [f"{p}（可选）" for p in sorted(named.optional)])


def params_problems(named: Named, params: Mapping[str, Any]) -> list[str]:
    """What is wrong with the parameters a YAML gives a guard or condition (the paths aside)."""
    problems = []
    unknown = set(params) - named.required - named.optional
    missing = named.required - set(params)
    if unknown:
        problems.append(f"未知参数 {', '.join(sorted(unknown))}（可用：{describe_params(named)}）")
    if missing:
        problems.append(f"缺少参数 {', '.join(sorted(missing))}")
    problems += [f"参数 {p} 应为路径文本" for p in named.paths if p in params and not isinstance(params[p], str)]
    return problems
