"""The waitlist end to end on both engines (CONTRACT section 10): a caller joins over real HTTP,
another caller's cancellation over real HTTP frees a fitting time, the worker sends the one offer
to the fake Twilio (or, with SMS turned off, by email to the local SMTP server); the worker's minute
tick expires entries whose window has ended; the CLI lists them (CLI and GET /admin/waitlist)."""

from __future__ import annotations

import json

from sqlalchemy import select

from booking_core import waitlist
from booking_core.domain import CustomerInput
from booking_core.storage import models as m
from booking_core.waitlist import WaitlistWish
from tests.core.helpers import at
from tests.messages.message_helpers import (
    ADMIN,
    MOBILE,
    NOW,
    call,
    drain,
    function,
    seed_appointment,
    seeded,
    slotline,
    worker,
)

WAITING = "+4915100000031"


async def test_a_cancellation_sends_the_waiting_caller_one_offer(client, services, clock, tenant, env, twilio):
    appointment = await seed_appointment(
        services.db,
        clock,
        tenant,
        service_id="herrenhaarschnitt",
        staff_id="fabian",
        start=at(2026, 11, 23, 9),
        customer=CustomerInput("Max Muster", MOBILE),
    )
    joined = await function(
        client,
        "join_waitlist",
        {"service": "Herrenschnitt", "when": "Montag vormittag", "staff": "Fabi", "customer_name": "Lena Vogel"},
        call("call_wait", WAITING),
    )
    assert joined["status"] == "ok", joined
    assert joined["data"]["waitlist"]["staff"]["id"] == "fabian"
    assert "Warteliste" in joined["message"] and "SMS" in joined["message"]

    cancelled = await function(
        client, "cancel_appointment", {"appointment": appointment.reference, "confirm": True}, call("call_max")
    )
    assert cancelled["status"] == "cancelled", cancelled
    report = await drain(services.db, clock, env)
    assert report.dead == 0
    offers = [sms for sms in twilio.delivered if sms.to == WAITING]
    assert len(offers) == 1
    assert offers[0].body == (
        "Salon Lindenhof: Ein Termin ist frei geworden: Mo., 23.11., 09:00 Uhr, Herrenhaarschnitt bei Fabian. "
        "Wer zuerst anruft, bekommt ihn. Jetzt buchen: +49 40 555000200"
    )
    [entry] = await waitlist.entries(services.db, tenant.id)
    assert entry.status == "offered" and entry.offered_start == at(2026, 11, 23, 9)
    listed = await client.get("/admin/waitlist?tenant=messages-salon&status=offered", headers=ADMIN)
    assert listed.status == 200
    [shown] = (await listed.json())["waitlist"]
    assert (shown["id"], shown["offered_start"], shown["customer_name"]) == (
        entry.id,
        "2026-11-23T09:00:00+01:00",
        "Lena Vogel",
    )
    assert (await client.get("/admin/waitlist?tenant=messages-salon&status=gone", headers=ADMIN)).status == 400
    assert (await client.get("/admin/waitlist?tenant=messages-salon")).status == 401
    # A second drain sends nothing again (one offer, delivered once).
    await drain(services.db, clock, env)
    assert len([sms for sms in twilio.delivered if sms.to == WAITING]) == 1


async def test_the_worker_tick_expires_ended_windows_once(services, clock, tenant, env):
    afternoon = WaitlistWish(
        "herrenhaarschnitt", None, at(2026, 11, 23, 14), at(2026, 11, 23, 18), "Uwe Stein", WAITING, "Montag nachmittag"
    )
    later = WaitlistWish(
        "herrenhaarschnitt", None, at(2026, 11, 24), at(2026, 11, 25), "Uwe Stein", WAITING, "Dienstag"
    )
    await waitlist.join(services.db, tenant, afternoon, clock.now())
    await waitlist.join(services.db, tenant, later, clock.now())
    w = worker(services.db, clock, env)
    try:
        assert await w.expire_waitlist() == 0
        clock.set(at(2026, 11, 23, 18))
        assert await w.expire_waitlist() == 1
        assert await w.expire_waitlist() == 0
    finally:
        await w.aclose()
    statuses = {e.when_text: e.status for e in await waitlist.entries(services.db, tenant.id)}
    assert statuses == {"Montag nachmittag": "expired", "Dienstag": "waiting"}
    async with services.db.read() as session:  # expiring tells nobody anything
        assert (await session.scalars(select(m.OutboxMessage))).all() == []


def test_cli_lists_the_waitlist(sqlite_url):
    async def write(db, tenant, booking):  # type: ignore[no-untyped-def]
        wish = WaitlistWish("herrenhaarschnitt", "mia", at(2026, 11, 23), at(2026, 11, 24), "Uwe Stein", WAITING)
        entry, _ = await waitlist.join(db, tenant, wish, NOW)
        return entry.id

    entry_id = seeded(sqlite_url, write)
    listed = slotline(sqlite_url, "waitlist", "list", "--tenant", "messages-salon", "--json")
    assert listed.returncode == 0, listed.stderr
    [row] = json.loads(listed.stdout)["waitlist"]
    assert (row["id"], row["status"], row["staff_id"], row["window_start"]) == (
        entry_id,
        "waiting",
        "mia",
        "2026-11-23T00:00:00+01:00",
    )
    table = slotline(sqlite_url, "waitlist", "list", "--tenant", "messages-salon")
    assert "1 waitlist entry" in table.stdout and "Uwe Stein" in table.stdout and "2026-11-23 00:00" in table.stdout
    none_offered = slotline(sqlite_url, "waitlist", "list", "--tenant", "messages-salon", "--status", "offered")
    assert "0 waitlist entries, offered" in none_offered.stdout
    assert slotline(sqlite_url, "waitlist", "list", "--tenant", "nope").returncode == 1
    unknown = slotline(sqlite_url, "waitlist", "cancel", "--tenant", "messages-salon", "no-such-entry")
    assert unknown.returncode == 1 and "no waitlist entry no-such-entry" in unknown.stderr
    cancelled = slotline(sqlite_url, "waitlist", "cancel", "--tenant", "messages-salon", entry_id)
    assert cancelled.returncode == 0 and f"{entry_id}  cancelled" in cancelled.stdout, cancelled.stderr
    after = slotline(sqlite_url, "waitlist", "list", "--tenant", "messages-salon", "--status", "cancelled", "--json")
    assert [r["id"] for r in json.loads(after.stdout)["waitlist"]] == [entry_id]


async def test_with_sms_turned_off_the_offer_is_emailed_to_a_customer_with_an_address(
    services, clock, tenant, env, smtp
):
    """The salon turned SMS off while Lena waited; she once booked with her address, so the worker
    emails her the offer (and nothing goes by SMS)."""
    await seed_appointment(
        services.db,
        clock,
        tenant,
        service_id="herrenhaarschnitt",
        staff_id="mia",
        start=at(2026, 11, 13, 9),
        customer=CustomerInput("Lena Vogel", WAITING, "lena.vogel@example.org"),
    )
    monday = WaitlistWish("herrenhaarschnitt", None, at(2026, 11, 23), at(2026, 11, 24), "Lena Vogel", WAITING)
    await waitlist.join(services.db, tenant, monday, clock.now())
    assert tenant.notifications is not None
    email_only = tenant.model_copy(update={"notifications": tenant.notifications.model_copy(update={"sms": False})})
    freed = await seed_appointment(
        services.db,
        clock,
        email_only,
        service_id="herrenhaarschnitt",
        staff_id="fabian",
        start=at(2026, 11, 23, 9),
        customer=CustomerInput("Max Muster", MOBILE),
    )
    await services.booking.cancel(email_only, freed.id, call_id="call_max", reason=None)
    report = await drain(services.db, clock, env)
    assert report.dead == 0
    [mail] = [m for m in smtp.mails if m["To"] == "lena.vogel@example.org"]
    assert mail["Subject"] == "Ein Termin ist frei geworden: Mo., 23.11., 09:00 Uhr – Herrenhaarschnitt"
    text = mail.get_body(preferencelist=("plain",)).get_content()
    assert "Herrenhaarschnitt bei Fabian" in text and "Jetzt buchen: +49 40 555000200." in text
    [entry] = await waitlist.entries(services.db, tenant.id)
    assert entry.status == "offered" and entry.offered_start == at(2026, 11, 23, 9)
