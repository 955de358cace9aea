"""The JSON Schema of what a workflow accepts: the body that starts a case and each event's payload.

Generated from the payload models the runtime built from the YAML's declared fields (core/payloads.py),
so the schema a client reads is the one its request is validated against — never a second copy."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from ..core.definitions import FieldSpec
from ..runtime import Runtime
from ..schemas import CaseCreate


class EventSchemaPublic(BaseModel):
    title: str
    auto: bool = Field(description="由引擎触发（子案件结束或期限届满），任何人不能执行")
    payload: dict[str, Any] = Field(description="POST /api/cases/{id}/events/{event} 请求内容的 JSON Schema")


class WorkflowSchemaPublic(BaseModel):
    workflow: str
    title: str
    case: dict[str, Any] = Field(description="POST /api/cases 请求内容的 JSON Schema（含本流程的案件字段）")
    events: dict[str, EventSchemaPublic]


def _schema(model: type[BaseModel], fields: dict[str, FieldSpec]) -> dict[str, Any]:
    """The model's JSON Schema, each field titled by its Chinese name in the YAML."""
    schema = model.model_json_schema()
    for key, prop in schema.get("properties", {}).items():
        if key in fields and fields[key].title:
            prop["title"] = fields[key].title
    return schema


def _case_schema(name: str, model: type[BaseModel], fields: dict[str, FieldSpec]) -> dict[str, Any]:
    """The case fields' schema with the three fields every case has (CaseCreate) beside them."""
    schema = _schema(model, fields)
    common = CaseCreate.model_json_schema()
    schema["properties"] = {**common["properties"], **schema.get("properties", {})}
    schema["properties"]["workflow"] = {**common["properties"]["workflow"], "const": name}
    schema["required"] = [*common.get("required", []), *schema.get("required", [])]
    schema["title"] = f"{name} 发起案件"
    return schema


def workflow_schema(rt: Runtime, name: str) -> WorkflowSchemaPublic:
    wf = rt.workflow(name)
    d = wf.definition
    transitions = {t.event: t for t in d.transitions}
    return WorkflowSchemaPublic(
        workflow=name,
        title=d.title,
        case=_case_schema(name, wf.case_model, dict(d.case_fields)),
        events={
            event: EventSchemaPublic(
                title=transitions[event].title,
                auto=transitions[event].auto,
                payload=_schema(model, dict(transitions[event].payload)),
            )
            for event, model in wf.event_models.items()
        },
    )
