"""Rows and definitions to public schemas. No queries here beyond what the rows already hold."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from ..core.definitions import Definition, FieldSpec, ScoringSheet, TransitionSpec, sources_of, to_mermaid
from ..runtime import Runtime
from ..schemas import (
    AuditEventPublic,
    CaseLink,
    CasePublic,
    DeadlinePublic,
    DocumentPublic,
    EventPublic,
    FieldPublic,
    Named,
    SheetPublic,
    StatePublic,
    TransitionPublic,
    WorkflowPublic,
    WorkflowSummary,
)
from ..storage.models import AuditEvent, Deadline, Document, Instance


def sheet_public(sheet: ScoringSheet) -> SheetPublic:
    return SheetPublic.model_validate(sheet.model_dump())


def field_public(name: str, spec: FieldSpec, sheets: Mapping[str, ScoringSheet] | None = None) -> FieldPublic:
    """A field as clients see it; a scoresheet field carries its sheet (from the definition's `sheets`)."""
    sheet = (sheets or {}).get(spec.sheet or "")
    return FieldPublic(
        name=name,
        type=spec.type,
        title=spec.title or name,
        required=spec.required,
        choices=list(spec.choices) if spec.choices else None,
        labels=dict(spec.labels),
        fields=[field_public(k, v, sheets) for k, v in spec.fields.items()] if spec.fields else None,
        sheet=sheet_public(sheet) if sheet else None,
    )


def event_public(t: TransitionSpec, sheets: Mapping[str, ScoringSheet] | None = None) -> EventPublic:
    return EventPublic(
        event=t.event,
        title=t.title,
        dest=t.dest,
        payload=[field_public(k, v, sheets) for k, v in t.payload.items()],
    )


def case_public(rt: Runtime, inst: Instance) -> CasePublic:
    d = rt.workflow(inst.workflow).definition
    return CasePublic(
        id=inst.id,
        workflow=inst.workflow,
        workflow_title=d.title,
        title=inst.title,
        party=inst.party,
        state=inst.state,
        state_title=d.state_title(inst.state),
        final=d.is_final(inst.state) if inst.state in d.states else True,
        version=inst.version,
        agency=Named(id=inst.agency.id, name=inst.agency.name),
        handler=Named(id=inst.handler.id, name=inst.handler.name),
        counterpart_agency=(
            Named(id=inst.counterpart_agency.id, name=inst.counterpart_agency.name)
            if inst.counterpart_agency
            else None
        ),
        parent_id=inst.parent_id,
        definition_hash=inst.definition_hash,
        data=inst.data,
        events=inst.events,
        created_at=inst.created_at,
        updated_at=inst.updated_at,
    )


def case_link(rt: Runtime, inst: Instance, deadlines: list[Deadline], today: date) -> CaseLink:
    d = rt.workflow(inst.workflow).definition
    rows = [deadline_public(row, today) for row in deadlines]
    return CaseLink(
        id=inst.id,
        workflow=inst.workflow,
        workflow_title=d.title,
        title=inst.title,
        state=inst.state,
        state_title=d.state_title(inst.state),
        final=d.is_final(inst.state),
        due=min((r.due for r in rows if r.status == "open"), default=None),
        deadlines=rows,
    )


# Audit events that are no transition of the definition.
BOOKKEEPING_TITLES = {"start": "立案", "deadline_recomputed": "期限重新计算", "attach": "添加材料", "supersede_attachment": "替换材料"}


def audit_public(d: Definition, ev: AuditEvent, documents: list[Document]) -> AuditEventPublic:
    t = d.transition(ev.event)
    return AuditEventPublic(
        seq=ev.seq,
        event=ev.event,
        event_title=t.title if t else BOOKKEEPING_TITLES.get(ev.event, ev.event),
        from_state=ev.from_state,
        to_state=ev.to_state,
        actor=Named(id=ev.actor.id, name=ev.actor.name) if ev.actor else None,
        payload=ev.payload,
        at=ev.at,
        hash=ev.hash,
        documents=[doc.id for doc in documents if doc.audit_event_id == ev.id],
    )


def document_public(doc: Document) -> DocumentPublic:
    return DocumentPublic(
        id=doc.id,
        kind=doc.kind,
        title=doc.title,
        number=doc.number,
        sha256=doc.sha256,
        created_at=doc.created_at,
        url=f"/api/cases/{doc.instance_id}/documents/{doc.id}",
    )


def deadline_outcome(row: Deadline, today: date) -> str:
    if row.status == "cancelled":
        return "cancelled"
    if row.closed_at is not None:
        return "late" if row.closed_late else "on_time"
    return "missing" if today > row.due and row.status != "paused" else "pending"


def deadline_public(row: Deadline, today: date) -> DeadlinePublic:
    return DeadlinePublic(
        id=row.id,
        case_id=row.instance_id,
        timer=row.timer,
        title=row.title,
        rule=row.rule,
        extensions=list(row.extensions),
        start=row.start,
        due=row.due,
        warning=row.warning,
        status=row.status,
        pauses=[[date.fromisoformat(a) if a else None for a in pause] for pause in row.pauses],
        outcome=deadline_outcome(row, today),  # type: ignore[arg-type]
        overdue=row.closed_at is None and row.status != "paused" and today > row.due,
        provisional=row.provisional,
        responsible=Named(id=row.responsible.id, name=row.responsible.name) if row.responsible else None,
        opened_at=row.opened_at,
        closed_at=row.closed_at,
        closed_late=row.closed_late,
    )


def workflow_summary(d: Definition) -> WorkflowSummary:
    return WorkflowSummary(
        name=d.name,
        title=d.title,
        description=d.description,
        content_hash=d.content_hash,
        start_roles=list(d.start_roles),
    )


def workflow_public(d: Definition) -> WorkflowPublic:
    return WorkflowPublic(
        **workflow_summary(d).model_dump(),
        initial=d.initial,
        states=[
            StatePublic(name=n, title=s.title, final=s.final, initial=n == d.initial)
            for n, s in d.states.items()
        ],
        transitions=[
            TransitionPublic(
                event=t.event,
                title=t.title,
                sources=sources_of(d, t),
                dest=t.dest,
                roles=list(t.roles),
                guards=[g.name for g in t.guards],
                documents=[ref.name for ref in t.documents],
                by=t.by,
                auto=t.auto,
                starts=[child.workflow for child in t.starts],
                payload=[field_public(k, v, d.sheets) for k, v in t.payload.items()],
            )
            for t in d.transitions
        ],
        case_fields=[field_public(k, v) for k, v in d.case_fields.items()],
        mermaid=to_mermaid(d),
    )
