"""edge: the answer given to each signed request, so a byte-identical copy (a retry) gets it again

Revision ID: 0011
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("seen_signatures") as batch:
        batch.add_column(sa.Column("status", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("answer", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("seen_signatures") as batch:
        batch.drop_column("answer")
        batch.drop_column("status")
