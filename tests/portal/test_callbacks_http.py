"""The callbacks inbox over real HTTP: open requests first, mark one done (once), CSRF, other tenants' unseen."""

from __future__ import annotations

import re

from aiohttp.test_utils import TestClient
from sqlalchemy import select

from agent_functions.context import SERVICES
from booking_core.storage.models import CallbackRequest
from tests.portal.portal_client import Seeded, csrf_of


async def statuses(client: TestClient) -> dict[str, str]:
    async with client.app[SERVICES].db.read() as session:
        return {r.id: r.status for r in await session.scalars(select(CallbackRequest))}


async def test_open_callbacks_first_then_mark_one_done(client: TestClient, seeded: Seeded) -> None:
    booking = client.app[SERVICES].booking
    first = await booking.create_callback(
        await client.app[SERVICES].tenants.get("demo-salon"),
        call_id="call_1",
        customer_name="Lena Vogel",
        phone="+4917612345678",
        reason="Frage zur Farbe",
    )
    second = await booking.create_callback(
        await client.app[SERVICES].tenants.get("demo-salon"),
        call_id=None,
        customer_name="Jonas Berg",
        phone=None,
        reason="Terminwunsch Samstag",
    )
    other = await booking.create_callback(
        await client.app[SERVICES].tenants.get("demo-physio"),
        call_id=None,
        customer_name="Tom Hill",
        phone=None,
        reason="x",
    )
    html = await (await client.get("/portal/callbacks")).text()
    assert "Tom Hill" not in html and other not in html
    assert 'href="/portal/calls/call_1"' in html and 'href="tel:+4917612345678"' in html
    response = await client.post(f"/portal/callbacks/{first}/done", data={"csrf": csrf_of(html)}, allow_redirects=False)
    assert response.status == 302 and response.headers["Location"] == "/portal/callbacks?done=closed"
    html = await (await client.get("/portal/callbacks?done=closed")).text()
    assert "Rückruf erledigt." in html
    order = re.findall(r'data-callback-id="([^"]+)" data-status="(\w+)"', html)
    assert order == [(second, "open"), (first, "done")]  # open first
    again = await client.post(f"/portal/callbacks/{first}/done", data={"csrf": csrf_of(html)}, allow_redirects=False)
    assert again.headers["Location"] == "/portal/callbacks?done=already"
    assert await statuses(client) == {first: "done", second: "open", other: "open"}


async def test_marking_done_needs_csrf_and_an_own_callback(client: TestClient, seeded: Seeded) -> None:
    booking = client.app[SERVICES].booking
    mine = await booking.create_callback(
        await client.app[SERVICES].tenants.get("demo-salon"), call_id=None, customer_name="A", phone=None, reason=None
    )
    other = await booking.create_callback(
        await client.app[SERVICES].tenants.get("demo-physio"), call_id=None, customer_name="B", phone=None, reason=None
    )
    html = await (await client.get("/portal/callbacks")).text()
    forged = await client.post(f"/portal/callbacks/{mine}/done", data={"csrf": "forged"}, allow_redirects=False)
    assert forged.status == 403
    foreign = await client.post(f"/portal/callbacks/{other}/done", data={"csrf": csrf_of(html)}, allow_redirects=False)
    assert foreign.status == 404
    assert await statuses(client) == {mine: "open", other: "open"}
