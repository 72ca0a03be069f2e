"""What callers hear about their card, in German and English (agent_functions.functions.package_speech):
what a booking used and what is left, why a card could not pay, what a cancellation gave back or kept,
and when a caller's words claim a card."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest

from agent_functions.envelope import CallInfo
from agent_functions.functions.base import FunctionContext
from agent_functions.functions.package_speech import booked_sentence, cancelled_sentence, claims_card, package_data
from booking_core.clock import FrozenClock
from booking_core.domain import PackageUse
from tests.core.helpers import at, make_tenant

CARD = {"id": "zehner", "name": "Zehnerkarte", "service": "cut", "sessions": 10}


def ctx(lang: str) -> FunctionContext:
    tenant = make_tenant(language=lang, packages=[CARD])
    services = SimpleNamespace(clock=FrozenClock(at(2026, 11, 20, 10)))
    return FunctionContext(services, tenant, CallInfo("c1", "+4915100000017", None))  # type: ignore[arg-type]


NEXT_YEAR = at(2027, 1, 1)


def use(outcome: str, remaining: int, expires: datetime = NEXT_YEAR) -> PackageUse:
    return PackageUse(outcome, "zehner", "Zehnerkarte", "sale-1", remaining, expires)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("lang", "uses", "said"),
    [
        ("de", [use("used", 3)], "Ich habe eine Sitzung von Ihrer Zehnerkarte abgebucht; es bleiben noch 3."),
        ("de", [use("used", 1)], "Ich habe eine Sitzung von Ihrer Zehnerkarte abgebucht; es bleibt noch eine."),
        ("de", [use("used", 0)], "Ich habe eine Sitzung von Ihrer Zehnerkarte abgebucht; damit ist sie aufgebraucht."),
        ("en", [use("used", 3)], "I've used one session of your Zehnerkarte; 3 are left."),
        ("en", [use("used", 0)], "I've used one session of your Zehnerkarte; that was the last one on it."),
        (
            "de",
            [use("used", 1), use("used", 0), use("used_up", 0)],
            "Ich habe 2 Sitzungen von Ihrer Zehnerkarte abgebucht; damit ist sie aufgebraucht, "
            "der übrige Termin wird normal berechnet.",
        ),
        (
            "en",
            [use("used", 0), use("used_up", 0), use("used_up", 0)],
            "I've used one session of your Zehnerkarte; that was the last one on it, "
            "and the other 2 are paid normally.",
        ),
        (
            "en",
            [use("used_up", 0)],
            "Your Zehnerkarte has no sessions left, so this appointment is paid normally, 30 euros.",
        ),
        (
            "en",
            [use("expired", 4, at(2026, 11, 1))],
            "Your Zehnerkarte was valid until 31 October only, so this appointment is paid normally, 30 euros.",
        ),
        (
            "en",
            [use("expired", 4, at(2026, 12, 1))],
            "Your Zehnerkarte is valid until 30 November only, so this later appointment is paid normally, 30 euros.",
        ),
        ("de", [None], ""),
    ],
)
def test_booked_sentences(lang, uses, said):
    assert booked_sentence(ctx(lang), uses, Decimal("30.00"), claimed=False) == said


def test_a_claimed_card_that_is_not_there_is_said_and_marked():
    de = ctx("de")
    assert booked_sentence(de, [None], Decimal("30.00"), claimed=True) == (
        "Eine Karte mit offenen Sitzungen für diese Leistung habe ich unter Ihrer Nummer nicht gefunden, "
        "dieser Termin wird normal berechnet, 30 Euro."
    )
    assert package_data(de, [None], claimed=True) == {"package": {"id": None, "remaining": 0, "outcome": "none"}}
    assert package_data(de, [None]) == {}


@pytest.mark.parametrize(
    ("lang", "uses", "said"),
    [
        (
            "de",
            [use("refunded", 4)],
            "Die Sitzung habe ich Ihrer Zehnerkarte wieder gutgeschrieben; es bleiben noch 4.",
        ),
        ("en", [use("refunded", 1)], "I've put the session back on your Zehnerkarte; one is left."),
        (
            "en",
            [use("refunded", 2), use("refunded", 3)],
            "I've put the 2 sessions back on your Zehnerkarte; 3 are left.",
        ),
        ("de", [use("kept", 4)], "Die Sitzung von Ihrer Zehnerkarte bleibt wegen der kurzfristigen Absage abgebucht."),
        ("en", [use("kept", 4)], "As the cancellation is late, the session on your Zehnerkarte stays used."),
        ("en", [use("expired", 4)], "Your Zehnerkarte has expired meanwhile, so the session can't go back on it."),
        ("en", [None, None], ""),
    ],
)
def test_cancelled_sentences(lang, uses, said):
    assert cancelled_sentence(ctx(lang), uses) == said


def test_data_names_the_last_card_moved_and_its_last_valid_day():
    data = package_data(ctx("de"), [use("used", 2, at(2026, 12, 1)), use("used", 1, at(2026, 12, 1)), None])
    assert data == {
        "package": {
            "id": "zehner",
            "name": "Zehnerkarte",
            "remaining": 1,
            "outcome": "used",
            "count": 2,
            "valid_until": "2026-11-30",
        }
    }


@pytest.mark.parametrize(
    ("args", "claimed"),
    [
        ({"package": True}, True),
        ({"package": "Zehnerkarte"}, True),
        ({"package": "nein"}, False),
        ({"package": False}, False),
        ({"notes": "ich habe noch eine Zehnerkarte"}, True),
        ({"notes": "hat eine 10er-Karte"}, True),
        ({"notes": "I have a package with you"}, True),
        ({"notes": "zahle mit Kreditkarte"}, False),
        ({"notes": "Komplett Paket bitte"}, False),
        ({}, False),
    ],
)
def test_claims_card(args, claimed):
    assert claims_card(ctx("de"), args) is claimed
