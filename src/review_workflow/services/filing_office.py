"""备案审查: the filing-review office's queue of major-penalty filings (重大行政处罚备案).

A filing office (the 司法局) sees the filings addressed to it — the filing case's counterpart agency —
and supervisors see every office's. The queue has the office's work (filings received and waiting to be
registered, under examination, waiting for the agency's correction), what is coming (not filed yet,
period still running), the compliance lists supervision scores (filed late: the period's outcome
`late`; not filed and overdue: `missing`), and what has been accepted.

Reads only; the office acts on a filing through the case page or the API like on any case.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel
from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from ..core import records
from ..core.errors import InvalidInput, NotFound, NotPermitted
from ..runtime import Runtime
from ..schemas import DeadlinePublic, Named
from ..storage.db import UnitOfWork
from ..storage.models import Deadline, Instance, User
from .actors import load_user
from .paging import check_page
from .scope import covered_agencies, supervises
from .views import deadline_public
from .worklist import Urgency, deadline_urgency

WORKFLOW = "major_penalty_filing"
TIMER = "filing_period"  # 自作出决定之日起15日内报送（the rule itself lives in the YAML）
ROLE = "filing_officer"

# key → title, in the order the page shows them.
SECTIONS: dict[str, str] = {
    "received": "已报送，待登记",
    "examining": "审查中",
    "correcting": "已通知纠正",
    "due_soon": "即将到期·尚未报送",
    "late": "逾期报送",
    "missing": "逾期未报送",
    "accepted": "已备案",
}
SECTION_NOTES: dict[str, str] = {
    "received": "决定机关已报送，请登记受理。",
    "examining": "已登记，请审查后准予备案或通知纠正。",
    "correcting": "已发出纠正通知，等待决定机关报告纠正情况。",
    "due_soon": "已作出重大行政处罚决定、尚未报送备案的，按备案期限先后排列。",
    "late": "超过备案期限才报送的，监督考核计为逾期备案。",
    "missing": "备案期限已届满仍未报送的，监督考核计为未备案。",
    "accepted": "准予备案的，最近的在前。",
}
_BY_STATE = {
    "received": "filed",
    "examining": "examining",
    "correcting": "correcting",
    "accepted": "accepted",
}


class FilingItem(BaseModel):
    """One filing as the office lists it."""

    id: int
    title: str
    party: str
    party_type: str | None
    party_type_title: str | None  # the choice's label: 个人 / 单位
    state: str
    state_title: str
    agency: Named  # the deciding agency, which files
    office: Named | None  # the filing-review office it is addressed to
    decision_no: str | None
    decision_date: date | None
    penalty_types: list[str]
    fine_amount: float | None
    filed_on: date | None
    received_on: date | None
    accepted_on: date | None
    deadline: DeadlinePublic | None  # the filing period
    urgency: Urgency  # of the filing period: overdue, warning, normal, or closed


class FilingSection(BaseModel):
    key: str
    title: str
    note: str
    count: int
    page: int
    page_size: int
    data: list[FilingItem]


class FilingQueue(BaseModel):
    today: date
    scope: str  # whose filings: one office, or every office (supervisors)
    all_offices: bool
    counts: dict[str, int]  # every section's count, in SECTIONS order
    sections: list[FilingSection]  # every section, or the one asked for


def may_see_queue(user: User) -> bool:
    return ROLE in user.roles or supervises(user)


def _condition(key: str, today: date) -> Any:
    if key in _BY_STATE:
        return Instance.state == _BY_STATE[key]
    if key == "due_soon":
        return and_(Deadline.closed_at.is_(None), Deadline.due >= today)
    if key == "late":
        return and_(Deadline.closed_at.is_not(None), Deadline.closed_late.is_(True))
    return and_(Deadline.closed_at.is_(None), Deadline.due < today)  # missing


_ORDER: dict[str, tuple[Any, ...]] = {
    "received": (Instance.updated_at, Instance.id),  # first come, first registered
    "examining": (Instance.updated_at, Instance.id),
    "correcting": (Instance.updated_at, Instance.id),
    "due_soon": (Deadline.due, Instance.id),
    "late": (Deadline.closed_at.desc(), Instance.id.desc()),
    "missing": (Deadline.due, Instance.id),  # the longest overdue first
    "accepted": (Instance.updated_at.desc(), Instance.id.desc()),
}


def _base(user: User) -> Any:
    """Filings the user may see, each with its filing period (if it ever opened)."""
    query = (
        select(Instance, Deadline)
        .outerjoin(Deadline, and_(Deadline.instance_id == Instance.id, Deadline.timer == TIMER))
        .where(Instance.workflow == WORKFLOW)
    )
    if supervises(user):  # the offices of the supervisor's level and below
        return query.where(Instance.counterpart_agency_id.in_(covered_agencies(user)))
    return query.where(Instance.counterpart_agency_id == user.agency_id)


def _item(rt: Runtime, inst: Instance, row: Deadline | None, today: date) -> FilingItem:
    d = rt.workflow(WORKFLOW).definition
    data: dict[str, Any] = inst.data
    party_type = data.get("party_type")
    spec = d.case_fields.get("party_type")
    deadline = deadline_public(row, today) if row is not None else None

    def day(path: str) -> date | None:
        value = records.read(path, data, inst.events)
        return date.fromisoformat(value) if isinstance(value, str) and value else None

    return FilingItem(
        id=inst.id,
        title=inst.title,
        party=inst.party,
        party_type=party_type,
        party_type_title=(spec.labels.get(party_type, party_type) if spec else party_type)
        if party_type
        else None,
        state=inst.state,
        state_title=d.state_title(inst.state),
        agency=Named(id=inst.agency.id, name=inst.agency.name),
        office=Named(id=inst.counterpart_agency.id, name=inst.counterpart_agency.name)
        if inst.counterpart_agency
        else None,
        decision_no=data.get("decision_no"),
        decision_date=day("decision_date"),
        penalty_types=list(data.get("penalty_types") or []),
        fine_amount=data.get("fine_amount"),
        filed_on=day("file.on"),
        received_on=day("receive.on"),
        accepted_on=day("accept.on"),
        deadline=deadline,
        urgency=deadline_urgency(deadline, today) if deadline else "closed",
    )


def _section(
    rt: Runtime, session: Session, user: User, key: str, today: date, page: int, page_size: int, count: int
) -> FilingSection:
    query = _base(user).where(_condition(key, today)).order_by(*_ORDER[key])
    rows = session.execute(query.offset((page - 1) * page_size).limit(page_size)).unique().all()
    return FilingSection(
        key=key,
        title=SECTIONS[key],
        note=SECTION_NOTES[key],
        count=count,
        page=page,
        page_size=page_size,
        data=[_item(rt, inst, row, today) for inst, row in rows],
    )


def queue(
    rt: Runtime, actor_id: int, *, section: str | None = None, page: int = 1, page_size: int = 20
) -> FilingQueue:
    """The filing-review queue: every section's count, and every section's first page — or, with
    `section`, that section's page `page`."""
    if section is not None and section not in SECTIONS:
        raise InvalidInput(
            f"没有“{section}”这一栏；可选：{'、'.join(f'{k}（{t}）' for k, t in SECTIONS.items())}"
        )
    check_page(page, page_size)
    if page > 1 and section is None:
        raise InvalidInput("翻页时请指明栏目（section）")
    if WORKFLOW not in rt.workflows:
        raise NotFound("未加载“重大行政处罚备案”流程，没有备案审查队列")
    today = rt.clock.today()
    with UnitOfWork(rt.reads) as session:
        user = load_user(session, actor_id)
        if not may_see_queue(user):
            raise NotPermitted("备案审查队列仅供备案审查人员和执法监督人员查看")
        counts = {
            key: session.scalar(
                select(func.count()).select_from(_base(user).where(_condition(key, today)).subquery())
            )
            or 0
            for key in SECTIONS
        }
        keys = [section] if section else list(SECTIONS)
        return FilingQueue(
            today=today,
            scope=f"{user.agency.name}及所辖备案审查机关" if supervises(user) else user.agency.name,
            all_offices=supervises(user),
            counts=counts,
            sections=[_section(rt, session, user, k, today, page, page_size, counts[k]) for k in keys],
        )
