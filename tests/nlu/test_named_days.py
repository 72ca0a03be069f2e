"""Named days (issue 14 item 4): the calendar behind them, checked against independent rules for
2026-2035, and the phrases callers use for them in German and English. Also the class around
"am ersten Advent": an ordinal that counts a noun is never silently a day of the month."""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from dateutil.easter import easter

from nlu import parse_when
from nlu.named_days import NAMED_DAYS, advent_sunday, named_day_dates, next_named_day

BERLIN = ZoneInfo("Europe/Berlin")
LONDON = ZoneInfo("Europe/London")
YEARS = range(2026, 2036)


def expected_dates(year: int) -> dict[str, date]:
    """The named days of ``year`` by their textbook rules: Easter (Gregorian computus, from dateutil),
    fixed days, Advent (the four Sundays before Christmas), England's bank-holiday Mondays."""
    e = easter(year)
    may_first_monday = next(date(year, 5, d) for d in range(1, 8) if date(year, 5, d).weekday() == 0)
    may_last_monday = max(date(year, 5, d) for d in range(25, 32) if date(year, 5, d).weekday() == 0)
    aug_last_monday = max(date(year, 8, d) for d in range(25, 32) if date(year, 8, d).weekday() == 0)
    fourth_advent = max(date(year, 12, d) for d in range(18, 25) if date(year, 12, d).weekday() == 6)
    return {
        "new_years_day": date(year, 1, 1),
        "good_friday": e - timedelta(days=2),
        "easter_sunday": e,
        "easter_monday": e + timedelta(days=1),
        "labour_day": date(year, 5, 1),
        "ascension_day": e + timedelta(days=39),
        "whit_sunday": e + timedelta(days=49),
        "whit_monday": e + timedelta(days=50),
        "corpus_christi": e + timedelta(days=60),
        "german_unity_day": date(year, 10, 3),
        "reformation_day": date(year, 10, 31),
        "all_saints_day": date(year, 11, 1),
        "christmas_eve": date(year, 12, 24),
        "christmas_day": date(year, 12, 25),
        "boxing_day": date(year, 12, 26),
        "new_years_eve": date(year, 12, 31),
        "advent_1": fourth_advent - timedelta(weeks=3),
        "advent_2": fourth_advent - timedelta(weeks=2),
        "advent_3": fourth_advent - timedelta(weeks=1),
        "advent_4": fourth_advent,
        "early_may_bank_holiday": may_first_monday,
        "spring_bank_holiday": may_last_monday,
        "summer_bank_holiday": aug_last_monday,
    }


@pytest.mark.parametrize("year", YEARS)
def test_every_named_day_of_the_years_2026_to_2035(year: int) -> None:
    expected = expected_dates(year)
    for key in NAMED_DAYS:
        if key in ("bank_holiday", "bank_holiday_monday"):
            continue
        assert named_day_dates(key, year) == [expected[key]], (key, year)


@pytest.mark.parametrize("year", YEARS)
def test_advent_sundays_are_the_four_sundays_before_christmas(year: int) -> None:
    sundays = [advent_sunday(n, year) for n in (1, 2, 3, 4)]
    assert all(d.weekday() == 6 for d in sundays)
    assert date(year, 11, 27) <= sundays[0] <= date(year, 12, 3)
    assert date(year, 12, 18) <= sundays[3] <= date(year, 12, 24)
    assert [(b - a).days for a, b in itertools.pairwise(sundays)] == [7, 7, 7]


def test_bank_holiday_mondays_come_from_the_holidays_data() -> None:
    # 2026: Boxing Day is a Saturday, so Monday 28 December is the substitute bank holiday
    assert next_named_day("bank_holiday_monday", date(2026, 11, 20)) == date(2026, 12, 28)
    assert next_named_day("bank_holiday", date(2026, 12, 25)) == date(2026, 12, 25)
    # a year the package knows was moved: the Spring Bank Holiday of 2022 was Thursday 2 June
    assert named_day_dates("spring_bank_holiday", 2022) == [date(2022, 6, 2)]


@pytest.mark.parametrize("year", YEARS)
def test_the_next_occurrence_counts_today(year: int) -> None:
    e = easter(year)
    assert next_named_day("easter_monday", e + timedelta(days=1)) == e + timedelta(days=1)
    assert next_named_day("easter_monday", e + timedelta(days=2)) == easter(year + 1) + timedelta(days=1)
    assert next_named_day("christmas_eve", date(year, 12, 25)) == date(year + 1, 12, 24)


def _day(text: str, now: datetime, lang: str = "de") -> date | None:
    w = parse_when(text, now, lang)
    assert w.kind in ("date", "datetime", "window"), (text, w)
    return w.day


GERMAN = [
    ("am zweiten Weihnachtsfeiertag", "boxing_day"),
    ("2. Weihnachtstag", "boxing_day"),
    ("zweiter Weihnachtsfeiertag", "boxing_day"),
    ("am Stephanstag", "boxing_day"),
    ("am ersten Weihnachtsfeiertag", "christmas_day"),
    ("an Weihnachten", "christmas_day"),
    ("Heiligabend", "christmas_eve"),
    ("am Heiligen Abend", "christmas_eve"),
    ("an Silvester", "new_years_eve"),
    ("Neujahr", "new_years_day"),
    ("am Neujahrstag", "new_years_day"),
    ("am ersten Advent", "advent_1"),
    ("1. Advent", "advent_1"),
    ("zweiter Advent", "advent_2"),
    ("am dritten Adventssonntag", "advent_3"),
    ("am vierten Advent", "advent_4"),
    ("am letzten Advent", "advent_4"),
    ("Ostern", "easter_sunday"),
    ("Ostersonntag", "easter_sunday"),
    ("Ostermontag", "easter_monday"),
    ("Karfreitag", "good_friday"),
    ("Pfingsten", "whit_sunday"),
    ("Pfingstmontag", "whit_monday"),
    ("Christi Himmelfahrt", "ascension_day"),
    ("an Himmelfahrt", "ascension_day"),
    ("Fronleichnam", "corpus_christi"),
    ("am Tag der Deutschen Einheit", "german_unity_day"),
    ("Reformationstag", "reformation_day"),
    ("an Allerheiligen", "all_saints_day"),
    ("am Tag der Arbeit", "labour_day"),
]
ENGLISH = [
    ("Christmas Eve", "christmas_eve"),
    ("on Christmas Day", "christmas_day"),
    ("Christmas", "christmas_day"),
    ("Boxing Day", "boxing_day"),
    ("New Year's Eve", "new_years_eve"),
    ("New Year's Day", "new_years_day"),
    ("Easter Sunday", "easter_sunday"),
    ("Easter Monday", "easter_monday"),
    ("Good Friday", "good_friday"),
    ("Whit Monday", "whit_monday"),
    ("Ascension Day", "ascension_day"),
    ("the first Sunday of Advent", "advent_1"),
    ("the early May bank holiday", "early_may_bank_holiday"),
    ("the spring bank holiday", "spring_bank_holiday"),
    ("late May bank holiday", "spring_bank_holiday"),
    ("the August bank holiday", "summer_bank_holiday"),
]


@pytest.mark.parametrize("year", [2026, 2029, 2033])
@pytest.mark.parametrize(("text", "key"), GERMAN + ENGLISH)
def test_phrases_name_the_next_such_day(text: str, key: str, year: int) -> None:
    now = datetime(year, 1, 2, 10, 0, tzinfo=BERLIN)  # after New Year: every other day is ahead this year
    expected = expected_dates(year)[key]
    if expected < now.date():
        expected = expected_dates(year + 1)[key]
    lang = "en" if (text, key) in ENGLISH else "de"
    assert _day(text, now, lang) == expected


def test_a_named_day_with_a_time_or_part_of_day() -> None:
    now = datetime(2026, 11, 20, 10, 0, tzinfo=BERLIN)
    w = parse_when("am zweiten Weihnachtsfeiertag um halb elf", now)
    assert (w.kind, w.start) == ("datetime", datetime(2026, 12, 26, 10, 30, tzinfo=BERLIN))
    w = parse_when("Silvester nachmittags", now)
    assert (w.kind, w.start, w.end) == (
        "window",
        datetime(2026, 12, 31, 12, tzinfo=BERLIN),
        datetime(2026, 12, 31, 18, tzinfo=BERLIN),
    )
    w = parse_when("Boxing Day at 10am", datetime(2026, 11, 20, 10, 0, tzinfo=LONDON), "en")
    assert w.start == datetime(2026, 12, 26, 10, 0, tzinfo=LONDON)


def test_named_days_in_ranges_and_weekends() -> None:
    now = datetime(2026, 11, 20, 10, 0, tzinfo=BERLIN)
    w = parse_when("zwischen Weihnachten und Neujahr", now)
    assert (w.start.date(), w.end.date()) == (date(2026, 12, 25), date(2027, 1, 2))  # type: ignore[union-attr]
    w = parse_when("bis Heiligabend", now)
    assert (w.start.date(), w.end.date()) == (date(2026, 11, 20), date(2026, 12, 25))  # type: ignore[union-attr]
    w = parse_when("Osterwochenende", now)
    assert (w.start.date(), w.end.date()) == (date(2027, 3, 27), date(2027, 3, 30))  # type: ignore[union-attr]
    assert parse_when("Ostern 2028", now).day == date(2028, 4, 16)


# --- the class: an ordinal that counts a noun is not a day of the month -------------------------


@pytest.mark.parametrize(
    "text",
    [
        "zum dritten Mal",
        "am ersten Arbeitstag",
        "am zweiten Tag",
        "am dritten Schultag um 10",
        "den zweiten Termin",
    ],
)
def test_an_ordinal_counting_a_noun_asks_back(text: str) -> None:
    w = parse_when(text, datetime(2026, 11, 20, 10, 0, tzinfo=BERLIN))
    assert w.kind == "none" and "not_a_date" in w.issues, w


@pytest.mark.parametrize("text", ["for the third time", "on the first day", "the second visit"])
def test_an_english_ordinal_counting_a_noun_asks_back(text: str) -> None:
    w = parse_when(text, datetime(2026, 11, 20, 10, 0, tzinfo=LONDON), "en")
    assert w.kind == "none", w


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("am 3.", date(2026, 12, 3)),
        ("am 3. bitte", date(2026, 12, 3)),
        ("am dritten um 10", date(2026, 12, 3)),
        ("am dritten nachmittags", date(2026, 12, 3)),
        ("am 3. bei Emma", date(2026, 12, 3)),
        ("bis zum 25.", date(2026, 11, 20)),
        ("am 5. Dezember zum dritten Mal", date(2026, 12, 5)),
        ("am ersten Montag im Dezember", date(2026, 12, 7)),
        ("am letzten Freitag im Januar", date(2027, 1, 29)),
        ("den ersten Montag des nächsten Monats", date(2026, 12, 7)),
        ("am zweiten Samstag im Monat", date(2026, 12, 12)),
    ],
)
def test_an_ordinal_day_stays_a_date(text: str, day: date) -> None:
    assert _day(text, datetime(2026, 11, 20, 10, 0, tzinfo=BERLIN)) == day


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("on the 3rd please", date(2026, 12, 3)),
        ("the first Monday in December", date(2026, 12, 7)),
        ("the last Friday of the month", date(2026, 11, 27)),
        ("on the 5th for a haircut", date(2026, 12, 5)),
    ],
)
def test_an_english_ordinal_day_stays_a_date(text: str, day: date) -> None:
    assert _day(text, datetime(2026, 11, 20, 10, 0, tzinfo=LONDON), "en") == day
