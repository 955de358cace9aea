"""What happens inside one transaction when a case starts or moves: the state, the audit event, the
deadlines, the documents, the child cases started and the parent moved when a child ends.

Helpers for the use cases in `cases.py`; they take the caller's session and never commit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core import guards, payloads, records, scoring
from ..core.calendar import WorkCalendar
from ..core.definitions import ChildOutcome, ChildStart, Definition, TransitionSpec, sources_of
from ..core.errors import InvalidInput, InvalidPayload
from ..core.guards import Actor, CaseFacts, ChildFact, GuardContext
from ..core.loader import path_spec
from ..runtime import Runtime
from ..storage import batch
from ..storage.models import Agency, Deadline, Instance, User
from . import agency_rules, audit_trail, case_refs, outbox, required_records, timers
from .actors import as_actor
from .lookups import Lookups
from .paperwork import issue_documents


def facts(rt: Runtime, session: Session, inst: Instance, running: list[Deadline]) -> CaseFacts:
    """The case as the guards see it; `running` are its open deadlines. Its child cases are read only
    if a guard asks for them."""
    return CaseFacts(
        id=inst.id,
        agency_id=inst.agency_id,
        handler_id=inst.handler_id,
        state=inst.state,
        data=inst.data,
        events=inst.events,
        open_timers=timers.timer_facts(rt.workflow(inst.workflow).definition, running),
        counterpart_agency_id=inst.counterpart_agency_id,
        load_children=lambda: _children(rt, session, inst.id),
    )


def _children(rt: Runtime, session: Session, case_id: int | None) -> tuple[ChildFact, ...]:
    rows = session.execute(
        select(Instance.id, Instance.workflow, Instance.state)
        .where(Instance.parent_id == case_id)
        .order_by(Instance.id)
    )
    return tuple(ChildFact(i, wf, state, rt.workflow(wf).definition.is_final(state)) for i, wf, state in rows)


def people_of(session: Session, agency_id: int, ids: frozenset[int]) -> dict[int, Actor]:
    """The active users of the agency among `ids` (the people a `user` field names)."""
    query = select(User).where(User.id.in_(ids), User.agency_id == agency_id, User.active)
    return {u.id: as_actor(u) for u in session.scalars(query).unique()}


def guard_context(
    rt: Runtime,
    session: Session,
    inst: Instance,
    actor: Actor,
    case: CaseFacts,
    payload: dict[str, Any],
    event: str,
    load_calendar: Callable[[], WorkCalendar],
    today: date | None = None,
) -> GuardContext:
    """What the guards of `event` on the case may read; the people, the agency's rules and the calendar
    are asked for only when a guard needs them."""
    return GuardContext(
        actor,
        case,
        payload,
        today or rt.clock.today(),
        event=event,
        load_calendar=load_calendar,
        load_people=lambda ids: people_of(session, inst.agency_id, ids),
        load_rules=lambda: agency_rules.in_force(session, rt.workflow(inst.workflow).definition, inst.agency_id),
    )


def system_actor(inst: Instance) -> Actor:
    """Who fires an event the engine fires on its own (a timer ran out): nobody, of the case's agency."""
    return Actor(id=0, name="系统", agency_id=inst.agency_id, roles=frozenset())


def _counterpart_of(session: Session, d: Definition, agency_id: int, actor: User | None) -> int | None:
    if d.counterpart is None:
        return None
    if d.counterpart.agency == "starter":
        if actor is None:
            raise InvalidInput(f"“{d.title}”须由{d.counterpart.title}的人员发起")
        return actor.agency_id
    agency = session.get(Agency, agency_id)
    if agency is None or agency.filing_office_id is None:
        name = agency.name if agency else agency_id
        raise InvalidInput(f"{name}未设置{d.counterpart.title}，无法发起“{d.title}”；请管理员先设置")
    return agency.filing_office_id


def create_instance(
    rt: Runtime,
    session: Session,
    d: Definition,
    *,
    agency_id: int,
    handler_id: int,
    title: str,
    party: str,
    data: dict[str, Any],
    actor: User | None,
    parent: Instance | None = None,
    started_by: str | None = None,
    lookups: Lookups | None = None,
) -> Instance:
    """A new case in its initial state, with its start event audited and its start timers running."""
    now = rt.clock.now()
    inst = Instance(
        workflow=d.name,
        definition_hash=d.content_hash,
        agency_id=agency_id,
        handler_id=handler_id,
        title=title,
        party=party,
        parent_id=parent.id if parent else None,
        started_by=started_by,
        counterpart_agency_id=_counterpart_of(session, d, agency_id, actor),
        state=d.initial,
        version=1,
        audit_seq=0,
        data=data,
        events={},
        created_at=now,
        updated_at=now,
    )
    session.add(inst)
    session.flush()
    audit_trail.record(
        session,
        inst,
        actor_id=actor.id if actor else None,
        event="start",
        from_state=None,
        to_state=d.initial,
        payload={"title": title, "party": party, **data, **({"parent_id": parent.id} if parent else {})},
        at=now,
    )
    timers.open_on_start(rt, session, inst, actor, now, lookups or Lookups(rt, session))
    derive(d, inst)
    return inst


def apply_event(
    rt: Runtime,
    session: Session,
    inst: Instance,
    event: str,
    user: User | None,
    payload: Any,
    *,
    by_engine: bool = False,
    lookups: Lookups | None = None,
    child_id: int | None = None,
) -> TransitionSpec:
    """Check and fire `event` on the locked case, then write every effect of the move. `user` is None
    when the engine fires an event on its own (a timer ran out); `child_id` names the child case whose
    end fired it."""
    lookups = lookups or Lookups(rt, session)
    wf = rt.workflow(inst.workflow)
    running = lookups.running(inst.id)
    if running is None:
        running = timers.open_deadlines(session, inst.id)
    actor, case = (as_actor(user) if user else system_actor(inst)), facts(rt, session, inst, running)
    t = wf.engine.check(inst.state, event, actor, case, by_engine=by_engine)
    cleaned = payloads.validate(wf.event_models[event], payload, t.payload)
    if user is not None:
        case_refs.check(rt, session, user, t.payload, cleaned)
    if not by_engine:
        required_records.check(session, inst, t)
    now, before = rt.clock.now(), inst.state
    today = rt.clock.local(now).date()
    ctx = guard_context(rt, session, inst, actor, case, cleaned, event, lookups.calendar, today)
    wf.engine.fire(inst, t, ctx)
    inst.updated_at = now
    inst.version += 1
    ev = audit_trail.record(
        session,
        inst,
        actor_id=user.id if user else None,
        event=event,
        from_state=before,
        to_state=inst.state,
        payload={**cleaned, "child_id": child_id} if child_id else cleaned,
        at=now,
    )
    _record(inst, t, cleaned, records.record(cleaned, on=today, by=ev.actor_id, seq=ev.seq, child_id=child_id))
    derive(wf.definition, inst)
    running = timers.apply(rt, session, inst, t, before, user, now, running, lookups)
    tells_parent = wf.definition.is_final(inst.state) and inst.parent_id is not None
    if t.documents or t.starts or t.notify or tells_parent:
        batch.flush(session)  # what follows reads the database, which must see this move
    if t.documents or t.starts:
        moved = replace(ctx, case=facts(rt, session, inst, running))  # the case as the move left it
        wanted = [
            ref
            for ref in t.documents
            if records.matches(ref.when, inst.data, inst.events) and guards.holds(ref.conditions, moved)
        ]
        issue_documents(rt, session, inst, user, ev, tuple(wanted), cleaned, running)
        for child in t.starts:
            if guards.holds(child.conditions, moved):
                _start_child(rt, session, inst, t, child, user, lookups)
    if t.notify:
        notify_roles(rt, session, inst, t, ev.seq, now)
    if ctx.rules_used:  # the agency's rule versions the move was decided under
        inst.events = {**inst.events, event: {**inst.events[event], "rules": dict(ctx.rules_used)}}
    if tells_parent:
        _tell_parent(rt, session, inst, user)
    return t


def derive(d: Definition, inst: Instance) -> None:
    """The case fields the engine computes (`derive:`), from the values they are computed from; a value
    a client could have sent is never read, since no client may send these names."""
    computed: dict[str, Any] = {}
    for name, spec in d.derive.items():
        source = records.read(spec.from_, inst.data, inst.events)
        sheet_name = _sheet_at(d, spec.from_)
        if source is not None and sheet_name is not None:
            computed[name] = scoring.DERIVATIONS[spec.compute](d.sheets[sheet_name], source)
    if computed and any(inst.data.get(k) != v for k, v in computed.items()):
        inst.data = {**inst.data, **computed}


def _sheet_at(d: Definition, path: str) -> str | None:
    """The scoring sheet of the scoresheet field at `path` (the loader has checked that it is one)."""
    found = path_spec(d, path)
    return None if isinstance(found, str) else found.sheet


def notify_roles(rt: Runtime, session: Session, inst: Instance, t: TransitionSpec, seq: int, now: Any) -> None:
    """Tell the holders of `t.notify` roles in the case's own agency, in their inbox (and by mail or
    webhook where set up), in this move's transaction; keyed by the move, so never twice."""
    holders = session.scalars(
        select(User).where(User.agency_id == inst.agency_id, User.active).order_by(User.id)
    ).unique()
    d = rt.workflow(inst.workflow).definition
    drafts = [
        outbox.Draft(
            key=f"case:{inst.id}:{seq}:{t.event}",
            kind="case_event",
            recipient=u,
            subject=f"{d.title}：{t.title}（{inst.title}）",
            body=f"案件“{inst.title}”（{d.title}）已{t.title}，当前状态：{d.state_title(inst.state)}。请登录查看。",
            data={"event": t.event, "state": inst.state},
            instance_id=inst.id,
        )
        for u in holders
        if set(u.roles) & set(t.notify)
    ]
    outbox.queue(rt, session, drafts, now)


def _record(inst: Instance, t: TransitionSpec, cleaned: dict[str, Any], record: dict[str, Any]) -> None:
    """The event's record, kept apart from the case fields; a case field changes only where the event
    declares it (`updates`), and only when the payload gives it."""
    updates = {name: cleaned[name] for name in t.updates if name in cleaned}
    if updates:
        inst.data = {**inst.data, **updates}
    inst.events = {**inst.events, t.event: record}


def _start_child(
    rt: Runtime,
    session: Session,
    parent: Instance,
    t: TransitionSpec,
    spec: ChildStart,
    user: User | None,
    lookups: Lookups,
) -> Instance:
    """Start the child case `spec`; its case fields come from the parent's values (paths) and constants."""
    child_wf = rt.workflow(spec.workflow)
    d = child_wf.definition
    raw = {
        key: value
        for key, source in spec.data.items()
        if (value := records.first(source, parent.data, parent.events)) is not None
    }
    try:
        data = payloads.validate(child_wf.case_model, {**raw, **spec.set}, d.case_fields)
    except InvalidPayload as exc:
        raise InvalidPayload(f"无法发起“{d.title}”：{exc.message}", details=exc.details) from exc
    return create_instance(
        rt,
        session,
        d,
        agency_id=parent.agency_id,
        handler_id=parent.handler_id,
        title=parent.title,
        party=parent.party,
        data=data,
        actor=user,
        parent=parent,
        started_by=t.event,
        lookups=lookups,
    )


def child_outcome(spec: ChildStart, child: Instance) -> ChildOutcome | None:
    """The first of the parent's `on_final` rules that the ended child matches."""
    return next(
        (
            o
            for o in spec.on_final
            if (o.state is None or o.state == child.state) and records.matches(o.when, child.data, child.events)
        ),
        None,
    )


def _tell_parent(rt: Runtime, session: Session, child: Instance, user: User | None) -> None:
    """A child reached a final state: fire the parent's auto event its outcome names, if the parent waits."""
    parent = session.scalars(
        select(Instance).where(Instance.id == child.parent_id).with_for_update(of=Instance)
    ).one()
    d = rt.workflow(parent.workflow).definition
    starter = d.transition(child.started_by or "")
    spec = next((c for c in starter.starts if c.workflow == child.workflow), None) if starter else None
    outcome = child_outcome(spec, child) if spec else None
    if outcome is None:
        return
    fired = d.transition(outcome.fire)
    if fired is None or parent.state not in sources_of(d, fired):
        return  # the parent has moved on (e.g. the case was dismissed meanwhile)
    payload = {
        key: value
        for key, source in outcome.copy_back.items()
        if (value := records.read(source, child.data, child.events)) is not None
    }
    apply_event(rt, session, parent, outcome.fire, user, payload, by_engine=True, child_id=child.id)
