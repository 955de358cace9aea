"""Set-up and integrity use cases: the schema, agencies and users, the audit check."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from ..core import certificates as certificate_rules
from ..core.audit import ChainBreak
from ..core.errors import InvalidInput
from ..runtime import Runtime
from ..schemas_people import AgencyCreate
from ..storage import migrate
from ..storage.db import UnitOfWork
from ..storage.models import Agency, AuditEvent, CertificateEvent, User
from . import agencies, audit_trail, tokens
from .accounts import hash_password


def schema_options(rt: Runtime) -> migrate.DataOptions:
    """What the data migrations read of the settings: the definitions, the time zone, token lifetimes."""
    s = rt.settings
    return migrate.DataOptions(workflows_dir=s.workflows_dir, timezone=s.timezone, token_days=s.token_days, now=s.now)


def init_database(rt: Runtime) -> tuple[migrate.Status, migrate.Status]:
    """Bring the schema to head: an empty database gets every table (stamped at head), one of the
    previous release or an older revision is migrated (`storage/migrate.py`). Then any token still in
    `users.token_hash` moves into api_tokens. Returns where the schema stood before and after."""
    before, after = migrate.upgrade(rt.db, schema_options(rt))
    with UnitOfWork(rt.sessions) as session:
        if tokens.adopt_user_tokens(session, rt.clock.now(), rt.settings.token_days):
            session.commit()
    return before, after


def create_agency(
    rt: Runtime,
    name: str,
    doc_code: str,
    kind: str = "enforcement",
    filing_office_id: int | None = None,
    legal_office: str | None = None,
    level: str | None = None,
) -> int:
    """An agency with its document code (代字) and, for an enforcement agency, its filing-review office
    (set-up: the CLI and the demo; administrators use services/agencies.py)."""
    spec = AgencyCreate.model_validate(
        {
            "name": name,
            "doc_code": doc_code,
            "kind": kind,
            "filing_office_id": filing_office_id,
            "legal_office": legal_office,
            "level": level,
        }
    )
    with UnitOfWork(rt.sessions) as session:
        agency = agencies.add(session, spec)
        session.commit()
        return agency.id


@dataclass(frozen=True)
class NewUser:
    username: str
    name: str
    agency_id: int
    roles: tuple[str, ...]
    certificate_no: str | None = None
    certificate_valid_from: date | None = None
    certificate_valid_until: date | None = None
    legal_qualification: str | None = None
    first_review_on: date | None = None  # 初次从事法制审核的日期
    email: str | None = None
    staff_type: str | None = None  # 人员类别: core/certificates.py STAFF_TYPES


def create_user(rt: Runtime, spec: NewUser, password: str | None = None) -> tuple[int, str]:
    """Create a user; returns the id and a fresh bearer token (`tokens.DEFAULT_NAME`, expiring after
    `token_days`; only its hash is stored). With a password the user can also log in to the web pages
    (only its scrypt hash is stored)."""
    password_hash = hash_password(password) if password is not None else None
    unknown = [r for r in spec.roles if r not in rt.roles]
    if unknown or not spec.roles:
        raise InvalidInput(f"未知或缺少角色：{unknown or '（空）'}；可用角色：{', '.join(rt.roles)}")
    if spec.staff_type is not None and spec.staff_type not in certificate_rules.STAFF_TYPES:
        raise InvalidInput(f"未知的人员类别：{spec.staff_type}")
    refused = certificate_rules.ineligible_reason(spec.name, spec.staff_type) if spec.certificate_no else None
    if refused:
        raise InvalidInput(refused)
    with UnitOfWork(rt.sessions) as session:
        if session.scalars(select(User).where(User.username == spec.username)).first():
            raise InvalidInput(f"用户名“{spec.username}”已存在")
        if session.get(Agency, spec.agency_id) is None:
            raise InvalidInput(f"机关 {spec.agency_id} 不存在")
        user = User(
            username=spec.username,
            name=spec.name,
            agency_id=spec.agency_id,
            roles=list(spec.roles),
            certificate_no=spec.certificate_no,
            certificate_valid_from=spec.certificate_valid_from,
            certificate_valid_until=spec.certificate_valid_until,
            legal_qualification=spec.legal_qualification,
            first_review_on=spec.first_review_on,
            email=spec.email,
            password_hash=password_hash,
            staff_type=spec.staff_type,
            certificate_status=certificate_rules.VALID if spec.certificate_no else None,
        )
        session.add(user)
        session.flush()
        if spec.certificate_no:
            session.add(
                CertificateEvent(
                    user_id=user.id,
                    at=rt.clock.now(),
                    action="issued",
                    status=certificate_rules.VALID,
                    reason="建档时录入",
                    certificate_no=spec.certificate_no,
                    valid_from=spec.certificate_valid_from,
                    valid_until=spec.certificate_valid_until,
                )
            )
        _, token = tokens.issue(session, user.id, tokens.DEFAULT_NAME, rt.clock.now(), rt.settings.token_days)
        session.commit()
        return user.id, token


@dataclass(frozen=True)
class AuditReport:
    events: int
    breaks: list[ChainBreak]

    @property
    def intact(self) -> bool:
        return not self.breaks


def verify_audit(rt: Runtime) -> AuditReport:
    with UnitOfWork(rt.reads) as session:
        count = session.query(AuditEvent).count()
        breaks = [*audit_trail.find_breaks(session), *audit_trail.attachment_breaks(session, rt.files)]
        return AuditReport(events=count, breaks=breaks)
