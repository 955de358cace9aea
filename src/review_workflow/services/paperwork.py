"""Documents produced by a transition: numbered (文号), rendered and stored in the caller's transaction."""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy.orm import Session

from ..core import records
from ..core.calendar import parse_rule
from ..core.definitions import DocumentRef
from ..core.documents import format_chinese_date, format_document_number, render_document
from ..runtime import Runtime
from ..storage.db import upsert_insert
from ..storage.models import AuditEvent, Deadline, Document, DocumentCounter, Instance, User


def next_serial(session: Session, agency_id: int, year: int) -> int:
    """Take the next 文号 serial for the agency and year.

    One upsert that increments and returns: the counter row stays locked until our transaction ends,
    so concurrent transitions queue, and a rolled-back one leaves no gap.
    """
    stmt = (
        upsert_insert(session, DocumentCounter)
        .values(agency_id=agency_id, year=year, last=1)
        .on_conflict_do_update(
            index_elements=[DocumentCounter.agency_id, DocumentCounter.year],
            set_={"last": DocumentCounter.last + 1},
        )
    )
    return int(session.scalar(stmt.returning(DocumentCounter.last)))


def _deadlines(running: list[Deadline]) -> dict[str, dict[str, str]]:
    """The case's running deadlines, for a document that states them (e.g. 请于…前报送纠正情况)."""
    out = {}
    for row in running:
        rule = parse_rule(row.rule)
        period = f"{rule.n}个工作日" if rule.unit == "wd" else f"{rule.n}日"
        out[row.timer] = {"title": row.title, "due": format_chinese_date(row.due), "period": period}
    return out


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
    wanted = [ref for ref in refs if records.matches(ref.when, instance.data, instance.events)]
    if not wanted:
        return []
    session.flush()  # the audit event's id, which each document points to
    issued = []
    for ref in wanted:
        spec = d.documents[ref.name]
        serial = next_serial(session, issuer.id, today.year)
        number = format_document_number(issuer.doc_code, today.year, serial)
        context = {
            "doc": {"number": number, "title": spec.title, "date": format_chinese_date(today)},
            "agency": {"name": instance.agency.name, "doc_code": instance.agency.doc_code},
            "issuer": {"name": issuer.name, "doc_code": issuer.doc_code},
            "counterpart": {"name": counterpart.name, "doc_code": counterpart.doc_code}
            if counterpart
            else {},
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
        }
        content = render_document(rt.templates_dir / spec.template, context)
        doc = Document(
            instance_id=instance.id,
            audit_event_id=audit_event.id,
            agency_id=issuer.id,
            kind=ref.name,
            title=spec.title,
            template=spec.template,
            number=number,
            year=today.year,
            serial=serial,
            sha256=hashlib.sha256(content).hexdigest(),
            content=content,
            created_at=now,
        )
        session.add(doc)
        issued.append(doc)
        if spec.record_number_as:  # later documents of the same move may cite it (双书同达)
            instance.data = {**instance.data, spec.record_number_as: number}
    session.flush()
    return issued
