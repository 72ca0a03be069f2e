"""Several workers on PostgreSQL: rows are claimed with FOR UPDATE SKIP LOCKED and sent exactly once."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta

import httpx

from booking_core.clock import FrozenClock
from booking_core.storage.db import Database
from integrations import outbox
from integrations.calcom.client import CalcomClient
from integrations.calcom.event_types import sync_event_types
from integrations.worker import Worker, WorkerConfig
from tests.integrations.helpers import (
    API_KEY,
    ENV,
    T0,
    appointment_payload,
    book,
    ensure_integration_tables,
    load_tenant,
    outbox_rows,
    tenant_doc,
)


async def test_two_workers_on_postgres_send_200_rows_exactly_once(postgres_url, calcom):
    db_a, db_b = Database(postgres_url), Database(postgres_url)  # two pools, as two processes would have
    await ensure_integration_tables(db_a)
    clock = FrozenClock(T0)
    tenant = await load_tenant(db_a, tenant_doc(calcom.url))
    async with httpx.AsyncClient() as http:
        await sync_event_types(db_a, T0, tenant, CalcomClient(http, calcom.url, API_KEY))
    for i in range(200):
        await book(db_a, clock.now(), appointment_payload(start=T0 + timedelta(days=1, minutes=15 * i)))
    calcom.latency_s = 0.002
    config = WorkerConfig(batch=10)
    workers = [Worker(db_a, clock, env=ENV, config=config), Worker(db_b, clock, env=ENV, config=config)]
    reports = await asyncio.gather(*(w.drain_once() for w in workers))
    for w in workers:
        await w.aclose()

    rows = await outbox_rows(db_a)
    assert len(rows) == 200 and {r.status for r in rows} == {"sent"}
    assert {r.attempts for r in rows} == {1}
    creates = calcom.calls("POST", "/v2/bookings")
    per_appointment = Counter(r.body["metadata"]["slotline_appointment"] for r in creates)
    assert len(per_appointment) == 200 and set(per_appointment.values()) == {1}  # each sent exactly once
    assert sum(r.sent for r in reports) == 200
    assert all(r.sent > 0 for r in reports), [r.as_dict() for r in reports]  # both really worked
    assert sum(r.lost_lease for r in reports) == 0
    await db_a.dispose()
    await db_b.dispose()


async def test_claims_do_not_overlap_and_keep_appointment_order(idb, clock):
    await load_tenant(idb, tenant_doc(None, webhooks=("http://127.0.0.1:9/hook",)))
    p = appointment_payload()
    await book(idb, clock.now(), p, targets=(), webhook_urls=("http://127.0.0.1:9/hook",))
    await book(
        idb,
        clock.now(),
        {**p, "status": "cancelled"},
        topic="appointment.cancelled",
        targets=(),
        webhook_urls=("http://127.0.0.1:9/hook",),
    )
    other = appointment_payload()
    await book(idb, clock.now(), other, targets=(), webhook_urls=("http://127.0.0.1:9/hook",))
    first = await outbox.claim(idb, clock.now(), limit=1)
    second = await outbox.claim(idb, clock.now(), limit=10)
    assert [m.id for m in first] == [1]
    # row 2 (the cancel of the same appointment) waits behind row 1, which is in flight elsewhere
    assert [m.id for m in second] == [3]
    assert (await outbox_rows(idb))[0].attempts == 1
