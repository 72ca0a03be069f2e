"""after the call: customer email, message idempotency keys and subjects on the outbox, closing callback requests,
the lifecycle tick's index

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import booking_core.storage.types

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD/DROP COLUMN (SQLite has both since 3.35): no table rebuild, so the foreign keys that
    # point at customers are never in the way.
    op.add_column("customers", sa.Column("email", sa.String(length=254), nullable=True))
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("idempotency_key", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("subject", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(op.f("uq_outbox_tenant_id_idempotency_key"), ["tenant_id", "idempotency_key"])
        batch_op.create_index("ix_outbox_subject", ["tenant_id", "subject"], unique=False)
    op.add_column(
        "callback_requests", sa.Column("done_at", booking_core.storage.types.UTCDateTime(timezone=True), nullable=True)
    )
    with op.batch_alter_table("appointments", schema=None) as batch_op:
        batch_op.create_index("ix_appointments_status_start", ["status", "start"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("appointments", schema=None) as batch_op:
        batch_op.drop_index("ix_appointments_status_start")
    op.drop_column("callback_requests", "done_at")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_subject")
        batch_op.drop_constraint(op.f("uq_outbox_tenant_id_idempotency_key"), type_="unique")
        batch_op.drop_column("subject")
        batch_op.drop_column("idempotency_key")
    op.drop_column("customers", "email")
