"""The live balance (Server-Sent Events), the balance and outcome counts on the admin cost page, the
fallback-rate flag, the reseller report across tenants, the statement over HTTP, and a negative
balance that never cuts off a caller."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from aiohttp.test_utils import TestClient, TestServer

from agent_functions.app import create_app
from agent_functions.bootstrap import build_services
from agent_functions.call_events import handle_call_event
from agent_functions.settings import Settings
from agent_functions.signature import Signer
from booking_core.call_outcomes import note_status
from booking_core.calls import store_fx_rates
from booking_core.clock import FrozenClock
from booking_core.storage import models as m
from booking_core.storage.db import Database
from tests.billing.helpers import ADMIN_TOKEN, AUTH, NOW, billing_services, move, prepaid_tenant
from tests.costs.helpers import add_appointment, call_payload

COST = {"product_costs": [], "combined_cost": 11.59, "total_duration_seconds": 94}


@pytest.fixture
async def client(db: Database, clock: FrozenClock) -> AsyncIterator[TestClient]:
    async with TestClient(TestServer(create_app(billing_services(db, clock)))) as test_client:
        yield test_client


async def read_event(response, timeout: float = 5.0) -> dict:  # type: ignore[no-untyped-def]
    """The next `event: balance` of an SSE stream, as (event, data)."""
    lines: list[str] = []
    while True:
        raw = await asyncio.wait_for(response.content.readline(), timeout)
        line = raw.decode().rstrip("\r\n")
        if line == "" and lines:
            fields = dict(item.split(": ", 1) for item in lines if not item.startswith(":"))
            if fields.get("event") == "balance":
                return json.loads(fields["data"])
            lines = []
        elif line:
            lines.append(line)


async def test_the_live_balance_streams_every_change(client: TestClient, db: Database) -> None:
    tenant = await prepaid_tenant(db)
    response = await client.get("/admin/billing/balance/stream", params={"tenant": tenant.id}, headers=AUTH)
    assert response.status == 200 and response.headers["Content-Type"].startswith("text/event-stream")
    assert (await read_event(response))["balance"] == "0.00"
    await move(db, tenant, "topup", "25.50", NOW, ref="pi_live")
    first = await read_event(response)
    assert first == {"balance": "25.50", "at": NOW.isoformat()}
    await move(db, tenant, "call_charge", "-0.125", NOW + timedelta(seconds=5), call_id="c1")
    assert (await read_event(response))["balance"] == "25.38"  # rounded half-up for display; the ledger keeps 25.375
    response.close()
    assert (await client.get("/admin/billing/balance/stream", params={"tenant": tenant.id})).status == 401
    assert (await client.get("/admin/billing/balance/stream", params={"tenant": "nobody"}, headers=AUTH)).status == 404


async def test_cost_page_shows_balance_outcomes_and_says_when_the_fallback_rate_was_used(
    client: TestClient, db: Database, clock: FrozenClock
) -> None:
    tenant = await prepaid_tenant(db)
    services = billing_services(db, clock)
    for call_id in ("c_booked", "c_callback", "c_error", "c_refused"):
        await handle_call_event(
            services, tenant, {"event": "call_ended", "call": call_payload(call_id, call_cost=COST)}
        )
    await add_appointment(db, tenant.id, "c_booked")
    async with db.write() as session:
        session.add(
            m.CallbackRequest(
                id="cb1",
                tenant_id=tenant.id,
                call_id="c_callback",
                reason="Rückruf wegen Preis",
                status="open",
                created_at=NOW,
            )
        )
        session.add(
            m.CallbackRequest(
                id="cb2",
                tenant_id=tenant.id,
                call_id="c_error",
                reason="technical fault during book_appointment",
                status="open",
                created_at=NOW,
            )
        )
    assert await note_status(db, tenant.id, "c_refused", "policy_denied", NOW)
    assert await note_status(db, tenant.id, "c_refused", "policy_denied", NOW)  # counted per call, not per answer
    assert not await note_status(db, tenant.id, "c_refused", "booked", NOW)
    params = {"tenant": tenant.id, "from": "2026-11-01", "to": "2026-11-30"}
    totals = (await (await client.get("/admin/costs", params=params, headers=AUTH)).json())["totals"]
    assert (
        totals["booked_calls"],
        totals["callback_calls"],
        totals["error_calls"],
        totals["policy_refusal_calls"],
    ) == (1, 1, 1, 1)
    assert totals["fallback_fx_calls"] == 4  # no ECB rate stored
    page = await (await client.get("/admin/costs/page", params={**params, "token": ADMIN_TOKEN})).text()
    assert "EZB-Kurs des Anruftags" not in page and "4 Anruf(e) mit Ersatzkurs" in page
    assert "Guthaben (unter null)" in page and "Richtlinie abgelehnt 1" in page
    await store_fx_rates(db, {date(2026, 11, 19): D("1.0412")})
    page = await (await client.get("/admin/costs/page", params={**params, "token": ADMIN_TOKEN})).text()
    assert "EZB-Kurs des Anruftags" in page and "Ersatzkurs" not in page


async def test_reseller_report_across_tenants_flags_those_below_zero(
    client: TestClient, db: Database, clock: FrozenClock
) -> None:
    salon = await prepaid_tenant(db)
    physio = await prepaid_tenant(db, "demo-physio")
    await store_fx_rates(db, {date(2026, 11, 19): D("1.0412")})
    services = billing_services(db, clock)
    await move(db, physio, "topup", "10", NOW, ref="pi_physio")
    await handle_call_event(services, salon, {"event": "call_ended", "call": call_payload("s1", call_cost=COST)})
    await handle_call_event(
        services, physio, {"event": "call_ended", "call": call_payload("p1", duration_s=125, to_number="+442071234567")}
    )
    response = await client.get(
        "/admin/billing/reseller", params={"from": "2026-11-01", "to": "2026-11-30"}, headers=AUTH
    )
    assert response.status == 200
    body = await response.json()
    rows = {r["tenant"]: r for r in body["tenants"]}
    assert rows["demo-physio"]["billed_eur"] == "0.70"  # 3 started minutes x 0.20 + 0.10 per call
    assert rows["demo-physio"]["balance_eur"] == "9.30" and not rows["demo-physio"]["below_zero"]
    assert rows["demo-salon"]["below_zero"] and body["below_zero"] == ["demo-salon"]
    assert D(rows["demo-salon"]["balance_eur"]) == -D(rows["demo-salon"]["billed_eur"])
    assert body["totals"]["calls"] == 2 and D(body["totals"]["margin_eur"]) == sum(
        D(r["margin_eur"]) for r in rows.values()
    )
    bad = await client.get("/admin/billing/reseller", params={"from": "2026-12-01", "to": "2026-11-01"}, headers=AUTH)
    assert bad.status == 400


async def test_statement_and_transactions_over_http(client: TestClient, db: Database) -> None:
    tenant = await prepaid_tenant(db)
    await move(db, tenant, "topup", "100", NOW - timedelta(days=30), ref="pi_oct")
    response = await client.get(
        "/admin/billing/statement", params={"tenant": tenant.id, "month": "2026-10", "format": "csv"}, headers=AUTH
    )
    assert response.status == 200 and "kontoauszug-demo-salon-2026-10.csv" in response.headers["Content-Disposition"]
    assert "RE-demo-salon-000001" in (await response.read()).decode("utf-8-sig")
    pdf = await client.get("/admin/billing/statement", params={"tenant": tenant.id, "month": "2026-10"}, headers=AUTH)
    assert pdf.status == 200 and pdf.headers["Content-Type"] == "application/pdf"
    for params in (
        {"tenant": tenant.id, "month": "2026-1"},
        {"tenant": tenant.id, "month": "2026-10", "format": "xls"},
    ):
        assert (await client.get("/admin/billing/statement", params=params, headers=AUTH)).status == 400
    rows = (await (await client.get("/admin/billing/transactions", params={"tenant": tenant.id}, headers=AUTH)).json())[
        "transactions"
    ]
    assert [(r["kind"], r["amount"], r["balance_after"], r["ref"]) for r in rows] == [("topup", "100", "100", "pi_oct")]
    assert (
        await client.get("/admin/billing/transactions", params={"tenant": tenant.id, "limit": "0"}, headers=AUTH)
    ).status == 400


async def test_a_negative_balance_never_cuts_off_a_caller(db: Database) -> None:
    clock = FrozenClock(NOW)
    services = build_services(
        Settings(database_url=db.url, retell_api_keys=["k"], admin_token=ADMIN_TOKEN, _env_file=None), clock
    )  # type: ignore[call-arg]
    tenant = await prepaid_tenant(db)
    await move(db, tenant, "call_charge", "-500", NOW, call_id="earlier")
    body = json.dumps(
        {
            "name": "check_availability",
            "args": {"service": "Herrenhaarschnitt", "when": "morgen um 11"},
            "call": {"call_id": "neg_1", "from_number": "+4915100000017", "to_number": "+4930555000100"},
        }
    ).encode()
    async with TestClient(TestServer(create_app(services))) as client:
        response = await client.post(
            "/retell/functions",
            data=body,
            headers={"X-Retell-Signature": Signer("k", clock.now).header(body), "Content-Type": "application/json"},
        )
        answer = await response.json()
    assert response.status == 200 and answer["status"] in ("available", "unavailable"), answer
