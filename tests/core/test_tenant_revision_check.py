"""A server's tenant directory asks for a tenant's revision at most once per interval (issue 20, point 4):
within it a cached config answers without a round trip; a save in this process is seen at once, a
save by another process (here: the row changed behind the directory's back) once the interval ends."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from sqlalchemy import text

from agent_functions.bench.round_trips import COUNTING, RoundTrips
from booking_core.availability import set_calendar_cache_size
from booking_core.storage.db import Database
from booking_core.tenant_store import TenantDirectory, save_tenant
from tests.core.helpers import make_tenant

NOW = datetime(2026, 11, 16, 8, 0, tzinfo=UTC)


async def _renamed_by_another_process(db: Database, tenant_id: str, name: str) -> None:
    """What another process's `tenants load` looks like from here: a new revision and document,
    without this process's save counter moving."""
    document = make_tenant(tenant_id, name=name).model_dump_json(by_alias=True, exclude_none=True)
    async with db.write() as session:
        await session.execute(
            text("UPDATE tenants SET revision = revision + 1, document = :doc WHERE id = :id"),
            {"doc": document, "id": tenant_id},
        )


async def _lookups(db: Database, directory: TenantDirectory, tenant_id: str, times: int) -> list[str]:
    counter = RoundTrips(db)
    token = COUNTING.set(True)
    try:
        for _ in range(times):
            assert await directory.get(tenant_id) is not None
    finally:
        COUNTING.reset(token)
    return counter.take()


async def test_within_the_interval_no_round_trip(db):
    await save_tenant(db, make_tenant("t0"), NOW)
    directory = TenantDirectory(db, check_every_s=60)
    try:
        await directory.get("t0")
        assert await _lookups(db, directory, "t0", 5) == []
        every_time = TenantDirectory(db)  # check_every_s=0: every lookup asks for the revision
        await every_time.get("t0")
        assert "SELECT tenants" in await _lookups(db, every_time, "t0", 1)
    finally:
        set_calendar_cache_size(256)


async def test_another_processes_save_is_seen_after_the_interval(db):
    await save_tenant(db, make_tenant("t0", name="Alt"), NOW)
    directory = TenantDirectory(db, check_every_s=0.2)
    try:
        assert (await directory.get("t0")).name == "Alt"
        await _renamed_by_another_process(db, "t0", "Neu")
        assert (await directory.get("t0")).name == "Alt"  # within the interval: the cached config
        await asyncio.sleep(0.25)
        assert (await directory.get("t0")).name == "Neu"
    finally:
        set_calendar_cache_size(256)


async def test_a_save_in_this_process_is_seen_at_once(db):
    await save_tenant(db, make_tenant("t0", name="Alt"), NOW)
    directory = TenantDirectory(db, check_every_s=60)
    try:
        assert (await directory.resolve(tenant_hint="t0")).name == "Alt"
        await save_tenant(db, make_tenant("t0", name="Neu"), NOW)
        assert (await directory.resolve(tenant_hint="t0")).name == "Neu"
    finally:
        set_calendar_cache_size(256)
