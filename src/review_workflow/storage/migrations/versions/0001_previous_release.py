"""The schema of the previous release (4e49db6), exactly as its `review-workflow init` created it.

A database that release made has these tables and no `alembic_version`: `review-workflow db upgrade`
stamps it at this revision and migrates it from here (`storage/migrate.py`).

Revision ID: 0001
Revises:
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# Frozen here, not imported from models: a revision says what the schema was, whatever models say later.
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "agencies",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("doc_code", sa.String(40), nullable=False, unique=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("filing_office_id", sa.Integer, sa.ForeignKey("agencies.id")),
    )
    op.create_table(
        "document_counters",
        sa.Column("agency_id", sa.Integer, sa.ForeignKey("agencies.id"), primary_key=True),
        sa.Column("year", sa.Integer, primary_key=True),
        sa.Column("last", sa.Integer, nullable=False),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("username", sa.String(80), nullable=False, unique=True),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("agency_id", sa.Integer, sa.ForeignKey("agencies.id"), nullable=False),
        sa.Column("roles", JSON, nullable=False),
        sa.Column("certificate_no", sa.String(60)),
        sa.Column("certificate_valid_from", sa.Date),
        sa.Column("certificate_valid_until", sa.Date),
        sa.Column("legal_qualification", sa.String(60)),
        sa.Column("email", sa.String(200)),
        sa.Column("token_hash", sa.String(64), unique=True),
        sa.Column("password_hash", sa.String(200)),
        sa.Column("active", sa.Boolean, nullable=False),
    )
    op.create_table(
        "calendar_years",
        sa.Column("year", sa.Integer, primary_key=True),
        sa.Column("source", sa.String(300), nullable=False),
        sa.Column("rest_days", JSON, nullable=False),
        sa.Column("workdays", JSON, nullable=False),
        sa.Column("loaded_at", TIME, nullable=False),
        sa.Column("loaded_by_id", sa.Integer, sa.ForeignKey("users.id")),
    )
    op.create_table(
        "workflow_instances",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("workflow", sa.String(80), nullable=False, index=True),
        sa.Column("definition_hash", sa.String(64), nullable=False),
        sa.Column("agency_id", sa.Integer, sa.ForeignKey("agencies.id"), nullable=False, index=True),
        sa.Column("handler_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("party", sa.String(300), nullable=False),
        sa.Column("parent_id", sa.Integer, sa.ForeignKey("workflow_instances.id"), index=True),
        sa.Column("started_by", sa.String(80)),
        sa.Column("counterpart_agency_id", sa.Integer, sa.ForeignKey("agencies.id"), index=True),
        sa.Column("state", sa.String(80), nullable=False, index=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("data", JSON, nullable=False),  # case fields, every payload and <event>_on, merged
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("updated_at", TIME, nullable=False),
        sa.Column("last_event_hash", sa.String(64)),
        sa.Column("audit_seq", sa.Integer, nullable=False),
    )
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("instance_id", sa.Integer, sa.ForeignKey("workflow_instances.id"), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("actor_id", sa.Integer, sa.ForeignKey("users.id")),
        sa.Column("event", sa.String(80), nullable=False),
        sa.Column("from_state", sa.String(80)),
        sa.Column("to_state", sa.String(80), nullable=False),
        sa.Column("payload", JSON, nullable=False),
        sa.Column("at", TIME, nullable=False),
        sa.Column("prev_hash", sa.String(64)),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.UniqueConstraint("instance_id", "seq"),
    )
    op.create_index("ix_audit_events_instance", "audit_events", ["instance_id", "seq"])
    op.create_table(
        "deadlines",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("instance_id", sa.Integer, sa.ForeignKey("workflow_instances.id"), nullable=False, index=True),
        sa.Column("agency_id", sa.Integer, sa.ForeignKey("agencies.id"), nullable=False, index=True),
        sa.Column("timer", sa.String(80), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("title", sa.String(120), nullable=False),
        sa.Column("rule", sa.String(20), nullable=False),
        sa.Column("extensions", JSON, nullable=False),
        sa.Column("warn_before", sa.String(20)),
        sa.Column("start", sa.Date, nullable=False),
        sa.Column("due", sa.Date, nullable=False, index=True),
        sa.Column("warning", sa.Date),
        sa.Column("provisional", sa.Boolean, nullable=False),
        sa.Column("responsible_id", sa.Integer, sa.ForeignKey("users.id"), index=True),
        sa.Column("escalate_to", JSON, nullable=False),
        sa.Column("status", sa.String(20), nullable=False, index=True),
        sa.Column("opened_at", TIME, nullable=False),
        sa.Column("closed_at", TIME),
        sa.Column("closed_late", sa.Boolean),
        sa.Column("warned_at", TIME),
        sa.Column("overdue_at", TIME),
    )
    for name, columns, pending in (
        ("ix_deadlines_warn_pending", ["warning", "id"], "closed_at IS NULL AND warned_at IS NULL"),
        ("ix_deadlines_overdue_pending", ["due", "id"], "closed_at IS NULL AND overdue_at IS NULL"),
    ):
        op.create_index(name, "deadlines", columns, postgresql_where=sa.text(pending), sqlite_where=sa.text(pending))
    op.create_table(
        "documents",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("instance_id", sa.Integer, sa.ForeignKey("workflow_instances.id"), nullable=False, index=True),
        sa.Column("audit_event_id", sa.Integer, sa.ForeignKey("audit_events.id")),
        sa.Column("agency_id", sa.Integer, sa.ForeignKey("agencies.id"), nullable=False),
        sa.Column("kind", sa.String(80), nullable=False),
        sa.Column("title", sa.String(120), nullable=False),
        sa.Column("template", sa.String(200), nullable=False),
        sa.Column("number", sa.String(80), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("serial", sa.Integer, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("content", sa.LargeBinary, nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.UniqueConstraint("agency_id", "year", "serial"),
    )
    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("key", sa.String(200), nullable=False, unique=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("recipient_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False, index=True),
        sa.Column("instance_id", sa.Integer, sa.ForeignKey("workflow_instances.id")),
        sa.Column("deadline_id", sa.Integer, sa.ForeignKey("deadlines.id")),
        sa.Column("subject", sa.String(300), nullable=False),
        sa.Column("body", sa.String(4000), nullable=False),
        sa.Column("data", JSON, nullable=False),
        sa.Column("status", sa.String(20), nullable=False, index=True),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", TIME, nullable=False),
        sa.Column("locked_until", TIME),
        sa.Column("last_error", sa.String(1000)),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("sent_at", TIME),
        sa.Column("read_at", TIME),
    )


def downgrade() -> None:
    for table in ("notifications", "documents", "deadlines", "audit_events", "workflow_instances", "calendar_years",
                  "users", "document_counters", "agencies"):
        op.drop_table(table)
