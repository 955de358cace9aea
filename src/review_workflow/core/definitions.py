"""Workflow definitions: the typed model of `workflows/*.yaml` (loaded and checked by `loader.py`).

Pure: no database, no files. A definition reads like the business process it models: states, the
events between them with who may fire them and what they must carry, documents, timers, child cases.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

ROLES = ("handler", "reviewer", "legal_head", "agency_head", "supervisor", "admin", "filing_officer")
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
    labels: dict[str, str] = Field(default_factory=dict)  # how a choice reads to a person, e.g. organization: 单位
    # For `list[object]`: the fields of each item (e.g. findings: item, problem).
    fields: dict[str, FieldSpec] | None = None
    min_items: int = 0
    minimum: float | None = None  # for int and number, e.g. a fine is never negative

    @model_validator(mode="after")
    def _object_lists_declare_fields(self) -> FieldSpec:
        if self.type == "list[object]" and not self.fields:
            raise ValueError("list[object] 类型必须用 fields 声明每项的字段")
        if self.type != "list[object]" and self.fields:
            raise ValueError("只有 list[object] 类型可以声明 fields")
        if self.choices is not None and self.type not in ("str", "list[str]"):
            raise ValueError("choices 只能用于 str 或 list[str] 类型")
        if set(self.labels) - set(self.choices or ()):
            raise ValueError("labels 只能为 choices 中的取值命名")
        if self.minimum is not None and self.type not in ("int", "number"):
            raise ValueError("minimum 只能用于 int 或 number 类型")
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
    # Store the document's number (文号) in the case data under this name, e.g. decision_no.
    record_number_as: str | None = None


class DocumentRef(_Strict):
    """A document a transition produces, optionally only when payload fields have given values."""

    name: str
    when: dict[str, Any] = Field(default_factory=dict)


class TimerOpening(_Strict):
    """When a timer starts: when the case starts, on entering a state, or on given events; from the day of
    the move or from a date field of the payload or the case (e.g. decision_date); optionally only when
    fields have given values."""

    on_start: bool = False
    on_enter: str | None = None
    on_events: tuple[str, ...] = ()
    from_field: str | None = None
    when: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _one_trigger(self) -> TimerOpening:
        if [self.on_start, bool(self.on_enter), bool(self.on_events)].count(True) != 1:
            raise ValueError("opens 须且只须给出 on_start、on_enter 或 on_events 之一")
        return self


class RuleChoice(_Strict):
    """A rule chosen by a field of the case, e.g. 7wd for 行政处罚 and 行政许可, else 20wd."""

    field: str
    cases: dict[str, str]
    default: str

    def pick(self, values: Mapping[str, Any]) -> str:
        return self.cases.get(str(values.get(self.field)), self.default)

    def all_rules(self) -> list[str]:
        return [*self.cases.values(), self.default]


class TimerExtension(_Strict):
    event: str
    by: str
    times: int = Field(default=1, ge=1)


class TimerSpec(_Strict):
    """时限: a period counted on the working-day calendar, with its warning, owner and escalation."""

    title: str
    opens: TimerOpening
    rule: str | RuleChoice
    # deadline: an officer must act by the due date (warned, then alerted when overdue);
    # window: a period the party has (陈述申辩, 听证申请); when it runs out it simply closes.
    kind: Literal["deadline", "window"] = "deadline"
    warn_before: str | None = None
    # "handler" (the case's own handler) or a role of the case's agency.
    responsible: str = "handler"
    escalate_to: tuple[str, ...] = ()
    closed_by: tuple[str, ...]
    cancelled_by: tuple[str, ...] = ()
    extend: TimerExtension | None = None


class ChildOutcome(_Strict):
    """How a child's end moves its parent: the first rule whose state (and data) match fires `fire`."""

    state: str | None = None  # None: any final state
    when: dict[str, Any] = Field(default_factory=dict)
    fire: str
    # Parent data field <- child data field, copied back when this rule applies (e.g. review_opinion).
    copy_back: dict[str, str] = Field(default_factory=dict)

    def matches(self, state: str, data: Mapping[str, Any]) -> bool:
        return (self.state is None or self.state == state) and all(
            data.get(k) == v for k, v in self.when.items()
        )


class ChildStart(_Strict):
    """A child instance the transition starts, when its conditions (guards) pass."""

    workflow: str
    conditions: tuple[GuardRef, ...] = ()
    data: dict[str, str] = Field(default_factory=dict)  # child field <- parent data field
    set: dict[str, Any] = Field(default_factory=dict)  # child field <- a constant
    on_final: tuple[ChildOutcome, ...] = ()

    @field_validator("conditions", mode="before")
    @classmethod
    def _guard_by_name(cls, value: object) -> object:
        return _guard_refs(value)

    def outcome(self, state: str, data: Mapping[str, Any]) -> ChildOutcome | None:
        return next((o for o in self.on_final if o.matches(state, data)), None)


def _guard_refs(value: object) -> object:
    if isinstance(value, list):
        return [{"name": g} if isinstance(g, str) else g for g in value]
    return value


class TransitionSpec(_Strict):
    event: str
    title: str
    sources: tuple[str, ...]
    dest: str
    roles: tuple[str, ...] = ()
    # owner: users of the case's agency; counterpart: users of the counterpart agency (e.g. the 司法局).
    by: Literal["owner", "counterpart"] = "owner"
    # Fired only by the engine, when a child instance ends (no user may fire it).
    auto: bool = False
    payload: dict[str, FieldSpec] = Field(default_factory=dict)
    guards: tuple[GuardRef, ...] = ()
    documents: tuple[DocumentRef, ...] = ()
    starts: tuple[ChildStart, ...] = ()

    @field_validator("sources", mode="before")
    @classmethod
    def _one_source_is_a_list(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value

    @field_validator("documents", mode="before")
    @classmethod
    def _document_by_name(cls, value: object) -> object:
        if isinstance(value, list):
            return [{"name": d} if isinstance(d, str) else d for d in value]
        return value

    @model_validator(mode="after")
    def _auto_has_no_roles(self) -> TransitionSpec:
        if self.auto and self.roles:
            raise ValueError("auto 事件由引擎在子流程结束时触发，不能再指定 roles")
        if not self.auto and not self.roles:
            raise ValueError("roles 不能为空（只有 auto 事件没有角色）")
        return self

    @field_validator("guards", mode="before")
    @classmethod
    def _guard_by_name(cls, value: object) -> object:
        return _guard_refs(value)


class Counterpart(_Strict):
    """The other agency a case is addressed to, e.g. the filing-review office (备案审查机关)."""

    title: str
    agency: Literal["filing_office"] = "filing_office"  # resolved from the owning agency's record


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
    counterpart: Counterpart | None = None
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
        return _guard_refs(value)

    def transition(self, event: str) -> TransitionSpec | None:
        return next((t for t in self.transitions if t.event == event), None)

    def is_final(self, state: str) -> bool:
        return self.states[state].final

    def state_title(self, state: str) -> str:
        spec = self.states.get(state)
        return spec.title if spec else state


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
