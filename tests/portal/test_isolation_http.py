"""Tenant isolation over every portal route: a logged-in demo-salon owner walks each route the app has with
demo-physio's ids (appointment id and reference, callback id) and valid CSRF tokens and versions. Each answer
is 404 (or a page showing none of the other tenant's data) and nothing is written. A route this test does not
know fails it, so a new page cannot skip the walk."""

from __future__ import annotations

from aiohttp.test_utils import TestClient
from sqlalchemy import select

from agent_functions.context import SERVICES
from booking_core.storage.models import CallbackRequest
from booking_core.storage.portal_models import PortalToken
from tests.portal.portal_client import MONDAY, Seeded, csrf_of, record_call, state

#: Pages before login: their tenant comes from a one-time token or the login itself (tests/portal/test_auth_http.py).
BEFORE_LOGIN = {"/portal/login", "/portal/logout", "/portal/accept/{token}", "/portal/reset", "/portal/reset/{token}"}


def portal_routes(client: TestClient) -> set[tuple[str, str]]:
    routes = set()
    for route in client.app.router.routes():
        path = route.resource.canonical if route.resource else ""
        if path.startswith("/portal/") and route.method in ("GET", "POST"):
            routes.add((route.method, path))
    return routes


async def written(client: TestClient) -> tuple[object, ...]:
    async with client.app[SERVICES].db.read() as session:
        callbacks = sorted((r.id, r.status) for r in await session.scalars(select(CallbackRequest)))
        tokens = sorted((r.tenant_id, r.email) for r in await session.scalars(select(PortalToken)))
    return (await state(client), callbacks, tokens)


async def test_every_route_refuses_another_tenants_ids(client: TestClient, seeded: Seeded) -> None:
    foreign_callback = await client.app[SERVICES].booking.create_callback(
        await client.app[SERVICES].tenants.get("demo-physio"),
        call_id="call_physio",
        customer_name="Tom Hill",
        phone="+447700900123",
        reason="pain",
    )
    await record_call(client, "demo-physio", "call_physio", {"service": "massage"}, "Sorry, fully booked.")
    markers = (
        "Tom Hill",
        "+447700900123",
        seeded.physio.id,
        seeded.physio.reference,
        foreign_callback,
        "Olivia",
        "call_physio",
    )
    ids = {
        "/portal/appointments/": [seeded.physio.id, seeded.physio.reference],
        "/portal/callbacks/": [foreign_callback],
        "/portal/calls/": ["call_physio"],
    }
    html = await (await client.get("/portal/day")).text()
    form = {
        "csrf": csrf_of(html),
        "version": str(seeded.physio.version),
        "date": MONDAY,
        "time": "12:00",
        "staff_id": "olivia",
        "status": "confirmed",
        "reason": "x",
    }
    before = await written(client)
    walked = set()
    for method, path in sorted(portal_routes(client)):
        if path in BEFORE_LOGIN:
            continue
        walked.add((method, path))
        if (method, path) == ("POST", "/portal/users/invite"):  # its tenant is the session's, never a field
            response = await client.post(path, data={**form, "tenant_id": "demo-physio", "email": "x@y.example"})
            assert response.status == 400  # the walk's role field is no role: refused, nothing written
            continue
        if "{id}" not in path:
            assert method == "GET", f"{method} {path}: a form without an id; add it to this walk"
            queries = ("", f"?date={MONDAY}")
            if path == "/portal/balance/statement":  # the month's statement of the session's tenant only
                queries = ("?month=2026-11&format=csv", "?month=2026-11&tenant=demo-physio&format=csv", "?tenant=x")
            for query in queries:
                response = await client.get(path + query)
                text = (await response.read()).decode("utf-8", "replace")
                assert response.status in (200, 403) or (query == "?tenant=x" and response.status == 400), (
                    path + query,
                    response.status,
                )
                assert "demo-physio" not in text and "Physio" not in text, path + query
                assert not [m for m in markers if m in text], (path, [m for m in markers if m in text])
            continue
        prefix = next((p for p in ids if path.startswith(p)), None)
        assert prefix is not None, f"{path}: which tenant's id goes here? add it to this walk"
        for foreign in ids[prefix]:
            url = path.replace("{id}", foreign)
            response = await (
                client.get(url) if method == "GET" else client.post(url, data=form, allow_redirects=False)
            )
            assert response.status in (403, 404), (method, url, response.status)
            text = await response.text()
            assert not [m for m in markers if m in text and m != foreign], (url, text[:300])
    assert await written(client) == before
    expected = {
        ("GET", "/portal/day"),
        ("GET", "/portal/appointments/{id}"),
        ("POST", "/portal/appointments/{id}/move"),
        ("POST", "/portal/appointments/{id}/cancel"),
        ("POST", "/portal/appointments/{id}/status"),
        ("GET", "/portal/callbacks"),
        ("POST", "/portal/callbacks/{id}/done"),
        ("GET", "/portal/calls"),
        ("GET", "/portal/calls/{id}"),
        ("GET", "/portal/costs"),
        ("GET", "/portal/users"),
        ("POST", "/portal/users/invite"),
        ("GET", "/portal/balance"),
        ("GET", "/portal/balance/statement"),
    }
    assert expected <= walked
