"""waitlist: waitlist_entries (callers waiting for a booked-out window), CONTRACT section 10

Revision ID: 0017
Revises: 0016
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import booking_core.storage.types

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

UTC = booking_core.storage.types.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "waitlist_entries",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("service_id", sa.String(length=64), nullable=False),
        sa.Column("staff_id", sa.String(length=64), nullable=True),
        sa.Column("window_start", UTC(timezone=True), nullable=False),
        sa.Column("window_end", UTC(timezone=True), nullable=False),
        sa.Column("when_text", sa.String(length=200), nullable=True),
        sa.Column("customer_name", sa.String(length=200), nullable=True),
        sa.Column("customer_phone", sa.String(length=20), nullable=False),
        sa.Column("call_id", sa.String(length=100), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", UTC(timezone=True), nullable=False),
        sa.Column("offered_at", UTC(timezone=True), nullable=True),
        sa.Column("offered_start", UTC(timezone=True), nullable=True),
        sa.Column("offered_staff_id", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_waitlist_entries")),
    )
    op.create_index("ix_waitlist_entries_due", "waitlist_entries", ["tenant_id", "status", "created_at"])
    op.create_index(
        "uq_waitlist_entries_waiting",
        "waitlist_entries",
        ["tenant_id", "customer_phone", "service_id", "window_start", "window_end"],
        unique=True,
        postgresql_where=sa.text("status = 'waiting'"),
        sqlite_where=sa.text("status = 'waiting'"),
    )


def downgrade() -> None:
    op.drop_index("uq_waitlist_entries_waiting", table_name="waitlist_entries")
    op.drop_index("ix_waitlist_entries_due", table_name="waitlist_entries")
    op.drop_table("waitlist_entries")
