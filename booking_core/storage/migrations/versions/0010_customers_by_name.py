"""core: customers are (phone, name) pairs, so a family on one number are several customers

The unique (tenant, phone) becomes unique (tenant, phone, name_key); `name_key` is the folded name
(booking_core.customers.fold_name), "" when the customer gave none. Existing rows get their key.

Revision ID: 0010
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from booking_core.customers import fold_name

revision = "0010"
down_revision = "0006"
branch_labels = None
depends_on = None

CUSTOMERS = sa.table(
    "customers", sa.column("id", sa.String), sa.column("name", sa.String), sa.column("name_key", sa.String)
)


def _sqlite_foreign_keys(on: bool) -> None:
    """SQLite changes a constraint by copying the table and dropping the old one, which appointments
    point at: foreign keys are switched off around that, as SQLite's own ALTER TABLE recipe says, and
    checked afterwards. The pragma is ignored inside a transaction, so the migration's transaction is
    committed and a new one begun around it, on the driver's connection (db.py's listener would open a
    transaction around any statement sent through SQLAlchemy, even in Alembic's autocommit block)."""
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    driver = bind.connection.dbapi_connection
    assert driver is not None  # a live connection inside a migration
    cursor = driver.cursor()
    for statement in ("COMMIT", f"PRAGMA foreign_keys = {'ON' if on else 'OFF'}", "BEGIN"):
        cursor.execute(statement)
    cursor.close()
    if on:
        broken = bind.execute(sa.text("PRAGMA foreign_key_check")).fetchall()
        if broken:
            raise RuntimeError(f"foreign keys broken by the migration: {broken[:5]}")


def upgrade() -> None:
    _sqlite_foreign_keys(False)
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("name_key", sa.String(length=200), nullable=False, server_default=""))
    connection = op.get_bind()
    named = sa.select(CUSTOMERS.c.id, CUSTOMERS.c.name).where(CUSTOMERS.c.name.is_not(None))
    for row_id, name in connection.execute(named):
        connection.execute(CUSTOMERS.update().where(CUSTOMERS.c.id == row_id).values(name_key=fold_name(name)))
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.drop_constraint("uq_customers_tenant_id_phone", type_="unique")
        batch_op.create_unique_constraint(
            op.f("uq_customers_tenant_id_phone_name_key"), ["tenant_id", "phone", "name_key"]
        )
    _sqlite_foreign_keys(True)


def downgrade() -> None:
    # Several customers on one number cannot share a unique phone again: each number keeps one row
    # (the smallest id), which takes over the appointments of the others.
    _sqlite_foreign_keys(False)
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.drop_constraint("uq_customers_tenant_id_phone_name_key", type_="unique")
        batch_op.drop_column("name_key")
    op.execute(
        "UPDATE appointments SET customer_id = (SELECT MIN(c2.id) FROM customers c1 JOIN customers c2"
        " ON c2.tenant_id = c1.tenant_id AND c2.phone = c1.phone WHERE c1.id = appointments.customer_id)"
        " WHERE customer_id IN (SELECT id FROM customers WHERE phone IS NOT NULL)"
    )
    op.execute(
        "DELETE FROM customers WHERE phone IS NOT NULL AND id NOT IN"
        " (SELECT MIN(id) FROM customers WHERE phone IS NOT NULL GROUP BY tenant_id, phone)"
    )
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.create_unique_constraint("uq_customers_tenant_id_phone", ["tenant_id", "phone"])
    _sqlite_foreign_keys(True)
