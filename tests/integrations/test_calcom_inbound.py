"""Inbound Cal.com webhooks: verified, turned into external busy blocks that availability respects."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from aiohttp import web
from sqlalchemy import select

from agent_functions.bootstrap import build_services
from agent_functions.calcom_webhook import add_calcom_routes
from agent_functions.context import SERVICES
from agent_functions.settings import Settings
from booking_core.domain import SlotRequest
from booking_core.service import BookingService
from booking_core.storage.models import ExternalBusy
from integrations.calcom.client import CalcomClient
from integrations.calcom.event_types import sync_event_types
from integrations.worker import Worker
from tests.integrations.helpers import API_KEY, ENV, SECRET, T0, appointment_payload, book, load_tenant, tenant_doc

SLOT = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)  # Monday 11:00 Berlin


def event(
    trigger: str,
    uid: str,
    start: datetime,
    minutes: int = 60,
    *,
    organizer: str = "fabian@salon.example",
    created: datetime = T0,
    **extra,
) -> dict:  # type: ignore[no-untyped-def]
    return {
        "triggerEvent": trigger,
        "createdAt": created.isoformat().replace("+00:00", "Z"),
        "payload": {
            "uid": uid,
            "title": "Privattermin",
            "type": "30min",
            "startTime": start.isoformat().replace("+00:00", "Z"),
            "endTime": (start + timedelta(minutes=minutes)).isoformat().replace("+00:00", "Z"),
            "organizer": {"id": 5, "name": "Fabian", "email": organizer, "timeZone": "Europe/Berlin"},
            "attendees": [{"name": "X", "email": "x@example.com"}],
            "metadata": {},
            **extra,
        },
    }


def signed(body: bytes, secret: str = SECRET) -> dict[str, str]:
    return {
        "X-Cal-Signature-256": hmac.new(secret.encode(), body, hashlib.sha256).hexdigest(),
        "Content-Type": "application/json",
    }


@pytest.fixture
async def app_client(idb, clock, aiohttp_client, monkeypatch, calcom):  # type: ignore[no-untyped-def]
    for k, v in ENV.items():
        monkeypatch.setenv(k, v)
    tenant = await load_tenant(idb, tenant_doc(calcom.url))
    app = web.Application()
    app[SERVICES] = build_services(Settings(), clock, db=idb)
    add_calcom_routes(app)
    client = await aiohttp_client(app)
    client.tenant = tenant
    return client


async def busy_rows(db):  # type: ignore[no-untyped-def]
    async with db.read() as session:
        return list((await session.scalars(select(ExternalBusy).order_by(ExternalBusy.id))).all())


async def test_forged_webhook_is_refused_and_writes_nothing(app_client, idb):
    body = json.dumps(event("BOOKING_CREATED", "forged1", SLOT)).encode()
    for headers in ({"X-Cal-Signature-256": "0" * 64}, signed(body, "wrong-secret"), {}):
        response = await app_client.post("/calcom/webhook/salon", data=body, headers=headers)
        assert response.status == 401
        assert (await response.json())["ok"] is False
    tampered = body.replace(b"forged1", b"forged2")
    response = await app_client.post("/calcom/webhook/salon", data=tampered, headers=signed(body))
    assert response.status == 401
    assert await busy_rows(idb) == []


async def test_unknown_tenant_and_junk_never_5xx(app_client):
    response = await app_client.post("/calcom/webhook/nobody", data=b"{}", headers=signed(b"{}"))
    assert response.status == 404
    response = await app_client.post("/calcom/webhook?tenant=salon", data=b"not json", headers=signed(b"not json"))
    assert response.status == 200 and (await response.json())["ok"] is False
    ping = json.dumps({"triggerEvent": "PING", "createdAt": "2026-11-20T09:00:00Z", "payload": {}}).encode()
    response = await app_client.post("/calcom/webhook/salon", data=ping, headers=signed(ping))
    assert response.status == 200


async def test_external_busy_block_makes_slot_unavailable(app_client, idb, clock):
    booking = BookingService(idb, clock)
    request = SlotRequest(service_id="herrenhaarschnitt", staff_id="fabian", start=SLOT)
    assert (await booking.check(app_client.tenant, request, None)).available

    body = json.dumps(event("BOOKING_CREATED", "ext-1", SLOT - timedelta(minutes=15))).encode()
    response = await app_client.post("/calcom/webhook/salon", data=body, headers=signed(body))
    assert response.status == 200 and (await response.json())["result"] == {"ext-1": "busy"}
    rows = await busy_rows(idb)
    assert len(rows) == 1 and rows[0].staff_id == "fabian" and rows[0].active
    outcome = await booking.check(app_client.tenant, request, None)
    assert not outcome.available
    mia = await booking.check(
        app_client.tenant, SlotRequest(service_id="herrenhaarschnitt", staff_id="mia", start=SLOT), None
    )
    assert mia.available  # the block is Fabian's only

    # Rescheduled in Cal.com: the old time frees up, the new one blocks
    moved = json.dumps(
        event(
            "BOOKING_RESCHEDULED",
            "ext-2",
            SLOT + timedelta(hours=3),
            rescheduleUid="ext-1",
            created=T0 + timedelta(minutes=1),
        )
    ).encode()
    assert (await app_client.post("/calcom/webhook/salon", data=moved, headers=signed(moved))).status == 200
    assert (await booking.check(app_client.tenant, request, None)).available
    # Cancelled: free again; a late, older CREATED for it does not bring it back
    cancel = json.dumps(
        event("BOOKING_CANCELLED", "ext-2", SLOT + timedelta(hours=3), created=T0 + timedelta(minutes=2))
    ).encode()
    await app_client.post("/calcom/webhook/salon", data=cancel, headers=signed(cancel))
    late = json.dumps(
        event("BOOKING_CREATED", "ext-2", SLOT + timedelta(hours=3), created=T0 + timedelta(minutes=1))
    ).encode()
    assert (await (await app_client.post("/calcom/webhook/salon", data=late, headers=signed(late))).json())[
        "result"
    ] == {"ext-2": "stale"}
    assert [r.active for r in await busy_rows(idb)] == [False, False]


async def test_unmapped_organizer_blocks_everyone(app_client, idb, clock):
    body = json.dumps(event("BOOKING_CREATED", "ext-9", SLOT, organizer="someone@else.example")).encode()
    await app_client.post("/calcom/webhook/salon", data=body, headers=signed(body))
    booking = BookingService(idb, clock)
    for staff in ("fabian", "mia"):
        outcome = await booking.check(
            app_client.tenant, SlotRequest(service_id="herrenhaarschnitt", staff_id=staff, start=SLOT), None
        )
        assert not outcome.available


async def test_own_mirrored_bookings_are_not_double_counted(app_client, idb, clock, calcom):
    async with httpx.AsyncClient() as http:
        await sync_event_types(idb, T0, app_client.tenant, CalcomClient(http, calcom.url, API_KEY))
    payload = appointment_payload(start=SLOT)
    await book(idb, clock.now(), payload)
    worker = Worker(idb, clock, env=ENV)
    await worker.drain_once()
    mirrored = calcom.active_bookings()[0]
    # Cal.com echoes our own booking back as a webhook: by metadata ...
    echo = event("BOOKING_CREATED", mirrored["uid"], SLOT, minutes=30)
    echo["payload"]["metadata"] = mirrored["metadata"]
    body = json.dumps(echo).encode()
    assert (await (await app_client.post("/calcom/webhook/salon", data=body, headers=signed(body))).json())[
        "ignored"
    ] == "own booking"
    # ... and by uid even when the metadata is stripped
    bare = json.dumps(event("BOOKING_CREATED", mirrored["uid"], SLOT, minutes=30)).encode()
    assert (await (await app_client.post("/calcom/webhook/salon", data=bare, headers=signed(bare))).json())[
        "ignored"
    ] == "own booking"
    # a reschedule of ours (new uid unknown yet, old uid ours) too
    moved = json.dumps(
        event("BOOKING_RESCHEDULED", "brand-new", SLOT + timedelta(hours=1), rescheduleUid=mirrored["uid"])
    ).encode()
    assert (await (await app_client.post("/calcom/webhook/salon", data=moved, headers=signed(moved))).json())[
        "ignored"
    ] == "own booking"
    await worker.aclose()
    assert await busy_rows(idb) == []
