"""Workflow definitions: the typed model of `workflows/*.yaml` (loaded and checked by `loader.py`).

Pure: no database, no files. A definition reads like the business process it models: states, the
events between them with who may fire them and what they must carry, documents, timers, child cases.
The reference of every key is docs/definition-language.md.

Where a definition names a value of the case it uses a *path* (see `records.py`): `field` is a case
field, `event.field` what that event recorded (`event.on`: the day it happened).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

FIELD_TYPES = (
    "str", "text", "bool", "int", "number", "date", "user", "case", "scoresheet", "list[str]", "list[user]", "list[object]",
)
FieldType = Literal[
    "str", "text", "bool", "int", "number", "date", "user", "case", "scoresheet", "list[str]", "list[user]", "list[object]"
]
ANY_ACTIVE = "*"  # `sources: "*"` means every state that is not final

# Bounds a field has unless it says otherwise: every value a client sends is bounded.
DEFAULT_MAX_LENGTH = {"str": 200, "text": 5000}
DEFAULT_MAX_ITEMS = 100
DEFAULT_MAXIMUM = 1e15  # int and number: far above any fine, far below what breaks formatting


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FieldSpec(_Strict):
    """One payload field of an event (or of a new case)."""

    # user / list[user]: people of the case's agency, by their user id (e.g. the two 执法人员 of 立案).
    type: FieldType = "str"
    title: str = ""
    required: bool = True
    choices: tuple[str, ...] | None = None
    labels: dict[str, str] = Field(default_factory=dict)  # how a choice reads to a person, e.g. organization: 单位
    # For `list[object]`: the fields of each item (e.g. findings: item, problem).
    fields: dict[str, FieldSpec] | None = None
    min_items: int = Field(default=0, ge=0)
    max_items: int = Field(default=DEFAULT_MAX_ITEMS, ge=1)
    # For str and text (and each item of a list[str]): the longest value accepted, in characters.
    max_length: int | None = Field(default=None, ge=1)
    minimum: float | None = None  # for int and number, e.g. a fine is never negative
    maximum: float | None = None
    # For `case`: the workflow of the case it names (e.g. the penalty case a 案卷评查 evaluates).
    workflow: str | None = None
    # For `scoresheet`: the scoring sheet (a key of the definition's `sheets`) whose items it marks.
    sheet: str | None = None

    @model_validator(mode="after")
    def _object_lists_declare_fields(self) -> FieldSpec:
        if (self.type == "case") != (self.workflow is not None):
            raise ValueError("case 类型必须（且只有 case 类型可以）用 workflow 指明所指案件的流程")
        if (self.type == "scoresheet") != (self.sheet is not None):
            raise ValueError("scoresheet 类型必须（且只有 scoresheet 类型可以）用 sheet 指明评分表")
        if self.type == "list[object]" and not self.fields:
            raise ValueError("list[object] 类型必须用 fields 声明每项的字段")
        if self.type != "list[object]" and self.fields:
            raise ValueError("只有 list[object] 类型可以声明 fields")
        if self.choices is not None and self.type not in ("str", "list[str]"):
            raise ValueError("choices 只能用于 str 或 list[str] 类型")
        if set(self.labels) - set(self.choices or ()):
            raise ValueError("labels 只能为 choices 中的取值命名")
        if (self.minimum is not None or self.maximum is not None) and self.type not in ("int", "number"):
            raise ValueError("minimum、maximum 只能用于 int 或 number 类型")
        if self.max_length is not None and self.type not in ("str", "text", "list[str]"):
            raise ValueError("max_length 只能用于 str、text 或 list[str] 类型")
        if self.min_items > self.max_items:
            raise ValueError("min_items 不能大于 max_items")
        return self

    @property
    def text_limit(self) -> int:
        return self.max_length or DEFAULT_MAX_LENGTH["text" if self.type == "text" else "str"]


class StateSpec(_Strict):
    title: str
    final: bool = False


class RoleSpec(_Strict):
    """A role people hold (承办人, 法制审核人员 …): declared in workflows/roles.yaml or by a process."""

    title: str
    description: str = ""


class GuardRef(_Strict):
    """A named guard (or, under `conditions`/`only_if`…, a named condition) with its parameters.

    A guard applies only when every `only_if` condition holds, at least one `only_if_any` condition holds
    (when any are given), and no `unless` condition holds."""

    name: str
    params: dict[str, Any] = Field(default_factory=dict)
    # Take the parameters of this rule set (the agency's own values, else the definition's defaults), with
    # `params` on top (e.g. thresholds from the rule, paths from params).
    rule: str | None = None
    only_if: tuple[GuardRef, ...] = ()
    only_if_any: tuple[GuardRef, ...] = ()
    unless: tuple[GuardRef, ...] = ()

    @field_validator("only_if", "only_if_any", "unless", mode="before")
    @classmethod
    def _condition_by_name(cls, value: object) -> object:
        return _guard_refs(value)


class RuleSet(_Strict):
    """Numbers the law leaves to a province or an agency (e.g. 较大数额 for hearings), named so that each
    agency may set its own values: `params` are the defaults. An administrator's values are versioned, and
    a decision records the version it was taken under."""

    title: str
    source: str = ""  # where the defaults come from, e.g. 河南省人民政府令第168号第三条
    params: dict[str, Any]


class SheetItem(_Strict):
    """One item of a scoring sheet: a 基础标准 item (pass or fail) or a 一般标准 item with its points."""

    key: str = Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")
    title: str = Field(min_length=1, max_length=200)
    group: str | None = None  # 一般标准 only: the key of its group (主体, 事实证据 …)
    points: float | None = Field(default=None, gt=0)  # 一般标准 only: the most it may lose


class ScoringSheet(_Strict):
    """评分表: 基础标准 items, any one failed scores the file 0 (否决项); 一般标准 items grouped, each with
    its points, deducted item by item down to 0. Read from its own file (`sheets:` of a definition)."""

    title: str
    source: str = ""
    total: float = Field(default=100, gt=0)
    basic: tuple[SheetItem, ...] = Field(min_length=1)
    groups: dict[str, str] = Field(min_length=1)  # key → title, in the order of the sheet
    general: tuple[SheetItem, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _items_are_consistent(self) -> ScoringSheet:
        keys = [i.key for i in (*self.basic, *self.general)]
        if len(keys) != len(set(keys)):
            raise ValueError("评分表的评查项目 key 不能重复")
        if any(i.group is not None or i.points is not None for i in self.basic):
            raise ValueError("基础标准（basic）的项目只判符合与否，不写 group、points")
        if any(i.group not in self.groups or i.points is None for i in self.general):
            raise ValueError("一般标准（general）的每一项都须写 points 和 groups 中的 group")
        if abs(sum(i.points or 0 for i in self.general) - self.total) > 1e-9:
            raise ValueError(f"一般标准各项分值之和应等于 total（{self.total:g}）")
        return self


class DerivedField(_Strict):
    """A case field the engine computes after each event (e.g. a file's score from its marks); no client
    may send it, at the start or with any event."""

    title: str
    compute: str  # a registered computation (core/scoring.py DERIVATIONS)
    from_: str = Field(alias="from")  # the path it is computed from, e.g. score.marks


class DocumentSpec(_Strict):
    title: str
    template: str
    # The number series (文号) the document takes its number from, named by the suffix its 代字 takes
    # (罚 → 郑市监罚〔2026〕N号); documents with the same series share it; "" is the agency's own 代字,
    # and null leaves the document unnumbered (an internal form). Each agency may set its own 代字 per series.
    series: str | None = Field(default="", max_length=20)
    # The path of the document's date (e.g. decide_penalty.decision_date), which gives its number's year;
    # without it, the day the document is issued.
    dated_by: str | None = None
    # Store the document's number (文号) as this case field, e.g. decision_no; only the engine writes it.
    record_number_as: str | None = None


RECORD_KINDS = {"video": ("video",), "audio": ("audio",), "audio_video": ("video", "audio"), "photo": ("photo",)}
RECORD_KIND_TITLES = {"video": "视频", "audio": "录音", "audio_video": "视频或录音", "photo": "照片"}


class RecordRequirement(_Strict):
    """音像记录事项清单: a record that must be attached to the case, at the step the event leaves, before the
    event may be fired (e.g. 听证 须全程音像记录)."""

    kind: Literal["video", "audio", "audio_video", "photo"] = "audio_video"
    title: str = Field(min_length=1, max_length=120)


class DocumentRef(_Strict):
    """A document a transition produces, optionally only when values of the case (paths) are as given
    and named conditions hold (e.g. the 听证告知书 only when the proposed penalty gives a right to a hearing)."""

    name: str
    when: dict[str, Any] = Field(default_factory=dict)
    conditions: tuple[GuardRef, ...] = ()

    @field_validator("conditions", mode="before")
    @classmethod
    def _condition_by_name(cls, value: object) -> object:
        return _guard_refs(value)


class TimerOpening(_Strict):
    """When a timer starts: when the case starts, on entering a state, or on given events; from the day of
    the move or from a date of the case (a path: `decision_date`, `notify.served_on`); optionally only
    when values of the case (paths) are as given."""

    on_start: bool = False
    on_enter: str | None = None
    on_events: tuple[str, ...] = ()
    # A date path, or a list of them: the first that has a value (e.g. the date of whichever decision).
    from_field: str | tuple[str, ...] | None = None
    when: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _one_trigger(self) -> TimerOpening:
        if [self.on_start, bool(self.on_enter), bool(self.on_events)].count(True) != 1:
            raise ValueError("opens 须且只须给出 on_start、on_enter 或 on_events 之一")
        return self


class RuleChoice(_Strict):
    """A rule chosen by a value of the case (a path), e.g. 7wd for 行政处罚 and 行政许可, else 20wd."""

    field: str
    cases: dict[str, str]
    default: str

    def all_rules(self) -> list[str]:
        return [*self.cases.values(), self.default]


class TimerExtension(_Strict):
    event: str
    by: str
    times: int = Field(default=1, ge=1)


class TimerPause(_Strict):
    """Time excluded from the period (e.g. 听证, 鉴定): the events that stop the clock and restart it."""

    by: tuple[str, ...]
    resumed_by: tuple[str, ...]


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
    # The date field of the closing event that says when the thing was done (e.g. served_on), or a list of
    # them (the first the closing event has): on time or late is judged on that legal date, not on the day
    # it was recorded. Without it, the day of the event.
    closed_on: str | tuple[str, ...] | None = None
    cancelled_by: tuple[str, ...] = ()
    extend: TimerExtension | None = None
    pause: TimerPause | None = None
    # An auto event the engine fires on the case when the period has run out (e.g. 视为受理).
    on_expiry: str | None = None


class ChildOutcome(_Strict):
    """How a child's end moves its parent: the first rule whose state (and values) match fires `fire`."""

    state: str | None = None  # None: any final state
    when: dict[str, Any] = Field(default_factory=dict)  # child path → value, e.g. decide.conclusion: 同意
    fire: str
    # Field of the fired event's record <- child path, e.g. review_opinion: approve.opinion.
    copy_back: dict[str, str] = Field(default_factory=dict)


class ChildStart(_Strict):
    """A child instance the transition starts, when its conditions hold."""

    workflow: str
    conditions: tuple[GuardRef, ...] = ()
    # child case field <- parent path, or a list of paths: the first that has a value
    data: dict[str, str | tuple[str, ...]] = Field(default_factory=dict)
    set: dict[str, Any] = Field(default_factory=dict)  # child case field <- a constant
    on_final: tuple[ChildOutcome, ...] = ()

    @field_validator("conditions", mode="before")
    @classmethod
    def _condition_by_name(cls, value: object) -> object:
        return _guard_refs(value)


def _guard_refs(value: object) -> object:
    if isinstance(value, list):
        return [{"name": g} if isinstance(g, str) else g for g in value]
    return value


class TransitionSpec(_Strict):
    event: str
    title: str
    sources: tuple[str, ...]
    # None: the case stays where it is (e.g. an extension requested at any stage).
    dest: str | None = None
    roles: tuple[str, ...] = ()
    # owner: users of the case's agency; counterpart: users of the counterpart agency (e.g. the 司法局).
    by: Literal["owner", "counterpart"] = "owner"
    # Fired only by the engine: when a child case ends, or when a timer runs out (no user may fire it).
    auto: bool = False
    payload: dict[str, FieldSpec] = Field(default_factory=dict)
    # Case fields this event changes, each from the payload field of the same name.
    updates: tuple[str, ...] = ()
    guards: tuple[GuardRef, ...] = ()
    documents: tuple[DocumentRef, ...] = ()
    starts: tuple[ChildStart, ...] = ()
    # Roles of the case's own agency told of this move in the inbox (e.g. results sent to its 法制机构).
    notify: tuple[str, ...] = ()
    # Records (attachments) the step must have before this event: refused until each is attached.
    requires_records: tuple[RecordRequirement, ...] = ()

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
            raise ValueError("auto 事件由引擎触发（子流程结束或期限届满），不能再指定 roles")
        if not self.auto and not self.roles:
            raise ValueError("roles 不能为空（只有 auto 事件没有角色）")
        return self

    @field_validator("guards", mode="before")
    @classmethod
    def _guard_by_name(cls, value: object) -> object:
        return _guard_refs(value)

    def dest_from(self, state: str) -> str:
        """Where the case goes from `state`: `dest`, or `state` itself for an event that stays."""
        return state if self.dest is None else self.dest


class Counterpart(_Strict):
    """The other agency a case is addressed to, e.g. the filing-review office (备案审查机关)."""

    title: str
    # filing_office: the owning agency's filing-review office, from its record; starter: the agency of the
    # person who started the case (the 司法局 that drew a file for 案卷评查).
    agency: Literal["filing_office", "starter"] = "filing_office"


class Definition(_Strict):
    name: str
    title: str
    description: str = ""
    initial: str
    # Roles this process brings (beside those of workflows/roles.yaml).
    roles: dict[str, RoleSpec] = Field(default_factory=dict)
    # A user acting in this role must be the case's own handler (承办人), not any holder of the role.
    owner_role: str = "handler"
    start_roles: tuple[str, ...] = ("handler",)
    start_guards: tuple[GuardRef, ...] = ()
    case_fields: dict[str, FieldSpec] = Field(default_factory=dict)
    # Numbers each agency may set for itself (thresholds, amounts), with their defaults.
    rules: dict[str, RuleSet] = Field(default_factory=dict)
    counterpart: Counterpart | None = None
    states: dict[str, StateSpec]
    transitions: tuple[TransitionSpec, ...]
    documents: dict[str, DocumentSpec] = Field(default_factory=dict)
    timers: dict[str, TimerSpec] = Field(default_factory=dict)
    # Scoring sheets by name, each read from the file the YAML names (relative to the definition's folder).
    sheets: dict[str, ScoringSheet] = Field(default_factory=dict)
    # Case fields the engine computes (never sent by a client).
    derive: dict[str, DerivedField] = Field(default_factory=dict)
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

    def engine_fields(self) -> set[str]:
        """Case fields only the engine writes: the document numbers it records, and what it derives."""
        return {doc.record_number_as for doc in self.documents.values() if doc.record_number_as} | set(self.derive)


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
            lines.append(f"    {s} --> {t.dest_from(s)}: {t.title}")
    for name, spec in d.states.items():
        if spec.final:
            lines.append(f"    {name} --> [*]")
    if current:
        lines.append("    classDef current fill:#fde68a,stroke:#b45309,stroke-width:2px")
        lines.append(f"    class {current} current")
    return "\n".join(lines) + "\n"


def pick_rule(rule: str | RuleChoice, values: Mapping[str, Any]) -> str:
    """The rule of a timer for a case; `values` maps the choice's path to its value."""
    if isinstance(rule, str):
        return rule
    return rule.cases.get(str(values.get(rule.field)), rule.default)
