"""Documents produced by a transition: numbered (文号), rendered and stored in the caller's transaction."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from ..db import upsert_insert
from ..documents import format_chinese_date, format_document_number, render_document
from ..models import AuditEvent, Document, DocumentCounter, Instance, User
from ..runtime import Runtime


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


def _local_dates(data: dict[str, Any]) -> dict[str, Any]:
    """`*_on` fields hold ISO dates; documents print them the Chinese way."""
    out = dict(data)
    for key, value in data.items():
        if key.endswith("_on") and isinstance(value, str):
            out[key] = format_chinese_date(datetime.fromisoformat(value).date())
    return out


def issue_documents(
    rt: Runtime,
    session: Session,
    instance: Instance,
    actor: User,
    audit_event: AuditEvent,
    kinds: tuple[str, ...],
    payload: dict[str, Any],
) -> list[Document]:
    wf = rt.workflow(instance.workflow)
    d = wf.definition
    now = audit_event.at
    today = rt.clock.local(now).date()
    issued = []
    for kind in kinds:
        spec = d.documents[kind]
        serial = next_serial(session, instance.agency_id, today.year)
        number = format_document_number(instance.agency.doc_code, today.year, serial)
        transition = d.transition(audit_event.event)
        context = {
            "doc": {"number": number, "title": spec.title, "date": format_chinese_date(today)},
            "agency": {"name": instance.agency.name, "doc_code": instance.agency.doc_code},
            "case": {
                "id": instance.id,
                "title": instance.title,
                "party": instance.party,
                "workflow_title": d.title,
                "handler_name": instance.handler.name,
                "state_title": d.state_title(instance.state),
            },
            "actor": {
                "name": actor.name,
                "roles": list(actor.roles),
                "legal_qualification": actor.legal_qualification or "",
                "certificate_no": actor.certificate_no or "",
            },
            "event": audit_event.event,
            "event_title": transition.title if transition else audit_event.event,
            "payload": payload,
            "data": _local_dates(instance.data),
        }
        content = render_document(rt.templates_dir / spec.template, context)
        doc = Document(
            instance_id=instance.id,
            audit_event_id=audit_event.id,
            agency_id=instance.agency_id,
            kind=kind,
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
    session.flush()
    return issued
