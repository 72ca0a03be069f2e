"""Real Retell traffic at the edge (issue 15), over HTTP on both engines, sent the way Retell sends it:
signed with the official SDK's helper, bodies shaped (and validated) like its call types.

1. long calls: bodies up to 16 MiB answered, transcripts not kept; 2. an event that cannot be stored
answers 503 and its redelivery is stored; 3. byte-identical copies are answered as retries;
4. web calls; 5. the inbound-call webhook; 6. arguments sent as a JSON string.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import cache
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import func, select, text

from agent_functions.app import create_app
from agent_functions.bench.call_bodies import event_body, function_body
from agent_functions.bootstrap import build_services
from agent_functions.context import AppServices
from agent_functions.replay.seed import insert_appointment
from agent_functions.request_body import MAX_BODY
from agent_functions.settings import Settings
from agent_functions.tools_export import prompt_lines
from booking_core.calls import call_record
from booking_core.clock import FrozenClock
from booking_core.domain import CustomerInput
from booking_core.storage import models as m
from booking_core.storage.call_models import Call
from booking_core.tenant_file import read_tenant_file
from booking_core.tenant_store import save_tenant
from tests.fakes.retell_sender import RetellSigner, body_of, inbound_body, phone_call, web_call

KEY = "key_retell_edge_test"
NOW = datetime.fromisoformat("2026-11-20T10:00:00+01:00")  # a Friday
SALON, PHYSIO = "+4930555000100", "+442071234567"
LENA = "+4915100000017"


@dataclass
class Edge:
    client: TestClient
    services: AppServices
    clock: FrozenClock
    signer: RetellSigner

    async def post(
        self, path: str, body: bytes, *, signature: str | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, Any]:
        sent = {
            "Content-Type": "application/json",
            "X-Retell-Signature": signature or self.signer.header(body),
            **(headers or {}),
        }
        response = await self.client.post(path, data=body, headers=sent)
        return response.status, await response.json()

    async def count(self, model: Any) -> int:
        async with self.services.db.read() as session:
            return int(await session.scalar(select(func.count()).select_from(model)) or 0)


@pytest.fixture
async def edge(database_url: str) -> AsyncIterator[Edge]:
    clock = FrozenClock(NOW)
    services = build_services(Settings(database_url=database_url, retell_api_keys=[KEY], _env_file=None), clock)  # type: ignore[call-arg]
    tenants = {name: read_tenant_file(f"fixtures/tenants/{name}.yaml") for name in ("demo-salon", "demo-physio")}
    for tenant in tenants.values():
        await save_tenant(services.db, tenant, clock.now())
    await insert_appointment(
        services.db,
        clock,
        tenants["demo-salon"],
        service_id="herrenhaarschnitt",
        staff_id="fabian",
        start=datetime.fromisoformat("2026-11-24T10:00:00+01:00"),
        customer=CustomerInput(name="Lena Vogel", phone=LENA),
        reference="LEN7",
    )
    async with TestClient(TestServer(create_app(services))) as client:
        yield Edge(client, services, clock, RetellSigner(KEY, NOW))
    await services.db.dispose()


@cache
def long_call(target_bytes: int, call_id: str = "call_long_0001") -> str:
    """A phone call's object as JSON (cached: building a 10 MB one takes a second)."""
    return json.dumps(
        phone_call(call_id=call_id, target_bytes=target_bytes, start_ms=int(NOW.timestamp() * 1000) - 3_600_000)
    )


def book_args(customer: str = "Lena Vogel") -> dict[str, str]:
    return {"service": "Herrenhaarschnitt", "when": "Montag um 11 Uhr", "staff": "Fabian", "customer_name": customer}


# --- 1. long calls --------------------------------------------------------------------------------


async def test_a_long_calls_requests_are_answered_up_to_16_mib(edge: Edge) -> None:
    """A function call late in a long call (the whole transcript riding along, 15 MB) books; the
    10 MB `call_analyzed` is recorded with its cost and without its transcript; past 16 MiB is 413."""
    call = json.loads(long_call(15_000_000))
    body = function_body("book_appointment", book_args(), call)
    assert MAX_BODY - 2_000_000 < len(body) <= MAX_BODY
    status, answer = await edge.post("/retell/functions", body)
    assert (status, answer["status"]) == (200, "booked"), answer
    assert answer["data"]["appointment"]["customer"]["name"] == "Lena Vogel"

    event = event_body("call_analyzed", json.loads(long_call(10_000_000)))
    assert len(event) > 10_000_000
    status, answer = await edge.post("/retell/events", event)
    assert (status, answer["status"], answer["call_id"]) == (200, "ok", "call_long_0001"), answer
    async with edge.services.db.read() as session:
        stored = (await session.scalars(select(Call))).one()
    kept = json.dumps(stored.events)
    assert len(kept) < 5_000 and "transcript" not in kept and "Ansatz" not in kept, kept[:300]
    record = await call_record(edge.services.db, "demo-salon", "call_long_0001")
    assert record is not None and record["status"] == "ended" and record["duration_s"] > 3600, record
    assert Decimal(record["cost"]["retell_usd"]) > 0 and record["cost"]["state"] == "final", record

    too_large = body + b" " * (MAX_BODY + 1 - len(body))
    status, answer = await edge.post("/retell/functions", too_large)
    assert (status, answer["error"]) == (413, "body_too_large")
    altered = body.replace(b"Lena Vogel", b"Lena Vogt", 1)
    signed_for_original = edge.signer.header(body)
    assert (await edge.post("/retell/functions", altered, signature=signed_for_original))[0] == 401
    assert await edge.count(m.Appointment) == 2  # the seeded one and the booking


# --- 2. events during a database fault ---------------------------------------------------------------

OUTAGE_TABLES = ("calls", "callback_requests")


async def database_refuses_writes(edge: Edge, refuse: bool) -> None:
    """A real fault inside the database, the same on both engines: triggers that abort every write to
    the calls and callback tables (as a full disk or a read-only failover would), or their removal."""
    db = edge.services.db
    if db.is_postgres:
        statements = (
            [
                "CREATE OR REPLACE FUNCTION outage() RETURNS trigger LANGUAGE plpgsql AS "
                "$$ BEGIN RAISE EXCEPTION 'database unavailable'; END $$",
                *(
                    f"CREATE TRIGGER outage_{t} BEFORE INSERT OR UPDATE ON {t} FOR EACH ROW EXECUTE FUNCTION outage()"
                    for t in OUTAGE_TABLES
                ),
            ]
            if refuse
            else [f"DROP TRIGGER IF EXISTS outage_{t} ON {t}" for t in OUTAGE_TABLES]
        )
    else:
        statements = [
            f"CREATE TRIGGER outage_{t}_{w.lower()} BEFORE {w} ON {t} "
            "BEGIN SELECT RAISE(ABORT, 'database unavailable'); END"
            if refuse
            else f"DROP TRIGGER IF EXISTS outage_{t}_{w.lower()}"
            for t in OUTAGE_TABLES
            for w in ("INSERT", "UPDATE")
        ]
    async with db.write() as session:
        for statement in statements:
            await session.execute(text(statement))


async def test_an_event_that_cannot_be_stored_answers_503_and_its_redelivery_is_stored(edge: Edge) -> None:
    ended = event_body(
        "call_ended",
        phone_call(call_id="call_outage", target_bytes=60_000, start_ms=int(NOW.timestamp() * 1000) - 600_000),
    )
    signature = edge.signer.header(ended)
    await database_refuses_writes(edge, True)
    try:
        status, answer = await edge.post("/retell/events", ended, signature=signature)
        assert (status, answer["error"]) == (503, "event_not_stored"), answer
        assert "Traceback" not in json.dumps(answer)
        # A function call during the same fault is still answered speakably, with HTTP 200.
        status, reply = await edge.post(
            "/retell/functions",
            function_body(
                "request_callback",
                {"customer_name": "Lena Vogel"},
                phone_call(call_id="call_outage", target_bytes=10_000),
            ),
        )
        assert (status, reply["status"]) == (200, "error") and "Entschuldigung" in reply["message"], reply
        assert await edge.count(Call) == 0
    finally:
        await database_refuses_writes(edge, False)
    # Retell delivers the same bytes again (its retries are not known to be re-signed): now stored, once.
    status, answer = await edge.post("/retell/events", ended, signature=signature)
    assert (status, answer["status"], answer["created"]) == (200, "ok", True), answer
    again = await edge.post("/retell/events", ended, signature=signature)
    assert again == (200, {**answer, "created": False, "changed": False})  # handled again: nothing changes twice
    assert await edge.count(Call) == 1


# --- 3. byte-identical copies -----------------------------------------------------------------------


async def test_byte_identical_copies_are_answered_as_retries_and_write_once(edge: Edge) -> None:
    """Copies of a booking (one after the other, and three at once): the first answer, one appointment;
    copies of an event: one call record, nothing changed twice. An altered copy and a stale or future
    signature stay 401."""
    call = phone_call(call_id="call_copies", target_bytes=80_000, ended=False)
    body = function_body("book_appointment", book_args(), call)
    signature = edge.signer.header(body)
    assert edge.signer.verifies(body, signature)  # the SDK accepts what it signed: the scheme is Retell's
    first = await edge.post("/retell/functions", body, signature=signature)
    assert first[0] == 200 and first[1]["status"] == "booked", first
    assert await edge.post("/retell/functions", body, signature=signature) == first
    appointments = await edge.count(m.Appointment)

    other = function_body("book_appointment", book_args("Max Muster") | {"when": "Montag um 12 Uhr"}, call)
    other_signature = edge.signer.header(other)
    together = await asyncio.gather(
        *(edge.post("/retell/functions", other, signature=other_signature) for _ in range(3))
    )
    assert {a[1]["status"] for a in together} == {"booked"} and len({json.dumps(a[1]) for a in together}) == 1, together
    assert await edge.count(m.Appointment) == appointments + 1

    started = event_body("call_started", call)
    event_signature = edge.signer.header(started)
    recorded = await edge.post("/retell/events", started, signature=event_signature)
    assert recorded[0] == 200 and recorded[1]["created"] is True
    copy = await edge.post("/retell/events", started, signature=event_signature)  # an upsert again: changes nothing
    assert copy == (200, {**recorded[1], "created": False, "changed": False})
    assert await edge.count(Call) == 1

    for what, sent, header in (
        ("altered", body.replace(b"Fabian", b"Emma", 1), signature),
        ("stale", body, edge.signer.header(body, offset_ms=-(5 * 60 * 1000 + 1))),
        ("future", body, edge.signer.header(body, offset_ms=5 * 60 * 1000 + 1)),
    ):
        status, answer = await edge.post("/retell/functions", sent, signature=header)
        assert (status, answer["error"]) == (401, "bad_signature"), what
    assert await edge.count(m.Appointment) == appointments + 1


# --- 4. web calls ------------------------------------------------------------------------------------


async def test_a_web_call_finds_its_tenant_by_metadata_or_agent_and_its_caller_counts_as_withheld(edge: Edge) -> None:
    by_agent = web_call(call_id="call_web_agent", target_bytes=30_000, agent_id="agent_demo_salon", ended=False)
    status, answer = await edge.post(
        "/retell/functions", function_body("get_context", {}, by_agent), headers={"X-From-Number": LENA}
    )
    assert (status, answer["status"]) == (200, "ok"), answer
    assert answer["data"]["context"]["business"]["name"] == "Salon Sonnenschein"
    assert answer["data"]["context"]["caller"]["known"] is False  # no number, whatever a header says

    by_metadata = web_call(call_id="call_web_meta", target_bytes=30_000, agent_id="agent_someone_else", ended=False)
    by_metadata["metadata"] = {"tenant": "demo-physio"}
    status, answer = await edge.post(
        "/retell/functions", function_body("list_services", {"query": "massage"}, by_metadata)
    )
    assert (status, answer["status"]) == (200, "ok") and "Sports massage" in answer["message"], answer

    # Withheld: an appointment is changed only by its reference, never by name and date.
    status, answer = await edge.post(
        "/retell/functions",
        function_body(
            "cancel_appointment", {"customer_name": "Lena Vogel", "date": "2026-11-24", "confirm": True}, by_agent
        ),
    )
    assert (status, answer["status"]) == (200, "needs_clarification"), answer
    status, answer = await edge.post(
        "/retell/events", event_body("call_ended", web_call(call_id="call_web_agent", target_bytes=30_000))
    )
    assert (status, answer["status"]) == (200, "ok"), answer

    unknown = web_call(call_id="call_web_unknown", target_bytes=10_000, agent_id="agent_nobody", ended=False)
    status, answer = await edge.post("/retell/functions", function_body("get_context", {}, unknown))
    assert (status, answer["error"]) == (404, "unknown_tenant")


# --- 5. the inbound-call webhook ------------------------------------------------------------------------


async def test_the_inbound_webhook_gives_the_prompt_today_the_business_and_the_caller(edge: Edge) -> None:
    status, answer = await edge.post("/retell/inbound", inbound_body(to_number=SALON, from_number=LENA))
    assert status == 200, answer
    assert answer["call_inbound"]["metadata"] == {"tenant": "demo-salon"}
    variables = answer["call_inbound"]["dynamic_variables"]
    assert variables == {
        "current_date": "2026-11-20",
        "current_weekday": "Freitag",
        "current_time": "10:00",
        "timezone": "Europe/Berlin",
        "business_name": "Salon Sonnenschein",
        "opening_hours_today": "09:00 bis 19:00 Uhr",
        "caller_known": "true",
        "caller_name": "Lena Vogel",
        "next_appointment": "Herrenhaarschnitt am Dienstag, den 24. November, um 10 Uhr bei Fabian Schulz",
    }
    # Every variable the prompt lines use is one the webhook fills, in both languages.
    for lang in ("de", "en"):
        used = {part.split("}}")[0] for line in prompt_lines(lang) for part in line.split("{{")[1:]}
        assert used and used <= set(variables), used - set(variables)

    status, answer = await edge.post(
        "/retell/inbound", inbound_body(to_number=PHYSIO, from_number="+447700900999", agent_id=None)
    )
    variables = answer["call_inbound"]["dynamic_variables"]
    assert (status, variables["current_weekday"], variables["current_time"], variables["caller_known"]) == (
        200,
        "Friday",
        "9 am",
        "false",
    )
    assert variables["opening_hours_today"] == "08:00 to 18:00" and variables["next_appointment"] == "", variables

    for body in (
        inbound_body(to_number="+4912345678", agent_id="agent_nobody"),
        inbound_body(to_number=None, from_number=None, agent_id=None),
    ):
        status, answer = await edge.post("/retell/inbound", body)  # nobody's number: the call still goes on
        variables = answer["call_inbound"]["dynamic_variables"]
        assert (status, variables["current_date"], variables["business_name"]) == (200, "2026-11-20", ""), answer
    status, answer = await edge.post("/retell/inbound", inbound_body(to_number=SALON), signature="v=1,d=" + "0" * 64)
    assert (status, answer["error"]) == (401, "bad_signature")


@pytest.mark.parametrize(
    ("day", "salon", "physio"),
    [
        ("2026-12-25T09:00:00+01:00", "geschlossen (Weihnachten)", "closed (Christmas Day)"),  # a closure; a holiday
        ("2027-01-01T09:00:00+01:00", "geschlossen (Neujahr)", "closed (New Year's Day)"),  # holidays, by name
        ("2026-11-22T09:00:00+01:00", "geschlossen", "closed"),  # Sunday: a regular day off
    ],
)
async def test_the_inbound_webhooks_hours_today_reflect_holidays_and_closures(
    edge: Edge, day: str, salon: str, physio: str
) -> None:
    edge.clock.set(datetime.fromisoformat(day))
    edge.signer = RetellSigner(KEY, edge.clock.now())
    for number, expected in ((SALON, salon), (PHYSIO, physio)):
        status, answer = await edge.post("/retell/inbound", inbound_body(to_number=number, agent_id=None))
        assert (status, answer["call_inbound"]["dynamic_variables"]["opening_hours_today"]) == (200, expected)


# --- 6. arguments as a JSON string ---------------------------------------------------------------------


async def test_args_sent_as_a_json_string_are_read_and_anything_else_is_asked_again(edge: Edge) -> None:
    call = phone_call(call_id="call_args_text", target_bytes=20_000, ended=False)
    as_text = json.dumps(
        {"dienstleistung": "Herrenhaarschnitt", "datum": "Montag", "uhrzeit": "11 Uhr", "mitarbeiter": "Fabian"},
        ensure_ascii=False,
    )
    status, answer = await edge.post(
        "/retell/functions", body_of({"name": "check_availability", "args": as_text, "call": call})
    )
    assert (status, answer["status"]) == (200, "available"), answer
    assert (
        answer["data"]["slot"]["start"] == "2026-11-23T11:00:00+01:00"
        and answer["data"]["slot"]["staff"]["id"] == "fabian"
    )

    before = (await edge.count(m.Appointment), await edge.count(m.Hold), await edge.count(m.CallbackRequest))
    for args in ("Montag um 11", "[1, 2]", '{"datum": NaN}', ["Montag"], 42, '"Montag"'):
        for name in ("book_appointment", "request_callback"):
            status, answer = await edge.post("/retell/functions/" + name, body_of({"args": args, "call": call}))
            assert (status, answer["status"]) == (200, "needs_clarification"), (args, answer)
            assert answer["data"]["error"] == "unreadable_arguments" and "noch einmal" in answer["message"]
    assert (await edge.count(m.Appointment), await edge.count(m.Hold), await edge.count(m.CallbackRequest)) == before
