"""Each agency's own values for the rule sets of its workflows (thresholds, amounts), versioned."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Path

from ...services import agency_rules
from ..deps import CurrentUser, RowId, RuntimeDep
from ..errors import error_responses

router = APIRouter(prefix="/api/admin", tags=["admin"])
ERRORS = error_responses(401, 403, 404, 409, 422)
Name = Annotated[str, Path(max_length=80, pattern=r"^[a-z_][a-z0-9_]*$")]


@router.get("/agencies/{agency_id}/rules", summary="机关的规则（阈值、数额）及其版本", responses=ERRORS)
def list_rules(rt: RuntimeDep, user: CurrentUser, agency_id: RowId) -> list[agency_rules.RulePublic]:
    return agency_rules.list_rules(rt, user, agency_id)


@router.put(
    "/agencies/{agency_id}/rules/{workflow}/{rule}",
    summary="调整机关的规则（管理员；生成新版本，此后的决定按新版本判断）",
    responses=ERRORS,
)
def set_rule(
    rt: RuntimeDep,
    user: CurrentUser,
    agency_id: RowId,
    workflow: Name,
    rule: Name,
    params: Annotated[dict[str, Any], Body(description="与默认值相同的键；null 表示不设该数额")],
    note: Annotated[str, Body(max_length=500, description="调整的依据或理由")],
) -> agency_rules.RulePublic:
    return agency_rules.set_rule(rt, user, agency_id, workflow, rule, params, note)
