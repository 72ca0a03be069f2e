"""A real call turned into a replay fixture, on both engines (CONTRACT section 13).

A server on a loopback port takes a call over signed HTTP: the caller hears who they are, finds
their appointment, moves it, checks a time and books it for a family member; another caller books
later the same day. Then: the admin JSON and `slotline calls show` tell the call; `slotline fixtures
capture` writes a fixture whose setup is the state before the call (the moved appointment back at its
old time, neither booking there); replaying it passes; replaying it against a tenant with another
staff order fails with a readable diff; the anonymised capture holds no caller's name, number or
address and passes too. Bad input answers with clear errors and exit codes.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from agent_functions.app import create_app
from agent_functions.bootstrap import build_services
from agent_functions.cli import main
from agent_functions.client import FunctionClient
from agent_functions.replay.seed import insert_appointment
from agent_functions.settings import Settings
from booking_core.clock import FrozenClock
from booking_core.domain import CustomerInput
from booking_core.tenant_file import read_tenant_file
from booking_core.tenant_store import save_tenant
from tests.pg_support import create_scratch_database, drop_scratch_database, scratch_name

KEY = "capture-key"
ADMIN = "capture-admin"
CALLER = "+4915112345678"
SALON = "+4930555000100"
OTHER_PHONE = "+4917099887766"
AT = datetime.fromisoformat


async def _drive(url: str) -> dict[str, Any]:
    """Seed, run the call (and a later one), and read the admin JSON; returns what the test checks."""
    clock = FrozenClock(AT("2026-11-19T09:00:00+01:00"))
    services = build_services(Settings(database_url=url, retell_api_keys=[KEY], admin_token=ADMIN), clock)
    out: dict[str, Any] = {"answers": []}
    try:
        salon = read_tenant_file("fixtures/tenants/demo-salon.yaml")
        await save_tenant(services.db, salon, clock.now())
        await save_tenant(services.db, read_tenant_file("fixtures/tenants/demo-physio.yaml"), clock.now())
        book = partial(insert_appointment, services.db, clock)
        await book(
            salon,
            service_id="herrenhaarschnitt",
            staff_id="fabian",
            start=AT("2026-11-23T10:00:00+01:00"),
            customer=CustomerInput(name="Lena Vogel", phone=CALLER),
            reference="LENA",
        )
        await book(
            salon,
            service_id="damenhaarschnitt",
            staff_id="emma",
            start=AT("2026-11-24T10:00:00+01:00"),
            customer=CustomerInput(name="Jonas Richter", phone=OTHER_PHONE),
            reference="JONA",
        )
        await book(
            salon,
            service_id="herrenhaarschnitt",
            staff_id="david",
            start=AT("2026-11-30T10:00:00+01:00"),
            customer=CustomerInput(name="Kai Wolf", phone="+4916055544433"),
            reference="KAIW",
        )
        clock.set(AT("2026-11-20T10:00:00+01:00"))
        server = TestServer(create_app(services))
        await server.start_server()
        base = str(server.make_url("")).rstrip("/")
        try:
            async with FunctionClient(base, KEY, clock=clock) as client:

                async def event(name: str, call_id: str, **fields: Any) -> None:
                    call = {"call_id": call_id, "from_number": CALLER, "to_number": SALON, **fields}
                    body = {"event": name, "call": call}
                    assert (await client.post("/retell/events", json.dumps(body).encode())).status == 200

                async def function(name: str, args: dict[str, Any], call_id: str = "call_cap") -> None:
                    answer = await client.call(name, args, call_id=call_id, from_number=CALLER)
                    assert answer.status == 200
                    out["answers"].append(answer.body)
                    clock.advance(12)

                await event("call_started", "call_cap", start_timestamp=int(clock.now().timestamp() * 1000))
                clock.advance(3)
                await function("get_context", {})
                await function("find_appointments", {})
                tuesday_at_10 = {"dienstleistung": "Damenhaarschnitt", "datum": "Dienstag", "uhrzeit": "10 Uhr"}
                move = {"new_datum": "Dienstag", "new_uhrzeit": "11 Uhr", "bestaetigung": True}
                await function("reschedule_appointment", move)
                await function("check_availability_v17", tuesday_at_10)
                await function(
                    "book_appointment",
                    {
                        **tuesday_at_10,
                        "name": "Mia Vogel",
                        "notes": "Rückruf an 0151 12345678 oder mia.vogel@example.com",
                    },
                )
                await event(
                    "call_ended",
                    "call_cap",
                    duration_ms=70000,
                    call_cost={"product_costs": [], "combined_cost": 9.5, "total_duration_seconds": 70},
                )
                await event("call_ended", "call_silent", duration_ms=5000)  # a call that never called a function
                clock.advance(3600)  # an hour later another caller books on the same Tuesday
                later = {
                    "service": "Damenhaarschnitt",
                    "date": "2026-11-24",
                    "time": "12:00",
                    "staff": "Emma",
                    "customer_name": "Otto Anders",
                }
                await function("book_appointment", later, call_id="call_later")
            async with aiohttp.ClientSession() as http:

                async def admin(path: str, token: str | None = ADMIN) -> tuple[int, Any]:
                    headers = {"Authorization": f"Bearer {token}"} if token else {}
                    async with http.get(base + path, headers=headers) as response:
                        return response.status, await response.json()

                out["admin"] = await admin("/admin/calls/call_cap?tenant=demo-salon")
                out["admin_no_token"] = await admin("/admin/calls/call_cap?tenant=demo-salon", token=None)
                out["admin_other_tenant"] = await admin("/admin/calls/call_cap?tenant=demo-physio")
                out["admin_unknown"] = await admin("/admin/calls/call_nope?tenant=demo-salon")
                out["admin_no_tenant"] = await admin("/admin/calls/call_cap")
        finally:
            await server.close()
    finally:
        await services.db.dispose()
    return out


@pytest.fixture
def driven(database_url: str) -> Iterator[tuple[str, dict[str, Any]]]:
    yield database_url, asyncio.run(_drive(database_url))


def replay(fixture: Path, database_url: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """`slotline replay FILE` on the engine of `database_url` (PostgreSQL: a scratch database of its own)."""
    if "postgresql" not in database_url:
        code = main(["replay", str(fixture)])
        return code, capsys.readouterr().out
    name = scratch_name("capture_replay")
    try:
        code = main(["replay", "--database-url", create_scratch_database(name), str(fixture)])
        return code, capsys.readouterr().out
    finally:
        drop_scratch_database(name)


def test_admin_json_tells_the_call(driven: tuple[str, dict[str, Any]]) -> None:
    _url, out = driven
    status, view = out["admin"]
    assert status == 200
    functions = view["functions"]
    assert [(f["seq"], f["name"], f["function"], f["status"]) for f in functions] == [
        (1, "get_context", "get_context", "ok"),
        (2, "find_appointments", "find_appointments", "ok"),
        (3, "reschedule_appointment", "reschedule_appointment", "rescheduled"),
        (4, "check_availability_v17", "check_availability", "available"),
        (5, "book_appointment", "book_appointment", "booked"),
    ]
    assert functions[3]["args"] == {"dienstleistung": "Damenhaarschnitt", "datum": "Dienstag", "uhrzeit": "10 Uhr"}
    assert [f["message"] for f in functions] == [a["message"] for a in out["answers"][:5]]
    assert [f["at"] for f in functions] == [f"2026-11-20T10:00:{s:02d}+01:00" for s in (3, 15, 27, 39, 51)]
    assert all(f["ms"] > 0 for f in functions)
    assert [e["event"] for e in view["events"]] == ["call_started", "call_ended"]
    assert view["call"]["call_id"] == "call_cap" and view["call"]["cost"]["retell_usd"] == "0.095"
    # Behind the token, scoped to the tenant: another tenant's call answers like an unknown one.
    assert out["admin_no_token"][0] == 401
    assert out["admin_other_tenant"] == (
        404,
        {"error": "not_found", "message": "no call 'call_cap' for tenant 'demo-physio'"},
    )
    assert out["admin_unknown"][0] == 404
    assert out["admin_no_tenant"][0] == 400 and out["admin_no_tenant"][1]["tenants"] == ["demo-physio", "demo-salon"]


def test_calls_show_prints_a_timeline(driven: tuple[str, dict[str, Any]], capsys: pytest.CaptureFixture[str]) -> None:
    url, out = driven
    assert main(["calls", "show", "call_cap", "--database-url", url]) == 0
    text = capsys.readouterr().out
    assert "10:00:39  #4 check_availability_v17 → check_availability  [available]" in text
    assert 'asked: dienstleistung="Damenhaarschnitt", datum="Dienstag", uhrzeit="10 Uhr"' in text
    assert f"heard: {out['answers'][3]['message']}" in text
    assert text.index("event call_started") < text.index("#1 get_context") < text.index("event call_ended")
    assert "cost (provisional): Retell 0.095 USD" in text
    assert main(["calls", "show", "call_cap", "--json", "--database-url", url]) == 0
    assert json.loads(capsys.readouterr().out) == out["admin"][1]


@pytest.mark.parametrize(
    "argv, message",
    [
        (["calls", "show", "call_nope"], "no call 'call_nope'"),
        (["calls", "show", "call_cap", "--tenant", "demo-physio"], "no call 'call_cap' for tenant 'demo-physio'"),
        (["calls", "show", "call_cap", "--tenant", "nobody"], "unknown tenant 'nobody'"),
        (["fixtures", "capture", "call_nope"], "no call 'call_nope'"),
        (["fixtures", "capture", "call_cap", "--tenant", "demo-physio"], "no call 'call_cap' for tenant 'demo-physio'"),
        (
            ["fixtures", "capture", "call_silent"],
            "call 'call_silent' made no function call: there is nothing to replay",
        ),
    ],
)
def test_bad_input_is_named_with_exit_code_1(
    driven: tuple[str, dict[str, Any]], capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    url, _out = driven
    assert main([*argv, "--database-url", url]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and f"error: {message}" in captured.err


def test_a_malformed_command_line_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["fixtures", "capture"])
    assert exit_.value.code == 2 and "call_id" in capsys.readouterr().err


def test_capture_replays_and_fails_readably_when_the_answer_changes(
    driven: tuple[str, dict[str, Any]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url, _out = driven
    path = tmp_path / "captured.json"
    assert main(["fixtures", "capture", "call_cap", "--out", str(path), "--database-url", url]) == 0
    capsys.readouterr()
    fixture = json.loads(path.read_text())
    assert fixture["now"] == "2026-11-20T10:00:00+01:00" and fixture["tenant"]["id"] == "demo-salon"
    # Before the call: Lena's appointment at its old time, Jonas's; not what the call or a later caller
    # booked, nor the appointment on a day the call never looked at.
    assert [(a["reference"], a["start"], a["customer"]["name"]) for a in fixture["setup"]["appointments"]] == [
        ("LENA", "2026-11-23T10:00:00+01:00", "Lena Vogel"),
        ("JONA", "2026-11-24T10:00:00+01:00", "Jonas Richter"),
    ]
    functions = [s for s in fixture["steps"] if "function" in s]
    assert [s["function"] for s in functions] == [
        "get_context",
        "find_appointments",
        "reschedule_appointment",
        "check_availability_v17",
        "book_appointment",
    ]
    assert functions[3]["expect"] == {
        "status": "available",
        "data": {"slot": {"start": "2026-11-24T10:00:00+01:00", "staff": {"id": "fabian"}}},
    }
    assert functions[2]["expect"]["data"]["appointment"]["reference"] == "LENA"
    assert "reference" not in functions[4]["expect"]["data"]["appointment"]  # new each run
    assert [s.get("event") or s.get("advance_s") for s in fixture["steps"] if "function" not in s] == [
        "call_started",
        3.0,
        12.0,
        12.0,
        12.0,
        12.0,
        12.0,
        "call_ended",
    ]

    code, report = replay(path, url, capsys)
    assert code == 0, report
    assert "1 passed, 0 failed" in report

    # The product answers differently (David before Fabian in the staff order): the capture says where.
    staff = fixture["tenant"]["staff"]
    fixture["tenant"]["staff"] = [s for s in staff if s["id"] == "david"] + [s for s in staff if s["id"] != "david"]
    path.write_text(json.dumps(fixture, ensure_ascii=False))
    code, report = replay(path, url, capsys)
    assert code == 1
    assert "step 9 (check_availability_v17): $.data.slot.staff.id: expected 'fabian', got 'david'" in report


def test_anonymised_capture_hides_callers_and_still_replays(
    driven: tuple[str, dict[str, Any]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url, _out = driven
    path = tmp_path / "shared.json"
    assert main(["fixtures", "capture", "call_cap", "--anonymise", "--out", str(path), "--database-url", url]) == 0
    assert "anonymised" in capsys.readouterr().err
    text = path.read_text()
    for personal in (
        "Lena",
        "Vogel",
        "Jonas",
        "Richter",
        "Mia",
        CALLER,
        "15112345678",
        "0151 12345678",
        OTHER_PHONE,
        "mia.vogel",
        "example.com",
    ):
        assert personal not in text
    fixture = json.loads(text)
    setup = [a["customer"] for a in fixture["setup"]["appointments"]]
    caller = fixture["call"]["from_number"]
    assert setup[0]["phone"] == caller != CALLER  # the caller is still the customer of the moved appointment
    booking = next(s for s in fixture["steps"] if s.get("function") == "book_appointment")
    last = setup[0]["name"].split()[1]
    assert booking["args"]["name"].split()[1] == last and booking["args"]["name"] != setup[0]["name"]  # one family
    assert booking["args"]["notes"] == f"Rückruf an 0{caller[3:]} oder person1@example.org"
    assert fixture["tenant"]["phone_numbers"] == [SALON] and fixture["call"]["to_number"] == SALON
    code, report = replay(path, url, capsys)
    assert code == 0, report
