"""The call log over real HTTP on both engines: every function call recorded as sent and answered,
written after the answer (a call is answered while the log cannot write), kept through a database
outage, bounded in memory, and deleted after SLOTLINE_CALL_RECORD_DAYS."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from aiohttp.test_utils import TestServer
from sqlalchemy import text

from agent_functions.app import create_app
from agent_functions.bootstrap import build_services
from agent_functions.call_log.recorder import CallLog, Pending
from agent_functions.call_log.store import records_of_call
from agent_functions.client import FunctionClient
from agent_functions.context import AppServices
from agent_functions.envelope import CallInfo, FunctionCall
from agent_functions.housekeeping import sweep
from agent_functions.settings import Settings
from booking_core.clock import FrozenClock
from booking_core.storage.db import Database
from booking_core.tenant_file import read_tenant_file
from booking_core.tenant_store import save_tenant

KEY = "test-key"
NOW = datetime.fromisoformat("2026-11-20T10:00:00+01:00")
CALLER = "+4915100000017"


@dataclass
class Server:
    services: AppServices
    clock: FrozenClock
    client: FunctionClient
    url: str


async def start(database_url: str, **settings: object) -> AsyncIterator[Server]:
    clock = FrozenClock(NOW)
    config = Settings(database_url=database_url, retell_api_keys=[KEY], admin_token="t", **settings)
    services = build_services(config, clock)
    await save_tenant(services.db, read_tenant_file("fixtures/tenants/demo-salon.yaml"), clock.now())
    server = TestServer(create_app(services))
    await server.start_server()
    url = str(server.make_url("")).rstrip("/")
    try:
        async with FunctionClient(url, KEY, clock=clock) as client:
            yield Server(services, clock, client, url)
    finally:
        await server.close()
        await services.db.dispose()


@pytest.fixture
async def server(database_url: str) -> AsyncIterator[Server]:
    async for running in start(database_url):
        yield running


async def test_every_function_call_is_recorded_as_sent_and_answered(server: Server) -> None:
    client, clock = server.client, server.clock
    sent = [
        ("initialize_call", {"call_id": "None"}),
        ("check_availability_v17", {"dienstleistung": "Herrenhaarschnitt", "datum": "Montag", "uhrzeit": "10 Uhr"}),
        ("no_such_function", {"x": 1}),
    ]
    answers = []
    for name, args in sent:
        answers.append(await client.call(name, args, call_id="call_log_1", from_number=CALLER))
        clock.advance(7)
    # The per-function URL with bare arguments: the call id comes from the header.
    bare = await client.post(
        "/retell/functions/book_appointment",
        json.dumps(
            {"service": "Herrenhaarschnitt", "date": "Montag", "time": "10 Uhr", "customer_name": "Lena Vogel"}
        ).encode(),
        headers={"X-Call-Id": "call_log_1", "X-To-Number": "+4930555000100"},
    )
    assert [a.status for a in answers] == [200, 200, 200] and bare.status == 200
    await server.services.call_log.flush()  # type: ignore[union-attr]

    records = await records_of_call(server.services.db, "demo-salon", "call_log_1")
    assert [(r["name"], r["function"], r["status"]) for r in records] == [
        ("initialize_call", "get_context", "ok"),
        ("check_availability_v17", "check_availability", answers[1].outcome),
        ("no_such_function", "unknown", "error"),
        ("book_appointment", "book_appointment", bare.outcome),
    ]
    assert [r["args"] for r in records[:3]] == [args for _name, args in sent]  # as sent: aliases, placeholders
    assert [r["response"] for r in records] == [*(a.body for a in answers), bare.body]  # the whole answer
    assert [r["at"] for r in records] == [NOW + timedelta(seconds=s) for s in (0, 7, 14, 21)]
    assert records[0]["call"] == {
        "call_id": "call_log_1",
        "from_number": CALLER,
        "to_number": "+4930555000100",
        "direction": "inbound",
    }
    assert records[3]["call"] == {"call_id": "call_log_1", "to_number": "+4930555000100"}
    assert all(r["ms"] > 0 for r in records)
    assert await records_of_call(server.services.db, "demo-physio", "call_log_1") == []  # tenant-scoped


async def test_a_call_is_answered_while_the_log_cannot_write(database_url: str) -> None:
    """The record is written after the answer: with the log's table locked by another transaction the
    function still answers at once, and its record follows when the lock goes."""
    async for server in start(database_url, allow_unsigned=True):  # unsigned: no signature row to write
        db = server.services.db
        async with db.engine.connect() as blocker:
            await blocker.begin()
            if db.is_postgres:
                await blocker.execute(text("LOCK TABLE function_calls IN ACCESS EXCLUSIVE MODE"))
            else:  # SQLite: a write statement takes the database's one write lock until rollback
                await blocker.execute(text("DELETE FROM function_calls WHERE 1 = 0"))
            answer = await asyncio.wait_for(server.client.call("ping", {}, call_id="call_blocked"), timeout=5)
            assert answer.outcome == "ok"
            flushing = asyncio.create_task(server.services.call_log.flush())  # type: ignore[union-attr]
            await asyncio.sleep(0.3)
            assert not flushing.done()  # the write waits for the lock; the caller did not
            await blocker.rollback()
        assert await asyncio.wait_for(flushing, timeout=10) == 1
        assert [r["function"] for r in await records_of_call(db, "demo-salon", "call_blocked")] == ["ping"]


def pending(call_id: str, seq: int) -> Pending:
    call = FunctionCall("ping", {"seq": seq}, CallInfo(call_id, CALLER, "+4930555000100"))
    return Pending("demo-salon", call, NOW + timedelta(seconds=seq), {"status": "ok", "message": "", "data": {}}, 1.0)


async def test_records_wait_through_a_database_outage_in_order(database_url: str) -> None:
    async for server in start(database_url):
        unreachable = Database("postgresql://postgres@127.0.0.1:1/none", timeout_s=2)  # connection refused
        log = CallLog(unreachable)
        for seq in range(5):
            log.add(pending("call_outage", seq))
        assert await log.flush() == 0 and len(log.pending) == 5  # kept for the next round
        await unreachable.dispose()
        log.db = server.services.db  # the database is back
        assert await log.flush() == 5 and not log.pending
        records = await records_of_call(server.services.db, "demo-salon", "call_outage")
        assert [r["args"]["seq"] for r in records] == [0, 1, 2, 3, 4]


def test_the_queue_is_bounded_and_drops_the_oldest() -> None:
    log = CallLog(Database("sqlite+aiosqlite:///:memory:"), max_pending=3)
    for seq in range(5):
        log.add(pending("call_full", seq))
    assert [p.request.args["seq"] for p in log.pending] == [2, 3, 4] and log.dropped == 2


async def test_retention_follows_the_setting(database_url: str) -> None:
    async for server in start(database_url, call_record_days=7):
        log = server.services.call_log
        assert log is not None
        for seq, age_days in enumerate((8, 6)):
            item = pending("call_old", seq)
            log.add(Pending(item.tenant_id, item.request, NOW - timedelta(days=age_days), item.response, item.ms))
        await log.flush()
        assert (await sweep(server.services))["function_calls"] == 1
        assert [r["args"]["seq"] for r in await records_of_call(server.services.db, "demo-salon", "call_old")] == [1]
