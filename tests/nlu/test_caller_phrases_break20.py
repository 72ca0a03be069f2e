"""Phrases from real calls and other booking systems' bug reports that were misheard (break20).

Each case names the kind of fault it stands for; the fix covers the kind, so each kind has several
phrasings. Same case format as tests/nlu/test_when_phrases.py:
  "dt YYYY-MM-DD HH:MM" | "date YYYY-MM-DD" | "win YYYY-MM-DD HH:MM | YYYY-MM-DD HH:MM" | "none ISSUE"
"""

from __future__ import annotations

import pytest

from tests.nlu.test_when_phrases import _check

MON = "2026-11-30T10:00"  # a Monday, the last day of November
FRI = "2026-11-20T10:00"  # a Friday
JAN = "2027-01-05T10:00"  # after the year's end

CASES: list[tuple[str, str, str, str]] = [
    # kind: a bare hour followed by a part of the day kept only the part ("9 in the morning" was
    # the window 08-12, "seven in the evening" 18-22): the hour is a clock time read by the part
    ("9 in the morning", "en", MON, "dt 2026-11-30 09:00"),
    ("nine in the morning", "en", MON, "dt 2026-11-30 09:00"),
    ("seven in the evening", "en", MON, "dt 2026-11-30 19:00"),
    ("three in the afternoon", "en", MON, "dt 2026-11-30 15:00"),
    ("five thirty in the evening", "en", MON, "dt 2026-11-30 17:30"),
    ("10 in the morning tomorrow", "en", MON, "dt 2026-12-01 10:00"),
    ("tomorrow 4 in the afternoon", "en", MON, "dt 2026-12-01 16:00"),
    ("morgen sieben abends", "de", MON, "dt 2026-12-01 19:00"),
    ("Dienstag neun morgens", "de", MON, "dt 2026-12-01 09:00"),
    ("morgen drei nachmittags", "de", MON, "dt 2026-12-01 15:00"),
    # ... but a number that counts something is still no hour
    ("in 2 days in the morning", "en", MON, "win 2026-12-02 08:00 | 2026-12-02 12:00"),
    # kind: "a m" / "p m" as speech-to-text spells them, with spaces and no dots
    ("3 p m", "en", MON, "dt 2026-11-30 15:00"),
    ("three p m", "en", MON, "dt 2026-11-30 15:00"),
    ("nine a m tomorrow", "en", MON, "dt 2026-12-01 09:00"),
    ("tomorrow at 10 30 a m", "en", MON, "dt 2026-12-01 10:30"),
    # kind: after work / nach Feierabend was not understood at all: the evening from 17:00
    ("nach Feierabend", "de", MON, "win 2026-11-30 17:00 | 2026-11-30 22:00"),
    ("morgen nach Feierabend", "de", MON, "win 2026-12-01 17:00 | 2026-12-01 22:00"),
    ("morgen nach der Arbeit", "de", MON, "win 2026-12-01 17:00 | 2026-12-01 22:00"),
    ("after work on Thursday", "en", MON, "win 2026-12-03 17:00 | 2026-12-03 22:00"),
    ("tomorrow after work", "en", MON, "win 2026-12-01 17:00 | 2026-12-01 22:00"),
    # kind: the days between Christmas and New Year ("zwischen den Jahren") were not understood;
    # "New Year" without the s was no day, so "between Christmas and New Year" was Christmas Day
    # alone (a closed day) instead of the range "zwischen Weihnachten und Neujahr" gives
    ("zwischen den Jahren", "de", MON, "win 2026-12-27 00:00 | 2027-01-01 00:00"),
    ("irgendwann zwischen den Jahren", "de", MON, "win 2026-12-27 00:00 | 2027-01-01 00:00"),
    ("between the years", "en", MON, "win 2026-12-27 00:00 | 2027-01-01 00:00"),
    ("between Christmas and New Year", "en", MON, "win 2026-12-25 00:00 | 2027-01-02 00:00"),
    ("between Christmas and New Years", "en", MON, "win 2026-12-25 00:00 | 2027-01-02 00:00"),
    ("New Year", "en", MON, "date 2027-01-01"),
    ("zwischen den Jahren", "de", JAN, "win 2027-12-27 00:00 | 2028-01-01 00:00"),
    ("zwischen den Jahren", "de", "2026-12-29T10:00", "win 2026-12-29 00:00 | 2027-01-01 00:00"),
    # kind: a day of the month with a month reference lost the day ("the 5th of next month" was the
    # whole month; "the 15th of this month" said on the 30th was today)
    ("the 5th of next month", "en", MON, "date 2026-12-05"),
    ("on the 5th next month", "en", MON, "date 2026-12-05"),
    ("am 5. nächsten Monats", "de", MON, "date 2026-12-05"),
    ("am 5. des nächsten Monats", "de", MON, "date 2026-12-05"),
    ("am Fünften nächsten Monat", "de", MON, "date 2026-12-05"),
    ("am 25. diesen Monats", "de", FRI, "date 2026-11-25"),
    ("the 31st of next month", "en", MON, "date 2026-12-31"),
    ("the 31st of next month", "en", "2026-10-20T10:00", "none invalid_date"),
    ("am 10. nächsten Monats um 14 Uhr", "de", MON, "dt 2026-12-10 14:00"),
]


@pytest.mark.parametrize(("text", "lang", "now", "expected"), CASES, ids=[f"{c[1]}:{c[0]}" for c in CASES])
def test_caller_phrase(text: str, lang: str, now: str, expected: str) -> None:
    _check(text, lang, now, expected)


def test_a_day_of_this_month_already_past_is_said_to_be_past() -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from nlu import parse_when

    w = parse_when(
        "the 15th of this month", now=datetime(2026, 11, 30, 10, tzinfo=ZoneInfo("Europe/Berlin")), lang="en"
    )
    assert w.kind == "none" or "in_past" in w.issues, w
    assert w.start is None or w.start.date().isoformat() == "2026-11-15"


# kind: a service whose name carries an explanation in brackets ("Komplette Umfärbung
# (Blondierung)") was not matched by its name as said, without the brackets: it tied with another
# service's alias and the caller was asked to choose between two
def test_a_service_name_said_without_its_bracketed_explanation_matches() -> None:
    from nlu import CatalogueEntry, ServiceMatcher
    from tests.nlu.test_matching import SALON

    for said in ("Komplette Umfärbung", "komplette Umfaerbung", "eine komplette Umfärbung"):
        got = SALON.match(said)
        assert got.kind == "match" and got.entry is not None, (said, got)
        assert got.entry.id == "komplette-umfaerbung-blondierung", (said, got)
    clinic = ServiceMatcher(
        [
            CatalogueEntry("massage", "Massage (30 min)"),
            CatalogueEntry("massage-long", "Massage (60 min)"),
            CatalogueEntry("check", "Check-up (new patients)"),
        ]
    )
    assert clinic.match("Check-up").kind == "match"
    assert clinic.match("Massage").kind == "ambiguous"  # two services share the name: ask


# kind: a staff wish said negated picked the very person refused ("nicht Fabian" -> Fabian)
@pytest.mark.parametrize(
    "said",
    [
        "nicht Fabian",
        "bitte nicht wieder zu Fabian",
        "jemand anderes als Fabian",
        "alle außer Fabian",
        "anyone but Fabian",
        "not with Fabian",
        "someone other than Fabian",
    ],
)
def test_a_negated_staff_wish_excludes_that_person(said: str) -> None:
    from tests.nlu.test_matching import TEAM

    got = TEAM.match(said)
    assert got.kind == "excluded" and got.entry is not None and got.entry.id == "fabian", (said, got)


@pytest.mark.parametrize("said", ["nicht so wichtig", "kein bestimmter", "no preference", "Fabian", "bei Fabian"])
def test_no_negated_person_is_no_exclusion(said: str) -> None:
    from tests.nlu.test_matching import TEAM

    assert TEAM.match(said).kind in ("any", "match"), said


SAT = "2026-12-05T10:00"  # a Saturday
# kind: an excluded day was the day chosen ("next week except Monday" was Monday)
# kind: comparative bounds were not read, or read the wrong way round ("nicht später als 16 Uhr"
# was 16-17, "later than 4" and "no earlier than 10" were nothing)
BOUNDS: list[tuple[str, str, str, str]] = [
    ("nächste Woche außer Montag", "de", SAT, "win 2026-12-07 00:00 | 2026-12-14 00:00"),
    ("irgendwann nächste Woche ausser am Montag", "de", SAT, "win 2026-12-07 00:00 | 2026-12-14 00:00"),
    ("any day next week except Monday", "en", SAT, "win 2026-12-07 00:00 | 2026-12-14 00:00"),
    ("next week apart from Monday", "en", SAT, "win 2026-12-07 00:00 | 2026-12-14 00:00"),
    ("Dienstag, außer um 10", "de", SAT, "date 2026-12-08"),
    ("nicht später als 16 Uhr", "de", FRI, "win 2026-11-20 08:00 | 2026-11-20 16:00"),
    ("no later than 4", "en", FRI, "win 2026-11-20 08:00 | 2026-11-20 16:00"),
    ("später als 16 Uhr", "de", FRI, "win 2026-11-20 16:00 | 2026-11-20 20:00"),
    ("later than 4", "en", FRI, "win 2026-11-20 16:00 | 2026-11-20 20:00"),
    ("earlier than 11", "en", FRI, "win 2026-11-20 08:00 | 2026-11-20 11:00"),
    ("no earlier than 14", "en", FRI, "win 2026-11-20 14:00 | 2026-11-20 20:00"),
    ("nicht früher als 14 Uhr", "de", FRI, "win 2026-11-20 14:00 | 2026-11-20 20:00"),
    ("morgen nicht später als halb fünf", "de", FRI, "win 2026-11-21 08:00 | 2026-11-21 16:30"),
]


@pytest.mark.parametrize(("text", "lang", "now", "expected"), BOUNDS, ids=[f"{c[1]}:{c[0]}" for c in BOUNDS])
def test_exclusions_and_comparative_bounds(text: str, lang: str, now: str, expected: str) -> None:
    _check(text, lang, now, expected)


# kind: a vague count of days or weeks was not understood ("in ein paar Tagen", "in a couple of
# days"): a couple is two, a few three (the agent says the date back, so the caller can correct it)
VAGUE: list[tuple[str, str, str, str]] = [
    ("in ein paar Tagen", "de", MON, "date 2026-12-02"),
    ("in a couple of days", "en", MON, "date 2026-12-02"),
    ("in a few days", "en", MON, "date 2026-12-03"),
    ("in ein paar Wochen", "de", MON, "date 2026-12-14"),
    ("in a couple of weeks", "en", MON, "date 2026-12-14"),
    ("in a couple of days at 3", "en", MON, "dt 2026-12-02 15:00"),
]


@pytest.mark.parametrize(("text", "lang", "now", "expected"), VAGUE, ids=[f"{c[1]}:{c[0]}" for c in VAGUE])
def test_vague_counts(text: str, lang: str, now: str, expected: str) -> None:
    _check(text, lang, now, expected)


# kind: English weekday short forms were no day at all, so "Tues at 3" was today at 3; "4ish",
# "@ 3", "3 o clock" (written apart) lost the time
SHORT: list[tuple[str, str, str, str]] = [
    ("Tues at 3", "en", MON, "dt 2026-12-01 15:00"),
    ("Thurs 3pm", "en", MON, "dt 2026-12-03 15:00"),
    ("Weds morning", "en", MON, "win 2026-12-02 08:00 | 2026-12-02 12:00"),
    ("on Weds", "en", MON, "date 2026-12-02"),
    ("Thur at 10", "en", MON, "dt 2026-12-03 10:00"),
    ("tomorrow 4ish", "en", MON, "dt 2026-12-01 16:00"),
    ("around 4ish", "en", MON, "dt 2026-11-30 16:00"),
    ("tomorrow @ 3", "en", MON, "dt 2026-12-01 15:00"),
    ("tomorrow, 3 o clock", "en", MON, "dt 2026-12-01 15:00"),
    # German short forms, as an LLM abbreviates them: "Do um 10" was today at 10
    ("Do um 10", "de", MON, "dt 2026-12-03 10:00"),
    ("Mo 14 Uhr", "de", MON, "dt 2026-12-07 14:00"),
    ("Fr. nachmittags", "de", MON, "win 2026-12-04 12:00 | 2026-12-04 18:00"),
    ("nächsten Di", "de", MON, "date 2026-12-01"),
    ("so um 10", "de", MON, "dt 2026-11-30 10:00"),  # "so" stays "around"
    ("could you do tomorrow at 10", "en", MON, "dt 2026-12-01 10:00"),  # English "do" is no Thursday
]


@pytest.mark.parametrize(("text", "lang", "now", "expected"), SHORT, ids=[f"{c[1]}:{c[0]}" for c in SHORT])
def test_short_forms(text: str, lang: str, now: str, expected: str) -> None:
    _check(text, lang, now, expected)


# kind: "no time preference" said alone was not understood, so the caller was asked again for a
# day and time they had just said they do not mind: it is the next free time, like "so bald wie möglich"
@pytest.mark.parametrize(
    "said", ["egal wann", "jederzeit", "irgendwann", "ist mir egal", "any time", "anytime", "whenever"]
)
def test_no_time_preference_is_the_next_free_time(said: str) -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from nlu import parse_when

    w = parse_when(said, datetime(2026, 11, 30, 10, tzinfo=ZoneInfo("Europe/Berlin")), "de")
    assert w.kind == "window" and "asap" in w.issues, (said, w)


def test_a_day_said_with_any_time_keeps_the_day() -> None:
    _check("Friday, any time", "en", MON, "date 2026-12-04")
    _check("Freitag, egal wann", "de", MON, "date 2026-12-04")
