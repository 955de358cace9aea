"""行政执法公示: what is disclosed now and what was withdrawn, for anyone, without logging in.

Everything shown comes from services.disclosures.list_public, which masks personal information.
"""

from __future__ import annotations

from typing import Annotated, Literal, cast

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from ...services import disclosures, paging
from ..common import PageRoute, RuntimeDep, render

router = APIRouter(route_class=PageRoute, include_in_schema=False)
PAGE_SIZE = 10
TABS = {"published": "公示中", "withdrawn": "已撤回的公示"}


@router.get("/public/disclosures")
def public_disclosures(
    request: Request,
    rt: RuntimeDep,
    status: str = "published",
    q: Annotated[str, Query(max_length=100)] = "",
    page: Annotated[int, Query(ge=1, le=paging.MAX_PAGE)] = 1,
) -> Response:
    shown = cast(Literal["published", "withdrawn"], status)  # the service refuses anything else
    found = disclosures.list_public(rt, status=shown, q=q or None, page=page, page_size=PAGE_SIZE)
    other = "withdrawn" if status == "published" else "published"
    counts = {
        status: found.count,
        other: disclosures.list_public(
            rt, status=cast(Literal["published", "withdrawn"], other), q=q or None, page_size=1
        ).count,
    }
    context = {
        "found": found,
        "status": status,
        "q": q,
        "tabs": TABS,
        "counts": counts,
        "pages": max(1, -(-found.count // PAGE_SIZE)),
    }
    return render(request, "public_disclosures.html", context, public=True)
