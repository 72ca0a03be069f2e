"""Series through the booking engine on both engines: every occurrence checked at once (holidays,
closures and absences as conflicts with alternatives), booked all or nothing with one series_id,
cancelled from an occurrence on with the cancel policy applied to each (CONTRACT section 10)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from agent_functions.replay.seed import insert_appointment
from booking_core.clock import FrozenClock
from booking_core.domain import CustomerInput, SlotRequest
from booking_core.errors import SlotUnavailable
from booking_core.series import SeriesRule, SeriesTooLong
from booking_core.series_search import NO_SUCH_DAY
from booking_core.service import BookingService
from booking_core.storage import models as m
from booking_core.tenant_config import TenantConfig
from tests.core.helpers import at

WEEKLY = SeriesRule("weekly", 1)


async def _count(svc: BookingService, **where: object) -> int:
    async with svc.db.read() as s:
        q = select(func.count()).select_from(m.Appointment)
        for key, value in where.items():
            q = q.where(getattr(m.Appointment, key) == value)
        return int(await s.scalar(q) or 0)


async def test_check_names_the_closure_and_the_absence_with_alternatives(svc: BookingService, tenant: TenantConfig):
    # Thursdays at 10 with Anna: 24 December is the Christmas closure
    out = await svc.check_series(tenant, SlotRequest("cut", "anna", at(2026, 12, 3, 10)), WEEKLY, count=4, until=None)
    assert [s.start for s in out.occurrences] == [at(2026, 12, 3, 10), at(2026, 12, 10, 10), at(2026, 12, 17, 10)]
    assert {s.staff_id for s in out.occurrences} == {"anna"} and out.planned == 4
    [closed] = out.conflicts
    assert (closed.day, closed.reason) == (date(2026, 12, 24), "closed")
    assert closed.alternatives and all(a.start.date() != date(2026, 12, 24) for a in closed.alternatives)
    # Tuesdays at 10 with Cara (colour): she is away 30 Nov - 2 Dec
    out = await svc.check_series(
        tenant, SlotRequest("colour-free", "cara", at(2026, 11, 24, 10)), WEEKLY, count=3, until=None
    )
    assert [s.start for s in out.occurrences] == [at(2026, 11, 24, 10), at(2026, 12, 8, 10)]
    [absent] = out.conflicts
    assert (absent.day, absent.reason) == (date(2026, 12, 1), "staff_off")
    assert absent.alternatives[0].start.date() == date(2026, 12, 1)  # Anna that day, nearest the wished time
    assert absent.alternatives[0].staff_id == "anna"


async def test_same_staff_preferred_when_none_named(svc: BookingService, tenant: TenantConfig, db):
    # Anna is booked on the first Monday at 11: the series goes to Ben on every date, not Anna-then-Ben
    await insert_appointment(
        db,
        svc.clock,
        tenant,
        service_id="cut",
        staff_id="anna",
        start=at(2026, 11, 23, 11),
        customer=CustomerInput("Other", "+4915100000001"),
    )
    out = await svc.check_series(tenant, SlotRequest("cut", None, at(2026, 11, 23, 11)), WEEKLY, count=3, until=None)
    assert [s.staff_id for s in out.occurrences] == ["ben", "ben", "ben"] and out.staff_id == "ben"


async def test_monthly_on_the_first_monday_when_said_so(svc: BookingService, tenant: TenantConfig):
    rule = SeriesRule("monthly", 1, weekday=0, nth=1)
    out = await svc.check_series(tenant, SlotRequest("cut", "anna", at(2026, 11, 24, 10)), rule, count=3, until=None)
    assert [s.start for s in out.occurrences] == [at(2026, 12, 7, 10), at(2027, 1, 4, 10), at(2027, 2, 1, 10)]
    assert not out.conflicts


async def test_a_missing_monthly_day_is_a_conflict_and_too_many_is_refused(svc: BookingService, tenant: TenantConfig):
    out = await svc.check_series(
        tenant, SlotRequest("cut", "anna", at(2026, 12, 31, 10)), SeriesRule("monthly", 1), count=3, until=None
    )
    assert [c.reason for c in out.conflicts if c.day is None] == [NO_SUCH_DAY]  # no 31 February
    with pytest.raises(SeriesTooLong):
        await svc.check_series(tenant, SlotRequest("cut", "anna", at(2026, 11, 23, 10)), WEEKLY, count=27, until=None)


async def test_book_series_all_or_nothing_and_a_retry_writes_once(svc: BookingService, tenant: TenantConfig, db):
    req = SlotRequest("cut", "anna", at(2026, 11, 23, 10))
    out = await svc.check_series(tenant, req, WEEKLY, count=4, until=None)
    # someone takes the third Monday between the check and the booking: nothing of the series is written
    await insert_appointment(
        db,
        svc.clock,
        tenant,
        service_id="cut",
        staff_id="anna",
        start=at(2026, 12, 7, 10),
        customer=CustomerInput("Quick", "+4915100000002"),
    )
    with pytest.raises(SlotUnavailable) as refused:
        await svc.book_series(
            tenant, "cut", "anna", list(out.occurrences), CustomerInput("Lena", "+4915100000003"), "c1"
        )
    assert refused.value.reason == "taken"
    assert await _count(svc) == 1
    out = await svc.check_series(tenant, req, WEEKLY, count=4, until=None)
    assert len(out.occurrences) == 3
    views, created = await svc.book_series(
        tenant, "cut", "anna", list(out.occurrences), CustomerInput("Lena", "+4915100000003"), "c1"
    )
    assert created and len(views) == 3 and len({v.series_id for v in views}) == 1 and views[0].series_id
    assert len({v.reference for v in views}) == 3
    again, created = await svc.book_series(
        tenant, "cut", "anna", list(out.occurrences), CustomerInput("Lena", "+4915100000003"), "c1"
    )
    assert not created and [v.id for v in again] == [v.id for v in views]
    assert await _count(svc, series_id=views[0].series_id) == 3


async def test_cancel_the_rest_applies_the_policy_to_each(db, tenant: TenantConfig):
    clock = FrozenClock(at(2026, 11, 20, 10))
    svc = BookingService(db, clock)
    from booking_core.tenant_store import save_tenant

    await save_tenant(db, tenant, clock.now())
    out = await svc.check_series(tenant, SlotRequest("cut", "anna", at(2026, 11, 23, 10)), WEEKLY, count=3, until=None)
    views, _ = await svc.book_series(tenant, "cut", "anna", list(out.occurrences), CustomerInput("Lena", None), "c1")
    clock.set(at(2026, 11, 21, 12))  # 46 hours before the first: inside the 48-hour free window, fee 10
    done = await svc.cancel_series(tenant, views[0].reference, call_id="c2", reason=None)
    # the tenant allows two cancellations a month: the third occurrence is refused and stays booked
    assert [(v.start, d.fee) for v, d in done.cancelled] == [
        (at(2026, 11, 23, 10), Decimal("10.00")),
        (at(2026, 11, 30, 10), Decimal("0")),
    ]
    assert [(v.start, d.rule) for v, d in done.refused] == [(at(2026, 12, 7, 10), "cancel.max_per_month")]
    assert await _count(svc, status="cancelled") == 2
