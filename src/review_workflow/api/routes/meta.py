from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from ... import __version__
from ...schemas import Me, WorkflowPublic, WorkflowSummary
from ...services import queries, workflow_schemas
from ..deps import CurrentUser, RuntimeDep

router = APIRouter(prefix="/api")
WorkflowName = Annotated[str, Path(max_length=80, description="流程名称，如 penalty_case")]


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
def show_workflow(rt: RuntimeDep, name: WorkflowName) -> WorkflowPublic:
    return queries.show_workflow(rt, name)


@router.get(
    "/workflows/{name}/schema",
    summary="流程的 JSON Schema：发起案件的请求内容，以及每个事件的 payload（由流程定义的字段生成）",
)
def workflow_schema(rt: RuntimeDep, name: WorkflowName) -> workflow_schemas.WorkflowSchemaPublic:
    return workflow_schemas.workflow_schema(rt, name)
