"""The webhook over real HTTP on both engines: transport faults, signatures, both body shapes, speech."""

from __future__ import annotations

import itertools
import json
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import delete, func, select

from agent_functions.app import create_app
from agent_functions.bootstrap import build_services
from agent_functions.context import SERVICES
from agent_functions.request_body import MAX_BODY
from agent_functions.settings import Settings
from agent_functions.signature import Signer
from booking_core.clock import FrozenClock
from booking_core.storage import models as m
from booking_core.tenant_file import read_tenant_file
from booking_core.tenant_store import save_tenant

KEY = "test-key"
SENDS = itertools.count()  # a distinct signing moment per request: the server refuses repeated signatures
NOW = datetime.fromisoformat("2026-11-20T10:00:00+01:00")
SALON_CALL = {"call_id": "call_http", "from_number": "+4915100000017", "to_number": "+4930555000100"}


@pytest.fixture
async def client(database_url: str) -> AsyncIterator[TestClient]:
    clock = FrozenClock(NOW)
    services = build_services(Settings(database_url=database_url, retell_api_keys=[KEY], admin_token="t"), clock)
    for name in ("demo-salon", "demo-physio"):
        await save_tenant(services.db, read_tenant_file(f"fixtures/tenants/{name}.yaml"), clock.now())
    async with TestClient(TestServer(create_app(services))) as test_client:
        yield test_client
    await services.db.dispose()


async def post(
    client: TestClient, path: str, body: Any, *, key: str | None = KEY, headers: dict[str, str] | None = None
) -> tuple[int, Any]:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    all_headers = {"Content-Type": "application/json", **(headers or {})}
    if key is not None:
        all_headers["X-Retell-Signature"] = Signer(key, lambda: NOW + timedelta(milliseconds=next(SENDS))).header(raw)
    response = await client.post(path, data=raw, headers=all_headers)
    return response.status, await response.json()


async def count(client: TestClient, model: Any) -> int:
    db = client.app[SERVICES].db
    async with db.read() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_bad_signatures_are_refused_and_write_nothing(client: TestClient) -> None:
    body = {
        "name": "request_callback",
        "args": {"customer_name": "Eve", "customer_phone": "+4915100000099"},
        "call": SALON_CALL,
    }
    for key, headers in ((None, None), ("wrong-key", None), (None, {"X-Retell-Signature": "v=1,d=00"})):
        status, answer = await post(client, "/retell/functions", body, key=key, headers=headers)
        assert status == 401 and answer["error"] == "bad_signature"
    assert await count(client, m.CallbackRequest) == 0
    status, answer = await post(client, "/retell/functions", body)
    assert status == 200 and answer["status"] == "callback_requested"
    assert await count(client, m.CallbackRequest) == 1


async def test_a_byte_identical_copy_is_answered_as_a_retry_and_an_altered_one_refused(client: TestClient) -> None:
    """The same bytes sent again (a retry that was not re-signed) get the first answer and write
    nothing; a body changed after signing, or a stale signature, is refused and writes nothing."""
    body = json.dumps(
        {"name": "request_callback", "args": {"customer_phone": "+4915100000099"}, "call": SALON_CALL}
    ).encode()
    headers = {"Content-Type": "application/json", "X-Retell-Signature": Signer(KEY, lambda: NOW).header(body)}
    first = await client.post("/retell/functions", data=body, headers=headers)
    assert first.status == 200 and (await first.json())["status"] == "callback_requested"
    again = await client.post("/retell/functions", data=body, headers=headers)
    assert again.status == 200 and await again.json() == await first.json()
    altered = body.replace(b"+4915100000099", b"+4915100000098")
    changed = await client.post("/retell/functions", data=altered, headers=headers)
    assert changed.status == 401 and (await changed.json())["message"] == "wrong signature"
    stale = Signer(KEY, lambda: NOW - timedelta(minutes=5, seconds=1)).header(altered)
    late = await client.post("/retell/functions", data=altered, headers={**headers, "X-Retell-Signature": stale})
    assert late.status == 401 and (await late.json())["message"] == "stale signature"
    assert await count(client, m.CallbackRequest) == 1


async def test_ping_answers_through_the_whole_stack(client: TestClient) -> None:
    status, answer = await post(client, "/retell/functions", {"name": "ping", "args": {}, "call": SALON_CALL})
    assert (status, answer["status"], answer["message"]) == (200, "ok", "Ja, ich bin da.")
    assert (await post(client, "/retell/functions", {"name": "ping", "args": {}, "call": SALON_CALL}, key=None))[
        0
    ] == 401


async def test_transport_faults(client: TestClient) -> None:
    assert (await post(client, "/retell/functions", b"{nope"))[0] == 400
    status, answer = await post(client, "/retell/functions", b" " * (MAX_BODY + 1))
    assert status == 413 and answer["error"] == "body_too_large"
    status, answer = await post(
        client,
        "/retell/functions",
        {"name": "get_context", "args": {}, "call": {**SALON_CALL, "to_number": "+4912345678"}},
    )
    assert status == 404 and answer["error"] == "unknown_tenant"
    status, answer = await post(client, "/retell/functions", {"name": "brew_tea", "args": {}, "call": SALON_CALL})
    assert status == 200 and answer["status"] == "error" and "Traceback" not in answer["message"]


async def test_args_only_body_with_headers(client: TestClient) -> None:
    status, answer = await post(
        client, "/retell/functions/get_context", {}, headers={"X-Call-Id": "call_hdr", "X-To-Number": "+4930555000100"}
    )
    assert status == 200 and answer["status"] == "ok"
    assert answer["data"]["context"]["business"]["name"] == "Salon Sonnenschein"
    assert answer["message"].startswith("Heute ist Freitag, den 20. November")


async def test_english_tenant_speaks_english(client: TestClient) -> None:
    call = {"call_id": "call_en", "from_number": "+447700900123", "to_number": "+442071234567"}
    status, answer = await post(
        client, "/retell/functions", {"name": "list_services", "args": {"query": "massage"}, "call": call}
    )
    assert status == 200 and answer["status"] == "ok"
    assert answer["message"] == "Sports massage takes an hour and costs 70 pounds."


async def test_health_and_metrics(client: TestClient) -> None:
    assert (await (await client.get("/healthz")).json()) == {"status": "ok"}
    await post(client, "/retell/functions", {"name": "get_context", "args": {}, "call": SALON_CALL})
    metrics = await (await client.get("/metrics")).text()
    assert 'slotline_function_outcomes_total{function="get_context",status="ok"}' in metrics


async def test_a_cancellation_retried_after_its_answer_was_lost_is_answered_not_refused(client: TestClient) -> None:
    """A process killed between committing a cancellation and storing its answer leaves the retry to run
    again: the same call hears "cancelled" again (nothing written twice); another call hears it is gone."""
    book = {
        "name": "book_appointment",
        "call": SALON_CALL,
        "args": {
            "service": "Herrenhaarschnitt",
            "when": "Montag um 10 Uhr",
            "staff": "Fabian",
            "customer_name": "Lena Vogel",
        },
    }
    status, booked = await post(client, "/retell/functions", book)
    assert (status, booked["status"]) == (200, "booked"), booked
    reference = booked["data"]["appointment"]["reference"]
    cancel = {"name": "cancel_appointment", "call": SALON_CALL, "args": {"appointment": reference, "confirm": True}}
    first = (await post(client, "/retell/functions", cancel))[1]
    assert first["status"] == "cancelled", first
    async with client.app[SERVICES].db.write() as session:  # the answer was never stored
        await session.execute(delete(m.FunctionResult).where(m.FunctionResult.call_id == SALON_CALL["call_id"]))
    again = (await post(client, "/retell/functions", cancel))[1]
    assert again["status"] == "cancelled" and again["data"]["appointment"]["reference"] == reference, again
    assert again["data"]["policy"] == first["data"]["policy"]
    async with client.app[SERVICES].db.read() as session:
        assert (
            await session.scalar(
                select(func.count()).select_from(m.AuditEntry).where(m.AuditEntry.action == "cancelled")
            )
            == 1
        )
    other = (await post(client, "/retell/functions", {**cancel, "call": {**SALON_CALL, "call_id": "call_other"}}))[1]
    assert other["status"] == "not_found", other
