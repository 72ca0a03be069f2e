"""edge: accepted webhook signatures (replay protection across server processes)

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import booking_core.storage.types

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "seen_signatures",
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("signed_at", booking_core.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("digest", name=op.f("pk_seen_signatures")),
    )
    op.create_index("ix_seen_signatures_signed_at", "seen_signatures", ["signed_at"])


def downgrade() -> None:
    op.drop_index("ix_seen_signatures_signed_at", table_name="seen_signatures")
    op.drop_table("seen_signatures")
