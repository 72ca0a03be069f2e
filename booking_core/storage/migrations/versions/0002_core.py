"""core placeholder (empty): keeps the revision chain 0001 -> 0002 -> 0003 intact

The core engineer's 0002 replaces this file (same revision id "0002").

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
