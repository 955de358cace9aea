from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from ...services import filing_office
from ...services.filing_office import FilingQueue
from ..deps import CurrentUser, PageNo, PageSize, RuntimeDep
from ..errors import error_responses

router = APIRouter(prefix="/api/filing-office", tags=["filing-office"])
SECTION_HELP = (
    "栏目：" + "、".join(f"{k}（{t}）" for k, t in filing_office.SECTIONS.items()) + "；不填则返回各栏第一页"
)


@router.get(
    "/queue",
    summary="备案审查队列：各栏件数，以及各栏（或指定一栏）的一页（备案审查人员看本机关；执法监督人员看全部）",
    responses=error_responses(401, 403, 422),
)
def queue(
    rt: RuntimeDep,
    user: CurrentUser,
    section: Annotated[str | None, Query(description=SECTION_HELP)] = None,
    page: PageNo = 1,
    page_size: PageSize = 20,
) -> FilingQueue:
    return filing_office.queue(rt, user, section=section, page=page, page_size=page_size)
