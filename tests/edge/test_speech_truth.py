"""What the caller hears is true and easy to follow (CONTRACT section 14): refusals, offers, service
names, and answers cut to the size limit in message and data together. Pure."""

from __future__ import annotations

import json
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from agent_functions.refusal_speech import Wish, say_refusal
from agent_functions.replies import MAX_RESPONSE_CHARS, Reply
from agent_functions.speech import join_words, say_service
from agent_functions.spoken_offers import SpokenOffer, say_offers
from booking_core.refusals import Refusal

BERLIN = ZoneInfo("Europe/Berlin")
TODAY = date(2026, 11, 20)  # a Friday


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=BERLIN)


def test_offers_in_time_order_each_day_once() -> None:
    nearest_first = [
        SpokenOffer(at(20, 14, 0), "Emma"),
        SpokenOffer(at(20, 13, 45), "Emma"),
        SpokenOffer(at(20, 14, 15), "Emma"),
    ]
    assert (
        say_offers(nearest_first, "de", TODAY, known_day=TODAY) == "um 13 Uhr 45, um 14 Uhr oder um 14 Uhr 15 bei Emma"
    )
    week = [
        SpokenOffer(at(7, 10, 0, 12), "Emma"),
        SpokenOffer(at(7, 11, 0, 12), "Emma"),
        SpokenOffer(at(8, 9, 0, 12), "Emma"),
    ]
    assert say_offers(week, "de", TODAY) == (
        "am Montag, den 7. Dezember, um 10 Uhr oder um 11 Uhr, oder am Dienstag, den 8. Dezember, um 9 Uhr bei Emma"
    )
    assert (
        say_offers(week, "en", TODAY) == "Monday 7 December at 10 am or 11 am, or Tuesday 8 December at 9 am with Emma"
    )


def test_english_offers_grammar() -> None:
    day = [
        SpokenOffer(at(1, 9, 30, 12), "Sarah"),
        SpokenOffer(at(1, 8, 0, 12), "Sarah"),
        SpokenOffer(at(1, 11, 0, 12), "Sarah"),
    ]
    phrase = say_offers(day, "en", TODAY, known_day=date(2026, 12, 1))
    assert (
        f"On Tuesday 1 December I have {phrase}." == "On Tuesday 1 December I have 8 am, 9:30 am or 11 am with Sarah."
    )
    assert "at" not in phrase.split()


def test_another_person_names_the_day() -> None:
    saturday = date(2026, 12, 5)
    offers = [
        SpokenOffer(at(5, 10, 0, 12), "Sarah"),
        SpokenOffer(at(5, 10, 30, 12), "Sarah"),
        SpokenOffer(at(7, 10, 0, 12), "Fabian"),
    ]
    assert say_offers(offers, "de", TODAY, known_day=saturday, asked_staff="Fabian") == (
        "am Samstag, den 5. Dezember, um 10 Uhr oder um halb elf bei Sarah, "
        "oder am Montag, den 7. Dezember, um 10 Uhr bei Fabian"
    )
    mixed = [SpokenOffer(at(23, 10), "Emma"), SpokenOffer(at(23, 10, 15), "David")]
    assert say_offers(mixed, "en", TODAY, known_day=date(2026, 11, 23)) == "10 am with Emma or 10:15 am with David"


def wish(hour: int, minute: int = 0, day: int = 21, staff: str | None = "Fabian", exact: bool = True) -> Wish:
    return Wish(at(day, hour, minute), exact, staff, "Herrenhaarschnitt")


@pytest.mark.parametrize(
    ("refusal", "w", "de", "en"),
    [
        (
            Refusal("staff_off", "day_off", staff_id="fabian"),
            wish(10),
            "Fabian arbeitet samstags nicht.",
            "Fabian doesn't work on Saturdays.",
        ),
        (
            Refusal("staff_off", "hours", staff_id="fabian", hours=((600, 1140),)),
            wish(9, day=23),
            "Fabian fängt am Montag, den 23. November, erst um 10 Uhr an.",
            "Fabian doesn't start until 10 am on Monday 23 November.",
        ),
        (
            Refusal("staff_off", "break", staff_id="fabian", hours=((600, 780), (840, 1140))),
            wish(13, 15, day=23),
            "Fabian hat zu der Zeit Pause. "
            "Am Montag, den 23. November, ist Fabian von 10 bis 13 Uhr und von 14 bis 19 Uhr da.",
            "Fabian is on a break then. On Monday 23 November Fabian works 10 am to 1 pm and 2 pm to 7 pm.",
        ),
        (
            Refusal("staff_off", "absence", staff_id="fabian"),
            wish(10, day=23),
            "Fabian ist am Montag, den 23. November, leider nicht da.",
            "Fabian isn't in on Monday 23 November, I'm afraid.",
        ),
        (
            Refusal("staff_off", "day_off"),
            wish(10, staff=None),
            "Um 10 Uhr ist für Herrenhaarschnitt leider niemand von uns da.",
            "Nobody who does Herrenhaarschnitt is in at 10 am, I'm afraid.",
        ),
        (
            Refusal("closed", "closure", "Weihnachten"),
            Wish(at(24, 10, 0, 12), True, None, "Herrenhaarschnitt"),
            "Am Donnerstag, den 24. Dezember, haben wir wegen Weihnachten geschlossen.",
            "We're closed on Thursday 24 December for Weihnachten, I'm afraid.",
        ),
        (
            Refusal("closed", "weekly"),
            wish(10, day=22, staff=None),
            "Sonntags haben wir leider geschlossen.",
            "We're closed on Sundays, I'm afraid.",
        ),
        (
            Refusal("closed", "hours", hours=((540, 1140),)),
            wish(7, day=23, staff=None),
            "Um 7 Uhr haben wir noch nicht geöffnet; am Montag, den 23. November, haben wir von 9 bis 19 Uhr geöffnet.",
            "We're not open yet at 7 am; on Monday 23 November we're open 9 am to 7 pm.",
        ),
        (
            Refusal("taken"),
            wish(10, day=23),
            "Um 10 Uhr bei Fabian ist leider schon belegt.",
            "10 am with Fabian is already taken, I'm afraid.",
        ),
    ],
)
def test_refusals_say_the_true_reason(refusal: Refusal, w: Wish, de: str, en: str) -> None:
    assert say_refusal(refusal, w, "de", TODAY) == de
    assert say_refusal(refusal, w, "en", TODAY) == en
    assert "geschlossen" not in de or refusal.code == "closed"


def test_a_service_name_with_commas_is_quoted_in_lists() -> None:
    names = ["Herrenhaarschnitt", say_service("Waschen, schneiden, föhnen", "de"), "Hairdetox"]
    assert join_words(names, "de") == "Herrenhaarschnitt, „Waschen, schneiden, föhnen“ oder Hairdetox"
    assert say_service("Cut, wash and blow-dry", "en") == "“Cut, wash and blow-dry”"
    assert say_service("Gloss", "de") == "Gloss"


def test_cut_answers_cut_message_and_data_together() -> None:
    options = [
        {"start": f"2026-11-23T{10 + i}:00:00+01:00", "staff": {"id": "emma", "name": "Emma Becker"}, "note": "x" * 700}
        for i in range(3)
    ]

    def render(count: int) -> str:
        return f"{count} options: " + ", ".join(o["start"][11:16] for o in options[:count])

    body = Reply("available", render(3), {"slots": [dict(o) for o in options]}, spoken="slots", render=render).to_json()
    assert len(json.dumps(body, ensure_ascii=False)) <= MAX_RESPONSE_CHARS
    kept = body["data"]["slots"]
    assert body["data"]["slots_truncated"] is True and 1 <= len(kept) < 3
    assert body["message"] == render(len(kept))  # nothing spoken that the data does not hold


def test_compact_keeps_every_option() -> None:
    segment = {
        "key": "A",
        "name": "Ansatzfärbung auftragen",
        "start": "2026-11-23T10:00:00+01:00",
        "end": "2026-11-23T10:30:00+01:00",
        "staff": {"id": "emma", "name": "Emma Becker"},
        "staff_busy": True,
    }
    option = {
        "start": "2026-11-23T10:00:00+01:00",
        "end": "2026-11-23T12:15:00+01:00",
        "service": {"id": "ansatzfaerbung", "name": "Ansatzfärbung"},
        "staff": {"id": "emma", "name": "Emma Becker"},
        "segments": [dict(segment, key=k) for k in "ABCD"],
        "price": {"amount": "58.00", "currency": "EUR"},
        "hold_expires_at": None,
    }
    data = {
        "request": {"service": {"id": "ansatzfaerbung", "name": "Ansatzfärbung"}},
        "slots": [json.loads(json.dumps(option)) for _ in range(3)],
    }
    body = Reply("available", "Am Montag hätte ich ... frei.", data, spoken="slots", render=lambda n: "x").to_json()
    assert len(body["data"]["slots"]) == 3 and "slots_truncated" not in body["data"]
    assert body["data"]["compact"] in ("segments", "no_segments")
    assert all(
        o["start"] and o["staff"]["id"] == "emma" and o["service"]["id"] == "ansatzfaerbung"
        for o in body["data"]["slots"]
    )
    assert all("hold_expires_at" not in o for o in body["data"]["slots"])
    assert len(json.dumps(body, ensure_ascii=False)) <= MAX_RESPONSE_CHARS


def test_a_closed_time_with_the_days_hours_stays_one_sentence_and_says_tomorrow_plainly() -> None:
    """Found by the fuzzer: 'We've already closed by 1:30 pm. On tomorrow, Saturday 21 November we're
    open ...' was four sentences with the offer, and 'On tomorrow' is not English."""
    late = Wish(at(21, 13, 30), True, None, "Sports massage")
    en = say_refusal(Refusal("closed", "hours", hours=((8 * 60, 13 * 60),)), late, "en", TODAY)
    assert en.count(".") == 1 and "On tomorrow" not in en and "; tomorrow, Saturday 21 November" in en


@pytest.mark.parametrize(
    "refusal",
    [
        Refusal("closed", "closure", "Betriebsausflug"),
        Refusal("staff_off", "absence", staff_id="fabian"),
        Refusal("staff_off", "away", staff_id="fabian"),
    ],
)
@pytest.mark.parametrize("day", [20, 21])  # today and tomorrow
def test_today_and_tomorrow_take_no_preposition(refusal: Refusal, day: int) -> None:
    """'am morgen', 'am heute', 'on tomorrow' and 'on today' are not German or English: a relative day is
    said bare ('morgen, Samstag, den 21. November'), in refusals and in appointments alike."""
    from agent_functions.speech import say_on_when

    w = Wish(at(day, 10), True, "Fabian", "Herrenhaarschnitt")
    spoken = [say_refusal(refusal, w, lang, TODAY) for lang in ("de", "en")]
    spoken += [say_on_when(at(day, 10), lang, TODAY) for lang in ("de", "en")]
    word = "heute" if day == 20 else "morgen"
    assert any(word in s.lower() for s in spoken)
    for s in spoken:
        lowered = s.lower()
        assert not any(bad in lowered for bad in ("am heute", "am morgen", "on today", "on tomorrow")), s
    assert say_on_when(at(23, 10), "de", TODAY) == "am Montag, den 23. November, um 10 Uhr"
    assert say_on_when(at(23, 10), "en", TODAY) == "on Monday 23 November at 10 am"
