"""What a running process holds: loaded definitions, their engines and payload models, the clock, the
database. Built once at start by an entrance (API, CLI, worker) and passed to the services."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Engine as DbEngine
from sqlalchemy.orm import Session, sessionmaker

from .adapters.file_store import FileStore, LocalFileStore
from .config import Settings
from .core import payloads
from .core.calendar import WorkCalendar
from .core.clock import Clock
from .core.definitions import Definition, RoleSpec
from .core.engine import Engine
from .core.errors import NotFound
from .core.loader import load_all
from .storage.db import make_engine, make_sessionmaker, read_sessions


@dataclass
class Workflow:
    definition: Definition
    engine: Engine
    case_model: type[BaseModel]
    event_models: dict[str, type[BaseModel]] = field(default_factory=dict)


@dataclass
class Runtime:
    settings: Settings
    workflows: dict[str, Workflow]
    roles: dict[str, RoleSpec]
    clock: Clock
    db: DbEngine
    sessions: sessionmaker[Session]  # transactions that write (SQLite: BEGIN IMMEDIATE)
    reads: sessionmaker[Session]  # transactions that only read (SQLite: deferred, beside a writer)
    # (stamp of the loaded years, calendar): see services.calendar_data.current_calendar
    calendar_cache: tuple[tuple[object, ...], WorkCalendar] | None = None
    calendar_table_seen: bool = False  # once the table exists it stays: stop asking the database
    # Statements built once and reused with bound parameters (building one costs more than running it).
    statements: dict[str, Any] = field(default_factory=dict)

    @cached_property
    def files(self) -> FileStore:
        """The attachments' store (a local directory; an S3-compatible store would plug in here)."""
        return LocalFileStore(self.settings.files_dir)

    @property
    def templates_dir(self) -> Path:
        return self.settings.templates_dir

    def role_title(self, role: str) -> str:
        spec = self.roles.get(role)
        return spec.title if spec else role

    def workflow(self, name: str) -> Workflow:
        try:
            return self.workflows[name]
        except KeyError:
            raise NotFound(f"没有名为 {name!r} 的流程") from None


def load_workflows(settings: Settings) -> tuple[dict[str, Workflow], dict[str, RoleSpec]]:
    loaded = load_all(settings.workflows_dir, settings.templates_dir)
    titles = {name: spec.title for name, spec in loaded.roles.items()}
    workflows = {
        name: Workflow(
            definition=d,
            engine=Engine(d, titles),
            case_model=payloads.build_model(f"{name}_case", d.case_fields, d.sheets),
            event_models={
                t.event: payloads.build_model(f"{name}_{t.event}", t.payload, d.sheets) for t in d.transitions
            },
        )
        for name, d in loaded.definitions.items()
    }
    return workflows, loaded.roles


def build_runtime(settings: Settings | None = None) -> Runtime:
    settings = settings or Settings()
    workflows, roles = load_workflows(settings)
    db = make_engine(settings.database_url)
    return Runtime(
        settings=settings,
        workflows=workflows,
        roles=roles,
        clock=Clock(pinned=settings.now, timezone=settings.timezone),
        db=db,
        sessions=make_sessionmaker(db),
        reads=read_sessions(db),
    )
