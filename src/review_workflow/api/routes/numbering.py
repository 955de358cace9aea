"""文号 series of an agency, for administrators: what each is called and how far it has counted."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Path

from ...services import numbering
from ..deps import CurrentUser, RowId, RuntimeDep
from ..errors import error_responses

router = APIRouter(prefix="/api/admin", tags=["admin"])
ERRORS = error_responses(401, 403, 404, 422)
Series = Annotated[str, Path(max_length=20, description="系列（代字后缀），如 罚；机关代字本身的系列写作 -")]


def _series(raw: str) -> str:
    return "" if raw == "-" else raw


@router.get("/agencies/{agency_id}/series", summary="机关的文号系列（管理员）", responses=ERRORS)
def list_series(rt: RuntimeDep, user: CurrentUser, agency_id: RowId) -> list[numbering.SeriesPublic]:
    return numbering.list_series(rt, user, agency_id)


@router.put("/agencies/{agency_id}/series/{series}", summary="设置机关某一系列的代字（管理员）", responses=ERRORS)
def set_series(
    rt: RuntimeDep,
    user: CurrentUser,
    agency_id: RowId,
    series: Series,
    code: Annotated[str, Body(embed=True, max_length=40, description="代字，如 郑市监罚")],
) -> numbering.SeriesPublic:
    return numbering.set_series_code(rt, user, agency_id, _series(series), code)
