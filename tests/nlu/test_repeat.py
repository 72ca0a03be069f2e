"""parse_repeat: German and English repeat phrases (CONTRACT section 10), one row per phrase."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from nlu.repeat import MAX_OCCURRENCES, parse_repeat

NOW = datetime(2026, 11, 18, 10, 0, tzinfo=ZoneInfo("Europe/Berlin"))  # a Wednesday
MON, TUE, WED, THU, FRI, SAT = range(6)

# (phrase, lang, freq, interval, count, until, weekday, nth)
CASES = [
    ("jeden Dienstag", "de", "weekly", 1, None, None, TUE, None),
    ("jeden Dienstag um 17 Uhr, sechs Wochen lang", "de", "weekly", 1, 6, None, TUE, None),
    ("immer montags", "de", "weekly", 1, None, None, MON, None),
    ("dienstags", "de", "weekly", 1, None, None, TUE, None),
    ("jede Woche", "de", "weekly", 1, None, None, None, None),
    ("wöchentlich, zehn Mal", "de", "weekly", 1, 10, None, None, None),
    ("einmal die Woche", "de", "weekly", 1, None, None, None, None),
    ("einmal pro Woche, sechsmal", "de", "weekly", 1, 6, None, None, None),
    ("alle zwei Wochen", "de", "weekly", 2, None, None, None, None),
    ("alle 2 Wochen am Freitag", "de", "weekly", 2, None, None, None, None),
    ("alle drei Wochen", "de", "weekly", 3, None, None, None, None),
    ("vierzehntägig", "de", "weekly", 2, None, None, None, None),
    ("14-tägig", "de", "weekly", 2, None, None, None, None),
    ("zweiwöchentlich acht Termine", "de", "weekly", 2, 8, None, None, None),
    ("jede zweite Woche", "de", "weekly", 2, None, None, None, None),
    ("jeden zweiten Dienstag", "de", "weekly", 2, None, None, TUE, None),
    ("jeden dritten Donnerstag", "de", "weekly", 3, None, None, THU, None),
    ("einmal im Monat", "de", "monthly", 1, None, None, None, None),
    ("einmal im Monat zum Nachschneiden", "de", "monthly", 1, None, None, None, None),
    ("monatlich", "de", "monthly", 1, None, None, None, None),
    ("jeden Monat, drei Monate lang", "de", "monthly", 1, 3, None, None, None),
    ("alle zwei Monate", "de", "monthly", 2, None, None, None, None),
    ("jeden ersten Montag", "de", "monthly", 1, None, None, MON, 1),
    ("jeden letzten Freitag im Monat", "de", "monthly", 1, None, None, FRI, -1),
    ("jeden dritten Dienstag im Monat", "de", "monthly", 1, None, None, TUE, 3),
    ("am ersten Montag des Monats", "de", "monthly", 1, None, None, MON, 1),
    ("jeden Dienstag für sechs Wochen", "de", "weekly", 1, 6, None, TUE, None),
    ("alle zwei Wochen, zwölf Wochen lang", "de", "weekly", 2, 6, None, None, None),
    ("jeden Mittwoch bis zum 23. Dezember", "de", "weekly", 1, None, date(2026, 12, 23), WED, None),
    ("jeden Freitag, 6 Sitzungen", "de", "weekly", 1, 6, None, FRI, None),
    ("every Tuesday", "en", "weekly", 1, None, None, TUE, None),
    ("every week for six weeks", "en", "weekly", 1, 6, None, None, None),
    ("on Mondays", "en", "weekly", 1, None, None, MON, None),
    ("weekly, ten sessions", "en", "weekly", 1, 10, None, None, None),
    ("once a week", "en", "weekly", 1, None, None, None, None),
    ("every other Friday", "en", "weekly", 2, None, None, FRI, None),
    ("every second Tuesday", "en", "weekly", 2, None, None, TUE, None),
    ("fortnightly", "en", "weekly", 2, None, None, None, None),
    ("biweekly, six times", "en", "weekly", 2, 6, None, None, None),
    ("every two weeks", "en", "weekly", 2, None, None, None, None),
    ("every 3 weeks", "en", "weekly", 3, None, None, None, None),
    ("monthly", "en", "monthly", 1, None, None, None, None),
    ("once a month for six months", "en", "monthly", 1, 6, None, None, None),
    ("every first Monday", "en", "monthly", 1, None, None, MON, 1),
    ("the first Monday of every month", "en", "monthly", 1, None, None, MON, 1),
    ("every last Friday of the month", "en", "monthly", 1, None, None, FRI, -1),
    ("every Thursday until 17 December", "en", "weekly", 1, None, date(2026, 12, 17), THU, None),
    ("every week for three months", "en", "weekly", 1, None, date(2027, 2, 17), None, None),
]


@pytest.mark.parametrize(("phrase", "lang", "freq", "interval", "count", "until", "weekday", "nth"), CASES)
def test_phrases(
    phrase: str,
    lang: str,
    freq: str,
    interval: int,
    count: int | None,
    until: date | None,
    weekday: int | None,
    nth: int | None,
) -> None:
    got = parse_repeat(phrase, NOW, lang)
    assert got is not None, phrase
    assert (got.freq, got.interval, got.count, got.until, got.weekday, got.nth) == (
        freq,
        interval,
        count,
        until,
        weekday,
        nth,
    ), phrase
    assert got.issues == (), phrase


@pytest.mark.parametrize(
    "phrase",
    [
        "morgen um zehn",
        "Dienstag",
        "nächste Woche",
        "tomorrow at 3",
        "",
        "am 3.12.",
        "in zwei Wochen",
        "next Monday",
        "einmal schneiden bitte",
    ],
)
def test_not_a_repeat(phrase: str) -> None:
    assert parse_repeat(phrase, NOW, "de") is None


@pytest.mark.parametrize("phrase", ["regelmäßig", "ab und zu", "regularly", "immer wieder mal"])
def test_repeat_without_a_frequency_is_flagged(phrase: str) -> None:
    got = parse_repeat(phrase, NOW, "de")
    assert got is not None and "no_frequency" in got.issues


@pytest.mark.parametrize("phrase", ["jeden Dienstag, dreißig Mal", "every week, 40 times"])
def test_more_than_the_maximum_is_flagged(phrase: str) -> None:
    got = parse_repeat(phrase, NOW, "de")
    assert got is not None and got.count is not None and got.count > MAX_OCCURRENCES
    assert "too_many" in got.issues


def test_an_end_in_the_past_is_flagged() -> None:
    got = parse_repeat("jeden Montag bis zum 2. Januar 2025", NOW, "de")
    assert got is not None and "bad_until" in got.issues and got.until is None


@pytest.mark.parametrize("junk", [None, 42, "x" * 5000, "\x00\x01jeden", "🙂 every 🙂"])
def test_odd_input_never_raises(junk: object) -> None:
    parse_repeat(junk, NOW, "en")  # type: ignore[arg-type]
