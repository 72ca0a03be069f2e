"""Log in, log out, accept an invitation, reset a password: the portal's pages before the day view.

Every POST checks its CSRF token first (403, nothing written). Failed logins answer the same page
and status whether or not the email exists; a lockout says so (the account owner needs to know).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from aiohttp import web
from sqlalchemy import select

from booking_core.storage.portal_models import PortalToken
from portal.accounts import (
    AccountError,
    accept_invitation,
    digest,
    end_session,
    login,
    request_reset,
    reset_password,
)
from portal.web import CSRF_COOKIE, SESSION_COOKIE, anon_csrf, check_csrf, current, render, services, set_session_cookie

__all__ = ["add_auth_routes"]

# accept_invitation / reset_password: (db, token, password, now) -> the user or None; raises AccountError.
SetPassword = Callable[[Any, str, str, datetime], Awaitable[Any]]


def _lang(request: web.Request) -> str:
    asked = request.query.get("lang") or request.headers.get("Accept-Language", "de")[:2]
    return "en" if asked.lower() == "en" else "de"


async def login_page(request: web.Request) -> web.Response:
    if await current(request) is not None:
        raise web.HTTPFound("/portal/day")
    notice = "password_set" if request.query.get("done") else None
    return render(request, "login.html", lang=_lang(request), csrf=anon_csrf(request), notice=notice)


async def login_post(request: web.Request) -> web.Response:
    form = await check_csrf(request, request.cookies.get(CSRF_COOKIE))
    svc = services(request)
    try:
        _user, session_id, _csrf = await login(svc.db, form.get("email", ""), form.get("password", ""), svc.clock.now())
    except AccountError as exc:
        return render(
            request,
            "login.html",
            lang=_lang(request),
            csrf=anon_csrf(request),
            status=401,
            error="locked" if exc.code == "locked" else "login_failed",
            email=form.get("email", ""),
        )
    redirect = web.HTTPFound("/portal/day")
    set_session_cookie(redirect, request, session_id)
    raise redirect


async def logout_post(request: web.Request) -> web.Response:
    found = await current(request)
    await check_csrf(request, found[1] if found else None)
    await end_session(services(request).db, request.cookies.get(SESSION_COOKIE))
    redirect = web.HTTPFound("/portal/login")
    set_session_cookie(redirect, request, None)
    raise redirect


async def _link_holder(request: web.Request, kind: str) -> tuple[str, str] | None:
    """(email, lang) of the URL's one-time link while it is usable (read only; using it is
    ``accounts``' job, in one transaction with the new password), else None."""
    svc = services(request)
    async with svc.db.read() as session:
        row = await session.scalar(
            select(PortalToken).where(PortalToken.token_sha256 == digest(request.match_info["token"]))
        )
    if row is None or row.kind != kind or row.used_at or row.revoked_at or row.expires_at <= svc.clock.now():
        return None
    return row.email, row.lang


async def _password_page(request: web.Request, kind: str, error: str | None = None, status: int = 200) -> web.Response:
    """The set-password form of a link, in the invitee's language with their email; a link that can no
    longer be used says so at once (the same words as after a POST)."""
    holder = await _link_holder(request, "invitation" if kind == "accept" else "reset")
    if holder is None and error is None:
        error, status = "bad_token", 400
    return render(
        request,
        "set_password.html",
        lang=holder[1] if holder else _lang(request),
        csrf=anon_csrf(request),
        action=f"/portal/{kind}/{request.match_info['token']}",
        email=holder[0] if holder else None,
        error=error,
        status=status,
    )


async def accept_page(request: web.Request) -> web.Response:
    return await _password_page(request, "accept")


async def _set_password(request: web.Request, kind: str, apply: SetPassword) -> web.Response:
    """POST of a one-time link's password form (``kind`` accept | reset): 400 with the reason on the same
    page, else on to the login page."""
    form = await check_csrf(request, request.cookies.get(CSRF_COOKIE))
    svc = services(request)
    holder = await _link_holder(request, "invitation" if kind == "accept" else "reset")
    try:
        await apply(svc.db, request.match_info["token"], form.get("password", ""), svc.clock.now())
    except AccountError as exc:
        return await _password_page(request, kind, exc.code, status=400)
    raise web.HTTPFound(f"/portal/login?done=1&lang={holder[1] if holder else _lang(request)}")


async def accept_post(request: web.Request) -> web.Response:
    return await _set_password(request, "accept", accept_invitation)


async def reset_request_page(request: web.Request) -> web.Response:
    return render(request, "reset_request.html", lang=_lang(request), csrf=anon_csrf(request))


async def reset_request_post(request: web.Request) -> web.Response:
    form = await check_csrf(request, request.cookies.get(CSRF_COOKIE))
    svc = services(request)
    await request_reset(svc.db, form.get("email", ""), svc.clock.now(), base_url=_base_url(request))
    return render(request, "reset_request.html", lang=_lang(request), csrf=anon_csrf(request), notice="reset_sent")


async def reset_page(request: web.Request) -> web.Response:
    return await _password_page(request, "reset")


async def reset_post(request: web.Request) -> web.Response:
    return await _set_password(request, "reset", reset_password)


def _base_url(request: web.Request) -> str:
    configured = getattr(services(request).settings, "public_url", None)
    return configured or f"{request.scheme}://{request.host}"


def add_auth_routes(app: web.Application) -> None:
    """Register /portal/login, /portal/logout, /portal/accept/{token}, /portal/reset[/{token}]."""
    app.router.add_get("/portal/login", login_page)
    app.router.add_post("/portal/login", login_post)
    app.router.add_post("/portal/logout", logout_post)
    app.router.add_get("/portal/accept/{token}", accept_page)
    app.router.add_post("/portal/accept/{token}", accept_post)
    app.router.add_get("/portal/reset", reset_request_page)
    app.router.add_post("/portal/reset", reset_request_post)
    app.router.add_get("/portal/reset/{token}", reset_page)
    app.router.add_post("/portal/reset/{token}", reset_post)
