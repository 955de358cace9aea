"""Documents produced by a transition: numbered (文号), rendered and stored in the caller's transaction."""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core import records
from ..core.calendar import parse_rule
from ..core.definitions import Definition, DocumentRef, DocumentSpec, FieldSpec
from ..core.documents import format_chinese_date, format_document_number, render_document
from ..runtime import Runtime
from ..storage import batch
from ..storage.db import upsert_insert
from ..storage.models import (
    Agency,
    AgencySeries,
    AuditEvent,
    Deadline,
    Document,
    DocumentCounter,
    Instance,
    User,
)


def next_serial(session: Session, agency_id: int, series: str, year: int) -> int:
    """Take the next 文号 serial of the agency's series for the year.

    One upsert that increments and returns: the counter row stays locked until our transaction ends,
    so concurrent transitions queue, and a rolled-back one leaves no gap.
    """
    stmt = (
        upsert_insert(session, DocumentCounter)
        .values(agency_id=agency_id, series=series, year=year, last=1)
        .on_conflict_do_update(
            index_elements=[DocumentCounter.agency_id, DocumentCounter.series, DocumentCounter.year],
            set_={"last": DocumentCounter.last + 1},
        )
    )
    return int(session.scalar(stmt.returning(DocumentCounter.last)))


def series_code(session: Session, agency: Agency, series: str) -> str:
    """The 代字 of an agency's series: its own setting, else its 代字 followed by the series' suffix."""
    own = session.get(AgencySeries, (agency.id, series))
    return own.code if own is not None else agency.doc_code + series


def _dated(spec: DocumentSpec, instance: Instance, today: date) -> date:
    """The document's date: the one its definition names (e.g. the decision's date), else today."""
    value = records.read(spec.dated_by, instance.data, instance.events) if spec.dated_by else None
    return date.fromisoformat(value) if isinstance(value, str) else today


def _deadlines(running: list[Deadline]) -> dict[str, dict[str, str]]:
    """The case's running deadlines, for a document that states them (e.g. 请于…前报送纠正情况)."""
    out = {}
    for row in running:
        rule = parse_rule(row.rule)
        period = f"{rule.n}个工作日" if rule.unit == "wd" else f"{rule.n}日"
        out[row.timer] = {"title": row.title, "due": format_chinese_date(row.due), "period": period}
    return out


def _people(session: Session, d: Definition, instance: Instance) -> dict[int, dict[str, str]]:
    """The people the case's `user` fields name (e.g. its 执法人员), with what documents print of them."""
    named: set[int] = set()

    def add(spec: FieldSpec, value: Any) -> None:
        if spec.type == "user" and isinstance(value, int):
            named.add(value)
        elif spec.type == "list[user]" and isinstance(value, list):
            named.update(v for v in value if isinstance(v, int))

    for name, spec in d.case_fields.items():
        add(spec, instance.data.get(name))
    for event, record in instance.events.items():
        t = d.transition(event)
        for name, spec in t.payload.items() if t else ():
            add(spec, record.get(name))
    if not named:
        return {}
    users = session.scalars(select(User).where(User.id.in_(named))).unique()
    return {u.id: {"name": u.name, "certificate_no": u.certificate_no or ""} for u in users}


def _agency(agency: Agency) -> dict[str, str]:
    return {"name": agency.name, "doc_code": agency.doc_code, "legal_office": agency.legal_office or ""}


_CHOICES: dict[tuple[str, str], dict[str, list[str]]] = {}


def field_choices(d: Definition) -> dict[str, list[str]]:
    """Every field with choices, by path (`event.field`, `event.field.sub` for an item's field, or a case
    field's name): a document may list them all, e.g. each item of the legal-review checklist. Worked out
    once per definition (by its content)."""
    key = (d.name, d.content_hash)
    if key not in _CHOICES:
        _CHOICES[key] = _choices_of(d)
    return _CHOICES[key]


def _choices_of(d: Definition) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {name: list(s.choices) for name, s in d.case_fields.items() if s.choices}
    for t in d.transitions:
        for name, spec in t.payload.items():
            if spec.choices:
                found[f"{t.event}.{name}"] = list(spec.choices)
            for sub, sub_spec in (spec.fields or {}).items():
                if sub_spec.choices:
                    found[f"{t.event}.{name}.{sub}"] = list(sub_spec.choices)
    return found


def issue_documents(
    rt: Runtime,
    session: Session,
    instance: Instance,
    actor: User | None,
    audit_event: AuditEvent,
    refs: tuple[DocumentRef, ...],
    payload: dict[str, Any],
    running: list[Deadline],
) -> list[Document]:
    """Render, number and store the transition's documents. Each is numbered by the agency that issues
    it: the actor's (the case's own, or the counterpart office for the documents it issues; the case's
    own when the engine fires the event)."""
    d = rt.workflow(instance.workflow).definition
    now = audit_event.at
    today = rt.clock.local(now).date()
    issuer = actor.agency if actor else instance.agency
    counterpart = instance.counterpart_agency
    transition = d.transition(audit_event.event)
    if not refs:
        return []
    batch.flush(session)  # the audit event's id, which each document points to
    people = _people(session, d, instance)
    # Every number first: a document may cite the others of the same move (双书同达), and the numbers a
    # case records (record_number_as) are in its fields before anything renders.
    numbered: list[tuple[DocumentRef, DocumentSpec, date, int | None, str | None]] = []
    for ref in refs:
        spec = d.documents[ref.name]
        dated = _dated(spec, instance, today)
        serial = number = None
        if spec.series is not None:
            serial = next_serial(session, issuer.id, spec.series, dated.year)
            number = format_document_number(series_code(session, issuer, spec.series), dated.year, serial)
        numbered.append((ref, spec, dated, serial, number))
        if spec.record_number_as and number:
            instance.data = {**instance.data, spec.record_number_as: number}
    together = [{"kind": ref.name, "title": spec.title, "number": number or ""} for ref, spec, _, _, number in numbered]
    issued = []
    for ref, spec, dated, serial, number in numbered:
        context = {
            "doc": {"number": number or "", "title": spec.title, "date": format_chinese_date(dated)},
            "agency": _agency(instance.agency),
            "issuer": _agency(issuer),
            "counterpart": _agency(counterpart) if counterpart else {},
            "case": {
                "id": instance.id,
                "title": instance.title,
                "party": instance.party,
                "workflow_title": d.title,
                "handler_name": instance.handler.name,
                "state_title": d.state_title(instance.state),
            },
            "actor": {
                "name": actor.name if actor else "",
                "roles": list(actor.roles) if actor else [],
                "legal_qualification": (actor.legal_qualification or "") if actor else "",
                "certificate_no": (actor.certificate_no or "") if actor else "",
            },
            "event": audit_event.event,
            "event_title": transition.title if transition else audit_event.event,
            "payload": payload,
            "data": instance.data,
            "events": instance.events,
            "deadlines": _deadlines(running),
            "people": people,
            "issued": together,
            "choices": field_choices(d),
            "sheets": {name: sheet.model_dump() for name, sheet in d.sheets.items()},
        }
        content = render_document(rt.templates_dir / spec.template, context)
        doc = Document(
            instance_id=instance.id,
            audit_event_id=audit_event.id,
            agency_id=issuer.id,
            kind=ref.name,
            title=spec.title,
            template=spec.template,
            series=spec.series,
            number=number,
            year=dated.year,
            serial=serial,
            sha256=hashlib.sha256(content).hexdigest(),
            content=content,
            created_at=now,
        )
        session.add(doc)
        issued.append(doc)
    session.flush()
    return issued
