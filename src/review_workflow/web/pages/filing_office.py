"""备案审查: the filing-review office's queue (services.filing_office decides what is in it and who
may see it); each filing links to its case page, where the office registers, accepts or issues a
correction notice with the forms the workflow gives."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from ...services import filing_office, paging
from ..common import PageRoute, PageUser, RuntimeDep, render

router = APIRouter(route_class=PageRoute, include_in_schema=False)
OVERVIEW_ROWS = 10  # per section when all are shown
SECTION_ROWS = 20  # on one section's own pages


@router.get("/filing-office")
def filing_queue(
    request: Request,
    rt: RuntimeDep,
    user: PageUser,
    section: str = "",
    page: Annotated[int, Query(ge=1, le=paging.MAX_PAGE)] = 1,
) -> Response:
    found = filing_office.queue(
        rt,
        user,
        section=section or None,
        page=page,
        page_size=SECTION_ROWS if section else OVERVIEW_ROWS,
    )
    context = {"queue": found, "section": section, "titles": filing_office.SECTIONS}
    return render(request, "filing_office.html", context, user_id=user)
