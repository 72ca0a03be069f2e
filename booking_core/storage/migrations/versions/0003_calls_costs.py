"""calls and their costs; ECB exchange rates

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import booking_core.storage.types

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "calls",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("call_id", sa.String(length=100), nullable=False),
        sa.Column("events", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("last_event", sa.String(length=32), nullable=False),
        sa.Column("started_at", booking_core.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ended_at", booking_core.storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("duration_ms", sa.Integer(), nullable=True),
        sa.Column("disconnection_reason", sa.String(length=100), nullable=True),
        sa.Column("from_number", sa.String(length=32), nullable=True),
        sa.Column("to_number", sa.String(length=32), nullable=True),
        sa.Column("direction", sa.String(length=16), nullable=True),
        sa.Column("agent_id", sa.String(length=100), nullable=True),
        sa.Column("cost_event", sa.String(length=32), nullable=True),
        sa.Column("telephony_usd", booking_core.storage.types.Money(), nullable=True),
        sa.Column("reconciled", sa.Boolean(), nullable=False),
        sa.Column("created_at", booking_core.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", booking_core.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_calls_tenant_id_tenants"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("tenant_id", "call_id", name=op.f("pk_calls")),
    )
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.create_index("ix_calls_tenant_started", ["tenant_id", "started_at"], unique=False)

    op.create_table(
        "fx_rates",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("rate", booking_core.storage.types.Money(), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("loaded_at", booking_core.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("day", "currency", name=op.f("pk_fx_rates")),
    )


def downgrade() -> None:
    op.drop_table("fx_rates")
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.drop_index("ix_calls_tenant_started")
    op.drop_table("calls")
