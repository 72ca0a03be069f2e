"""series and visits: appointments.series_id (the recurring series an appointment belongs to) and
appointments.visit_id (the visit of several services it is a part of), CONTRACT section 10

Revision ID: 0014
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("appointments", sa.Column("series_id", sa.String(length=36), nullable=True))
    op.create_index(op.f("ix_appointments_series_id"), "appointments", ["series_id"], unique=False)
    op.add_column("appointments", sa.Column("visit_id", sa.String(length=36), nullable=True))
    op.create_index(op.f("ix_appointments_visit_id"), "appointments", ["visit_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_appointments_visit_id"), table_name="appointments")
    op.drop_index(op.f("ix_appointments_series_id"), table_name="appointments")
    with op.batch_alter_table("appointments") as batch:
        batch.drop_column("visit_id")
        batch.drop_column("series_id")
