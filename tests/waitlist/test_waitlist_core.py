"""The waitlist through the booking engine on both engines (CONTRACT section 10): joining (once per
caller and window), bad wishes refused with nothing written, and freed time offered inside the change
that frees it: to the oldest fitting entry only, by one `waitlist_offer` SMS, never to an entry whose
service does not fit the freed time, whose staff wish is someone else, or that has expired."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from agent_functions.replay.seed import insert_appointment
from booking_core import waitlist
from booking_core.clock import FrozenClock
from booking_core.domain import AppointmentView, CustomerInput, SlotRequest
from booking_core.errors import NotFound
from booking_core.service import BookingService
from booking_core.storage import models as m
from booking_core.storage.db import Database
from booking_core.tenant_config import TenantConfig
from booking_core.tenant_file import read_tenant_file
from booking_core.tenant_store import save_tenant
from booking_core.vocabulary import WaitlistStatus
from booking_core.waitlist import WaitlistRefused, WaitlistWish
from tests.core.helpers import at

NOW = at(2026, 11, 20, 10, 0)  # a Friday
MONDAY = at(2026, 11, 23)


@pytest.fixture
def salon() -> TenantConfig:
    return read_tenant_file("fixtures/tenants/messages-salon.yaml")


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(NOW)


@pytest.fixture
async def svc(db: Database, salon: TenantConfig, clock: FrozenClock) -> AsyncIterator[BookingService]:
    await save_tenant(db, salon, clock.now())
    yield BookingService(db, clock)


def wish(
    service: str = "herrenhaarschnitt",
    staff: str | None = None,
    start: datetime = MONDAY,
    hours: int = 24,
    phone: str | None = "+4915100000021",
    name: str = "Lena Wolf",
) -> WaitlistWish:
    return WaitlistWish(service, staff, start, start + timedelta(hours=hours), name, phone, "Montag")


async def booked(svc: BookingService, salon: TenantConfig, start: datetime, staff: str = "fabian") -> AppointmentView:
    customer = CustomerInput("Karl Brandt", "+4915100000099")
    return await insert_appointment(
        svc.db, svc.clock, salon, service_id="herrenhaarschnitt", staff_id=staff, start=start, customer=customer
    )


async def offers(db: Database) -> list[m.OutboxMessage]:
    async with db.read() as s:
        q = select(m.OutboxMessage).where(m.OutboxMessage.topic == "message.waitlist_offer")
        return list((await s.scalars(q.order_by(m.OutboxMessage.id))).all())


async def statuses(db: Database, salon: TenantConfig) -> dict[str, str]:
    return {e.customer_name or "": e.status for e in await waitlist.entries(db, salon.id)}


async def test_join_once_per_caller_and_window(svc: BookingService, salon: TenantConfig):
    first, created = await waitlist.join(svc.db, salon, wish(), NOW)
    assert created and first.status == WaitlistStatus.WAITING
    again, created = await waitlist.join(svc.db, salon, wish(), NOW + timedelta(minutes=3))
    assert not created and again.id == first.id
    other_day, created = await waitlist.join(
        svc.db, salon, wish(start=MONDAY + timedelta(days=1)), NOW + timedelta(minutes=5)
    )
    assert created and other_day.id != first.id
    listed = await waitlist.entries(svc.db, salon.id)
    assert [e.id for e in listed] == [first.id, other_day.id]
    assert listed[0].window_start == MONDAY and listed[0].customer_phone == "+4915100000021"


async def test_a_window_under_way_is_joined_once_whenever_asked(svc: BookingService, salon: TenantConfig):
    today = wish(start=at(2026, 11, 20), hours=24)  # "heute", asked at 10:00 and again at 11:30
    first, created = await waitlist.join(svc.db, salon, today, NOW)
    again, created_again = await waitlist.join(svc.db, salon, today, NOW + timedelta(minutes=90))
    assert created and not created_again and again.id == first.id


@pytest.mark.parametrize(
    ("bad", "code"),
    [
        (wish(start=at(2026, 11, 19), hours=24), "window_over"),
        (wish(phone=None), "no_phone"),
        (wish(hours=0), "bad_window"),
    ],
)
async def test_bad_wishes_write_nothing(svc: BookingService, salon: TenantConfig, bad: WaitlistWish, code: str):
    with pytest.raises(WaitlistRefused) as refused:
        await waitlist.join(svc.db, salon, bad, NOW)
    assert refused.value.code == code
    with pytest.raises(NotFound):
        await waitlist.join(svc.db, salon, wish(service="dauerwelle"), NOW)
    with pytest.raises(NotFound):
        await waitlist.join(svc.db, salon, wish(staff="nobody"), NOW)
    assert await waitlist.entries(svc.db, salon.id) == []


async def test_cancel_offers_the_oldest_fitting_entry_once(svc: BookingService, salon: TenantConfig):
    appt = await booked(svc, salon, at(2026, 11, 23, 10))
    # In joining order: a colour (105 min) cannot fit the freed half hour; Mia is not the one freed;
    # a window on Tuesday does not overlap; then two who fit: the older gets the offer.
    await waitlist.join(svc.db, salon, wish(service="ansatzfaerbung", name="Colour"), NOW)
    await waitlist.join(svc.db, salon, wish(staff="mia", name="Mia fan", phone="+4915100000022"), NOW)
    await waitlist.join(svc.db, salon, wish(start=MONDAY + timedelta(days=1), name="Tuesday"), NOW)
    await waitlist.join(svc.db, salon, wish(staff="fabian", name="First", phone="+4915100000023"), NOW)
    await waitlist.join(svc.db, salon, wish(name="Second", phone="+4915100000024"), NOW + timedelta(minutes=1))
    assert await offers(svc.db) == []

    await svc.cancel(salon, appt.id, call_id="call-cancel", reason=None)

    assert await statuses(svc.db, salon) == {
        "Colour": "waiting",
        "Mia fan": "waiting",
        "Tuesday": "waiting",
        "First": "offered",
        "Second": "waiting",
    }
    [sms] = await offers(svc.db)
    assert sms.target == "sms" and sms.payload["to"] == "+4915100000023" and sms.status == "pending"
    text = sms.payload["text"]
    assert len(text) <= 320
    for part in ("Salon Lindenhof", "Mo., 23.11., 10:00 Uhr", "Herrenhaarschnitt", "Fabian", "+49 40 555000200"):
        assert part in text, (part, text)
    [entry] = [e for e in await waitlist.entries(svc.db, salon.id) if e.status == "offered"]
    assert (
        entry.offered_at == NOW and entry.offered_start == at(2026, 11, 23, 10) and entry.offered_staff_id == "fabian"
    )


async def test_a_freed_time_nobody_fits_offers_nothing(svc: BookingService, salon: TenantConfig):
    appt = await booked(svc, salon, at(2026, 11, 23, 10))
    await booked(svc, salon, at(2026, 11, 23, 10, 30))  # Fabian stays busy right after the freed half hour
    await waitlist.join(svc.db, salon, wish(service="ansatzfaerbung", staff="fabian"), NOW)
    await svc.cancel(salon, appt.id, call_id="call-cancel", reason=None)
    assert await statuses(svc.db, salon) == {"Lena Wolf": "waiting"}
    assert await offers(svc.db) == []


async def test_an_expired_entry_is_never_offered(svc: BookingService, salon: TenantConfig, clock: FrozenClock):
    morning = wish(start=at(2026, 11, 23, 9), hours=2, name="Morning")
    await waitlist.join(svc.db, salon, morning, NOW)
    await waitlist.join(svc.db, salon, wish(start=MONDAY, hours=24, name="All day", phone="+4915100000025"), NOW)
    assert await waitlist.expire(svc.db, NOW) == 0
    clock.set(at(2026, 11, 23, 11))
    assert await waitlist.expire(svc.db, clock.now()) == 1
    assert await waitlist.expire(svc.db, clock.now()) == 0  # idempotent
    assert await statuses(svc.db, salon) == {"Morning": "expired", "All day": "waiting"}
    appt = await booked(svc, salon, at(2026, 11, 23, 15))
    await svc.cancel(salon, appt.id, call_id="call-cancel", reason=None)
    assert await statuses(svc.db, salon) == {"Morning": "expired", "All day": "offered"}
    assert len(await offers(svc.db)) == 1


async def test_a_move_offers_the_old_time_not_the_new(svc: BookingService, salon: TenantConfig):
    appt = await booked(svc, salon, at(2026, 11, 23, 10))
    await waitlist.join(svc.db, salon, wish(staff="fabian", start=at(2026, 11, 23, 14), hours=1, name="Afternoon"), NOW)
    await waitlist.join(svc.db, salon, wish(staff="fabian", start=at(2026, 11, 23, 9), hours=2, name="Morning"), NOW)
    await svc.reschedule(
        salon, appt.id, SlotRequest("herrenhaarschnitt", "fabian", at(2026, 11, 23, 14)), call_id="c", reason=None
    )
    # The afternoon caller's hour still has 14:30 free, but only freed time is offered: the 10:00 half hour.
    assert await statuses(svc.db, salon) == {"Afternoon": "waiting", "Morning": "offered"}
    [sms] = await offers(svc.db)
    assert "10:00 Uhr" in sms.payload["text"]


async def test_offer_inside_quiet_hours_waits_for_their_end(
    svc: BookingService, salon: TenantConfig, clock: FrozenClock
):
    appt = await booked(svc, salon, at(2026, 11, 23, 10))
    await waitlist.join(svc.db, salon, wish(), NOW)
    clock.set(at(2026, 11, 20, 21, 30))
    await svc.cancel(salon, appt.id, call_id="call-late", reason=None)
    [sms] = await offers(svc.db)
    assert sms.next_attempt_at == at(2026, 11, 21, 8)


async def test_two_cancels_at_once_offer_each_entry_once(svc: BookingService, salon: TenantConfig):
    first = await booked(svc, salon, at(2026, 11, 23, 10))
    second = await booked(svc, salon, at(2026, 11, 23, 10), staff="mia")
    await waitlist.join(svc.db, salon, wish(name="Only"), NOW)
    import asyncio

    await asyncio.gather(
        svc.cancel(salon, first.id, call_id="a", reason=None), svc.cancel(salon, second.id, call_id="b", reason=None)
    )
    assert await statuses(svc.db, salon) == {"Only": "offered"}
    async with svc.db.read() as s:
        assert (
            await s.scalar(
                select(func.count())
                .select_from(m.OutboxMessage)
                .where(m.OutboxMessage.topic == "message.waitlist_offer")
            )
            == 1
        )


async def test_a_visit_cancelled_as_a_whole_is_one_freed_stretch(svc: BookingService, salon: TenantConfig):
    # Cut 10:00-10:30, then the colour 10:30-12:15 (its processing gap inside): one stretch for Fabian.
    parts, _ = await svc.book_visit(
        salon,
        ["herrenhaarschnitt", "ansatzfaerbung"],
        "fabian",
        at(2026, 11, 23, 10),
        CustomerInput("Karl Brandt", "+4915100000099"),
        "call-visit",
    )
    assert [p.start for p in parts] == [at(2026, 11, 23, 10), at(2026, 11, 23, 10, 30)]
    # The rest of Fabian's Monday is booked, so only the visit's time can serve anyone.
    taken = [at(2026, 11, 23, 8) + timedelta(minutes=30 * k) for k in range(4)]  # 8:00-10:00
    taken += [at(2026, 11, 23, 12, 15) + timedelta(minutes=30 * k) for k in range(13)]  # 12:15-18:45
    for start in taken:
        await booked(svc, salon, start)
    colour = wish(service="ansatzfaerbung", staff="fabian", name="Colour")
    await waitlist.join(svc.db, salon, colour, NOW)
    await waitlist.join(
        svc.db, salon, wish(staff="fabian", name="Cut", phone="+4915100000026"), NOW + timedelta(minutes=1)
    )

    await svc.cancel_visit(salon, parts[0].id, call_id="call-visit-cancel", reason=None)

    # The colour (1 h 45) fits only the whole freed stretch; it is the older entry and gets the one offer.
    assert await statuses(svc.db, salon) == {"Colour": "offered", "Cut": "waiting"}
    [sms] = await offers(svc.db)
    assert "Mo., 23.11., 10:00 Uhr, Ansatzfärbung bei Fabian" in sms.payload["text"]


async def test_staff_cancelling_offers_the_freed_time_too(svc: BookingService, salon: TenantConfig):
    appt = await booked(svc, salon, at(2026, 11, 23, 10))
    await waitlist.join(svc.db, salon, wish(), NOW)
    await svc.transition(salon, appt.id, "confirmed", actor="staff:test")
    assert await offers(svc.db) == []  # confirming frees nothing
    await svc.transition(salon, appt.id, "cancelled", actor="staff:test", reason="krank")
    assert await statuses(svc.db, salon) == {"Lena Wolf": "offered"}
    assert len(await offers(svc.db)) == 1


async def test_a_cancelled_entry_is_never_offered(svc: BookingService, salon: TenantConfig, clock: FrozenClock):
    """Taken off the list (found a time elsewhere): the freed time goes to the next one waiting."""
    gone, _ = await waitlist.join(svc.db, salon, wish(name="Found elsewhere"), NOW)
    await waitlist.join(svc.db, salon, wish(name="Still waiting", phone="+4915100000026"), NOW + timedelta(minutes=1))
    assert (await waitlist.cancel(svc.db, salon.id, gone.id)).status == WaitlistStatus.CANCELLED
    assert (await waitlist.cancel(svc.db, salon.id, gone.id)).status == WaitlistStatus.CANCELLED  # idempotent
    appt = await booked(svc, salon, at(2026, 11, 23, 10))
    await svc.cancel(salon, appt.id, call_id="call-cancel", reason=None)
    assert await statuses(svc.db, salon) == {"Found elsewhere": "cancelled", "Still waiting": "offered"}
    [sms] = await offers(svc.db)
    assert sms.payload["to"] == "+4915100000026"


async def test_cancelling_an_unknown_or_expired_entry_changes_nothing(
    svc: BookingService, salon: TenantConfig, clock: FrozenClock
):
    entry, _ = await waitlist.join(svc.db, salon, wish(start=at(2026, 11, 23, 9), hours=2), NOW)
    with pytest.raises(NotFound):
        await waitlist.cancel(svc.db, salon.id, "no-such-entry")
    with pytest.raises(NotFound):
        await waitlist.cancel(svc.db, "another-tenant", entry.id)
    clock.set(at(2026, 11, 23, 12))
    await waitlist.expire(svc.db, clock.now())
    with pytest.raises(WaitlistRefused):
        await waitlist.cancel(svc.db, salon.id, entry.id)
    assert await statuses(svc.db, salon) == {"Lena Wolf": "expired"}
