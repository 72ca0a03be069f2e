""" "In den nächsten Tagen" / "in the next few days": today and the next few days.

These were no day at all (kind "none"), so the agent asked the caller again for a day they had given.
A few is three days after today, a couple two, or the number said; "am nächsten Tag" (one day, in a
move said relative to the appointment) and "in zwei Tagen" (one day) stay what they were.
Same case format as tests/nlu/test_when_phrases.py.
"""

from __future__ import annotations

import pytest

from tests.nlu.test_when_phrases import _check

MON = "2026-11-30T10:00"

CASES: list[tuple[str, str, str, str]] = [
    ("in den nächsten Tagen", "de", MON, "win 2026-11-30 00:00 | 2026-12-04 00:00"),
    ("die nächsten paar Tage", "de", MON, "win 2026-11-30 00:00 | 2026-12-04 00:00"),
    ("in den kommenden Tagen", "de", MON, "win 2026-11-30 00:00 | 2026-12-04 00:00"),
    ("in den nächsten zwei Tagen", "de", MON, "win 2026-11-30 00:00 | 2026-12-03 00:00"),
    ("in den nächsten Tagen nachmittags", "de", MON, "win 2026-11-30 12:00 | 2026-12-03 18:00"),
    ("in the next few days", "en", MON, "win 2026-11-30 00:00 | 2026-12-04 00:00"),
    ("over the coming days", "en", MON, "win 2026-11-30 00:00 | 2026-12-04 00:00"),
    ("in the next couple of days", "en", MON, "win 2026-11-30 00:00 | 2026-12-03 00:00"),
    ("within the next 2 days", "en", MON, "win 2026-11-30 00:00 | 2026-12-03 00:00"),
    # unchanged
    ("in zwei Tagen", "de", MON, "date 2026-12-02"),
    ("in 2 days", "en", MON, "date 2026-12-02"),
    ("nächste Woche", "de", MON, "win 2026-12-07 00:00 | 2026-12-14 00:00"),
    ("nächsten Dienstag", "de", MON, "date 2026-12-01"),
]


@pytest.mark.parametrize(("text", "lang", "now", "expected"), CASES, ids=[c[0] for c in CASES])
def test_coming_days(text: str, lang: str, now: str, expected: str) -> None:
    _check(text, lang, now, expected)
