"""Messages the worker sends late (edge20): after an outage of the provider or of the worker itself,
a reminder whose appointment has begun is not sent, and nothing timed (reminders, waitlist offers) goes
out inside the quiet hours, however late it is; it waits for their end. Both engines, over HTTP, with
the fake Twilio and a real SMTP server."""

from __future__ import annotations

from datetime import datetime

from tests.messages.message_helpers import call, drain, function, message_rows

BOOK = {
    "service": "Ansatz färben",
    "date": "Montag",
    "time": "9 Uhr",
    "staff": "Fabian",
    "customer_name": "Lena Vogel",
    "customer_email": "lena.vogel@example.org",
}
at = datetime.fromisoformat


async def book(client) -> dict:  # type: ignore[no-untyped-def]
    answer = await function(client, "book_appointment", BOOK, call("call_late"))
    assert answer["status"] == "booked", answer
    return answer["data"]["appointment"]


async def test_a_reminder_is_not_sent_once_its_appointment_has_begun(client, services, clock, env, twilio, smtp):
    """The worker was down from the booking until after the appointment (Mon 23.11. 09:00): the
    confirmation still goes, the reminders die with the reason, on both channels."""
    await book(client)
    clock.set(at("2026-11-23T09:30:00+01:00"))
    await drain(services.db, clock, env)
    assert [s.body[:39] for s in twilio.delivered] == ["Salon Lindenhof: Ihr Termin ist gebucht"]
    assert [mail["Subject"].split(":")[0] for mail in smtp.mails] == ["Terminbestätigung"]
    reminders = [r for r in await message_rows(services.db) if r.topic == "message.reminder"]
    assert len(reminders) == 4 and {r.status for r in reminders} == {"dead"}, [
        (r.status, r.last_error) for r in reminders
    ]
    assert all("began" in (r.last_error or "") for r in reminders)


async def test_a_reminder_retried_past_its_appointment_is_not_sent(client, services, clock, env, twilio, smtp):
    """The 2 h reminder (07:00 pushed to 08:00 by the quiet hours) fails at 08:00, 08:05 and 08:35; its
    next attempt, 10:35, is after the 09:00 start: it dies instead of reminding of the past."""
    await book(client)
    for when in ("2026-11-20T10:01", "2026-11-22T09:00"):  # the confirmations, the 24 h reminders
        clock.set(at(f"{when}:00+01:00"))
        await drain(services.db, clock, env)
    await twilio.go_down()
    sent = len(twilio.delivered)
    for when in ("08:00", "08:05", "08:35"):
        clock.set(at(f"2026-11-23T{when}:00+01:00"))
        await drain(services.db, clock, env)
    await twilio.come_back()
    clock.set(at("2026-11-23T10:35:00+01:00"))
    await drain(services.db, clock, env)
    assert len(twilio.delivered) == sent
    row = [r for r in await message_rows(services.db) if r.topic == "message.reminder" and r.target == "sms"][-1]
    assert row.status == "dead" and "began" in (row.last_error or ""), (row.status, row.last_error)


async def test_an_overdue_reminder_waits_for_the_end_of_the_quiet_hours(client, services, clock, env, twilio, smtp):
    """The worker comes back at 03:00 (a restart after an outage): the 24 h reminders, overdue since
    Sunday 09:00, wait for 08:00 instead of waking the customer."""
    await book(client)
    clock.set(at("2026-11-20T10:01:00+01:00"))
    await drain(services.db, clock, env)  # the confirmations
    sent = len(twilio.delivered)
    clock.set(at("2026-11-23T03:00:00+01:00"))
    await drain(services.db, clock, env)
    assert len(twilio.delivered) == sent, [s.body for s in twilio.delivered[sent:]]
    clock.set(at("2026-11-23T08:00:00+01:00"))
    await drain(services.db, clock, env)
    # one reminder, not two at once: the 2 h reminder (07:00, pushed to 08:00) is due too, so the
    # overdue 24 h one is not sent on either channel
    assert [s.body[:30] for s in twilio.delivered[sent:]] == ["Salon Lindenhof: Erinnerung an"]
    rows = await message_rows(services.db)
    day_before = [r for r in rows if r.topic == "message.reminder" and r.payload.get("hours_before") == 24]
    assert len(day_before) == 2 and {r.status for r in day_before} == {"dead"}
    assert all("2 h reminder" in (r.last_error or "") for r in day_before), [r.last_error for r in day_before]
    assert {r.status for r in rows if r not in day_before} == {"sent"}


def test_a_late_reminder_is_superseded_only_by_a_closer_one_that_was_planned() -> None:
    """Reminders 24 h and 2 h before a Monday 09:00 appointment, quiet hours 20:00-08:00 (the 2 h one,
    07:00, is planned at 08:00). The 24 h reminder sent on time goes; sent late at or after 08:00 it
    would reach the customer with the 2 h one, so it is dropped; never for a closer reminder the
    planner did not keep (due after the start, or pushed to the same moment as this one)."""
    from datetime import time, timedelta
    from zoneinfo import ZoneInfo

    from booking_core.messages.timing import held_back

    zone, quiet = ZoneInfo("Europe/Berlin"), (time(20, 0), time(8, 0))
    start = datetime(2026, 11, 23, 9, 0, tzinfo=zone)
    reminders = (24, 2)

    def late(now: datetime, hours: int = 24, configured: tuple[int, ...] = reminders, at_start: datetime = start):
        return held_back("reminder", at_start, now, zone, quiet, hours_before=hours, reminders=configured)

    assert late(start - timedelta(hours=24)) is None  # on time
    assert late(datetime(2026, 11, 22, 19, 0, tzinfo=zone)) is None  # late, but before the 2 h one is due
    overdue = late(datetime(2026, 11, 23, 8, 0, tzinfo=zone))
    assert overdue is not None and overdue.until is None and "2 h reminder" in overdue.reason
    night = late(datetime(2026, 11, 23, 3, 0, tzinfo=zone))  # would wait for 08:00, when the 2 h one goes
    assert night is not None and night.until is None and "2 h reminder" in night.reason
    assert late(datetime(2026, 11, 23, 8, 0, tzinfo=zone), hours=2) is None  # the closer one itself goes
    assert late(datetime(2026, 11, 23, 8, 0, tzinfo=zone), configured=(24,)) is None  # no closer one
    # an 08:30 appointment: its 2 h reminder (06:30) is pushed to 08:00 and kept; a 07:30 one's 2 h
    # reminder would come after the start, so it was never planned and supersedes nothing
    unplanned = late(datetime(2026, 11, 22, 12, 0, tzinfo=zone), at_start=start.replace(hour=7, minute=45))
    assert unplanned is None
    # reminders 10 h and 2 h before 09:00 are both pushed to 08:00: the planner keeps the 10 h one only
    assert late(datetime(2026, 11, 23, 8, 0, tzinfo=zone), hours=10, configured=(10, 2)) is None
    early = start.replace(hour=8, minute=30)
    assert late(datetime(2026, 11, 23, 8, 0, tzinfo=zone), at_start=early) is not None
    quiet_late = (time(20, 0), time(8, 45))  # both pushed to 08:45, after an 08:30 start: neither planned
    assert (
        held_back(
            "reminder",
            early,
            datetime(2026, 11, 22, 12, 0, tzinfo=zone),
            zone,
            quiet_late,
            hours_before=24,
            reminders=reminders,
        )
        is None
    )


def test_held_back_keeps_the_local_quiet_window_across_both_dst_changes() -> None:
    """Berlin and London, the nights the clocks change (2026-10-25, 2027-03-28): a reminder at 05:30
    local waits for 08:00 local; one whose appointment starts before 08:00 is not sent at all."""
    from datetime import UTC, time
    from zoneinfo import ZoneInfo

    from booking_core.messages.timing import held_back

    quiet = (time(20, 0), time(8, 0))
    for zone_name in ("Europe/Berlin", "Europe/London"):
        zone = ZoneInfo(zone_name)
        for day in (datetime(2026, 10, 25), datetime(2027, 3, 28)):
            now = day.replace(hour=5, minute=30, tzinfo=zone).astimezone(UTC)
            start = day.replace(hour=10, tzinfo=zone)
            held = held_back("reminder", start, now, zone, quiet)
            assert held is not None and held.until == day.replace(hour=8, tzinfo=zone), (zone_name, day, held)
            assert held.until.astimezone(zone).hour == 8
            early = held_back("reminder", day.replace(hour=7, minute=30, tzinfo=zone), now, zone, quiet)
            assert early is not None and early.until is None and "began" in early.reason
            assert held_back("confirmation", start, now, zone, quiet) is None  # the call just made: at once
            assert held_back("reminder", start, day.replace(hour=9, tzinfo=zone), zone, quiet) is None


def test_an_address_at_an_umlaut_domain_is_accepted_and_mailed_in_its_ascii_form() -> None:
    """German IDN domains (müller.de, straße.de: IDNA 2008, so ß stays ß) are real addresses."""
    from booking_core.messages.channels import email_ascii, valid_email

    assert valid_email("Lena at Müller punkt de") == "lena@müller.de"
    assert email_ascii("lena@müller.de") == "lena@xn--mller-kva.de"
    assert email_ascii(valid_email("info@Straße.de")) == "info@xn--strae-oqa.de"
    assert valid_email("lena@xn--mller-kva.de") == "lena@xn--mller-kva.de"
    assert valid_email("jürgen@example.de") is None  # a non-ASCII mailbox needs SMTPUTF8: asked again
    assert valid_email("lena@mül ler.de") is None and valid_email("lena@-müller.de") is None


async def test_a_confirmation_reaches_an_umlaut_domain(client, services, clock, env, twilio, smtp):
    answer = await function(
        client, "book_appointment", {**BOOK, "customer_email": "lena.vogel@müller.de"}, call("call_idn")
    )
    assert answer["status"] == "booked", answer
    await drain(services.db, clock, env)
    assert [rcpts for _sender, rcpts in smtp.envelopes] == [["lena.vogel@xn--mller-kva.de"]]
    assert smtp.mails[0]["Subject"].startswith("Terminbestätigung: Mo., 23.11., 09:00 Uhr – Ansatzfärbung")
    assert "Lindenstraße" in next(smtp.mails[0].iter_attachments()).get_content()
    body = smtp.mails[0].get_body(preferencelist=("plain",)).get_content()
    assert "  Adresse: Lindenstraße 5, 20095 Hamburg\r\n" in body and "für Ihren Kalender" in body  # umlauts intact


def test_a_waitlist_offer_of_a_slot_that_has_begun_is_not_sent() -> None:
    from datetime import time
    from zoneinfo import ZoneInfo

    from booking_core.messages.timing import held_back

    zone, quiet = ZoneInfo("Europe/Berlin"), (time(20, 0), time(8, 0))
    slot = datetime(2026, 11, 23, 7, 30, tzinfo=zone)
    late = held_back("waitlist_offer", slot, datetime(2026, 11, 23, 7, 45, tzinfo=zone), zone, quiet)
    assert late is not None and late.until is None and "the offered time began" in late.reason
    night = held_back("waitlist_offer", slot, datetime(2026, 11, 23, 6, 0, tzinfo=zone), zone, quiet)
    assert night is not None and night.until is None  # 08:00 would be after the slot's start
    later = datetime(2026, 11, 23, 11, 0, tzinfo=zone)
    waits = held_back("waitlist_offer", later, datetime(2026, 11, 23, 6, 0, tzinfo=zone), zone, quiet)
    assert waits is not None and waits.until == datetime(2026, 11, 23, 8, 0, tzinfo=zone)
