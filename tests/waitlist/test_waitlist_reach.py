"""Waitlist offers only entries a message reaches, on both engines (CONTRACT sections 9 and 10): an entry is
offered freed time only through a channel that can tell its caller (SMS to a mobile number when the
tenant sends SMS; email when the tenant sends email and the entry's customer has an address). An entry
no channel reaches stays waiting and the next reachable one gets the offer; a tenant that sends no
messages at all does not even read the waitlist when time frees up."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

from agent_functions.replay.seed import insert_appointment
from booking_core import waitlist
from booking_core.clock import FrozenClock
from booking_core.domain import AppointmentView, CustomerInput
from booking_core.service import BookingService
from booking_core.storage.db import Database
from booking_core.tenant_config import TenantConfig
from booking_core.tenant_file import read_tenant_file
from booking_core.tenant_store import save_tenant
from booking_core.vocabulary import WaitlistStatus
from booking_core.waitlist import WaitlistWish
from tests.core.helpers import at
from tests.waitlist.test_waitlist_core import offers, statuses

NOW = at(2026, 11, 20, 10, 0)  # a Friday
MONDAY = at(2026, 11, 23)
FREED = at(2026, 11, 23, 10)  # Karl's half hour with Fabian, cancelled in each test
LANDLINE = "+493055500017"  # a Berlin fixed line: no SMS


def salon_with(sms: bool, email: bool) -> TenantConfig:
    salon = read_tenant_file("fixtures/tenants/messages-salon.yaml")
    assert salon.notifications is not None
    notes = salon.notifications.model_copy(update={"sms": sms, "email": email})
    return salon.model_copy(update={"notifications": notes})


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(NOW)


@pytest.fixture
async def svc(db: Database, clock: FrozenClock) -> AsyncIterator[BookingService]:
    await save_tenant(db, salon_with(True, True), clock.now())
    yield BookingService(db, clock)


async def booked(
    svc: BookingService, salon: TenantConfig, customer: CustomerInput, start: datetime = FREED
) -> AppointmentView:
    return await insert_appointment(
        svc.db, svc.clock, salon, service_id="herrenhaarschnitt", staff_id="fabian", start=start, customer=customer
    )


async def known(svc: BookingService, salon: TenantConfig, customer: CustomerInput, hour: int) -> None:
    """A customer record for `customer` (a booking of theirs last week, at `hour`, long over)."""
    await booked(svc, salon, customer, at(2026, 11, 13, hour))


async def join(svc: BookingService, salon: TenantConfig, name: str, phone: str, minute: int) -> None:
    wish = WaitlistWish("herrenhaarschnitt", None, MONDAY, MONDAY + timedelta(days=1), name, phone, "Montag")
    await waitlist.join(svc.db, salon, wish, NOW + timedelta(minutes=minute))


async def test_sms_turned_off_offers_by_email_to_the_first_entry_with_an_address(svc: BookingService):
    """Both joined while the salon sent SMS; then it turned SMS off. Lena's customer record has no
    address, Uwe's has one: the freed time goes to Uwe by email, Lena keeps waiting."""
    salon = salon_with(True, True)
    await known(svc, salon, CustomerInput("Lena Wolf", "+4915100000041"), 9)  # no address
    await known(svc, salon, CustomerInput("Uwe Stein", "+4915100000042", "uwe@example.org"), 10)
    await join(svc, salon, "Lena Wolf", "+4915100000041", 0)
    await join(svc, salon, "Uwe Stein", "+4915100000042", 1)
    email_only = salon_with(False, True)
    await save_tenant(svc.db, email_only, NOW)
    karl = await booked(svc, email_only, CustomerInput("Karl Brandt", "+4915100000099"))
    await svc.cancel(email_only, karl.id, call_id="call-cancel", reason=None)

    assert await statuses(svc.db, salon) == {"Lena Wolf": "waiting", "Uwe Stein": "offered"}
    [mail] = await offers(svc.db)
    assert mail.target == "email" and mail.payload["to"] == "uwe@example.org"
    assert "Ein Termin ist frei geworden: Mo., 23.11., 10:00 Uhr" in mail.payload["subject"]
    for part in ("Salon Lindenhof", "Herrenhaarschnitt bei Fabian", "+49 40 555000200", "Wer zuerst anruft"):
        assert part in mail.payload["text"], (part, mail.payload["text"])


async def test_an_entry_no_sms_reaches_is_skipped_for_the_next_mobile_one(svc: BookingService):
    """A landline on the list (entered by staff) with no address: never marked offered."""
    salon = salon_with(True, True)
    await join(svc, salon, "Landline", LANDLINE, 0)
    await join(svc, salon, "Mobile", "+4915100000043", 1)
    karl = await booked(svc, salon, CustomerInput("Karl Brandt", "+4915100000099"))
    await svc.cancel(salon, karl.id, call_id="call-cancel", reason=None)
    assert await statuses(svc.db, salon) == {"Landline": "waiting", "Mobile": "offered"}
    [sms] = await offers(svc.db)
    assert sms.target == "sms" and sms.payload["to"] == "+4915100000043"


async def test_a_reachable_entry_gets_the_offer_on_every_channel(svc: BookingService):
    salon = salon_with(True, True)
    await known(svc, salon, CustomerInput("Uwe Stein", "+4915100000042", "uwe@example.org"), 10)
    await join(svc, salon, "Uwe Stein", "+4915100000042", 0)
    karl = await booked(svc, salon, CustomerInput("Karl Brandt", "+4915100000099"))
    await svc.cancel(salon, karl.id, call_id="call-cancel", reason=None)
    sent = await offers(svc.db)
    assert sorted((o.target, o.payload["to"]) for o in sent) == [
        ("email", "uwe@example.org"),
        ("sms", "+4915100000042"),
    ]
    [entry] = await waitlist.entries(svc.db, salon.id)
    assert entry.status == WaitlistStatus.OFFERED


async def test_nobody_reachable_offers_nothing_and_keeps_everyone_waiting(svc: BookingService):
    """SMS off and no addresses known: the time is left for whoever calls, no entry is used up."""
    salon = salon_with(True, True)
    await join(svc, salon, "Lena Wolf", "+4915100000041", 0)
    await join(svc, salon, "Uwe Stein", "+4915100000042", 1)
    email_only = salon_with(False, True)
    await save_tenant(svc.db, email_only, NOW)
    karl = await booked(svc, email_only, CustomerInput("Karl Brandt", "+4915100000099"))
    await svc.cancel(email_only, karl.id, call_id="call-cancel", reason=None)
    assert await statuses(svc.db, salon) == {"Lena Wolf": "waiting", "Uwe Stein": "waiting"}
    assert await offers(svc.db) == []


@pytest.fixture
def statements() -> Iterator[list[str]]:
    """Every SQL statement any engine runs while the test does."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement)

    event.listen(Engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(Engine, "before_cursor_execute", record)


async def test_a_tenant_that_sends_no_messages_does_not_read_the_waitlist(svc: BookingService, statements: list[str]):
    salon = salon_with(True, True)
    await join(svc, salon, "Lena Wolf", "+4915100000041", 0)
    silent = salon_with(False, False)
    await save_tenant(svc.db, silent, NOW)
    karl = await booked(svc, silent, CustomerInput("Karl Brandt", "+4915100000099"))
    statements.clear()
    await svc.cancel(silent, karl.id, call_id="call-cancel", reason=None)
    assert statements, "the cancel ran no SQL at all?"
    assert not [s for s in statements if "waitlist_entries" in s]
    assert await statuses(svc.db, salon) == {"Lena Wolf": "waiting"}
    assert await offers(svc.db) == []
