"""integrations: Cal.com event types and mirrored bookings, circuit-breaker state

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import booking_core.storage.types

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "calcom_event_types",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("service_id", sa.String(length=64), nullable=False),
        sa.Column("segment_key", sa.String(length=16), nullable=False),
        sa.Column("event_type_id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=200), nullable=False),
        sa.Column("length_min", sa.Integer(), nullable=False),
        sa.Column("updated_at", booking_core.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "service_id", "segment_key", name=op.f("pk_calcom_event_types")),
    )
    op.create_table(
        "calcom_bookings",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("appointment_id", sa.String(length=36), nullable=False),
        sa.Column("segment_key", sa.String(length=16), nullable=False),
        sa.Column("uid", sa.String(length=100), nullable=False),
        sa.Column("previous_uids", sa.Text(), nullable=True),
        sa.Column("calcom_id", sa.Integer(), nullable=True),
        sa.Column("event_type_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.String(length=64), nullable=True),
        sa.Column("start", booking_core.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("end", booking_core.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("updated_at", booking_core.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "appointment_id", "segment_key", name=op.f("pk_calcom_bookings")),
    )
    with op.batch_alter_table("calcom_bookings", schema=None) as batch_op:
        batch_op.create_index("ix_calcom_bookings_uid", ["tenant_id", "uid"], unique=False)
    op.create_table(
        "integration_breakers",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("target", sa.String(length=32), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("open_until", booking_core.storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("updated_at", booking_core.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "target", name=op.f("pk_integration_breakers")),
    )


def downgrade() -> None:
    op.drop_table("integration_breakers")
    with op.batch_alter_table("calcom_bookings", schema=None) as batch_op:
        batch_op.drop_index("ix_calcom_bookings_uid")
    op.drop_table("calcom_bookings")
    op.drop_table("calcom_event_types")
