"""Messages end to end on both engines: a call over real HTTP writes them, the worker sends them to a
fake Twilio and a real SMTP server, and the clock decides when reminders go (issue 16)."""

from __future__ import annotations

from datetime import UTC, datetime

from icalendar import Calendar

from integrations.messaging.email import SmtpEmail
from integrations.messaging.sms import TwilioSms
from integrations.worker import Worker, WorkerConfig
from tests.messages.message_helpers import LANDLINE, MOBILE, call, drain, function, message_rows

BOOK = {
    "service": "Ansatz färben",
    "date": "Montag",
    "time": "9 Uhr",
    "staff": "Fabian",
    "customer_name": "Lena Vogel",
    "customer_email": "lena.vogel@example.org",
}


async def book(client, call_id: str = "call_book", from_number: str | None = MOBILE, **overrides):  # type: ignore[no-untyped-def]
    answer = await function(client, "book_appointment", {**BOOK, **overrides}, call(call_id, from_number))
    assert answer["status"] == "booked", answer
    return answer["data"]["appointment"]


async def test_a_booking_sends_one_confirmation_sms_and_one_email_with_a_calendar_file(
    client, services, clock, env, twilio, smtp
):
    appointment = await book(client)
    report = await drain(services.db, clock, env)
    assert report.sent == 2 and report.dead == 0
    assert len(twilio.delivered) == 1
    sms = twilio.delivered[0]
    ref = appointment["reference"]
    assert sms.to == MOBILE and sms.sender == env["SLOTLINE_TWILIO_FROM"]
    assert sms.body == (
        f"Salon Lindenhof: Ihr Termin ist gebucht: Mo., 23.11., 09:00 Uhr, Ansatzfärbung bei Fabian. "
        f"Buchungsnr. {ref}. Ändern oder absagen: +49 40 555000200"
    )
    assert len(sms.body) <= 320 and "http" not in sms.body
    assert len(smtp.mails) == 1
    mail = smtp.mails[0]
    assert mail["To"] == "lena.vogel@example.org" and "termine@lindenhof.example" in mail["From"]
    assert mail["Subject"] == "Terminbestätigung: Mo., 23.11., 09:00 Uhr – Ansatzfärbung"
    text = mail.get_body(preferencelist=("plain",)).get_content()
    assert (
        "Guten Tag Lena Vogel" in text
        and "Montag, 23.11.2026, 09:00–10:45 Uhr" in text
        and f"Buchungsnummer: {ref}" in text
    )
    attachments = list(mail.iter_attachments())
    assert [a.get_filename() for a in attachments] == ["termin.ics"] and attachments[
        0
    ].get_content_type() == "text/calendar"
    event = Calendar.from_ical(attachments[0].get_content()).walk("VEVENT")[0]
    assert event.decoded("dtstart") == datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # 09:00 Berlin
    assert event.decoded("dtend") == datetime(2026, 11, 23, 9, 45, tzinfo=UTC)  # the last segment's end
    assert str(event["summary"]) == "Ansatzfärbung bei Fabian"
    assert str(event["location"]) == "Salon Lindenhof, Lindenstraße 5, 20095 Hamburg"
    assert str(event["uid"]) == f"{appointment['id']}@slotline"
    # The reminders wait for their time: nothing more now, the 24 h one on Sunday at 09:00.
    assert (await drain(services.db, clock, env)).sent == 0
    clock.set(datetime.fromisoformat("2026-11-22T09:00:00+01:00"))
    assert (await drain(services.db, clock, env)).sent == 2
    assert twilio.delivered[-1].body.startswith("Salon Lindenhof: Erinnerung an Ihren Termin Mo., 23.11., 09:00 Uhr")
    assert smtp.mails[-1]["Subject"].startswith("Erinnerung an Ihren Termin")


async def test_quiet_hours_move_a_reminder_to_the_end_of_the_window(client, services, clock, env, twilio):
    await book(client, customer_email=None)
    clock.set(datetime.fromisoformat("2026-11-23T07:00:00+01:00"))  # 2 h before, inside 20:00-08:00
    await drain(services.db, clock, env)
    reminders = [s for s in twilio.delivered if "Erinnerung" in s.body]
    # The 24 h one, overdue by now, is inside the window too: nothing goes at night (CONTRACT section 9;
    # until edge20 an overdue reminder did). At 08:00 the 2 h reminder goes, and the 24 h one, which
    # would reach the customer at the same moment, not at all.
    assert len(reminders) == 0
    clock.set(datetime.fromisoformat("2026-11-23T08:00:00+01:00"))
    await drain(services.db, clock, env)
    assert len([s for s in twilio.delivered if "Erinnerung" in s.body]) == 1


async def test_a_reschedule_moves_the_reminder(client, services, clock, env, twilio):
    await book(client, customer_email=None)
    await drain(services.db, clock, env)
    moved = call("call_move")
    assert (
        await function(client, "reschedule_appointment", {"new_datum": "Dienstag", "new_uhrzeit": "11 Uhr"}, moved)
    )["status"] == "needs_confirmation"
    answer = await function(
        client,
        "reschedule_appointment",
        {"new_datum": "Dienstag", "new_uhrzeit": "11 Uhr", "bestaetigung": True},
        moved,
    )
    assert answer["status"] == "rescheduled", answer
    await drain(services.db, clock, env)
    assert twilio.delivered[-1].body.startswith("Salon Lindenhof: Ihr Termin wurde verlegt auf Di., 24.11., 11:00 Uhr")
    rows = await message_rows(services.db)
    old_reminders = [r for r in rows if r.topic == "message.reminder" and r.status == "withdrawn"]
    assert {r.next_attempt_at for r in old_reminders} == {
        datetime(2026, 11, 22, 8, 0, tzinfo=UTC),
        datetime(2026, 11, 23, 7, 0, tzinfo=UTC),
    }
    clock.set(datetime.fromisoformat("2026-11-22T09:00:00+01:00"))  # the old time's reminder: nothing
    before = len(twilio.delivered)
    await drain(services.db, clock, env)
    assert len(twilio.delivered) == before
    clock.set(datetime.fromisoformat("2026-11-23T11:00:00+01:00"))  # the new time's 24 h reminder
    await drain(services.db, clock, env)
    assert twilio.delivered[-1].body.startswith("Salon Lindenhof: Erinnerung an Ihren Termin Di., 24.11., 11:00 Uhr")


async def test_a_cancellation_removes_the_reminder_and_sends_a_cancellation(client, services, clock, env, twilio, smtp):
    appointment = await book(client)
    await drain(services.db, clock, env)
    cancel = call("call_cancel")
    assert (await function(client, "cancel_appointment", {}, cancel))["status"] == "needs_confirmation"
    assert (await function(client, "cancel_appointment", {"confirm": True}, cancel))["status"] == "cancelled"
    await drain(services.db, clock, env)
    assert twilio.delivered[-1].body == (
        f"Salon Lindenhof: Ihr Termin Mo., 23.11., 09:00 Uhr, Ansatzfärbung bei Fabian, ist "
        f"storniert. Buchungsnr. {appointment['reference']}. Neuer Termin: +49 40 555000200"
    )
    cancel_mail = smtp.mails[-1]
    assert cancel_mail["Subject"].startswith("Termin storniert")
    event = Calendar.from_ical(next(cancel_mail.iter_attachments()).get_content())
    assert str(event["method"]) == "CANCEL" and str(event.walk("VEVENT")[0]["status"]) == "CANCELLED"
    sent = len(twilio.delivered)
    clock.set(datetime.fromisoformat("2026-11-23T09:30:00+01:00"))  # past both reminder times
    await drain(services.db, clock, env)
    assert len(twilio.delivered) == sent
    assert all(r.status in ("sent", "withdrawn") for r in await message_rows(services.db))


async def test_a_provider_outage_delays_but_loses_nothing(client, services, clock, env, twilio):
    await twilio.go_down()
    await book(client, customer_email=None)
    schedule = []
    for minutes in (0, 5, 30):  # attempts now, +5 min, +30 min fail
        clock.advance(minutes * 60)
        report = await drain(services.db, clock, env)
        assert report.sent == 0 and report.dead == 0
        row = next(r for r in await message_rows(services.db) if r.topic == "message.confirmation")
        schedule.append((row.attempts, round((row.next_attempt_at - clock.now()).total_seconds())))
    assert schedule == [(1, 300), (2, 1800), (3, 7200)]
    await twilio.come_back()
    clock.advance(7200)
    report = await drain(services.db, clock, env)
    assert report.sent == 1 and [s.body[:39] for s in twilio.delivered] == ["Salon Lindenhof: Ihr Termin ist gebucht"]


async def test_after_four_failed_attempts_a_message_is_dead_with_its_reason(client, services, clock, env, twilio):
    twilio.mode = "500"
    await book(client, customer_email=None)
    for minutes in (0, 5, 30, 120):
        clock.advance(minutes * 60)
        await drain(services.db, clock, env)
    row = next(r for r in await message_rows(services.db) if r.topic == "message.confirmation")
    assert row.status == "dead" and row.attempts == 4 and "gave up after 4 attempts" in (row.last_error or "")


async def test_an_invalid_number_is_dead_at_once_a_rate_limit_or_timeout_is_retried(
    client, services, clock, env, twilio
):
    twilio.invalid.add(MOBILE)
    await book(client, customer_email=None)
    await drain(services.db, clock, env)
    row = next(r for r in await message_rows(services.db) if r.topic == "message.confirmation")
    assert row.status == "dead" and row.attempts == 1 and "21211" in (row.last_error or "")
    assert MOBILE not in (row.last_error or "") and "0017" in (row.last_error or "")  # masked, as in the logs
    twilio.invalid.clear()
    other = "+4915100000018"
    await book(client, "call_other", from_number=other, customer_email=None, time="11 Uhr", customer_name="Ida Roth")
    twilio.fail_next(1, "429")
    sms = TwilioSms()
    sms.timeout_s = 0.5
    w = Worker(services.db, clock, env=env, senders={"sms": sms, "email": SmtpEmail()}, config=WorkerConfig())
    try:
        await w.drain_once()
        row = next(
            r for r in await message_rows(services.db) if r.topic == "message.confirmation" and r.payload["to"] == other
        )
        assert row.status == "pending" and row.attempts == 1 and "429" in (row.last_error or "")
        twilio.fail_next(1, "slow")  # longer than the sender's timeout
        clock.advance(max(300, twilio.retry_after_s))
        await w.drain_once()
        row = next(r for r in await message_rows(services.db) if r.id == row.id)
        assert row.status == "pending" and row.attempts == 2 and "unreachable" in (row.last_error or "")
        clock.advance(1800)
        await w.drain_once()
    finally:
        await w.aclose()
    row = next(r for r in await message_rows(services.db) if r.id == row.id)
    assert row.status == "sent" and row.attempts == 3
    assert [s.to for s in twilio.delivered].count(other) == 1  # the timed-out attempt was not delivered twice


async def test_a_landline_or_withheld_number_gets_no_sms(client, services, clock, env, twilio, smtp):
    await book(client, "call_landline", from_number=LANDLINE)
    await book(
        client,
        "call_withheld",
        from_number=None,
        time="11 Uhr",
        customer_name="Ida Roth",
        customer_phone=None,
        customer_email=None,
    )
    rows = await message_rows(services.db)
    assert rows and {r.target for r in rows} == {"email"}
    await drain(services.db, clock, env)
    assert twilio.delivered == [] and len(smtp.mails) == 1


async def test_an_invalid_email_is_asked_again_and_nothing_is_written(client, services):
    answer = await function(
        client, "book_appointment", {**BOOK, "customer_email": "lena bei gmail"}, call("call_bad_mail")
    )
    assert answer["status"] == "needs_clarification" and answer["data"]["missing"] == ["customer_email"]
    assert "E-Mail-Adresse" in answer["message"]
    assert await message_rows(services.db) == []
    assert await services.booking.appointments_for_tenant(await services.tenants.get("messages-salon")) == []


async def test_a_refused_mailbox_is_dead_at_once(client, services, clock, env, smtp):
    smtp.refuse.add("lena.vogel@example.org")
    await book(client, from_number=None, customer_phone=None)
    await drain(services.db, clock, env)
    row = next(r for r in await message_rows(services.db) if r.topic == "message.confirmation")
    assert row.status == "dead" and row.attempts == 1 and "550" in (row.last_error or "")
