"""The schema's version: Alembic migrations (`storage/migrations/`), run from the code, not from an ini file.

Where a database stands (`status`):

- `empty`: no table of ours — `upgrade` creates the schema at head (the tables as `models` declares them,
  then stamped, which is what running every revision gives: the tests compare the two);
- `unversioned`: the tables of the previous release (4e49db6), made by its `review-workflow init`, without
  Alembic's `alembic_version` — `upgrade` adopts it as revision 0001 and migrates it from there;
- a revision: the one in `alembic_version` (`head` when it is the newest).

Everything `upgrade` does happens in one transaction (SQLite: with foreign keys off while tables are
rebuilt, checked before the commit), so a failed upgrade leaves the database as it was.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, inspect

from .models import Base

MIGRATIONS = Path(__file__).with_name("migrations")
# The table every release since 4e49db6 has; without alembic_version its presence means "the previous release".
PREVIOUS_RELEASE = "0001"
VERSION_TABLE = "alembic_version"


class SchemaError(Exception):
    """The schema cannot be brought to head as it is (a message for a person, in Chinese)."""


@dataclass(frozen=True)
class DataOptions:
    """What the data migrations need to know of the installation (from the settings)."""

    workflows_dir: Path
    timezone: str = "Asia/Shanghai"
    token_days: int = 90
    now: datetime | None = None  # the pinned clock, if any: when migrated tokens count from


@dataclass(frozen=True)
class Status:
    revision: str | None  # None: no alembic_version
    head: str
    tables: frozenset[str] = field(default_factory=frozenset)

    @property
    def empty(self) -> bool:
        return self.revision is None and not (self.tables & set(Base.metadata.tables))

    @property
    def unversioned(self) -> bool:
        return self.revision is None and not self.empty

    @property
    def at_head(self) -> bool:
        return self.revision == self.head

    def describe(self) -> str:
        if self.empty:
            return "数据库中还没有数据表"
        if self.unversioned:
            return "数据库是上一版本（4e49db6）建立的，尚未纳入版本管理"
        return f"数据库结构版本 {self.revision}" + ("（最新）" if self.at_head else f"，最新为 {self.head}")


@cache
def scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def alembic_config(url: str | None = None) -> Config:
    """An Alembic configuration without an ini file: the scripts in `storage/migrations/`."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if url:
        cfg.set_main_option("sqlalchemy.url", url)
    return cfg


def head() -> str:
    revision = scripts().get_current_head()
    assert revision is not None
    return revision


def status(engine: Engine) -> Status:
    with engine.connect() as conn:
        return _status(conn)


def _status(conn: Connection) -> Status:
    tables = frozenset(inspect(conn).get_table_names())
    revision = MigrationContext.configure(conn).get_current_revision() if VERSION_TABLE in tables else None
    return Status(revision=revision, head=head(), tables=tables - {VERSION_TABLE})


def upgrade(engine: Engine, options: DataOptions, *, target: str = "head", replay: bool = False) -> tuple[Status, Status]:
    """Bring the database to `target` (head), in one transaction; returns where it stood before and after.

    An empty database gets the tables of `models` and is stamped at head (`replay=True` runs every
    revision instead, as the tests do to show both give the same schema). A database of the previous
    release without `alembic_version` is first stamped at 0001."""
    with _migration_connection(engine) as conn:
        before = _status(conn)
        if before.revision is not None and scripts().get_revision(before.revision) is None:
            raise SchemaError(f"数据库结构版本 {before.revision} 比本程序新（本程序最新为 {before.head}），请使用新版本的程序")
        if before.at_head and target in ("head", before.head):
            pass  # nothing to do
        elif before.empty and target == "head" and not replay:
            Base.metadata.create_all(conn)
            MigrationContext.configure(conn).stamp(scripts(), "head")  # what `alembic stamp` does, without env.py
        else:
            if before.unversioned:
                _check_previous_release(conn, before)
                command.stamp(_config(conn, options), PREVIOUS_RELEASE)
            command.upgrade(_config(conn, options), target)
        after = _status(conn)
    return before, after


def stamp_head(engine: Engine) -> None:
    """Record that the database is at head without running anything (it was made by create_all)."""
    with _migration_connection(engine) as conn:
        MigrationContext.configure(conn).stamp(scripts(), "head")


def differences(engine: Engine) -> list[Any]:
    """What Alembic's autogenerate finds between the database and `models` (empty: they agree)."""
    with engine.connect() as conn:
        return list(compare_metadata(MigrationContext.configure(conn), Base.metadata))


def _check_previous_release(conn: Connection, st: Status) -> None:
    columns = {c["name"] for c in inspect(conn).get_columns("workflow_instances")} if "workflow_instances" in st.tables else set()
    if "workflow_instances" not in st.tables or "audit_events" not in st.tables:
        raise SchemaError("数据库中有数据表，但不是本系统任何版本建立的；请检查 REVIEW_WORKFLOW_DATABASE_URL")
    if "events" in columns:
        raise SchemaError(
            "数据库由未纳入版本管理的开发版本建立（已有 workflow_instances.events），无法判断其结构版本；"
            "请用 review-workflow db stamp head 标记后再运行 review-workflow db check"
        )


def _config(conn: Connection, options: DataOptions) -> Config:
    """The configuration `env.py` reads: the connection to run on, and what the data migrations need."""
    cfg = alembic_config()
    cfg.attributes["connection"] = conn
    cfg.attributes["data_options"] = options
    return cfg


@contextmanager
def _migration_connection(engine: Engine) -> Iterator[Connection]:
    """One connection, one transaction. On SQLite foreign keys are off meanwhile (a table is rebuilt by
    copying it, which they would refuse) and checked before the commit."""
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as conn:
        raw: Any = conn.connection.driver_connection if sqlite else None
        if sqlite:
            raw.execute("PRAGMA foreign_keys=OFF")  # outside any transaction, where it takes effect
        try:
            with conn.begin():
                yield conn
                if sqlite and (broken := conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()):
                    raise SchemaError(f"迁移后外键不一致：{broken[:5]}")
        finally:
            if sqlite:
                raw.execute("PRAGMA foreign_keys=ON")


def drop_all(engine: Engine) -> None:
    """Every table of ours and Alembic's version table: an empty database again (`demo --reset`)."""
    with engine.begin() as conn:
        Base.metadata.drop_all(conn)
        conn.exec_driver_sql(f"DROP TABLE IF EXISTS {VERSION_TABLE}")
