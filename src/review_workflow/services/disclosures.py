"""What the public reads of enforcement disclosures (行政执法公示), without logging in.

Only what the disclosure itself publishes goes out, and personal information is masked: an individual's
ID-card and telephone numbers never leave in full, not even inside the free text of a decision.
"""

from __future__ import annotations

from typing import Any, Literal

from sqlalchemy import func, or_, select

from ..core import records
from ..core.errors import InvalidInput
from ..core.masking import mask_id_number, mask_personal_info
from ..runtime import Runtime
from ..schemas import PublicDisclosure, PublicDisclosures
from ..storage.db import UnitOfWork
from ..storage.models import Instance
from .paging import check_page

WORKFLOW = "enforcement_disclosure"
# Disclosed now: published, and still published while a correction or a withdrawal is being prepared.
SHOWN = {"published": ("published", "correcting", "revoking"), "withdrawn": ("withdrawn",)}


def _public(inst: Instance) -> PublicDisclosure:
    data: dict[str, Any] = inst.data
    events: dict[str, Any] = inst.events

    def recorded(path: str) -> Any:
        return records.read(path, data, events)

    withdrawn = inst.state == "withdrawn"
    return PublicDisclosure(
        id=inst.id,
        agency=inst.agency.name,
        party=mask_personal_info(inst.party),
        party_id_no=mask_id_number(data.get("party_id_no")) or None,
        category=data["category"],
        decision_no=data["decision_no"],
        decision_date=data["decision_date"],
        conclusion=None if withdrawn else mask_personal_info(data.get("conclusion")),
        legal_basis=None if withdrawn else mask_personal_info(data.get("legal_basis")),
        published_on=recorded("publish.on"),
        corrected_on=recorded("correct.on"),
        correction=mask_personal_info(recorded("correct.correction")) or None,
        withdrawn_on=recorded("withdraw_disclosure.on") if withdrawn else None,
        withdrawal_reason=mask_personal_info(recorded("revoke.reason")) if withdrawn else None,
    )


def list_public(
    rt: Runtime,
    *,
    status: Literal["published", "withdrawn"] = "published",
    q: str | None = None,
    page: int = 1,
    page_size: int = 20,
) -> PublicDisclosures:
    """Disclosures as the public sees them: newest decision first, paginated."""
    if status not in SHOWN:
        raise InvalidInput(f"status 只能是 published（公示中）或 withdrawn（已撤回），收到：{status}")
    offset = check_page(page, page_size)
    query = select(Instance).where(Instance.workflow == WORKFLOW, Instance.state.in_(SHOWN[status]))
    if q and q.strip():
        like = f"%{q.strip()}%"
        query = query.where(or_(Instance.title.ilike(like), Instance.party.ilike(like)))
    with UnitOfWork(rt.reads) as session:
        count = session.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = session.scalars(
            query.order_by(Instance.updated_at.desc(), Instance.id.desc()).offset(offset).limit(page_size)
        ).unique()
        return PublicDisclosures(data=[_public(r) for r in rows], count=count, page=page, page_size=page_size)
