"""The previous release's database (4e49db6), from the fixture `tests/fixtures/release_4e49db6/`: its schema
as its `review-workflow init` created it, and the rows its `demo` (and a penalty case in every state)
wrote. `load(url)` builds it in an empty SQLite file or PostgreSQL database; no code of that release runs."""

from __future__ import annotations

import base64
import json
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, Date, DateTime, LargeBinary, MetaData, create_engine, text

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "release_4e49db6"


@cache
def fixture() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURE / "rows.json").read_text(encoding="utf-8"))
    return data


def demo() -> dict[str, Any]:
    """The demo users ({username: {token, password, …}}), the cases made per old state, the audit count."""
    return fixture()["demo"]  # type: ignore[no-any-return]


def rows(table: str) -> list[dict[str, Any]]:
    return fixture()["tables"][table]  # type: ignore[no-any-return]


def ddl(dialect: str) -> list[str]:
    sql = (FIXTURE / f"schema.{dialect}.sql").read_text(encoding="utf-8")
    return [s.strip() for s in sql.split(";\n") if s.strip().rstrip(";")]


def _value(column: Any, value: Any, sqlite: bool) -> Any:
    if value is None:
        return None
    if isinstance(column.type, DateTime):
        moment = datetime.fromisoformat(value).astimezone(UTC)
        return moment.replace(tzinfo=None) if sqlite else moment
    if isinstance(column.type, Date):
        return date.fromisoformat(value)
    if isinstance(column.type, LargeBinary):
        return base64.b64decode(value)
    return value


def load(url: str) -> None:
    """The old schema (no alembic_version), then every row; PostgreSQL's sequences follow the ids."""
    engine = create_engine(url)
    sqlite = engine.dialect.name == "sqlite"
    with engine.begin() as conn:
        for statement in ddl(engine.dialect.name):
            conn.execute(text(statement.rstrip(";")))
        meta = MetaData()
        meta.reflect(conn)
        for name in fixture()["tables"]:
            table = meta.tables[name]
            batch = [{k: _value(table.c[k], v, sqlite) for k, v in row.items()} for row in rows(name)]
            if batch:
                conn.execute(table.insert(), batch)
            if not sqlite and "id" in table.c and batch:
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), (SELECT max(id) FROM {name}))"))
    engine.dispose()


def is_json(column: Any) -> bool:
    return isinstance(column.type, JSON)
