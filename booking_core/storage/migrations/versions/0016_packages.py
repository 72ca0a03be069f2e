"""packages: package_sales (multi-session cards sold) and package_credits (their append-only credit
ledger), CONTRACT section 10

Revision ID: 0016
Revises: 0015
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import booking_core.storage.types

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

UTC = booking_core.storage.types.UTCDateTime
LEDGER = "package_credits"


def upgrade() -> None:
    op.create_table(
        "package_sales",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("customer_id", sa.String(length=36), nullable=False),
        sa.Column("package_id", sa.String(length=64), nullable=False),
        sa.Column("package_name", sa.String(length=80), nullable=False),
        sa.Column("service_id", sa.String(length=64), nullable=False),
        sa.Column("sessions", sa.Integer(), nullable=False),
        sa.Column("price", booking_core.storage.types.Money(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("remaining", sa.Integer(), nullable=False),
        sa.Column("sold_at", UTC(timezone=True), nullable=False),
        sa.Column("expires_at", UTC(timezone=True), nullable=False),
        sa.Column("call_id", sa.String(length=100), nullable=True),
        sa.Column("ref", sa.String(length=100), nullable=True),
        sa.CheckConstraint(
            "remaining >= 0 AND remaining <= sessions", name=op.f("ck_package_sales_remaining_in_range")
        ),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"], name=op.f("fk_package_sales_customer_id_customers")),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_package_sales_tenant_id_tenants"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_package_sales")),
        sa.UniqueConstraint("tenant_id", "ref", name=op.f("uq_package_sales_tenant_id_ref")),
    )
    op.create_index("ix_package_sales_customer", "package_sales", ["tenant_id", "customer_id", "service_id"])
    op.create_index("ix_package_sales_lapsing", "package_sales", ["expires_at", "remaining"])
    op.create_table(
        LEDGER,
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("sale_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("credits", sa.Integer(), nullable=False),
        sa.Column("balance_after", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=64), nullable=False),
        sa.Column("appointment_id", sa.String(length=36), nullable=True),
        sa.Column("call_id", sa.String(length=100), nullable=True),
        sa.Column("created_at", UTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["sale_id"], ["package_sales.id"], name=op.f("fk_package_credits_sale_id_package_sales")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_package_credits")),
        sa.UniqueConstraint("sale_id", "kind", "ref", name=op.f("uq_package_credits_sale_id_kind_ref")),
    )
    op.create_index(op.f("ix_package_credits_sale_id"), LEDGER, ["sale_id"])
    op.create_index(op.f("ix_package_credits_appointment_id"), LEDGER, ["appointment_id"])
    _append_only()


def _append_only() -> None:
    """The credit ledger refuses UPDATE and DELETE at the database, as the money ledger does (0009)."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"CREATE FUNCTION {LEDGER}_append_only() RETURNS trigger AS $$ "
            f"BEGIN RAISE EXCEPTION '{LEDGER} is append-only'; END; $$ LANGUAGE plpgsql"
        )
        op.execute(
            f"CREATE TRIGGER {LEDGER}_append_only BEFORE UPDATE OR DELETE ON {LEDGER} "
            f"FOR EACH ROW EXECUTE FUNCTION {LEDGER}_append_only()"
        )
    else:
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {LEDGER}_no_{verb.lower()} BEFORE {verb} ON {LEDGER} "
                f"BEGIN SELECT RAISE(ABORT, '{LEDGER} is append-only'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER IF EXISTS {LEDGER}_append_only ON {LEDGER}")
        op.execute(f"DROP FUNCTION IF EXISTS {LEDGER}_append_only()")
    op.drop_table(LEDGER)
    op.drop_table("package_sales")
