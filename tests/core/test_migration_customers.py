"""Migration 0010 on both engines: existing customers get their name key, a number may then hold a
family, and the way back keeps one customer per number with every appointment."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import create_async_engine

from booking_core.storage.migrate import downgrade, upgrade
from tests.pg_support import create_scratch_database, drop_scratch_database, require_postgres, scratch_name

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
APPOINTMENT = (
    'INSERT INTO appointments (id, tenant_id, reference, service_id, staff_id, customer_id, status, start, "end",'
    " price, currency, reschedule_count, version, created_at, updated_at) VALUES ('{id}', 't', '{ref}', 's', 'x',"
    " '{customer}', 'scheduled', :now, :now, 10, 'EUR', 0, 1, :now, :now)"
)


@pytest.fixture(params=["sqlite", "postgres"])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database of this test's own, not migrated yet."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'migration.db'}"
        return
    require_postgres()
    name = scratch_name("migration")
    url = create_scratch_database(name)
    yield url
    drop_scratch_database(name)


def run(url: str, *statements: str, params: list[dict] | None = None) -> list[tuple]:
    async def go() -> list[tuple]:
        engine = create_async_engine(
            url.replace("postgresql://", "postgresql+asyncpg://", 1) if url.startswith("postgresql://") else url
        )
        rows: list[tuple] = []
        async with engine.begin() as conn:
            for i, statement in enumerate(statements):
                result = await conn.execute(sa.text(statement), (params or [{}] * len(statements))[i])
                if result.returns_rows:
                    rows = [tuple(r) for r in result.fetchall()]
        await engine.dispose()
        return rows

    return asyncio.run(go())


def test_customers_by_name_up_and_down(empty_url: str) -> None:
    upgrade(empty_url, "0006")
    run(
        empty_url,
        "INSERT INTO tenants (id, name, timezone, language, currency, document, revision, updated_at)"
        " VALUES ('t', 'T', 'Europe/Berlin', 'de', 'EUR', '{}', 1, :now)",
        "INSERT INTO customers (id, tenant_id, phone, name, created_at)"
        " VALUES ('c1', 't', '+4915100000017', 'Lena Vögel', :now)",
        "INSERT INTO customers (id, tenant_id, phone, name, created_at) VALUES ('c2', 't', NULL, 'Anon', :now)",
        APPOINTMENT.format(id="a0", ref="L3NA", customer="c1"),
        params=[{"now": NOW}] * 4,
    )
    upgrade(empty_url, "head")
    assert run(empty_url, "SELECT id, name_key FROM customers ORDER BY id") == [("c1", "lena vogel"), ("c2", "anon")]
    run(
        empty_url,
        "INSERT INTO customers (id, tenant_id, phone, name, name_key, created_at)"
        " VALUES ('c3', 't', '+4915100000017', 'Max Vogel', 'max vogel', :now)",
        APPOINTMENT.format(id="a1", ref="K7M2", customer="c3"),
        params=[{"now": NOW}] * 2,
    )
    with pytest.raises(sa.exc.IntegrityError):  # the same person twice on one number is refused
        run(
            empty_url,
            "INSERT INTO customers (id, tenant_id, phone, name, name_key, created_at)"
            " VALUES ('c4', 't', '+4915100000017', 'LENA VOGEL', 'lena vogel', :now)",
            params=[{"now": NOW}],
        )
    downgrade(empty_url, "0006")
    assert run(empty_url, "SELECT id FROM customers ORDER BY id") == [("c1",), ("c2",)]
    # Max's appointment is kept, on the number's remaining row
    assert run(empty_url, "SELECT id, customer_id FROM appointments ORDER BY id") == [("a0", "c1"), ("a1", "c1")]
