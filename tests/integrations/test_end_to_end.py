"""The booking core's own outbox rows, drained by the background worker, with Cal.com misbehaving."""

from __future__ import annotations

import asyncio
import json
import time
from datetime import UTC, datetime, timedelta

import httpx
from aiohttp import web

from booking_core.domain import CustomerInput, SlotRequest
from booking_core.service import BookingService
from integrations.backoff import Backoff
from integrations.breaker import BreakerPolicy
from integrations.calcom.client import CalcomClient
from integrations.calcom.event_types import sync_event_types
from integrations.webhooks import verify
from integrations.worker import Worker, WorkerConfig, run_worker
from tests.fakes.base import FakeServer
from tests.integrations.helpers import API_KEY, ENV, T0, load_tenant, outbox_rows, tenant_doc

MONDAY = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # 09:00 Berlin


class FakeReceiver(FakeServer):
    """A webhook receiver that records deliveries (status settable through the base modes)."""

    def build_routes(self, app: web.Application) -> None:
        app.router.add_post("/hook", self._hook)

    async def _hook(self, request: web.Request) -> web.Response:
        return web.json_response({"ok": True})


async def wait_for(predicate, timeout: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if await predicate():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("condition not reached in time")


async def test_a_booking_never_waits_on_calcom_even_when_it_hangs(idb, clock, calcom):
    """Cal.com answering nothing for a minute while the worker talks to it: bookings are answered at once
    (a booking that waited on Cal.com would sit out the minute, far past the bound) and only queue rows."""
    tenant = await load_tenant(idb, tenant_doc(calcom.url))
    async with httpx.AsyncClient() as http:
        await sync_event_types(idb, T0, tenant, CalcomClient(http, calcom.url, API_KEY))
    calcom.mode, calcom.delay_s = "slow", 60.0
    task = asyncio.create_task(run_worker(idb, clock, stop=asyncio.Event(), poll_s=0.05, env=ENV))
    try:
        service = BookingService(idb, clock)
        for i in range(2):
            request = SlotRequest(service_id="herrenhaarschnitt", staff_id="fabian", start=MONDAY + timedelta(hours=i))
            customer = CustomerInput(name=f"Kunde {i}", phone=f"+49151000000{i:02d}")
            _view, created = await asyncio.wait_for(service.book(tenant, request, customer, call_id=f"c{i}"), 30)
            assert created
        rows = await outbox_rows(idb)
        assert len(rows) == 2 and {r.status for r in rows} == {"pending"}
    finally:
        # The worker is stuck in its minute-long call to Cal.com: cancel it and see it end before the
        # database and the fake are torn down under it (left running, it hung the event loop's close).
        task.cancel()
        done, _ = await asyncio.wait({task}, timeout=10)
        assert done, "the outbox worker did not stop within 10 s of being cancelled"


async def test_bookings_answer_while_calcom_is_down_and_the_background_worker_catches_up(idb, clock, calcom):
    tenant = await load_tenant(idb, tenant_doc(calcom.url))
    async with httpx.AsyncClient() as http:
        await sync_event_types(idb, T0, tenant, CalcomClient(http, calcom.url, API_KEY))
    await calcom.go_down()
    stop = asyncio.Event()
    config = WorkerConfig(backoff=Backoff(base_s=5, cap_s=60), breaker=BreakerPolicy(threshold=3, cooldown_s=30))
    task = asyncio.create_task(run_worker(idb, clock, stop=stop, poll_s=0.05, env=ENV, config=config))
    service = BookingService(idb, clock)
    for i in range(8):
        _view, created = await service.book(
            tenant,
            SlotRequest(
                service_id="ansatzfaerbung" if i % 2 else "herrenhaarschnitt",
                staff_id="mia" if i % 2 else "fabian",
                start=MONDAY + timedelta(hours=2 * (i // 2)),
            ),
            CustomerInput(name=f"Kunde {i}", phone=f"+49151000000{i:02d}"),
            call_id=f"call_{i}",
        )
        assert created
    await asyncio.sleep(0.3)  # the worker is failing in the background meanwhile
    rows = await outbox_rows(idb)
    assert len(rows) == 8 and all(r.status == "pending" for r in rows)

    clock.advance(60)  # a minute later Cal.com is back
    await calcom.come_back()
    for _ in range(10):
        clock.advance(30)
        await asyncio.sleep(0.2)

    async def all_sent() -> bool:
        return {r.status for r in await outbox_rows(idb)} == {"sent"}

    await wait_for(all_sent)
    stop.set()
    await asyncio.wait_for(task, 5)
    # 4 simple appointments (1 booking each) + 4 colourings (3 staff-busy segments each)
    assert len(calcom.active_bookings()) == 4 + 4 * 3


async def test_outbound_webhooks_signed_and_retried(idb, clock, monkeypatch):
    receiver = await FakeReceiver().start()
    url = f"{receiver.url}/hook"
    tenant = await load_tenant(idb, tenant_doc(None, webhooks=(url,)))
    service = BookingService(idb, clock)
    view, _ = await service.book(
        tenant,
        SlotRequest(service_id="herrenhaarschnitt", staff_id="mia", start=MONDAY),
        CustomerInput(name="Max", phone="+4915100000001"),
        call_id="c1",
    )
    receiver.fail_next(1, "500")
    worker = Worker(idb, clock, env=ENV, config=WorkerConfig(backoff=Backoff(base_s=5, cap_s=60)))
    assert (await worker.drain_once()).retried == 1
    clock.advance(5)
    assert (await worker.drain_once()).sent == 1
    await worker.aclose()
    await receiver.stop()
    first, second = receiver.calls("POST", "/hook")
    assert first.headers["X-Slotline-Delivery"] == second.headers["X-Slotline-Delivery"]  # same id on retry: dedupable
    body = json.dumps(second.body, separators=(",", ":"), ensure_ascii=False, sort_keys=True).encode()
    assert verify("hook-secret", second.headers["X-Slotline-Signature"], body, now=clock.now())
    assert not verify("other-secret", second.headers["X-Slotline-Signature"], body, now=clock.now())
    assert second.body["event"] == "appointment.created" and second.body["data"]["id"] == view.id
    assert "url" not in second.body["data"]


async def test_breaker_half_open_sends_one_probe(idb, clock, calcom):
    tenant = await load_tenant(idb, tenant_doc(calcom.url))
    async with httpx.AsyncClient() as http:
        await sync_event_types(idb, T0, tenant, CalcomClient(http, calcom.url, API_KEY))
    service = BookingService(idb, clock)
    for i in range(5):
        await service.book(
            tenant,
            SlotRequest(service_id="herrenhaarschnitt", staff_id="mia", start=MONDAY + timedelta(hours=i)),
            CustomerInput(name="X", phone=None),
            call_id=f"h{i}",
        )
    calcom.mode = "500"
    config = WorkerConfig(backoff=Backoff(base_s=1, cap_s=2), breaker=BreakerPolicy(threshold=2, cooldown_s=30))
    worker = Worker(idb, clock, env=ENV, config=config)
    await worker.drain_once()
    assert len(calcom.calls("POST", "/v2/bookings")) == 2  # opened after 2 failures; 3 rows untouched
    clock.advance(10)
    await worker.drain_once()
    assert len(calcom.calls(None, "/v2/bookings")) == 2  # open: nothing sent, no attempts burnt
    clock.advance(25)
    await worker.drain_once()
    assert len(calcom.calls(None, "/v2/bookings")) == 3  # half-open: exactly one probe request, which fails: open again
    calcom.mode = "up"
    clock.advance(31)
    report = await worker.drain_once()
    await worker.aclose()
    assert report.sent == 5  # the probe succeeded, the breaker closed, the rest followed
    states = await worker.breakers.states()
    assert states[0].state == "closed" and states[0].failures == 0
    assert max(r.attempts for r in await outbox_rows(idb)) <= 3
