"""Validate an event's payload against the field specs of its transition.

Models are built once per transition at start. Extra fields are kept (the contract allows more);
declared ones are checked strictly: a string is a string, `true` is a boolean, a list is a list.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, create_model

from .definitions import FieldSpec
from .errors import InvalidPayload

NonEmptyText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1), Field(strict=True)]
OptionalText = Annotated[str, StringConstraints(strip_whitespace=True), Field(strict=True)]

_MESSAGES = {
    "missing": "缺少必填字段",
    "string_type": "应为文本",
    "string_too_short": "不能为空",
    "bool_type": "应为布尔值（true 或 false）",
    "int_type": "应为整数",
    "float_type": "应为数字",
    "list_type": "应为列表",
    "too_short": "条目数量不足",
    "date_type": "应为日期（YYYY-MM-DD）",
    "date_from_datetime_parsing": "应为日期（YYYY-MM-DD）",
    "date_parsing": "应为日期（YYYY-MM-DD）",
    "model_type": "应为对象",
    "dict_type": "应为对象",
    "literal_error": "取值不在允许范围内",
    "greater_than_equal": "不能小于最小值",
}


def _annotation(name: str, spec: FieldSpec) -> Any:
    if spec.type in ("str", "text"):
        base: Any = (
            Literal[spec.choices] if spec.choices else (NonEmptyText if spec.required else OptionalText)
        )
    elif spec.type == "bool":
        base = Annotated[bool, Field(strict=True)]
    elif spec.type == "int":
        base = Annotated[int, Field(strict=True, ge=spec.minimum)]
    elif spec.type == "number":
        base = Annotated[float, Field(strict=True, ge=spec.minimum)]
    elif spec.type == "date":
        base = date
    elif spec.type == "list[str]":
        item: Any = Literal[spec.choices] if spec.choices else NonEmptyText
        base = Annotated[list[item], Field(min_length=spec.min_items)]
    else:
        assert spec.fields is not None
        item_model = build_model(f"{name}_item", spec.fields, allow_extra=True)
        base = Annotated[list[item_model], Field(min_length=spec.min_items)]  # type: ignore[valid-type]
    return base


def build_model(name: str, fields: dict[str, FieldSpec], *, allow_extra: bool = True) -> type[BaseModel]:
    definitions: dict[str, Any] = {}
    for key, spec in fields.items():
        annotation = _annotation(key, spec)
        definitions[key] = (annotation, ...) if spec.required else (annotation | None, None)
    config = ConfigDict(extra="allow" if allow_extra else "forbid")
    return create_model(name, __config__=config, **definitions)


def _field_name(loc: tuple[Any, ...]) -> str:
    return ".".join(str(p) for p in loc if not (isinstance(p, str) and p.startswith(("function-", "lax-"))))


def _title(specs: dict[str, FieldSpec], path: list[str]) -> str:
    """The person-readable name of a field, down to an item's sub-field (findings.0.problem → 存在的问题)."""
    spec = specs.get(path[0])
    if spec is None:
        return path[0]
    rest = [p for p in path[1:] if not p.isdigit()]
    if rest and spec.fields and rest[0] in spec.fields:
        return _title(spec.fields, rest)
    return spec.title or path[0]


def validate(model: type[BaseModel], payload: Any, titles: dict[str, FieldSpec]) -> dict[str, Any]:
    """Return the cleaned payload (dates as ISO strings) or raise InvalidPayload in Chinese."""
    if not isinstance(payload, dict):
        raise InvalidPayload("请求内容应为 JSON 对象")
    try:
        cleaned = model.model_validate(payload)
    except ValidationError as exc:
        details = []
        for err in exc.errors():
            field = _field_name(err["loc"])
            title = _title(titles, field.split("."))
            message = _MESSAGES.get(err["type"], err["msg"])
            if err["type"] == "literal_error":
                message += f"：{err['ctx'].get('expected', '')}"
            details.append({"field": field, "message": f"{title}（{field}）{message}"})
        summary = "；".join(d["message"] for d in details[:3])
        raise InvalidPayload(f"提交的内容不符合要求：{summary}", details=details) from exc
    return cleaned.model_dump(mode="json", exclude_none=True)
