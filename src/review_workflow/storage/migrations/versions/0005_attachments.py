"""执法全过程记录: attachments (evidence and audio-visual records, stored by SHA-256 in the file store) and
the 调阅 log (who viewed or downloaded what of a case).

Schema: new tables `attachments` and `access_log`. No data changes: the audit chains are read, never
written (each attachment adds its own event when it is uploaded).

Revision ID: 0005
Revises: 0002
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "attachments",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("instance_id", sa.Integer, sa.ForeignKey("workflow_instances.id"), nullable=False, index=True),
        sa.Column("audit_event_id", sa.Integer, sa.ForeignKey("audit_events.id"), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False, index=True),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("media_type", sa.String(100), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("file_name", sa.String(255), nullable=False),
        sa.Column("caption", sa.String(500), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("uploaded_at", TIME, nullable=False),
        sa.Column("state", sa.String(80), nullable=False),
        sa.Column("after_closing", sa.Boolean, nullable=False),
        sa.Column("superseded_at", TIME),
        sa.Column("superseded_by_id", sa.Integer, sa.ForeignKey("attachments.id")),
        sa.Column("superseded_reason", sa.String(500)),
    )
    op.create_table(
        "access_log",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("instance_id", sa.Integer, sa.ForeignKey("workflow_instances.id"), nullable=False, index=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("at", TIME, nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("target", sa.String(20), nullable=False),
        sa.Column("target_id", sa.Integer),
        sa.Column("title", sa.String(300), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("access_log")
    op.drop_table("attachments")
