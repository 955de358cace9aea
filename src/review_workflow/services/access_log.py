"""调阅 log: every view and download of an attachment, a document or the case file is written down
(who, when, what); supervisors and the heads of the agency read it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..core.errors import NotPermitted
from ..runtime import Runtime
from ..schemas import Named
from ..schemas_records import AccessEntryPublic, AccessLogPublic
from ..storage.db import UnitOfWork
from ..storage.models import AccessLog, Instance, User
from .actors import load_user
from .cases import load_case
from .paging import check_page

# Who reads the log of a case they may see: 执法监督 above, the agency's head and legal head, its admin.
READERS = frozenset({"supervisor", "agency_head", "legal_head", "admin"})


def may_read(user: User) -> bool:
    return bool(READERS & set(user.roles))


def write(
    session: Session, user: User, inst: Instance, action: str, target: str, target_id: int | None, title: str, at: datetime
) -> None:
    """One line of the log, in the caller's transaction."""
    session.add(
        AccessLog(instance_id=inst.id, user_id=user.id, at=at, action=action, target=target, target_id=target_id, title=title[:300])
    )


def record(rt: Runtime, actor_id: int, case_id: int, action: str, target: str, target_id: int | None, title: str) -> None:
    """One line of the log in a short write transaction of its own, after a download was read (and built)
    in a read transaction: building a case file must not hold SQLite's write lock."""
    with UnitOfWork(rt.sessions) as session:
        user = load_user(session, actor_id)
        write(session, user, load_case(session, user, case_id), action, target, target_id, title, rt.clock.now())
        session.commit()


def read(rt: Runtime, actor_id: int, case_id: int, page: int = 1, page_size: int = 50) -> AccessLogPublic:
    """The log of one case, newest first, for a reader who may see the case (scope.can_see)."""
    offset = check_page(page, page_size)
    with UnitOfWork(rt.reads) as session:
        user = load_user(session, actor_id)
        inst = load_case(session, user, case_id)
        if not may_read(user):
            raise NotPermitted("只有执法监督人员、机关负责人、法制机构负责人和管理员可以查看调阅记录")
        count = session.scalar(select(func.count(AccessLog.id)).where(AccessLog.instance_id == inst.id)) or 0
        rows = session.scalars(
            select(AccessLog).where(AccessLog.instance_id == inst.id).order_by(AccessLog.id.desc()).offset(offset).limit(page_size)
        ).unique()
        data = [
            AccessEntryPublic(
                at=r.at, user=Named(id=r.user.id, name=r.user.name), action=r.action, target=r.target, target_id=r.target_id, title=r.title
            )
            for r in rows
        ]
        return AccessLogPublic(data=data, count=count)
