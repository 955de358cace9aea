"""HTML forms ⇄ event payloads, built from the definition's field specs (schemas.FieldPublic).

Translation only: the service validates. Input names are `f-<field>` for a field and
`f-<field>-<row>-<sub>` for a sub-field of a `list[object]` row; blank rows are dropped, so the parser
remembers which form row each payload item came from and error paths (`findings.1.problem`) point back
at the right input.

A `list[object]` field whose item sub-field has `choices` (the legal-review checklist: findings.item)
is shown as a checklist: one row per choice, each with a tick box; ticked rows, and rows whose other
inputs were filled in, become items. There is no free row: a checklist sends only the choices, which
is all the service accepts.

Choices are shown by their `labels` (individual → 个人) and sent by their values.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..schemas import FieldPublic, SheetPublic

PREFIX = "f-"
EXTRA_ROWS = 1  # blank rows offered after the filled ones
MIN_ROWS = 2


class MultiForm(Mapping[str, str]):
    """A read-only view of submitted values: `form[name]` is the first, `getlist(name)` all of them."""

    def __init__(self, pairs: list[tuple[str, str]] | None = None) -> None:
        self._lists: dict[str, list[str]] = {}
        for key, value in pairs or []:
            self._lists.setdefault(key, []).append(value)

    @classmethod
    def of(cls, form: Any) -> MultiForm:
        """From Starlette's FormData (uploads are ignored) or a plain dict."""
        items = form.multi_items() if hasattr(form, "multi_items") else list(form.items())
        return cls([(k, v) for k, v in items if isinstance(v, str)])

    def __getitem__(self, key: str) -> str:
        return self._lists[key][0]

    def __iter__(self) -> Any:
        return iter(self._lists)

    def __len__(self) -> int:
        return len(self._lists)

    def getlist(self, key: str) -> list[str]:
        return list(self._lists.get(key, []))


@dataclass(frozen=True)
class Checklist:
    key: str  # the sub-field that holds the item's name
    items: tuple[str, ...]  # the values sent
    titles: tuple[str, ...] = ()  # how each reads (the choice's label); the value when not given

    def rows(self) -> list[tuple[int, str, str]]:
        """(row, value, title) of each item."""
        return [
            (i, item, self.titles[i] if i < len(self.titles) else item) for i, item in enumerate(self.items)
        ]


@dataclass
class FormState:
    """What a form shows: submitted values (to redisplay) and errors by input name."""

    values: MultiForm = field(default_factory=MultiForm)
    errors: dict[str, str] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)

    def value(self, name: str) -> str:
        return self.values.get(name, "")

    def chosen(self, name: str) -> list[str]:
        return self.values.getlist(name)

    def has(self, name: str) -> bool:
        return name in self.values

    def error(self, name: str) -> str:
        return self.errors.get(name, "")

    def rows(self, f: FieldPublic) -> list[int]:
        """Row indexes of a generic list[object] field: the submitted ones plus blank ones."""
        pattern = re.compile(re.escape(f"{PREFIX}{f.name}-") + r"(\d+)-")
        seen = [int(m.group(1)) for key in self.values if (m := pattern.match(key))]
        count = max(seen) + 1 + EXTRA_ROWS if seen else MIN_ROWS
        return list(range(min(count, 100)))


def input_name(field_name: str, row: int | None = None, sub: str | None = None) -> str:
    return f"{PREFIX}{field_name}" if row is None else f"{PREFIX}{field_name}-{row}-{sub}"


def _scalar(f: FieldPublic, raw: str | None) -> tuple[bool, Any]:
    """(present, value). Blank is absent; a number that does not parse is passed on as written, so the
    service's validation names the problem."""
    if f.type == "bool":
        return True, raw is not None
    text = (raw or "").strip()
    if not text:
        return False, None
    if f.type in ("int", "user"):
        try:
            return True, int(text)
        except ValueError:
            return True, text
    if f.type == "number":
        try:
            return True, float(text)
        except ValueError:
            return True, text
    if f.type == "list[str]":
        return True, [line.strip() for line in text.splitlines() if line.strip()]
    return True, text


def _list_of_str(f: FieldPublic, form: MultiForm, name: str) -> tuple[bool, Any]:
    if f.type == "list[user]":  # ticked people, by id
        chosen = [v.strip() for v in form.getlist(name) if v.strip()]
        return bool(chosen), [int(v) if v.isdigit() else v for v in chosen]
    if f.choices:
        chosen = [v for v in form.getlist(name) if v.strip()]
        return bool(chosen), chosen
    return _scalar(f, form.get(name))


def _marks(sheet: SheetPublic, form: MultiForm, name: str) -> dict[str, Any]:
    """A scoring sheet's marks: each 基础标准 item 符合 (pass) or 不符合 (fail), left out when neither is
    chosen (the service names it); each 一般标准 deduction, blank read as none deducted."""
    basic: dict[str, Any] = {}
    for item in sheet.basic:
        raw = form.get(f"{name}-basic-{item.key}")
        if raw in ("pass", "fail"):
            basic[item.key] = raw == "pass"
    general: dict[str, Any] = {}
    for item in sheet.general:
        text = (form.get(f"{name}-general-{item.key}") or "").strip() or "0"
        try:
            general[item.key] = float(text)
        except ValueError:
            general[item.key] = text  # passed on as written: the service's validation names it
    return {"basic": basic, "general": general}


@dataclass
class Parsed:
    payload: dict[str, Any]
    rows: dict[str, list[int]]  # list[object] field → form row of each payload item


def _object_rows(
    f: FieldPublic, form: MultiForm, checklist: Checklist | None, row_count: int
) -> tuple[list[dict[str, Any]], list[int]]:
    items: list[dict[str, Any]] = []
    origin: list[int] = []
    subs = f.fields or []
    for row in range(row_count):
        item: dict[str, Any] = {}
        filled = False
        for sub in subs:
            name = input_name(f.name, row, sub.name)
            if sub.type == "list[object]":
                continue  # nested object lists are not offered on forms
            present, value = (
                _list_of_str(sub, form, name) if sub.type == "list[str]" else _scalar(sub, form.get(name))
            )
            if present:
                item[sub.name] = value
                # A checklist row's item name is printed, not typed: it alone does not fill the row.
                is_label = checklist is not None and row < len(checklist.items) and sub.name == checklist.key
                filled = filled or (not is_label and value is not False)
        ticked = checklist is not None and input_name(f.name, row, "ticked") in form
        if filled or ticked:
            items.append(item)
            origin.append(row)
    return items, origin


def parse(
    fields: list[FieldPublic], form: MultiForm, checklists: Mapping[str, Checklist] | None = None
) -> Parsed:
    """The payload the form describes. Absent optional fields stay absent; bools are always sent."""
    payload: dict[str, Any] = {}
    rows: dict[str, list[int]] = {}
    checklists = checklists or {}
    for f in fields:
        name = input_name(f.name)
        if f.type == "list[object]":
            checklist = checklists.get(f.name)
            count = len(checklist.items) if checklist else FormState(form).rows(f)[-1] + 1
            items, origin = _object_rows(f, form, checklist, count)
            if items or f.required:
                payload[f.name] = items
            rows[f.name] = origin
            continue
        if f.type == "scoresheet" and f.sheet is not None:
            payload[f.name] = _marks(f.sheet, form, name)
            continue
        listed = f.type in ("list[str]", "list[user]")
        present, value = _list_of_str(f, form, name) if listed else _scalar(f, form.get(name))
        if present:
            payload[f.name] = value
    return Parsed(payload, rows)


def errors_by_input(details: Any, parsed: Parsed) -> tuple[dict[str, str], list[str]]:
    """InvalidPayload details ([{field, message}]) → messages keyed by input name, and the rest."""
    by_input: dict[str, str] = {}
    general: list[str] = []
    for detail in details if isinstance(details, list) else []:
        path = str(detail.get("field", "")).split(".")
        message = str(detail.get("message", ""))
        top = path[0]
        key = input_name(top) if top else ""
        if top in parsed.rows and len(path) >= 3 and path[1].isdigit():
            index = int(path[1])
            origin = parsed.rows[top]
            if index < len(origin):
                key = input_name(top, origin[index], path[2])
        if key:
            by_input[key] = f"{by_input[key]}；{message}" if key in by_input else message
        else:
            general.append(message)
    return by_input, general


# -- checklists ---------------------------------------------------------------------------------


def choice_title(f: FieldPublic, value: str) -> str:
    """How a choice reads to a person: its label, else the value itself."""
    return f.labels.get(value, value)


def checklists_for(fields: list[FieldPublic]) -> dict[str, Checklist]:
    """Checklists of an event's list[object] fields: those with a sub-field of `choices` (type str)."""
    found: dict[str, Checklist] = {}
    for f in fields:
        if f.type != "list[object]" or not f.fields:
            continue
        key = next((s for s in f.fields if s.choices and s.type == "str"), None)
        if key is not None:
            items = tuple(key.choices or ())
            found[f.name] = Checklist(key.name, items, tuple(choice_title(key, c) for c in items))
    return found
