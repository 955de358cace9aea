"""Template contexts shaped as the engine shapes them, from the flat dicts the document tests write.

A test lists everything a case has seen in one dict (the party's fields, what 告知 and 决定 carried,
`register_on` for the day of 立案); `split` sorts it the way the engine keeps a case: case fields in
`data`, each earlier event's fields in its record under `events` (with `on`, its day), and the event
being fired as `payload`, its record and the case fields it `updates`.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from review_workflow.config import PROJECT_ROOT
from review_workflow.core.definitions import Definition
from review_workflow.core.loader import load_definitions

_CN_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")


@cache
def _definitions() -> dict[str, Definition]:
    return load_definitions(PROJECT_ROOT / "workflows", PROJECT_ROOT / "doc_templates")


def _iso(value: str) -> str:
    m = _CN_DATE.fullmatch(value)
    return f"{int(m[1]):04d}-{int(m[2]):02d}-{int(m[3]):02d}" if m else value


def _owner(event: str, workflow: str | None) -> Definition:
    if workflow:
        return _definitions()[workflow]
    return next(d for d in _definitions().values() if d.transition(event))


def split(event: str, payload: dict[str, Any], flat: dict[str, Any], workflow: str | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """(data, events) for firing `event` with `payload` on a case that has seen `flat`; an event no
    workflow knows keeps everything as case data."""
    if not any(d.transition(event) for d in _definitions().values()):
        return dict(flat), {}
    d = _owner(event, workflow)
    case_names = set(d.case_fields) | d.engine_fields()
    data = {k: v for k, v in flat.items() if k in case_names}
    events: dict[str, Any] = {}
    for t in d.transitions:
        if t.event == event:
            continue
        fields = {k: flat[k] for k in t.payload if k in flat}
        day = flat.get(f"{t.event}_on")
        if fields or day:
            events[t.event] = {**fields, **({"on": _iso(day)} if day else {})}
    t = d.transition(event)
    assert t is not None, event
    data.update({k: payload[k] for k in t.updates if k in payload})
    events[event] = {**payload, "on": "2026-02-13"}
    return data, events
