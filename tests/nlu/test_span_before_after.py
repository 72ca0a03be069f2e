"""How far "vor"/"nach"/"before"/"after" a day reaches, by the word before it.

"in der Woche vor Weihnachten" was read as today until Christmas (four weeks of options for a caller
who asked for one week); "kurz vor Weihnachten" the same. The week before a day is the seven days
before it, shortly before the three days before it; "nach Ostern" was already the week after, "kurz
nach" is now the three days after. A bare "vor Weihnachten" still reaches from today.
Same case format as tests/nlu/test_when_phrases.py.
"""

from __future__ import annotations

import pytest

from tests.nlu.test_when_phrases import _check

MON = "2026-11-30T10:00"  # a Monday; Christmas 2026 is a Friday, Easter 2027 is 28 March

CASES: list[tuple[str, str, str, str]] = [
    ("in der Woche vor Weihnachten", "de", MON, "win 2026-12-18 00:00 | 2026-12-25 00:00"),
    ("die Woche vor Weihnachten", "de", MON, "win 2026-12-18 00:00 | 2026-12-25 00:00"),
    ("the week before Christmas", "en", MON, "win 2026-12-18 00:00 | 2026-12-25 00:00"),
    ("in der Woche vor dem 20. Dezember", "de", MON, "win 2026-12-13 00:00 | 2026-12-20 00:00"),
    ("the week before the 20th of December", "en", MON, "win 2026-12-13 00:00 | 2026-12-20 00:00"),
    ("kurz vor Weihnachten", "de", MON, "win 2026-12-22 00:00 | 2026-12-25 00:00"),
    ("just before Christmas", "en", MON, "win 2026-12-22 00:00 | 2026-12-25 00:00"),
    ("ein paar Tage vor Weihnachten", "de", MON, "win 2026-12-22 00:00 | 2026-12-25 00:00"),
    ("kurz nach Ostern", "de", MON, "win 2027-03-29 00:00 | 2027-04-01 00:00"),
    # unchanged: a bare bound, and the week after
    ("vor Weihnachten", "de", MON, "win 2026-11-30 00:00 | 2026-12-25 00:00"),
    ("before Christmas", "en", MON, "win 2026-11-30 00:00 | 2026-12-25 00:00"),
    ("die Woche nach Ostern", "de", MON, "win 2027-03-29 00:00 | 2027-04-05 00:00"),
    ("nach Ostern", "de", MON, "win 2027-03-29 00:00 | 2027-04-05 00:00"),
    # the week before a day that is only days away starts today, never in the past
    ("die Woche vor Freitag", "de", MON, "win 2026-11-30 00:00 | 2026-12-04 00:00"),
]


@pytest.mark.parametrize(("text", "lang", "now", "expected"), CASES, ids=[c[0] for c in CASES])
def test_span_before_after(text: str, lang: str, now: str, expected: str) -> None:
    _check(text, lang, now, expected)
