"""From the previous release (4e49db6) to case fields apart from event records, number series, sessions
and tokens.

Schema:

- `workflow_instances.events` (new): each event's last record; `agencies.legal_office`, `agencies.level`,
  `users.first_review_on`, `users.certificate_status` (empty: read as 有效), `users.certificate_warned_for`,
  `users.staff_type`, `deadlines.pauses` (new columns);
- `documents.series` (new; the old documents were all numbered in the agency's single series, `""`),
  `number` and `serial` may be empty (an unnumbered form), unique (agency_id, series, year, serial);
  `document_counters` keyed (agency_id, series, year), the old counters in series `""`;
- new tables `agency_series`, `agency_rules`, `certificate_events`, `training_hours`, `web_sessions`,
  `api_tokens`, `security_events`, `login_throttles`.

Data (`audit_events` is read, never written: `review-workflow audit verify` holds after the upgrade):

- `events` is rebuilt from the audit trail: for every event but `start` and `deadline_recomputed`, its
  last occurrence's payload plus `on` (the local date, in the configured time zone, of the audit event's
  `at`), `by` (its actor), `seq` and, for an auto event a child case fired, `child_id`;
- `data` keeps only the case fields of the definition (read from the configured workflows dir) and the
  numbers its documents record (`record_number_as`); the payloads and `<event>_on` dates the old release
  merged into it are dropped (they are in `events` and in the audit trail). A case field a payload of the
  same name overwrote keeps that last value, as the old release showed it;
- each `users.token_hash` becomes an `api_tokens` row named 原用户令牌, expiring `token_days` after the
  upgrade (the column is emptied; a later revision drops it);
- `penalty_case` cases in a state the definition no longer has move to its successor, and the old 事先告知
  record's 听证 flag is read by the new rule. What a case in flight does next (also in the README):

  | old state | now | next |
  |---|---|---|
  | registering 待立案 | registering | 报请立案 (propose_register: two certified officers), then the head's 批准立案 |
  | investigating, notified | unchanged | as any case; a notice that offered a hearing (`hearing_eligible`) keeps the party's right: the record gets `other_serious: true`, which the hearing rule reads |
  | hearing 待听证 | hearing_requested 已申请听证 | 通知听证 (notify_hearing: date at least 7 working days later, a host who did not investigate), 举行听证, or 听证终止; the 90-day period is paused from the request, as the definition now does |
  | heard | heard | 报请作出决定 (propose_decision, the 处罚决定审批表); the hearing's time counted against the 90 days (the head may extend them once) |
  | legal_review | legal_review | the review child goes on; its end moves the case to deliberating (no longer to collective_discussion or investigating) |
  | collective_discussion | collective_discussion | 集体讨论 (discuss, with its date) returns to deliberating |
  | deciding 待作出决定 | deliberating 拟定处理意见 | 报请作出决定 (propose_decision): the decision needs the proposal; a legal review or discussion the law requires counts only after it, so a major or heard case is reviewed (and discussed) again before the head decides |
  | decided, served, executed | unchanged | 送达, 执行, then 报请结案 by the handler and 批准结案 by the head |

No downgrade: the old merged `data` cannot be rebuilt exactly (restore the backup instead).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
import yaml
from alembic import context, op
from sqlalchemy.dialects import postgresql

from review_workflow.storage.migrate import DataOptions, SchemaError

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
TIME = sa.DateTime(timezone=True)

NOT_EVENTS = ("start", "deadline_recomputed")  # audit events that are no transition
ENGINE_KEYS = ("on", "by", "seq", "child_id")
PENALTY = "penalty_case"
PENALTY_STATES = {"hearing": "hearing_requested", "deciding": "deliberating"}
MIGRATED_TOKEN = "原用户令牌"


def upgrade() -> None:
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    op.add_column("agencies", sa.Column("legal_office", sa.String(200)))
    op.add_column("agencies", sa.Column("level", sa.String(20)))
    op.add_column("users", sa.Column("first_review_on", sa.Date))
    op.add_column("users", sa.Column("certificate_status", sa.String(20)))  # NULL: recorded before statuses, read as 有效
    op.add_column("users", sa.Column("certificate_warned_for", sa.Date))
    op.add_column("users", sa.Column("staff_type", sa.String(40)))
    _add_required_json("deadlines", "pauses", "[]", sqlite)
    _add_required_json("workflow_instances", "events", "{}", sqlite)
    if sqlite:
        _rebuild(bind, "documents", _documents(), {"series": "''"})
        _rebuild(bind, "document_counters", _document_counters(), {"series": "''"})
    else:
        _series_on_postgresql(bind)
    _new_tables(bind)
    options = _options()
    now = datetime.now(UTC)
    if options.now is not None:  # a pinned clock; a naive one is read in the agency's time zone, as the Clock does
        pinned = options.now
        now = (pinned if pinned.tzinfo else pinned.replace(tzinfo=ZoneInfo(options.timezone))).astimezone(UTC)
    _adopt_user_tokens(bind, now, options.token_days)
    _split_case_data(bind, options)


def downgrade() -> None:
    raise SchemaError("不支持降级到 0001：旧版本合并存放的案件数据无法准确还原，请恢复升级前的备份")


# -- schema ----------------------------------------------------------------------------------------


def _add_required_json(table: str, column: str, empty: str, sqlite: bool) -> None:
    """A NOT NULL JSON column on rows that exist: filled with `empty`. SQLite cannot drop a column's
    default without rebuilding the table, so it keeps it there (nothing relies on it)."""
    op.add_column(table, sa.Column(column, JSON, nullable=False, server_default=sa.text(f"'{empty}'")))
    if not sqlite:
        op.alter_column(table, column, server_default=None)


STUBS = {
    "agencies": "id",
    "users": "id",
    "workflow_instances": "id",
    "audit_events": "id",
}


def _metadata() -> sa.MetaData:
    """The tables a rebuilt or new table refers to, as far as a foreign key needs them."""
    md = sa.MetaData()
    for name, key in STUBS.items():
        sa.Table(name, md, sa.Column(key, sa.Integer, primary_key=True))
    return md


def _documents() -> tuple[list[Any], list[tuple[str, list[str]]]]:
    return [
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("instance_id", sa.Integer, sa.ForeignKey("workflow_instances.id"), nullable=False),
        sa.Column("audit_event_id", sa.Integer, sa.ForeignKey("audit_events.id")),
        sa.Column("agency_id", sa.Integer, sa.ForeignKey("agencies.id"), nullable=False),
        sa.Column("kind", sa.String(80), nullable=False),
        sa.Column("title", sa.String(120), nullable=False),
        sa.Column("template", sa.String(200), nullable=False),
        sa.Column("series", sa.String(40)),
        sa.Column("number", sa.String(80)),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("serial", sa.Integer),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("content", sa.LargeBinary, nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.UniqueConstraint("agency_id", "series", "year", "serial"),
    ], [("ix_documents_instance_id", ["instance_id"])]


def _document_counters() -> tuple[list[Any], list[tuple[str, list[str]]]]:
    return [
        sa.Column("agency_id", sa.Integer, sa.ForeignKey("agencies.id"), primary_key=True),
        sa.Column("series", sa.String(40), primary_key=True),
        sa.Column("year", sa.Integer, primary_key=True),
        sa.Column("last", sa.Integer, nullable=False),
    ], []


def _rebuild(bind: sa.Connection, name: str, shape: tuple[list[Any], list[tuple[str, list[str]]]], fill: dict[str, str]) -> None:
    """SQLite's way to change a key or a constraint: a new table, the rows copied (`fill`: SQL for the
    new columns), the old one dropped, the new one renamed (foreign keys are off meanwhile)."""
    columns, indexes = shape
    old = {c["name"] for c in sa.inspect(bind).get_columns(name)}
    table = sa.Table(f"_alembic_tmp_{name}", _metadata(), *columns)
    table.create(bind)
    names = [c.name for c in table.columns if c.name in old or c.name in fill]
    chosen = ", ".join(fill.get(n, f'"{n}"') for n in names)
    bind.exec_driver_sql(f'INSERT INTO "{table.name}" ({", ".join(chr(34) + n + chr(34) for n in names)}) SELECT {chosen} FROM "{name}"')
    op.drop_table(name)
    op.rename_table(table.name, name)
    for index, on in indexes:
        op.create_index(index, name, on)


def _series_on_postgresql(bind: sa.Connection) -> None:
    inspector = sa.inspect(bind)
    old_unique = next(
        u["name"] or "documents_agency_id_year_serial_key"
        for u in inspector.get_unique_constraints("documents")
        if u["column_names"] == ["agency_id", "year", "serial"]
    )
    old_key = inspector.get_pk_constraint("document_counters")["name"] or "document_counters_pkey"
    op.add_column("documents", sa.Column("series", sa.String(40)))
    op.execute("UPDATE documents SET series = ''")
    op.alter_column("documents", "number", existing_type=sa.String(80), nullable=True)
    op.alter_column("documents", "serial", existing_type=sa.Integer, nullable=True)
    op.drop_constraint(old_unique, "documents", type_="unique")
    op.create_unique_constraint(
        "documents_agency_id_series_year_serial_key", "documents", ["agency_id", "series", "year", "serial"]
    )
    op.add_column("document_counters", sa.Column("series", sa.String(40), nullable=False, server_default=""))
    op.alter_column("document_counters", "series", server_default=None)
    op.drop_constraint(old_key, "document_counters", type_="primary")
    op.create_primary_key("document_counters_pkey", "document_counters", ["agency_id", "series", "year"])


def _new_tables(bind: sa.Connection) -> None:
    """The tables since 4e49db6 (one made meanwhile by a development build's `init` is kept)."""
    have = set(sa.inspect(bind).get_table_names())
    tables: dict[str, list[Any]] = {
        "agency_series": [
            sa.Column("agency_id", sa.Integer, sa.ForeignKey("agencies.id"), primary_key=True),
            sa.Column("series", sa.String(40), primary_key=True),
            sa.Column("code", sa.String(40), nullable=False),
        ],
        "web_sessions": [
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("id_hash", sa.String(64), nullable=False, unique=True),
            sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False, index=True),
            sa.Column("created_at", TIME, nullable=False),
            sa.Column("last_seen_at", TIME, nullable=False),
            sa.Column("expires_at", TIME, nullable=False),
            sa.Column("revoked_at", TIME),
            sa.Column("revoked_reason", sa.String(40)),
            sa.Column("ip", sa.String(64)),
            sa.Column("user_agent", sa.String(300)),
        ],
        "api_tokens": [
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("name", sa.String(80), nullable=False),
            sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
            sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False, index=True),
            sa.Column("created_at", TIME, nullable=False),
            sa.Column("expires_at", TIME, nullable=False),
            sa.Column("last_used_at", TIME),
            sa.Column("revoked_at", TIME),
        ],
        "security_events": [
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("at", TIME, nullable=False, index=True),
            sa.Column("kind", sa.String(40), nullable=False, index=True),
            sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), index=True),
            sa.Column("username", sa.String(80)),
            sa.Column("ip", sa.String(64)),
            sa.Column("detail", JSON, nullable=False),
        ],
        "agency_rules": [
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("agency_id", sa.Integer, sa.ForeignKey("agencies.id"), nullable=False, index=True),
            sa.Column("workflow", sa.String(80), nullable=False),
            sa.Column("rule", sa.String(80), nullable=False),
            sa.Column("version", sa.Integer, nullable=False),
            sa.Column("params", JSON, nullable=False),
            sa.Column("note", sa.String(500), nullable=False),
            sa.Column("created_by_id", sa.Integer, sa.ForeignKey("users.id")),
            sa.Column("created_at", TIME, nullable=False),
            sa.UniqueConstraint("agency_id", "workflow", "rule", "version"),
        ],
        "certificate_events": [
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False, index=True),
            sa.Column("at", TIME, nullable=False),
            sa.Column("action", sa.String(20), nullable=False),
            sa.Column("status", sa.String(20), nullable=False),
            sa.Column("reason", sa.String(500), nullable=False),
            sa.Column("by_id", sa.Integer, sa.ForeignKey("users.id")),
            sa.Column("certificate_no", sa.String(60), nullable=False),
            sa.Column("valid_from", sa.Date),
            sa.Column("valid_until", sa.Date),
        ],
        "training_hours": [
            sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), primary_key=True),
            sa.Column("year", sa.Integer, primary_key=True),
            sa.Column("hours", sa.Integer, nullable=False),
            sa.Column("updated_at", TIME, nullable=False),
            sa.Column("updated_by_id", sa.Integer, sa.ForeignKey("users.id")),
        ],
        "login_throttles": [
            sa.Column("key", sa.String(200), primary_key=True),
            sa.Column("failures", sa.Integer, nullable=False),
            sa.Column("window_start", TIME),
            sa.Column("locked_until", TIME),
            sa.Column("locks", sa.Integer, nullable=False),
        ],
    }
    for name, columns in tables.items():
        if name not in have:
            op.create_table(name, *columns)


# -- data ------------------------------------------------------------------------------------------


def _options() -> DataOptions:
    options = context.config.attributes.get("data_options")
    if not isinstance(options, DataOptions):
        raise SchemaError("此迁移需要流程定义目录等设置：请用 review-workflow db upgrade 运行")
    return options


USERS = sa.table("users", sa.column("id", sa.Integer), sa.column("token_hash", sa.String))
API_TOKENS = sa.table(
    "api_tokens",
    sa.column("name", sa.String),
    sa.column("token_hash", sa.String),
    sa.column("user_id", sa.Integer),
    sa.column("created_at", TIME),
    sa.column("expires_at", TIME),
)
SECURITY_EVENTS = sa.table(
    "security_events",
    sa.column("at", TIME),
    sa.column("kind", sa.String),
    sa.column("user_id", sa.Integer),
    sa.column("detail", JSON),
)
INSTANCES = sa.table(
    "workflow_instances",
    sa.column("id", sa.Integer),
    sa.column("workflow", sa.String),
    sa.column("state", sa.String),
    sa.column("data", JSON),
    sa.column("events", JSON),
)
AUDIT = sa.table(
    "audit_events",
    sa.column("instance_id", sa.Integer),
    sa.column("seq", sa.Integer),
    sa.column("actor_id", sa.Integer),
    sa.column("event", sa.String),
    sa.column("payload", JSON),
    sa.column("at", TIME),
)
DEADLINES = sa.table(
    "deadlines",
    sa.column("id", sa.Integer),
    sa.column("instance_id", sa.Integer),
    sa.column("timer", sa.String),
    sa.column("status", sa.String),
    sa.column("closed_at", TIME),
    sa.column("pauses", JSON),
)


def _adopt_user_tokens(bind: sa.Connection, now: datetime, days: int) -> None:
    """Each user's one token of the old release becomes a named token that keeps working."""
    held = set(bind.scalars(sa.select(API_TOKENS.c.token_hash)))
    for user_id, token_hash in bind.execute(sa.select(USERS.c.id, USERS.c.token_hash).where(USERS.c.token_hash.is_not(None))):
        if token_hash not in held:
            bind.execute(API_TOKENS.insert().values(
                name=MIGRATED_TOKEN, token_hash=token_hash, user_id=user_id, created_at=now, expires_at=now + timedelta(days=days)
            ))
            bind.execute(SECURITY_EVENTS.insert().values(
                at=now, kind="token_created", user_id=user_id, detail={"name": MIGRATED_TOKEN, "migrated": True}
            ))
    bind.execute(USERS.update().where(USERS.c.token_hash.is_not(None)).values(token_hash=None))


def _kept_fields(directory: Path) -> dict[str, set[str]]:
    """Per workflow, the names `data` keeps: its case fields and the numbers its documents record. Read
    from the YAML itself (these two keys only), so that this revision does not follow later loaders."""
    kept: dict[str, set[str]] = {}
    for path in sorted(directory.glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        if not isinstance(doc, dict) or "name" not in doc or "states" not in doc:
            continue  # roles.yaml
        documents = doc.get("documents") or {}
        kept[doc["name"]] = set(doc.get("case_fields") or {}) | {
            spec["record_number_as"] for spec in documents.values() if isinstance(spec, dict) and spec.get("record_number_as")
        }
    return kept


def _audit_by_case(bind: sa.Connection) -> Iterator[tuple[int, list[Any]]]:
    """Every case's audit events in order, one case at a time."""
    rows = bind.execute(sa.select(AUDIT).order_by(AUDIT.c.instance_id, AUDIT.c.seq))
    current: int | None = None
    events: list[Any] = []
    for row in rows:
        if row.instance_id != current:
            if current is not None:
                yield current, events
            current, events = row.instance_id, []
        events.append(row)
    if current is not None:
        yield current, events


def _records(audit: list[Any], zone: ZoneInfo) -> dict[str, dict[str, Any]]:
    """Each event's last record, as the engine writes it (core/records.py record)."""
    out: dict[str, dict[str, Any]] = {}
    for ev in audit:
        if ev.event in NOT_EVENTS:
            continue
        payload = dict(ev.payload or {})
        at = ev.at if ev.at.tzinfo else ev.at.replace(tzinfo=UTC)
        record = {k: v for k, v in payload.items() if k not in ENGINE_KEYS}
        record.update(on=at.astimezone(zone).date().isoformat(), by=ev.actor_id, seq=ev.seq)
        if payload.get("child_id") is not None:
            record["child_id"] = payload["child_id"]
        out[ev.event] = record
    return out


def _split_case_data(bind: sa.Connection, options: DataOptions) -> None:
    cases = {row.id: row for row in bind.execute(sa.select(INSTANCES).order_by(INSTANCES.c.id))}
    if not cases:
        return
    kept = _kept_fields(options.workflows_dir)
    unknown = sorted({row.workflow for row in cases.values()} - set(kept))
    if unknown:
        raise SchemaError(
            f"流程定义目录 {options.workflows_dir} 中没有这些流程：{'、'.join(unknown)}；"
            "请设置 REVIEW_WORKFLOW_WORKFLOWS_DIR 指向定义所在目录后再升级"
        )
    zone = ZoneInfo(options.timezone)
    audited = dict(_audit_by_case(bind))
    for case_id, row in cases.items():
        events = _records(audited.get(case_id, []), zone)
        state = row.state
        if row.workflow == PENALTY:
            state = PENALTY_STATES.get(state, state)
            notify = events.get("notify")
            if notify is not None and notify.get("hearing_eligible") is True:
                notify.setdefault("other_serious", True)  # the right to a hearing the notice offered
            if row.state == "hearing" and "request_hearing" in events:
                _pause_decision_period(bind, case_id, events["request_hearing"]["on"])
        data = {k: v for k, v in (row.data or {}).items() if k in kept[row.workflow]}
        bind.execute(INSTANCES.update().where(INSTANCES.c.id == case_id).values(data=data, events=events, state=state))


def _pause_decision_period(bind: sa.Connection, case_id: int, since: str) -> None:
    """The definition now stops the 90 days while a hearing is pending (from the day it was asked for)."""
    bind.execute(
        DEADLINES.update()
        .where(
            DEADLINES.c.instance_id == case_id,
            DEADLINES.c.timer == "decision_period",
            DEADLINES.c.status == "open",
            DEADLINES.c.closed_at.is_(None),
        )
        .values(status="paused", pauses=[[since, None]])
    )
