"""What a case holds, and the one way to read it: by path.

A case keeps two kinds of values, and they never mix:

- **case fields** (`Instance.data`): declared under `case_fields`, given when the case starts, changed
  only by an event that lists them under `updates`, or by the engine for a document number it records
  (`record_number_as`);
- **event records** (`Instance.events`): what each event carried the last time it happened — its payload
  fields — plus what only the engine writes: `on` (the day it happened), `by` (who fired it; none for the
  engine), `seq` (its place in the audit trail), for an event a child case's end fired, `child_id`, and,
  when its guards read an agency's rule sets, `rules`: the version of each it was decided under.

A definition names a value by path: `field` is a case field; `event.field` is a field of that event's
record (`notify.served_on`, `notify.on`). The loader resolves every path when workflows load.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, NamedTuple

# Names of an event record that the engine writes; no payload field may take them.
ENGINE_KEYS = ("on", "by", "seq", "child_id", "rules")


class Path(NamedTuple):
    event: str | None  # None: a case field
    field: str


def parse(path: str) -> Path:
    event, dot, field = path.partition(".")
    return Path(event, field) if dot else Path(None, path)


def read(path: str, data: Mapping[str, Any], events: Mapping[str, Mapping[str, Any]]) -> Any:
    """The value at `path`, or None when the field is empty or the event has not happened."""
    p = parse(path)
    if p.event is None:
        return data.get(p.field)
    return events.get(p.event, {}).get(p.field)


def first(
    paths: str | Sequence[str], data: Mapping[str, Any], events: Mapping[str, Mapping[str, Any]]
) -> Any:
    """The value of the first path that has one (a single path reads as itself)."""
    for path in [paths] if isinstance(paths, str) else paths:
        value = read(path, data, events)
        if value is not None:
            return value
    return None


def record(payload: Mapping[str, Any], *, on: date, by: int | None, seq: int, child_id: int | None = None) -> dict[str, Any]:
    """An event's record: its payload with the engine's own keys."""
    out: dict[str, Any] = {**payload, "on": on.isoformat(), "by": by, "seq": seq}
    if child_id is not None:
        out["child_id"] = child_id
    return out


def happened_on(events: Mapping[str, Mapping[str, Any]], event: str) -> date | None:
    """The day `event` last happened on the case, as the engine recorded it."""
    on = events.get(event, {}).get("on")
    return date.fromisoformat(on) if isinstance(on, str) else None


def matches(conditions: Mapping[str, Any], data: Mapping[str, Any], events: Mapping[str, Mapping[str, Any]]) -> bool:
    """Every path of `conditions` holds its value (a `when:` of the YAML)."""
    return all(read(path, data, events) == value for path, value in conditions.items())
