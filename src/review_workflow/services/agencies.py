"""Agencies (机关): list, create, edit — name, 代字, kind, level, its 司法局 and its 法制机构. Never deleted:
cases, documents and numbers refer to them for good.

Administrators change them; supervisors (执法监督) may read. Every change is written to the security log
(`agency_created`, `agency_changed`) with what it was before, in the same transaction.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import and_, func, or_, select, true
from sqlalchemy.orm import Session

from ..core.errors import InvalidInput, NotFound, NotPermitted
from ..core.payloads import has_control_characters
from ..runtime import Runtime
from ..schemas import Named
from ..schemas_people import AgenciesPublic, AgencyCreate, AgencyPublic, AgencyUpdate
from ..storage.db import UnitOfWork
from ..storage.models import Agency, User
from . import security
from .actors import load_user
from .scope import agencies_clause, covers

KIND_TITLES = {"enforcement": "行政执法机关", "filing_review": "备案审查机关（司法局）"}
LEVEL_TITLES = {"province": "省级", "city": "市级", "county": "县（区）级"}
READERS = frozenset({"admin", "supervisor"})


def require_admin(session: Session, actor_id: int, what: str) -> User:
    user = load_user(session, actor_id)
    if "admin" not in user.roles:
        raise NotPermitted(f"只有系统管理员可以{what}")
    return user


def require_reader(session: Session, actor_id: int) -> User:
    """Administrators manage; supervisors (执法监督) read."""
    user = load_user(session, actor_id)
    if not READERS & set(user.roles):
        raise NotPermitted("只有系统管理员和执法监督人员可以查看机关与执法人员")
    return user


def clean(value: str | None, label: str, limit: int, *, required: bool = True) -> str | None:
    """Trimmed text without control characters; blank is None (refused when required)."""
    text = (value or "").strip()
    if not text:
        if required:
            raise InvalidInput(f"{label}不能为空")
        return None
    if len(text) > limit:
        raise InvalidInput(f"{label}过长（不超过 {limit} 字）")
    if has_control_characters(text):
        raise InvalidInput(f"{label}不能包含控制字符")
    return text


def _check(session: Session, agency: Agency) -> None:
    """Everything an agency must satisfy, asked after a create or an edit (before the flush)."""
    if any(c in agency.doc_code for c in "〔〕[]"):
        raise InvalidInput("代字不能含〔〕或方括号（年份由系统加上）")
    clash = session.scalars(
        select(Agency).where(
            or_(Agency.name == agency.name, Agency.doc_code == agency.doc_code),
            Agency.id != agency.id if agency.id is not None else true(),
        )
    ).first()
    if clash is not None:
        what = f"机关“{agency.name}”" if clash.name == agency.name else f"代字“{agency.doc_code}”"
        raise InvalidInput(f"{what}已被{clash.name}使用")
    if agency.filing_office_id is not None:
        office = session.get(Agency, agency.filing_office_id)
        if office is None:
            raise InvalidInput(f"备案审查机关 {agency.filing_office_id} 不存在")
        if office.kind != "filing_review":
            raise InvalidInput(f"{office.name}不是备案审查机关（司法局），不能作为备案审查机关")
        if agency.id is not None and office.id == agency.id:
            raise InvalidInput("机关不能向自己报送备案")
    if agency.id is not None and agency.kind != "filing_review":
        filers = session.scalar(select(func.count()).where(Agency.filing_office_id == agency.id)) or 0
        if filers:
            raise InvalidInput(f"仍有 {filers} 个机关向{agency.name}报送备案，不能改为执法机关；请先为它们另设备案审查机关")


def add(session: Session, spec: AgencyCreate) -> Agency:
    """A new agency in the caller's transaction (checked, flushed for its id); never commits."""
    agency = Agency(
        name=clean(spec.name, "机关名称", 200),
        doc_code=clean(spec.doc_code, "代字", 40),
        kind=spec.kind,
        level=spec.level,
        filing_office_id=spec.filing_office_id,
        legal_office=clean(spec.legal_office, "法制机构名称", 200, required=False),
    )
    _check(session, agency)
    session.add(agency)
    session.flush()
    return agency


def certified_on(day: date) -> Any:
    """Holding a valid 执法证 on `day`: numbered, neither 暂扣 nor 注销, within its dates (a condition on User)."""
    return and_(
        User.certificate_no.is_not(None),
        or_(User.certificate_status.is_(None), User.certificate_status == "valid"),
        or_(User.certificate_valid_from.is_(None), User.certificate_valid_from <= day),
        User.certificate_valid_until >= day,
    )


def _counts(session: Session, today: date, ids: list[int] | None = None) -> dict[int, tuple[int, int]]:
    """Per agency: active people, and those whose certificate is valid today."""
    query = select(User.agency_id, func.count(), func.count().filter(certified_on(today))).where(User.active)
    if ids is not None:
        query = query.where(User.agency_id.in_(ids))
    return {a: (n, c) for a, n, c in session.execute(query.group_by(User.agency_id))}


def _public(agency: Agency, offices: dict[int, str], counts: dict[int, tuple[int, int]]) -> AgencyPublic:
    office = agency.filing_office_id
    officers, certified = counts.get(agency.id, (0, 0))
    return AgencyPublic(
        id=agency.id,
        name=agency.name,
        doc_code=agency.doc_code,
        kind=agency.kind,  # type: ignore[arg-type]
        kind_title=KIND_TITLES.get(agency.kind, agency.kind),
        level=agency.level,
        level_title=LEVEL_TITLES.get(agency.level or "", "未设置"),
        filing_office=Named(id=office, name=offices.get(office, str(office))) if office else None,
        legal_office=agency.legal_office,
        officers=officers,
        certified=certified,
    )


def _names(session: Session) -> dict[int, str]:
    return {i: name for i, name in session.execute(select(Agency.id, Agency.name))}


def list_agencies(rt: Runtime, actor_id: int) -> AgenciesPublic:
    """Every agency, filing-review offices (司法局) last, with how many people and valid certificates."""
    with UnitOfWork(rt.reads) as session:
        user = require_reader(session, actor_id)
        rows = list(session.scalars(select(Agency).where(agencies_clause(user, Agency.id)).order_by(Agency.kind, Agency.id)))
        names, counts = _names(session), _counts(session, rt.clock.today())
        return AgenciesPublic(data=[_public(a, names, counts) for a in rows], count=len(rows))


def get_agency(rt: Runtime, actor_id: int, agency_id: int) -> AgencyPublic:
    with UnitOfWork(rt.reads) as session:
        agency = readable_agency(session, require_reader(session, actor_id), agency_id)
        return _public(agency, _names(session), _counts(session, rt.clock.today(), [agency_id]))


def readable_agency(session: Session, user: User, agency_id: int) -> Agency:
    """The agency, if the user may read its people (one not covered reads as missing)."""
    agency = _agency(session, agency_id)
    if not covers(session, user, agency_id):
        raise NotFound(f"机关 {agency_id} 不存在")
    return agency


def _agency(session: Session, agency_id: int) -> Agency:
    agency = session.get(Agency, agency_id)
    if agency is None:
        raise NotFound(f"机关 {agency_id} 不存在")
    return agency


def create_agency(rt: Runtime, actor_id: int, spec: AgencyCreate, ip: str | None = None) -> AgencyPublic:
    with UnitOfWork(rt.sessions) as session:
        require_admin(session, actor_id, "新建机关")
        agency = add(session, spec)
        security.record(
            session, rt.clock.now(), "agency_created", user_id=actor_id, ip=ip, agency_id=agency.id, after=_state(agency)
        )
        session.commit()
        return _public(agency, _names(session), {})


def _state(agency: Agency) -> dict[str, Any]:
    return {
        "name": agency.name,
        "doc_code": agency.doc_code,
        "kind": agency.kind,
        "level": agency.level,
        "filing_office_id": agency.filing_office_id,
        "legal_office": agency.legal_office,
    }


def update_agency(
    rt: Runtime, actor_id: int, agency_id: int, changes: AgencyUpdate, ip: str | None = None
) -> AgencyPublic:
    """Change what was sent. A new 代字 numbers the documents issued from now on; those issued keep theirs."""
    sent = changes.model_fields_set
    with UnitOfWork(rt.sessions) as session:
        require_admin(session, actor_id, "修改机关")
        agency = _agency(session, agency_id)
        before = _state(agency)
        for key, label in (("name", "机关名称"), ("doc_code", "代字"), ("kind", "机关类别")):
            if key in sent and getattr(changes, key) is None:
                raise InvalidInput(f"{label}不能为空")
        if "name" in sent:
            agency.name = clean(changes.name, "机关名称", 200) or agency.name
        if "doc_code" in sent:
            agency.doc_code = clean(changes.doc_code, "代字", 40) or agency.doc_code
        if "kind" in sent and changes.kind is not None:
            agency.kind = changes.kind
        if "level" in sent:
            agency.level = changes.level
        if "filing_office_id" in sent:
            agency.filing_office_id = changes.filing_office_id
        if "legal_office" in sent:
            agency.legal_office = clean(changes.legal_office, "法制机构名称", 200, required=False)
        with session.no_autoflush:
            _check(session, agency)
        after = _state(agency)
        if after != before:
            security.record(
                session, rt.clock.now(), "agency_changed", user_id=actor_id, ip=ip, agency_id=agency.id,
                before={k: v for k, v in before.items() if after[k] != v},
                after={k: v for k, v in after.items() if before[k] != v},
            )
        session.commit()
        return _public(agency, _names(session), _counts(session, rt.clock.today(), [agency_id]))
