"""portal: users, one-time tokens (invitation, reset), sessions, login failures

Revision ID: 0015
Revises: 0014
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import booking_core.storage.types

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

UTC = booking_core.storage.types.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "portal_users",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("lang", sa.String(length=8), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("created_at", UTC(timezone=True), nullable=False),
        sa.Column("locked_until", UTC(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_users")),
        sa.UniqueConstraint("tenant_id", "email", name=op.f("uq_portal_users_tenant_id_email")),
    )
    op.create_index(op.f("ix_portal_users_tenant_id"), "portal_users", ["tenant_id"])
    op.create_index(op.f("ix_portal_users_email"), "portal_users", ["email"])
    op.create_table(
        "portal_tokens",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("token_sha256", sa.String(length=64), nullable=False),
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("lang", sa.String(length=8), nullable=False),
        sa.Column("created_at", UTC(timezone=True), nullable=False),
        sa.Column("expires_at", UTC(timezone=True), nullable=False),
        sa.Column("used_at", UTC(timezone=True), nullable=True),
        sa.Column("revoked_at", UTC(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_tokens")),
        sa.UniqueConstraint("token_sha256", name=op.f("uq_portal_tokens_token_sha256")),
    )
    op.create_index(
        "uq_portal_tokens_pending",
        "portal_tokens",
        ["tenant_id", "email", "kind"],
        unique=True,
        sqlite_where=sa.text("used_at IS NULL AND revoked_at IS NULL"),
        postgresql_where=sa.text("used_at IS NULL AND revoked_at IS NULL"),
    )
    op.create_table(
        "portal_sessions",
        sa.Column("id_sha256", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTC(timezone=True), nullable=False),
        sa.Column("expires_at", UTC(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id_sha256", name=op.f("pk_portal_sessions")),
    )
    op.create_index(op.f("ix_portal_sessions_user_id"), "portal_sessions", ["user_id"])
    op.create_index(op.f("ix_portal_sessions_expires_at"), "portal_sessions", ["expires_at"])
    op.create_table(
        "portal_login_failures",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("at", UTC(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_login_failures")),
    )
    op.create_index(op.f("ix_portal_login_failures_email"), "portal_login_failures", ["email"])
    op.create_index(op.f("ix_portal_login_failures_at"), "portal_login_failures", ["at"])


def downgrade() -> None:
    for table in ("portal_login_failures", "portal_sessions", "portal_tokens", "portal_users"):
        op.drop_table(table)
