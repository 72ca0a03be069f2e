"""GET /admin/costs (JSON, CSV), /admin/costs/page (HTML) and /admin/calls over real HTTP."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from aiohttp import web

from agent_functions.admin import add_admin_routes
from agent_functions.call_events import handle_call_event
from agent_functions.context import SERVICES
from booking_core.calls import store_fx_rates
from tests.costs.helpers import ADMIN_TOKEN, NOW, add_appointment, call_payload, load_tenant, services_for

AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
COST = {"product_costs": [], "combined_cost": 11.59, "total_duration_seconds": 94}


async def seed(db):
    tenant = await load_tenant(db, "demo-salon")
    await store_fx_rates(db, {date(2026, 11, 20): D("1.0412")})
    services = services_for(db)
    starts = [NOW, NOW + timedelta(hours=2), NOW + timedelta(days=1, hours=3)]
    for i, start in enumerate(starts):
        await handle_call_event(
            services, tenant, {"event": "call_ended", "call": call_payload(f"c{i}", start=start, call_cost=COST)}
        )
    await handle_call_event(
        services,
        tenant,
        {
            "event": "call_started",
            "call": call_payload("=evil()", start=NOW + timedelta(hours=5), duration_ms=None, end_timestamp=None),
        },
    )
    await add_appointment(db, tenant.id, "c0")
    return tenant


@pytest.fixture
async def client(aiohttp_client, db):
    await seed(db)
    app = web.Application()
    app[SERVICES] = services_for(db)
    add_admin_routes(app)
    return await aiohttp_client(app)


async def test_json_report(client):
    resp = await client.get(
        "/admin/costs",
        params={"tenant": "demo-salon", "from": "2026-11-01", "to": "2026-11-30", "by": "day"},
        headers=AUTH,
    )
    assert resp.status == 200
    body = await resp.json()
    assert body["tenant"] == "demo-salon" and body["currency"] == "EUR" and body["by"] == "day"
    assert [(r["key"], r["calls"]) for r in body["rows"]] == [("2026-11-20", 3), ("2026-11-21", 1)]
    day = body["rows"][0]
    assert day["bookings"] == 1
    # per call: 0.1159 USD Retell + 2 started minutes x 0.014 USD own telephony, at 1.0412
    assert day["retell_eur"] == "0.32"  # (2 x 0.1159 + estimated ongoing call 0.10) / 1.0412 = 0.3187
    assert day["telephony_eur"] == "0.05"  # 2 x 0.028 / 1.0412
    totals = body["totals"]
    assert totals["calls"] == 4 and totals["estimated_calls"] == 1
    assert totals["cost_per_booking_eur"] == totals["cost_eur"]


async def test_csv_de_and_plain(client):
    params = {"tenant": "demo-salon", "from": "2026-11-01", "to": "2026-11-30", "by": "call", "format": "csv"}
    de = await client.get("/admin/costs", params={**params, "dialect": "de"}, headers=AUTH)
    assert de.status == 200 and de.headers["Content-Type"].startswith("text/csv")
    raw = await de.read()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0].startswith("key;calls;minutes;")
    assert any(line.startswith("'=evil();") for line in lines)  # the formula-looking call id is escaped
    assert lines[-1].startswith("total;4;")
    assert "," in lines[1] and "." not in lines[1].split(";", 1)[1]
    plain = await client.get("/admin/costs", params={**params, "dialect": "plain"}, headers=AUTH)
    assert (await plain.text()).splitlines()[0].startswith("key,calls,minutes,")


@pytest.mark.parametrize(
    "headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": ADMIN_TOKEN}, {"Authorization": "Basic eDp5"}]
)
async def test_bad_or_missing_token_is_401(client, headers):
    for path in ("/admin/costs", "/admin/costs/page", "/admin/calls"):
        resp = await client.get(path, params={"tenant": "demo-salon"}, headers=headers)
        assert resp.status == 401, path
        assert (await resp.json())["error"] == "unauthorized"


async def test_query_token_only_on_the_page(client):
    assert (await client.get("/admin/costs", params={"tenant": "demo-salon", "token": ADMIN_TOKEN})).status == 401
    page = await client.get("/admin/costs/page", params={"tenant": "demo-salon", "token": ADMIN_TOKEN})
    assert page.status == 200 and page.headers["Referrer-Policy"] == "no-referrer"
    assert (await client.get("/admin/costs/page", params={"tenant": "demo-salon", "token": "wrong"})).status == 401


async def test_no_admin_token_configured_is_never_open(aiohttp_client, db):
    app = web.Application()
    app[SERVICES] = services_for(db, admin_token=None)
    add_admin_routes(app)
    client = await aiohttp_client(app)
    for headers in ({}, {"Authorization": "Bearer "}, {"Authorization": "Bearer None"}):
        assert (await client.get("/admin/costs", headers=headers)).status == 401
    assert (await client.get("/admin/costs/page", params={"token": ""})).status == 401


@pytest.mark.parametrize(
    "params, message",
    [
        ({"tenant": "nope"}, "unknown tenant"),
        ({"tenant": "demo-salon", "from": "20.11.2026"}, "from must be a date"),
        ({"tenant": "demo-salon", "from": "2026-11-30", "to": "2026-11-01"}, "must not be after"),
        ({"tenant": "demo-salon", "by": "week"}, "by must be one of"),
        ({"tenant": "demo-salon", "format": "xml"}, "format must be one of"),
        ({"tenant": "demo-salon", "format": "csv", "dialect": "fr"}, "dialect must be one of"),
    ],
)
async def test_bad_queries_are_400(client, params, message):
    resp = await client.get("/admin/costs", params=params, headers=AUTH)
    assert resp.status == 400
    assert message in (await resp.json())["message"]


async def test_default_range_is_this_month_in_the_tenant_zone(client):
    body = await (await client.get("/admin/costs", params={"tenant": "demo-salon"}, headers=AUTH)).json()
    assert (body["from"], body["to"]) == ("2026-11-01", "2026-11-20")


async def test_single_tenant_needs_no_tenant_param(client):
    body = await (
        await client.get("/admin/costs", params={"from": "2026-11-20", "to": "2026-11-20"}, headers=AUTH)
    ).json()
    assert body["tenant"] == "demo-salon" and body["totals"]["calls"] == 3


async def test_html_page(client):
    resp = await client.get(
        "/admin/costs/page", params={"tenant": "demo-salon", "from": "2026-11-18", "to": "2026-11-24"}, headers=AUTH
    )
    assert resp.status == 200 and resp.content_type == "text/html"
    assert (
        "script-src" not in resp.headers["Content-Security-Policy"]
        and "default-src 'none'" in resp.headers["Content-Security-Policy"]
    )
    html = await resp.text()
    assert "<svg" in html and 'id="cost-chart"' in html
    assert html.count('class="bar cost"') == 7 and html.count('class="bar billed"') == 7  # one pair per day
    assert (
        "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "") and "https://" not in html
    )  # no external assets
    assert "&#x27;" not in html or "=evil()" in html
    assert "=evil()" in html and "<script" not in html
    assert "Salon Sonnenschein" in html and "estimated" in html


async def test_call_records_endpoint(client):
    body = await (await client.get("/admin/calls", params={"tenant": "demo-salon"}, headers=AUTH)).json()
    assert [c["call_id"] for c in body["calls"]] == ["c0", "c1", "=evil()", "c2"]
    one = await (
        await client.get("/admin/calls", params={"tenant": "demo-salon", "call_id": "c0"}, headers=AUTH)
    ).json()
    assert one["cost"]["total_usd"] == "0.1439" and len(one["appointments"]) == 1
    assert (
        await client.get("/admin/calls", params={"tenant": "demo-salon", "call_id": "nope"}, headers=AUTH)
    ).status == 404
