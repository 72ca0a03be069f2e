"""The pure planning of messages: words, lengths, dates, quiet hours, channels, calendar files."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar

from booking_core.messages import plan_callback, plan_change, sms_number, valid_email
from booking_core.messages.staff import CallbackFacts
from booking_core.messages.texts import SMS_MAX, Facts, short_when, sms_text
from booking_core.messages.timing import after_quiet, reminder_times
from booking_core.tenant_config import TenantConfig
from booking_core.tenant_file import read_tenant_file

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 20, 10, 0, tzinfo=BERLIN)
QUIET = (time(20, 0), time(8, 0))


def salon(**notifications: object) -> TenantConfig:
    base = read_tenant_file("fixtures/tenants/messages-salon.yaml")
    doc = base.model_dump(mode="json", by_alias=True, exclude_none=True)
    doc["notifications"] = {**doc["notifications"], **notifications}
    return TenantConfig.model_validate(doc)


def appointment(
    start: datetime = datetime(2026, 11, 24, 14, 30, tzinfo=BERLIN),
    *,
    phone: str | None = "+4915100000017",
    email: str | None = None,
    version: int = 1,
    service: str = "Ansatzfärbung",
) -> dict[str, object]:
    segments = [
        {"key": "A", "start": start.isoformat(), "end": (start + timedelta(minutes=30)).isoformat()},
        {
            "key": "C",
            "start": (start + timedelta(minutes=75)).isoformat(),
            "end": (start + timedelta(minutes=105)).isoformat(),
        },
    ]
    customer: dict[str, object] = {"name": "Lena Vogel", "phone": phone}
    if email:
        customer["email"] = email
    return {
        "id": "appt-1",
        "reference": "K7M2",
        "status": "scheduled",
        "start": start.isoformat(),
        "end": (start + timedelta(minutes=105)).isoformat(),
        "service": {"id": "s", "name": service},
        "staff": {"id": "fabian", "name": "Fabian Schulz"},
        "segments": segments,
        "customer": customer,
        "call_id": "call_1",
        "version": version,
    }


def test_dates_are_written_the_way_they_are_said():
    at = datetime(2026, 11, 24, 14, 30, tzinfo=BERLIN)
    assert short_when(at, "de") == "Di., 24.11., 14:30 Uhr"
    assert short_when(at, "en") == "Tue 24 Nov, 2:30 pm"
    assert short_when(at.replace(hour=9, minute=5), "en") == "Tue 24 Nov, 9:05 am"


def test_an_sms_names_everything_and_stays_within_320_characters():
    facts = Facts(
        "Salon Lindenhof",
        "K7M2",
        datetime(2026, 11, 24, 14, 30, tzinfo=BERLIN),
        datetime(2026, 11, 24, 16, 15, tzinfo=BERLIN),
        "Ansatzfärbung",
        "Fabian",
        "+49 40 555000200",
    )
    for kind in ("confirmation", "change", "cancellation", "reminder"):
        for lang in ("de", "en"):
            text = sms_text(kind, facts, lang)  # type: ignore[arg-type]
            assert len(text) <= SMS_MAX
            for part in ("24", "K7M2", "+49 40 555000200", "Fabian", "Ansatzfärbung"):
                assert part in text, (kind, lang, text)
            assert ("Di." in text and "14:30" in text) if lang == "de" else ("Tue" in text and "2:30 pm" in text)
            assert "http" not in text and "Lena" not in text
    long = Facts(
        "Friseursalon " + "Sonnenschein " * 12,
        "K7M2",
        facts.start,
        facts.end,
        "Strähnchen " * 20,
        "Maximiliane",
        "+49 40 555000200",
    )
    text = sms_text("confirmation", long, "de")
    assert len(text) <= SMS_MAX and "K7M2" in text and "+49 40 555000200" in text and "Di., 24.11., 14:30 Uhr" in text


def test_quiet_hours_move_a_time_to_the_end_of_the_window():
    at = lambda d, h, m=0: datetime(2026, 11, d, h, m, tzinfo=BERLIN)  # noqa: E731
    assert after_quiet(at(23, 7), BERLIN, QUIET) == at(23, 8)
    assert after_quiet(at(22, 21, 30), BERLIN, QUIET) == at(23, 8)  # the evening part wraps to the next morning
    assert after_quiet(at(23, 8), BERLIN, QUIET) == at(23, 8)
    assert after_quiet(at(23, 19, 59), BERLIN, QUIET) == at(23, 19, 59)
    assert after_quiet(at(23, 13), BERLIN, (time(12, 0), time(14, 0))) == at(23, 14)
    # The night the clocks go back (25 October 2026): 08:00 local is still 08:00 local.
    assert after_quiet(datetime(2026, 10, 25, 1, 30, tzinfo=UTC), BERLIN, QUIET) == datetime(
        2026, 10, 25, 8, 0, tzinfo=BERLIN
    )
    assert after_quiet(at(23, 7), BERLIN, None) == at(23, 7)


def test_reminders_are_only_planned_ahead_and_before_the_start():
    start = datetime(2026, 11, 23, 8, 30, tzinfo=BERLIN)
    # 24 h before is still ahead; 2 h before (06:30) falls into the quiet hours: 08:00, still before the start
    assert reminder_times(start, (24, 2), NOW, BERLIN, QUIET) == [
        (24, start - timedelta(hours=24)),
        (2, datetime(2026, 11, 23, 8, 0, tzinfo=BERLIN)),
    ]
    early = datetime(2026, 11, 23, 8, 0, tzinfo=BERLIN)  # the quiet hours would push it to the start itself: none
    assert reminder_times(early, (2,), NOW, BERLIN, QUIET) == []
    soon = NOW + timedelta(hours=5)  # booked 5 h ahead: the 24 h reminder is in the past, none
    assert reminder_times(soon, (24,), NOW, BERLIN, QUIET) == []


def test_sms_only_to_mobile_numbers():
    assert sms_number("+4915100000017") == "+4915100000017"
    assert sms_number("+4930555000100") is None  # Berlin landline
    assert sms_number(None) is None and sms_number("") is None and sms_number("+49") is None


def test_email_addresses_are_normalised_or_refused():
    assert valid_email(" Lena.Vogel@Example.org ") == "lena.vogel@example.org"
    assert valid_email("lena punkt vogel at example punkt de") == "lena.vogel@example.de"
    for bad in (
        "lena at vogel",
        "lena@",
        "@example.org",
        "lena vogel@example.org",
        "lena@example",
        "a" * 65 + "@x.de",
        None,
        "",
    ):
        assert valid_email(bad) is None, bad


def test_a_booking_plans_confirmations_and_reminders_on_each_channel():
    plan = plan_change(salon(), "appointment.created", appointment(email="lena@example.org"), NOW)
    assert plan.withdraw is None
    assert [(p.kind, p.channel, p.due) for p in plan.messages] == [
        ("confirmation", "sms", NOW),
        ("confirmation", "email", NOW),
        ("reminder", "sms", datetime(2026, 11, 23, 14, 30, tzinfo=BERLIN)),
        ("reminder", "email", datetime(2026, 11, 23, 14, 30, tzinfo=BERLIN)),
        ("reminder", "sms", datetime(2026, 11, 24, 12, 30, tzinfo=BERLIN)),
        ("reminder", "email", datetime(2026, 11, 24, 12, 30, tzinfo=BERLIN)),
    ]
    assert len({p.key for p in plan.messages}) == 6
    ics = next(p for p in plan.messages if p.channel == "email" and p.kind == "confirmation").payload["attachments"][0][
        "content"
    ]
    event = Calendar.from_ical(ics).walk("VEVENT")[0]
    assert event.decoded("dtstart") == datetime(2026, 11, 24, 13, 30, tzinfo=UTC)
    assert event.decoded("dtend") == datetime(2026, 11, 24, 15, 15, tzinfo=UTC)  # the segments' span
    assert str(event["summary"]) == "Ansatzfärbung bei Fabian" and "Lindenstraße 5" in str(event["location"])


def test_a_move_or_cancellation_withdraws_what_is_pending_and_never_reminds_of_a_cancelled_time():
    moved = plan_change(
        salon(), "appointment.rescheduled", {**appointment(version=2), "old_start": NOW.isoformat()}, NOW
    )
    assert moved.withdraw == "appt-1" and [p.kind for p in moved.messages] == ["change", "reminder", "reminder"]
    assert all(":v2:" in p.key for p in moved.messages)
    cancelled = plan_change(salon(), "appointment.cancelled", appointment(version=3), NOW)
    assert cancelled.withdraw == "appt-1" and [p.kind for p in cancelled.messages] == ["cancellation"]


def test_channels_follow_the_tenant_and_the_customer():
    assert (
        plan_change(salon(sms=False, email=False), "appointment.created", appointment(email="a@b.de"), NOW).messages
        == ()
    )
    only_mail = plan_change(salon(), "appointment.created", appointment(phone="+4930555000100", email="a@b.de"), NOW)
    assert {p.channel for p in only_mail.messages} == {"email"}
    doc = salon().model_dump(mode="json", by_alias=True, exclude_none=True)
    doc.pop("notifications")
    assert plan_change(TenantConfig.model_validate(doc), "appointment.created", appointment(), NOW).messages == ()
    english = salon().model_copy(update={"language": "en"})
    text = plan_change(english, "appointment.created", appointment(), NOW).messages[0].payload["text"]
    assert text == (
        "Salon Lindenhof: You're booked for Tue 24 Nov, 2:30 pm, Ansatzfärbung with Fabian. Ref. K7M2. "
        "To change or cancel call +49 40 555000200"
    )


def test_a_callback_request_goes_to_the_team_in_the_tenant_language():
    facts = CallbackFacts(
        "cb-1",
        "+4915100000055",
        "Uwe Stein",
        "Frage zu Preisen",
        "call_9",
        NOW,
        {"function": "book_appointment", "args": {"service": "Balayage"}},
    )
    plan = plan_callback(salon(), facts, NOW)
    [message] = plan.messages
    assert (message.channel, message.to, message.due) == ("email", "team@lindenhof.example", NOW)
    text = message.payload["text"]
    for part in ("+4915100000055", "Uwe Stein", "Frage zu Preisen", "call_9", "book_appointment", "Balayage"):
        assert part in text
    assert message.payload["subject"] == "Rückrufwunsch: Uwe Stein"
    assert plan_callback(salon(staff_email=None), facts, NOW).messages == ()
