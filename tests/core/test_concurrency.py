"""Races on PostgreSQL: many connections booking or holding one slot at once."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text

from agent_functions.replay.seed import insert_appointment
from booking_core.clock import FrozenClock
from booking_core.domain import CustomerInput, SlotRequest
from booking_core.errors import SlotUnavailable
from booking_core.service import BookingService
from booking_core.storage import models as m
from booking_core.storage.db import Database
from booking_core.tenant_store import save_tenant
from tests.core.helpers import at, make_tenant

pytestmark = pytest.mark.postgres


async def _overlaps(db: Database) -> int:
    async with db.read() as s:
        return await s.scalar(
            text(
                "SELECT count(*) FROM appointment_segments a JOIN appointment_segments b "
                "ON a.tenant_id = b.tenant_id AND a.staff_id = b.staff_id AND a.id < b.id "
                "AND a.live AND b.live AND a.staff_busy AND b.staff_busy "
                "AND tstzrange(a.start, a.busy_until) && tstzrange(b.start, b.busy_until)"
            )
        )


async def test_50_concurrent_bookings_one_wins(postgres_url):
    tenant = make_tenant()
    clock = FrozenClock(at(2026, 11, 20, 10))
    setup = Database(postgres_url)
    await save_tenant(setup, tenant, clock.now())
    dbs = [Database(postgres_url, pool_size=1) for _ in range(50)]  # a connection each
    try:

        async def attempt(i: int):
            svc = BookingService(dbs[i], clock)
            service = "colour-free" if i % 2 else "cut"  # overlapping, not identical, requests too
            try:
                return await svc.book(
                    tenant,
                    SlotRequest(service, "anna", at(2026, 11, 23, 10, 0)),
                    CustomerInput(f"Caller {i}", f"+49151000{i:05d}"),
                    f"call-{i}",
                )
            except SlotUnavailable as exc:
                return exc

        results = await asyncio.gather(*(attempt(i) for i in range(50)))
        wins = [r for r in results if not isinstance(r, Exception)]
        losses = [r for r in results if isinstance(r, SlotUnavailable)]
        assert len(wins) == 1 and len(losses) == 49
        assert all(r.reason == "taken" for r in losses)
        assert await _overlaps(setup) == 0
        async with setup.read() as s:
            assert await s.scalar(text("SELECT count(*) FROM appointments")) == 1
    finally:
        for d in dbs:
            await d.dispose()
        await setup.dispose()


async def test_concurrent_holds_one_wins(postgres_url):
    tenant = make_tenant()
    clock = FrozenClock(at(2026, 11, 20, 10))
    setup = Database(postgres_url)
    await save_tenant(setup, tenant, clock.now())
    dbs = [Database(postgres_url, pool_size=1) for _ in range(20)]
    try:
        outcomes = await asyncio.gather(
            *(
                BookingService(dbs[i], clock).check(
                    tenant, SlotRequest("cut", "anna", at(2026, 11, 23, 10, 0)), f"call-{i}"
                )
                for i in range(20)
            )
        )
        assert sum(o.available for o in outcomes) == 1
        assert all(o.reason == "taken" for o in outcomes if not o.available)
    finally:
        for d in dbs:
            await d.dispose()
        await setup.dispose()


async def test_exclusion_constraint_is_the_last_guard(postgres_url):
    """Even a writer that skipped the re-check cannot store overlapping staff-busy rows."""
    tenant = make_tenant()
    clock = FrozenClock(at(2026, 11, 20, 10))
    db = Database(postgres_url)
    try:
        await save_tenant(db, tenant, clock.now())
        v = await insert_appointment(
            db,
            clock,
            tenant,
            service_id="cut",
            staff_id="anna",
            start=at(2026, 11, 23, 10, 0),
            customer=CustomerInput("A", None),
        )
        from sqlalchemy.exc import IntegrityError

        with pytest.raises(IntegrityError):
            async with db.write() as s:
                s.add(
                    m.AppointmentSegment(
                        appointment_id=v.id,
                        tenant_id=tenant.id,
                        staff_id="anna",
                        key="x",
                        name="x",
                        position=9,
                        start=at(2026, 11, 23, 10, 15),
                        end=at(2026, 11, 23, 10, 45),
                        busy_until=at(2026, 11, 23, 10, 45),
                        staff_busy=True,
                        live=True,
                    )
                )
    finally:
        await db.dispose()


async def test_concurrent_same_call_retries_write_once(db):
    tenant = make_tenant()
    clock = FrozenClock(at(2026, 11, 20, 10))
    await save_tenant(db, tenant, clock.now())
    svc = BookingService(db, clock)
    results = await asyncio.gather(
        *(
            svc.book(
                tenant,
                SlotRequest("cut", None, at(2026, 11, 23, 10, 0)),
                CustomerInput("Lena", "+4915100000017"),
                "call-1",
            )
            for _ in range(5)
        )
    )
    assert len({v.id for v, _ in results}) == 1
    assert sum(created for _, created in results) == 1
