"""Workflow definitions: `workflows/*.yaml` loaded, validated and resolved at start.

A bad file stops start-up with the file, the path inside it and what is wrong. Everything a transition
refers to (states, guards, document templates, roles) is resolved here, never at run time.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .calendar import parse_rule
from .errors import DefinitionError, WorkflowError

ROLES = ("handler", "reviewer", "legal_head", "agency_head", "supervisor", "admin")
FIELD_TYPES = ("str", "text", "bool", "int", "number", "date", "list[str]", "list[object]")
ANY_ACTIVE = "*"  # `sources: "*"` means every state that is not final


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FieldSpec(_Strict):
    """One payload field of an event (or of a new case)."""

    type: Literal["str", "text", "bool", "int", "number", "date", "list[str]", "list[object]"] = "str"
    title: str = ""
    required: bool = True
    choices: tuple[str, ...] | None = None
    # For `list[object]`: the fields of each item (e.g. findings: item, problem).
    fields: dict[str, FieldSpec] | None = None
    min_items: int = 0

    @model_validator(mode="after")
    def _object_lists_declare_fields(self) -> FieldSpec:
        if self.type == "list[object]" and not self.fields:
            raise ValueError("list[object] 类型必须用 fields 声明每项的字段")
        if self.type != "list[object]" and self.fields:
            raise ValueError("只有 list[object] 类型可以声明 fields")
        if self.choices is not None and self.type not in ("str", "list[str]"):
            raise ValueError("choices 只能用于 str 或 list[str] 类型")
        return self


class StateSpec(_Strict):
    title: str
    final: bool = False


class GuardRef(_Strict):
    name: str
    params: dict[str, Any] = Field(default_factory=dict)


class DocumentSpec(_Strict):
    title: str
    template: str


class TimerOpening(_Strict):
    """When a timer starts: on entering a state, or on given events; from the day of the move or from a
    date field of the payload (e.g. decision_date); optionally only when payload fields have given values."""

    on_enter: str | None = None
    on_events: tuple[str, ...] = ()
    from_field: str | None = None
    when: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _one_trigger(self) -> TimerOpening:
        if bool(self.on_enter) == bool(self.on_events):
            raise ValueError("opens 须且只须给出 on_enter 或 on_events 之一")
        return self


class TimerExtension(_Strict):
    event: str
    by: str
    times: int = Field(default=1, ge=1)


class TimerSpec(_Strict):
    """时限: a period counted on the working-day calendar, with its warning, owner and escalation."""

    title: str
    opens: TimerOpening
    rule: str
    warn_before: str | None = None
    # "handler" (the case's own handler) or a role of the case's agency.
    responsible: str = "handler"
    escalate_to: tuple[str, ...] = ()
    closed_by: tuple[str, ...]
    cancelled_by: tuple[str, ...] = ()
    extend: TimerExtension | None = None


class TransitionSpec(_Strict):
    event: str
    title: str
    sources: tuple[str, ...]
    dest: str
    roles: tuple[str, ...]
    payload: dict[str, FieldSpec] = Field(default_factory=dict)
    guards: tuple[GuardRef, ...] = ()
    documents: tuple[str, ...] = ()

    @field_validator("sources", mode="before")
    @classmethod
    def _one_source_is_a_list(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value

    @field_validator("guards", mode="before")
    @classmethod
    def _guard_by_name(cls, value: object) -> object:
        if isinstance(value, list):
            return [{"name": g} if isinstance(g, str) else g for g in value]
        return value


class Definition(_Strict):
    name: str
    title: str
    description: str = ""
    initial: str
    # A user acting in this role must be the case's own handler (承办人), not any holder of the role.
    owner_role: str = "handler"
    start_roles: tuple[str, ...] = ("handler",)
    start_guards: tuple[GuardRef, ...] = ()
    case_fields: dict[str, FieldSpec] = Field(default_factory=dict)
    states: dict[str, StateSpec]
    transitions: tuple[TransitionSpec, ...]
    documents: dict[str, DocumentSpec] = Field(default_factory=dict)
    timers: dict[str, TimerSpec] = Field(default_factory=dict)
    # Filled by the loader, not by the YAML.
    source_file: str = ""
    content_hash: str = ""

    @field_validator("start_guards", mode="before")
    @classmethod
    def _guard_by_name(cls, value: object) -> object:
        return TransitionSpec._guard_by_name(value)

    def transition(self, event: str) -> TransitionSpec | None:
        return next((t for t in self.transitions if t.event == event), None)

    def is_final(self, state: str) -> bool:
        return self.states[state].final

    def state_title(self, state: str) -> str:
        spec = self.states.get(state)
        return spec.title if spec else state


def content_hash(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def _where(loc: Iterable[Any]) -> str:
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "(根)"


def _cross_check(d: Definition, guards: Mapping[str, Any], templates_dir: Path) -> list[tuple[str, str]]:
    """Names that must resolve: states, roles, guards, documents and their template files."""
    problems: list[tuple[str, str]] = []
    states = d.states
    if d.initial not in states:
        problems.append(("initial", f"初始状态 {d.initial!r} 未在 states 中定义"))
    elif states[d.initial].final:
        problems.append(("initial", f"初始状态 {d.initial!r} 不能是终态"))
    for role in (d.owner_role, *d.start_roles):
        if role not in ROLES:
            problems.append(("start_roles", f"未知角色 {role!r}（可用：{', '.join(ROLES)}）"))
    for j, g in enumerate(d.start_guards):
        if g.name not in guards:
            problems.append((f"start_guards[{j}]", f"未知的守卫 {g.name!r}"))
    for key, doc in d.documents.items():
        if not (templates_dir / doc.template).is_file():
            problems.append((f"documents.{key}.template", f"找不到文书模板 {doc.template!r}"))
    seen: set[str] = set()
    for i, t in enumerate(d.transitions):
        at = f"transitions[{i}]"
        if t.event in seen:
            problems.append((f"{at}.event", f"事件 {t.event!r} 重复定义"))
        seen.add(t.event)
        for s in t.sources:
            if s != ANY_ACTIVE and s not in states:
                problems.append((f"{at}.sources", f"来源状态 {s!r} 未在 states 中定义"))
            elif s != ANY_ACTIVE and states[s].final:
                problems.append((f"{at}.sources", f"终态 {s!r} 不能再有流转"))
        if t.dest not in states:
            problems.append((f"{at}.dest", f"目标状态 {t.dest!r} 未在 states 中定义"))
        for role in t.roles:
            if role not in ROLES:
                problems.append((f"{at}.roles", f"未知角色 {role!r}（可用：{', '.join(ROLES)}）"))
        for j, g in enumerate(t.guards):
            if g.name not in guards:
                problems.append((f"{at}.guards[{j}]", f"未知的守卫 {g.name!r}"))
        for j, doc in enumerate(t.documents):
            if doc not in d.documents:
                problems.append((f"{at}.documents[{j}]", f"未知的文书 {doc!r}（应在 documents 中声明）"))
    problems.extend(_check_timers(d))
    return problems


def _check_timers(d: Definition) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    events = {t.event: t for t in d.transitions}
    for name, timer in d.timers.items():
        at = f"timers.{name}"
        for key, rule in (("rule", timer.rule), ("warn_before", timer.warn_before)):
            if rule is not None and (problem := rule_problem(rule)):
                problems.append((f"{at}.{key}", problem))
        if timer.extend and (problem := rule_problem(timer.extend.by)):
            problems.append((f"{at}.extend.by", problem))
        if timer.opens.on_enter and timer.opens.on_enter not in d.states:
            problems.append((f"{at}.opens.on_enter", f"状态 {timer.opens.on_enter!r} 未在 states 中定义"))
        named = [("opens.on_events", e) for e in timer.opens.on_events]
        named += [("closed_by", e) for e in timer.closed_by] + [
            ("cancelled_by", e) for e in timer.cancelled_by
        ]
        named += [("extend.event", timer.extend.event)] if timer.extend else []
        for where, event in named:
            if event not in events:
                problems.append((f"{at}.{where}", f"事件 {event!r} 未在 transitions 中定义"))
        if timer.opens.from_field:
            openers = [events[e] for e in timer.opens.on_events if e in events] or [
                t for t in d.transitions if t.dest == timer.opens.on_enter
            ]
            for t in openers:
                spec = t.payload.get(timer.opens.from_field)
                if spec is None or spec.type != "date" or not spec.required:
                    problems.append(
                        (
                            f"{at}.opens.from_field",
                            f"事件 {t.event!r} 须有必填的日期字段 {timer.opens.from_field!r}",
                        )
                    )
        for role in (timer.responsible, *timer.escalate_to):
            if role not in ROLES:
                problems.append((f"{at}.responsible", f"未知角色 {role!r}（可用：{', '.join(ROLES)}）"))
    return problems


def rule_problem(rule: str) -> str | None:
    try:
        parse_rule(rule)
    except WorkflowError as exc:
        return exc.message
    return None


def load_definition(path: Path, guards: Mapping[str, Any], templates_dir: Path) -> Definition:
    raw = path.read_bytes()
    try:
        data = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        raise DefinitionError(f"{path}: YAML 语法错误：{exc}") from exc
    if not isinstance(data, dict):
        raise DefinitionError(f"{path}: 文件内容应为一个映射（name, title, states, transitions …）")
    try:
        definition = Definition.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise DefinitionError(
            f"{path}: {_where(first['loc'])}: {first['msg']}",
            details=[{"path": _where(e["loc"]), "message": e["msg"]} for e in exc.errors()],
        ) from exc
    problems = _cross_check(definition, guards, templates_dir)
    if path.stem != definition.name:
        problems.append(("name", f"name {definition.name!r} 应与文件名 {path.stem!r} 一致"))
    if problems:
        where, what = problems[0]
        raise DefinitionError(
            f"{path}: {where}: {what}", details=[{"path": p, "message": m} for p, m in problems]
        )
    return definition.model_copy(update={"source_file": str(path), "content_hash": content_hash(raw)})


def load_definitions(
    directory: Path, guards: Mapping[str, Any], templates_dir: Path
) -> dict[str, Definition]:
    files = sorted(directory.glob("*.yaml"))
    if not files:
        raise DefinitionError(f"{directory}: 没有找到任何流程定义文件（*.yaml）")
    return {d.name: d for d in (load_definition(f, guards, templates_dir) for f in files)}


def sources_of(d: Definition, t: TransitionSpec) -> list[str]:
    """Concrete source states, with `*` expanded to every non-final state."""
    if ANY_ACTIVE in t.sources:
        return [name for name, s in d.states.items() if not s.final]
    return list(t.sources)


def to_mermaid(d: Definition, current: str | None = None) -> str:
    """A stateDiagram-v2 of the definition; `current` is highlighted."""
    lines = ["stateDiagram-v2"]
    for name, spec in d.states.items():
        lines.append(f'    state "{spec.title}" as {name}')
    lines.append(f"    [*] --> {d.initial}")
    for t in d.transitions:
        for s in sources_of(d, t):
            lines.append(f"    {s} --> {t.dest}: {t.title}")
    for name, spec in d.states.items():
        if spec.final:
            lines.append(f"    {name} --> [*]")
    if current:
        lines.append("    classDef current fill:#fde68a,stroke:#b45309,stroke-width:2px")
        lines.append(f"    class {current} current")
    return "\n".join(lines) + "\n"
