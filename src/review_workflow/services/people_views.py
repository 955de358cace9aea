"""Officers and their 执法证, from rows to public shapes (schemas_people). Mappers only: no query commits."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core import certificates as rules
from ..schemas import Named
from ..schemas_people import (
    CertificateEventPublic,
    CertificatePublic,
    OfficerDetail,
    OfficerPublic,
    TrainingPublic,
)
from ..storage.models import CertificateEvent, TrainingHours, User


def certificate_public(user: User, today: date) -> CertificatePublic | None:
    if not user.certificate_no:
        return None
    status = user.certificate_status or rules.VALID
    standing = rules.standing(user.certificate_no, status, user.certificate_valid_until, today)
    until = user.certificate_valid_until
    return CertificatePublic(
        number=user.certificate_no,
        valid_from=user.certificate_valid_from,
        valid_until=until,
        status=status,
        status_title=rules.STATUS_TITLES.get(status, status),
        standing=standing,  # type: ignore[arg-type]
        standing_title=rules.STANDING_TITLES[standing],
        days_left=(until - today).days if until else None,
    )


def officer_public(user: User, today: date) -> OfficerPublic:
    return OfficerPublic(
        id=user.id,
        username=user.username,
        name=user.name,
        agency=Named(id=user.agency.id, name=user.agency.name),
        roles=list(user.roles),
        active=user.active,
        staff_type=user.staff_type,
        staff_type_title=rules.staff_title(user.staff_type),
        certificate=certificate_public(user, today),
    )


def event_public(row: CertificateEvent) -> CertificateEventPublic:
    return CertificateEventPublic(
        id=row.id,
        at=row.at,
        action=row.action,
        action_title=rules.ACTIONS.get(row.action, row.action),
        status=row.status,
        status_title=rules.STATUS_TITLES.get(row.status, row.status),
        reason=row.reason,
        by=Named(id=row.by.id, name=row.by.name) if row.by else None,
        certificate_no=row.certificate_no,
        valid_from=row.valid_from,
        valid_until=row.valid_until,
    )


def training_of(session: Session, user_id: int) -> list[TrainingPublic]:
    rows = session.scalars(
        select(TrainingHours).where(TrainingHours.user_id == user_id).order_by(TrainingHours.year.desc())
    )
    return [TrainingPublic(year=r.year, hours=r.hours) for r in rows]


def officer_detail(session: Session, user: User, today: date) -> OfficerDetail:
    """The officer with their certificate's history (newest first) and training hours by year."""
    history = session.scalars(
        select(CertificateEvent).where(CertificateEvent.user_id == user.id).order_by(CertificateEvent.id.desc())
    ).unique()
    return OfficerDetail(
        **officer_public(user, today).model_dump(),
        email=user.email,
        legal_qualification=user.legal_qualification,
        first_review_on=user.first_review_on,
        can_log_in=user.password_hash is not None,
        history=[event_public(r) for r in history],
        training=training_of(session, user.id),
    )
