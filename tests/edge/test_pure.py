"""Pure edge pieces: signatures, argument aliases, speech, the replay matcher, tenant-file problems."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from agent_functions.registry import resolve
from agent_functions.replay.matcher import match
from agent_functions.signature import sign, verify
from agent_functions.speech import say_duration, say_money, say_time, say_when
from booking_core.tenant_file import TenantFileError, read_tenant_file

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
BODY = b'{"name":"get_context","args":{},"call":{"call_id":"c1"}}'


def test_signature_round_trip_and_rotation() -> None:
    header = sign(BODY, "old-key", NOW)
    assert verify(header, BODY, ["new-key", "old-key"], NOW) is None
    assert verify(header, BODY, ["new-key"], NOW) == "wrong signature"


@pytest.mark.parametrize(
    ("header", "body", "now", "reason"),
    [
        (None, BODY, NOW, "missing signature"),
        ("v=abc,d=zz", BODY, NOW, "malformed signature"),
        (sign(BODY, "k", NOW), BODY + b" ", NOW, "wrong signature"),
        (sign(BODY, "k", NOW), BODY, NOW + timedelta(minutes=5, seconds=1), "stale signature"),
        (sign(BODY, "k", NOW), BODY, NOW - timedelta(minutes=6), "stale signature"),
    ],
)
def test_signature_rejections(header: str | None, body: bytes, now: datetime, reason: str) -> None:
    assert verify(header, body, ["k"], now) == reason


def test_alias_functions_and_arguments() -> None:
    r = resolve(
        "check_availability_v17",
        {
            "datum": "morgen",
            "uhrzeit": "halb drei",
            "dienstleistung": "Ansatz",
            "mitarbeiter": "Fabi",
            "call_id": "None",
        },
    )
    assert r.function == "check_availability"
    assert r.args == {"date": "morgen", "time": "halb drei", "service": "Ansatz", "staff": "Fabi"}
    assert "call_id" in r.ignored
    assert resolve("collect_appointment_data", {"bestaetigung": "true"}).function == "book_appointment"
    assert resolve("collect_appointment_data", {"bestaetigung": False}).function == "check_availability"
    assert resolve("start_booking", {}).mode == "hold_only"
    assert resolve("initialize_call_v3", {}).function == "get_context"
    assert resolve("make_coffee", {}).function is None


def test_german_and_english_speech() -> None:
    at = datetime(2026, 11, 21, 14, 30)
    assert say_time(at, "de") == "um halb drei"
    assert say_time(at.replace(minute=45), "de") == "um 14 Uhr 45"
    assert say_time(at, "en") == "at 2:30 pm"
    assert say_when(at, "de") == "Samstag, den 21. November, um halb drei"
    assert say_when(at, "en") == "Saturday 21 November at 2:30 pm"
    assert say_duration(150, "de") == "zweieinhalb Stunden"
    assert say_duration(140, "de") == "etwa zweieinviertel Stunden"
    assert say_duration(90, "en") == "an hour and a half"
    assert say_money(Decimal("58.00"), "EUR", "de") == "58 Euro"
    assert say_money(Decimal("10.50"), "EUR", "de") == "10 Euro 50"
    assert say_money(Decimal("65"), "GBP", "en") == "65 pounds"


def test_matcher_language() -> None:
    response = {
        "status": "available",
        "data": {"slot": {"segments": [1, 2, 3, 4]}, "gone": None},
        "message": "Um halb drei",
    }
    assert (
        match(
            {
                "status": "available",
                "data": {"slot": {"segments": {"$len": 4}}, "gone": {"$absent": True}},
                "message": {"$contains": "HALB"},
            },
            response,
        )
        == []
    )
    problems = match({"status": "booked", "data": {"slot": {"segments": [1, 2]}}}, response)
    assert problems == ["$.status: expected 'booked', got 'available'", "$.data.slot.segments: expected 2 items, got 4"]
    assert match({"$includes": [{"a": 1}]}, [{"a": 2}, {"a": 1, "b": 3}]) == []
    assert match({"$any": ["x", {"$regex": "^y"}]}, "yes") == []
    assert match({"$approx": "0.1159", "tol": "0.0001"}, "0.1160") == []
    assert match({"$approx": "0.1159", "tol": "0.0001"}, "0.1161") != []


def test_broken_tenant_file_lists_every_problem(tmp_path: Path) -> None:
    demo = yaml.safe_load(Path("fixtures/tenants/demo-salon.yaml").read_text(encoding="utf-8"))
    demo["timezone"] = "Europe/Nowhere"
    demo["phone_numbers"] = ["030 555"]
    demo["services"][14]["segments"][0]["duration_min"] = 0
    demo["services"][15]["segments"][0]["gap_after_max"] = 5
    broken = tmp_path / "broken.yaml"
    broken.write_text(yaml.safe_dump(demo, allow_unicode=True), encoding="utf-8")
    with pytest.raises(TenantFileError) as err:
        read_tenant_file(broken)
    paths = {p.path for p in err.value.problems}
    assert {"timezone", "phone_numbers", "services.14.segments.0.duration_min", "services.15.segments.0"} <= paths


def test_echo_repeats_at_most_a_few_words() -> None:
    from agent_functions.speech import echo

    assert echo("Ansatz färben") == "Ansatz färben"
    long = "bitte einmal alles mit Strähnchen und Farbe und Schnitt und Föhnen und Hochstecken"
    assert echo(long) == "bitte einmal alles mit Strähnchen und ..."
    assert len(echo("x" * 300)) <= 44


def test_every_text_argument_arrives_in_normal_form_c() -> None:
    from agent_functions.envelope import parse_function_call

    wrapped = {
        "name": "book_appointment",
        "args": {"customer_name": "Jo\u0308rg Mu\u0308ller", "service": "Fa\u0308rben", "notes": ["a\u0308"]},
        "call": {"call_id": "c1"},
    }
    fc = parse_function_call(wrapped, None, {})
    assert fc.args == {"customer_name": "Jörg Müller", "service": "Färben", "notes": ["ä"]}
    bare = parse_function_call({"service": "Stra\u0308hnen"}, "check_availability", {"X-Call-Id": "c2"})
    assert bare.args == {"service": "Strähnen"} and bare.call.call_id == "c2"


def test_an_unknown_tenants_apology_speaks_the_dialled_numbers_language() -> None:
    """While the database is down and a process has not seen the tenant yet, the dialled number is
    the hint: a London or New York practice apologises in English, a Berlin salon in German."""
    from agent_functions.phones import language_of_number

    assert language_of_number("+442071234567") == "en"
    assert language_of_number("+12125550123") == "en"
    assert language_of_number("+4930555000100") == "de"
    assert language_of_number("+43155500100") == "de"
    assert language_of_number(None) == "de"
    assert language_of_number("not a number") == "de"
