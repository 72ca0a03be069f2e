"""A race on PostgreSQL: callers on their own connections book the same weekly series at once.

Each checks the series (all four Mondays free) and books; exactly one series is written, every other
caller is refused as a whole (no partial series), and no staff-busy segments overlap."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text

from booking_core.clock import FrozenClock
from booking_core.domain import CustomerInput, SlotRequest
from booking_core.errors import SlotUnavailable
from booking_core.series import SeriesRule
from booking_core.service import BookingService
from booking_core.storage.db import Database
from booking_core.tenant_store import save_tenant
from tests.core.helpers import at, make_tenant
from tests.core.test_concurrency import _overlaps

pytestmark = pytest.mark.postgres

CALLERS = 8


async def test_callers_racing_for_one_weekly_slot_get_all_or_nothing(postgres_url):
    tenant = make_tenant()
    clock = FrozenClock(at(2026, 11, 20, 10))
    setup = Database(postgres_url)
    await save_tenant(setup, tenant, clock.now())
    dbs = [Database(postgres_url, pool_size=1) for _ in range(CALLERS)]
    request = SlotRequest("cut", "anna", at(2026, 11, 23, 10))
    try:
        checks = [
            await BookingService(dbs[i], clock).check_series(tenant, request, SeriesRule("weekly"), count=4, until=None)
            for i in range(CALLERS)
        ]
        assert all(len(c.occurrences) == 4 for c in checks)  # everyone was told all four are free

        async def attempt(i: int):
            svc = BookingService(dbs[i], clock)
            try:
                return await svc.book_series(
                    tenant,
                    "cut",
                    "anna",
                    list(checks[i].occurrences),
                    CustomerInput(f"Caller {i}", f"+49151000{i:05d}"),
                    f"call-{i}",
                )
            except SlotUnavailable as exc:
                return exc

        results = await asyncio.gather(*(attempt(i) for i in range(CALLERS)))
        wins = [r for r in results if not isinstance(r, Exception)]
        losses = [r for r in results if isinstance(r, SlotUnavailable)]
        assert len(wins) == 1 and len(losses) == CALLERS - 1
        assert all(r.reason == "taken" for r in losses)
        assert await _overlaps(setup) == 0
        async with setup.read() as s:
            assert await s.scalar(text("SELECT count(*) FROM appointments")) == 4
            assert await s.scalar(text("SELECT count(DISTINCT series_id) FROM appointments")) == 1
    finally:
        for d in dbs:
            await d.dispose()
        await setup.dispose()
