"""What the message tests share: the messages salon over real HTTP, signed calls, the worker wired to
the local fakes (Twilio, SMTP), and reading the outbox back."""

from __future__ import annotations

import asyncio
import itertools
import json
import subprocess
import sys
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from aiohttp.test_utils import TestClient
from sqlalchemy import select

from agent_functions.replay.seed import insert_appointment
from agent_functions.signature import Signer
from booking_core.clock import FrozenClock
from booking_core.domain import AppointmentView
from booking_core.service import BookingService
from booking_core.storage import models as m
from booking_core.storage.db import Database
from booking_core.tenant_config import TenantConfig
from booking_core.tenant_file import read_tenant_file
from booking_core.tenant_store import save_tenant
from integrations.worker import DrainReport, Worker, WorkerConfig

KEY = "test-key"
ADMIN = {"Authorization": "Bearer admin-token"}
NOW = datetime.fromisoformat("2026-11-20T10:00:00+01:00")  # a Friday
TENANT_FILE = "fixtures/tenants/messages-salon.yaml"
MOBILE = "+4915100000017"
LANDLINE = "+4930123456700"
SENDS = itertools.count()


def call(call_id: str, from_number: str | None = MOBILE) -> dict[str, Any]:
    return {"call_id": call_id, "from_number": from_number, "to_number": "+4940555000100", "direction": "inbound"}


async def function(client: TestClient, name: str, args: dict[str, Any], call_info: dict[str, Any]) -> dict[str, Any]:
    """One signed function call over HTTP; the answer's JSON."""
    raw = json.dumps({"name": name, "args": args, "call": call_info}).encode()
    header = Signer(KEY, lambda: _signing_time(client) + timedelta(milliseconds=next(SENDS))).header(raw)
    response = await client.post(
        "/retell/functions", data=raw, headers={"Content-Type": "application/json", "X-Retell-Signature": header}
    )
    assert response.status == 200, await response.text()
    return await response.json()


def _signing_time(client: TestClient) -> datetime:
    from agent_functions.context import SERVICES

    return client.app[SERVICES].clock.now()


def worker(db: Database, clock: FrozenClock, env: dict[str, str], **config: Any) -> Worker:
    return Worker(db, clock, env=env, config=WorkerConfig(**config))


async def drain(db: Database, clock: FrozenClock, env: dict[str, str]) -> DrainReport:
    w = worker(db, clock, env)
    try:
        return await w.drain_once()
    finally:
        await w.aclose()


async def message_rows(db: Database) -> list[m.OutboxMessage]:
    async with db.read() as session:
        rows = (
            await session.scalars(
                select(m.OutboxMessage).where(m.OutboxMessage.target.in_(("sms", "email"))).order_by(m.OutboxMessage.id)
            )
        ).all()
    return list(rows)


def seeded(url: str, write: Callable[[Database, TenantConfig, BookingService], Awaitable[str]]) -> str:
    """The messages salon saved in the database at `url` plus whatever `write` adds (it returns an id);
    for the CLI tests, which run outside an event loop."""

    async def run() -> str:
        db = Database(url)
        try:
            tenant = read_tenant_file(TENANT_FILE)
            await save_tenant(db, tenant, NOW)
            return await write(db, tenant, BookingService(db, FrozenClock(NOW)))
        finally:
            await db.dispose()

    return asyncio.run(run())


def slotline(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    """The CLI as a user runs it, against `url`."""
    return subprocess.run(
        [sys.executable, "-m", "agent_functions.cli", *args, "--database-url", url],
        capture_output=True,
        text=True,
        timeout=60,
    )


async def seed_appointment(db: Database, clock: FrozenClock, tenant: TenantConfig, **kwargs: Any) -> AppointmentView:
    """An appointment written as given (fixture setup: no notice, hours or hold rules)."""
    return await insert_appointment(db, clock, tenant, **kwargs)
