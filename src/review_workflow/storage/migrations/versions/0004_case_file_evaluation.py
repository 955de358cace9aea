"""案卷评查: the table of files drawn for case-file evaluation.

Schema: new table `evaluation_draws` (year, evaluated agency, the penalty case drawn, the evaluation case
it started, its place in the seeded order, who drew it and when), unique per (year, agency_id, case_id)
so that drawing again never starts a second evaluation of a file. No data to move.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "evaluation_draws",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("agency_id", sa.Integer, sa.ForeignKey("agencies.id"), nullable=False, index=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("workflow_instances.id"), nullable=False),
        sa.Column(
            "evaluation_id", sa.Integer, sa.ForeignKey("workflow_instances.id"), nullable=False, unique=True
        ),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("drawn_by_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("drawn_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("year", "agency_id", "case_id"),
    )


def downgrade() -> None:
    op.drop_table("evaluation_draws")
