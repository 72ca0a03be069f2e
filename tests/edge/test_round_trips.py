"""Round trips per request over real HTTP on both engines (issue 20, point 4): what a function call costs
the database besides its own work, counted with SQLAlchemy's events (`agent_functions.bench.round_trips`)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import func, select

from agent_functions.app import create_app
from agent_functions.bench.round_trips import RoundTrips, watch_requests
from agent_functions.bootstrap import build_services
from agent_functions.context import SERVICES
from agent_functions.settings import Settings
from agent_functions.signature import Signer
from booking_core.clock import FrozenClock
from booking_core.storage import models as m
from booking_core.storage.edge_models import FunctionClaim, SeenSignature
from booking_core.tenant_file import read_tenant_file
from booking_core.tenant_store import save_tenant

KEY = "test-key"
NOW = datetime.fromisoformat("2026-11-20T10:00:00+01:00")
CALL = {"call_id": "call_rt", "from_number": "+4915100000017", "to_number": "+4930555000100"}
BOOK = {
    "name": "book_appointment",
    "call": CALL,
    "args": {
        "service": "Herrenhaarschnitt",
        "when": "Montag um 10 Uhr",
        "staff": "Fabian",
        "customer_name": "Lena Vogel",
    },
}
BOUNDARIES = ("BEGIN", "COMMIT", "ROLLBACK")


@pytest.fixture
async def counted(database_url: str) -> AsyncIterator[tuple[TestClient, RoundTrips]]:
    clock = FrozenClock(NOW)
    settings = Settings(database_url=database_url, retell_api_keys=[KEY], tenant_check_s=60, _env_file=None)
    services = build_services(settings, clock)
    await save_tenant(services.db, read_tenant_file("fixtures/tenants/demo-salon.yaml"), clock.now())
    counter = RoundTrips(services.db)
    app = create_app(services)
    watch_requests(app)
    async with TestClient(TestServer(app)) as client:
        yield client, counter
    await services.db.dispose()


async def send(client: TestClient, raw: bytes, signature: str) -> dict:
    headers = {"Content-Type": "application/json", "X-Retell-Signature": signature}
    response = await client.post("/retell/functions", data=raw, headers=headers)
    assert response.status == 200
    return await response.json()


def signed(body: dict, ms: int) -> tuple[bytes, str]:
    raw = json.dumps(body).encode()
    return raw, Signer(KEY, lambda: NOW + timedelta(milliseconds=ms)).header(raw)


async def test_a_ping_costs_no_round_trip_once_its_tenant_is_known(counted):
    client, counter = counted
    await send(client, *signed({"name": "ping", "args": {}, "call": CALL}, 1))
    assert "SELECT tenants" in counter.take()  # the first request reads the tenant
    answer = await send(client, *signed({"name": "ping", "args": {}, "call": CALL}, 2))
    assert answer["status"] == "ok"
    assert counter.take() == []  # no signature lookup (a read keeps no answer), no revision within the interval


async def test_a_booking_claims_in_one_statement_and_its_copy_writes_nothing(counted):
    client, counter = counted
    await send(client, *signed({"name": "ping", "args": {}, "call": CALL}, 2))  # the tenant, read once
    counter.take()
    raw, signature = signed(BOOK, 3)
    booked = await send(client, raw, signature)
    assert booked["status"] == "booked", booked
    seen = counter.take()
    statements = [s for s in seen if s not in BOUNDARIES]
    assert "SELECT seen_signatures" not in statements and "SELECT function_claims" not in statements
    assert statements[0] == "INSERT function_claims"  # the replay check and the claim: the first statement
    assert statements.count("INSERT function_claims") == 1
    if client.app[SERVICES].db.is_postgres:  # settle: the claim given up, the answer kept by request and digest
        assert statements[-1] == "WITH function_claims" and "INSERT seen_signatures" not in statements  # one statement
    else:
        assert statements.count("INSERT seen_signatures") == 1  # kept by digest, in the settle transaction
    again = await send(client, raw, signature)  # byte-identical copy
    assert again == booked
    assert "INSERT appointments" not in counter.take()
    async with client.app[SERVICES].db.read() as session:
        assert await session.scalar(select(func.count()).select_from(m.Appointment)) == 1
        assert await session.scalar(select(SeenSignature.answer)) == booked
        assert await session.scalar(select(func.count()).select_from(FunctionClaim)) == 0


async def test_reads_on_postgres_run_without_transaction_round_trips(counted):
    client, counter = counted
    await send(client, *signed({"name": "get_context", "args": {}, "call": CALL}, 4))
    seen = counter.take()
    if client.app[SERVICES].db.is_postgres:
        assert not any(s in BOUNDARIES for s in seen), seen  # autocommit: no BEGIN / ROLLBACK around reads
    else:
        assert "ROLLBACK" in seen  # SQLite keeps its read transactions
