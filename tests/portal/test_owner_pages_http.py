"""Calls (list and one call's timeline) for everyone; users (list, invite) for owners only: a staff user gets
403 there and writes nothing; CSRF on the invitation form."""

from __future__ import annotations

from aiohttp.test_utils import TestClient
from sqlalchemy import select

from agent_functions.context import SERVICES
from booking_core.storage.models import OutboxMessage
from booking_core.storage.portal_models import PortalToken
from tests.portal.portal_client import Seeded, csrf_of, log_in, record_call


async def tokens(client: TestClient) -> list[tuple[str, str]]:
    async with client.app[SERVICES].db.read() as session:
        return sorted((r.tenant_id, r.email) for r in await session.scalars(select(PortalToken)))


async def test_calls_list_and_a_calls_timeline(client: TestClient, seeded: Seeded) -> None:
    await record_call(
        client,
        "demo-salon",
        "call_a",
        {"service": "Ansatz färben", "date": "Montag"},
        "Am Montag um 10 Uhr ist leider schon belegt.",
    )
    await record_call(client, "demo-physio", "call_b", {"service": "massage"}, "Sorry, fully booked.")
    html = await (await client.get("/portal/calls")).text()
    assert 'href="/portal/calls/call_a"' in html and "call_b" not in html
    html = await (await client.get("/portal/calls/call_a")).text()
    assert "check_availability" in html and "Ansatz färben" in html
    assert "Am Montag um 10 Uhr ist leider schon belegt." in html and "call_ended" in html
    assert (await client.get("/portal/calls/call_b")).status == 404


async def test_owner_lists_users_and_invites(client: TestClient, seeded: Seeded) -> None:
    html = await (await client.get("/portal/users")).text()
    assert "anna@salon.example" in html
    bad = await client.post(
        "/portal/users/invite", data={"csrf": csrf_of(html), "email": "no-at-sign", "role": "staff"}
    )
    assert bad.status == 400 and "gültige E-Mail" in await bad.text()
    forged = await client.post(
        "/portal/users/invite", data={"csrf": "x", "email": "ben@salon.example", "role": "staff"}
    )
    assert forged.status == 403
    assert await tokens(client) == [("demo-salon", "anna@salon.example")]
    done = await client.post(
        "/portal/users/invite",
        allow_redirects=False,
        data={
            "csrf": csrf_of(html),
            "email": "ben@salon.example",
            "role": "staff",
            "lang": "en",
            "tenant_id": "demo-physio",
        },
    )  # a tenant field is ignored
    assert done.status == 302
    assert await tokens(client) == [("demo-salon", "anna@salon.example"), ("demo-salon", "ben@salon.example")]
    async with client.app[SERVICES].db.read() as session:
        mail = [r.payload for r in await session.scalars(select(OutboxMessage).where(OutboxMessage.target == "email"))]
    assert any(p["to"] == "ben@salon.example" and "/portal/accept/" in p["text"] for p in mail)


async def test_a_staff_user_gets_403_on_owner_pages(client: TestClient, seeded: Seeded) -> None:
    client.session.cookie_jar.clear()
    await log_in(client, "sam@salon.example", role="staff")
    html = await (await client.get("/portal/day")).text()
    assert "/portal/users" not in html  # the menu hides it
    assert (await client.get("/portal/users")).status == 403
    before = await tokens(client)
    refused = await client.post(
        "/portal/users/invite", data={"csrf": csrf_of(html), "email": "eve@x.example", "role": "owner"}
    )
    assert refused.status == 403
    assert await tokens(client) == before


async def test_costs_page_reports_the_own_tenants_calls(client: TestClient, seeded: Seeded) -> None:
    await record_call(client, "demo-salon", "call_a", {}, "Hallo")
    await record_call(client, "demo-physio", "call_b", {}, "Hello")
    html = await (await client.get("/portal/costs?from=2026-11-01&to=2026-11-30")).text()
    assert "2026-11-20" in html
    total = html.split('class="total"')[1]
    assert "<th>1</th>" in total  # one call: the other tenant's is not counted
    assert (await client.get("/portal/costs?from=garbage")).status == 200
