"""A race on PostgreSQL: many bookings for one customer's card at once, each on its own connection, more
bookers than credits. The sale row is locked in each booking's transaction, so exactly `sessions` bookings
use a credit, the rest are told the card is used up, and the balance ends at zero, never below, equal to
the sum of the ledger."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text

from booking_core.clock import FrozenClock
from booking_core.domain import CustomerInput, SlotRequest
from booking_core.packages import balances, ledger_of, sell
from booking_core.service import BookingService
from booking_core.storage.db import Database
from booking_core.tenant_store import save_tenant
from tests.core.helpers import at, make_tenant

pytestmark = pytest.mark.postgres

BOOKERS = 12
SESSIONS = 5
PHONE = "+4915100000017"


async def test_concurrent_bookings_use_exactly_the_cards_credits(postgres_url):
    card = {"id": "fuenferkarte", "name": "Fünferkarte", "service": "cut", "sessions": SESSIONS, "valid_days": 60}
    tenant = make_tenant(packages=[card])
    clock = FrozenClock(at(2026, 11, 20, 10))
    setup = Database(postgres_url)
    await save_tenant(setup, tenant, clock.now())
    sale = await sell(setup, tenant, clock.now(), phone=PHONE, package_id="fuenferkarte", name="Max Muster")
    dbs = [Database(postgres_url, pool_size=1) for _ in range(BOOKERS)]
    # a different time (and staff member) for each booker: the card is all they share
    starts = [(at(2026, 11, 23 + i // 2, 10), "anna" if i % 2 == 0 else "ben") for i in range(BOOKERS)]
    try:

        async def attempt(i: int):
            start, staff = starts[i]
            view, _ = await BookingService(dbs[i], clock).book(
                tenant, SlotRequest("cut", staff, start), CustomerInput("Max Muster", PHONE), f"call-{i}"
            )
            return view

        views = await asyncio.gather(*(attempt(i) for i in range(BOOKERS)))
        outcomes = sorted(v.package.outcome for v in views if v.package is not None)
        assert outcomes == ["used"] * SESSIONS + ["used_up"] * (BOOKERS - SESSIONS)
        assert sorted(v.package.remaining for v in views if v.package and v.package.outcome == "used") == list(
            range(SESSIONS)
        )  # each use saw the one before it: 4, 3, 2, 1, 0 left
        [after] = await balances(setup, tenant, PHONE)
        assert after.remaining == 0
        ledger = await ledger_of(setup, tenant.id, sale.id)
        assert [k for k, _, _ in ledger] == ["purchase"] + ["use"] * SESSIONS
        assert sum(c for _, c, _ in ledger) == 0 and min(b for _, _, b in ledger) == 0
        async with setup.read() as s:
            assert await s.scalar(text("SELECT count(*) FROM appointments WHERE status = 'scheduled'")) == BOOKERS
    finally:
        for d in dbs:
            await d.dispose()
        await setup.dispose()
