"""The portal's login, invitation and reset pages over real HTTP: cookies, CSRF, fixation, timing."""

from __future__ import annotations

import re
import statistics
import time
from collections.abc import AsyncIterator
from datetime import datetime

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import func, select

from agent_functions.app import create_app
from agent_functions.bootstrap import build_services
from agent_functions.context import SERVICES
from agent_functions.settings import Settings
from booking_core.clock import FrozenClock
from booking_core.storage.portal_models import PortalSession, PortalUser
from booking_core.tenant_file import read_tenant_file
from booking_core.tenant_store import save_tenant
from portal import accounts as acc

NOW = datetime.fromisoformat("2026-11-20T10:00:00+01:00")
PASSWORD = "correct horse battery"


@pytest.fixture
async def client(database_url: str) -> AsyncIterator[TestClient]:
    services = build_services(
        Settings(database_url=database_url, retell_api_keys=["k"], admin_token="t"), FrozenClock(NOW)
    )
    await save_tenant(services.db, read_tenant_file("fixtures/tenants/demo-salon.yaml"), NOW)
    async with TestClient(TestServer(create_app(services))) as test_client:
        yield test_client
    await services.db.dispose()


def csrf_of(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found, page[:500]
    return found.group(1)


async def form_csrf(client: TestClient, path: str, status: int = 200) -> str:
    response = await client.get(path)
    assert response.status == status
    return csrf_of(await response.text())


async def count(client: TestClient, model: object) -> int:
    async with client.app[SERVICES].db.read() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)  # type: ignore[arg-type]


async def invite(client: TestClient, email: str = "anna@salon.example", role: str = "owner") -> str:
    return await acc.invite(client.app[SERVICES].db, tenant_id="demo-salon", email=email, role=role, now=NOW)


async def test_invitation_accept_then_login_sets_a_safe_cookie(client: TestClient) -> None:
    token = await invite(client)
    csrf = await form_csrf(client, f"/portal/accept/{token}")
    accepted = await client.post(
        f"/portal/accept/{token}", data={"csrf": csrf, "password": PASSWORD}, allow_redirects=False
    )
    assert accepted.status == 302 and accepted.headers["Location"] == "/portal/login?done=1&lang=de"
    csrf = await form_csrf(client, "/portal/login")
    logged_in = await client.post(
        "/portal/login", data={"csrf": csrf, "email": "anna@salon.example", "password": PASSWORD}, allow_redirects=False
    )
    assert logged_in.status == 302 and logged_in.headers["Location"] == "/portal/day"
    cookie = next(v for v in logged_in.headers.getall("Set-Cookie") if v.startswith("slotline_session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/portal/" in cookie
    assert "Secure" not in cookie  # plain HTTP here; over TLS (X-Forwarded-Proto: https) it is set
    assert await count(client, PortalSession) == 1


async def test_secure_flag_behind_a_tls_proxy(client: TestClient) -> None:
    token = await invite(client)
    await acc.accept_invitation(client.app[SERVICES].db, token, PASSWORD, NOW)
    csrf = await form_csrf(client, "/portal/login")
    logged_in = await client.post(
        "/portal/login",
        data={"csrf": csrf, "email": "anna@salon.example", "password": PASSWORD},
        headers={"X-Forwarded-Proto": "https"},
        allow_redirects=False,
    )
    cookie = next(v for v in logged_in.headers.getall("Set-Cookie") if v.startswith("slotline_session="))
    assert "Secure" in cookie


@pytest.mark.parametrize("csrf", [None, "", "forged-token"])
async def test_forms_without_the_right_csrf_token_are_refused_and_write_nothing(
    client: TestClient, csrf: str | None
) -> None:
    token = await invite(client)
    await client.get("/portal/login")  # the browser has its CSRF cookie
    data = {"password": PASSWORD} if csrf is None else {"password": PASSWORD, "csrf": csrf}
    refused = await client.post(f"/portal/accept/{token}", data=data, allow_redirects=False)
    assert refused.status == 403
    assert await count(client, PortalUser) == 0
    data = {"email": "anna@salon.example", "password": PASSWORD} | ({} if csrf is None else {"csrf": csrf})
    assert (await client.post("/portal/login", data=data, allow_redirects=False)).status == 403
    assert await count(client, PortalSession) == 0


async def test_a_session_id_planted_before_login_is_not_the_one_after(client: TestClient) -> None:
    token = await invite(client)
    await acc.accept_invitation(client.app[SERVICES].db, token, PASSWORD, NOW)
    planted = "attacker-chosen-session-id"
    client.session.cookie_jar.update_cookies({"slotline_session": planted})
    csrf = await form_csrf(client, "/portal/login")
    logged_in = await client.post(
        "/portal/login", data={"csrf": csrf, "email": "anna@salon.example", "password": PASSWORD}, allow_redirects=False
    )
    issued = logged_in.cookies["slotline_session"].value
    assert issued != planted
    assert await acc.session_user(client.app[SERVICES].db, planted, NOW) is None
    assert await acc.session_user(client.app[SERVICES].db, issued, NOW) is not None


async def test_used_expired_and_tampered_invitation_links_show_an_error(client: TestClient) -> None:
    token = await invite(client)
    fresh = await form_csrf(client, f"/portal/accept/{token}")  # a usable link: the form, with the email
    await acc.accept_invitation(client.app[SERVICES].db, token, PASSWORD, NOW)
    late = await invite(client, "ben@salon.example")
    client.app[SERVICES].clock.advance(24 * 3600)  # exactly 24 h later: expired
    for bad in (token, token[:-1] + ("x" if token[-1] != "x" else "y"), late):
        csrf = await form_csrf(client, f"/portal/accept/{bad}", status=400)  # said at once
        assert csrf == fresh  # the same browser's double-submit token
        page = await client.post(f"/portal/accept/{bad}", data={"csrf": csrf, "password": PASSWORD})
        assert page.status == 400 and "ungültig" in await page.text(), bad
    assert await count(client, PortalUser) == 1


async def test_a_usable_invitation_link_shows_its_email_in_the_invitees_language(client: TestClient) -> None:
    token = await acc.invite(
        client.app[SERVICES].db, tenant_id="demo-salon", email="jo@salon.example", role="staff", now=NOW, lang="en"
    )
    page = await (await client.get(f"/portal/accept/{token}", headers={"Accept-Language": "de-DE"})).text()
    assert 'lang="en"' in page and "jo@salon.example" in page and "New password" in page


async def test_login_timing_does_not_tell_whether_an_email_exists(client: TestClient) -> None:
    token = await invite(client)
    await acc.accept_invitation(client.app[SERVICES].db, token, PASSWORD, NOW)
    csrf = await form_csrf(client, "/portal/login")

    async def timed(email: str) -> float:
        started = time.perf_counter()
        page = await client.post("/portal/login", data={"csrf": csrf, "email": email, "password": "wrong password!"})
        assert page.status == 401
        return time.perf_counter() - started

    known, unknown = [], []
    for i in range(4):  # interleaved, below the lockout's 10 failures per email
        known.append(await timed("anna@salon.example"))
        unknown.append(await timed(f"nobody{i}@salon.example"))
    # Without the dummy verification an unknown email answers in a fraction of the argon2 time.
    assert statistics.median(unknown) > 0.5 * statistics.median(known)


async def test_wrong_login_page_is_the_same_for_known_and_unknown_emails(client: TestClient) -> None:
    token = await invite(client)
    await acc.accept_invitation(client.app[SERVICES].db, token, PASSWORD, NOW)
    csrf = await form_csrf(client, "/portal/login")
    pages = []
    for email in ("anna@salon.example", "nobody@salon.example"):
        page = await client.post("/portal/login", data={"csrf": csrf, "email": email, "password": "wrong password!"})
        pages.append((page.status, (await page.text()).replace(email, "E")))
    assert pages[0] == pages[1]


async def test_logout_ends_the_session(client: TestClient) -> None:
    token = await invite(client)
    await acc.accept_invitation(client.app[SERVICES].db, token, PASSWORD, NOW)
    csrf = await form_csrf(client, "/portal/login")
    await client.post(
        "/portal/login", data={"csrf": csrf, "email": "anna@salon.example", "password": PASSWORD}, allow_redirects=False
    )
    _, session_csrf = await acc.session_user(
        client.app[SERVICES].db,
        client.session.cookie_jar.filter_cookies(client.make_url("/portal/")).get("slotline_session").value,
        NOW,
    ) or (None, "")
    assert (await client.post("/portal/logout", data={"csrf": "wrong"}, allow_redirects=False)).status == 403
    assert await count(client, PortalSession) == 1
    out = await client.post("/portal/logout", data={"csrf": session_csrf}, allow_redirects=False)
    assert out.status == 302 and await count(client, PortalSession) == 0
