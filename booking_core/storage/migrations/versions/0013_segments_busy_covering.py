"""core: the busy query's index covers it (issue 20): (tenant, staff, start, busy_until, live, staff_busy)
over live, staff-busy segments only, replacing (tenant, staff, start) over every segment

The window search reads a few thousand segments per request; with the old index every one of them was
a table lookup, and cancelled or staff-free segments were read and thrown away. The partial index holds
only the rows the busy query can return, and every column it reads (SQLite: COVERING INDEX;
PostgreSQL: an index-only scan once the table is vacuumed). Plans: benchmarks/README.md.

Revision ID: 0013
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0008"
branch_labels = None
depends_on = None

LIVE_BUSY = sa.text("live AND staff_busy")
COLUMNS = ["tenant_id", "staff_id", "start", "busy_until", "live", "staff_busy"]


def upgrade() -> None:
    with op.batch_alter_table("appointment_segments", schema=None) as batch_op:
        batch_op.drop_index("ix_appointment_segments_busy")
        batch_op.create_index(
            "ix_appointment_segments_live_busy",
            COLUMNS,
            unique=False,
            sqlite_where=LIVE_BUSY,
            postgresql_where=LIVE_BUSY,
        )


def downgrade() -> None:
    with op.batch_alter_table("appointment_segments", schema=None) as batch_op:
        batch_op.drop_index("ix_appointment_segments_live_busy")
        batch_op.create_index("ix_appointment_segments_busy", ["tenant_id", "staff_id", "start"], unique=False)
