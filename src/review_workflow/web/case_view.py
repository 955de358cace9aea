"""What the case page shows, put together from the service reads: the case, its diagram, the timeline
with each event's fields under their titles, the deadlines with their counting, and one form per event
the user may fire now."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..core.calendar import Explanation
from ..core.definitions import Definition, FieldSpec, ScoringSheet, to_mermaid
from ..core.errors import NotPermitted, WorkflowError
from ..core.media import PLAYABLE
from ..runtime import Runtime
from ..schemas import AuditEventPublic, CaseDetail, DeadlinePublic, DocumentPublic, EventPublic, FieldPublic
from ..schemas_records import AccessLogPublic, AttachmentsPublic
from ..services import access_log, attachments, queries, worklist
from ..services.views import field_public
from .forms import Checklist, FormState, checklists_for

START_TITLES = {"title": "案由", "party": "当事人"}
SYSTEM_EVENTS = {"start": "立案", "deadline_recomputed": "期限重新计算", "attach": "添加材料", "supersede_attachment": "替换材料"}
SYSTEM_FIELDS = {
    "deadline_id": "期限编号",
    "timer": "期限",
    "old_due": "原到期日",
    "new_due": "新到期日",
    "provisional": "临时计算",
    "reason": "原因",
    "child_id": "下级流程编号",  # an auto event fired by a child case's end
    "parent_id": "上级流程编号",
    # 添加材料 / 替换材料 (attachments)
    "file_name": "文件名",
    "caption": "说明",
    "kind": "种类",
    "media_type": "文件类型",
    "size": "大小（字节）",
    "sha256": "SHA-256",
    "after_closing": "结案后补充",
    "attachment_id": "材料编号",
    "replaced_by": "替换为材料编号",
}


@dataclass
class EventForm:
    event: EventPublic
    checklists: dict[str, Checklist]
    state: FormState = field(default_factory=FormState)
    open: bool = False


@dataclass
class Line:
    """One payload value on the timeline: text, a list of texts, a table of items, or yes/no."""

    label: str
    kind: str  # text, list, table, bool
    value: Any
    columns: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class TimelineEntry:
    event: AuditEventPublic
    lines: list[Line]
    documents: list[DocumentPublic]


@dataclass
class DeadlineView:
    deadline: DeadlinePublic
    urgency: str
    explanations: list[Explanation]
    problem: str = ""


def shown(spec: FieldSpec | None, value: Any) -> str:
    """One scalar value as a person reads it: a choice by its label (individual → 个人), a whole number
    (a `number`, e.g. yuan) with thousands separators and without ".0", yes/no in Chinese."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return f"{int(value):,}" if value.is_integer() else f"{value:,}"
    text = "" if value is None else str(value)
    return spec.labels.get(text, text) if spec is not None else text


def marks_shown(sheet: ScoringSheet, marks: Any) -> list[str]:
    """A scoresheet's marks as a person reads them: the 基础标准 failed and the points deducted."""
    basic, general = (marks.get("basic", {}), marks.get("general", {})) if isinstance(marks, dict) else ({}, {})
    found = [f"基础标准不符合：{i.title}" for i in sheet.basic if basic.get(i.key) is False]
    found += [
        f"{sheet.groups.get(i.group or '', '')}：{i.title}，扣 {shown(None, float(general[i.key]))} 分"
        for i in sheet.general
        if isinstance(general.get(i.key), int | float) and general[i.key] > 0
    ]
    return found or ["各项均符合，未扣分"]


def _lines(
    payload: dict[str, Any],
    specs: Mapping[str, FieldSpec],
    fallback: dict[str, str],
    names: Mapping[int, str],
    sheets: Mapping[str, ScoringSheet] | None = None,
) -> list[Line]:
    lines = []
    for key, value in payload.items():
        spec = specs.get(key)
        sheet = (sheets or {}).get(spec.sheet or "") if spec is not None else None
        if sheet is not None:
            lines.append(Line(spec.title if spec and spec.title else key, "list", marks_shown(sheet, value)))
            continue
        if spec is not None and spec.type in ("user", "list[user]"):  # people by name, not by number
            value = [names.get(v, v) for v in value] if isinstance(value, list) else names.get(value, value)
        label = (spec.title if spec and spec.title else None) or fallback.get(key, key)
        if isinstance(value, bool):
            lines.append(Line(label, "bool", value))
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            subs = spec.fields if spec and spec.fields else {}
            keys = list(subs) + sorted({k for v in value for k in v} - set(subs))
            columns = [(k, (subs[k].title if k in subs and subs[k].title else k)) for k in keys]
            rows = [
                {k: shown(subs.get(k), v) for k, v in item.items() if v not in (None, "")} for item in value
            ]
            lines.append(Line(label, "table", rows, columns))
        elif isinstance(value, list):
            lines.append(Line(label, "list", [shown(spec, v) for v in value]))
        elif value is not None and value != "":
            lines.append(Line(label, "text", shown(spec, value)))
    return lines


def case_fields(d: Definition, case: CaseDetail) -> list[Line]:
    """The case's own fields (`case_fields` of its workflow) as they stand now, in the declared order, then
    those the engine derives (a 案卷评查's score and 0分 flag)."""
    present = {k: case.data[k] for k in [*d.case_fields, *d.derive] if k in case.data and case.data[k] != []}
    derived = {k: spec.title for k, spec in d.derive.items()}
    return _lines(present, d.case_fields, derived, {p.id: p.name for p in case.people})


def timeline(rt: Runtime, d: Definition, case: CaseDetail) -> list[TimelineEntry]:
    docs = {doc.id: doc for doc in case.documents}
    names = {p.id: p.name for p in case.people}
    entries = []
    for ev in case.history:
        t = d.transition(ev.event)
        specs = dict(t.payload) if t else (dict(d.case_fields) if ev.event == "start" else {})
        fallback = START_TITLES if ev.event == "start" else SYSTEM_FIELDS
        if not t and ev.event in SYSTEM_EVENTS:
            ev = ev.model_copy(update={"event_title": SYSTEM_EVENTS[ev.event]})
        entries.append(
            TimelineEntry(
                ev,
                _lines(ev.payload, specs, fallback, names, d.sheets),
                [docs[i] for i in ev.documents if i in docs],
            )
        )
    return entries


def deadline_views(rt: Runtime, d: Definition, case: CaseDetail) -> list[DeadlineView]:
    today = rt.clock.today()
    views = []
    for dl in case.deadlines:
        spec = d.timers.get(dl.timer)
        urgency = worklist.deadline_urgency(dl, today, spec.kind if spec else "deadline")
        try:
            views.append(DeadlineView(dl, urgency, worklist.explain_deadline(rt, dl)))
        except WorkflowError as exc:
            views.append(DeadlineView(dl, urgency, [], exc.message))
    return views


@dataclass
class CasePage:
    case: CaseDetail
    definition: Definition
    mermaid: str
    timeline: list[TimelineEntry]
    deadlines: list[DeadlineView]
    forms: list[EventForm]
    fields: list[Line]
    attachments: AttachmentsPublic
    access_log: AccessLogPublic | None  # None: the reader is not one who may read it
    playable: tuple[str, ...] = PLAYABLE

    @property
    def steps(self) -> list[tuple[str, str, bool, bool]]:
        """(state, title, current, final) in the order the workflow declares them: the diagram without script."""
        return [(n, s.title, n == self.case.state, s.final) for n, s in self.definition.states.items()]


def case_page(
    rt: Runtime,
    user_id: int,
    case_id: int,
    kept: tuple[str, FormState] | None = None,
) -> CasePage:
    """The page as it is now. `kept` = (event, form state) redisplays what the user sent for that event
    (with its errors), if the event is still one they may fire."""
    case = queries.get_case(rt, user_id, case_id)
    d = rt.workflow(case.workflow).definition
    forms = []
    for ev in case.available_events:
        ev = ev.model_copy(update={"payload": [_people_choices(f, case) for f in ev.payload]})
        form = EventForm(ev, checklists_for(ev.payload))
        if kept is not None and kept[0] == ev.event:
            form.state, form.open = kept[1], True
        forms.append(form)
    if forms and not any(f.open for f in forms):
        forms[0].open = True
    return CasePage(
        case=case,
        definition=d,
        mermaid=to_mermaid(d, current=case.state),
        timeline=timeline(rt, d, case),
        deadlines=deadline_views(rt, d, case),
        forms=forms,
        fields=case_fields(d, case),
        attachments=attachments.list_attachments(rt, user_id, case_id),
        access_log=_access_log(rt, user_id, case_id),
    )


def _access_log(rt: Runtime, user_id: int, case_id: int) -> AccessLogPublic | None:
    try:
        return access_log.read(rt, user_id, case_id)
    except NotPermitted:
        return None


def _people_choices(f: FieldPublic, case: CaseDetail) -> FieldPublic:
    """A `user` field offers the case agency's people, by name (and 执法证号 where they hold one)."""
    if f.type not in ("user", "list[user]"):
        return f
    labels = {
        str(p.id): p.name + (f"（执法证号 {p.certificate_no}）" if p.certificate_no else "") for p in case.people
    }
    return f.model_copy(update={"choices": list(labels), "labels": labels})


def field_list(specs: dict[str, FieldSpec], sheets: Mapping[str, ScoringSheet] | None = None) -> list[FieldPublic]:
    return [field_public(k, v, sheets) for k, v in specs.items()]
