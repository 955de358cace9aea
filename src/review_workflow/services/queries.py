"""Reads: what a user may see of cases, tasks, documents and workflows."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ..adapters.pdf import PdfSettings, docx_to_pdf
from ..core.definitions import TransitionSpec
from ..core.errors import InvalidInput, NotFound
from ..runtime import Runtime
from ..schemas import (
    CaseDetail,
    CaseLink,
    CasesPublic,
    DeadlinesPublic,
    Me,
    Named,
    PersonPublic,
    TaskPublic,
    TasksPublic,
    WorkflowPublic,
    WorkflowSummary,
)
from ..storage.db import UnitOfWork
from ..storage.models import AuditEvent, Deadline, Document, Instance, User
from . import access_log, case_refs
from .actors import as_actor, load_user
from .calendar_data import current_calendar
from .cases import load_case
from .moves import facts, guard_context
from .paging import check_page
from .scope import can_see, concerns_clause, open_clause, where_visible
from .timers import open_deadlines
from .views import (
    audit_public,
    case_link,
    case_public,
    deadline_public,
    document_public,
    event_public,
    workflow_public,
    workflow_summary,
)


def me(rt: Runtime, actor_id: int) -> Me:
    with UnitOfWork(rt.reads) as session:
        u = load_user(session, actor_id)
        return Me(
            id=u.id,
            username=u.username,
            name=u.name,
            roles=list(u.roles),
            agency=Named(id=u.agency.id, name=u.agency.name),
        )


def list_workflows(rt: Runtime) -> list[WorkflowSummary]:
    return [workflow_summary(wf.definition) for wf in rt.workflows.values()]


def show_workflow(rt: Runtime, name: str) -> WorkflowPublic:
    return workflow_public(rt.workflow(name).definition)


def _available(rt: Runtime, session: Session, user: User, inst: Instance) -> list[TransitionSpec]:
    actor, case = as_actor(user), facts(rt, session, inst, open_deadlines(session, inst.id))
    ctx = guard_context(rt, session, inst, actor, case, {}, "", lambda: current_calendar(rt, session))
    return rt.workflow(inst.workflow).engine.available(actor, case, ctx)


def get_case(rt: Runtime, actor_id: int, case_id: int) -> CaseDetail:
    with UnitOfWork(rt.reads) as session:
        user = load_user(session, actor_id)
        inst = load_case(session, user, case_id)
        d = rt.workflow(inst.workflow).definition
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.instance_id == inst.id).order_by(AuditEvent.seq)
        ).all()
        deadlines = session.scalars(
            select(Deadline).where(Deadline.instance_id == inst.id).order_by(Deadline.id)
        )
        docs = session.scalars(
            select(Document).where(Document.instance_id == inst.id).order_by(Document.id)
        ).all()
        today = rt.clock.today()
        staff = session.scalars(
            select(User).where(User.agency_id == inst.agency_id, User.active).order_by(User.id)
        ).unique()
        return CaseDetail(
            **case_public(rt, inst).model_dump(),
            people=[
                PersonPublic(
                    id=u.id,
                    name=u.name,
                    roles=list(u.roles),
                    certificate_no=u.certificate_no,
                    certificate_valid_until=u.certificate_valid_until,
                )
                for u in staff
            ],
            available_events=[event_public(t, d.sheets) for t in _available(rt, session, user, inst)],
            history=[audit_public(d, ev, list(docs)) for ev in events],
            documents=[document_public(doc) for doc in docs],
            deadlines=[deadline_public(row, today) for row in deadlines],
            # The parent may be out of sight (a filing office sees the filing, not the penalty case).
            parent=next(iter(_links(rt, session, user, Instance.id == inst.parent_id, today)), None),
            children=_links(rt, session, user, Instance.parent_id == inst.id, today),
            related=_links(rt, session, user, Instance.id.in_(_related_ids(rt, session, user, inst)), today),
        )


def _related_ids(rt: Runtime, session: Session, user: User, inst: Instance) -> list[int]:
    d = rt.workflow(inst.workflow).definition
    named = [v for f, spec in d.case_fields.items() if spec.type == "case" and isinstance(v := inst.data.get(f), int)]
    return named + [other.id for _, _, other in case_refs.case_of(rt, session, user, inst)]


def _links(rt: Runtime, session: Session, user: User, where: Any, today: date) -> list[CaseLink]:
    """Related cases the user may see, each with its deadlines."""
    related = [
        i
        for i in session.scalars(select(Instance).where(where).order_by(Instance.id)).unique()
        if can_see(session, user, i)
    ]
    rows = session.scalars(
        select(Deadline).where(Deadline.instance_id.in_([i.id for i in related])).order_by(Deadline.id)
    ).unique()
    by_case: dict[int, list[Deadline]] = {}
    for row in rows:
        by_case.setdefault(row.instance_id, []).append(row)
    return [case_link(rt, i, by_case.get(i.id, []), today) for i in related]


def list_cases(
    rt: Runtime,
    actor_id: int,
    *,
    workflow: str | None = None,
    state: str | None = None,
    q: str | None = None,
    page: int = 1,
    page_size: int | None = None,
) -> CasesPublic:
    page_size = page_size or rt.settings.page_size
    offset = check_page(page, page_size)
    if workflow:
        rt.workflow(workflow)
    with UnitOfWork(rt.reads) as session:
        user = load_user(session, actor_id)
        query = where_visible(select(Instance), user)
        if workflow:
            query = query.where(Instance.workflow == workflow)
        if state:
            query = query.where(Instance.state == state)
        if q:
            like = f"%{q.strip()}%"
            query = query.where(or_(Instance.title.ilike(like), Instance.party.ilike(like)))
        count = session.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = session.scalars(
            query.order_by(Instance.updated_at.desc(), Instance.id.desc()).offset(offset).limit(page_size)
        ).unique()
        return CasesPublic(
            data=[case_public(rt, r) for r in rows], count=count, page=page, page_size=page_size
        )


def list_tasks(rt: Runtime, actor_id: int) -> TasksPublic:
    """Open cases of the user's agency, or addressed to it, on which the user can fire an event now."""
    with UnitOfWork(rt.reads) as session:
        user = load_user(session, actor_id)
        query = select(Instance).where(concerns_clause(user), open_clause(rt))
        tasks = []
        for inst in session.scalars(query.order_by(Instance.updated_at)).unique():
            events = _available(rt, session, user, inst)
            if events:
                tasks.append(TaskPublic(case=case_public(rt, inst), events=[event_public(t, rt.workflow(inst.workflow).definition.sheets) for t in events]))
        return TasksPublic(data=tasks, count=len(tasks))


def get_document(rt: Runtime, actor_id: int, case_id: int, doc_id: int, *, as_pdf: bool = False) -> tuple[str, bytes]:
    """The file name and bytes of one document of a case the user may see: the stored .docx, or its PDF
    converted on request (after the transaction: a conversion takes seconds). PdfUnavailable where no
    converter is installed."""
    with UnitOfWork(rt.reads) as session:
        user = load_user(session, actor_id)
        load_case(session, user, case_id)
        doc = _document(session, case_id, doc_id)
        name, content = f"{doc.title}-{doc.number or doc.id}", doc.content
        logged = f"{doc.title}（{doc.number or '无文号'}）"
    access_log.record(rt, actor_id, case_id, "download", "document", doc_id, logged)
    if not as_pdf:
        return f"{name}.docx", content
    settings = PdfSettings(converter=rt.settings.pdf_converter, timeout_seconds=rt.settings.pdf_timeout_seconds)
    return f"{name}.pdf", docx_to_pdf(content, settings)


def _document(session: Session, case_id: int, doc_id: int) -> Document:
    doc = session.get(Document, doc_id)
    if doc is None or doc.instance_id != case_id:
        raise NotFound(f"案件 {case_id} 没有编号为 {doc_id} 的文书")
    return doc


DEADLINE_STATUSES = ("open", "met", "missed", "cancelled")


def list_deadlines(
    rt: Runtime,
    actor_id: int,
    *,
    status: str | None = None,
    due_before: date | None = None,
    responsible: int | None = None,
    page: int = 1,
    page_size: int | None = None,
) -> DeadlinesPublic:
    """Deadlines of the cases the user may see, soonest first."""
    page_size = page_size or rt.settings.page_size
    if status and status not in DEADLINE_STATUSES:
        raise InvalidInput(f"期限状态应为 {'、'.join(DEADLINE_STATUSES)} 之一，收到：{status}")
    offset = check_page(page, page_size)
    with UnitOfWork(rt.reads) as session:
        user = load_user(session, actor_id)
        query = where_visible(select(Deadline).join(Instance, Deadline.instance_id == Instance.id), user)
        if status:
            query = query.where(Deadline.status == status)
        if due_before:
            query = query.where(Deadline.due < due_before)
        if responsible:
            query = query.where(Deadline.responsible_id == responsible)
        count = session.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = session.scalars(
            query.order_by(Deadline.due, Deadline.id).offset(offset).limit(page_size)
        ).unique()
        today = rt.clock.today()
        return DeadlinesPublic(
            data=[deadline_public(r, today) for r in rows], count=count, page=page, page_size=page_size
        )
