"""What every portal page needs: the logged-in user, CSRF checks, cookies, and Jinja2 rendering.

* Session cookie ``slotline_session``: HttpOnly, SameSite=Lax, Path=/portal/, Secure when the request
  came over TLS (directly or as ``X-Forwarded-Proto: https`` from a proxy).
* CSRF: a logged-in form carries the session's token; a form before login (login, accept, reset) carries
  the value of the ``slotline_csrf`` cookie (double submit). A missing or wrong token is 403 and nothing
  is written (OWASP CSRF prevention cheat sheet).
* Templates autoescape (Jinja2 ``select_autoescape``), so a customer's name can never become markup.
"""

from __future__ import annotations

import hmac
import secrets
from pathlib import Path
from typing import Any

from aiohttp import web
from jinja2 import Environment, FileSystemLoader, select_autoescape

from agent_functions.context import SERVICES, AppServices
from portal.accounts import User, session_user
from portal.i18n import translator

__all__ = [
    "CSRF_COOKIE",
    "SESSION_COOKIE",
    "anon_csrf",
    "check_csrf",
    "current",
    "render",
    "require_owner",
    "require_user",
    "services",
    "set_session_cookie",
]

SESSION_COOKIE = "slotline_session"
CSRF_COOKIE = "slotline_csrf"
_USER: web.RequestKey[Any] = web.RequestKey("portal_user", object)
_NEW_CSRF: web.RequestKey[str] = web.RequestKey("portal_new_csrf", str)
_ENV = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


def services(request: web.Request) -> AppServices:
    return request.app[SERVICES]


def _secure(request: web.Request) -> bool:
    return request.secure or request.headers.get("X-Forwarded-Proto", "").lower() == "https"


async def current(request: web.Request) -> tuple[User, str] | None:
    """(user, CSRF token) of the request's session cookie, else None (cached on the request)."""
    if _USER not in request:
        svc = services(request)
        request[_USER] = await session_user(svc.db, request.cookies.get(SESSION_COOKIE), svc.clock.now())
    return request[_USER]


async def require_user(request: web.Request) -> tuple[User, str]:
    """The session's (user, csrf) or a redirect to the login page (raises web.HTTPFound)."""
    found = await current(request)
    if found is None:
        raise web.HTTPFound("/portal/login")
    return found


async def require_owner(request: web.Request) -> tuple[User, str]:
    """Like require_user, and 403 for a staff user (billing and user pages are the owner's)."""
    found = await require_user(request)
    if found[0].role != "owner":
        raise web.HTTPForbidden(text="owners only")
    return found


async def check_csrf(request: web.Request, expected: str | None) -> dict[str, str]:
    """The posted form, after checking its ``csrf`` field against ``expected`` (403 when wrong)."""
    form = await request.post()
    sent = str(form.get("csrf", ""))
    if not expected or not sent or not hmac.compare_digest(sent, expected):
        raise web.HTTPForbidden(text="invalid or missing CSRF token")
    return {k: str(v) for k, v in form.items()}


def anon_csrf(request: web.Request) -> str:
    """The double-submit token of a browser without a session (set as a cookie by ``render``)."""
    if CSRF_COOKIE in request.cookies:
        return request.cookies[CSRF_COOKIE]
    if _NEW_CSRF not in request:
        request[_NEW_CSRF] = secrets.token_urlsafe(24)
    return request[_NEW_CSRF]


def set_session_cookie(response: web.StreamResponse, request: web.Request, session_id: str | None) -> None:
    """Set (or with None, clear) the session cookie with the flags above."""
    if session_id is None:
        response.del_cookie(SESSION_COOKIE, path="/portal/")
        return
    response.set_cookie(
        SESSION_COOKIE,
        session_id,
        httponly=True,
        samesite="Lax",
        path="/portal/",
        secure=_secure(request),
        max_age=12 * 3600,
    )


def render(request: web.Request, template: str, *, lang: str = "de", status: int = 200, **context: Any) -> web.Response:
    """The page ``template`` in ``lang`` with ``context``; sets the anonymous CSRF cookie when new."""
    page = _ENV.get_template(template).render(t=translator(lang), lang=lang, **context)
    response = web.Response(
        text=page,
        content_type="text/html",
        status=status,
        headers={
            "Cache-Control": "no-store",
            "X-Frame-Options": "DENY",
            "Content-Security-Policy": "default-src 'self'; style-src 'self' 'unsafe-inline'",
            "Referrer-Policy": "no-referrer",
        },
    )
    if _NEW_CSRF in request:
        response.set_cookie(
            CSRF_COOKIE, request[_NEW_CSRF], httponly=True, samesite="Lax", path="/portal/", secure=_secure(request)
        )
    return response
