"""统计年报: the `annual_reports` table — each agency's statistics of a year, its 31 January deadline, the
alerts sent about it and its submission to the 司法局 (who, when, late or not). No data to move."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "annual_reports",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("agency_id", sa.Integer, sa.ForeignKey("agencies.id"), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("due", sa.Date, nullable=False),
        sa.Column("submitted_at", TIME),
        sa.Column("submitted_on", sa.Date),
        sa.Column("submitted_by_id", sa.Integer, sa.ForeignKey("users.id")),
        sa.Column("late", sa.Boolean),
        sa.Column("warned_at", TIME),
        sa.Column("overdue_at", TIME),
        sa.UniqueConstraint("agency_id", "year"),
    )
    op.create_index("ix_annual_reports_agency_id", "annual_reports", ["agency_id"])


def downgrade() -> None:
    op.drop_index("ix_annual_reports_agency_id", "annual_reports")
    op.drop_table("annual_reports")
