"""Who is calling: token hashing, users to the guards' plain `Actor`."""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy.orm import Session

from ..core.errors import NotAuthenticated
from ..core.guards import Actor
from ..storage.models import User


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


def load_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None or not user.active:
        raise NotAuthenticated("用户不存在或已停用")
    return user


def as_actor(user: User) -> Actor:
    return Actor(
        id=user.id,
        name=user.name,
        agency_id=user.agency_id,
        roles=frozenset(user.roles),
        certificate_no=user.certificate_no,
        certificate_valid_from=user.certificate_valid_from,
        certificate_valid_until=user.certificate_valid_until,
        legal_qualification=user.legal_qualification,
        first_review_on=user.first_review_on,
        certificate_status=user.certificate_status,
    )
