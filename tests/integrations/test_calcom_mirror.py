"""Cal.com mirror through the outbox, against the fake Cal.com."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select

from booking_core.storage.integration_models import CalcomBooking
from integrations.backoff import Backoff
from integrations.breaker import BreakerPolicy
from integrations.calcom.client import CalcomClient
from integrations.calcom.event_types import sync_event_types
from integrations.worker import Worker, WorkerConfig
from tests.integrations.helpers import API_KEY, ENV, T0, appointment_payload, book, load_tenant, outbox_rows, tenant_doc

CONFIG = WorkerConfig(
    max_attempts=6, backoff=Backoff(base_s=5, cap_s=600), breaker=BreakerPolicy(threshold=3, cooldown_s=30)
)


async def setup(idb, calcom):  # type: ignore[no-untyped-def]
    tenant = await load_tenant(idb, tenant_doc(calcom.url))
    async with httpx.AsyncClient() as http:
        report = await sync_event_types(idb, T0, tenant, CalcomClient(http, calcom.url, API_KEY))
    return tenant, report


async def links(idb):  # type: ignore[no-untyped-def]
    async with idb.read() as session:
        return list((await session.scalars(select(CalcomBooking).order_by(CalcomBooking.segment_key))).all())


async def test_sync_event_types_creates_hidden_types_once(idb, calcom):
    _, report = await setup(idb, calcom)
    assert sorted(report.created) == ["ansatzfaerbung/A", "ansatzfaerbung/B", "ansatzfaerbung/C", "herrenhaarschnitt"]
    assert all(et["hidden"] for et in calcom.event_types.values())
    lengths = {et["slug"]: et["lengthInMinutes"] for et in calcom.event_types.values()}
    assert lengths["slotline-salon-ansatzfaerbung-b"] == 15
    assert lengths["slotline-salon-herrenhaarschnitt"] == 30
    # every request authenticated and versioned
    assert all(r.headers["Authorization"] == f"Bearer {API_KEY}" for r in calcom.requests)
    assert {r.headers["cal-api-version"] for r in calcom.requests} == {"2024-06-14"}
    _, again = await setup(idb, calcom)  # re-run: finds them by slug, creates nothing
    assert again.created == [] and len(again.unchanged) == 4 and len(calcom.event_types) == 4


async def test_booking_reschedule_cancel_mirrored_per_segment(idb, calcom, clock):
    await setup(idb, calcom)
    payload = appointment_payload(service="ansatzfaerbung")
    await book(idb, clock.now(), payload)
    report = await Worker(idb, clock, env=ENV, config=CONFIG).drain_once()
    assert report.sent == 1
    assert len(calcom.active_bookings()) == 3  # one per staff-busy segment
    created = calcom.calls("POST", "/v2/bookings")
    assert {r.headers["cal-api-version"] for r in created} == {"2024-08-13"}
    assert {r.body["metadata"]["slotline_segment"] for r in created} == {"A", "B", "C"}
    assert {r.body["metadata"]["slotline_appointment"] for r in created} == {payload["id"]}
    assert [link.segment_key for link in await links(idb)] == ["A", "B", "C"]

    moved = appointment_payload(service="ansatzfaerbung", appointment_id=payload["id"], start=T0 + timedelta(days=2))
    await book(idb, clock.now(), moved, topic="appointment.rescheduled")
    await Worker(idb, clock, env=ENV, config=CONFIG).drain_once()
    active = calcom.active_bookings()
    assert len(active) == 3 and min(b["start"] for b in active).startswith("2026-11-22T09:00")
    assert len(calcom.calls("POST", "/v2/bookings/")) == 3  # three reschedule calls

    await book(idb, clock.now(), {**moved, "status": "cancelled"}, topic="appointment.cancelled")
    await Worker(idb, clock, env=ENV, config=CONFIG).drain_once()
    assert calcom.active_bookings() == []
    assert {link.status for link in await links(idb)} == {"cancelled"}
    assert {r.status for r in await outbox_rows(idb)} == {"sent"}


async def test_writing_a_booking_touches_no_network(idb, calcom, clock):
    """The caller's path: appointment + outbox row commit locally, whatever Cal.com is doing."""
    await setup(idb, calcom)
    calcom.mode = "slow"  # would hang any request for 30 s
    before = len(calcom.requests)
    for _ in range(20):
        await asyncio.wait_for(book(idb, clock.now(), appointment_payload()), 20)  # a hung request would take 30 s
    assert len(calcom.requests) == before
    assert len(await outbox_rows(idb)) == 20


async def test_calcom_down_for_a_minute_then_mirror_catches_up(idb, calcom, clock):
    await setup(idb, calcom)
    await calcom.go_down()
    worker = Worker(idb, clock, env=ENV, config=CONFIG)
    payloads = [appointment_payload(start=T0 + timedelta(days=1, hours=h)) for h in range(5)]
    for p in payloads:
        await book(idb, clock.now(), p)  # never waits on Cal.com: test_writing_a_booking_touches_no_network
    first = await worker.drain_once()
    assert first.sent == 0 and first.retried == 3 and first.released == 2  # breaker opened after 3 failures
    # The minute Cal.com is away: the worker keeps polling, the breaker keeps rows from burning attempts.
    for _ in range(6):
        clock.advance(10)
        await worker.drain_once()
    rows = await outbox_rows(idb)
    assert all(r.status == "pending" for r in rows)
    assert max(r.attempts for r in rows) < CONFIG.max_attempts
    await calcom.come_back()
    for _ in range(20):  # let backoff and the half-open probe run their course
        clock.advance(30)
        await worker.drain_once()
        if all(r.status == "sent" for r in await outbox_rows(idb)):
            break
    await worker.aclose()
    assert {r.status for r in await outbox_rows(idb)} == {"sent"}
    assert len(calcom.active_bookings()) == 5  # each mirrored exactly once


async def test_429_retry_after_is_honoured(idb, calcom, clock):
    await setup(idb, calcom)
    await book(idb, clock.now(), appointment_payload())
    await book(idb, clock.now(), appointment_payload(start=T0 + timedelta(days=3)))
    calcom.retry_after_s = 120
    calcom.fail_next(1, "429")
    worker = Worker(idb, clock, env=ENV, config=CONFIG)
    report = await worker.drain_once()
    assert report.sent == 0 and report.retried == 1 and report.released == 1
    row = (await outbox_rows(idb))[0]
    assert row.next_attempt_at >= T0 + timedelta(seconds=120)
    assert row.attempts == 1
    posts = len(calcom.calls("POST"))
    clock.advance(119)
    assert (await worker.drain_once()).claimed == 0  # the whole integration waits, not just the row
    assert len(calcom.calls("POST")) == posts
    clock.advance(1)
    report = await worker.drain_once()
    await worker.aclose()
    assert report.sent == 2
    assert len(calcom.active_bookings()) == 2


async def test_500s_retry_with_backoff_then_dead_letter(idb, calcom, clock):
    await setup(idb, calcom)
    await book(idb, clock.now(), appointment_payload())
    calcom.mode = "500"
    config = WorkerConfig(max_attempts=4, backoff=Backoff(base_s=5, cap_s=600), breaker=BreakerPolicy(threshold=100))
    worker = Worker(idb, clock, env=ENV, config=config)
    delays = []
    for _ in range(4):
        await worker.drain_once()
        row = (await outbox_rows(idb))[0]
        if row.status == "dead":
            break
        delay = (row.next_attempt_at - clock.now()).total_seconds()
        delays.append(delay)
        clock.advance(delay)
    await worker.aclose()
    row = (await outbox_rows(idb))[0]
    assert row.status == "dead" and row.attempts == 4 and "HTTP 500" in row.last_error
    # exponential with jitter: attempt n waits within [base*2^(n-1)/2, base*2^(n-1)]
    for n, delay in enumerate(delays, start=1):
        assert 5 * 2 ** (n - 1) / 2 <= delay <= 5 * 2 ** (n - 1)


async def test_timeout_is_retryable(idb, calcom, clock):
    await setup(idb, calcom)
    await book(idb, clock.now(), appointment_payload())
    calcom.delay_s = 3  # tenant timeout is 1 s
    calcom.fail_next(1, "slow")
    worker = Worker(idb, clock, env=ENV, config=CONFIG)
    assert (await worker.drain_once()).retried == 1
    clock.advance(600)
    assert (await worker.drain_once()).sent == 1
    await worker.aclose()
    # The timed-out create may have landed in Cal.com: the retry looked before creating again.
    assert len(calcom.calls("GET", "/v2/bookings")) >= 1


async def test_crash_mid_send_is_retried_without_duplicate(idb, calcom, clock):
    """Cal.com created the booking, then the worker died before recording it: the lease expires and
    the retry finds the booking by our metadata instead of creating a second one."""
    await setup(idb, calcom)
    payload = appointment_payload()
    await book(idb, clock.now(), payload)
    from integrations import outbox
    from integrations.calcom.mirror import CalcomMirror
    from integrations.worker import SendContext

    claimed = await outbox.claim(idb, clock.now(), lease_s=60)
    async with httpx.AsyncClient() as http:
        tenant = await load_tenant(idb, tenant_doc(calcom.url))
        # simulate the crash: the remote create succeeds, nothing local is written afterwards
        mirror = CalcomMirror()
        from integrations.calcom.mirror import event_type_for, parts_of

        part = parts_of(payload, tenant)[0]
        et = await event_type_for(idb, tenant.integrations.calcom, "salon", part.service_id, part.key)
        await mirror._create(
            CalcomClient(http, calcom.url, API_KEY), tenant.integrations.calcom, tenant, payload, part, et
        )
    assert len(calcom.active_bookings()) == 1
    worker = Worker(idb, clock, env=ENV, config=CONFIG)
    assert (await worker.drain_once()).claimed == 0  # lease still held by the dead worker
    clock.advance(61)
    report = await worker.drain_once()
    await worker.aclose()
    assert report.sent == 1
    assert len(calcom.active_bookings()) == 1
    assert (await outbox_rows(idb))[0].attempts == 2
    assert len(await links(idb)) == 1
    assert claimed and SendContext


async def test_missing_api_key_and_event_type_are_not_silent(idb, calcom, clock):
    await load_tenant(idb, tenant_doc(calcom.url))  # no sync-event-types run
    await book(idb, clock.now(), appointment_payload())
    worker = Worker(idb, clock, env=ENV, config=CONFIG)
    await worker.drain_once()
    row = (await outbox_rows(idb))[0]
    assert row.status == "pending" and "sync-event-types" in row.last_error
    worker2 = Worker(idb, clock, env={}, config=CONFIG)
    clock.advance(3600)
    await worker2.drain_once()
    row = (await outbox_rows(idb))[0]
    assert "TEST_CALCOM_KEY" in row.last_error and API_KEY not in row.last_error
    await worker.aclose()
    await worker2.aclose()


@pytest.mark.parametrize("fault", ["key_refused", "event_type_gone"])
async def test_permanent_client_error_dead_letters_at_once(idb, calcom, clock, fault):
    await setup(idb, calcom)
    await book(idb, clock.now(), appointment_payload())
    if fault == "key_refused":
        calcom.api_key = "rotated"  # our key is refused: 401
    else:
        calcom.event_types.clear()  # deleted in Cal.com: 404
    worker = Worker(idb, clock, env=ENV, config=CONFIG)
    await worker.drain_once()
    await worker.aclose()
    row = (await outbox_rows(idb))[0]
    assert row.status == "dead" and row.attempts == 1
    assert ("HTTP 401" if fault == "key_refused" else "HTTP 404") in row.last_error
