from __future__ import annotations

from fastapi import APIRouter

from ... import __version__
from ...schemas import Me, WorkflowPublic, WorkflowSummary
from ...services import queries
from ..deps import CurrentUser, RuntimeDep

router = APIRouter(prefix="/api")


@router.get("/health", summary="健康检查")
def health(rt: RuntimeDep) -> dict[str, object]:
    return {"status": "ok", "version": __version__, "workflows": sorted(rt.workflows)}


@router.get("/me", summary="当前用户")
def who_am_i(rt: RuntimeDep, user: CurrentUser) -> Me:
    return queries.me(rt, user)


@router.get("/workflows", summary="流程定义列表")
def list_workflows(rt: RuntimeDep) -> list[WorkflowSummary]:
    return queries.list_workflows(rt)


@router.get("/workflows/{name}", summary="流程定义详情（状态、流转、角色、字段、Mermaid 图）")
def show_workflow(rt: RuntimeDep, name: str) -> WorkflowPublic:
    return queries.show_workflow(rt, name)
