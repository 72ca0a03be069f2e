"""billing: the prepaid balance ledger (append-only), running totals, Stripe state, documents, outcomes

Revision ID: 0009
Revises: 0007
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

import booking_core.storage.types

revision = "0009"
down_revision = "0011"
branch_labels = None
depends_on = None

APPEND_ONLY = "balance_transactions"


def _ledger_money() -> sa.types.TypeEngine[Any]:
    """NUMERIC(28, 10) on PostgreSQL, text on SQLite (billing_models.LedgerMoney)."""
    return sa.String(length=40) if op.get_bind().dialect.name == "sqlite" else sa.Numeric(28, 10)


def upgrade() -> None:
    utc = booking_core.storage.types.UTCDateTime(timezone=True)
    money = booking_core.storage.types.Money()
    op.create_table(
        "balance_transactions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("amount", _ledger_money(), nullable=False),
        sa.Column("balance_after", _ledger_money(), nullable=False),
        sa.Column("call_id", sa.String(length=100), nullable=True),
        sa.Column("ref", sa.String(length=200), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("details", sa.JSON(), nullable=True),
        sa.Column("created_at", utc, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_balance_transactions")),
        sa.UniqueConstraint("tenant_id", "kind", "ref", name=op.f("uq_balance_transactions_tenant_id_kind_ref")),
    )
    op.create_index("ix_balance_transactions_tenant_created", "balance_transactions", ["tenant_id", "created_at"])
    op.create_index("ix_balance_transactions_tenant_call", "balance_transactions", ["tenant_id", "call_id"])
    op.create_table(
        "tenant_balances",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("balance", _ledger_money(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", utc, nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", name=op.f("pk_tenant_balances")),
    )
    op.create_table(
        "billing_accounts",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("stripe_customer_id", sa.String(length=255), nullable=True),
        sa.Column("payment_method_id", sa.String(length=255), nullable=True),
        sa.Column("auto_last_attempt_at", utc, nullable=True),
        sa.Column("auto_failures", sa.Integer(), nullable=False),
        sa.Column("auto_disabled", sa.Boolean(), nullable=False),
        sa.Column("updated_at", utc, nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", name=op.f("pk_billing_accounts")),
    )
    op.create_table(
        "stripe_events",
        sa.Column("event_id", sa.String(length=255), nullable=False),
        sa.Column("type", sa.String(length=100), nullable=False),
        sa.Column("tenant_id", sa.String(length=64), nullable=True),
        sa.Column("outcome", sa.String(length=32), nullable=False),
        sa.Column("received_at", utc, nullable=False),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_stripe_events")),
    )
    op.create_table(
        "billing_documents",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("number_text", sa.String(length=64), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=True),
        sa.Column("ref", sa.String(length=200), nullable=True),
        sa.Column("net", money, nullable=False),
        sa.Column("vat", money, nullable=False),
        sa.Column("gross", money, nullable=False),
        sa.Column("vat_pct", money, nullable=False),
        sa.Column("details", sa.JSON(), nullable=True),
        sa.Column("issued_at", utc, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_billing_documents")),
        sa.UniqueConstraint("tenant_id", "kind", "number", name=op.f("uq_billing_documents_tenant_id_kind_number")),
        sa.UniqueConstraint("tenant_id", "kind", "period", name=op.f("uq_billing_documents_tenant_id_kind_period")),
        sa.UniqueConstraint("tenant_id", "kind", "ref", name=op.f("uq_billing_documents_tenant_id_kind_ref")),
    )
    op.create_table(
        "document_counters",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "kind", name=op.f("pk_document_counters")),
    )
    op.create_table(
        "call_outcomes",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("call_id", sa.String(length=100), nullable=False),
        sa.Column("outcome", sa.String(length=32), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("updated_at", utc, nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "call_id", "outcome", name=op.f("pk_call_outcomes")),
    )
    _append_only()


def _append_only() -> None:
    """The ledger refuses UPDATE and DELETE at the database, as the audit log does (0001)."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"CREATE FUNCTION {APPEND_ONLY}_append_only() RETURNS trigger AS $$ "
            f"BEGIN RAISE EXCEPTION '{APPEND_ONLY} is append-only'; END; $$ LANGUAGE plpgsql"
        )
        op.execute(
            f"CREATE TRIGGER {APPEND_ONLY}_append_only BEFORE UPDATE OR DELETE ON {APPEND_ONLY} "
            f"FOR EACH ROW EXECUTE FUNCTION {APPEND_ONLY}_append_only()"
        )
    else:
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {APPEND_ONLY}_no_{verb.lower()} BEFORE {verb} ON {APPEND_ONLY} "
                f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY} is append-only'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER IF EXISTS {APPEND_ONLY}_append_only ON {APPEND_ONLY}")
        op.execute(f"DROP FUNCTION IF EXISTS {APPEND_ONLY}_append_only()")
    for table in (
        "call_outcomes",
        "document_counters",
        "billing_documents",
        "stripe_events",
        "billing_accounts",
        "tenant_balances",
    ):
        op.drop_table(table)
    op.drop_index("ix_balance_transactions_tenant_call", table_name="balance_transactions")
    op.drop_index("ix_balance_transactions_tenant_created", table_name="balance_transactions")
    op.drop_table("balance_transactions")
