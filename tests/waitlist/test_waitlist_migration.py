"""Migration 0017 on both engines: the waitlist table comes and goes with its revision, and the
partial unique index lets one number wait once per service and window while older entries (offered,
expired) stay beside a new waiting one."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import create_async_engine

from booking_core.storage.migrate import downgrade, upgrade
from booking_core.storage.urls import normalise_url
from tests.pg_support import create_scratch_database, drop_scratch_database, require_postgres, scratch_name

INSERT = (
    "INSERT INTO waitlist_entries (id, tenant_id, service_id, window_start, window_end, customer_phone, status,"
    " created_at) VALUES (:id, 't', 'cut', '2026-11-23 00:00:00', '2026-11-24 00:00:00', '+4915100000021',"
    " :status, '2026-11-20 09:00:00')"
)


@pytest.fixture(params=["sqlite", "postgres"])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'migration.db'}"
        return
    require_postgres()
    name = scratch_name("waitlist_migration")
    url = create_scratch_database(name)
    yield url
    drop_scratch_database(name)


def tables(url: str) -> set[str]:
    async def go() -> set[str]:
        engine = create_async_engine(normalise_url(url))
        async with engine.connect() as conn:
            names = await conn.run_sync(lambda c: set(sa.inspect(c).get_table_names()))
        await engine.dispose()
        return names

    return asyncio.run(go())


def insert(url: str, entry_id: str, status: str) -> None:
    async def go() -> None:
        engine = create_async_engine(normalise_url(url))
        try:
            async with engine.begin() as conn:
                await conn.execute(sa.text(INSERT), {"id": entry_id, "status": status})
        finally:
            await engine.dispose()

    asyncio.run(go())


def test_the_table_comes_and_goes_with_its_revision(empty_url: str):
    upgrade(empty_url)
    assert "waitlist_entries" in tables(empty_url)
    insert(empty_url, "a", "offered")
    insert(empty_url, "b", "expired")
    insert(empty_url, "c", "waiting")
    with pytest.raises(IntegrityError):
        insert(empty_url, "d", "waiting")  # the same number, service and window waiting twice
    downgrade(empty_url, "-1")
    assert "waitlist_entries" not in tables(empty_url)
    upgrade(empty_url)
    assert "waitlist_entries" in tables(empty_url)
