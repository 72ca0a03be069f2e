"""The booking write path with fewer round trips (issue 20, point 4) keeps its rules, on SQLite and
PostgreSQL: a booking or move consumes the call's hold and a refused one keeps it, a retry writes
nothing and keeps the hold, a reference already taken is never given twice."""

from __future__ import annotations

import random
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

import booking_core.references
from booking_core.domain import CustomerInput, SlotRequest
from booking_core.errors import SlotUnavailable
from booking_core.storage import models as m
from tests.core.helpers import at

PHONE = "+4915100000042"
LENA = CustomerInput("Lena Vogel", PHONE)


def cut_at(hour: int, staff: str | None = None, day: int = 23) -> SlotRequest:
    return SlotRequest("cut", staff, at(2026, 11, day, hour, 0))


async def holds_of(db, call_id: str) -> int:
    async with db.read() as s:
        return await s.scalar(select(func.count()).select_from(m.Hold).where(m.Hold.call_id == call_id))


async def test_a_booking_consumes_the_hold_and_gets_the_held_person(svc, tenant, db):
    held = await svc.check(tenant, cut_at(10), "call-h1")
    assert held.available and await holds_of(db, "call-h1") == 1
    booked, created = await svc.book(tenant, cut_at(10), LENA, "call-h1")
    assert created and booked.staff_id == held.slot.staff_id
    assert await holds_of(db, "call-h1") == 0


async def test_a_refused_booking_keeps_the_hold(svc, tenant, db):
    await svc.book(tenant, cut_at(16), CustomerInput("Max Vogel", PHONE), "call-other")
    await svc.book(tenant, cut_at(16), CustomerInput("Paul Vogel", PHONE), "call-other")  # both stylists at 16
    assert (await svc.check(tenant, cut_at(10), "call-h2")).available
    with pytest.raises(SlotUnavailable):  # taken: refused, nothing written
        await svc.book(tenant, cut_at(16), LENA, "call-h2")
    assert await holds_of(db, "call-h2") == 1


async def test_a_retry_answers_the_first_booking_and_keeps_a_newer_hold(svc, tenant, db):
    first, _ = await svc.book(tenant, cut_at(11), LENA, "call-h3")
    assert (await svc.check(tenant, cut_at(15), "call-h3")).available  # the call holds another time now
    again, created = await svc.book(tenant, cut_at(11), LENA, "call-h3")
    assert again.id == first.id and again.reference == first.reference and not created
    assert await holds_of(db, "call-h3") == 1
    async with db.read() as s:
        assert await s.scalar(select(func.count()).select_from(m.Appointment)) == 1


async def test_a_move_consumes_the_hold(svc, tenant, db):
    booked, _ = await svc.book(tenant, cut_at(11), LENA, "call-h4")
    assert (await svc.check(tenant, cut_at(14), "call-h4")).available
    moved, _ = await svc.reschedule(tenant, booked.id, cut_at(14), call_id="call-h4", reason=None)
    assert moved.start == cut_at(14).start and moved.reference == booked.reference
    assert await holds_of(db, "call-h4") == 0


async def test_a_taken_reference_is_never_given_twice(svc, tenant, db, monkeypatch):
    # the code generator as a seeded source that repeats the first booking's code once
    seeded = random.Random(5)
    first_codes = [seeded.choice(booking_core.references.REFERENCE_ALPHABET) for _ in range(4)]
    queue = list(first_codes) + list(first_codes)
    monkeypatch.setattr(
        booking_core.references,
        "secrets",
        SimpleNamespace(choice=lambda alphabet: queue.pop(0) if queue else seeded.choice(alphabet)),
    )
    first, _ = await svc.book(tenant, cut_at(9), LENA, "call-r1")
    second, _ = await svc.book(tenant, cut_at(12), CustomerInput("Max Vogel", PHONE), "call-r2")
    assert first.reference == "".join(first_codes)
    assert second.reference != first.reference and len(second.reference) == 4
    async with db.read() as s:
        refs = (await s.scalars(select(m.Appointment.reference))).all()
    assert sorted(refs) == sorted([first.reference, second.reference])
