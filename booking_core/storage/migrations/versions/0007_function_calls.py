"""call log: every function call as sent and answered (capture and replay of real calls)

Revision ID: 0007
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import booking_core.storage.types

revision = "0007"
down_revision = "0010"  # main's newest at merge time (the integrator chains the rest)
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "function_calls",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("call_id", sa.String(length=100), nullable=True),
        sa.Column("at", booking_core.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=True),
        sa.Column("function", sa.String(length=32), nullable=False),
        sa.Column("args", sa.JSON(), nullable=False),
        sa.Column("call", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("response", sa.JSON(), nullable=False),
        sa.Column("ms", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_function_calls")),
    )
    op.create_index("ix_function_calls_tenant_call", "function_calls", ["tenant_id", "call_id", "at"])
    op.create_index("ix_function_calls_at", "function_calls", ["at"])


def downgrade() -> None:
    op.drop_index("ix_function_calls_at", table_name="function_calls")
    op.drop_index("ix_function_calls_tenant_call", table_name="function_calls")
    op.drop_table("function_calls")
