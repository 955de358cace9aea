"""Validate an event's payload (or a new case's fields) against the field specs of its definition.

Models are built once per transition at start. Strict: only declared fields are accepted (an unknown
key is refused and named, at every depth), a string is a string, `true` is a boolean, a list is a list,
and every value is bounded (text length, list length, numbers). Text may not carry control characters
(NUL and the like) other than tab and line breaks.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    create_model,
)
from pydantic_core import PydanticCustomError

from .definitions import DEFAULT_MAXIMUM, FieldSpec, ScoringSheet
from .errors import InvalidPayload

# The largest row id: every id column is a 32-bit integer on PostgreSQL, so a larger number can name no row.
MAX_ID = 2**31 - 1
# The years a report, a draw or a training record may name (统计年度, 评查年度 …).
YEAR_MIN, YEAR_MAX = 2000, 2100
USER_ID = Annotated[int, Field(strict=True, ge=1, le=MAX_ID)]  # a user, by id
CASE_ID = USER_ID  # a case, by id: the same bounds (whether it exists and may be seen: services/case_refs.py)
# Control characters (NUL and the like; PostgreSQL refuses NUL in text) and lone UTF-16 surrogates (no
# UTF-8 encoding exists for them). Tab and line breaks are allowed in multi-line text only.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_CONTROL_IN_LINE = re.compile("[\x00-\x1f\x7f\ud800-\udfff]")

_MESSAGES = {
    "missing": "缺少必填字段",
    "extra_forbidden": "是未声明的字段，不能提交",
    "string_type": "应为文本",
    "string_too_short": "不能为空",
    "string_too_long": "过长",
    "bool_type": "应为布尔值（true 或 false）",
    "int_type": "应为整数",
    "int_from_float": "应为整数",
    "float_type": "应为数字",
    "finite_number": "应为有限的数字",
    "list_type": "应为列表",
    "too_short": "条目数量不足",
    "too_long": "条目过多",
    "date_type": "应为日期（YYYY-MM-DD）",
    "date_from_datetime_parsing": "应为日期（YYYY-MM-DD）",
    "date_from_datetime_inexact": "应为日期（YYYY-MM-DD）",
    "date_parsing": "应为日期（YYYY-MM-DD）",
    "model_type": "应为对象",
    "dict_type": "应为对象",
    "literal_error": "取值不在允许范围内",
    "greater_than_equal": "不能小于最小值",
    "less_than_equal": "不能大于最大值",
}


def has_control_characters(value: str, *, multiline: bool = True) -> bool:
    """Whether a text carries a character no stored text may hold; `multiline=False` (a name, an
    address, a search) refuses tab and line breaks too."""
    return (_CONTROL if multiline else _CONTROL_IN_LINE).search(value) is not None


def _no_control_characters(value: str) -> str:
    if has_control_characters(value):
        raise PydanticCustomError("control_character", "不能包含控制字符（如 NUL）")
    return value


def _text(spec: FieldSpec, *, required: bool) -> Any:
    return Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=1 if required else 0, max_length=spec.text_limit),
        Field(strict=True),
        AfterValidator(_no_control_characters),
    ]


def _marks_model(name: str, sheet: ScoringSheet) -> Any:
    """A scoresheet's marks: every 基础标准 item true (符合) or false, every 一般标准 item the points
    deducted, 0 up to its points; nothing else (一卷一表: each item of the sheet is marked)."""
    config = ConfigDict(extra="forbid")
    basic = create_model(f"{name}_basic", __config__=config, **{i.key: (Annotated[bool, Field(strict=True)], ...) for i in sheet.basic})  # type: ignore[call-overload]
    general = create_model(
        f"{name}_general",
        __config__=config,
        **{i.key: (Annotated[float, Field(strict=True, ge=0, le=i.points, allow_inf_nan=False)], ...) for i in sheet.general},  # type: ignore[call-overload]
    )
    return create_model(f"{name}_marks", __config__=config, basic=(basic, ...), general=(general, ...))


def _annotation(name: str, spec: FieldSpec, sheets: Mapping[str, ScoringSheet]) -> Any:
    if spec.type == "scoresheet":
        assert spec.sheet is not None
        return _marks_model(name, sheets[spec.sheet])
    if spec.type == "case":
        return CASE_ID
    if spec.type in ("str", "text"):
        return Literal[spec.choices] if spec.choices else _text(spec, required=spec.required)
    if spec.type == "bool":
        return Annotated[bool, Field(strict=True)]
    if spec.type in ("int", "number"):
        low = spec.minimum if spec.minimum is not None else -DEFAULT_MAXIMUM
        high = spec.maximum if spec.maximum is not None else DEFAULT_MAXIMUM
        kind = int if spec.type == "int" else float
        return Annotated[kind, Field(strict=True, ge=low, le=high, allow_inf_nan=False)]
    if spec.type == "date":
        return Annotated[date, Field(strict=False)]
    if spec.type == "user":
        return USER_ID
    if spec.type == "list[user]":
        return Annotated[list[USER_ID], Field(min_length=spec.min_items, max_length=spec.max_items)]  # type: ignore[valid-type]
    if spec.type == "list[str]":
        item: Any = Literal[spec.choices] if spec.choices else _text(spec, required=True)
    else:
        assert spec.fields is not None
        item = build_model(f"{name}_item", spec.fields, sheets)
    return Annotated[list[item], Field(min_length=spec.min_items, max_length=spec.max_items)]


def build_model(
    name: str, fields: dict[str, FieldSpec], sheets: Mapping[str, ScoringSheet] | None = None
) -> type[BaseModel]:
    definitions: dict[str, Any] = {}
    for key, spec in fields.items():
        annotation = _annotation(key, spec, sheets or {})
        definitions[key] = (annotation, ...) if spec.required else (annotation | None, None)
    return create_model(name, __config__=ConfigDict(extra="forbid"), **definitions)


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


def _message(err: Any) -> str:
    if err["type"] == "control_character":
        return str(err["msg"])
    message = _MESSAGES.get(err["type"], err["msg"])
    ctx = err.get("ctx") or {}
    if err["type"] == "literal_error":
        message += f"：{ctx.get('expected', '')}"
    elif err["type"] == "string_too_long":
        message += f"（不超过 {ctx.get('max_length')} 字）"
    elif err["type"] == "too_long":
        message += f"（不超过 {ctx.get('max_length')} 项）"
    return message


def validate(model: type[BaseModel], payload: Any, titles: dict[str, FieldSpec]) -> dict[str, Any]:
    """Return the cleaned payload (dates as ISO strings) or raise InvalidPayload in Chinese.

    Each problem is one entry of the error's details (`field`, `type`, `message`); when keys the
    definition does not declare were sent, the message names them all (`type`: extra_forbidden)."""
    if not isinstance(payload, dict):
        raise InvalidPayload("请求内容应为 JSON 对象")
    try:
        cleaned = model.model_validate(payload)
    except ValidationError as exc:
        details = []
        for err in exc.errors(include_url=False):
            field = _field_name(err["loc"])
            title = _title(titles, field.split("."))
            details.append({"field": field, "type": err["type"], "message": f"{title}（{field}）{_message(err)}"})
        unknown = [d["field"] for d in details if d["type"] == "extra_forbidden"]
        summary = (
            f"提交了未声明的字段：{'、'.join(unknown[:10])}"
            if unknown
            else "；".join(d["message"] for d in details[:3])
        )
        raise InvalidPayload(f"提交的内容不符合要求：{summary}", details=details) from exc
    return cleaned.model_dump(mode="json", exclude_none=True)
