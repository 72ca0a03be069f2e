"""Bounded caches of parsed tenants and their calendars (issue 20): least recently used dropped first,
never all at once; a changed tenant is re-read."""

from __future__ import annotations

from datetime import UTC, datetime

from booking_core import availability
from booking_core.availability import calendar_for, set_calendar_cache_size
from booking_core.tenant_store import TenantDirectory, save_tenant
from tests.core.helpers import make_tenant

NOW = datetime(2026, 11, 16, 8, 0, tzinfo=UTC)


async def test_directory_keeps_the_most_recently_used_tenants(db):
    for i in range(4):
        await save_tenant(db, make_tenant(f"t{i}"), NOW)
    directory = TenantDirectory(db, max_size=2)
    try:
        first = await directory.get("t0")
        await directory.get("t1")
        assert await directory.get("t0") is first  # a hit: t0 is now the most recent
        await directory.get("t2")  # drops t1, the least recently used
        assert directory.cached(tenant_hint="t0") is first
        assert directory.cached(tenant_hint="t1") is None
        assert directory.cached(tenant_hint="t2") is not None
        assert await directory.get("t1") is not None  # read again from the database
        assert directory.cached(tenant_hint="t0") is None
    finally:
        set_calendar_cache_size(256)


async def test_directory_rereads_a_changed_tenant(db):
    await save_tenant(db, make_tenant("t0"), NOW)
    directory = TenantDirectory(db, max_size=1)
    try:
        before = await directory.get("t0")
        await save_tenant(db, make_tenant("t0", name="Neuer Name"), NOW)
        after = await directory.get("t0")
        assert after is not before and after is not None and after.name == "Neuer Name"
    finally:
        set_calendar_cache_size(256)


def test_calendar_cache_drops_least_recently_used_only():
    set_calendar_cache_size(3)
    try:
        configs = [make_tenant(f"c{i}") for i in range(4)]
        cals = [calendar_for(c) for c in configs[:3]]
        assert calendar_for(configs[0]) is cals[0]  # hit: c0 most recent
        calendar_for(configs[3])  # drops c1
        assert len(availability._CACHE) == 3
        assert calendar_for(configs[0]) is cals[0]
        assert calendar_for(configs[2]) is cals[2]
        assert calendar_for(configs[1]) is not cals[1]  # rebuilt
    finally:
        set_calendar_cache_size(256)
