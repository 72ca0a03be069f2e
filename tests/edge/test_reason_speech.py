"""Every reason a time cannot be had is spoken, in German and in English (agent_functions.refusal_speech),
and an unknown reason is spoken as taken, never as a wrong excuse."""

from __future__ import annotations

from datetime import date, datetime
from typing import get_args
from zoneinfo import ZoneInfo

import pytest

from agent_functions.refusal_speech import Wish, say_refusal
from agent_functions.replies import STATUSES, Reply, ResponseStatus
from booking_core.refusals import Detail, Refusal, RefusalCode

TODAY = date(2026, 11, 20)
AT = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Europe/Berlin"))
DETAILS: dict[str, tuple[Detail | None, ...]] = {
    "closed": ("closure", "holiday", "weekly", "hours", "closing"),
    "staff_off": ("day_off", "absence", "away", "break", "hours", "closing"),
}
HOURS = ((540, 780), (840, 1080))


def cases() -> list[tuple[Refusal, Wish]]:
    out = []
    for code in get_args(RefusalCode):
        for detail in DETAILS.get(code, (None,)):
            for staff in ("Emma", None):
                for exact in (True, False):
                    refusal = Refusal(
                        code,
                        detail,
                        "Weihnachten" if detail in ("closure", "holiday") else None,
                        "emma" if staff else None,
                        HOURS,
                    )
                    out.append((refusal, Wish(AT, exact, staff, "Herrenhaarschnitt")))
    return out


@pytest.mark.parametrize(("refusal", "wish"), cases())
def test_every_reason_has_a_sentence_in_both_languages(refusal: Refusal, wish: Wish) -> None:
    de, en = say_refusal(refusal, wish, "de", TODAY), say_refusal(refusal, wish, "en", TODAY)
    assert de.strip() and en.strip() and de != en
    for text in (de, en):
        assert "{" not in text and "None" not in text and text.endswith("."), text
    if refusal.code != "closed":
        assert "geschlossen" not in de and "closed" not in en  # closed only when the business is


def test_an_unknown_reason_is_spoken_as_taken_never_as_a_wrong_excuse() -> None:
    wish = Wish(AT, True, None, "Herrenhaarschnitt")
    unknown = Refusal("maintenance")  # type: ignore[arg-type]
    assert say_refusal(unknown, wish, "de", TODAY) == say_refusal(Refusal("taken"), wish, "de", TODAY)
    assert say_refusal(unknown, wish, "en", TODAY) == "10 am is already taken, I'm afraid."


def test_a_reply_takes_only_the_contract_statuses() -> None:
    assert set(get_args(ResponseStatus)) == STATUSES and len(STATUSES) == 12
    assert Reply("needs_clarification", "Welcher Tag?").status == "needs_clarification"
    with pytest.raises(ValueError, match="unknown status"):
        Reply("maybe", "…")  # type: ignore[arg-type]
