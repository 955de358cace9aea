"""Public shapes, per direction: what comes in (…Create) and what goes out (…Public). Never ORM rows."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class ErrorPublic(BaseModel):
    code: str
    message: str
    details: Any = None


class CaseCreate(BaseModel):
    model_config = ConfigDict(extra="allow")

    workflow: str = Field(min_length=1, description="流程名称，如 major_decision_review")
    title: str = Field(min_length=1, max_length=300, description="案由 / 事项名称")
    party: str = Field(min_length=1, max_length=300, description="当事人")


class Named(BaseModel):
    id: int
    name: str


class SheetItemPublic(BaseModel):
    key: str
    title: str
    group: str | None = None
    points: float | None = None


class SheetPublic(BaseModel):
    """A scoring sheet (评分表) a `scoresheet` field marks: 基础标准 (pass/fail) and 一般标准 (points)."""

    title: str
    total: float
    basic: list[SheetItemPublic]
    groups: dict[str, str]
    general: list[SheetItemPublic]


class FieldPublic(BaseModel):
    name: str
    type: str
    title: str
    required: bool
    choices: list[str] | None = None
    labels: dict[str, str] = {}  # display names of choices
    fields: list[FieldPublic] | None = None
    sheet: SheetPublic | None = None  # for a scoresheet field: its items, to mark one by one


class EventPublic(BaseModel):
    event: str
    title: str
    dest: str | None = Field(description="事件后的状态；为空表示停留在当前状态")
    payload: list[FieldPublic]


class CasePublic(BaseModel):
    id: int
    workflow: str
    workflow_title: str
    title: str
    party: str
    state: str
    state_title: str
    final: bool
    version: int
    agency: Named
    handler: Named
    counterpart_agency: Named | None = None  # e.g. the filing-review office a filing is addressed to
    parent_id: int | None = None
    definition_hash: str
    data: dict[str, Any] = Field(description="案件字段：立案时填写，只有声明了 updates 的事件才会更改")
    events: dict[str, dict[str, Any]] = Field(
        description="每个事件最近一次的记录：提交的字段，以及引擎写入的 on（日期）、by（执行人）、seq（审计序号）"
    )
    created_at: datetime
    updated_at: datetime


class CasesPublic(BaseModel):
    data: list[CasePublic]
    count: int
    page: int
    page_size: int


class AuditEventPublic(BaseModel):
    seq: int
    event: str
    event_title: str
    from_state: str | None
    to_state: str
    actor: Named | None
    payload: dict[str, Any]
    at: datetime
    hash: str
    documents: list[int]


class DocumentPublic(BaseModel):
    id: int
    kind: str
    title: str
    number: str | None  # 文号; none for a form outside any number series
    sha256: str
    size: int | None = None
    created_at: datetime
    url: str


class DeadlinePublic(BaseModel):
    id: int
    case_id: int
    timer: str
    title: str
    rule: str
    extensions: list[str]
    start: date
    due: date
    warning: date | None
    status: str  # open, paused, met, missed, cancelled
    pauses: list[list[date | None]] = []  # time excluded from the period: [from, to]; to None while paused
    # How it ended or stands, as supervisors score it: on_time, late, missing (open and overdue),
    # pending (open, not yet due, or paused) or cancelled.
    outcome: Literal["on_time", "late", "missing", "pending", "cancelled"]
    overdue: bool
    provisional: bool
    responsible: Named | None
    opened_at: datetime
    closed_at: datetime | None = None
    closed_late: bool | None = None


class DeadlinesPublic(BaseModel):
    data: list[DeadlinePublic]
    count: int
    page: int
    page_size: int


class CaseLink(BaseModel):
    """A parent or child case, as seen from the other: where it stands and what it must meet."""

    id: int
    workflow: str
    workflow_title: str
    title: str
    state: str
    state_title: str
    final: bool
    due: date | None  # the soonest open deadline
    deadlines: list[DeadlinePublic]


class PersonPublic(BaseModel):
    """Someone of the case's agency a `user` field may name (e.g. the 执法人员 of 立案), by id."""

    id: int
    name: str
    roles: list[str]
    certificate_no: str | None = None  # 执法证号
    certificate_valid_until: date | None = None


class CaseDetail(CasePublic):
    # The case agency's active people, for the `user` fields of its events.
    people: list[PersonPublic] = []
    available_events: list[EventPublic]
    history: list[AuditEventPublic]
    documents: list[DocumentPublic]
    deadlines: list[DeadlinePublic]
    parent: CaseLink | None = None
    children: list[CaseLink] = []
    # Cases linked by a `case` field: those this case names (the file a 案卷评查 evaluates) and those
    # naming it (the evaluations of a penalty case).
    related: list[CaseLink] = []


class TaskPublic(BaseModel):
    case: CasePublic
    events: list[EventPublic]


class TasksPublic(BaseModel):
    data: list[TaskPublic]
    count: int


class StatePublic(BaseModel):
    name: str
    title: str
    final: bool
    initial: bool


class TransitionPublic(BaseModel):
    event: str
    title: str
    sources: list[str]
    dest: str | None  # None: the case stays in its state
    roles: list[str]
    by: str = "owner"  # owner: the case's agency acts; counterpart: the agency it is addressed to
    auto: bool = False  # fired by the engine when a child case ends or a timer runs out
    guards: list[str]
    documents: list[str]
    starts: list[str] = []  # child workflows this event may start
    payload: list[FieldPublic]


class WorkflowSummary(BaseModel):
    name: str
    title: str
    description: str
    content_hash: str
    start_roles: list[str]


class WorkflowPublic(WorkflowSummary):
    initial: str
    states: list[StatePublic]
    transitions: list[TransitionPublic]
    case_fields: list[FieldPublic]
    mermaid: str


class Me(BaseModel):
    id: int
    username: str
    name: str
    roles: list[str]
    agency: Named


class NotificationPublic(BaseModel):
    id: int
    kind: str
    channel: str
    recipient_id: int
    subject: str
    body: str
    data: dict[str, Any]
    status: str
    attempts: int
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None
    read_at: datetime | None


class NotificationsPublic(BaseModel):
    data: list[NotificationPublic]
    count: int
    page: int
    page_size: int


class DuePublic(BaseModel):
    start: date
    rule: str
    due: date
    provisional: bool


class ExplainedDayPublic(BaseModel):
    date: date
    weekday: str
    counted: bool
    ordinal: int | None
    reason: str
    provisional: bool


class ExplanationPublic(DuePublic):
    days: list[ExplainedDayPublic]
    text: str


class ArrangementUpload(BaseModel):
    format: Literal["yaml", "csv"] = Field(description="文件格式：yaml 或 csv")
    content: str = Field(min_length=1, description="节假日安排文件的内容")
    source: str | None = Field(
        default=None, max_length=300, description="来源，如国务院办公厅通知文号；默认取文件中的 source"
    )


class CalendarYearPublic(BaseModel):
    year: int
    source: str
    rest_days: int
    workdays: int
    loaded_at: datetime


class LoadResultPublic(BaseModel):
    year: int
    rest_days: int
    workdays: int
    recomputed: int
    moved: int


class PublicDisclosure(BaseModel):
    """One enforcement decision as disclosed to the public (personal information masked)."""

    id: int
    agency: str
    party: str
    party_id_no: str | None
    category: str
    decision_no: str
    decision_date: date
    conclusion: str | None  # not repeated once withdrawn
    legal_basis: str | None
    published_on: date | None
    corrected_on: date | None
    correction: str | None
    withdrawn_on: date | None
    withdrawal_reason: str | None  # 撤回理由, published with the withdrawal (行政处罚法第48条)


class PublicDisclosures(BaseModel):
    data: list[PublicDisclosure]
    count: int
    page: int
    page_size: int


class SecurityEventPublic(BaseModel):
    id: int
    at: datetime
    kind: str
    user_id: int | None
    username: str | None = Field(description="登录时输入的用户名（无论该用户是否存在）")
    ip: str | None
    detail: dict[str, Any]


class SecurityEventsPublic(BaseModel):
    data: list[SecurityEventPublic]
    count: int
    page: int
    page_size: int


class SessionsRevoked(BaseModel):
    user_id: int
    revoked: int = Field(description="被注销的登录会话数")


class ApiTokenPublic(BaseModel):
    """A bearer token as listed: never the token itself (only its hash is kept)."""

    id: int
    name: str
    user_id: int
    username: str
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None
    status: Literal["active", "expired", "revoked"]
