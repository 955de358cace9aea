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

from . import certificates
from .calendar import WorkCalendar, parse_rule
from .definitions import GuardRef
from .errors import CalendarNotPublished
from .records import parse as read_path
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
    first_review_on: date | None = None  # the day they first did legal review (初次从事法制审核)
    # 有效 (valid), 暂扣 (suspended) or 注销 (cancelled): core/certificates.py; None before statuses were kept.
    certificate_status: str | None = None


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
    # Asking before the payload is given (which events to offer): guards that read it do not answer yet.
    preview: bool = False
    load_calendar: Callable[[], WorkCalendar] | None = field(default=None, compare=False, repr=False)
    # The users of the case's agency with the given ids (those a `user` field names), asked on demand.
    load_people: Callable[[frozenset[int]], Mapping[int, Actor]] = field(
        default=lambda ids: {}, compare=False, repr=False
    )
    # The agency's rule sets: name -> (version, params); version 0 is the definition's defaults.
    load_rules: Callable[[], Mapping[str, tuple[int, Mapping[str, Any]]]] = field(
        default=lambda: {}, compare=False, repr=False
    )
    # Which rule versions the guards and conditions read (name -> version): what the move was decided under.
    rules_used: dict[str, int] = field(default_factory=dict, compare=False, repr=False)

    def value(self, path: str) -> Any:
        """A value of the case by path; the event being fired reads as its payload (on: today)."""
        events = self.case.events
        if self.event:
            events = {**events, self.event: {**self.payload, "on": self.today.isoformat()}}
        return read(path, self.case.data, events)

    def people(self, ids: Any) -> Mapping[int, Actor]:
        wanted = frozenset(i for i in ([ids] if isinstance(ids, int) else ids or ()) if isinstance(i, int))
        return self.load_people(wanted) if wanted else {}

    @cached_property
    def rules(self) -> Mapping[str, tuple[int, Mapping[str, Any]]]:
        return self.load_rules()

    def params(self, ref: GuardRef) -> dict[str, Any]:
        """A reference's parameters: its rule set's values (noting the version read), then its own."""
        if ref.rule is None:
            return dict(ref.params)
        version, values = self.rules[ref.rule]
        self.rules_used[ref.rule] = version
        return {**values, **ref.params}

    @cached_property
    def calendar(self) -> WorkCalendar:
        if self.load_calendar is None:
            raise RuntimeError("this guard needs the working-day calendar, and none was given")
        return self.load_calendar()


Guard = Callable[..., str | None]
Condition = Callable[..., bool]


@dataclass(frozen=True)
class Named:
    """A registered guard or condition: the function, its parameters, and which of them name something
    the loader resolves: paths of the case, events, timers, child workflows, period rules."""

    fn: Callable[..., Any]
    required: frozenset[str]
    optional: frozenset[str]
    paths: frozenset[str]
    events: frozenset[str] = frozenset()
    timers: frozenset[str] = frozenset()
    workflows: frozenset[str] = frozenset()
    rules: frozenset[str] = frozenset()


GUARDS: dict[str, Named] = {}
CONDITIONS: dict[str, Named] = {}


# Parameters that name an event, a timer, a child workflow or a period rule, whatever the guard: the
# loader resolves each at load.
EVENT_PARAMS = frozenset({"event", "since", "fire"})
TIMER_PARAMS = frozenset({"timer"})
WORKFLOW_PARAMS = frozenset({"workflow"})
RULE_PARAMS = frozenset({"gap", "period"})


def _register(table: dict[str, Named], fn: Callable[..., Any], paths: tuple[str, ...]) -> None:
    params = list(inspect.signature(fn).parameters.values())[1:]  # after ctx
    names = frozenset(p.name for p in params)
    table[fn.__name__] = Named(
        fn,
        frozenset(p.name for p in params if p.default is inspect.Parameter.empty),
        frozenset(p.name for p in params if p.default is not inspect.Parameter.empty),
        frozenset(paths),
        names & EVENT_PARAMS,
        names & TIMER_PARAMS,
        names & WORKFLOW_PARAMS,
        names & RULE_PARAMS,
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


def _holds(ref: GuardRef, ctx: GuardContext) -> bool:
    return bool(CONDITIONS[ref.name].fn(ctx, **ctx.params(ref)))


def holds(refs: Sequence[GuardRef], ctx: GuardContext) -> bool:
    """Every condition holds."""
    return all(_holds(ref, ctx) for ref in refs)


def applies(ref: GuardRef, ctx: GuardContext) -> bool:
    """A guard applies when all its `only_if`, one of its `only_if_any` (if any) and none of its `unless`
    conditions hold."""
    return (
        holds(ref.only_if, ctx)
        and (not ref.only_if_any or any(_holds(c, ctx) for c in ref.only_if_any))
        and not any(_holds(c, ctx) for c in ref.unless)
    )


def _reads_payload(ref: GuardRef, ctx: GuardContext) -> bool:
    return any(read_path(p).event == ctx.event for p in param_paths(GUARDS[ref.name], ref.params))


def reasons(refs: Sequence[GuardRef], ctx: GuardContext) -> list[str]:
    """Why the move may not go ahead: one sentence per guard that applies and says no. Empty: it may.
    In a preview, guards that read the payload of the event are left for when it is fired."""
    out = []
    for ref in refs:
        if ctx.preview and _reads_payload(ref, ctx):
            continue
        if not applies(ref, ctx):
            continue
        reason = GUARDS[ref.name].fn(ctx, **ctx.params(ref))
        if reason:
            out.append(reason)
    return out


# -- people ---------------------------------------------------------------------------------------


@guard()
def handler_certificate_valid(ctx: GuardContext) -> str | None:
    """持证上岗: the acting handler holds an enforcement certificate (执法证) valid on the day: not 暂扣,
    not 注销, not expired (the refusal names which)."""
    return _certificate_problem(ctx.actor, ctx.today)


@guard()
def reviewer_legally_qualified(ctx: GuardContext, unless_reviewing_since: str | None = None) -> str | None:
    """行政处罚法 art. 58: one who does legal review for the first time holds the national legal
    professional qualification (法律职业资格). With `unless_reviewing_since` (e.g. 2021-07-15, the day the
    rule took effect), those who already did legal review before that day need not."""
    a = ctx.actor
    if a.legal_qualification:
        return None
    if unless_reviewing_since and a.first_review_on and a.first_review_on < date.fromisoformat(unless_reviewing_since):
        return None
    return f"{a.name}未取得法律职业资格，初次从事法制审核的人员应当取得法律职业资格"


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
def child_outcome(ctx: GuardContext, workflow: str, fire: str, message: str, since: str | None = None) -> str | None:
    """The case's latest child case of `workflow` has ended, and its end fired `fire` on this case
    (e.g. the legal review ended approved) — after the event `since`, if given (e.g. after the proposal it
    reviewed was last changed). Read from the child case and the engine's record of the event, never from
    a value a client could send."""
    latest = next((c for c in reversed(ctx.case.children) if c.workflow == workflow), None)
    if latest is None or not latest.final:
        return message
    fired = ctx.case.events.get(fire, {})
    if fired.get("child_id") != latest.id:
        return message
    return None if since is None or _after(ctx, fire, since) else message


def _seq(ctx: GuardContext, event: str) -> int | None:
    """Where the event last happened in the case's audit trail (the event being fired comes last)."""
    if event == ctx.event:
        return 1 << 62
    seq = ctx.case.events.get(event, {}).get("seq")
    return seq if isinstance(seq, int) else None


def _after(ctx: GuardContext, event: str, since: str) -> bool:
    """`event` happened, later than `since` did (or `since` never happened)."""
    at, before = _seq(ctx, event), _seq(ctx, since)
    return at is not None and (before is None or at > before)


@guard()
def happened_since(ctx: GuardContext, event: str, message: str, since: str | None = None) -> str | None:
    """`event` has happened — after the last `since`, if given (e.g. the collective discussion after the
    proposal it discussed)."""
    if since is None:
        return None if _seq(ctx, event) is not None else message
    return None if _after(ctx, event, since) else message


@guard("paths")
def given(ctx: GuardContext, paths: list[str], message: str) -> str | None:
    """Every value at `paths` is given (a statutory field a document must carry, say)."""
    return None if all(ctx.value(p) not in (None, "", []) for p in paths) else message


@guard()
def refuse(ctx: GuardContext, message: str) -> str | None:
    """Always no: with `only_if`/`unless`, a rule stated as its conditions (e.g. no hearing without the
    right to one)."""
    return message


@guard("paths")
def dates_in_order(ctx: GuardContext, paths: list[str], message: str = "") -> str | None:
    """The dates at `paths` are given in order (each on or after the one before), and none is later than
    today: a legal date can be neither in the future nor before the step it follows. `today` may be
    named among the paths; dates not given are skipped."""
    named = [(p, ctx.today if p == "today" else _as_date(ctx.value(p))) for p in [*paths, "today"]]
    given = [(p, d) for p, d in named if d is not None]
    for (p1, d1), (p2, d2) in zip(given, given[1:], strict=False):
        if d2 < d1:
            if p2 == "today":
                return message or f"日期不能晚于今天（{p1}：{d1.isoformat()}）"
            return message or f"日期顺序不对：{p2}（{d2.isoformat()}）早于 {p1}（{d1.isoformat()}）"
    return None


@guard("path", "start")
def date_within(ctx: GuardContext, path: str, start: str, period: str, message: str) -> str | None:
    """The date at `path` falls inside the period `period` that starts on the date at `start` (the start
    day not counted; `5wd` on the statutory calendar), e.g. a hearing asked for within five working days."""
    day, first = _as_date(ctx.value(path)), _as_date(ctx.value(start))
    if day is None or first is None:
        return None
    try:
        last = ctx.calendar.due(first, period).date
    except CalendarNotPublished:
        last = ctx.calendar.due(first, period, provisional=True).date
    return None if day <= last else f"{message}（期间至{last.isoformat()}届满）"


@guard("path")
def officers_certified(ctx: GuardContext, path: str, minimum: int = 2) -> str | None:
    """行政处罚法 art. 42: the people named at `path` are at least `minimum` officers of the case's agency,
    each holding an enforcement certificate (执法证) valid on the day (not 暂扣, 注销 or expired)."""
    ids = set(ctx.value(path) or ())
    people = ctx.people(ids)
    if len(ids) < minimum:
        return f"执法人员不得少于{minimum}人"
    problems = [f"编号 {i} 不是本机关人员" for i in sorted(ids - set(people))]
    problems += [r for person in people.values() if (r := _certificate_problem(person, ctx.today))]
    return "；".join(problems) or None


def _certificate_problem(a: Actor, today: date) -> str | None:
    return certificates.problem(
        a.name, a.certificate_no, a.certificate_valid_from, a.certificate_valid_until, a.certificate_status, today
    )


@guard("path")
def people_of_agency(ctx: GuardContext, path: str, message: str = "") -> str | None:
    """Everyone a `user` field names is an active member of the case's agency."""
    value = ctx.value(path)
    ids = {v for v in (value if isinstance(value, list) else [value]) if v is not None}
    missing = sorted(ids - set(ctx.people(ids)))
    return (message or f"编号 {'、'.join(map(str, missing))} 不是本机关人员") if missing else None


@guard("person", "among")
def not_among(ctx: GuardContext, person: str, among: list[str], message: str) -> str | None:
    """The person at `person` is none of the people at the paths `among` (e.g. the hearing's host is not
    one of the case's investigators, 行政处罚法 art. 64)."""
    others: set[Any] = set()
    for path in among:
        value = ctx.value(path)
        others |= set(value) if isinstance(value, list) else {value}
    return message if ctx.value(person) in others else None


@guard()
def timer_running(ctx: GuardContext, timer: str, message: str) -> str | None:
    """The timer runs (open and not paused)."""
    running = ctx.case.open_timers.get(timer)
    return None if running is not None and not running.paused else message


@guard()
def timer_paused(ctx: GuardContext, timer: str, message: str) -> str | None:
    running = ctx.case.open_timers.get(timer)
    return None if running is not None and running.paused else message


@condition("path")
def equals(ctx: GuardContext, path: str, value: Any) -> bool:
    return bool(ctx.value(path) == value)


@condition("path")
def not_empty(ctx: GuardContext, path: str) -> bool:
    """A value is given (a non-empty text, list, or true)."""
    return bool(ctx.value(path))


@condition()
def happened(ctx: GuardContext, event: str) -> bool:
    return _seq(ctx, event) is not None


@condition()
def happened_after(ctx: GuardContext, event: str, since: str, field: str | None = None, value: Any = None) -> bool:
    """`event` happened after the last `since` (the condition form of the guard `happened_since`) — and,
    with `field`, recorded `value` there (e.g. the discussion since the proposal concluded 不予行政处罚)."""
    if not _after(ctx, event, since):
        return False
    return field is None or ctx.value(f"{event}.{field}") == value


# -- penalties ------------------------------------------------------------------------------------


@condition("party_type", "fine", "confiscation", "penalty_types", "flag")
def penalty_reaches(
    ctx: GuardContext,
    party_type: str,
    fine: str,
    penalty_types: str,
    individual_fine: float | None,
    organization_fine: float | None,
    confiscation: list[str] | str = (),  # type: ignore[assignment]
    types: list[str] = (),  # type: ignore[assignment]
    organization_types: list[str] = (),  # type: ignore[assignment]
    flag: str | None = None,
) -> bool:
    """A penalty at or above a level the law names: a fine, or a confiscation (the sum of the amounts at
    the `confiscation` paths), at or above the amount for the party's type; a penalty type that reaches it
    by itself (`types`, or `organization_types` for a legal person or other organisation); or a flag the
    officer set (`flag`, e.g. 其他较重的行政处罚). Both 重大行政处罚 (Henan 168号令 art. 3) and the right to a
    hearing (行政处罚法 art. 63, with the 较大数额 of 河南省政府令第204号) are this test with their own numbers."""
    organisation = ctx.value(party_type) == "organization"
    threshold = organization_fine if organisation else individual_fine
    paths = [confiscation] if isinstance(confiscation, str) else list(confiscation)
    confiscated = sum(float(ctx.value(p) or 0) for p in paths)
    if threshold is not None and (float(ctx.value(fine) or 0) >= threshold or (paths and confiscated >= threshold)):
        return True
    chosen = set(ctx.value(penalty_types) or ())
    if chosen & set(types) or (organisation and chosen & set(organization_types)):
        return True
    return bool(flag and ctx.value(flag))


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
    problems += [f"参数 {p} 应为路径或路径的列表" for p in named.paths if p in params and not _paths_of(params[p])]
    return problems


def _paths_of(value: Any) -> list[str]:
    """The paths a parameter names: one, or a list (empty when it is neither)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    return []


def param_paths(named: Named, params: Mapping[str, Any]) -> list[str]:
    """Every path the parameters of a guard or condition name (`today` is a word, not a path)."""
    return [p for name in named.paths if name in params for p in _paths_of(params[name]) if p != "today"]
