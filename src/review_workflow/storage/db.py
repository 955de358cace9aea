"""Database engine, sessions and the unit of work.

Two kinds of transaction, chosen where a use case opens its unit of work:
- a write (`Runtime.sessions`): on SQLite it takes the write lock at BEGIN (BEGIN IMMEDIATE), so two
  writers queue instead of failing half-way; PostgreSQL uses row locks (SELECT … FOR UPDATE);
- a read (`Runtime.reads`, made by `read_sessions`): on SQLite a deferred BEGIN with `query_only` on, so
  in WAL mode it reads its snapshot while a writer holds the lock, and a write by mistake fails at once
  instead of waiting for the lock; on PostgreSQL a READ ONLY transaction.
"""

from __future__ import annotations

from types import TracebackType
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from .models import Base

# The execution option that marks an engine's transactions as reads (see `read_sessions`).
READ_ONLY = "review_workflow_read_only"


def make_engine(url: str, **kwargs: Any) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False}, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None  # let us issue BEGIN ourselves
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn: Any) -> None:
            read = bool(conn.get_execution_options().get(READ_ONLY))
            info = conn.connection.info  # per DBAPI connection: switch the pragma only when it changes
            if info.get("query_only", False) != read:
                conn.exec_driver_sql(f"PRAGMA query_only={int(read)}")
                info["query_only"] = read
            conn.exec_driver_sql("BEGIN" if read else "BEGIN IMMEDIATE")

        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return create_engine(url, pool_pre_ping=True, **kwargs)


def upsert_insert(session: Session, table: Any) -> Any:
    """An INSERT that understands ON CONFLICT, for the dialect the session is bound to."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert(table)
    if dialect == "sqlite":
        return sqlite.insert(table)
    raise NotImplementedError(f"ON CONFLICT is not wired for {dialect}")


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """Sessions whose transactions may write."""
    return sessionmaker(engine, expire_on_commit=False)


def read_sessions(engine: Engine) -> sessionmaker[Session]:
    """Sessions whose transactions only read: the same pool, another BEGIN (see the module's doc)."""
    options: dict[str, Any] = {READ_ONLY: True}
    if engine.dialect.name == "postgresql":
        options["postgresql_readonly"] = True
    return sessionmaker(engine.execution_options(**options), expire_on_commit=False)


def create_schema(engine: Engine) -> None:
    Base.metadata.create_all(engine)


class UnitOfWork:
    """One use case, one transaction: commit once at the end, roll back by default."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def __enter__(self) -> Session:
        self.session = self._sessions()
        return self.session

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            self.session.rollback()
        finally:
            self.session.close()
