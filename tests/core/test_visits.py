"""Visits through the booking engine on both engines: services back to back, a cut inside a colour's
processing gap when the pause policy lets its staff go (else by someone free), all or nothing,
cancelled as a whole (CONTRACT section 10)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from agent_functions.replay.seed import insert_appointment
from booking_core.domain import CustomerInput, SlotRequest
from booking_core.errors import SlotUnavailable
from booking_core.service import BookingService
from booking_core.storage import models as m
from booking_core.tenant_config import TenantConfig
from tests.core.helpers import at

MONDAY_10 = at(2026, 11, 23, 10)


def _parts(visit) -> list[tuple[str, str, object, object]]:
    return [(s.service_id, s.staff_id, s.start, s.end) for s in visit]


async def test_a_cut_fits_into_the_colour_gap_when_the_policy_frees_the_staff(
    svc: BookingService, tenant: TenantConfig
):
    out = await svc.check_visit(tenant, ["colour-free", "cut"], SlotRequest("colour-free", "anna", MONDAY_10))
    assert out.visit is not None
    assert _parts(out.visit) == [
        ("colour-free", "anna", MONDAY_10, at(2026, 11, 23, 11, 30)),
        ("cut", "anna", at(2026, 11, 23, 10, 30), at(2026, 11, 23, 11)),
    ]


async def test_a_blocked_gap_goes_to_someone_free_and_back_to_back_otherwise(svc: BookingService, tenant: TenantConfig):
    out = await svc.check_visit(tenant, ["colour-blocked", "cut"], SlotRequest("colour-blocked", None, MONDAY_10))
    assert out.visit is not None and [(s.staff_id, s.start) for s in out.visit] == [
        ("anna", MONDAY_10),
        ("ben", at(2026, 11, 23, 10, 30)),
    ]  # Anna stays with the colour, Ben cuts meanwhile
    # with Anna named for the visit, the cut waits for her after the colour
    out = await svc.check_visit(tenant, ["colour-blocked", "cut"], SlotRequest("colour-blocked", "anna", MONDAY_10))
    assert out.visit is not None and [(s.staff_id, s.start) for s in out.visit] == [
        ("anna", MONDAY_10),
        ("anna", at(2026, 11, 23, 11, 30)),
    ]
    out = await svc.check_visit(tenant, ["cut", "colour-free"], SlotRequest("cut", "anna", MONDAY_10))
    assert out.visit is not None and [(s.staff_id, s.start) for s in out.visit] == [
        ("anna", MONDAY_10),
        ("anna", at(2026, 11, 23, 10, 30)),
    ]


async def test_a_visit_that_does_not_fit_offers_whole_visits_and_books_all_or_nothing(
    svc: BookingService, tenant: TenantConfig, db
):
    # Anna and Ben are both busy 10:30-11:00: the cut after the colour finds nobody in the gap, and
    # Anna's colour B at 11:00 needs her at 11:00 as well
    for staff in ("anna", "ben"):
        await insert_appointment(
            db,
            svc.clock,
            tenant,
            service_id="cut",
            staff_id=staff,
            start=at(2026, 11, 23, 10, 30),
            customer=CustomerInput("Other", None),
        )
    out = await svc.check_visit(tenant, ["colour-blocked", "cut"], SlotRequest("colour-blocked", None, MONDAY_10))
    assert out.visit is None and out.reason is not None and out.reason.code == "taken" and out.alternatives
    assert all(len(v) == 2 for v in out.alternatives)
    with pytest.raises(SlotUnavailable):
        await svc.book_visit(tenant, ["colour-blocked", "cut"], None, MONDAY_10, CustomerInput("Lena", None), "c1")
    async with db.read() as s:
        assert await s.scalar(select(func.count()).select_from(m.Appointment)) == 2  # only the two others


async def test_book_once_and_cancel_the_whole_visit(svc: BookingService, tenant: TenantConfig, db):
    views, created = await svc.book_visit(
        tenant, ["colour-free", "cut"], "anna", MONDAY_10, CustomerInput("Lena", "+4915100000009"), "c1"
    )
    assert created and len(views) == 2 and views[0].visit_id and views[0].visit_id == views[1].visit_id
    again, created = await svc.book_visit(
        tenant, ["colour-free", "cut"], "anna", MONDAY_10, CustomerInput("Lena", "+4915100000009"), "c1"
    )
    assert not created and {v.id for v in again} == {v.id for v in views}
    done = await svc.cancel_visit(tenant, views[1].reference, call_id="c2", reason=None)
    assert len(done.cancelled) == 2 and not done.refused
    async with db.read() as s:
        statuses = (await s.scalars(select(m.Appointment.status))).all()
    assert sorted(statuses) == ["cancelled", "cancelled"]


async def test_moving_a_part_moves_the_whole_visit_and_its_old_time_never_blocks(
    svc: BookingService, tenant: TenantConfig, db
):
    views, _ = await svc.book_visit(
        tenant, ["colour-free", "cut"], "anna", MONDAY_10, CustomerInput("Lena", None), "c1"
    )
    # half an hour later overlaps the visit's own old time: allowed, both parts move, ids and references kept
    moved, decisions = await svc.move_visit(
        tenant, views[1].reference, at(2026, 11, 23, 10, 30), staff_id=None, call_id="c2", reason=None
    )
    assert [(v.id, v.reference) for v in moved] == [(v.id, v.reference) for v in views]
    assert [(v.service_id, v.staff_id, v.start) for v in moved] == [
        ("colour-free", "anna", at(2026, 11, 23, 10, 30)),
        ("cut", "anna", at(2026, 11, 23, 11)),
    ]
    assert len(decisions) == 2 and all(d.allowed for d in decisions)
    # somewhere taken: nothing moves
    await insert_appointment(
        db,
        svc.clock,
        tenant,
        service_id="cut",
        staff_id="anna",
        start=at(2026, 11, 24, 10),
        customer=CustomerInput("Other", None),
    )
    with pytest.raises(SlotUnavailable):
        await svc.move_visit(tenant, views[0].id, at(2026, 11, 24, 10), staff_id=None, call_id="c3", reason=None)
    again = [await svc.get_appointment(tenant, v.id) for v in views]
    assert [v.start for v in again if v] == [at(2026, 11, 23, 10, 30), at(2026, 11, 23, 11)]
