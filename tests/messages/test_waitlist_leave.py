"""leave_waitlist over real HTTP on both engines (CONTRACT section 10, the way off the list): a caller
who joined takes themselves off by phone, all their entries or the one for a service or day they name;
a retry answers the same and writes nothing; an entry taken off is never offered the freed time; a
number with nothing on the list hears so; a withheld number is asked for the number it joined with."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient
from sqlalchemy import select

from agent_functions.context import AppServices
from booking_core import waitlist
from booking_core.domain import CustomerInput
from booking_core.storage import models as m
from booking_core.tenant_config import TenantConfig
from booking_core.tenant_file import read_tenant_file
from booking_core.tenant_store import save_tenant
from booking_core.waitlist import WaitlistWish
from tests.core.helpers import at
from tests.messages.message_helpers import MOBILE, call, function, seed_appointment

WAITING = "+4915100000031"


async def join(client: TestClient, when: str, call_id: str = "call_wait", **extra: Any) -> dict[str, Any]:
    args = {"service": "Herrenschnitt", "when": when, "customer_name": "Lena Vogel", **extra}
    joined = await function(client, "join_waitlist", args, call(call_id, WAITING))
    assert joined["status"] == "ok" and joined["data"]["waitlist"]["created"], joined
    return joined


async def statuses(services: AppServices, tenant: TenantConfig) -> dict[str | None, str]:
    return {e.when_text: e.status for e in await waitlist.entries(services.db, tenant.id)}


async def test_leaving_for_one_day_keeps_the_other_and_is_never_offered(client, services, clock, tenant):
    appointment = await seed_appointment(
        services.db,
        clock,
        tenant,
        service_id="herrenhaarschnitt",
        staff_id="fabian",
        start=at(2026, 11, 23, 9),
        customer=CustomerInput("Max Muster", MOBILE),
    )
    await join(client, "Montag")
    await join(client, "Dienstag")

    args = {"service": "Herrenhaarschnitt", "when": "am Montag"}
    left = await function(client, "leave_waitlist", args, call("call_leave", WAITING))
    assert left["status"] == "cancelled", left
    assert left["message"] == (
        "Ich habe Sie von der Warteliste genommen: Herrenhaarschnitt am Montag, den 23. November. "
        "Sie bekommen dafür keine Nachricht mehr."
    )
    [entry] = left["data"]["waitlist_entries"]
    assert (entry["status"], entry["service"]["id"], entry["window"]["start"]) == (
        "cancelled",
        "herrenhaarschnitt",
        "2026-11-23T00:00:00+01:00",
    )
    assert left["data"]["request"]["service"]["id"] == "herrenhaarschnitt"
    assert await statuses(services, tenant) == {"Montag": "cancelled", "Dienstag": "waiting"}

    again = await function(client, "leave_waitlist", args, call("call_leave", WAITING))  # Retell retries
    assert again == left
    assert await statuses(services, tenant) == {"Montag": "cancelled", "Dienstag": "waiting"}

    # Monday 9:00 frees up: Lena left Monday, so nobody is offered it.
    cancelled = await function(
        client, "cancel_appointment", {"appointment": appointment.reference, "confirm": True}, call("call_max")
    )
    assert cancelled["status"] == "cancelled", cancelled
    async with services.db.read() as session:
        offers = (
            await session.scalars(select(m.OutboxMessage).where(m.OutboxMessage.topic == "message.waitlist_offer"))
        ).all()
    assert offers == []
    assert await statuses(services, tenant) == {"Montag": "cancelled", "Dienstag": "waiting"}


async def test_leaving_without_saying_what_takes_every_entry_off(client, services, tenant):
    await join(client, "Montag")
    await join(client, "Dienstag vormittag")
    left = await function(client, "leave_waitlist", {}, call("call_leave", WAITING))
    assert left["status"] == "cancelled", left
    assert left["message"].startswith(
        "Ich habe Sie von der Warteliste genommen: Herrenhaarschnitt am Montag, den 23. November und "
        "Herrenhaarschnitt am Dienstag, den 24. November zwischen "
    )
    assert [e["status"] for e in left["data"]["waitlist_entries"]] == ["cancelled", "cancelled"]
    assert set((await statuses(services, tenant)).values()) == {"cancelled"}
    # Asked again in a later call: the same answer, nothing written.
    later = await function(client, "leave_waitlist", {}, call("call_leave_later", WAITING))
    assert later == left


async def test_nothing_to_leave_is_not_found_and_changes_nothing(client, services, tenant):
    await join(client, "Montag")
    stranger = await function(client, "leave_waitlist", {}, call("call_stranger", "+4915100000077"))
    assert stranger["status"] == "not_found", stranger
    assert stranger["message"] == (
        "Unter Ihrer Nummer finde ich dazu keinen Eintrag auf der Warteliste. "
        "Haben Sie vielleicht eine andere Nummer angegeben?"
    )
    assert stranger["data"]["waitlist_entries"] == []
    other_service = await function(client, "leave_waitlist", {"service": "Ansatzfärbung"}, call("call_leave", WAITING))
    assert other_service["status"] == "not_found", other_service
    unknown_service = await function(client, "leave_waitlist", {"service": "Dauerwelle"}, call("call_leave", WAITING))
    assert unknown_service["status"] == "not_found", unknown_service
    assert await statuses(services, tenant) == {"Montag": "waiting"}


async def test_a_withheld_number_is_asked_for_the_number_it_joined_with(client, services, tenant):
    await join(client, "Montag")
    withheld = await function(client, "leave_waitlist", {}, call("call_withheld", None))
    assert withheld["status"] == "needs_clarification", withheld
    assert withheld["data"]["missing"] == ["customer_phone"]
    assert await statuses(services, tenant) == {"Montag": "waiting"}
    given = await function(client, "leave_waitlist", {"customer_phone": "0151 00000031"}, call("call_withheld", None))
    assert given["status"] == "cancelled", given
    assert await statuses(services, tenant) == {"Montag": "cancelled"}
    wrong = await function(client, "leave_waitlist", {"customer_phone": "0151 00000099"}, call("call_withheld", None))
    assert wrong["status"] == "not_found" and "andere Nummer" not in wrong["message"], wrong


async def test_a_day_not_understood_is_asked_back(client, services, tenant):
    await join(client, "Montag")
    unclear = await function(client, "leave_waitlist", {"date": "31.02."}, call("call_leave", WAITING))
    assert unclear["status"] == "needs_clarification" and unclear["data"]["missing"] == ["when"], unclear
    assert await statuses(services, tenant) == {"Montag": "waiting"}


async def test_english_caller_leaves_in_english(client, services, clock):
    physio = read_tenant_file("fixtures/tenants/demo-physio.yaml")
    await save_tenant(services.db, physio, clock.now())
    service = physio.services[0]
    monday, tuesday = at(2026, 11, 23, zone=physio.zone), at(2026, 11, 24, zone=physio.zone)
    wish = WaitlistWish(service.id, None, monday, tuesday, "Jane Doe", "+447911123456", "Monday")
    await waitlist.join(services.db, physio, wish, clock.now())
    english_call = {**call("call_en", "+447911123456"), "to_number": physio.phone_numbers[0]}
    left = await function(client, "leave_waitlist", {"when": "Monday"}, english_call)
    assert left["status"] == "cancelled", left
    assert left["message"] == (
        f"I've taken you off the waiting list: {service.name} on Monday 23 November. "
        "You won't get any more messages about it."
    )
    nothing = await function(client, "leave_waitlist", {"when": "Tuesday"}, english_call)
    assert nothing["status"] == "not_found"
    assert nothing["message"] == (
        "I can't find a matching waiting-list entry under your number. Did you perhaps give us another number?"
    )
