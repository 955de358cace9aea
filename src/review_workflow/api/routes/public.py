from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from ...schemas import PublicDisclosures
from ...services import disclosures
from ..deps import PageNo, PageSize, RuntimeDep
from ..errors import error_responses

router = APIRouter(prefix="/api/public", tags=["public"])


@router.get(
    "/disclosures",
    summary="行政执法公示（无需登录）：公示中的决定，或已撤回的公示及其理由",
    responses=error_responses(422),
)
def list_disclosures(
    rt: RuntimeDep,
    status: Literal["published", "withdrawn"] = "published",
    q: Annotated[str | None, Query(description="按案由或当事人检索")] = None,
    page: PageNo = 1,
    page_size: PageSize = 20,
) -> PublicDisclosures:
    return disclosures.list_public(rt, status=status, q=q, page=page, page_size=page_size)
